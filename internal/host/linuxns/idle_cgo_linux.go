//go:build linux && cgo

package linuxns

// The C init itself is idle/idle.c.

/*
#cgo CFLAGS: -I${SRCDIR}/idle
#include "idle.c"
*/
import "C"

import _ "embed"

// SelfIdle reports whether this binary carries the small C init that an
// idle jail's init becomes, as a constructor (see idle/idle.c).
const SelfIdle = true

// idleSource is not used: embedding it makes Go's build cache notice a
// change to idle.c, which cgo's #include alone does not (golang/go#24355).
//
//go:embed idle/idle.c
var idleSource string

// startSource: as idleSource, for idle/start.c, which idle.c includes.
//
//go:embed idle/start.c
var startSource string
