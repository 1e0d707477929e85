//go:build linux && cgo

package linuxns

// The C init itself is idle/idle.c.

/*
#cgo CFLAGS: -I${SRCDIR}/idle
#include "idle.c"
*/
import "C"

// selfIdle reports whether this binary carries the small C init that an
// idle jail's init becomes, as a constructor (see idle/idle.c).
const selfIdle = true
