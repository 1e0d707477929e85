package cli

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// jailCgroups returns, for the world's state directory, the names of the
// jails' cgroups on the v2 hierarchy and the processes in each.
func (w *world) jailCgroups() map[string][]string {
	sum := sha256.Sum256([]byte(filepath.Clean(w.state)))
	out := map[string][]string{}
	for _, root := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		dirs, _ := filepath.Glob(filepath.Join(root, fmt.Sprintf("vjail-%x", sum[:4]), "*", "cgroup.procs"))
		for _, f := range dirs {
			b, _ := os.ReadFile(f)
			out[filepath.Base(filepath.Dir(f))] = strings.Fields(string(b))
		}
	}
	return out
}

// TestEarlyInit: `vjail start NAME` starts NAME's init before it reads
// the configuration, in NAME's own cgroup; the init shows its jail's name
// and builds a working vnet jail. When NAME turns out not to be a vnet
// jail, not to exist, or to be running already, the early init goes
// without a trace, and a running jail is left as it was. The init holds
// nothing that vjail's caller left open.
func TestEarlyInit(t *testing.T) {
	w := newWorld(t)
	root := w.userland("early")
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf(`path = %q; mount.devfs; mount.procfs; persist;
v { vnet; exec.start = "/bin/true"; }
p { exec.start = "/bin/true"; }
`, root))
	initOf := func(name string) string {
		var rec struct {
			InitPID int `json:"init_pid"`
		}
		b, err := os.ReadFile(filepath.Join(w.state, name+".json"))
		if err != nil || json.Unmarshal(b, &rec) != nil {
			t.Fatalf("state of %s: %v %s", name, err, b)
		}
		return fmt.Sprint(rec.InitPID)
	}
	// A pipe that vjail's caller leaves open, without close-on-exec, as
	// its fd 9: above those that vjail passes its init.
	r, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	cmd := exec.Command(bin, "--state-dir", w.state, "-f", w.conf, "start", "v")
	cmd.ExtraFiles = []*os.File{null, null, null, null, null, null, wr}
	// The steps it passes tell whether the init that built v was the
	// early one: then no other was started.
	times := filepath.Join(w.dir, "times")
	cmd.Env = append(os.Environ(), "VJAIL_FAULT_TIMES="+times)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("start v: %v: %s", err, out)
	}
	wr.Close()
	steps, _ := os.ReadFile(times)
	if !strings.Contains(string(steps), " early.begin ") || strings.Count(string(steps), " spawn.begin ") != 1 {
		t.Errorf("start v did not build v with the early init alone; its steps:\n%s", steps)
	}
	pid := initOf("v")
	if b, _ := os.ReadFile("/proc/" + pid + "/cmdline"); strings.TrimRight(string(b), "\x00") != "vjail-init: v" {
		t.Errorf("v's init's command line is %q, want \"vjail-init: v\"", b)
	}
	if got := w.jailCgroups(); !slices.Equal(got["v"], []string{pid}) || len(got) != 1 {
		t.Errorf("jails' cgroups and their processes: %v, want v with its init %s only", got, pid)
	}
	fds, _ := filepath.Glob("/proc/" + pid + "/fd/*")
	for _, fd := range fds {
		if l, _ := os.Readlink(fd); strings.HasPrefix(l, "pipe:") {
			t.Errorf("v's init holds %s -> %s, which vjail's caller left open", fd, l)
		}
	}
	if code, out := w.run(bin, "exec", "v", "ip", "-o", "link"); code != 0 || !strings.Contains(out, "lo:") || strings.Count(out, "\n") != 1 {
		t.Errorf("v's network stack = %d: %q, want lo alone", code, out)
	}
	// Not a vnet jail: its init starts the usual way.
	if code, out := w.run(bin, "start", "p"); code != 0 {
		t.Fatalf("start p = %d: %s", code, out)
	}
	// Running already, unknown: refused, and nothing changes.
	if code, out := w.run(bin, "start", "v"); code == 0 {
		t.Errorf("start v while it runs = 0: %s", out)
	}
	if code, out := w.run(bin, "start", "nosuch"); code == 0 {
		t.Errorf("start nosuch = 0: %s", out)
	}
	want := map[string][]string{"v": {pid}, "p": {initOf("p")}}
	if got := w.jailCgroups(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("jails' cgroups and their processes: %v, want %v", got, want)
	}
	if code, out := w.run(bin, "stop"); code != 0 {
		t.Fatalf("stop = %d: %s", code, out)
	}
	if got := w.jailCgroups(); len(got) != 0 {
		t.Errorf("after stop, cgroups are left: %v", got)
	}
}
