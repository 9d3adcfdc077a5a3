/* Terminals (tty.h): a container never holds the caller's terminal. A process whose
 * controlling terminal is the host's can push bytes into its input queue with
 * ioctl(TIOCSTI), and the host's shell reads them as typed commands once the container
 * exits (CVE-2016-7545, CVE-2017-5226). So every container process starts a new session
 * (no controlling terminal), its stdio are pipes we relay, and with -t it gets a pty of
 * its own devpts instance. setsid(2), tty_ioctl(4), pty(7), splice(2). Lab 16. */
#include "tty/tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/util.h"

/* ------------------------------------------------------------ container side */

int gb_tty_setsid(struct gb_err *err)
{
	/* A new session starts with no controlling terminal. Without one, open("/dev/tty")
	 * fails (ENXIO), and TIOCSTI, TIOCSCTTY or a termios change on a terminal fd we
	 * might still hold fail with EPERM: the kernel lets only the terminal's own
	 * session (or CAP_SYS_ADMIN) push input into it. */
	if (setsid() < 0)
		return gb_err_set(err, errno, "setsid", "setsid() failed");
	return 0;
}

int gb_tty_open_pty(int *master, struct gb_err *err)
{
	/* The ptmx of the devpts instance the "dev" row mounted with newinstance: the pair
	 * is numbered in the container's instance (its slave is /dev/pts/0) and invisible
	 * in the host's /dev/pts. */
	int m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return gb_err_set(err, errno, "open", "open(\"/dev/pts/ptmx\") failed");
	if (unlockpt(m) < 0) {
		int r = gb_err_set(err, errno, "unlockpt", "cannot unlock the new pty");
		close(m);
		return r;
	}
	/* TIOCGPTPEER opens this master's own slave, with no path an attacker could swap. */
	int s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (s < 0) {
		int r = gb_err_set(err, errno, "ioctl", "ioctl(ptmx, TIOCGPTPEER) failed");
		close(m);
		return r;
	}
	/* We lead a new session without a terminal (the setsid row): this one becomes ours. */
	if (ioctl(s, TIOCSCTTY, 0) < 0) {
		int r = gb_err_set(err, errno, "ioctl", "ioctl(slave, TIOCSCTTY) failed");
		close(s);
		close(m);
		return r;
	}
	for (int fd = 0; fd < 3; fd++)
		if (dup2(s, fd) < 0) {
			int r = gb_err_set(err, errno, "dup2",
					   "cannot make the pty the container's stdio");
			close(m);
			return r;
		}
	if (s > 2)
		close(s);
	*master = m;
	return 0;
}

int gb_tty_open_pty_of(pid_t pid, int *master, int *slave, struct gb_err *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return gb_err_set(err, errno, "open", "open(\"%s\") failed", path);
	/* RESOLVE_IN_ROOT: every symlink on the way resolves inside the container's root,
	 * so a link planted by the container cannot make us open a host file. */
	struct open_how how = { .flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int m = (int)syscall(SYS_openat2, root, "dev/pts/ptmx", &how, sizeof how);
	int e = errno;
	close(root);
	if (m < 0)
		return gb_err_set(err, e, "openat2", "cannot open the container's /dev/pts/ptmx");
	*slave = unlockpt(m) == 0 ? ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
	if (*slave < 0) {
		int r = gb_err_set(err, errno, "ioctl", "ioctl(ptmx, TIOCGPTPEER) failed");
		close(m);
		return r;
	}
	*master = m;
	return 0;
}

int gb_tty_exec_session(bool tty, struct gb_err *err)
{
	int r = gb_tty_setsid(err);
	if (r == 0 && tty && ioctl(0, TIOCSCTTY, 0) < 0)
		r = gb_err_set(err, errno, "ioctl", "ioctl(0, TIOCSCTTY) failed");
	return r;
}

void gb_tty_observe_json(pid_t pid, struct gb_json *j)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (gb_read_line(path, buf, sizeof buf) == 0 && strrchr(buf, ')')) {
		/* after "(comm)": state ppid pgrp session tty_nr tpgid */
		int ppid, pgrp, session, tty_nr;
		char state;
		if (sscanf(strrchr(buf, ')') + 2, "%c %d %d %d %d", &state, &ppid, &pgrp, &session,
			   &tty_nr) == 5) {
			gb_json_int(j, "session", session);
			gb_json_int(j, "tty_nr", tty_nr); /* 0: no controlling terminal */
		}
	}
	gb_json_obj_begin(j, "fds");
	for (int fd = 0; fd < 3; fd++) {
		char name[8], target[256];
		snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, fd);
		snprintf(name, sizeof name, "%d", fd);
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n >= 0) {
			target[n] = '\0';
			gb_json_str(j, name, target);
		}
	}
	gb_json_obj_end(j);
}

/* ------------------------------------------------------------ SCM_RIGHTS */

ssize_t gb_fd_send(int sock, const void *buf, size_t len, int fd)
{
	struct iovec iov = { (void *)buf, len };
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		/* The kernel installs a copy of the open file in the receiver's table. */
		memset(&u, 0, sizeof u);
		mh.msg_control = u.space;
		mh.msg_controllen = sizeof u.space;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	ssize_t n;
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n;
}

ssize_t gb_fd_recv(int sock, void *buf, size_t len, int *fd)
{
	struct iovec iov = { buf, len };
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.space,
			     .msg_controllen = sizeof u.space };
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	*fd = -1;
	struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof *fd);
	return n;
}

/* ------------------------------------------------------------ the pipe relay (no -t) */

struct pump {
	int src, dst, stop;
	bool drain; /* output: after stop, copy what the pipe still holds */
};

/* Copy what is there, with splice(2) when the kernel can (one side is always our pipe,
 * so the bytes move between pipe buffers and the other file without a copy through
 * us), read/write when not (e.g. a file opened O_APPEND). 0 = end of file. */
static ssize_t move_some(int src, int dst)
{
	ssize_t n = splice(src, NULL, dst, NULL, 1 << 20, SPLICE_F_MOVE | SPLICE_F_MORE);
	if (n >= 0 || (errno != EINVAL && errno != ENOSYS))
		return n;
	char buf[65536];
	n = read(src, buf, sizeof buf);
	if (n > 0 && gb_write_full(dst, buf, (size_t)n) != n)
		return -1;
	return n;
}

static void block_all_signals(void)
{
	/* Signals are the main thread's (forwarded to PID 1); SIGPIPE from a write to a
	 * closed reader stays pending on this thread and the write fails with EPIPE. */
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

/* stdin: our input may be a terminal that never ends; wait for it or for the stop. */
static bool input_ready(const struct pump *p)
{
	for (;;) {
		struct pollfd f[2] = { { p->src, POLLIN, 0 }, { p->stop, POLLIN, 0 } };
		int n = poll(f, 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0 && !f[1].revents;
	}
}

static void pump_loop(const struct pump *p)
{
	for (;;) {
		if (!p->drain && !input_ready(p))
			return; /* the container is gone: stop reading ours */
		/* Outputs block in splice: one call per chunk, and the end of file comes
		 * when the container's last process is gone. */
		ssize_t k = move_some(p->src, p->dst);
		if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN))
			return;
	}
}

/* Our end of the container's pipe, closed however the thread ends (also cancelled):
 * closing the write end of stdin is its EOF; closing the read end of an output makes
 * its next write fail (EPIPE), as a direct pipe to a reader that left would. */
static void pump_cleanup(void *arg)
{
	struct pump *p = arg;
	close(p->drain ? p->src : p->dst);
	free(p);
}

static void *pump_main(void *arg)
{
	block_all_signals();
	pthread_cleanup_push(pump_cleanup, arg);
	pump_loop(arg);
	pthread_cleanup_pop(1);
	return NULL;
}

static int pipe_pair(int child[3], int ours[3], int i, bool to_child, struct gb_err *err)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot create the container's stdio pipes");
	/* 1 MiB instead of 64 KiB: fewer wake-ups per megabyte (pipe(7), F_SETPIPE_SZ). */
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	child[i] = to_child ? fds[0] : fds[1];
	ours[i] = to_child ? fds[1] : fds[0];
	return 0;
}

int gb_relay_open(struct gb_relay *r, bool interactive, struct gb_err *err)
{
	memset(r, 0, sizeof *r);
	for (int i = 0; i < 3; i++)
		r->child[i] = r->ours[i] = r->outer[i] = -1;
	r->stop[0] = r->stop[1] = -1;
	int rc = 0;
	if (interactive)
		rc = pipe_pair(r->child, r->ours, 0, true, err);
	else if ((r->child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		rc = gb_err_set(err, errno, "open", "cannot open /dev/null");
	if (rc == 0)
		rc = pipe_pair(r->child, r->ours, 1, false, err);
	if (rc == 0)
		rc = pipe_pair(r->child, r->ours, 2, false, err);
	if (rc == 0 && pipe2(r->stop, O_CLOEXEC) < 0)
		rc = gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	if (rc < 0)
		gb_relay_finish(r);
	return rc;
}

static void close_child_ends(struct gb_relay *r)
{
	for (int i = 0; i < 3; i++)
		if (r->child[i] >= 0) {
			close(r->child[i]);
			r->child[i] = -1;
		}
}

int gb_relay_start(struct gb_relay *r, int in, int out, int errfd, struct gb_err *err)
{
	/* The container holds its ends now: ours must go, or its stdin never ends and
	 * its outputs never reach end of file. */
	close_child_ends(r);
	int outer[3] = { in, out, errfd };
	for (int i = 0; i < 3; i++) {
		if (r->ours[i] < 0)
			continue;
		struct pump *p = malloc(sizeof *p);
		if (!p)
			return gb_err_set(err, ENOMEM, "", "out of memory");
		*p = i == 0 ? (struct pump){ outer[0], r->ours[0], r->stop[0], false }
			    : (struct pump){ r->ours[i], outer[i], r->stop[0], true };
		int e = pthread_create(&r->thread[i], NULL, pump_main, p);
		if (e) {
			free(p);
			return gb_err_set(err, e, "pthread_create", "cannot start the stdio relay");
		}
		r->running[i] = true;
		r->fd[i] = r->ours[i];
		r->ours[i] = -1; /* the thread closes it */
	}
	return 0;
}

/* An output's end of file never comes while a process outside PID 1's namespace (e.g.
 * --pid host, a daemon it started) still holds the pipe: once the pipe has stayed empty
 * for half a second, stop waiting for it. */
static void join_output(struct gb_relay *r, int i)
{
	int idle = 0;
	for (;;) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += 100 * 1000 * 1000;
		if (t.tv_nsec >= 1000000000L)
			t.tv_sec++, t.tv_nsec -= 1000000000L;
		if (pthread_timedjoin_np(r->thread[i], NULL, &t) == 0)
			return;
		int bytes = 0;
		ioctl(r->fd[i], FIONREAD, &bytes);
		idle = bytes > 0 ? 0 : idle + 1;
		if (idle >= 5) {
			pthread_cancel(r->thread[i]); /* splice is a cancellation point */
			pthread_join(r->thread[i], NULL);
			return;
		}
	}
}

void gb_relay_finish(struct gb_relay *r)
{
	close_child_ends(r);
	if (r->stop[1] >= 0)
		gb_write_full(r->stop[1], "x", 1);
	for (int i = 0; i < 3; i++) {
		if (r->running[i] && i == 0)
			pthread_join(r->thread[i], NULL);
		else if (r->running[i])
			join_output(r, i);
		r->running[i] = false;
		if (r->ours[i] >= 0)
			close(r->ours[i]);
		r->ours[i] = -1;
	}
	for (int i = 0; i < 2; i++)
		if (r->stop[i] >= 0)
			close(r->stop[i]);
	r->stop[0] = r->stop[1] = -1;
}

/* ------------------------------------------------------------ the pty relay (-t) */

int gb_term_raw(struct gb_term *t, int fd)
{
	t->fd = -1;
	t->raw = false;
	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &t->saved) < 0)
		return 0; /* no terminal: nothing to change */
	/* Raw: every byte (Ctrl-C is 0x03) goes to the container's pty, whose own line
	 * discipline turns it into SIGINT for the program in its foreground. */
	struct termios raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSADRAIN, &raw) < 0)
		return -errno;
	t->fd = fd;
	t->raw = true;
	return 0;
}

void gb_term_restore(struct gb_term *t)
{
	if (t->raw)
		tcsetattr(t->fd, TCSADRAIN, &t->saved);
	t->raw = false;
}

void gb_tty_get_size(unsigned short *rows, unsigned short *cols)
{
	struct winsize ws = { 0 };
	if (ioctl(0, TIOCGWINSZ, &ws) < 0 && ioctl(1, TIOCGWINSZ, &ws) < 0)
		ws.ws_row = ws.ws_col = 0;
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

void gb_tty_set_size(int fd, unsigned short rows, unsigned short cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	ioctl(fd, TIOCSWINSZ, &ws);
}

void gb_term_copy_winsize(int from, int to)
{
	struct winsize ws;
	if (from >= 0 && ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH to the pty's foreground */
}

/* master -> out. -1 when the pty is closed: every slave fd is gone (EIO). */
static int pty_out(struct gb_pty_relay *p)
{
	char buf[65536];
	ssize_t n = read(p->master, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	gb_write_full(p->out, buf, (size_t)n);
	return 0;
}

static void pty_in(struct gb_pty_relay *p)
{
	char buf[4096];
	ssize_t n = read(p->in, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		p->in = -1; /* end of our input: stop reading it, the pty stays */
		return;
	}
	gb_write_full(p->master, buf, (size_t)n);
}

static void *pty_main(void *arg)
{
	struct gb_pty_relay *p = arg;
	block_all_signals();
	sigset_t winch;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	int sfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd f[4] = { { p->master, POLLIN, 0 },
				       { p->stop[0], POLLIN, 0 },
				       { sfd, POLLIN, 0 },
				       { p->in, POLLIN, 0 } };
		int n = poll(f, p->in >= 0 ? 4 : 3, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (f[0].revents && pty_out(p) < 0)
			break;
		if (f[2].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof si) == sizeof si)
				;
			gb_term_copy_winsize(p->winsize_from, p->master);
		}
		if (p->in >= 0 && f[3].revents)
			pty_in(p);
		if (f[1].revents)
			break;
	}
	/* PID 1 is gone: what the pty still holds, without waiting for more. */
	struct pollfd last = { p->master, POLLIN, 0 };
	while (poll(&last, 1, 0) == 1 && pty_out(p) == 0)
		;
	if (sfd >= 0)
		close(sfd);
	return NULL;
}

int gb_pty_relay_start(struct gb_pty_relay *p, struct gb_err *err)
{
	p->running = false;
	if (pipe2(p->stop, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	/* SIGWINCH is for the relay's signalfd: blocked here so that no thread takes it. */
	sigset_t winch;
	sigemptyset(&winch);
	sigaddset(&winch, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &winch, NULL);
	gb_term_copy_winsize(p->winsize_from, p->master);
	int e = pthread_create(&p->thread, NULL, pty_main, p);
	if (e)
		return gb_err_set(err, e, "pthread_create", "cannot start the terminal relay");
	p->running = true;
	return 0;
}

void gb_pty_relay_finish(struct gb_pty_relay *p)
{
	if (p->running) {
		gb_write_full(p->stop[1], "x", 1);
		pthread_join(p->thread, NULL);
	}
	p->running = false;
	for (int i = 0; i < 2; i++)
		if (p->stop[i] >= 0)
			close(p->stop[i]);
	p->stop[0] = p->stop[1] = -1;
}
