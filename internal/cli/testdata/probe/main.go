// Command probe runs inside test jails and reports, one line per check,
// what the jail's root may do. It is built statically by the tests.
package main

import (
	"fmt"
	"os"
	"syscall"
)

// afVsock is AF_VSOCK, which package syscall does not name.
const afVsock = 40

func main() {
	for _, check := range os.Args[1:] {
		var err error
		switch check {
		case "raw-socket":
			var fd int
			fd, err = syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, syscall.IPPROTO_ICMP)
			if err == nil {
				syscall.Close(fd)
			}
		case "socket-vsock":
			// A family beyond local, IPv4, IPv6, route and packet.
			var fd int
			fd, err = syscall.Socket(afVsock, syscall.SOCK_STREAM, 0)
			if err == nil {
				syscall.Close(fd)
			}
		case "sethostname":
			err = syscall.Sethostname([]byte("probe"))
		case "mount-tmpfs":
			os.MkdirAll("/tmp/probe-mnt", 0o755)
			err = syscall.Mount("tmpfs", "/tmp/probe-mnt", "tmpfs", 0, "")
			if err == nil {
				syscall.Unmount("/tmp/probe-mnt", 0)
			}
		case "write-unmapped":
			err = os.WriteFile("/unmapped", []byte("x"), 0o644)
		default:
			err = fmt.Errorf("unknown check")
		}
		if err != nil {
			fmt.Printf("%s: denied: %v\n", check, err)
		} else {
			fmt.Printf("%s: allowed\n", check)
		}
	}
}
