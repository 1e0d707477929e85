package assemble

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// TestAllowUnruledChangesNothing runs every jail's main filter with and
// without its prefix (allowUnruled) on every system call number of this
// ABI, of x32 and of i386, with first arguments that the rules look at:
// the prefix must only shorten the way to the same verdict.
func TestAllowUnruledChangesNothing(t *testing.T) {
	info, err := arch.GetInfo("")
	if err != nil {
		t.Skip(err)
	}
	denySets := [][]string{nil, {"sethostname", "setdomainname", "mount", "umount2", "pivot_root", "shmget", "semget", "msgget"}}
	args := []uint64{0, 1, 2, 10, 16, 17, 38, 40, uint64(unix.SIGCHLD), unix.CLONE_NEWNS, unix.CLONE_NEWUSER | uint64(unix.SIGCHLD),
		unix.CLONE_NEWNET, unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_THREAD | unix.CLONE_SIGHAND, 1 << 40}
	arches := []uint32{uint32(info.ID), 0x40000003} // this ABI, i386
	checked := 0
	for _, deny := range denySets {
		for _, namespaces := range []bool{false, true} {
			for _, allFamilies := range []bool{false, true} {
				rules, prefix, err := mainFilter(info, jailGroups(info, deny, namespaces, allFamilies))
				if err != nil {
					t.Fatal(err)
				}
				with, err := bpf.NewVM(append(prefix, rules...))
				if err != nil {
					t.Fatal(err)
				}
				without, err := bpf.NewVM(rules)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range arches {
					for _, base := range []uint32{0, 0x40000000} {
						for nr := base; nr < base+600; nr++ {
							for _, arg := range args {
								data := seccompData(nr, a, arg)
								got, err1 := with.Run(data)
								want, err2 := without.Run(data)
								if err1 != nil || err2 != nil || got != want {
									t.Fatalf("deny %v, namespaces %v, all families %v: system call %#x, arch %#x, arg %#x: %#x (%v) with the prefix, %#x (%v) without",
										deny, namespaces, allFamilies, nr, a, arg, got, err1, want, err2)
								}
								checked++
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d verdicts alike", checked)
}

// seccompData is struct seccomp_data for x/net/bpf's VM, which loads
// words big-endian: each 32-bit word the kernel's filter loads (a 64-bit
// argument as its low word, then its high word, on a little-endian
// machine) is written so.
func seccompData(nr, archID uint32, arg0 uint64) []byte {
	b := make([]byte, 64)
	binary.BigEndian.PutUint32(b[0:], nr)
	binary.BigEndian.PutUint32(b[4:], archID)
	binary.BigEndian.PutUint32(b[16:], uint32(arg0))
	binary.BigEndian.PutUint32(b[20:], uint32(arg0>>32))
	return b
}

// TestOneFilterAsTwo: Jail's one filter, the ABI checks followed by the
// rules, gives every system call the verdict the kernel gave when they
// were two filters loaded one after the other (the ABI's, then the
// rules'): of two verdicts it keeps the action that comes first in
// seccomp's precedence, the later filter's on a tie.
func TestOneFilterAsTwo(t *testing.T) {
	info, err := arch.GetInfo("")
	if err != nil {
		t.Skip(err)
	}
	const allow = 0x7fff0000
	abi, err := bpf.NewVM(append(abiChecks(info), bpf.RetConstant{Val: allow}))
	if err != nil {
		t.Fatal(err)
	}
	action := func(ret uint32) int32 { return int32(ret & 0xffff0000) }
	checked := 0
	for _, deny := range [][]string{nil, {"sethostname", "mount", "shmget"}} {
		for _, namespaces := range []bool{false, true} {
			for _, allFamilies := range []bool{false, true} {
				filters, err := Jail(deny, namespaces, allFamilies)
				if err != nil || len(filters) != 1 {
					t.Fatalf("Jail = %d filters, %v; want one", len(filters), err)
				}
				one, err := vmOf(filters[0])
				if err != nil {
					t.Fatal(err)
				}
				rules, prefix, err := mainFilter(info, jailGroups(info, deny, namespaces, allFamilies))
				if err != nil {
					t.Fatal(err)
				}
				main, err := bpf.NewVM(append(prefix, rules...))
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range []uint32{uint32(info.ID), 0x40000003} {
					for _, base := range []uint32{0, 0x40000000} {
						for nr := base; nr < base+600; nr++ {
							for _, arg := range []uint64{0, unix.AF_INET, unix.AF_ALG, unix.CLONE_NEWNET} {
								data := seccompData(nr, a, arg)
								got, err1 := one.Run(data)
								first, err2 := main.Run(data)
								second, err3 := abi.Run(data)
								want := first
								if action(uint32(second)) < action(uint32(first)) {
									want = second
								}
								if err1 != nil || err2 != nil || err3 != nil || got != want {
									t.Fatalf("deny %v, namespaces %v, all families %v: system call %#x, arch %#x, arg %#x: %#x from the one filter, %#x from the two (%v %v %v)",
										deny, namespaces, allFamilies, nr, a, arg, got, want, err1, err2, err3)
								}
								checked++
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d verdicts alike", checked)
}

// vmOf loads an assembled filter (a struct sock_filter array) into
// x/net/bpf's VM.
func vmOf(prog []byte) (*bpf.VM, error) {
	var raw []bpf.RawInstruction
	for ; len(prog) >= 8; prog = prog[8:] {
		raw = append(raw, bpf.RawInstruction{Op: binary.NativeEndian.Uint16(prog), Jt: prog[2], Jf: prog[3], K: binary.NativeEndian.Uint32(prog[4:])})
	}
	insts, ok := bpf.Disassemble(raw)
	if !ok {
		return nil, fmt.Errorf("filter does not disassemble")
	}
	return bpf.NewVM(insts)
}
