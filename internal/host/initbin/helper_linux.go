package initbin

import (
	"errors"
	"fmt"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// Helper returns a command that runs the embedded Go binary
// (cmd/vjail-init) with args, for work whose libraries vjail itself does
// not link (their package initialisation would slow every command), and
// a function that releases what the command was made from once it has
// started. The binary is executed from a sealed memfd: the work is the
// host's, so no protected copy under a state directory is needed.
func Helper(args ...string) (*exec.Cmd, func(), error) {
	if initBinary == nil {
		return nil, nil, errors.New("this vjail carries no helper binary (build it with build.sh)")
	}
	fd, err := unix.MemfdCreate("vjail-helper", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, nil, fmt.Errorf("helper binary: %w", err)
	}
	f := os.NewFile(uintptr(fd), "vjail-helper")
	if _, err := f.Write(initBinary); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("helper binary: %w", err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SEAL|unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("helper binary: %w", err)
	}
	// Executed as the child's descriptor 3, which it receives open.
	cmd := exec.Command("/proc/self/fd/3", args...)
	cmd.Args[0] = "vjail-helper"
	cmd.ExtraFiles = []*os.File{f}
	return cmd, func() { f.Close() }, nil
}
