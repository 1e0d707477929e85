package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/rcconf"
)

func newStartCmd(e *env) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "start [NAME...]",
		Short: "Create jails from the configuration, as jail -c does",
		Long: `Start creates the named jails with jail(8)'s sequence: exec.prepare,
exec.prestart, the jail itself with its mounts, vnet.interface, exec.created,
exec.start inside the jail, exec.poststart. Jails start in parallel where
depend allows; a jail's dependencies start first. Each prints "NAME: created".

Without names, rc.conf decides, as /etc/rc.d/jail does at boot: nothing
unless jail_enable is YES, then the jails of jail_list (every jail when it is
empty), one after another unless jail_parallel_start is YES, from jail_conf
when it is set. Without any rc.conf, every jail of the configuration starts.`,
		Example: "  vjail start\n  vjail -f /etc/jail.conf start serverA",
		RunE: func(cmd *cobra.Command, args []string) error {
			// Without names, rc.conf decides, as rc.d/jail does at boot.
			var rc *rcconf.Settings
			if len(args) == 0 {
				s, err := e.rcSettings()
				if err != nil {
					return err
				}
				if len(s.Files) > 0 {
					if !s.Enable {
						return errNotEnabled(s)
					}
					if e.confFile == "" && s.Conf != "" {
						e.confFile = s.Conf
					}
					args, rc = s.List, &s
				}
			}
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
			if rc != nil && !rc.ParallelStart {
				// rc.d/jail starts the listed jails one after another.
				m.Sequential = true
				all = orderBy(all, rc.List)
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
