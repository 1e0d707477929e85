package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/rcconf"
)

// rcSettings reads rc.conf's jail settings: from --rc-conf FILE, or from
// /etc/rc.conf, /etc/rc.conf.local and /etc/rc.conf.d/jail.
func (e *env) rcSettings() (rcconf.Settings, error) {
	files := rcconf.DefaultFiles
	if e.rcConf != "" {
		files = []string{e.rcConf}
	}
	return rcconf.Load(files)
}

// rcFile is the file enable and disable edit, as sysrc(8) edits
// /etc/rc.conf.
func (e *env) rcFile() string {
	if e.rcConf != "" {
		return e.rcConf
	}
	return rcconf.DefaultFiles[0]
}

// errNotEnabled is what rc.d/jail says when jail_enable is off.
func errNotEnabled(s rcconf.Settings) error {
	return fmt.Errorf("jail_enable is not YES in %s: set it with `vjail enable NAME`, or name the jails to start", strings.Join(s.Files, ", "))
}

// orderBy puts specs in the order of names (as jail_list gives it),
// the others after them in their own order.
func orderBy(specs []*jail.Spec, names []string) []*jail.Spec {
	out := slices.Clone(specs)
	pos := func(s *jail.Spec) int {
		if i := slices.Index(names, s.Block); i >= 0 {
			return i
		}
		return len(names)
	}
	slices.SortStableFunc(out, func(a, b *jail.Spec) int { return pos(a) - pos(b) })
	return out
}

func newEnableCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "enable NAME...",
		Short: "Start jails with the host: jail_enable=YES and NAME in jail_list, as sysrc(8) would",
		Long: `Enable sets jail_enable="YES" and adds each NAME to jail_list in /etc/rc.conf
(or --rc-conf FILE), so that "vjail start" without names, and the host at
boot, start them.`,
		Example: "  vjail enable serverA serverB",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := e.rcSettings()
			if err != nil {
				return err
			}
			list := s.List
			for _, n := range args {
				if !slices.Contains(list, n) {
					list = append(list, n)
				}
			}
			if err := rcconf.Set(e.rcFile(), "jail_list", strings.Join(list, " ")); err != nil {
				return err
			}
			return rcconf.Set(e.rcFile(), "jail_enable", "YES")
		},
	}
}

func newDisableCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "disable NAME...",
		Short: "Stop starting jails with the host: NAME out of jail_list",
		Long: `Disable removes each NAME from jail_list in /etc/rc.conf (or --rc-conf
FILE). When the list becomes empty it sets jail_enable="NO" too: an empty
jail_list means every jail to rc.d/jail.`,
		Example: "  vjail disable serverB",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := e.rcSettings()
			if err != nil {
				return err
			}
			if len(s.List) == 0 && s.Enable {
				return errors.New("jail_list is empty, which starts every jail: list the jails to keep with `vjail enable`, or set jail_enable=NO")
			}
			list := slices.DeleteFunc(slices.Clone(s.List), func(n string) bool { return slices.Contains(args, n) })
			if err := rcconf.Set(e.rcFile(), "jail_list", strings.Join(list, " ")); err != nil {
				return err
			}
			if len(list) == 0 {
				return rcconf.Set(e.rcFile(), "jail_enable", "NO")
			}
			return nil
		},
	}
}
