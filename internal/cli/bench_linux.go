package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/host/floor"
	"github.com/vjail/vjail/internal/host/initbin"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/state"
)

// platformCommands are the verbs only this platform has.
func platformCommands(e *env) []*cobra.Command {
	return []*cobra.Command{newBenchCmd(e), newNetCmd(e)}
}

func newBenchCmd(e *env) *cobra.Command {
	var runs, jails, netJails int
	var asJSON, withNet bool
	cmd := &cobra.Command{
		Use:   "bench [--runs N] [--jails N] [--json]",
		Short: "Measure jail start and stop latency and memory on this host",
		Long: `Bench prints a table: the median and 90th percentile time to start and to
stop a vnet jail that runs /bin/true, each as a whole vjail process, beside
the floor measured in the same run (a standard-library Go program that
re-executes itself in the same namespaces with the same id mapping,
pivot_roots into the same root and executes /bin/true), both again in
turns with each other (their ratio compares runs made under the same
conditions), and, when installed, unshare(1) with chroot, bubblewrap, crun,
lxc-execute and systemd-nspawn doing the same; then the host memory that
each idle persist vnet jail costs (slab, kernel stacks, page tables and the
PSS of its processes) measured over --jails jails. It needs root and
busybox-static, and makes everything it uses under a temporary directory.`,
		Example: "  vjail bench\n  vjail bench --runs 50 --jails 100 --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !withNet {
				netJails = 0
			}
			return runBench(e, runs, jails, netJails, asJSON)
		},
	}
	cmd.Flags().IntVar(&runs, "runs", 30, "runs of each start measurement")
	cmd.Flags().BoolVar(&withNet, "net", false, "also measure networking: start with an epair, the Nth jail on one bridge, TCP throughput (iperf3)")
	cmd.Flags().IntVar(&netJails, "net-jails", 1000, "with --net, how many jails on one bridge")
	cmd.Flags().IntVar(&jails, "jails", 100, "idle persist vnet jails for the memory measurement")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// benchRow is one line of the latency table.
type benchRow struct {
	What     string  `json:"what"`
	MedianMs float64 `json:"median_ms"`
	P90Ms    float64 `json:"p90_ms"`
	VsFloor  float64 `json:"vs_floor"`
	// StartInTurnsMs is, for another tool, the median of vjail's starts
	// measured in turns with its runs: the comparison that a machine's
	// slow and fast phases do not tilt.
	StartInTurnsMs float64 `json:"vjail_start_in_turns_ms,omitempty"`
	Note           string  `json:"note,omitempty"`
}

// benchMemory is the memory an idle persist vnet jail costs the host.
type benchMemory struct {
	Jails          int     `json:"jails"`
	SlabKiB        float64 `json:"slab_kib"`
	KernelStackKiB float64 `json:"kernel_stack_kib"`
	PageTablesKiB  float64 `json:"page_tables_kib"`
	PssKiB         float64 `json:"pss_kib"`
	TotalKiB       float64 `json:"total_kib"`
}

func runBench(e *env, runs, jails, netJails int, asJSON bool) error {
	if os.Geteuid() != 0 {
		return errors.New("bench runs jails: run it as root")
	}
	if _, err := os.Stat("/bin/busybox"); err != nil {
		return errors.New("bench needs /bin/busybox (apt-get install busybox-static)")
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	reclaimBenches(e, self)
	ctx, stopSignals := catchBenchSignals()
	defer stopSignals()
	dir, err := os.MkdirTemp("", "vjail-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Searchable by all: the floor's child, an unprivileged uid on the
	// host, walks this path by name.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	root := filepath.Join(dir, "root")
	if err := benchUserland(root); err != nil {
		return err
	}
	stateDir, done, err := benchStateDir("vjail-bench-", dir)
	if err != nil {
		return err
	}
	defer done()
	conf := filepath.Join(dir, "jail.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf("bench { path = %q; vnet; persist; exec.start = \"/bin/true\"; }\n", root)), 0o644); err != nil {
		return err
	}
	vjail := vjailRunner(ctx, self, stateDir, conf)
	defer vjailRunner(context.Background(), self, stateDir, conf)("stop", "-q")
	progress := func(what string) {
		if !asJSON {
			fmt.Fprintf(e.stderr, "measuring %s...\n", what)
		}
	}

	progress("the floor")
	floorBin, floorNote, err := floorBinary(dir, self)
	if err != nil {
		return err
	}
	// A whole process, as every other row is: the floor starts, re-execs
	// itself into the namespaces, and the child pivots and runs /bin/true.
	runFloor := func() error {
		if ctx.Err() != nil {
			return errInterrupted
		}
		out, err := exec.Command(floorBin, floor.Arg, root, strconv.Itoa(jail.FirstUID), strconv.Itoa(linuxns.IDRange)).CombinedOutput()
		if err != nil {
			return fmt.Errorf("floor: %v: %s", err, out)
		}
		return nil
	}
	floorRuns, err := measure(ctx, runs, runFloor)
	if err != nil {
		return err
	}
	progress("vjail start and stop")
	var starts, stops []time.Duration
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		if err := vjail("start", "-q", "bench"); err != nil {
			return err
		}
		t1 := time.Now()
		if err := vjail("stop", "-q", "bench"); err != nil {
			return err
		}
		starts, stops = append(starts, t1.Sub(t0)), append(stops, time.Since(t1))
	}
	// The same again in turns (floor, start, stop, floor, ...): in a row,
	// a small program run a hundred times has this machine's caches to
	// itself, and the floor measured up to 20% faster than in turns with
	// vjail, whose start alternates with its stop in any case. Both
	// ratios are printed.
	progress("the floor and vjail start, in turns")
	var floorTurns, startTurns []time.Duration
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		if err := runFloor(); err != nil {
			return err
		}
		t1 := time.Now()
		if err := vjail("start", "-q", "bench"); err != nil {
			return err
		}
		floorTurns, startTurns = append(floorTurns, t1.Sub(t0)), append(startTurns, time.Since(t1))
		if err := vjail("stop", "-q", "bench"); err != nil {
			return err
		}
	}
	rows := []benchRow{
		row("floor: process re-execs into the same namespaces and id map, pivot_root, /bin/true", floorRuns, floorRuns, floorNote),
		row("vjail start: vnet jail, exec.start /bin/true", starts, floorRuns, "whole process: config, state, idmapped root, init"),
		row("vjail stop", stops, floorRuns, ""),
		row("floor, in turns with vjail start", floorTurns, floorTurns, ""),
		row("vjail start, in turns with the floor", startTurns, floorTurns, "ratio to the floor in turns"),
	}
	for _, c := range comparisons(dir, root) {
		if _, err := exec.LookPath(c.bin); err != nil {
			rows = append(rows, benchRow{What: c.what, Note: c.bin + " not installed"})
			continue
		}
		progress(c.what)
		if err := c.setup(); err != nil {
			rows = append(rows, benchRow{What: c.what, Note: "setup failed: " + err.Error()})
			continue
		}
		// In turns with vjail's start (and its stop, untimed), as the
		// floor is above. vjail runs from another goroutine: this one may
		// be on a thread in a mount namespace of its own (hybridView).
		var d, starts []time.Duration
		err := onHybridHostView(c.hybridView, func() error {
			for i := 0; i < runs; i++ {
				if ctx.Err() != nil {
					return errInterrupted
				}
				t0 := time.Now()
				out, err := exec.Command(c.argv[0], c.argv[1:]...).CombinedOutput()
				if err != nil {
					return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
				}
				d = append(d, time.Since(t0))
				done := make(chan error)
				go func() {
					t0 := time.Now()
					err := vjail("start", "-q", "bench")
					starts = append(starts, time.Since(t0))
					if err == nil {
						err = vjail("stop", "-q", "bench")
					}
					done <- err
				}()
				if err := <-done; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			rows = append(rows, benchRow{What: c.what, Note: "failed: " + firstLine(err.Error())})
			continue
		}
		r := row(c.what, d, floorRuns, c.note)
		r.StartInTurnsMs = ms(quantile(starts, 0.5))
		rows = append(rows, r)
	}
	if ctx.Err() != nil {
		return errInterrupted
	}

	progress("where a start's time goes")
	steps, err := startBreakdown(ctx, dir, self, stateDir, conf, min(runs, 20))
	if err != nil {
		return err
	}

	progress(fmt.Sprintf("the memory of %d idle persist vnet jails", jails))
	mem, err := benchMem(ctx, self, dir, root, jails)
	if err != nil {
		return err
	}
	var nb *netBench
	if netJails > 0 {
		if nb, err = runNetBench(ctx, e, self, root, runs, netJails, asJSON); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Runs    int         `json:"runs"`
			Latency []benchRow  `json:"latency"`
			Steps   []benchStep `json:"start_steps"`
			Memory  benchMemory `json:"memory"`
			Net     *netBench   `json:"network,omitempty"`
		}{runs, rows, steps, mem, nb})
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "START TO /bin/true (%d runs)\tMEDIAN\tP90\tVS FLOOR\tVJAIL START IN TURNS\tNOTE\n", runs)
	for _, r := range rows {
		if r.MedianMs == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t%s\n", r.What, r.Note)
			continue
		}
		turns := "-"
		if r.StartInTurnsMs > 0 {
			turns = fmt.Sprintf("%.2f ms, %.2fx", r.StartInTurnsMs, r.StartInTurnsMs/r.MedianMs)
		}
		fmt.Fprintf(tw, "%s\t%.2f ms\t%.2f ms\t%.2fx\t%s\t%s\n", r.What, r.MedianMs, r.P90Ms, r.VsFloor, turns, r.Note)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nWHERE A START'S TIME GOES (median ms since vjail's packages began initialising)\n")
	tw = tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	prev := 0.0
	if len(steps) > 0 {
		prev = min(steps[0].Ms, 0)
	}
	for _, st := range steps {
		fmt.Fprintf(tw, "%s\t%.2f\t+%.2f\n", st.Step, st.Ms, st.Ms-prev)
		prev = st.Ms
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nHOST MEMORY PER IDLE PERSIST VNET JAIL (%d jails)\n", mem.Jails)
	tw = tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "slab\t%.0f KiB\n", mem.SlabKiB)
	fmt.Fprintf(tw, "kernel stacks\t%.0f KiB\n", mem.KernelStackKiB)
	fmt.Fprintf(tw, "page tables\t%.0f KiB\n", mem.PageTablesKiB)
	fmt.Fprintf(tw, "processes (PSS)\t%.0f KiB\n", mem.PssKiB)
	fmt.Fprintf(tw, "total\t%.0f KiB\n", mem.TotalKiB)
	if err := tw.Flush(); err != nil || nb == nil {
		return err
	}
	return nb.print(e, runs)
}

// floorBinary writes the embedded floor (cmd/vjail-floor) into dir and
// returns its path, with the note that says what it is. A vjail built
// without build.sh has none, and is its own floor: heavier, by the
// packages vjail links.
func floorBinary(dir, self string) (path, note string, err error) {
	b := initbin.Floor()
	if b == nil {
		return self, "vjail itself (built without build.sh), doing only that", nil
	}
	path = filepath.Join(dir, "vjail-floor")
	if err := os.WriteFile(path, b, 0o755); err != nil {
		return "", "", fmt.Errorf("write the floor's binary: %w", err)
	}
	return path, "a standard-library Go program, doing only that", nil
}

// benchStep is when a start reached one of its steps (fault.Point and
// fault.Time), in vjail or in the jail's init.
type benchStep struct {
	Step string  `json:"step"`
	Ms   float64 `json:"ms"`
}

// startBreakdown starts and stops the bench jail runs more times with
// VJAIL_FAULT_TIMES set (apart from the timed starts: recording costs a
// little) and returns the median time of each step from the start of
// vjail's package initialisation, in order, from the launch of vjail's
// process (before it: negative) to its exit.
func startBreakdown(ctx context.Context, dir, self, stateDir, conf string, runs int) ([]benchStep, error) {
	times := filepath.Join(dir, "times")
	if err := os.WriteFile(times, nil, 0o666); err != nil {
		return nil, err
	}
	// The jail's init, an unprivileged uid on the host, writes too.
	if err := os.Chmod(times, 0o666); err != nil {
		return nil, err
	}
	timed := vjailRunner(ctx, self, stateDir, conf, "VJAIL_FAULT_TIMES="+times)
	plain := vjailRunner(ctx, self, stateDir, conf) // the stop's steps are not recorded
	// When each start's process was launched and seen to exit, on the
	// clock of the times file: the Go runtime's start before vjail's
	// packages, and its exit, belong to a start's time too.
	var launched, exited []int64
	for i := 0; i < runs; i++ {
		launched = append(launched, time.Now().UnixMicro())
		if err := timed("start", "-q", "bench"); err != nil {
			return nil, err
		}
		exited = append(exited, time.Now().UnixMicro())
		if err := plain("stop", "-q", "bench"); err != nil {
			return nil, err
		}
	}
	b, err := os.ReadFile(times)
	if err != nil {
		return nil, err
	}
	// Lines are "PID STEP MICROSECONDS-SINCE-INIT UNIX-MICROSECONDS", in
	// order; each start begins with cli.main.
	at := map[string][]time.Duration{}
	var origin int64
	var seen map[string]bool
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 {
			continue
		}
		rel, err1 := strconv.ParseInt(f[2], 10, 64)
		abs, err2 := strconv.ParseInt(f[3], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		if f[1] == "cli.main" {
			origin, seen = abs-rel, map[string]bool{}
			if k := len(at["cli.main"]); k < len(launched) {
				at["process launched"] = append(at["process launched"], time.Duration(launched[k]-origin)*time.Microsecond)
				at["process exited"] = append(at["process exited"], time.Duration(exited[k]-origin)*time.Microsecond)
			}
		}
		if seen == nil || seen[f[1]] {
			continue
		}
		seen[f[1]] = true
		at[f[1]] = append(at[f[1]], time.Duration(abs-origin)*time.Microsecond)
	}
	var steps []benchStep
	for name, d := range at {
		steps = append(steps, benchStep{Step: name, Ms: ms(quantile(d, 0.5))})
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].Ms < steps[j].Ms })
	return steps, nil
}

// benchStateDir makes a state directory under /run, on tmpfs as the
// default /run/vjail is on a real host: where /run is not (this may be a
// bare container or test machine's disk), it mounts a tmpfs of its own
// there, so that the figures do not include a journal's file creation
// costs that no host pays. done unmounts and removes it.
//
// The bench holds a lock on the directory's owner file while it lives,
// which names work (the directory of its userland and configuration) and
// netns (network namespaces it made), so that the next bench can remove
// what one killed meanwhile left (reclaimBenches).
func benchStateDir(prefix, work string, netns ...string) (dir string, done func(), err error) {
	dir, err = os.MkdirTemp("/run", prefix)
	if err != nil {
		return "", nil, err
	}
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		os.Remove(dir)
		return "", nil, err
	}
	mounted := st.Type != unix.TMPFS_MAGIC
	if mounted {
		if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0700,size=64m"); err != nil {
			os.Remove(dir)
			return "", nil, fmt.Errorf("tmpfs for the bench's state at %s: %w", dir, err)
		}
	}
	remove := func() {
		if mounted {
			unix.Unmount(dir, unix.MNT_DETACH)
		}
		os.RemoveAll(dir)
	}
	owner, err := os.OpenFile(filepath.Join(dir, benchOwner), os.O_RDWR|os.O_CREATE, 0o600)
	if err == nil {
		if err = unix.Flock(int(owner.Fd()), unix.LOCK_EX); err == nil {
			_, err = fmt.Fprintf(owner, "%s\n%s\n", work, strings.Join(netns, " "))
		}
		if err != nil {
			owner.Close()
		}
	}
	if err != nil {
		remove()
		return "", nil, fmt.Errorf("the bench's state at %s: %w", dir, err)
	}
	return dir, func() {
		remove()
		owner.Close()
	}, nil
}

// benchOwner is the file in a bench's state directory that the bench
// holds locked while it lives.
const benchOwner = ".bench-owner"

// reclaimBenches removes what benches that died without cleaning up left
// (a SIGKILL, or an older vjail's death by SIGPIPE under `| head`): the
// jails of each state directory whose owner file no bench holds, its
// tmpfs, the directory itself, its bench's userland and network
// namespaces. A directory without an owner file is left for a minute: a
// bench may be about to make it.
func reclaimBenches(e *env, self string) {
	dirs, _ := filepath.Glob("/run/vjail-bench-*")
	for _, dir := range dirs {
		var work string
		var netns []string
		f, err := os.OpenFile(filepath.Join(dir, benchOwner), os.O_RDWR, 0)
		if err != nil {
			if st, err := os.Stat(dir); err != nil || time.Since(st.ModTime()) < time.Minute {
				continue
			}
		} else {
			if unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB) != nil {
				f.Close()
				continue // its bench lives
			}
			b, _ := io.ReadAll(f)
			f.Close()
			lines := strings.SplitN(string(b), "\n", 3)
			if len(lines) >= 2 {
				work, netns = lines[0], strings.Fields(lines[1])
			}
		}
		stop := exec.Command(self, "--state-dir", dir, "stop", "-q")
		if len(netns) > 0 {
			stop = exec.Command("nsenter", append([]string{"--net=/run/netns/" + netns[0], self}, stop.Args[1:]...)...)
		}
		stop.Run()
		for _, ns := range netns {
			exec.Command("ip", "netns", "del", ns).Run()
		}
		unix.Unmount(dir, unix.MNT_DETACH)
		os.RemoveAll(dir)
		if strings.HasPrefix(work, filepath.Join(os.TempDir(), "vjail-bench-")) {
			os.RemoveAll(work)
		}
		fmt.Fprintf(e.stderr, "removed what an earlier bench left: %s\n", dir)
	}
}

// errInterrupted ends a bench stopped by SIGINT or SIGTERM, once it has
// removed what it made.
var errInterrupted = errors.New("interrupted; what the bench made is removed")

// catchBenchSignals keeps SIGINT and SIGTERM from killing the bench
// before it has removed its jails, mounts and directories: they cancel
// the context, which the bench checks between runs. SIGPIPE (the output
// piped to a reader that quit, `vjail bench | head`) is caught too, so
// that a write fails instead of ending the process. stop restores the
// signals' defaults.
func catchBenchSignals() (ctx context.Context, stop func()) {
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	pipe := make(chan os.Signal, 1)
	signal.Notify(pipe, syscall.SIGPIPE)
	return ctx, func() {
		signal.Stop(pipe)
		cancel()
	}
}

// vjailRunner runs this binary as a whole process on one state directory
// and configuration, as an administrator would.
func vjailRunner(ctx context.Context, self, stateDir, conf string, env ...string) func(args ...string) error {
	return func(args ...string) error {
		if ctx.Err() != nil {
			return errInterrupted
		}
		all := append([]string{"--state-dir", stateDir, "-f", conf}, args...)
		cmd := exec.Command(self, all...)
		if len(env) > 0 {
			cmd.Env = append(os.Environ(), env...)
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("vjail %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return nil
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return s
}

// benchUserland makes the smallest root that runs /bin/true, with what
// nspawn wants to see of an OS tree.
func benchUserland(root string) error {
	for _, d := range []string{"bin", "etc", "proc", "dev", "sys", "tmp", "usr/lib"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return err
		}
	}
	b, err := os.ReadFile("/bin/busybox")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "bin/busybox"), b, 0o755); err != nil {
		return err
	}
	for _, c := range []string{"true", "sh"} {
		if err := os.Symlink("busybox", filepath.Join(root, "bin", c)); err != nil {
			return err
		}
	}
	files := map[string]string{
		"etc/os-release":     "ID=vjail-bench\nNAME=vjail-bench\n",
		"usr/lib/os-release": "ID=vjail-bench\nNAME=vjail-bench\n",
		"etc/passwd":         "root:x:0:0:root:/:/bin/sh\n",
		"etc/group":          "root:x:0:\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// comparison is another tool doing the same work.
type comparison struct {
	what, bin, note string
	argv            []string
	setup           func() error
	// hybridView runs the tool where a hybrid host's cgroup v2 hierarchy
	// is hidden (onHybridHostView).
	hybridView bool
}

// onHybridHostView runs f, and the processes it starts, in a mount
// namespace of their own where a hybrid host's cgroup v2 hierarchy
// (/sys/fs/cgroup/unified) is unmounted when hide is set and the host is
// one: crun refuses to run at all on such a host ("cgroups in hybrid
// mode not supported"), even with no cgroup manager; hidden, it sees a
// cgroup v1 host and runs. The host's own mounts are untouched. f runs on
// a thread locked to it for good, which ends with its namespace.
func onHybridHostView(hide bool, f func() error) error {
	var st unix.Statfs_t
	if !hide || unix.Statfs("/sys/fs/cgroup/unified", &st) != nil || st.Type != unix.CGROUP2_SUPER_MAGIC {
		return f()
	}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread's mount namespace is not the process's
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("a mount namespace: %w", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- fmt.Errorf("private mounts: %w", err)
			return
		}
		if err := unix.Unmount("/sys/fs/cgroup/unified", unix.MNT_DETACH); err != nil {
			errc <- fmt.Errorf("hide the cgroup v2 hierarchy: %w", err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

func comparisons(dir, root string) []comparison {
	none := func() error { return nil }
	bundle := filepath.Join(dir, "oci")
	lxcConf := filepath.Join(dir, "lxc.conf")
	return []comparison{
		{what: "unshare(1) + chroot", bin: "unshare", setup: none,
			argv: []string{"unshare", "--user", "--map-root-user", "--mount", "--pid", "--fork", "--uts", "--ipc", "--net", "--cgroup", "chroot", root, "/bin/true"},
			note: "no pivot_root, no id range"},
		{what: "bubblewrap", bin: "bwrap", setup: none,
			argv: []string{"bwrap", "--unshare-all", "--bind", root, "/", "/bin/true"}, note: "keeps no state"},
		{what: "crun", bin: "crun", setup: func() error { return ociBundle(bundle, root) },
			argv:       []string{"crun", "--cgroup-manager=disabled", "run", "--bundle", bundle, "vjail-bench"},
			note:       "no cgroup; a tmpfs /dev",
			hybridView: true},
		{what: "lxc-execute", bin: "lxc-execute", setup: func() error {
			return os.WriteFile(lxcConf, []byte(fmt.Sprintf("lxc.rootfs.path = dir:%s\nlxc.net.0.type = empty\nlxc.idmap = u 0 %d 65536\nlxc.idmap = g 0 %d 65536\nlxc.init.cmd = /bin/true\n", root, jail.FirstUID, jail.FirstUID)), 0o644)
		}, argv: []string{"lxc-execute", "-n", "vjail-bench", "-f", lxcConf, "-P", dir, "--", "/bin/true"}},
		{what: "systemd-nspawn", bin: "systemd-nspawn", setup: none,
			argv: []string{"systemd-nspawn", "-q", "-D", root, "--register=no", "--private-network", "--keep-unit", "/bin/true"}},
	}
}

// ociBundle writes a minimal OCI runtime bundle for crun that runs
// /bin/true in root with the same namespaces as a vnet jail.
func ociBundle(bundle, root string) error {
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return err
	}
	spec := map[string]any{
		"ociVersion": "1.0.2",
		"process": map[string]any{
			"args": []string{"/bin/true"}, "cwd": "/", "user": map[string]int{"uid": 0, "gid": 0},
			"env": []string{"PATH=/bin"},
		},
		"root": map[string]any{"path": root, "readonly": false},
		// crun makes /dev's device nodes, where the root's owner, the
		// host's root, lets the container's root write nothing.
		"mounts":   []any{map[string]any{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": []string{"nosuid", "mode=755"}}},
		"hostname": "bench",
		"linux": map[string]any{
			"namespaces": []map[string]string{
				{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}, {"type": "user"},
			},
			"uidMappings": []map[string]int{{"containerID": 0, "hostID": jail.FirstUID, "size": 65536}},
			"gidMappings": []map[string]int{{"containerID": 0, "hostID": jail.FirstUID, "size": 65536}},
		},
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(bundle, "config.json"), b, 0o644)
}

func measure(ctx context.Context, runs int, f func() error) ([]time.Duration, error) {
	var out []time.Duration
	for i := 0; i < runs; i++ {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		t0 := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t0))
	}
	return out, nil
}

func row(what string, d, floor []time.Duration, note string) benchRow {
	med, p90 := quantile(d, 0.5), quantile(d, 0.9)
	r := benchRow{What: what, MedianMs: ms(med), P90Ms: ms(p90), Note: note}
	if f := quantile(floor, 0.5); f > 0 {
		r.VsFloor = float64(med) / float64(f)
	}
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1))]
}

// benchMem starts n idle persist vnet jails and measures what they add to
// the kernel's slab, kernel stacks and page tables, and their processes'
// PSS (a shared page counts once across all of them).
func benchMem(ctx context.Context, self, dir, root string, n int) (benchMemory, error) {
	stateDir, done, err := benchStateDir("vjail-bench-mem-", dir)
	if err != nil {
		return benchMemory{}, err
	}
	defer done()
	conf := filepath.Join(dir, "mem.conf")
	var b strings.Builder
	fmt.Fprintf(&b, "path = %q; vnet; persist;\n", root)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "m%d { }\n", i)
	}
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		return benchMemory{}, err
	}
	run := vjailRunner(ctx, self, stateDir, conf)
	defer vjailRunner(context.Background(), self, stateDir, conf)("stop", "-q")
	time.Sleep(200 * time.Millisecond)
	before, err := meminfo()
	if err != nil {
		return benchMemory{}, err
	}
	if err := run("start", "-q"); err != nil {
		return benchMemory{}, err
	}
	time.Sleep(500 * time.Millisecond) // let the inits settle and return setup memory
	after, err := meminfo()
	if err != nil {
		return benchMemory{}, err
	}
	sd, err := state.Open(stateDir)
	if err != nil {
		return benchMemory{}, err
	}
	recs, err := sd.List()
	if err != nil {
		return benchMemory{}, err
	}
	var pss float64
	for _, r := range recs {
		pss += smapsPss(r.InitPID)
	}
	per := func(key string) float64 { return (after[key] - before[key]) / float64(n) }
	m := benchMemory{
		Jails:          n,
		SlabKiB:        per("Slab"),
		KernelStackKiB: per("KernelStack"),
		PageTablesKiB:  per("PageTables"),
		PssKiB:         pss / float64(n),
	}
	m.TotalKiB = m.SlabKiB + m.KernelStackKiB + m.PageTablesKiB + m.PssKiB
	return m, nil
}

// meminfo reads /proc/meminfo in KiB.
func meminfo() (map[string]float64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, err := strconv.ParseFloat(strings.Fields(v)[0], 64)
		if err == nil {
			out[k] = n
		}
	}
	return out, sc.Err()
}

// smapsPss is the proportional set size of pid in KiB.
func smapsPss(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "Pss:"); ok {
			n, _ := strconv.ParseFloat(strings.Fields(rest)[0], 64)
			return n
		}
	}
	return 0
}
