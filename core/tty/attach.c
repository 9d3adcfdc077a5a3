/* Attaching to a -t container (attach.h). The monitor of a detached container is the
 * only process that stays: it keeps the pty's master, so the container's terminal lives
 * as long as the container, and clients come and go over a unix socket. Lab 16. */
#include "tty/attach.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ns/ns.h"
#include "tty/tty.h"
#include "base/util.h"

/* ------------------------------------------------------------ the monitor's side */

static int socket_path(const struct gb_runtime *rt, const char *id, struct sockaddr_un *a,
		       struct gb_err *err)
{
	char dir[512];
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	gb_state_dir(rt, id, dir, sizeof dir);
	if (snprintf(a->sun_path, sizeof a->sun_path, "%s/attach.sock", dir) >=
	    (int)sizeof a->sun_path)
		return gb_err_set(err, ENAMETOOLONG, "",
				  "%s/attach.sock is too long for a unix socket", dir);
	return 0;
}

static int listen_on(const struct gb_runtime *rt, const struct gb_state *st, struct gb_err *err)
{
	struct sockaddr_un a;
	int r = socket_path(rt, st->cfg.id, &a, err);
	if (r < 0)
		return r;
	/* SOCK_SEQPACKET keeps each message whole: a type byte, then its bytes. */
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return gb_err_set(err, errno, "socket", "cannot create the attach socket");
	unlink(a.sun_path);
	/* connect(2) needs write permission on the socket file: 0600 keeps it root's. */
	mode_t old = umask(0177);
	r = bind(fd, (struct sockaddr *)&a, sizeof a);
	umask(old);
	if (r < 0 || listen(fd, 4) < 0) {
		r = gb_err_set(err, errno, "bind", "cannot listen on %s", a.sun_path);
		close(fd);
		return r;
	}
	return fd;
}

static void drop_client(struct gb_attach_server *s, int i)
{
	close(s->clients[i]);
	s->clients[i] = -1;
}

static void send_to(struct gb_attach_server *s, int i, char type, const void *buf, size_t n)
{
	char msg[65536 + 1];
	msg[0] = type;
	memcpy(msg + 1, buf, n);
	ssize_t k;
	do
		k = send(s->clients[i], msg, n + 1, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		drop_client(s, i);
}

static void broadcast(struct gb_attach_server *s, char type, const void *buf, size_t n)
{
	for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
		if (s->clients[i] >= 0)
			send_to(s, i, type, buf, n);
}

/* What the pty printed: to the log always, to the clients there are. -1: pty closed. */
static int server_output(struct gb_attach_server *s)
{
	char buf[65536];
	ssize_t n = read(s->master, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1; /* EIO: the container's last process closed the slave */
	gb_write_full(s->log, buf, (size_t)n);
	if (!s->had_client) {
		size_t room = sizeof s->early - s->n_early;
		size_t k = (size_t)n < room ? (size_t)n : room;
		memcpy(s->early + s->n_early, buf, k);
		s->n_early += k;
	}
	broadcast(s, 'o', buf, (size_t)n);
	return 0;
}

static void server_accept(struct gb_attach_server *s)
{
	int c = accept4(s->listen, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
		if (s->clients[i] < 0) {
			s->clients[i] = c;
			if (!s->had_client && s->n_early) /* run -it: what it printed so far */
				send_to(s, i, 'o', s->early, s->n_early);
			s->had_client = true;
			return;
		}
	close(c); /* full */
}

static void server_client(struct gb_attach_server *s, int i)
{
	char msg[4096 + 1];
	ssize_t n = recv(s->clients[i], msg, sizeof msg, 0);
	if (n <= 0) {
		drop_client(s, i);
		return;
	}
	if (msg[0] == 'd')
		gb_write_full(s->master, msg + 1, (size_t)n - 1);
	else if (msg[0] == 'w' && n == 1 + (ssize_t)sizeof(struct winsize))
		ioctl(s->master, TIOCSWINSZ, msg + 1); /* SIGWINCH for the program inside */
}

static void *server_main(void *arg)
{
	struct gb_attach_server *s = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	bool open_pty = true;
	for (;;) {
		struct pollfd f[3 + GB_ATTACH_MAX_CLIENTS];
		f[0] = (struct pollfd){ s->stop[0], POLLIN, 0 };
		f[1] = (struct pollfd){ s->listen, POLLIN, 0 };
		f[2] = (struct pollfd){ open_pty ? s->master : -1, POLLIN, 0 };
		for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
			f[3 + i] = (struct pollfd){ s->clients[i], POLLIN, 0 };
		int n = poll(f, 3 + GB_ATTACH_MAX_CLIENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || f[0].revents)
			break;
		if (f[2].revents && server_output(s) < 0)
			open_pty = false;
		if (f[1].revents)
			server_accept(s);
		for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
			if (s->clients[i] >= 0 && f[3 + i].revents)
				server_client(s, i);
	}
	struct pollfd last = { s->master, POLLIN, 0 };
	while (open_pty && poll(&last, 1, 0) == 1 && server_output(s) == 0)
		;
	return NULL;
}

int gb_attach_server_start(struct gb_attach_server *s, const struct gb_runtime *rt,
			   const struct gb_state *st, int master, int log, struct gb_err *err)
{
	memset(s, 0, sizeof *s);
	s->wait_first = st->cfg.attach_pending;
	s->master = master;
	s->log = log;
	for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
		s->clients[i] = -1;
	s->listen = listen_on(rt, st, err);
	if (s->listen < 0)
		return s->listen;
	if (pipe2(s->stop, O_CLOEXEC) < 0) {
		close(s->listen);
		return gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	}
	/* Nobody attached yet: a terminal of 80x24 until a client says its size. */
	struct winsize ws;
	if (ioctl(master, TIOCGWINSZ, &ws) == 0 && ws.ws_row == 0) {
		ws = (struct winsize){ .ws_row = 24, .ws_col = 80 };
		ioctl(master, TIOCSWINSZ, &ws);
	}
	int e = pthread_create(&s->thread, NULL, server_main, s);
	if (e) {
		close(s->listen);
		close(s->stop[0]);
		close(s->stop[1]);
		return gb_err_set(err, e, "pthread_create", "cannot start the attach server");
	}
	s->running = true;
	return 0;
}

/* A unix socket closed with unread messages in its queue resets the peer (ECONNRESET),
 * and the client's last messages ('x' among them) would be lost: say we are done
 * (SHUT_WR), read what it still sends until it hangs up (it does at 'x'), then close. */
static void say_goodbye(struct gb_attach_server *s, int i)
{
	shutdown(s->clients[i], SHUT_WR);
	struct pollfd p = { s->clients[i], POLLIN, 0 };
	char msg[4096 + 1];
	while (poll(&p, 1, 2000) == 1 && recv(s->clients[i], msg, sizeof msg, 0) > 0)
		;
	drop_client(s, i);
}

void gb_attach_server_finish(struct gb_attach_server *s, int exit_code)
{
	if (!s->running)
		return;
	gb_write_full(s->stop[1], "x", 1);
	pthread_join(s->thread, NULL);
	s->running = false;
	/* `run -t` attaches right after the start: a short command may be over before it
	 * connects. Wait for it (a while), and take whoever is still in the backlog. */
	struct pollfd p = { s->listen, POLLIN, 0 };
	if (s->wait_first && !s->had_client && poll(&p, 1, 10000) == 1)
		server_accept(s);
	while (poll(&p, 1, 0) == 1)
		server_accept(s);
	broadcast(s, 'x', &exit_code, sizeof exit_code);
	for (int i = 0; i < GB_ATTACH_MAX_CLIENTS; i++)
		if (s->clients[i] >= 0)
			say_goodbye(s, i);
	close(s->listen);
	close(s->stop[0]);
	close(s->stop[1]);
}

/* ------------------------------------------------------------ detach keys */

int gb_detach_keys_parse(const char *spec, unsigned char *keys, size_t *n, size_t max,
			 struct gb_err *err)
{
	char copy[128];
	snprintf(copy, sizeof copy, "%s", spec);
	*n = 0;
	char *save = NULL;
	for (char *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		int key = -1;
		if (strlen(k) == 1)
			key = (unsigned char)k[0];
		else if (strncmp(k, "ctrl-", 5) == 0 && strlen(k) == 6) {
			char c = k[5];
			if (c >= 'a' && c <= 'z')
				key = c - 'a' + 1; /* Ctrl-A is 1, as the terminal sends it */
			else if (c == '@' || (c >= '[' && c <= '_'))
				key = c - '@';
		}
		if (key < 0 || *n >= max) {
			int r = gb_err_set(err, EINVAL, "", "invalid detach keys '%s'", spec);
			gb_err_hint(err, "write keys as Docker does: a letter or ctrl-<a-z, @, [, "
					 "\\, ], ^, _>, comma-separated, e.g. ctrl-p,ctrl-q");
			return r;
		}
		keys[(*n)++] = (unsigned char)key;
	}
	if (*n == 0)
		return gb_err_set(err, EINVAL, "", "empty detach keys: give e.g. ctrl-p,ctrl-q");
	return 0;
}

bool gb_detach_keys_scan(const unsigned char *keys, size_t nk, size_t *matched, const char *in,
			 size_t n, char *out, size_t *nout)
{
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == keys[*matched]) {
			if (++*matched == nk)
				return true;
			continue;
		}
		for (size_t k = 0; k < *matched; k++)
			out[(*nout)++] = (char)keys[k];
		*matched = 0;
		if (ch == keys[0]) {
			if (++*matched == nk)
				return true;
			continue;
		}
		out[(*nout)++] = (char)ch;
	}
	return false;
}

/* ------------------------------------------------------------ the client's side */

struct client {
	int sock, in, out, pidfd, sfd;
	unsigned char keys[16];
	size_t nk, matched;
	bool done, detached;
	int exit_code;
};

static void send_msg(struct client *c, char type, const void *buf, size_t n)
{
	char msg[4096 + 1];
	msg[0] = type;
	memcpy(msg + 1, buf, n);
	send(c->sock, msg, n + 1, MSG_NOSIGNAL);
}

static void send_winsize(struct client *c)
{
	struct winsize ws;
	if (ioctl(c->in, TIOCGWINSZ, &ws) == 0 || ioctl(c->out, TIOCGWINSZ, &ws) == 0)
		send_msg(c, 'w', &ws, sizeof ws);
}

static void from_monitor(struct client *c)
{
	char msg[65536 + 1];
	ssize_t n = recv(c->sock, msg, sizeof msg, 0);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		c->done = true; /* the monitor went away without an exit code */
		return;
	}
	if (msg[0] == 'o')
		gb_write_full(c->out, msg + 1, (size_t)n - 1);
	if (msg[0] == 'x' && n == 1 + (ssize_t)sizeof(int)) {
		memcpy(&c->exit_code, msg + 1, sizeof(int));
		c->done = true;
	}
}

static void from_user(struct client *c)
{
	char buf[2048], out[2048 + 16];
	ssize_t n = read(c->in, buf, sizeof buf);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->in = -1; /* our input ended: keep showing the output */
		return;
	}
	size_t nout;
	c->detached = gb_detach_keys_scan(c->keys, c->nk, &c->matched, buf, (size_t)n, out, &nout);
	for (size_t k = 0; k < nout; k += 4096)
		send_msg(c, 'd', out + k, nout - k < 4096 ? nout - k : 4096);
}

static void from_signal(struct client *c)
{
	struct signalfd_siginfo si;
	while (read(c->sfd, &si, sizeof si) == sizeof si) {
		if (si.ssi_signo == SIGWINCH)
			send_winsize(c);
		else if (c->pidfd >= 0) /* as `docker run` does: pass it on to PID 1 */
			gb_pidfd_send_signal(c->pidfd, (int)si.ssi_signo);
	}
}

static void client_loop(struct client *c)
{
	while (!c->done && !c->detached) {
		struct pollfd f[3] = { { c->sock, POLLIN, 0 },
				       { c->sfd, POLLIN, 0 },
				       { c->in, POLLIN, 0 } };
		int n = poll(f, c->in >= 0 ? 3 : 2, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (f[0].revents)
			from_monitor(c);
		if (f[1].revents)
			from_signal(c);
		if (c->in >= 0 && f[2].revents)
			from_user(c);
	}
}

static int connect_to(struct gb_runtime *rt, const struct gb_state *st, struct gb_err *err)
{
	struct sockaddr_un a;
	int r = socket_path(rt, st->cfg.id, &a, err);
	if (r < 0)
		return r;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		r = gb_err_set(err, errno, "connect", "cannot reach the monitor of %s at %s",
			       st->cfg.name, a.sun_path);
		if (fd >= 0)
			close(fd);
		return r;
	}
	return fd;
}

static int attachable(const struct gb_state *st, struct gb_err *err)
{
	if (st->status != GB_STATUS_RUNNING && st->status != GB_STATUS_PAUSED) {
		int r = gb_err_set(err, EINVAL, "", "container %s is %s: nothing to attach to",
				   st->cfg.name, gb_status_name(st->status));
		gb_err_hint(err, "start it first: glassbox start %s", st->cfg.name);
		return r;
	}
	if (!st->cfg.tty) {
		int r = gb_err_set(err, EINVAL, "", "container %s has no terminal", st->cfg.name);
		gb_err_hint(err,
			    "only a container run with -t can be attached; `glassbox logs -f %s` "
			    "shows its output",
			    st->cfg.name);
		return r;
	}
	return 0;
}

static int client_init(struct client *c, const struct gb_attach_opts *o, const struct gb_state *st,
		       sigset_t *old, struct gb_err *err)
{
	memset(c, 0, sizeof *c);
	c->in = o->in;
	c->out = o->out;
	c->exit_code = -1;
	int r = gb_detach_keys_parse(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", c->keys,
				     &c->nk, sizeof c->keys, err);
	if (r < 0)
		return r;
	c->pidfd = o->forward_signals ? gb_pidfd_open(st->pid) : -1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	for (size_t i = 0; o->forward_signals && i < GB_ARRAY_LEN(fwd); i++)
		sigaddset(&set, fwd[i]);
	sigprocmask(SIG_BLOCK, &set, old);
	c->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return 0;
}

int gb_attach(struct gb_runtime *rt, const char *ref, const struct gb_attach_opts *o,
	      int *exit_code, bool *detached, struct gb_err *err)
{
	struct gb_state st;
	int r = gb_state_find(rt, ref, &st, err);
	if (r < 0)
		return r;
	gb_state_refresh(rt, &st);
	struct client c = { .sock = -1, .sfd = -1, .pidfd = -1 };
	sigset_t old;
	r = attachable(&st, err);
	if (r == 0)
		r = client_init(&c, o, &st, &old, err);
	if (r == 0 && (c.sock = connect_to(rt, &st, err)) < 0) {
		r = c.sock;
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	if (r < 0) {
		gb_state_free(&st);
		return r;
	}
	struct gb_term term;
	gb_term_raw(&term, c.in); /* no terminal (a pipe): nothing to change */
	send_winsize(&c);
	client_loop(&c);
	gb_term_restore(&term);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(c.sock);
	if (c.sfd >= 0)
		close(c.sfd);
	if (c.pidfd >= 0)
		close(c.pidfd);
	*detached = c.detached;
	*exit_code = c.exit_code;
	if (!c.detached && c.exit_code < 0)
		r = gb_err_set(err, ECHILD, "",
			       "the monitor of %s went away without an exit status", st.cfg.name);
	gb_state_free(&st);
	return r;
}
