package provision

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

type entry struct {
	name, body, link string
	kind             byte
}

func writeTarXZ(t *testing.T, entries []entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.kind, Mode: 0o644, Linkname: e.link, Size: int64(len(e.body))}
		if e.kind == tar.TypeDir {
			h.Mode = 0o755
		}
		if e.kind != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.kind == tar.TypeReg {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	zw.Close()
	p := filepath.Join(t.TempDir(), "base.txz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTarball extracts a FreeBSD-style base.txz: directories, files,
// symlinks and hard links land in the root, and a symlink in the archive
// that points out of it leads later entries back inside.
func TestTarball(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("extraction keeps owners and needs root")
	}
	hostPasswd, _ := os.ReadFile("/etc/passwd")
	tarball := writeTarXZ(t, []entry{
		{name: "./", kind: tar.TypeDir},
		{name: "./bin/", kind: tar.TypeDir},
		{name: "./bin/sh", body: "#!shell\n", kind: tar.TypeReg},
		{name: "./bin/csh", link: "bin/sh", kind: tar.TypeLink},
		{name: "./bin/tcsh", link: "sh", kind: tar.TypeSymlink},
		{name: "./etc/", kind: tar.TypeDir},
		{name: "./evil", link: "/etc", kind: tar.TypeSymlink},
		{name: "./evil/passwd", body: "jail's own\n", kind: tar.TypeReg},
	})
	dst := filepath.Join(t.TempDir(), "root")
	if err := Build(dst, Tarball(tarball, nil)); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{"bin/sh": "#!shell\n", "bin/csh": "#!shell\n", "bin/tcsh": "#!shell\n", "etc/passwd": "jail's own\n"} {
		if b, err := os.ReadFile(filepath.Join(dst, p)); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", p, b, err, want)
		}
	}
	if b, _ := os.ReadFile("/etc/passwd"); !bytes.Equal(b, hostPasswd) {
		t.Fatal("the host's /etc/passwd changed")
	}
	if l, _ := os.Readlink(filepath.Join(dst, "evil")); l != "/etc" {
		t.Errorf("evil -> %q, want the symlink kept as /etc", l)
	}
}

func TestTarballRefusesEscapes(t *testing.T) {
	tarball := writeTarXZ(t, []entry{{name: "../outside", body: "x", kind: tar.TypeReg}})
	dst := filepath.Join(t.TempDir(), "root")
	err := Build(dst, Tarball(tarball, nil))
	if err == nil || !strings.Contains(err.Error(), "leaves the archive's root") {
		t.Errorf("Build with ../outside = %v", err)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("a failed extraction left a userland")
	}
	if _, err := os.Stat(dst + partialSuffix); err == nil {
		t.Error("a failed extraction left its partial tree")
	}
}
