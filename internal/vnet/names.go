// Package vnet connects vnet jails to the host: each epair (a veth pair on
// Linux) with its host end on a bridge, the jail's addresses and default
// routes. Names and MACs are derived here, without side effects, so that
// both backends and their tests agree on them.
package vnet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"net"
	"strings"
)

// IFNAMSIZ less the terminating NUL: the longest interface name.
const maxIfName = 15

// hostPrefix marks the host ends of vjail's epairs.
const hostPrefix = "vj"

// HostIfName is the host-side name of a jail's i-th epair: "vj" and 13
// characters of a hash of the jail's name and i. It fits IFNAMSIZ, is the
// same at every start, and two jails get the same name only with
// probability 2^-65, however long the prefixes their names share.
func HostIfName(jail string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("vjail-epair\x00%s\x00%d", jail, i)))
	enc := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:]))
	return hostPrefix + enc[:maxIfName-len(hostPrefix)]
}

// MaxEpairs bounds the epair numbers a vnet.addr may name (ethN|...),
// far above what any jail has: a name that is not a jail's epair is an
// error, never an index.
const MaxEpairs = 255

// JailIfName is the jail-side name of its i-th epair.
func JailIfName(i int) string { return fmt.Sprintf("eth%d", i) }

// Alias is what `ip link` shows beside a host end: whose it is.
func Alias(jail string, i int) string { return fmt.Sprintf("vjail %s %s", jail, JailIfName(i)) }

// MAC derives a stable, locally administered unicast MAC address for one
// end of a jail's i-th epair, keyed by the host's machine ID as
// systemd-nspawn does, so it is the same across restarts and upgrades and
// differs between hosts.
func MAC(machineKey []byte, jail string, i int, end string) net.HardwareAddr {
	h := hmac.New(sha256.New, machineKey)
	fmt.Fprintf(h, "vjail-mac\x00%s\x00%d\x00%s", jail, i, end)
	sum := h.Sum(nil)
	mac := net.HardwareAddr(sum[:6])
	mac[0] = mac[0]&0xfe | 0x02 // unicast, locally administered
	return mac
}

// Addr is one address inside a jail, on one of its epairs: a static one,
// or SLAAC (IPv6 from router advertisements).
type Addr struct {
	If     int // which epair: eth<If>
	Prefix *net.IPNet
	IP     net.IP
	SLAAC  bool
	DHCP   bool
}

// ParseAddr reads a vnet.addr value: "ADDR/LEN" on eth0, or "ethN|ADDR/LEN"
// as ip4.addr names an interface with "IF|ADDR"; "slaac" in place of an
// address takes IPv6 addresses and a default route from router
// advertisements, "dhcp" an IPv4 address and route from a DHCP server.
func ParseAddr(s string) (Addr, error) {
	var a Addr
	if ifname, rest, ok := strings.Cut(s, "|"); ok {
		if _, err := fmt.Sscanf(ifname, "eth%d", &a.If); err != nil || JailIfName(a.If) != ifname || a.If < 0 || a.If > MaxEpairs {
			return a, fmt.Errorf("vnet.addr %q: %q is not one of the jail's epairs (eth0, eth1, ...)", s, ifname)
		}
		s = rest
	}
	switch s {
	case "slaac":
		a.SLAAC = true
		return a, nil
	case "dhcp":
		a.DHCP = true
		return a, nil
	}
	ip, prefix, err := net.ParseCIDR(s)
	if err != nil {
		return a, fmt.Errorf("vnet.addr %q: not an address with a prefix length, such as 192.0.2.10/24 or 2001:db8::10/64, or slaac or dhcp", s)
	}
	a.IP, a.Prefix = ip, prefix
	return a, nil
}
