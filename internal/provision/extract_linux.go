package provision

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// extractEntry creates one tar entry at name (absolute, inside root): its
// parent is made and opened inside root (pathrs never lets a symlink lead
// out), and the entry itself is created relative to that handle without
// following a symlink at its own name.
func extractEntry(root *os.File, name string, h *tar.Header, r io.Reader) error {
	parent, err := pathrs.MkdirAllHandle(root, path.Dir(name), 0o755)
	if err != nil {
		return err
	}
	defer parent.Close()
	dirfd, base := int(parent.Fd()), path.Base(name)
	mode := uint32(h.Mode & 0o7777)
	switch h.Typeflag {
	case tar.TypeDir:
		if err := unix.Mkdirat(dirfd, base, mode); err != nil && err != unix.EEXIST {
			return err
		}
	case tar.TypeReg:
		fd, err := unix.Openat(dirfd, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
		if err != nil {
			return err
		}
		f := os.NewFile(uintptr(fd), name)
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	case tar.TypeSymlink:
		// Stored as it is: the jail resolves it inside its own root.
		if err := unix.Symlinkat(h.Linkname, dirfd, base); err != nil {
			return err
		}
	case tar.TypeLink:
		target, err := pathrs.OpenatInRoot(root, path.Clean("/"+h.Linkname))
		if err != nil {
			return fmt.Errorf("hard link to %s: %w", h.Linkname, err)
		}
		defer target.Close()
		// Link the file the handle names (AT_EMPTY_PATH needs
		// CAP_DAC_READ_SEARCH, which root has).
		if err := unix.Linkat(int(target.Fd()), "", dirfd, base, unix.AT_EMPTY_PATH); err != nil {
			return err
		}
		return nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		kind := uint32(unix.S_IFIFO)
		switch h.Typeflag {
		case tar.TypeChar:
			kind = unix.S_IFCHR
		case tar.TypeBlock:
			kind = unix.S_IFBLK
		}
		if err := unix.Mknodat(dirfd, base, kind|mode, int(unix.Mkdev(uint32(h.Devmajor), uint32(h.Devminor)))); err != nil {
			return err
		}
	default:
		return nil // pax headers and the like
	}
	unix.Fchownat(dirfd, base, h.Uid, h.Gid, unix.AT_SYMLINK_NOFOLLOW)
	if h.Typeflag != tar.TypeSymlink {
		unix.Fchmodat(dirfd, base, mode, 0)
		mt := unix.NsecToTimespec(h.ModTime.UnixNano())
		unix.UtimesNanoAt(dirfd, base, []unix.Timespec{mt, mt}, unix.AT_SYMLINK_NOFOLLOW)
	}
	return nil
}
