//go:build !linux

package provision

import (
	"errors"
	"syscall"
)

// mknodLike is not needed where jails get their /dev from devfs.
func mknodLike(path string, st *syscall.Stat_t) error {
	return errors.ErrUnsupported
}
