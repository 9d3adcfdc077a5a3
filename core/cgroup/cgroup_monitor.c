/* What the monitor reports about a container's cgroup: periodic resource samples, OOM
 * kills as they happen, and the `glassbox stats` table. Everything comes from two
 * readings of cgroupfs (gb_cgroup_stats) and the time between them.
 * docs/events.md (resource.sample, oom.kill). Labs 07, 08, 09. */
#include "cgroup/cgroup_monitor.h"

#include <stdio.h>
#include <string.h>

double gb_cgroup_cpu_percent(const struct gb_cg_stats *prev, const struct gb_cg_stats *now,
			     double dt)
{
	/* CPU time used per wall time: 100% is one CPU busy, as docker stats shows it. */
	if (!prev || dt <= 0 || now->cpu_usage_ns < prev->cpu_usage_ns)
		return 0;
	return (double)(now->cpu_usage_ns - prev->cpu_usage_ns) / (dt * 1e9) * 100.0;
}

void gb_cgroup_event_sample(struct gb_events *ev, enum gb_cg_layout layout,
			    const struct gb_cg_stats *now, const struct gb_cg_stats *prev,
			    double dt, const struct gb_cg_limits *l)
{
	struct gb_json j;
	gb_event_begin(ev, &j, "resource.sample");
	/* which files these numbers were read from: v1/hybrid controllers or cgroup2 */
	gb_json_str(&j, "layout", gb_cgroup_layout_name(layout));
	gb_json_obj_begin(&j, "memory");
	gb_json_int(&j, "usage", now->mem_usage);
	gb_json_int(&j, "limit", now->mem_limit);
	gb_json_int(&j, "max_usage", now->mem_max_usage);
	gb_json_int(&j, "oom_kills", now->oom_kills);
	gb_json_obj_end(&j);
	gb_json_obj_begin(&j, "cpu");
	gb_json_uint(&j, "usage_ns", now->cpu_usage_ns);
	gb_json_double(&j, "percent", gb_cgroup_cpu_percent(prev, now, dt), 1);
	gb_json_uint(&j, "throttled_ns", now->throttled_ns);
	gb_json_uint(&j, "nr_throttled", now->nr_throttled);
	gb_json_int(&j, "quota_us", l ? l->cpu_quota_us : GB_CG_UNLIMITED);
	gb_json_int(&j, "period_us", l ? l->cpu_period_us : 0);
	gb_json_obj_end(&j);
	gb_json_obj_begin(&j, "pids");
	gb_json_int(&j, "current", now->pids_current);
	gb_json_int(&j, "max", now->pids_max);
	gb_json_obj_end(&j);
	gb_json_str(&j, "freezer", now->freezer);
	gb_event_emit(ev, &j);
}

bool gb_cgroup_event_oom(struct gb_events *ev, const struct gb_cg_stats *now,
			 const struct gb_cg_stats *prev)
{
	/* The kernel counts OOM kills per cgroup (oom_kill in memory.oom_control on v1,
	 * memory.events on v2): a rise since the last look is a kill we report. */
	if (!prev || now->oom_kills <= prev->oom_kills)
		return false;
	struct gb_json j;
	gb_event_begin(ev, &j, "oom.kill");
	gb_json_int(&j, "count", now->oom_kills);
	gb_json_int(&j, "new", now->oom_kills - prev->oom_kills);
	gb_json_int(&j, "limit", now->mem_limit);
	gb_event_emit(ev, &j);
	return true;
}

void gb_cgroup_human_bytes(long long b, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	if (b < 0) {
		snprintf(buf, len, "unlimited");
		return;
	}
	double v = (double)b;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.2f%s" : "%.0f%s", v, units[u]);
}

const char *gb_cgroup_stats_header(void)
{
	return "NAME                 CPU %     MEM USAGE / LIMIT         MEM %     PIDS        "
	       "THROTTLED   OOM";
}

void gb_cgroup_stats_row(const char *name, const struct gb_cg_stats *st, double cpu_pct, char *buf,
			 size_t len)
{
	char use[24], lim[24], mem[56], pct[16], pids[48], thr[24], cpu[24];
	gb_cgroup_human_bytes(st->mem_usage, use, sizeof use);
	gb_cgroup_human_bytes(st->mem_limit, lim, sizeof lim);
	snprintf(mem, sizeof mem, "%s / %s", use, lim);
	if (st->mem_limit > 0)
		snprintf(pct, sizeof pct, "%.2f%%", 100.0 * st->mem_usage / st->mem_limit);
	else
		snprintf(pct, sizeof pct, "--");
	if (st->pids_max > 0)
		snprintf(pids, sizeof pids, "%lld / %lld", st->pids_current, st->pids_max);
	else
		snprintf(pids, sizeof pids, "%lld", st->pids_current);
	snprintf(thr, sizeof thr, "%.2fs", st->throttled_ns / 1e9);
	snprintf(cpu, sizeof cpu, "%.2f%%", cpu_pct);
	bool paused = st->freezer[0] && strcmp(st->freezer, "thawed") != 0;
	snprintf(buf, len, "%-20.20s %-9s %-25s %-9s %-11s %-11s %lld%s", name, cpu, mem, pct, pids,
		 thr, st->oom_kills, paused ? "  (paused)" : "");
}
