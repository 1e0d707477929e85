//go:build linux

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// faultWorld is a jail that uses every kind of host resource vjail
// manages, run by the static build inside a network namespace that plays
// the host: an epair on a bridge of networks.conf with NAT (links,
// addresses, nftables), a port redirect of its own (nftables), a lent NIC
// (and the bind mount that holds its network namespace), mounts, rctl
// limits (cgroup v1 directories on a hybrid host), exec.* commands on the
// host and inside.
type faultWorld struct {
	*world
	t        *testing.T
	bin, ns  string
	networks string
}

func newFaultWorld(t *testing.T, names ...string) *faultWorld {
	w := newWorld(t)
	f := &faultWorld{world: w, t: t, bin: staticBinary(t), ns: hostNamespace(t)}
	for _, cmd := range [][]string{
		{"ip", "link", "add", "up0", "type", "veth", "peer", "name", "up0p"},
		{"ip", "link", "set", "up0", "up"},
		{"ip", "addr", "add", "203.0.113.1/24", "dev", "up0"},
	} {
		if out, err := inNS(t, f.ns, cmd...); err != nil {
			t.Fatalf("%v: %v: %s", cmd, err, out)
		}
	}
	f.networks = filepath.Join(w.dir, "networks.conf")
	writeFile(t, f.networks, "vjfault0 {\n\taddr = \"192.0.2.1/24\";\n\tnat = up0;\n\trdr = \"tcp 8080 192.0.2.10:80\";\n}\n")
	shared := filepath.Join(w.dir, "shared")
	os.MkdirAll(shared, 0o755)
	conf := fmt.Sprintf(`path = "%s/$name"; vnet; vnet.bridge = vjfault0; mount.devfs; mount.procfs;
mount += "%s %s/$name/mnt nullfs ro";
rctl.maxproc = 100;
exec.prestart = "true"; exec.poststop = "true";
exec.start = "/bin/sh /etc/rc"; exec.stop = "/bin/true";
`, w.dir, shared, w.dir)
	for i, name := range names {
		w.userland(name)
		os.MkdirAll(filepath.Join(w.dir, name, "mnt"), 0o755)
		nic := fmt.Sprintf("em%d", i+1)
		if out, err := inNS(t, f.ns, "ip", "link", "add", nic, "type", "veth", "peer", "name", nic+"p"); err != nil {
			t.Fatalf("veth %s: %v: %s", nic, err, out)
		}
		conf += fmt.Sprintf("%s { vnet.addr = 192.0.2.%d/24; vnet.interface = %s; vnet.rdr = \"tcp %d 80\"; }\n", name, 10+i, nic, 8081+i)
	}
	w.writeConf(conf)
	t.Cleanup(func() { f.vjail(nil, "stop"); f.vjail(nil, "net", "down") })
	if out, err := f.vjail(nil, "net", "up"); err != nil {
		t.Fatalf("net up: %v: %s", err, out)
	}
	return f
}

// vjail runs the static vjail in the host's namespace with env added.
func (f *faultWorld) vjail(env []string, args ...string) (string, error) {
	all := append([]string{"--net=/run/netns/" + f.ns, f.bin, "--state-dir", f.state, "-f", f.conf, "--networks", f.networks}, args...)
	cmd := exec.Command("nsenter", all...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// killed reports whether err is that of a process killed by SIGKILL.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// machineState is what a crash must not change for good. In the network
// namespace playing the host: its links, addresses, routes and nftables
// ruleset. On the machine: mounts under the test's directory, the cgroups
// of the test's state directory in every hierarchy, vjail's processes,
// and the records and sockets of the state directory.
func (f *faultWorld) machineState() string {
	var b strings.Builder
	// Links by name, MAC, master, alias and whether they are up; not
	// carrier or operational state, which a bridge changes by itself as
	// ports come and go.
	out, _ := inNS(f.t, f.ns, "ip", "-j", "link")
	var links []struct {
		Name   string   `json:"ifname"`
		MAC    string   `json:"address"`
		Master string   `json:"master"`
		Alias  string   `json:"ifalias"`
		Flags  []string `json:"flags"`
	}
	if err := json.Unmarshal([]byte(out), &links); err != nil {
		f.t.Fatalf("ip -j link: %v: %s", err, out)
	}
	for _, l := range links {
		fmt.Fprintf(&b, "link %s %s master=%s alias=%q up=%v\n", l.Name, l.MAC, l.Master, l.Alias, slices.Contains(l.Flags, "UP"))
	}
	// Addresses and routes, but not the IPv6 link-local ones the kernel
	// gives a bridge once it first has carrier.
	for _, cmd := range [][]string{
		{"ip", "-o", "addr"}, {"ip", "route", "show", "table", "all"},
		{"ip", "-6", "route", "show", "table", "all"}, {"nft", "list", "ruleset"},
	} {
		out, err := inNS(f.t, f.ns, cmd...)
		fmt.Fprintf(&b, "$ %s (%v)\n", strings.Join(cmd, " "), err)
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, "fe80::") || strings.Contains(line, "ff00::/8") {
				continue
			}
			line = strings.ReplaceAll(line, " linkdown", "")
			if cmd[1] == "-o" {
				// Drop the interface index and lifetimes.
				if f := strings.Fields(line); len(f) > 4 {
					line = strings.Join(f[1:4], " ")
				}
			}
			fmt.Fprintln(&b, line)
		}
	}
	fmt.Fprintf(&b, "mounts: %s\n", mountsUnder(f.dir))
	for _, pattern := range []string{"/sys/fs/cgroup/vjail-*", "/sys/fs/cgroup/*/vjail-*"} {
		m, _ := filepath.Glob(pattern)
		for _, dir := range m {
			filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					fmt.Fprintf(&b, "cgroup: %s\n", path)
				}
				return nil
			})
		}
	}
	for _, p := range vjailProcesses(f.bin) {
		fmt.Fprintf(&b, "process: %s\n", p)
	}
	filepath.WalkDir(f.state, func(path string, d os.DirEntry, err error) error {
		// Locks stay by design, *.last are allocation hints, exec/ the
		// protected copy of the binary, made once.
		if err == nil && !d.IsDir() && !strings.HasSuffix(path, ".lock") && !strings.HasSuffix(path, ".last") && !strings.HasPrefix(path, filepath.Join(f.state, "exec")+"/") {
			fmt.Fprintf(&b, "state: %s\n", strings.TrimPrefix(path, f.state))
		}
		return nil
	})
	return b.String()
}

// vjailProcesses lists the live (not zombie) processes that are vjail's
// binary bin or a jail's init.
func vjailProcesses(bin string) []string {
	var out []string
	pids, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range pids {
		stat, err := os.ReadFile(p + "/stat")
		if err != nil {
			continue
		}
		if i := strings.LastIndexByte(string(stat), ')'); i < 0 || strings.HasPrefix(string(stat[i+1:]), " Z") {
			continue
		}
		cmdline, _ := os.ReadFile(p + "/cmdline")
		args := strings.ReplaceAll(strings.TrimRight(string(cmdline), "\x00"), "\x00", " ")
		if strings.HasPrefix(args, "vjail-init") || strings.Contains(args, bin) {
			out = append(out, args)
		}
	}
	slices.Sort(out)
	return out
}

// trace runs vjail with VJAIL_FAULT_TRACE and returns the steps it passed,
// each once, in order.
func (f *faultWorld) trace(args ...string) []string {
	file := filepath.Join(f.dir, "trace")
	os.Remove(file)
	if out, err := f.vjail([]string{"VJAIL_FAULT_TRACE=" + file}, args...); err != nil {
		f.t.Fatalf("%v: %v: %s", args, err, out)
	}
	b, _ := os.ReadFile(file)
	var steps []string
	for _, s := range strings.Fields(string(b)) {
		if !slices.Contains(steps, s) {
			steps = append(steps, s)
		}
	}
	return steps
}

// TestFaultInjection kills vjail start and vjail stop at each step in turn
// (VJAIL_FAULT; the steps are learnt from a traced run, about 30) and
// checks that the next commands leave the machine exactly as it was
// before: after a killed start, `vjail stop` alone, or `vjail start`
// (which must then succeed, finishing off the half-made jail) and `vjail
// stop`; after a killed stop, `vjail stop`.
func TestFaultInjection(t *testing.T) {
	f := newFaultWorld(t, "k")
	before := f.machineState()
	startSteps := f.trace("start", "k")
	stopSteps := f.trace("stop", "k")
	if after := f.machineState(); after != before {
		t.Fatalf("a plain start and stop changed the machine (-before +after):\n%s", cmp.Diff(before, after))
	}
	if len(startSteps) < 15 || len(stopSteps) < 8 {
		t.Fatalf("steps traced: start %v, stop %v; want at least 15 and 8", startSteps, stopSteps)
	}
	t.Logf("start steps: %v", startSteps)
	t.Logf("stop steps: %v", stopSteps)
	check := func(what string) {
		t.Helper()
		if after := f.machineState(); after != before {
			t.Errorf("%s: the machine differs (-before +after):\n%s", what, cmp.Diff(before, after))
		}
	}
	for i, step := range startSteps {
		out, err := f.vjail([]string{"VJAIL_FAULT=" + step}, "start", "k")
		if !killed(err) {
			t.Errorf("start with VJAIL_FAULT=%s was not killed: %v: %s", step, err, out)
		}
		if i%2 == 1 {
			// Killed once the jail was recorded as running, the start
			// had done its work: the jail exists.
			out, err := f.vjail(nil, "start", "k")
			if done := step == "start.running"; (err != nil) != done || done && !strings.Contains(out, "already exists") {
				t.Errorf("start after a start killed at %s: %v: %s", step, err, out)
			}
		}
		f.vjail(nil, "stop", "k") // "not running" when the kill came first
		check("start killed at " + step)
	}
	for _, step := range stopSteps {
		if out, err := f.vjail(nil, "start", "k"); err != nil {
			t.Fatalf("start before a stop killed at %s: %v: %s", step, err, out)
		}
		out, err := f.vjail([]string{"VJAIL_FAULT=" + step}, "stop", "k")
		if !killed(err) {
			t.Errorf("stop with VJAIL_FAULT=%s was not killed: %v: %s", step, err, out)
		}
		if out, err := f.vjail(nil, "stop", "k"); err != nil && !strings.Contains(out, "not running") && !strings.Contains(out, "ended by itself") {
			t.Errorf("stop after a stop killed at %s: %v: %s", step, err, out)
		}
		check("stop killed at " + step)
	}
}

// TestRandomCycles runs 1,000 randomly chosen start, stop, restart and
// killed start or stop commands on three jails (the seed is logged), then
// stops them and checks that the machine is as it was.
func TestRandomCycles(t *testing.T) {
	names := []string{"r1", "r2", "r3"}
	f := newFaultWorld(t, names...)
	before := f.machineState()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	counts := map[string]int{}
	for i := 0; i < 1000; i++ {
		name := names[rng.IntN(len(names))]
		op := []string{"start", "stop", "restart", "kill start", "kill stop"}[rng.IntN(5)]
		counts[op]++
		switch op {
		case "start", "stop", "restart":
			f.vjail(nil, op, name) // may fail: already running, not running
		default:
			verb := strings.TrimPrefix(op, "kill ")
			cmd := exec.Command("nsenter", "--net=/run/netns/"+f.ns, f.bin, "--state-dir", f.state, "-f", f.conf, "--networks", f.networks, verb, name)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(rng.IntN(25)) * time.Millisecond)
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Logf("operations: %v", counts)
	if out, err := f.vjail(nil, append([]string{"stop"}, names...)...); err != nil && !strings.Contains(out, "not running") {
		t.Logf("final stop: %v: %s", err, out)
	}
	for _, n := range names {
		f.vjail(nil, "stop", n)
	}
	if after := f.machineState(); after != before {
		t.Errorf("after 1,000 cycles the machine differs (-before +after):\n%s", cmp.Diff(before, after))
	}
}

// TestExecDuringStart: exec.poststart may run vjail exec in the jail it
// belongs to, as jexec works during jail(8)'s creation; after a start
// killed half-way, exec says so and the next start finishes the job.
func TestExecDuringStart(t *testing.T) {
	w := newWorld(t)
	root := w.userland("half")
	bin := staticBinary(t)
	w.writeConf(fmt.Sprintf(`half { path = %q; persist;
	exec.poststart = "%s --state-dir %s -f %s exec half /bin/echo from poststart"; }
`, root, bin, w.state, w.conf))
	if code, out := w.run(bin, "start", "half"); code != 0 || !strings.Contains(out, "from poststart\nhalf: created\n") {
		t.Errorf("start = %d: %q", code, out)
	}
	w.run(bin, "stop", "half")

	cmd := exec.Command(bin, "--state-dir", w.state, "-f", w.conf, "start", "half")
	cmd.Env = append(os.Environ(), "VJAIL_FAULT=start.exec-created")
	if err := cmd.Run(); !killed(err) {
		t.Fatalf("start with VJAIL_FAULT was not killed: %v", err)
	}
	if code, out := w.run(bin, "exec", "half", "/bin/true"); code == 0 || !strings.Contains(out, "its start was interrupted; `vjail start half` finishes it off") {
		t.Errorf("exec after a killed start = %d: %q", code, out)
	}
	if code, out := w.run(bin, "start", "half"); code != 0 {
		t.Errorf("start after a killed start = %d: %q", code, out)
	}
	if code, out := w.run(bin, "exec", "half", "/bin/echo", "ok"); code != 0 || out != "ok\n" {
		t.Errorf("exec after the start finished = %d: %q", code, out)
	}
}
