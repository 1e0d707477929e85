package jail

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vjail/vjail/internal/host/linuxns"
)

// linuxMounts translates a jail's mount parameters into mounts inside its
// root, in jail(8)'s order (command.c startcommands): the mount lines,
// then mount.fstab files, then mount.devfs, mount.fdescfs, mount.procfs.
// FreeBSD file systems become their Linux equivalents: procfs and
// linprocfs are proc, linsysfs is sysfs, nullfs is a bind mount, fdescfs
// is the /dev/fd links. Targets are host paths under the jail's path, as
// in FreeBSD's fstab lines; they are mounted inside the jail's own mount
// namespace, where the host never sees them.
func linuxMounts(s *Spec, fstabFiles []string) ([]linuxns.Mount, error) {
	lines := append([]Mount(nil), s.Mounts...)
	for _, f := range fstabFiles {
		if f == "" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("mount.fstab: %w", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			m, err := ParseFstabLine(l)
			if err != nil {
				return nil, fmt.Errorf("mount.fstab %s: %w", f, err)
			}
			if m != nil {
				lines = append(lines, *m)
			}
		}
	}
	var out []linuxns.Mount
	binds := 0
	for _, m := range lines {
		lm, err := translateMount(s.Path, m)
		if err != nil {
			return nil, err
		}
		if lm.Kind == "bind" {
			lm.FD = binds
			binds++
		}
		out = append(out, lm)
	}
	if s.MountDevfs {
		out = append(out, linuxns.Mount{Kind: "devfs", Target: "/dev"})
	}
	if s.MountFdescfs {
		out = append(out, linuxns.Mount{Kind: "fdescfs", Target: "/dev/fd"})
	}
	if s.MountProcfs {
		out = append(out, linuxns.Mount{Kind: "proc", Target: "/proc"})
	}
	return out, nil
}

// mountFlagOptions are the options that become mount flags on Linux.
var mountFlagOptions = []string{"noexec", "nosuid", "nodev"}

func translateMount(root string, m Mount) (linuxns.Mount, error) {
	target, err := insidePath(root, m.Target)
	if err != nil {
		return linuxns.Mount{}, fmt.Errorf("mount %q: %w", m.Line, err)
	}
	lm := linuxns.Mount{Target: target}
	var opts []string
	for _, o := range m.Options {
		switch o {
		case "ro", "rdonly":
			lm.ReadOnly = true
		case "rw", "defaults", "":
		default:
			opts = append(opts, o)
		}
	}
	switch m.Type {
	case "procfs", "linprocfs", "proc":
		lm.Kind = "proc"
	case "linsysfs", "sysfs":
		lm.Kind = "sysfs"
	case "tmpfs":
		lm.Kind = "tmpfs"
		for _, o := range opts {
			if k, _, _ := strings.Cut(o, "="); !slices.Contains([]string{"size", "mode", "nr_inodes", "uid", "gid"}, k) && !slices.Contains(mountFlagOptions, o) {
				return linuxns.Mount{}, fmt.Errorf("mount %q: tmpfs option %q is not supported on Linux", m.Line, o)
			}
		}
		lm.Options = opts
	case "nullfs", "bind":
		lm.Kind = "bind"
		for _, o := range opts {
			if !slices.Contains(mountFlagOptions, o) {
				return linuxns.Mount{}, fmt.Errorf("mount %q: nullfs option %q is not supported on Linux (ro, noexec, nosuid and nodev are)", m.Line, o)
			}
		}
		lm.Options = opts
		if !filepath.IsAbs(m.Source) {
			return linuxns.Mount{}, fmt.Errorf("mount %q: the source of a nullfs mount must be an absolute host path", m.Line)
		}
		lm.Source = filepath.Clean(m.Source)
	case "fdescfs":
		lm.Kind = "fdescfs"
	case "devfs":
		lm.Kind = "devfs"
	default:
		return linuxns.Mount{}, fmt.Errorf("mount %q: %s file systems cannot be mounted in a jail on %s (procfs, linsysfs, tmpfs, nullfs, fdescfs and devfs can)", m.Line, m.Type, PlatformName)
	}
	return lm, nil
}

// insidePath turns a host path under root into the same path as the jail
// sees it. The result is only a name: the init resolves it inside the
// root without following symlinks out.
func insidePath(root, hostPath string) (string, error) {
	if !filepath.IsAbs(hostPath) {
		return "", fmt.Errorf("target %s is not an absolute path", hostPath)
	}
	rel, err := filepath.Rel(root, filepath.Clean(hostPath))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", fmt.Errorf("target %s is outside the jail's path %s", hostPath, root)
	}
	return filepath.Join("/", rel), nil
}
