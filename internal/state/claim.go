package state

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ErrClaimed is returned when another jail holds a number.
var ErrClaimed = errors.New("in use")

// Numbers that jails hold exclusively (their JID, their uid range) are
// claimed with one small file each, claims/KIND-N holding the jail's name,
// so that allocating one costs the same with one jail as with thousands:
// no record has to be read. A claim whose jail has no record any more (a
// crash between the two) is stale and taken over. Each claim is also
// noted under its jail's name, claims/owners/NAME/KIND, before it is made,
// so that a jail's next start releases what a crash of its last one left
// (ReleaseOwned) without reading every claim.

func (d *Dir) claimPath(kind string, n uint64) string {
	return filepath.Join(d.Path, "claims", fmt.Sprintf("%s-%d", kind, n))
}

// Claim takes number n of kind for jail name. Preconditions: the caller
// holds the allocation lock (LockAlloc).
func (d *Dir) Claim(kind string, n uint64, name string) error {
	p := d.claimPath(kind, n)
	owner := d.ownerPath(name, kind)
	if err := os.MkdirAll(filepath.Dir(owner), 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(owner, []byte(strconv.FormatUint(n, 10)), 0o600); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_, err = f.WriteString(name)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	holder := string(b)
	if holder != name {
		if _, err := os.Stat(d.recordPath(holder)); err == nil {
			return fmt.Errorf("%s %d: %w by jail %s", kind, n, ErrClaimed, holder)
		}
	}
	return os.WriteFile(p, []byte(name), 0o600) // ours, or stale
}

// ClaimNext claims the next free number of kind in [lo, hi] for name,
// starting after the last one handed out and going round, as FreeBSD
// hands out JIDs. Preconditions: the caller holds the allocation lock.
func (d *Dir) ClaimNext(kind string, lo, hi uint64, name string) (uint64, error) {
	last := filepath.Join(d.Path, "claims", kind+".last")
	n := lo
	if b, err := os.ReadFile(last); err == nil {
		if v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil && v >= lo && v < hi {
			n = v + 1
		}
	}
	for tries := hi - lo + 1; tries > 0; tries-- {
		err := d.Claim(kind, n, name)
		if err == nil {
			os.WriteFile(last, []byte(strconv.FormatUint(n, 10)), 0o600)
			return n, nil
		}
		if !errors.Is(err, ErrClaimed) {
			return 0, err
		}
		if n++; n > hi {
			n = lo
		}
	}
	return 0, fmt.Errorf("%s: all %d numbers are %w", kind, hi-lo+1, ErrClaimed)
}

// Release gives number n of kind back if name holds it; absent is success.
func (d *Dir) Release(kind string, n uint64, name string) {
	p := d.claimPath(kind, n)
	if b, err := os.ReadFile(p); err == nil && string(b) == name {
		os.Remove(p)
	}
	owner := d.ownerPath(name, kind)
	if b, err := os.ReadFile(owner); err == nil && string(b) == strconv.FormatUint(n, 10) {
		os.Remove(owner)
		os.Remove(filepath.Dir(owner))
	}
}

// ReleaseOwned gives back every number name holds: before a jail that has
// no record claims new ones, what a crash of its last start left.
// Preconditions: the caller holds the allocation lock and name's lock.
func (d *Dir) ReleaseOwned(name string) {
	dir := filepath.Dir(d.ownerPath(name, "x"))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if n, perr := strconv.ParseUint(string(b), 10, 64); err == nil && perr == nil {
			d.Release(e.Name(), n, name)
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
	os.Remove(dir)
}

func (d *Dir) ownerPath(name, kind string) string {
	return filepath.Join(d.Path, "claims", "owners", name, kind)
}
