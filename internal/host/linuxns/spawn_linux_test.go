package linuxns

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSpawnDeadline: an init that never answers (here a script that only
// sleeps, in the init's place) makes Spawn fail when its context's
// deadline passes, not hang, and is killed.
func TestSpawnDeadline(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: Spawn makes user, mount and pid namespaces")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	// A sleep no other process on the machine has, to look for after.
	const marker = "31.4159"
	hang := filepath.Join(dir, "hang")
	if err := os.WriteFile(hang, []byte("#!/bin/sh\nexec sleep "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	began := time.Now()
	_, err = Spawn(ctx, SpawnSpec{
		Config:   InitConfig{Name: "hang", Path: root},
		Filters:  func() ([][]byte, error) { return nil, nil },
		UIDBase:  0x7ff00000,
		CgroupFD: -1,
		Socket:   filepath.Join(dir, "sock"),
		Log:      log,
		Binary:   hang,
	})
	if err == nil || !strings.Contains(err.Error(), "did not start") {
		t.Fatalf("Spawn of an init that never answers = %v, want it to say the init did not start", err)
	}
	if waited := time.Since(began); waited > 10*time.Second {
		t.Errorf("Spawn gave up after %s, want about the context's 1 s", waited)
	}
	if _, err := os.Stat(filepath.Join(dir, "sock")); err == nil {
		t.Error("the control socket is left behind")
	}
	// The kill is sent on the way out; the reaping goroutine collects it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := ""
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), marker) {
				left = p
			}
		}
		if left == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the init that never answered still runs (%s)", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
