// Command vjail runs jails with their own network stacks, configured by
// FreeBSD's jail.conf. See README.md.
package main

import (
	"os"

	"github.com/vjail/vjail/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
