package vnet

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/fault"
)

// networkAlias marks the bridges vjail made for declared networks, so that
// `vjail net down` removes only those.
const networkAlias = "vjail network"

// tableName is vjail's nftables table: its NAT rules and nothing else.
const tableName = "vjail"

// Up applies the declared networks in vjail's network namespace,
// idempotently: each bridge exists and is up, carries the host's addresses
// and its member NICs; with NAT, IPv4 forwarding is on and vjail's
// nftables table holds exactly the networks' masquerade, rdr and binat
// rules (each binat outside address is also put on the uplink).
//
// With rewrite false (each start), rules that carry the networks'
// fingerprint are left as they are; `vjail net up` rewrites them.
func Up(nets []*Network, rewrite bool) error {
	nat := false
	for _, n := range nets {
		br, err := ensureBridge(n.Name)
		if err != nil {
			return err
		}
		fault.Point("net.bridge")
		if br.Attrs().Alias == "" {
			netlink.LinkSetAlias(br, networkAlias)
		}
		for _, a := range n.addrs {
			addr := &netlink.Addr{IPNet: a}
			if a.IP.To4() == nil {
				// Usable at once, as the jails' own addresses are: the
				// bridge is the jails' router.
				addr.Flags = unix.IFA_F_NODAD
			}
			if err := netlink.AddrReplace(br, addr); err != nil {
				return fmt.Errorf("network %s: addr %s: %w", n.Name, a, err)
			}
		}
		for _, m := range n.Member {
			l, err := netlink.LinkByName(m)
			if err != nil {
				return fmt.Errorf("network %s: member %s: %w", n.Name, m, err)
			}
			if idx := l.Attrs().MasterIndex; idx != 0 && idx != br.Attrs().Index {
				return fmt.Errorf("network %s: member %s is on another bridge already", n.Name, m)
			}
			if err := netlink.LinkSetMaster(l, br); err == nil {
				err = netlink.LinkSetUp(l)
			}
			if err != nil {
				return fmt.Errorf("network %s: member %s: %w", n.Name, m, err)
			}
		}
		if n.NAT != "" {
			nat = true
			up, err := netlink.LinkByName(n.NAT)
			if err != nil {
				return fmt.Errorf("network %s: nat uplink %s: %w", n.Name, n.NAT, err)
			}
			for _, b := range n.BiNAT {
				a := &netlink.Addr{IPNet: &net.IPNet{IP: b.Outside, Mask: net.CIDRMask(32, 32)}}
				if err := netlink.AddrReplace(up, a); err != nil {
					return fmt.Errorf("network %s: binat %s on %s: %w", n.Name, b.Outside, n.NAT, err)
				}
			}
		}
	}
	if !nat {
		return removeTable()
	}
	// Forwarding is switched on in this network namespace only: on a host
	// that routes for its jails, and never in tests, which run in their own.
	fault.Point("net.addresses")
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0); err != nil {
		return fmt.Errorf("ip forwarding: %w", err)
	}
	if err := forwardIPv6(nets); err != nil {
		return err
	}
	// Every start applies the networks: rewriting unchanged rules would
	// cost it several milliseconds of nftables transactions.
	if current, err := rulesCurrent(nets); err == nil && current && !rewrite {
		return nil
	}
	return writeRules(nets)
}

// forwardIPv6 switches IPv6 forwarding on when a NAT network has an IPv6
// prefix. A router ignores router advertisements unless told otherwise,
// so each such uplink that takes them (accept_ra 1, the default) is told
// to go on taking them (2): the host keeps its own SLAAC address and
// default route there.
func forwardIPv6(nets []*Network) error {
	var uplinks []string
	for _, n := range nets {
		for _, p := range n.addrs {
			if n.NAT != "" && p.IP.To4() == nil && !slices.Contains(uplinks, n.NAT) {
				uplinks = append(uplinks, n.NAT)
			}
		}
	}
	if len(uplinks) == 0 {
		return nil
	}
	for _, up := range uplinks {
		ra := "/proc/sys/net/ipv6/conf/" + up + "/accept_ra"
		if b, err := os.ReadFile(ra); err == nil && strings.TrimSpace(string(b)) == "1" {
			if err := os.WriteFile(ra, []byte("2"), 0); err != nil {
				return fmt.Errorf("nat uplink %s: keep taking router advertisements: %w", up, err)
			}
		}
	}
	if err := os.WriteFile("/proc/sys/net/ipv6/conf/all/forwarding", []byte("1"), 0); err != nil {
		return fmt.Errorf("ipv6 forwarding: %w", err)
	}
	return nil
}

// Down removes what Up made: vjail's nftables table, the binat addresses
// on uplinks, and the bridges vjail created (their ports fall off them).
// Bridges it did not create keep existing; absent is success.
func Down(nets []*Network) error {
	var errs []error
	if err := removeTable(); err != nil {
		errs = append(errs, err)
	}
	for _, n := range nets {
		if up, err := netlink.LinkByName(n.NAT); err == nil {
			for _, b := range n.BiNAT {
				netlink.AddrDel(up, &netlink.Addr{IPNet: &net.IPNet{IP: b.Outside, Mask: net.CIDRMask(32, 32)}})
			}
		}
		br, err := netlink.LinkByName(n.Name)
		if err != nil {
			continue
		}
		if br.Attrs().Alias != networkAlias {
			for _, a := range n.addrs {
				netlink.AddrDel(br, &netlink.Addr{IPNet: a})
			}
			continue
		}
		if err := netlink.LinkDel(br); err != nil {
			errs = append(errs, fmt.Errorf("network %s: %w", n.Name, err))
		}
	}
	return errors.Join(errs...)
}

// NetworkState is what `vjail net show` reports of one network.
type NetworkState struct {
	*Network
	Exists bool     `json:"exists"`
	Ours   bool     `json:"created_by_vjail"`
	Ports  []string `json:"ports"`
}

// Show reports each network's bridge as it is now.
func Show(nets []*Network) []NetworkState {
	var out []NetworkState
	for _, n := range nets {
		st := NetworkState{Network: n, Ports: []string{}}
		if br, err := netlink.LinkByName(n.Name); err == nil {
			st.Exists, st.Ours = true, br.Attrs().Alias == networkAlias
			links, _ := RetryDump(netlink.LinkList)
			for _, l := range links {
				if l.Attrs().MasterIndex == br.Attrs().Index {
					st.Ports = append(st.Ports, l.Attrs().Name)
				}
			}
		}
		out = append(out, st)
	}
	return out
}

// families are the nftables families of vjail's tables: one table of
// each, both written and removed in one transaction.
var families = []nftables.TableFamily{nftables.TableFamilyIPv4, nftables.TableFamilyIPv6}

// deleteTables queues the deletion of vjail's tables on c.
func deleteTables(c *nftables.Conn) error {
	for _, fam := range families {
		tables, err := c.ListTablesOfFamily(fam)
		if err != nil {
			return fmt.Errorf("nftables: %w", err)
		}
		for _, t := range tables {
			if t.Name == tableName {
				c.DelTable(t)
			}
		}
	}
	return nil
}

func removeTable() error {
	c, err := nftables.New()
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := deleteTables(c); err != nil {
		return err
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: remove table %s: %w", tableName, err)
	}
	return nil
}

// rulesFingerprint names what writeRules writes for nets: an empty chain
// of that name in each of vjail's tables says they hold exactly those
// rules. A change of networks.conf changes it; a table removed or flushed
// by hand loses it.
func rulesFingerprint(nets []*Network) string {
	h := sha256.New()
	for _, n := range nets {
		if n.NAT == "" {
			continue
		}
		fmt.Fprintf(h, "%s\x00%s\x00%v\x00%v\x00", n.Name, n.NAT, n.Rdr, n.BiNAT)
		for _, a := range n.addrs {
			fmt.Fprintf(h, "%s\x00", a)
		}
	}
	return fmt.Sprintf("fp-%x", h.Sum(nil)[:8])
}

// rulesCurrent reports whether both of vjail's tables carry nets'
// fingerprint.
func rulesCurrent(nets []*Network) (bool, error) {
	c, err := nftables.New()
	if err != nil {
		return false, err
	}
	fp := rulesFingerprint(nets)
	found := 0
	for _, fam := range families {
		chains, err := c.ListChainsOfTableFamily(fam)
		if err != nil {
			return false, err
		}
		for _, ch := range chains {
			if ch.Table.Name == tableName && ch.Name == fp {
				found++
			}
		}
	}
	return found == len(families), nil
}

// writeRules replaces vjail's tables (ip and ip6) in one transaction: no
// moment without NAT, even if vjail is killed half-way. Their chains hook
// dstnat (rdr, binat in) and srcnat (binat out, then masquerade of each
// network's prefixes of that family out of its uplink).
func writeRules(nets []*Network) error {
	c, err := nftables.New()
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := deleteTables(c); err != nil {
		return err
	}
	for _, fam := range families {
		v6 := fam == nftables.TableFamilyIPv6
		t := c.AddTable(&nftables.Table{Family: fam, Name: tableName})
		pre := c.AddChain(&nftables.Chain{Name: "prerouting", Table: t, Type: nftables.ChainTypeNAT,
			Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest})
		post := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
			Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
		c.AddChain(&nftables.Chain{Name: rulesFingerprint(nets), Table: t})
		for _, n := range nets {
			if n.NAT == "" {
				continue
			}
			for _, r := range n.Rdr {
				if (r.To.To4() == nil) != v6 {
					continue
				}
				proto := byte(unix.IPPROTO_TCP)
				if r.Proto == "udp" {
					proto = unix.IPPROTO_UDP
				}
				c.AddRule(&nftables.Rule{Table: t, Chain: pre, Exprs: concat(
					ifname(expr.MetaKeyIIFNAME, n.NAT),
					[]expr.Any{
						&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
						&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
						&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
						&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: be16(r.Port)},
					},
					natTo(expr.NATTypeDestNAT, r.To, r.ToPort),
				)})
			}
			if !v6 {
				for _, b := range n.BiNAT {
					c.AddRule(&nftables.Rule{Table: t, Chain: pre, Exprs: concat(
						ipField(false, b.Outside, net.CIDRMask(32, 32)), natTo(expr.NATTypeDestNAT, b.Inside, 0))})
					c.AddRule(&nftables.Rule{Table: t, Chain: post, Exprs: concat(
						ipField(true, b.Inside, net.CIDRMask(32, 32)), natTo(expr.NATTypeSourceNAT, b.Outside, 0))})
				}
			}
			for _, p := range n.addrs {
				if (p.IP.To4() == nil) != v6 {
					continue
				}
				c.AddRule(&nftables.Rule{Table: t, Chain: post, Exprs: concat(
					ipField(true, p.IP.Mask(p.Mask), p.Mask), ifname(expr.MetaKeyOIFNAME, n.NAT), []expr.Any{&expr.Masq{}})})
			}
		}
	}
	fault.Point("net.rules")
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: write table %s: %w", tableName, err)
	}
	return nil
}

func concat(parts ...[]expr.Any) []expr.Any {
	var out []expr.Any
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// ipField matches the source (or destination) address of an IPv4 or IPv6
// header against addr/mask.
func ipField(source bool, addr net.IP, mask net.IPMask) []expr.Any {
	off, size := uint32(16), uint32(4) // IPv4 daddr
	if v4 := addr.To4(); v4 != nil {
		addr = v4
		if source {
			off = 12
		}
	} else {
		addr, off, size = addr.To16(), 24, 16 // IPv6 daddr
		if source {
			off = 8
		}
	}
	if len(mask) != int(size) {
		mask = net.CIDRMask(len(addr)*8, len(addr)*8)
	}
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: off, Len: size},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: size, Mask: mask, Xor: make([]byte, size)},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr.Mask(mask)},
	}
}

func ifname(key expr.MetaKey, name string) []expr.Any {
	b := make([]byte, unix.IFNAMSIZ)
	copy(b, name)
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: b},
	}
}

func natTo(t expr.NATType, addr net.IP, port uint16) []expr.Any {
	data, family := addr.To4(), uint32(unix.NFPROTO_IPV4)
	if data == nil {
		data, family = addr.To16(), unix.NFPROTO_IPV6
	}
	e := []expr.Any{&expr.Immediate{Register: 1, Data: data}}
	nat := &expr.NAT{Type: t, Family: family, RegAddrMin: 1}
	if port != 0 {
		e = append(e, &expr.Immediate{Register: 2, Data: be16(port)})
		nat.RegProtoMin = 2
	}
	return append(e, nat)
}

func be16(v uint16) []byte {
	b := make([]byte, 2)
	binary.BigEndian.PutUint16(b, v)
	return b
}

// AddJailRdr writes jail's redirects into tables of its own (JailTable),
// replacing any a crash left, in one transaction: each port of the host's
// own addresses goes to the jail's address of that family on its first
// epair (to4, to6; nil skips the family). Forwarding is switched on, in
// vjail's network namespace only, since the redirected traffic crosses the
// host.
func AddJailRdr(jail string, rdrs []JailRdr, to4, to6 net.IP) error {
	c, err := nftables.New()
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := deleteJailTables(c, jail); err != nil {
		return err
	}
	for _, fam := range families {
		to := to4
		if fam == nftables.TableFamilyIPv6 {
			to = to6
		}
		if to == nil {
			continue
		}
		t := c.AddTable(&nftables.Table{Family: fam, Name: JailTable(jail)})
		pre := c.AddChain(&nftables.Chain{Name: "prerouting", Table: t, Type: nftables.ChainTypeNAT,
			Hooknum: nftables.ChainHookPrerouting, Priority: nftables.ChainPriorityNATDest})
		for _, r := range rdrs {
			proto := byte(unix.IPPROTO_TCP)
			if r.Proto == "udp" {
				proto = unix.IPPROTO_UDP
			}
			c.AddRule(&nftables.Rule{Table: t, Chain: pre, Exprs: concat(
				[]expr.Any{
					// To one of the host's own addresses...
					&expr.Fib{Register: 1, FlagDADDR: true, ResultADDRTYPE: true},
					&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(unix.RTN_LOCAL)},
					// ...on that protocol and port.
					&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
					&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
					&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
					&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: be16(r.HostPort)},
				},
				natTo(expr.NATTypeDestNAT, to, r.JailPort),
			)})
		}
	}
	fault.Point("vnet.rdr")
	if err := c.Flush(); err != nil {
		return fmt.Errorf("vnet.rdr: nftables table %s: %w", JailTable(jail), err)
	}
	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0); err != nil {
		return fmt.Errorf("vnet.rdr: ip forwarding: %w", err)
	}
	if to6 != nil {
		if err := os.WriteFile("/proc/sys/net/ipv6/conf/all/forwarding", []byte("1"), 0); err != nil {
			return fmt.Errorf("vnet.rdr: ipv6 forwarding: %w", err)
		}
	}
	return nil
}

// RemoveJailRdr removes jail's redirect tables; absent is success.
func RemoveJailRdr(jail string) error {
	c, err := nftables.New()
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	if err := deleteJailTables(c, jail); err != nil {
		return err
	}
	if err := c.Flush(); err != nil {
		return fmt.Errorf("nftables: remove table %s: %w", JailTable(jail), err)
	}
	return nil
}

func deleteJailTables(c *nftables.Conn, jail string) error {
	for _, fam := range families {
		tables, err := c.ListTablesOfFamily(fam)
		if err != nil {
			return fmt.Errorf("nftables: %w", err)
		}
		for _, t := range tables {
			if t.Name == JailTable(jail) {
				c.DelTable(t)
			}
		}
	}
	return nil
}
