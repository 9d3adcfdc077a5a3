/* Lab 10 check: the freezer. Paused, the container's processes are frozen (the cgroup
 * says so) and use no CPU time; resumed, they run again. Negative control: the check
 * does not pause (a container that is only "stopped" by nobody keeps running). */
#include <stdio.h>
#include <string.h>

#include "cgroup_lab.h"

static int cpu_over(struct gb_cgroup *cg, int ms, double *used_ms, struct gb_cg_stats *s)
{
	struct gb_cg_stats a;
	int r = gb_cgroup_stats(cg, &a, NULL);
	gb_cg_sleep_ms(ms);
	if (r == 0)
		r = gb_cgroup_stats(cg, s, NULL);
	*used_ms = (s->cpu_usage_ns - a.cpu_usage_ns) / 1e6;
	return r;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = {"sh", "-c", "while :; do :; done", NULL};
	int r = gb_check_container(c, NULL, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	struct gb_cg_stats s;
	double used;
	if (gb_ccg_open(&st, &cg, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	if (!c->control && (r = gb_container_pause(c->rt, st.cfg.id, &c->err)) < 0) {
		gb_state_free(&st);
		return r;
	}
	cpu_over(&cg, 500, &used, &s);
	if (strcmp(s.freezer, "frozen") == 0)
		gb_check_pass(c, "paused: the cgroup reports \"frozen\"");
	else
		gb_check_fail(c, "the cgroup reports \"%s\", not frozen", s.freezer);
	if (used < 5)
		gb_check_pass(c, "paused: it used %.1f ms of CPU in 0.5 s", used);
	else
		gb_check_fail(c, "it used %.0f ms of CPU in 0.5 s: it still runs", used);
	if (!c->control)
		gb_container_resume(c->rt, st.cfg.id, &c->err);
	cpu_over(&cg, 500, &used, &s);
	if (used > 20)
		gb_check_pass(c, "resumed: it used %.0f ms of CPU in 0.5 s again", used);
	else
		gb_check_fail(c, "resumed: only %.1f ms of CPU in 0.5 s", used);
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
};
