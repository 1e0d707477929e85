// Package jailconf is the jail.conf(5) language: lexing, parsing, loading
// with .include, resolving each jail's parameters, knowing which
// parameters exist, and printing a configuration back.
//
// The reference is FreeBSD's own implementation in usr.sbin/jail
// (jaillex.l, jailparse.y, config.c, jail.c, state.c). vjail follows it
// exactly where it defines a meaning, so that an administrator's jail.conf
// means the same thing to vjail as to jail(8):
//
//   - The lexer reproduces jaillex.l token by token, including how adjacent
//     pieces join into one string ("/jails/"$name) and how a double-quoted
//     string is split at each variable.
//   - The loader reproduces jailparse.y's construction of the jail list: a
//     parameter outside any block joins the global pseudo-jail "*" (a new one
//     after each block), a nested block b inside a is jail "a.b", and
//     .include is a parameter statement of the form `.include "FILE";`.
//   - The resolver reproduces config.c load_config: wildcard blocks apply by
//     their position in the file relative to each jail, parameters merge by
//     equalopts (allow.nomount is allow.mount), and variables are expanded
//     per jail after merging, with jail(8)'s errors.
//
// Where vjail goes further than jail(8) it only reports more: every problem
// carries FILE:LINE:COL, errors are collected instead of stopping at the
// first, unknown parameter names are caught at load time with a suggestion,
// and an include loop is named instead of hitting the depth limit.
//
// This package imports only the standard library.
package jailconf
