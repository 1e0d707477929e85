package provision

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// adaptInittab prepares a sysvinit /etc/inittab (a Debian userland, a
// copied server) for a jail that boots its own init, as LXC's templates
// do: gettys on virtual terminals the jail does not have are commented
// out (they would respawn in a loop; `vjail console` gives the login),
// and a power failure, which is what the SIGPWR of `vjail stop` without
// exec.stop means, halts the jail. A userland without an inittab, or one
// already adapted, is left as it is.
func adaptInittab(root string) error {
	path := filepath.Join(root, "etc/inittab")
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !st.Mode().IsRegular()) {
		return nil
	}
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(b), "\n")
	changed := false
	for i, line := range lines {
		f := strings.SplitN(strings.TrimRight(line, "\n"), ":", 4)
		if strings.HasPrefix(line, "#") || len(f) != 4 {
			continue
		}
		switch {
		case f[2] == "respawn" && vtGetty().MatchString(f[3]):
			lines[i] = "#" + line
		case f[2] == "powerwait" && strings.Contains(f[3], "/etc/init.d/powerfail"):
			lines[i] = "#" + line + f[0] + ":" + f[1] + ":powerwait:/sbin/shutdown -t1 -a -h now\n"
		default:
			continue
		}
		changed = true
	}
	if !changed {
		return nil
	}
	note := "# vjail: gettys on virtual terminals commented out (a jail has none:\n" +
		"# `vjail console NAME` gives a login), and a power failure (SIGPWR, what\n" +
		"# `vjail stop` sends without exec.stop) halts the jail.\n"
	return os.WriteFile(path, []byte(note+strings.Join(lines, "")), st.Mode().Perm())
}

// vtGetty matches a getty on a virtual terminal: "/sbin/getty 38400 tty2".
var vtGetty = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`getty\b.*\btty[0-9]+\b`) })
