package jailconf

// The lexer is a hand translation of usr.sbin/jail/jaillex.l. flex picks
// the longest match among the rules active in the current start condition
// and, on a tie, the rule listed first; scan does the same by computing each
// rule's match length at the current offset. The rule comments quote the
// flex patterns they implement.

type tokKind uint8

const (
	tEOF    tokKind = iota
	tStr            // STR: a string piece that starts a new string
	tStr1           // STR1: a piece that continues the previous string
	tVar            // VAR: a variable that starts a new string
	tVar1           // VAR1: a variable that continues the previous string
	tPlusEq         // +=
	tChar           // one of , ; = { } or any other byte jaillex.l returns as itself
)

type token struct {
	kind tokKind
	text string // the piece after escape processing, the variable name, or the char
	pos  Pos
	end  Pos // position just after the token's last byte
}

func (t token) is(c byte) bool { return t.kind == tChar && t.text == string(c) }

type lexState uint8

const (
	stNormal lexState = iota // flex start condition "_"
	stDQ                     // flex start condition "DQ": inside "..." after a variable
)

type lexer struct {
	src   []byte
	off   int
	line  int
	col   int
	file  string
	state lexState
	// instr is jaillex.l's instr: whether the last token returned was part of
	// a string with nothing (whitespace, comment, punctuation) after it, so
	// that the next piece continues the same string.
	instr bool
	diags *diagSink
}

func newLexer(file string, src []byte, diags *diagSink) *lexer {
	return &lexer{src: src, line: 1, col: 1, file: file, diags: diags}
}

func (l *lexer) pos() Pos { return Pos{File: l.file, Line: l.line, Col: l.col} }

// advance consumes n bytes, tracking line and column.
func (l *lexer) advance(n int) {
	for _, c := range l.src[l.off : l.off+n] {
		if c == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
	}
	l.off += n
}

func (l *lexer) at(i int) (byte, bool) {
	if i < len(l.src) {
		return l.src[i], true
	}
	return 0, false
}

// Character classes of jaillex.l.
func isAtomByte(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '_', '!', '%', '&', '(', ')', '-', '.', ':', '<', '>', '?', '@', '[', ']', '^', '`', '|', '~':
		return true
	}
	return false
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func isVarStart(c byte) bool { return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }

func isVarByte(c byte) bool { return isVarStart(c) || c >= '0' && c <= '9' }

// Match lengths of the individual rules at offset i; 0 means no match.

// [ \t\r\n]+
func (l *lexer) matchSpace(i int) int {
	n := 0
	for c, ok := l.at(i + n); ok && (c == ' ' || c == '\t' || c == '\r' || c == '\n'); c, ok = l.at(i + n) {
		n++
	}
	return n
}

// #.*  and  \/\/.*  (prefix is "#" or "//")
func (l *lexer) matchLineComment(i int, prefix string) int {
	if !hasPrefixAt(l.src, i, prefix) {
		return 0
	}
	n := len(prefix)
	for c, ok := l.at(i + n); ok && c != '\n'; c, ok = l.at(i + n) {
		n++
	}
	return n
}

// \/\*([^*]|(\*+([^*\/])))*\*+\/ : complete is the length through the first
// "*/"; partial is the length of the unterminated rule
// \/\*([^*]|(\*+([^*\/])))*\** , which runs to the end of input.
func (l *lexer) matchBlockComment(i int) (complete, partial int) {
	if !hasPrefixAt(l.src, i, "/*") {
		return 0, 0
	}
	for j := i + 2; j+1 < len(l.src); j++ {
		if l.src[j] == '*' && l.src[j+1] == '/' {
			return j + 2 - i, 0
		}
	}
	return 0, len(l.src) - i
}

// [A-Za-z0-9_!%&()\-.:<>?@\[\]^`|~]+
func (l *lexer) matchAtom(i int) int {
	n := 0
	for c, ok := l.at(i + n); ok && isAtomByte(c); c, ok = l.at(i + n) {
		n++
	}
	return n
}

// \\(.|\n|[0-7]{1,3}|x[0-9A-Fa-f]{1,2})
func (l *lexer) matchEscape(i int) int {
	if c, ok := l.at(i); !ok || c != '\\' {
		return 0
	}
	c, ok := l.at(i + 1)
	if !ok {
		return 0
	}
	if isOctal(c) {
		n := 2
		for d, ok := l.at(i + n); ok && n < 4 && isOctal(d); d, ok = l.at(i + n) {
			n++
		}
		return n
	}
	if c == 'x' {
		n := 2
		for d, ok := l.at(i + n); ok && n < 4 && isHex(d); d, ok = l.at(i + n) {
			n++
		}
		return n
	}
	return 2
}

// [$*+/\\]
func (l *lexer) matchSingle(i int) int {
	c, ok := l.at(i)
	if ok && (c == '$' || c == '*' || c == '+' || c == '/' || c == '\\') {
		return 1
	}
	return 0
}

// A quoted string: '([^\'\\]|\\(.|\n))*' or \"([^"\\]|\\(.|\n))*\" for the
// complete rule, and '([^\n'\\]|\\.)* or \"([^\n\"\\]|\\.)* for the
// unterminated one.
func (l *lexer) matchQuoted(i int, q byte) (complete, partial int) {
	if c, ok := l.at(i); !ok || c != q {
		return 0, 0
	}
	partialDone := false
	partial = 1
	for j := i + 1; j < len(l.src); j++ {
		c := l.src[j]
		switch {
		case c == q:
			return j + 1 - i, 0
		case c == '\\':
			if j+1 >= len(l.src) {
				return 0, partial
			}
			if !partialDone && l.src[j+1] != '\n' {
				partial += 2
			} else {
				partialDone = true
			}
			j++
		default:
			if c == '\n' {
				partialDone = true
			}
			if !partialDone {
				partial++
			}
		}
	}
	return 0, partial
}

// <DQ>[^\"$\\]([^"\\]|\\(.|\n))*\"
func (l *lexer) matchDQRest(i int) int {
	c, ok := l.at(i)
	if !ok || c == '"' || c == '$' || c == '\\' {
		return 0
	}
	for j := i + 1; j < len(l.src); j++ {
		switch l.src[j] {
		case '"':
			return j + 1 - i
		case '\\':
			j++
		}
	}
	return 0
}

// $[A-Za-z_][A-Za-z_0-9]*
func (l *lexer) matchVar(i int) int {
	if c, ok := l.at(i); !ok || c != '$' {
		return 0
	}
	if c, ok := l.at(i + 1); !ok || !isVarStart(c) {
		return 0
	}
	n := 2
	for c, ok := l.at(i + n); ok && isVarByte(c); c, ok = l.at(i + n) {
		n++
	}
	return n
}

// $\{([^\n{}]|\\(.|\n))*\} (in DQ also without ") for the complete rule and
// $\{([^\n{}]|\\.)* (in DQ $\{([^\n\"{}]|\\.)*) for the unterminated one.
func (l *lexer) matchBraceVar(i int, dq bool) (complete, partial int) {
	if !hasPrefixAt(l.src, i, "${") {
		return 0, 0
	}
	partialDone := false
	partial = 2
	for j := i + 2; j < len(l.src); j++ {
		c := l.src[j]
		switch {
		case c == '}':
			return j + 1 - i, 0
		case c == '\n' || c == '{' || dq && c == '"':
			return 0, partial
		case c == '\\':
			if j+1 >= len(l.src) {
				return 0, partial
			}
			if !partialDone && l.src[j+1] != '\n' {
				partial += 2
			} else {
				partialDone = true
			}
			j++
		default:
			if !partialDone {
				partial++
			}
		}
	}
	return 0, partial
}

func hasPrefixAt(b []byte, i int, prefix string) bool {
	return len(b)-i >= len(prefix) && string(b[i:i+len(prefix)]) == prefix
}

// rule identifies the winning flex rule.
type rule uint8

const (
	rNone rule = iota
	rSpace
	rComment
	rPlusEq
	rPunct
	rAtom  // atom, escape or single: all "Atomic (unquoted) strings"
	rSQ    // complete single-quoted string
	rDQ    // complete double-quoted string (in _) or its rest (in DQ)
	rDQEnd // <DQ>\"
	rVar   // $name
	rBVar  // ${name}
	rBadComment
	rBadString
	rBadVar
	rOther // <_>. or the catch-all
)

// scan finds the longest match at the current offset in the current start
// condition; ties go to the rule listed first in jaillex.l.
func (l *lexer) scan() (rule, int) {
	best, bestLen := rNone, 0
	try := func(r rule, n int) {
		if n > bestLen {
			best, bestLen = r, n
		}
	}
	i := l.off
	if l.state == stNormal {
		try(rSpace, l.matchSpace(i))
		try(rComment, l.matchLineComment(i, "#"))
		try(rComment, l.matchLineComment(i, "//"))
		bc, bcPartial := l.matchBlockComment(i)
		try(rComment, bc)
		if hasPrefixAt(l.src, i, "+=") {
			try(rPlusEq, 2)
		}
		if c, ok := l.at(i); ok && (c == ',' || c == ';' || c == '=' || c == '{' || c == '}') {
			try(rPunct, 1)
		}
		try(rAtom, l.matchAtom(i))
		try(rAtom, l.matchEscape(i))
		try(rAtom, l.matchSingle(i))
		sq, sqPartial := l.matchQuoted(i, '\'')
		try(rSQ, sq)
		dq, dqPartial := l.matchQuoted(i, '"')
		try(rDQ, dq)
		try(rVar, l.matchVar(i))
		bv, bvPartial := l.matchBraceVar(i, false)
		try(rBVar, bv)
		try(rBadComment, bcPartial)
		try(rBadString, sqPartial)
		try(rBadString, dqPartial)
		try(rBadVar, bvPartial)
		if c, ok := l.at(i); ok && c != '\n' {
			try(rOther, 1)
		}
		return best, bestLen
	}
	try(rAtom, l.matchAtom(i))
	try(rAtom, l.matchEscape(i))
	try(rAtom, l.matchSingle(i))
	try(rDQ, l.matchDQRest(i))
	if c, ok := l.at(i); ok && c == '"' {
		try(rDQEnd, 1)
	}
	try(rVar, l.matchVar(i))
	bv, bvPartial := l.matchBraceVar(i, true)
	try(rBVar, bv)
	try(rBadVar, bvPartial)
	return best, bestLen
}

// next returns the next token; lexical errors are reported to l.diags and
// skipped, as jaillex.l does.
func (l *lexer) next() token {
	for {
		if l.off >= len(l.src) {
			p := l.pos()
			return token{kind: tEOF, pos: p, end: p}
		}
		r, n := l.scan()
		if r == rNone {
			// <DQ> with nothing matching: flex's catch-all .|\n switches to
			// the normal condition and rescans (BEGIN _; yyless(0)).
			l.state = stNormal
			continue
		}
		start := l.pos()
		text := l.src[l.off : l.off+n]
		strTok := func(s string) token {
			l.advance(n)
			k := tStr
			if l.instr {
				k = tStr1
			}
			l.instr = true
			return token{kind: k, text: s, pos: start, end: l.pos()}
		}
		switch r {
		case rSpace, rComment:
			l.advance(n)
			l.instr = false
		case rPlusEq:
			l.advance(n)
			l.instr = false
			return token{kind: tPlusEq, text: "+=", pos: start, end: l.pos()}
		case rPunct:
			l.advance(n)
			l.instr = false
			return token{kind: tChar, text: string(text), pos: start, end: l.pos()}
		case rAtom:
			s, _ := unescape(text, false)
			return strTok(s)
		case rSQ:
			s, _ := unescape(text[1:n-1], false)
			return strTok(s)
		case rDQ:
			body := text[:n-1]
			if l.state == stNormal {
				body = text[1 : n-1]
			}
			s, atvar := unescape(body, true)
			if atvar < 0 {
				l.state = stNormal
				return strTok(s)
			}
			// The string holds a variable: return the piece before it and
			// rescan the rest in DQ (yyless(atvar)).
			if l.state == stNormal {
				atvar++ // the opening quote
			}
			n = atvar
			l.state = stDQ
			return strTok(s)
		case rDQEnd:
			l.advance(n)
			l.state = stNormal
		case rVar, rBVar:
			var name string
			if r == rVar {
				name = string(text[1:])
			} else {
				name, _ = unescape(text[2:n-1], false)
			}
			l.advance(n)
			k := tVar
			if l.instr {
				k = tVar1
			}
			l.instr = true
			return token{kind: k, text: name, pos: start, end: l.pos()}
		case rBadComment:
			l.advance(n)
			l.diags.errorf(start, "unterminated comment: add \"*/\" to close the comment opened here")
		case rBadString:
			l.advance(n)
			l.diags.errorf(start, "unterminated string: add the closing %c", text[0])
		case rBadVar:
			l.advance(n)
			l.diags.errorf(start, "unterminated variable: add \"}\" to close \"${\"")
		case rOther:
			l.advance(n)
			return token{kind: tChar, text: string(text), pos: start, end: l.pos()}
		}
	}
}

// unescape is jaillex.l's text2lval: it processes backslash escapes and,
// when toVar is set, stops at the first unescaped '$', returning its offset
// in raw (or -1 when there is none).
func unescape(raw []byte, toVar bool) (string, int) {
	plain := true
	for _, c := range raw {
		if c == '\\' || toVar && c == '$' {
			plain = false
			break
		}
	}
	if plain {
		return string(raw), -1
	}
	d := make([]byte, 0, len(raw))
	for s := 0; s < len(raw); s++ {
		c := raw[s]
		if c != '\\' {
			if toVar && c == '$' {
				return string(d), s
			}
			d = append(d, c)
			continue
		}
		s++
		if s >= len(raw) {
			// A lone trailing backslash: text2lval copies the terminating
			// NUL, so the C string simply ends here.
			break
		}
		c = raw[s]
		if isOctal(c) {
			v := c - '0'
			for k := 0; k < 2 && s+1 < len(raw) && isOctal(raw[s+1]); k++ {
				s++
				v = v*8 + raw[s] - '0'
			}
			d = append(d, v)
			continue
		}
		switch c {
		case 'a':
			d = append(d, '\a')
		case 'b':
			d = append(d, '\b')
		case 'f':
			d = append(d, '\f')
		case 'n':
			d = append(d, '\n')
		case 'r':
			d = append(d, '\r')
		case 't':
			d = append(d, '\t')
		case 'v':
			d = append(d, '\v')
		case '\n':
			// backslash-newline: both vanish
		case 'x':
			var v byte
			for k := 0; k < 2 && s+1 < len(raw) && isHex(raw[s+1]); k++ {
				s++
				v = v*16 + hexVal(raw[s])
			}
			d = append(d, v)
		default:
			d = append(d, c)
		}
	}
	return string(d), -1
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
