// Package initbin carries the jail's init as binaries of their own,
// embedded in vjail by build.sh: the Go init (cmd/vjail-init) and the
// small C init it becomes once the jail is idle
// (internal/host/linuxns/idle/idle.c).
//
// Why separate binaries: the init is a process started for every jail,
// and each Go process pays, before it runs a line of vjail's, for the
// runtime's start and for every package its binary links. The Go init
// links only internal/host/linuxns (not the CLI, jail.conf, nftables,
// the seccomp library's tables), and neither it nor vjail uses cgo, whose
// static C library cost every process about 0.5 ms of start-up: together
// a jail starts about 1.5 ms sooner than with vjail as its own init. The
// C init is a static C program of its own.
//
// A third binary, the benchmark's floor (cmd/vjail-floor), is a Go
// program that links the standard library only: what vjail's start is
// compared with must not carry vjail's own weight.
//
// A vjail built without build.sh (a plain `go build ./cmd/vjail`) carries
// none: vjail runs itself as the init (ProtectedBinaries), and the bench
// measures vjail itself as the floor.
package initbin

// Floor returns the embedded floor of `vjail bench` (cmd/vjail-floor),
// or nil.
func Floor() []byte { return floorBinary }

// UnpackArg makes the helper binary decompress its standard input to its
// standard output (package unpack, linked by the helper only).
const UnpackArg = "__vjail_unpack"
