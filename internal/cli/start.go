package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
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
empty), one after another unless jail_parallel_start is YES. A listed jail
is read from its own file as rc.d/jail looks for it: jail_NAME_conf, then
/etc/jail.NAME.conf, then /etc/jail.conf.d/NAME.conf (unless jail_conf
includes that directory), then jail_conf, then the default configuration;
-f overrides them all. Without any rc.conf, every jail of the configuration
starts.`,
		Example: "  vjail start\n  vjail -f /etc/jail.conf start serverA",
		RunE: func(cmd *cobra.Command, args []string) error {
			// The first named jail's init starts making its namespaces
			// while the configuration is read, should it be a vnet jail;
			// Main has done so already for a plain command line.
			if len(args) > 0 && (e.backend == nil || e.stateDir != e.prestarted) {
				e.backend = nil
				defer e.prestart(args[0])()
			}
			// Without names, rc.conf decides, as rc.d/jail does at boot.
			fromFlag := e.confFile != ""
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
					if !fromFlag && s.Conf != "" {
						e.confFile = s.Conf
					}
					args, rc = s.List, &s
				}
			}
			var all []*jail.Spec
			var err error
			if rc != nil && len(rc.List) > 0 && !fromFlag {
				all, err = e.listedSpecs(*rc)
			} else {
				all, err = e.namedSpecs(args)
			}
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

// namedSpecs are the jails named (every jail when none is) from the
// configuration, with the jails they depend on.
func (e *env) namedSpecs(names []string) ([]*jail.Spec, error) {
	specs, jails, err := e.configSpecs()
	if err != nil {
		return nil, err
	}
	selected, err := selectSpecs(specs, jails, names)
	if err != nil {
		return nil, err
	}
	return jail.Closure(selected, validSpecs(specs))
}

// rcEtc is where rc.d/jail looks for a jail's own configuration.
const rcEtc = "/etc"

// listedSpecs finds each jail of jail_list in its own configuration, as
// rc.d/jail does (see rcconf.Settings.JailConf), with the jails it depends
// on from the same file. Nothing starts if any listed jail is missing.
func (e *env) listedSpecs(rc rcconf.Settings) ([]*jail.Spec, error) {
	var files []string
	names := map[string][]string{}
	for _, n := range rc.List {
		// The name becomes part of a file name: no "../" there.
		if err := jail.ValidName(n); err != nil {
			return nil, fmt.Errorf("jail_list in %s: %w", strings.Join(rc.Files, ", "), err)
		}
		f := rc.JailConf(n, rcEtc)
		if _, ok := names[f]; !ok {
			files = append(files, f)
		}
		names[f] = append(names[f], n)
	}
	var all []*jail.Spec
	var errs []error
	seen := map[string]bool{}
	for _, f := range files {
		specs, jails, err := e.configSpecsFrom(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		selected, err := selectSpecs(specs, jails, names[f])
		if err != nil {
			errs = append(errs, fmt.Errorf("jail_list in %s: %w (%s): define it there or take it off the list with `vjail disable NAME`",
				strings.Join(rc.Files, ", "), err, cmp.Or(f, jailconf.DefaultFile)))
			continue
		}
		closure, err := jail.Closure(selected, validSpecs(specs))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, s := range closure {
			if !seen[s.Name] {
				seen[s.Name] = true
				s.ConfFile = f
				all = append(all, s)
			}
		}
	}
	return all, errors.Join(errs...)
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
