package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
)

func newConfigCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check and show jail.conf as vjail (and jail(8)) reads it",
	}
	cmd.AddCommand(newConfigCheckCmd(e), newConfigShowCmd(e), newConfigParamsCmd(e))
	return cmd
}

func newConfigCheckCmd(e *env) *cobra.Command {
	var strict bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check a configuration; print every problem as FILE:LINE:COL: message",
		Long: `Check reads the configuration, resolves every jail and reports every
problem on standard error as FILE:LINE:COL: message, including what would
stop a jail from starting here (no path, an address or a limit that is not
one). Errors make the exit status 1. Parameters this platform cannot honour, or honours differently,
are reported as warnings and notes; with --strict, warnings are errors.`,
		Example: "  vjail config check\n  vjail config check -f examples/seed/jail.conf",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l := e.load()
			l.diags = append(l.diags, l.runDiags()...).Dedup()
			l.diags.Sort()
			for _, d := range l.diags {
				fmt.Fprintln(e.stderr, d.Error())
			}
			failed := l.diags.HasErrors()
			if strict {
				for _, d := range l.diags {
					failed = failed || d.Severity == jailconf.SevWarning
				}
			}
			if failed {
				return exitError{exitFail}
			}
			if e.verbose {
				noun := "jails"
				if len(l.jails) == 1 {
					noun = "jail"
				}
				fmt.Fprintf(e.stdout, "%s: %d %s, valid\n", l.describeFiles(), len(l.jails), noun)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&strict, "strict", false, "treat warnings (parameters this platform cannot honour) as errors")
	return cmd
}

func newConfigShowCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [NAME...]",
		Short: "Print each jail's resolved parameters",
		Long: `Show prints each jail's parameters after inheritance from global and
wildcard sections, +=, .include and variable expansion: as jail.conf text
that jail(8) accepts, or with --json as
  {"jails": [{"name": "serverA", "params": {"path": ["/jails/serverA"], "vnet": []}}]}
NAME selects jails as "jail -c NAME" does: a jail's name, or a wildcard
such as "*" or "web.*".`,
		Example: "  vjail config show\n  vjail config show -f examples/seed/jail.conf --json serverA",
		RunE: func(cmd *cobra.Command, args []string) error {
			l := e.load()
			jails, selErr := jailconf.Select(l.jails, args)
			selected := make(map[string]bool, len(jails))
			for _, j := range jails {
				selected[j.Name] = true
			}
			failed := false
			for _, d := range l.diags {
				if d.Jail != "" && !selected[d.Jail] || d.Severity == jailconf.SevNote && !e.verbose {
					continue
				}
				fmt.Fprintln(e.stderr, d.Error())
				failed = failed || d.Severity == jailconf.SevError
			}
			if selErr != nil {
				fmt.Fprintf(e.stderr, "vjail: %v\n", selErr)
				failed = true
			}
			if failed {
				return exitError{exitFail}
			}
			if asJSON {
				return jailconf.WriteJSON(e.stdout, jails)
			}
			return jailconf.FormatJails(e.stdout, jails)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newConfigParamsCmd(e *env) *cobra.Command {
	var asJSON, asMarkdown bool
	cmd := &cobra.Command{
		Use:     "params",
		Short:   "List every parameter vjail knows, its type, and how " + jail.PlatformName + " honours it",
		Example: "  vjail config params\n  vjail config params --json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			type row struct {
				Name     string `json:"name"`
				Type     string `json:"type"`
				Origin   string `json:"origin"`
				ReadOnly bool   `json:"readonly"`
				Doc      string `json:"doc"`
				Support  string `json:"support"`
				How      string `json:"how"`
			}
			var rows []row
			for _, p := range jailconf.Params() {
				s := jail.ParamSupport(p.Name)
				rows = append(rows, row{p.Name, p.Kind.String(), p.Origin.String(), p.ReadOnly, p.Doc, s.Level.String(), s.How})
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			if asMarkdown {
				fmt.Fprintf(e.stdout, "| Parameter | Type | From | What it is (FreeBSD) | On %s | How |\n|---|---|---|---|---|---|\n", jail.PlatformName)
				for _, r := range rows {
					kind := r.Type
					if r.ReadOnly {
						kind += ", read-only"
					}
					fmt.Fprintf(e.stdout, "| `%s` | %s | %s | %s | %s | %s |\n", r.Name, kind, r.Origin, r.Doc, r.Support, r.How)
				}
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
			fmt.Fprintf(tw, "NAME\tTYPE\tFROM\t%s\tHOW\n", upper(jail.PlatformName))
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Type, r.Origin, r.Support, r.How)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&asMarkdown, "markdown", false, "print a Markdown table (the README's reference)")
	cmd.MarkFlagsMutuallyExclusive("json", "markdown")
	return cmd
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
