package jail

import (
	"context"
	"errors"
	"fmt"

	"github.com/vjail/vjail/internal/state"
)

// Status is what `vjail list` shows of a running jail.
type Status struct {
	JID       int      `json:"jid"`
	Name      string   `json:"name"`
	Hostname  string   `json:"hostname"`
	Path      string   `json:"path"`
	VNet      bool     `json:"vnet"`
	Addresses []string `json:"addresses"`
	// Procs counts the jail's processes, vjail's init included.
	Procs int `json:"pids"`
}

// List reports the running jails by JID. Records of jails that ended by
// themselves (no persist, last process gone) or before a reboot are
// cleared on the way, unless another command is busy with them.
func (m *Manager) List(ctx context.Context) ([]Status, error) {
	recs, err := m.State.List()
	if err != nil {
		return nil, err
	}
	out := []Status{}
	for _, r := range recs {
		if !m.Backend.Alive(r) || r.Stale() {
			m.clearIfIdle(ctx, r.Name)
			continue
		}
		if r.Phase != state.Running {
			continue
		}
		n, _ := m.Backend.Procs(r)
		addrs := m.Backend.Addresses(r)
		if addrs == nil {
			addrs = []string{}
		}
		out = append(out, Status{JID: r.JID, Name: r.Name, Hostname: r.Hostname, Path: r.Path,
			VNet: r.VNet, Addresses: addrs, Procs: n})
	}
	return out, nil
}

// clearIfIdle removes the record and resources of a jail that no longer
// runs, when no other command holds its lock.
func (m *Manager) clearIfIdle(ctx context.Context, name string) {
	lock, ok, err := m.State.TryLock(name)
	if err != nil || !ok {
		return
	}
	defer lock.Unlock()
	if r, err := m.State.Read(name); err == nil && (!m.Backend.Alive(r) || r.Stale()) {
		m.cleanup(ctx, r)
	}
}

// Running returns the record of a running jail, found by name or JID.
func (m *Manager) Running(ctx context.Context, name string) (*state.Record, error) {
	r, err := m.State.Read(name)
	if errors.Is(err, state.ErrNotFound) {
		recs, lerr := m.State.List()
		if lerr != nil {
			return nil, lerr
		}
		for _, c := range recs {
			if fmt.Sprint(c.JID) == name {
				r, err = c, nil
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if !m.Backend.Alive(r) || r.Stale() {
		m.clearIfIdle(ctx, r.Name)
		return nil, fmt.Errorf("jail %s: %w", name, state.ErrNotFound)
	}
	if r.Phase == state.Creating {
		// A start under way (its vjail holds the jail's lock) has made
		// the jail: its exec.created and exec.poststart may exec in it,
		// as jexec can during jail(8)'s. With the lock free, the record
		// is what a killed start left.
		l, free, err := m.State.TryLock(r.Name)
		if err != nil {
			return nil, err
		}
		if !free {
			return r, nil
		}
		l.Unlock()
		return nil, fmt.Errorf("jail %s: its start was interrupted; `vjail start %s` finishes it off and starts it again", name, r.Name)
	}
	if r.Phase != state.Running {
		return nil, fmt.Errorf("jail %s: %s", name, r.Phase)
	}
	return r, nil
}

// Lend moves host link ifname into running jail name, as `ifconfig
// IFACE vnet JAIL` does; stop hands it back.
func (m *Manager) Lend(ctx context.Context, name, ifname string) error {
	return m.withRunning(ctx, name, func(rec *state.Record) error {
		if !rec.VNet {
			return fmt.Errorf("jail %s has no network stack of its own: lending a link needs vnet", name)
		}
		return m.Backend.Lend(rec, ifname, func() error { return m.State.Write(rec) })
	})
}

// Reclaim hands link ifname, lent to running jail name, back to the
// host, as `ifconfig IFACE -vnet JAIL` does.
func (m *Manager) Reclaim(ctx context.Context, name, ifname string) error {
	return m.withRunning(ctx, name, func(rec *state.Record) error {
		return m.Backend.Reclaim(rec, ifname, func() error { return m.State.Write(rec) })
	})
}

// withRunning runs f on the record of running jail name, under its lock.
func (m *Manager) withRunning(ctx context.Context, name string, f func(*state.Record) error) error {
	rec, err := m.Running(ctx, name)
	if err != nil {
		return err
	}
	lock, err := m.State.Lock(rec.Name)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	// Read again under the lock: a stop may have come in between.
	if rec, err = m.Running(ctx, rec.Name); err != nil {
		return err
	}
	return f(rec)
}

// Exec runs a command in a running jail (jexec) and returns its status.
func (m *Manager) Exec(ctx context.Context, name string, r RunRequest) (int, error) {
	rec, err := m.Running(ctx, name)
	if err != nil {
		return -1, err
	}
	return m.Backend.Run(ctx, rec, r)
}
