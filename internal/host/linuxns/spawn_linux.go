package linuxns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"github.com/vjail/vjail/internal/fault"
	"golang.org/x/sys/unix"
)

// IDRange is the number of uids and gids each jail's user namespace maps.
const IDRange = 65536

// SpawnSpec is what Spawn needs besides the init's configuration.
type SpawnSpec struct {
	// Config is sent to the init, with Seccomp from Filters, which runs
	// while the init's runtime starts (see syscallfilter.Jail).
	Config  InitConfig
	Filters func() ([][]byte, error)
	// UIDBase is the host uid and gid that the jail's root maps to; the
	// jail's ids 0..IDRange-1 map to UIDBase.. on the host.
	UIDBase uint32
	// CgroupFD is an open directory of the cgroup (v2) the init is born
	// in, or -1; Join, if set, puts the started init into its cgroup (v1)
	// before the init goes on.
	CgroupFD int
	Join     func(pid int) error
	// Socket is the path of the control socket to create.
	Socket string
	// Log receives the init's own error output.
	Log *os.File
	// Binary is the Go init's executable ("" is this one); Idle, if set,
	// the small C init's: both must be able to run inside the jail
	// (initbin.ProtectedBinaries sees to that). With Idle, the C init is
	// the jail's init from the start (StartArg), unless Boot: a jail that
	// boots its own init starts with the Go init, which hands it PID 1.
	Binary, Idle string
	Boot         bool
	// Early, if set, is the init StartEarly started for this jail (a vnet
	// jail with the C init, Binary and Idle the same): Spawn goes on with
	// it rather than start one, and Early is spent.
	Early *EarlyInit
	// Deferred makes Spawn return once the init has what it needs to build
	// the jail, without waiting for it to be done (Init.Ready waits): a
	// request sent meanwhile waits on the control socket, and the init
	// takes it as soon as it is ready. Used for exec.start's first
	// command, which so skips a round trip.
	Deferred bool
	// Started, if set, runs once the init lives in its namespaces and has
	// what it needs to build the jail, while it does: what the host does
	// to the jail's network namespace need not wait for the init's
	// runtime to start. An error ends the spawn.
	Started func(*Init) error
}

// Init identifies a spawned init on the host.
type Init struct {
	PID       int
	StartTime uint64
	// ready waits for an init spawned with Deferred to be ready.
	ready func() error
}

// Ready waits until an init spawned with SpawnSpec.Deferred has built the
// jail and takes requests, and says why not if it cannot. (An init that
// Spawn returned otherwise is ready.)
func (in *Init) Ready() error {
	if in.ready == nil {
		return nil
	}
	return in.ready()
}

// Spawn creates a jail: it starts the init, the Go one as the init of
// new namespaces, or the C one, which makes them itself with this
// process's help (mapIDs, awaitPID1); hands it the jail's root mounted
// idmapped; and waits until the init has built the root and listens on
// its control socket (with Deferred, Init.Ready does). On failure nothing
// of the jail remains: the init is killed and the socket removed.
func Spawn(ctx context.Context, s SpawnSpec) (_ *Init, err error) {
	fault.Time("spawn.called")
	lnFile, err := listenControl(s.Socket)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	defer lnFile.Close()
	defer func() {
		if err != nil {
			os.Remove(s.Socket)
		}
	}()
	// The C init, when there is one, unless the jail boots its own.
	cStart := s.Idle != "" && !s.Boot
	var p *initProcess
	if s.Early != nil {
		if p, s.Early.p = s.Early.p, nil; p == nil || !cStart || !s.Config.VNet {
			p.abandon()
			return nil, errors.New("an init started early is for one vnet jail with the C init")
		}
	} else if p, err = startInit(s, cStart, false, lnFile); err != nil {
		return nil, err
	}
	parentSync := p.sync
	defer p.cfg.Close()
	defer p.null.Close()
	defer func() {
		if err != nil {
			parentSync.Close()
			return
		}
		// Held open until this process exits: the init waits for that
		// to go idle (InitMain).
		heldSyncs.Lock()
		heldSyncs.files = append(heldSyncs.files, parentSync)
		heldSyncs.Unlock()
	}()
	pid := p.pid
	defer func() {
		if err != nil {
			unix.Kill(pid, unix.SIGKILL)
		}
	}()
	// The Go init has the C init's binary (fdIdle) to become once idle.
	s.Config.Idle = s.Idle != ""
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(30 * time.Second)
	}
	if err := parentSync.SetReadDeadline(deadline); err != nil {
		return nil, fmt.Errorf("wait for the init: %w", err)
	}
	if s.Join != nil {
		// The init waits for its configuration: it has no children yet.
		if err := s.Join(pid); err != nil {
			return nil, fmt.Errorf("cgroup: %w", err)
		}
	}
	if s.Config.Seccomp, err = s.Filters(); err != nil {
		return nil, fmt.Errorf("seccomp filters: %w", err)
	}
	var cfgData []byte
	if cStart {
		cfgData, err = encodeStartConfig(&s.Config)
	} else {
		cfgData, err = s.Config.MarshalJSON()
	}
	if err == nil {
		_, err = p.cfg.Write(cfgData)
	}
	if err != nil {
		return nil, fmt.Errorf("send configuration to init: %w", err)
	}
	p.cfg.Close()
	fault.Time("spawn.config-sent")
	// The user namespace is held open for the trees: the C init's first
	// process, whose it is, ends as soon as it has forked PID 1.
	var userns int
	if cStart {
		userns, err = mapIDs(parentSync, pid, s)
	} else if userns, err = unix.Open(fmt.Sprintf("/proc/%d/ns/user", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0); err != nil {
		err = fmt.Errorf("open user namespace of init: %w", err)
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(userns)

	fault.Time("spawn.mapped")
	tree, err := idmappedTree(s.Config.Path, userns, 0)
	if err != nil {
		parentSync.Write([]byte("error: " + err.Error()))
		return nil, err
	}
	defer unix.Close(tree)
	// Bind mounts (nullfs) are cloned here too: the init may not be able
	// to walk to their sources, and their files keep their ownership the
	// same way as the root's.
	var binds []int
	defer func() {
		for _, fd := range binds {
			unix.Close(fd)
		}
	}()
	for _, m := range s.Config.Mounts {
		if m.Kind != "bind" {
			continue
		}
		fd, err := idmappedTree(m.Source, userns, bindAttrs(m))
		if err != nil {
			parentSync.Write([]byte("error: " + err.Error()))
			return nil, fmt.Errorf("mount %s on %s: %w", m.Source, m.Target, err)
		}
		binds = append(binds, fd)
	}
	// The trees are made while the C init makes its other namespaces:
	// only the user namespace's map matters to them. Its mount namespace
	// is the new PID 1's.
	fault.Time("spawn.trees")
	if cStart {
		if pid, err = awaitPID1(parentSync, s.Config.Name); err != nil {
			return nil, err
		}
	}
	// The init, root only of its own user namespace, may not be able to
	// walk the host's path to the jail (a 0700 parent keeps unprivileged
	// users out, and the init is one on the host). So the attachment point
	// is opened here, inside the init's mount namespace through
	// /proc/PID/root, and handed over with the tree.
	target, err := unix.Open(fmt.Sprintf("/proc/%d/root%s", pid, s.Config.Path), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		parentSync.Write([]byte("error: " + err.Error()))
		return nil, fmt.Errorf("open %s in the jail's mount namespace: %w", s.Config.Path, err)
	}
	defer unix.Close(target)
	fds := append([]int{tree, target}, binds...)
	if cStart {
		// The C init takes its control socket and its log with the root
		// (start.c says why).
		logFD := int(p.null.Fd())
		if s.Log != nil {
			logFD = int(s.Log.Fd())
		}
		fds = append(fds, int(lnFile.Fd()), logFD)
	}
	err = sendFDs(parentSync, "root", fds)
	runtime.KeepAlive(s.Log)
	if err != nil {
		return nil, fmt.Errorf("send root to init: %w", err)
	}
	// The C init brings lo up itself, while it waits for the root.
	if s.Config.VNet && !cStart {
		if err := loopbackUp(pid); err != nil {
			return nil, fmt.Errorf("bring lo up in the jail: %w", err)
		}
	}
	start, err := ProcessStartTime(pid)
	if err != nil {
		return nil, err
	}
	if s.Started != nil {
		if err := s.Started(&Init{PID: pid, StartTime: start}); err != nil {
			return nil, err
		}
	}
	fault.Time("spawn.sent")
	ready := func() error {
		if err := awaitInit(parentSync, s.Config.Name, "ok"); err != nil {
			return err
		}
		fault.Time("spawn.ok")
		return nil
	}
	if s.Deferred {
		return &Init{PID: pid, StartTime: start, ready: sync.OnceValue(ready)}, nil
	}
	if err := ready(); err != nil {
		return nil, err
	}
	return &Init{PID: pid, StartTime: start}, nil
}

// listenControl makes the control socket at path, for the init: a
// listening SOCK_SEQPACKET socket, blocking, which this process only
// hands over (so not through Go's poller).
func listenControl(path string) (*os.File, error) {
	os.Remove(path)
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		unix.Close(fd)
		return nil, err
	}
	if err := unix.Listen(fd, unix.SOMAXCONN); err != nil {
		unix.Close(fd)
		os.Remove(path)
		return nil, err
	}
	return os.NewFile(uintptr(fd), path), nil
}

// maxJailName is the longest jail name (jailconf's limit).
const maxJailName = 200

// initProcess is an init started, that has not had its configuration
// yet.
type initProcess struct {
	pid    int
	exited chan struct{} // closed once pid is reaped
	// cfg is the pipe the configuration goes down; sync, the socket to
	// the init; null, /dev/null, the log of an init that has none.
	cfg, sync, null *os.File
}

// startInit starts the init of the jail s: the C init if cStart, early
// (StartEarly) or not, else the Go init as the init of new namespaces.
// lnFile is the Go init's control socket (the C init has its own later).
func startInit(s SpawnSpec, cStart, early bool, lnFile *os.File) (_ *initProcess, err error) {
	p := &initProcess{}
	defer func() {
		if err != nil {
			p.close()
		}
	}()
	if p.null, err = os.Open(os.DevNull); err != nil {
		return nil, err
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer cfgR.Close()
	p.cfg = cfgW
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	// Non-blocking, so that Go's poller takes it and the wait for the
	// init's answer can have a deadline.
	if err := unix.SetNonblock(pair[0], true); err != nil {
		unix.Close(pair[0])
		unix.Close(pair[1])
		return nil, fmt.Errorf("socketpair: %w", err)
	}
	p.sync = os.NewFile(uintptr(pair[0]), "sync")
	childSync := os.NewFile(uintptr(pair[1]), "sync-child")
	defer childSync.Close()

	bin := s.Binary
	if bin == "" {
		bin = "/proc/self/exe"
	}
	// Executed through a descriptor, which the init keeps (fdExe): the
	// path may lie in directories the jail's root may not enter.
	exeFD, err := unix.Open(bin, unix.O_PATH|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("the init's binary: %w", err)
	}
	exeFile := os.NewFile(uintptr(exeFD), bin)
	defer exeFile.Close()
	// fds 0-2, then 3 to 6. The C init takes its control socket (5) and
	// its log (1, 2) with the root: until then they are /dev/null.
	files := []*os.File{p.null, s.Log, s.Log, cfgR, childSync, lnFile, exeFile}
	if s.Log == nil {
		files[1], files[2] = p.null, p.null
	}
	if cStart {
		files[1], files[2], files[5] = p.null, p.null, p.null
	}
	if s.Idle != "" {
		idleFD, err := unix.Open(s.Idle, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, fmt.Errorf("the idle init's binary: %w", err)
		}
		idleFile := os.NewFile(uintptr(idleFD), s.Idle)
		defer idleFile.Close()
		files = append(files, idleFile) // fd 7
	}
	argv := []string{"vjail-init: " + s.Config.Name, InitArg}
	execFD := fdExe
	if cStart {
		execFD, argv[1] = fdIdle, StartArg
	}
	if early {
		// Room for "vjail-init: NAME", which the init writes once it has
		// its configuration (start.c's name_self).
		argv = append(argv, "early")
		argv[0] = "vjail-init" + strings.Repeat(" ", maxJailName+2)
	}
	attr := &syscall.ProcAttr{
		// Two Ps while the init sets up; one afterwards if it stays a Go
		// process (InitMain).
		Env: []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "GOMAXPROCS=2"},
	}
	for _, f := range files {
		attr.Files = append(attr.Files, f.Fd())
	}
	switch {
	case cStart:
		// The C init makes its namespaces itself (start.c): started in
		// this process's, it costs no copy of this process's memory (Go
		// forks a process that creates a user namespace without
		// CLONE_VM, which took 0.6 ms more here, and left every page
		// this process wrote afterwards to be copied on the write).
		attr.Sys = &syscall.SysProcAttr{UseCgroupFD: s.CgroupFD >= 0, CgroupFD: s.CgroupFD}
	default:
		flags := uintptr(unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWCGROUP)
		if s.Config.VNet {
			flags |= unix.CLONE_NEWNET
		}
		attr.Sys = &syscall.SysProcAttr{
			Cloneflags:  flags,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(s.UIDBase), Size: IDRange}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: int(s.UIDBase), Size: IDRange}},
			// setgroups stays allowed so that the init can give a jail user
			// its supplementary groups; the map covers only the jail's range.
			GidMappingsEnableSetgroups: true,
			Credential:                 &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: true},
			Setsid:                     true,
			UseCgroupFD:                s.CgroupFD >= 0,
			CgroupFD:                   s.CgroupFD,
		}
	}
	// A diagnostic run (fault.Time) follows the init too; the file must
	// then be writable by the jail's root.
	if t := os.Getenv("VJAIL_FAULT_TIMES"); t != "" {
		attr.Env = append(attr.Env, "VJAIL_FAULT_TIMES="+t)
	}
	fault.Time("spawn.begin")
	// Started with syscall's StartProcess, not os/exec: os probes, on
	// its first start of a process, whether pidfds work, by starting
	// and waiting for a child of its own (with os/exec's own work, 0.24 ms
	// of every vjail start).
	pid, _, err := syscall.StartProcess(fmt.Sprintf("/proc/self/fd/%d", execFD), argv, attr)
	// The descriptors must stay open until the child has them.
	runtime.KeepAlive(files)
	if err != nil {
		return nil, fmt.Errorf("start init: %w", err)
	}
	fault.Time("spawn.started")
	// Reaped if this process outlives it: the C init's first process
	// ends once it has forked PID 1, the Go init when the jail ends.
	p.pid, p.exited = pid, make(chan struct{})
	go func() {
		for {
			if _, err := unix.Wait4(pid, nil, 0, nil); err != unix.EINTR {
				break
			}
		}
		close(p.exited)
	}()
	return p, nil
}

// close closes the host's ends of what p was started with.
func (p *initProcess) close() {
	for _, f := range []*os.File{p.cfg, p.sync, p.null} {
		if f != nil {
			f.Close()
		}
	}
}

// abandon kills the init p, if any, closes its ends, and returns once
// it is gone.
func (p *initProcess) abandon() {
	if p == nil {
		return
	}
	unix.Kill(p.pid, unix.SIGKILL)
	p.close()
	<-p.exited
}

// EarlyInit is a C init started before vjail has read the configuration
// of the jail it is for (StartEarly): its user and network namespaces,
// half a millisecond and more of a start, are made while vjail reads the
// configuration and allocates the jail's ids.
type EarlyInit struct {
	p *initProcess
}

// StartEarly starts the C init (binary the Go init's, idle the C init's,
// both as for SpawnSpec) for a vnet jail yet to be named, in the cgroup
// (v2) open as cgroupFD. It waits for its configuration, which Spawn with
// SpawnSpec.Early sends; an init not so taken must be Abandoned (it ends
// by itself when this process does).
func StartEarly(binary, idle string, cgroupFD int) (*EarlyInit, error) {
	s := SpawnSpec{Binary: binary, Idle: idle, CgroupFD: cgroupFD}
	p, err := startInit(s, true, true, nil)
	if err != nil {
		return nil, err
	}
	return &EarlyInit{p: p}, nil
}

// Abandon kills an init that StartEarly started and Spawn did not take,
// and returns once it is gone.
func (e *EarlyInit) Abandon() {
	e.p.abandon()
	e.p = nil
}

// awaitInit waits for the init's message want on sync, or its error, or
// its death.
func awaitInit(sync *os.File, name, want string) error {
	_, err := awaitInitPrefix(sync, name, want)
	return err
}

// awaitInitPrefix waits for a message of the init's that starts with
// prefix, and returns the rest.
func awaitInitPrefix(sync *os.File, name, prefix string) (string, error) {
	buf := make([]byte, 4096)
	n, err := sync.Read(buf)
	if err != nil {
		return "", fmt.Errorf("init of %s did not start: %w", name, err)
	}
	msg := string(buf[:n])
	if rest, ok := strings.CutPrefix(msg, prefix); ok && !strings.HasPrefix(msg, "error: ") {
		return rest, nil
	}
	return "", fmt.Errorf("init of %s: %s", name, strings.TrimPrefix(msg, "error: "))
}

// mapIDs is the host's part in the C init's making of its namespaces
// (start.c): once the init (pid, a process of this host's namespaces)
// has its user namespace, the jail's id range is mapped into it; the init
// then makes the others and forks the jail's init proper, PID 1 of the
// new pid namespace, whose pid awaitPID1 learns.
func mapIDs(sync *os.File, pid int, s SpawnSpec) (userns int, err error) {
	if err := awaitInit(sync, s.Config.Name, "user"); err != nil {
		return -1, err
	}
	userns, err = unix.Open(fmt.Sprintf("/proc/%d/ns/user", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open user namespace of init: %w", err)
	}
	defer func() {
		if err != nil {
			unix.Close(userns)
		}
	}()
	idMap := []byte(fmt.Sprintf("0 %d %d\n", s.UIDBase, IDRange))
	for _, f := range []string{"uid_map", "gid_map"} {
		// setgroups stays allowed so that the init can give a jail user
		// its supplementary groups; the map covers only the jail's range.
		if err = writeProc(fmt.Sprintf("/proc/%d/%s", pid, f), idMap); err != nil {
			sync.Write([]byte("error: " + err.Error()))
			return -1, fmt.Errorf("map the jail's ids: %w", err)
		}
	}
	if _, err = sync.Write([]byte("mapped")); err != nil {
		return -1, fmt.Errorf("init of %s: %w", s.Config.Name, err)
	}
	return userns, nil
}

// writeProc writes data to the /proc file path in one write, as the
// kernel wants an id map written.
func writeProc(path string, data []byte) error {
	fd, err := unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	if _, err := unix.Write(fd, data); err != nil {
		return &os.PathError{Op: "write", Path: path, Err: err}
	}
	return nil
}

// awaitPID1 returns the pid of the jail's init proper, which the C init
// forked (see mapIDs).
func awaitPID1(sync *os.File, name string) (int, error) {
	rest, err := awaitInitPrefix(sync, name, "pid ")
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(rest)
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("init of %s: bad pid %q", name, rest)
	}
	return pid, nil
}

// sendFDs sends msg with the descriptors fds on sock, through Go's poller
// (sock.Fd() would make it blocking, and its deadlines void).
func sendFDs(sock *os.File, msg string, fds []int) error {
	rc, err := sock.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = rc.Write(func(fd uintptr) bool {
		serr = unix.Sendmsg(int(fd), []byte(msg), unix.UnixRights(fds...), nil, 0)
		return serr != unix.EAGAIN
	})
	if err != nil {
		return err
	}
	return serr
}

// heldSyncs are the host's ends of the sockets to the inits this process
// started, kept open (and referenced, so that no finalizer closes them)
// until it exits.
var heldSyncs struct {
	sync.Mutex
	files []*os.File
}

// idmappedTree clones the mount of path as a detached tree and maps its
// ownership through the user namespace userns (the init's, open), so
// that the host's uid 0 is the jail's root and files keep their ordinary
// ownership on disk.
func idmappedTree(path string, userns int, attrs uint64) (int, error) {
	tree, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return -1, fmt.Errorf("clone mount of %s: %w", path, err)
	}
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP | attrs, Userns_fd: uint64(userns)}
	if err := unix.MountSetattr(tree, "", unix.AT_EMPTY_PATH, &attr); err != nil {
		unix.Close(tree)
		fsType := "its file system"
		var st unix.Statfs_t
		if unix.Statfs(path, &st) == nil {
			fsType = fmt.Sprintf("file system type 0x%x", st.Type)
		}
		return -1, fmt.Errorf("%w: %s (%s) cannot be mounted idmapped: %v; put jail roots on ext4, xfs, btrfs or tmpfs (Linux 6.3 or later), for instance an ext4 image on the storage you have: truncate -s 20G /srv/jails.img; mkfs.ext4 /srv/jails.img; mount -o loop /srv/jails.img /jails", ErrNoIdmap, path, fsType, err)
	}
	return tree, nil
}

// bindAttrs are the mount attributes of a bind mount's options.
func bindAttrs(m Mount) uint64 {
	var a uint64
	if m.ReadOnly {
		a |= unix.MOUNT_ATTR_RDONLY
	}
	for _, o := range m.Options {
		switch o {
		case "noexec":
			a |= unix.MOUNT_ATTR_NOEXEC
		case "nosuid":
			a |= unix.MOUNT_ATTR_NOSUID
		case "nodev":
			a |= unix.MOUNT_ATTR_NODEV
		}
	}
	return a
}

// ErrNoIdmap is returned when a jail's root cannot be mounted idmapped.
var ErrNoIdmap = errors.New("idmapped mount not supported")

// ProcessStartTime returns the start time of pid in clock ticks since
// boot (field 22 of /proc/PID/stat), which with the pid identifies a
// process even after its pid is reused.
func ProcessStartTime(pid int) (uint64, error) {
	st, err := processStat(pid)
	return st.start, err
}

// procStat is what vjail reads of /proc/PID/stat.
type procStat struct {
	start uint64 // field 22, clock ticks since boot
	state string // field 3: R, S, Z, ...
}

func processStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[i+1:])
	if i < 0 || len(f) < 20 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	st := procStat{state: f[0]}
	if st.start, err = strconv.ParseUint(f[19], 10, 64); err != nil {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return st, nil
}

// Alive reports whether the init identified by pid and start still runs.
// A zombie does not: its jail is gone, whenever its parent (the machine's
// init, once the vjail that started it has exited) gets round to reaping
// it. (An init executing a binary from a thread other than its first
// shows that thread as a zombie until the exec is done: the init
// executes its idle form from its first thread for that reason.)
func Alive(pid int, start uint64) bool {
	if pid <= 0 {
		return false
	}
	st, err := processStat(pid)
	return err == nil && st.start == start && st.state != "Z" && st.state != "X"
}

// SignalInit sends sig to the init identified by pid and its start time,
// through a pidfd so that a pid reused since cannot receive it. From the
// host, the init of a pid namespace receives any signal it handles.
func SignalInit(pid int, start uint64, sig unix.Signal) error {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("pidfd of the jail's init: %w", err)
	}
	defer unix.Close(fd)
	if !Alive(pid, start) {
		return unix.ESRCH
	}
	return unix.PidfdSendSignal(fd, sig, nil, 0)
}

// loopbackUp brings up lo, the only link of the new network namespace of
// pid, from the host while the init's runtime starts: in the init, the
// same took 0.1 to 0.8 ms of its start (the kernel sets up IPv6 on lo
// under the RTNL lock).
func loopbackUp(pid int) error {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return err
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer h.Close()
	lo, err := h.LinkByName("lo")
	if err != nil {
		return err
	}
	return h.LinkSetUp(lo)
}
