package linuxns

import (
	"errors"
	"fmt"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// What a jail's /proc and /sys hide or keep read-only: the lists of
// runc's and Docker's default configuration, which their escapes taught.
// Masked files read as /dev/null, masked directories as an empty
// read-only tmpfs.
var (
	procMasked   = []string{"acpi", "asound", "interrupts", "kcore", "keys", "latency_stats", "sched_debug", "scsi", "timer_list", "timer_stats"}
	procReadOnly = []string{"bus", "fs", "irq", "sys", "sysrq-trigger"}
	sysMasked    = []string{"firmware", "devices/virtual/powercap"}
)

// hardenProc masks and write-protects the procfs just mounted at target
// in the jail's root, after checking that it is one (CVE-2019-16884: a
// jail must not get to put something else where /proc is expected). In a
// vnet jail /proc/sys/net stays writable: the jail's root tunes its own
// network stack there, and nothing else.
func hardenProc(root *os.File, target string, vnet bool) error {
	proc, err := openMounted(root, target, unix.PROC_SUPER_MAGIC, "procfs", procMasked)
	if err != nil {
		return err
	}
	defer proc.Close()
	for _, name := range procReadOnly {
		if err := setReadOnly(proc, name, true); err != nil {
			return fmt.Errorf("make %s/%s read-only: %w", target, name, err)
		}
	}
	if vnet {
		if err := setReadOnly(proc, "sys/net", false); err != nil {
			return fmt.Errorf("make %s/sys/net writable: %w", target, err)
		}
	}
	return nil
}

// hardenSys masks what the host's firmware and power capping show in the
// read-only sysfs just mounted at target, and mounts the jail's cgroup
// tree, scoped by its cgroup namespace and read-only, at fs/cgroup.
func hardenSys(root *os.File, target string) error {
	sys, err := openMounted(root, target, unix.SYSFS_MAGIC, "sysfs", sysMasked)
	if err != nil {
		return err
	}
	defer sys.Close()
	cg, ok, err := openIfThere(sys, "fs/cgroup")
	if !ok {
		return err
	}
	defer unix.Close(cg)
	// Mounting over sysfs needs the empty directory its cgroup entry is.
	err = unix.Mount("cgroup2", fmt.Sprintf("/proc/self/fd/%d", cg), "cgroup2", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	if err != nil && !errors.Is(err, unix.ENODEV) {
		return fmt.Errorf("cgroup2 on %s/fs/cgroup: %w", target, err)
	}
	return nil
}

// openMounted opens the file system just mounted at target in the jail's
// root, checks by its magic number that it is the one mounted (name), and
// masks the entries of masked in it.
func openMounted(root *os.File, target string, magic int64, name string, masked []string) (*os.File, error) {
	dir, err := pathrs.OpenatInRoot(root, target)
	if err != nil {
		return nil, err
	}
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(dir.Fd()), &st); err != nil || st.Type != magic {
		dir.Close()
		return nil, fmt.Errorf("%s is not the %s just mounted there", target, name)
	}
	for _, m := range masked {
		if err := mask(dir, m); err != nil {
			dir.Close()
			return nil, fmt.Errorf("mask %s/%s: %w", target, m, err)
		}
	}
	return dir, nil
}

// openBeneath opens name under dir as an O_PATH handle, refusing any
// symlink and any step out of dir.
func openBeneath(dir *os.File, name string) (int, error) {
	return unix.Openat2(int(dir.Fd()), name, &unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
}

// openIfThere is openBeneath for a name this kernel may lack: ok is false
// (with a nil error) when it is absent, and there is nothing to do.
func openIfThere(dir *os.File, name string) (fd int, ok bool, err error) {
	fd, err = openBeneath(dir, name)
	if errors.Is(err, unix.ENOENT) {
		return -1, false, nil
	}
	return fd, err == nil, err
}

// mask hides name under dir: /dev/null over a file, an empty read-only
// tmpfs over a directory. A name this kernel lacks is nothing to hide.
func mask(dir *os.File, name string) error {
	fd, ok, err := openIfThere(dir, name)
	if !ok {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	path := fmt.Sprintf("/proc/self/fd/%d", fd)
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return unix.Mount("tmpfs", path, "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0,mode=555")
	}
	// Still the host's /dev/null: the jail's root is not pivoted into yet.
	return unix.Mount("/dev/null", path, "", unix.MS_BIND, "")
}

// setReadOnly puts a read-only (or, with readOnly false, a writable) bind
// of name over itself, through a detached clone, so that each step acts
// on the handle it holds and never on a path that could change meanwhile.
func setReadOnly(dir *os.File, name string, readOnly bool) error {
	fd, ok, err := openIfThere(dir, name)
	if !ok {
		return err
	}
	defer unix.Close(fd)
	tree, err := unix.OpenTree(fd, "", unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC|unix.AT_EMPTY_PATH|unix.AT_RECURSIVE)
	if err != nil {
		return err
	}
	defer unix.Close(tree)
	attr := unix.MountAttr{}
	if readOnly {
		attr.Attr_set = unix.MOUNT_ATTR_RDONLY
	} else {
		attr.Attr_clr = unix.MOUNT_ATTR_RDONLY
	}
	if err := unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH|unix.AT_RECURSIVE, &attr); err != nil {
		return err
	}
	return unix.MoveMount(tree, "", fd, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
}
