// Package state keeps one record per running jail in a state directory, so
// that any later vjail command can find, inspect and clean up the jail,
// even after the command that created it was killed.
//
// Each record is a JSON file written atomically (temporary file, fsync,
// rename) under a per-jail lock (flock on NAME.lock), so a crash never
// leaves half a record and two commands on one jail serialize while
// commands on different jails run in parallel.
package state

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// DefaultDir is where vjail keeps its state; the directory is on tmpfs,
// so a reboot clears it, as it clears the jails.
const DefaultDir = "/run/vjail"

// EnvDir names the environment variable that overrides DefaultDir.
const EnvDir = "VJAIL_STATE_DIR"

// ErrNotFound is returned for a jail that has no record.
var ErrNotFound = errors.New("not running")

// Phase is how far a jail's creation or removal got.
type Phase string

const (
	// Creating: host resources are being set up; a crash here leaves
	// something that `vjail stop` removes.
	Creating Phase = "creating"
	// Running: the jail exists.
	Running Phase = "running"
	// Removing: the jail is being taken down.
	Removing Phase = "removing"
)

// Record is what vjail remembers of one jail.
// Records are read and written by every command, each a fresh process:
// their JSON code is generated (state_easyjson.go, by easyjson, as
// go:generate below says) instead of encoding/json's reflection, which
// costs each process about 0.1 ms the first time it meets a type.
//
//go:generate go tool easyjson state.go
//go:generate sed -i -e "/easyjson \"github.com.mailru.easyjson\"$/d" -e "/_ easyjson.Marshaler$/d" state_easyjson.go
//easyjson:json
type Record struct {
	Name string `json:"name"`
	// Block is the jail's block name in the configuration, for messages.
	Block    string `json:"block,omitempty"`
	JID      int    `json:"jid"`
	Phase    Phase  `json:"phase"`
	Path     string `json:"path"`
	Hostname string `json:"hostname"`
	VNet     bool   `json:"vnet"`
	// Boot is set for a jail whose PID 1 is its userland's own init.
	Boot bool `json:"boot,omitempty"`
	// BootID is the kernel's boot_id when the record was written: a record
	// from an earlier boot is stale.
	BootID string `json:"boot_id"`
	// InitPID and InitStart (start time in clock ticks since boot, from
	// /proc/PID/stat) identify the jail's init without trusting a reused PID.
	InitPID   int    `json:"init_pid"`
	InitStart uint64 `json:"init_start"`
	// UIDBase is the first host uid (and gid) of the jail's 65536 ids;
	// UIDSlot is the number of that range, claimed as "uid".
	UIDBase uint32 `json:"uid_base"`
	UIDSlot int    `json:"uid_slot"`
	// Cgroup is the jail's cgroup directory on the host.
	Cgroup string `json:"cgroup"`
	// LimitCgroups are the cgroup v1 directories that carry the jail's
	// rctl.* limits, one per controller, where they are not on Cgroup.
	LimitCgroups []string `json:"limit_cgroups,omitempty"`
	// Socket is the control socket of the jail's init.
	Socket string `json:"socket"`
	// ConfFile is the configuration the jail was started from.
	ConfFile string `json:"conf_file"`
	// NetNS is a file in the state directory on which the jail's network
	// namespace is bind-mounted while it holds lent links: if its init
	// dies, the namespace (and a lent virtual link with it) stays until
	// vjail hands the links back.
	NetNS string `json:"netns,omitempty"`
	// Interfaces are the host links moved into the jail (vnet.interface),
	// to be handed back as they were.
	Interfaces []Interface `json:"interfaces,omitempty"`
	// Rdr is set when the jail has nftables tables of its own (vnet.rdr).
	Rdr bool `json:"rdr,omitempty"`
	// Epairs are the host ends of the jail's epairs.
	Epairs []string `json:"epairs,omitempty"`
	// Params are the jail's resolved parameters, as `config show --json`
	// gives them, so that stop runs the commands the jail was started with.
	Params []Param `json:"params"`
}

// Interface is a host link lent to a jail.
type Interface struct {
	Name string `json:"name"`
	Up   bool   `json:"up"`
}

// Param is one resolved parameter in a record.
type Param struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Dir is a state directory.
type Dir struct {
	Path string
}

// Open creates the state directory if needed (mode 0700: it holds
// sockets that control jails) and returns it.
func Open(path string) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := os.Chmod(path, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	return &Dir{Path: path}, nil
}

// DirFromEnv returns the state directory named by flag, else by
// $VJAIL_STATE_DIR, else DefaultDir.
func DirFromEnv(flag string) string {
	if flag != "" {
		return flag
	}
	if v := os.Getenv(EnvDir); v != "" {
		return v
	}
	return DefaultDir
}

func (d *Dir) recordPath(name string) string { return filepath.Join(d.Path, name+".json") }

// SocketPath is where the init of jail name listens: NAME.sock, or for a
// path too long for a unix socket (108 bytes), a name hashed from NAME.
func (d *Dir) SocketPath(name string) string {
	p := filepath.Join(d.Path, name+".sock")
	if len(p) < 100 {
		return p
	}
	sum := sha256.Sum256([]byte(name))
	return filepath.Join(d.Path, fmt.Sprintf("%x.sock", sum[:8]))
}

// Lock is an exclusive lock on one name in the state directory.
type Lock struct{ f *os.File }

// Lock takes the exclusive lock of jail name, waiting for another vjail
// command that holds it. The lock dies with the process that holds it.
func (d *Dir) Lock(name string) (*Lock, error) {
	return d.lockFile(name + ".lock")
}

// TryLock takes the lock of jail name if no other command holds it.
func (d *Dir) TryLock(name string) (*Lock, bool, error) {
	f, err := os.OpenFile(filepath.Join(d.Path, name+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if err == unix.EWOULDBLOCK {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", name, err)
	}
	return &Lock{f: f}, true, nil
}

// LockAlloc takes the lock that guards allocating JIDs and uid ranges.
func (d *Dir) LockAlloc() (*Lock, error) { return d.lockFile(".alloc.lock") }

func (d *Dir) lockFile(file string) (*Lock, error) {
	f, err := os.OpenFile(filepath.Join(d.Path, file), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", file, err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", file, err)
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() {
	if l != nil && l.f != nil {
		l.f.Close()
		l.f = nil
	}
}

// Write stores r atomically. Preconditions: the caller holds r.Name's lock.
func (d *Dir) Write(r *Record) error {
	r.BootID = BootID()
	compact, err := r.MarshalJSON()
	if err != nil {
		return err
	}
	// Indented for the administrator who reads it.
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", "  "); err != nil {
		return err
	}
	// One temporary name per jail, which the jail's lock makes safe: a
	// crash mid-write leaves a file the next write replaces, not a new
	// one each time.
	tmp, err := os.OpenFile(d.tmpPath(r.Name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("state of %s: %w", r.Name, err)
	}
	// No fsync: the rename is atomic for every process, which is what
	// a crash of vjail needs; after a crash of the machine every record
	// is stale anyway (BootID). An fsync would cost each start a few
	// milliseconds on a disk-backed state directory for nothing.
	b.WriteByte('\n')
	_, err = tmp.Write(b.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), d.recordPath(r.Name))
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("state of %s: %w", r.Name, err)
	}
	return nil
}

// Read returns the record of jail name, or ErrNotFound.
func (d *Dir) Read(name string) (*Record, error) {
	b, err := os.ReadFile(d.recordPath(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("jail %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("state of %s: %w", name, err)
	}
	var r Record
	if err := r.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("state of %s: %s: %w", name, d.recordPath(name), err)
	}
	return &r, nil
}

// Remove deletes the record of jail name, its socket, and the numbers it
// claimed; absent is success. Preconditions: the caller holds name's lock.
func (d *Dir) Remove(name string) error {
	if r, err := d.Read(name); err == nil {
		d.Release("jid", uint64(r.JID), name)
		d.Release("uid", uint64(r.UIDSlot), name)
	}
	err := os.Remove(d.recordPath(name))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("state of %s: %w", name, err)
	}
	os.Remove(d.SocketPath(name))
	os.Remove(d.tmpPath(name))
	return nil
}

func (d *Dir) tmpPath(name string) string { return filepath.Join(d.Path, "."+name+".tmp") }

// List returns every record, ordered by JID.
func (d *Dir) List() ([]*Record, error) {
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	var out []*Record
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || strings.HasPrefix(name, ".") {
			continue
		}
		r, err := d.Read(name)
		if errors.Is(err, ErrNotFound) {
			continue // removed meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].JID < out[j].JID })
	return out, nil
}

// BootID is the kernel's random ID of the current boot, read once: it
// cannot change while this process runs, and every record written or
// checked needs it.
func BootID() string { return bootID() }

var bootID = sync.OnceValue(func() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
})

// Stale reports whether r was written during an earlier boot.
func (r *Record) Stale() bool { return r.BootID != "" && r.BootID != BootID() }
