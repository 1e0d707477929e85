package jail

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vjail/vjail/internal/host/linuxns"
)

// writeFstab writes content to a file in a fresh directory and returns
// its path.
func writeFstab(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLinuxMountsOrder(t *testing.T) {
	f1 := writeFstab(t, "fstab.a", "# compat\n\nlinprocfs /jails/a/compat/linux/proc linprocfs rw 0 0\n  \n")
	f2 := writeFstab(t, "fstab.b", "linsysfs\t/jails/a/compat/linux/sys\tlinsysfs\trw\t0\t0\n/data /jails/a/data nullfs rw")
	s := &Spec{
		Path: "/jails/a",
		Mounts: []Mount{
			{Source: "tmpfs", Target: "/jails/a/tmp", Type: "tmpfs", Options: []string{"rw", "size=64m"}, Line: "tmpfs /jails/a/tmp tmpfs rw,size=64m"},
			{Source: "/usr/ports", Target: "/jails/a/usr/ports", Type: "nullfs", Options: []string{"ro"}, Line: "/usr/ports /jails/a/usr/ports nullfs ro"},
		},
		MountDevfs:   true,
		MountFdescfs: true,
		MountProcfs:  true,
	}
	want := []linuxns.Mount{
		{Kind: "tmpfs", Target: "/tmp", Options: []string{"size=64m"}},
		{Kind: "bind", Source: "/usr/ports", Target: "/usr/ports", ReadOnly: true},
		{Kind: "proc", Target: "/compat/linux/proc"},
		{Kind: "sysfs", Target: "/compat/linux/sys"},
		{Kind: "bind", Source: "/data", Target: "/data", FD: 1}, // the second bind mount
		{Kind: "devfs", Target: "/dev"},
		{Kind: "fdescfs", Target: "/dev/fd"},
		{Kind: "proc", Target: "/proc"},
	}
	files := []string{f1, "", f2}
	got, err := linuxMounts(s, files)
	if err != nil {
		t.Fatalf("linuxMounts(%+v, %q) = %v, want no error", s, files, err)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("linuxMounts(%+v, %q) differs (-want +got):\n%s", s, files, diff)
	}
}

func TestLinuxMountsFlags(t *testing.T) {
	tests := []struct {
		devfs, fdescfs, procfs bool
		want                   []string
	}{
		{false, false, false, nil},
		{true, false, false, []string{"devfs:/dev"}},
		{false, true, false, []string{"fdescfs:/dev/fd"}},
		{false, false, true, []string{"proc:/proc"}},
		{true, false, true, []string{"devfs:/dev", "proc:/proc"}},
	}
	for _, tc := range tests {
		s := &Spec{Path: "/jails/a", MountDevfs: tc.devfs, MountFdescfs: tc.fdescfs, MountProcfs: tc.procfs}
		ms, err := linuxMounts(s, nil)
		if err != nil {
			t.Errorf("linuxMounts(devfs=%v fdescfs=%v procfs=%v) = %v, want no error", tc.devfs, tc.fdescfs, tc.procfs, err)
			continue
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Kind+":"+m.Target)
		}
		if !cmp.Equal(got, tc.want) {
			t.Errorf("linuxMounts(devfs=%v fdescfs=%v procfs=%v) = %q, want %q", tc.devfs, tc.fdescfs, tc.procfs, got, tc.want)
		}
	}
}

func TestLinuxMountsErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nosuch")
	short := writeFstab(t, "fstab.short", "/a /jails/a/x\n")
	outside := writeFstab(t, "fstab.outside", "/a /jails/b/x nullfs ro\n")
	zfs := writeFstab(t, "fstab.zfs", "tank/a /jails/a/tank zfs rw\n")
	tests := []struct {
		name   string
		mounts []Mount
		files  []string
		want   []string
		is     error
	}{
		{"missing fstab", nil, []string{missing}, []string{"mount.fstab: ", missing}, fs.ErrNotExist},
		{"short fstab line", nil, []string{short}, []string{"mount.fstab " + short + ": ", "an fstab line is SOURCE TARGET TYPE"}, nil},
		{"fstab target outside", nil, []string{outside}, []string{"target /jails/b/x is outside the jail's path /jails/a"}, nil},
		{"fstab zfs", nil, []string{zfs}, []string{"zfs file systems cannot be mounted"}, nil},
		{"mount line outside", []Mount{{Source: "/a", Target: "/etc", Type: "nullfs", Line: "/a /etc nullfs"}}, nil,
			[]string{`mount "/a /etc nullfs": target /etc is outside the jail's path /jails/a`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Spec{Path: "/jails/a", Mounts: tc.mounts, MountProcfs: true}
			got, err := linuxMounts(s, tc.files)
			if err == nil {
				t.Fatalf("linuxMounts(%+v, %q) = %+v, want an error", s, tc.files, got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("linuxMounts(%+v, %q) = %q, want it to contain %q", s, tc.files, err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("linuxMounts(%+v, %q) = %v, want an error wrapping %v", s, tc.files, err, tc.is)
			}
		})
	}
}

func TestTranslateMount(t *testing.T) {
	const root = "/jails/a"
	tests := []struct {
		line    string
		want    linuxns.Mount
		wantErr string
	}{
		// procfs and its Linux-compatible cousins are Linux proc.
		{"proc /jails/a/proc procfs rw", linuxns.Mount{Kind: "proc", Target: "/proc"}, ""},
		{"linproc /jails/a/compat/linux/proc linprocfs rw", linuxns.Mount{Kind: "proc", Target: "/compat/linux/proc"}, ""},
		{"proc /jails/a/proc proc defaults", linuxns.Mount{Kind: "proc", Target: "/proc"}, ""},
		{"linsys /jails/a/sys linsysfs rw", linuxns.Mount{Kind: "sysfs", Target: "/sys"}, ""},
		{"sysfs /jails/a/sys sysfs", linuxns.Mount{Kind: "sysfs", Target: "/sys"}, ""},

		// tmpfs keeps the options Linux tmpfs knows and refuses others.
		{"tmpfs /jails/a/tmp tmpfs rw,size=64m,mode=1777", linuxns.Mount{Kind: "tmpfs", Target: "/tmp", Options: []string{"size=64m", "mode=1777"}}, ""},
		{"tmpfs /jails/a/tmp tmpfs nr_inodes=1000,uid=0,gid=0", linuxns.Mount{Kind: "tmpfs", Target: "/tmp", Options: []string{"nr_inodes=1000", "uid=0", "gid=0"}}, ""},
		{"tmpfs /jails/a/tmp tmpfs ro,size=1m", linuxns.Mount{Kind: "tmpfs", Target: "/tmp", ReadOnly: true, Options: []string{"size=1m"}}, ""},
		{"tmpfs /jails/a/tmp tmpfs defaults", linuxns.Mount{Kind: "tmpfs", Target: "/tmp"}, ""},
		{"tmpfs /jails/a/tmp tmpfs", linuxns.Mount{Kind: "tmpfs", Target: "/tmp"}, ""},
		{"tmpfs /jails/a/tmp tmpfs rw,noexec", linuxns.Mount{Kind: "tmpfs", Target: "/tmp", Options: []string{"noexec"}}, ""},
		{"tmpfs /jails/a/tmp tmpfs rw,async", linuxns.Mount{}, `tmpfs option "async" is not supported on Linux`},
		{"tmpfs /jails/a/tmp tmpfs inodes=5", linuxns.Mount{}, `tmpfs option "inodes=5" is not supported`},

		// nullfs is a bind mount of an absolute host path.
		{"/usr/ports /jails/a/usr/ports nullfs rw", linuxns.Mount{Kind: "bind", Source: "/usr/ports", Target: "/usr/ports"}, ""},
		{"/usr/ports/ /jails/a/usr/ports nullfs ro", linuxns.Mount{Kind: "bind", Source: "/usr/ports", Target: "/usr/ports", ReadOnly: true}, ""},
		{"/usr//./ports /jails/a/ports nullfs rdonly", linuxns.Mount{Kind: "bind", Source: "/usr/ports", Target: "/ports", ReadOnly: true}, ""},
		{"/srv /jails/a/srv bind", linuxns.Mount{Kind: "bind", Source: "/srv", Target: "/srv"}, ""},
		{"usr/ports /jails/a/usr/ports nullfs ro", linuxns.Mount{}, "the source of a nullfs mount must be an absolute host path"},

		{"fdesc /jails/a/dev/fd fdescfs rw", linuxns.Mount{Kind: "fdescfs", Target: "/dev/fd"}, ""},
		{"devfs /jails/a/dev devfs rw", linuxns.Mount{Kind: "devfs", Target: "/dev"}, ""},

		// File systems Linux jails cannot have.
		{"tank/a /jails/a/tank zfs rw", linuxns.Mount{}, "zfs file systems cannot be mounted in a jail on " + PlatformName},
		{"server:/export /jails/a/nfs nfs rw", linuxns.Mount{}, "nfs file systems cannot be mounted"},
		{"/dev/ada0p2 /jails/a/mnt ufs rw", linuxns.Mount{}, "ufs file systems cannot be mounted"},

		// Targets must be absolute and inside the jail's path.
		{"tmpfs tmp tmpfs", linuxns.Mount{}, "target tmp is not an absolute path"},
		{"tmpfs /jails/ab tmpfs", linuxns.Mount{}, "target /jails/ab is outside the jail's path /jails/a"},
		{"tmpfs /jails/a/../b tmpfs", linuxns.Mount{}, "target /jails/a/../b is outside the jail's path /jails/a"},
		{"tmpfs /tmp tmpfs", linuxns.Mount{}, "target /tmp is outside the jail's path"},
		{"tmpfs /jails tmpfs", linuxns.Mount{}, "target /jails is outside the jail's path"},
	}
	for _, tc := range tests {
		m, err := ParseFstabLine(tc.line)
		if err != nil || m == nil {
			t.Fatalf("ParseFstabLine(%q) = %v, %v", tc.line, m, err)
		}
		got, err := translateMount(root, *m)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("translateMount(%q, %q) = %+v, %v, want an error containing %q", root, tc.line, got, err, tc.wantErr)
			} else if !strings.HasPrefix(err.Error(), "mount "+strconv.Quote(tc.line)+": ") {
				t.Errorf("translateMount(%q, %q) = %q, want it to start by quoting the line", root, tc.line, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("translateMount(%q, %q) = %v, want %+v", root, tc.line, err, tc.want)
			continue
		}
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("translateMount(%q, %q) = %+v, want %+v (-want +got):\n%s", root, tc.line, got, tc.want, diff)
		}
	}
}

// TestTranslateMountNullfsOptions: a nullfs option other than ro/rw
// (noexec, nosuid, ...) must be honoured or refused, as tmpfs options are,
// never dropped: a jail asking for a noexec mount must not get an
// executable one.
func TestTranslateMountNullfsOptions(t *testing.T) {
	for _, opt := range []string{"noexec", "nosuid"} {
		line := "/src /jails/a/src nullfs ro," + opt
		m, _ := ParseFstabLine(line)
		got, err := translateMount("/jails/a", *m)
		if err == nil && !slices.Contains(got.Options, opt) {
			t.Errorf("translateMount(%q, %q) = %+v, nil, want %q kept or an error", "/jails/a", line, got, opt)
		}
	}
}

func TestInsidePath(t *testing.T) {
	tests := []struct {
		root, path string
		want       string
		wantErr    string
	}{
		{"/jails/a", "/jails/a/tmp", "/tmp", ""},
		{"/jails/a", "/jails/a", "/", ""},
		{"/jails/a", "/jails/a/", "/", ""},
		{"/jails/a", "/jails/a/usr//local/./etc/", "/usr/local/etc", ""},
		{"/jails/a", "/jails/a/x/../y", "/y", ""},
		{"/jails/a", "/jails/a/..data", "/..data", ""},
		{"/jails/a/", "/jails/a/tmp", "/tmp", ""},
		{"/jails/a", "/jails/ab", "", "target /jails/ab is outside the jail's path /jails/a"},
		{"/jails/a", "/jails/a/../b", "", "target /jails/a/../b is outside the jail's path /jails/a"},
		{"/jails/a", "/jails/a/..", "", "outside the jail's path"},
		{"/jails/a", "/jails", "", "outside the jail's path"},
		{"/jails/a", "/", "", "outside the jail's path"},
		{"/jails/a", "/etc/passwd", "", "outside the jail's path"},
		{"/jails/a", "tmp", "", "target tmp is not an absolute path"},
		{"/jails/a", "jails/a/tmp", "", "not an absolute path"},
		{"/jails/a", "", "", "not an absolute path"},
	}
	for _, tc := range tests {
		got, err := insidePath(tc.root, tc.path)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("insidePath(%q, %q) = %q, %v, want an error containing %q", tc.root, tc.path, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("insidePath(%q, %q) = %q, %v, want %q, nil", tc.root, tc.path, got, err, tc.want)
		}
	}
}
