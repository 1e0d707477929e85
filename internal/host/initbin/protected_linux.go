package initbin

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/host/linuxns"
)

// Binaries are the executables a jail's init runs from.
type Binaries struct {
	// Init is the Go init, which also serves requests for an idle jail.
	Init string
	// Idle is the small C init the Go init becomes once the jail is idle
	// (idle/idle.c), or "" when there is none: the Go init then stays.
	Idle string
}

// ProtectedBinaries returns the init's executables (the binaries build.sh
// embeds, or without them the running vjail binary, which carries the
// idle init when built with cgo) as copies in dir that nobody
// but their owner may read (mode 0711), made once per vjail binary and
// shared by every jail. The jail's init and the helpers it starts are
// executed from them, which keeps them out of the jail's root's reach:
// when the executing process may not read its executable, the kernel
// makes the process non-dumpable and ties its memory to the first user
// namespace that is privileged over the file (the host's), so that root
// in the jail's user namespace can neither ptrace it nor open its
// /proc/PID/fd, mem or exe (the init holds the jail's control socket). A
// running binary that others cannot read already is used as it is.
// Copies made for other vjail binaries are removed once an hour old; a
// copy gone from under a running vjail is made again.
//
// The idle init is used only where it can run inside a jail, whose root
// lacks the host's ELF interpreter and C library, as can the Go init it
// executes to serve a request: build.sh's binaries are static by
// construction; the running binary is looked at.
func ProtectedBinaries(dir string) (Binaries, error) {
	if initBinary == nil {
		self, err := protectedBinary(dir, "vjail", nil)
		if err != nil || !linuxns.SelfIdle || !selfStatic() {
			return Binaries{Init: self}, err
		}
		return Binaries{Init: self, Idle: self}, nil
	}
	var b Binaries
	var err error
	if b.Init, err = protectedBinary(dir, "vjail-init", initBinary); err != nil {
		return Binaries{}, err
	}
	if b.Idle, err = protectedBinary(dir, "vjail-idle", idleBinary); err != nil {
		return Binaries{}, err
	}
	return b, nil
}

// protectedBinary returns the protected copy of data (nil: the running
// binary) named kind, made if need be.
func protectedBinary(dir, kind string, data []byte) (string, error) {
	protected.Lock()
	defer protected.Unlock()
	key := dir + "\x00" + kind
	if p, ok := protected.paths[key]; ok {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := makeProtected(dir, kind, data)
	if err == nil {
		protected.paths[key] = p
	}
	return p, err
}

// protected caches protectedBinary's answers: jails start in parallel.
var protected = struct {
	sync.Mutex
	paths map[string]string
}{paths: map[string]string{}}

// self is the running binary's stat, once per process.
var self = sync.OnceValues(func() (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Stat("/proc/self/exe", &st)
	return st, err
})

func makeProtected(dir, kind string, data []byte) (string, error) {
	// The running binary names the copy: an embedded binary is part of it.
	st, err := self()
	if err != nil {
		return "", err
	}
	size := st.Size
	var src io.Reader
	if data != nil {
		size, src = int64(len(data)), bytes.NewReader(data)
	} else {
		if st.Mode&0o004 == 0 && st.Uid == 0 {
			return os.Executable()
		}
		f, err := os.Open("/proc/self/exe")
		if err != nil {
			return "", err
		}
		defer f.Close()
		src = f
	}
	identity := fmt.Sprintf("-%x-%x-%x-%x", st.Dev, st.Ino, st.Size, st.Mtim.Nano())
	name := kind + identity
	path := filepath.Join(dir, name)
	var have unix.Stat_t
	if unix.Stat(path, &have) == nil && have.Size == size && have.Mode&0o777 == 0o711 {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	// No fork while the copy is open for writing: a child would inherit
	// that descriptor until its exec, and executing the copy meanwhile
	// fails with ETXTBSY (hostCommands and other jails' spawns fork in
	// parallel with this).
	syscall.ForkLock.Lock()
	tmp, err := os.CreateTemp(dir, name+".tmp*")
	if err != nil {
		syscall.ForkLock.Unlock()
		return "", err
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Chmod(0o711)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	syscall.ForkLock.Unlock()
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return "", fmt.Errorf("protected copy of %s in %s: %w", kind, dir, err)
	}
	// Jails running from an older copy keep its inode open. Copies
	// touched in the last hour may belong to another vjail binary still
	// at work (an upgrade under way; tests): they stay, as do this
	// binary's other copies.
	old, _ := filepath.Glob(filepath.Join(dir, "vjail-*"))
	for _, o := range old {
		if st, err := os.Stat(o); err == nil && !strings.HasSuffix(o, identity) && !strings.Contains(filepath.Base(o), ".tmp") && time.Since(st.ModTime()) > time.Hour {
			os.Remove(o)
		}
	}
	return path, nil
}

// ExecDir is where ProtectedBinaries keeps its copies for state directory
// state: beside it, unless its file system forbids executing (/run is
// often mounted noexec), then under /var/lib/vjail.
func ExecDir(state string) string {
	var st unix.Statfs_t
	if unix.Statfs(state, &st) == nil && st.Flags&unix.ST_NOEXEC == 0 {
		return filepath.Join(state, "exec")
	}
	return "/var/lib/vjail/exec"
}

// selfStatic reports whether the running binary needs no ELF
// interpreter: the kernel then gives it no interpreter's base (AT_BASE)
// in its auxiliary vector. Asked of the kernel rather than read from the
// file's program headers: debug/elf, and the compressors it links, would
// add their package initialisation to every vjail command.
func selfStatic() bool {
	const atBase = 7 // AT_BASE of <elf.h>
	auxv, err := unix.Auxv()
	if err != nil {
		return false
	}
	for _, kv := range auxv {
		if kv[0] == atBase {
			return kv[1] == 0
		}
	}
	return true
}
