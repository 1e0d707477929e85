//go:build !linux

package linuxns

import "errors"

// InitMain is only for Linux.
func InitMain() int { return 1 }

// ServeArg names the request-serving mode, which only Linux has.
const ServeArg = "__vjail_serve"

// ServeMain is only for Linux.
func ServeMain([]string) int { return 1 }

// ErrNotLinux is what this package answers elsewhere.
var ErrNotLinux = errors.New("linux namespaces: not on Linux")

// DHCPArg names the DHCP client mode, which only Linux has.
const DHCPArg = "__vjail_dhcp"
