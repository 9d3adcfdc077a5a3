/* Lab 13 check: PID 1, signals and zombies. With --init, glassbox-init is PID 1: SIGTERM
 * reaches it (blocked and read through signalfd, not dropped), orphans are reaped, and
 * SIGTERM ends the container at once. Negative control: no --init, PID 1 is `sleep`. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "lab.h"
#include "engine/pid1.h"
#include "base/util.h"

#define ORPHANS 3

static void setup(struct gb_config *cfg)
{
	cfg->init = true;
}

static void control(struct gb_config *cfg)
{
	cfg->init = false;
}

/* Give zombie-maker time to make its orphans and let them exit (or be reaped): up to
 * 1 s when they do not show up, as with --init, where they are reaped at once. -1 when
 * the container's processes could never be read. */
static long settle_zombies(pid_t pid1, bool started_here)
{
	struct gb_pid1_zombies z = { 0 };
	struct gb_err ignored;
	bool read = false;
	for (int i = 0; i < (started_here ? 40 : 1); i++) {
		int r = gb_pid1_zombies(pid1, &z, &ignored);
		read |= r == 0;
		if (r == 0 && z.count >= ORPHANS)
			break;
		usleep(25000);
	}
	return read ? (long)z.count : -1;
}

static void observe_sigterm(struct gb_check *c, pid_t pid1)
{
	struct gb_pid1_status s;
	struct gb_err err;
	if (gb_pid1_read_status(pid1, &s, &err) < 0) {
		gb_check_error(c, "cannot read /proc/%d/status: %s", (int)pid1, err.msg);
		return;
	}
	enum gb_pid1_fate f = gb_pid1_fate(&s.sig, SIGTERM);
	if (f == GB_PID1_DROPPED || f == GB_PID1_IGNORED)
		gb_check_is(c, "sigterm-handled", false,
			    "PID 1 is %s and has no SIGTERM handler (SigCgt has no bit 15): the "
			    "kernel %s SIGTERM sent to it",
			    s.name, f == GB_PID1_DROPPED ? "drops" : "ignores");
	else
		gb_check_is(c, "sigterm-handled", true,
			    "PID 1 is %s and SIGTERM is %s there (SigCgt/SigBlk bit 15 in "
			    "/proc/%d/status): it will reach the command",
			    s.name, gb_pid1_fate_name(f), (int)pid1);
}

/* "No zombie" proves reaping only if orphans were made at all. The kernel hands out the
 * PIDs of a namespace in order: the PID of a process started now tells how many came
 * and went before it. `exit $$` returns it as the exit code. */
static int next_pid_inside(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "sh", "-c", "exit $$", NULL };
	return gb_check_exec_quiet(c, st->cfg.id, cmd);
}

static void observe_zombies(struct gb_check *c, const struct gb_state *st)
{
	long n = settle_zombies(st->pid, c->container == NULL);
	if (n < 0) {
		gb_check_error(c, "cannot list the processes of PID %d's namespace (/proc)",
			       (int)st->pid);
		return;
	}
	int next = c->container ? 0 : next_pid_inside(c, st);
	if (next < 0)
		return; /* the exec could not run: its ERROR says why */
	if (n == 0 && !c->container && next <= ORPHANS + 1)
		gb_check_error(c,
			       "no zombies, but no orphans were made either (a new process inside "
			       "gets PID %d): this proves nothing about reaping",
			       next);
	else if (n == 0 && !c->container)
		gb_check_is(c, "zombies-reaped", true,
			    "no process in state Z, though %d orphans came and went (a new "
			    "process inside gets PID %d): PID 1 reaped them",
			    ORPHANS, next);
	else if (n == 0)
		gb_check_is(c, "zombies-reaped", true,
			    "no process in state Z in the container's pid namespace: "
			    "orphans are reaped by PID 1");
	else
		gb_check_is(c, "zombies-reaped", false,
			    "%ld zombie%s in the container's pid namespace (state Z): PID 1 "
			    "never calls wait() for the orphans it inherits",
			    n, n == 1 ? "" : "s");
}

/* Only for a container the check started: SIGTERM must end it quickly. */
static void try_sigterm(struct gb_check *c, const struct gb_state *st)
{
	struct gb_err err;
	if (gb_container_kill(c->rt, st->cfg.id, SIGTERM, &err) < 0) {
		gb_check_error(c, "could not send SIGTERM: %s", err.msg);
		return;
	}
	double t0 = gb_monotonic();
	while (gb_monotonic() - t0 < 1.0 && gb_proc_alive(st->pid, st->pid_start))
		usleep(10000);
	if (gb_proc_alive(st->pid, st->pid_start))
		gb_check_is(c, "sigterm-ends", false,
			    "1 s after SIGTERM PID 1 (host pid %d) is still running: the "
			    "signal was dropped, a `glassbox stop` would wait for SIGKILL",
			    (int)st->pid);
	else
		gb_check_is(c, "sigterm-ends", true,
			    "SIGTERM ended the container in %.0f ms (host PID %d gone)",
			    (gb_monotonic() - t0) * 1000, (int)st->pid);
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char n[8];
	snprintf(n, sizeof n, "%d", ORPHANS);
	char *const cmd[] = { "zombie-maker", n, NULL };
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	/* Zombies first: waiting for them also lets PID 1 finish starting (glassbox-init
	 * blocks its signals, zombie-maker becomes sleep) before its signals are read. */
	observe_zombies(c, &st);
	observe_sigterm(c, st.pid);
	if (!c->container)
		try_sigterm(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_13 = {
	.num = 13,
	.slug = "pid1-signals-zombies",
	.title = "PID 1: signals and zombies",
	.feature = "with --init SIGTERM reaches PID 1 and orphans are reaped; without, zombies "
		   "pile up and SIGTERM is dropped",
	.control = "no --init",
	.check = check,
	.trips = "zombies-reaped",
};
