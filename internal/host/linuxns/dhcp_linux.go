package linuxns

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/vishvananda/netlink"
)

// DHCPArg makes the init's binary (vjail-init, or vjail) run as a jail's
// DHCP client.
const DHCPArg = "__vjail_dhcp"

// startDHCP starts the DHCP client of each interface named in cfg, as a
// child of the init forked before pivot_root (when this binary can still
// be named): pivot_root then moves it into the jail's root with the init,
// so it runs inside the jail, in its namespaces, as the jail's root, and
// no device of the host's is lent to it.
func startDHCP(cfg *InitConfig) error {
	for _, ifname := range cfg.DHCP {
		cmd := exec.Command("/proc/self/exe", DHCPArg, ifname)
		cmd.Args[0] = "vjail-dhcp"
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("dhcp client for %s: %w", ifname, err)
		}
		// The init's reaper collects it, should it ever end.
	}
	return nil
}

// DHCPMain is the jail's DHCP client for one interface: it waits for the
// interface (the host makes the epair after the init has started), takes
// a lease, puts the address and default route on it, and renews the lease
// for the jail's life. It never returns unless the interface never comes.
func DHCPMain(args []string) int {
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
