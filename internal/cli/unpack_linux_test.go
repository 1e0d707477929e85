package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// TestCreateFromArchive: vjail as build.sh builds it does not link the
// compressors; its embedded helper decompresses an xz or gzip archive
// for create, a plain tar passes through it unchanged, and a corrupt
// archive is refused with the decompressor's own reason, leaving no
// userland behind.
func TestCreateFromArchive(t *testing.T) {
	bin := staticBinary(t)
	w := newWorld(t)
	jails := filepath.Join(w.dir, "jails")
	w.writeConf(fmt.Sprintf("path = \"%s/$name\";\n", jails))
	var plain bytes.Buffer
	tw := tar.NewWriter(&plain)
	for _, e := range []struct{ name, body string }{{"bin/sh", "#!shell\n"}, {"etc/motd", "welcome\n"}} {
		tw.WriteHeader(&tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(e.body))
	}
	tw.Close()
	compress := func(w func(io.Writer) io.WriteCloser) []byte {
		var b bytes.Buffer
		zw := w(&b)
		zw.Write(plain.Bytes())
		zw.Close()
		return b.Bytes()
	}
	archives := map[string][]byte{
		"txz": compress(func(w io.Writer) io.WriteCloser {
			zw, err := xz.NewWriter(w)
			if err != nil {
				t.Fatal(err)
			}
			return zw
		}),
		"tgz": compress(func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }),
		"tar": plain.Bytes(),
	}
	for kind, data := range archives {
		file := filepath.Join(w.dir, "base."+kind)
		writeFile(t, file, string(data))
		if code, out := w.run(bin, "create", kind, "--from", file); code != 0 {
			t.Fatalf("create --from %s = %d: %s", file, code, out)
		}
		if b, err := os.ReadFile(filepath.Join(jails, kind, "etc/motd")); err != nil || string(b) != "welcome\n" {
			t.Errorf("%s: etc/motd = %q, %v", kind, b, err)
		}
	}
	corrupt := append([]byte(nil), archives["txz"]...)
	for i := 40; i < len(corrupt)-20; i++ {
		corrupt[i] ^= 0x55
	}
	file := filepath.Join(w.dir, "corrupt.txz")
	writeFile(t, file, string(corrupt))
	code, out := w.run(bin, "create", "bad", "--from", file)
	if code == 0 || !strings.Contains(out, "decompress: ") {
		t.Errorf("create from a corrupt archive = %d, %q; want the decompressor's error", code, out)
	}
	if _, err := os.Stat(filepath.Join(jails, "bad")); err == nil {
		t.Error("a failed create left a userland")
	}
}
