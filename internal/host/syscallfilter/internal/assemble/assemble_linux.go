// Package assemble assembles a jail's seccomp filters with
// elastic/go-seccomp-bpf. syscallfilter keeps what it assembles for the
// machine the tables were generated on (go generate), so that vjail does
// not link the library's syscall tables, and calls it on other
// architectures.
package assemble

import (
	"encoding/binary"
	"fmt"
	"slices"

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

// socketFamilies are the address families a jail without
// allow.socket_af may use, FreeBSD's (local, IPv4, IPv6, route) in Linux
// terms: AF_NETLINK is the routing socket, and AF_PACKET, which the DHCP
// client needs, also needs CAP_NET_RAW (allow.raw_sockets). The others
// (AF_ALG, AF_VSOCK, AF_XDP, AF_KEY, AF_TIPC, ...) answer EAFNOSUPPORT,
// as FreeBSD's socreate does: a jail's root cannot reach the kernel code
// behind them, nor have their modules loaded on its behalf.
var socketFamilies = []int{unix.AF_UNIX, unix.AF_INET, unix.AF_INET6, unix.AF_NETLINK, unix.AF_PACKET}

// newNamespaces are clone(2)'s and unshare(2)'s flags that make a
// namespace: a jail creates none unless children.max allows it child
// jails, as FreeBSD's does.
const newNamespaces = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
	unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWTIME

// Jail assembles the seccomp filters that everything started in a
// jail inherits: the denials above, deny (those of the jail's allow.*
// parameters), namespace creation unless namespaces, address
// families beyond socketFamilies unless allSocketFamilies, clone3
// answering ENOSYS (its flags sit in a struct a filter cannot read, so the
// C library falls back to clone, whose flags it can), and any system call
// newer than the filter's table answering ENOSYS too, so that programs
// fall back rather than take EPERM for a refusal, and every system call
// of another ABI (i386's, through int $0x80 on amd64) answering ENOSYS:
// the rules are written in this ABI's numbers, and the library's filter
// lets other ABIs through unexamined, past all of them.
func Jail(deny []string, namespaces, allSocketFamilies bool) ([][]byte, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return nil, err
	}
	groups := jailGroups(info, deny, namespaces, allSocketFamilies)
	rules, prefix, err := mainFilter(info, groups)
	if err != nil {
		return nil, fmt.Errorf("seccomp filter: %w", err)
	}
	// One filter: each one a process loads costs the kernel a compilation
	// and a pass over every system call number (60 µs here for the ABI
	// checks alone), and runs on each system call the cache does not
	// answer.
	filter, err := assemble(slices.Concat(abiChecks(info), prefix, rules))
	if err != nil {
		return nil, fmt.Errorf("seccomp filter: %w", err)
	}
	return [][]byte{filter}, nil
}

// mainFilter returns the library's filter of groups, and the prefix that
// goes before it (allowUnruled).
func mainFilter(info *arch.Info, groups []seccomp.SyscallGroup) (rules, prefix []bpf.Instruction, err error) {
	policy := seccomp.Policy{DefaultAction: seccomp.ActionAllow, Syscalls: groups}
	if rules, err = policy.Assemble(); err != nil {
		return nil, nil, err
	}
	var ruled []uint32
	for _, g := range groups {
		for _, name := range g.Names {
			ruled = append(ruled, uint32(info.SyscallNames[name]))
		}
		for _, nc := range g.NamesWithCondtions {
			nr, ok := info.SyscallNames[nc.Name]
			if !ok {
				return nil, nil, fmt.Errorf("no system call %s here", nc.Name)
			}
			ruled = append(ruled, uint32(nr))
		}
	}
	prefix, err = allowUnruled(info, ruled)
	return rules, prefix, err
}

// jailGroups are the library's rules for Jail's arguments.
func jailGroups(info *arch.Info, deny []string, namespaces, allSocketFamilies bool) []seccomp.SyscallGroup {
	var names []string
	for _, name := range append(slices.Clone(baseDeny), deny...) {
		if _, ok := info.SyscallNames[name]; ok && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	eperm := seccomp.ActionErrno | seccomp.Action(unix.EPERM)
	groups := []seccomp.SyscallGroup{
		{Names: names, Action: eperm},
		{Names: []string{"clone3"}, Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS)},
	}
	if !allSocketFamilies {
		// Each condition must hold: a family that is none of these.
		var other seccomp.ArgumentConditions
		for _, af := range socketFamilies {
			other = append(other, seccomp.Condition{Argument: 0, Operation: seccomp.NotEqual, Value: uint64(af)})
		}
		groups = append(groups, seccomp.SyscallGroup{
			NamesWithCondtions: []seccomp.NameWithConditions{{Name: "socket", Conditions: other}, {Name: "socketpair", Conditions: other}},
			Action:             seccomp.ActionErrno | seccomp.Action(unix.EAFNOSUPPORT),
		})
	}
	if !namespaces {
		newNS := seccomp.ArgumentConditions{{Argument: 0, Operation: seccomp.BitsSet, Value: newNamespaces}}
		groups = append(groups, seccomp.SyscallGroup{
			NamesWithCondtions: []seccomp.NameWithConditions{{Name: "clone", Conditions: newNS}, {Name: "unshare", Conditions: newNS}},
			Action:             eperm,
		})
		groups[0].Names = append(groups[0].Names, "setns")
	}
	return groups
}

// allowUnruled is a prefix to the library's filter that allows at once
// every system call of info's ABI that no rule names (ruled), found by a
// binary search, and leads the others, and every other ABI's, to the
// library's filter (after the prefix). The library tests a system call
// against each rule in turn; the kernel runs a filter for every system
// call number when it loads it (to cache which it always allows), and
// with a linear filter of a hundred rules that took a quarter of a
// millisecond of every jail's start.
func allowUnruled(info *arch.Info, ruled []uint32) ([]bpf.Instruction, error) {
	const (
		archOffset = 4
		nrOffset   = 0
		retAllow   = 0x7fff0000
		x32Bit     = 0x40000000 // x32's system calls, and beyond: the library's
	)
	slices.Sort(ruled)
	ruled = slices.Compact(ruled)
	// toRules marks the jumps to the library's filter, patched below.
	var toRules []int
	var prog []bpf.Instruction
	jump := func(cond bpf.JumpTest, val uint32) {
		toRules = append(toRules, len(prog))
		prog = append(prog, bpf.JumpIf{Cond: cond, Val: val})
	}
	prog = append(prog, bpf.LoadAbsolute{Off: archOffset, Size: 4})
	jump(bpf.JumpNotEqual, uint32(info.ID))
	prog = append(prog, bpf.LoadAbsolute{Off: nrOffset, Size: 4})
	jump(bpf.JumpGreaterOrEqual, x32Bit)
	// search emits: a number of set goes to the rules, any other is
	// allowed; a node sends the upper half past the lower half's code.
	var search func(set []uint32)
	search = func(set []uint32) {
		if len(set) <= 3 {
			for _, nr := range set {
				jump(bpf.JumpEqual, nr)
			}
			prog = append(prog, bpf.RetConstant{Val: retAllow})
			return
		}
		mid := len(set) / 2
		node := len(prog)
		prog = append(prog, bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: set[mid]})
		search(set[:mid])
		skip := len(prog) - node - 1
		if skip > 255 {
			panic("seccomp prefix: a jump beyond 255 instructions")
		}
		prog[node] = bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: set[mid], SkipTrue: uint8(skip)}
		search(set[mid:])
	}
	search(ruled)
	for _, at := range toRules {
		skip := len(prog) - at - 1
		if skip > 255 {
			return nil, fmt.Errorf("a prefix of %d instructions: a jump beyond 255", len(prog))
		}
		j := prog[at].(bpf.JumpIf)
		j.SkipTrue = uint8(skip)
		prog[at] = j
	}
	return prog, nil
}

// abiChecks answer ENOSYS to every system call of an ABI other than
// info's, and to every one numbered above the highest that info knows,
// and fall through to what follows them for the others. 32-bit programs
// (i386 on amd64) therefore cannot run in a jail, as FreeBSD's can under
// COMPAT_FREEBSD32: their system calls would need rules of their own,
// which the library assembles for the running architecture only.
func abiChecks(info *arch.Info) []bpf.Instruction {
	highest := 0
	for nr := range info.SyscallNumbers {
		highest = max(highest, nr)
	}
	const (
		archOffset = 4 // struct seccomp_data
		nrOffset   = 0
		retErrno   = 0x00050000 // SECCOMP_RET_ERRNO
	)
	return []bpf.Instruction{
		bpf.LoadAbsolute{Off: archOffset, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpNotEqual, Val: uint32(info.ID), SkipTrue: 2},
		bpf.LoadAbsolute{Off: nrOffset, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpGreaterThan, Val: uint32(highest), SkipFalse: 1},
		bpf.RetConstant{Val: retErrno | uint32(unix.ENOSYS)},
		// The rules follow.
	}
}

// assemble turns instructions into the bytes of a struct sock_filter
// array (u16 code, u8 jt, u8 jf, u32 k), in this machine's byte order.
func assemble(insts []bpf.Instruction) ([]byte, error) {
	raw, err := bpf.Assemble(insts)
	if err != nil {
		return nil, err
	}
	prog := make([]byte, 0, len(raw)*8)
	for _, in := range raw {
		prog = binary.NativeEndian.AppendUint16(prog, in.Op)
		prog = append(prog, in.Jt, in.Jf)
		prog = binary.NativeEndian.AppendUint32(prog, in.K)
	}
	return prog, nil
}
