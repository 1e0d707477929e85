package jailconf

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"testing"
)

// memFS is a Loader over in-memory files, for tests of the language that do
// not need a real file system.
func memLoader(files map[string]string) Loader {
	return Loader{
		ReadFile: func(name string) ([]byte, error) {
			s, ok := files[name]
			if !ok {
				return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
			}
			return []byte(s), nil
		},
		Glob: func(pattern string) ([]string, error) {
			var out []string
			for name := range files {
				if ok, err := path.Match(pattern, name); err != nil {
					return nil, err
				} else if ok {
					out = append(out, name)
				}
			}
			sort.Strings(out)
			return out, nil
		},
	}
}

// resolveString loads src as the file "jail.conf" and resolves it.
func resolveString(t testing.TB, src string) ([]*Jail, Diags) {
	t.Helper()
	cfg, diags := memLoader(map[string]string{"jail.conf": src}).LoadFile("jail.conf")
	jails, rd := cfg.Resolve()
	diags = append(diags, rd...)
	return jails, diags
}

// render writes jails compactly: one line per jail,
// "name: p1 p2=v p3=[v1|v2]", the leading implicit name parameter left out.
func render(jails []*Jail) string {
	var lines []string
	for _, j := range jails {
		var b strings.Builder
		b.WriteString(j.Name)
		b.WriteString(":")
		for i, p := range j.Params {
			if i == 0 && p.Implicit && p.Name == "name" {
				continue
			}
			b.WriteString(" ")
			b.WriteString(p.Name)
			switch len(p.Values) {
			case 0:
			case 1:
				b.WriteString("=" + p.Values[0])
			default:
				b.WriteString("=[" + strings.Join(p.Values, "|") + "]")
			}
		}
		if j.Failed {
			b.WriteString(" FAILED")
		}
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "\n")
}

// renderDiags writes diagnostics one per line as LINE:COL: message, without
// the file name.
func renderDiags(ds Diags) string {
	var lines []string
	for _, d := range ds {
		s := fmt.Sprintf("%d:%d: %s", d.Pos.Line, d.Pos.Col, d.Msg)
		if d.Jail != "" {
			s = fmt.Sprintf("%d:%d: [%s] %s", d.Pos.Line, d.Pos.Col, d.Jail, d.Msg)
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}
