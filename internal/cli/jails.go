package cli

import (
	"errors"
	"fmt"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/state"
)

// manager opens the state directory and the platform's backend.
func (e *env) manager(quiet bool) (*jail.Manager, error) {
	dir, b, err := e.openBackend()
	if err != nil {
		return nil, err
	}
	conf := e.confFile
	if conf == "" {
		conf = jailconf.DefaultFile
	}
	return &jail.Manager{State: dir, Backend: b, Out: e.stdout, Err: e.stderr, Quiet: quiet, ConfFile: conf}, nil
}

// openBackend opens the state directory and the platform's backend, once
// per command.
func (e *env) openBackend() (*state.Dir, jail.Backend, error) {
	if e.backend != nil {
		return e.dir, e.backend, nil
	}
	dir, err := state.Open(state.DirFromEnv(e.stateDir))
	if err != nil {
		return nil, nil, err
	}
	b, err := jail.NewBackend(dir)
	if err != nil {
		return nil, nil, err
	}
	e.dir, e.backend = dir, b
	return dir, b, nil
}

// prestart lets the backend start what it can of the jail name before
// the configuration is read (jail.Prestarter), and returns what releases
// it if the jail's creation did not take it. An error here is reported
// by the command's own opening of the backend.
func (e *env) prestart(name string) (release func()) {
	_, b, err := e.openBackend()
	if p, ok := b.(jail.Prestarter); ok && err == nil {
		p.Prestart(name)
		return p.ReleaseEarly
	}
	return func() {}
}

// configSpecs loads the configuration and returns the specs of every jail
// in it, printing the configuration's errors and warnings. It fails when
// the configuration has errors: nothing is started from a file that
// `vjail config check` rejects.
func (e *env) configSpecs() ([]*jail.Spec, []*jailconf.Jail, error) {
	return e.configSpecsFrom(e.confFile)
}

// configSpecsFrom is configSpecs for the configuration in file.
func (e *env) configSpecsFrom(file string) ([]*jail.Spec, []*jailconf.Jail, error) {
	l := e.loadFrom(file)
	for _, d := range l.diags {
		if d.Severity != jailconf.SevNote || e.verbose {
			fmt.Fprintln(e.stderr, d.Error())
		}
	}
	if l.diags.HasErrors() {
		return nil, nil, exitError{exitFail}
	}
	return specsOf(l.jails), l.jails, nil
}

// specsOf makes a Spec of each jail; a jail that cannot run gets one
// marked Invalid, reported only if that jail is selected.
func specsOf(jails []*jailconf.Jail) []*jail.Spec {
	var specs []*jail.Spec
	for _, j := range jails {
		s, err := jail.NewSpec(j)
		if err != nil {
			s = &jail.Spec{Name: j.Name, Params: j, Invalid: err}
		}
		specs = append(specs, s)
	}
	return specs
}

// selectSpecs picks the jails named on the command line as jail(8) does.
func selectSpecs(specs []*jail.Spec, jails []*jailconf.Jail, names []string) ([]*jail.Spec, error) {
	chosen, err := jailconf.Select(jails, names)
	if err != nil {
		return nil, err
	}
	byJail := map[*jailconf.Jail]*jail.Spec{}
	for _, s := range specs {
		byJail[s.Params] = s
	}
	var out []*jail.Spec
	var errs []error
	for _, j := range chosen {
		s := byJail[j]
		if s.Invalid != nil {
			errs = append(errs, s.Invalid)
			continue
		}
		out = append(out, s)
	}
	return out, errors.Join(errs...)
}
