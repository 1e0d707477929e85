package jail

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// FuzzMountLine: an fstab line of jail.conf's mount parameter either is
// refused or becomes a mount whose target is a clean absolute path inside
// the jail (never above its root), whatever the line says.
func FuzzMountLine(f *testing.F) {
	for _, l := range []string{
		"/srv/www /jails/a/var/www nullfs ro,noexec 0 0",
		"tmpfs /jails/a/tmp tmpfs rw,size=64m,mode=1777 0 0",
		"proc /jails/a/proc procfs rw 0 0",
		"/x /jails/a/../b nullfs ro",
		"/x /jails/a/\\040space nullfs ro",
		"# comment",
		"/x /jails/ab nullfs",
	} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, err := ParseFstabLine(line)
		if err != nil || m == nil {
			return
		}
		lm, err := translateMount("/jails/a", *m)
		if err != nil {
			return
		}
		if !filepath.IsAbs(lm.Target) || filepath.Clean(lm.Target) != lm.Target || strings.Contains(lm.Target, "..") && strings.Contains("/"+lm.Target+"/", "/../") {
			t.Fatalf("%q: target %q is not a clean path inside the jail", line, lm.Target)
		}
		if host := filepath.Join("/jails/a", lm.Target); host != "/jails/a" && !strings.HasPrefix(host, "/jails/a/") {
			t.Fatalf("%q: target %q is %s on the host, outside the jail", line, lm.Target, host)
		}
		if lm.Kind == "bind" && !filepath.IsAbs(lm.Source) {
			t.Fatalf("%q: bind source %q is not absolute", line, lm.Source)
		}
	})
}

// FuzzCommand: jail(8)'s reading of a command string never loses it: a
// string with shell metacharacters runs as /bin/sh -c with the text as
// written, any other as its words.
func FuzzCommand(f *testing.F) {
	for _, c := range []string{"/bin/sh /etc/rc", "sleep 100 &", "echo $name > /tmp/x", "  ", "a\tb", "x &&", "'quoted word'"} {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseCommand(s)
		if strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '&' }) == "" {
			return // nothing to run: ParseCommands drops it
		}
		if len(c.Argv) == 0 {
			t.Fatalf("%q: no argv", s)
		}
		if c.Argv[0] == "/bin/sh" && len(c.Argv) == 3 && c.Argv[1] == "-c" {
			return
		}
		if strings.Join(c.Argv, "") != strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(s), "&")), "") {
			t.Fatalf("%q: argv %q is not its words", s, c.Argv)
		}
	})
}

// FuzzAmount: an rctl amount is refused or positive.
func FuzzAmount(f *testing.F) {
	for _, v := range []string{"512m", "1G", "4kb", "0", "-1", "99999999999999t", "1e3"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if n, err := ParseAmount(v); err == nil && n <= 0 {
			t.Fatalf("ParseAmount(%q) = %d", v, n)
		}
	})
}
