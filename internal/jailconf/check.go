package jailconf

import (
	"fmt"
	"strings"
)

// Check validates parameter names in every statement of cfg and the values
// of every resolved jail, as jail(8) would when it imports parameters
// (import_params, check_intparams), but before anything is created and
// with positions.
func Check(cfg *Config, jails []*Jail) Diags {
	sink := &diagSink{}
	for _, s := range cfg.Sections {
		for _, p := range s.Params {
			checkName(sink, p)
		}
	}
	for _, j := range jails {
		for i := range j.Params {
			checkValue(sink, j, &j.Params[i])
		}
	}
	return sink.diags
}

func checkName(sink *diagSink, p *Param) {
	if p.IsVar {
		return
	}
	if p.Name == includeDirective {
		sink.errorf(p.Pos, "write .include with its file name and no %q: .include \"FILE\";", opString(p.Op))
		return
	}
	info, _, ok := LookupParam(p.Name)
	if !ok {
		if base, isNo := stripNo(p.Name); isNo {
			if bi, ok := params[base]; ok {
				sink.errorf(p.Pos, "parameter %q: the \"no\" form is only for boolean parameters, and %q is a %s", p.Name, base, bi.Kind)
				return
			}
		}
		msg := fmt.Sprintf("unknown parameter %q", p.Name)
		if s := suggest(p.Name); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else {
			msg += " (`vjail config params` lists the known ones)"
		}
		sink.errorf(p.Pos, "%s", msg)
		return
	}
	if info.ReadOnly {
		sink.errorf(p.Pos, "parameter %q is read-only: the kernel reports it, it cannot be set", p.Name)
		return
	}
	if p.Op == OpNone && (info.Kind == KindString || info.Kind == KindInt) {
		sink.errorf(p.Pos, "parameter %q needs a value: write %s = VALUE;", p.Name, p.Name)
	}
}

func opString(op Op) string {
	if op == OpAppend {
		return "+="
	}
	return "="
}

func checkValue(sink *diagSink, j *Jail, p *ResolvedParam) {
	info, _, ok := LookupParam(p.Name)
	if !ok || len(p.Values) == 0 {
		return
	}
	v := p.Values[len(p.Values)-1]
	bad := func(what string) {
		sink.diags = append(sink.diags, &Diag{Pos: p.Pos, Jail: j.Name,
			Msg: fmt.Sprintf("%s: %s %q", p.Name, what, v)})
	}
	switch info.Kind {
	case KindBool:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			if _, rest, ok := strtol(v); !ok || rest != "" {
				bad("unknown boolean value (use true, false or a number)")
			}
		}
	case KindInt:
		if _, rest, ok := strtol(v); !ok || rest != "" {
			bad("non-integer value")
		}
	case KindJailsys:
		switch v {
		case "new", "inherit", "disable":
		default:
			if _, rest, ok := strtol(v); !ok || rest != "" {
				bad("unknown value (use new, inherit or disable)")
			}
		}
	}
}

// suggest returns the known parameter name nearest to name, or "" when
// none is near enough to be a likely typo. A name that is the last
// component of a known one ("hostname") suggests it.
func suggest(name string) string {
	for _, p := range paramTable {
		if strings.HasSuffix(p.Name, "."+name) {
			return p.Name
		}
	}
	best, bestDist := "", len(name)/2+2
	for _, p := range paramTable {
		if d := editDistance(name, p.Name); d < bestDist {
			best, bestDist = p.Name, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b,
// in bytes: insertions, deletions, substitutions and swaps of two adjacent
// bytes each count one ("nmae" is one edit from "name").
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}
