/* Lab 01 check: the lifecycle created -> running -> stopped -> removed, as the engine
 * records it and as the kernel confirms it (a process exists exactly when it should,
 * writes land in the writable layer and survive stop/start but not rm).
 * Negative control: --rm, which deletes the container when it stops. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "engine/observe.h"

static void control(struct gb_config *cfg)
{
	cfg->rm = true;
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static bool reload(struct gb_check *c, const char *id, struct gb_state *st)
{
	struct gb_err ignored;
	gb_state_free(st);
	if (gb_state_find(c->rt, id, st, &ignored) < 0)
		return false;
	gb_state_refresh(c->rt, st);
	return true;
}

/* The student's own container: does the recorded state agree with the kernel? */
static int check_existing(struct gb_check *c, struct gb_state *st)
{
	bool alive = gb_proc_alive(st->pid, st->pid_start);
	const char *s = gb_status_name(st->status);
	if (st->status == GB_STATUS_RUNNING || st->status == GB_STATUS_PAUSED) {
		int ids[8];
		int n = gb_observe_nspid(st->pid, ids, 8);
		if (alive && n >= 2 && ids[n - 1] == 1)
			gb_check_pass(c, "%s is %s: its PID 1 is host PID %d (NSpid %d %d)",
				      st->cfg.name, s, st->pid, ids[0], ids[n - 1]);
		else
			gb_check_fail(c, "%s is recorded %s but its PID 1 (host PID %d) is %s",
				      st->cfg.name, s, st->pid,
				      alive ? "not PID 1 of a new namespace" : "gone");
	} else {
		gb_check_pass(c, "%s is %s: no process, as the kernel confirms (exit code %d)",
			      st->cfg.name, s, st->exit_code);
	}
	if (exists(st->upper))
		gb_check_pass(c, "its writable layer is on disk: %s", st->upper);
	else
		gb_check_fail(c, "its writable layer %s is missing", st->upper);
	return 0;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	if (c->container) {
		int r = gb_check_container(c, NULL, cmd, false, &st);
		if (r < 0)
			return r;
		r = check_existing(c, &st);
		gb_state_free(&st);
		return r;
	}
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	char id[GB_ID_LEN + 1], upper[sizeof st.upper];
	snprintf(id, sizeof id, "%s", st.cfg.id);
	snprintf(upper, sizeof upper, "%s", st.upper);
	int ids[8], n = gb_observe_nspid(st.pid, ids, 8);
	if (st.status == GB_STATUS_RUNNING && n >= 2 && ids[n - 1] == 1)
		gb_check_is(c, "running", true,
			    "running: `sleep` is PID 1 inside and host PID %d outside "
			    "(NSpid %d 1 in /proc/%d/status)",
			    ids[0], ids[0], ids[0]);
	else
		gb_check_is(c, "running", false,
			    "state %s, but the kernel shows no PID 1 for it "
			    "(NSpid of host PID %d has %d entr%s)",
			    gb_status_name(st.status), (int)st.pid, n, n == 1 ? "y" : "ies");

	/* A write inside lands in the writable layer, on the host's disk. */
	char *const write[] = { "sh", "-c", "echo hello > /greeting", NULL };
	int code = gb_check_exec_quiet(c, id, write);
	char file[700];
	snprintf(file, sizeof file, "%s/greeting", upper);
	if (code < 0) {
		gb_state_free(&st);
		return 0;
	}
	gb_check_is(c, "write-lands-upper", code == 0 && exists(file),
		    "`echo hello > /greeting` inside exited %d; on the host %s %s", code, file,
		    exists(file) ? "exists: the write landed in the writable layer"
				 : "does not exist");

	/* Stop: `sleep` as PID 1 has no SIGTERM handler, so the kernel ignores SIGTERM and the
	 * stop ends with SIGKILL after the grace period: exit code 128 + 9. */
	if (gb_container_stop(c->rt, id, 1, NULL, &c->err) < 0)
		return -1;
	if (!reload(c, id, &st)) {
		gb_check_is(c, "survived-stop", false,
			    "the container survived its stop: no, its state %s is gone "
			    "and with it the writable layer %s (--rm?)",
			    id, upper);
		c->started[0] = '\0';
		return 0;
	}
	gb_check_is(c, "survived-stop", true,
		    "the container survived its stop: its state is still recorded "
		    "(status %s)",
		    gb_status_name(st.status));
	bool gone = !gb_proc_alive(st.pid, st.pid_start);
	if (st.status == GB_STATUS_STOPPED && gone)
		gb_check_pass(c, "stopped: no process left, exit code %d (%s)", st.exit_code,
			      st.exit_code == 137 ? "killed after the grace period"
						  : "as it exited");
	else
		gb_check_fail(c, "after stop the state is %s", gb_status_name(st.status));
	if (exists(file))
		gb_check_pass(c, "the writable layer survives stop: /greeting is still on disk");
	else
		gb_check_fail(c, "the writable layer did not survive stop");

	/* Remove: nothing of the container may remain. */
	if (gb_container_rm(c->rt, id, false, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	char statedir[700];
	gb_state_dir(c->rt, id, statedir, sizeof statedir);
	if (!exists(statedir) && !exists(upper))
		gb_check_pass(c, "removed: its state and its writable layer are gone");
	else
		gb_check_fail(c, "after rm, %s or %s still exists", statedir, upper);
	c->started[0] = '\0';
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_01 = {
	.num = 1,
	.slug = "first-container",
	.title = "Your first container",
	.feature = "lifecycle created -> running -> stopped -> removed, as the kernel confirms it",
	.control = "--rm (the container is deleted as it stops)",
	.check = check,
	.trips = "survived-stop",
};
