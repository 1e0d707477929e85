package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
)

// unitName is the systemd unit vjail installs.
const unitName = "vjail.service"

// systemdUnit is the unit that starts the jails with the host, as
// /etc/rc.d/jail does on FreeBSD: `vjail start` without names follows
// rc.conf's jail_enable and jail_list.
func systemdUnit(binary string) string {
	return fmt.Sprintf(`[Unit]
Description=vjail: the jails of jail_list in /etc/rc.conf (jail_enable)
Documentation=https://github.com/vjail/vjail
After=local-fs.target network-online.target
Wants=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=%[1]s start
ExecStop=%[1]s stop
# Each jail has stop.timeout (10 s by default) to end its processes.
TimeoutStopSec=5min

[Install]
WantedBy=multi-user.target
`, binary)
}

func newServiceCmd(e *env) *cobra.Command {
	var root, binary string
	cmd := &cobra.Command{
		Use:   "service",
		Short: "Install or remove the systemd unit that starts the jails with the host",
	}
	install := &cobra.Command{
		Use:   "install [--root DIR] [--binary PATH]",
		Short: "Write and enable vjail.service",
		Long: `Install writes /etc/systemd/system/vjail.service, which runs "vjail start" at
boot and "vjail stop" at shutdown (both follow rc.conf's jail_enable and
jail_list, as /etc/rc.d/jail does), and enables it as "systemctl enable"
would. Without systemd, run "vjail start" from /etc/rc.local or an
/etc/init.d script instead (see README.md).`,
		Example: "  vjail service install",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if binary == "" {
				self, err := os.Executable()
				if err != nil {
					return err
				}
				binary = self
			}
			dir := filepath.Join(root, "etc/systemd/system")
			wants := filepath.Join(dir, "multi-user.target.wants")
			if err := os.MkdirAll(wants, 0o755); err != nil {
				return err
			}
			unit := filepath.Join(dir, unitName)
			if err := os.WriteFile(unit+".vjail-tmp", []byte(systemdUnit(binary)), 0o644); err != nil {
				return err
			}
			if err := os.Rename(unit+".vjail-tmp", unit); err != nil {
				return err
			}
			link := filepath.Join(wants, unitName)
			os.Remove(link)
			if err := os.Symlink(filepath.Join("..", unitName), link); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "installed and enabled %s\n", unit)
			return daemonReload(root)
		},
	}
	uninstall := &cobra.Command{
		Use:     "uninstall [--root DIR]",
		Short:   "Disable and remove vjail.service",
		Example: "  vjail service uninstall",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := filepath.Join(root, "etc/systemd/system")
			for _, p := range []string{filepath.Join(dir, "multi-user.target.wants", unitName), filepath.Join(dir, unitName)} {
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			fmt.Fprintf(e.stdout, "removed %s\n", filepath.Join(dir, unitName))
			return daemonReload(root)
		},
	}
	for _, c := range []*cobra.Command{install, uninstall} {
		c.Flags().StringVar(&root, "root", "/", "install under `DIR` instead of /")
	}
	install.Flags().StringVar(&binary, "binary", "", "the vjail `PATH` the unit runs (default: this binary)")
	cmd.AddCommand(install, uninstall)
	return cmd
}

// daemonReload tells a running systemd about the change; on another root,
// or without systemd, there is nothing to tell.
func daemonReload(root string) error {
	if filepath.Clean(root) != "/" {
		return nil
	}
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		return nil
	}
	if out, err := exec.Command("systemctl", "daemon-reload").CombinedOutput(); err != nil {
		return fmt.Errorf("systemctl daemon-reload: %v: %s", err, out)
	}
	return nil
}
