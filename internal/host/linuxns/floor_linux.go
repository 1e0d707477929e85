package linuxns

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// FloorMain runs `vjail __vjail_floor ROOT`: the benchmark's floor, as a
// whole process (Floor), or with "child" before ROOT, the floor's child.
func FloorMain(args []string) int {
	if len(args) == 2 && args[0] == "child" {
		return floorChild(args[1])
	}
	if err := Floor(args[0], floorUIDBase); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// floorUIDBase is where the floor maps its root: the first jail's range.
const floorUIDBase = 0x70000000

// Floor runs the cheapest program that does the kernel work of starting a
// jail, to compare vjail's start against in the same run: it re-executes
// this binary in new user (with the same id mapping as a jail), mount,
// pid, uts, ipc, cgroup and network namespaces, pivot_roots into root and
// runs /bin/true there. root must be reachable by the mapped root (its
// parents searchable by all).
func Floor(root string, uidBase uint32) error {
	cmd := exec.Command("/proc/self/exe", FloorArg, "child", root)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS |
			unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP | unix.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(uidBase), Size: IDRange}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(uidBase), Size: IDRange}},
		Credential:  &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true},
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("floor: %v: %s", err, out)
	}
	return nil
}

// floorChild is the floor's child: private mounts, root bound onto
// itself, pivot_root, exec /bin/true.
func floorChild(root string) int {
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
		return 1
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fail("private", err)
	}
	if err := unix.Mount(root, root, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fail("bind", err)
	}
	if err := unix.Chdir(root); err != nil {
		return fail("chdir", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fail("pivot_root", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fail("umount", err)
	}
	return fail("exec", unix.Exec("/bin/true", []string{"true"}, nil))
}
