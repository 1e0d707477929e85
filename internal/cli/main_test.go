package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMain lets the test binary serve as the jails' init: the runtime
// starts /proc/self/exe, which in a test is this binary.
func TestMain(m *testing.M) {
	// The jail's init and its helpers (__vjail_init, __vjail_dhcp, ...).
	if len(os.Args) > 1 && strings.HasPrefix(os.Args[1], "__vjail_") {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	if testBuilds.dir != "" {
		os.RemoveAll(testBuilds.dir)
	}
	if leaks := leakedCgroups(); leaks != "" && code == 0 {
		fmt.Fprintf(os.Stderr, "tests left cgroups behind: %s\n", leaks)
		code = 1
	}
	os.Exit(code)
}

// leakedCgroups lists the cgroups of test state directories (vjail-HASH)
// that still exist, on the v2 hierarchy and on every v1 one (where
// rctl.* limits live on a hybrid host).
func leakedCgroups() string {
	var out []string
	for _, pattern := range []string{"/sys/fs/cgroup/vjail-*", "/sys/fs/cgroup/*/vjail-*"} {
		m, _ := filepath.Glob(pattern)
		out = append(out, m...)
	}
	return strings.Join(out, " ")
}

// testBuilds is the directory that the programs built for this test run
// (probe, escape, build.sh's vjail) share, removed when the run ends.
var testBuilds struct {
	once sync.Once
	dir  string
	err  error
}

// testBuildDir makes testBuilds' directory on first use.
func testBuildDir() (string, error) {
	testBuilds.once.Do(func() {
		testBuilds.dir, testBuilds.err = os.MkdirTemp("", "vjail-test-builds-")
	})
	return testBuilds.dir, testBuilds.err
}
