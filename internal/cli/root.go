// Package cli is vjail's command line: one file per verb, thin over the
// packages that do the work. Errors become advice only here (hints.go).
package cli

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/fault"
	"github.com/vjail/vjail/internal/host/floor"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/state"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // the operation failed or the configuration is invalid
	exitUsage = 2 // the command line was wrong
)

// env is what a command may touch of the process: its streams. Commands
// get it instead of reaching for os.Stdout, so tests run them in-process.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// confFile is -f FILE; empty means the default configuration.
	confFile string
	verbose  bool
	// stateDir is --state-dir; empty means $VJAIL_STATE_DIR or /run/vjail.
	stateDir string
	// networksFile is --networks; empty means /etc/vjail/networks.conf.
	networksFile string
	// rcConf is --rc-conf; empty means /etc/rc.conf and its companions.
	rcConf string
	// dir and backend, once opened (openBackend).
	dir     *state.Dir
	backend jail.Backend
	// prestarted is the state directory flag with which Main started an
	// early init (plainStart), if it did.
	prestarted string
}

// exitError carries an exit status out of a command whose messages have
// already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Main runs vjail with args (without the program name) and returns the
// exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == linuxns.InitArg {
		return linuxns.InitMain()
	}
	if code, ok := helperMain(args); ok {
		return code
	}
	if len(args) > 0 && args[0] == linuxns.ServeArg {
		return linuxns.ServeMain(args[1:])
	}
	if len(args) > 1 && args[0] == floor.Arg {
		return floor.Main(args[1:])
	}
	fault.Time("cli.main")
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	// `vjail start NAME`'s early init goes before cobra has even built its
	// commands, from what the arguments plainly say: the sooner it
	// starts, the more of its work overlaps vjail's.
	if stateDir, name, ok := plainStart(args); ok {
		e.stateDir = stateDir
		release := e.prestart(name)
		defer release()
		e.prestarted = stateDir
	}
	root := newRoot(e)
	// cobra's completion command (and the __complete its scripts call)
	// only where it can be asked for or listed: setting it up took 0.1 to
	// 0.8 ms of every command (300 starts each way, in turns).
	if !wantsCompletion(args) {
		root.CompletionOptions.DisableDefaultCmd = true
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	fault.Time("cli.done")
	if err == nil {
		return exitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "vjail: %v\n", ue.err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "vjail: %v\n", advise(err))
	return exitFail
}

// usageError marks a wrong command line.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "vjail",
		Short: "Run servers in jails with their own network stacks, configured by jail.conf",
		Long: `vjail runs many servers on one host, each in a jail with its own root
directory, hostname, processes and (with vnet) complete network stack.
Jails are described in jail.conf(5), FreeBSD's own language.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVarP(&e.confFile, "file", "f", "", "configuration `FILE` (\"-\" for standard input; default /etc/jail.conf and /etc/jail.conf.d/*.conf)")
	pf.BoolVarP(&e.verbose, "verbose", "v", false, "say more")
	pf.StringVar(&e.rcConf, "rc-conf", "", "rc.conf `FILE` with jail_enable and jail_list (default /etc/rc.conf, /etc/rc.conf.local, /etc/rc.conf.d/jail)")
	pf.StringVar(&e.networksFile, "networks", "", "host networks `FILE` (default /etc/vjail/networks.conf)")
	pf.StringVar(&e.stateDir, "state-dir", "", "`DIR` where vjail keeps running jails' records and sockets (default $VJAIL_STATE_DIR or /run/vjail)")
	root.AddCommand(newConfigCmd(e), newVersionCmd(e), newStartCmd(e), newStopCmd(e), newRestartCmd(e),
		newExecCmd(e), newConsoleCmd(e), newListCmd(e), newVnetCmd(e), newCreateCmd(e), newDestroyCmd(e), newEnableCmd(e), newDisableCmd(e), newServiceCmd(e))
	root.AddCommand(platformCommands(e)...)
	root.AddCommand(newManCmd(e, root))
	return root
}

// plainStart reports whether args are a plain `start NAME...` with no
// flags but the global ones and -q, and returns its state directory flag
// (as cobra will read it) and first jail name. Anything else, cobra
// alone reads.
func plainStart(args []string) (stateDir, name string, ok bool) {
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-f" || a == "--file" || a == "--rc-conf" || a == "--networks" || a == "--state-dir":
			if i++; i == len(args) {
				return "", "", false
			}
			if a == "--state-dir" {
				stateDir = args[i]
			}
		case strings.HasPrefix(a, "--state-dir="):
			stateDir = strings.TrimPrefix(a, "--state-dir=")
		case strings.HasPrefix(a, "--file=") || strings.HasPrefix(a, "--rc-conf=") || strings.HasPrefix(a, "--networks="):
		case a == "-v" || a == "--verbose" || a == "-q" || a == "--quiet":
		case strings.HasPrefix(a, "-"):
			return "", "", false
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) < 2 || positional[0] != "start" {
		return "", "", false
	}
	return stateDir, positional[1], true
}

// wantsCompletion reports whether args ask for shell completion, or for
// help or manual pages that list the completion command.
func wantsCompletion(args []string) bool {
	if len(args) == 0 {
		return true
	}
	if strings.HasPrefix(args[0], "completion") || strings.HasPrefix(args[0], "__complete") || args[0] == "help" || args[0] == "man" {
		return true
	}
	return slices.Contains(args, "-h") || slices.Contains(args, "--help")
}

// noArgs is cobra.NoArgs as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q", cmd.CommandPath(), args)}
	}
	return nil
}
