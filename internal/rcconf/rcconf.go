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
	"regexp"
	"strings"
	"sync"
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
	// JailConfs are the jail_NAME_conf settings: NAME's own configuration.
	JailConfs map[string]string
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
	for name, v := range vars {
		if j, ok := strings.CutSuffix(strings.TrimPrefix(name, "jail_"), "_conf"); ok && j != "" && v != "" {
			if s.JailConfs == nil {
				s.JailConfs = map[string]string{}
			}
			s.JailConfs[j] = v
		}
	}
	return s, nil
}

// JailConf is the configuration rc.d/jail reads for a jail named in
// jail_list: jail_NAME_conf, else ETC/jail.NAME.conf if it exists, else
// ETC/jail.conf.d/NAME.conf if it exists and the main configuration does
// not already include ETC/jail.conf.d/, else the main configuration
// (jail_conf, or "" for the default). etc is "/etc" on a host; tests give
// a directory of their own.
func (s Settings) JailConf(name, etc string) string {
	if c := s.JailConfs[name]; c != "" {
		return c
	}
	if f := filepath.Join(etc, "jail."+name+".conf"); readable(f) {
		return f
	}
	main := s.Conf
	if main == "" {
		main = filepath.Join(etc, "jail.conf")
	}
	dir := filepath.Join(etc, "jail.conf.d")
	if f := filepath.Join(dir, name+".conf"); readable(f) && !includesDir(main, dir) {
		return f
	}
	return s.Conf
}

func readable(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// includesDir tells whether conf has an `.include` of a file in dir, the
// test rc.d/jail makes (with egrep) so that a jail is not read twice.
func includesDir(conf, dir string) bool {
	b, err := os.ReadFile(conf)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), ".include")
		if ok && strings.HasPrefix(strings.TrimLeft(strings.TrimSpace(rest), `"`), dir+"/") {
			return true
		}
	}
	return false
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

// shName is a name sh(1) takes for a variable.
var shName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

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
	// sh(1) reads rc.conf: inside double quotes it would expand $ and `
	// and unescape \, and a newline would end the line. Such values are
	// refused rather than written as sh would misread them.
	if !shName().MatchString(name) {
		return fmt.Errorf("%s: cannot set %q: not a shell variable name", file, name)
	}
	if strings.ContainsAny(value, "\"\\$`\n") {
		return fmt.Errorf("%s: cannot set %s to %q: rc.conf values are written in double quotes, without \", \\, $, ` or newlines", file, name, value)
	}
	assignment := name + `="` + value + "\"\n"
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
