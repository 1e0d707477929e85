// Command escape runs inside a test jail, as its root, and tries to reach
// the host in every way the container escapes of the last decade did
// (runc's, Docker's, LXC's CVEs and the usual tricks). Each attempt is
// chosen so that even its success would change nothing on the host: it
// opens for writing without writing, sets the clock to the time it is, asks
// for sizes rather than contents. One line per attempt: "NAME: blocked:
// WHY" or "NAME: ESCAPED: WHAT".
//
// Usage: escape HOSTFILE HOSTPID, where HOSTFILE is a file on the host
// outside the jail that must stay out of reach and HOSTPID is a process
// of the host's that must stay out of reach.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// attempt is one escape: nil means blocked for the reason blocked gives;
// a non-nil escaped means it got through.
type attempt struct {
	name string
	try  func() (escaped error, blocked error)
}

// inherited are the descriptors open when the program started, beyond
// 0, 1 and 2: what the jail's command was handed (CVE-2024-21626 leaked
// one of runc's).
var inherited []string

var hostFile string
var hostPID int

func main() {
	if len(os.Args) == 2 && os.Args[1] == "chroot-walk" {
		chrootWalkChild()
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: escape HOSTFILE HOSTPID")
		os.Exit(2)
	}
	inherited = openDescriptors()
	hostFile = os.Args[1]
	hostPID, _ = strconv.Atoi(os.Args[2])
	for _, a := range attempts {
		escaped, blocked := a.try()
		if escaped != nil {
			fmt.Printf("%s: ESCAPED: %v\n", a.name, escaped)
		} else {
			fmt.Printf("%s: blocked: %v\n", a.name, blocked)
		}
	}
}

// errnoCall turns a raw system call's result into an attempt's verdict.
func errnoCall(r1 uintptr, errno syscall.Errno, what string) (error, error) {
	if errno != 0 {
		return nil, errno
	}
	return fmt.Errorf("%s succeeded (returned %d)", what, r1), nil
}

func syscallAttempt(what string, nr uintptr, args ...uintptr) func() (error, error) {
	return func() (error, error) {
		var a [6]uintptr
		copy(a[:], args)
		r1, _, errno := unix.Syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5])
		return errnoCall(r1, errno, what)
	}
}

// openWrite opens path for writing and closes it again without writing.
func openWrite(path string) func() (error, error) {
	return func() (error, error) {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		f.Close()
		return fmt.Errorf("%s opened for writing", path), nil
	}
}

// openRead reads a few bytes of path: a device or file the jail must not
// have.
func openRead(path string) func() (error, error) {
	return func() (error, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		var st unix.Stat_t
		unix.Fstat(int(f.Fd()), &st)
		if st.Mode&unix.S_IFMT == unix.S_IFCHR && unix.Major(st.Rdev) == 1 && unix.Minor(st.Rdev) == 3 {
			return nil, errors.New("masked by /dev/null")
		}
		n, err := f.Read(make([]byte, 16))
		if n == 0 {
			return nil, fmt.Errorf("opened but nothing to read: %v", err)
		}
		return fmt.Errorf("read %d bytes of %s", n, path), nil
	}
}

func mknod(path string, mode uint32, major, minor uint32) func() (error, error) {
	return func() (error, error) {
		err := unix.Mknod(path, mode|0o600, int(unix.Mkdev(major, minor)))
		if err != nil {
			return nil, err
		}
		os.Remove(path)
		return fmt.Errorf("made device %d:%d at %s", major, minor, path), nil
	}
}

func mount(source, target, fstype, data string) func() (error, error) {
	return func() (error, error) {
		os.MkdirAll(target, 0o755)
		if err := unix.Mount(source, target, fstype, 0, data); err != nil {
			return nil, err
		}
		unix.Unmount(target, unix.MNT_DETACH)
		return fmt.Errorf("mounted %s on %s", fstype, target), nil
	}
}

var attempts = []attempt{
	{"read-host-file-through-proc-root", func() (error, error) {
		// Every /proc/PID/root and cwd the jail can see is the jail's.
		for _, link := range globs("/proc/[0-9]*/root", "/proc/[0-9]*/cwd") {
			if b, err := os.ReadFile(link + hostFile); err == nil {
				return fmt.Errorf("read %s through %s: %q", hostFile, link, b), nil
			}
		}
		return nil, fmt.Errorf("%s not found under any /proc/*/root or cwd", hostFile)
	}},
	{"read-host-file-directly", func() (error, error) {
		if b, err := os.ReadFile(hostFile); err == nil {
			return fmt.Errorf("read %s: %q", hostFile, b), nil
		}
		return nil, errors.New("not in the jail's tree")
	}},
	{"walk-out-of-a-chroot", func() (error, error) {
		cmd := exec.Command("/proc/self/exe", "chroot-walk")
		cmd.Env = []string{"ESCAPE_HOST_FILE=" + hostFile}
		out, err := cmd.CombinedOutput()
		if strings.HasPrefix(string(out), "ESCAPED") {
			return errors.New(strings.TrimSpace(string(out))), nil
		}
		return nil, fmt.Errorf("%s (%v)", strings.TrimSpace(string(out)), err)
	}},
	{"mknod-host-disk", mknod("/tmp/escape-sda", unix.S_IFBLK, 8, 0)},
	{"mknod-dev-mem", mknod("/tmp/escape-mem", unix.S_IFCHR, 1, 1)},
	{"open-dev-mem", openRead("/dev/mem")},
	{"open-dev-kmsg", openRead("/dev/kmsg")},
	{"open-dev-kvm", openRead("/dev/kvm")},
	{"read-kernel-log", syscallAttempt("syslog(SIZE_BUFFER)", unix.SYS_SYSLOG, 10, 0, 0)},
	{"load-module", syscallAttempt("init_module", unix.SYS_INIT_MODULE, 0, 0, uintptr(unsafe.Pointer(&[]byte{0}[0])))},
	{"load-module-from-file", syscallAttempt("finit_module", unix.SYS_FINIT_MODULE, ^uintptr(0), uintptr(unsafe.Pointer(&[]byte{0}[0])), 0)},
	{"unload-module", syscallAttempt("delete_module", unix.SYS_DELETE_MODULE, uintptr(unsafe.Pointer(&[]byte("vjail_none\x00")[0])), 0)},
	{"kexec", syscallAttempt("kexec_load", unix.SYS_KEXEC_LOAD, 0, 0, 0, 0)},
	{"write-core-pattern", openWrite("/proc/sys/kernel/core_pattern")},
	{"write-sysrq-trigger", openWrite("/proc/sysrq-trigger")},
	{"write-sysfs", openWrite("/sys/kernel/mm/transparent_hugepage/enabled")},
	{"drop-host-caches", openWrite("/proc/sys/vm/drop_caches")},
	{"read-kcore", openRead("/proc/kcore")},
	{"read-host-keys", openRead("/proc/keys")},
	{"read-timer-list", openRead("/proc/timer_list")},
	{"read-firmware", func() (error, error) {
		entries, err := os.ReadDir("/sys/firmware")
		if err != nil {
			return nil, err
		}
		if len(entries) > 0 {
			return fmt.Errorf("/sys/firmware shows %s", entries[0].Name()), nil
		}
		return nil, errors.New("/sys/firmware is empty")
	}},
	{"read-kallsyms-addresses", func() (error, error) {
		b, err := os.ReadFile("/proc/kallsyms")
		if err != nil {
			return nil, err
		}
		for _, line := range strings.SplitN(string(b), "\n", 1000) {
			if f := strings.Fields(line); len(f) > 0 && strings.Trim(f[0], "0") != "" {
				return fmt.Errorf("a kernel address: %s", line), nil
			}
		}
		return nil, errors.New("every address reads as zero")
	}},
	{"set-time", func() (error, error) {
		tv := unix.NsecToTimeval(time.Now().UnixNano())
		if err := unix.Settimeofday(&tv); err != nil {
			return nil, err
		}
		return errors.New("settimeofday succeeded"), nil
	}},
	{"set-clock", func() (error, error) {
		var ts unix.Timespec
		unix.ClockGettime(unix.CLOCK_REALTIME, &ts)
		_, _, errno := unix.Syscall(unix.SYS_CLOCK_SETTIME, unix.CLOCK_REALTIME, uintptr(unsafe.Pointer(&ts)), 0)
		return errnoCall(0, errno, "clock_settime")
	}},
	{"swapon", syscallAttempt("swapon", unix.SYS_SWAPON, uintptr(unsafe.Pointer(&[]byte("/nonexistent\x00")[0])), 0)},
	{"iopl", syscallAttempt("iopl(3)", unix.SYS_IOPL, 3)},
	{"ioperm", syscallAttempt("ioperm", unix.SYS_IOPERM, 0x80, 1, 1)},
	{"ptrace-host-process", func() (error, error) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := unix.PtraceAttach(hostPID); err != nil {
			return nil, err
		}
		unix.PtraceDetach(hostPID)
		return fmt.Errorf("attached to pid %d", hostPID), nil
	}},
	{"pidfd-of-host-process", func() (error, error) {
		fd, err := unix.PidfdOpen(hostPID, 0)
		if err != nil {
			return nil, err
		}
		unix.Close(fd)
		return fmt.Errorf("pidfd of %d", hostPID), nil
	}},
	{"read-host-process-memory", func() (error, error) {
		buf := make([]byte, 8)
		local := []unix.Iovec{{Base: &buf[0], Len: 8}}
		remote := []unix.RemoteIovec{{Base: 0x400000, Len: 8}}
		if _, err := unix.ProcessVMReadv(hostPID, local, remote, 0); err != nil {
			return nil, err
		}
		return errors.New("process_vm_readv of a host process"), nil
	}},
	{"inherited-file-descriptors", func() (error, error) {
		if len(inherited) > 0 {
			return fmt.Errorf("descriptors beyond 0-2 at start: %s", strings.Join(inherited, ", ")), nil
		}
		return nil, errors.New("only 0, 1 and 2 at start")
	}},
	{"working-directory-outside", func() (error, error) {
		wd, err := unix.Getwd()
		if err != nil || !strings.HasPrefix(wd, "/") {
			return fmt.Errorf("working directory %q (%v): outside the jail's root", wd, err), nil
		}
		return nil, fmt.Errorf("working directory %s is inside", wd)
	}},
	{"reopen-init-binary-for-writing", openWrite("/proc/1/exe")},
	{"ptrace-the-jails-init", func() (error, error) {
		// vjail's init holds the jail's control socket and starts
		// commands with more privilege than allow.* leaves them.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := unix.PtraceAttach(1); err != nil {
			return nil, err
		}
		unix.PtraceDetach(1)
		return errors.New("attached to the jail's init"), nil
	}},
	{"ptrace-the-request-helper", func() (error, error) {
		// The vjail process that started this command for `vjail exec`.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		ppid := os.Getppid()
		if err := unix.PtraceAttach(ppid); err != nil {
			return nil, err
		}
		unix.PtraceDetach(ppid)
		return fmt.Errorf("attached to pid %d, the command's parent", ppid), nil
	}},
	{"open-init-descriptors", func() (error, error) {
		entries, err := os.ReadDir("/proc/1/fd")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if f, err := os.Open("/proc/1/fd/" + e.Name()); err == nil {
				f.Close()
				return fmt.Errorf("opened the init's descriptor %s", e.Name()), nil
			}
		}
		return fmt.Errorf("listed %d descriptors of the init but opened none", len(entries)), nil
	}},
	{"steal-init-descriptor-by-pidfd", func() (error, error) {
		pidfd, err := unix.PidfdOpen(1, 0)
		if err != nil {
			return nil, err
		}
		defer unix.Close(pidfd)
		for fd := 3; fd < 16; fd++ {
			if got, err := unix.PidfdGetfd(pidfd, fd, 0); err == nil {
				unix.Close(got)
				return fmt.Errorf("took the init's descriptor %d", fd), nil
			} else if err != unix.EBADF {
				return nil, err
			}
		}
		return nil, errors.New("no descriptor taken")
	}},
	{"read-init-memory", openRead("/proc/1/mem")},
	{"keyring", syscallAttempt("keyctl(GET_KEYRING_ID)", unix.SYS_KEYCTL, unix.KEYCTL_GET_KEYRING_ID, uintptr(0xfffffffd), 0)},
	{"add-key", syscallAttempt("add_key", unix.SYS_ADD_KEY, uintptr(unsafe.Pointer(&[]byte("user\x00")[0])), uintptr(unsafe.Pointer(&[]byte("vjail-escape\x00")[0])), uintptr(unsafe.Pointer(&[]byte("x")[0])), 1, uintptr(0xfffffffe))},
	{"bpf", func() (error, error) {
		// BPF_MAP_CREATE of a one-entry array.
		attr := [5]uint32{2, 4, 4, 1, 0}
		r1, _, errno := unix.Syscall(unix.SYS_BPF, 0, uintptr(unsafe.Pointer(&attr[0])), unsafe.Sizeof(attr))
		if errno == 0 {
			unix.Close(int(r1))
		}
		return errnoCall(r1, errno, "bpf(MAP_CREATE)")
	}},
	{"perf-event-open", func() (error, error) {
		attr := unix.PerfEventAttr{Type: unix.PERF_TYPE_SOFTWARE, Config: unix.PERF_COUNT_SW_CPU_CLOCK, Size: uint32(unsafe.Sizeof(unix.PerfEventAttr{}))}
		fd, err := unix.PerfEventOpen(&attr, -1, 0, -1, 0)
		if err != nil {
			return nil, err
		}
		unix.Close(fd)
		return errors.New("perf_event_open of every process on CPU 0"), nil
	}},
	{"open-by-handle", func() (error, error) {
		// The "shocker" attack: a handle names an inode of the whole
		// file system, wherever the jail's root is.
		h := unix.NewFileHandle(1, []byte{2, 0, 0, 0, 0, 0, 0, 0})
		fd, err := unix.OpenByHandleAt(unix.AT_FDCWD, h, unix.O_RDONLY)
		if err != nil {
			return nil, err
		}
		unix.Close(fd)
		return errors.New("opened the file system's root by handle"), nil
	}},
	{"mount-cgroup-v1", mount("cgroup", "/tmp/escape-cgroup", "cgroup", "pids")},
	{"mount-procfs-over-proc", mount("proc", "/proc", "proc", "")},
	{"unmask-proc", func() (error, error) {
		if err := unix.Unmount("/proc/keys", unix.MNT_DETACH); err != nil {
			return nil, err
		}
		return errors.New("unmounted the mask on /proc/keys"), nil
	}},
	{"raw-socket", func() (error, error) {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_ICMP)
		if err != nil {
			return nil, err
		}
		unix.Close(fd)
		return errors.New("raw socket without allow.raw_sockets"), nil
	}},
	{"socket-vsock", func() (error, error) {
		fd, err := unix.Socket(unix.AF_VSOCK, unix.SOCK_STREAM, 0)
		if err != nil {
			return nil, err
		}
		unix.Close(fd)
		return errors.New("an AF_VSOCK socket without allow.socket_af"), nil
	}},
	{"new-user-namespace", func() (error, error) {
		cmd := exec.Command("/bin/true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWUSER}
		if err := cmd.Run(); err != nil {
			return nil, err
		}
		return errors.New("a new user namespace"), nil
	}},
	{"io-uring", func() (error, error) {
		var params [120]byte // struct io_uring_params
		r1, _, errno := unix.Syscall(unix.SYS_IO_URING_SETUP, 1, uintptr(unsafe.Pointer(&params[0])), 0)
		if errno == 0 {
			unix.Close(int(r1))
		}
		return errnoCall(r1, errno, "io_uring_setup")
	}},
	{"userfaultfd", func() (error, error) {
		r1, _, errno := unix.Syscall(unix.SYS_USERFAULTFD, unix.O_CLOEXEC, 0, 0)
		if errno == 0 {
			unix.Close(int(r1))
		}
		return errnoCall(r1, errno, "userfaultfd")
	}},
	{"reach-the-host-network", func() (error, error) {
		// No route leaves a vnet jail with only lo: nothing is sent.
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
		if err != nil {
			return nil, err
		}
		defer unix.Close(fd)
		if err := unix.Connect(fd, &unix.SockaddrInet4{Port: 80, Addr: [4]byte{198, 51, 100, 1}}); err != nil {
			return nil, err
		}
		return errors.New("connected to 198.51.100.1:80"), nil
	}},
}

// openDescriptors lists the open descriptors beyond 0-2 with raw system
// calls, before the Go runtime opens any of its own.
func openDescriptors() []string {
	dir, err := unix.Open("/proc/self/fd", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return []string{"cannot list: " + err.Error()}
	}
	defer unix.Close(dir)
	buf := make([]byte, 4096)
	n, err := unix.ReadDirent(dir, buf)
	if err != nil {
		return []string{"cannot list: " + err.Error()}
	}
	_, _, names := unix.ParseDirent(buf[:n], -1, nil)
	var out []string
	for _, name := range names {
		fd, _ := strconv.Atoi(name)
		if fd <= 2 || fd == dir {
			continue
		}
		target, _ := os.Readlink("/proc/self/fd/" + name)
		out = append(out, name+" -> "+target)
	}
	return out
}

func globs(patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, _ := filepath.Glob(p)
		out = append(out, m...)
	}
	return out
}

// chrootWalkChild is the classic chroot escape: chroot into a
// subdirectory while keeping the working directory above it, walk up with
// "..", and chroot there. In a jail entered with pivot_root (the host's
// tree detached), the top is the jail's root.
func chrootWalkChild() {
	os.MkdirAll("/tmp/escape-chroot", 0o755)
	if err := unix.Chroot("/tmp/escape-chroot"); err != nil {
		fmt.Println("chroot:", err)
		return
	}
	for i := 0; i < 64; i++ {
		unix.Chdir("..")
	}
	unix.Chroot(".")
	if b, err := os.ReadFile(hostFileFromEnv()); err == nil {
		fmt.Printf("ESCAPED: read the host file: %q\n", b)
		return
	}
	fmt.Println("the walk ends at the jail's root")
}

func hostFileFromEnv() string { return os.Getenv("ESCAPE_HOST_FILE") }
