package jailconf

import (
	"fmt"
	"strings"
)

// Jail is one jail's fully resolved configuration.
type Jail struct {
	// Name is the name of the jail's block ("a.b" for a nested block); a
	// numeric name is the jail's jid instead.
	Name string
	Pos  Pos
	// Params are the parameters in jail(8)'s order: the one implied by the
	// block name first, then as first defined, variables removed.
	Params []ResolvedParam
	// Failed is set when resolving this jail found an error; jail(8)
	// would skip it.
	Failed bool
}

// ResolvedParam is a parameter after merging and variable expansion.
type ResolvedParam struct {
	// Name is the spelling last written (allow.nomount or allow.mount).
	Name   string
	Values []string
	// Pos is the statement that last set the parameter.
	Pos Pos
	// Implicit marks the name (or jid) parameter implied by the block name.
	Implicit bool
}

// Param returns the parameter that name denotes in j, matching as jail(8)
// does: allow.mount finds allow.nomount.
func (j *Jail) Param(name string) (*ResolvedParam, bool) {
	for i := range j.Params {
		if equalOpts(j.Params[i].Name, name) {
			return &j.Params[i], true
		}
	}
	return nil, false
}

// String returns the last value of a parameter, as config.c string_param.
func (j *Jail) String(name string) (string, bool) {
	p, ok := j.Param(name)
	if !ok || len(p.Values) == 0 {
		return "", false
	}
	return p.Values[len(p.Values)-1], true
}

// Bool returns a boolean parameter's value as config.c bool_param: absent
// is false; a "no" name inverts; valueless, "true" or a non-zero integer
// is true.
func (j *Jail) Bool(name string) bool {
	p, ok := j.Param(name)
	if !ok {
		return false
	}
	return p.Bool()
}

// Bool interprets p as a boolean (see Jail.Bool).
func (p *ResolvedParam) Bool() bool {
	last := p.Name[strings.LastIndexByte(p.Name, '.')+1:]
	negated := strings.HasPrefix(last, "no")
	if len(p.Values) == 0 {
		return !negated
	}
	v := p.Values[len(p.Values)-1]
	n, _, _ := strtol(v)
	return negated != (strings.EqualFold(v, "true") || n != 0)
}

// Jailsys interprets p as libjail's JAIL_SYS type: valueless means "new",
// or "inherit" when written with "no" (novnet); otherwise the last value.
func (p *ResolvedParam) Jailsys() string {
	if len(p.Values) > 0 {
		return p.Values[len(p.Values)-1]
	}
	if _, negated := stripNo(p.Name); negated {
		return "inherit"
	}
	return "new"
}

// rstring is config.c's cfstring: text with the variables still to be
// substituted, each at a byte offset.
type rstring struct {
	s    string
	vars []rvar
}

type rvar struct {
	name string
	off  int
	pos  Pos
}

// rparam is config.c's cfparam during resolution.
type rparam struct {
	name      string
	isVar     bool
	immutable bool
	implicit  bool
	vals      []rstring
	pos       Pos
	gen       int
	bad       bool
}

func (p *rparam) unresolved() bool {
	for _, s := range p.vals {
		if len(s.vars) > 0 {
			return true
		}
	}
	return false
}

type jailBuild struct {
	name   string
	params []*rparam
	failed bool
	sink   *diagSink
}

func (j *jailBuild) errorf(pos Pos, format string, args ...any) {
	j.failed = true
	j.sink.diags = append(j.sink.diags, &Diag{Pos: pos, Jail: j.name, Msg: fmt.Sprintf(format, args...)})
}

// Resolve computes every jail's parameters as config.c load_config does:
// for each non-wildcard section in order, the name (or jid) implied by its
// name, then the parameters of matching wildcard sections (globals are the
// wildcard "*") placed before it in the file, its own parameters, and those
// of matching wildcards after it; later definitions supersede earlier ones.
// Variables are then expanded per jail.
func (c *Config) Resolve() ([]*Jail, Diags) {
	sink := &diagSink{}
	type seqSection struct {
		seq int
		s   *Section
	}
	var wild []seqSection
	for i, s := range c.Sections {
		if IsWildcardName(s.Name) {
			wild = append(wild, seqSection{i, s})
		}
	}
	var jails []*Jail
	for i, s := range c.Sections {
		if IsWildcardName(s.Name) {
			continue
		}
		j := &jailBuild{name: s.Name, sink: sink}
		implied := "name"
		if n, rest, ok := strtol(s.Name); ok && n != 0 && rest == "" {
			implied = "jid"
		}
		j.params = append(j.params, &rparam{name: implied, immutable: true, implicit: true,
			vals: []rstring{{s: s.Name}}, pos: s.Pos})
		didSelf := false
		for _, w := range wild {
			if i < w.seq && !didSelf {
				j.addAll(s.Params)
				didSelf = true
			}
			if WildcardMatch(s.Name, w.s.Name) {
				j.addAll(w.s.Params)
			}
		}
		if !didSelf {
			j.addAll(s.Params)
		}
		// A numeric block name set jid; the name defaults to it too.
		if implied == "jid" && j.lookup("name") == nil {
			j.params = append(j.params, &rparam{name: "name", immutable: true, implicit: true,
				vals: []rstring{{s: s.Name}}, pos: s.Pos})
		}
		j.expand()
		jail := &Jail{Name: s.Name, Pos: s.Pos, Failed: j.failed}
		for _, p := range j.params {
			if p.isVar {
				continue
			}
			rp := ResolvedParam{Name: p.name, Pos: p.pos, Implicit: p.implicit}
			if len(p.vals) > 0 {
				rp.Values = make([]string, len(p.vals))
				for k, v := range p.vals {
					rp.Values[k] = v.s
				}
			}
			jail.Params = append(jail.Params, rp)
		}
		jails = append(jails, jail)
	}
	return jails, sink.diags
}

// lookup finds a parameter as add_param does, by equalopts.
func (j *jailBuild) lookup(name string) *rparam {
	for _, p := range j.params {
		if equalOpts(p.name, name) {
			return p
		}
	}
	return nil
}

func (j *jailBuild) addAll(ps []*Param) {
	for _, p := range ps {
		j.add(p)
	}
}

// add is config.c add_param for a parameter from the file.
func (j *jailBuild) add(p *Param) {
	vals := make([]rstring, len(p.Values))
	for i, v := range p.Values {
		vals[i] = newRstring(v)
	}
	if dp := j.lookup(p.Name); dp != nil {
		if dp.isVar != p.IsVar {
			j.errorf(p.Pos, "variable \"$%s\" cannot have the same name as a parameter: rename the variable", p.Name)
			return
		}
		if dp.immutable {
			j.errorf(p.Pos, "cannot redefine parameter %q: it is set by the jail's block name", dp.name)
			return
		}
		dp.name = p.Name
		if p.Op != OpAppend || len(vals) == 0 {
			dp.vals = nil
		}
		dp.vals = append(dp.vals, vals...)
		dp.pos = p.Pos
		return
	}
	if p.IsVar {
		for _, name := range internalParamNames {
			if equalOpts(p.Name, name) {
				j.errorf(p.Pos, "variable \"$%s\" cannot have the same name as a parameter: rename the variable", p.Name)
				return
			}
		}
	}
	j.params = append(j.params, &rparam{name: p.Name, isVar: p.IsVar, vals: vals, pos: p.Pos})
}

func newRstring(v Value) rstring {
	var r rstring
	if len(v.Pieces) == 1 && !v.Pieces[0].IsVar {
		r.s = v.Pieces[0].Text
		return r
	}
	var b strings.Builder
	for _, pc := range v.Pieces {
		if pc.IsVar {
			r.vars = append(r.vars, rvar{name: pc.Text, off: b.Len(), pos: pc.Pos})
		} else {
			b.WriteString(pc.Text)
		}
	}
	r.s = b.String()
	return r
}

// expand substitutes variables, following load_config: parameters are
// expanded in order; one whose value refers to a parameter not yet expanded
// moves that parameter in front of itself and expands it first, and a
// parameter met twice in one such chain is a loop.
func (j *jailBuild) expand() {
	ps := j.params
	pgen := 0
	for i := 0; i < len(ps); i++ {
		p := ps[i]
		pgen++
		p.gen = pgen
	findVars:
		for si := 0; si < len(p.vals); si++ {
			for len(p.vals[si].vars) > 0 {
				s := &p.vals[si]
				v := s.vars[0]
				var vp *rparam
				k := -1
				for idx, q := range ps {
					if q.name == v.name {
						vp, k = q, idx
						break
					}
				}
				switch {
				case vp == nil || len(vp.vals) == 0:
					if near := j.nearestName(v.name); near != "" {
						j.errorf(v.pos, "%s: variable %q not found (did you mean %q?)", p.name, v.name, near)
					} else {
						j.errorf(v.pos, "%s: variable %q not found: define it (%s = ...;) or set that parameter", p.name, v.name, "$"+v.name)
					}
					markBad(ps, pgen)
				case vp.bad:
					j.failed = true
					markBad(ps, pgen)
				case vp.gen == pgen:
					j.errorf(v.pos, "%s: variable loop: %q refers back to itself through other variables", v.name, v.name)
					markBad(ps, pgen)
				case vp.unresolved():
					vp.gen = pgen
					copy(ps[i+1:k+1], ps[i:k])
					ps[i] = vp
					p = vp
					goto findVars
				case len(vp.vals) > 1 && (s.s != "" || len(s.vars) > 1):
					j.errorf(v.pos, "%s: array cannot be substituted inline: %q has %d values; use it alone as a whole value", p.name, v.name, len(vp.vals))
					markBad(ps, pgen)
				default:
					first := vp.vals[0].s
					s.s = s.s[:v.off] + first + s.s[v.off:]
					for r := 1; r < len(s.vars); r++ {
						s.vars[r].off += len(first)
					}
					s.vars = s.vars[1:]
					if rest := vp.vals[1:]; len(rest) > 0 {
						extra := make([]rstring, len(rest))
						for r, vs := range rest {
							extra[r] = rstring{s: vs.s}
						}
						p.vals = append(p.vals[:si+1], append(extra, p.vals[si+1:]...)...)
						si += len(extra)
					}
					continue
				}
				// An error: drop this reference and go on, as free_var does.
				s.vars = s.vars[1:]
			}
		}
	}
}

// nearestName returns the name of a parameter or variable of the jail
// that is likely what a misspelt reference meant: one edit away per four
// bytes of the name, for names of three bytes or more.
func (j *jailBuild) nearestName(name string) string {
	if len(name) < 3 {
		return ""
	}
	best, bestDist := "", max(1, len(name)/4)+1
	for _, q := range j.params {
		if d := editDistance(name, q.name); d < bestDist && len(q.vals) > 0 {
			best, bestDist = q.name, d
		}
	}
	return best
}

func markBad(ps []*rparam, gen int) {
	for _, q := range ps {
		if q.gen == gen {
			q.bad = true
		}
	}
}

// internalParamNames are the names in config.c's intparams table, which a
// variable may not share (add_param checks only these, not every kernel
// parameter).
var internalParamNames = []string{
	"allow.dying", "command", "depend", "exec.clean", "exec.consolelog",
	"exec.fib", "exec.jail_user", "exec.poststart", "exec.poststop",
	"exec.prepare", "exec.prestart", "exec.prestop", "exec.release",
	"exec.created", "exec.start", "exec.stop", "exec.system_jail_user",
	"exec.system_user", "exec.timeout", "interface", "ip_hostname", "mount",
	"mount.devfs", "mount.fdescfs", "mount.procfs", "mount.fstab",
	"stop.timeout", "vnet.interface", "zfs.dataset", "allow.chflags",
	"allow.mount", "allow.raw_sockets", "allow.set_hostname",
	"allow.socket_af", "allow.sysvipc", "devfs_ruleset", "host.hostname",
	"ip4.addr", "ip6.addr", "jid", "name", "path", "persist", "securelevel",
	"vnet",
}

// equalOpts is config.c equalopts: two parameter names are the same if
// they are equal or differ only by a "no" prefix on one component after a
// common dotted prefix ("allow.mount" and "allow.nomount", "persist" and
// "nopersist").
func equalOpts(a, b string) bool {
	if a == b {
		return true
	}
	for {
		if strings.HasPrefix(a, "no") && a[2:] == b || strings.HasPrefix(b, "no") && b[2:] == a {
			return true
		}
		i := strings.IndexByte(a, '.')
		if i < 0 || len(b) <= i || a[:i+1] != b[:i+1] {
			return false
		}
		a, b = a[i+1:], b[i+1:]
	}
}

// IsWildcardName is jail.c wild_jail_name: a name with a "*" component.
func IsWildcardName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] == '*' && (i == 0 || name[i-1] == '.') && (i+1 == len(name) || name[i+1] == '.') {
			return true
		}
	}
	return false
}

// WildcardMatch is jail.c wild_jail_match: a non-final "*" component
// matches one component of the jail's name, a final "*" one or more.
func WildcardMatch(jname, wname string) bool {
	jc, wc := jname, wname
	for {
		jd := strings.IndexByte(jc, '.')
		if jd < 0 {
			break
		}
		wd := strings.IndexByte(wc, '.')
		if wd < 0 {
			break
		}
		// strncmp(jc, wc, jd+1): the component and its dot must match
		// unless the wildcard's component is "*".
		if !(len(wc) >= jd+1 && jc[:jd+1] == wc[:jd+1]) && !strings.HasPrefix(wc, "*.") {
			return false
		}
		jc, wc = jc[jd+1:], wc[wd+1:]
	}
	return jc == wc || wc == "*"
}

// strtol parses a base-10 integer the way strtol(3) does: leading
// whitespace, an optional sign, digits; it returns the value (clamped), the
// unparsed rest, and whether any digits were read.
func strtol(s string) (int64, string, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n int64
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := int64(s[i] - '0')
		if n > (1<<63-1-d)/10 {
			overflow = true
		} else {
			n = n*10 + d
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	if overflow {
		n = 1<<63 - 1
	}
	if neg {
		n = -n
	}
	return n, s[i:], true
}
