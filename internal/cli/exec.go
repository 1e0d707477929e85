package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/containerd/console"
	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
)

func newExecCmd(e *env) *cobra.Command {
	var jailUser string
	var clean bool
	cmd := &cobra.Command{
		Use:   "exec [-l] [-U USER] NAME CMD [ARG...]",
		Short: "Run a command inside a running jail, as jexec does",
		Long: `Exec runs CMD inside the running jail NAME (a name or a JID) with exactly
the jail's restrictions, as root or as -U USER of the jail's own password
database. Standard input, output and error pass through; when standard
input is a terminal the command gets a new pseudo-terminal from the jail's
own devpts (the caller's terminal never enters the jail). The command's exit
status is vjail's. -l gives a clean environment in the user's home, as
jexec -l does.`,
		Example: "  vjail exec serverA ps ax\n  vjail exec -U www serverA /usr/local/bin/app --check",
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := e.manager(true)
			if err != nil {
				return err
			}
			req := jail.RunRequest{Argv: args[1:], User: jailUser, Env: os.Environ(), Clean: clean, Login: clean}
			if f, ok := e.stdin.(*os.File); ok {
				if c, err := console.ConsoleFromFile(f); err == nil {
					req.TTY, req.Terminal = true, c
				}
			}
			if !req.TTY {
				stdio, done, err := fileStdio(e.stdin, e.stdout, e.stderr)
				if err != nil {
					return err
				}
				defer done()
				req.Stdin, req.Stdout, req.Stderr = stdio[0], stdio[1], stdio[2]
			}
			code, err := m.Exec(context.Background(), args[0], req)
			if err != nil {
				return err
			}
			if code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringVarP(&jailUser, "user", "U", "", "run as `USER` of the jail's password database")
	cmd.Flags().BoolVarP(&clean, "login", "l", false, "clean environment, in the user's home directory")
	return cmd
}

var errNoTerminal = errors.New("console needs a terminal on standard input")

// fileStdio gives a command in a jail vjail's own standard files, or pipes
// copying from and to them when they are not files (vjail run in-process)
// or are terminals.
// done closes the pipes and waits until the output is copied.
func fileStdio(in io.Reader, out, errOut io.Writer) ([3]*os.File, func(), error) {
	var files [3]*os.File
	var closers []func()
	var wg sync.WaitGroup
	done := func() {
		for _, c := range closers {
			c()
		}
		wg.Wait()
	}
	if f, ok := in.(*os.File); ok {
		files[0] = f
	} else {
		r, w, err := os.Pipe()
		if err != nil {
			return files, done, err
		}
		files[0] = r
		closers = append(closers, func() { r.Close() })
		go func() { io.Copy(w, in); w.Close() }()
	}
	for i, dst := range []io.Writer{out, errOut} {
		// A terminal of the caller's goes through a pipe, never into the jail.
		if f, ok := dst.(*os.File); ok && !jail.IsTerminal(f) {
			files[i+1] = f
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			return files, done, err
		}
		files[i+1] = w
		wg.Add(1)
		go func() { io.Copy(dst, r); r.Close(); wg.Done() }()
		closers = append(closers, func() { w.Close() })
	}
	return files, done, nil
}
