package jail

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/fault"
	"github.com/vjail/vjail/internal/host/initbin"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/state"
)

// An early init is the C init of a jail started as `vjail start NAME`
// begins, before the configuration is read (linuxns.StartEarly): it
// makes its namespaces (the network one alone is half a millisecond
// here) while vjail reads the configuration and allocates the jail's ids
// on the other CPU. Create takes it for NAME if NAME turns out to be a
// vnet jail with the C init.
//
// It is born (CLONE_INTO_CGROUP) in NAME's own cgroup, made for it:
// moving a process between cgroups waits for RCU (7 ms measured here),
// and a cgroup v2 directory cannot be renamed, so it cannot be born in a
// spare one either; and its network namespace is charged to the jail
// from the start. The cgroup is made only if it did not exist (it does
// while NAME runs), so an early init never joins a running jail. One that
// no jail takes is killed and its cgroup removed (ReleaseEarly); one left
// by a vjail killed meanwhile ends by itself (its configuration pipe
// closes), and its empty cgroup, which no record names, is removed by
// the next `vjail start NAME` or `vjail stop NAME`, or by `vjail stop`
// (Manager.ClearUnrecorded, RemoveOrphan).
type earlyInit struct {
	init   *linuxns.EarlyInit
	cgroup string
	bins   initbin.Binaries
	err    error
}

// Prestart starts an early init for the jail name, unless this host has
// no cgroup v2 to give it its cgroup at birth, or name cannot be a
// jail's. It returns once the init runs.
func (b *linuxBackend) Prestart(name string) {
	if b.cgroupV1 || ValidName(name) != nil {
		return
	}
	fault.Time("early.prestart")
	e := &earlyInit{cgroup: filepath.Join(b.cgroupParent, name)}
	b.earlyMu.Lock()
	b.early = e
	b.earlyMu.Unlock()
	// Started here rather than by a goroutine: on two CPUs, handing it to
	// another thread measured 0.1 ms slower (300 starts each way, in
	// turns).
	e.err = b.startEarly(e)
}

func (b *linuxBackend) startEarly(e *earlyInit) error {
	fault.Time("early.begin")
	bins, err := initbin.ProtectedBinaries(initbin.ExecDir(b.dir.Path))
	if err != nil {
		return err
	}
	if bins.Idle == "" {
		return errors.New("no C init")
	}
	fault.Time("early.binaries")
	// Only a cgroup of its own: one that exists is a running jail's, or
	// another start's, or one that a killed start left (removed if no
	// record names it). The parent is made only when it is missing.
	err = os.Mkdir(e.cgroup, 0o755)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(b.cgroupParent, 0o755); err == nil {
			err = os.Mkdir(e.cgroup, 0o755)
		}
	}
	if errors.Is(err, fs.ErrExist) {
		if _, rerr := b.dir.Read(filepath.Base(e.cgroup)); errors.Is(rerr, state.ErrNotFound) && unix.Rmdir(e.cgroup) == nil {
			err = os.Mkdir(e.cgroup, 0o755)
		}
	}
	if err != nil {
		return err
	}
	cg, err := os.Open(e.cgroup)
	if err == nil {
		e.init, err = linuxns.StartEarly(bins.Init, bins.Idle, int(cg.Fd()))
		cg.Close()
	}
	if err != nil {
		unix.Rmdir(e.cgroup)
		return err
	}
	e.bins = bins
	return nil
}

// takeEarly returns the early init for the jail s, whose cgroup is
// cgroup, if there is one and it fits s (a vnet jail with the C init,
// from the binaries bins); else nil, having released it.
func (b *linuxBackend) takeEarly(s *Spec, cgroup string, bins initbin.Binaries) *linuxns.EarlyInit {
	b.earlyMu.Lock()
	e := b.early
	if e == nil || e.cgroup != cgroup {
		b.earlyMu.Unlock()
		return nil
	}
	b.early = nil
	b.earlyMu.Unlock()
	if e.err != nil {
		return nil
	}
	if !s.VNet || s.Boot || e.bins != bins {
		releaseEarly(e)
		return nil
	}
	return e.init
}

// ReleaseEarly kills the early init that no jail took, if any, and
// removes its cgroup.
func (b *linuxBackend) ReleaseEarly() {
	b.earlyMu.Lock()
	e := b.early
	b.early = nil
	b.earlyMu.Unlock()
	if e != nil && e.err == nil {
		releaseEarly(e)
	}
}

// releaseEarly kills e's init and removes its cgroup, unless something
// else is in it by then: another start of the same jail, which found the
// cgroup there, may have put its own init in.
func releaseEarly(e *earlyInit) {
	e.init.Abandon() // returns once the init is gone
	for end := time.Now().Add(time.Second); ; {
		err := unix.Rmdir(e.cgroup)
		if err != unix.EBUSY || time.Now().After(end) {
			return
		}
		// The cgroup may still count the init a moment after its death.
		if b, _ := os.ReadFile(filepath.Join(e.cgroup, "cgroup.procs")); len(b) > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// RemoveOrphan removes the cgroup of the jail name ("": of every jail)
// that no record names, if it is empty: what the early init of a vjail
// killed meanwhile left. A cgroup in use cannot be removed (EBUSY); one
// that a start has just made for its early init, which is not yet born,
// can, and that start then goes without (startEarly fails).
func (b *linuxBackend) RemoveOrphan(name string) {
	names := []string{name}
	if name == "" {
		names = nil
		entries, _ := os.ReadDir(b.cgroupParent)
		for _, d := range entries {
			if d.IsDir() {
				names = append(names, d.Name())
			}
		}
	}
	for _, n := range names {
		if _, err := b.dir.Read(n); !errors.Is(err, state.ErrNotFound) {
			continue
		}
		// The early init of a vjail killed a moment ago may not have seen
		// its end yet: it leaves within milliseconds.
		dir := filepath.Join(b.cgroupParent, n)
		for end := time.Now().Add(time.Second); unix.Rmdir(dir) == unix.EBUSY && time.Now().Before(end); {
			time.Sleep(2 * time.Millisecond)
		}
	}
	unix.Rmdir(b.cgroupParent) // EBUSY while others run, ENOTEMPTY with others
}
