// Command vjail runs jails with their own network stacks, configured by
// FreeBSD's jail.conf. See README.md.
package main

import (
	"os"
	"runtime"

	"github.com/vjail/vjail/internal/cli"
	"github.com/vjail/vjail/internal/host/linuxns"
)

// Run as a jail's init (a vjail built without build.sh), the main
// goroutine stays on the process's first thread: the init executes its
// idle form from there (see linuxns's execIdle).
func init() {
	if len(os.Args) > 1 && os.Args[1] == linuxns.InitArg {
		runtime.LockOSThread()
	}
}

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
