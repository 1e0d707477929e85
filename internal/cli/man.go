package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

func newManCmd(e *env, root *cobra.Command) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "man [--dir DIR]",
		Short: "Write vjail's manual pages (vjail(8), one per verb, and vjail-jail.conf(5))",
		Long: `Man writes troff manual pages for vjail and each of its verbs into DIR
(default ./man), from the same text as --help, and vjail-jail.conf.5: vjail's
jail.conf extensions and how this platform honours each FreeBSD parameter.
Install them with
  vjail man --dir /usr/local/share/man/man8`,
		Example: "  vjail man --dir /usr/local/share/man/man8",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			header := &doc.GenManHeader{Title: "VJAIL", Section: "8", Source: "vjail " + Version, Manual: "System Manager's Manual"}
			root.DisableAutoGenTag = true
			if err := doc.GenManTree(root, header, dir); err != nil {
				return err
			}
			f, err := os.Create(filepath.Join(dir, confManPage))
			if err != nil {
				return err
			}
			if err := writeConfManPage(f); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "manual pages written to %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "man", "write the pages into `DIR`")
	return cmd
}
