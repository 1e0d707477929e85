package provision

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Debootstrap fills dir with a Debian userland of suite (minbase) and the
// packages of include, from the mirror the host's apt uses, so that
// apt-get works inside the jail later. With cache set, a finished userland
// is kept there (one per suite and package set) and later creates copy it
// instead of downloading again. out receives debootstrap's progress.
func Debootstrap(suite, cache string, include []string, out io.Writer) func(dir string) error {
	return func(dir string) error {
		if suite == "" {
			suite = hostCodename()
		}
		if suite == "" {
			return fmt.Errorf("debootstrap: name a suite (--from debootstrap:bookworm)")
		}
		if cache != "" {
			key := "debootstrap-" + suite
			if len(include) > 0 {
				key += "+" + strings.Join(include, ",")
			}
			cached := filepath.Join(cache, key)
			if _, err := os.Stat(filepath.Join(cached, "etc/debian_version")); err != nil {
				if err := Build(cached, Debootstrap(suite, "", include, out)); err != nil {
					return err
				}
			}
			fmt.Fprintf(out, "copying the cached %s userland from %s\n", suite, cached)
			return Directory(cached)(dir)
		}
		args := []string{"--variant=minbase"}
		if len(include) > 0 {
			args = append(args, "--include="+strings.Join(include, ","))
		}
		args = append(args, suite, dir, hostMirror())
		cmd := exec.Command("debootstrap", args...)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("debootstrap %s: %w", strings.Join(args, " "), err)
		}
		return nil
	}
}

// hostCodename is VERSION_CODENAME of the host's /etc/os-release.
func hostCodename() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VERSION_CODENAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// hostMirror is the first Debian mirror of the host's apt sources (deb822
// .sources files or sources.list), else deb.debian.org.
func hostMirror() string {
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	files = append(files, "/etc/apt/sources.list")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if v, ok := strings.CutPrefix(line, "URIs:"); ok {
				if u := strings.Fields(v); len(u) > 0 && !strings.Contains(u[0], "security") {
					return u[0]
				}
			}
			if f := strings.Fields(line); len(f) >= 3 && f[0] == "deb" {
				u := f[1]
				if strings.HasPrefix(u, "[") && len(f) >= 4 {
					u = f[2]
				}
				if !strings.Contains(u, "security") {
					return u
				}
			}
		}
	}
	return "http://deb.debian.org/debian"
}

// Packages checks a list of Debian package names (debootstrap's
// --include) and returns it sorted, so that one set has one cache.
func Packages(list string) ([]string, error) {
	var pkgs []string
	for _, p := range strings.Split(list, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !debianPackage().MatchString(p) {
			return nil, fmt.Errorf("%q is not a Debian package name (lower-case letters, digits and + - ., two characters at least)", p)
		}
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	return slices.Compact(pkgs), nil
}

// debianPackage is Debian policy 5.6.1's package name.
var debianPackage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`) })
