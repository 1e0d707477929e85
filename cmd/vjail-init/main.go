// Command vjail-init is a jail's init, the helper that serves a request
// once the init has gone idle, and a jail's DHCP client. build.sh embeds
// it in vjail (see internal/host/initbin); nobody runs it by hand.
package main

import (
	"os"
	"runtime"

	"github.com/vjail/vjail/internal/host/linuxns"
)

// The main goroutine stays on the process's first thread: the init
// executes its idle form from there (see linuxns's execIdle).
func init() { runtime.LockOSThread() }

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case linuxns.InitArg:
			os.Exit(linuxns.InitMain())
		case linuxns.ServeArg:
			os.Exit(linuxns.ServeMain(os.Args[2:]))
		case linuxns.DHCPArg:
			os.Exit(linuxns.DHCPMain(os.Args[2:]))
		}
	}
	os.Stderr.WriteString("vjail-init: the init of vjail's jails, started by vjail only\n")
	os.Exit(2)
}
