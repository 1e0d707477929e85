//go:build !linux

// Package dhcpclient is a jail's DHCP client, which only Linux has.
package dhcpclient

// Main is only for Linux.
func Main([]string) int { return 1 }
