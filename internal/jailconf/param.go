package jailconf

import (
	"sort"
	"strings"
)

// Kind is the type of a parameter's value, as jail(8) and libjail parse it.
type Kind uint8

const (
	// KindString is a single string; when a list is given the last value
	// counts (config.c string_param).
	KindString Kind = iota
	// KindBool is a boolean: valueless (true), "true"/"false" in any case,
	// or an integer; a "no" prefix on the last name component inverts it
	// (allow.nomount is allow.mount = false).
	KindBool
	// KindInt is a decimal integer (strtol, base 10).
	KindInt
	// KindList is a list of strings, one per comma-separated value or +=.
	KindList
	// KindJailsys is libjail's JAIL_SYS type: "new", "inherit" or "disable";
	// valueless means "new" and the "no" form means "inherit" (vnet,
	// novnet, host, ip4, sysvshm, ...).
	KindJailsys
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	case KindList:
		return "list"
	case KindJailsys:
		return "jailsys"
	}
	return "unknown"
}

// Origin says who defines a parameter.
type Origin uint8

const (
	// Kernel parameters are passed to jail_set(2) on FreeBSD.
	Kernel Origin = iota
	// Internal parameters are jail(8)'s pseudo-parameters (exec.*,
	// mount.*, depend, vnet.interface, ...), never passed to the kernel.
	Internal
	// Extension parameters are vjail's own additions; FreeBSD's jail(8)
	// does not know them, so vjail never hands them to it.
	Extension
)

func (o Origin) String() string {
	switch o {
	case Kernel:
		return "kernel"
	case Internal:
		return "jail(8)"
	case Extension:
		return "vjail"
	}
	return "unknown"
}

// ParamInfo describes one parameter that vjail knows.
type ParamInfo struct {
	Name   string
	Kind   Kind
	Origin Origin
	// ReadOnly parameters can be read (jls -n) but not set; setting one is
	// an error, as jail_set(2) refuses it with EINVAL.
	ReadOnly bool
	// Doc is one line saying what the parameter does on FreeBSD.
	Doc string
}

// params indexes paramTable by name. It is built once from a constant
// table and never written afterwards.
var params = func() map[string]*ParamInfo {
	m := make(map[string]*ParamInfo, len(paramTable))
	for i := range paramTable {
		p := &paramTable[i]
		if _, dup := m[p.Name]; dup {
			panic("jailconf: duplicate parameter " + p.Name)
		}
		m[p.Name] = p
	}
	return m
}()

// LookupParam finds a parameter by the name written in a configuration,
// accepting the "no" form of boolean and jailsys parameters
// (allow.nomount, novnet). It reports whether the name was a "no" form.
func LookupParam(name string) (info *ParamInfo, negated bool, ok bool) {
	if p, ok := params[name]; ok {
		return p, false, true
	}
	if base, ok := stripNo(name); ok {
		if p, ok := params[base]; ok && (p.Kind == KindBool || p.Kind == KindJailsys) {
			return p, true, true
		}
	}
	return nil, false, false
}

// stripNo removes a "no" prefix from the last component of name:
// "allow.nomount" -> "allow.mount", "nopersist" -> "persist".
func stripNo(name string) (string, bool) {
	i := strings.LastIndexByte(name, '.') + 1
	if !strings.HasPrefix(name[i:], "no") || len(name) == i+2 {
		return "", false
	}
	return name[:i] + name[i+2:], true
}

// Params lists every known parameter in name order.
func Params() []ParamInfo {
	out := append([]ParamInfo(nil), paramTable...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
