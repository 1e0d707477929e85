//go:build !(linux && vjail_embedinit)

package provision

import (
	"bufio"
	"io"

	"github.com/vjail/vjail/internal/provision/unpack"
)

// decompress returns the archive r decompressed, in this process: a
// vjail without build.sh's helper binary links the compressors itself.
// finish takes the extraction's outcome and returns it.
func decompress(r *bufio.Reader) (_ io.Reader, finish func(error) error, err error) {
	d, err := unpack.Reader(r)
	return d, func(err error) error { return err }, err
}
