package vnet

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/vjail/vjail/internal/jailconf"
)

// DefaultNetworksFile is where the host's side of jail networks is
// declared, in jail.conf's grammar.
const DefaultNetworksFile = "/etc/vjail/networks.conf"

// Network is one host network: a bridge the jails' epairs join, the host's
// addresses on it, host NICs on it (the seed's method 2), and the host as
// a router with NAT for it (method 3).
type Network struct {
	// Name is the bridge's name, the block's name in networks.conf.
	Name string   `json:"name"`
	Pos  string   `json:"pos"`
	Addr []string `json:"addr,omitempty"`
	// Member are host NICs put on the bridge.
	Member []string `json:"member,omitempty"`
	// NAT names the uplink through which the network's traffic is
	// masqueraded, IPv4 and IPv6 (for each of the network's prefixes);
	// rdr and binat work on that uplink.
	NAT   string  `json:"nat,omitempty"`
	Rdr   []Rdr   `json:"rdr,omitempty"`
	BiNAT []BiNAT `json:"binat,omitempty"`

	addrs []*net.IPNet
}

// Rdr redirects a port of the uplink to a jail (pf's rdr).
type Rdr struct {
	Proto  string `json:"proto"`
	Port   uint16 `json:"port"`
	To     net.IP `json:"to"`
	ToPort uint16 `json:"to_port"`
}

// BiNAT maps an outside address to a jail's, both ways (pf's binat).
type BiNAT struct {
	Outside net.IP `json:"outside"`
	Inside  net.IP `json:"inside"`
}

// Prefixes are the networks of the host's addresses on the bridge.
func (n *Network) Prefixes() []*net.IPNet { return n.addrs }

// ParseNetworks reads networks.conf: one block per bridge, e.g.
//
//	bridge0 { addr = "192.168.2.3/24"; member = em0; }
//	jails0 {
//		addr = "10.0.0.1/24";
//		nat = eth0;
//		rdr = "tcp 8080 10.0.0.10:80";
//		binat = "203.0.113.10 10.0.0.11";
//	}
//
// Errors carry FILE:LINE:COL.
func ParseNetworks(cfg *jailconf.Config) ([]*Network, error) {
	jails, diags := cfg.Resolve()
	if err := diags.Err(); err != nil {
		return nil, err
	}
	var errs []error
	var out []*Network
	for _, j := range jails {
		n := &Network{Name: j.Name, Pos: j.Pos.String()}
		if err := checkIfName(n.Name); err != nil {
			errs = append(errs, fmt.Errorf("%s: network %q: %w", j.Pos, n.Name, err))
		}
		for _, p := range j.Params {
			if p.Implicit {
				continue
			}
			bad := func(format string, args ...any) {
				errs = append(errs, fmt.Errorf("%s: network %s: %s: %s", p.Pos, n.Name, p.Name, fmt.Sprintf(format, args...)))
			}
			switch p.Name {
			case "addr":
				for _, v := range p.Values {
					ip, prefix, err := net.ParseCIDR(v)
					if err != nil {
						bad("%q is not an address with a prefix length (192.168.2.3/24)", v)
						continue
					}
					n.Addr = append(n.Addr, v)
					n.addrs = append(n.addrs, &net.IPNet{IP: ip, Mask: prefix.Mask})
				}
			case "member":
				n.Member = append(n.Member, p.Values...)
			case "nat":
				if len(p.Values) != 1 {
					bad("name one uplink")
					continue
				}
				n.NAT = p.Values[0]
			case "rdr":
				for _, v := range p.Values {
					r, err := parseRdr(v)
					if err != nil {
						bad("%v", err)
						continue
					}
					n.Rdr = append(n.Rdr, r)
				}
			case "binat":
				for _, v := range p.Values {
					f := strings.Fields(v)
					var out, in net.IP
					if len(f) == 2 {
						out, in = net.ParseIP(f[0]).To4(), net.ParseIP(f[1]).To4()
					}
					if out == nil || in == nil {
						bad("%q: write OUTSIDE-ADDRESS JAIL-ADDRESS, both IPv4", v)
						continue
					}
					n.BiNAT = append(n.BiNAT, BiNAT{Outside: out, Inside: in})
				}
			default:
				bad("unknown (a network has addr, member, nat, rdr and binat)")
			}
		}
		if (len(n.Rdr) > 0 || len(n.BiNAT) > 0) && n.NAT == "" {
			errs = append(errs, fmt.Errorf("%s: network %s: rdr and binat need nat = UPLINK", j.Pos, n.Name))
		}
		out = append(out, n)
	}
	return out, errors.Join(errs...)
}

// checkIfName checks a bridge's name as the kernel will (dev_valid_name).
func checkIfName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("the block's name is the bridge's, and %q cannot name a link", name)
	case len(name) > 15:
		return fmt.Errorf("a bridge name has at most 15 bytes")
	case strings.ContainsAny(name, "/: \t\n") || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return fmt.Errorf("a bridge name has no '/', ':', blanks or control characters")
	}
	return nil
}

// parseRdr reads "PROTO PORT ADDR:PORT" (tcp or udp; an IPv6 address in
// brackets, [2001:db8::10]:80).
func parseRdr(s string) (Rdr, error) {
	f := strings.Fields(s)
	bad := fmt.Errorf("%q: write PROTO PORT JAIL-ADDRESS:PORT, as tcp 8080 10.0.0.10:80 or tcp 8080 [2001:db8::10]:80", s)
	if len(f) != 3 || f[0] != "tcp" && f[0] != "udp" {
		return Rdr{}, bad
	}
	port, err := strconv.ParseUint(f[1], 10, 16)
	if err != nil || port == 0 {
		return Rdr{}, bad
	}
	host, tport, err := net.SplitHostPort(f[2])
	if err != nil {
		return Rdr{}, bad
	}
	to := net.ParseIP(host)
	if v4 := to.To4(); v4 != nil {
		to = v4
	}
	tp, err := strconv.ParseUint(tport, 10, 16)
	if to == nil || err != nil || tp == 0 {
		return Rdr{}, bad
	}
	return Rdr{Proto: f[0], Port: uint16(port), To: to, ToPort: uint16(tp)}, nil
}
