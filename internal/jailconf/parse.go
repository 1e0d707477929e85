package jailconf

import "fmt"

// Parse parses one configuration file's text. It returns the file's
// statements even when there are errors, so that every problem can be
// reported; the diagnostics hold the errors, each with its position.
//
// The grammar is jailparse.y's, with nested blocks:
//
//	conf   := { jail | param ';' | ';' }
//	jail   := STR '{' conf '}'
//	param  := name | name '=' value | name '+=' value | name value
//	name   := STR | VAR
//	value  := string { ',' string }
//	string := (STR | VAR) { STR1 | VAR1 }
func Parse(name string, src []byte) (*File, Diags) {
	p := &parser{lex: newLexer(name, src, &diagSink{})}
	p.sink = p.lex.diags
	p.advance()
	f := &File{Name: name}
	f.Body = p.parseConf(nil)
	return f, p.sink.diags
}

type parser struct {
	lex  *lexer
	sink *diagSink
	tok  token
	prev token
}

func (p *parser) advance() {
	p.prev = p.tok
	p.tok = p.lex.next()
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	p.sink.errorf(pos, format, args...)
}

// parseConf parses statements until EOF or, inside a block, its closing
// brace (which it leaves for the caller).
func (p *parser) parseConf(open *Block) []Node {
	var body []Node
	for {
		t := p.tok
		switch {
		case t.kind == tEOF:
			if open != nil {
				p.errorf(t.pos, "unexpected end of file: missing \"}\" to close jail block %q opened at %d:%d",
					open.Name, open.Pos.Line, open.Pos.Col)
			}
			return body
		case t.is('}'):
			if open != nil {
				return body
			}
			p.errorf(t.pos, "unexpected \"}\" with no jail block open: remove it or add the block's opening line")
			p.advance()
		case t.is(';'):
			p.advance()
		case t.kind == tStr || t.kind == tVar:
			if n := p.parseStatement(); n != nil {
				body = append(body, n)
			}
		default:
			p.errorf(t.pos, "unexpected %s: expected a parameter, a variable or a jail block", describe(t))
			p.skipStatement()
		}
	}
}

// parseStatement parses a jail block or a parameter statement with its
// terminating semicolon. It returns nil after a syntax error.
func (p *parser) parseStatement() Node {
	name := p.tok
	p.advance()
	if p.tok.is('{') {
		if name.kind == tVar {
			p.errorf(name.pos, "a jail name cannot be a variable: write the name itself")
			p.advance()
			p.parseConf(&Block{Name: "$" + name.text, Pos: name.pos})
			p.advance()
			return nil
		}
		b := &Block{Pos: name.pos, Name: name.text}
		p.advance()
		b.Body = p.parseConf(b)
		b.End = p.tok.pos
		if p.tok.is('}') {
			p.advance()
		}
		return b
	}
	if p.tok.kind == tStr1 || p.tok.kind == tVar1 {
		// jailparse.y takes a single STR or VAR as a name: "foo.*" must be
		// quoted because "*" is a token of its own.
		full := pieceText(name)
		for p.tok.kind == tStr1 || p.tok.kind == tVar1 {
			full += pieceText(p.tok)
			p.advance()
		}
		if p.tok.is('{') {
			p.errorf(name.pos, "a jail name must be one word or one quoted string: write it as %q", full)
			p.advance()
			p.parseConf(&Block{Name: full, Pos: name.pos})
			if p.tok.is('}') {
				p.advance()
			}
			return nil
		}
		p.errorf(name.pos, "a parameter name must be one word or one quoted string: write it as %q", full)
		p.skipStatement()
		return nil
	}
	prm := &Param{Pos: name.pos, Name: name.text, IsVar: name.kind == tVar}
	switch {
	case p.tok.is('='):
		prm.Op = OpSet
		p.advance()
	case p.tok.kind == tPlusEq:
		prm.Op = OpAppend
		p.advance()
	case p.tok.kind == tStr || p.tok.kind == tVar:
		prm.Op = OpNameValue
	}
	if prm.Op != OpNone {
		if !p.parseValues(prm) {
			p.skipStatement()
			return nil
		}
	}
	if p.tok.is(';') {
		p.advance()
		return prm
	}
	p.missingSemicolon(prm)
	return prm
}

// parseValues parses value := string { ',' string }.
func (p *parser) parseValues(prm *Param) bool {
	for {
		if p.tok.kind != tStr && p.tok.kind != tVar {
			what := "after \"=\""
			switch {
			case prm.Op == OpAppend:
				what = "after \"+=\""
			case len(prm.Values) > 0:
				what = "after \",\""
			}
			p.errorf(p.tok.pos, "missing value %s for %q: found %s (write \"\" for an empty value)", what, displayName(prm), describe(p.tok))
			return false
		}
		v := Value{Pos: p.tok.pos}
		for first := true; first || p.tok.kind == tStr1 || p.tok.kind == tVar1; first = false {
			isVar := p.tok.kind == tVar || p.tok.kind == tVar1
			v.Pieces = append(v.Pieces, Piece{Pos: p.tok.pos, IsVar: isVar, Text: p.tok.text})
			p.advance()
		}
		prm.Values = append(prm.Values, v)
		if !p.tok.is(',') {
			return true
		}
		p.advance()
	}
}

// missingSemicolon reports a statement that does not end in ';'. When the
// next token can start a statement, jail(8)'s yacc would discard it up to
// the next ';'; vjail instead assumes the ';' was forgotten, which finds the
// real further errors rather than phantom ones.
func (p *parser) missingSemicolon(prm *Param) {
	t := p.tok
	at := p.prev.end
	switch {
	case t.kind == tEOF:
		p.errorf(at, "missing \";\" after %q at end of file", displayName(prm))
	case t.is('}'):
		p.errorf(at, "missing \";\" after %q before \"}\"", displayName(prm))
	case t.kind == tStr || t.kind == tVar:
		p.errorf(at, "missing \";\" after %q", displayName(prm))
	case t.is('{'):
		p.errorf(t.pos, "unexpected \"{\" after %q: a jail name must be one word or one quoted string", displayName(prm))
		p.skipStatement()
	default:
		p.errorf(t.pos, "unexpected %s after %q: expected \";\"", describe(t), displayName(prm))
		p.skipStatement()
	}
}

// skipStatement discards tokens through the next ';' at this nesting
// level, stopping before a '}' that closes the enclosing block.
func (p *parser) skipStatement() {
	depth := 0
	for {
		t := p.tok
		switch {
		case t.kind == tEOF:
			return
		case t.is('{'):
			depth++
		case t.is('}'):
			if depth == 0 {
				return
			}
			depth--
		case t.is(';') && depth == 0:
			p.advance()
			return
		}
		p.advance()
	}
}

func displayName(prm *Param) string {
	if prm.IsVar {
		return "$" + prm.Name
	}
	return prm.Name
}

func pieceText(t token) string {
	if t.kind == tVar || t.kind == tVar1 {
		return "$" + t.text
	}
	return t.text
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of file"
	case tPlusEq:
		return "\"+=\""
	case tChar:
		return fmt.Sprintf("%q", t.text)
	case tVar, tVar1:
		return fmt.Sprintf("variable %q", "$"+t.text)
	}
	return fmt.Sprintf("%q", t.text)
}
