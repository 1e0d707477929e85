// Package provision puts userlands where jails expect them: a small one
// from the host's busybox-static, or a copy of a directory (a running
// machine's tree, as the seed suggests). A userland is built beside its
// destination and renamed into place at the end, so that a create that
// fails or is interrupted leaves nothing a later create or start would
// take for a complete userland.
package provision

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// partialSuffix marks a userland under construction.
const partialSuffix = ".vjail-partial"

// ErrExists is returned when the destination holds something already.
var ErrExists = errors.New("already exists")

// CheckFree tells whether a userland can be built at dst: it must not
// exist, or be an empty directory.
func CheckFree(dst string) error {
	entries, err := os.ReadDir(dst)
	if err == nil && len(entries) > 0 {
		return fmt.Errorf("%s: %w (not empty); destroy it first", dst, ErrExists)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Build makes a userland at dst with fill, which populates a fresh
// directory. dst must not exist, or be an empty directory.
func Build(dst string, fill func(dir string) error) (err error) {
	if err := CheckFree(dst); err != nil {
		return err
	}
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return err
	}
	tmp := dst + partialSuffix
	os.RemoveAll(tmp) // what an interrupted create left
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := fill(tmp); err != nil {
		return err
	}
	if err := adaptInittab(tmp); err != nil {
		return err
	}
	os.Remove(dst) // an empty directory, if any
	return os.Rename(tmp, dst)
}

// Busybox fills dir with a userland from the host's busybox-static: every
// applet linked where busybox says it lives, a root account, a hostname,
// an /etc/rc that starts the services in /etc/rc.d (S* scripts, in
// order) as a FreeBSD-style rc would, /etc/rc.shutdown that stops them,
// and an /etc/inittab that runs both when the jail boots busybox's init.
func Busybox(busybox, hostname string) func(dir string) error {
	return func(dir string) error {
		out, err := exec.Command(busybox, "--list-full").Output()
		if err != nil {
			return fmt.Errorf("%s --list-full: %w (is busybox-static installed?)", busybox, err)
		}
		for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc/rc.d", "dev", "proc", "sys", "root", "var/log", "var/run", "var/www"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				return err
			}
		}
		if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o1777); err != nil {
			return err
		}
		os.Chmod(filepath.Join(dir, "tmp"), 0o1777)
		os.Chmod(filepath.Join(dir, "root"), 0o700)
		if err := copyFile(busybox, filepath.Join(dir, "bin/busybox")); err != nil {
			return err
		}
		for _, applet := range strings.Fields(string(out)) {
			if applet == "bin/busybox" || strings.Contains(applet, "..") {
				continue
			}
			link := filepath.Join(dir, applet)
			rel, _ := filepath.Rel(filepath.Dir(link), filepath.Join(dir, "bin/busybox"))
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				return err
			}
			if err := os.Symlink(rel, link); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
		}
		files := map[string]string{
			"etc/passwd":      "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
			"etc/group":       "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n",
			"etc/shadow":      "root::19000:0:99999:7:::\n",
			"etc/hostname":    hostname + "\n",
			"etc/hosts":       "127.0.0.1\tlocalhost " + hostname + "\n::1\tlocalhost\n",
			"etc/resolv.conf": "",
			"etc/rc": `#!/bin/sh
# /etc/rc: what jail(8)'s exec.start runs in the jail. Starts each
# /etc/rc.d/S* script, in order, with "start".
hostname -F /etc/hostname 2>/dev/null
for s in /etc/rc.d/S*; do
	[ -x "$s" ] && "$s" start
done
exit 0
`,
			"etc/inittab": `# /etc/inittab: busybox init's table, for a jail that boots its own
# init (exec.start = "/sbin/init"): /etc/rc starts the services,
# /etc/rc.shutdown stops them when the jail is stopped.
::sysinit:/etc/rc
::shutdown:/etc/rc.shutdown
`,
			"etc/rc.shutdown": `#!/bin/sh
# /etc/rc.shutdown: what exec.stop runs. Stops /etc/rc.d/S* in reverse.
for s in $(ls -r /etc/rc.d/S* 2>/dev/null); do
	[ -x "$s" ] && "$s" stop
done
exit 0
`,
		}
		for name, body := range files {
			mode := os.FileMode(0o644)
			switch name {
			case "etc/rc", "etc/rc.shutdown":
				mode = 0o755
			case "etc/shadow":
				mode = 0o600
			}
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
				return err
			}
		}
		return nil
	}
}

// Directory fills dir with a copy of src: directories, regular files,
// symlinks (as they are, never followed), FIFOs and device nodes, with
// their modes, owners and times. Sockets are left out.
func Directory(src string) func(dir string) error {
	return func(dir string) error {
		st, err := os.Stat(src)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return fmt.Errorf("%s: not a directory", src)
		}
		return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			dst := filepath.Join(dir, rel)
			info, err := os.Lstat(p)
			if err != nil {
				return err
			}
			sys, _ := info.Sys().(*syscall.Stat_t)
			switch mode := info.Mode(); {
			case rel == ".":
			case mode.IsDir():
				if err := os.Mkdir(dst, mode.Perm()); err != nil {
					return err
				}
			case mode&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				if err := os.Symlink(target, dst); err != nil {
					return err
				}
			case mode.IsRegular():
				if err := copyFile(p, dst); err != nil {
					return err
				}
			case mode&(fs.ModeDevice|fs.ModeNamedPipe) != 0 && sys != nil:
				if err := mknodLike(dst, sys); err != nil {
					return err
				}
			default:
				return nil // sockets: they belong to running processes
			}
			if sys != nil {
				os.Lchown(dst, int(sys.Uid), int(sys.Gid))
				if mode := info.Mode(); mode&fs.ModeSymlink == 0 {
					os.Chmod(dst, mode.Perm()|mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
				}
			}
			return nil
		})
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Destroy removes the userland at root. It refuses while anything is
// mounted under root on the host, and never follows a symlink out of it
// (os.RemoveAll removes links, not what they point to).
func Destroy(root string) error {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	clean := filepath.Clean(root)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && (f[4] == clean || strings.HasPrefix(f[4], clean+"/")) {
			return fmt.Errorf("%s is mounted under %s: unmount it first", f[4], clean)
		}
	}
	return os.RemoveAll(clean)
}
