package linuxns

import (
	"fmt"
	"os"
	"os/exec"
)

// DHCPArg makes the init's binary (vjail-init, or vjail) run as a jail's
// DHCP client (package dhcpclient).
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
