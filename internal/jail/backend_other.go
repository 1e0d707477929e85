//go:build !linux

package jail

import (
	"errors"
	"fmt"

	"github.com/vjail/vjail/internal/state"
)

// NewBackend reports that this platform's backend is not built yet: the
// FreeBSD one (jail(8), epair, if_bridge, pf) comes next, behind the same
// Backend interface.
func NewBackend(dir *state.Dir) (Backend, error) {
	return nil, fmt.Errorf("running jails on %s: %w", PlatformName, errors.ErrUnsupported)
}
