package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
			if err := writeManTree(root, dir); err != nil {
				return err
			}
			if err := writeManFile(filepath.Join(dir, confManPage), writeConfManPage); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "manual pages written to %s\n", dir)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "man", "write the pages into `DIR`")
	return cmd
}

// writeManTree writes a page for cmd and for each of its visible
// subcommands, named as man(1) looks for them: "vjail net up" is
// vjail-net-up.8. vjail writes its own troff rather than rendering
// Markdown (cobra/doc): that renderer's packages cost every vjail
// process, a jail's init included, half a millisecond to initialise.
func writeManTree(cmd *cobra.Command, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeManTree(c, dir); err != nil {
			return err
		}
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	return writeManFile(filepath.Join(dir, name+".8"), func(w io.Writer) error { return writeManPage(w, cmd) })
}

func writeManFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeManPage writes one command's page: NAME, SYNOPSIS, DESCRIPTION,
// OPTIONS, EXAMPLES and SEE ALSO, from the text --help shows.
func writeManPage(w io.Writer, cmd *cobra.Command) error {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	line(`.TH "%s" "8" "" "vjail %s" "System Manager's Manual"`, roff(strings.ToUpper(name)), roff(Version))
	line(".SH NAME")
	line(`%s \- %s`, roff(name), roff(cmd.Short))
	line(".SH SYNOPSIS")
	line(".B %s", roff(cmd.UseLine()))
	line(".SH DESCRIPTION")
	text := cmd.Long
	if text == "" {
		text = cmd.Short
	}
	manText(&b, text)
	if cmd.HasAvailableLocalFlags() {
		line(".SH OPTIONS")
		manFlags(&b, cmd.LocalFlags())
	}
	if cmd.HasAvailableInheritedFlags() {
		line(".SH OPTIONS INHERITED FROM PARENT COMMANDS")
		manFlags(&b, cmd.InheritedFlags())
	}
	if cmd.Example != "" {
		line(".SH EXAMPLES")
		line(".nf")
		for _, l := range strings.Split(strings.TrimRight(cmd.Example, "\n"), "\n") {
			line("%s", roff(l))
		}
		line(".fi")
	}
	line(".SH SEE ALSO")
	var see []string
	if cmd.HasParent() {
		see = append(see, strings.ReplaceAll(cmd.Parent().CommandPath(), " ", "-")+"(8)")
	}
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand() {
			see = append(see, strings.ReplaceAll(c.CommandPath(), " ", "-")+"(8)")
		}
	}
	see = append(see, "jail.conf(5)", "jail(8)")
	line("%s", roff(strings.Join(see, ", ")))
	_, err := io.WriteString(w, b.String())
	return err
}

// manText writes help text as troff: a blank line starts a paragraph,
// indented lines (commands, lists) are kept as they are.
func manText(b *strings.Builder, text string) {
	filled := true
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		switch {
		case strings.TrimSpace(l) == "":
			if !filled {
				b.WriteString(".fi\n")
				filled = true
			}
			b.WriteString(".PP\n")
		case strings.HasPrefix(l, " "):
			if filled {
				b.WriteString(".nf\n")
				filled = false
			}
			b.WriteString(roff(l) + "\n")
		default:
			if !filled {
				b.WriteString(".fi\n")
				filled = true
			}
			b.WriteString(roff(l) + "\n")
		}
	}
	if !filled {
		b.WriteString(".fi\n")
	}
}

// manFlags lists flags as tagged paragraphs: the flag with its short
// form and argument in bold and italics, then its usage.
func manFlags(b *strings.Builder, flags *pflag.FlagSet) {
	flags.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		arg, usage := pflag.UnquoteUsage(f)
		tag := `\fB\-\-` + roff(f.Name) + `\fR`
		if f.Shorthand != "" {
			tag = `\fB\-` + roff(f.Shorthand) + `\fR, ` + tag
		}
		if arg != "" {
			tag += ` \fI` + roff(arg) + `\fR`
		}
		b.WriteString(".TP\n" + tag + "\n" + roff(usage) + "\n")
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" && f.DefValue != "0" {
			b.WriteString("Default: " + roff(f.DefValue) + ".\n")
		}
	})
}
