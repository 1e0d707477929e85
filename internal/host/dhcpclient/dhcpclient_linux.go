// Package dhcpclient is a jail's DHCP client, which the jail's init
// starts for each interface whose address comes from DHCP (linuxns's
// DHCPArg). A package of its own, linked only by the binaries that run
// it: the DHCP library's package initialisation would otherwise be paid
// by every vjail command.
package dhcpclient

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/vishvananda/netlink"
)

// Main is the jail's DHCP client for one interface: it waits for the
// interface (the host makes the epair after the init has started), takes
// a lease, puts the address and default route on it, and renews the lease
// for the jail's life. It never returns unless the interface never comes.
func Main(args []string) int {
	if len(args) != 1 {
		return 2
	}
	ifname := args[0]
	var link netlink.Link
	for end := time.Now().Add(2 * time.Minute); ; {
		l, err := netlink.LinkByName(ifname)
		if err == nil {
			link = l
			break
		}
		if time.Now().After(end) {
			fmt.Fprintf(os.Stderr, "vjail-dhcp: %s: %v\n", ifname, err)
			return 1
		}
		time.Sleep(20 * time.Millisecond)
	}
	netlink.LinkSetUp(link)
	var lease *nclient4.Lease
	for {
		c, err := nclient4.New(ifname, nclient4.WithTimeout(3*time.Second), nclient4.WithRetry(3))
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if lease == nil {
				lease, err = c.Request(ctx)
			} else {
				var renewed *nclient4.Lease
				if renewed, err = c.Renew(ctx, lease); err == nil {
					lease = renewed
				} else {
					lease, err = c.Request(ctx)
				}
			}
			cancel()
			c.Close()
		}
		wait := 5 * time.Second
		if err != nil {
			fmt.Fprintf(os.Stderr, "vjail-dhcp: %s: %v\n", ifname, err)
			lease = nil
		} else if err := applyLease(link, lease); err != nil {
			fmt.Fprintf(os.Stderr, "vjail-dhcp: %s: %v\n", ifname, err)
		} else {
			// Renew at half the lease time (RFC 2131's T1).
			wait = lease.ACK.IPAddressLeaseTime(time.Hour) / 2
		}
		time.Sleep(wait)
	}
}

// applyLease puts the lease's address (with its lifetime) and default
// route on link.
func applyLease(link netlink.Link, lease *nclient4.Lease) error {
	ack := lease.ACK
	mask := ack.SubnetMask()
	if mask == nil {
		mask = ack.YourIPAddr.DefaultMask()
	}
	life := int(ack.IPAddressLeaseTime(time.Hour).Seconds())
	addr := &netlink.Addr{IPNet: &net.IPNet{IP: ack.YourIPAddr, Mask: mask}, ValidLft: life, PreferedLft: life}
	if err := netlink.AddrReplace(link, addr); err != nil {
		return fmt.Errorf("address %s: %w", addr.IPNet, err)
	}
	if routers := ack.Router(); len(routers) > 0 {
		route := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: routers[0]}
		if err := netlink.RouteReplace(route); err != nil {
			return fmt.Errorf("default route via %s: %w", routers[0], err)
		}
	}
	return nil
}
