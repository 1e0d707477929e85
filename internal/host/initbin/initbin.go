// Package initbin carries the jail's init as a binary of its own, built
// from cmd/vjail-init and embedded in vjail by build.sh.
//
// Why a second binary: the init is a process started for every jail, and
// each Go process pays, before it runs a line of vjail's, for the
// runtime's start and for every package its binary links. The init links
// only internal/host/linuxns (not the CLI, jail.conf, nftables, netlink's
// host side, the seccomp library's tables): it starts about 1 ms sooner
// than vjail itself would. It is static and built with cgo, for the small
// C init a jail's init becomes once idle; vjail itself then needs no cgo,
// whose static C library costs every process about 0.5 ms of start-up.
//
// A vjail built without build.sh (a plain `go build ./cmd/vjail`) carries
// no init: Binary returns nil and vjail runs itself as the init.
package initbin

// Binary returns the embedded init's executable, or nil.
func Binary() []byte { return binary }
