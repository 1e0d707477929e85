// Package unpack decompresses the archives vjail create extracts: gzip,
// bzip2 and xz, told apart by their first bytes. It is a package of its
// own so that only the binary that decompresses links it: in vjail as
// build.sh builds it, that is the embedded helper (cmd/vjail-init, run
// with initbin.UnpackArg), since the xz library and the standard compressors fill
// tables at package initialisation that every vjail command would
// otherwise pay for (0.2 ms of a start, measured with debug/elf).
package unpack

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/ulikunitz/xz"
)

func format(magic []byte) string {
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return "gzip"
	case bytes.HasPrefix(magic, []byte("BZh")):
		return "bzip2"
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return "xz"
	}
	return ""
}

// Reader returns r decompressed, or r itself when it is not compressed.
func Reader(r *bufio.Reader) (io.Reader, error) {
	magic, _ := r.Peek(6)
	switch format(magic) {
	case "gzip":
		return gzip.NewReader(r)
	case "bzip2":
		return bzip2.NewReader(r), nil
	case "xz":
		return xz.NewReader(r)
	}
	return r, nil
}

// Main decompresses standard input to standard output (an archive that
// is not compressed passes unchanged), and says on standard error why it
// could not.
func Main() int {
	out := bufio.NewWriterSize(os.Stdout, 1<<16)
	r, err := Reader(bufio.NewReaderSize(os.Stdin, 1<<16))
	if err == nil {
		_, err = io.Copy(out, r)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 1
	}
	return 0
}
