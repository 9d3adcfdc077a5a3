/* Live mode: `glassbox run` as a child, its events on a pipe (--events fd:N) and its steps
 * held on another (--step-fd N): the engine waits for "next" before each step
 * (docs/events.md, the control channel). The viz itself never touches the container. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"

static void child(const char *glassbox, char **run_args, bool tour, const char *delay, int ctl_rd,
		  int ev_wr)
{
	/* `glassbox compare` (the vms scene live) takes no steps: only the events cross. */
	bool compare = !tour && run_args[0] && strcmp(run_args[0], "compare") == 0;
	/* Only these two ends cross exec: clear their close-on-exec flags. */
	if (!compare)
		fcntl(ctl_rd, F_SETFD, 0);
	fcntl(ev_wr, F_SETFD, 0);
	char step_fd[16], events[24];
	snprintf(step_fd, sizeof step_fd, "%d", ctl_rd);
	snprintf(events, sizeof events, "fd:%d", ev_wr);
	size_t n = 0;
	while (run_args[n])
		n++;
	char **argv = calloc(n + 7, sizeof *argv);
	if (!argv)
		_exit(127);
	size_t k = 0;
	argv[k++] = (char *)glassbox;
	argv[k++] = compare ? "compare" : tour ? "tour" : "run";
	if (compare)
		run_args++;
	else if (tour) { /* the engine's own narrated tour paces itself */
		argv[k++] = "--delay";
		argv[k++] = (char *)delay;
	} else {
		argv[k++] = "--step-fd";
		argv[k++] = step_fd;
	}
	argv[k++] = "--events";
	argv[k++] = events;
	for (size_t i = 0; !tour && i < n; i++)
		argv[k++] = run_args[i];
	execv(glassbox, argv);
	fprintf(stderr, "glassbox-viz: cannot run %s: %s (set GLASSBOX to the engine's path)\n",
		glassbox, strerror(errno));
	_exit(127);
}

int vz_live_start(struct vz_live *lv, const char *glassbox, char **run_args, bool tour,
		  double delay, char *err, size_t errlen)
{
	char delay_s[32];
	snprintf(delay_s, sizeof delay_s, "%.2f", delay > 0.01 ? delay : 0.01);
	memset(lv, 0, sizeof *lv);
	lv->ctl_fd = lv->ev_fd = -1;
	if (access(glassbox, X_OK) < 0) {
		snprintf(err, errlen, "%s: %s (build it with make, or set GLASSBOX)", glassbox,
			 strerror(errno));
		return -1;
	}
	int ctl[2], ev[2];
	if (pipe2(ctl, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe2: %s", strerror(errno));
		return -1;
	}
	if (pipe2(ev, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe2: %s", strerror(errno));
		close(ctl[0]);
		close(ctl[1]);
		return -1;
	}
	/* A viewer that quits mid-write must not die of SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	lv->pid = fork();
	if (lv->pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		for (int i = 0; i < 2; i++) {
			close(ctl[i]);
			close(ev[i]);
		}
		return -1;
	}
	if (lv->pid == 0)
		child(glassbox, run_args, tour, delay_s, ctl[0], ev[1]);
	close(ctl[0]);
	close(ev[1]);
	lv->ctl_fd = ctl[1];
	lv->ev_fd = ev[0];
	fcntl(lv->ev_fd, F_SETFL, O_NONBLOCK);
	return 0;
}

static void reap(struct vz_live *lv)
{
	if (lv->exited || lv->pid <= 0)
		return;
	if (waitpid(lv->pid, &lv->status, WNOHANG) == lv->pid) {
		lv->exited = true;
		if (lv->error[0] == '\0' && WIFEXITED(lv->status) && WEXITSTATUS(lv->status))
			snprintf(lv->error, sizeof lv->error, "glassbox run exited with status %d",
				 WEXITSTATUS(lv->status));
	}
}

/* Cut complete lines out of the buffer and push them as events. */
static int take_lines(struct vz_live *lv, struct vz_stream *st)
{
	int added = 0;
	char *start = lv->buf, *nl;
	while ((nl = memchr(start, '\n', lv->len - (start - lv->buf)))) {
		char err[256];
		if (nl > start &&
		    vz_stream_push_line(st, start, nl - start, err, sizeof err) == 0) {
			added++;
			if (lv->pending_t == 0)
				lv->pending_t = gb_jnum(st->ev[st->n - 1], "t", 0);
		} else if (nl > start)
			snprintf(lv->error, sizeof lv->error, "event stream: %.200s", err);
		start = nl + 1;
	}
	lv->len -= start - lv->buf;
	memmove(lv->buf, start, lv->len);
	if (lv->len == sizeof lv->buf) {
		snprintf(lv->error, sizeof lv->error, "event stream: a line longer than 64 KiB");
		lv->len = 0;
	}
	return added;
}

int vz_live_poll(struct vz_live *lv, struct vz_stream *st)
{
	int added = 0;
	while (lv->ev_fd >= 0) {
		ssize_t n = read(lv->ev_fd, lv->buf + lv->len, sizeof lv->buf - lv->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0) { /* the engine closed the stream */
				close(lv->ev_fd);
				lv->ev_fd = -1;
			}
			break;
		}
		lv->len += n;
		added += take_lines(lv, st);
	}
	reap(lv);
	return added;
}

void vz_live_send(struct vz_live *lv, const char *line)
{
	if (lv->ctl_fd >= 0 && write(lv->ctl_fd, line, strlen(line)) < 0) {
		close(lv->ctl_fd);
		lv->ctl_fd = -1;
	}
}

/* Quit: "abort" undoes a start in progress; a running container gets SIGTERM through the
 * engine, which stops it with its grace period. */
void vz_live_stop(struct vz_live *lv)
{
	vz_live_send(lv, "abort\n");
	if (lv->ctl_fd >= 0)
		close(lv->ctl_fd);
	lv->ctl_fd = -1;
	for (int i = 0; i < 300 && !lv->exited; i++) {
		if (i == 20 || (i == 0 && lv->follow))
			kill(lv->pid, SIGTERM);
		if (i == 250)
			kill(lv->pid, SIGKILL);
		reap(lv);
		if (!lv->exited)
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	}
	if (lv->ev_fd >= 0)
		close(lv->ev_fd);
	lv->ev_fd = -1;
}
