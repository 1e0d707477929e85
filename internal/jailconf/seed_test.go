package jailconf

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSeed resolves the seed talk's jail.conf to the parameters FreeBSD's
// jail(8) sets for serverA: the global parameters (one pseudo-jail placed
// before serverA) with ${name} expanded, then serverA's own vnet.
func TestSeed(t *testing.T) {
	cfg, diags := Loader{}.LoadFile("../../examples/seed/jail.conf")
	jails, rd := cfg.Resolve()
	diags = append(diags, rd...)
	diags = append(diags, Check(cfg, jails)...)
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	type kv struct {
		Name   string
		Values []string
	}
	var got []kv
	for _, p := range jails[0].Params {
		got = append(got, kv{p.Name, p.Values})
	}
	want := []kv{
		{"name", []string{"serverA"}},
		{"host.hostname", []string{"serverA.allbsd.org"}},
		{"path", []string{"/jails/serverA"}},
		{"exec.clean", nil},
		{"exec.system_user", []string{"root"}},
		{"exec.jail_user", []string{"root"}},
		{"exec.start", []string{"/bin/sh /etc/rc"}},
		{"exec.stop", []string{""}},
		{"exec.consolelog", []string{"/var/log/jail_serverA_console.log"}},
		{"mount.devfs", nil},
		{"devfs_ruleset", []string{"10"}},
		{"mount.fdescfs", nil},
		{"mount", []string{"procfs /jails/serverA/proc procfs rw 0 0"}},
		{"allow.mount", nil},
		{"allow.set_hostname", []string{"0"}},
		{"allow.sysvipc", nil},
		{"allow.raw_sockets", nil},
		{"vnet", nil},
	}
	if len(jails) != 1 || jails[0].Name != "serverA" {
		t.Fatalf("jails = %v, want serverA only", render(jails))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("serverA parameters (-want +got):\n%s", diff)
	}
	j := jails[0]
	if !j.Bool("vnet") || !j.Bool("allow.mount") || j.Bool("allow.set_hostname") || !j.Bool("exec.clean") {
		t.Errorf("serverA booleans: vnet=%v allow.mount=%v allow.set_hostname=%v exec.clean=%v; want true true false true",
			j.Bool("vnet"), j.Bool("allow.mount"), j.Bool("allow.set_hostname"), j.Bool("exec.clean"))
	}
}
