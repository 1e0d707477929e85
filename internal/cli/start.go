package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
)

func newStartCmd(e *env) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "start [NAME...]",
		Short: "Create jails from the configuration, as jail -c does",
		Long: `Start creates the named jails (every jail in the configuration when none
is named) with jail(8)'s sequence: exec.prepare, exec.prestart, the jail
itself with its mounts, vnet.interface, exec.created, exec.start inside
the jail, exec.poststart. Jails start in parallel where depend allows; a
jail's dependencies start first. Each prints "NAME: created".`,
		Example: "  vjail start\n  vjail -f /etc/jail.conf start serverA",
		RunE: func(cmd *cobra.Command, args []string) error {
			specs, jails, err := e.configSpecs()
			if err != nil {
				return err
			}
			selected, err := selectSpecs(specs, jails, args)
			if err != nil {
				return err
			}
			valid := validSpecs(specs)
			all, err := jail.Closure(selected, valid)
			if err != nil {
				return err
			}
			m, err := e.manager(quiet)
			if err != nil {
				return err
			}
			if err := e.applyNetworks(); err != nil {
				return fmt.Errorf("networks: %w", err)
			}
			if err := m.Start(context.Background(), all); err != nil {
				if e.verbose {
					fmt.Fprintf(e.stderr, "vjail: %v\n", err)
				}
				return exitError{exitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print \"NAME: created\"")
	return cmd
}

func validSpecs(specs []*jail.Spec) []*jail.Spec {
	var out []*jail.Spec
	for _, s := range specs {
		if s.Invalid == nil {
			out = append(out, s)
		}
	}
	return out
}
