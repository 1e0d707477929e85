package jail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/fault"
	"github.com/vjail/vjail/internal/state"
)

// Manager drives jails through jail(8)'s create and remove sequences
// (usr.sbin/jail/command.c) on a Backend, keeping their records in a
// state directory, and reports as jail(8) does: "NAME: created" and
// "NAME: removed" on Out, problems on Err.
type Manager struct {
	State   *state.Dir
	Backend Backend
	Out     io.Writer
	Err     io.Writer
	// Quiet suppresses the created/removed lines (jail -q).
	Quiet bool
	// Sequential runs jails one after another in the order given (rc.conf
	// without jail_parallel_start, and jail_reverse_stop), dependencies
	// still first; a jail that fails does not hold the next one back.
	Sequential bool
	// ConfFile is recorded with each jail, for messages.
	ConfFile string

	mu sync.Mutex // serializes writes to Out and Err
}

func (m *Manager) notef(format string, args ...any) {
	if m.Quiet {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(m.Out, format, args...)
}

func (m *Manager) warnf(format string, args ...any) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintf(m.Err, "vjail: "+format+"\n", args...)
}

// ErrExists is returned when starting a jail that runs already.
var ErrExists = errors.New("already exists")

// Start creates the jails, in parallel where depend allows: a jail starts
// after every jail it depends on has started, and is skipped when one of
// them failed. specs must include the dependencies (see Closure). It
// returns an error when any jail failed or was skipped.
func (m *Manager) Start(ctx context.Context, specs []*Spec) error {
	return m.runOrdered(ctx, specs, false, m.startOne)
}

// Stop removes the jails, in parallel where depend allows: a jail is
// removed after every jail that depends on it.
func (m *Manager) Stop(ctx context.Context, specs []*Spec) error {
	return m.runOrdered(ctx, specs, true, m.stopOne)
}

// runOrdered runs op for each jail once its predecessors are done: the
// jails it depends on when starting, the jails that depend on it when
// stopping.
func (m *Manager) runOrdered(ctx context.Context, specs []*Spec, reverse bool, op func(context.Context, *Spec) error) error {
	byName := map[string]*Spec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	preds := map[string][]string{}
	for _, s := range specs {
		for _, d := range s.Depend {
			if _, ok := byName[d]; !ok {
				continue
			}
			if reverse {
				preds[d] = append(preds[d], s.Name)
			} else {
				preds[s.Name] = append(preds[s.Name], d)
			}
		}
	}
	if cyc := findCycle(specs, preds); cyc != "" {
		return fmt.Errorf("depend: %s", cyc)
	}
	// after[n] is the jail n waits for only to keep the sequence.
	after := map[string]string{}
	if m.Sequential {
		order := topoOrder(specs, preds)
		for i := 1; i < len(order); i++ {
			after[order[i].Name] = order[i-1].Name
		}
	}
	type outcome struct {
		done chan struct{}
		ok   bool
	}
	out := map[string]*outcome{}
	for _, s := range specs {
		out[s.Name] = &outcome{done: make(chan struct{})}
	}
	var wg sync.WaitGroup
	var failed sync.Map
	for _, s := range specs {
		wg.Add(1)
		go func(s *Spec) {
			defer wg.Done()
			o := out[s.Name]
			defer close(o.done)
			if a, ok := after[s.Name]; ok {
				<-out[a].done
			}
			for _, p := range preds[s.Name] {
				<-out[p].done
				if !out[p].ok {
					m.warnf("%s: skipped (%s failed)", s.Block, p)
					failed.Store(s.Name, true)
					return
				}
			}
			if err := op(ctx, s); err != nil {
				m.warnf("%s: %v", s.Block, err)
				failed.Store(s.Name, true)
				return
			}
			o.ok = true
		}(s)
	}
	wg.Wait()
	var names []string
	for _, s := range specs {
		if _, ok := failed.Load(s.Name); ok {
			names = append(names, s.Name)
		}
	}
	if len(names) > 0 {
		return fmt.Errorf("failed: %s", strings.Join(names, ", "))
	}
	return nil
}

// topoOrder orders specs so that each comes after its predecessors,
// otherwise keeping the given order. Preconditions: no cycle.
func topoOrder(specs []*Spec, preds map[string][]string) []*Spec {
	byName := map[string]*Spec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	placed := map[string]bool{}
	var out []*Spec
	var place func(s *Spec)
	place = func(s *Spec) {
		if placed[s.Name] {
			return
		}
		placed[s.Name] = true
		for _, p := range preds[s.Name] {
			place(byName[p])
		}
		out = append(out, s)
	}
	for _, s := range specs {
		place(s)
	}
	return out
}

// findCycle names a dependency cycle among specs, or returns "".
func findCycle(specs []*Spec, preds map[string][]string) string {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	var visit func(string) string
	visit = func(n string) string {
		color[n] = grey
		path = append(path, n)
		for _, p := range preds[n] {
			switch color[p] {
			case grey:
				cycle := append(path[slices.Index(path, p):], p)
				return strings.Join(cycle, " -> ") + " is a cycle"
			case white:
				if c := visit(p); c != "" {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		color[n] = black
		return ""
	}
	for _, s := range specs {
		if color[s.Name] == white {
			if c := visit(s.Name); c != "" {
				return c
			}
		}
	}
	return ""
}

// Closure adds to selected every jail they depend on, transitively, from
// all (jail(8) starts dependencies first, config order kept).
func Closure(selected, all []*Spec) ([]*Spec, error) {
	byName := map[string]*Spec{}
	for _, s := range all {
		byName[s.Name] = s
	}
	want := map[string]bool{}
	var add func(s *Spec) error
	add = func(s *Spec) error {
		if want[s.Name] {
			return nil
		}
		want[s.Name] = true
		for _, d := range s.Depend {
			ds, ok := byName[d]
			if !ok {
				return fmt.Errorf("jail %s: depend: no jail %q in the configuration", s.Name, d)
			}
			if err := add(ds); err != nil {
				return err
			}
		}
		return nil
	}
	for _, s := range selected {
		if err := add(s); err != nil {
			return nil, err
		}
	}
	var out []*Spec
	for _, s := range all {
		if want[s.Name] {
			out = append(out, s)
		}
	}
	return out, nil
}

// startOne is jail(8)'s create sequence for one jail. Each step that
// changed something registers its undo; a failing step runs them in
// reverse, even if ctx is cancelled.
func (m *Manager) startOne(ctx context.Context, s *Spec) (err error) {
	lock, err := m.State.Lock(s.Name)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	if rec, err := m.State.Read(s.Name); err == nil {
		if rec.Phase == state.Running && m.Backend.Alive(rec) && !rec.Stale() {
			return ErrExists
		}
		// What a crash or a jail that ended by itself left behind: a
		// jail whose start or stop was killed half-way (its record still
		// says Creating or Removing, and its lock was free) is finished
		// off before it starts afresh.
		if err := m.cleanup(ctx, rec); err != nil {
			return err
		}
	}

	var undo []func(context.Context)
	defer func() {
		if err != nil {
			uctx := context.WithoutCancel(ctx)
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i](uctx)
			}
		}
	}()
	env := hostEnv{name: s.Name, path: s.Path}

	if err := m.hostCommands(ctx, s, "exec.prepare", s.Prepare, env); err != nil {
		return err
	}
	fault.Point("start.exec-prepare")
	undo = append(undo, func(c context.Context) { m.hostCommands(c, s, "exec.release", s.Release, env) })

	if err := m.hostCommands(ctx, s, "exec.prestart", s.Prestart, env); err != nil {
		return err
	}
	fault.Point("start.exec-prestart")
	undo = append(undo, func(c context.Context) { m.hostCommands(c, s, "exec.poststop", s.Poststop, env) })

	rec, err := m.allocate(s)
	if err != nil {
		return err
	}
	undo = append(undo, func(c context.Context) { m.cleanup(c, rec) })
	fault.Point("start.allocated")
	if err := m.Backend.Create(ctx, s, rec, func() error { return m.State.Write(rec) }); err != nil {
		return err
	}
	fault.Point("start.made")
	env.jid = rec.JID

	if err := m.hostCommands(ctx, s, "exec.created", s.Created, env); err != nil {
		return err
	}
	fault.Point("start.exec-created")
	// The end of exec.start (and command) is announced with their last
	// command when there is one, else on its own. A booted jail lives as
	// long as its init: there is no end to announce.
	endsStart := !s.Boot && len(s.Command) == 0 && len(s.Start) > 0
	if s.Boot {
		if err := m.boot(ctx, s, rec); err != nil {
			return err
		}
	} else if err := m.jailCommands(ctx, s, rec, "exec.start", s.Start, endsStart); err != nil {
		return err
	}
	if len(s.Command) > 0 {
		endsStart = !s.Boot
		cmd := Command{Argv: s.Command, Text: strings.Join(s.Command, " ")}
		if err := m.jailCommands(ctx, s, rec, "command", []Command{cmd}, endsStart); err != nil {
			return err
		}
	}
	fault.Point("start.exec-start")
	if !s.Boot && !endsStart {
		if err := m.Backend.Started(rec); err != nil && m.Backend.Alive(rec) {
			return fmt.Errorf("end of exec.start: %w", err)
		}
	}
	fault.Point("start.started")
	if err := m.hostCommands(ctx, s, "exec.poststart", s.Poststart, env); err != nil {
		return err
	}
	fault.Point("start.exec-poststart")
	// Running only now: a start killed before this point left a jail
	// that the next start finishes off and creates afresh.
	rec.Phase = state.Running
	if err := m.State.Write(rec); err != nil {
		return err
	}
	fault.Point("start.running")
	m.notef("%s: created\n", s.Block)
	return nil
}

// allocate picks the jail's JID and uid range and stores its record in
// the Creating phase, naming the host resources Create will make, before
// any of them exists.
func (m *Manager) allocate(s *Spec) (*state.Record, error) {
	lock, err := m.State.LockAlloc()
	if err != nil {
		return nil, err
	}
	defer lock.Unlock()
	// What a start of this jail killed before its record was written
	// claimed (the caller holds the jail's lock; it has no record).
	m.State.ReleaseOwned(s.Name)
	// Claimed by number, not found by reading every record: allocation
	// costs the same with one jail as with thousands.
	jid := s.JID
	if jid > 0 {
		if err := m.State.Claim("jid", uint64(jid), s.Name); err != nil {
			return nil, fmt.Errorf("jid %d: %w", jid, err)
		}
	} else {
		n, err := m.State.ClaimNext("jid", 1, MaxJID, s.Name)
		if err != nil {
			return nil, err
		}
		jid = int(n)
	}
	slot, err := m.State.ClaimNext("uid", 0, MaxJails-1, s.Name)
	if err != nil {
		m.State.Release("jid", uint64(jid), s.Name)
		return nil, fmt.Errorf("no free uid range (%d jails at most): %w", MaxJails, err)
	}
	base := FirstUID + uint32(slot)*IDRange
	rec := &state.Record{
		Name: s.Name, Block: s.Block, JID: jid, Phase: state.Creating, Path: s.Path, Hostname: s.Hostname,
		VNet: s.VNet, Boot: s.Boot, UIDBase: base, UIDSlot: int(slot), ConfFile: cmp.Or(s.ConfFile, m.ConfFile),
	}
	for _, p := range s.Params.Params {
		rec.Params = append(rec.Params, state.Param{Name: p.Name, Values: p.Values})
	}
	if err := m.Backend.Prepare(s, rec); err != nil {
		return nil, err
	}
	if err := m.State.Write(rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// The uid ranges of jails: jail i maps its ids 0..IDRange-1 to
// FirstUID+i*IDRange on the host, above the ids that distributions and
// systemd-nspawn hand out (nspawn uses 0x80000..0x6FFFFFFF with 0x10000 per
// container; vjail's 0x70000000.. stays clear of it).
const (
	FirstUID = 0x70000000
	IDRange  = 65536
	MaxJails = 4095
	// MaxJID is FreeBSD's JAIL_MAX.
	MaxJID = 999999
)

// cleanup removes what is left of a jail that no longer runs: its host
// resources and its record. Preconditions: the caller holds its lock.
func (m *Manager) cleanup(ctx context.Context, rec *state.Record) error {
	m.Backend.ReturnInterfaces(rec) // best effort: the jail is going anyway
	if err := m.Backend.Destroy(ctx, rec); err != nil {
		return fmt.Errorf("clean up after the earlier %s: %w", rec.Name, err)
	}
	return m.State.Remove(rec.Name)
}

// ClearUnrecorded removes what a start of the jail name ("": of any
// jail) that was killed before it recorded the jail may have left on the
// host: the early init of a Prestarter backend. `vjail stop NAME` calls
// it for a jail it does not find, `vjail stop` for all.
func (m *Manager) ClearUnrecorded(name string) {
	p, ok := m.Backend.(Prestarter)
	if !ok || name != "" && ValidName(name) != nil {
		return
	}
	if name == "" {
		p.RemoveOrphan("")
		return
	}
	lock, err := m.State.Lock(name)
	if err != nil {
		return
	}
	defer lock.Unlock()
	if _, err := m.State.Read(name); errors.Is(err, state.ErrNotFound) {
		p.RemoveOrphan(name)
	}
}

// stopOne is jail(8)'s remove sequence for one jail.

func (m *Manager) stopOne(ctx context.Context, s *Spec) error {
	lock, err := m.State.Lock(s.Name)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	rec, err := m.State.Read(s.Name)
	if err != nil {
		return err
	}
	if !m.Backend.Alive(rec) || rec.Stale() {
		if err := m.cleanup(ctx, rec); err != nil {
			return err
		}
		if rec.Phase == state.Running && !rec.Stale() {
			return fmt.Errorf("jail %s: %w (it ended by itself; its record is cleared)", s.Name, state.ErrNotFound)
		}
		m.notef("%s: removed\n", s.Block)
		return nil
	}
	rec.Phase = state.Removing
	if err := m.State.Write(rec); err != nil {
		return err
	}
	fault.Point("stop.removing")
	// The jail must not end by itself while its services stop: a lent
	// link would go with its network namespace.
	if err := m.Backend.Hold(rec); err != nil {
		return fmt.Errorf("jail %s: %w", s.Name, err)
	}
	env := hostEnv{name: s.Name, path: s.Path, jid: rec.JID}
	var errs []error
	if err := m.hostCommands(ctx, s, "exec.prestop", s.Prestop, env); err != nil {
		errs = append(errs, err)
	}
	fault.Point("stop.exec-prestop")
	if rec.Boot {
		if err := m.shutdown(ctx, s, rec); err != nil {
			errs = append(errs, err)
		}
	} else {
		if err := m.jailCommands(ctx, s, rec, "exec.stop", s.Stop, false); err != nil {
			errs = append(errs, err)
		}
		m.terminate(ctx, rec, s.StopTimeout)
	}
	fault.Point("stop.exec-stop")
	if err := m.Backend.ReturnInterfaces(rec); err != nil {
		errs = append(errs, err)
	}
	fault.Point("stop.returned")
	if err := m.Backend.Destroy(ctx, rec); err != nil {
		return errors.Join(append(errs, err)...)
	}
	fault.Point("stop.destroyed")
	if err := m.hostCommands(ctx, s, "exec.poststop", s.Poststop, env); err != nil {
		errs = append(errs, err)
	}
	fault.Point("stop.exec-poststop")
	if err := m.hostCommands(ctx, s, "exec.release", s.Release, env); err != nil {
		errs = append(errs, err)
	}
	fault.Point("stop.exec-release")
	if err := m.State.Remove(s.Name); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		m.notef("%s: removed\n", s.Block)
	}
	return errors.Join(errs...)
}

// terminate sends SIGTERM to every process of the jail but its init and
// waits up to timeout for them to exit, as jail(8) does with stop.timeout;
// whatever remains is killed when the jail is destroyed.
func (m *Manager) terminate(ctx context.Context, rec *state.Record, timeout time.Duration) {
	if timeout <= 0 {
		return
	}
	if n, _ := m.Backend.Procs(rec); n <= 1 {
		return
	}
	m.Backend.Signal(rec, int(unix.SIGTERM))
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if n, err := m.Backend.Procs(rec); err != nil || n <= 1 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// boot makes exec.start, the userland's own init, the jail's PID 1, its
// console exec.consolelog (else the jail's log in the state directory).
func (m *Manager) boot(ctx context.Context, s *Spec, rec *state.Record) error {
	var console *os.File
	if s.ConsoleLog != "" {
		f, err := os.OpenFile(s.ConsoleLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("exec.consolelog: %w", err)
		}
		defer f.Close()
		console = f
	}
	if err := m.Backend.Boot(ctx, rec, s.Start[0].Argv, console); err != nil {
		return fmt.Errorf("exec.start: %s: %w", s.Start[0].Text, err)
	}
	return nil
}

// shutdown ends a jail that booted its own init, as the init itself
// would shut a machine down: exec.stop when set (the userland's own
// command, "/sbin/telinit 0" for sysvinit, "/sbin/poweroff" for busybox),
// else the backend's request to halt (SIGPWR to the init on Linux). Then
// it waits up to stop.timeout for the init to end; Destroy kills what is
// left.
func (m *Manager) shutdown(ctx context.Context, s *Spec, rec *state.Record) error {
	var err error
	if len(s.Stop) > 0 {
		err = m.jailCommands(ctx, s, rec, "exec.stop", s.Stop, false)
	} else if s.StopTimeout > 0 {
		err = m.Backend.Halt(rec)
	}
	deadline := time.Now().Add(s.StopTimeout)
	for m.Backend.Alive(rec) && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	ended := !m.Backend.Alive(rec)
	if ended && errors.Is(err, ErrEnded) {
		// The shutdown took exec.stop's own process with it.
		err = nil
	}
	if !ended && s.StopTimeout > 0 {
		m.warnf("%s: its init did not shut down within stop.timeout (%s); killing the jail", s.Block, s.StopTimeout)
	}
	return err
}

// hostEnv is the environment jail(8) gives host commands: JID, JNAME and
// JPATH name the jail.
type hostEnv struct {
	name, path string
	jid        int
}

// hostCommands runs exec.* commands on the host, as exec.system_user,
// their output on vjail's own. The first that fails stops the sequence.
func (m *Manager) hostCommands(ctx context.Context, s *Spec, param string, cmds []Command, he hostEnv) error {
	for _, c := range cmds {
		cctx := ctx
		if s.ExecTimeout > 0 {
			var cancel context.CancelFunc
			cctx, cancel = context.WithTimeout(ctx, s.ExecTimeout)
			defer cancel()
		}
		cmd := exec.CommandContext(cctx, c.Argv[0], c.Argv[1:]...)
		cmd.Stdout, cmd.Stderr = m.locked(m.Out), m.locked(m.Err)
		cmd.Env = os.Environ()
		if s.SystemUser != "" || s.Clean {
			cred, env, err := hostUser(s.SystemUser)
			if err != nil {
				return fmt.Errorf("%s: %w", param, err)
			}
			if s.SystemUser != "" {
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			}
			if s.Clean {
				cmd.Env = env
				cmd.Dir = envValue(env, "HOME")
			}
		}
		cmd.Env = append(cmd.Env, "JNAME="+he.name, "JPATH="+he.path)
		if he.jid > 0 {
			cmd.Env = append(cmd.Env, "JID="+strconv.Itoa(he.jid))
		}
		if c.Background {
			if err := cmd.Start(); err != nil {
				return fmt.Errorf("%s: %s: %w", param, c.Text, err)
			}
			go cmd.Wait()
			continue
		}
		if err := cmd.Run(); err != nil {
			if cctx.Err() == context.DeadlineExceeded {
				return fmt.Errorf("%s: %s: %w after %s", param, c.Text, ErrTimeout, s.ExecTimeout)
			}
			return fmt.Errorf("%s: %s: %w", param, c.Text, err)
		}
	}
	return nil
}

// hostUser looks up a host user for exec.system_user and builds the
// clean environment jail(8) gives it.
func hostUser(name string) (*syscall.Credential, []string, error) {
	if name == "" {
		name = "root"
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, nil, fmt.Errorf("exec.system_user %s: %w", name, err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	env := []string{"HOME=" + u.HomeDir, "SHELL=/bin/sh", "USER=" + u.Username, "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"}
	if t := os.Getenv("TERM"); t != "" {
		env = append(env, "TERM="+t)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, env, nil
}

func envValue(env []string, key string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// jailCommands runs exec.* commands inside the jail as exec.jail_user,
// their output appended to exec.consolelog when set. With endsStart, the
// last one also tells the jail that exec.start is done (Backend.Started).
func (m *Manager) jailCommands(ctx context.Context, s *Spec, rec *state.Record, param string, cmds []Command, endsStart bool) error {
	if len(cmds) == 0 {
		return nil
	}
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer stdin.Close()
	out, errOut := stdoutFile(m.Out), stdoutFile(m.Err)
	if s.ConsoleLog != "" {
		f, err := os.OpenFile(s.ConsoleLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("exec.consolelog: %w", err)
		}
		defer f.Close()
		out, errOut = f, f
	}
	var pipes []*outputPipe
	if out == nil {
		p, err := newOutputPipe(m.locked(m.Out))
		if err != nil {
			return err
		}
		pipes = append(pipes, p)
		out = p.w
	}
	if errOut == nil {
		p, err := newOutputPipe(m.locked(m.Err))
		if err != nil {
			return err
		}
		pipes = append(pipes, p)
		errOut = p.w
	}
	defer func() {
		for _, p := range pipes {
			p.close()
		}
	}()
	jailUser, uid, gid := s.JailUser, uint32(0), uint32(0)
	if s.SystemJailUser && s.JailUser != "" {
		// exec.system_jail_user: the user is the host's, by number.
		cred, _, err := hostUser(s.JailUser)
		if err != nil {
			return fmt.Errorf("%s: %w", param, err)
		}
		jailUser, uid, gid = "#", cred.Uid, cred.Gid
	}
	for i, c := range cmds {
		r := RunRequest{
			Argv: c.Argv, User: jailUser, UID: uid, GID: gid, Env: os.Environ(), Clean: s.Clean,
			Stdin: stdin, Stdout: out, Stderr: errOut, Background: c.Background, Timeout: s.ExecTimeout,
			Started: endsStart && i == len(cmds)-1,
		}
		code, err := m.Backend.Run(ctx, rec, r)
		var ce creationError
		if errors.As(err, &ce) {
			return ce.err
		}
		if err != nil {
			return fmt.Errorf("%s: %s: %w", param, c.Text, err)
		}
		if code != 0 {
			return fmt.Errorf("%s: %s: failed with exit status %d", param, c.Text, code)
		}
	}
	return nil
}

// locked returns w itself if it is a file (the kernel orders writes) and
// otherwise w behind the Manager's lock, since jails run in parallel.
func (m *Manager) locked(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		return f
	}
	return &lockedWriter{mu: &m.mu, w: w}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// stdoutFile returns w as a file if it is one and not a terminal, so that
// a command in the jail can write to it directly.
func stdoutFile(w io.Writer) *os.File {
	if f, ok := w.(*os.File); ok && !IsTerminal(f) {
		return f
	}
	return nil
}

// IsTerminal reports whether f is a terminal. A terminal of the caller's
// is never handed to a process in a jail, which could use it against the
// caller's session (CVE-2017-5226); its output goes through a pipe.
func IsTerminal(f *os.File) bool {
	_, err := console.ConsoleFromFile(f)
	return err == nil
}

// outputPipe copies what a jail command writes into a Writer that is not
// a file (a buffer in tests).
type outputPipe struct {
	w    *os.File
	done chan struct{}
}

func newOutputPipe(dst io.Writer) (*outputPipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &outputPipe{w: w, done: make(chan struct{})}
	go func() {
		io.Copy(dst, r)
		r.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *outputPipe) close() {
	p.w.Close()
	<-p.done
}
