package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/state"
)

func newStopCmd(e *env) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "stop [NAME...]",
		Short: "Remove running jails, as jail -r does",
		Long: `Stop removes the named jails (every running jail when none is named) with
jail(8)'s sequence: exec.prestop, exec.stop inside the jail, SIGTERM to what
is left and stop.timeout seconds (default 10) for it to exit, then the jail
is killed and removed, then exec.poststop and exec.release. A jail is removed
after the jails that depend on it. Each prints "NAME: removed".`,
		Example: "  vjail stop serverA\n  vjail stop",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && e.confFile == "" {
				// rc.d/jail stops with jail_conf's commands, as it started.
				if rc, err := e.rcSettings(); err == nil && rc.Conf != "" {
					e.confFile = rc.Conf
				}
			}
			m, err := e.manager(quiet)
			if err != nil {
				return err
			}
			specs, err := e.stopSpecs(m, args)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				// rc.d/jail: jail_reverse_stop stops jail_list's jails one
				// after another, last first.
				if rc, err := e.rcSettings(); err == nil && rc.ReverseStop && len(rc.List) > 0 {
					m.Sequential = true
					last := slices.Clone(rc.List)
					slices.Reverse(last)
					specs = orderBy(specs, last)
				}
			}
			if err := m.Stop(context.Background(), specs); err != nil {
				return exitError{exitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print \"NAME: removed\"")
	return cmd
}

// stopSpecs finds what to stop: each named jail (a wildcard matches the
// running ones), its commands taken from the configuration as jail -r
// does, or from its record when the configuration no longer has it.
func (e *env) stopSpecs(m *jail.Manager, names []string) ([]*jail.Spec, error) {
	recs, err := m.State.List()
	if err != nil {
		return nil, err
	}
	conf := map[string]*jail.Spec{}
	if specs, _, err := e.configSpecsQuiet(); err == nil {
		for _, s := range specs {
			if s.Invalid == nil {
				conf[s.Name] = s
			}
		}
	}
	pick := func(rec *state.Record) (*jail.Spec, error) {
		if s, ok := conf[rec.Name]; ok {
			return s, nil
		}
		return jail.SpecFromRecord(rec)
	}
	var out []*jail.Spec
	var errs []error
	seen := map[string]bool{}
	add := func(rec *state.Record) {
		if seen[rec.Name] {
			return
		}
		seen[rec.Name] = true
		s, err := pick(rec)
		if err != nil {
			errs = append(errs, err)
			return
		}
		out = append(out, s)
	}
	if len(names) == 0 {
		m.ClearUnrecorded("")
		// Every running jail; what ended by itself is only cleared.
		running, err := m.List(context.Background())
		if err != nil {
			return nil, err
		}
		alive := map[string]bool{}
		for _, st := range running {
			alive[st.Name] = true
		}
		for _, r := range recs {
			if alive[r.Name] || r.Phase != state.Running {
				add(r)
			}
		}
		return out, errors.Join(errs...)
	}
	for _, name := range names {
		found := false
		for _, r := range recs {
			if r.Name == name || r.Block == name || fmt.Sprint(r.JID) == name || name == "*" || jailconf.IsWildcardName(name) && jailconf.WildcardMatch(r.Name, name) {
				add(r)
				found = true
			}
		}
		if !found && !jailconf.IsWildcardName(name) {
			m.ClearUnrecorded(name)
			errs = append(errs, fmt.Errorf("jail %s: %w", name, state.ErrNotFound))
		}
	}
	// Jails that depend on a jail being removed go first, so they go too.
	for changed := true; changed; {
		changed = false
		for _, r := range recs {
			if seen[r.Name] {
				continue
			}
			s, err := pick(r)
			if err != nil {
				continue
			}
			for _, d := range s.Depend {
				if seen[d] {
					add(r)
					changed = true
					break
				}
			}
		}
	}
	return out, errors.Join(errs...)
}

// configSpecsQuiet loads the configuration without printing anything; a
// missing or broken configuration gives no specs.
func (e *env) configSpecsQuiet() ([]*jail.Spec, []*jailconf.Jail, error) {
	l := e.load()
	if l.diags.HasErrors() {
		return nil, nil, l.diags
	}
	return specsOf(l.jails), l.jails, nil
}

func newRestartCmd(e *env) *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:     "restart NAME...",
		Short:   "Remove and create jails again, as jail -rc does",
		Example: "  vjail restart serverA",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("restart needs the names of the jails to restart")}
			}
			specs, jails, err := e.configSpecs()
			if err != nil {
				return err
			}
			selected, err := selectSpecs(specs, jails, args)
			if err != nil {
				return err
			}
			m, err := e.manager(quiet)
			if err != nil {
				return err
			}
			var running []*jail.Spec
			for _, s := range selected {
				if rec, err := m.State.Read(s.Name); err == nil && m.Backend.Alive(rec) {
					running = append(running, s)
				}
			}
			failed := m.Stop(context.Background(), running) != nil
			if err := e.applyNetworks(); err != nil {
				return fmt.Errorf("networks: %w", err)
			}
			all, err := jail.Closure(selected, validSpecs(specs))
			if err != nil {
				return err
			}
			if err := m.Start(context.Background(), all); err != nil || failed {
				return exitError{exitFail}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print \"NAME: created\" and \"NAME: removed\"")
	return cmd
}
