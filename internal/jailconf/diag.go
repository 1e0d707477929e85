package jailconf

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a configuration file. Line and Col count from 1;
// Col counts bytes, as go/scanner does.
type Pos struct {
	File string
	Line int
	Col  int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity grades a diagnostic.
type Severity uint8

const (
	// SevError makes a configuration invalid.
	SevError Severity = iota
	// SevWarning is a valid configuration that this platform cannot
	// honour, or something jail(8) accepts but that will fail later.
	SevWarning
	// SevNote is a valid configuration honoured with a difference worth
	// knowing.
	SevNote
)

// Diag is one positioned problem.
type Diag struct {
	Pos      Pos
	Severity Severity
	// Jail names the jail whose resolution found the problem, when the
	// problem belongs to one jail rather than to the text itself.
	Jail string
	Msg  string
}

func (d *Diag) Error() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	switch d.Severity {
	case SevWarning:
		b.WriteString("warning: ")
	case SevNote:
		b.WriteString("note: ")
	}
	if d.Jail != "" {
		fmt.Fprintf(&b, "jail %q: ", d.Jail)
	}
	b.WriteString(d.Msg)
	return b.String()
}

// Diags is a list of diagnostics; as an error it is non-nil only when it
// holds at least one SevError (see Err).
type Diags []*Diag

func (ds Diags) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns ds as an error if it contains an error, else nil.
func (ds Diags) Err() error {
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// HasErrors reports whether any diagnostic is an error.
func (ds Diags) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line and column, keeping the order of
// diagnostics at the same position.
func (ds Diags) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Dedup folds diagnostics that differ only in the jail they were found in
// (a bad global parameter fails every jail in the same way) into one that
// names the first jail and counts the others.
func (ds Diags) Dedup() Diags {
	type key struct {
		pos Pos
		sev Severity
		msg string
	}
	first := map[key]int{}
	counts := map[key]int{}
	var out Diags
	for _, d := range ds {
		k := key{d.Pos, d.Severity, d.Msg}
		if _, seen := first[k]; !seen {
			first[k] = len(out)
			out = append(out, &Diag{Pos: d.Pos, Severity: d.Severity, Jail: d.Jail, Msg: d.Msg})
		}
		counts[k]++
	}
	for k, i := range first {
		if n := counts[k]; n > 1 {
			out[i].Msg += fmt.Sprintf(" (and in %d more jails)", n-1)
		}
	}
	return out
}

type diagSink struct {
	diags Diags
}

func (s *diagSink) errorf(pos Pos, format string, args ...any) {
	s.diags = append(s.diags, &Diag{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}
