/* cgroup v1: one hierarchy per controller, so a container is one dir in each of
 * memory/, cpu/, cpuacct/, pids/ and freezer/. Documentation/admin-guide/cgroup-v1/
 * (memory.rst, freezer-subsystem.rst, pids.rst), man 7 cgroups. Labs 07-10. */
#include "cgroup/cgroup_v1.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/devices.h"

/* Controllers may share one hierarchy (cpu,cpuacct): act on each dir once. */
static bool dup_dir(const struct gb_cgroup *cg, int c)
{
	if (!cg->dir[c][0])
		return true;
	for (int k = 0; k < c; k++)
		if (strcmp(cg->dir[k], cg->dir[c]) == 0)
			return true;
	return false;
}

/* Processes live in every hierarchy; any one cgroup.procs lists them all. */
const char *gb_cg1_procs_dir(const struct gb_cgroup *cg)
{
	static const enum gb_cg_ctrl order[] = { GB_CG_PIDS, GB_CG_MEMORY, GB_CG_FREEZER, GB_CG_CPU,
						 GB_CG_CPUACCT };
	for (size_t i = 0; i < GB_ARRAY_LEN(order); i++)
		if (cg->dir[order[i]][0])
			return cg->dir[order[i]];
	return cg->unified_dir;
}

static int mkdir_one(const struct gb_cgroup *cg, int c, struct gb_err *err)
{
	int r = gb_cg_mkdir(cg->dir[c], err);
	if (r != -EEXIST)
		return r;
	r = gb_err_set(err, EEXIST, "mkdir", "mkdir(\"%s\")", cg->dir[c]);
	gb_err_hint(err, "a cgroup with this name exists: another container has it, or a "
			 "crashed engine left it (glassbox rm -f NAME removes it)");
	return r;
}

int gb_cg1_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		if (dup_dir(cg, c))
			continue;
		int r = mkdir_one(cg, c, err);
		if (r == 0)
			continue;
		/* Undo: leave nothing behind, but keep the dir that already existed. */
		for (int k = c - 1; k >= 0; k--)
			if (!dup_dir(cg, k))
				rmdir(cg->dir[k]);
		return r;
	}
	return 0;
}

static void fmt_ll(char *buf, size_t len, long long v)
{
	if (v == GB_CG_UNLIMITED)
		snprintf(buf, len, "-1");
	else
		snprintf(buf, len, "%lld", v);
}

static int apply_memory(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	const char *dir = cg->dir[GB_CG_MEMORY];
	char val[32];
	fmt_ll(val, sizeof val, l->memory);
	int r = gb_cg_write(dir, "memory.limit_in_bytes", val, err);
	if (r == -EBUSY)
		gb_err_hint(err,
			    "the cgroup already uses more than %s bytes and the kernel could "
			    "not reclaim enough: give a larger -m",
			    val);
	if (r < 0)
		return r;
	/* memsw is memory+swap: equal to the memory limit means no swap at all. It must
	 * be set after memory.limit_in_bytes, since it may never be below it. */
	fmt_ll(val, sizeof val, l->memory_swap ? l->memory_swap : l->memory);
	char path[GB_CG_PATH + 64];
	snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", dir);
	if (!l->memory_swap && access(path, F_OK) < 0)
		return 0; /* no swap accounting (swapaccount=0): nothing to turn off */
	r = gb_cg_write(dir, "memory.memsw.limit_in_bytes", val, err);
	if (r == -ENOENT)
		gb_err_hint(err, "this kernel does not account swap (boot with swapaccount=1), so "
				 "--memory-swap cannot be enforced: omit it");
	return r;
}

static int apply_cpu(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	const char *dir = cg->dir[GB_CG_CPU];
	char val[32];
	int r = 0;
	if (l->cpu_quota_us > 0) {
		/* CFS bandwidth: at most quota µs of CPU time in every period µs. */
		snprintf(val, sizeof val, "%lld", l->cpu_period_us);
		r = gb_cg_write(dir, "cpu.cfs_period_us", val, err);
		snprintf(val, sizeof val, "%lld", l->cpu_quota_us);
		if (r == 0)
			r = gb_cg_write(dir, "cpu.cfs_quota_us", val, err);
	}
	if (r == 0 && l->cpu_shares) {
		snprintf(val, sizeof val, "%lld", l->cpu_shares);
		r = gb_cg_write(dir, "cpu.shares", val, err);
	}
	return r;
}

int gb_cg1_apply(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r = 0;
	if (!l)
		return 0;
	if (l->memory)
		r = apply_memory(cg, l, err);
	if (r == 0 && (l->cpu_quota_us > 0 || l->cpu_shares))
		r = apply_cpu(cg, l, err);
	if (r == 0 && l->pids_max) {
		/* pids.max counts tasks (processes and threads): fork() and clone() fail with
		 * EAGAIN once pids.current reaches it. */
		char val[32];
		if (l->pids_max == GB_CG_UNLIMITED)
			snprintf(val, sizeof val, "max");
		else
			snprintf(val, sizeof val, "%lld", l->pids_max);
		r = gb_cg_write(cg->dir[GB_CG_PIDS], "pids.max", val, err);
	}
	return r;
}

int gb_cg1_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err)
{
	char val[24];
	snprintf(val, sizeof val, "%d", (int)pid);
	/* One write per hierarchy: v1 moves a process in each hierarchy separately. */
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		if (dup_dir(cg, c))
			continue;
		int r = gb_cg_write(cg->dir[c], "cgroup.procs", val, err);
		if (r == -ESRCH)
			gb_err_hint(err, "process %d has already exited", (int)pid);
		if (r < 0)
			return r;
	}
	return gb_cgdev_v1_attach(cg, pid, err); /* and the devices hierarchy, if it has rules */
}

int gb_cg1_attach_self(struct gb_cgroup *cg, struct gb_err *err)
{
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		if (dup_dir(cg, c))
			continue;
		int r = gb_cg_write(cg->dir[c], "tasks", "0", err);
		if (r < 0)
			return r;
	}
	return gb_cgdev_v1_attach(cg, 0, err);
}

static int read_state(const struct gb_cgroup *cg, char *buf, size_t len)
{
	char path[GB_CG_PATH + 32];
	snprintf(path, sizeof path, "%s/freezer.state", cg->dir[GB_CG_FREEZER]);
	return gb_read_line(path, buf, len);
}

/* freezer.state: write FROZEN, and the kernel answers FREEZING until every task
 * has stopped. v1 has no notification for it, so look again with growing pauses. */
int gb_cg1_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err)
{
	const char *want = freeze ? "FROZEN" : "THAWED";
	if (!cg->dir[GB_CG_FREEZER][0])
		return gb_err_set(err, ENODEV, "write",
				  "this host has no v1 freezer hierarchy (%s/"
				  "freezer)",
				  cg->host.root);
	int r = gb_cg_write(cg->dir[GB_CG_FREEZER], "freezer.state", want, err);
	if (r < 0)
		return r;
	double deadline = gb_monotonic() + timeout_ms / 1000.0;
	char state[32] = "";
	for (int delay = 1; read_state(cg, state, sizeof state) == 0; delay *= 2) {
		if (strcmp(state, want) == 0)
			return 0;
		if (gb_monotonic() > deadline)
			break;
		gb_cg_sleep_ms(delay < 16 ? delay : 16);
	}
	if (freeze) /* never leave the container half-frozen */
		gb_cg_write(cg->dir[GB_CG_FREEZER], "freezer.state", "THAWED", NULL);
	gb_err_set(err, ETIMEDOUT, "write", "%s/freezer.state stayed %s instead of %s for %d ms",
		   cg->dir[GB_CG_FREEZER], state, want, timeout_ms);
	gb_err_hint(err, "a task in uninterruptible sleep (state D, e.g. stuck on a hung NFS or "
			 "FUSE mount) cannot be frozen; the container was thawed again, try later");
	return -ETIMEDOUT;
}

int gb_cg1_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	const char *dir = gb_cg1_procs_dir(cg);
	/* Freeze first so that nothing can fork between reading cgroup.procs and the
	 * kills; the pending SIGKILLs take effect at the thaw. */
	bool frozen = cg->dir[GB_CG_FREEZER][0] && !gb_cg_empty(dir) &&
		      gb_cg1_freeze(cg, true, 200, NULL) == 0;
	pid_t *pids = NULL;
	size_t n = 0;
	if (frozen && gb_cg_read_procs(dir, &pids, &n) == 0)
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
	free(pids);
	if (frozen)
		gb_cg1_freeze(cg, false, 200, NULL);
	return gb_cg_kill_procs(dir, timeout_ms, err);
}

int gb_cg1_remove(struct gb_cgroup *cg, struct gb_err *err)
{
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		if (dup_dir(cg, c))
			continue;
		int r = gb_cg_rmdir(cg->dir[c], err);
		if (r < 0)
			return r;
	}
	return gb_cgdev_v1_remove(cg, err);
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

int gb_cg1_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err)
{
	long long v = 0;
	memset(st, 0, sizeof *st);
	st->mem_limit = st->swap_limit = st->pids_max = GB_CG_UNLIMITED;
	const char *mem = cg->dir[GB_CG_MEMORY], *cpu = cg->dir[GB_CG_CPU];
	if (!gb_cgroup_exists(cg))
		return gb_err_set(err, ENOENT, "open", "no cgroup %s in any hierarchy", cg->rel);
	if (mem[0]) {
		gb_cg_read_ll(mem, "memory.usage_in_bytes", &st->mem_usage);
		gb_cg_read_ll(mem, "memory.limit_in_bytes", &st->mem_limit);
		gb_cg_read_ll(mem, "memory.max_usage_in_bytes", &st->mem_max_usage);
		gb_cg_read_ll(mem, "memory.memsw.limit_in_bytes", &st->swap_limit);
		/* memory.oom_control counts the kernel's OOM kills in this cgroup. */
		gb_cg_read_key(mem, "memory.oom_control", "oom_kill", &st->oom_kills);
	}
	if (cg->dir[GB_CG_CPUACCT][0] &&
	    gb_cg_read_ll(cg->dir[GB_CG_CPUACCT], "cpuacct.usage", &v) == 0)
		st->cpu_usage_ns = v;
	if (cpu[0] && gb_cg_read_key(cpu, "cpu.stat", "throttled_time", &v) == 0)
		st->throttled_ns = v;
	if (cpu[0] && gb_cg_read_key(cpu, "cpu.stat", "nr_periods", &v) == 0)
		st->nr_periods = v;
	if (cpu[0] && gb_cg_read_key(cpu, "cpu.stat", "nr_throttled", &v) == 0)
		st->nr_throttled = v;
	if (cg->dir[GB_CG_PIDS][0]) {
		gb_cg_read_ll(cg->dir[GB_CG_PIDS], "pids.current", &st->pids_current);
		gb_cg_read_ll(cg->dir[GB_CG_PIDS], "pids.max", &st->pids_max);
	}
	if (cg->dir[GB_CG_FREEZER][0] && read_state(cg, st->freezer, sizeof st->freezer) == 0)
		lower(st->freezer);
	return 0;
}

int gb_cg1_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err)
{
	memset(l, 0, sizeof *l);
	if (!gb_cgroup_exists(cg))
		return gb_err_set(err, ENOENT, "open", "no cgroup %s in any hierarchy", cg->rel);
	l->memory = l->memory_swap = l->cpu_quota_us = l->pids_max = GB_CG_UNLIMITED;
	const char *mem = cg->dir[GB_CG_MEMORY], *cpu = cg->dir[GB_CG_CPU];
	if (mem[0]) {
		gb_cg_read_ll(mem, "memory.limit_in_bytes", &l->memory);
		gb_cg_read_ll(mem, "memory.memsw.limit_in_bytes", &l->memory_swap);
	}
	if (cpu[0]) {
		gb_cg_read_ll(cpu, "cpu.cfs_quota_us", &l->cpu_quota_us);
		gb_cg_read_ll(cpu, "cpu.cfs_period_us", &l->cpu_period_us);
		gb_cg_read_ll(cpu, "cpu.shares", &l->cpu_shares);
	}
	if (cg->dir[GB_CG_PIDS][0])
		gb_cg_read_ll(cg->dir[GB_CG_PIDS], "pids.max", &l->pids_max);
	return 0;
}

const struct gb_cg_ops gb_cg1_ops = {
	.create = gb_cg1_create,
	.apply = gb_cg1_apply,
	.attach = gb_cg1_attach,
	.attach_self = gb_cg1_attach_self,
	.freeze = gb_cg1_freeze,
	.kill = gb_cg1_kill,
	.remove = gb_cg1_remove,
	.stats = gb_cg1_stats,
	.read_limits = gb_cg1_read_limits,
	.procs_dir = gb_cg1_procs_dir,
	.devices = gb_cgdev_v1_apply,
};
