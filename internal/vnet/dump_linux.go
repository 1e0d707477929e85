package vnet

import (
	"errors"

	"github.com/vishvananda/netlink"
)

// dumpAttempts bounds RetryDump: a dump is interrupted when the set it
// reads changes meanwhile, and even a host starting jails by the hundred
// settles within a few tries.
const dumpAttempts = 5

// RetryDump runs a netlink dump (LinkList, AddrList, ...) again while the
// kernel marks it interrupted, which netlink reports as
// ErrDumpInterrupted with partial results. After the last attempt the
// partial results come back with the error, for callers that can use them.
func RetryDump[T any](dump func() ([]T, error)) ([]T, error) {
	for i := 1; ; i++ {
		v, err := dump()
		if !errors.Is(err, netlink.ErrDumpInterrupted) || i == dumpAttempts {
			return v, err
		}
	}
}
