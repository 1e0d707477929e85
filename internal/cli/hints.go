package cli

import (
	"errors"
	"io/fs"
)

// advise adds what to do to errors whose cause the user can fix.
func advise(err error) error {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return hinted{err, "vjail must run as root"}
	}
	return err
}

type hinted struct {
	err  error
	hint string
}

func (h hinted) Error() string { return h.err.Error() + " (" + h.hint + ")" }
func (h hinted) Unwrap() error { return h.err }
