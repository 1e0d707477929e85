package cli

import (
	"fmt"
	"strings"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
)

// loaded is a configuration read, resolved and checked, with every
// diagnostic sorted by position.
type loaded struct {
	cfg   *jailconf.Config
	jails []*jailconf.Jail
	diags jailconf.Diags
}

func (l *loaded) describeFiles() string { return strings.Join(l.cfg.Files, ", ") }

// runDiags are the problems that would stop `vjail start` from running
// the jails (a missing path, an address that is not one, a limit that is
// not an amount), where they are: `config check` reports them beside the
// language's own; `config show` does not need the jails to be runnable.
func (l *loaded) runDiags() jailconf.Diags {
	var diags jailconf.Diags
	for _, j := range l.jails {
		if j.Failed {
			continue
		}
		s, err := jail.NewSpec(j)
		for _, pe := range jail.Problems(err) {
			pos := j.Pos
			if p, ok := j.Param(pe.Param); ok && pe.Param != "" {
				pos = p.Pos
			}
			diags = append(diags, &jailconf.Diag{Pos: pos, Jail: j.Name, Severity: jailconf.SevError, Msg: pe.Error()})
		}
		if s != nil && s.Boot && !s.MountDevfs {
			// An init expects /dev/null and /dev/console: without a
			// /dev of its own it may not get far.
			p, _ := j.Param("exec.start")
			diags = append(diags, &jailconf.Diag{Pos: p.Pos, Jail: j.Name, Severity: jailconf.SevWarning,
				Msg: "exec.start boots the jail's own init, which wants /dev/null and a console: add mount.devfs"})
		}
	}
	return diags
}

// load reads the configuration named by -f (or the default one), resolves
// it, checks parameter names and values, and adds what this platform's
// backend cannot honour as warnings and notes.
func (e *env) load() *loaded { return e.loadFrom(e.confFile) }

// loadFrom is load for the configuration in file ("" for the default).
func (e *env) loadFrom(file string) *loaded {
	ld := jailconf.Loader{Stdin: e.stdin}
	var cfg *jailconf.Config
	var diags jailconf.Diags
	if file == "" {
		cfg, diags = ld.LoadDefault()
	} else {
		cfg, diags = ld.LoadFile(file)
	}
	jails, rdiags := cfg.Resolve()
	diags = append(diags, rdiags...)
	diags = append(diags, jailconf.Check(cfg, jails)...)
	for _, j := range jails {
		for _, c := range jail.Concerns(j) {
			d := &jailconf.Diag{Pos: c.Param.Pos, Jail: j.Name, Severity: jailconf.SevNote,
				Msg: fmt.Sprintf("parameter %q is honoured differently on %s: %s", c.Param.Name, jail.PlatformName, c.Support.How)}
			if c.Support.Level == jail.Unsupported {
				d.Severity = jailconf.SevWarning
				d.Msg = fmt.Sprintf("parameter %q is not honoured on %s: %s", c.Param.Name, jail.PlatformName, c.Support.How)
			}
			diags = append(diags, d)
		}
	}
	diags = diags.Dedup()
	diags.Sort()
	return &loaded{cfg: cfg, jails: jails, diags: diags}
}
