package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBench runs `vjail bench` briefly, as build.sh builds vjail, and
// checks what it reports, not how fast: every row of the latency table
// is there (the floor the embedded standard-library program, the rows
// in turns, every other tool with vjail's start in turns with it), the steps of a start reach the init, the memory of idle
// jails was measured, and the bench leaves nothing behind.
func TestBench(t *testing.T) {
	requireRoot(t)
	bin := staticBinary(t)
	before := benchLeftovers()
	out, err := exec.Command(bin, "bench", "--runs", "3", "--jails", "2", "--json").Output()
	if err != nil {
		t.Fatalf("vjail bench: %v: %s", err, out)
	}
	var res struct {
		Runs    int        `json:"runs"`
		Latency []benchRow `json:"latency"`
		Steps   []struct {
			Step string  `json:"step"`
			Ms   float64 `json:"ms"`
		} `json:"start_steps"`
		Memory benchMemory `json:"memory"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("bench --json: %v: %s", err, out)
	}
	rows := map[string]benchRow{}
	for _, r := range res.Latency {
		rows[strings.SplitN(r.What, ":", 2)[0]] = r
	}
	for _, what := range []string{"floor", "vjail start", "vjail stop", "floor, in turns with vjail start", "vjail start, in turns with the floor"} {
		if r, ok := rows[what]; !ok || r.MedianMs <= 0 || r.VsFloor <= 0 {
			t.Errorf("latency row %q = %+v, want measured (rows: %+v)", what, r, res.Latency)
		}
	}
	// Every other tool that ran was measured in turns with vjail's start.
	for _, r := range res.Latency {
		if r.MedianMs > 0 && !strings.HasPrefix(r.What, "floor") && !strings.HasPrefix(r.What, "vjail") && r.StartInTurnsMs <= 0 {
			t.Errorf("row %q has no vjail start in turns with it: %+v", r.What, r)
		}
	}
	if note := rows["floor"].Note; !strings.Contains(note, "standard-library") {
		t.Errorf("the floor is %q, want the embedded standard-library program", note)
	}
	steps := map[string]bool{}
	for _, s := range res.Steps {
		steps[s.Step] = true
	}
	for _, want := range []string{"cli.main", "spawn.started", "init.main", "init.ready", "init.exited", "process exited"} {
		if !steps[want] {
			t.Errorf("start steps lack %s: %+v", want, res.Steps)
		}
	}
	// Over two jails, the kernel's counters (slab, stacks, page tables)
	// change within their own noise, and with the other packages' tests
	// that run meanwhile (one run measured -38 KiB in all): only the
	// jails' processes, measured one by one, must show.
	if m := res.Memory; m.Jails != 2 || m.PssKiB <= 0 {
		t.Errorf("memory = %+v, want 2 jails measured", m)
	}
	if after := benchLeftovers(); after != before {
		t.Errorf("bench left behind: %s (before: %s)", after, before)
	}
}

// benchLeftovers lists what a bench makes and must remove: its
// directories under /tmp and /run and their mounts.
func benchLeftovers() string {
	var out []string
	for _, pattern := range []string{filepath.Join(os.TempDir(), "vjail-bench-*"), "/run/vjail-bench-*"} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	if m := mountsUnder("/run/vjail-bench-"); m != "" {
		out = append(out, m)
	}
	return strings.Join(out, " ")
}
