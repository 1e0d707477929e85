package linuxns

import (
	"fmt"
	"slices"
	"unsafe"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// baseDeny are the system calls no jail may make, whatever its allow.*
// parameters: those Docker's default profile denies to a container's root
// because they reach the host's kernel rather than the jail's namespaces
// (modules, kexec, keyrings, swap, the clock, the kernel log, raw I/O
// ports, BPF, perf, file handles, accounting, quotas), plus io_uring and
// userfaultfd, the favourite tools of kernel exploits. Most would fail in
// a user namespace anyway; the filter makes that independent of each
// call's own checks. reboot is allowed: in a jail's pid namespace it only
// ends the jail (how a booted init halts). Names a platform lacks are
// skipped.
var baseDeny = []string{
	"acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
	"delete_module", "fanotify_init", "finit_module", "get_kernel_syms", "init_module",
	"io_uring_enter", "io_uring_register", "io_uring_setup", "ioperm", "iopl",
	"kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "nfsservctl",
	"open_by_handle_at", "perf_event_open", "query_module", "quotactl", "quotactl_fd",
	"request_key", "settimeofday", "stime", "swapoff", "swapon", "_sysctl", "syslog",
	"uselib", "userfaultfd", "ustat", "vm86", "vm86old",
}

// newNamespaces are clone(2)'s and unshare(2)'s flags that make a
// namespace: a jail creates none unless children.max allows it child
// jails, as FreeBSD's does.
const newNamespaces = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
	unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME

// loadJailFilter loads, on the calling thread, the seccomp filters that
// everything started in the jail inherits: the denials above, those of
// the jail's allow.* parameters (cfg.DenySyscalls), namespace creation
// unless cfg.AllowNamespaces, clone3 answering ENOSYS (its flags sit in a
// struct a filter cannot read, so the C library falls back to clone,
// whose flags it can), and any system call newer than the filter's table
// answering ENOSYS too, so that programs fall back rather than take EPERM
// for a refusal.
func loadJailFilter(cfg *InitConfig) error {
	info, err := arch.GetInfo("")
	if err != nil {
		return err
	}
	var deny []string
	for _, name := range append(slices.Clone(baseDeny), cfg.DenySyscalls...) {
		if _, ok := info.SyscallNames[name]; ok && !slices.Contains(deny, name) {
			deny = append(deny, name)
		}
	}
	eperm := seccomp.ActionErrno | seccomp.Action(unix.EPERM)
	groups := []seccomp.SyscallGroup{
		{Names: deny, Action: eperm},
		{Names: []string{"clone3"}, Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)},
	}
	if !cfg.AllowNamespaces {
		newNS := seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.BitsSet, Value: newNamespaces}}
		groups = append(groups, seccomp.SyscallGroup{
			NamesWithCondtions: []seccomp.NameWithConditions{{Name: "clone", Conditions: newNS}, {Name: "unshare", Conditions: newNS}},
			Action:             eperm,
		})
		groups[0].Names = append(groups[0].Names, "setns")
	}
	if err := loadNewerFilter(info); err != nil {
		return fmt.Errorf("seccomp filter for newer system calls: %w", err)
	}
	f := seccomp.Filter{Policy: seccomp.Policy{DefaultAction: seccomp.ActionAllow, Syscalls: groups}}
	if err := seccomp.LoadFilter(f); err != nil {
		return fmt.Errorf("seccomp filter: %w", err)
	}
	return nil
}

// loadNewerFilter loads a filter that answers ENOSYS to every system call
// numbered above the highest that info knows. Filters stack; for a call
// both let through, the other filter's verdict stands.
func loadNewerFilter(info *arch.Info) error {
	highest := 0
	for nr := range info.SyscallNumbers {
		highest = max(highest, nr)
	}
	const (
		archOffset = 4 // struct seccomp_data
		nrOffset   = 0
		retAllow   = 0x7fff0000 // SECCOMP_RET_ALLOW
		retErrno   = 0x00050000 // SECCOMP_RET_ERRNO
	)
	prog, err := bpf.Assemble([]bpf.Instruction{
		bpf.LoadAbsolute{Off: archOffset, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(info.ID), SkipTrue: 3},
		bpf.LoadAbsolute{Off: nrOffset, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpGreaterThan, Val: uint32(highest), SkipFalse: 1},
		bpf.RetConstant{Val: retErrno | uint32(unix.ENOSYS)},
		bpf.RetConstant{Val: retAllow},
	})
	if err != nil {
		return err
	}
	filter := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	fprog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	_, _, errno := unix.RawSyscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&fprog)))
	if errno != 0 {
		return errno
	}
	return nil
}
