package cli

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/provision"
)

func newDestroyCmd(e *env) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "destroy NAME [--yes]",
		Short: "Remove a stopped jail's userland and its block in the configuration",
		Long: `Destroy removes the userland at a stopped jail's path and the jail's block
from the configuration file, after asking (or with --yes). It refuses while
the jail runs or while anything is mounted under its path, and never
follows a symlink out of the jail's root.`,
		Example: "  vjail destroy serverA --yes",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			conf := e.confFile
			if conf == "" {
				conf = jailconf.DefaultFile
			}
			m, err := e.manager(true)
			if err != nil {
				return err
			}
			if _, err := m.Running(context.Background(), name); err == nil {
				return fmt.Errorf("%s runs: stop it first (vjail stop %s)", name, name)
			}
			cfg, diags := jailconf.Loader{}.LoadFile(conf)
			if err := diags.Err(); err != nil {
				return err
			}
			jails, _ := cfg.Resolve()
			var path string
			var block *jailconf.Jail
			for _, j := range jails {
				if j.Name == name {
					block = j
					path, _ = j.String("path")
				}
			}
			if block == nil || path == "" {
				return fmt.Errorf("%s: no jail of that name with a path in %s", name, conf)
			}
			if !yes {
				fmt.Fprintf(e.stderr, "Remove %s and everything under it, and %s's block in %s? [y/N] ", path, name, conf)
				line, _ := bufio.NewReader(e.stdin).ReadString('\n')
				if a := strings.TrimSpace(line); a != "y" && a != "yes" {
					return fmt.Errorf("%s: not destroyed", name)
				}
			}
			if err := provision.Destroy(path); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := removeBlock(conf, block.Pos, name); err != nil {
				return fmt.Errorf("%s: userland removed, but its block: %w", name, err)
			}
			fmt.Fprintf(e.stdout, "%s: destroyed\n", name)
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask")
	return cmd
}

// removeBlock deletes the lines of jail name's block from file, when the
// block starts at pos in that file and its braces sit on lines of their
// own making (as `vjail create` writes them). Otherwise it leaves the file
// and says so.
func removeBlock(file string, pos jailconf.Pos, name string) error {
	if pos.File != file {
		return fmt.Errorf("the block is in %s: remove it there", pos.File)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	start := pos.Line - 1
	if start < 0 || start >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[start]), strings.Trim(quoteName(name), `"`)) &&
		!strings.HasPrefix(strings.TrimSpace(lines[start]), quoteName(name)) {
		return fmt.Errorf("cannot find the block at line %d: remove it by hand", pos.Line)
	}
	end := start
	for ; end < len(lines); end++ {
		if strings.TrimSpace(lines[end]) == "}" || strings.HasSuffix(strings.TrimSpace(lines[end]), "}") {
			break
		}
	}
	if end == len(lines) {
		return fmt.Errorf("cannot find the end of the block at line %d: remove it by hand", pos.Line)
	}
	// Only a plain block, alone on its lines (as create writes it): never
	// take a neighbour or a nested block with it.
	text := strings.Join(lines[start:end+1], "")
	if strings.Count(text, "{") != 1 || strings.Count(text, "}") != 1 || !strings.HasSuffix(strings.TrimRight(strings.TrimSpace(text), ";"), "}") {
		return fmt.Errorf("the block at line %d is not a plain block of its own: remove it by hand", pos.Line)
	}
	if start > 0 && strings.TrimSpace(lines[start-1]) == "" {
		start-- // the blank line create put before it
	}
	out := strings.Join(lines[:start], "") + strings.Join(lines[end+1:], "")
	return os.WriteFile(file, []byte(out), 0o644)
}
