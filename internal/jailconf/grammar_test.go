package jailconf

import (
	"testing"
)

// TestGrammar checks every rule of the jail.conf language against the
// parameters jail(8) would give each jail.
func TestGrammar(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		// Comments: the three forms, anywhere whitespace may be.
		{"shell comment", "a { p = x; # c\n q = y; }", "a: p=x q=y"},
		{"c++ comment", "a { p = x; // c ; }\n q = y; }", "a: p=x q=y"},
		{"c comment", "a { p = /* c\n } */ x; }", "a: p=x"},
		{"c comment with stars", "a { p = x; /*** x **/ }", "a: p=x"},
		{"comment ends a word", "a { p = x#y\n; }", "a: p=x"},
		{"slashes inside a word start a comment", "a { p = /a//b\n; }", "a: p=/a"},
		{"comment inside quotes is text", `a { p = "x # y // z /* w */"; }`, "a: p=x # y // z /* w */"},

		// Double-quoted strings: C escapes, backslash-newline.
		{"dq escapes", `a { p = "t\tn\nq\"b\\d\$"; }`, "a: p=t\tn\nq\"b\\d$"},
		{"dq octal", `a { p = "\101\60\0601\7"; }`, "a: p=A001\a"},
		{"dq hex", `a { p = "\x41\x4a\x4G\x7e"; }`, "a: p=AJ\x04G~"},
		{"dq control escapes", `a { p = "\a\b\f\r\v\q"; }`, "a: p=\a\b\f\r\vq"},
		{"dq backslash newline", "a { p = \"ab\\\ncd\"; }", "a: p=abcd"},
		{"dq raw newline", "a { p = \"ab\ncd\"; }", "a: p=ab\ncd"},
		{"dq variable", `a { $v = x; p = "<$v>"; }`, "a: p=<x>"},
		{"dq braced variable", `a { $v = x; p = "<${v}y>"; }`, "a: p=<xy>"},
		{"dq escaped dollar", `a { p = "\$name"; }`, "a: p=$name"},
		{"dq lone dollar", `a { p = "cost $5 $"; }`, "a: p=cost $5 $"},
		{"dq escape after variable", `a { p = "$name\t!"; }`, "a: p=a\t!"},
		{"dq several variables", `a { $x = 1; $y = 2; p = "$x$y-${x}"; }`, "a: p=12-1"},

		// Single-quoted strings: escapes, but no expansion.
		{"sq no expansion", `a { p = '$name ${name}'; }`, "a: p=$name ${name}"},
		{"sq escapes", `a { p = 'it\'s\t"q"'; }`, "a: p=it's\t\"q\""},

		// Unquoted words and adjacent pieces.
		{"word chars", "a { p = A-z_0.9!%&():<>?@[]^`|~; }", "a: p=A-z_0.9!%&():<>?@[]^`|~"},
		{"joined pieces", `a { p = "/jails/"$name'/x'y; }`, "a: p=/jails/a/xy"},
		{"joined specials", `a { p = a*b+c/d$; }`, "a: p=a*b+c/d$"},
		{"escaped space in word", `a { p = a\ b; }`, "a: p=a b"},
		{"variable then dotted word", `a { $host = h; p = $host.hostname; }`, "a: p=h.hostname"},
		{"braced dotted variable", `a { host.hostname = h; p = ${host.hostname}; }`, "a: host.hostname=h p=h"},

		// Statement forms.
		{"valueless", "a { persist; }", "a: persist"},
		{"assign", "a { p = v; }", "a: p=v"},
		{"name value", "a { p v; }", "a: p=v"},
		{"list", "a { p = v1, v2 ,v3; }", "a: p=[v1|v2|v3]"},
		{"append", "a { p = v1; p += v2, v3; }", "a: p=[v1|v2|v3]"},
		{"append creates", "a { p += v1; }", "a: p=v1"},
		{"assign replaces", "a { p = v1, v2; p = v3; }", "a: p=v3"},
		{"valueless clears", "a { p = v1; p; }", "a: p"},
		{"empty statements", ";; a { ;; p = v;; } ;", "a: p=v"},
		{"quoted names", `'a' { "p" = v; }`, "a: p=v"},
		{"empty string value", `a { exec.stop = ""; }`, "a: exec.stop="},
		{"block then semicolon", "a { p = v; };", "a: p=v"},

		// Blocks, nesting, globals.
		{"two jails", "a { p = 1; } b { p = 2; }", "a: p=1\nb: p=2"},
		{"nested", "a { p = 1; b { q = 2; } r = 3; }", "a: p=1 r=3\na.b: q=2"},
		{"nested twice", "a { b { c { } } }", "a:\na.b:\na.b.c:"},
		{"global", "p = g; a { q = 1; }", "a: p=g q=1"},
		{"first global after block supersedes", "a { p = 1; } p = g;", "a: p=g"},
		{"globals are one pseudo-jail", "p = g; a { p = 1; } p = h;", "a: p=1"},
		{"globals across blocks", "p = g; a { } q = h; b { }", "a: p=g q=h\nb: p=g q=h"},
		{"global before block is overridden", "p = g; a { p = 1; }", "a: p=1"},
		{"global append", "exec.start += x; a { exec.start += y; }", "a: exec.start=[x|y]"},
		{"global append after", "a { exec.start = y; } exec.start += x;", "a: exec.start=[y|x]"},
		{"jail name is a number", "10 { name = web; }", "10: jid=10 name=web"},
		{"number names the jail too", "10 { p = $name; }", "10: jid=10 p=10 name=10"},
		{"zero is a name", "0 { }", "0:"},
		{"number with sign", `"+7" { }`, "+7: jid=+7 name=+7"},

		// Wildcards, exactly as wild_jail_name and wild_jail_match.
		{"star block", "* { p = w; } a { } b { p = 2; }", "a: p=w\nb: p=2"},
		{"star block after", "a { p = 1; } * { p = w; }", "a: p=w"},
		{"partial wildcard", `"foo.*" { p = w; } foo { } foo.bar { } foo.bar.baz { } foobar { }`,
			"foo:\nfoo.bar: p=w\nfoo.bar.baz: p=w\nfoobar:"},
		{"leading wildcard", `"*.bar" { p = w; } x.bar { } bar { } x.y.bar { } x.baz { }`,
			"x.bar: p=w\nbar:\nx.y.bar:\nx.baz:"},
		{"middle wildcard", `'a.*.c' { p = w; } a.b.c { } a.b.d { } a.c { }`, "a.b.c: p=w\na.b.d:\na.c:"},
		{"star not a component", `"a*" { p = 1; } "a*.b" { }`, "a*: p=1\na*.b:"},
		{"nested wildcard", "foo { * { p = w; } bar { } } foo.baz { }", "foo:\nfoo.bar: p=w\nfoo.baz: p=w"},
		{"wildcard order", "* { p = 1; } a { } * { p = 2; } b { }", "a: p=2\nb: p=2"},
		{"wildcard between", "* { p = 1; q = 1; } a { p = a; q = a; } * { q = 2; }", "a: p=a q=2"},
		{"parameter order is first definition", "a { q = 1; } * { p = 1; q = 2; }", "a: q=2 p=1"},

		// Variables: one namespace with parameters, resolved per jail.
		{"variable from global", `$root = "/j"; path = "$root/$name"; a { } b { }`, "a: path=/j/a\nb: path=/j/b"},
		{"variable overridden per jail", `$root = "/j"; path = "$root/$name"; a { $root = "/k"; }`, "a: path=/k/a"},
		{"parameter as variable", `host.hostname = "${name}.example"; path = "/jails/${host.hostname}"; a { }`,
			"a: host.hostname=a.example path=/jails/a.example"},
		{"forward reference reorders", `path = "/jails/${host.hostname}"; host.hostname = "${name}.x"; a { }`,
			"a: host.hostname=a.x path=/jails/a.x"},
		{"array variable whole", `$ips = 1.1.1.1, 2.2.2.2; a { ip4.addr = $ips; }`, "a: ip4.addr=[1.1.1.1|2.2.2.2]"},
		{"array variable quoted whole", `$ips = x, y; a { ip4.addr = "${ips}", z; }`, "a: ip4.addr=[x|y|z]"},
		{"variable with escapes", `a { ${my\}var} = x; p = "${my\}var}"; }`, "a: p=x"},
		{"jid variable", `10 { path = "/j/$jid"; }`, "10: jid=10 path=/j/10 name=10"},

		// Booleans and their "no" forms: one parameter, last spelling wins.
		{"no form replaces", "a { allow.mount; allow.nomount; }", "a: allow.nomount"},
		{"plain replaces no form", "a { allow.nomount; allow.mount = 1; }", "a: allow.mount=1"},
		{"no form top level", "a { persist; nopersist; }", "a: nopersist"},
		{"no form keeps position", "a { allow.mount; p = 1; allow.nomount; }", "a: allow.nomount p=1"},
		{"global no form", "allow.nomount; a { allow.mount; }", "a: allow.mount"},
		{"nested dotted no form", "a { allow.mount.devfs; allow.mount.nodevfs; }", "a: allow.mount.nodevfs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jails, diags := resolveString(t, tt.src)
			if len(diags) > 0 {
				t.Fatalf("resolve(%q) diagnostics:\n%s", tt.src, renderDiags(diags))
			}
			if got := render(jails); got != tt.want {
				t.Errorf("resolve(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
			}
		})
	}
}

// TestBool checks config.c bool_param.
func TestBool(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"a { allow.mount; }", true},
		{"a { allow.nomount; }", false},
		{"a { allow.mount = true; }", true},
		{"a { allow.mount = TRUE; }", true},
		{"a { allow.mount = false; }", false},
		{"a { allow.mount = 0; }", false},
		{"a { allow.mount = 2; }", true},
		{"a { allow.nomount = 0; }", true},
		{"a { allow.nomount = false; }", true},
		{"a { allow.mount = 1, 0; }", false},
		{"a { }", false},
	}
	for _, tt := range tests {
		jails, diags := resolveString(t, tt.src)
		if len(diags) > 0 || len(jails) != 1 {
			t.Fatalf("resolve(%q): %v", tt.src, diags)
		}
		if got := jails[0].Bool("allow.mount"); got != tt.want {
			t.Errorf("Bool(allow.mount) in %q = %v, want %v", tt.src, got, tt.want)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		jail, wild string
		want       bool
	}{
		{"a", "*", true},
		{"a.b", "*", true},
		{"a.b", "a.*", true},
		{"a.b.c", "a.*", true},
		{"a", "a.*", false},
		{"ab.c", "a.*", false},
		{"x.bar", "*.bar", true},
		{"x.y.bar", "*.bar", false},
		{"bar", "*.bar", false},
		{"a.b.c", "a.*.c", true},
		{"a.b.c", "*.*.c", true},
		{"a.b", "a.b", true},
	}
	for _, tt := range tests {
		if got := WildcardMatch(tt.jail, tt.wild); got != tt.want {
			t.Errorf("WildcardMatch(%q, %q) = %v, want %v", tt.jail, tt.wild, got, tt.want)
		}
	}
	for name, want := range map[string]bool{"*": true, "a.*": true, "*.a": true, "a.*.b": true, "a*": false, "*a": false, "a.b*": false, "a": false} {
		if got := IsWildcardName(name); got != want {
			t.Errorf("IsWildcardName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestEqualOpts(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"allow.mount", "allow.mount", true},
		{"allow.mount", "allow.nomount", true},
		{"allow.nomount", "allow.mount", true},
		{"persist", "nopersist", true},
		{"allow.mount.devfs", "allow.mount.nodevfs", true},
		{"allow.mount", "allow.mount.devfs", false},
		{"allow.mount", "noallow.mount", true}, // jail(8) compares the first component too
		{"a.mount", "b.nomount", false},
		{"exec.start", "exec.stop", false},
	}
	for _, tt := range tests {
		if got := equalOpts(tt.a, tt.b); got != tt.want {
			t.Errorf("equalOpts(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSelect(t *testing.T) {
	jails, diags := resolveString(t, "a { } b { } web.1 { } web.2 { } 7 { }")
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	tests := []struct {
		names   []string
		want    string
		wantErr bool
	}{
		{nil, "a b web.1 web.2 7", false},
		{[]string{"*"}, "a b web.1 web.2 7", false},
		{[]string{"b", "a"}, "a b", false},
		{[]string{"web.*"}, "web.1 web.2", false},
		{[]string{"7"}, "7", false},
		{[]string{"nope"}, "", true},
		{[]string{"nope.*"}, "", false},
	}
	for _, tt := range tests {
		got, err := Select(jails, tt.names)
		var names []string
		for _, j := range got {
			names = append(names, j.Name)
		}
		if s := join(names); s != tt.want && !(tt.wantErr && err != nil) || (err != nil) != tt.wantErr {
			t.Errorf("Select(%q) = %q, %v; want %q, error %v", tt.names, s, err, tt.want, tt.wantErr)
		}
	}
}

func join(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += " "
		}
		out += s
	}
	return out
}
