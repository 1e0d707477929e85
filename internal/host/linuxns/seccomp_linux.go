package linuxns

import (
	"errors"
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// loadFilters loads filters on the calling thread, in order. Filters
// stack: for a system call, the most restrictive verdict stands. A jail
// without filters is refused rather than run unfiltered.
func loadFilters(filters [][]byte) error {
	if len(filters) == 0 {
		return errors.New("seccomp: the configuration carries no filter")
	}
	for _, prog := range filters {
		n := len(prog) / sockFilterSize
		if n == 0 || len(prog)%sockFilterSize != 0 {
			return fmt.Errorf("seccomp: a filter of %d bytes", len(prog))
		}
		fprog := unix.SockFprog{Len: uint16(n), Filter: (*unix.SockFilter)(unsafe.Pointer(&prog[0]))}
		_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog)))
		if errno != 0 {
			return fmt.Errorf("seccomp filter: %w", errno)
		}
	}
	return nil
}

// sockFilterSize is the size of struct sock_filter: u16 code, u8 jt,
// u8 jf, u32 k.
const sockFilterSize = int(unsafe.Sizeof(unix.SockFilter{}))
