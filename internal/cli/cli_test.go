package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const seedConf = "../../examples/seed/jail.conf"

// run runs vjail in-process and returns its exit status and output.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func writeConf(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "jail.conf")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigCheckSeed(t *testing.T) {
	code, out, errOut := run(t, "", "config", "check", "-f", seedConf)
	if code != 0 || out != "" {
		t.Errorf("config check seed = %d, stdout %q; want 0 and nothing", code, out)
	}
	// devfs_ruleset is honoured differently on Linux: said, not hidden.
	if want := "jail.conf:12:1: note: jail \"serverA\": parameter \"devfs_ruleset\""; !strings.Contains(errOut, want) {
		t.Errorf("config check seed stderr = %q, want it to contain %q", errOut, want)
	}
	code, out, _ = run(t, "", "-v", "config", "check", "-f", seedConf)
	if code != 0 || !strings.Contains(out, "1 jail, valid") {
		t.Errorf("config check -v = %d, %q", code, out)
	}
}

func TestConfigCheckErrors(t *testing.T) {
	conf := writeConf(t, "a {\n\tpath = /x\n\tvnet.intreface = em1;\n\tp = \"$nope\";\n}\nb {\n")
	code, out, errOut := run(t, "", "config", "check", "-f", conf)
	want := []string{
		conf + ":2:11: missing \";\" after \"path\"",
		conf + ":3:2: unknown parameter \"vnet.intreface\" (did you mean \"vnet.interface\"?)",
		conf + ":4:2: unknown parameter \"p\" (`vjail config params` lists the known ones)",
		conf + ":4:7: jail \"a\": p: variable \"nope\" not found: define it ($nope = ...;) or set that parameter",
		conf + ":6:1: jail \"b\": path is not set: a jail needs a root directory (path = /jails/b;)",
		conf + ":7:1: unexpected end of file: missing \"}\" to close jail block \"b\" opened at 6:1",
	}
	if code != 1 || out != "" {
		t.Errorf("config check = %d, stdout %q; want 1 and nothing", code, out)
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(errOut), "\n")); diff != "" {
		t.Errorf("config check stderr (-want +got):\n%s", diff)
	}
}

// TestConfigCheckRunProblems: what would stop start is reported by config
// check where it is written, while config show still shows the jail.
func TestConfigCheckRunProblems(t *testing.T) {
	conf := writeConf(t, "a {\n\tpath = /jails/a;\n\trctl.memoryuse = lots;\n\tvnet.defaultrouter = nowhere;\n}\n")
	code, _, errOut := run(t, "", "config", "check", "-f", conf)
	want := []string{
		conf + `:3:2: jail "a": rctl.memoryuse: "lots" is not an amount (a positive number with k, m, g or t)`,
		conf + `:4:2: jail "a": vnet.defaultrouter "nowhere": not an IPv4 or IPv6 address`,
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSpace(errOut), "\n")); code != 1 || diff != "" {
		t.Errorf("config check = %d (-want +got):\n%s", code, diff)
	}
	if code, out, _ := run(t, "", "config", "show", "-f", conf); code != 0 || !strings.Contains(out, "rctl.memoryuse") {
		t.Errorf("config show = %d: %q", code, out)
	}
	boot := writeConf(t, "b {\n\tpath = /jails/b;\n\texec.start = \"/sbin/init\";\n}\n")
	if code, _, errOut := run(t, "", "config", "check", "-f", boot); code != 0 || errOut != boot+`:3:2: warning: jail "b": exec.start boots the jail's own init, which wants /dev/null and a console: add mount.devfs`+"\n" {
		t.Errorf("config check of a boot jail without devfs = %d: %q", code, errOut)
	}
}

func TestConfigCheckStrict(t *testing.T) {
	conf := writeConf(t, "a { path = /jails/a; securelevel = 3; }\n")
	if code, _, errOut := run(t, "", "config", "check", "-f", conf); code != 0 || !strings.Contains(errOut, "warning: jail \"a\": parameter \"securelevel\" is not honoured on Linux") {
		t.Errorf("config check = %d, %q; want 0 and a warning", code, errOut)
	}
	if code, _, _ := run(t, "", "config", "check", "--strict", "-f", conf); code != 1 {
		t.Errorf("config check --strict = %d, want 1", code)
	}
}

func TestConfigShowJSON(t *testing.T) {
	code, out, errOut := run(t, "", "config", "show", "-f", seedConf, "--json", "serverA")
	if code != 0 || errOut != "" {
		t.Fatalf("config show --json = %d, stderr %q", code, errOut)
	}
	var got struct {
		Jails []struct {
			Name   string              `json:"name"`
			Params map[string][]string `json:"params"`
		} `json:"jails"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	if len(got.Jails) != 1 || got.Jails[0].Name != "serverA" {
		t.Fatalf("jails = %+v, want serverA", got.Jails)
	}
	p := got.Jails[0].Params
	checks := map[string][]string{
		"path":       {"/jails/serverA"},
		"vnet":       {},
		"exec.start": {"/bin/sh /etc/rc"},
		"exec.stop":  {""},
	}
	for name, want := range checks {
		if diff := cmp.Diff(want, p[name]); diff != "" {
			t.Errorf("params[%q] (-want +got):\n%s", name, diff)
		}
	}
	if _, ok := p["name"]; ok {
		t.Errorf("params has the implicit name: %v", p)
	}
	// Order follows jail(8): host.hostname first, vnet last.
	if i, j := strings.Index(out, `"host.hostname"`), strings.Index(out, `"vnet"`); i < 0 || j < i {
		t.Errorf("parameter order in %s: host.hostname should come before vnet", out)
	}
}

// TestConfigShowReparses checks that the text form is jail.conf that
// resolves to the same jails (read back through standard input).
func TestConfigShowReparses(t *testing.T) {
	conf := writeConf(t, `$r = "/j"; path = "$r/$name"; a { ip4.addr = 1.2.3.4, "5.6.7.8"; allow.nomount; } "b.*" { persist; } b.c { exec.start = "echo \"hi\" $$"; }`)
	code, text, errOut := run(t, "", "config", "show", "-f", conf)
	if code != 0 {
		t.Fatalf("config show = %d, %q", code, errOut)
	}
	_, json1, _ := run(t, "", "config", "show", "-f", conf, "--json")
	code, json2, errOut := run(t, text, "config", "show", "-f", "-", "--json")
	if code != 0 {
		t.Fatalf("config show of the shown text = %d, %q\ntext:\n%s", code, errOut, text)
	}
	if json1 != json2 {
		t.Errorf("shown text resolves differently:\n%s\nwant\n%s\ntext:\n%s", json2, json1, text)
	}
}

func TestConfigShowSelect(t *testing.T) {
	conf := writeConf(t, "a { } web.1 { } web.2 { }\n")
	_, out, _ := run(t, "", "config", "show", "-f", conf, "web.*")
	if got, want := out, "web.1 {\n}\n\nweb.2 {\n}\n"; got != want {
		t.Errorf("config show web.* = %q, want %q", got, want)
	}
	code, _, errOut := run(t, "", "config", "show", "-f", conf, "nope")
	if code != 1 || !strings.Contains(errOut, `jail "nope": not found in the configuration`) {
		t.Errorf("config show nope = %d, %q", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, errOut := run(t, "", "config", "check", "--bogus"); code != 2 || !strings.Contains(errOut, "unknown flag") {
		t.Errorf("config check --bogus = %d, %q; want 2", code, errOut)
	}
	if code, _, _ := run(t, "", "config", "check", "extra"); code != 2 {
		t.Errorf("config check extra = %d, want 2", code)
	}
	if code, _, errOut := run(t, "", "config", "check", "-f", "/nonexistent/jail.conf"); code != 1 || !strings.Contains(errOut, "/nonexistent/jail.conf: cannot read configuration: no such file or directory") {
		t.Errorf("config check of a missing file = %d, %q", code, errOut)
	}
}

func TestConfigParams(t *testing.T) {
	code, out, _ := run(t, "", "config", "params", "--json")
	if code != 0 {
		t.Fatal(code)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	byName := map[string]map[string]any{}
	for _, r := range rows {
		byName[r["name"].(string)] = r
	}
	for name, want := range map[string]string{"vnet": "mapped", "securelevel": "unsupported", "exec.start": "native"} {
		if got := byName[name]["support"]; got != want {
			t.Errorf("params[%q].support = %v, want %q", name, got, want)
		}
	}
	if _, out, _ := run(t, "", "config", "params"); !strings.HasPrefix(out, "NAME ") || !strings.Contains(out, "vnet.interface") {
		t.Errorf("config params table = %q", out[:min(len(out), 200)])
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := run(t, "", "version"); code != 0 || !strings.HasPrefix(out, "vjail "+Version) {
		t.Errorf("version = %d, %q", code, out)
	}
}

// TestREADMEParams keeps the README's parameter reference equal to what
// `vjail config params --markdown` prints. Run with VJAIL_UPDATE_README=1
// to rewrite it.
func TestREADMEParams(t *testing.T) {
	const begin, end = "<!-- params:begin -->\n", "<!-- params:end -->"
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the %q ... %q markers", begin, end)
	}
	_, table, _ := run(t, "", "config", "params", "--markdown")
	if got := s[i+len(begin) : j]; got != table {
		if os.Getenv("VJAIL_UPDATE_README") != "" {
			s = s[:i+len(begin)] + table + s[j:]
			if err := os.WriteFile("../../README.md", []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("README.md's parameter table is stale: run VJAIL_UPDATE_README=1 go test ./internal/cli -run TestREADMEParams")
	}
}

func TestServiceInstall(t *testing.T) {
	root := t.TempDir()
	if code, out, errOut := run(t, "", "service", "install", "--root", root, "--binary", "/usr/local/sbin/vjail"); code != 0 {
		t.Fatalf("service install = %d: %s%s", code, out, errOut)
	}
	unit, err := os.ReadFile(filepath.Join(root, "etc/systemd/system/vjail.service"))
	if err != nil || !strings.Contains(string(unit), "ExecStart=/usr/local/sbin/vjail start\n") || !strings.Contains(string(unit), "ExecStop=/usr/local/sbin/vjail stop\n") || !strings.Contains(string(unit), "WantedBy=multi-user.target") {
		t.Errorf("unit: %v\n%s", err, unit)
	}
	if target, err := os.Readlink(filepath.Join(root, "etc/systemd/system/multi-user.target.wants/vjail.service")); err != nil || target != "../vjail.service" {
		t.Errorf("enabled: %q, %v", target, err)
	}
	if code, _, _ := run(t, "", "service", "uninstall", "--root", root); code != 0 {
		t.Fatal("service uninstall failed")
	}
	if _, err := os.Stat(filepath.Join(root, "etc/systemd/system/vjail.service")); err == nil {
		t.Error("the unit is still there")
	}
}

func TestMan(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := run(t, "", "man", "--dir", dir); code != 0 {
		t.Fatalf("man = %d: %s", code, errOut)
	}
	page, err := os.ReadFile(filepath.Join(dir, "vjail-start.8"))
	if err != nil || !strings.Contains(string(page), "jail_enable") {
		t.Errorf("vjail-start.8: %v\n%.300s", err, page)
	}
	if _, err := os.Stat(filepath.Join(dir, "vjail.8")); err != nil {
		t.Error(err)
	}
	conf, err := os.ReadFile(filepath.Join(dir, "vjail-jail.conf.5"))
	for _, want := range []string{".SH EXTENSIONS\n", ".B vnet.bridge\n", ".B allow.unprivileged_proc_debug\npartial: ", ".B allow.chflags\nunsupported: ", ".TH \"VJAIL\\-JAIL.CONF\" \"5\""} {
		if err != nil || !strings.Contains(string(conf), want) {
			t.Errorf("vjail-jail.conf.5 lacks %q: %v\n%.400s", want, err, conf)
		}
	}
	if strings.Contains(string(conf), "\n.B depend\n") {
		t.Error("vjail-jail.conf.5 lists depend, which Linux honours natively")
	}
}

// TestPlainStart: only a plain `start NAME` command line, with global
// flags as cobra reads them, starts an early init before cobra runs.
func TestPlainStart(t *testing.T) {
	for _, c := range []struct {
		args           []string
		stateDir, name string
		ok             bool
	}{
		{[]string{"start", "web"}, "", "web", true},
		{[]string{"-f", "jail.conf", "start", "-q", "web", "db"}, "", "web", true},
		{[]string{"--state-dir", "/tmp/st", "-v", "start", "web"}, "/tmp/st", "web", true},
		{[]string{"--state-dir=/tmp/st", "--file=x", "start", "web"}, "/tmp/st", "web", true},
		{[]string{"start"}, "", "", false},
		{[]string{"stop", "web"}, "", "", false},
		{[]string{"start", "--help", "web"}, "", "", false},
		{[]string{"-fjail.conf", "start", "web"}, "", "", false},
		{[]string{"start", "web", "--state-dir"}, "", "", false},
		{[]string{"exec", "start", "web"}, "", "", false},
	} {
		stateDir, name, ok := plainStart(c.args)
		if stateDir != c.stateDir || name != c.name || ok != c.ok {
			t.Errorf("plainStart(%q) = %q, %q, %v; want %q, %q, %v", c.args, stateDir, name, ok, c.stateDir, c.name, c.ok)
		}
	}
}
