package initbin

import (
	"debug/elf"
	"testing"
)

// selfStatic asks the kernel what the test binary's program headers
// say: whether it has an ELF interpreter.
func TestSelfStatic(t *testing.T) {
	f, err := elf.Open("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	static := true
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			static = false
		}
	}
	if got := selfStatic(); got != static {
		t.Errorf("selfStatic() = %v, but the binary's program headers say static = %v", got, static)
	}
}
