/* Lab 07 check: the memory controller. The container's cgroup carries a memory limit,
 * and an allocation past it ends in an OOM kill the kernel counts (oom_kill) and the
 * engine reports (exit 137, OOMKilled). Negative control: no -m. */
#include <stdio.h>

#include "cgroup_lab.h"

static void setup(struct gb_config *cfg)
{
	cfg->limits.memory = 32LL << 20;
}

static void control(struct gb_config *cfg)
{
	cfg->limits.memory = 0;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	/* 0.5 s to look at the limit, then a 64 MB string in the shell: twice the limit. */
	char *const cmd[] = {"sh", "-c", "sleep 0.5; x=$(head -c 67108864 /dev/zero | tr '\\0' a); "
			     "echo survived", NULL};
	int r = gb_check_container_cfg(c, setup, control, cmd, false, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	struct gb_cg_limits l;
	if (gb_ccg_open(&st, &cg, &c->err) == 0 && gb_cgroup_read_limits(&cg, &l, NULL) == 0 &&
	    l.memory > 0)
		gb_check_pass(c, "its cgroup has a memory limit of %lld MiB (%s)", l.memory >> 20,
			      cg.host.layout == GB_CG_V2 ? "memory.max" : "memory.limit_in_bytes");
	else
		gb_check_fail(c, "its cgroup has no memory limit: it may use all of the host's memory");
	if (c->container) {
		struct gb_cg_stats s;
		if (gb_cgroup_stats(&cg, &s, NULL) == 0)
			gb_check_pass(c, "the kernel counted %lld OOM kill%s in it so far", s.oom_kills,
				      s.oom_kills == 1 ? "" : "s");
		gb_state_free(&st);
		return 0;
	}
	if (!gb_lab_wait_stopped(c, &st, 15000))
		gb_check_fail(c, "the allocation did not finish within 15 s");
	else if (st.exit_code == 137 && st.oom_killed)
		gb_check_pass(c, "allocating 64 MiB under the limit ended in an OOM kill: exit 137, "
			      "OOMKilled (oom_kill counted by the kernel)");
	else
		gb_check_fail(c, "allocating 64 MiB succeeded (exit %d): nothing limits its memory",
			      st.exit_code);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_07 = {
	.num = 7,
	.slug = "cgroups-memory",
	.title = "cgroups: memory",
	.feature = "memory limit in the cgroup; an allocation past it ends in an OOM kill",
	.control = "no -m (no memory limit)",
	.check = check,
};
