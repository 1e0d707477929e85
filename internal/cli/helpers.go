//go:build !(linux && vjail_embedinit)

package cli

import (
	"github.com/vjail/vjail/internal/host/dhcpclient"
	"github.com/vjail/vjail/internal/host/initbin"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/provision/unpack"
)

// helperMain runs the helpers that build.sh's vjail leaves to its
// embedded helper binary (cmd/vjail-init): a vjail built without them is
// its jails' DHCP client itself. (Its archives it decompresses in
// process: see provision's decompress.)
func helperMain(args []string) (code int, ok bool) {
	if len(args) == 0 {
		return 0, false
	}
	switch args[0] {
	case linuxns.DHCPArg:
		return dhcpclient.Main(args[1:]), true
	case initbin.UnpackArg:
		return unpack.Main(), true
	}
	return 0, false
}
