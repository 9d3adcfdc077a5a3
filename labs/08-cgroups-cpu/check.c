/* Lab 08 check: the CPU controller's bandwidth limit and weight. With --cpus 0.2 busy
 * loops get about a fifth of a CPU, and the kernel counts the periods it throttled them;
 * --cpu-shares shows as cpu.shares (v1) or cpu.weight (v2). Negative control: no --cpus. */
#include <stdio.h>

#include "cgroup_lab.h"
#include "cgroup/cgroup_monitor.h"

static void setup(struct gb_config *cfg)
{
	/* --cpus 0.2, not the guide's 0.5: on a busy host two loops still want more than a
	 * fifth of a CPU, so the kernel has to throttle them and the counters move. */
	cfg->limits.cpu_quota_us = 20000;
	cfg->limits.cpu_period_us = 100000;
	cfg->limits.cpu_shares = 2048; /* --cpu-shares 2048: twice the default */
}

/* The weight read back: cpu.shares (v1) or cpu.weight (v2, converted from shares). */
static void check_weight(struct gb_check *c, const struct gb_cgroup *cg,
			 const struct gb_cg_limits *l)
{
	bool v2 = cg->host.layout == GB_CG_V2;
	long long want = v2 ? gb_cgroup_shares_to_weight(2048) : 2048,
		  got = v2 ? l->cpu_weight : l->cpu_shares;
	gb_check_is(c, "cpu-weight", got == want,
		    "its cgroup's %s is %lld (--cpu-shares 2048 asks for %lld%s)",
		    v2 ? "cpu.weight" : "cpu.shares", got, want,
		    got == want ? "" : ": the default is in place");
}

static void control(struct gb_config *cfg)
{
	cfg->limits.cpu_quota_us = cfg->limits.cpu_period_us = 0;
}

/* Two readings of cpu.stat 1.5 s apart while the busy loop runs. */
static void check_usage(struct gb_check *c, struct gb_cgroup *cg, const struct gb_cg_limits *l)
{
	/* The quota as a percentage of one CPU, and a margin for the measurement. */
	double quota = l->cpu_quota_us > 0 ? 100.0 * l->cpu_quota_us / l->cpu_period_us : 100;
	double most = quota * 1.3 + 5;
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
		gb_check_error(c,
			       "the busy loops used %.1f%% of one CPU over 1.5 s (cpu usage of its "
			       "cgroup): they did not run here",
			       pct);
	else if (l->cpu_quota_us <= 0)
		gb_check_is(c, "cpu-quota-held", false,
			    "busy loops used %.0f%% of one CPU over 1.5 s (cpu usage of "
			    "its cgroup): no quota holds them",
			    pct);
	else
		gb_check_is(c, "cpu-quota-held", pct <= most,
			    "busy loops used %.0f%% of one CPU over 1.5 s (cpu usage of "
			    "its cgroup), %s the quota of %.0f%%",
			    pct, pct <= most ? "within" : "beyond", quota);
	gb_check_is(c, "cpu-throttled", b.nr_throttled > a.nr_throttled,
		    "the kernel throttled it in %llu periods (%.2f s held back, nr_throttled in "
		    "cpu.stat)",
		    b.nr_throttled - a.nr_throttled, (b.throttled_ns - a.throttled_ns) / 1e9);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "cgroup.cpu"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	struct gb_cg_limits l;
	if (gb_cgroup_container_open(&st, &cg, &c->err) < 0 ||
	    gb_cgroup_read_limits(&cg, &l, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	gb_check_is(c, "cpu-quota", l.cpu_quota_us > 0,
		    l.cpu_quota_us > 0
			    ? "its cgroup allows %lld us of CPU time per %lld us period (%s)"
			    : "its cgroup has no CPU quota (%lld per %lld: max, %s): a busy loop "
			      "may take whole CPUs",
		    l.cpu_quota_us, l.cpu_period_us,
		    cg.host.layout == GB_CG_V2 ? "cpu.max" : "cpu.cfs_quota_us, cpu.cfs_period_us");
	if (!c->container)
		check_weight(c, &cg, &l);
	/* Two busy loops, started with exec (they join the container's cgroup): together
	 * they want two CPUs, so even on a busy host the group reaches its quota and the
	 * kernel has to throttle it. */
	char *const busy[] = {
		"sh", "-c",
		"for i in 1 2; do sh -c 'while :; do :; done' >/dev/null 2>&1 </dev/null & done",
		NULL
	};
	if (c->container || gb_check_exec_quiet(c, st.cfg.id, busy) == 0)
		check_usage(c, &cg, &l);
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
