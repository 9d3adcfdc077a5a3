/* Hybrid hosts (systemd's default for years, and this project's CI): the controllers are
 * v1 hierarchies (memory/, cpu/, pids/...), and a cgroup2 filesystem is mounted beside
 * them at /sys/fs/cgroup/unified with no controller at all. Limits and statistics go
 * through v1; the cgroup2 dir still gives every v2 core file, which needs no controller:
 * cgroup.freeze (a freezer that reports completion and cannot stay stuck in FREEZING),
 * cgroup.kill, cgroup.events. man 7 cgroups ("Cgroups version 2" beside version 1).
 * Labs 07-10. */
#include "cgroup/cgroup_hybrid.h"

#include <unistd.h>

#include "cgroup/cgroup_v1.h"
#include "cgroup/cgroup_v2.h"
#include "cgroup/devices.h"

/* The cgroup2 side exists (a cgroup made by an older glassbox may have only v1 dirs). */
static bool has_v2_dir(const struct gb_cgroup *cg)
{
	return cg->unified_dir[0] && access(cg->unified_dir, F_OK) == 0;
}

static int hy_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r = gb_cg1_create(cg, l, err);
	if (r < 0 || !cg->unified_dir[0])
		return r;
	/* The cgroup2 side has no controllers: an empty dir under a plain parent. */
	r = gb_cg2_create(cg, NULL, err);
	if (r < 0)
		gb_cg1_remove(cg, NULL);
	return r;
}

static int hy_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err)
{
	int r = gb_cg1_attach(cg, pid, err);
	if (r == 0 && cg->unified_dir[0])
		r = gb_cg2_write_procs(cg->unified_dir, pid, err);
	return r;
}

static int hy_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err)
{
	if (has_v2_dir(cg))
		return gb_cg2_freeze(cg, freeze, timeout_ms, err);
	return gb_cg1_freeze(cg, freeze, timeout_ms, err);
}

static int hy_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	/* cgroup.kill on the cgroup2 side, then make sure every v1 dir is empty too. */
	int r = has_v2_dir(cg) ? gb_cg2_kill(cg, timeout_ms, err) : 0;
	return r < 0 ? r : gb_cg1_kill(cg, timeout_ms, err);
}

static int hy_remove(struct gb_cgroup *cg, struct gb_err *err)
{
	int r = gb_cg1_remove(cg, err);
	if (r == 0 && cg->unified_dir[0])
		r = gb_cg_rmdir(cg->unified_dir, err);
	return r;
}

static int hy_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err)
{
	int r = gb_cg1_stats(cg, st, err);
	if (r == 0 && has_v2_dir(cg))
		gb_cg2_freezer_state(cg->unified_dir, st->freezer, sizeof st->freezer);
	return r;
}

const struct gb_cg_ops gb_cghy_ops = {
	.create = hy_create,
	.apply = gb_cg1_apply,
	.attach = hy_attach,
	.attach_self = gb_cg1_attach_self,
	.freeze = hy_freeze,
	.kill = hy_kill,
	.remove = hy_remove,
	.stats = hy_stats,
	.read_limits = gb_cg1_read_limits,
	.procs_dir = gb_cg1_procs_dir,
	/* the v1 devices hierarchy, as runc does on hybrid hosts (a program on the
	 * cgroup2 side would work too, but the v1 rules are what `devices.list` shows) */
	.devices = gb_cgdev_v1_apply,
};
