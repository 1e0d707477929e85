// Command vjail-init is a jail's init, the helper that serves a request
// once the init has gone idle, a jail's DHCP client, and the
// decompressor of the archives vjail create extracts: what vjail runs in
// processes of their own and need not link itself. build.sh embeds
// it in vjail (see internal/host/initbin); nobody runs it by hand.
package main

import (
	"os"
	"runtime"

	"github.com/vjail/vjail/internal/host/dhcpclient"
	"github.com/vjail/vjail/internal/host/initbin"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/provision/unpack"
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
			os.Exit(dhcpclient.Main(os.Args[2:]))
		case initbin.UnpackArg:
			os.Exit(unpack.Main())
		}
	}
	os.Stderr.WriteString("vjail-init: the init of vjail's jails, started by vjail only\n")
	os.Exit(2)
}
