//go:build linux && vjail_embedinit

package initbin

import _ "embed"

// build.sh builds both here before it builds vjail with the
// vjail_embedinit tag.
var (
	//go:embed vjail-init
	initBinary []byte
	//go:embed vjail-idle
	idleBinary []byte
)
