/* Healthchecks (health.h): Docker's state machine, and the probe the monitor runs with
 * the same setns(2) path as `glassbox exec`, watched by a pidfd in the monitor's poll.
 * Lab 20. */
#include "engine/health.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/ns.h"

/* ------------------------------------------------------------ the rules (pure) */

static double unit_seconds(const char *u, size_t n)
{
	static const struct {
		const char *name;
		double s;
	} units[] = { { "ns", 1e-9 }, { "us", 1e-6 }, { "ms", 1e-3 },
		      { "s", 1 },     { "m", 60 },    { "h", 3600 } };
	for (size_t i = 0; i < GB_ARRAY_LEN(units); i++)
		if (strlen(units[i].name) == n && !strncmp(u, units[i].name, n))
			return units[i].s;
	return -1;
}

int gb_health_parse_duration(const char *s, double *out)
{
	double total = 0;
	if (!s || !*s)
		return -EINVAL;
	if (!strcmp(s, "0"))
		return *out = 0, 0;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		if (end == s || *s == '-' || *s == '+' || !isfinite(v))
			return -EINVAL;
		size_t n = strspn(end, "nusmh");
		double k = unit_seconds(end, n);
		if (k < 0)
			return -EINVAL;
		total += v * k;
		s = end + n;
	}
	*out = total;
	return 0;
}

void gb_health_judge(const struct gb_healthcheck *h, bool ok, double since_start, char *status,
		     size_t len, int *streak)
{
	int retries = h->retries > 0 ? h->retries : GB_HEALTH_RETRIES;
	if (ok) {
		*streak = 0;
		snprintf(status, len, "healthy");
		return;
	}
	if (!strcmp(status, "starting") && since_start < h->start_period)
		return; /* the start period: failures do not count yet */
	if (++*streak >= retries)
		snprintf(status, len, "unhealthy");
}

void gb_health_reset(struct gb_state *st)
{
	snprintf(st->health, sizeof st->health, "%s", st->cfg.health.test ? "starting" : "");
	st->health_streak = 0;
}

/* ------------------------------------------------------------ the probe */

static double interval_of(const struct gb_healthcheck *h)
{
	return h->interval > 0 ? h->interval : GB_HEALTH_INTERVAL;
}

/* Docker's start_interval: while the container is still starting and within its start
 * period, probe at start_interval, so that a slow interval (30 s is kind to a running
 * service) does not also delay the first "healthy" that dependents wait for. */
static double next_interval(const struct gb_health_probe *p, const struct gb_state *st)
{
	const struct gb_healthcheck *h = &st->cfg.health;
	bool starting = !strcmp(st->health, "starting") || !st->health[0];
	if (h->start_interval > 0 && starting && gb_monotonic() - p->began < h->start_period)
		return h->start_interval;
	return interval_of(h);
}

void gb_health_init(struct gb_health_probe *p, const struct gb_state *st, gb_health_exec_fn exec)
{
	memset(p, 0, sizeof *p);
	p->exec = exec;
	p->pidfd = p->out = -1;
	p->on = st->cfg.health.test != NULL;
	p->began = gb_monotonic();
	/* Docker runs the first probe one interval (in the start period: start interval)
	 * after the start. */
	p->next = p->began + next_interval(p, st);
}

int gb_health_fd(const struct gb_health_probe *p)
{
	return p->pidfd;
}

int gb_health_wait_ms(const struct gb_health_probe *p, int limit)
{
	if (!p->on)
		return limit;
	if (p->pid && p->timed_out)
		return limit; /* killed: its pidfd wakes us */
	double at = p->pid ? p->deadline : p->next;
	double left = (at - gb_monotonic()) * 1000;
	int ms = left <= 0 ? 0 : (int)ceil(left);
	return limit >= 0 && limit < ms ? limit : ms;
}

/* In the probe's process: the test inside the container, its output into the memfd. */
static void probe_child(const struct gb_health_probe *p, struct gb_runtime *rt,
			const struct gb_state *st, int out)
{
	gb_signals_default();
	rt->events.fd = -1; /* the monitor reports the verdict, not us */
	rt->events.listener = NULL;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	dup2(null, 0);
	dup2(out, 1);
	dup2(out, 2);
	int code = 1;
	struct gb_err err = { 0 };
	if (p->exec(rt, st->cfg.id, st->cfg.health.test, NULL, NULL, &code, &err) < 0) {
		dprintf(2, "%s\n", err.msg);
		_exit(err.code == ENOENT ? 127 : 126);
	}
	_exit(code > 255 ? 255 : code);
}

static void probe_start(struct gb_health_probe *p, struct gb_runtime *rt, const struct gb_state *st)
{
	p->out = memfd_create("glassbox-health", MFD_CLOEXEC);
	pid_t pid = p->out < 0 ? -1 : fork();
	if (pid == 0)
		probe_child(p, rt, st, p->out);
	double t = st->cfg.health.timeout > 0 ? st->cfg.health.timeout : GB_HEALTH_TIMEOUT;
	p->next = gb_monotonic() + next_interval(p, st);
	if (pid < 0) {
		if (p->out >= 0)
			close(p->out);
		p->out = -1;
		return; /* no memory or processes left: try again at the next interval */
	}
	p->pid = pid;
	p->pidfd = gb_pidfd_open(pid);
	p->deadline = gb_monotonic() + t;
	p->timed_out = false;
}

/* The probe's descendants: the exec's joiner and the command, which has a session of its
 * own inside the container, so killing the probe alone would leave it running. */
static int descendants(pid_t root, pid_t *out, int max)
{
	int n = 0;
	out[n++] = root;
	for (bool grew = true; grew && n < max;) {
		grew = false;
		DIR *d = opendir("/proc");
		struct dirent *de;
		while (d && (de = readdir(d)) && n < max) {
			char path[64], buf[512];
			pid_t pid = (pid_t)atoi(de->d_name), ppid = 0;
			snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
			if (pid <= 0 || gb_read_line(path, buf, sizeof buf) < 0 ||
			    !strrchr(buf, ')'))
				continue;
			sscanf(strrchr(buf, ')') + 2, "%*c %d", &ppid);
			bool known = false, parent = false;
			for (int i = 0; i < n; i++)
				known |= out[i] == pid, parent |= out[i] == ppid;
			if (parent && !known)
				out[n++] = pid, grew = true;
		}
		if (d)
			closedir(d);
	}
	return n;
}

static void probe_kill(struct gb_health_probe *p)
{
	pid_t all[64];
	int n = descendants(p->pid, all, (int)GB_ARRAY_LEN(all));
	for (int i = n - 1; i >= 0; i--)
		kill(all[i], SIGKILL);
}

static void probe_reap(struct gb_health_probe *p, int *status)
{
	while (waitpid(p->pid, status, 0) < 0 && errno == EINTR)
		;
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pid = 0;
	p->pidfd = -1;
}

void gb_health_stop(struct gb_health_probe *p)
{
	int status;
	if (p->pid) {
		probe_kill(p);
		probe_reap(p, &status);
	}
	if (p->out >= 0)
		close(p->out);
	p->out = -1;
}

/* The verdict into the state file (read fresh, so what others wrote meanwhile stays) and
 * the event stream. */
static void record(struct gb_runtime *rt, struct gb_state *st, int exit_code, const char *output)
{
	struct gb_state now;
	struct gb_err ignored;
	if (gb_state_load(rt, st->cfg.id, &now, &ignored) == 0) {
		snprintf(now.health, sizeof now.health, "%s", st->health);
		now.health_streak = st->health_streak;
		if (now.status == GB_STATUS_RUNNING || now.status == GB_STATUS_PAUSED)
			gb_state_save(rt, &now, &ignored);
		gb_state_free(&now);
	}
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "health.status");
	gb_json_str(&j, "status", st->health);
	gb_json_int(&j, "failing_streak", st->health_streak);
	gb_json_int(&j, "exit_code", exit_code);
	gb_json_str(&j, "output", output);
	gb_event_emit(&rt->events, &j);
}

/* The first line or so of what the test printed, as Docker keeps a cut of it. */
static void probe_output(struct gb_health_probe *p, char *buf, size_t len)
{
	ssize_t n = p->out >= 0 ? pread(p->out, buf, len - 1, 0) : -1;
	buf[n > 0 ? n : 0] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
}

static void probe_done(struct gb_health_probe *p, struct gb_runtime *rt, struct gb_state *st)
{
	int status = 0;
	char out[200];
	probe_reap(p, &status);
	probe_output(p, out, sizeof out);
	close(p->out);
	p->out = -1;
	/* the probe exits with the test's status (0-255): any other end is a failure */
	int code = p->timed_out ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	if (p->timed_out)
		snprintf(out, sizeof out, "Health check exceeded timeout (%gs)",
			 st->cfg.health.timeout > 0 ? st->cfg.health.timeout : GB_HEALTH_TIMEOUT);
	gb_health_judge(&st->cfg.health, code == 0, gb_monotonic() - p->began, st->health,
			sizeof st->health, &st->health_streak);
	record(rt, st, code, out);
}

void gb_health_tick(struct gb_health_probe *p, struct gb_runtime *rt, struct gb_state *st)
{
	if (!p->on)
		return;
	if (!p->pid) {
		if (gb_monotonic() >= p->next)
			probe_start(p, rt, st);
		return;
	}
	siginfo_t si = { 0 };
	/* WNOWAIT: only look; probe_done reaps it */
	if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    si.si_pid == p->pid) {
		probe_done(p, rt, st);
	} else if (!p->timed_out && gb_monotonic() >= p->deadline) {
		p->timed_out = true;
		probe_kill(p); /* its pidfd turns readable once it is dead */
	}
}
