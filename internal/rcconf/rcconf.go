// Package rcconf reads and edits the jail settings of FreeBSD's rc.conf(5)
// (jail_enable, jail_list, jail_reverse_stop, jail_parallel_start,
// jail_conf), which decide what `vjail start` and `vjail stop` do without
// names, as /etc/rc.d/jail does at boot.
package rcconf

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultFiles are read in order, later settings overriding earlier ones,
// as rc.subr does.
var DefaultFiles = []string{"/etc/rc.conf", "/etc/rc.conf.local", "/etc/rc.conf.d/jail"}

// Settings are rc.d/jail's knobs, with FreeBSD's defaults.
type Settings struct {
	Enable        bool
	List          []string // empty: every jail in the configuration
	ReverseStop   bool
	ParallelStart bool
	Conf          string // jail_conf; empty: the default configuration
	// Files are the rc.conf files that existed and were read.
	Files []string
}

// Load reads files (missing ones are skipped). It understands the
// assignments sysrc(8) writes: NAME=VALUE with the value bare, in double or
// in single quotes, and comments.
func Load(files []string) (Settings, error) {
	var s Settings
	vars := map[string]string{}
	for _, f := range files {
		fh, err := os.Open(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return s, err
		}
		s.Files = append(s.Files, f)
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			name, value, ok := parseLine(sc.Text())
			if ok && strings.HasPrefix(name, "jail_") {
				vars[name] = value
			}
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return s, fmt.Errorf("%s: %w", f, err)
		}
	}
	s.Enable = yes(vars["jail_enable"])
	s.List = strings.Fields(vars["jail_list"])
	s.ReverseStop = yes(vars["jail_reverse_stop"])
	s.ParallelStart = yes(vars["jail_parallel_start"])
	s.Conf = vars["jail_conf"]
	return s, nil
}

// parseLine reads `NAME=VALUE`, `NAME="VALUE"` or `NAME='VALUE'`, with an
// optional trailing comment.
func parseLine(line string) (name, value string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || line[0] == '#' {
		return "", "", false
	}
	name, rest, ok := strings.Cut(line, "=")
	if !ok || name == "" || strings.ContainsAny(name, " \t$") {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(rest, `"`):
		end := strings.Index(rest[1:], `"`)
		if end < 0 {
			return "", "", false
		}
		return name, rest[1 : 1+end], true
	case strings.HasPrefix(rest, "'"):
		end := strings.Index(rest[1:], "'")
		if end < 0 {
			return "", "", false
		}
		return name, rest[1 : 1+end], true
	}
	value, _, _ = strings.Cut(rest, "#")
	return name, strings.TrimSpace(value), true
}

// yes is rc.subr checkyesno: YES, TRUE, ON or 1, in any case.
func yes(v string) bool {
	switch strings.ToLower(v) {
	case "yes", "true", "on", "1":
		return true
	}
	return false
}

// Set sets NAME="VALUE" in file as sysrc(8) does: the last assignment of
// NAME is rewritten in place, or one is appended; the file is replaced
// atomically.
func Set(file, name, value string) error {
	b, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	assignment := fmt.Sprintf("%s=%q\n", name, value)
	last := -1
	for i, l := range lines {
		if n, _, ok := parseLine(l); ok && n == name {
			last = i
		}
	}
	if last >= 0 {
		lines[last] = assignment
	} else {
		if len(lines) > 0 && !strings.HasSuffix(lines[len(lines)-1], "\n") {
			lines[len(lines)-1] += "\n"
		}
		lines = append(lines, assignment)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp := file + ".vjail-tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "")), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}
