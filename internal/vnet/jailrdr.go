package vnet

import (
	"fmt"
	"strconv"
	"strings"
)

// JailRdr is one of a jail's own port redirects (vnet.rdr): connections
// to a port of the host's own addresses go to the jail, as a pf rdr rule
// for the jail would, and go away with the jail.
type JailRdr struct {
	Proto    string // tcp or udp
	HostPort uint16
	JailPort uint16
}

// ParseJailRdr reads a vnet.rdr value: "PROTO HOSTPORT [JAILPORT]".
func ParseJailRdr(s string) (JailRdr, error) {
	f := strings.Fields(s)
	bad := fmt.Errorf("vnet.rdr %q: write PROTO HOST-PORT [JAIL-PORT], as \"tcp 8080 80\"", s)
	if len(f) < 2 || len(f) > 3 || f[0] != "tcp" && f[0] != "udp" {
		return JailRdr{}, bad
	}
	port := func(v string) (uint16, bool) {
		n, err := strconv.ParseUint(v, 10, 16)
		return uint16(n), err == nil && n > 0
	}
	r := JailRdr{Proto: f[0]}
	var ok bool
	if r.HostPort, ok = port(f[1]); !ok {
		return JailRdr{}, bad
	}
	r.JailPort = r.HostPort
	if len(f) == 3 {
		if r.JailPort, ok = port(f[2]); !ok {
			return JailRdr{}, bad
		}
	}
	return r, nil
}

// JailTable is the name of the nftables tables (ip and ip6) that hold
// jail's own redirects: derived from its name, so that whoever cleans up
// after a crash finds them.
func JailTable(jail string) string { return "vjail-" + jail }
