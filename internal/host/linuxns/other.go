//go:build !linux

package linuxns

import "errors"

// InitMain is only for Linux.
func InitMain() int { return 1 }

// FloorMain is only for Linux.
func FloorMain([]string) int { return 1 }

// ErrNotLinux is what this package answers elsewhere.
var ErrNotLinux = errors.New("linux namespaces: not on Linux")
