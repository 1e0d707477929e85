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

func writeTarXZ(t testing.TB, entries []entry) string {
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

// TestAdaptInittab: Debian's sysvinit inittab loses its gettys on virtual
// terminals and halts on a power failure; a second pass changes nothing;
// busybox's own inittab and a userland without one stay as they are.
func TestAdaptInittab(t *testing.T) {
	debian := `id:2:initdefault:
si::sysinit:/etc/init.d/rcS
l0:0:wait:/etc/init.d/rc 0
pf::powerwait:/etc/init.d/powerfail start
1:2345:respawn:/sbin/getty --noclear 38400 tty1
2:23:respawn:/sbin/getty 38400 tty2
#T0:23:respawn:/sbin/getty -L ttyS0 9600 vt100
C0:2345:respawn:/sbin/getty -8 --noclear --keep-baud console 115200,38400,9600
`
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "etc"), 0o755)
	path := filepath.Join(root, "etc/inittab")
	os.WriteFile(path, []byte(debian), 0o644)
	if err := adaptInittab(root); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	for _, want := range []string{
		"\n#1:2345:respawn:/sbin/getty --noclear 38400 tty1\n",
		"\n#2:23:respawn:/sbin/getty 38400 tty2\n",
		"\n#pf::powerwait:/etc/init.d/powerfail start\npf::powerwait:/sbin/shutdown -t1 -a -h now\n",
		"\nsi::sysinit:/etc/init.d/rcS\n",
		"\n#T0:23:respawn:/sbin/getty -L ttyS0 9600 vt100\n",
		"\nC0:2345:respawn:/sbin/getty -8 --noclear --keep-baud console 115200,38400,9600\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("adapted inittab lacks %q:\n%s", want, got)
		}
	}
	if err := adaptInittab(root); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(path); string(again) != string(got) {
		t.Errorf("a second pass changed the inittab:\n%s", again)
	}

	bb := t.TempDir()
	if err := Busybox("/bin/busybox", "bb")(bb); err != nil {
		t.Skipf("no busybox-static here: %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(bb, "etc/inittab"))
	if err := adaptInittab(bb); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(bb, "etc/inittab")); string(after) != string(before) {
		t.Errorf("busybox's inittab changed:\n%s", after)
	}
	if err := adaptInittab(t.TempDir()); err != nil {
		t.Errorf("a userland without an inittab: %v", err)
	}
}

// TestPackages: --include's list is checked and sorted, so that one set
// of packages has one cache.
func TestPackages(t *testing.T) {
	got, err := Packages("sysvinit-core, busybox,,nginx-light,busybox")
	if err != nil || strings.Join(got, ",") != "busybox,nginx-light,sysvinit-core" {
		t.Errorf("Packages = %q, %v", got, err)
	}
	for _, bad := range []string{"Nginx", "a", "-x", "x y", "../etc", "x;rm"} {
		if _, err := Packages(bad); err == nil || !strings.Contains(err.Error(), "not a Debian package name") {
			t.Errorf("Packages(%q) = %v, want a clear error", bad, err)
		}
	}
}

// FuzzTarball: whatever archive a tarball source is, extraction writes
// nothing outside the jail's root (a sibling directory stays empty) and
// never panics.
func FuzzTarball(f *testing.F) {
	for _, entries := range [][]entry{
		{{name: "etc/", kind: tar.TypeDir}, {name: "etc/rc", body: "echo hi\n", kind: tar.TypeReg}},
		{{name: "link", link: "/", kind: tar.TypeSymlink}, {name: "link/escaped", body: "x", kind: tar.TypeReg}},
		{{name: "up", link: "../outside", kind: tar.TypeSymlink}, {name: "up/x", body: "x", kind: tar.TypeReg}},
		{{name: "hard", link: "../outside/x", kind: tar.TypeLink}},
	} {
		b, err := os.ReadFile(writeTarXZ(f, entries))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, archive []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "a.tar")
		os.WriteFile(file, archive, 0o644)
		root, outside := filepath.Join(dir, "root"), filepath.Join(dir, "outside")
		os.Mkdir(root, 0o755)
		os.Mkdir(outside, 0o755)
		Tarball(file, nil)(root)
		if entries, _ := os.ReadDir(outside); len(entries) > 0 {
			t.Fatalf("extraction wrote outside the root: %s", entries[0].Name())
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 3 {
			t.Fatalf("extraction wrote beside the root: %v", entries)
		}
	})
}
