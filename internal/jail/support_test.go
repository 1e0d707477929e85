package jail

import (
	"testing"

	"github.com/vjail/vjail/internal/jailconf"
)

// TestLinuxSupportComplete keeps the Linux table in step with the
// parameter table: every known parameter has an explicit answer, and the
// table names no parameter that does not exist.
func TestLinuxSupportComplete(t *testing.T) {
	known := map[string]bool{}
	for _, p := range jailconf.Params() {
		known[p.Name] = true
		s, ok := linuxSupport[p.Name]
		if !ok {
			t.Errorf("linuxSupport has no entry for %q", p.Name)
			continue
		}
		if s.How == "" {
			t.Errorf("linuxSupport[%q].How is empty", p.Name)
		}
		if s.FalseIsNative && p.Kind != jailconf.KindBool {
			t.Errorf("linuxSupport[%q].FalseIsNative is set on a %s parameter", p.Name, p.Kind)
		}
	}
	for name := range linuxSupport {
		if !known[name] {
			t.Errorf("linuxSupport names %q, which is not a known parameter", name)
		}
	}
}

func TestConcerns(t *testing.T) {
	cfg, diags := jailconf.Loader{}.LoadFile("../../examples/seed/jail.conf")
	jails, rd := cfg.Resolve()
	if len(diags)+len(rd) > 0 {
		t.Fatal(diags, rd)
	}
	j := jails[0]
	j.Params = append(j.Params,
		jailconf.ResolvedParam{Name: "allow.nochflags"},                      // false: honoured
		jailconf.ResolvedParam{Name: "allow.chflags", Values: []string{"0"}}, // false: honoured
		jailconf.ResolvedParam{Name: "securelevel", Values: []string{"3"}},   // not honoured
	)
	var got []string
	for _, c := range linuxConcerns(j) {
		got = append(got, c.Param.Name+":"+c.Support.Level.String())
	}
	want := []string{"devfs_ruleset:partial", "securelevel:unsupported"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("linuxConcerns(seed + extras) = %q, want %q", got, want)
	}
}
