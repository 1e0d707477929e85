package jailconf

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestErrors checks that each kind of mistake is reported, at the right
// line and column, with advice; and nothing else is reported.
func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // renderDiags of every diagnostic, in order
	}{
		{"unterminated string", "a {\n\tp = \"abc;\n}\n",
			"2:6: unterminated string: add the closing \"\n" +
				"3:1: missing value after \"=\" for \"p\": found \"}\" (write \"\" for an empty value)"},
		{"unterminated single-quoted string", "a { p = 'abc; }",
			"1:9: unterminated string: add the closing '\n" +
				"1:16: missing value after \"=\" for \"p\": found end of file (write \"\" for an empty value)\n" +
				"1:16: unexpected end of file: missing \"}\" to close jail block \"a\" opened at 1:1"},
		{"unterminated comment", "a { }\n/* comment\n a { }",
			"2:1: unterminated comment: add \"*/\" to close the comment opened here"},
		{"unterminated variable", "a {\n\tp = ${abc;\n}\n",
			"2:6: unterminated variable: add \"}\" to close \"${\"\n" +
				"3:1: missing value after \"=\" for \"p\": found \"}\" (write \"\" for an empty value)"},
		{"braced variable runs to its brace", "a { p = ${abc; }", // as jaillex.l: the name is "abc; "
			"1:17: missing \";\" after \"p\" at end of file\n" +
				"1:17: unexpected end of file: missing \"}\" to close jail block \"a\" opened at 1:1\n" +
				"1:9: [a] p: variable \"abc; \" not found: define it ($abc;  = ...;) or set that parameter"},
		{"missing semicolon", "a {\n\tp = 1\n\tq = 2;\n}\n",
			"2:7: missing \";\" after \"p\""},
		{"missing semicolon before brace", "a { p = 1 }",
			"1:10: missing \";\" after \"p\" before \"}\""},
		{"missing semicolon at end", "p = 1",
			"1:6: missing \";\" after \"p\" at end of file"},
		{"two strings without comma", `a { p = "x" "y"; }`,
			"1:12: missing \";\" after \"p\""},
		{"missing closing brace", "a {\n\tp = 1;\n",
			"3:1: unexpected end of file: missing \"}\" to close jail block \"a\" opened at 1:1"},
		{"missing nested closing brace", "a {\n\tb {\n}\n",
			"4:1: unexpected end of file: missing \"}\" to close jail block \"a\" opened at 1:1"},
		{"extra closing brace", "a { }\n}\nb { }",
			"2:1: unexpected \"}\" with no jail block open: remove it or add the block's opening line"},
		{"missing value", "a { p = ; q; }",
			"1:9: missing value after \"=\" for \"p\": found \";\" (write \"\" for an empty value)"},
		{"missing value after comma", "a { p = x, ; }",
			"1:12: missing value after \",\" for \"p\": found \";\" (write \"\" for an empty value)"},
		{"statement starts with equals", "= x;\na { }",
			"1:1: unexpected \"=\": expected a parameter, a variable or a jail block"},
		{"bad character", "a { p = x; } \x01 b { }",
			"1:14: unexpected \"\\x01\": expected a parameter, a variable or a jail block"},
		{"unquoted wildcard name", "foo.* { p = 1; }",
			"1:1: a jail name must be one word or one quoted string: write it as \"foo.*\""},
		{"variable as jail name", "$a { p = 1; }",
			"1:1: a jail name cannot be a variable: write the name itself"},
		{"name joined to a quote", `a { "p"x = 1; }`,
			"1:5: a parameter name must be one word or one quoted string: write it as \"px\""},
		{"brace after value", "a b { }",
			"1:5: unexpected \"{\" after \"a\": a jail name must be one word or one quoted string"},

		// Resolution errors, as jail(8) reports them, with positions.
		{"unknown variable", "a {\n\tp = \"$nope\";\n}",
			"2:7: [a] p: variable \"nope\" not found: define it ($nope = ...;) or set that parameter"},
		{"empty variable", "$v; a { p = $v; }",
			"1:13: [a] p: variable \"v\" not found: define it ($v = ...;) or set that parameter"},
		{"variable loop", "a {\n\t$x = \"$y\";\n\t$y = \"$x\";\n\tp = $x;\n}",
			"3:8: [a] x: variable loop: \"x\" refers back to itself through other variables"},
		{"self reference", "a { p = \"a${p}\"; }",
			"1:11: [a] p: variable loop: \"p\" refers back to itself through other variables"},
		{"array inline", "$ips = x, y;\na { ip4.addr = \"10.0.0.$ips\"; }",
			"2:24: [a] ip4.addr: array cannot be substituted inline: \"ips\" has 2 values; use it alone as a whole value"},
		{"array with another variable", "$ips = x, y; $z = z;\na { p = \"$ips$z\"; }",
			"2:10: [a] p: array cannot be substituted inline: \"ips\" has 2 values; use it alone as a whole value"},
		{"variable named like a parameter", "a {\n\t$path = \"/x\";\n}",
			"2:2: [a] variable \"$path\" cannot have the same name as a parameter: rename the variable"},
		{"variable named like a set parameter", "a {\n\tfoo = 1;\n\t$foo = 2;\n}",
			"3:2: [a] variable \"$foo\" cannot have the same name as a parameter: rename the variable"},
		{"redefine name", "a {\n\tname = b;\n}",
			"2:2: [a] cannot redefine parameter \"name\": it is set by the jail's block name"},
		{"redefine jid", "10 {\n\tjid = 11;\n}",
			"2:2: [10] cannot redefine parameter \"jid\": it is set by the jail's block name"},
		{"redefine name from a wildcard", "* { name = x; }\na { }\nb { }",
			"1:5: [a] cannot redefine parameter \"name\": it is set by the jail's block name\n" +
				"1:5: [b] cannot redefine parameter \"name\": it is set by the jail's block name"},
		{"variable in include", "$d = x;\n.include \"$d/x.conf\";",
			"2:10: variables are not permitted in an .include file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := resolveString(t, tt.src)
			if got := renderDiags(diags); got != tt.want {
				t.Errorf("resolve(%q) diagnostics:\n%s\nwant\n%s", tt.src, got, tt.want)
			}
			for _, d := range diags {
				if d.Pos.File != "jail.conf" {
					t.Errorf("diagnostic %q names file %q, want jail.conf", d.Error(), d.Pos.File)
				}
			}
		})
	}
}

// TestCheck checks parameter names and values against the known table.
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"known", "a { path = /x; vnet; allow.nomount; exec.start += x; $v = 1; }", ""},
		{"unknown with suggestion", "a {\n\tvnet.intreface = em1;\n}",
			"2:2: unknown parameter \"vnet.intreface\" (did you mean \"vnet.interface\"?)"},
		{"unknown far from anything", "a { frobnicate_the_widgets = 1; }",
			"1:5: unknown parameter \"frobnicate_the_widgets\" (`vjail config params` lists the known ones)"},
		{"unknown global", "hostname = x;", "1:1: unknown parameter \"hostname\" (did you mean \"host.hostname\"?)"},
		{"no form of a string", "a { nopath; }",
			"1:5: parameter \"nopath\": the \"no\" form is only for boolean parameters, and \"path\" is a string"},
		{"read-only", "a { dying = 1; }",
			"1:5: parameter \"dying\" is read-only: the kernel reports it, it cannot be set"},
		{"valueless string", "a { path; }",
			"1:5: parameter \"path\" needs a value: write path = VALUE;"},
		{"include with equals", ".include = \"x.conf\";",
			"1:1: write .include with its file name and no \"=\": .include \"FILE\";"},
		{"bad boolean", "a { persist = yes; }",
			"1:5: [a] persist: unknown boolean value (use true, false or a number) \"yes\""},
		{"bad integer", "a { stop.timeout = 10s; }",
			"1:5: [a] stop.timeout: non-integer value \"10s\""},
		{"bad jailsys", "a { vnet = yes; }",
			"1:5: [a] vnet: unknown value (use new, inherit or disable) \"yes\""},
		{"good values", "a { persist = TRUE; stop.timeout = 0; vnet = new; host = inherit; securelevel = -1; }", ""},
		{"value from a variable", "$t = x; a { exec.timeout = $t; }",
			"1:13: [a] exec.timeout: non-integer value \"x\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := memLoader(map[string]string{"jail.conf": tt.src}).LoadFile("jail.conf")
			jails, rd := cfg.Resolve()
			if len(diags)+len(rd) > 0 {
				t.Fatalf("load(%q): %v %v", tt.src, diags, rd)
			}
			if got := renderDiags(Check(cfg, jails)); got != tt.want {
				t.Errorf("Check(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
			}
		})
	}
}

// TestIncludes runs .include against a real directory tree.
func TestIncludes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("conf.d/20-b.conf", "b { p = 2; }\n")
	write("conf.d/10-a.conf", "a { p = 1; }\n")
	write("conf.d/.hidden.conf", "hidden { }\n")
	write("conf.d/notes.txt", "not { }\n")
	write("inner.conf", "q = inner;\n")
	write("sub/rel.conf", ".include \"../inner.conf\";\n")
	write("loop1.conf", ".include \"loop2.conf\";\n")
	write("loop2.conf", "x { }\n.include \"loop1.conf\";\n")
	write("deep.conf", ".include \"deep.conf\";\n")

	tests := []struct {
		name, main string
		want       string
		wantDiags  string
	}{
		{"glob sorted, hidden skipped", `.include "conf.d/*.conf";`, "a: p=1\nb: p=2", ""},
		{"glob matching nothing", `.include "none/*.conf"; z { }`, "z:", ""},
		{"include inside a block", "w { .include \"inner.conf\"; }", "w: q=inner", ""},
		{"relative to the including file", "w { .include \"sub/rel.conf\"; }", "w: q=inner", ""},
		{"several names", `.include "conf.d/10-a.conf", "conf.d/20-b.conf";`, "a: p=1\nb: p=2", ""},
		{"include then override", ".include \"conf.d/10-a.conf\";\na { p = 9; }", "a: p=1\na: p=9", ""},
		{"plain name must exist", "\n  .include \"missing.conf\";", "",
			"main.conf:2:12: cannot read included file " + filepath.Join(dir, "missing.conf") + ": no such file or directory"},
		{"loop", `.include "loop1.conf";`, "x:",
			"loop2.conf:2:10: include loop: " + filepath.Join(dir, "loop1.conf") + " includes itself (through " +
				filepath.Join(dir, "main.conf") + " -> " + filepath.Join(dir, "loop1.conf") + " -> " + filepath.Join(dir, "loop2.conf") + ")"},
		{"include of itself", `.include "deep.conf";`, "",
			"deep.conf:1:10: include loop: " + filepath.Join(dir, "deep.conf") + " includes itself (through " +
				filepath.Join(dir, "main.conf") + " -> " + filepath.Join(dir, "deep.conf") + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			main := write("main.conf", tt.main)
			cfg, diags := Loader{}.LoadFile(main)
			jails, rd := cfg.Resolve()
			diags = append(diags, rd...)
			var got []string
			for _, d := range diags {
				got = append(got, strings.TrimPrefix(d.Error(), dir+"/"))
			}
			if g := strings.Join(got, "\n"); g != tt.wantDiags {
				t.Errorf("diagnostics:\n%s\nwant\n%s", g, tt.wantDiags)
			}
			if g := render(jails); g != tt.want {
				t.Errorf("jails:\n%s\nwant\n%s", g, tt.want)
			}
		})
	}

	t.Run("depth limit", func(t *testing.T) {
		for i := 0; i < MaxIncludeDepth+2; i++ {
			write("chain"+itoa(i)+".conf", ".include \"chain"+itoa(i+1)+".conf\";\n")
		}
		_, diags := Loader{}.LoadFile(filepath.Join(dir, "chain0.conf"))
		if len(diags) != 1 || !strings.Contains(diags[0].Msg, "includes nested too deeply") {
			t.Errorf("diagnostics = %v, want one about nesting too deeply", diags)
		}
	})

	t.Run("unreadable file", func(t *testing.T) {
		_, diags := Loader{}.LoadFile(filepath.Join(dir, "absent.conf"))
		want := filepath.Join(dir, "absent.conf") + ": cannot read configuration: no such file or directory"
		if len(diags) != 1 || diags[0].Error() != want {
			t.Errorf("diagnostics = %v, want %q", diags, want)
		}
	})

	t.Run("directory", func(t *testing.T) {
		_, diags := Loader{}.LoadFile(dir)
		if len(diags) != 1 || !strings.Contains(diags[0].Error(), "is a directory") {
			t.Errorf("diagnostics = %v, want one saying it is a directory", diags)
		}
	})

	t.Run("default files", func(t *testing.T) {
		etc := filepath.Join(dir, "etc")
		write("etc/jail.conf", "path = \"/j/$name\";\nmain { }\n")
		write("etc/jail.conf.d/web.conf", "web { }\n")
		cfg, diags := Loader{}.loadDefaultAt(filepath.Join(etc, "jail.conf"), filepath.Join(etc, "jail.conf.d"))
		jails, rd := cfg.Resolve()
		if len(diags)+len(rd) > 0 {
			t.Fatal(diags, rd)
		}
		if got, want := render(jails), "main: path=/j/main\nweb: path=/j/web"; got != want {
			t.Errorf("jails:\n%s\nwant\n%s", got, want)
		}
		_, diags = Loader{}.loadDefaultAt(filepath.Join(dir, "none.conf"), filepath.Join(dir, "none.d"))
		if len(diags) != 1 {
			t.Errorf("without any default file: diagnostics = %v, want one", diags)
		}
	})

	t.Run("stdin", func(t *testing.T) {
		cfg, diags := Loader{Stdin: strings.NewReader("s { p = 1; }")}.LoadFile("-")
		jails, _ := cfg.Resolve()
		if len(diags) > 0 || render(jails) != "s: p=1" || cfg.Files[0] != "STDIN" {
			t.Errorf("stdin: %v %q %v", diags, render(jails), cfg.Files)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestVariableSuggestion(t *testing.T) {
	_, diags := resolveString(t, "a { path = \"/j/$nmae\"; }")
	if got, want := renderDiags(diags), `1:16: [a] path: variable "nmae" not found (did you mean "name"?)`; got != want {
		t.Errorf("diagnostics = %s, want %s", got, want)
	}
}
