package linuxns

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/containerd/console"
	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/vjail/vjail/internal/fault"
	"golang.org/x/sys/unix"
)

// The init's inherited file descriptors.
const (
	fdConfig = 3 // pipe: InitConfig as JSON
	fdSync   = 4 // seqpacket: receives the idmapped root, answers "ok" or an error
	fdListen = 5 // seqpacket listener: the control socket
	fdExe    = 6 // O_PATH: the binary the init runs (see initbin.ProtectedBinaries)
	fdIdle   = 7 // O_PATH: the small C init's binary, if InitConfig.Idle
)

// InitMain runs the jail's init. The init's binary (vjail-init, or vjail
// built without build.sh) calls it when started with InitArg, as PID 1 of
// fresh user, mount, pid, uts, ipc and cgroup (and, for vnet, network)
// namespaces. It returns only on failure.
func InitMain() int {
	fault.Time("init.main")
	// What ps(1) in the jail shows for PID 1.
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("vjail-init\x00")[0])), 0, 0, 0)

	// Nothing the init inherited beyond 0-2 may reach a command it starts:
	// not the control socket (with it, a process in the jail could ask
	// the init for anything), not the socket to vjail, which stays open
	// until vjail exits, nor whatever else vjail's caller left open. Not
	// dumpable keeps the jail's other users from ptrace and /proc/1/fd;
	// the jail's root, whose user namespace the init shares, is kept out
	// because the init runs from a binary it may not read (see
	// initbin.ProtectedBinaries).
	unix.CloseRange(fdConfig, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	parent := os.NewFile(fdSync, "sync")
	// The binary itself, for becoming the idle init and for serving
	// requests later: once pivoted, the jail's root cannot name it (nor
	// read it: an O_PATH handle is enough to execute it).
	exe := fdExe
	signals, caught := catchSignals()
	cfg, err := readConfig()
	fault.Time("init.config")
	if err != nil {
		parent.Write([]byte("error: " + err.Error()))
		return 1
	}
	in := newInit(cfg)
	// The spawner's thread restricts itself (bounding set, seccomp: both
	// are the thread's own) while this one builds the root, as the signal
	// handlers go in: both are in place before the jail has a process.
	spawner := in.startSpawner()
	go in.handleSignals(signals)
	if err := setupJail(cfg, parent); err != nil {
		parent.Write([]byte("error: " + err.Error()))
		return 1
	}
	fault.Time("init.pivoted")
	// lnFile keeps fd 5 itself open (an unreferenced *os.File would be
	// closed by its finalizer): the idle init inherits it.
	lnFile := os.NewFile(fdListen, "control")
	ln, err := net.FileListener(lnFile)
	if err != nil {
		parent.Write([]byte("error: control socket: " + err.Error()))
		return 1
	}
	in.exe, in.ln, in.lnFile = exe, ln.(*net.UnixListener), lnFile
	<-caught
	if err := <-spawner; err != nil {
		parent.Write([]byte("error: " + err.Error()))
		return 1
	}
	fault.Time("init.ready")
	parent.Write([]byte("ok"))
	// The host holds its end open until the vjail that started the jail
	// exits (Spawn): going idle, an exec and the C init's start, waits
	// for that rather than take a CPU from vjail's last steps.
	in.hostDone = make(chan struct{})
	go func() {
		parent.Read(make([]byte, 1))
		parent.Close()
		// Its exit is still under way when the socket closes.
		time.Sleep(idleSettle)
		close(in.hostDone)
	}()
	// An init that stays Go (no idle C init to become: vjail not built
	// by build.sh) keeps little memory from now on: one OS thread for
	// Go's work, a small heap target; it spends its life asleep in epoll
	// and wait4. Not before: with one P, every handoff between the
	// runtime's threads while it sets up cost the start time. Nor when
	// it will go idle soon: resizing stops the world just as exec.start
	// arrives.
	if !cfg.Idle {
		runtime.GOMAXPROCS(1)
		debug.SetGCPercent(20)
	}
	go in.reap()
	for {
		in.serve(in.ln)
		// serve returns when the init goes idle (goIdle), or boots the
		// jail's own init (execBoot, whose exec leaves this waiting).
		in.execIdle(<-in.idleArgv)
	}
}

// ServeArg makes the init's binary serve one request for an idle jail.
const ServeArg = "__vjail_serve"

// ServeMain serves one request on fd 3 for a jail whose init has gone
// idle (see idle/idle.c): a Go process forked inside the jail by
// the small C init, with the jail's restrictions on what it starts. Its
// configuration comes on fd 4, kept out of the arguments that the jail's
// ps(1) shows.
func ServeMain(args []string) int {
	if len(args) != 0 {
		return 2
	}
	conf := os.NewFile(4, "config")
	b, err := io.ReadAll(conf)
	conf.Close()
	if err != nil {
		return 2
	}
	var cfg InitConfig
	if err := cfg.UnmarshalJSON(b); err != nil {
		return 2
	}
	runtime.GOMAXPROCS(1)
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	// The request connection (fd 3, wrapped below) and anything else must
	// not reach the command this process starts.
	unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	in := newInit(&cfg)
	in.serving = true
	if err := <-in.startSpawner(); err != nil {
		return 1
	}
	go in.reap()
	req := os.NewFile(3, "request")
	conn, err := net.FileConn(req)
	req.Close() // FileConn made its own copy
	if err != nil {
		return 1
	}
	in.handle(conn.(*net.UnixConn))
	return 0
}

// HoldSignal, sent to a jail's init from the host, makes the jail
// persistent from then on: `vjail stop` sends it first, so that the jail
// does not end by itself (taking a lent link with its network namespace)
// while its services stop, as jail(8) keeps a jail during exec.start.
const HoldSignal = unix.SIGUSR1

// catchSignals makes the init catch what would end it, in the
// background: the kernel delivers a signal from inside the jail to its
// init only if the init handles it, and Go's runtime handles SIGTERM,
// SIGINT, SIGHUP and SIGQUIT by ending the process unless they are
// notified; its other signals, unnotified, are ignored or left at their
// default, which the kernel does not apply to a namespace's init from
// inside. (The signals of faults, SIGABRT, SIGSEGV and the like, sent
// with kill(2) still end a Go process: the jail's root can so end its
// jail, as reboot(2) in the jail does anyway.) Not SIG_IGN, which every
// command the init starts would inherit. HoldSignal comes from the
// host. signal.Notify costs a round trip between two of the runtime's
// threads for each signal, about 50 µs each here: done is closed once
// they are all in place.
func catchSignals() (c chan os.Signal, done chan struct{}) {
	c, done = make(chan os.Signal, 8), make(chan struct{})
	go func() {
		signal.Notify(c, HoldSignal, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGQUIT)
		close(done)
	}()
	return c, done
}

// handleSignals sets persist when HoldSignal comes and drops the rest.
func (in *jailInit) handleSignals(c chan os.Signal) {
	for sig := range c {
		if sig == HoldSignal {
			in.mu.Lock()
			in.cfg.Persist = true
			in.mu.Unlock()
		}
	}
}

// idleSettle is how long after its vjail's exit the init waits to go
// idle: the exec that turns it into the C init tears down a Go process's
// threads and memory, and done while vjail exited, it made vjail's start
// about 1 ms slower (of 11; 80 starts each way here). The memory it
// frees can wait that long.
const idleSettle = 20 * time.Millisecond

// goIdle turns the init into the small C init once the jail has started
// and the vjail that started it has exited: when no request is being
// served, it stops taking them, lets any it took meanwhile finish, and
// executes the C init's binary (fdIdle) as "__vjail_idle", keeping its
// pid (1), its children and the control socket. From then on each
// request is served by a short-lived "__vjail_serve" process.
//
// A HoldSignal that the Go runtime takes in the last moments before the
// exec, after persist was read, is lost with the process image: the
// jail then ends by itself if its last process does while vjail stops
// it, and vjail's record of its network namespace (holdNetNS) still
// gives lent links back.
func (in *jailInit) goIdle() {
	in.mu.Lock()
	again := in.goingIdle
	in.goingIdle = true
	in.mu.Unlock()
	if !in.cfg.Idle || again {
		return
	}
	<-in.hostDone
	// Not while a request is served: one that lasts (a console, a
	// command in the foreground) would hold up those after it, which
	// the listener's backlog would keep for the C init.
	in.waitFree()
	in.ln.SetUnlinkOnClose(false)
	in.ln.Close()
	in.drain()
	in.mu.Lock()
	arg, err := in.cfg.MarshalJSON()
	persist := "0"
	if in.cfg.Persist {
		persist = "1"
	}
	in.mu.Unlock()
	if err != nil {
		arg = nil // execIdle serves again
	}
	in.idleArgv <- []string{"vjail-init", "__vjail_idle", fmt.Sprint(fdListen), fmt.Sprint(in.exe), persist, string(arg)}
}

// execIdle executes the C init with argv, from the main goroutine, which
// the init's binary keeps on the process's first thread: an exec from
// another thread shows that first thread as a zombie until the exec has
// taken over its pid, and vjail, looking meanwhile, took the jail for
// ended (and cleared it while it ran). On failure it returns, having
// made the control socket ready to serve again.
func (in *jailInit) execIdle(argv []string) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if tid := unix.Gettid(); tid != os.Getpid() {
		fmt.Fprintf(os.Stderr, "vjail-init: going idle from thread %d, not the first: the binary does not lock its main goroutine\n", tid)
	}
	err := errors.New("no configuration for the idle init")
	if argv[len(argv)-1] != "" {
		// Both stay open across this exec; the C init marks them
		// close-on-exec again at once.
		unix.Syscall(unix.SYS_FCNTL, fdListen, unix.F_SETFD, 0)
		unix.Syscall(unix.SYS_FCNTL, uintptr(in.exe), unix.F_SETFD, 0)
		// HoldSignal stays blocked across the exec, so that one sent
		// meanwhile waits for the C init's signalfd instead of meeting
		// the default action, which would end the jail.
		var hold, old unix.Sigset_t
		hold.Val[0] = 1 << (HoldSignal - 1)
		unix.PthreadSigmask(unix.SIG_BLOCK, &hold, &old)
		err = execveat(fdIdle, argv, []string{"PATH=/sbin:/bin:/usr/sbin:/usr/bin"})
		unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		unix.CloseOnExec(fdListen)
		unix.CloseOnExec(in.exe)
	}
	runtime.KeepAlive(in.lnFile)
	// Still here: stay the Go init, taking requests again, with the
	// little memory InitMain gives an init that stays Go.
	fmt.Fprintf(os.Stderr, "vjail-init: go idle: %v\n", err)
	runtime.GOMAXPROCS(1)
	debug.SetGCPercent(20)
	ln, err := net.FileListener(in.lnFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "vjail-init: control socket: %v\n", err)
		select {} // the jail lives on, unreachable until stopped
	}
	in.ln = ln.(*net.UnixListener)
}

// execveat runs the program open at fd (execveat(2) with AT_EMPTY_PATH).
func execveat(fd int, argv, env []string) error {
	empty, err := unix.BytePtrFromString("")
	if err != nil {
		return err
	}
	argvp, err := syscall.SlicePtrFromStrings(argv)
	if err != nil {
		return err
	}
	envp, err := syscall.SlicePtrFromStrings(env)
	if err != nil {
		return err
	}
	_, _, errno := unix.Syscall6(unix.SYS_EXECVEAT, uintptr(fd), uintptr(unsafe.Pointer(empty)),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])), unix.AT_EMPTY_PATH, 0)
	return errno
}

func readConfig() (*InitConfig, error) {
	f := os.NewFile(fdConfig, "config")
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	var cfg InitConfig
	if err := cfg.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	return &cfg, nil
}

// setupJail builds the jail's root in the init's new mount namespace and
// pivots into it: it receives the idmapped tree of path from the parent,
// attaches it over path, mounts what the jail asks for inside it (each
// target resolved inside the root, never through a symlink out of it),
// sets the hostname, and pivot_roots. (Spawn brings a vnet jail's lo up.)
func setupJail(cfg *InitConfig, parent *os.File) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	nbinds := 0
	for _, m := range cfg.Mounts {
		if m.Kind == "bind" {
			nbinds++
		}
	}
	fds, err := recvFDs(parent, 2+nbinds)
	if err != nil {
		return fmt.Errorf("receive root: %w", err)
	}
	tree, target := fds[0], fds[1]
	bindFDs := fds[2:]
	defer func() {
		for _, fd := range bindFDs {
			unix.Close(fd)
		}
	}()
	if err := unix.MoveMount(tree, "", target, "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH); err != nil {
		return fmt.Errorf("attach idmapped root at %s: %w", cfg.Path, err)
	}
	unix.Close(target)
	// The tree's fd now names the root of the attached mount: the handle
	// every mount inside is resolved under, and where pivot_root starts.
	root := os.NewFile(uintptr(tree), cfg.Path)
	defer root.Close()
	for _, m := range cfg.Mounts {
		if err := mountInside(root, m, bindFDs, cfg.VNet); err != nil {
			return fmt.Errorf("mount %s on %s: %w", m.Kind, m.Target, err)
		}
	}
	if cfg.Hostname != "" {
		if err := unix.Sethostname([]byte(cfg.Hostname)); err != nil {
			return fmt.Errorf("set hostname %q: %w", cfg.Hostname, err)
		}
	}
	if cfg.Domain != "" {
		if err := unix.Setdomainname([]byte(cfg.Domain)); err != nil {
			return fmt.Errorf("set domain name %q: %w", cfg.Domain, err)
		}
	}
	if err := startDHCP(cfg); err != nil {
		return err
	}
	if err := unix.Fchdir(int(root.Fd())); err != nil {
		return fmt.Errorf("chdir %s: %w", cfg.Path, err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return fmt.Errorf("pivot_root %s: %w", cfg.Path, err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detach the host's root: %w", err)
	}
	return unix.Chdir("/")
}

// mountInside performs one mount with its target resolved inside root.
// The target directory (or file, for device binds) must exist in the
// jail's tree; missing directories are created as root would.
func mountInside(root *os.File, m Mount, bindFDs []int, vnet bool) error {
	switch m.Kind {
	case "devfs":
		return mountDevfs(root, m.Target)
	case "fdescfs":
		return nil // the /dev/fd links come with devfs
	}
	target, err := openTarget(root, m.Target, true)
	if err != nil {
		return err
	}
	defer target.Close()
	dst := fdPath(target)
	flags, data := mountOptions(m.Options)
	if m.ReadOnly {
		flags |= unix.MS_RDONLY
	}
	switch m.Kind {
	case "proc":
		if err := unix.Mount("proc", dst, "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return err
		}
		return hardenProc(root, m.Target, vnet)
	case "sysfs":
		if err := unix.Mount("sysfs", dst, "sysfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC|unix.MS_RDONLY, ""); err != nil {
			return err
		}
		return hardenSys(root, m.Target)
	case "tmpfs":
		return unix.Mount("tmpfs", dst, "tmpfs", flags|unix.MS_NOSUID|unix.MS_NODEV, data)
	case "bind":
		// The parent cloned the source idmapped, with its flags set.
		if m.FD < 0 || m.FD >= len(bindFDs) {
			return fmt.Errorf("no tree received for %s", m.Source)
		}
		return unix.MoveMount(bindFDs[m.FD], "", int(target.Fd()), "", unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	}
	return fmt.Errorf("unknown mount kind %q", m.Kind)
}

// mountOptions splits fstab options into mount flags (noexec, nosuid,
// nodev) and the file system's own data ("size=64m,mode=1777").
func mountOptions(opts []string) (uintptr, string) {
	var flags uintptr
	var data []string
	for _, o := range opts {
		switch o {
		case "noexec":
			flags |= unix.MS_NOEXEC
		case "nosuid":
			flags |= unix.MS_NOSUID
		case "nodev":
			flags |= unix.MS_NODEV
		default:
			data = append(data, o)
		}
	}
	return flags, strings.Join(data, ",")
}

// openTarget opens path (absolute, inside the jail) under root without
// following any symlink out of root, creating it as a directory if asked
// and missing. The handle is an O_PATH file to mount onto.
func openTarget(root *os.File, path string, mkdir bool) (*os.File, error) {
	f, err := pathrs.OpenatInRoot(root, path)
	if err != nil && mkdir && errors.Is(err, os.ErrNotExist) {
		return pathrs.MkdirAllHandle(root, path, 0o755)
	}
	return f, err
}

func fdPath(f *os.File) string { return fmt.Sprintf("/proc/self/fd/%d", f.Fd()) }

// mountDevfs gives the jail a minimal /dev, as FreeBSD's default jail
// ruleset (devfsrules_jail) does: null, zero, full, random, urandom, tty
// (bind mounts of the host's nodes, since a user namespace cannot mknod),
// a private devpts instance with ptmx, the fd links, and shm.
func mountDevfs(root *os.File, target string) error {
	dir, err := openTarget(root, target, true)
	if err != nil {
		return err
	}
	defer dir.Close()
	if err := unix.Mount("tmpfs", fdPath(dir), "tmpfs", unix.MS_NOSUID|unix.MS_NOEXEC, "mode=755,size=64k"); err != nil {
		return err
	}
	// Reopen: the handle above is the directory beneath the new tmpfs.
	dev, err := pathrs.OpenatInRoot(root, target)
	if err != nil {
		return err
	}
	defer dev.Close()
	devfd := int(dev.Fd())
	for _, name := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		fd, err := unix.Openat(devfd, name, unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o666)
		if err != nil {
			return err
		}
		err = unix.Mount("/dev/"+name, fmt.Sprintf("/proc/self/fd/%d", fd), "", unix.MS_BIND, "")
		unix.Close(fd)
		if err != nil {
			return fmt.Errorf("/dev/%s: %w", name, err)
		}
	}
	for _, d := range []struct {
		name string
		mode uint32
	}{{"pts", 0o755}, {"shm", 0o1777}} {
		if err := unix.Mkdirat(devfd, d.name, d.mode); err != nil {
			return err
		}
	}
	if err := unix.Mount("devpts", filepath.Join(fdPath(dev), "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return fmt.Errorf("devpts: %w", err)
	}
	if err := unix.Mount("shm", filepath.Join(fdPath(dev), "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
		return fmt.Errorf("shm: %w", err)
	}
	for name, to := range map[string]string{
		"ptmx": "pts/ptmx", "fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2",
	} {
		if err := unix.Symlinkat(to, devfd, name); err != nil {
			return err
		}
	}
	return nil
}

// recvFDs receives n file descriptors on a seqpacket socket, or the
// parent's error message.
func recvFDs(sock *os.File, n int) ([]int, error) {
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4*n))
	m, oobn, _, _, err := unix.Recvmsg(int(sock.Fd()), buf, oob, unix.MSG_CMSG_CLOEXEC)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(string(buf[:m]), "error") {
		return nil, errors.New(string(buf[:m]))
	}
	fds := parseFDs(oob[:oobn])
	if len(fds) != n {
		for _, fd := range fds {
			unix.Close(fd)
		}
		return nil, fmt.Errorf("expected %d file descriptors, got %d", n, len(fds))
	}
	return fds, nil
}

// jailInit is the running init's state.
type jailInit struct {
	cfg *InitConfig

	mu      sync.Mutex
	waiters map[int]chan unix.WaitStatus
	// started is set once exec.start has finished: from then on a jail
	// without persist ends when its last process does (jail(8) keeps a
	// jail persistent while exec.start runs).
	started bool

	spawn chan spawnJob

	// exe is the Go init's binary, ln the control socket; busy counts
	// the requests being served, freed is closed when it drops to 0 and
	// someone waits for that, accepting when serve stops taking requests.
	// goIdle and execBoot need them all.
	exe       int
	ln        *net.UnixListener
	lnFile    *os.File
	busy      int
	freed     chan struct{}
	accepting chan struct{}
	// serving is set in a "__vjail_serve" process, which serves one
	// request and must not act as the jail's init.
	serving bool
	// hostDone is closed once the vjail that started the jail has exited.
	hostDone chan struct{}
	// goingIdle is set once goIdle has begun; idleArgv takes its
	// arguments for the C init to execIdle.
	goingIdle bool
	idleArgv  chan []string
}

func newInit(cfg *InitConfig) *jailInit {
	return &jailInit{cfg: cfg, waiters: map[int]chan unix.WaitStatus{}, spawn: make(chan spawnJob), idleArgv: make(chan []string, 1)}
}

type spawnJob struct {
	path string
	argv []string
	attr *syscall.ProcAttr
	// inPlace, if not 0, is the descriptor of a binary executed with argv
	// in place of the init rather than forking: done learns only of a
	// failure.
	inPlace int
	done    chan spawnResult
}

type spawnResult struct {
	pid  int
	wait chan unix.WaitStatus
	err  error
}

// startSpawner starts the goroutine that forks every command, locked to
// an OS thread whose bounding set and seccomp filter carry the jail's
// allow.* restrictions: both are per thread and inherited by children, so
// the init itself keeps the privilege to manage the jail while nothing it
// starts can have it. The channel says when the thread is ready, or why
// it cannot be.
func (in *jailInit) startSpawner() <-chan error {
	ready := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the init
		for _, c := range in.cfg.DropCaps {
			// A request served in a booted jail comes from a process
			// that has the jail's bounding set already.
			if have, _ := unix.PrctlRetInt(unix.PR_CAPBSET_READ, uintptr(c), 0, 0, 0); have == 0 {
				continue
			}
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
				ready <- fmt.Errorf("drop capability %d: %w", c, err)
				return
			}
		}
		// A helper that the C init forked inherits the jail's filters
		// from it (start.c), and may lack the CAP_SYS_ADMIN that
		// loading them again would take.
		if mode, _ := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); mode != 2 {
			if err := loadFilters(in.cfg.Seccomp); err != nil {
				ready <- err
				return
			}
		}
		ready <- nil
		for job := range in.spawn {
			if job.inPlace > 0 {
				job.done <- spawnResult{err: execveat(job.inPlace, job.argv, job.attr.Env)}
				continue
			}
			in.mu.Lock()
			pid, err := syscall.ForkExec(job.path, job.argv, job.attr)
			var res spawnResult
			if err != nil {
				res.err = err
			} else {
				res.pid = pid
				res.wait = make(chan unix.WaitStatus, 1)
				in.waiters[pid] = res.wait
			}
			in.mu.Unlock()
			job.done <- res
		}
	}()
	return ready
}

// reap collects every child, ours and orphaned, as PID 1 must, and hands
// the statuses of commands to whoever waits for them. When a jail without
// persist has no process left after exec.start, the init exits and the
// kernel tears the namespaces down.
func (in *jailInit) reap() {
	sigc := make(chan os.Signal, 16)
	signal.Notify(sigc, unix.SIGCHLD)
	for {
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if err == unix.EINTR {
				continue
			}
			if err == unix.ECHILD {
				in.mu.Lock()
				done := in.started && !in.cfg.Persist && !in.serving
				in.mu.Unlock()
				if done {
					os.Exit(0)
				}
				break
			}
			if err != nil || pid <= 0 {
				break
			}
			in.mu.Lock()
			if ch, ok := in.waiters[pid]; ok {
				delete(in.waiters, pid)
				ch <- ws
			}
			in.mu.Unlock()
		}
		<-sigc
	}
}

// serve takes requests on ln until it is closed.
func (in *jailInit) serve(ln *net.UnixListener) {
	done := make(chan struct{})
	in.mu.Lock()
	in.accepting = done
	in.mu.Unlock()
	defer close(done)
	for {
		conn, err := ln.AcceptUnix()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		fault.Time("init.accepted")
		in.mu.Lock()
		in.busy++
		in.mu.Unlock()
		go func() {
			defer in.done()
			in.handle(conn)
		}()
	}
}

// done ends a request.
func (in *jailInit) done() {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.busy--; in.busy == 0 && in.freed != nil {
		close(in.freed)
		in.freed = nil
	}
}

// waitFree returns once no request is being served.
func (in *jailInit) waitFree() {
	for {
		in.mu.Lock()
		if in.busy == 0 {
			in.mu.Unlock()
			return
		}
		if in.freed == nil {
			in.freed = make(chan struct{})
		}
		freed := in.freed
		in.mu.Unlock()
		<-freed
	}
}

// drain returns once ln is closed and the requests it took are done.
func (in *jailInit) drain() {
	in.mu.Lock()
	accepting := in.accepting
	in.mu.Unlock()
	<-accepting
	in.waitFree()
}

func (in *jailInit) handle(conn *net.UnixConn) {
	defer conn.Close()
	buf := make([]byte, 64<<10)
	oob := make([]byte, unix.CmsgSpace(3*4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	fault.Time("init.read")
	if err != nil {
		return
	}
	fds := parseFDs(oob[:oobn])
	defer func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	}()
	var req Request
	if err := req.UnmarshalJSON(buf[:n]); err != nil {
		reply(conn, Response{Error: "bad request: " + err.Error()}, -1)
		return
	}
	switch req.Op {
	case "ping":
		reply(conn, Response{PID: os.Getpid()}, -1)
	case "started":
		reply(conn, Response{}, -1)
		in.markStarted()
	case "kill":
		// kill(-1) from PID 1 signals every process of the namespace but
		// the init itself; a PID picks one process.
		target := -1
		if req.PID > 0 {
			target = req.PID
		}
		err := unix.Kill(target, unix.Signal(req.Signal))
		if err != nil && err != unix.ESRCH {
			reply(conn, Response{Error: err.Error()}, -1)
			return
		}
		reply(conn, Response{}, -1)
	case "exec":
		in.exec(conn, &req, fds)
	case "boot":
		in.boot(conn, &req, fds)
	default:
		reply(conn, Response{Error: "unknown operation " + req.Op}, -1)
	}
}

// bootEnv is the environment of a jail's own init: a PATH, and
// "container" naming the manager, which inits and their scripts read to
// leave out what only a real machine does (systemd-nspawn sets it too).
var bootEnv = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "container=vjail"}

// boot hands PID 1 to the jail's own init (exec.start = "/sbin/init"). The
// Go init replies, stops taking requests and executes the C init as
// "__vjail_boot", which forks the request loop and executes the
// userland's init in its place (see idle/idle.c). The exec happens on the
// spawner thread, so that the jail's restrictions carry over to the init
// and to everything it starts. The init's standard
// output and error are the ones the request brings (exec.consolelog).
func (in *jailInit) boot(conn *net.UnixConn, req *Request, fds []int) {
	fail := func(format string, args ...any) {
		reply(conn, Response{Error: fmt.Sprintf(format, args...)}, -1)
	}
	switch {
	case in.serving:
		fail("the jail has started already: its own init can only be booted as exec.start")
		return
	case !in.cfg.Idle:
		fail("booting the jail's own init needs vjail built by ./build.sh")
		return
	case len(fds) != 3 || len(req.Argv) == 0:
		fail("boot needs the init's argv and its stdin, stdout and stderr")
		return
	}
	path := req.Argv[0]
	if st, err := os.Stat(path); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		fail("%s: not an executable file in the jail", path)
		return
	}
	stdio, master, logFD := fds, -1, -1
	if in.hasDevfs() {
		// A console of the jail's own, as a machine has: what the init
		// and its scripts write to /dev/console goes to the log, copied
		// there by the request loop.
		m, slave, err := newConsole()
		if err == nil {
			defer unix.Close(slave) // dup'd below
			logFD, err = unix.FcntlInt(uintptr(fds[1]), unix.F_DUPFD, 3)
		}
		if err != nil {
			fail("/dev/console: %v", err)
			return
		}
		master, stdio = m, []int{slave, slave, slave}
	}
	for i, fd := range stdio {
		if err := unix.Dup3(fd, i, 0); err != nil {
			fail("standard file descriptors: %v", err)
			return
		}
	}
	// The listening socket stays open on fdListen (lnFile): requests that
	// come meanwhile wait in its backlog for the C request loop.
	in.ln.SetUnlinkOnClose(false)
	in.ln.Close()
	reply(conn, Response{PID: 1}, -1)
	go in.execBoot(path, req.Argv, master, logFD)
}

// execBoot executes "__vjail_boot" on the spawner thread once the
// requests under way are done. master and logFD (the console's pty master
// and where its output goes) are handed to the request loop.
func (in *jailInit) execBoot(path string, argv []string, master, logFD int) {
	in.drain()
	arg, err := in.cfg.MarshalJSON()
	if err == nil {
		unix.Syscall(unix.SYS_FCNTL, fdListen, unix.F_SETFD, 0)
		unix.Syscall(unix.SYS_FCNTL, uintptr(in.exe), unix.F_SETFD, 0)
		full := append([]string{"vjail-init", "__vjail_boot", fmt.Sprint(fdListen), fmt.Sprint(in.exe), string(arg),
			fmt.Sprint(master), fmt.Sprint(logFD), path}, argv...)
		done := make(chan spawnResult)
		in.spawn <- spawnJob{argv: full, attr: &syscall.ProcAttr{Env: bootEnv}, inPlace: fdIdle, done: done}
		err = (<-done).err
	}
	runtime.KeepAlive(in.lnFile)
	// The reply said yes: end the jail, so that whoever waits on it sees
	// the failure, rather than leave it half-booted.
	fmt.Fprintf(os.Stderr, "vjail-init: boot %s: %v\n", path, err)
	os.Exit(127)
}

// hasDevfs reports whether the jail has vjail's /dev (mount.devfs).
func (in *jailInit) hasDevfs() bool {
	for _, m := range in.cfg.Mounts {
		if m.Kind == "devfs" && m.Target == "/dev" {
			return true
		}
	}
	return false
}

// newConsole allocates a pty from the jail's devpts and mounts its slave
// on /dev/console. It returns the master (kept across exec) and an open
// slave.
func newConsole() (master, slave int, err error) {
	m, slavePath, err := console.NewPty()
	if err != nil {
		return -1, -1, fmt.Errorf("allocate a pty from the jail's devpts: %w", err)
	}
	defer m.Close()
	fd, err := unix.Open("/dev/console", unix.O_CREAT|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return -1, -1, err
	}
	unix.Close(fd)
	if err := unix.Mount(slavePath, "/dev/console", "", unix.MS_BIND, ""); err != nil {
		return -1, -1, fmt.Errorf("bind %s: %w", slavePath, err)
	}
	slave, err = unix.Open(slavePath, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, -1, err
	}
	master, err = unix.FcntlInt(m.Fd(), unix.F_DUPFD, 3)
	if err != nil {
		unix.Close(slave)
		return -1, -1, err
	}
	return master, slave, nil
}

func (in *jailInit) exec(conn *net.UnixConn, req *Request, fds []int) {
	fault.Time("init.exec")
	u, err := lookupUser(req)
	if err != nil {
		reply(conn, Response{Error: err.Error()}, -1)
		return
	}
	env := req.Env
	if req.Clean {
		env = cleanEnv(u, req.Env)
	}
	dir := "/"
	if req.Login || req.Clean {
		if st, err := os.Stat(u.home); err == nil && st.IsDir() {
			dir = u.home
		}
	}
	path, err := lookPath(req.Argv[0], env)
	if err != nil {
		reply(conn, Response{Error: err.Error()}, -1)
		return
	}
	sys := &syscall.SysProcAttr{
		Setsid:     true,
		Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid, Groups: u.groups},
	}
	var files []uintptr
	var master console.Console
	if req.TTY {
		m, slavePath, err := console.NewPty()
		if err != nil {
			reply(conn, Response{Error: "allocate a pseudo-terminal from the jail's devpts (does the jail have mount.devfs?): " + err.Error()}, -1)
			return
		}
		master = m
		defer master.Close()
		if req.Rows > 0 && req.Cols > 0 {
			master.Resize(console.WinSize{Height: req.Rows, Width: req.Cols})
		}
		slave, err := os.OpenFile(slavePath, os.O_RDWR|unix.O_NOCTTY, 0)
		if err != nil {
			reply(conn, Response{Error: "open " + slavePath + ": " + err.Error()}, -1)
			return
		}
		defer slave.Close()
		if err := unix.Fchown(int(slave.Fd()), int(u.uid), int(u.gid)); err != nil {
			reply(conn, Response{Error: "chown " + slavePath + ": " + err.Error()}, -1)
			return
		}
		files = []uintptr{slave.Fd(), slave.Fd(), slave.Fd()}
		sys.Setctty = true
		sys.Ctty = 0
	} else {
		if len(fds) != 3 {
			reply(conn, Response{Error: "exec needs stdin, stdout and stderr"}, -1)
			return
		}
		files = []uintptr{uintptr(fds[0]), uintptr(fds[1]), uintptr(fds[2])}
	}
	done := make(chan spawnResult)
	in.spawn <- spawnJob{path: path, argv: req.Argv, attr: &syscall.ProcAttr{Dir: dir, Env: env, Files: files, Sys: sys}, done: done}
	res := <-done
	fault.Time("init.forked")
	if res.err != nil {
		reply(conn, Response{Error: fmt.Sprintf("exec %s: %v", req.Argv[0], res.err)}, -1)
		return
	}
	masterFD := -1
	if master != nil {
		masterFD = int(master.Fd())
	}
	reply(conn, Response{PID: res.pid}, masterFD)
	if req.Background {
		go func() { <-res.wait }()
	} else {
		ws := <-res.wait
		fault.Time("init.exited")
		code := ws.ExitStatus()
		if ws.Signaled() {
			code = 128 + int(ws.Signal())
		}
		reply(conn, Response{Exit: &code}, -1)
	}
	if req.Started {
		in.markStarted()
	}
}

// markStarted notes that exec.start is done, as the "started" request
// or the last command of exec.start says: from then on a jail without
// persist ends with its last process, and the init goes idle.
func (in *jailInit) markStarted() {
	in.mu.Lock()
	in.started = true
	in.mu.Unlock()
	unix.Kill(os.Getpid(), unix.SIGCHLD) // re-check for an empty jail
	if !in.serving {
		go in.goIdle()
	}
}

func reply(conn *net.UnixConn, r Response, fd int) {
	b, _ := r.MarshalJSON()
	var oob []byte
	if fd >= 0 {
		oob = unix.UnixRights(fd)
	}
	conn.WriteMsgUnix(b, oob, nil)
}

func parseFDs(oob []byte) []int {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil
	}
	var fds []int
	for i := range msgs {
		if f, err := unix.ParseUnixRights(&msgs[i]); err == nil {
			fds = append(fds, f...)
		}
	}
	return fds
}

// jailUser is a user of the jail's own password database.
type jailUser struct {
	name   string
	uid    uint32
	gid    uint32
	groups []uint32
	home   string
	shell  string
}

// lookupUser finds the request's user in the jail's /etc/passwd and
// /etc/group. vjail parses these files itself rather than calling the C
// library, which could load code from the jail into the init.
func lookupUser(req *Request) (*jailUser, error) {
	name := req.User
	if name == "" {
		name = "root"
	}
	if name == "#" {
		return &jailUser{name: fmt.Sprint(req.UID), uid: req.UID, gid: req.GID, home: "/", shell: "/bin/sh"}, nil
	}
	u, err := findPasswd(name)
	if err != nil {
		if name == "root" {
			// A minimal userland without /etc/passwd still has root.
			return &jailUser{name: "root", home: "/root", shell: "/bin/sh"}, nil
		}
		return nil, err
	}
	u.groups = findGroups(name, u.gid)
	return u, nil
}

func findPasswd(name string) (*jailUser, error) {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return nil, fmt.Errorf("user %s: %w", name, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 7 || f[0] != name {
			continue
		}
		var uid, gid uint32
		if _, err := fmt.Sscan(f[2], &uid); err != nil {
			return nil, fmt.Errorf("user %s: bad uid %q in /etc/passwd", name, f[2])
		}
		if _, err := fmt.Sscan(f[3], &gid); err != nil {
			return nil, fmt.Errorf("user %s: bad gid %q in /etc/passwd", name, f[3])
		}
		return &jailUser{name: name, uid: uid, gid: gid, home: f[5], shell: f[6]}, nil
	}
	return nil, fmt.Errorf("user %s: not found in the jail's /etc/passwd", name)
}

func findGroups(name string, primary uint32) []uint32 {
	groups := []uint32{primary}
	b, err := os.ReadFile("/etc/group")
	if err != nil {
		return groups
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) < 4 {
			continue
		}
		for _, m := range strings.Split(f[3], ",") {
			var gid uint32
			if m == name {
				if _, err := fmt.Sscan(f[2], &gid); err == nil && gid != primary {
					groups = append(groups, gid)
				}
			}
		}
	}
	return groups
}

// cleanEnv is jail(8)'s exec.clean environment: HOME, SHELL and USER of
// the user, TERM kept, and the login class's default PATH.
func cleanEnv(u *jailUser, from []string) []string {
	shell := u.shell
	if shell == "" {
		shell = "/bin/sh"
	}
	env := []string{
		"HOME=" + u.home,
		"SHELL=" + shell,
		"USER=" + u.name,
		"LOGNAME=" + u.name,
		"PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin",
	}
	for _, kv := range from {
		if strings.HasPrefix(kv, "TERM=") {
			env = append(env, kv)
		}
	}
	return env
}

// lookPath finds a command in the jail as execvp(3) would, with the PATH
// of env (or the default one).
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	path := "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: command not found in the jail (PATH=%s)", name, path)
}
