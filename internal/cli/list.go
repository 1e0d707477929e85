package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newListCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "list [--json]",
		Short:   "List running jails, as jls does",
		Long:    "List shows each running jail: JID, name, hostname, path, whether it has its own network stack (vnet), its addresses, and how many processes it runs (vjail's init included).",
		Example: "  vjail list\n  vjail list --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := e.manager(true)
			if err != nil {
				return err
			}
			jails, err := m.List(context.Background())
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(jails)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "JID\tNAME\tHOSTNAME\tPATH\tVNET\tADDRESSES\tPROCS")
			for _, j := range jails {
				vnet, addrs := "no", "-"
				if j.VNet {
					vnet = "yes"
				}
				if len(j.Addresses) > 0 {
					addrs = strings.Join(j.Addresses, ",")
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", j.JID, j.Name, dash(j.Hostname), j.Path, vnet, addrs, j.Procs)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON: a list of objects with jid, name, hostname, path, vnet, addresses, pids")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
