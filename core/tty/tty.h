/* Terminals: sessions, controlling terminals and ptys. A container must never hold the
 * caller's terminal: with it, ioctl(TIOCSTI) types commands into the host's shell.
 * setsid(2), credentials(7) (sessions), tty_ioctl(4), pty(7). Lab 16. docs/security.md. */
#ifndef GB_TTY_H
#define GB_TTY_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "base/error.h"
#include "base/json.h"

/* ------------------------------------------------------------ container side */

/* setsid(): a new session without a controlling terminal. */
int gb_tty_setsid(struct gb_err *err);
/* After pivot_root: a pty pair from the container's own devpts (/dev/pts/ptmx), the
 * slave as controlling terminal and fds 0-2; *master is the other end, to hand over. */
int gb_tty_open_pty(int *master, struct gb_err *err);

/* exec -t, from the host: a pty pair in the devpts instance of pid's root (openat2
 * with RESOLVE_IN_ROOT). Both ends CLOEXEC. */
int gb_tty_open_pty_of(pid_t pid, int *master, int *slave, struct gb_err *err);
/* exec's command, in the container: setsid(); with tty, fd 0 (the slave) becomes
 * its controlling terminal. */
int gb_tty_exec_session(bool tty, struct gb_err *err);

/* What the kernel says about pid's terminal: session, tty_nr (/proc/PID/stat) and what
 * its fds 0-2 point to. */
void gb_tty_observe_json(pid_t pid, struct gb_json *j);

/* ------------------------------------------------------------ the SCM_RIGHTS hand-over */

/* Send one descriptor with a message on a unix socket / receive it (-1 when none came). */
ssize_t gb_fd_send(int sock, const void *buf, size_t len, int fd);
ssize_t gb_fd_recv(int sock, void *buf, size_t len, int *fd);

/* ------------------------------------------------------------ host side: the relay */

/* Without -t: the container's stdin/stdout/stderr are pipes, and threads of this
 * process copy them to and from ours with splice(2). */
struct gb_relay {
	int child[3]; /* the container's ends, for l->stdio */
	int ours[3];  /* our ends: write into [0], read from [1] and [2] */
	int fd[3];    /* the same, once a thread owns (and closes) them */
	int outer[3]; /* the caller's fds the data comes from / goes to */
	int stop[2];  /* a pipe: written when PID 1 has exited */
	pthread_t thread[3];
	bool running[3];
};

/* interactive: stdin is a pipe we feed, else /dev/null. */
int gb_relay_open(struct gb_relay *r, bool interactive, struct gb_err *err);
/* Start copying (after the container's command runs); close the child ends. */
int gb_relay_start(struct gb_relay *r, int in, int out, int errfd, struct gb_err *err);
/* PID 1 exited: copy what is left, stop, close everything. */
void gb_relay_finish(struct gb_relay *r);

/* With -t: the caller's terminal in raw mode, the pty's master relayed to it. */
struct gb_term {
	int fd; /* the caller's terminal (-1: none) */
	struct termios saved;
	bool raw;
};

int gb_term_raw(struct gb_term *t, int fd);
void gb_term_restore(struct gb_term *t);
/* The window size of fd 0 or 1 if one is a terminal (else 0, 0) / set one on a pty. */
void gb_tty_get_size(unsigned short *rows, unsigned short *cols);
void gb_tty_set_size(int fd, unsigned short rows, unsigned short cols);
/* Copy the window size of from (a terminal) to to (a pty master); ignored if none. */
void gb_term_copy_winsize(int from, int to);

struct gb_pty_relay {
	int master;
	int in, out;	  /* the caller's side; in = -1 without -i */
	int winsize_from; /* a terminal whose size is copied on SIGWINCH, or -1 */
	int stop[2];
	pthread_t thread;
	bool running;
};

/* Start relaying master <-> in/out in a thread (SIGWINCH handled there). */
int gb_pty_relay_start(struct gb_pty_relay *p, struct gb_err *err);
/* PID 1 exited: copy what the pty still holds, stop the thread. */
void gb_pty_relay_finish(struct gb_pty_relay *p);

#endif
