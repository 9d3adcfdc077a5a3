/* Lab 08 check: the CPU controller's bandwidth limit. With --cpus 0.5 a busy loop gets
 * about half a CPU, and the kernel counts the periods it throttled it. Negative
 * control: no --cpus. */
#include <stdio.h>

#include "cgroup_lab.h"
#include "cgroup_monitor.h"

static void setup(struct gb_config *cfg)
{
	cfg->limits.cpu_quota_us = 50000;
	cfg->limits.cpu_period_us = 100000;
}

static void control(struct gb_config *cfg)
{
	cfg->limits.cpu_quota_us = cfg->limits.cpu_period_us = 0;
}

/* Two readings of cpu.stat 1.5 s apart while the busy loop runs. */
static void check_usage(struct gb_check *c, struct gb_cgroup *cg)
{
	struct gb_cg_stats a, b;
	double t0 = gb_monotonic();
	if (gb_cgroup_stats(cg, &a, &c->err) < 0) {
		gb_check_error(c, "cannot read cpu.stat of %s", cg->unified_dir);
		return;
	}
	gb_cg_sleep_ms(1500);
	if (gb_cgroup_stats(cg, &b, &c->err) < 0) {
		gb_check_error(c, "cannot read cpu.stat of %s", cg->unified_dir);
		return;
	}
	double pct = gb_cgroup_cpu_percent(&a, &b, gb_monotonic() - t0);
	/* Below 5% the loop did not run in this cgroup at all: nothing was measured. */
	if (pct < 5)
		gb_check_error(c, "the busy loop used %.1f%% of one CPU over 1.5 s (cpu.stat usage_usec): it did not run here", pct);
	else
		gb_check_is(c, "cpu-quota-held", pct <= 65, "a busy loop used %.0f%% of one CPU over 1.5 s (cpu.stat usage_usec)%s",
			    pct, pct <= 65 ? "" : ": more than half");
	gb_check_is(c, "cpu-throttled", b.nr_throttled > a.nr_throttled,
		    "the kernel throttled it in %llu periods (%.2f s held back, nr_throttled in cpu.stat)",
		    b.nr_throttled - a.nr_throttled, (b.throttled_ns - a.throttled_ns) / 1e9);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "cgroup.cpu"))
		return 0;  /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = {"sleep", "300", NULL};
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	struct gb_cg_limits l;
	if (gb_ccg_open(&st, &cg, &c->err) < 0 || gb_cgroup_read_limits(&cg, &l, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	gb_check_is(c, "cpu-quota", l.cpu_quota_us > 0,
		    l.cpu_quota_us > 0 ? "its cgroup allows %lld us of CPU time per %lld us period (cpu.max)"
				       : "its cgroup has no CPU quota (%lld per %lld: max): a busy loop may take whole CPUs",
		    l.cpu_quota_us, l.cpu_period_us);
	/* The busy loop, started with exec: it joins the container's cgroup. */
	char *const busy[] = {"sh", "-c", "sh -c 'while :; do :; done' >/dev/null 2>&1 </dev/null &", NULL};
	if (c->container || gb_check_exec_quiet(c, st.cfg.id, busy) == 0)
		check_usage(c, &cg);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_08 = {
	.num = 8,
	.slug = "cgroups-cpu",
	.title = "cgroups: CPU quota",
	.feature = "CPU quota; usage of a busy loop stays near it; throttling counters",
	.control = "no --cpus (no quota)",
	.check = check,
	.trips = "cpu-quota",
};
