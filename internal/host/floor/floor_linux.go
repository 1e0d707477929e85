// Package floor is the benchmark's floor: the cheapest program that does
// the kernel work of starting a jail, to compare vjail's start against in
// the same run. It uses the standard library only, so that the binary
// build.sh makes of it (cmd/vjail-floor) pays for nothing but Go's own
// runtime: a process that re-executes itself into new user (mapped as a
// jail's), mount, pid, uts, ipc, cgroup and network namespaces, whose
// child makes its mounts private, pivot_roots into the jail's root and
// executes /bin/true there.
package floor

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

// Arg is the argument that makes a binary run the floor:
// `BINARY __vjail_floor ROOT UIDBASE SIZE`, or with "child" before ROOT
// for the floor's child.
const Arg = "__vjail_floor"

// Main runs the floor with the arguments that follow Arg and returns the
// process's exit status.
func Main(args []string) int {
	if len(args) == 2 && args[0] == "child" {
		return child(args[1])
	}
	if len(args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: "+Arg+" ROOT UIDBASE SIZE")
		return 2
	}
	base, err1 := strconv.Atoi(args[1])
	size, err2 := strconv.Atoi(args[2])
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "floor: UIDBASE and SIZE are numbers")
		return 2
	}
	cmd := exec.Command("/proc/self/exe", Arg, "child", args[0])
	ids := []syscall.SysProcIDMap{{ContainerID: 0, HostID: base, Size: size}}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWUTS |
			syscall.CLONE_NEWIPC | syscall.CLONE_NEWCGROUP | syscall.CLONE_NEWNET,
		UidMappings: ids,
		GidMappings: ids,
		Credential:  &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true},
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v: %s\n", err, out)
		return 1
	}
	return 0
}

// child is the floor's child: private mounts, root bound onto itself,
// pivot_root, exec /bin/true.
func child(root string) int {
	fail := func(what string, err error) int {
		fmt.Fprintf(os.Stderr, "floor: %s: %v\n", what, err)
		return 1
	}
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fail("private", err)
	}
	if err := syscall.Mount(root, root, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
		return fail("bind", err)
	}
	if err := syscall.Chdir(root); err != nil {
		return fail("chdir", err)
	}
	if err := syscall.PivotRoot(".", "."); err != nil {
		return fail("pivot_root", err)
	}
	if err := syscall.Unmount(".", syscall.MNT_DETACH); err != nil {
		return fail("umount", err)
	}
	return fail("exec", syscall.Exec("/bin/true", []string{"true"}, nil))
}
