// start.c: a jail's init in C from its first instruction, for a jail that
// does not boot a userland init of its own.
//
// The Go init (init_linux.go) costs a jail's start the runtime's start-up
// and its packages' initialisation, about 1 ms here, on the way from the
// clone to exec.start. This init does what the Go init does up to the
// jail's first command (build the root, pivot into it, take requests) and
// serves exec requests without a terminal itself: exec.start, exec.stop
// and `vjail exec` without -t. (A jail that boots its own init still
// starts with the Go init, which hands PID 1 over: see boot.) Everything else on the control socket (a
// terminal, a request it does not know) goes, as from the idle init
// (idle.c), to a Go process forked for that one request ("__vjail_serve"),
// which reads it from the socket untouched. Once started, it is the idle
// init's loop with a few requests handled in place.
//
// vjail starts it as "__vjail_start" in vjail's own namespaces, as root
// (a vfork and an exec: no copy of vjail's memory), and it makes the
// jail's namespaces itself (make_namespaces), then forks PID 1, which
// builds the jail, restricts itself and serves. fd 3 carries its
// configuration (encodeStartConfig in start_linux.go), fd 4 is the socket
// to vjail, 5 the control socket, 6 the Go init's binary (O_PATH), for the
// serve helpers and the DHCP clients.
#include <limits.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <grp.h>
#include <sched.h>
#include <time.h>

#include "errstr.h"

#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
	uint64_t attr_set, attr_clr, propagation, userns_fd;
};
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#define PROC_MAGIC 0x9fa0
#define SYSFS_MAGIC_NUMBER 0x62656572

// Inherited: the configuration, the sync socket, the init's binaries (6
// and 7: the Go one for the helpers, this one). The control socket's
// listener (5) and the jail's log (1 and 2) come with the root instead
// (setup_jail): both are named after the jail, which an init started
// early, before vjail has read its configuration, does not know; until
// then 1, 2 and 5 are /dev/null.
enum { fd_config = 3, fd_sync = 4, fd_listen = 5, fd_exe = 6, fd_idle = 7 };

// early: started before vjail knew the jail (StartEarly), for a vnet
// jail, so the namespaces are made at once (make_namespaces). Its command
// line is "vjail-init" padded with spaces, room for the jail's name,
// which the configuration brings (name_self).
static int early;
static char *args_start, *args_end;

// The kinds of mount, as start_linux.go numbers them.
enum { kind_devfs = 1, kind_fdescfs, kind_proc, kind_sysfs, kind_tmpfs, kind_bind };
static const char *kind_names[] = {"", "devfs", "fdescfs", "proc", "sysfs", "tmpfs", "bind"};

struct start_mount {
	uint32_t kind, flags;
	int32_t fd;
	const char *target, *data;
};

struct start_config {
	const char *name, *hostname, *domain;
	int vnet, persist;
	uint32_t caps[64];
	int ncaps;
	struct sock_fprog filters[8];
	int nfilters;
	struct start_mount mounts[64];
	int nmounts;
	const char *dhcp[16];
	int ndhcp;
	const char *json; // InitConfig for the serve helpers
	size_t json_len;
};

static struct start_config cfg;

// name_self shows the jail's name in the command line that ps(1) shows on
// the host, "vjail-init: NAME", as for an init started knowing it.
static void name_self(void) {
	size_t room = args_end - args_start;
	memset(args_start, 0, room);
	snprintf(args_start, room, "vjail-init: %s", cfg.name ? cfg.name : "");
}

// The benchmark's breakdown (fault.Time in Go): "PID STEP µs-since-start
// unix-µs" lines appended to $VJAIL_FAULT_TIMES.
static int times_fd = -1;
static struct timespec began;

static void step_time(const char *step) {
	if (times_fd < 0)
		return;
	struct timespec now, real;
	clock_gettime(CLOCK_MONOTONIC, &now);
	clock_gettime(CLOCK_REALTIME, &real);
	long long rel = (now.tv_sec - began.tv_sec) * 1000000LL + (now.tv_nsec - began.tv_nsec) / 1000;
	dprintf(times_fd, "%d %s %lld %lld\n", getpid(), step, rel, real.tv_sec * 1000000LL + real.tv_nsec / 1000);
}

// go_strerror is strerror as Go spells it, for messages that read the
// same whichever init wrote them: "no such file or directory". The C
// library's own (glibc's, musl's) differ, from Go's and from each other.
static const char *go_strerror(int err) {
	static char buf[32];
	if (err > 0 && (size_t)err < sizeof go_errors / sizeof go_errors[0] && go_errors[err])
		return go_errors[err];
	snprintf(buf, sizeof buf, "errno %d", err);
	return buf;
}

// fail tells vjail why the jail cannot be built, as the Go init does
// ("error: ..." on the sync socket), and ends the init.
__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *format, ...) {
	char msg[1024] = "error: ";
	va_list ap;
	va_start(ap, format);
	vsnprintf(msg + 7, sizeof msg - 7, format, ap);
	va_end(ap);
	if (write(fd_sync, msg, strlen(msg)) < 0)
		_exit(1);
	_exit(1);
}

// read_config reads fd 3 to its end and decodes its records: a tag byte,
// a 32-bit length, the data (strings end in a NUL).
static void read_config(void) {
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (buf == NULL)
			fail("read configuration: out of memory");
		ssize_t n = read(fd_config, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("read configuration: %s", go_strerror(errno));
		if (n == 0)
			break;
		len += n;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	close(fd_config);
	for (size_t off = 0; off < len;) {
		if (len - off < 5)
			fail("read configuration: truncated record");
		char tag = buf[off];
		uint32_t n;
		memcpy(&n, buf + off + 1, 4);
		char *data = buf + off + 5;
		if (n > len - off - 5)
			fail("read configuration: truncated record");
		off += 5 + n;
		int is_string = tag == 'H' || tag == 'D' || tag == 'd';
		if (is_string && (n == 0 || data[n - 1] != 0))
			fail("read configuration: record %c is not a string", tag);
		switch (tag) {
		case 'N':
			cfg.name = data;
			break;
		case 'H':
			cfg.hostname = data;
			break;
		case 'D':
			cfg.domain = data;
			break;
		case 'V':
			cfg.vnet = 1;
			break;
		case 'P':
			cfg.persist = 1;
			break;
		case 'C':
			if (n != 4 || cfg.ncaps == 64)
				fail("read configuration: bad capability record");
			memcpy(&cfg.caps[cfg.ncaps++], data, 4);
			break;
		case 'S': {
			if (n == 0 || n % sizeof(struct sock_filter) != 0 || n / sizeof(struct sock_filter) > 0xffff || cfg.nfilters == 8)
				fail("read configuration: a seccomp filter of %u bytes", n);
			struct sock_filter *f = malloc(n);
			if (f == NULL)
				fail("read configuration: out of memory");
			memcpy(f, data, n);
			cfg.filters[cfg.nfilters].len = n / sizeof(struct sock_filter);
			cfg.filters[cfg.nfilters++].filter = f;
			break;
		}
		case 'M': {
			// kind, flags, fd (32 bits each), target NUL data NUL
			if (n < 14 || data[n - 1] != 0 || cfg.nmounts == 64)
				fail("read configuration: bad mount record");
			struct start_mount *m = &cfg.mounts[cfg.nmounts++];
			memcpy(&m->kind, data, 4);
			memcpy(&m->flags, data + 4, 4);
			memcpy(&m->fd, data + 8, 4);
			m->target = data + 12;
			size_t tl = strlen(m->target);
			if (12 + tl + 1 >= n)
				fail("read configuration: bad mount record");
			m->data = m->target + tl + 1;
			if (m->kind < kind_devfs || m->kind > kind_bind)
				fail("read configuration: unknown mount kind %u", m->kind);
			break;
		}
		case 'd':
			if (cfg.ndhcp == 16)
				fail("read configuration: too many DHCP interfaces");
			cfg.dhcp[cfg.ndhcp++] = data;
			break;
		case 'J':
			cfg.json = data;
			cfg.json_len = n;
			break;
		default:
			fail("read configuration: unknown record %c", tag);
		}
	}
	if (cfg.nfilters == 0)
		fail("seccomp: the configuration carries no filter");
	if (cfg.json == NULL)
		fail("read configuration: no configuration for the serve helpers");
}

static void fd_path(char *buf, size_t n, int fd, const char *rest) {
	snprintf(buf, n, "/proc/self/fd/%d%s", fd, rest);
}

static int openat2_fd(int dir, const char *path, uint64_t flags, uint64_t resolve) {
	struct open_how how = {.flags = flags | O_CLOEXEC, .resolve = resolve};
	return syscall(SYS_openat2, dir, path, &how, sizeof how);
}

// open_in_root opens path (absolute, inside the jail) under root as an
// O_PATH handle, symlinks resolved as if root were /, never out of it;
// with mkdir, missing directories are made as root would, each resolved
// again from root. (Nothing of the jail's runs yet: the tree holds only
// what its files say.)
static int open_in_root(int root, const char *path, int mkdir) {
	uint64_t resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	int fd = openat2_fd(root, path, O_PATH, resolve);
	if (fd >= 0 || errno != ENOENT || !mkdir)
		return fd;
	char prefix[PATH_MAX];
	if (strlen(path) >= sizeof prefix) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int parent = fcntl(root, F_DUPFD_CLOEXEC, 3);
	size_t i = 0, n = strlen(path);
	while (parent >= 0 && i < n) {
		while (i < n && path[i] == '/')
			i++;
		size_t j = i;
		while (j < n && path[j] != '/')
			j++;
		if (j == i)
			break;
		char name[NAME_MAX + 1];
		if (j - i > NAME_MAX || (j - i == 2 && path[i] == '.' && path[i + 1] == '.')) {
			close(parent);
			errno = EINVAL;
			return -1;
		}
		memcpy(name, path + i, j - i);
		name[j - i] = 0;
		memcpy(prefix, path, j);
		prefix[j] = 0;
		int next = openat2_fd(root, prefix, O_PATH, resolve);
		if (next < 0 && errno == ENOENT) {
			if (mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
				close(parent);
				return -1;
			}
			next = openat2_fd(root, prefix, O_PATH, resolve);
		}
		close(parent);
		parent = next;
		i = j;
	}
	return parent;
}

// open_beneath opens name under dir, refusing any symlink and any step
// out of dir; absent (ENOENT) is -2, with nothing to do.
static int open_beneath(int dir, const char *name) {
	int fd = openat2_fd(dir, name, O_PATH | O_NOFOLLOW, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ENOENT)
		return -2;
	return fd;
}

// mask hides name under dir as hardenProc's mask does: /dev/null over a
// file, an empty read-only tmpfs over a directory.
static int mask(int dir, const char *name) {
	int fd = open_beneath(dir, name);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	struct stat st;
	char p[64];
	fd_path(p, sizeof p, fd, "");
	int r = fstat(fd, &st);
	if (r == 0 && S_ISDIR(st.st_mode))
		r = mount("tmpfs", p, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=555");
	else if (r == 0)
		r = mount("/dev/null", p, NULL, MS_BIND, NULL);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

// set_read_only puts a read-only (or writable) clone of name over itself,
// as setReadOnly in harden_linux.go does.
static int set_read_only(int dir, const char *name, int read_only) {
	int fd = open_beneath(dir, name);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	int tree = syscall(SYS_open_tree, fd, "", OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	int r = -1;
	if (tree >= 0) {
		struct mount_attr attr = {0};
		if (read_only)
			attr.attr_set = MOUNT_ATTR_RDONLY;
		else
			attr.attr_clr = MOUNT_ATTR_RDONLY;
		r = syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr);
		if (r == 0)
			r = syscall(SYS_move_mount, tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	}
	int e = errno;
	if (tree >= 0)
		close(tree);
	close(fd);
	errno = e;
	return r;
}

// open_mounted opens the file system just mounted at target, checks that
// it is the one mounted (CVE-2019-16884) and masks what masked names.
static int open_mounted(int root, const char *target, unsigned long magic, const char *name, const char **masked) {
	int dir = open_in_root(root, target, 0);
	if (dir < 0)
		fail("mount %s on %s: %s", name, target, go_strerror(errno));
	struct statfs st;
	if (fstatfs(dir, &st) < 0 || (unsigned long)st.f_type != magic)
		fail("mount %s on %s: %s is not the %s just mounted there", name, target, target, name);
	for (; *masked; masked++)
		if (mask(dir, *masked) < 0)
			fail("mount %s on %s: mask %s/%s: %s", name, target, target, *masked, go_strerror(errno));
	return dir;
}

// The lists of harden_linux.go (runc's and Docker's defaults).
static const char *proc_masked[] = {"acpi", "asound", "interrupts", "kcore", "keys", "latency_stats", "sched_debug", "scsi", "timer_list", "timer_stats", NULL};
static const char *proc_read_only[] = {"bus", "fs", "irq", "sys", "sysrq-trigger", NULL};
static const char *sys_masked[] = {"firmware", "devices/virtual/powercap", NULL};

static void harden_proc(int root, const char *target) {
	int proc = open_mounted(root, target, PROC_MAGIC, "proc", proc_masked);
	for (const char **n = proc_read_only; *n; n++)
		if (set_read_only(proc, *n, 1) < 0)
			fail("mount proc on %s: make %s/%s read-only: %s", target, target, *n, go_strerror(errno));
	if (cfg.vnet && set_read_only(proc, "sys/net", 0) < 0)
		fail("mount proc on %s: make %s/sys/net writable: %s", target, target, go_strerror(errno));
	close(proc);
}

static void harden_sys(int root, const char *target) {
	int sys = open_mounted(root, target, SYSFS_MAGIC_NUMBER, "sysfs", sys_masked);
	int cg = open_beneath(sys, "fs/cgroup");
	if (cg == -1)
		fail("mount sysfs on %s: %s/fs/cgroup: %s", target, target, go_strerror(errno));
	if (cg >= 0) {
		char p[64];
		fd_path(p, sizeof p, cg, "");
		if (mount("cgroup2", p, "cgroup2", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 && errno != ENODEV)
			fail("mount sysfs on %s: cgroup2 on %s/fs/cgroup: %s", target, target, go_strerror(errno));
		close(cg);
	}
	close(sys);
}

// mount_devfs gives the jail the minimal /dev of mountDevfs in Go.
static void mount_devfs(int root, const char *target) {
	char p[PATH_MAX];
	int dir = open_in_root(root, target, 1);
	if (dir < 0)
		fail("mount devfs on %s: %s", target, go_strerror(errno));
	fd_path(p, sizeof p, dir, "");
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k") < 0)
		fail("mount devfs on %s: %s", target, go_strerror(errno));
	close(dir);
	int dev = open_in_root(root, target, 0);
	if (dev < 0)
		fail("mount devfs on %s: %s", target, go_strerror(errno));
	static const char *nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
		int fd = openat(dev, nodes[i], O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (fd < 0)
			fail("mount devfs on %s: %s", target, go_strerror(errno));
		char from[32];
		snprintf(from, sizeof from, "/dev/%s", nodes[i]);
		fd_path(p, sizeof p, fd, "");
		int r = mount(from, p, NULL, MS_BIND, NULL);
		int e = errno;
		close(fd);
		if (r < 0)
			fail("mount devfs on %s: /dev/%s: %s", target, nodes[i], go_strerror(e));
	}
	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
		fail("mount devfs on %s: %s", target, go_strerror(errno));
	fd_path(p, sizeof p, dev, "/pts");
	if (mount("devpts", p, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") < 0)
		fail("mount devfs on %s: devpts: %s", target, go_strerror(errno));
	fd_path(p, sizeof p, dev, "/shm");
	if (mount("shm", p, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		fail("mount devfs on %s: shm: %s", target, go_strerror(errno));
	static const char *links[][2] = {{"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}};
	for (size_t i = 0; i < sizeof links / sizeof *links; i++)
		if (symlinkat(links[i][1], dev, links[i][0]) < 0)
			fail("mount devfs on %s: %s", target, go_strerror(errno));
	close(dev);
}

// mount_inside performs one mount with its target resolved inside root,
// as mountInside in Go.
static void mount_inside(int root, struct start_mount *m, int *binds, int nbinds) {
	const char *kind = kind_names[m->kind];
	if (m->kind == kind_devfs) {
		mount_devfs(root, m->target);
		return;
	}
	if (m->kind == kind_fdescfs)
		return; // the /dev/fd links come with devfs
	int target = open_in_root(root, m->target, 1);
	if (target < 0)
		fail("mount %s on %s: %s", kind, m->target, go_strerror(errno));
	char p[64];
	fd_path(p, sizeof p, target, "");
	int r = 0;
	switch (m->kind) {
	case kind_proc:
		r = mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
		break;
	case kind_sysfs:
		r = mount("sysfs", p, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL);
		break;
	case kind_tmpfs:
		r = mount("tmpfs", p, "tmpfs", m->flags | MS_NOSUID | MS_NODEV, m->data);
		break;
	case kind_bind:
		if (m->fd < 0 || m->fd >= nbinds)
			fail("mount bind on %s: no tree received", m->target);
		r = syscall(SYS_move_mount, binds[m->fd], "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
		break;
	}
	if (r < 0)
		fail("mount %s on %s: %s", kind, m->target, go_strerror(errno));
	close(target);
	if (m->kind == kind_proc)
		harden_proc(root, m->target);
	else if (m->kind == kind_sysfs)
		harden_sys(root, m->target);
}

// recv_fds receives up to max descriptors with a message on sock; the
// message is returned in buf (NUL-terminated), its length as the result.
static ssize_t recv_fds(int sock, char *buf, size_t size, int *fds, int max, int *nfds, int flags) {
	char control[CMSG_SPACE(sizeof(int) * 16)];
	struct iovec iov = {buf, size - 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = CMSG_SPACE(sizeof(int) * (max > 16 ? 16 : max))};
	if (max == 0) {
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | flags);
	while (n < 0 && errno == EINTR);
	*nfds = 0;
	if (n < 0)
		return n;
	buf[n] = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (*nfds < max)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	return n;
}

// loopback_up brings up lo: the kernel sets up IPv6 on it, which costs
// up to a millisecond, while vjail is busy on its side anyway.
static void loopback_up(void) {
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		fail("bring lo up in the jail: %s", go_strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		fail("bring lo up in the jail: %s", go_strerror(errno));
	close(s);
}

// start_dhcp forks each interface's DHCP client from the Go init's binary
// before pivot_root, as startDHCP in Go does: pivot_root then takes it
// into the jail's root with the init.
static void start_dhcp(char **envp) {
	for (int i = 0; i < cfg.ndhcp; i++) {
		char *argv[] = {"vjail-dhcp", "__vjail_dhcp", (char *)cfg.dhcp[i], NULL};
		pid_t pid = fork();
		if (pid < 0)
			fail("dhcp client for %s: %s", cfg.dhcp[i], go_strerror(errno));
		if (pid == 0) {
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			syscall(SYS_execveat, fd_exe, "", argv, envp, AT_EMPTY_PATH);
			dprintf(2, "vjail-init: dhcp client for %s: %s\n", cfg.dhcp[i], go_strerror(errno));
			_exit(127);
		}
	}
}

// setup_jail builds the jail's root and pivots into it (setupJail in Go).
static void setup_jail(char **envp) {
	if (mount("", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		fail("make mounts private: %s", go_strerror(errno));
	if (cfg.vnet)
		loopback_up();
	int nbinds = 0;
	for (int i = 0; i < cfg.nmounts; i++)
		nbinds += cfg.mounts[i].kind == kind_bind;
	// The root, its attachment point, the bind mounts' trees, then the
	// control socket's listener and the jail's log.
	int fds[20], nfds, want = 2 + nbinds + 2;
	char msg[4096];
	if (want > 20)
		fail("receive root: too many bind mounts (%d)", nbinds);
	if (recv_fds(fd_sync, msg, sizeof msg, fds, want, &nfds, 0) < 0)
		fail("receive root: %s", go_strerror(errno));
	if (strncmp(msg, "error: ", 7) == 0)
		_exit(1); // vjail's own failure: it knows
	if (nfds != want)
		fail("receive root: %d descriptors, want %d", nfds, want);
	int listener = fds[want - 2], log = fds[want - 1];
	if (dup3(listener, fd_listen, O_CLOEXEC) < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		fail("take the control socket and the log: %s", go_strerror(errno));
	close(listener);
	close(log);
	int tree = fds[0], target = fds[1];
	if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		fail("attach idmapped root: %s", go_strerror(errno));
	close(target);
	for (int i = 0; i < cfg.nmounts; i++)
		mount_inside(tree, &cfg.mounts[i], fds + 2, nbinds);
	for (int i = 0; i < nbinds; i++)
		close(fds[2 + i]);
	if (cfg.hostname && sethostname(cfg.hostname, strlen(cfg.hostname)) < 0)
		fail("set hostname \"%s\": %s", cfg.hostname, go_strerror(errno));
	if (cfg.domain && setdomainname(cfg.domain, strlen(cfg.domain)) < 0)
		fail("set domain name \"%s\": %s", cfg.domain, go_strerror(errno));
	start_dhcp(envp);
	if (fchdir(tree) < 0)
		fail("chdir to the jail's root: %s", go_strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root: %s", go_strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		fail("detach the host's root: %s", go_strerror(errno));
	if (chdir("/") < 0)
		fail("chdir /: %s", go_strerror(errno));
	close(tree);
}

// ---- Requests ----------------------------------------------------------

// A request, as protocol.go's Request; strings point into the message.
struct request {
	char op[16];
	char *argv[256], *env[1024];
	int argc, envc;
	char *user;
	long long uid, gid, sig, pid;
	int clean, login, tty, background, started, unknown;
};

// The JSON of a request: an object of strings, arrays of strings,
// numbers and booleans, as easyjson writes it. Strings are decoded in
// place (an escape is never shorter than what it stands for).
struct json {
	char *p, *end;
	int bad;
};

static void json_space(struct json *j) {
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int json_hex4(const char *s, unsigned *v) {
	*v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return -1;
	}
	return 0;
}

static char *utf8(char *out, unsigned c) {
	if (c < 0x80) {
		*out++ = c;
	} else if (c < 0x800) {
		*out++ = 0xc0 | c >> 6;
		*out++ = 0x80 | (c & 0x3f);
	} else if (c < 0x10000) {
		*out++ = 0xe0 | c >> 12;
		*out++ = 0x80 | (c >> 6 & 0x3f);
		*out++ = 0x80 | (c & 0x3f);
	} else {
		*out++ = 0xf0 | c >> 18;
		*out++ = 0x80 | (c >> 12 & 0x3f);
		*out++ = 0x80 | (c >> 6 & 0x3f);
		*out++ = 0x80 | (c & 0x3f);
	}
	return out;
}

// json_string decodes the string at p in place and returns it, or NULL.
// A NUL (\u0000) inside makes it bad: no argument or variable has one.
static char *json_string(struct json *j) {
	json_space(j);
	if (j->p >= j->end || *j->p != '"') {
		j->bad = 1;
		return NULL;
	}
	char *start = ++j->p, *out = start;
	while (j->p < j->end && *j->p != '"') {
		char c = *j->p++;
		if ((unsigned char)c < 0x20) {
			j->bad = 1;
			return NULL;
		}
		if (c != '\\') {
			*out++ = c;
			continue;
		}
		if (j->p >= j->end) {
			j->bad = 1;
			return NULL;
		}
		c = *j->p++;
		switch (c) {
		case '"': case '\\': case '/':
			*out++ = c;
			break;
		case 'b': *out++ = '\b'; break;
		case 'f': *out++ = '\f'; break;
		case 'n': *out++ = '\n'; break;
		case 'r': *out++ = '\r'; break;
		case 't': *out++ = '\t'; break;
		case 'u': {
			unsigned v, lo;
			if (j->end - j->p < 4 || json_hex4(j->p, &v) < 0 || v == 0) {
				j->bad = 1;
				return NULL;
			}
			j->p += 4;
			if (v >= 0xd800 && v < 0xdc00 && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u' &&
			    json_hex4(j->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
				j->p += 6;
			} else if (v >= 0xd800 && v < 0xe000) {
				v = 0xfffd; // a lone surrogate, as Go decodes it
			}
			out = utf8(out, v);
			break;
		}
		default:
			j->bad = 1;
			return NULL;
		}
	}
	if (j->p >= j->end) {
		j->bad = 1;
		return NULL;
	}
	j->p++;
	*out = 0;
	return start;
}

static int json_lit(struct json *j, const char *lit) {
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lit, n) == 0) {
		j->p += n;
		return 1;
	}
	return 0;
}

static int json_bool(struct json *j) {
	json_space(j);
	if (json_lit(j, "true"))
		return 1;
	if (!json_lit(j, "false") && !json_lit(j, "null"))
		j->bad = 1;
	return 0;
}

static long long json_int(struct json *j) {
	json_space(j);
	if (json_lit(j, "null"))
		return 0;
	char *e;
	errno = 0;
	long long v = strtoll(j->p, &e, 10);
	if (e == j->p || errno || (e < j->end && (*e == '.' || *e == 'e' || *e == 'E')))
		j->bad = 1;
	j->p = e;
	return v;
}

// json_strings decodes an array of strings (or null) into out.
static int json_strings(struct json *j, char **out, int max) {
	json_space(j);
	if (json_lit(j, "null"))
		return 0;
	if (j->p >= j->end || *j->p != '[') {
		j->bad = 1;
		return 0;
	}
	j->p++;
	int n = 0;
	json_space(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		char *s = json_string(j);
		if (s == NULL || n == max) {
			j->bad = 1;
			return n;
		}
		out[n++] = s;
		json_space(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			return n;
		}
		j->bad = 1;
		return n;
	}
}

// parse_request decodes msg; a field it does not know marks the request
// unknown, for the Go helper to serve.
static int parse_request(char *msg, size_t len, struct request *r) {
	struct json j = {msg, msg + len, 0};
	memset(r, 0, sizeof *r);
	json_space(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return -1;
	json_space(&j);
	if (j.p < j.end && *j.p == '}')
		return 0;
	while (!j.bad) {
		char *key = json_string(&j);
		json_space(&j);
		if (key == NULL || j.p >= j.end || *j.p++ != ':')
			return -1;
		if (strcmp(key, "op") == 0) {
			char *s = json_string(&j);
			if (s && strlen(s) < sizeof r->op)
				strcpy(r->op, s);
			else
				r->unknown = 1;
		} else if (strcmp(key, "argv") == 0) {
			r->argc = json_strings(&j, r->argv, 255);
		} else if (strcmp(key, "env") == 0) {
			r->envc = json_strings(&j, r->env, 1023);
		} else if (strcmp(key, "user") == 0) {
			r->user = json_string(&j);
		} else if (strcmp(key, "uid") == 0) {
			r->uid = json_int(&j);
		} else if (strcmp(key, "gid") == 0) {
			r->gid = json_int(&j);
		} else if (strcmp(key, "signal") == 0) {
			r->sig = json_int(&j);
		} else if (strcmp(key, "pid") == 0) {
			r->pid = json_int(&j);
		} else if (strcmp(key, "clean") == 0) {
			r->clean = json_bool(&j);
		} else if (strcmp(key, "login") == 0) {
			r->login = json_bool(&j);
		} else if (strcmp(key, "tty") == 0) {
			r->tty = json_bool(&j);
		} else if (strcmp(key, "background") == 0) {
			r->background = json_bool(&j);
		} else if (strcmp(key, "started") == 0) {
			r->started = json_bool(&j);
		} else {
			r->unknown = 1;
			return 0;
		}
		json_space(&j);
		if (j.p < j.end && *j.p == ',') {
			j.p++;
			continue;
		}
		if (j.p < j.end && *j.p == '}')
			break;
		return -1;
	}
	if (j.bad || r->uid < 0 || r->uid > 0xffffffffLL || r->gid < 0 || r->gid > 0xffffffffLL)
		return -1;
	r->argv[r->argc] = NULL;
	r->env[r->envc] = NULL;
	return 0;
}

// reply sends a Response: {"pid":N}, {"exit":N}, {"error":"..."} or {}.
static void reply(int conn, const char *key, long long n, const char *error) {
	char buf[2048];
	int len;
	if (error) {
		char *o = buf;
		o += sprintf(o, "{\"error\":\"");
		for (const unsigned char *s = (const unsigned char *)error; *s && o < buf + sizeof buf - 16; s++) {
			if (*s == '"' || *s == '\\')
				o += sprintf(o, "\\%c", *s);
			else if (*s < 0x20)
				o += sprintf(o, "\\u%04x", *s);
			else
				*o++ = *s;
		}
		o += sprintf(o, "\"}");
		len = o - buf;
	} else if (key) {
		len = snprintf(buf, sizeof buf, "{\"%s\":%lld}", key, n);
	} else {
		len = snprintf(buf, sizeof buf, "{}");
	}
	send(conn, buf, len, MSG_NOSIGNAL);
}

__attribute__((format(printf, 2, 3))) static void reply_error(int conn, const char *format, ...) {
	char msg[1024];
	va_list ap;
	va_start(ap, format);
	vsnprintf(msg, sizeof msg, format, ap);
	va_end(ap);
	reply(conn, NULL, 0, msg);
}

// A user of the jail's own password database (jailUser in Go), parsed
// here rather than by the C library, which could load the jail's code.
struct jail_user {
	char name[256], home[PATH_MAX], shell[PATH_MAX];
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	int ngroups;
};

// read_file reads one of the jail's files, which its root controls: only
// a regular file (a FIFO would block the init, /dev/zero never end), and
// at most 16 MiB of it.
static char *read_file(const char *path) {
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	size_t cap = 8192, len = 0;
	char *b = malloc(cap);
	ssize_t n;
	while (b && len < (16 << 20) && (n = read(fd, b + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(b, cap *= 2);
			if (more == NULL)
				free(b);
			b = more;
		}
	}
	close(fd);
	if (b)
		b[len] = 0;
	else
		errno = ENOMEM;
	return b;
}

// field splits line at ':' into up to max fields; it returns how many.
static int fields(char *line, char **f, int max, char sep) {
	int n = 0;
	f[n++] = line;
	for (char *p = line; *p && n < max; p++)
		if (*p == sep) {
			*p = 0;
			f[n++] = p + 1;
		}
	return n;
}

// parse_id reads a decimal uid or gid as Go's fmt.Sscan does.
static int parse_id(const char *s, uint32_t *v) {
	char *e;
	errno = 0;
	unsigned long long x = strtoull(s, &e, 10);
	if (e == s || errno || x > 0xffffffffULL || *s == '-')
		return -1;
	*v = x;
	return 0;
}

static int lookup_user(struct request *r, struct jail_user *u, int conn) {
	memset(u, 0, sizeof *u);
	const char *name = r->user && *r->user ? r->user : "root";
	if (strcmp(name, "#") == 0) {
		snprintf(u->name, sizeof u->name, "%lld", r->uid);
		u->uid = r->uid;
		u->gid = r->gid;
		strcpy(u->home, "/");
		strcpy(u->shell, "/bin/sh");
		return 0;
	}
	char *passwd = read_file("/etc/passwd");
	if (passwd == NULL) {
		if (strcmp(name, "root") == 0)
			goto root;
		reply_error(conn, "user %s: open /etc/passwd: %s", name, go_strerror(errno));
		return -1;
	}
	int found = 0;
	for (char *line = passwd, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *f[8];
		if (fields(line, f, 8, ':') < 7 || strcmp(f[0], name) != 0)
			continue;
		uint32_t id;
		if (parse_id(f[2], &id) < 0) {
			reply_error(conn, "user %s: bad uid \"%s\" in /etc/passwd", name, f[2]);
			free(passwd);
			return -1;
		}
		u->uid = id;
		if (parse_id(f[3], &id) < 0) {
			reply_error(conn, "user %s: bad gid \"%s\" in /etc/passwd", name, f[3]);
			free(passwd);
			return -1;
		}
		u->gid = id;
		snprintf(u->name, sizeof u->name, "%s", name);
		snprintf(u->home, sizeof u->home, "%s", f[5]);
		snprintf(u->shell, sizeof u->shell, "%s", f[6]);
		found = 1;
		break;
	}
	free(passwd);
	if (!found) {
		if (strcmp(name, "root") == 0)
			goto root;
		reply_error(conn, "user %s: not found in the jail's /etc/passwd", name);
		return -1;
	}
	u->groups[u->ngroups++] = u->gid;
	char *group = read_file("/etc/group");
	for (char *line = group, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char *f[5];
		if (fields(line, f, 5, ':') < 4)
			continue;
		char *m[1024];
		int nm = fields(f[3], m, 1024, ',');
		for (int i = 0; i < nm; i++) {
			uint32_t gid;
			if (strcmp(m[i], name) == 0 && parse_id(f[2], &gid) == 0 && gid != u->gid && u->ngroups < 64)
				u->groups[u->ngroups++] = gid;
		}
	}
	free(group);
	return 0;
root:
	// A minimal userland without /etc/passwd still has root.
	strcpy(u->name, "root");
	strcpy(u->home, "/root");
	strcpy(u->shell, "/bin/sh");
	u->ngroups = 0;
	return 0;
}

// exec.clean's environment (cleanEnv in Go).
static int clean_env(struct jail_user *u, struct request *r, char **env, char *store, size_t size) {
	int n = 0;
	char *o = store;
	const char *shell = *u->shell ? u->shell : "/bin/sh";
	const char *vars[][2] = {{"HOME=", u->home}, {"SHELL=", shell}, {"USER=", u->name}, {"LOGNAME=", u->name}};
	for (size_t i = 0; i < 4; i++) {
		int k = snprintf(o, store + size - o, "%s%s", vars[i][0], vars[i][1]);
		if (k < 0 || o + k + 1 > store + size)
			return -1;
		env[n++] = o;
		o += k + 1;
	}
	env[n++] = "PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";
	for (int i = 0; i < r->envc && n < 1023; i++)
		if (strncmp(r->env[i], "TERM=", 5) == 0)
			env[n++] = r->env[i];
	env[n] = NULL;
	return 0;
}

// look_path finds argv[0] as execvp(3) would (lookPath in Go).
static int look_path(const char *name, char **env, char *out, size_t size, int conn) {
	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return 0;
	}
	const char *path = "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";
	for (char **e = env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (const char *d = path;;) {
		const char *e = strchr(d, ':');
		size_t dl = e ? (size_t)(e - d) : strlen(d);
		// filepath.Join: an empty directory is the current one, "/".
		int k = dl == 0 ? snprintf(out, size, "%s", name) : snprintf(out, size, "%.*s/%s", (int)dl, d, name);
		struct stat st;
		if (k > 0 && (size_t)k < size && stat(out, &st) == 0 && !S_ISDIR(st.st_mode) && (st.st_mode & 0111))
			return 0;
		if (!e)
			break;
		d = e + 1;
	}
	reply_error(conn, "%s: command not found in the jail (PATH=%s)", name, path);
	return -1;
}

// restrict_self gives this process the jail's allow.* restrictions: the
// bounding set without what allow.* denies, then the seccomp filters (as
// the Go init's spawner thread does).
static int restrict_self(void) {
	for (int i = 0; i < cfg.ncaps; i++)
		if (prctl(PR_CAPBSET_READ, cfg.caps[i], 0, 0, 0) == 1 && prctl(PR_CAPBSET_DROP, cfg.caps[i], 0, 0, 0) < 0)
			return -1;
	for (int i = 0; i < cfg.nfilters; i++)
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &cfg.filters[i]) < 0)
			return -1;
	return 0;
}

// What spawn_child runs, and its errno if it cannot.
struct spawn_args {
	const char *path, *dir;
	char **argv, **env;
	struct jail_user *user;
	int *fds;
	volatile int err;
};

// spawn_child becomes the command of a request: its own session, the
// user's credentials and directory, the request's standard descriptors.
// It runs on its own stack in the init's memory (see exec_request), and
// so does nothing but system calls.
static int spawn_child(void *p) {
	struct spawn_args *a = p;
	sigset_t none;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || setsid() < 0 ||
	    setgroups(a->user->ngroups, a->user->groups) < 0 ||
	    setresgid(a->user->gid, a->user->gid, a->user->gid) < 0 ||
	    setresuid(a->user->uid, a->user->uid, a->user->uid) < 0 || chdir(a->dir) < 0 ||
	    dup2(a->fds[0], 0) < 0 || dup2(a->fds[1], 1) < 0 || dup2(a->fds[2], 2) < 0) {
		a->err = errno;
		_exit(127);
	}
	execve(a->path, a->argv, a->env);
	a->err = errno;
	_exit(127);
}

// A foreground command's connection, waiting for its exit.
struct waiter {
	pid_t pid;
	int conn, started;
};
static struct waiter *waiters;
static int nwaiters, cap_waiters;
static int started, persist;

static void mark_started(void) { started = 1; }

// exec_request runs a command without a terminal (exec in Go).
static void exec_request(int conn, struct request *r, int *fds, int nfds) {
	step_time("init.exec");
	if (r->argc == 0) {
		reply_error(conn, "exec: no command");
		return;
	}
	if (nfds != 3) {
		reply_error(conn, "exec needs stdin, stdout and stderr");
		return;
	}
	struct jail_user u;
	if (lookup_user(r, &u, conn) < 0)
		return;
	char *clean[1024], store[3 * PATH_MAX + 1024];
	char **env = r->env;
	if (r->clean && clean_env(&u, r, clean, store, sizeof store) < 0) {
		reply_error(conn, "exec: environment too large");
		return;
	}
	if (r->clean)
		env = clean;
	const char *dir = "/";
	struct stat st;
	if ((r->login || r->clean) && stat(u.home, &st) == 0 && S_ISDIR(st.st_mode))
		dir = u.home;
	char path[PATH_MAX];
	if (look_path(r->argv[0], env, path, sizeof path, conn) < 0)
		return;
	// Cloned sharing this process's memory, as posix_spawn(3) does: no
	// copy of the init's page tables, and this process waits until the
	// command runs or fails (its errno comes back in args).
	struct spawn_args args = {.path = path, .argv = r->argv, .env = env, .dir = dir, .user = &u, .fds = fds};
	static char stack[64 << 10] __attribute__((aligned(16)));
	pid_t pid = clone(spawn_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
	int err = pid < 0 ? errno : args.err;
	step_time("init.forked");
	if (err) {
		// The child has exited; the loop reaps it.
		reply_error(conn, "exec %s: %s", r->argv[0], go_strerror(err));
		return;
	}
	reply(conn, "pid", pid, NULL);
	if (r->background) {
		if (r->started)
			mark_started();
		return;
	}
	if (nwaiters == cap_waiters) {
		cap_waiters = cap_waiters ? 2 * cap_waiters : 8;
		waiters = realloc(waiters, cap_waiters * sizeof *waiters);
		if (waiters == NULL)
			_exit(116);
	}
	waiters[nwaiters++] = (struct waiter){pid, fcntl(conn, F_DUPFD_CLOEXEC, 3), r->started};
}

// reaped hands a child's status to the request that waits for it.
static void reaped(pid_t pid, int status) {
	for (int i = 0; i < nwaiters; i++) {
		if (waiters[i].pid != pid)
			continue;
		step_time("init.exited");
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		reply(waiters[i].conn, "exit", code, NULL);
		close(waiters[i].conn);
		if (waiters[i].started)
			mark_started();
		waiters[i] = waiters[--nwaiters];
		return;
	}
}

// serve_go forks the Go init's binary for one request, still unread on
// conn (as the idle init does).
static void serve_go(int conn, sigset_t *old, char **envp) {
	pid_t pid = fork();
	if (pid != 0)
		return;
	sigprocmask(SIG_SETMASK, old, NULL);
	// dup2 onto itself would keep close-on-exec (fds 3 and 4 were the
	// configuration's and vjail's, closed since).
	if (conn == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(conn, 3) < 0)
		_exit(112);
	int m = syscall(SYS_memfd_create, "vjail-config", MFD_CLOEXEC);
	if (m < 0 || write(m, cfg.json, cfg.json_len) != (ssize_t)cfg.json_len || lseek(m, 0, SEEK_SET) != 0)
		_exit(114);
	if ((m != 4 && dup2(m, 4) < 0) || fcntl(4, F_SETFD, 0) < 0)
		_exit(114);
	syscall(SYS_close_range, 5, ~0U, CLOSE_RANGE_CLOEXEC);
	char *argv[] = {"vjail-init", "__vjail_serve", NULL};
	syscall(SYS_execveat, fd_exe, "", argv, envp, AT_EMPTY_PATH);
	_exit(113);
}

// handle serves one connection: the requests this init knows in place,
// the rest through serve_go.
static void handle(int conn, sigset_t *old, char **envp) {
	static char msg[65536];
	int fds[3], nfds;
	ssize_t n = recv_fds(conn, msg, sizeof msg, fds, 0, &nfds, MSG_PEEK);
	step_time("init.read");
	struct request r;
	if (n < 0 || parse_request(msg, n, &r) < 0 || r.unknown || r.tty ||
	    (strcmp(r.op, "exec") && strcmp(r.op, "ping") && strcmp(r.op, "started") && strcmp(r.op, "kill"))) {
		serve_go(conn, old, envp);
		return;
	}
	// Known: take the message off the socket, with its descriptors, and
	// parse it again (the peek's copy was decoded in place).
	n = recv_fds(conn, msg, sizeof msg, fds, 3, &nfds, 0);
	if (n < 0 || parse_request(msg, n, &r) < 0) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return;
	}
	if (strcmp(r.op, "ping") == 0) {
		reply(conn, "pid", getpid(), NULL);
	} else if (strcmp(r.op, "started") == 0) {
		reply(conn, NULL, 0, NULL);
		mark_started();
	} else if (strcmp(r.op, "kill") == 0) {
		// kill(-1) from PID 1 signals every process of the namespace but
		// the init itself; a pid picks one.
		if (kill(r.pid > 0 ? r.pid : -1, r.sig) < 0 && errno != ESRCH)
			reply_error(conn, "%s", go_strerror(errno));
		else
			reply(conn, NULL, 0, NULL);
	} else {
		exec_request(conn, &r, fds, nfds);
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
}

// make_namespaces makes the jail's namespaces, as the Go init's clone
// does, in the order the kernel allows. vjail started this process in
// its own namespaces, as root (Spawn): a user namespace first, which
// vjail maps to the jail's id range while this reads the configuration;
// then the others, owned by it; and, as the jail's root, a fork, whose
// child is PID 1 of the new pid namespace and returns, while this process
// tells vjail its pid and ends. An early init makes all but the cgroup
// namespace before its configuration comes, while vjail reads the jail's
// (the network one is half a millisecond here); the cgroup namespace
// waits for the map, by when vjail has put the init in the cgroups of the
// jail's rctl limits (a v1 hierarchy's root is the cgroup it is made in).
static void make_namespaces(void) {
	if (unshare(CLONE_NEWUSER) < 0)
		fail("new user namespace: %s", go_strerror(errno));
	if (write(fd_sync, "user", 4) < 0)
		_exit(1);
	// A process has every capability in the user namespace it made,
	// mapped or not yet.
	if (early) {
		if (unshare(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID) < 0)
			fail("new namespaces: %s", go_strerror(errno));
		step_time("init.namespaces");
	}
	read_config();
	step_time("init.config");
	if (early)
		name_self();
	if (!early && cfg.vnet && unshare(CLONE_NEWNET) < 0)
		fail("new network namespace: %s", go_strerror(errno));
	char msg[4096];
	ssize_t n;
	do
		n = read(fd_sync, msg, sizeof msg - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		_exit(1);
	msg[n] = 0;
	if (strcmp(msg, "mapped") != 0)
		_exit(1); // vjail's own failure: it knows
	if (setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0 || setresuid(0, 0, 0) < 0)
		fail("become the jail's root: %s", go_strerror(errno));
	// A change of uid makes a process dumpable again.
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (unshare(early ? CLONE_NEWCGROUP : CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWPID) < 0)
		fail("new namespaces: %s", go_strerror(errno));
	pid_t init = fork();
	if (init < 0)
		fail("fork the jail's init: %s", go_strerror(errno));
	if (init > 0) {
		int len = snprintf(msg, sizeof msg, "pid %d", init);
		if (write(fd_sync, msg, len) < 0)
			_exit(1);
		_exit(0);
	}
}

// vjail_start is the init's life: it returns only if argv is not its.
VJAIL_IDLE_ENTRY static void vjail_start(int argc, char **argv, char **envp) {
	if (argc < 2 || argc > 3 || strcmp(argv[1], "__vjail_start") != 0)
		return;
	if (argc == 3 && strcmp(argv[2], "early") != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &began);
	early = argc == 3;
	args_start = argv[0];
	args_end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	// What ps(1) shows: "vjail-init: NAME", without the mode.
	for (int i = 1; i < argc; i++)
		memset(argv[i], 0, strlen(argv[i]));
	// What vjail's caller left open without close-on-exec came along:
	// the init, which may outlive the caller by years, must not hold it
	// (a pipe it kept open would never see its end).
	syscall(SYS_close_range, fd_idle + 1, ~0U, 0);
	const char *times = getenv("VJAIL_FAULT_TIMES");
	if (times && *times)
		times_fd = open(times, O_WRONLY | O_APPEND | O_CLOEXEC);
	step_time("init.main");
	prctl(PR_SET_NAME, "vjail-init", 0, 0, 0);
	// Nothing the init inherited beyond 0-2 may reach a command it starts,
	// and the jail's other users may not ptrace it (see InitMain).
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	make_namespaces();
	// PID 1 of the jail's pid namespace from here on.
	if (setsid() < 0)
		fail("setsid: %s", go_strerror(errno));
	step_time("init.forked-as-pid-1");
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	// HoldSignal (SIGUSR1) from the host makes the jail persistent.
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sigdelset(&old, SIGUSR1);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		fail("signalfd: %s", go_strerror(errno));
	persist = cfg.persist;
	setup_jail(envp);
	step_time("init.pivoted");
	// Nothing this init does once the jail is built needs what allow.*
	// denies: it takes the restrictions itself, once, and every command
	// and helper it forks inherits them (the Go init keeps its privileges
	// and restricts the thread that forks for it instead). (Loading the
	// filters takes the kernel a quarter of a millisecond here; a child
	// that built the jail meanwhile measured no faster, on two CPUs that
	// vjail shares.)
	if (restrict_self() < 0)
		fail("restrict the init: %s", go_strerror(errno));
	step_time("init.ready");
	if (write(fd_sync, "ok", 2) < 0)
		_exit(1);
	close(fd_sync);
	for (;;) {
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			reaped(pid, st);
		if (pid < 0 && errno == ECHILD && started && !persist)
			_exit(0);
		struct pollfd p[2] = {{.fd = fd_listen, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			struct signalfd_siginfo si;
			// HoldSignal counts from the host only: a signal from
			// outside the jail's pid namespace shows no sender.
			while (read(sfd, &si, sizeof si) == sizeof si)
				if (si.ssi_signo == SIGUSR1 && si.ssi_pid == 0)
					persist = 1;
		}
		if (p[0].revents & POLLIN) {
			int c = accept4(fd_listen, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			step_time("init.accepted");
			handle(c, &old, envp);
			close(c);
		}
	}
}
