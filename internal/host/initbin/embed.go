//go:build linux && vjail_embedinit

package initbin

import _ "embed"

// build.sh builds all three here before it builds vjail with the
// vjail_embedinit tag.
var (
	//go:embed vjail-init
	initBinary []byte
	//go:embed vjail-idle
	idleBinary []byte
	//go:embed vjail-floor
	floorBinary []byte
)
