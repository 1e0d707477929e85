// Package fault lets a test kill vjail at a named step of its work, to
// prove that a crash at any point leaves nothing the next command cannot
// clean up. Each step calls Point with its name. With VJAIL_FAULT=NAME in
// its environment, vjail kills itself with SIGKILL the first time it
// reaches that step, as a crash or an administrator's kill -9 would; with
// VJAIL_FAULT_TRACE=FILE it appends each step's name to FILE, so that a
// test can learn every step a command passes. Without them, Point does
// nothing but compare a string.
package fault

import (
	"os"
	"syscall"
)

var (
	target = os.Getenv("VJAIL_FAULT")
	trace  = os.Getenv("VJAIL_FAULT_TRACE")
)

// Point marks the step name as reached.
func Point(name string) {
	if trace != "" {
		if f, err := os.OpenFile(trace, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
			f.WriteString(name + "\n")
			f.Close()
		}
	}
	if name == target {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
