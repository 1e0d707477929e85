package jail

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/vjail/vjail/internal/fault"
	"github.com/vjail/vjail/internal/host/initbin"
	"github.com/vjail/vjail/internal/host/linuxns"
	"github.com/vjail/vjail/internal/host/syscallfilter"
	"github.com/vjail/vjail/internal/state"
	"github.com/vjail/vjail/internal/vnet"
)

// linuxBackend runs jails as Linux namespaces: see package linuxns for the
// init, and DESIGN notes there.
type linuxBackend struct {
	dir *state.Dir
	// cgroupParent is the cgroup directory under which each jail gets one
	// of its own: it finds, counts and kills a jail's processes even when
	// vjail was killed half-way. cgroupV1 is set on a host without a
	// cgroup v2 hierarchy.
	cgroupParent string
	cgroupV1     bool
	// unready holds, by jail name, the inits that Create left building
	// their jail (linuxns.SpawnSpec.Deferred): the first Run sends its
	// command before it waits for them.
	unready sync.Map
	// early is the init Prestart started for a jail, until its Create
	// takes it (early_linux.go).
	earlyMu sync.Mutex
	early   *earlyInit
}

// NewBackend returns the Linux backend for jails recorded in dir.
func NewBackend(dir *state.Dir) (Backend, error) {
	root, v1, err := cgroupRoot()
	if err != nil {
		return nil, err
	}
	name := "vjail"
	if filepath.Clean(dir.Path) != state.DefaultDir {
		// Another state directory (tests, a second instance) gets its own
		// cgroup subtree, so the two never see each other's jails.
		sum := sha256.Sum256([]byte(filepath.Clean(dir.Path)))
		name = fmt.Sprintf("vjail-%x", sum[:4])
	}
	return &linuxBackend{dir: dir, cgroupParent: filepath.Join(root, name), cgroupV1: v1}, nil
}

// EnvCgroupRoot names the environment variable that picks the cgroup
// hierarchy for jails' cgroups (a v2 mount or a v1 one such as
// /sys/fs/cgroup/pids).
const EnvCgroupRoot = "VJAIL_CGROUP_ROOT"

// cgroupRoot finds the hierarchy for jails' cgroups: $VJAIL_CGROUP_ROOT,
// else cgroup v2 (/sys/fs/cgroup on a unified host, /sys/fs/cgroup/unified
// on a hybrid one), else a cgroup v1 hierarchy (pids, then freezer, then
// memory) on a host that has only v1.
func cgroupRoot() (root string, v1 bool, err error) {
	candidates := []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids", "/sys/fs/cgroup/freezer", "/sys/fs/cgroup/memory"}
	if env := os.Getenv(EnvCgroupRoot); env != "" {
		candidates = []string{env}
	}
	for _, p := range candidates {
		var st unix.Statfs_t
		if _, err := os.Stat(filepath.Join(p, "cgroup.procs")); err != nil || unix.Statfs(p, &st) != nil {
			continue
		}
		switch st.Type {
		case unix.CGROUP2_SUPER_MAGIC:
			return p, false, nil
		case unix.CGROUP_SUPER_MAGIC:
			return p, true, nil
		}
	}
	return "", false, fmt.Errorf("no cgroup hierarchy among %s: vjail needs one to track a jail's processes", strings.Join(candidates, ", "))
}

func (b *linuxBackend) Prepare(s *Spec, rec *state.Record) error {
	rec.Cgroup = filepath.Join(b.cgroupParent, s.Name)
	dirs, err := b.limitCgroups(s)
	if err != nil {
		return err
	}
	rec.LimitCgroups = dirs
	rec.Socket = b.dir.SocketPath(s.Name)
	// The epairs' host ends are named after the jail: recorded before they
	// exist, so that a crash in between leaves nothing Destroy misses.
	for i := range s.VNetBridges {
		rec.Epairs = append(rec.Epairs, vnet.HostIfName(s.Name, i))
	}
	return nil
}

func (b *linuxBackend) logPath(name string) string {
	return filepath.Join(b.dir.Path, name+".log")
}

func (b *linuxBackend) Create(ctx context.Context, s *Spec, rec *state.Record, save func() error) (err error) {
	defer func() {
		if err != nil {
			b.ReturnInterfaces(rec)
			b.Destroy(context.WithoutCancel(ctx), rec)
		}
	}()
	st, err := os.Stat(s.Path)
	if err != nil {
		return fmt.Errorf("path %s: %w", s.Path, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("path %s: not a directory", s.Path)
	}
	fstab, _ := s.Params.Param("mount.fstab")
	var fstabFiles []string
	if fstab != nil {
		fstabFiles = fstab.Values
	}
	mounts, err := linuxMounts(s, fstabFiles)
	if err != nil {
		return err
	}
	bins, err := initbin.ProtectedBinaries(initbin.ExecDir(b.dir.Path))
	if err != nil {
		return err
	}
	// An early init comes with the jail's cgroup, made for it.
	early := b.takeEarly(s, rec.Cgroup, bins)
	defer func() {
		if early != nil {
			early.Abandon() // not spent: Spawn was not reached
		}
	}()
	// The shared parent may vanish under us when the last other jail
	// goes (Destroy removes it when empty): try again then.
	for try := 0; early == nil; try++ {
		err = os.MkdirAll(rec.Cgroup, 0o755)
		if err == nil || !errors.Is(err, fs.ErrNotExist) || try == 5 {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("cgroup: %w", err)
	}
	fault.Point("create.cgroup")
	limits, err := b.prepareLimits(s, rec.Cgroup, rec.LimitCgroups)
	if err != nil {
		return err
	}
	// Opened for the init to be born in (CLONE_INTO_CGROUP): an early
	// init is there already.
	cgFD := -1
	if early == nil && !b.cgroupV1 {
		cg, err := os.Open(rec.Cgroup)
		if err != nil {
			return fmt.Errorf("cgroup: %w", err)
		}
		defer cg.Close()
		cgFD = int(cg.Fd())
	}
	log, err := os.OpenFile(b.logPath(s.Name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer log.Close()
	cfg := linuxns.InitConfig{
		Name: s.Name, Path: s.Path, Hostname: s.Hostname, Domain: s.Domain,
		VNet: s.VNet, Persist: s.Persist, Mounts: mounts,
	}
	var filters syscallfilter.Filters
	cfg.DropCaps, filters = restrictions(s)
	for _, a := range s.VNetAddrs {
		if a.DHCP {
			cfg.DHCP = append(cfg.DHCP, vnet.JailIfName(a.If))
		}
	}
	spec := linuxns.SpawnSpec{Config: cfg, Filters: func() ([][]byte, error) { return syscallfilter.Jail(filters) }, UIDBase: rec.UIDBase, CgroupFD: cgFD, Socket: rec.Socket, Log: log, Binary: bins.Init, Idle: bins.Idle, Boot: s.Boot}
	// cgroup v1 cannot take a process at birth (CLONE_INTO_CGROUP): the
	// init joins before it is let go; its children follow it.
	spec.Join = func(pid int) error {
		if b.cgroupV1 {
			if err := os.WriteFile(filepath.Join(rec.Cgroup, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0); err != nil {
				return err
			}
		}
		return limits.apply(pid)
	}
	// The host's side of the jail's networking goes in while the init
	// builds the jail's root: its network namespace exists from the clone.
	spec.Started = func(init *linuxns.Init) error {
		rec.InitPID, rec.InitStart = init.PID, init.StartTime
		if err := save(); err != nil {
			return err
		}
		fault.Point("create.spawned")
		return b.connect(s, rec, init.PID, save)
	}
	// exec.start's first command goes to the init while it builds the
	// jail, when nothing else comes between: exec.created, a booted init,
	// or a DHCP lease to wait for.
	spec.Deferred = !s.Boot && len(s.Created) == 0 && (len(s.Start) > 0 || len(s.Command) > 0) && len(cfg.DHCP) == 0
	spec.Early, early = early, nil
	init, err := linuxns.Spawn(ctx, spec)
	if err == nil && spec.Deferred {
		b.unready.Store(s.Name, init)
	}
	if err != nil {
		if tail := logTail(b.logPath(s.Name)); tail != "" {
			err = fmt.Errorf("%w (init said: %s)", err, tail)
		}
		return err
	}
	if len(s.VNetRdr) > 0 {
		rec.Rdr = true // recorded first: Destroy removes the tables
		if err := save(); err != nil {
			return err
		}
		to4, to6 := s.RdrTargets()
		if err := vnet.AddJailRdr(s.Name, s.VNetRdr, to4, to6); err != nil {
			return err
		}
	}
	vj := vnet.Jail{Name: s.Name, Bridges: s.VNetBridges, Addrs: s.VNetAddrs, Routers: s.VNetRouters}
	return vnet.WaitDHCP(vj, rec.InitPID, DHCPTimeout)
}

// connect lends the jail its vnet.interface links and wires its epairs,
// into the network namespace of the jail's init pid. Each step is recorded
// before it is taken, for Destroy to undo after a crash.
func (b *linuxBackend) connect(s *Spec, rec *state.Record, pid int, save func() error) error {
	if len(s.VNetInterfaces) > 0 {
		if err := b.holdNetNS(rec, pid, save); err != nil {
			return err
		}
	}
	for _, ifname := range s.VNetInterfaces {
		link, err := netlink.LinkByName(ifname)
		if err != nil {
			return fmt.Errorf("vnet.interface %s: %w (is it a link of this host, not already lent to another jail?)", ifname, err)
		}
		up := link.Attrs().Flags&net.FlagUp != 0
		// Recorded before it moves: a crash in between must not leave a
		// lent link that nothing knows to hand back.
		rec.Interfaces = append(rec.Interfaces, state.Interface{Name: ifname, Up: up})
		if err := save(); err != nil {
			return err
		}
		fault.Point("create.interface")
		if err := netlink.LinkSetNsPid(link, pid); err != nil {
			return fmt.Errorf("vnet.interface %s: move into the jail: %w", ifname, err)
		}
		fault.Point("create.interface-moved")
	}
	vj := vnet.Jail{Name: s.Name, Bridges: s.VNetBridges, Addrs: s.VNetAddrs, Routers: s.VNetRouters}
	if _, err := vnet.Attach(vj, pid, vnet.MachineKey()); err != nil {
		return err
	}
	fault.Point("create.attached")
	return nil
}

// DHCPTimeout bounds how long start waits for a jail's DHCP lease.
const DHCPTimeout = 30 * time.Second

// holdNetNS bind-mounts the network namespace of a jail that borrows host
// links on a file in the state directory (recorded first, so that a crash
// cannot leave a mount nothing knows of): a namespace lives while such a
// mount does, so that if the jail's init dies (kill -9, or a jail without
// persist ending by itself), the lent links stay in it, a virtual one
// included, until ReturnInterfaces hands them back. Only such jails get
// one: each mount in the host's table makes new mount namespaces slower.
func (b *linuxBackend) holdNetNS(rec *state.Record, pid int, save func() error) error {
	rec.NetNS = filepath.Join(b.dir.Path, rec.Name+".netns")
	if err := save(); err != nil {
		return err
	}
	f, err := os.OpenFile(rec.NetNS, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("hold the network namespace: %w", err)
	}
	f.Close()
	if err := unix.Mount(fmt.Sprintf("/proc/%d/ns/net", pid), rec.NetNS, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("hold the network namespace on %s: %w", rec.NetNS, err)
	}
	fault.Point("create.netns")
	return nil
}

// releaseNetNS lets go of a held network namespace; absent is success.
func releaseNetNS(rec *state.Record) {
	if rec.NetNS == "" {
		return
	}
	unix.Unmount(rec.NetNS, unix.MNT_DETACH)
	os.Remove(rec.NetNS)
}

// jailNetNS opens the jail's network namespace: its init's, or the one
// holdNetNS keeps once the init is gone.
func (b *linuxBackend) jailNetNS(rec *state.Record) (netns.NsHandle, error) {
	if b.Alive(rec) {
		if h, err := netns.GetFromPid(rec.InitPID); err == nil {
			return h, nil
		}
		// It ended meanwhile: what holdNetNS keeps, if anything.
	}
	if rec.NetNS != "" {
		h, err := netns.GetFromPath(rec.NetNS)
		if err != nil {
			return h, err
		}
		// A crash between making the file and mounting on it leaves a
		// plain file.
		var st unix.Statfs_t
		if unix.Fstatfs(int(h), &st) != nil || st.Type != unix.NSFS_MAGIC {
			h.Close()
			return netns.None(), unix.ESRCH
		}
		return h, nil
	}
	return netns.None(), unix.ESRCH
}

func (b *linuxBackend) Lend(rec *state.Record, ifname string, save func() error) error {
	for _, ifc := range rec.Interfaces {
		if ifc.Name == ifname {
			return fmt.Errorf("%s is lent to jail %s already", ifname, rec.Name)
		}
	}
	link, err := netlink.LinkByName(ifname)
	if err != nil {
		return fmt.Errorf("%s: no such link on the host (or it is lent to a jail already): %w", ifname, err)
	}
	if rec.NetNS == "" {
		if err := b.holdNetNS(rec, rec.InitPID, save); err != nil {
			return err
		}
	}
	up := link.Attrs().Flags&net.FlagUp != 0
	rec.Interfaces = append(rec.Interfaces, state.Interface{Name: ifname, Up: up})
	if err := save(); err != nil {
		return err
	}
	if err := netlink.LinkSetNsPid(link, rec.InitPID); err != nil {
		rec.Interfaces = rec.Interfaces[:len(rec.Interfaces)-1]
		save()
		return fmt.Errorf("%s: move into jail %s: %w", ifname, rec.Name, err)
	}
	return nil
}

func (b *linuxBackend) Reclaim(rec *state.Record, ifname string, save func() error) error {
	i := slices.IndexFunc(rec.Interfaces, func(ifc state.Interface) bool { return ifc.Name == ifname })
	if i < 0 {
		return fmt.Errorf("%s was not lent to jail %s (vjail vnet %s %s lends it)", ifname, rec.Name, ifname, rec.Name)
	}
	if err := b.returnInterfaces(rec, rec.Interfaces[i:i+1]); err != nil {
		return err
	}
	rec.Interfaces = slices.Delete(rec.Interfaces, i, i+1)
	return save()
}

// ReturnInterfaces moves each lent link from the jail's network namespace
// back into vjail's own, explicitly: left to the kernel, a physical NIC
// would come back only once the namespace is torn down (and to the
// machine's first namespace, not necessarily vjail's), and a virtual one
// would be destroyed with it.
func (b *linuxBackend) ReturnInterfaces(rec *state.Record) error {
	return b.returnInterfaces(rec, rec.Interfaces)
}

func (b *linuxBackend) returnInterfaces(rec *state.Record, lent []state.Interface) error {
	if len(lent) == 0 {
		return nil
	}
	jailNS, err := b.jailNetNS(rec)
	if errors.Is(err, unix.ESRCH) || errors.Is(err, fs.ErrNotExist) {
		return nil // nothing holds them: the kernel has dealt with them
	}
	if err != nil {
		return fmt.Errorf("network namespace of %s: %w", rec.Name, err)
	}
	defer jailNS.Close()
	hostNS, err := netns.Get()
	if err != nil {
		return err
	}
	defer hostNS.Close()
	h, err := netlink.NewHandleAt(jailNS, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer h.Close()
	var errs []error
	for _, ifc := range lent {
		link, err := h.LinkByName(ifc.Name)
		if err != nil {
			if _, onHost := netlink.LinkByName(ifc.Name); onHost == nil {
				continue // recorded, but a crash came before it moved
			}
		}
		if err == nil {
			err = h.LinkSetNsFd(link, int(hostNS))
		}
		if err == nil && ifc.Up {
			var back netlink.Link
			if back, err = netlink.LinkByName(ifc.Name); err == nil {
				err = netlink.LinkSetUp(back)
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("vnet.interface %s: hand back: %w", ifc.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Linux capability numbers (linux/capability.h) used by restrictions.
const (
	capNetRaw  = 13
	capIPCLock = 14
	capLastCap = 40
)

// restrictions maps allow.* to what the commands of the jail may not do:
// capabilities dropped from their bounding set and system calls denied.
// Root in the jail holds capabilities only over the jail's own namespaces,
// so these restrict the jail within itself; the host is out of reach in
// any case.
func restrictions(s *Spec) (caps []int, filters syscallfilter.Filters) {
	filters.AllSocketFamilies = s.Allow["allow.socket_af"]
	if p, ok := s.Params.Param("children.max"); ok && len(p.Values) == 1 {
		n, err := strconv.Atoi(p.Values[0])
		filters.Namespaces = err == nil && n > 0
	}
	if !s.Allow["allow.suser"] && hasParam(s, "allow.suser") {
		// Without a capability, the jail's root can make none of the
		// calls that allow.* lets it make.
		for c := 0; c <= capLastCap; c++ {
			caps = append(caps, c)
		}
		filters.SetHostname, filters.Mount, filters.SysVIPC = true, true, true
		return caps, filters
	}
	if !s.Allow["allow.raw_sockets"] {
		caps = append(caps, capNetRaw)
	}
	if !s.Allow["allow.mlock"] {
		caps = append(caps, capIPCLock)
	}
	filters.SetHostname = s.Allow["allow.set_hostname"]
	filters.Mount = s.Allow["allow.mount"]
	filters.SysVIPC = s.Allow["allow.sysvipc"]
	return caps, filters
}

func hasParam(s *Spec, name string) bool {
	_, ok := s.Params.Param(name)
	return ok
}

func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 500 {
		s = "..." + s[len(s)-500:]
	}
	return s
}

func (b *linuxBackend) Alive(rec *state.Record) bool {
	return linuxns.Alive(rec.InitPID, rec.InitStart)
}

func (b *linuxBackend) Run(ctx context.Context, rec *state.Record, r RunRequest) (int, error) {
	// An init that Create left building the jail is waited for after the
	// request is sent.
	ready := b.takeUnready(rec.Name)
	if !b.Alive(rec) {
		if err := callReady(ready); err != nil {
			return -1, err
		}
		return -1, fmt.Errorf("jail %s: %w", rec.Name, state.ErrNotFound)
	}
	req := linuxns.Request{
		Argv: r.Argv, User: r.User, UID: r.UID, GID: r.GID, Env: r.Env,
		Clean: r.Clean, Login: r.Login, Background: r.Background, Started: r.Started,
	}
	if r.TTY {
		if err := callReady(ready); err != nil {
			return -1, err
		}
		code, err := linuxns.ExecTTY(rec.Socket, req, r.Terminal, r.Terminal, r.Terminal)
		return code, endedErr(err)
	}
	if r.Timeout <= 0 {
		code, err := linuxns.Exec(rec.Socket, req, r.Stdin, r.Stdout, r.Stderr, nil, ready)
		return code, endedErr(err)
	}
	// exec.timeout: kill the command when its time is up.
	pids := make(chan int, 1)
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := linuxns.Exec(rec.Socket, req, r.Stdin, r.Stdout, r.Stderr, func(pid int) { pids <- pid }, ready)
		done <- result{code, err}
	}()
	timer := time.NewTimer(r.Timeout)
	defer timer.Stop()
	pid := 0
	for {
		select {
		case pid = <-pids:
		case res := <-done:
			return res.code, endedErr(res.err)
		case <-timer.C:
			if pid > 0 {
				linuxns.Call(rec.Socket, linuxns.Request{Op: "kill", PID: pid, Signal: int(unix.SIGKILL)})
			}
			res := <-done
			return res.code, fmt.Errorf("%w after %s", ErrTimeout, r.Timeout)
		}
	}
}

func (b *linuxBackend) Boot(ctx context.Context, rec *state.Record, argv []string, console *os.File) error {
	if !b.Alive(rec) {
		return fmt.Errorf("jail %s: %w", rec.Name, state.ErrNotFound)
	}
	stdin, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer stdin.Close()
	if console == nil {
		log, err := os.OpenFile(b.logPath(rec.Name), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		defer log.Close()
		console = log
	}
	return endedErr(linuxns.Boot(rec.Socket, argv, stdin, console, console))
}

// Hold signals the init to become persistent (see linuxns.HoldSignal). A
// booted jail's PID 1 is the userland's init, which lives until it halts.
func (b *linuxBackend) Hold(rec *state.Record) error {
	if rec.Boot {
		return nil
	}
	err := linuxns.SignalInit(rec.InitPID, rec.InitStart, linuxns.HoldSignal)
	if errors.Is(err, unix.ESRCH) {
		return nil // ended already: stop clears it
	}
	return err
}

// Halt sends the init SIGPWR: what LXC sends to halt a container, and
// what busybox init takes for "halt".
func (b *linuxBackend) Halt(rec *state.Record) error {
	return linuxns.SignalInit(rec.InitPID, rec.InitStart, unix.SIGPWR)
}

// endedErr marks an error from a jail that ended under the request as
// ErrEnded, keeping its message.
func endedErr(err error) error {
	if errors.Is(err, linuxns.ErrLost) {
		return endedError{err}
	}
	return err
}

type endedError struct{ error }

func (e endedError) Is(target error) bool { return target == ErrEnded }
func (e endedError) Unwrap() error        { return e.error }

func (b *linuxBackend) Started(rec *state.Record) error {
	if err := callReady(b.takeUnready(rec.Name)); err != nil {
		return err
	}
	_, err := linuxns.Call(rec.Socket, linuxns.Request{Op: "started"})
	return err
}

// takeUnready returns, for an init that Create left building jail name,
// the wait for it to be ready, whose failure is the jail's creation's
// (creationError); else nil.
func (b *linuxBackend) takeUnready(name string) func() error {
	in, ok := b.unready.LoadAndDelete(name)
	if !ok {
		return nil
	}
	return func() error {
		if err := in.(*linuxns.Init).Ready(); err != nil {
			return creationError{err}
		}
		return nil
	}
}

// callReady calls ready, if any.
func callReady(ready func() error) error {
	if ready == nil {
		return nil
	}
	return ready()
}

func (b *linuxBackend) Signal(rec *state.Record, sig int) error {
	if !b.Alive(rec) {
		return nil
	}
	_, err := linuxns.Call(rec.Socket, linuxns.Request{Op: "kill", Signal: sig})
	return err
}

func (b *linuxBackend) Procs(rec *state.Record) (int, error) {
	data, err := os.ReadFile(filepath.Join(rec.Cgroup, "cgroup.procs"))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return len(strings.Fields(string(data))), nil
}

// Destroy kills every process in the jail's cgroup at once (cgroup.kill),
// which takes the init and with it every namespace; then it removes the
// cgroup, the control socket and the init's log.
func (b *linuxBackend) Destroy(ctx context.Context, rec *state.Record) error {
	b.unready.Delete(rec.Name)
	var errs []error
	if rec.Cgroup != "" {
		if err := killCgroup(ctx, rec.Cgroup, b.cgroupV1); err != nil {
			errs = append(errs, err)
		}
		fault.Point("destroy.killed")
		// The shared parent goes with its last jail; EBUSY while others
		// run.
		unix.Rmdir(filepath.Dir(rec.Cgroup))
	}
	if err := removeLimitCgroups(rec.LimitCgroups); err != nil {
		errs = append(errs, err)
	}
	releaseNetNS(rec)
	if b.Alive(rec) {
		unix.Kill(rec.InitPID, unix.SIGKILL)
	}
	fault.Point("destroy.limits")
	if err := vnet.Detach(rec.Epairs); err != nil {
		errs = append(errs, err)
	}
	fault.Point("destroy.epairs")
	if rec.Rdr {
		if err := vnet.RemoveJailRdr(rec.Name); err != nil {
			errs = append(errs, err)
		}
	}
	if rec.Socket != "" {
		os.Remove(rec.Socket)
	}
	os.Remove(b.logPath(rec.Name))
	return errors.Join(errs...)
}

// killCgroup kills every process in cgroup dir and removes it; absent is
// success. cgroup v2 kills them at once (cgroup.kill); on v1 each is
// killed until none is left (the pid namespace dies with its init, so
// none can escape by forking).
func killCgroup(ctx context.Context, dir string, v1 bool) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if !v1 {
		if err := os.WriteFile(filepath.Join(dir, "cgroup.kill"), []byte("1"), 0); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("kill cgroup %s: %w", dir, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if v1 {
			if b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err == nil {
				for _, f := range strings.Fields(string(b)) {
					if pid, err := strconv.Atoi(f); err == nil {
						unix.Kill(pid, unix.SIGKILL)
					}
				}
			}
		}
		err := unix.Rmdir(dir)
		if err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("remove cgroup %s: %w", dir, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (b *linuxBackend) Addresses(rec *state.Record) []string {
	if !rec.VNet || !b.Alive(rec) {
		return nil
	}
	ns, err := netns.GetFromPid(rec.InitPID)
	if err != nil {
		return nil
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil
	}
	defer h.Close()
	addrs, err := vnet.RetryDump(func() ([]netlink.Addr, error) { return h.AddrList(nil, netlink.FAMILY_ALL) })
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		if a.IP.IsLoopback() || a.IP.IsLinkLocalUnicast() {
			continue
		}
		out = append(out, (&net.IPNet{IP: a.IP, Mask: a.Mask}).String())
	}
	return out
}

func (b *linuxBackend) Exists(rec *state.Record, path string) bool {
	h, err := pathrs.OpenInRoot(rec.Path, path)
	if err != nil {
		return false
	}
	h.Close()
	return true
}
