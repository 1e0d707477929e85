package vnet

import (
	"errors"
	"testing"

	"github.com/vishvananda/netlink"
)

// TestRetryDump: an interrupted dump is read again; another error is not;
// attempts are bounded.
func TestRetryDump(t *testing.T) {
	calls := 0
	got, err := RetryDump(func() ([]int, error) {
		if calls++; calls < 3 {
			return []int{1}, netlink.ErrDumpInterrupted
		}
		return []int{1, 2}, nil
	})
	if err != nil || len(got) != 2 || calls != 3 {
		t.Errorf("RetryDump = %v, %v after %d calls; want [1 2] after 3", got, err, calls)
	}
	other := errors.New("no such device")
	calls = 0
	if _, err := RetryDump(func() ([]int, error) { calls++; return nil, other }); err != other || calls != 1 {
		t.Errorf("another error: %v after %d calls, want it at once", err, calls)
	}
	calls = 0
	if _, err := RetryDump(func() ([]int, error) { calls++; return nil, netlink.ErrDumpInterrupted }); !errors.Is(err, netlink.ErrDumpInterrupted) || calls != dumpAttempts {
		t.Errorf("always interrupted: %v after %d calls, want %d", err, calls, dumpAttempts)
	}
}
