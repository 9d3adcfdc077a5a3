/* Lab 10 check: the freezer. Paused, the container's processes are frozen (the cgroup
 * says so) and use no CPU time; resumed, they run again. Negative control: the check
 * does not pause (a container that is only "stopped" by nobody keeps running). */
#include <stdio.h>
#include <string.h>

#include "cgroup_lab.h"

static int cpu_over(struct gb_check *c, struct gb_cgroup *cg, int ms, double *used_ms,
		    struct gb_cg_stats *s)
{
	struct gb_cg_stats a;
	if (gb_cgroup_stats(cg, &a, &c->err) < 0)
		return -1;
	gb_cg_sleep_ms(ms);
	if (gb_cgroup_stats(cg, s, &c->err) < 0)
		return -1;
	*used_ms = (s->cpu_usage_ns - a.cpu_usage_ns) / 1e6;
	return 0;
}

static void check_paused(struct gb_check *c, struct gb_cgroup *cg)
{
	struct gb_cg_stats s;
	double used;
	if (cpu_over(c, cg, 500, &used, &s) < 0) {
		gb_check_error(c, "cannot read the freezer state and cpu.stat of %s",
			       cg->unified_dir);
		return;
	}
	gb_check_is(c, "frozen", !strcmp(s.freezer, "frozen"), "the cgroup reports \"%s\" (%s)",
		    s.freezer, cg->unified_dir[0] ? "cgroup.events" : "freezer.state");
	gb_check_is(c, "no-cpu-paused", used < 5, "it used %.1f ms of CPU in 0.5 s (cpu.stat)%s",
		    used, used < 5 ? ": it is not running" : ": it still runs");
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "freezer"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, NULL, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	if (gb_cgroup_container_open(&st, &cg, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	/* The busy loop, started with exec: it joins the container's cgroup. */
	char *const busy[] = { "sh", "-c",
			       "sh -c 'while :; do :; done' >/dev/null 2>&1 </dev/null &", NULL };
	if (!c->container && gb_check_exec_quiet(c, st.cfg.id, busy) != 0) {
		gb_state_free(&st);
		return 0;
	}
	if (!c->control && (r = gb_container_pause(c->rt, st.cfg.id, &c->err)) < 0) {
		gb_state_free(&st);
		return r;
	}
	check_paused(c, &cg);
	if (!c->control && (r = gb_container_resume(c->rt, st.cfg.id, &c->err)) < 0) {
		gb_state_free(&st);
		return r;
	}
	struct gb_cg_stats s;
	double used;
	if (cpu_over(c, &cg, 500, &used, &s) < 0)
		gb_check_error(c, "cannot read cpu.stat of %s", cg.unified_dir);
	else if (used > 20)
		gb_check_is(c, "resumed", true,
			    "resumed: it used %.0f ms of CPU in 0.5 s again (cpu.stat)", used);
	else
		gb_check_error(c,
			       "resumed: only %.1f ms of CPU in 0.5 s (cpu.stat): the busy loop "
			       "does not run",
			       used);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_10 = {
	.num = 10,
	.slug = "freezer-pause",
	.title = "The freezer: pause and resume",
	.feature = "paused: frozen, no CPU time; resumed: running again",
	.control = "the check does not pause",
	.check = check,
	.trips = "frozen",
};
