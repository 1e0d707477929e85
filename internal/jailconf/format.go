package jailconf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// FormatFile prints a parsed file back as jail.conf text that parses to
// the same statements (includes are kept as .include lines).
func FormatFile(w io.Writer, f *File) error {
	var b bytes.Buffer
	formatBody(&b, f.Body, 0)
	_, err := w.Write(b.Bytes())
	return err
}

func formatBody(b *bytes.Buffer, body []Node, depth int) {
	indent := strings.Repeat("\t", depth)
	for _, n := range body {
		switch n := n.(type) {
		case *Block:
			fmt.Fprintf(b, "%s%s {\n", indent, quoteWord(n.Name))
			formatBody(b, n.Body, depth+1)
			fmt.Fprintf(b, "%s}\n", indent)
		case *Param:
			b.WriteString(indent)
			if n.IsVar {
				b.WriteString(quoteVar(n.Name))
			} else {
				b.WriteString(quoteWord(n.Name))
			}
			switch n.Op {
			case OpSet:
				b.WriteString(" = ")
			case OpAppend:
				b.WriteString(" += ")
			case OpNameValue:
				b.WriteString(" ")
			}
			for i, v := range n.Values {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quoteValue(v))
			}
			b.WriteString(";\n")
		}
	}
}

// FormatJails prints resolved jails as jail.conf text that jail(8)
// accepts and that resolves to the same parameters. The parameter implied
// by the block name is left out: writing it would be a redefinition.
func FormatJails(w io.Writer, jails []*Jail) error {
	var b bytes.Buffer
	for i, j := range jails {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s {\n", quoteWord(j.Name))
		for _, p := range j.Params {
			if p.Implicit {
				continue
			}
			fmt.Fprintf(&b, "\t%s", quoteWord(p.Name))
			for k, v := range p.Values {
				if k == 0 {
					b.WriteString(" = ")
				} else {
					b.WriteString(", ")
				}
				b.WriteString(quoteString(v))
			}
			b.WriteString(";\n")
		}
		b.WriteString("}\n")
	}
	_, err := w.Write(b.Bytes())
	return err
}

// JSON shapes of `vjail config show --json`.
type jsonConfig struct {
	Jails []jsonJail `json:"jails"`
}

type jsonJail struct {
	Name   string     `json:"name"`
	Params jsonParams `json:"params"`
}

// jsonParams keeps jail(8)'s parameter order in the JSON object.
type jsonParams []ResolvedParam

func (ps jsonParams) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, p := range ps {
		if p.Implicit {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		name, err := json.Marshal(p.Name)
		if err != nil {
			return nil, err
		}
		vals := p.Values
		if vals == nil {
			vals = []string{}
		}
		val, err := json.Marshal(vals)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// WriteJSON writes jails as {"jails": [{"name": ..., "params": {...}}]}:
// values are always lists of strings, a valueless parameter an empty list,
// and the parameter implied by the block name is left out.
func WriteJSON(w io.Writer, jails []*Jail) error {
	out := jsonConfig{Jails: make([]jsonJail, 0, len(jails))}
	for _, j := range jails {
		out.Jails = append(out.Jails, jsonJail{Name: j.Name, Params: jsonParams(j.Params)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// quoteWord writes a name as an unquoted token when jaillex.l would read
// it back as one, else as a single-quoted string (no variable expansion).
func quoteWord(s string) string {
	if s != "" && isAtom(s) {
		return s
	}
	return "'" + escape(s, '\'') + "'"
}

func isAtom(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAtomByte(s[i]) {
			return false
		}
	}
	return true
}

// quoteVar writes a variable reference or definition name as ${...}, which
// reads back the same inside or outside double quotes.
func quoteVar(name string) string {
	var b strings.Builder
	b.WriteString("${")
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '{' || c == '}' || c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// quoteValue writes a value as one double-quoted string with its variables
// inline.
func quoteValue(v Value) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, p := range v.Pieces {
		if p.IsVar {
			b.WriteString(quoteVar(p.Text))
		} else {
			b.WriteString(escape(p.Text, '"'))
		}
	}
	b.WriteByte('"')
	return b.String()
}

// quoteString writes a literal as a double-quoted string.
func quoteString(s string) string { return `"` + escape(s, '"') + `"` }

// escape backslash-escapes what jaillex.l would otherwise interpret inside
// quotes q: the quote, backslash and '$', and non-printing bytes as octal.
func escape(s string, q byte) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q || c == '\\' || c == '$' && q == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
