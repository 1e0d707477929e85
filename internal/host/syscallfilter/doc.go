// Package syscallfilter gives the seccomp filters that everything started
// in a jail inherits, from what the jail's parameters allow (Filters).
//
// They are assembled ahead of time: the library that assembles them
// (elastic/go-seccomp-bpf, in internal/assemble) builds syscall tables
// for every architecture when its package initialises, 0.25 ms of every
// vjail command's start, and assembling cost more at each jail's start.
// So `go generate` assembles the filters of every combination of Filters
// (32) for amd64 into table_amd64.go, which vjail carries as constants;
// the package's test checks the table against the library's assembly.
// On other architectures Jail assembles them when asked, as before.
//
// The jail's init only loads the bytes: it links neither.
package syscallfilter

//go:generate go run ./internal/gen
