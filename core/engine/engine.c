/* The engine that walks the table of steps (core/engine/steps.c). Host rows run here, in the
 * host's namespaces; container rows run in the cloned child, which waits on a socket
 * before each one: the host always finishes its side first (no race), step mode can stop
 * anywhere, and every row is announced (step.begin) and reported (step.end) by this one
 * process. A failure undoes the host rows already done, in reverse. docs/engine.md. */
#include "engine/engine.h"
#include "engine/steps.h"
#include "base/mutate.h"
#include "tty/tty.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "security/enter.h"

/* ------------------------------------------------------------ the parent/child channel */

/* MSG_GO_ALL answers the first READY when nobody watches the rows one by one (no
 * event stream, no listener, no step gate): the child then runs every remaining row
 * without asking, and writes only what the engine needs, a DONE for a failed row or one
 * that hands over a descriptor, and a READY before the last row (exec). Three messages
 * and two wake-ups per row become none: the start no longer pays a round trip per row. */
enum { MSG_READY = 1, MSG_GO, MSG_DONE, MSG_GO_ALL };

struct gb_msg {
	int type;
	int index; /* row in the table */
	int code;  /* 0 or the errno of a failed step */
	char call[96];
	char msg[512];
	char hint[384];
	char info[256]; /* what the child saw (e.g. its host name) */
};

/* fd >= 0 travels with the message (SCM_RIGHTS): the -t row's pty master. */
static int send_msg(int sock, int type, int index, const struct gb_err *err, const char *info,
		    int fd)
{
	struct gb_msg m = { .type = type, .index = index };
	if (err && err->code) {
		m.code = err->code;
		snprintf(m.call, sizeof m.call, "%s", err->call);
		snprintf(m.msg, sizeof m.msg, "%s", err->msg);
		snprintf(m.hint, sizeof m.hint, "%s", err->hint);
	}
	if (info)
		snprintf(m.info, sizeof m.info, "%s", info);
	ssize_t n = gb_fd_send(sock, &m, sizeof m, fd);
	return n == (ssize_t)sizeof m ? 0 : -EPIPE;
}

/* 1 = a message, 0 = the other side closed (for the child: exec happened or it died). */
static int recv_msg(int sock, struct gb_msg *m, int *fd)
{
	int got = -1;
	ssize_t n = gb_fd_recv(sock, m, sizeof *m, &got);
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	if (n == 0)
		return 0;
	return n == (ssize_t)sizeof *m ? 1 : -EPROTO;
}

/* Test builds only: GLASSBOX_SKIP_STEP leaves a row out (core/base/mutate.h); "ns-user"
 * takes the user namespace's rows with its clone flag. */
static bool mutated_out(const struct gb_step *s)
{
	return gb_mutation(s->name) || (gb_mutation("ns-user") && !strncmp(s->name, "userns-", 7));
}

static bool in_phase(const struct gb_step *s, const struct gb_launch *l, enum gb_phase phase)
{
	return s->phase == phase && (!s->wanted || s->wanted(l)) && !mutated_out(s);
}

/* Tests prove that a failure at any step leaves nothing behind: GLASSBOX_FAIL_STEP=NAME
 * makes step NAME fail as if its call had returned EIO (documented in docs/engine.md). */
static int injected_failure(const struct gb_step *s, struct gb_err *err)
{
	const char *name = getenv("GLASSBOX_FAIL_STEP");
	if (!name || strcmp(name, s->name) != 0)
		return 0;
	return gb_err_set(err, EIO, s->name, "injected failure at step %s (GLASSBOX_FAIL_STEP)",
			  s->name);
}

/* ------------------------------------------------------------ the child */

/* The child becomes the container: nothing of the host may stay with it (core/security/enter.h).
 * Only the step channel, the container's stdio and the sealed trampoline (which will run
 * the command) remain open; every other descriptor of the engine (event file, step
 * gate, state lock) is closed before the first row. */
static void child_close_host_fds(struct gb_launch *l)
{
	int keep[6 + GB_PRESERVE_FDS_MAX] = { l->sock,	   l->stdio[0],	      l->stdio[1],
					      l->stdio[2], l->rt->trampoline, l->exec_gate };
	size_t n = 6;
	/* OCI --preserve-fds: the caller's fds 3..3+N-1 go on to the command (cli checked
	 * they were open before glassbox opened any of its own). */
	for (int fd = 3; fd < 3 + l->st->cfg.preserve_fds && n < GB_ARRAY_LEN(keep); fd++)
		keep[n++] = fd;
	struct gb_err err = { 0 };
	l->rt->events.fd = -1; /* the engine alone writes events; ours is closed now */
	if (gb_enter_close_fds(keep, n, false, &err) < 0)
		_exit(125);
}

/* Non-dumpable from the first row on: as root the engine cloned us so already; rootless,
 * the engine had to write our uid_map first, which the kernel allows only to the owner
 * of a dumpable process. Until then we are alone in our new PID namespace. */
static void child_nondumpable(void)
{
	struct gb_err err = { 0 };
	if (gb_enter_nondumpable(&err) < 0)
		_exit(125);
}

/* The child's last row: with GO_ALL, the one before which it still says READY. */
static size_t child_last_row(const struct gb_launch *l)
{
	size_t last = l->nsteps;
	for (size_t i = 0; i < l->nsteps; i++)
		if (in_phase(&l->steps[i], l, GB_PHASE_START) &&
		    l->steps[i].side == GB_SIDE_CONTAINER)
			last = i;
	return last;
}

/* The child's side of one row: wait for GO unless the engine said GO_ALL. READY is sent
 * before the last row (exec) even then, so that the channel closing after it means the
 * exec happened, and before it that the child died. */
static void child_await_go(struct gb_launch *l, size_t i, bool last, bool *all)
{
	struct gb_msg m;
	if (*all) {
		if (last && send_msg(l->sock, MSG_READY, (int)i, NULL, NULL, -1) < 0)
			_exit(125);
		return;
	}
	if (send_msg(l->sock, MSG_READY, (int)i, NULL, NULL, -1) < 0 ||
	    recv_msg(l->sock, &m, NULL) != 1 || (m.type != MSG_GO && m.type != MSG_GO_ALL))
		_exit(125); /* the engine went away or aborted */
	*all = m.type == MSG_GO_ALL;
}

void gb_engine_child(struct gb_launch *l)
{
	size_t n = l->nsteps;
	const struct gb_step *steps = l->steps;
	/* Die with the engine while we are still being set up: a killed CLI must not leave
	 * a half-made container waiting forever. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	gb_signals_default();
	child_close_host_fds(l);
	bool first = true, all = false;
	size_t last = child_last_row(l);
	for (size_t i = 0; i < n; i++) {
		const struct gb_step *s = &steps[i];
		if (!in_phase(s, l, GB_PHASE_START) || s->side != GB_SIDE_CONTAINER)
			continue;
		child_await_go(l, i, i == last, &all);
		if (first)
			child_nondumpable();
		first = false;
		struct gb_err err = { 0 };
		l->child_info[0] = '\0';
		int r = injected_failure(s, &err);
		if (r == 0)
			r = s->run(l, &err);
		if (!all || r < 0 || l->tty_master >= 0 || i == last)
			send_msg(l->sock, MSG_DONE, (int)i, r < 0 ? &err : NULL, l->child_info,
				 l->tty_master);
		if (l->tty_master >= 0)
			close(l->tty_master); /* the engine holds it now; the container, the slave */
		l->tty_master = -1;
		if (r < 0)
			_exit(r == -ENOENT ? 127 : 126); /* as a shell reports "not found" */
	}
	_exit(0);
}

/* ------------------------------------------------------------ the engine */

/* Set from a signal handler (SIGINT during a start): the engine stops at the next step
 * boundary and undoes what it did. A flag is all a handler may safely touch. */
static volatile sig_atomic_t interrupted;

void gb_steps_interrupt(void)
{
	interrupted = 1;
}

int gb_gate_fd(void *data, const struct gb_step_info *step)
{
	int fd = *(int *)data;
	char line[64];
	for (;;) {
		size_t n = 0;
		char ch;
		ssize_t got;
		while ((got = read(fd, &ch, 1)) == 1 && ch != '\n')
			if (n < sizeof line - 1)
				line[n++] = ch;
		if (got < 0 && errno == EINTR)
			return -ECANCELED; /* a signal (Ctrl-C) while waiting: abort */
		line[n] = '\0';
		if (got <= 0 && n == 0)
			return -ECANCELED; /* end of file counts as abort */
		if (strcmp(line, "next") == 0)
			return 0;
		if (strcmp(line, "run") == 0)
			return 1;
		if (strcmp(line, "abort") == 0)
			return -ECANCELED;
		/* unknown lines are ignored */
	}
}

static void emit_begin(struct gb_launch *l, const struct gb_step_info *info)
{
	if (l->rt->events.fd < 0 && !l->rt->events.listener)
		return;
	struct gb_json j;
	gb_event_begin(&l->rt->events, &j, "step.begin");
	gb_json_str(&j, "step", info->name);
	gb_json_int(&j, "index", info->index);
	gb_json_int(&j, "total", info->total);
	gb_json_str(&j, "phase", info->phase == GB_PHASE_CREATE ? "create" : "start");
	gb_json_str(&j, "side", info->side == GB_SIDE_HOST ? "host" : "container");
	gb_json_int(&j, "lab", info->lab);
	gb_json_str(&j, "call", info->call);
	gb_json_str(&j, "explain", info->explain);
	gb_event_emit(&l->rt->events, &j);
}

static void emit_end(struct gb_launch *l, const struct gb_step *s, int index, int r,
		     const struct gb_err *err)
{
	struct gb_events *ev = &l->rt->events;
	if (ev->fd < 0 && !ev->listener)
		return; /* nobody listens: do not spend the observation's /proc reads */
	struct gb_json j;
	gb_event_begin(&l->rt->events, &j, "step.end");
	gb_json_str(&j, "step", s->name);
	gb_json_int(&j, "index", index);
	gb_json_bool(&j, "ok", r >= 0);
	if (r < 0) {
		char msg[1100];
		gb_err_message(err, msg, sizeof msg);
		gb_json_str(&j, "errno", gb_errno_name(err->code));
		gb_json_str(&j, "error", msg);
		if (err->hint[0])
			gb_json_str(&j, "hint", err->hint);
	}
	gb_json_obj_begin(&j, "observed");
	if (r >= 0 && s->observe)
		s->observe(l, &j);
	gb_json_obj_end(&j);
	gb_event_emit(&l->rt->events, &j);
}

static int expect_ready(struct gb_launch *l, size_t row, const struct gb_step *s,
			struct gb_err *err)
{
	struct gb_msg m;
	int r = recv_msg(l->sock, &m, NULL);
	if (r == 1 && m.type == MSG_READY && m.index == (int)row)
		return 0;
	return gb_err_set(err, ECHILD, "", "the container process died before step %s", s->name);
}

/* A message from the child, with the descriptor it may carry (the -t row's pty master). */
static int recv_from_child(struct gb_launch *l, struct gb_msg *m)
{
	int fd = -1;
	int r = recv_msg(l->sock, m, &fd);
	if (fd >= 0) {
		if (l->tty_master >= 0)
			close(l->tty_master);
		l->tty_master = fd;
	}
	return r;
}

static int done_result(const struct gb_msg *m, struct gb_err *err);

static int await_done(struct gb_launch *l, const struct gb_step *s, bool last, struct gb_err *err)
{
	struct gb_msg m;
	int r = recv_from_child(l, &m);
	if (r == 0 && last)
		return 0; /* the last row execs the command: the exec closed the channel, it worked */
	if (r != 1 || m.type != MSG_DONE)
		return gb_err_set(err, ECHILD, "", "the container process died during step %s",
				  s->name);
	snprintf(l->child_info, sizeof l->child_info, "%s", m.info);
	return done_result(&m, err);
}

/* A DONE's result: 0, or the child's error as it was filled in the child. */
static int done_result(const struct gb_msg *m, struct gb_err *err)
{
	if (m->code == 0)
		return 0;
	err->code = m->code;
	snprintf(err->call, sizeof err->call, "%s", m->call);
	snprintf(err->msg, sizeof err->msg, "%s", m->msg);
	snprintf(err->hint, sizeof err->hint, "%s", m->hint);
	return -m->code;
}

/* Nobody watches the rows one by one: no event file, no listener, no step gate. Then the
 * events are not written and nothing waits between rows, so the container's rows can run
 * as one batch (MSG_GO_ALL). */
static bool unwatched(const struct gb_launch *l)
{
	return l->rt->events.fd < 0 && !l->rt->events.listener && !l->rt->gate;
}

/* The last row of the phase that runs, if every one from row i on is a container row
 * (today's table: after etc-files); n when a host row still follows. */
static size_t last_container_row(const struct gb_launch *l, size_t i, enum gb_phase phase)
{
	size_t last = l->nsteps;
	for (; i < l->nsteps; i++) {
		if (!in_phase(&l->steps[i], l, phase))
			continue;
		if (l->steps[i].side != GB_SIDE_CONTAINER)
			return l->nsteps;
		last = i;
	}
	return last;
}

/* Rows FROM..LAST in the child without a round trip each: it reports a failed row (or a
 * descriptor) with DONE, and says READY before the last row, whose end is seen as for a
 * single row (await_done). The channel closing before that READY means the child died. */
static int run_batch(struct gb_launch *l, size_t from, size_t last, struct gb_err *err)
{
	const struct gb_step *steps = l->steps;
	if (send_msg(l->sock, MSG_GO_ALL, (int)from, NULL, NULL, -1) < 0)
		return gb_err_set(err, ECHILD, "", "the container process died before step %s",
				  steps[from].name);
	for (;;) {
		struct gb_msg m;
		int r = recv_from_child(l, &m);
		if (r == 1 && m.type == MSG_READY && m.index == (int)last)
			return await_done(l, &steps[last], last == l->nsteps - 1, err);
		if (r != 1 || m.type != MSG_DONE || m.index < (int)from || m.index > (int)last)
			return gb_err_set(err, ECHILD, "",
					  "the container process died during its steps (%s to %s)",
					  steps[from].name, steps[last].name);
		if ((r = done_result(&m, err)) < 0)
			return r;
	}
}

static void unwind(struct gb_launch *l, const size_t *done, size_t ndone, const int *index)
{
	const struct gb_step *steps = l->steps;
	for (size_t k = ndone; k-- > 0;) {
		const struct gb_step *s = &steps[done[k]];
		struct gb_json j;
		gb_event_begin(&l->rt->events, &j, "step.undo");
		gb_json_str(&j, "step", s->name);
		gb_json_int(&j, "index", index[k]);
		gb_event_emit(&l->rt->events, &j);
		s->undo(l);
	}
}

int gb_steps_run(struct gb_launch *l, enum gb_phase phase, struct gb_err *err)
{
	size_t n = l->nsteps;
	const struct gb_step *steps = l->steps;
	int total = 0, index = 0, r = 0;
	l->child_main = gb_engine_child; /* what the clone row runs in the child */
	size_t done[n], ndone = 0;
	int done_index[n];
	for (size_t i = 0; i < n; i++)
		total += in_phase(&steps[i], l, phase);
	for (size_t i = 0; i < n; i++) {
		const struct gb_step *s = &steps[i];
		if (!in_phase(s, l, phase))
			continue;
		index++;
		if (s->side == GB_SIDE_CONTAINER && (r = expect_ready(l, i, s, err)) < 0)
			break;
		size_t last = s->side == GB_SIDE_CONTAINER && unwatched(l)
				      ? last_container_row(l, i, phase)
				      : n;
		if (last < n) {
			r = run_batch(l, i, last, err); /* container rows have no undo */
			if (r == 0 && interrupted)
				r = gb_err_set(err, EINTR, "", "interrupted after step %s",
					       steps[last].name);
			break;
		}
		char call[2048] = "";
		if (!unwatched(l)) /* the call's text is for the stream and the gate only */
			s->call(l, call, sizeof call);
		struct gb_step_info info = { s->name, index,  total, phase,
					     s->side, s->lab, call,  s->explain };
		emit_begin(l, &info);
		if (l->rt->gate && !interrupted) {
			int g = l->rt->gate(l->rt->gate_data, &info);
			if (g == 1)
				l->rt->gate = NULL; /* "run": no more stops */
			if (g < 0 || interrupted) {
				r = gb_err_set(err, ECANCELED, "", "aborted before step %s",
					       s->name);
				break;
			}
		}
		if (s->side == GB_SIDE_HOST) {
			r = injected_failure(s, err);
			if (r == 0)
				r = s->run(l, err);
		} else {
			r = send_msg(l->sock, MSG_GO, (int)i, NULL, NULL, -1);
			r = r < 0 ? gb_err_set(err, ECHILD, "",
					       "the container process died before step %s", s->name)
				  : await_done(l, s, i == n - 1, err);
		}
		emit_end(l, s, index, r, err);
		if (r == 0 && interrupted)
			r = gb_err_set(err, EINTR, "", "interrupted after step %s", s->name);
		if (r < 0)
			break;
		if (s->undo) {
			done[ndone] = i;
			done_index[ndone++] = index;
		}
	}
	if (r < 0)
		unwind(l, done, ndone, done_index);
	return r;
}
