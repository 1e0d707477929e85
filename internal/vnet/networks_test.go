package vnet

import (
	"testing"

	"github.com/vjail/vjail/internal/jailconf"
)

// FuzzNetworks: no networks.conf text makes ParseNetworks panic, and what
// it accepts names each network and its addresses.
func FuzzNetworks(f *testing.F) {
	for _, src := range []string{
		"bridge0 { addr = \"192.168.2.3/24\"; member = em0; }",
		"jails0 { addr = \"10.0.0.1/24\", \"2001:db8::1/64\"; nat = em0; rdr = \"tcp 8080 10.0.0.10:80\"; binat = \"203.0.113.20 10.0.0.11\"; }",
		"x { rdr = \"sctp 1 2\"; }",
		"* { addr = 1; }",
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cfg, diags := jailconf.Loader{ReadFile: func(string) ([]byte, error) { return []byte(src), nil }}.LoadFile("networks.conf")
		if diags.HasErrors() {
			return
		}
		nets, err := ParseNetworks(cfg)
		if err != nil {
			return
		}
		for _, n := range nets {
			if n.Name == "" {
				t.Fatalf("%q: a network without a name", src)
			}
			for _, a := range n.addrs {
				if a == nil || a.IP == nil {
					t.Fatalf("%q: network %s has an empty address", src, n.Name)
				}
			}
		}
	})
}
