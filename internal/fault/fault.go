// Package fault lets a test kill vjail at a named step of its work, to
// prove that a crash at any point leaves nothing the next command cannot
// clean up. Each step calls Point with its name. With VJAIL_FAULT=NAME in
// its environment, vjail kills itself with SIGKILL the first time it
// reaches that step, as a crash or an administrator's kill -9 would; with
// VJAIL_FAULT_TRACE=FILE it appends each step's name to FILE, so that a
// test can learn every step a command passes. VJAIL_FAULT_TIMES=FILE
// appends each step's name with the microseconds since vjail's packages
// were initialised, which is how the benchmarks' figures are broken down.
// Without them, Point does nothing but compare a string.
package fault

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

var (
	target = os.Getenv("VJAIL_FAULT")
	trace  = os.Getenv("VJAIL_FAULT_TRACE")
	times  = os.Getenv("VJAIL_FAULT_TIMES")
	begun  = time.Now()
	// timesFile stays open: a step may come after a pivot_root.
	timesFile *os.File
)

// Time records, with VJAIL_FAULT_TIMES, when a moment of interest that
// is not a step (no fault is injected there) was reached.
func Time(name string) {
	if times != "" {
		record(name)
	}
}

func record(name string) {
	if timesFile == nil {
		timesFile, _ = os.OpenFile(times, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	}
	if timesFile != nil {
		fmt.Fprintf(timesFile, "%d %s %d %d\n", os.Getpid(), name, time.Since(begun).Microseconds(), time.Now().UnixMicro())
	}
}

// Point marks the step name as reached.
func Point(name string) {
	if trace != "" {
		if f, err := os.OpenFile(trace, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			f.WriteString(name + "\n")
			f.Close()
		}
	}
	if times != "" {
		record(name)
	}
	if name == target {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
