package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"
)

// Root tests: real jails on this machine. Each makes its own world (a
// userland, a state directory, unique jail names) and removes it, also
// when it fails; TestMain checks that no cgroup is left.

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test runs real jails and needs root (run ./test.sh as root)")
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Fatal("this test needs busybox-static (apt-get install busybox-static)")
	}
}

// world is one test's jails: a busybox userland, a jail.conf and a state
// directory.
type world struct {
	t     *testing.T
	dir   string // 0700: the jail roots live below it, as they should
	state string
	conf  string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	requireRoot(t)
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, dir: dir, state: filepath.Join(dir, "state"), conf: filepath.Join(dir, "jail.conf")}
	t.Cleanup(func() {
		// Whatever the test left running goes, and must go cleanly.
		code, out, errOut := w.vjail("", "stop")
		if code != 0 {
			t.Errorf("cleanup: vjail stop = %d: %s%s", code, out, errOut)
		}
		if m := mountsUnder(dir); m != "" {
			t.Errorf("cleanup: mounts left on the host: %s", m)
		}
	})
	return w
}

// userland makes a busybox userland at dir/NAME with an /etc/rc that
// reports the hostname, and returns its path.
func (w *world) userland(name string) string {
	w.t.Helper()
	root := filepath.Join(w.dir, name)
	for _, d := range []string{"bin", "etc", "proc", "dev", "tmp", "root", "var/log"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			w.t.Fatal(err)
		}
	}
	copyFile(w.t, "/bin/busybox", filepath.Join(root, "bin/busybox"), 0o755)
	for _, c := range []string{"sh", "ls", "ps", "cat", "echo", "hostname", "id", "sleep", "ip", "true", "false", "login", "env", "kill", "pwd", "ping", "ping6", "httpd", "wget", "readlink"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", c)); err != nil {
			w.t.Fatal(err)
		}
	}
	writeFile(w.t, filepath.Join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nwww:x:80:80:www:/tmp:/bin/sh\n")
	writeFile(w.t, filepath.Join(root, "etc/group"), "root:x:0:\nwww:x:80:\n")
	// /etc/rc starts a long-running "service", as a real one would, so
	// that a jail without persist keeps running.
	writeFile(w.t, filepath.Join(root, "etc/rc"), "#!/bin/sh\necho \"rc: starting $(hostname)\"\nsleep 86400 > /dev/null 2>&1 &\n")
	copyFile(w.t, probeBinary(w.t), filepath.Join(root, "bin/probe"), 0o755)
	return root
}

func (w *world) writeConf(body string) {
	w.t.Helper()
	writeFile(w.t, w.conf, body)
}

// vjail runs vjail in-process against this world's state directory.
func (w *world) vjail(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	all := append([]string{"--state-dir", w.state, "-f", w.conf}, args...)
	code := Main(all, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// mustVjail runs vjail and fails the test unless it exits 0.
func (w *world) mustVjail(args ...string) string {
	w.t.Helper()
	code, out, errOut := w.vjail("", args...)
	if code != 0 {
		w.t.Fatalf("vjail %s = %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

var testPrograms sync.Map // name -> *testProgram

// prebuiltEnv names a directory that holds the static vjail and the
// test programs already built, for a test binary that runs where there
// is no Go toolchain (TestDebianKernel, in a virtual machine).
const prebuiltEnv = "VJAIL_TEST_PREBUILT"

type testProgram struct {
	once sync.Once
	path string
	err  error
}

// probeBinary builds testdata/probe statically, once per test run.
func probeBinary(t *testing.T) string { return testBinary(t, "probe") }

// testBinary builds testdata/NAME statically, once per test run, to be
// copied into jails.
func testBinary(t *testing.T, name string) string {
	if dir := os.Getenv(prebuiltEnv); dir != "" {
		return filepath.Join(dir, name)
	}
	v, _ := testPrograms.LoadOrStore(name, &testProgram{})
	p := v.(*testProgram)
	p.once.Do(func() {
		dir, err := testBuildDir()
		if err != nil {
			p.err = err
			return
		}
		p.path = filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", p.path, "./testdata/"+name)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			p.err = fmt.Errorf("build %s: %v: %s", name, err, out)
		}
	})
	if p.err != nil {
		t.Fatal(p.err)
	}
	return p.path
}

func mountsUnder(dir string) string {
	b, _ := os.ReadFile("/proc/self/mountinfo")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir) {
			out = append(out, f[4])
		}
	}
	return strings.Join(out, " ")
}

// seedConf is the seed talk's jail.conf with the jail's path in this
// world and its console log next to it.
func (w *world) seedConf(extra string) { w.writeConf(w.seedConfText() + extra) }

// seedConfText is the seed's jail.conf with this world's paths.
func (w *world) seedConfText() string {
	seed, err := os.ReadFile(seedConf)
	if err != nil {
		w.t.Fatal(err)
	}
	s := strings.ReplaceAll(string(seed), "/jails/", w.dir+"/")
	return strings.ReplaceAll(s, "/var/log/", w.dir+"/")
}

// listEntry is `vjail list --json` as a script reads it. It repeats
// jail.Status on purpose: the JSON keys are the contract under test, and
// decoding into Status itself would follow a renamed key silently.
type listEntry struct {
	JID       int      `json:"jid"`
	Name      string   `json:"name"`
	Hostname  string   `json:"hostname"`
	Path      string   `json:"path"`
	VNet      bool     `json:"vnet"`
	Addresses []string `json:"addresses"`
	PIDs      int      `json:"pids"`
}

func (w *world) list() []listEntry {
	w.t.Helper()
	var l []listEntry
	if err := json.Unmarshal([]byte(w.mustVjail("list", "--json")), &l); err != nil {
		w.t.Fatal(err)
	}
	return l
}

// TestSeedJail starts the seed's serverA and checks what the issue asks:
// hostname, /etc/rc run inside with its output in the console log, only
// its own processes and only lo, root in the jail unprivileged on the
// host, allow.set_hostname = 0 honoured, and a clean stop.
func TestSeedJail(t *testing.T) {
	w := newWorld(t)
	w.userland("serverA")
	w.seedConf("")
	if out := w.mustVjail("start"); out != "serverA: created\n" {
		t.Errorf("start: stdout %q, want %q", out, "serverA: created\n")
	}
	log, err := os.ReadFile(filepath.Join(w.dir, "jail_serverA_console.log"))
	if err != nil || string(log) != "rc: starting serverA.allbsd.org\n" {
		t.Errorf("console log = %q, %v; want the rc line with the hostname", log, err)
	}

	l := w.list()
	if len(l) != 1 || l[0].Name != "serverA" || l[0].Hostname != "serverA.allbsd.org" || !l[0].VNet ||
		l[0].Path != filepath.Join(w.dir, "serverA") || l[0].JID != 1 || l[0].PIDs != 2 {
		t.Errorf("list = %+v, want serverA, jid 1, its hostname and path, vnet, 2 processes (init and the rc's service)", l)
	}

	out := w.mustVjail("exec", "serverA", "ps", "-o", "pid,comm")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 4 || !strings.HasPrefix(strings.TrimSpace(lines[1]), "1 ") {
		t.Errorf("ps in the jail shows %q, want its init (pid 1), the rc's sleep and ps itself", out)
	}
	out = w.mustVjail("exec", "serverA", "ip", "-o", "link")
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "lo:") || !strings.Contains(out, "UP") {
		t.Errorf("links in the jail = %q, want only lo, up", out)
	}

	// Root in the jail is uid 0x70000000 on the host.
	out = w.mustVjail("exec", "serverA", "sh", "-c", "cat /proc/self/uid_map; echo $$; sleep 30 >/dev/null 2>&1 & echo $!")
	f := strings.Fields(out)
	if len(f) < 5 || f[0] != "0" || f[1] != "1879048192" || f[2] != "65536" {
		t.Errorf("uid_map in the jail = %q, want 0 1879048192 65536", out)
	}
	if hostUID := hostUIDOf(t, w, "sleep 30"); hostUID != "1879048192" {
		t.Errorf("host uid of a process run as root in the jail = %q, want 1879048192", hostUID)
	}

	// A file the host gave a uid outside the jail's range: root in the
	// jail cannot write it.
	unmapped := filepath.Join(w.dir, "serverA", "unmapped")
	writeFile(t, unmapped, "host\n")
	if err := os.Chown(unmapped, 100000, 100000); err != nil {
		t.Fatal(err)
	}
	out = w.mustVjail("exec", "serverA", "/bin/probe", "write-unmapped", "sethostname", "raw-socket", "mount-tmpfs")
	for _, want := range []string{"write-unmapped: denied", "sethostname: denied", "raw-socket: allowed", "mount-tmpfs: allowed"} {
		if !strings.Contains(out, want) {
			t.Errorf("probe in serverA:\n%s\nwant a line %q", out, want)
		}
	}
	if b, _ := os.ReadFile(unmapped); string(b) != "host\n" {
		t.Errorf("host file changed to %q", b)
	}

	// No descriptor of vjail's or of its caller reaches a command.
	if out := w.mustVjail("exec", "serverA", "ls", "/proc/self/fd"); strings.Join(strings.Fields(out), " ") != "0 1 2 3" {
		t.Errorf("descriptors in a command: %q, want 0 1 2 and ls's own 3", out)
	}

	// Files the jail's root creates are root's on the host (idmapped).
	w.mustVjail("exec", "serverA", "sh", "-c", "echo made > /tmp/made")
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(w.dir, "serverA/tmp/made"), &st); err != nil || st.Uid != 0 {
		t.Errorf("file made by the jail's root: uid %d, %v; want 0", st.Uid, err)
	}

	if out := w.mustVjail("stop", "serverA"); out != "serverA: removed\n" {
		t.Errorf("stop: %q", out)
	}
	w.checkNoneLeft("stop")
}

// hostUIDOf finds a process whose command line is cmdline and returns
// its real uid on the host.
func hostUIDOf(t *testing.T, w *world, cmdline string) string {
	t.Helper()
	pids := pgrep(t, cmdline)
	for _, pid := range strings.Fields(pids) {
		b, err := os.ReadFile("/proc/" + pid + "/status")
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "Uid:"); ok {
				return strings.Fields(rest)[0]
			}
		}
	}
	return ""
}

// pgrep lists the host pids of jailed processes whose command line is
// cmdline. Processes in the test's own pid namespace are the host's, not
// a jail's: an administrator's `sleep 60` beside the tests once failed
// TestCgroupV1.
func pgrep(t *testing.T, cmdline string) string {
	own, _ := os.Readlink("/proc/self/ns/pid")
	entries, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || strings.ReplaceAll(strings.TrimRight(string(b), "\x00"), "\x00", " ") != cmdline {
			continue
		}
		if ns, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && ns == own {
			continue
		}
		out = append(out, e.Name())
	}
	return strings.Join(out, " ")
}

// TestAllowFlags checks the restrictions that allow.* lifts.
func TestAllowFlags(t *testing.T) {
	w := newWorld(t)
	root := w.userland("a")
	w.writeConf(fmt.Sprintf("path = %q; persist; vnet;\nlocked { }\nopen { allow.raw_sockets; allow.set_hostname; allow.mount; allow.socket_af; }\n", root))
	w.mustVjail("start")
	out := w.mustVjail("exec", "locked", "/bin/probe", "raw-socket", "sethostname", "mount-tmpfs", "socket-vsock")
	for _, want := range []string{"raw-socket: denied", "sethostname: denied", "mount-tmpfs: denied", "socket-vsock: denied: address family not supported"} {
		if !strings.Contains(out, want) {
			t.Errorf("probe in locked:\n%s\nwant %q", out, want)
		}
	}
	wantOpen := []string{"raw-socket: allowed", "sethostname: allowed", "mount-tmpfs: allowed"}
	// AF_VSOCK where this host has it (the family exists with its
	// module loaded); without it, only the denial above tells.
	if fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM, 0); err == nil {
		unix.Close(fd)
		wantOpen = append(wantOpen, "socket-vsock: allowed")
	}
	out = w.mustVjail("exec", "open", "/bin/probe", "raw-socket", "sethostname", "mount-tmpfs", "socket-vsock")
	for _, want := range wantOpen {
		if !strings.Contains(out, want) {
			t.Errorf("probe in open:\n%s\nwant %q", out, want)
		}
	}
	w.mustVjail("stop")
}

// TestExec checks exit status, users, and stdin passing.
func TestExec(t *testing.T) {
	w := newWorld(t)
	root := w.userland("e")
	w.writeConf(fmt.Sprintf("e { path = %q; persist; }\n", root))
	w.mustVjail("start", "e")
	if code, _, _ := w.vjail("", "exec", "e", "sh", "-c", "exit 7"); code != 7 {
		t.Errorf("exec exit 7 = %d", code)
	}
	if out := w.mustVjail("exec", "-U", "www", "e", "id", "-u"); out != "80\n" {
		t.Errorf("exec -U www id -u = %q", out)
	}
	if out := w.mustVjail("exec", "-l", "-U", "www", "e", "sh", "-c", "pwd; echo $USER $HOME"); out != "/tmp\nwww /tmp\n" {
		t.Errorf("exec -l -U www = %q", out)
	}
	if code, _, errOut := w.vjail("", "exec", "e", "nonexistent"); code == 0 || !strings.Contains(errOut, "not found") {
		t.Errorf("exec of a missing command = %d, %q", code, errOut)
	}
	if code, _, errOut := w.vjail("", "exec", "nojail", "true"); code != 1 || !strings.Contains(errOut, "not running") {
		t.Errorf("exec in a jail that does not run = %d, %q", code, errOut)
	}
	// A jail without vnet shares the host's network stack.
	out := w.mustVjail("exec", "e", "ip", "-o", "link")
	hostLinks, _ := exec.Command("ip", "-o", "link").Output()
	if strings.Count(out, "\n") != strings.Count(string(hostLinks), "\n") {
		t.Errorf("links in a jail without vnet:\n%s\nwant the host's:\n%s", out, hostLinks)
	}
	w.mustVjail("stop", "e")
}

// TestCommands ports FreeBSD's jail_basic_test "commands": exec.prestart
// and exec.poststart output with JID, JNAME and JPATH, exec.prestop output
// exactly, by name.
func TestCommands(t *testing.T) {
	w := newWorld(t)
	root := w.userland("basejail")
	w.writeConf(fmt.Sprintf("exec.prestop = \"echo STOP\";\nexec.prestart = \"echo START\";\nexec.poststart = \"env\";\npersist;\nbasejail {}\npath = %q;\n", root))
	out := w.mustVjail("start", "-q", "basejail")
	for _, want := range []string{"START\n", "JID=1\n", "JNAME=basejail\n", "JPATH=" + root + "\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("start output:\n%s\nwant %q", out, want)
		}
	}
	if strings.Contains(out, "created") {
		t.Errorf("-q still printed created: %q", out)
	}
	if out := w.mustVjail("stop", "-q", "basejail"); out != "STOP\n" {
		t.Errorf("stop -q output = %q, want %q", out, "STOP\n")
	}
}

// TestJidNameSet ports jail_basic_test "jid_name_set".
func TestJidNameSet(t *testing.T) {
	w := newWorld(t)
	root := w.userland("j")
	w.writeConf(fmt.Sprintf("5309 { name = basejail; path = %q; persist; }\n", root))
	if out := w.mustVjail("start", "5309"); !strings.Contains(out, "5309: created") {
		t.Errorf("start 5309 = %q", out)
	}
	if l := w.list(); len(l) != 1 || l[0].JID != 5309 || l[0].Name != "basejail" {
		t.Errorf("list = %+v, want jid 5309 named basejail", l)
	}
	// By JID, as jail -r `jls -j basejail jid` does.
	if out := w.mustVjail("stop", "5309"); out != "5309: removed\n" {
		t.Errorf("stop 5309 = %q", out)
	}

	w.writeConf(fmt.Sprintf("basejail { jid = 5310; path = %q; host.hostname = \"${name}\"; persist; }\n", root))
	w.mustVjail("start", "basejail")
	if l := w.list(); len(l) != 1 || l[0].JID != 5310 || l[0].Hostname != "basejail" {
		t.Errorf("list = %+v, want jid 5310 with hostname basejail", l)
	}
	w.mustVjail("stop", "basejail")
}

// TestLifecycle: already exists, restart, a failing exec.start undoes
// everything, non-persist jails end by themselves, dependencies.
func TestLifecycle(t *testing.T) {
	w := newWorld(t)
	root := w.userland("l")
	w.writeConf(fmt.Sprintf(`path = %q;
a { persist; }
b { persist; depend = a; }
bad { exec.prestart = "echo PRE"; exec.poststop = "echo POST"; exec.start = "false"; persist; }
once { exec.start = "true"; }
skipped { depend = bad; persist; }
`, root))
	w.mustVjail("start", "b")
	if l := w.list(); len(l) != 2 {
		t.Errorf("start b (depends on a): list = %+v, want a and b", l)
	}
	if code, _, errOut := w.vjail("", "start", "a"); code != 1 || !strings.Contains(errOut, "a: already exists") {
		t.Errorf("second start of a = %d, %q", code, errOut)
	}
	if out := w.mustVjail("restart", "a"); out != "a: removed\na: created\n" {
		t.Errorf("restart a = %q", out)
	}
	code, out, errOut := w.vjail("", "start", "skipped")
	if code != 1 || !strings.Contains(errOut, "bad: exec.start: false: failed with exit status 1") ||
		!strings.Contains(errOut, "skipped: skipped (bad failed)") || out != "PRE\nPOST\n" {
		t.Errorf("start skipped (depends on bad) = %d\nstdout %q\nstderr %q", code, out, errOut)
	}
	w.mustVjail("start", "once")
	deadline := time.Now().Add(5 * time.Second)
	for len(w.list()) != 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if l := w.list(); len(l) != 2 {
		t.Errorf("a jail without persist whose exec.start ended should be gone: %+v", l)
	}
	// Stopping a stops b first, which depends on it.
	if out := w.mustVjail("stop", "a"); out != "b: removed\na: removed\n" {
		t.Errorf("stop a = %q, want b removed before a", out)
	}
}

// TestConsole logs in through a pseudo-terminal, as a user at a terminal
// would: vjail console's standard input is the slave of a pty the test
// drives.
func TestConsole(t *testing.T) {
	w := newWorld(t)
	root := w.userland("c")
	w.writeConf(fmt.Sprintf("c { path = %q; persist; mount.devfs; }\n", root))
	w.mustVjail("start", "c")
	c := w.console("c")
	// login(1) flushes what was typed before the shell runs: wait for its
	// prompt, as a user would.
	c.readUntil("# ")
	c.send("tty; echo sum=$((40+2))\n")
	c.readUntil("sum=42")
	if !strings.Contains(c.output(), "/dev/pts/0") {
		t.Errorf("the shell's terminal is not the jail's own devpts: %q", c.output())
	}
	// busybox login(1) does not pass the shell's status on; console
	// returns when the session ends.
	c.send("exit 3\n")
	c.wait()
	w.mustVjail("stop", "c")
}

// consoleSession is `vjail console NAME` run in-process on a pty, the
// test typing on the master side as a user would.
type consoleSession struct {
	t      *testing.T
	master console.Console
	done   chan int
	mu     sync.Mutex
	got    bytes.Buffer
}

// newPty opens a pseudo-terminal for a test: the master closes when the
// test ends; the slave is the caller's to close.
func newPty(t *testing.T) (console.Console, *os.File) {
	t.Helper()
	master, slavePath, err := console.NewPty()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { master.Close() })
	slave, err := os.OpenFile(slavePath, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	return master, slave
}

func (w *world) console(name string) *consoleSession {
	t := w.t
	t.Helper()
	master, slave := newPty(t)
	t.Cleanup(func() { slave.Close() })
	c := &consoleSession{t: t, master: master, done: make(chan int, 1)}
	go func() {
		c.done <- Main([]string{"--state-dir", w.state, "-f", w.conf, "console", name}, slave, slave, slave)
	}()
	// The master is read in the background so that a missing answer fails
	// the test after a while instead of blocking it.
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			c.mu.Lock()
			c.got.Write(buf[:n])
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *consoleSession) output() string { c.mu.Lock(); defer c.mu.Unlock(); return c.got.String() }

func (c *consoleSession) send(text string) { c.master.Write([]byte(text)) }

func (c *consoleSession) readUntil(want string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(c.output(), want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(c.output(), want) {
		c.t.Fatalf("console output %q lacks %q", c.output(), want)
	}
}

// wait waits for console to return, as it does when the session ends.
func (c *consoleSession) wait() {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		c.t.Fatal("console did not return after exit")
	}
}

// TestManyJails starts and stops 50 jails at once and checks nothing is
// left.
func TestManyJails(t *testing.T) {
	w := newWorld(t)
	root := w.userland("m")
	var b strings.Builder
	fmt.Fprintf(&b, "path = %q; persist; vnet; mount.devfs; exec.start = \"/bin/true\";\n", root)
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "m%02d { }\n", i)
	}
	w.writeConf(b.String())
	if out := w.mustVjail("start", "-q"); out != "" {
		t.Logf("start: %s", out)
	}
	if l := w.list(); len(l) != 50 {
		t.Fatalf("list shows %d jails, want 50", len(l))
	}
	w.mustVjail("stop", "-q")
	if l := w.list(); len(l) != 0 {
		t.Errorf("after stop, list shows %d jails", len(l))
	}
	entries, _ := os.ReadDir(w.state)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") && e.Name() != "claims" && e.Name() != "exec" {
			t.Errorf("state left: %s", e.Name())
		}
	}
	// Claims hold only the counters of the last numbers handed out, and
	// the directory of their owners, empty.
	claims, _ := os.ReadDir(filepath.Join(w.state, "claims"))
	for _, e := range claims {
		if e.Name() == "owners" {
			if owners, _ := os.ReadDir(filepath.Join(w.state, "claims/owners")); len(owners) > 0 {
				t.Errorf("claim owners left: %v", owners)
			}
		} else if !strings.HasSuffix(e.Name(), ".last") {
			t.Errorf("claim left: %s", e.Name())
		}
	}
}

// TestMounts checks the translated fstab lines: a nullfs (bind) mount
// ro,noexec from a host directory the jail's root could not even walk to,
// idmapped; tmpfs with a size; procfs; and a target reached through a
// symlink that points out of the root, which must land inside it.
func TestMounts(t *testing.T) {
	w := newWorld(t)
	root := w.userland("mnt")
	shared := filepath.Join(w.dir, "shared")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(shared, "data"), "shared data\n")
	if err := os.WriteFile(filepath.Join(shared, "tool"), []byte("#!/bin/sh\necho ran\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"mnt", "scratch", "etc/inside"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// /evil in the jail points at /etc: on the host that would be the
	// host's /etc; inside the jail it is the jail's own.
	if err := os.Symlink("/etc", filepath.Join(root, "evil")); err != nil {
		t.Fatal(err)
	}
	w.writeConf(fmt.Sprintf(`m {
	path = %[1]q; persist; mount.devfs; mount.procfs;
	mount = "%[2]s %[1]s/mnt nullfs ro,noexec";
	mount += "tmpfs %[1]s/scratch tmpfs rw,size=1m";
	mount += "tmpfs %[1]s/evil/inside tmpfs rw";
}
`, root, shared))
	w.mustVjail("start", "m")
	if out := w.mustVjail("exec", "m", "cat", "/mnt/data"); out != "shared data\n" {
		t.Errorf("cat /mnt/data = %q", out)
	}
	if out := w.mustVjail("exec", "m", "ls", "-ln", "/mnt/data"); !strings.Contains(out, " 0 ") {
		t.Errorf("the bind mount is not idmapped: %q", out)
	}
	if code, _, _ := w.vjail("", "exec", "m", "sh", "-c", "echo x > /mnt/new"); code == 0 {
		t.Error("wrote to a read-only nullfs mount")
	}
	if code, out, _ := w.vjail("", "exec", "m", "/mnt/tool"); code == 0 || strings.Contains(out, "ran") {
		t.Errorf("ran a program from a noexec mount: %d %q", code, out)
	}
	out := w.mustVjail("exec", "m", "cat", "/proc/mounts")
	for _, want := range []string{"tmpfs /scratch tmpfs rw,nosuid,nodev,relatime,size=1024k", "/mnt ", "tmpfs /etc/inside tmpfs", "proc /proc proc", "devpts /dev/pts devpts"} {
		if !strings.Contains(out, want) {
			t.Errorf("/proc/mounts in the jail lacks %q:\n%s", want, out)
		}
	}
	if m := mountsUnder("/etc"); m != "" {
		t.Errorf("a mount escaped to the host's /etc: %s", m)
	}
	w.mustVjail("stop", "m")
}

var staticVjail struct {
	once sync.Once
	path string
	err  error
}

// staticBinary builds vjail as build.sh does, once per test run: only a
// static binary can become the small idle init inside a jail.
func staticBinary(t *testing.T) string {
	if dir := os.Getenv(prebuiltEnv); dir != "" {
		return filepath.Join(dir, "vjail")
	}
	staticVjail.once.Do(func() {
		dir, err := testBuildDir()
		if err != nil {
			staticVjail.err = err
			return
		}
		staticVjail.path = filepath.Join(dir, "vjail")
		cmd := exec.Command("../../build.sh", staticVjail.path)
		if out, err := cmd.CombinedOutput(); err != nil {
			staticVjail.err = fmt.Errorf("build.sh: %v: %s", err, out)
		}
	})
	if staticVjail.err != nil {
		t.Fatal(staticVjail.err)
	}
	return staticVjail.path
}

// ttyCommand is a vjail command running on a pseudo-terminal.
type ttyCommand struct {
	t      *testing.T
	cmd    *exec.Cmd
	master console.Console
	out    chan string
}

// ttyRun starts bin with args on a new pseudo-terminal, as from a user's
// terminal.
func (w *world) ttyRun(bin string, args ...string) *ttyCommand {
	t := w.t
	t.Helper()
	master, slave := newPty(t)
	defer slave.Close()
	cmd := exec.Command(bin, append([]string{"--state-dir", w.state, "-f", w.conf}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &ttyCommand{t: t, cmd: cmd, master: master, out: make(chan string, 1)}
	go func() {
		var got bytes.Buffer
		io.Copy(&got, master) // until the last slave closes (EIO)
		c.out <- got.String()
	}()
	return c
}

// wait returns the command's status and what it wrote.
func (c *ttyCommand) wait() (int, string) {
	c.t.Helper()
	c.cmd.Wait()
	select {
	case out := <-c.out:
		return c.cmd.ProcessState.ExitCode(), out
	case <-time.After(10 * time.Second):
		c.t.Fatal("the terminal did not close")
		return -1, ""
	}
}

// TestIdleInit runs jails through build.sh's vjail binary: the init of a
// jail that boots no init of its own is the embedded C init from its
// first instruction (start.c); everything works through it: exec with its
// status, the jail's restrictions, no descriptor of vjail's reaching a
// command, no signal left blocked in one, a terminal through the Go
// helper it forks, a jail without persist ending with its last process,
// and stop.
func TestIdleInit(t *testing.T) {
	w := newWorld(t)
	root := w.userland("idle")
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf(`path = %q; mount.devfs; mount.procfs;
p { persist; }
np { exec.start = "/bin/sh -c 'kill -USR1 1; sleep 1 >/dev/null 2>&1 &'"; }
`, root))
	run := func(args ...string) (int, string) { return w.run(bin, args...) }
	// np's root sends the init the host's HoldSignal, which must not make
	// np persistent (checked below).
	if code, out := run("start", "p", "np"); code != 0 {
		t.Fatalf("start = %d: %s", code, out)
	}
	var rec struct {
		InitPID int `json:"init_pid"`
	}
	b, err := os.ReadFile(filepath.Join(w.state, "p.json"))
	if err != nil || json.Unmarshal(b, &rec) != nil {
		t.Fatalf("state of p: %v %s", err, b)
	}
	initPID := fmt.Sprint(rec.InitPID)
	// The C init shows the host which jail it is, and not its mode.
	if b, _ := os.ReadFile("/proc/" + initPID + "/cmdline"); strings.TrimRight(string(b), "\x00") != "vjail-init: p" {
		t.Errorf("the init's command line is %q, want \"vjail-init: p\"", b)
	}
	// build.sh's vjail runs embedded binaries (copies that only root may
	// read), not itself: the init is the C one.
	if exe, err := os.Readlink("/proc/" + initPID + "/exe"); err != nil || !strings.HasPrefix(filepath.Base(exe), "vjail-idle-") {
		t.Errorf("the init runs %q (%v), want the embedded vjail-idle", exe, err)
	}
	if anon := rollup(t, initPID, "Pss_Anon:"); anon > 256 {
		t.Errorf("the C init's Pss_Anon = %d KiB, want well under 256", anon)
	}
	if code, _ := run("exec", "p", "sh", "-c", "exit 9"); code != 9 {
		t.Errorf("exec through the C init: status %d, want 9", code)
	}
	if code, out := run("exec", "p", "/bin/probe", "raw-socket", "sethostname"); code != 0 ||
		!strings.Contains(out, "raw-socket: denied") || !strings.Contains(out, "sethostname: denied") {
		t.Errorf("restrictions through the C init: %d %q", code, out)
	}
	if _, out := run("exec", "p", "ls", "/proc/self/fd"); strings.Fields(out)[len(strings.Fields(out))-1] != "3" {
		t.Errorf("descriptors in a command: %q, want 0 1 2 3 (3 is ls's own)", out)
	}
	// No signal blocked in a command (the init blocks SIGCHLD and
	// HoldSignal for its signalfd): a daemon's SIGUSR1 must work.
	_, status := run("exec", "p", "cat", "/proc/self/status")
	if blocked := regexp.MustCompile(`SigBlk:\s*(\S+)`).FindStringSubmatch(status); blocked == nil || blocked[1] != "0000000000000000" {
		t.Errorf("signals blocked in a command: %q, want none", blocked)
	}
	// A command without a terminal is the init's own child.
	if _, out := run("exec", "p", "sh", "-c", "cat /proc/$PPID/cmdline"); strings.TrimRight(out, "\x00") != "vjail-init: p" {
		t.Errorf("the parent of a command: %q, want the init", out)
	}
	// A terminal is served by the Go helper the C init forks, from the
	// embedded Go init's binary, which does not show the jail its
	// configuration (with the jail's host path) in its arguments: look for
	// it on the host while the command waits.
	tty := w.ttyRun(bin, "exec", "p", "sh", "-c", "cat /proc/$PPID/cmdline; sleep 1")
	serveExe := ""
	for deadline := time.Now().Add(900 * time.Millisecond); serveExe == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, c := range procs {
			if b, _ := os.ReadFile(c); strings.HasPrefix(string(b), "vjail-init\x00__vjail_serve") {
				serveExe, _ = os.Readlink(filepath.Join(filepath.Dir(c), "exe"))
			}
		}
	}
	if code, out := tty.wait(); code != 0 || !strings.Contains(out, "__vjail_serve") || strings.Contains(out, w.dir) {
		t.Errorf("exec with a terminal = %d, the helper's command line: %q, want __vjail_serve without the configuration", code, out)
	}
	if !strings.HasPrefix(filepath.Base(serveExe), "vjail-init-") {
		t.Errorf("the serve helper runs %q, want the embedded vjail-init", serveExe)
	}
	// np ends when its exec.start daemon does.
	deadline := time.Now().Add(5 * time.Second)
	var list string
	for time.Now().Before(deadline) {
		_, list = run("list")
		if !strings.Contains(list, "np ") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(list, "np ") {
		t.Errorf("a jail without persist outlived its last process:\n%s", list)
	}
	if code, out := run("stop", "p"); code != 0 || out != "p: removed\n" {
		t.Errorf("stop p = %d %q", code, out)
	}
}

// TestCInitFailure: when the C init cannot build the jail (here a tmpfs
// onto a file), start says why as the init's failure, not exec.start's
// (whose first command was already on its way), exits 1, and leaves
// nothing: no record, no process, no mount, no cgroup.
func TestCInitFailure(t *testing.T) {
	w := newWorld(t)
	root := w.userland("broken")
	if err := os.WriteFile(filepath.Join(root, "afile"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf(`broken { path = %q; vnet; persist; exec.start = "/bin/sh -c 'sleep 30'"; mount += "tmpfs %s/afile tmpfs rw,size=1m 0 0"; }
`, root, root))
	code, out := w.run(bin, "start", "broken")
	if want := "vjail: broken: init of broken: mount tmpfs on /afile: not a directory\n"; code != 1 || out != want {
		t.Errorf("start = %d %q, want 1 %q", code, out, want)
	}
	w.checkNoneLeft("a failed start")
}

// TestRequestsWhileGoingIdle: a command that lasts, started just as the
// init is about to go idle (once the vjail that started the jail has
// exited), does not hold up the requests that come after it.
func TestRequestsWhileGoingIdle(t *testing.T) {
	w := newWorld(t)
	root := w.userland("busy")
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf("busy { path = %q; persist; }\n", root))
	if code, out := w.run(bin, "start", "busy"); code != 0 {
		t.Fatalf("start = %d: %s", code, out)
	}
	long := exec.Command(bin, "--state-dir", w.state, "-f", w.conf, "exec", "busy", "sleep", "5")
	if err := long.Start(); err != nil {
		t.Fatal(err)
	}
	ended := make(chan error, 1)
	go func() { ended <- long.Wait() }()
	longDone := false
	defer func() {
		if !longDone {
			long.Process.Kill()
			<-ended
		}
	}()
	time.Sleep(100 * time.Millisecond) // the init would go idle meanwhile
	if code, out := w.run(bin, "exec", "busy", "true"); code != 0 {
		t.Errorf("exec beside a long one = %d: %s", code, out)
	}
	select {
	case <-ended:
		longDone = true
		t.Error("an exec beside a long one returned only after the long one had ended")
	default:
	}
	if code, out := w.run(bin, "stop", "busy"); code != 0 {
		t.Errorf("stop = %d: %s", code, out)
	}
}

// checkNoneLeft checks that, after what, no jail is listed and no mount
// under the world's directory nor process of its jails' rc ("sleep 30")
// is left.
func (w *world) checkNoneLeft(what string) {
	w.t.Helper()
	if l := w.list(); len(l) != 0 {
		w.t.Errorf("list after %s = %+v", what, l)
	}
	if m := mountsUnder(w.dir); m != "" {
		w.t.Errorf("mounts left after %s: %s", what, m)
	}
	if out := pgrep(w.t, "sleep 30"); out != "" {
		w.t.Errorf("processes left after %s: %s", what, out)
	}
}

// run runs the vjail binary bin against this world and returns its exit
// status and its output, standard and error together.
func (w *world) run(bin string, args ...string) (int, string) {
	w.t.Helper()
	all := append([]string{"--state-dir", w.state, "-f", w.conf}, args...)
	out, err := exec.Command(bin, all...).CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatal(err)
	}
	return code, string(out)
}

// TestBoot: a jail whose exec.start is /sbin/init boots busybox's init as
// its PID 1. Its inittab runs /etc/rc, which starts the services; what
// they write to /dev/console lands in exec.consolelog; the init and its
// services carry the jail's restrictions; vjail exec still works beside
// it; and stop shuts the jail down through its init, with exec.stop or,
// without it, with SIGPWR, leaving nothing behind.
func TestBoot(t *testing.T) {
	w := newWorld(t)
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf(`path = "%s/$name"; vnet; mount.devfs; mount.procfs;
exec.start = "/sbin/init";
exec.consolelog = "%s/$name.console";
withstop { exec.stop = "/sbin/poweroff"; }
pwr { }
noinit { }
`, w.dir, w.dir))
	for _, name := range []string{"withstop", "pwr", "noinit"} {
		if code, out := w.run(bin, "create", name, "--from", "busybox"); code != 0 {
			t.Fatalf("create %s = %d: %s", name, code, out)
		}
		root := filepath.Join(w.dir, name)
		writeFile(t, filepath.Join(root, "var/www/index.html"), "served by "+name+"\n")
		svc := filepath.Join(root, "etc/rc.d/S50httpd")
		writeFile(t, svc, "#!/bin/sh\ncase $1 in\nstart) httpd -p 127.0.0.1:80 -h /var/www && echo httpd started;;\nstop) killall httpd && echo httpd stopped;;\nesac\n")
		os.Chmod(svc, 0o755)
		copyFile(t, probeBinary(t), filepath.Join(root, "bin/probe"), 0o755)
		probe := filepath.Join(root, "etc/rc.d/S60probe")
		writeFile(t, probe, "#!/bin/sh\n[ \"$1\" = start ] && /bin/probe raw-socket\n")
		os.Chmod(probe, 0o755)
	}
	os.Remove(filepath.Join(w.dir, "noinit/sbin/init"))

	if code, out := w.run(bin, "start", "withstop", "pwr"); code != 0 || !strings.Contains(out, "withstop: created\n") || !strings.Contains(out, "pwr: created\n") {
		t.Fatalf("start = %d: %q", code, out)
	}
	for _, name := range []string{"withstop", "pwr"} {
		if _, out := w.run(bin, "exec", name, "ps", "-o", "pid,args"); !regexp.MustCompile(`(?m)^\s*1 init$`).MatchString(out) {
			t.Errorf("%s: PID 1 is not busybox init:\n%s", name, out)
		}
		if code, out := w.run(bin, "exec", name, "wget", "-qO-", "http://127.0.0.1/"); code != 0 || out != "served by "+name+"\n" {
			t.Errorf("%s: the service its init started: %d %q", name, code, out)
		}
		if code, out := w.run(bin, "exec", name, "sh", "-c", "test -c /dev/console && cat /proc/1/status"); code != 0 || !strings.Contains(out, "CapBnd:") {
			t.Errorf("%s: /dev/console and the init's status: %d %q", name, code, out)
		} else if bnd := capField(t, out, "CapBnd:"); bnd&(1<<13) != 0 {
			t.Errorf("%s: the init's bounding set %#x keeps CAP_NET_RAW, which allow.raw_sockets = 0 takes away", name, bnd)
		}
	}
	if code, out := w.run(bin, "stop", "withstop", "pwr"); code != 0 || !strings.Contains(out, "withstop: removed\n") || !strings.Contains(out, "pwr: removed\n") || strings.Contains(out, "did not shut down") {
		t.Errorf("stop = %d: %q", code, out)
	}
	for _, name := range []string{"withstop", "pwr"} {
		b, _ := os.ReadFile(filepath.Join(w.dir, name+".console"))
		for _, want := range []string{"httpd started", "raw-socket: denied", "httpd stopped", "The system is going down"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s: console log lacks %q:\n%s", name, want, b)
			}
		}
	}

	// Without an init to boot, start fails clearly and leaves nothing.
	if code, out := w.run(bin, "start", "noinit"); code == 0 || !strings.Contains(out, "/sbin/init: not an executable file in the jail") {
		t.Errorf("start without /sbin/init = %d: %q", code, out)
	}
	if l := w.list(); len(l) != 0 {
		t.Errorf("jails left: %+v", l)
	}
	if m, _ := filepath.Glob(filepath.Join(w.state, "*.json")); len(m) > 0 {
		t.Errorf("records left: %v", m)
	}
}

// TestEscapeSuite runs testdata/escape, some fifty harmless attempts to
// reach the host (the container escapes of runc, Docker and LXC and the
// usual tricks), as root of a vnet jail with /proc, /sys and /dev, and
// default allow.* parameters: once as exec.start, started by the jail's Go
// init, and once through vjail exec and the idle C init. Every attempt
// must be blocked.
func TestEscapeSuite(t *testing.T) {
	w := newWorld(t)
	bin := staticBinary(t)
	root := w.userland("esc")
	copyFile(t, testBinary(t, "escape"), filepath.Join(root, "bin/escape"), 0o755)
	secret := filepath.Join(w.dir, "host-secret")
	writeFile(t, secret, "the host's own\n")
	os.MkdirAll(filepath.Join(root, "sys"), 0o755)
	hostPID := fmt.Sprint(os.Getpid())
	console := filepath.Join(w.dir, "esc.console")
	w.writeConf(fmt.Sprintf(`esc {
	path = %[1]q; persist; vnet; mount.devfs; mount.procfs;
	mount += "linsysfs %[1]s/sys linsysfs rw 0 0";
	exec.consolelog = %[2]q;
	exec.start = "/bin/escape %[3]s %[4]s";
}
`, root, console, secret, hostPID))
	if code, out := w.run(bin, "start", "esc"); code != 0 {
		t.Fatalf("start = %d: %s", code, out)
	}
	fromStart, _ := os.ReadFile(console)
	code, fromExec := w.run(bin, "exec", "esc", "/bin/escape", secret, hostPID)
	if code != 0 {
		t.Errorf("exec escape = %d", code)
	}
	for how, out := range map[string]string{"exec.start": string(fromStart), "vjail exec": fromExec} {
		lines := strings.Split(strings.TrimSpace(out), "\n")
		blocked := 0
		for _, line := range lines {
			if strings.Contains(line, ": blocked: ") {
				blocked++
			} else {
				t.Errorf("through %s: %s", how, line)
			}
		}
		if blocked < 50 {
			t.Errorf("through %s: %d attempts blocked, want all of at least 50:\n%s", how, blocked, out)
		}
		t.Logf("through %s: %d attempts, %d blocked", how, len(lines), blocked)
		if testing.Verbose() {
			t.Log(out)
		}
	}
	if code, out := w.run(bin, "stop", "esc"); code != 0 {
		t.Errorf("stop = %d: %s", code, out)
	}
}

// TestResourceLimits: rctl.maxproc, rctl.memoryuse and rctl.pcpu land in
// the jail's cgroups (v2 where the host has its controllers there, else
// v1) before the jail runs anything; a fork bomb in the jail hits its
// process limit while a neighbour without limits goes on working; a memory
// hog is killed and the jail goes on; stop removes every limit cgroup.
func TestResourceLimits(t *testing.T) {
	w := newWorld(t)
	// The static build, as in production: its idle init is a few dozen
	// KiB, where the race-enabled test binary's Go init would be the
	// biggest process for the memory limit to kill.
	bin := staticBinary(t)
	w.userland("lim")
	w.userland("free")
	w.writeConf(fmt.Sprintf(`path = "%s/$name"; persist; vnet; mount.devfs; mount.procfs;
lim { rctl.maxproc = 20; rctl.memoryuse = "32m"; rctl.pcpu = 50; }
free { }
`, w.dir))
	if code, out := w.run(bin, "start", "lim", "free"); code != 0 {
		t.Fatalf("start = %d: %s", code, out)
	}
	var rec struct {
		Cgroup       string   `json:"cgroup"`
		LimitCgroups []string `json:"limit_cgroups"`
	}
	b, _ := os.ReadFile(filepath.Join(w.state, "lim.json"))
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"memory.max": "33554432", "pids.max": "20", "cpu.max": "50000 100000"}
	files := map[string]string{}
	if len(rec.LimitCgroups) == 0 {
		for f := range want {
			files[f] = filepath.Join(rec.Cgroup, f)
		}
	} else {
		want = map[string]string{"memory.limit_in_bytes": "33554432", "pids.max": "20", "cpu.cfs_quota_us": "50000", "cpu.cfs_period_us": "100000"}
		for _, d := range rec.LimitCgroups {
			for f := range want {
				if strings.HasPrefix(f, filepath.Base(filepath.Dir(filepath.Dir(d)))) {
					files[f] = filepath.Join(d, f)
				}
			}
		}
	}
	for f, v := range want {
		got, err := os.ReadFile(files[f])
		if err != nil || strings.TrimSpace(string(got)) != v {
			t.Errorf("%s (%s) = %q, %v; want %s", f, files[f], got, err, v)
		}
		t.Logf("limit %s = %s", files[f], v)
	}

	bomb := make(chan string)
	go func() {
		_, out := w.run(bin, "exec", "lim", "sh", "-c", "i=0; while [ $i -lt 60 ]; do sleep 1 & i=$((i+1)); done; wait")
		bomb <- out
	}()
	time.Sleep(200 * time.Millisecond) // let it fill the jail up; the check below does not depend on it
	if code, out := w.run(bin, "exec", "free", "sh", "-c", "i=0; while [ $i -lt 30 ]; do sleep 1 & i=$((i+1)); done; wait; echo fine"); code != 0 || out != "fine\n" {
		t.Errorf("the neighbour while lim forks without end: %d %q", code, out)
	}
	if out := <-bomb; !strings.Contains(out, "can't fork") {
		t.Errorf("60 processes in a jail with rctl.maxproc = 20 all started: %q", out)
	}
	if code, _ := w.run(bin, "exec", "lim", "busybox", "dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"); code != 128+9 {
		t.Errorf("a 64 MiB buffer in a jail with rctl.memoryuse = 32m: status %d, want 137 (killed)", code)
	}
	if _, out := w.run(bin, "exec", "lim", "echo", "alive"); out != "alive\n" {
		t.Errorf("the jail after its memory hog was killed: %q", out)
	}
	if code, out := w.run(bin, "stop", "lim", "free"); code != 0 {
		t.Errorf("stop = %d: %s", code, out)
	}
	for _, d := range rec.LimitCgroups {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("limit cgroup %s left after stop", d)
		}
	}
}

// capField parses a capability mask line ("CapBnd:\t000001ffffffdfff") of
// /proc/PID/status.
func capField(t *testing.T, status, field string) uint64 {
	t.Helper()
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				t.Fatalf("%s %q: %v", field, v, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in %q", field, status)
	return 0
}

// rollup reads one field of /proc/PID/smaps_rollup in KiB.
func rollup(t *testing.T, pid, field string) int {
	b, err := os.ReadFile("/proc/" + pid + "/smaps_rollup")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			var n int
			fmt.Sscan(rest, &n)
			return n
		}
	}
	return -1
}

// TestCgroupV1 runs a jail on a cgroup v1 hierarchy, as on a host without
// cgroup v2: its processes are tracked, counted and all killed on stop.
func TestCgroupV1(t *testing.T) {
	if _, err := os.Stat("/sys/fs/cgroup/pids/cgroup.procs"); err != nil {
		t.Fatal("this test needs the cgroup v1 pids hierarchy at /sys/fs/cgroup/pids, as this machine has")
	}
	t.Setenv("VJAIL_CGROUP_ROOT", "/sys/fs/cgroup/pids")
	w := newWorld(t)
	root := w.userland("v1")
	w.writeConf(fmt.Sprintf("v1 { path = %q; persist; mount.devfs; }\n", root))
	w.mustVjail("start", "v1")
	w.mustVjail("exec", "v1", "sh", "-c", "sleep 60 >/dev/null 2>&1 &")
	cg, _ := filepath.Glob("/sys/fs/cgroup/pids/vjail-*/v1")
	if l := w.list(); len(l) != 1 || l[0].PIDs != 2 {
		procs, _ := os.ReadFile(filepath.Join(cg[0], "cgroup.procs"))
		t.Errorf("list = %+v, want v1 with 2 processes (cgroup.procs: %q, sleep: %s)", l, procs, pgrep(t, "sleep 60"))
	}
	if len(cg) != 1 {
		t.Fatalf("cgroup of v1 on the pids hierarchy: %v", cg)
	}
	w.mustVjail("stop", "v1")
	if _, err := os.Stat(cg[0]); err == nil {
		t.Errorf("cgroup %s left after stop", cg[0])
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/pids/vjail-*"); len(m) > 0 {
		t.Errorf("cgroup parent left after stop: %v", m)
	}
	if out := pgrep(t, "sleep 60"); out != "" {
		t.Errorf("processes left: %s", out)
	}
}

var nsCounter atomic.Int64

// hostNamespace is a network namespace the test makes to play the host:
// vjail runs inside it (through the static binary), so that links the
// test creates and moves never touch the machine's own.
func hostNamespace(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("vjt-%d-%d", os.Getpid(), nsCounter.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name
}

// inNS runs a command in the network namespace ns. nsenter, not `ip netns
// exec`, which would also give it a new /sys without the cgroup mounts.
func inNS(t *testing.T, ns string, argv ...string) (string, error) {
	t.Helper()
	out, err := exec.Command("nsenter", append([]string{"--net=/run/netns/" + ns}, argv...)...).CombinedOutput()
	return string(out), err
}

// TestVnetInterface is the seed's first way to connect a jail: a host
// link (here "em1", one end of a veth pair in a namespace playing the host) moves into the
// jail with vnet.interface and comes back, with its name and state, when
// the jail stops.
func TestVnetInterface(t *testing.T) {
	w := newWorld(t)
	root := w.userland("nic")
	bin := staticBinary(t)
	ns := hostNamespace(t)
	// A veth pair stands for the NIC and the LAN behind it.
	if out, err := inNS(t, ns, "ip", "link", "add", "em1", "type", "veth", "peer", "name", "lan1"); err != nil {
		t.Fatalf("add em1: %v: %s", err, out)
	}
	if out, err := inNS(t, ns, "ip", "link", "set", "em1", "up"); err != nil {
		t.Fatalf("set em1 up: %v: %s", err, out)
	}
	w.writeConf(fmt.Sprintf("nic { path = %q; persist; vnet; vnet.interface = em1; }\n", root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	if out, err := vjail("start", "nic"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	if out, _ := inNS(t, ns, "ip", "-o", "link"); strings.Contains(out, "em1") {
		t.Errorf("em1 is still on the host while lent to the jail:\n%s", out)
	}
	if out, err := vjail("exec", "nic", "ip", "-o", "link"); err != nil || !strings.Contains(out, "em1") {
		t.Errorf("links in the jail: %v\n%s\nwant em1", err, out)
	}
	if out, err := vjail("stop", "nic"); err != nil || out != "nic: removed\n" {
		t.Fatalf("stop: %v: %q", err, out)
	}
	out, _ := inNS(t, ns, "ip", "-o", "link", "show", "em1")
	if !strings.Contains(out, "em1") || !strings.Contains(out, "UP") {
		t.Errorf("em1 after stop: %q, want it back on the host and up", out)
	}
	if out, err := vjail("start", "nic"); err != nil {
		t.Errorf("start again with the returned em1: %v: %s", err, out)
	}
	if out, err := vjail("stop", "nic"); err != nil {
		t.Errorf("stop again: %v: %s", err, out)
	}

	// vjail vnet lends em2 to the running jail and takes it back, as
	// ifconfig em2 vnet nic / -vnet nic would; stop hands it back too.
	if out, err := inNS(t, ns, "ip", "link", "add", "em2", "type", "veth", "peer", "name", "lan2"); err != nil {
		t.Fatalf("add em2: %v: %s", err, out)
	}
	if out, err := vjail("start", "nic"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	for _, c := range []struct {
		args   []string
		inJail bool
		err    string
	}{
		{[]string{"vnet", "em2", "nic"}, true, ""},
		{[]string{"vnet", "em2", "nic"}, true, "vnet em2 nic: em2 is lent to jail nic already"},
		{[]string{"vnet", "-r", "em2", "nic"}, false, ""},
		{[]string{"vnet", "-r", "em2", "nic"}, false, "vnet em2 nic: em2 was not lent to jail nic"},
		{[]string{"vnet", "-r", "lo", "nic"}, false, "vnet lo nic: lo was not lent to jail nic"},
		{[]string{"vnet", "nosuch0", "nic"}, false, "vnet nosuch0 nic: nosuch0: no such link on the host"},
		{[]string{"vnet", "em2", "nosuchjail"}, false, "nosuchjail"},
		{[]string{"vnet", "em2", "nic"}, true, ""},
	} {
		out, err := vjail(c.args...)
		if (err != nil) != (c.err != "") || !strings.Contains(out, c.err) {
			t.Errorf("vjail %s: %v: %q, want %q", strings.Join(c.args, " "), err, out, c.err)
		}
		inJail, _ := vjail("exec", "nic", "ip", "-o", "link")
		onHost, _ := inNS(t, ns, "ip", "-o", "link")
		if strings.Contains(inJail, "em2") != c.inJail || strings.Contains(onHost, "em2@") == c.inJail {
			t.Errorf("after vjail %s: em2 in the jail = %v, want %v", strings.Join(c.args, " "), strings.Contains(inJail, "em2"), c.inJail)
		}
	}
	if out, err := vjail("stop", "nic"); err != nil {
		t.Fatalf("stop: %v: %s", err, out)
	}
	if out, _ := inNS(t, ns, "ip", "-o", "link", "show", "em2"); !strings.Contains(out, "em2") {
		t.Errorf("em2 after stop: %q, want it back on the host", out)
	}

	// A kill -9 of the jail's init: its network namespace, which vjail
	// holds while it lends em1, keeps the virtual link until the next
	// command hands it back.
	if out, err := vjail("start", "nic"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	var rec struct {
		InitPID int    `json:"init_pid"`
		NetNS   string `json:"netns"`
	}
	b, _ := os.ReadFile(filepath.Join(w.state, "nic.json"))
	if err := json.Unmarshal(b, &rec); err != nil || rec.NetNS == "" {
		t.Fatalf("record: %v: %s", err, b)
	}
	syscall.Kill(rec.InitPID, syscall.SIGKILL)
	for i := 0; i < 100 && vjailAlive(rec.InitPID); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if out, err := vjail("stop", "nic"); err != nil && !strings.Contains(out, "ended by itself") {
		t.Errorf("stop after the init was killed: %v: %s", err, out)
	}
	if out, _ := inNS(t, ns, "ip", "-o", "link", "show", "em1"); !strings.Contains(out, "em1") || !strings.Contains(out, "UP") {
		t.Errorf("em1 after its jail's init was killed: %q, want it back on the host and up", out)
	}
	if m := mountsUnder(w.state); m != "" {
		t.Errorf("the namespace is still held: %s", m)
	}
}

// vjailAlive reports whether pid runs and is not a zombie.
func vjailAlive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i > 0 && !strings.HasPrefix(string(b[i+1:]), " Z")
}

// TestBridge is the seed's second way to connect jails: each jail's epair
// has its host end on a bridge (made by vjail if missing), so jails and the
// host reach each other over IPv4 and IPv6 with no routing set up. All of
// it inside a namespace playing the host.
func TestBridge(t *testing.T) {
	w := newWorld(t)
	root := w.userland("br")
	bin := staticBinary(t)
	ns := hostNamespace(t)
	w.writeConf(fmt.Sprintf(`path = %q; persist; vnet; mount.devfs; allow.raw_sockets; vnet.bridge = vjbr0;
a { vnet.addr = 192.0.2.10/24, "2001:db8::10/64"; vnet.defaultrouter = 192.0.2.1; }
b { vnet.addr = 192.0.2.11/24, "2001:db8::11/64"; }
`, root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	if out, err := vjail("start"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	// The host's own address on the bridge, as networks.conf will declare.
	if out, err := inNS(t, ns, "ip", "addr", "add", "192.0.2.1/24", "dev", "vjbr0"); err != nil {
		t.Fatalf("host address: %v: %s", err, out)
	}
	for _, c := range [][]string{
		{"exec", "a", "ping", "-c", "1", "-W", "2", "192.0.2.11"},
		{"exec", "a", "ping6", "-c", "1", "-W", "2", "2001:db8::11"},
		{"exec", "b", "ping", "-c", "1", "-W", "2", "192.0.2.1"},
		{"exec", "b", "httpd", "-p", "80", "-h", "/etc"},
	} {
		if out, err := vjail(c...); err != nil {
			t.Errorf("vjail %s: %v: %s", strings.Join(c, " "), err, out)
		}
	}
	if out, err := vjail("exec", "a", "wget", "-qO-", "http://192.0.2.11/group"); err != nil || !strings.Contains(out, "www:x:80:") {
		t.Errorf("a fetching from b over the bridge: %v: %q", err, out)
	}
	if out, err := inNS(t, ns, "/bin/busybox", "ping", "-c", "1", "-W", "2", "192.0.2.10"); err != nil {
		t.Errorf("the host pinging a: %v: %s", err, out)
	}
	// Host ends: on the bridge, named vj..., labelled with their jail.
	links, _ := inNS(t, ns, "ip", "-o", "link", "show", "master", "vjbr0")
	if strings.Count(links, "\n") != 2 || !strings.Contains(links, "alias vjail a eth0") || !strings.Contains(links, "alias vjail b eth0") {
		t.Errorf("bridge ports:\n%s\nwant a's and b's epairs, labelled", links)
	}
	mac := func() string {
		out, _ := vjail("exec", "a", "ip", "-o", "link", "show", "eth0")
		if _, rest, ok := strings.Cut(out, "link/ether "); ok {
			return strings.Fields(rest)[0]
		}
		return ""
	}
	macBefore := mac()
	if out, err := vjail("exec", "a", "ip", "route"); err != nil || !strings.Contains(out, "default via 192.0.2.1") {
		t.Errorf("routes in a: %v: %q", err, out)
	}
	if out, err := vjail("restart", "a"); err != nil {
		t.Fatalf("restart a: %v: %s", err, out)
	}
	if after := mac(); macBefore == "" || after != macBefore {
		t.Errorf("a's MAC across a restart: %q, then %q; want the same", macBefore, after)
	}
	if out, err := vjail("stop"); err != nil {
		t.Fatalf("stop: %v: %s", err, out)
	}
	if links, _ := inNS(t, ns, "ip", "-o", "link", "show", "master", "vjbr0"); strings.TrimSpace(links) != "" {
		t.Errorf("epairs left after stop:\n%s", links)
	}
}

// TestNAT is the seed's third way: the host routes for its jails' bridge
// and NATs their traffic out of an uplink; a port redirect and a static
// 1:1 NAT let the outside in. Three namespaces: "out" plays the outside
// world on 203.0.113.0/24, "host" runs vjail, the jails sit on 10.0.0.0/24.
func TestNAT(t *testing.T) {
	w := newWorld(t)
	root := w.userland("nat")
	bin := staticBinary(t)
	host, out := hostNamespace(t), hostNamespace(t)
	for _, c := range [][]string{
		{host, "ip", "link", "add", "up0", "type", "veth", "peer", "name", "wan0", "netns", out},
		{host, "ip", "addr", "add", "203.0.113.1/24", "dev", "up0"},
		{host, "ip", "addr", "add", "2001:db8:ffff::1/64", "dev", "up0", "nodad"},
		{host, "ip", "link", "set", "up0", "up"},
		{out, "ip", "addr", "add", "203.0.113.2/24", "dev", "wan0"},
		{out, "ip", "addr", "add", "2001:db8:ffff::2/64", "dev", "wan0", "nodad"},
		{out, "ip", "link", "set", "wan0", "up"},
		{out, "ip", "link", "set", "lo", "up"},
	} {
		if o, err := inNS(t, c[0], c[1:]...); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(c, " "), err, o)
		}
	}
	www := filepath.Join(w.dir, "www")
	os.MkdirAll(www, 0o755)
	writeFile(t, filepath.Join(www, "index.html"), "the outside world\n")
	httpd := exec.Command("nsenter", "--net=/run/netns/"+out, "/bin/busybox", "httpd", "-f", "-p", "8000", "-h", www)
	if err := httpd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { httpd.Process.Kill(); httpd.Wait() })

	networks := filepath.Join(w.dir, "networks.conf")
	writeFile(t, networks, `jails0 {
	addr = "10.0.0.1/24", "2001:db8:1::1/64";
	nat = up0;
	rdr = "tcp 8080 10.0.0.10:80", "tcp 8080 [2001:db8:1::10]:80";
	binat = "203.0.113.20 10.0.0.11";
}
`)
	w.writeConf(fmt.Sprintf(`path = %q; persist; vnet; mount.devfs; allow.raw_sockets; vnet.bridge = jails0;
vnet.defaultrouter = 10.0.0.1;
a { vnet.addr = 10.0.0.10/24, 2001:db8:1::10/64; vnet.defaultrouter += 2001:db8:1::1; }
b { vnet.addr = 10.0.0.11/24; vnet.rdr = "tcp 8081 80"; }
`, root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, host, append([]string{bin, "--state-dir", w.state, "-f", w.conf, "--networks", networks}, args...)...)
	}
	t.Cleanup(func() { vjail("stop"); vjail("net", "down") })
	if o, err := vjail("start"); err != nil {
		t.Fatalf("start: %v: %s", err, o)
	}
	if o, err := vjail("exec", "a", "httpd", "-p", "80", "-h", "/etc"); err != nil {
		t.Fatalf("httpd in a: %v: %s", err, o)
	}
	// Out through the host's NAT.
	if o, err := vjail("exec", "a", "wget", "-qO-", "http://203.0.113.2:8000/index.html"); err != nil || o != "the outside world\n" {
		t.Errorf("a fetching from the outside: %v: %q", err, o)
	}
	// In through the port redirect.
	if o, err := inNS(t, out, "/bin/busybox", "wget", "-qO-", "http://203.0.113.1:8080/group"); err != nil || !strings.Contains(o, "www:x:80:") {
		t.Errorf("the outside fetching from a through rdr: %v: %q", err, o)
	}
	// The same over IPv6: out through masquerade (the outside has no
	// route to the jails' prefix), in through rdr.
	if o, err := vjail("exec", "a", "wget", "-qO-", "http://[2001:db8:ffff::2]:8000/index.html"); err != nil || o != "the outside world\n" {
		t.Errorf("a fetching from the outside over IPv6: %v: %q", err, o)
	}
	if o, err := inNS(t, out, "/bin/busybox", "wget", "-qO-", "http://[2001:db8:ffff::1]:8080/group"); err != nil || !strings.Contains(o, "www:x:80:") {
		t.Errorf("the outside fetching from a through rdr over IPv6: %v: %q", err, o)
	}
	// In through b's own redirect (vnet.rdr), which goes with b.
	if o, err := vjail("exec", "b", "httpd", "-p", "80", "-h", "/etc"); err != nil {
		t.Fatalf("httpd in b: %v: %s", err, o)
	}
	if o, err := inNS(t, out, "/bin/busybox", "wget", "-qO-", "http://203.0.113.1:8081/passwd"); err != nil || !strings.Contains(o, "www:x:80:80") {
		t.Errorf("the outside fetching from b through its vnet.rdr: %v: %q", err, o)
	}
	// In through static 1:1 NAT, and b's own traffic leaves as that address.
	if o, err := inNS(t, out, "/bin/busybox", "ping", "-c", "1", "-W", "2", "203.0.113.20"); err != nil {
		t.Errorf("the outside pinging b through binat: %v: %s", err, o)
	}
	if o, err := vjail("stop", "b"); err != nil {
		t.Errorf("stop b: %v: %s", err, o)
	}
	if o, _ := inNS(t, host, "nft", "list", "tables"); strings.Contains(o, "vjail-b") {
		t.Errorf("b's redirect tables outlived b:\n%s", o)
	}
	if o, err := vjail("start", "b"); err != nil {
		t.Errorf("start b again: %v: %s", err, o)
	}
	o, err := vjail("net", "show", "--json")
	if err != nil || !strings.Contains(o, `"exists": true`) || !strings.Contains(o, `"created_by_vjail": true`) {
		t.Errorf("net show: %v: %s", err, o)
	}
	if o, err := vjail("stop"); err != nil {
		t.Fatalf("stop: %v: %s", err, o)
	}
	if o, err := vjail("net", "down"); err != nil {
		t.Fatalf("net down: %v: %s", err, o)
	}
	if o, _ := inNS(t, host, "ip", "-o", "link"); strings.Contains(o, "jails0") {
		t.Errorf("bridge left after net down:\n%s", o)
	}
	if o, _ := inNS(t, host, "ip", "-o", "addr", "show", "up0"); strings.Contains(o, "203.0.113.20") {
		t.Errorf("binat address left on the uplink:\n%s", o)
	}
	// (timeout(1), not wget -T: busybox-static 1.35's wget crashes with -T.)
	if o, err := inNS(t, out, "timeout", "3", "/bin/busybox", "wget", "-qO-", "http://203.0.113.1:8080/group"); err == nil || strings.Contains(o, "www:x:80:") {
		t.Errorf("the redirect outlived net down: %v: %q", err, o)
	}
}

// TestSLAAC: a jail with vnet.addr = slaac takes its IPv6 address and
// default route from a router's advertisements (radvd in a namespace of
// its own on the bridge); a jail with a static address takes none.
func TestSLAAC(t *testing.T) {
	if _, err := exec.LookPath("radvd"); err != nil {
		t.Fatal("this test needs radvd (apt-get install radvd)")
	}
	w := newWorld(t)
	root := w.userland("ra")
	bin := staticBinary(t)
	host, rtr := hostNamespace(t), hostNamespace(t)
	for _, c := range [][]string{
		{host, "ip", "link", "add", "br6", "type", "bridge"},
		{host, "ip", "link", "set", "br6", "up"},
		{host, "ip", "link", "add", "p-rtr", "type", "veth", "peer", "name", "rtr0", "netns", rtr},
		{host, "ip", "link", "set", "p-rtr", "master", "br6", "up"},
		{rtr, "ip", "link", "set", "rtr0", "up"},
		{rtr, "ip", "addr", "add", "2001:db8:1::1/64", "dev", "rtr0", "nodad"},
		{rtr, "sh", "-c", "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"},
	} {
		if o, err := inNS(t, c[0], c[1:]...); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(c, " "), err, o)
		}
	}
	conf := filepath.Join(w.dir, "radvd.conf")
	writeFile(t, conf, "interface rtr0 { AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 4;\n prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; }; };\n")
	radvd := exec.Command("nsenter", "--net=/run/netns/"+rtr, "radvd", "-n", "-C", conf, "-p", filepath.Join(w.dir, "radvd.pid"), "-m", "stderr")
	// Its own process group: radvd forks a privilege-separated helper.
	radvd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	radvdLog := filepath.Join(w.dir, "radvd.log")
	logFile, err := os.Create(radvdLog)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	radvd.Stdout, radvd.Stderr = logFile, logFile
	if err := radvd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-radvd.Process.Pid, syscall.SIGKILL)
		radvd.Wait()
		for end := time.Now().Add(5 * time.Second); syscall.Kill(-radvd.Process.Pid, 0) == nil && time.Now().Before(end); {
			time.Sleep(10 * time.Millisecond)
		}
	})

	w.writeConf(fmt.Sprintf(`path = %q; persist; vnet; vnet.bridge = br6; allow.raw_sockets;
auto { vnet.addr = slaac; }
static { vnet.addr = "2001:db8:1::20/64"; }
`, root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, host, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	if o, err := vjail("start"); err != nil {
		t.Fatalf("start: %v: %s", err, o)
	}
	var addrs, routes string
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		addrs, _ = vjail("exec", "auto", "ip", "-6", "addr", "show", "eth0")
		routes, _ = vjail("exec", "auto", "ip", "-6", "route")
		if strings.Contains(addrs, "2001:db8:1:") && strings.Contains(routes, "default via fe80::") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(addrs, "2001:db8:1:") || !strings.Contains(routes, "default via fe80::") {
		said, _ := os.ReadFile(radvdLog)
		t.Errorf("slaac jail: addresses\n%s\nroutes\n%s\nwant an address in 2001:db8:1::/64 and a default route (radvd said: %s)", addrs, routes, said)
	}
	if o, _ := vjail("exec", "static", "ip", "-6", "addr", "show", "eth0"); strings.Count(o, "2001:db8:1:") != 1 || !strings.Contains(o, "2001:db8:1::20/64") {
		t.Errorf("static jail took an address from advertisements:\n%s", o)
	}
	if o, err := vjail("exec", "static", "ping6", "-c", "1", "-W", "2", "2001:db8:1::1"); err != nil {
		t.Errorf("static address usable at once: %v: %s", err, o)
	}
}

// TestDHCP: a jail with vnet.addr = dhcp gets its address and default
// route from a DHCP server on its bridge (busybox udhcpd in a namespace
// playing the LAN), through vjail's client inside the jail; start returns
// once the lease is there.
func TestDHCP(t *testing.T) {
	w := newWorld(t)
	root := w.userland("dh")
	bin := staticBinary(t)
	host, lan := hostNamespace(t), hostNamespace(t)
	for _, c := range [][]string{
		{host, "ip", "link", "add", "dhbr0", "type", "bridge"},
		{host, "ip", "link", "set", "dhbr0", "up"},
		{host, "ip", "link", "add", "p-lan", "type", "veth", "peer", "name", "lan0", "netns", lan},
		{host, "ip", "link", "set", "p-lan", "master", "dhbr0", "up"},
		{lan, "ip", "addr", "add", "198.51.100.1/24", "dev", "lan0"},
		{lan, "ip", "link", "set", "lan0", "up"},
	} {
		if o, err := inNS(t, c[0], c[1:]...); err != nil {
			t.Fatalf("%s: %v: %s", strings.Join(c, " "), err, o)
		}
	}
	conf := filepath.Join(w.dir, "udhcpd.conf")
	writeFile(t, conf, fmt.Sprintf("start 198.51.100.100\nend 198.51.100.150\ninterface lan0\nopt router 198.51.100.1\nopt subnet 255.255.255.0\nlease_file %s\npidfile %s\n",
		filepath.Join(w.dir, "leases"), filepath.Join(w.dir, "udhcpd.pid")))
	writeFile(t, filepath.Join(w.dir, "leases"), "")
	udhcpd := exec.Command("nsenter", "--net=/run/netns/"+lan, "/bin/busybox", "udhcpd", "-f", conf)
	if err := udhcpd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { udhcpd.Process.Kill(); udhcpd.Wait() })

	w.writeConf(fmt.Sprintf("d { path = %q; persist; vnet; vnet.bridge = dhbr0; vnet.addr = dhcp; allow.raw_sockets; }\n", root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, host, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	if o, err := vjail("start"); err != nil {
		t.Fatalf("start: %v: %s", err, o)
	}
	addrs, _ := vjail("exec", "d", "ip", "-4", "addr", "show", "eth0")
	routes, _ := vjail("exec", "d", "ip", "route")
	if !strings.Contains(addrs, "inet 198.51.100.1") || !strings.Contains(addrs, "/24") || !strings.Contains(routes, "default via 198.51.100.1") {
		t.Errorf("after start: addresses\n%s\nroutes\n%s\nwant a lease in 198.51.100.100-150/24 and a default route", addrs, routes)
	}
	if o, err := vjail("exec", "d", "ping", "-c", "1", "-W", "2", "198.51.100.1"); err != nil {
		t.Errorf("ping the DHCP server's host: %v: %s", err, o)
	}
	if o, err := vjail("stop"); err != nil {
		t.Errorf("stop: %v: %s", err, o)
	}
}

// TestManyOnBridge starts 50 jails on one bridge at once, reaches every
// one from the host, and stops them with no link, address or process left.
func TestManyOnBridge(t *testing.T) {
	w := newWorld(t)
	root := w.userland("many")
	bin := staticBinary(t)
	ns := hostNamespace(t)
	var b strings.Builder
	fmt.Fprintf(&b, "path = %q; persist; vnet; vnet.bridge = manybr;\n", root)
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "j%02d { vnet.addr = 10.50.0.%d/24; }\n", i, 10+i)
	}
	w.writeConf(b.String())
	networks := filepath.Join(w.dir, "networks.conf")
	writeFile(t, networks, "manybr { addr = \"10.50.0.1/24\"; }\n")
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf, "--networks", networks}, args...)...)
	}
	t.Cleanup(func() { vjail("stop"); vjail("net", "down") })
	if o, err := vjail("start", "-q"); err != nil {
		t.Fatalf("start: %v: %s", err, o)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var unreachable []string
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ip := fmt.Sprintf("10.50.0.%d", 10+i)
			if o, err := inNS(t, ns, "/bin/busybox", "ping", "-c", "1", "-W", "2", ip); err != nil {
				mu.Lock()
				unreachable = append(unreachable, ip+": "+firstLine(o))
				mu.Unlock()
			}
		}(i)
	}
	wg.Wait()
	if len(unreachable) > 0 {
		t.Errorf("jails the host cannot reach: %v", unreachable)
	}
	if o, _ := inNS(t, ns, "ip", "-o", "link", "show", "master", "manybr"); strings.Count(o, "\n") != 50 {
		t.Errorf("bridge ports: %d, want 50", strings.Count(o, "\n"))
	}
	if o, _ := inNS(t, ns, "ip", "-o", "-6", "addr", "show"); strings.Contains(o, ": vj") {
		t.Errorf("host ends of epairs have IPv6 addresses:\n%s", o)
	}
	if o, err := vjail("stop", "-q"); err != nil {
		t.Fatalf("stop: %v: %s", err, o)
	}
	if o, err := vjail("net", "down"); err != nil {
		t.Fatalf("net down: %v: %s", err, o)
	}
	if o, _ := inNS(t, ns, "ip", "-o", "link"); strings.Contains(o, ": vj") || strings.Contains(o, "manybr") {
		t.Errorf("links left:\n%s", o)
	}
	if o, _ := inNS(t, ns, "ip", "-o", "addr"); strings.Contains(o, "10.50.0.") {
		t.Errorf("addresses left:\n%s", o)
	}
}

// TestTerminalNotPassed: when vjail's output is a terminal, commands in
// the jail (exec.start, exec without a terminal on standard input) write
// to a pipe vjail copies, never to the caller's terminal itself.
func TestTerminalNotPassed(t *testing.T) {
	w := newWorld(t)
	root := w.userland("tty")
	w.writeConf(fmt.Sprintf("tty { path = %q; persist; mount.procfs; exec.start = \"readlink /proc/self/fd/1\"; }\n", root))
	master, slavePath, err := console.NewPty()
	if err != nil {
		t.Fatal(err)
	}
	defer master.Close()
	slave, err := os.OpenFile(slavePath, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	var mu sync.Mutex
	var got bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			got.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	args := []string{"--state-dir", w.state, "-f", w.conf}
	if code := Main(append(args, "start", "tty"), strings.NewReader(""), slave, slave); code != 0 {
		time.Sleep(200 * time.Millisecond)
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("start = %d: %q", code, got.String())
	}
	if code := Main(append(args, "exec", "tty", "readlink", "/proc/self/fd/1"), strings.NewReader(""), slave, slave); code != 0 {
		t.Fatalf("exec = %d", code)
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	out := got.String()
	mu.Unlock()
	if strings.Count(out, "pipe:[") != 2 || strings.Contains(out, "/dev/pts") {
		t.Errorf("what the jail's commands had as standard output:\n%q\nwant two pipes, no terminal", out)
	}
	w.mustVjail("stop", "tty")
}

// TestKillDuringStart kills vjail start at a range of moments, from before
// it did anything to after it finished, and checks that the next command
// (stop, then start and stop again) leaves nothing behind: no process, no
// cgroup, no epair, no record.
func TestKillDuringStart(t *testing.T) {
	w := newWorld(t)
	root := w.userland("kill")
	bin := staticBinary(t)
	ns := hostNamespace(t)
	w.writeConf(fmt.Sprintf("k { path = %q; persist; vnet; vnet.bridge = killbr; vnet.addr = 10.60.0.2/24; mount.devfs; exec.start = \"/bin/sleep 0.01\"; }\n", root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	for delay := 0; delay <= 30; delay++ {
		cmd := exec.Command("nsenter", "--net=/run/netns/"+ns, bin, "--state-dir", w.state, "-f", w.conf, "start", "-q", "k")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(delay) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		// The next command finishes or undoes whatever was under way.
		vjail("stop", "k")
		if o, err := vjail("start", "-q", "k"); err != nil {
			t.Errorf("after a kill at %d ms, start: %v: %s", delay, err, o)
		}
		if o, err := vjail("stop", "-q", "k"); err != nil {
			t.Errorf("after a kill at %d ms, stop: %v: %s", delay, err, o)
		}
		checkKilledJailGone(t, w, ns, delay)
	}
}

// checkKilledJailGone checks that jail k, after a kill of vjail at delay
// ms and the next command, left no epair, cgroup or record.
func checkKilledJailGone(t *testing.T, w *world, ns string, delay int) {
	t.Helper()
	if o, _ := inNS(t, ns, "ip", "-o", "link"); strings.Contains(o, ": vj") {
		t.Errorf("after a kill at %d ms: epairs left:\n%s", delay, o)
	}
	if m, _ := filepath.Glob("/sys/fs/cgroup/unified/vjail-*/k"); len(m) > 0 {
		t.Errorf("after a kill at %d ms: cgroup left: %v", delay, m)
	}
	if _, err := os.Stat(filepath.Join(w.state, "k.json")); err == nil {
		t.Errorf("after a kill at %d ms: record left", delay)
	}
}

// TestKillDuringStop kills vjail stop at a range of moments and checks
// that the next stop finishes the job.
func TestKillDuringStop(t *testing.T) {
	w := newWorld(t)
	root := w.userland("kstop")
	bin := staticBinary(t)
	ns := hostNamespace(t)
	w.writeConf(fmt.Sprintf("k { path = %q; persist; vnet; vnet.bridge = killbr; vnet.addr = 10.61.0.2/24; mount.devfs; exec.stop = \"/bin/sleep 0.01\"; }\n", root))
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf}, args...)...)
	}
	t.Cleanup(func() { vjail("stop") })
	for delay := 0; delay <= 30; delay += 3 {
		if o, err := vjail("start", "-q", "k"); err != nil {
			t.Fatalf("start before a kill at %d ms: %v: %s", delay, err, o)
		}
		cmd := exec.Command("nsenter", "--net=/run/netns/"+ns, bin, "--state-dir", w.state, "-f", w.conf, "stop", "-q", "k")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(delay) * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()
		vjail("stop", "-q", "k") // finishes, or says it is not running
		if o, _ := vjail("list"); strings.Contains(o, "k ") {
			t.Errorf("after a kill at %d ms: still listed:\n%s", delay, o)
		}
		checkKilledJailGone(t, w, ns, delay)
	}
}

// TestCreateDestroy: vjail create --from busybox puts a userland at the
// path the configuration gives (its global path = "DIR/$name") and adds
// the jail's block; the jail starts, its /etc/rc runs the services in
// /etc/rc.d; an interrupted create's leftovers do not count; destroy
// removes the userland and the block, and refuses while the jail runs.
func TestCreateDestroy(t *testing.T) {
	w := newWorld(t)
	jails := filepath.Join(w.dir, "jails")
	w.writeConf(fmt.Sprintf("path = \"%s/$name\";\nexec.start = \"/bin/sh /etc/rc\";\nexec.stop = \"/bin/sh /etc/rc.shutdown\";\nmount.devfs;\npersist;\n", jails))
	// What an interrupted create leaves must not stop the next one.
	os.MkdirAll(filepath.Join(jails, "web.vjail-partial", "bin"), 0o755)
	if out := w.mustVjail("create", "web", "--from", "busybox"); out != fmt.Sprintf("web: userland created at %s/web\n", jails) {
		t.Errorf("create: %q", out)
	}
	if _, err := os.Stat(filepath.Join(jails, "web.vjail-partial")); err == nil {
		t.Error("the partial userland is still there")
	}
	conf, _ := os.ReadFile(w.conf)
	if !strings.Contains(string(conf), "web {") {
		t.Errorf("no block for web in:\n%s", conf)
	}
	writeFile(t, filepath.Join(jails, "web/etc/rc.d/S10hello"), "#!/bin/sh\n[ \"$1\" = start ] && echo hello > /tmp/started\n")
	os.Chmod(filepath.Join(jails, "web/etc/rc.d/S10hello"), 0o755)
	if code, _, errOut := w.vjail("", "create", "web", "--from", "busybox"); code == 0 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second create = %d, %q", code, errOut)
	}
	w.mustVjail("start", "web")
	if out := w.mustVjail("exec", "web", "cat", "/tmp/started"); out != "hello\n" {
		t.Errorf("the rc.d service did not start: %q", out)
	}
	if out := w.mustVjail("exec", "web", "hostname"); out != "web\n" {
		t.Errorf("hostname in web: %q", out)
	}
	if code, _, errOut := w.vjail("", "destroy", "web", "--yes"); code == 0 || !strings.Contains(errOut, "stop it first") {
		t.Errorf("destroy while running = %d, %q", code, errOut)
	}
	w.mustVjail("stop", "web")
	if code, _, _ := w.vjail("n\n", "destroy", "web"); code == 0 {
		t.Error("destroy went ahead on a no")
	}
	if out := w.mustVjail("destroy", "web", "--yes"); out != "web: destroyed\n" {
		t.Errorf("destroy: %q", out)
	}
	if _, err := os.Stat(filepath.Join(jails, "web")); err == nil {
		t.Error("the userland is still there")
	}
	if conf, _ := os.ReadFile(w.conf); strings.Contains(string(conf), "web {") || !strings.Contains(string(conf), "persist;") {
		t.Errorf("after destroy, the configuration is:\n%s", conf)
	}
}

// TestCreateBadInput: an unknown source, a path that already holds
// something and names that cannot name a jail are each refused with a
// clear error, leaving the configuration and the jails directory as they
// were.
func TestCreateBadInput(t *testing.T) {
	w := newWorld(t)
	jails := filepath.Join(w.dir, "jails")
	os.MkdirAll(filepath.Join(jails, "full"), 0o755)
	writeFile(t, filepath.Join(jails, "full/keep"), "precious\n")
	conf := fmt.Sprintf("path = \"%s/$name\";\n", jails)
	w.writeConf(conf)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"web", "--from", "nosuch"}, `--from "nosuch": use busybox, debootstrap[:SUITE], or the absolute path`},
		{[]string{"web", "--from", "relative/dir"}, `--from "relative/dir"`},
		{[]string{"full", "--from", "busybox"}, "already exists (not empty); destroy it first"},
		{[]string{"../x", "--from", "busybox"}, `jail name "../x": only letters, digits`},
		{[]string{"a/b", "--from", "busybox"}, `jail name "a/b"`},
		{[]string{"", "--from", "busybox"}, `jail name "": must be 1 to 200 characters`},
		{[]string{strings.Repeat("x", 201), "--from", "busybox"}, "must be 1 to 200 characters"},
		{[]string{"web", "--from", "debootstrap", "--include", "Nginx"}, `--include: "Nginx" is not a Debian package name`},
		{[]string{"web", "--from", "busybox", "--include", "nginx"}, "--include adds Debian packages to --from debootstrap"},
	} {
		code, out, errOut := w.vjail("", append([]string{"create"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Contains(out, "created") || strings.Contains(errOut, "building") {
			t.Errorf("create %.40q = %d: %q %q; want a failure saying %q", c.args, code, out, errOut, c.want)
		}
	}
	if b, _ := os.ReadFile(w.conf); string(b) != conf {
		t.Errorf("the configuration changed:\n%s", b)
	}
	entries, _ := os.ReadDir(jails)
	if len(entries) != 1 || entries[0].Name() != "full" {
		t.Errorf("the jails directory holds %v, want only full", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(jails, "full/keep")); string(b) != "precious\n" {
		t.Errorf("full/keep = %q", b)
	}
}

// TestSequence checks the order of jail(8)'s steps (command.c startcommands
// and stopcommands), which commands run on the host and which inside, that
// exec.timeout kills a command that runs too long, and that stop.timeout
// gives processes that ignore nothing time to end.
func TestSequence(t *testing.T) {
	w := newWorld(t)
	root := w.userland("seq")
	log := filepath.Join(w.dir, "host.log")
	console := filepath.Join(w.dir, "console.log")
	step := func(name string) string { return fmt.Sprintf("echo %s $JNAME >> %s", name, log) }
	w.writeConf(fmt.Sprintf(`s {
	path = %q; persist; mount.devfs;
	exec.consolelog = %q;
	exec.prepare = '%s'; exec.prestart = '%s'; exec.created = '%s';
	exec.start = "echo start $(hostname)", "echo start2";
	exec.poststart = '%s'; exec.prestop = '%s';
	exec.stop = "echo stop";
	exec.poststop = '%s'; exec.release = '%s';
	host.hostname = inside;
}
slow { path = %q; exec.start = "sleep 5"; exec.timeout = 1; }
`, root, console, step("prepare"), step("prestart"), step("created"), step("poststart"), step("prestop"), step("poststop"), step("release"), root))
	if code, out, errOut := w.vjail("", "start", "s"); code != 0 {
		t.Fatalf("start s = %d: %s%s", code, out, errOut)
	}
	w.mustVjail("stop", "s")
	b, _ := os.ReadFile(log)
	if got, want := string(b), "prepare s\nprestart s\ncreated s\npoststart s\nprestop s\npoststop s\nrelease s\n"; got != want {
		t.Errorf("host commands ran as\n%s\nwant\n%s", got, want)
	}
	b, _ = os.ReadFile(console)
	if got, want := string(b), "start inside\nstart2\nstop\n"; got != want {
		t.Errorf("the console log is\n%q\nwant\n%q", got, want)
	}
	t0 := time.Now()
	code, _, errOut := w.vjail("", "start", "slow")
	if code == 0 || !strings.Contains(errOut, "timed out after 1s") {
		t.Errorf("start of a jail whose exec.start outlives exec.timeout = %d, %q", code, errOut)
	}
	if d := time.Since(t0); d > 4*time.Second {
		t.Errorf("exec.timeout = 1 took %s to fail the start", d)
	}
	if l := w.list(); len(l) != 0 {
		t.Errorf("the jail whose start failed is listed: %+v", l)
	}
}

// TestRcConf: without names, start and stop follow rc.conf as rc.d/jail
// does; enable and disable edit jail_list as sysrc(8) would.
func TestRcConf(t *testing.T) {
	w := newWorld(t)
	root := w.userland("rc")
	w.writeConf(fmt.Sprintf("path = %q; persist;\na { }\nb { }\nc { }\n", root))
	rc := filepath.Join(w.dir, "rc.conf")
	writeFile(t, rc, "hostname=\"host\"\njail_enable=\"NO\"\n")
	run := func(args ...string) (int, string, string) {
		return w.vjail("", append([]string{"--rc-conf", rc}, args...)...)
	}
	if code, _, errOut := run("start"); code == 0 || !strings.Contains(errOut, "jail_enable is not YES") {
		t.Errorf("start with jail_enable=NO = %d, %q", code, errOut)
	}
	if code, out, errOut := run("enable", "b", "a"); code != 0 {
		t.Fatalf("enable = %d: %s%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(rc); string(b) != "hostname=\"host\"\njail_enable=\"YES\"\njail_list=\"b a\"\n" {
		t.Errorf("rc.conf after enable:\n%s", b)
	}
	if code, out, errOut := run("start"); code != 0 || out != "b: created\na: created\n" {
		t.Errorf("start = %d: %q %q; want b then a, not c", code, out, errOut)
	}
	rcconfSet := func(line string) {
		b, _ := os.ReadFile(rc)
		writeFile(t, rc, string(b)+line+"\n")
	}
	rcconfSet("jail_reverse_stop=YES")
	if code, out, _ := run("stop"); code != 0 || out != "a: removed\nb: removed\n" {
		t.Errorf("stop with jail_reverse_stop = %d: %q, want a then b", code, out)
	}
	if code, _, _ := run("disable", "a", "b"); code != 0 {
		t.Fatal("disable failed")
	}
	if b, _ := os.ReadFile(rc); !strings.Contains(string(b), "jail_enable=\"NO\"") || !strings.Contains(string(b), "jail_list=\"\"") {
		t.Errorf("rc.conf after disabling every listed jail:\n%s", b)
	}
}

// TestRcConfPerJail: a jail of jail_list is read from its own
// configuration (here jail_NAME_conf) as rc.d/jail does, the others from
// jail_conf; a jail_list naming an unknown jail starts nothing.
func TestRcConfPerJail(t *testing.T) {
	w := newWorld(t)
	root := w.userland("rc")
	w.writeConf(fmt.Sprintf("path = %q; persist;\na { }\nb { }\n", root))
	own := filepath.Join(w.dir, "jail.d.conf")
	writeFile(t, own, fmt.Sprintf("d { path = %q; persist; host.hostname = \"own-file\"; }\n", root))
	rc := filepath.Join(w.dir, "rc.conf")
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main(append([]string{"--state-dir", w.state, "--rc-conf", rc}, args...), strings.NewReader(""), &out, &errOut)
		return code, out.String(), errOut.String()
	}
	writeFile(t, rc, fmt.Sprintf("jail_enable=YES\njail_conf=%q\njail_list=\"a zz d\"\njail_d_conf=%q\n", w.conf, own))
	if code, out, errOut := run("start"); code == 0 || out != "" || !strings.Contains(errOut, "zz") {
		t.Errorf("start with zz in jail_list = %d: %q %q; want an error naming zz and nothing started", code, out, errOut)
	}
	if l := w.list(); len(l) != 0 {
		t.Errorf("jails running after a refused start: %+v", l)
	}
	writeFile(t, rc, "jail_enable=YES\njail_list=\"../x\"\n")
	if code, _, errOut := run("start"); code == 0 || !strings.Contains(errOut, `jail name "../x"`) {
		t.Errorf("start with ../x in jail_list = %d: %q", code, errOut)
	}
	writeFile(t, rc, fmt.Sprintf("jail_enable=YES\njail_conf=%q\njail_list=\"a d\"\njail_d_conf=%q\n", w.conf, own))
	if code, out, errOut := run("start"); code != 0 || out != "a: created\nd: created\n" {
		t.Fatalf("start = %d: %q %q; want a then d", code, out, errOut)
	}
	if out := w.mustVjail("exec", "d", "hostname"); out != "own-file\n" {
		t.Errorf("d's hostname = %q, want the one of its own file", out)
	}
	if code, out, errOut := run("stop"); code != 0 || !strings.Contains(out, "a: removed") || !strings.Contains(out, "d: removed") {
		t.Errorf("stop = %d: %q %q", code, out, errOut)
	}
}

// TestSeedScenario is the seed's whole consolidation scenario, end to end:
// the seed's jail.conf with a test path and the jails on a host-only
// bridge, userlands made by `vjail create`, rc.conf with jail_enable and
// jail_list, `vjail start` without names, a console login through a pty,
// a web server in serverA reached from the host and from serverB over the
// bridge, and `vjail stop` without names leaving nothing behind. A
// namespace plays the host.
func TestSeedScenario(t *testing.T) {
	w := newWorld(t)
	bin := staticBinary(t)
	ns := hostNamespace(t)
	// serverA's block of the seed is replaced by one with an address.
	conf := strings.Replace(w.seedConfText(), "serverA { vnet; };\n", "", 1)
	w.writeConf(conf + `vnet;
vnet.bridge = "vjseed0";
serverA { vnet.addr = "192.0.2.10/24"; }
serverB { vnet.addr = "192.0.2.11/24"; }
`)
	networks := filepath.Join(w.dir, "networks.conf")
	writeFile(t, networks, "vjseed0 { addr = \"192.0.2.1/24\"; }\n")
	rc := filepath.Join(w.dir, "rc.conf")
	writeFile(t, rc, "jail_enable=\"YES\"\njail_list=\"serverA serverB\"\n")
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf, "--rc-conf", rc, "--networks", networks}, args...)...)
	}
	t.Cleanup(func() { vjail("stop"); vjail("net", "down") })

	for _, name := range []string{"serverA", "serverB"} {
		if out, err := vjail("create", name, "--from", "busybox"); err != nil {
			t.Fatalf("create %s: %v: %s", name, err, out)
		}
	}
	// Each server runs a web server, started by its /etc/rc; without
	// persist (the seed has none) that is what keeps a jail alive.
	for _, name := range []string{"serverA", "serverB"} {
		writeFile(t, filepath.Join(w.dir, name, "var/www/index.html"), "<h1>Hello from "+name+"</h1>\n")
		httpd := filepath.Join(w.dir, name, "etc/rc.d/S50httpd")
		writeFile(t, httpd, "#!/bin/sh\n[ \"$1\" = start ] && httpd -p 80 -h /var/www\n")
		os.Chmod(httpd, 0o755)
	}

	if out, err := vjail("start"); err != nil || out != "serverA: created\nserverB: created\n" {
		t.Fatalf("start without names: %v: %q", err, out)
	}
	if l := w.list(); len(l) != 2 || l[0].Name != "serverA" || l[0].Hostname != "serverA.allbsd.org" || !l[0].VNet || !slices.Contains(l[0].Addresses, "192.0.2.10/24") {
		t.Errorf("vjail list: %+v", l)
	}

	c := w.console("serverA")
	c.readUntil("# ")
	c.send("hostname; ip -o -4 addr show eth0\n")
	c.readUntil("192.0.2.10/24")
	if !strings.Contains(c.output(), "serverA.allbsd.org") {
		t.Errorf("console session: %q", c.output())
	}
	c.send("exit\n")
	c.wait()

	if out, err := inNS(t, ns, "/bin/busybox", "wget", "-qO-", "http://192.0.2.10/"); err != nil || out != "<h1>Hello from serverA</h1>\n" {
		t.Errorf("the host fetching serverA's page: %v: %q", err, out)
	}
	if out, err := vjail("exec", "serverB", "wget", "-qO-", "http://192.0.2.10/"); err != nil || !strings.Contains(out, "Hello from serverA") {
		t.Errorf("serverB fetching serverA's page: %v: %q", err, out)
	}

	if out, err := vjail("stop"); err != nil || !strings.Contains(out, "serverA: removed") || !strings.Contains(out, "serverB: removed") {
		t.Errorf("stop without names: %v: %q", err, out)
	}
	if out, err := vjail("net", "down"); err != nil {
		t.Errorf("net down: %v: %s", err, out)
	}
	if l := w.list(); len(l) != 0 {
		t.Errorf("still listed after stop: %+v", l)
	}
	if links, _ := inNS(t, ns, "ip", "-o", "link", "show"); strings.Count(strings.TrimSpace(links), "\n") != 0 {
		t.Errorf("links left in the host namespace, want only lo:\n%s", links)
	}
	if m := mountsUnder(w.dir); m != "" {
		t.Errorf("mounts left: %s", m)
	}
}

// debootstrapCache keeps the Debian userland between test runs on one
// machine, so that only the first run downloads it.
const debootstrapCache = "/var/cache/vjail-test"

// TestDebootstrap: a Debian userland made by vjail create --from
// debootstrap (sysvinit and busybox included) runs as a jail where apt
// works. A service installed the Debian way (an init script enabled with
// update-rc.d) then starts when the jail boots its own init, answers the
// host over the jail's bridge, and stops with the jail, cleanly.
func TestDebootstrap(t *testing.T) {
	if _, err := exec.LookPath("debootstrap"); err != nil {
		t.Fatal("this test needs debootstrap (apt-get install debootstrap)")
	}
	w := newWorld(t)
	bin := staticBinary(t)
	ns := hostNamespace(t)
	networks := filepath.Join(w.dir, "networks.conf")
	writeFile(t, networks, "vjdeb0 { addr = \"192.0.2.1/24\"; }\n")
	vjail := func(args ...string) (string, error) {
		return inNS(t, ns, append([]string{bin, "--state-dir", w.state, "-f", w.conf, "--networks", networks}, args...)...)
	}
	t.Cleanup(func() { vjail("stop"); vjail("net", "down") })
	common := fmt.Sprintf(`path = "%s/$name"; host.hostname = "$name";
vnet; vnet.bridge = "vjdeb0"; vnet.addr = "192.0.2.20/24"; mount.devfs;
mount += "tmpfs $path/run tmpfs rw,nosuid,nodev,mode=755 0 0"; mount.procfs; exec.consolelog = "%s/$name.console";
`, w.dir, w.dir)
	w.writeConf(common + "deb { persist; exec.start = \"/bin/true\"; }\n")
	if code, out, errOut := w.vjail("", "create", "deb", "--from", "debootstrap", "--include", "sysvinit-core,busybox", "--cache", debootstrapCache); code != 0 {
		t.Fatalf("create --from debootstrap = %d: %s\n%s", code, out, errOut)
	}
	if out, err := vjail("start", "deb"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	if out, _ := vjail("exec", "deb", "sh", "-c", "cat /etc/debian_version; apt-get --version | head -1; hostname"); !strings.Contains(out, "apt ") || !strings.Contains(out, "deb\n") {
		t.Errorf("inside the Debian jail: %q", out)
	}
	root := filepath.Join(w.dir, "deb")
	os.MkdirAll(filepath.Join(root, "var/www"), 0o755)
	writeFile(t, filepath.Join(root, "var/www/index.html"), "Debian's own init started me\n")
	script := filepath.Join(root, "etc/init.d/vjhttpd")
	writeFile(t, script, `#!/bin/sh
### BEGIN INIT INFO
# Provides:          vjhttpd
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: a web server for vjail's test
### END INIT INFO
case "$1" in
start) start-stop-daemon --start --background --make-pidfile --pidfile /run/vjhttpd.pid --exec /bin/busybox -- httpd -f -p 80 -h /var/www && echo "vjhttpd started" ;;
stop) start-stop-daemon --stop --pidfile /run/vjhttpd.pid --remove-pidfile && echo "vjhttpd stopped" ;;
esac
`)
	os.Chmod(script, 0o755)
	if out, err := vjail("exec", "deb", "update-rc.d", "vjhttpd", "defaults"); err != nil {
		t.Fatalf("update-rc.d: %v: %s", err, out)
	}
	if out, err := vjail("stop", "deb"); err != nil {
		t.Fatalf("stop: %v: %s", err, out)
	}

	// Now the same userland boots like the server it replaces.
	w.writeConf(common + "deb { exec.start = \"/sbin/init\"; exec.stop = \"/sbin/telinit 0\"; }\n")
	if out, err := vjail("start", "deb"); err != nil || out != "deb: created\n" {
		t.Fatalf("booting start: %v: %q", err, out)
	}
	if out, _ := vjail("exec", "deb", "busybox", "ps", "-o", "pid,args"); !regexp.MustCompile(`(?m)^\s*1 init\b`).MatchString(out) {
		t.Errorf("PID 1 is not sysvinit:\n%s", out)
	}
	// The init brings the runlevel up after start returns, as a machine
	// goes on booting after its kernel started init.
	var page string
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if page, err = inNS(t, ns, "timeout", "3", "/bin/busybox", "wget", "-qO-", "http://192.0.2.20/"); page == "Debian's own init started me\n" {
			break
		}
	}
	if page != "Debian's own init started me\n" {
		t.Errorf("the host fetching the page of the service the init started: %v: %q", err, page)
	}
	if out, err := vjail("stop", "deb"); err != nil || out != "deb: removed\n" {
		t.Errorf("stop of the booted jail: %v: %q", err, out)
	}
	console, _ := os.ReadFile(filepath.Join(w.dir, "deb.console"))
	// (Not init's own "Switching to runlevel" lines: sysvinit flushes the
	// console's output queue as it changes runlevels, which can take its
	// last line with it, as on a real console.)
	for _, want := range []string{"vjhttpd started", "concurrent boot in runlevel 0.", "vjhttpd stopped"} {
		if !strings.Contains(string(console), want) {
			t.Errorf("console log lacks %q:\n%s", want, console)
		}
	}
	// Without exec.stop, stop sends SIGPWR, which the inittab vjail
	// adapted at create turns into a shutdown.
	w.writeConf(common + "deb { exec.start = \"/sbin/init\"; }\n")
	if out, err := vjail("start", "deb"); err != nil {
		t.Fatalf("start: %v: %s", err, out)
	}
	if out, err := vjail("stop", "deb"); err != nil || out != "deb: removed\n" {
		t.Errorf("stop by SIGPWR: %v: %q", err, out)
	}
	if console, _ := os.ReadFile(filepath.Join(w.dir, "deb.console")); strings.Count(string(console), "concurrent boot in runlevel 0.") != 2 {
		t.Errorf("SIGPWR did not shut the jail down through its init:\n%s", console)
	}
	if out, err := vjail("net", "down"); err != nil {
		t.Errorf("net down: %v: %s", err, out)
	}
	if links, _ := inNS(t, ns, "ip", "-o", "link", "show"); strings.Count(strings.TrimSpace(links), "\n") != 0 {
		t.Errorf("links left in the host namespace, want only lo:\n%s", links)
	}
	if out := w.mustVjail("destroy", "deb", "--yes"); out != "deb: destroyed\n" {
		t.Errorf("destroy: %q", out)
	}
}
