package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/fault"
	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/vnet"
)

func newNetCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "net",
		Short: "Apply, remove and show the host networks of networks.conf",
		Long: `The host's side of jail networks is declared in networks.conf (default
/etc/vjail/networks.conf, or --networks FILE), in jail.conf's grammar: one
block per bridge, with the host's addresses on it (addr), host NICs on it
(member), and the host as a router with NAT through an uplink (nat), port
redirects (rdr) and static 1:1 NAT (binat):

  bridge0 { addr = "192.168.2.3/24"; member = em0; }
  jails0  { addr = "10.0.0.1/24"; nat = eth0;
            rdr = "tcp 8080 10.0.0.10:80"; binat = "203.0.113.10 10.0.0.11"; }

Jails join a network with vnet.bridge. vjail start applies the networks too.`,
	}
	var asJSON bool
	up := &cobra.Command{
		Use: "up", Short: "Apply the networks (idempotent)", Args: noArgs,
		Example: "  vjail net up",
		RunE: func(cmd *cobra.Command, args []string) error {
			nets, err := e.networks(true)
			if err != nil {
				return err
			}
			return vnet.Up(nets, true)
		},
	}
	down := &cobra.Command{
		Use: "down", Short: "Remove the NAT rules and the bridges vjail made", Args: noArgs,
		Example: "  vjail net down",
		RunE: func(cmd *cobra.Command, args []string) error {
			nets, err := e.networks(true)
			if err != nil {
				return err
			}
			return vnet.Down(nets)
		},
	}
	show := &cobra.Command{
		Use: "show [--json]", Short: "Show the declared networks as they are now", Args: noArgs,
		Example: "  vjail net show --json",
		RunE: func(cmd *cobra.Command, args []string) error {
			nets, err := e.networks(true)
			if err != nil {
				return err
			}
			st := vnet.Show(nets)
			if asJSON {
				if st == nil {
					st = []vnet.NetworkState{}
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "BRIDGE\tUP\tADDRESSES\tNAT\tPORTS")
			for _, s := range st {
				state := "no"
				if s.Exists {
					state = "yes"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, state, dash(strings.Join(s.Addr, ",")), dash(s.NAT), dash(strings.Join(s.Ports, ",")))
			}
			return tw.Flush()
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.AddCommand(up, down, show)
	return cmd
}

// networks reads networks.conf. Without --networks a missing default file
// means no networks; strict makes it an error.
func (e *env) networks(strict bool) ([]*vnet.Network, error) {
	file := e.networksFile
	if file == "" {
		file = vnet.DefaultNetworksFile
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			if strict {
				return nil, fmt.Errorf("%s does not exist: declare the host networks there, or name another file with --networks FILE", file)
			}
			return nil, nil
		}
	}
	cfg, diags := jailconf.Loader{Stdin: e.stdin}.LoadFile(file)
	if err := diags.Err(); err != nil {
		return nil, err
	}
	return vnet.ParseNetworks(cfg)
}

// applyNetworks applies networks.conf, if there is one, before jails
// start on its bridges.
func (e *env) applyNetworks() error {
	nets, err := e.networks(false)
	if err != nil || len(nets) == 0 {
		return err
	}
	defer fault.Time("net.up")
	return vnet.Up(nets, false)
}
