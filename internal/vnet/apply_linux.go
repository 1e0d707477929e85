package vnet

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/fault"
)

// Jail is what a jail asks of the host's network.
type Jail struct {
	Name string
	// Bridges has one entry per epair: the bridge its host end joins.
	Bridges []string
	Addrs   []Addr
	Routers []net.IP
}

// Attach wires jail j, whose network namespace is that of pid: each epair
// is created with its jail end born inside the namespace (moving a link
// between namespaces costs an RCU barrier, about 17 ms here, against
// 0.2 ms), named eth<i> there, with stable MACs; its host end, named by
// HostIfName and labelled with the jail's name, joins its bridge (created
// if missing). Inside, the links come up with their addresses (IPv6
// without duplicate address detection, so that they are usable at once)
// and default routes. It returns the host ends it made; on error it has
// removed them.
func Attach(j Jail, pid int, machineKey []byte) (hostEnds []string, err error) {
	if len(j.Bridges) == 0 {
		return nil, nil
	}
	defer func() {
		if err != nil {
			Detach(hostEnds)
			hostEnds = nil
		}
	}()
	jailNS, err := netns.GetFromPid(pid)
	if err != nil {
		return nil, fmt.Errorf("network namespace of jail %s: %w", j.Name, err)
	}
	defer jailNS.Close()
	// The route family only: a handle opens a socket for each family it
	// is given, and xfrm or netfilter may be modules the host has not
	// loaded (Debian's kernel), which fails the whole handle.
	in, err := netlink.NewHandleAt(jailNS, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	for i, br := range j.Bridges {
		bridge, err := ensureBridge(br)
		if err != nil {
			return hostEnds, err
		}
		host := HostIfName(j.Name, i)
		if l, err := netlink.LinkByName(host); err == nil {
			// Left by a crash of this very jail (the name is derived from
			// it; a crash may come before the alias is set), or going away
			// with its old namespace: delete it. A link some other tool
			// labelled is not ours to touch.
			if a := l.Attrs().Alias; a != "" && a != Alias(j.Name, i) {
				return hostEnds, fmt.Errorf("epair %s: a link of that name exists and is not jail %s's (alias %q)", host, j.Name, a)
			}
			if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) {
				return hostEnds, fmt.Errorf("epair %s: remove the one a crash left: %w", host, err)
			}
		}
		veth := &netlink.Veth{
			LinkAttrs:        netlink.LinkAttrs{Name: host, HardwareAddr: MAC(machineKey, j.Name, i, "host"), MasterIndex: bridge.Attrs().Index},
			PeerName:         JailIfName(i),
			PeerHardwareAddr: MAC(machineKey, j.Name, i, "jail"),
			PeerNamespace:    netlink.NsFd(int(jailNS)),
		}
		if err := netlink.LinkAdd(veth); err != nil {
			if errors.Is(err, unix.EXFULL) {
				return hostEnds, fmt.Errorf("vnet.bridge %s: the bridge has %d ports, the most a Linux bridge takes; put further jails on another bridge", br, MaxBridgePorts)
			}
			return hostEnds, fmt.Errorf("epair %s for jail %s: %w", host, j.Name, err)
		}
		hostEnds = append(hostEnds, host)
		fault.Point("vnet.epair")
		link, err := netlink.LinkByName(host)
		if err == nil {
			err = netlink.LinkSetAlias(link, Alias(j.Name, i))
		}
		if err == nil {
			// A bridge port needs no IPv6 address of its own; generating
			// one per port is what makes the 1,000th jail on a bridge start
			// several times slower than the first.
			err = netlink.LinkSetIP6AddrGenMode(link, addrGenModeNone)
		}
		if err == nil {
			err = netlink.LinkSetUp(link)
		}
		if err != nil {
			return hostEnds, fmt.Errorf("epair %s: %w", host, err)
		}
	}
	fault.Point("vnet.epair-up")
	return hostEnds, configureInside(in, jailNS, j)
}

// addrGenModeNone is IN6_ADDR_GEN_MODE_NONE: no IPv6 link-local address.
const addrGenModeNone = 1

// MaxBridgePorts is the most ports a Linux bridge takes (BR_MAX_PORTS
// 1024, port 0 reserved); the next one fails with EXFULL, which vjail
// turns into advice. Counting ports before each start would cost a dump
// of every link, growing with the number of jails.
const MaxBridgePorts = 1023

// configureInside brings the jail's epairs up with their addresses and
// default routes, through a netlink handle opened in its namespace. An
// epair takes router advertisements only when its vnet.addr says slaac.
func configureInside(h *netlink.Handle, ns netns.NsHandle, j Jail) error {
	slaac := make([]bool, len(j.Bridges))
	for _, a := range j.Addrs {
		if a.SLAAC && a.If < len(slaac) {
			slaac[a.If] = true
		}
	}
	if err := setIPv6Autoconf(ns, slaac); err != nil {
		return fmt.Errorf("jail %s: %w", j.Name, err)
	}
	links := map[int]netlink.Link{}
	for i := range j.Bridges {
		l, err := h.LinkByName(JailIfName(i))
		if err == nil {
			err = h.LinkSetUp(l)
		}
		if err != nil {
			return fmt.Errorf("%s in jail %s: %w", JailIfName(i), j.Name, err)
		}
		links[i] = l
	}
	for _, a := range j.Addrs {
		if a.SLAAC || a.DHCP {
			continue // from the network
		}
		l, ok := links[a.If]
		if !ok {
			return fmt.Errorf("vnet.addr %s: jail %s has no %s (one epair per vnet.bridge value)", a.IP, j.Name, JailIfName(a.If))
		}
		addr := &netlink.Addr{IPNet: &net.IPNet{IP: a.IP, Mask: a.Prefix.Mask}}
		if a.IP.To4() == nil {
			addr.Flags = unix.IFA_F_NODAD
		}
		if err := h.AddrAdd(l, addr); err != nil {
			return fmt.Errorf("vnet.addr %s on %s: %w", addr.IPNet, JailIfName(a.If), err)
		}
	}
	for _, gw := range j.Routers {
		l := links[0]
		for _, a := range j.Addrs {
			if a.Prefix != nil && a.Prefix.Contains(gw) {
				l = links[a.If]
			}
		}
		if err := h.RouteAdd(&netlink.Route{LinkIndex: l.Attrs().Index, Gw: gw}); err != nil {
			return fmt.Errorf("vnet.defaultrouter %s: %w", gw, err)
		}
	}
	return nil
}

// ensureBridge returns the bridge named name, creating it (up) if there
// is no link of that name; a link of that name that is not a bridge is an
// error. A bridge vjail creates gets a stable MAC derived from the machine
// and its name: left to itself, a Linux bridge takes the lowest MAC of its
// ports, so its address (and its neighbours' ARP entries for it) would
// change as jails come and go.
func ensureBridge(name string) (netlink.Link, error) {
	l, err := netlink.LinkByName(name)
	if err == nil {
		if l.Type() != "bridge" {
			return nil, fmt.Errorf("vnet.bridge %s: that link is a %s, not a bridge", name, l.Type())
		}
		return l, nil
	}
	var nf netlink.LinkNotFoundError
	if !errors.As(err, &nf) {
		return nil, fmt.Errorf("vnet.bridge %s: %w", name, err)
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, HardwareAddr: MAC(MachineKey(), name, 0, "bridge")}}
	if err := netlink.LinkAdd(br); err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, fmt.Errorf("vnet.bridge %s: create: %w", name, err)
	}
	if l, err = netlink.LinkByName(name); err == nil {
		err = netlink.LinkSetUp(l)
	}
	if err != nil {
		return nil, fmt.Errorf("vnet.bridge %s: %w", name, err)
	}
	return l, nil
}

// Detach removes host ends (and with them the jail ends); absent is
// success. Deleting the host end frees its name at once, where waiting for
// the jail's namespace to go would not.
func Detach(hostEnds []string) error {
	var errs []error
	for _, name := range hostEnds {
		l, err := netlink.LinkByName(name)
		if err != nil {
			continue
		}
		// The kernel may be deleting it too, with the jail's namespace.
		if err := netlink.LinkDel(l); err != nil && !errors.Is(err, unix.ENODEV) && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("epair %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

// MachineKey is the key of the MAC hash: the host's machine ID.
func MachineKey() []byte {
	for _, p := range []string{"/etc/machine-id", "/var/lib/dbus/machine-id"} {
		if b, err := readFile(p); err == nil && len(b) > 0 {
			return b
		}
	}
	return []byte("vjail")
}

// setIPv6Autoconf sets accept_ra and autoconf of each epair eth<i> in
// the network namespace ns to on[i]: the jail's own sysctls, reached from a thread that
// enters its namespace for the two writes (/proc/sys/net belongs to the
// namespace of whoever looks it up). A thread that cannot return to the
// host's namespace is not unlocked, so that it dies with its goroutine.
//
// The writes go through a procfs instance of their own (see privateProc),
// not the host's /proc: there, the dentries of /proc/sys/net that each
// network namespace looks up stay side by side under one name, and every
// later lookup walks all of them. With 1,000 jails, going through /proc
// cost each start 0.8 ms and grew with every jail.
func setIPv6Autoconf(ns netns.NsHandle, on []bool) (err error) {
	runtime.LockOSThread()
	host, err := netns.Get()
	if err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer host.Close()
	if err := netns.Set(ns); err != nil {
		runtime.UnlockOSThread()
		return err
	}
	defer func() {
		if netns.Set(host) == nil {
			runtime.UnlockOSThread()
		}
	}()
	proc, err := privateProc()
	if err != nil {
		return err
	}
	defer unix.Close(proc)
	for i, yes := range on {
		v := []byte("0")
		if yes {
			v = []byte("1")
		}
		for _, key := range []string{"accept_ra", "autoconf"} {
			if err := writeAt(proc, "sys/net/ipv6/conf/"+JailIfName(i)+"/"+key, v); err != nil {
				return fmt.Errorf("%s: ipv6 %s: %w", JailIfName(i), key, err)
			}
		}
	}
	return nil
}

// privateProc returns a new procfs instance, detached (fsopen and
// fsmount: nothing enters any mount table), whose dentry cache is its
// own.
func privateProc() (int, error) {
	fsfd, err := unix.Fsopen("proc", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("procfs: %w", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, fmt.Errorf("procfs: %w", err)
	}
	mfd, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, unix.MOUNT_ATTR_NOEXEC|unix.MOUNT_ATTR_NOSUID|unix.MOUNT_ATTR_NODEV)
	if err != nil {
		return -1, fmt.Errorf("procfs: %w", err)
	}
	return mfd, nil
}

// writeAt writes a sysctl file beneath dir without following symlinks.
func writeAt(dir int, path string, v []byte) error {
	fd, err := unix.Openat2(dir, path, &unix.OpenHow{
		Flags:   unix.O_WRONLY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	_, err = unix.Write(fd, v)
	return err
}

// WaitDHCP waits until each epair of j whose address comes from DHCP has
// an IPv4 address, so that exec.start finds the jail on the network.
func WaitDHCP(j Jail, pid int, timeout time.Duration) error {
	var want []string
	for _, a := range j.Addrs {
		if a.DHCP {
			want = append(want, JailIfName(a.If))
		}
	}
	if len(want) == 0 {
		return nil
	}
	jailNS, err := netns.GetFromPid(pid)
	if err != nil {
		return err
	}
	defer jailNS.Close()
	h, err := netlink.NewHandleAt(jailNS, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer h.Close()
	deadline := time.Now().Add(timeout)
	for _, ifname := range want {
		for {
			l, err := h.LinkByName(ifname)
			if err == nil {
				if addrs, err := RetryDump(func() ([]netlink.Addr, error) { return h.AddrList(l, netlink.FAMILY_V4) }); err == nil && len(addrs) > 0 {
					break
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("vnet.addr dhcp: no lease on %s in jail %s within %s (is a DHCP server on its bridge?)", ifname, j.Name, timeout)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return nil
}
