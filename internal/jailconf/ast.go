package jailconf

// Op is how a parameter statement gives its values.
type Op uint8

const (
	// OpNone is a valueless statement: `persist;`.
	OpNone Op = iota
	// OpSet is `name = v1, v2;`.
	OpSet
	// OpAppend is `name += v;`.
	OpAppend
	// OpNameValue is `name v;`, which jail(8) treats as `name = v;` except
	// that `.include "FILE";` must use this form.
	OpNameValue
)

// Piece is part of a string value: a literal or a variable reference.
type Piece struct {
	Pos   Pos
	IsVar bool
	// Text is the literal text (escapes processed) or the variable's name.
	Text string
}

// Value is one string of a parameter's value list, assembled from adjacent
// pieces ("/jails/"$name is a literal and a variable).
type Value struct {
	Pos    Pos
	Pieces []Piece
}

// Literal reports whether v has no variables, and its text.
func (v Value) Literal() (string, bool) {
	if len(v.Pieces) == 1 && !v.Pieces[0].IsVar {
		return v.Pieces[0].Text, true
	}
	s := ""
	for _, p := range v.Pieces {
		if p.IsVar {
			return "", false
		}
		s += p.Text
	}
	return s, true
}

// Node is a statement: *Param or *Block.
type Node interface{ node() }

// Param is a parameter or variable statement.
type Param struct {
	Pos    Pos
	Name   string
	IsVar  bool // $name = ...: a variable, used only for substitution
	Op     Op
	Values []Value
}

// Block is a jail definition `name { ... }`, possibly nested.
type Block struct {
	Pos  Pos
	Name string
	Body []Node
	// End is the position of the closing brace.
	End Pos
}

func (*Param) node() {}
func (*Block) node() {}

// File is one parsed configuration file, without its includes expanded.
type File struct {
	Name string
	Body []Node
}

// isInclude reports whether p is an include directive. As in jailparse.y's
// special_param, only the `.include VALUE;` form is one; `.include = x;` is
// an (unknown) parameter.
func (p *Param) isInclude() bool {
	return !p.IsVar && p.Op == OpNameValue && p.Name == includeDirective
}

const includeDirective = ".include"
