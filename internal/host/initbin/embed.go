//go:build linux && vjail_embedinit

package initbin

import _ "embed"

// build.sh builds cmd/vjail-init here before it builds vjail with the
// vjail_embedinit tag.
//
//go:embed vjail-init
var binary []byte
