package rcconf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "rc.conf"), filepath.Join(dir, "rc.conf.local")
	os.WriteFile(a, []byte("# comment\nhostname=\"x\"\njail_enable=\"NO\"\njail_list='serverA serverB' # two\njail_reverse_stop=YES\njail_conf=/etc/other.conf\n"), 0o644)
	os.WriteFile(b, []byte("jail_enable=yes\njail_parallel_start=\"on\"\n"), 0o644)
	s, err := Load([]string{a, b, filepath.Join(dir, "missing")})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enable || strings.Join(s.List, ",") != "serverA,serverB" || !s.ReverseStop || !s.ParallelStart || s.Conf != "/etc/other.conf" || len(s.Files) != 2 {
		t.Errorf("Load = %+v", s)
	}
	s, _ = Load([]string{filepath.Join(dir, "none")})
	if s.Enable || len(s.List) != 0 || len(s.Files) != 0 {
		t.Errorf("Load of nothing = %+v, want FreeBSD's defaults", s)
	}
}

func TestSet(t *testing.T) {
	f := filepath.Join(t.TempDir(), "rc.conf")
	os.WriteFile(f, []byte("a=1\njail_list=\"x\"\nb=2"), 0o644)
	if err := Set(f, "jail_list", "x y"); err != nil {
		t.Fatal(err)
	}
	if err := Set(f, "jail_enable", "YES"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f)
	if want := "a=1\njail_list=\"x y\"\nb=2\njail_enable=\"YES\"\n"; string(got) != want {
		t.Errorf("after Set:\n%q\nwant\n%q", got, want)
	}
}
