package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vjail/vjail/internal/jail"
	"github.com/vjail/vjail/internal/jailconf"
	"github.com/vjail/vjail/internal/provision"
)

// DefaultJailsDir is where a new jail's userland goes when the
// configuration gives it no path.
const DefaultJailsDir = "/jails"

func newCreateCmd(e *env) *cobra.Command {
	var from, cache, include string
	cmd := &cobra.Command{
		Use:   "create NAME --from SOURCE",
		Short: "Put a userland at a jail's path and add the jail to the configuration",
		Long: `Create puts a userland at the jail's path (from the configuration, or
/jails/NAME) and, unless the configuration has the jail, adds a block for it.
SOURCE is busybox (a small userland from the host's busybox-static, with an
/etc/rc that starts /etc/rc.d/S* scripts), debootstrap[:SUITE] (a Debian
userland from the host's apt mirror, with the packages --include names;
--cache DIR keeps one to copy next time), a directory to copy (a running
machine's tree, as the seed suggests), or a tarball, plain or compressed
with gzip, bzip2 or xz (FreeBSD's base.txz too), extracted without letting
any entry out of the jail's root. The userland is built beside its path
and moved into place at the end: an interrupted create leaves nothing that a
later create or start would take for a complete userland.`,
		Example: "  vjail create serverA --from busybox\n  vjail create www --from debootstrap:bookworm\n  vjail create old-www --from /mnt/old-server\n  vjail create fbsd --from /tmp/base.txz",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := jail.ValidName(name); err != nil {
				return usageError{err}
			}
			conf := e.confFile
			if conf == "" {
				conf = jailconf.DefaultFile
			}
			path, hostname, inConf, hasHostname, err := e.newJailPath(conf, name)
			if err != nil {
				return err
			}
			pkgs, err := provision.Packages(include)
			if err != nil {
				return usageError{fmt.Errorf("--include: %w", err)}
			}
			debootstrap := from == "debootstrap" || strings.HasPrefix(from, "debootstrap:")
			if len(pkgs) > 0 && !debootstrap {
				return usageError{fmt.Errorf("--include adds Debian packages to --from debootstrap; it means nothing to --from %s", from)}
			}
			var fill func(string) error
			switch {
			case from == "busybox":
				fill = provision.Busybox("/bin/busybox", hostname)
			case debootstrap:
				fill = provision.Debootstrap(strings.TrimPrefix(strings.TrimPrefix(from, "debootstrap"), ":"), cache, pkgs, e.stderr)
			case filepath.IsAbs(from):
				st, err := os.Stat(from)
				if err != nil {
					return fmt.Errorf("--from %s: %w", from, err)
				}
				if st.IsDir() {
					fill = provision.Directory(from)
				} else {
					entries := 0
					fill = provision.Tarball(from, func(string) {
						if entries++; entries%5000 == 0 {
							fmt.Fprintf(e.stderr, "vjail: %s: %d entries...\n", name, entries)
						}
					})
				}
			default:
				return usageError{fmt.Errorf("--from %q: use busybox, debootstrap[:SUITE], or the absolute path of a directory to copy or of a tarball (.tar, .tar.gz, .tar.bz2, .txz: FreeBSD's base.txz too)", from)}
			}
			if err := provision.CheckFree(path); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			fmt.Fprintf(e.stderr, "vjail: %s: building the userland at %s...\n", name, path)
			if err := provision.Build(path, fill); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if !inConf {
				block := fmt.Sprintf("\n%s {\n\tpath = %q;\n", quoteName(name), path)
				if !hasHostname {
					block += fmt.Sprintf("\thost.hostname = %q;\n", hostname)
				}
				block += "}\n"
				if err := appendFile(conf, block); err != nil {
					return fmt.Errorf("%s: the userland is at %s, but adding its block to %s: %w", name, path, conf, err)
				}
				fmt.Fprintf(e.stderr, "vjail: %s: added to %s\n", name, conf)
			}
			fmt.Fprintf(e.stdout, "%s: userland created at %s\n", name, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "busybox, debootstrap[:SUITE], or a `DIR` to copy or a tarball to extract")
	cmd.Flags().StringVar(&cache, "cache", "", "with debootstrap, keep the downloaded userland in `DIR` and copy it next time")
	cmd.Flags().StringVar(&include, "include", "", "with debootstrap, also install these Debian packages (`PKG,...`), sysvinit-core for a jail that boots its own init")
	cmd.MarkFlagRequired("from")
	return cmd
}

// newJailPath finds where jail name's userland goes: the path the
// configuration resolves for it, or /jails/NAME, and its hostname, the
// configuration's or the jail's name (for a jail the
// configuration does not have yet, resolved as if its block were added, so
// that a global `path = "/jails/$name";` counts).
func (e *env) newJailPath(conf, name string) (path, hostname string, inConf, hasHostname bool, err error) {
	src, err := os.ReadFile(conf)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", "", false, false, err
	}
	ld := jailconf.Loader{ReadFile: func(p string) ([]byte, error) {
		if p == conf {
			return src, nil
		}
		return os.ReadFile(p)
	}}
	cfg, diags := ld.LoadFile(conf)
	if err := diags.Err(); err != nil && len(src) > 0 {
		return "", "", false, false, err
	}
	jails, _ := cfg.Resolve()
	for _, j := range jails {
		if j.Name == name {
			inConf = true
		}
	}
	if !inConf {
		src = append(src, []byte("\n"+quoteName(name)+" { }\n")...)
		cfg, _ = ld.LoadFile(conf)
		jails, _ = cfg.Resolve()
	}
	for _, j := range jails {
		if j.Name == name {
			path, _ = j.String("path")
			hostname, hasHostname = j.String("host.hostname")
		}
	}
	if path == "" {
		path = filepath.Join(DefaultJailsDir, name)
	}
	if hostname == "" {
		hostname = name
	}
	return path, hostname, inConf, hasHostname, nil
}

func quoteName(name string) string {
	if strings.ContainsAny(name, ".") {
		return fmt.Sprintf("%q", name)
	}
	return name
}

// appendFile appends text to a configuration file, atomically: a copy
// with the text is renamed over it, keeping its mode.
func appendFile(path, text string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".vjail-tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.Write(old)
	w.WriteString(text)
	if err = w.Flush(); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
