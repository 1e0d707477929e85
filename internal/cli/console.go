package cli

import (
	"context"
	"os"

	"github.com/containerd/console"
	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
)

func newConsoleCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "console NAME",
		Short: "Log in to a running jail, as /etc/rc.d/jail console does",
		Long: `Console runs login(1) as root inside the running jail NAME on a new
pseudo-terminal from the jail's own devpts, or a login shell as root when
the jail has no login(1). Standard input must be a terminal.`,
		Example: "  vjail console serverA",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, ok := e.stdin.(*os.File)
			if !ok {
				return errNoTerminal
			}
			term, err := console.ConsoleFromFile(f)
			if err != nil {
				return errNoTerminal
			}
			m, err := e.manager(true)
			if err != nil {
				return err
			}
			rec, err := m.Running(context.Background(), args[0])
			if err != nil {
				return err
			}
			req := jail.RunRequest{TTY: true, Terminal: term, Env: termEnv(), Login: true}
			req.Argv = []string{"/bin/sh", "-l"}
			for _, login := range []string{"/usr/bin/login", "/bin/login"} {
				if m.Backend.Exists(rec, login) {
					req.Argv = []string{login, "-f", "root"}
					break
				}
			}
			code, err := m.Exec(context.Background(), rec.Name, req)
			if err != nil {
				return err
			}
			if code != 0 {
				return exitError{code}
			}
			return nil
		},
	}
}

func termEnv() []string {
	env := []string{"PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin", "HOME=/root", "USER=root", "SHELL=/bin/sh"}
	if t := os.Getenv("TERM"); t != "" {
		env = append(env, "TERM="+t)
	}
	return env
}
