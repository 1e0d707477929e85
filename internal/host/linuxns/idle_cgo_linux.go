//go:build linux && cgo

package linuxns

/*
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
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

// vjail_idle is the jail's init once the jail is idle: PID 1 of its pid
// namespace with almost no memory of its own. The Go init execs the vjail
// binary with "__vjail_idle LISTENFD EXEFD PERSIST ARG"; this constructor
// runs before the Go runtime would start and never returns. It reaps
// every child, ends the jail when the last process of a jail without
// persist is gone, and for each connection on the control socket forks
// and executes the vjail binary (from EXEFD: the jail's root cannot name
// it) as "__vjail_serve" with the connection on fd 3 and ARG in a memfd
// on fd 4 (not in its arguments, which ps(1) in the jail would show), which
// serves that one request in Go and exits.
__attribute__((constructor)) static void vjail_idle(int argc, char **argv, char **envp) {
	if (argc != 6 || strcmp(argv[1], "__vjail_idle") != 0)
		return;
	int lfd = atoi(argv[2]), exefd = atoi(argv[3]), persist = argv[4][0] == '1';
	// Not dumpable: the jail's other users cannot ptrace the init or reach
	// its descriptors through /proc/1/fd (the jail's root still can: see
	// the note in init_linux.go).
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	char *serve_argv[] = {"vjail-init", "__vjail_serve", NULL};
	char *conf = strdup(argv[5]);
	if (conf == NULL)
		_exit(110);
	size_t conf_len = strlen(conf);
	// What ps(1) in the jail shows for PID 1: "vjail-init", not the
	// configuration passed in the arguments (they are contiguous).
	char *end = argv[argc - 1] + strlen(argv[argc - 1]);
	memset(argv[1], 0, end - argv[1]);
	sigset_t mask, old;
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);
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
		struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == sizeof si)
				;
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
*/
import "C"

// haveIdleInit reports whether the binary carries the small C init that
// an idle jail's init becomes.
const haveIdleInit = true
