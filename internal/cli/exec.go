package cli

import (
	"context"
	"errors"
	"os"

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
			req := jail.RunRequest{
				Argv: args[1:], User: jailUser, Env: os.Environ(), Clean: clean, Login: clean,
				Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
			}
			if f, ok := e.stdin.(*os.File); ok {
				req.Stdin = f
				if c, err := console.ConsoleFromFile(f); err == nil {
					req.TTY, req.Terminal = true, c
				}
			}
			if f, ok := e.stdout.(*os.File); ok {
				req.Stdout = f
			}
			if f, ok := e.stderr.(*os.File); ok {
				req.Stderr = f
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
