package jail

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/state"
)

// resolveConf resolves src as the file jail.conf. It fails the test on
// any diagnostic unless diagsOK.
func resolveConf(t *testing.T, src string, diagsOK bool) []*jailconf.Jail {
	t.Helper()
	cfg, diags := jailconf.Loader{ReadFile: func(string) ([]byte, error) { return []byte(src), nil }}.LoadFile("jail.conf")
	jails, rd := cfg.Resolve()
	diags = append(diags, rd...)
	if len(diags) > 0 && !diagsOK {
		t.Fatalf("resolve %q: %v", src, diags)
	}
	if len(jails) == 0 {
		t.Fatalf("resolve %q: no jails", src)
	}
	return jails
}

// specFor resolves src and returns NewSpec of its first jail.
func specFor(t *testing.T, src string) (*Spec, error) {
	t.Helper()
	return NewSpec(resolveConf(t, src, false)[0])
}

// mustSpec is specFor for a configuration that must be valid.
func mustSpec(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := specFor(t, src)
	if err != nil {
		t.Fatalf("NewSpec(%q) = %v, want no error", src, err)
	}
	return s
}

// checkInvalid checks that err is an ErrInvalid naming every want.
func checkInvalid(t *testing.T, src string, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("NewSpec(%q) = no error, want an error containing %q", src, want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("NewSpec(%q) = %v, want an error wrapping ErrInvalid", src, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("NewSpec(%q) = %q, want it to contain %q", src, err, w)
		}
	}
}

func TestNewSpecPath(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    string
		wantErr string
	}{
		{"plain", "a { path = /jails/a; }", "/jails/a", ""},
		{"cleaned", `a { path = "/jails//x/../a/"; }`, "/jails/a", ""},
		{"from global", "path = /jails/$name; a { }", "/jails/a", ""},
		{"missing", "a { persist; }", "", "path is not set: a jail needs a root directory (path = /jails/a;)"},
		{"relative", "a { path = jails/a; }", "", "path jails/a: not an absolute pathname"},
		{"dot relative", "a { path = ./a; }", "", "path ./a: not an absolute pathname"},
		{"root", "a { path = /; }", "", "path /: vjail does not run a jail on the host's own root"},
		{"root in disguise", "a { path = /jails/..; }", "", "vjail does not run a jail on the host's own root"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := specFor(t, tc.src)
			if tc.wantErr != "" {
				checkInvalid(t, tc.src, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("NewSpec(%q) = %v, want no error", tc.src, err)
			}
			if s.Path != tc.want {
				t.Errorf("NewSpec(%q).Path = %q, want %q", tc.src, s.Path, tc.want)
			}
		})
	}
}

func TestNewSpecVNet(t *testing.T) {
	tests := []struct {
		decl string
		want bool
	}{
		{"", false},
		{"vnet;", true},
		{"vnet = new;", true},
		{"novnet;", false},
		{"vnet = inherit;", false},
		{"vnet; novnet;", false}, // the last definition wins
		{"novnet; vnet;", true},
	}
	for _, tc := range tests {
		src := "a { path = /jails/a; " + tc.decl + " }"
		if got := mustSpec(t, src).VNet; got != tc.want {
			t.Errorf("NewSpec(%q).VNet = %v, want %v", src, got, tc.want)
		}
	}
}

func TestNewSpecBools(t *testing.T) {
	fields := map[string]func(*Spec) bool{
		"persist":               func(s *Spec) bool { return s.Persist },
		"exec.clean":            func(s *Spec) bool { return s.Clean },
		"exec.system_jail_user": func(s *Spec) bool { return s.SystemJailUser },
		"mount.devfs":           func(s *Spec) bool { return s.MountDevfs },
		"mount.fdescfs":         func(s *Spec) bool { return s.MountFdescfs },
		"mount.procfs":          func(s *Spec) bool { return s.MountProcfs },
	}
	tests := []struct {
		param string
		decl  string
		want  bool
	}{
		{"persist", "", false},
		{"persist", "persist;", true},
		{"persist", "nopersist;", false},
		{"persist", "persist = 0;", false},
		{"persist", "persist = true;", true},
		{"persist", "persist = false;", false},
		{"persist", "persist = 1;", true},
		{"exec.clean", "exec.clean;", true},
		{"exec.clean", "exec.noclean;", false},
		{"exec.clean", "", false},
		{"exec.system_jail_user", "exec.system_jail_user;", true},
		{"mount.devfs", "mount.devfs;", true},
		{"mount.devfs", "mount.nodevfs;", false},
		{"mount.fdescfs", "mount.fdescfs;", true},
		{"mount.procfs", "mount.procfs;", true},
		{"mount.procfs", "", false},
	}
	for _, tc := range tests {
		src := "a { path = /jails/a; " + tc.decl + " }"
		if got := fields[tc.param](mustSpec(t, src)); got != tc.want {
			t.Errorf("NewSpec(%q): %s = %v, want %v", src, tc.param, got, tc.want)
		}
	}
}

func TestNewSpecExec(t *testing.T) {
	src := `a {
		path = /jails/a;
		exec.prepare = "zfs clone x y";
		exec.prestart = "echo $name >/tmp/log", "logger prestart";
		exec.created = "/usr/local/bin/created";
		exec.start = "/bin/sh /etc/rc";
		exec.start += "sleep 100 &";
		exec.poststart = "";
		exec.prestop = "logger prestop";
		exec.stop = "/bin/sh /etc/rc.shutdown jail";
		exec.poststop = 'rm -f /tmp/$JNAME';
		exec.release = "zfs destroy y";
		command = /bin/sleep, 60;
	}`
	s := mustSpec(t, src)
	plain := func(text string, argv ...string) Command { return Command{Argv: argv, Text: text} }
	shell := func(text string) Command { return Command{Argv: []string{"/bin/sh", "-c", text}, Text: text} }
	got := map[string][]Command{
		"exec.prepare": s.Prepare, "exec.prestart": s.Prestart, "exec.created": s.Created,
		"exec.start": s.Start, "exec.poststart": s.Poststart, "exec.prestop": s.Prestop,
		"exec.stop": s.Stop, "exec.poststop": s.Poststop, "exec.release": s.Release,
	}
	want := map[string][]Command{
		"exec.prepare":  {plain("zfs clone x y", "zfs", "clone", "x", "y")},
		"exec.prestart": {shell("echo a >/tmp/log"), plain("logger prestart", "logger", "prestart")},
		"exec.created":  {plain("/usr/local/bin/created", "/usr/local/bin/created")},
		"exec.start": {
			plain("/bin/sh /etc/rc", "/bin/sh", "/etc/rc"),
			{Argv: []string{"sleep", "100"}, Background: true, Text: "sleep 100 &"},
		},
		"exec.poststart": nil,
		"exec.prestop":   {plain("logger prestop", "logger", "prestop")},
		"exec.stop":      {plain("/bin/sh /etc/rc.shutdown jail", "/bin/sh", "/etc/rc.shutdown", "jail")},
		"exec.poststop":  {shell("rm -f /tmp/$JNAME")},
		"exec.release":   {plain("zfs destroy y", "zfs", "destroy", "y")},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("NewSpec(%q) exec.* commands differ (-want +got):\n%s", src, diff)
	}
	if want := []string{"/bin/sleep", "60"}; !cmp.Equal(s.Command, want) {
		t.Errorf("NewSpec(%q).Command = %q, want %q", src, s.Command, want)
	}
}

func TestNewSpecTimeouts(t *testing.T) {
	tests := []struct {
		decl     string
		wantStop time.Duration
		wantExec time.Duration
		wantErr  string
	}{
		{"", DefaultStopTimeout, 0, ""},
		{"stop.timeout = 0;", 0, 0, ""},
		{"stop.timeout = 30;", 30 * time.Second, 0, ""},
		{`stop.timeout = " 5 ";`, 5 * time.Second, 0, ""},
		{"stop.timeout = 1, 2;", 2 * time.Second, 0, ""}, // a string parameter: the last value
		{"exec.timeout = 60;", DefaultStopTimeout, time.Minute, ""},
		{"exec.timeout = 0;", DefaultStopTimeout, 0, ""},
		{"stop.timeout = abc;", 0, 0, `stop.timeout: "abc" is not a number of seconds`},
		{"stop.timeout = -1;", 0, 0, `stop.timeout: "-1" is not a number of seconds`},
		{"stop.timeout = 1.5;", 0, 0, `stop.timeout: "1.5" is not a number of seconds`},
		{"stop.timeout = 10s;", 0, 0, `stop.timeout: "10s" is not a number of seconds`},
		{"exec.timeout = soon;", 0, 0, `exec.timeout: "soon" is not a number of seconds`},
	}
	for _, tc := range tests {
		src := "a { path = /jails/a; " + tc.decl + " }"
		s, err := specFor(t, src)
		if tc.wantErr != "" {
			checkInvalid(t, src, err, tc.wantErr)
			continue
		}
		if err != nil {
			t.Errorf("NewSpec(%q) = %v, want no error", src, err)
			continue
		}
		if s.StopTimeout != tc.wantStop || s.ExecTimeout != tc.wantExec {
			t.Errorf("NewSpec(%q): StopTimeout, ExecTimeout = %v, %v, want %v, %v", src, s.StopTimeout, s.ExecTimeout, tc.wantStop, tc.wantExec)
		}
	}
}

func TestNewSpecNetwork(t *testing.T) {
	const noVNetAddr = "ip4.addr/ip6.addr on a jail without vnet cannot be honoured on " + PlatformName + " yet: use vnet"
	tests := []struct {
		name    string
		decl    string
		want4   []string
		want6   []string
		wantIf  []string
		wantErr string
	}{
		{"no network", "", nil, nil, nil, ""},
		{"ip4 without vnet", "ip4.addr = 192.0.2.1;", nil, nil, nil, noVNetAddr},
		{"ip6 without vnet", "ip6.addr = 2001:db8::1;", nil, nil, nil, noVNetAddr},
		{"ip4 with novnet", "novnet; ip4.addr = 192.0.2.1;", nil, nil, nil, noVNetAddr},
		{"ip4 with vnet inherit", "vnet = inherit; ip4.addr = 192.0.2.1;", nil, nil, nil, noVNetAddr},
		{"addresses with vnet", "vnet; ip4.addr = 192.0.2.1, 192.0.2.2; ip6.addr = 2001:db8::1;",
			[]string{"192.0.2.1", "192.0.2.2"}, []string{"2001:db8::1"}, nil, ""},
		{"interface without vnet", "vnet.interface = e0b_a;", nil, nil, nil, "vnet.interface needs vnet: add `vnet;` to the jail"},
		{"interface with novnet", "novnet; vnet.interface = e0b_a;", nil, nil, nil, "vnet.interface needs vnet"},
		{"interfaces with vnet", "vnet; vnet.interface = e0b_a, e1b_a;", nil, nil, []string{"e0b_a", "e1b_a"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := "a { path = /jails/a; " + tc.decl + " }"
			s, err := specFor(t, src)
			if tc.wantErr != "" {
				checkInvalid(t, src, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("NewSpec(%q) = %v, want no error", src, err)
			}
			got := [][]string{s.IPv4Addrs, s.IPv6Addrs, s.VNetInterfaces}
			want := [][]string{tc.want4, tc.want6, tc.wantIf}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("NewSpec(%q): [IPv4Addrs IPv6Addrs VNetInterfaces] = %q, want %q", src, got, want)
			}
		})
	}
}

func TestNewSpecIdentity(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantName  string
		wantBlock string
		wantJID   int
		wantErr   string
	}{
		{"block name", "web { path = /jails/web; }", "web", "web", 0, ""},
		{"jid", "web { path = /jails/web; jid = 5; }", "web", "web", 5, ""},
		{"jid spaces", `web { path = /jails/web; jid = " 7"; }`, "web", "web", 7, ""},
		{"numeric block with name", "10 { name = web; path = /jails/web; }", "web", "10", 10, ""},
		{"numeric block alone", "10 { path = /jails/10; }", "10", "10", 10, ""},
		{"jid zero", "web { path = /jails/web; jid = 0; }", "", "", 0, `jid: "0" is not a positive number`},
		{"jid negative", "web { path = /jails/web; jid = -3; }", "", "", 0, `jid: "-3" is not a positive number`},
		{"jid text", "web { path = /jails/web; jid = abc; }", "", "", 0, `jid: "abc" is not a positive number`},
		{"bad name", `10 { path = /jails/web; name = "we b"; }`, "", "", 0, `jail name "we b": only letters, digits`},
		{"dotdot name", `10 { path = /jails/web; name = "a..b"; }`, "", "", 0, `must not start with '.' or '-' or contain ".."`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := specFor(t, tc.src)
			if tc.wantErr != "" {
				checkInvalid(t, tc.src, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatalf("NewSpec(%q) = %v, want no error", tc.src, err)
			}
			if s.Name != tc.wantName || s.Block != tc.wantBlock || s.JID != tc.wantJID {
				t.Errorf("NewSpec(%q): Name, Block, JID = %q, %q, %d, want %q, %q, %d",
					tc.src, s.Name, s.Block, s.JID, tc.wantName, tc.wantBlock, tc.wantJID)
			}
		})
	}
}

func TestNewSpecAllow(t *testing.T) {
	tests := []struct {
		decl string
		want map[string]bool
	}{
		{"", map[string]bool{}},
		{"allow.nomount;", map[string]bool{"allow.mount": false}},
		{"allow.mount;", map[string]bool{"allow.mount": true}},
		{"allow.mount; allow.nomount;", map[string]bool{"allow.mount": false}},
		{"allow.nomount; allow.mount = 1;", map[string]bool{"allow.mount": true}},
		{"allow.mount = 0;", map[string]bool{"allow.mount": false}},
		{
			"allow.raw_sockets; allow.noset_hostname; allow.sysvipc = true; allow.chflags = false; allow.mount.nodevfs; allow.mount.tmpfs; persist; mount.devfs;",
			map[string]bool{
				"allow.raw_sockets": true, "allow.set_hostname": false, "allow.sysvipc": true,
				"allow.chflags": false, "allow.mount.devfs": false, "allow.mount.tmpfs": true,
			},
		},
	}
	for _, tc := range tests {
		src := "a { path = /jails/a; " + tc.decl + " }"
		got := mustSpec(t, src).Allow
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("NewSpec(%q).Allow = %v, want %v (-want +got):\n%s", src, got, tc.want, diff)
		}
	}
}

func TestNewSpecStrings(t *testing.T) {
	src := `a {
		path = /jails/a;
		host.hostname = a.example.org;
		host.domainname = example.org;
		exec.jail_user = www;
		exec.system_user = operator;
		exec.consolelog = /var/log/jail_a.log;
		exec.fib = 1;
		devfs_ruleset = 5;
		enforce_statfs = 1;
		depend = b, c;
	}`
	s := mustSpec(t, src)
	got := []any{s.Hostname, s.Domain, s.JailUser, s.SystemUser, s.ConsoleLog, s.ExecFib, s.DevfsRuleset, s.EnforceStatfs, s.Depend}
	want := []any{"a.example.org", "example.org", "www", "operator", "/var/log/jail_a.log", "1", "5", "1", []string{"b", "c"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewSpec(%q) = %q, want %q (-want +got):\n%s", src, got, want, diff)
	}

	// Unset, they are empty: commands run as the caller and as root.
	s = mustSpec(t, "a { path = /jails/a; }")
	if s.JailUser != "" || s.SystemUser != "" || s.Depend != nil {
		t.Errorf("NewSpec(bare): JailUser, SystemUser, Depend = %q, %q, %q, want empty", s.JailUser, s.SystemUser, s.Depend)
	}
}

func TestNewSpecMounts(t *testing.T) {
	src := `a {
		path = /jails/a;
		mount = "/usr/ports /jails/a/usr/ports nullfs ro 0 0", "tmpfs /jails/a/tmp tmpfs rw,size=64m,mode=1777";
		mount += "";
		mount += "proc	/jails/a/proc  procfs";
	}`
	want := []Mount{
		{Source: "/usr/ports", Target: "/jails/a/usr/ports", Type: "nullfs", Options: []string{"ro"}, Line: "/usr/ports /jails/a/usr/ports nullfs ro 0 0"},
		{Source: "tmpfs", Target: "/jails/a/tmp", Type: "tmpfs", Options: []string{"rw", "size=64m", "mode=1777"}, Line: "tmpfs /jails/a/tmp tmpfs rw,size=64m,mode=1777"},
		{Source: "proc", Target: "/jails/a/proc", Type: "procfs", Line: "proc\t/jails/a/proc  procfs"},
	}
	got := mustSpec(t, src).Mounts
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewSpec(%q).Mounts differ (-want +got):\n%s", src, diff)
	}

	bad := `a { path = /jails/a; mount = "/src /jails/a/src"; }`
	_, err := specFor(t, bad)
	checkInvalid(t, bad, err, `mount: "/src /jails/a/src": an fstab line is SOURCE TARGET TYPE`)
}

func TestNewSpecFailedJail(t *testing.T) {
	src := `a { path = "/jails/${nosuch}"; }`
	j := resolveConf(t, src, true)[0]
	if !j.Failed {
		t.Fatalf("resolve %q: Failed = false, want true", src)
	}
	s, err := NewSpec(j)
	if s != nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("NewSpec(%q) = %v, %v, want nil and an error wrapping ErrInvalid", src, s, err)
	}
	if err != nil && !strings.Contains(err.Error(), "jail a") {
		t.Errorf("NewSpec(%q) = %q, want it to name jail a", src, err)
	}
}

// TestNewSpecErrorsCollected: every problem of a jail is reported at once.
func TestNewSpecErrorsCollected(t *testing.T) {
	src := "web { jid = x; stop.timeout = y; ip4.addr = 192.0.2.1; }"
	_, err := specFor(t, src)
	checkInvalid(t, src, err, "jail web: ", `jid: "x"`, "path is not set", `stop.timeout: "y"`, "ip4.addr/ip6.addr on a jail without vnet")
}

func TestValidName(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
	}{
		{"web", ""},
		{"Web-1_x.y", ""},
		{"10", ""},
		{"a.b.c", ""},
		{"a.", ""},
		{strings.Repeat("a", 200), ""},
		{"", "must be 1 to 200 characters"},
		{strings.Repeat("a", 201), "must be 1 to 200 characters"},
		{"a b", "only letters, digits, '.', '_' and '-' can name a jail"},
		{"a/b", "only letters, digits"},
		{"a:b", "only letters, digits"},
		{"café", "only letters, digits"},
		{"a\x00", "only letters, digits"},
		{".hidden", "must not start with '.' or '-'"},
		{"-v", "must not start with '.' or '-'"},
		{"a..b", `contain ".."`},
		{"..", "must not start"},
	}
	for _, tc := range tests {
		err := ValidName(tc.name)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("ValidName(%q) = %v, want nil", tc.name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("ValidName(%q) = %v, want an error containing %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestParseFstabLine(t *testing.T) {
	tests := []struct {
		line    string
		want    *Mount
		wantErr bool
	}{
		{"", nil, false},
		{"   \t", nil, false},
		{"# a comment", nil, false},
		{"  #/a /b nullfs", nil, false},
		{"tmpfs /jails/a/tmp tmpfs", &Mount{Source: "tmpfs", Target: "/jails/a/tmp", Type: "tmpfs"}, false},
		{"tmpfs /jails/a/tmp tmpfs rw,size=1m", &Mount{Source: "tmpfs", Target: "/jails/a/tmp", Type: "tmpfs", Options: []string{"rw", "size=1m"}}, false},
		{"  /src\t/jails/a/src  nullfs ro 0 0 ", &Mount{Source: "/src", Target: "/jails/a/src", Type: "nullfs", Options: []string{"ro"}}, false},
		{"/src /jails/a/src nullfs ro 0", &Mount{Source: "/src", Target: "/jails/a/src", Type: "nullfs", Options: []string{"ro"}}, false},
		{"/src /jails/a/src", nil, true},
		{"/src", nil, true},
		{"/src /jails/a/src nullfs ro 0 0 extra", nil, true},
	}
	for _, tc := range tests {
		got, err := ParseFstabLine(tc.line)
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), "an fstab line is SOURCE TARGET TYPE [OPTIONS [DUMP [PASS]]]") {
				t.Errorf("ParseFstabLine(%q) = %+v, %v, want an fstab format error", tc.line, got, err)
			}
			continue
		}
		if tc.want != nil {
			tc.want.Line = tc.line
		}
		if err != nil || !cmp.Equal(got, tc.want) {
			t.Errorf("ParseFstabLine(%q) = %+v, %v, want %+v, nil", tc.line, got, err, tc.want)
		}
	}
}

// TestParseFstabLineEscapes: fstab(5) writes a blank in a path as \040
// (and a tab as \011); jail(8) decodes the source and target of mount
// lines with strunvis (command.c run_command, IP_MOUNT).
func TestParseFstabLineEscapes(t *testing.T) {
	line := `/host/My\040Docs /jails/a/my\011docs nullfs ro`
	want := &Mount{Source: "/host/My Docs", Target: "/jails/a/my\tdocs", Type: "nullfs", Options: []string{"ro"}, Line: line}
	got, err := ParseFstabLine(line)
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ParseFstabLine(%q) = %+v, %v, want %+v, nil", line, got, err, want)
	}
}

// recordOf is the record that Manager.allocate writes for s.
func recordOf(s *Spec) *state.Record {
	rec := &state.Record{Name: s.Name, Block: s.Block, JID: 3, Path: s.Path}
	for _, p := range s.Params.Params {
		rec.Params = append(rec.Params, state.Param{Name: p.Name, Values: p.Values})
	}
	return rec
}

func TestSpecFromRecord(t *testing.T) {
	srcs := []string{
		`web { path = /jails/web; vnet; vnet.interface = e0b_web; persist; exec.start = "/bin/sh /etc/rc"; exec.stop = "/bin/sh /etc/rc.shutdown"; stop.timeout = 3; allow.nomount; mount.devfs; depend = db; }`,
		`10 { name = web; path = /jails/web; exec.prestop = "logger bye &"; }`,
		`"a.b" { path = /jails/ab; }`,
	}
	// Params keep the positions and Implicit flags of the configuration,
	// which a record does not store.
	ignore := cmpopts.IgnoreFields(Spec{}, "Params")
	for _, src := range srcs {
		want := mustSpec(t, src)
		rec := recordOf(want)
		got, err := SpecFromRecord(rec)
		if err != nil {
			t.Errorf("SpecFromRecord(record of %q) = %v, want no error", src, err)
			continue
		}
		if diff := cmp.Diff(want, got, ignore, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("SpecFromRecord(record of %q) differs from NewSpec (-want +got):\n%s", src, diff)
		}
	}
}

// TestSpecFromRecordFallback: a record whose parameters no longer make a
// valid spec still gives enough to remove the jail.
func TestSpecFromRecordFallback(t *testing.T) {
	tests := []struct {
		name string
		rec  *state.Record
	}{
		{"no params", &state.Record{Name: "web", Path: "/jails/web", JID: 4}},
		{"invalid params", &state.Record{Name: "web", Path: "/jails/web", JID: 4, Params: []state.Param{
			{Name: "name", Values: []string{"web"}},
			{Name: "path", Values: []string{"/jails/web"}},
			{Name: "ip4.addr", Values: []string{"192.0.2.1"}},
		}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SpecFromRecord(tc.rec)
			if err != nil {
				t.Fatalf("SpecFromRecord(%+v) = %v, want no error", tc.rec, err)
			}
			want := &Spec{Block: "web", Name: "web", Path: "/jails/web", StopTimeout: DefaultStopTimeout}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Spec{}, "Params"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SpecFromRecord(%+v) = %+v, want %+v (-want +got):\n%s", tc.rec, got, want, diff)
			}
			if got.Params == nil {
				t.Errorf("SpecFromRecord(%+v).Params = nil, want the record's parameters", tc.rec)
			}
		})
	}
}

// TestSpecFromRecordFallbackBlock: jail(8) names a jail by its block in
// messages ("10: removed"); the fallback spec should keep the record's
// block as the good path does.
func TestSpecFromRecordFallbackBlock(t *testing.T) {
	rec := &state.Record{Name: "web", Block: "10", Path: "/jails/web", JID: 10}
	got, err := SpecFromRecord(rec)
	if err != nil {
		t.Fatalf("SpecFromRecord(%+v) = %v, want no error", rec, err)
	}
	if got.Block != "10" || got.Name != "web" {
		t.Errorf("SpecFromRecord(%+v): Block, Name = %q, %q, want %q, %q", rec, got.Block, got.Name, "10", "web")
	}
}

// TestBootsInit: only exec.start that is an init alone boots the jail's
// own init; anything else stays a command run inside.
func TestBootsInit(t *testing.T) {
	for _, tc := range []struct {
		start string
		want  bool
	}{
		{`"/sbin/init"`, true},
		{`"/sbin/init 3"`, true},
		{`"/lib/systemd/systemd"`, true},
		{`"/sbin/openrc-init"`, true},
		{`"init"`, false},                    // not an absolute path
		{`"/sbin/init &"`, false},            // in the background
		{`"/bin/sh /etc/rc"`, false},         // a command
		{`"/sbin/init; echo booted"`, false}, // a shell line
		{`"/sbin/init", "/bin/sh /etc/rc"`, false},
		{`"/etc/init.d/initialize"`, false},
	} {
		s := mustSpec(t, "a { path = /jails/a; exec.start = "+tc.start+"; }")
		if s.Boot != tc.want {
			t.Errorf("exec.start = %s: Boot = %v, want %v", tc.start, s.Boot, tc.want)
		}
	}
}

// TestNewSpecLimits: rctl.* amounts as rctl(8) writes them, and clear
// errors for what cannot be a limit.
func TestNewSpecLimits(t *testing.T) {
	s := mustSpec(t, `a { path = /jails/a; rctl.memoryuse = 512m; rctl.swapuse = 1G; rctl.maxproc = 100; rctl.pcpu = 250; }`)
	if want := (Limits{Memory: 512 << 20, Swap: 1 << 30, Procs: 100, PCPU: 250}); s.Limits != want {
		t.Errorf("Limits = %+v, want %+v", s.Limits, want)
	}
	for _, tc := range []struct{ src, want string }{
		{`rctl.memoryuse = lots;`, `rctl.memoryuse: "lots" is not an amount`},
		{`rctl.memoryuse = -5m;`, `rctl.memoryuse: "-5m" is not an amount`},
		{`rctl.memoryuse = 99999999999t;`, `is not an amount`},
		{`rctl.maxproc = 0;`, `rctl.maxproc: "0" is not a positive whole number`},
		{`rctl.pcpu = half;`, `rctl.pcpu: "half" is not a positive whole number`},
		{`rctl.swapuse = 1g;`, `rctl.swapuse limits swap beyond rctl.memoryuse: set rctl.memoryuse too`},
	} {
		src := "a { path = /jails/a; " + tc.src + " }"
		_, err := specFor(t, src)
		checkInvalid(t, src, err, tc.want)
	}
	for v, want := range map[string]int64{"1": 1, "4k": 4096, "4KB": 4096, "2g": 2 << 30, "1t": 1 << 40} {
		if got, err := ParseAmount(v); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
}

// TestNewSpecRdr: vnet.rdr targets the jail's static addresses on eth0,
// and without one it is an error that says so.
func TestNewSpecRdr(t *testing.T) {
	s := mustSpec(t, `a { path = /jails/a; vnet; vnet.bridge = br0; vnet.addr = dhcp, 192.0.2.10/24, 2001:db8::10/64; vnet.rdr = "tcp 8080 80", "udp 53"; }`)
	to4, to6 := s.RdrTargets()
	if len(s.VNetRdr) != 2 || to4.String() != "192.0.2.10" || to6.String() != "2001:db8::10" {
		t.Errorf("vnet.rdr %+v to %v, %v", s.VNetRdr, to4, to6)
	}
	src := `a { path = /jails/a; vnet; vnet.bridge = br0; vnet.addr = dhcp; vnet.rdr = "tcp 8080 80"; }`
	_, err := specFor(t, src)
	checkInvalid(t, src, err, "vnet.rdr redirects to the jail's static address on eth0")
}
