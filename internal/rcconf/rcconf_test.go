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

// TestJailConf follows rc.d/jail's lookup of a listed jail's
// configuration: jail_NAME_conf, /etc/jail.NAME.conf,
// /etc/jail.conf.d/NAME.conf unless jail.conf includes that directory,
// then jail_conf.
func TestJailConf(t *testing.T) {
	etc := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(etc, name)
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	own := write("jail.a.conf", "a {}\n")
	dropIn := write("jail.conf.d/b.conf", "b {}\n")
	write("jail.conf.d/a.conf", "a {}\n")
	s := Settings{JailConfs: map[string]string{"c": "/srv/c.conf"}}
	for name, want := range map[string]string{"a": own, "b": dropIn, "c": "/srv/c.conf", "d": ""} {
		if got := s.JailConf(name, etc); got != want {
			t.Errorf("JailConf(%q) = %q, want %q", name, got, want)
		}
	}
	// A jail.conf that includes jail.conf.d/ already has b.
	main := write("jail.conf", "# all of them\n  .include \""+etc+"/jail.conf.d/*.conf\";\n")
	if got := s.JailConf("b", etc); got != "" {
		t.Errorf("with jail.conf including jail.conf.d: JailConf(b) = %q, want the default", got)
	}
	s.Conf = main
	if got := s.JailConf("b", etc); got != main {
		t.Errorf("with jail_conf including jail.conf.d: JailConf(b) = %q, want %q", got, main)
	}

	rc := write("rc.conf", "jail_enable=YES\njail_list=\"a c\"\njail_c_conf=\"/srv/c.conf\"\njail_conf=\"/etc/x.conf\"\n")
	got, err := Load([]string{rc})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.JailConfs) != 1 || got.JailConfs["c"] != "/srv/c.conf" {
		t.Errorf("JailConfs = %v, want only c", got.JailConfs)
	}
}

// FuzzSet: whatever Set accepts, Load reads back as it was written; what
// it refuses leaves the file as it was.
func FuzzSet(f *testing.F) {
	for _, v := range []string{"serverA serverB", "", "a$b", "x\"y", "tab\there", "é", "back\\slash", "#not a comment"} {
		f.Add("jail_list", v)
		f.Add("jail_www_conf", v)
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		file := filepath.Join(t.TempDir(), "rc.conf")
		before := "hostname=\"h\"\njail_enable=\"YES\"\n"
		os.WriteFile(file, []byte(before), 0o644)
		if err := Set(file, name, value); err != nil {
			if b, _ := os.ReadFile(file); string(b) != before {
				t.Fatalf("a refused Set changed the file:\n%s", b)
			}
			return
		}
		b, _ := os.ReadFile(file)
		got := map[string]string{}
		for _, line := range strings.Split(string(b), "\n") {
			if n, v, ok := parseLine(line); ok {
				got[n] = v
			}
		}
		// parseLine trims what follows a quoted value; a bare value
		// (none here) would be trimmed.
		if got[name] != value {
			t.Fatalf("Set(%q, %q) reads back as %q:\n%s", name, value, got[name], b)
		}
		if name != "hostname" && got["hostname"] != "h" {
			t.Fatalf("Set(%q, %q) disturbed another line:\n%s", name, value, b)
		}
	})
}

// FuzzLoad: no rc.conf text makes Load fail or panic.
func FuzzLoad(f *testing.F) {
	f.Add("jail_enable=\"YES\"\njail_list=\"a b\"\n# c\njail_a_conf='/x'\njail_reverse_stop=yes # c\n")
	f.Add("jail_list=\"unterminated\njail_enable=\"\n")
	f.Fuzz(func(t *testing.T, text string) {
		file := filepath.Join(t.TempDir(), "rc.conf")
		os.WriteFile(file, []byte(text), 0o644)
		if _, err := Load([]string{file}); err != nil && !strings.Contains(err.Error(), "token too long") {
			t.Fatalf("Load: %v", err)
		}
	})
}
