//go:build !linux

package floor

// Arg is the argument that makes a binary run the floor.
const Arg = "__vjail_floor"

// Main is only for Linux.
func Main([]string) int { return 1 }
