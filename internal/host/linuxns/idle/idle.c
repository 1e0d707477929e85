// idle.c: the small C init a jail's init becomes once the jail is idle,
// and the request loop beside a jail's own booted init (see vjail_idle).
//
// It is built two ways. build.sh compiles it alone, static, with
// VJAIL_IDLE_MAIN, as the vjail-idle binary that vjail embeds beside the
// Go init (internal/host/initbin). A vjail built with cgo and without
// build.sh includes it instead (internal/host/linuxns/idle_cgo_linux.go)
// as a constructor that runs before the Go runtime would start, so that
// the vjail binary itself can be executed as either.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef VJAIL_IDLE_MAIN
#define VJAIL_IDLE_ENTRY
#else
#define VJAIL_IDLE_ENTRY __attribute__((constructor))
#endif

// copy_console copies what the console's master holds to the log.
static void copy_console(int master, int logfd) {
	char buf[4096];
	ssize_t n;
	while ((n = read(master, buf, sizeof buf)) > 0)
		if (write(logfd, buf, n) < 0)
			break;
}

// drain copies the console until it has been quiet for 100 ms: the tty
// layer hands what was written to the master asynchronously, so the last
// lines before a shutdown's SIGTERM may still be on their way.
static void drain(int master, int logfd) {
	struct pollfd p = {.fd = master, .events = POLLIN};
	while (poll(&p, 1, 100) > 0 && (p.revents & POLLIN))
		copy_console(master, logfd);
}

// vjail_idle is the jail's init once the jail is idle: PID 1 of its pid
// namespace with almost no memory of its own. The Go init executes this
// code with "__vjail_idle LISTENFD EXEFD PERSIST ARG", and it never
// returns. It reaps every child, ends the jail when the last process of a
// jail without persist is gone, and for each connection on the control
// socket forks and executes the Go init's binary (from EXEFD: the jail's
// root cannot name it) as "__vjail_serve" with the connection on fd 3 and
// ARG in a memfd on fd 4 (not in its arguments, which ps(1) in the jail
// would show), which serves that one request in Go and exits.
//
// A jail that boots its own init (exec.start = "/sbin/init") comes here
// as "__vjail_boot LISTENFD EXEFD ARG MASTERFD LOGFD PATH ARGV...": the
// process forks, the child becomes the same request loop (never ending by
// itself: the jail lives as long as its init), and PID 1 executes PATH
// with ARGV, keeping the restrictions the Go init's spawner thread carried
// into this exec. MASTERFD, unless -1, is the master of the pty whose
// slave is the jail's /dev/console and the init's standard descriptors:
// the loop copies what the jail writes there to LOGFD (exec.consolelog),
// as LXC's monitor does, so that a console nobody reads never blocks.
VJAIL_IDLE_ENTRY static void vjail_idle(int argc, char **argv, char **envp) {
	int boot = argc >= 9 && strcmp(argv[1], "__vjail_boot") == 0;
	if (!boot && (argc != 6 || strcmp(argv[1], "__vjail_idle") != 0))
		return;
	int lfd = atoi(argv[2]), exefd = atoi(argv[3]);
	int persist = boot || argv[4][0] == '1';
	char *arg = boot ? argv[4] : argv[5];
	int master = -1, logfd = -1;
	if (boot) {
		master = atoi(argv[5]);
		logfd = atoi(argv[6]);
		pid_t pid = fork();
		if (pid < 0)
			_exit(115);
		if (pid == 0) {
			if (master >= 0) {
				// An open slave keeps the master from hanging up
				// while the jail has the console closed.
				fcntl(0, F_DUPFD_CLOEXEC, 3);
				fcntl(master, F_SETFD, FD_CLOEXEC);
				fcntl(master, F_SETFL, O_NONBLOCK);
				fcntl(logfd, F_SETFD, FD_CLOEXEC);
			}
			// The request loop's own output is nobody's business.
			int null = open("/dev/null", O_RDWR | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
		} else {
			sigset_t none;
			sigemptyset(&none);
			sigprocmask(SIG_SETMASK, &none, NULL);
			syscall(SYS_close_range, 3, ~0U, 0);
			execve(argv[7], argv + 8, envp);
			dprintf(2, "vjail: exec.start: cannot run the jail's init %s: %s\n", argv[7], strerror(errno));
			_exit(127);
		}
	}
	// Not dumpable: the jail's other users cannot ptrace the init or reach
	// its descriptors through /proc/1/fd (the jail's root cannot either,
	// since it may not read the binary this runs from: ProtectedBinaries).
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NAME, "vjail-init", 0, 0, 0);
	char *serve_argv[] = {"vjail-init", "__vjail_serve", NULL};
	char *conf = strdup(arg);
	if (conf == NULL)
		_exit(110);
	size_t conf_len = strlen(conf);
	// What ps(1) in the jail shows: "vjail-init", not the configuration
	// passed in the arguments (they are contiguous).
	char *end = argv[argc - 1] + strlen(argv[argc - 1]);
	memset(argv[1], 0, end - argv[1]);
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	// A shutdown signals every process; the loop then copies what the
	// console still holds before it goes (see drain).
	if (master >= 0)
		sigaddset(&mask, SIGTERM);
	// SIGUSR1 from the host (HoldSignal in init_linux.go) makes the jail
	// persistent while vjail stops it. One from inside the jail arrives
	// too (the kernel drops a signal to a pid namespace's init that the
	// init leaves at its default, but never a blocked one) and is not
	// heeded: it names its sender, one from the host none.
	if (!boot)
		sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	// The Go init blocked SIGUSR1 across its exec into this (goIdle):
	// the serve helpers, and the commands they start, get it unblocked.
	sigdelset(&old, SIGUSR1);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		_exit(111);
	fcntl(lfd, F_SETFD, FD_CLOEXEC);
	fcntl(exefd, F_SETFD, FD_CLOEXEC);
	for (;;) {
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
			;
		if (pid < 0 && errno == ECHILD && !persist)
			_exit(0);
		struct pollfd p[3] = {{.fd = lfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}, {.fd = master, .events = POLLIN}};
		if (poll(p, master >= 0 ? 3 : 2, -1) < 0)
			continue;
		if (master >= 0 && p[2].revents)
			copy_console(master, logfd);
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == sizeof si)
				if (si.ssi_signo == SIGTERM) {
					drain(master, logfd);
					_exit(0);
				} else if (si.ssi_signo == SIGUSR1 && si.ssi_pid == 0) {
					persist = 1;
				}
		}
		if (p[0].revents & POLLIN) {
			int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			pid = fork();
			if (pid == 0) {
				sigprocmask(SIG_SETMASK, &old, NULL);
				if (dup2(c, 3) < 0)
					_exit(112);
				int m = syscall(SYS_memfd_create, "vjail-config", MFD_CLOEXEC);
				if (m < 0 || write(m, conf, conf_len) != (ssize_t)conf_len || lseek(m, 0, SEEK_SET) != 0)
					_exit(114);
				// dup2 onto itself would keep close-on-exec.
				if ((m != 4 && dup2(m, 4) < 0) || fcntl(4, F_SETFD, 0) < 0)
					_exit(114);
				// Only the request, its configuration and the binary to
				// run go on.
				syscall(SYS_close_range, 5, ~0U, CLOSE_RANGE_CLOEXEC);
				syscall(SYS_execveat, exefd, "", serve_argv, envp, AT_EMPTY_PATH);
				_exit(113);
			}
			close(c);
		}
	}
}

// The init from its first instruction, for a jail that boots no init of
// its own.
#include "start.c"

#ifdef VJAIL_IDLE_MAIN
int main(int argc, char **argv, char **envp) {
	// Each returns only when the arguments are not its.
	vjail_idle(argc, argv, envp);
	vjail_start(argc, argv, envp);
	dprintf(2, "vjail-idle: the idle init of vjail's jails, started by vjail only\n");
	return 2;
}
#endif
