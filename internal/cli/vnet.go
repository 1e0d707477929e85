package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newVnetCmd(e *env) *cobra.Command {
	var reclaim bool
	cmd := &cobra.Command{
		Use:   "vnet [-r] IFACE NAME",
		Short: "Lend a host link to a running vnet jail, or take it back, as ifconfig IFACE vnet JAIL does",
		Long: `Vnet moves the host's link IFACE into the running vnet jail NAME (a name
or a JID), as FreeBSD's ifconfig IFACE vnet JAIL does; with -r it hands the
link back to the host, under its own name and up if it was, as ifconfig
IFACE -vnet JAIL does. A lent link goes back to the host when the jail
stops, as one of vnet.interface does; -r takes back only links lent this
way or with vnet.interface.`,
		Example: "  vjail vnet em1 serverA\n  vjail vnet -r em1 serverA",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := e.manager(true)
			if err != nil {
				return err
			}
			ifname, name := args[0], args[1]
			if reclaim {
				err = m.Reclaim(context.Background(), name, ifname)
			} else {
				err = m.Lend(context.Background(), name, ifname)
			}
			if err != nil {
				return fmt.Errorf("vnet %s %s: %w", ifname, name, err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&reclaim, "reclaim", "r", false, "hand the link back to the host")
	return cmd
}
