// Command vjail-floor is `vjail bench`'s floor (internal/host/floor) as a
// binary of its own, standard library only. build.sh embeds it in vjail
// (see internal/host/initbin); nobody runs it by hand.
package main

import (
	"os"

	"github.com/vjail/vjail/internal/host/floor"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == floor.Arg {
		os.Exit(floor.Main(os.Args[2:]))
	}
	os.Stderr.WriteString("vjail-floor: the floor of `vjail bench`, run by it only\n")
	os.Exit(2)
}
