package jailconf

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Default configuration locations, as on FreeBSD.
const (
	DefaultFile = "/etc/jail.conf"
	DefaultDir  = "/etc/jail.conf.d"
)

// MaxIncludeDepth is jail(8)'s limit on nested .include directives.
const MaxIncludeDepth = 32

// Section is one entry of jail(8)'s cfjails list: a jail block, a wildcard
// block, or a run of global parameters (the pseudo-jail "*"), in the order
// they appear once includes are expanded.
type Section struct {
	// Name is the full jail name ("a.b" for b nested in a) or a wildcard.
	Name   string
	Pos    Pos
	Params []*Param
}

// Config is a loaded configuration: every file read and its sections.
type Config struct {
	Files    []string
	Sections []*Section
}

// Loader reads configuration files. The zero value reads the real file
// system; Stdin, when set, is what the name "-" reads.
type Loader struct {
	Stdin io.Reader
	// ReadFile and Glob default to os.ReadFile and globSorted.
	ReadFile func(name string) ([]byte, error)
	Glob     func(pattern string) ([]string, error)
}

// LoadFile loads a configuration from one file ("-" is standard input), as
// `jail -f FILE` does.
func (ld Loader) LoadFile(name string) (*Config, Diags) {
	st := ld.newState()
	st.loadFile(name, Pos{File: name}, nil)
	return st.cfg, st.sink.diags
}

// LoadDefault loads the default configuration: /etc/jail.conf followed by
// /etc/jail.conf.d/*.conf in name order, as if the first ended with
// `.include "/etc/jail.conf.d/*.conf";`. It is an error if neither exists.
func (ld Loader) LoadDefault() (*Config, Diags) {
	return ld.loadDefaultAt(DefaultFile, DefaultDir)
}

func (ld Loader) loadDefaultAt(file, dir string) (*Config, Diags) {
	st := ld.newState()
	pattern := filepath.Join(dir, "*.conf")
	matches, err := st.glob(pattern)
	if err != nil {
		st.sink.errorf(Pos{File: pattern}, "%v", err)
	}
	if _, err := os.Stat(file); err == nil || len(matches) == 0 {
		n := len(st.sink.diags)
		st.loadFile(file, Pos{File: file}, nil)
		if len(st.sink.diags) > n && errors.Is(err, fs.ErrNotExist) {
			d := st.sink.diags[n]
			d.Msg += fmt.Sprintf(" (the default configuration is %s and %s; name another file with -f FILE)", file, pattern)
		}
	}
	for _, m := range matches {
		st.loadFile(m, Pos{File: m}, nil)
	}
	return st.cfg, st.sink.diags
}

func (ld Loader) newState() *loadState {
	st := &loadState{ld: ld, cfg: &Config{}, sink: &diagSink{}}
	if st.ld.ReadFile == nil {
		st.ld.ReadFile = os.ReadFile
	}
	if st.ld.Glob == nil {
		st.ld.Glob = globSorted
	}
	return st
}

type loadState struct {
	ld   Loader
	cfg  *Config
	sink *diagSink
	// chain holds the files being included, outermost first, to name a loop.
	chain []chainEntry
	// global is the pseudo-jail "*" of parameters outside any block.
	global *Section
}

type chainEntry struct {
	name string
	info fs.FileInfo
}

// loadFile parses one file and adds its statements to the configuration
// within the jail block cur (nil at top level), as include_config and
// parse_config do.
func (st *loadState) loadFile(name string, from Pos, cur *Section) {
	if len(st.chain) >= MaxIncludeDepth {
		st.sink.errorf(from, "includes nested too deeply (more than %d levels): %s", MaxIncludeDepth, name)
		return
	}
	var src []byte
	var err error
	var info fs.FileInfo
	if name == "-" {
		if st.ld.Stdin == nil {
			err = errors.New("no standard input")
		} else {
			src, err = io.ReadAll(st.ld.Stdin)
		}
	} else {
		info, _ = os.Stat(name)
		for _, c := range st.chain {
			if c.info != nil && info != nil && os.SameFile(c.info, info) || c.name == name {
				st.sink.errorf(from, "include loop: %s includes itself (through %s)", name, chainString(st.chain))
				return
			}
		}
		src, err = st.ld.ReadFile(name)
	}
	if err != nil {
		msg := err.Error()
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		if from.Line == 0 {
			st.sink.errorf(from, "cannot read configuration: %s", msg)
		} else {
			st.sink.errorf(from, "cannot read included file %s: %s", name, msg)
		}
		return
	}
	if name == "-" {
		name = "STDIN"
	}
	st.cfg.Files = append(st.cfg.Files, name)
	f, diags := Parse(name, src)
	st.sink.diags = append(st.sink.diags, diags...)
	st.chain = append(st.chain, chainEntry{name: name, info: info})
	st.addBody(f.Body, cur, name)
	st.chain = st.chain[:len(st.chain)-1]
}

func chainString(chain []chainEntry) string {
	names := make([]string, len(chain))
	for i, c := range chain {
		names[i] = c.name
	}
	return strings.Join(names, " -> ")
}

// addBody adds statements to the section list, exactly as jailparse.y
// builds cfjails: a block is added when its name is read (so a parent comes
// before its children), and every parameter outside any block joins the one
// global pseudo-jail "*", which takes its place in the list where the first
// such parameter appears.
func (st *loadState) addBody(body []Node, cur *Section, file string) {
	for _, n := range body {
		switch n := n.(type) {
		case *Block:
			name := n.Name
			if cur != nil {
				name = cur.Name + "." + n.Name
			}
			s := &Section{Name: name, Pos: n.Pos}
			st.cfg.Sections = append(st.cfg.Sections, s)
			st.addBody(n.Body, s, file)
		case *Param:
			if n.isInclude() {
				st.include(n, cur, file)
				continue
			}
			target := cur
			if target == nil {
				if st.global == nil {
					st.global = &Section{Name: "*", Pos: n.Pos}
					st.cfg.Sections = append(st.cfg.Sections, st.global)
				}
				target = st.global
			}
			target.Params = append(target.Params, n)
		}
	}
}

// include expands `.include "PATTERN";`. A relative name is relative to the
// directory of the including file; a pattern with glob characters may match
// nothing, a plain name must exist.
func (st *loadState) include(p *Param, cur *Section, file string) {
	for _, v := range p.Values {
		pattern, ok := v.Literal()
		if !ok {
			st.sink.errorf(v.Pos, "variables are not permitted in an .include file name")
			continue
		}
		if pattern == "" {
			st.sink.errorf(v.Pos, ".include needs a file name")
			continue
		}
		if !filepath.IsAbs(pattern) && file != "STDIN" {
			if i := strings.LastIndexByte(file, '/'); i >= 0 {
				pattern = file[:i+1] + pattern
			}
		}
		if !hasGlobMeta(pattern) {
			st.loadFile(pattern, v.Pos, cur)
			continue
		}
		matches, err := st.glob(pattern)
		if err != nil {
			st.sink.errorf(v.Pos, ".include %q: %v", pattern, err)
			continue
		}
		for _, m := range matches {
			st.loadFile(m, v.Pos, cur)
		}
	}
}

func (st *loadState) glob(pattern string) ([]string, error) {
	return st.ld.Glob(pattern)
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, "*?[") }

// globSorted is glob(3) as jail(8) calls it: matches sorted as whole
// strings, and no match for a name starting with '.' unless the pattern's
// component starts with '.' too.
func globSorted(pattern string) ([]string, error) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	pcomps := strings.Split(pattern, "/")
	out := matches[:0]
	for _, m := range matches {
		mcomps := strings.Split(m, "/")
		hidden := false
		for i := range mcomps {
			if i < len(pcomps) && strings.HasPrefix(mcomps[i], ".") && !strings.HasPrefix(pcomps[i], ".") {
				hidden = true
				break
			}
		}
		if !hidden {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out, nil
}
