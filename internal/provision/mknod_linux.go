package provision

import "syscall"

// mknodLike makes a device node or FIFO like the one st describes.
func mknodLike(path string, st *syscall.Stat_t) error {
	return syscall.Mknod(path, st.Mode, int(st.Rdev))
}
