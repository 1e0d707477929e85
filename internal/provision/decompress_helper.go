//go:build linux && vjail_embedinit

package provision

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/vjail/vjail/internal/host/initbin"
)

// decompress returns the archive r decompressed by the helper binary that
// build.sh embeds (package unpack says why not by vjail itself), as tar
// runs xz; an archive that is not compressed passes through unchanged.
// finish takes the extraction's outcome and returns it, or the helper's
// own error when the archive could not be decompressed.
func decompress(r *bufio.Reader) (_ io.Reader, finish func(error) error, err error) {
	cmd, release, err := initbin.Helper(initbin.UnpackArg)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	cmd.Stdin = r
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("decompress: %w", err)
	}
	finish = func(err error) error {
		if err != nil {
			// Refused for what the archive holds, or cut short because
			// the helper failed: only the latter has said why.
			cmd.Process.Kill()
		}
		werr := cmd.Wait()
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("decompress: %s", msg)
		}
		if err == nil && werr != nil {
			return fmt.Errorf("decompress: %w", werr)
		}
		return err
	}
	return out, finish, nil
}
