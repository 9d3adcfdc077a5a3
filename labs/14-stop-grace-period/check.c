/* Lab 14 check: the stop grace period. A PID 1 that handles SIGTERM stops at once and
 * exits 143; one that does not is killed when the grace period expires: 137.
 * Negative control: PID 1 is `ignore-term` (busybox sleep, no handler). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "engine/pid1.h"
#include "base/util.h"

#define GRACE 1 /* seconds: short, so the control's wait costs little */

static void control(struct gb_config *cfg)
{
	gb_strv_free(cfg->cmd);
	char *const cmd[] = { "ignore-term", NULL };
	cfg->cmd = gb_strv_dup(cmd);
}

/* SIGTERM's fate at PID 1; a freshly started shell needs a moment to set its trap. */
static enum gb_pid1_fate sigterm_fate(pid_t pid1, bool wait, char *name, size_t len)
{
	struct gb_pid1_status s;
	struct gb_err ignored;
	enum gb_pid1_fate f = GB_PID1_DROPPED;
	for (int i = 0; i < (wait ? 20 : 1); i++) {
		if (gb_pid1_read_status(pid1, &s, &ignored) == 0) {
			snprintf(name, len, "%s", s.name);
			f = gb_pid1_fate(&s.sig, SIGTERM);
			if (f != GB_PID1_DROPPED && f != GB_PID1_IGNORED)
				break;
		}
		usleep(25000);
	}
	return f;
}

static void report_fate(struct gb_check *c, const struct gb_state *st, bool wait)
{
	char name[64] = "?";
	enum gb_pid1_fate f = sigterm_fate(st->pid, wait, name, sizeof name);
	if (f == GB_PID1_CAUGHT || f == GB_PID1_BLOCKED)
		gb_check_is(c, "sigterm-handled", true,
			    "PID 1 (%s) has SIGTERM %s: a stop can end it at once", name,
			    gb_pid1_fate_name(f));
	else
		gb_check_is(c, "sigterm-handled", false,
			    "PID 1 (%s) has no SIGTERM handler: the kernel drops the stop "
			    "signal, so a stop waits the whole grace period (%d s) and SIGKILLs",
			    name, st->cfg.stop_timeout);
}

/* What an earlier stop left in the state (a student's stopped container). */
static void report_exit(struct gb_check *c, const struct gb_state *st)
{
	if (st->exit_code == 143 || st->exit_code == 0)
		gb_check_pass(c, "it exited with %d: it ended by itself on SIGTERM", st->exit_code);
	else if (st->exit_code == 137)
		gb_check_fail(c,
			      "it exited with 137 (SIGKILL%s): the grace period expired, or it "
			      "was killed",
			      st->oom_killed ? ", OOMKilled" : "");
	else
		gb_check_pass(c, "it exited with %d", st->exit_code);
}

static void timed_stop(struct gb_check *c, const struct gb_state *st)
{
	struct gb_err err;
	double t0 = gb_monotonic();
	if (gb_container_stop(c->rt, st->cfg.id, GRACE, NULL, &err) < 0) {
		gb_check_error(c, "glassbox stop failed: %s", err.msg);
		return;
	}
	double ms = (gb_monotonic() - t0) * 1000;
	struct gb_state now;
	if (gb_state_find(c->rt, st->cfg.id, &now, &err) < 0) {
		gb_check_error(c, "cannot read the state after the stop: %s", err.msg);
		return;
	}
	if (now.exit_code == 143 && ms < GRACE * 1000)
		gb_check_is(c, "stop-fast", true,
			    "`glassbox stop -t %d` took %.0f ms: SIGTERM ended it, exit code 143",
			    GRACE, ms);
	else
		gb_check_is(c, "stop-fast", false,
			    "`glassbox stop -t %d` took %.0f ms, the whole grace period, and "
			    "ended in exit code %d: SIGTERM was ignored, SIGKILL did it",
			    GRACE, ms, now.exit_code);
	gb_state_free(&now);
}

/* From inside: PID 1 is the container's command (the stop signal goes to it). */
static int check_pid1(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "cat", "/proc/1/comm", NULL };
	char out[64];
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return -1;
	out[strcspn(out, "\n")] = '\0';
	const char *want = st->cfg.cmd && st->cfg.cmd[0] ? st->cfg.cmd[0] : "?";
	gb_check_is(
		c, "pid1-is-command", code == 0 && !strncmp(out, want, 15),
		"inside, `cat /proc/1/comm` exits %d and says \"%s\": the stop signal goes to %s",
		code, out,
		code == 0 && !strncmp(out, want, 15) ? "the command itself" : "something else");
	return 0;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = { "trap-term", NULL };
	int r = gb_check_container(c, control, cmd, false, &st);
	if (r < 0)
		return r;
	if (st.status == GB_STATUS_RUNNING || st.status == GB_STATUS_PAUSED)
		report_fate(c, &st, c->container == NULL);
	else
		report_exit(c, &st);
	if (!c->container && check_pid1(c, &st) == 0)
		timed_stop(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_14 = {
	.num = 14,
	.slug = "stop-grace-period",
	.title = "Stop: SIGTERM, the grace period, SIGKILL",
	.feature = "a PID 1 with a SIGTERM handler stops at once (143); without one the grace "
		   "period expires (137)",
	.control = "PID 1 without a SIGTERM handler (ignore-term)",
	.check = check,
	.trips = "stop-fast",
};
