//go:build !linux

package provision

import (
	"archive/tar"
	"errors"
	"io"
	"os"
)

// extractEntry is only needed where vjail builds userlands: Linux now.
func extractEntry(root *os.File, name string, h *tar.Header, r io.Reader) error {
	return errors.ErrUnsupported
}
