package jailconf

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// normalize writes a parsed file's statements without positions, merging
// adjacent literal pieces and dropping empty ones, which does not change
// what a value means ("" $a and $a are the same string).
func normalize(body []Node) string {
	var b strings.Builder
	var walk func([]Node, int)
	walk = func(body []Node, depth int) {
		for _, n := range body {
			b.WriteString(strings.Repeat(" ", depth))
			switch n := n.(type) {
			case *Block:
				fmt.Fprintf(&b, "block %q\n", n.Name)
				walk(n.Body, depth+1)
			case *Param:
				fmt.Fprintf(&b, "param %q var=%v op=%d", n.Name, n.IsVar, n.Op)
				for _, v := range n.Values {
					b.WriteString(" [")
					lit := ""
					flush := func() {
						if lit != "" {
							fmt.Fprintf(&b, "%q", lit)
							lit = ""
						}
					}
					for _, p := range v.Pieces {
						if p.IsVar {
							flush()
							fmt.Fprintf(&b, "$%q", p.Text)
						} else {
							lit += p.Text
						}
					}
					flush()
					b.WriteString("]")
				}
				b.WriteString("\n")
			}
		}
	}
	walk(body, 0)
	return b.String()
}

// checkRoundTrip is the property the fuzzer checks: text that parses
// cleanly formats to text that parses to the same statements, and a
// configuration that resolves cleanly prints as jail.conf that resolves to
// the same jails.
func checkRoundTrip(t *testing.T, src string) {
	f, diags := Parse("f.conf", []byte(src))
	if len(diags) > 0 {
		return
	}
	var out bytes.Buffer
	if err := FormatFile(&out, f); err != nil {
		t.Fatal(err)
	}
	f2, diags := Parse("f.conf", out.Bytes())
	if len(diags) > 0 {
		t.Fatalf("Parse(FormatFile(%q)) = %v\nformatted:\n%s", src, diags, out.String())
	}
	if a, b := normalize(f.Body), normalize(f2.Body); a != b {
		t.Fatalf("Parse(FormatFile(%q)) changed the statements:\n%s\nwant\n%s\nformatted:\n%s", src, b, a, out.String())
	}

	cfg, diags := memLoader(map[string]string{"f.conf": src}).LoadFile("f.conf")
	jails, rd := cfg.Resolve()
	diags = append(diags, rd...)
	diags = append(diags, Check(cfg, jails)...)
	if len(diags) > 0 {
		return
	}
	out.Reset()
	if err := FormatJails(&out, jails); err != nil {
		t.Fatal(err)
	}
	cfg2, diags := memLoader(map[string]string{"f.conf": out.String()}).LoadFile("f.conf")
	jails2, rd := cfg2.Resolve()
	diags = append(diags, rd...)
	if len(diags) > 0 {
		t.Fatalf("resolving the shown configuration of %q: %v\nshown:\n%s", src, diags, out.String())
	}
	if a, b := render(jails), render(jails2); a != b {
		t.Fatalf("shown configuration of %q resolves differently:\n%s\nwant\n%s\nshown:\n%s", src, b, a, out.String())
	}
}

func TestRoundTrip(t *testing.T) {
	for _, src := range roundTripSeeds(t) {
		checkRoundTrip(t, src)
	}
}

func FuzzParse(f *testing.F) {
	for _, src := range roundTripSeeds(f) {
		f.Add(src)
	}
	f.Fuzz(checkRoundTrip)
}

func roundTripSeeds(t testing.TB) []string {
	seed, err := os.ReadFile("../../examples/seed/jail.conf")
	if err != nil {
		t.Fatal(err)
	}
	return []string{
		string(seed),
		"a { p = \"x\\001\\ty\\n\"; q = 'single $x'; }",
		"$v = \"a\", b; a { ip4.addr = $v; p = \"${v}\"; }",
		"a { b { c = \"$name.x\"; } } \"*.b\" { d = 1; }",
		"10 { name = web; path = \"/j/$jid/${name}\"; }",
		"a { allow.mount; allow.nomount; persist = 0; } * { exec.start += \"x\"; }",
		"/* c */ a { # c\n p = 1; // c\n }",
		"'x y' { 'p q' = \"\"; }",
		"a { ${odd\\}name} = 1; p = \"${odd\\}name}\"; }",
		"a { p = \"$\"; q = \"\\$x\"; r = a\\ b; }",
	}
}
