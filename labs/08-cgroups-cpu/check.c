/* Lab 08 check: the CPU controller's bandwidth limit. With --cpus 0.5 a busy loop gets
 * about half a CPU, and the kernel counts the periods it throttled it. Negative
 * control: no --cpus. */
#include <stdio.h>

#include "cgroup_lab.h"
#include "cgroup/cgroup_monitor.h"

static void setup(struct gb_config *cfg)
{
	cfg->limits.cpu_quota_us = 50000;
	cfg->limits.cpu_period_us = 100000;
}

static void control(struct gb_config *cfg)
{
	cfg->limits.cpu_quota_us = cfg->limits.cpu_period_us = 0;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = {"sh", "-c", "while :; do :; done", NULL};
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	struct gb_cg_limits l;
	struct gb_cg_stats a, b;
	if (gb_ccg_open(&st, &cg, &c->err) < 0 || gb_cgroup_read_limits(&cg, &l, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	if (l.cpu_quota_us > 0)
		gb_check_pass(c, "its cgroup allows %lld us of CPU time per %lld us period (%.2f CPUs)",
			      l.cpu_quota_us, l.cpu_period_us, (double)l.cpu_quota_us / l.cpu_period_us);
	else
		gb_check_fail(c, "its cgroup has no CPU quota: a busy loop may take whole CPUs");
	double t0 = gb_monotonic();
	gb_cgroup_stats(&cg, &a, NULL);
	gb_cg_sleep_ms(1500);
	gb_cgroup_stats(&cg, &b, NULL);
	double pct = gb_cgroup_cpu_percent(&a, &b, gb_monotonic() - t0);
	if (pct <= 65)
		gb_check_pass(c, "a busy loop used %.0f%% of one CPU over 1.5 s", pct);
	else
		gb_check_fail(c, "a busy loop used %.0f%% of one CPU over 1.5 s: more than half", pct);
	if (b.nr_throttled > a.nr_throttled)
		gb_check_pass(c, "the kernel throttled it in %llu periods (%.2f s held back, cpu.stat)",
			      b.nr_throttled - a.nr_throttled, (b.throttled_ns - a.throttled_ns) / 1e9);
	else
		gb_check_fail(c, "the kernel never throttled it (nr_throttled did not grow)");
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
};
