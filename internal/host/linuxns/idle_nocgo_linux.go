//go:build linux && !cgo

package linuxns

// SelfIdle is false without cgo: this binary cannot become the small C
// init (build.sh's vjail carries it as a binary of its own).
const SelfIdle = false
