/* cgroup v2: one unified hierarchy; a container is one dir. Controllers reach a child
 * only when every ancestor lists them in cgroup.subtree_control. The freezer
 * (cgroup.freeze), cgroup.kill and cgroup.events are core files in every dir.
 * Documentation/admin-guide/cgroup-v2.rst, man 7 cgroups, inotify(7). Labs 07-10. */
#include "cgroup/cgroup_v2.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/devices.h"

static const enum gb_cg_ctrl v2_ctrls[] = { GB_CG_MEMORY, GB_CG_CPU, GB_CG_PIDS };

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void enable_hint(struct gb_err *err, const char *dir, int r)
{
	if (r == -EBUSY)
		gb_err_hint(err,
			    "the no-internal-processes rule: %s holds processes itself, so it "
			    "cannot hand controllers to children; move them into a leaf cgroup",
			    dir);
	else if (r == -ENOENT || r == -EINVAL)
		gb_err_hint(err,
			    "the controller is not in %s/cgroup.controllers: its parent must "
			    "enable it first",
			    dir);
}

/* Give dir's children the controllers in `want` that it does not give them yet. One
 * write for all; if the kernel refuses it, one write each to name the culprit. */
static int enable_controllers(const char *dir, unsigned want, unsigned required, struct gb_err *err)
{
	char path[GB_CG_PATH + 32], add[64] = "";
	gb_autofree char *cur = NULL;
	snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
	if (gb_read_file(path, &cur, NULL) < 0 && required)
		return gb_err_set(err, errno, "open", "read %s", path);
	for (size_t i = 0; i < GB_ARRAY_LEN(v2_ctrls); i++) {
		const char *name = gb_cgroup_ctrl_name(v2_ctrls[i]);
		if ((want & 1u << v2_ctrls[i]) && !(cur && listed(cur, name)))
			snprintf(add + strlen(add), sizeof add - strlen(add), "%s+%s",
				 add[0] ? " " : "", name);
	}
	if (!add[0] || gb_cg_write(dir, "cgroup.subtree_control", add, NULL) == 0)
		return 0;
	for (size_t i = 0; i < GB_ARRAY_LEN(v2_ctrls); i++) {
		char one[16];
		snprintf(one, sizeof one, "+%s", gb_cgroup_ctrl_name(v2_ctrls[i]));
		if (!strstr(add, one))
			continue;
		int r = gb_cg_write(dir, "cgroup.subtree_control", one, err);
		if (r < 0 && (required & 1u << v2_ctrls[i])) {
			enable_hint(err, dir, r);
			return r;
		}
	}
	return 0;
}

static unsigned required_ctrls(const struct gb_cg_limits *l)
{
	unsigned m = 0;
	if (l && (l->memory || l->memory_swap))
		m |= 1u << GB_CG_MEMORY;
	if (l && (l->cpu_quota_us > 0 || l->cpu_shares))
		m |= 1u << GB_CG_CPU;
	if (l && l->pids_max)
		m |= 1u << GB_CG_PIDS;
	return m;
}

/* Walk from the cgroup2 root down to the parent, creating it and enabling controllers
 * at every level. `l` NULL: a plain dir (the controller-less v2 side of hybrid). */
static int make_parent(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	unsigned want = cg->host.layout == GB_CG_V2 && l ? cg->host.avail : 0;
	unsigned req = cg->host.layout == GB_CG_V2 ? required_ctrls(l) : 0;
	char path[GB_CG_PATH];
	snprintf(path, sizeof path, "%s", cg->host.unified);
	const char *rel = cg->rel, *slash;
	while ((slash = strchr(rel, '/'))) {
		int r = want ? enable_controllers(path, want, req, err) : 0;
		if (r < 0)
			return r;
		size_t len = strlen(path);
		snprintf(path + len, sizeof path - len, "/%.*s", (int)(slash - rel), rel);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return gb_err_set(err, errno, "mkdir", "mkdir(\"%s\")", path);
		rel = slash + 1;
	}
	return want ? enable_controllers(path, want, req, err) : 0;
}

int gb_cg2_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r;
	/* The shared parent may be removed by another glassbox's last container between the
	 * two (ENOENT): make it again, with its controllers, a few times (gb_cg_mkdir). */
	for (int tries = 0;; tries++) {
		if ((r = make_parent(cg, l, err)) < 0)
			return r;
		if (mkdir(cg->unified_dir, 0755) == 0)
			return 0;
		if (errno != ENOENT || tries == 8)
			break;
	}
	r = gb_err_set(err, errno, "mkdir", "mkdir(\"%s\")", cg->unified_dir);
	if (r == -EEXIST)
		gb_err_hint(err, "a cgroup with this name exists: another container has it, or a "
				 "crashed engine left it (glassbox rm -f NAME removes it)");
	return r;
}

static int write_ll(const char *dir, const char *file, long long v, struct gb_err *err)
{
	char val[32];
	if (v == GB_CG_UNLIMITED)
		snprintf(val, sizeof val, "max");
	else
		snprintf(val, sizeof val, "%lld", v);
	return gb_cg_write(dir, file, val, err);
}

static int apply_memory(const char *dir, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r = write_ll(dir, "memory.max", l->memory, err);
	if (r < 0)
		return r;
	/* v2 limits swap on its own (memory.swap.max), not memory+swap as v1 does. */
	long long swap = l->memory_swap == 0		     ? 0
			 : l->memory_swap == GB_CG_UNLIMITED ? GB_CG_UNLIMITED
							     : l->memory_swap - l->memory;
	char path[GB_CG_PATH + 32];
	snprintf(path, sizeof path, "%s/memory.swap.max", dir);
	if (swap == 0 && access(path, F_OK) < 0)
		return 0; /* no swap accounting in this kernel: nothing to turn off */
	r = write_ll(dir, "memory.swap.max", swap, err);
	if (r == -ENOENT)
		gb_err_hint(err, "this kernel does not account swap, so --memory-swap cannot be "
				 "enforced: omit it");
	return r;
}

static int apply_cpu(const char *dir, const struct gb_cg_limits *l, struct gb_err *err)
{
	char val[64];
	int r = 0;
	if (l->cpu_quota_us > 0) {
		/* "QUOTA PERIOD": at most QUOTA µs of CPU time in every PERIOD µs. */
		snprintf(val, sizeof val, "%lld %lld", l->cpu_quota_us, l->cpu_period_us);
		r = gb_cg_write(dir, "cpu.max", val, err);
	}
	if (r == 0 && l->cpu_shares) {
		snprintf(val, sizeof val, "%lld", gb_cgroup_shares_to_weight(l->cpu_shares));
		r = gb_cg_write(dir, "cpu.weight", val, err);
	}
	return r;
}

static int gb_cg2_apply(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r = 0;
	if (!l)
		return 0;
	if (l->memory)
		r = apply_memory(cg->unified_dir, l, err);
	if (r == 0 && (l->cpu_quota_us > 0 || l->cpu_shares))
		r = apply_cpu(cg->unified_dir, l, err);
	if (r == 0 && l->pids_max)
		r = write_ll(cg->unified_dir, "pids.max", l->pids_max, err);
	return r;
}

int gb_cg2_write_procs(const char *dir, pid_t pid, struct gb_err *err)
{
	char val[24];
	snprintf(val, sizeof val, "%d", (int)pid);
	int r = gb_cg_write(dir, "cgroup.procs", val, err);
	if (r == -ESRCH)
		gb_err_hint(err, "process %d has already exited", (int)pid);
	else if (r == -EBUSY)
		gb_err_hint(err,
			    "the no-internal-processes rule: %s gives controllers to child "
			    "cgroups, so it cannot hold processes itself",
			    dir);
	return r;
}

static int gb_cg2_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err)
{
	return gb_cg2_write_procs(cg->unified_dir, pid, err);
}

/* The kernel signals a change of cgroup.events as a file modification (inotify
 * IN_MODIFY, or POLLPRI): sleep until then instead of polling in a loop. */
int gb_cg2_wait_event(const char *dir, const char *key, long long want, int timeout_ms)
{
	char path[GB_CG_PATH + 32];
	snprintf(path, sizeof path, "%s/cgroup.events", dir);
	gb_autoclose int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (ifd < 0)
		return -errno;
	/* Watch first, then read: a change between the two cannot be missed. */
	if (inotify_add_watch(ifd, path, IN_MODIFY) < 0)
		return -errno;
	double deadline = gb_monotonic() + timeout_ms / 1000.0;
	for (;;) {
		long long v = -1;
		int r = gb_cg_read_key(dir, "cgroup.events", key, &v);
		if (r < 0 && (r != -ENOENT || access(path, F_OK) < 0))
			return r; /* the file is gone; a missing key may just not be written yet */
		if (v == want)
			return 0;
		int left = (int)((deadline - gb_monotonic()) * 1000);
		if (left <= 0)
			return -ETIMEDOUT;
		struct pollfd p = { .fd = ifd, .events = POLLIN };
		if (poll(&p, 1, left) < 0 && errno != EINTR)
			return -errno;
		char drain[4096];
		while (read(ifd, drain, sizeof drain) > 0)
			;
	}
}

int gb_cg2_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err)
{
	const char *dir = cg->unified_dir;
	int r = gb_cg_write(dir, "cgroup.freeze", freeze ? "1" : "0", err);
	if (r == -ENOENT)
		gb_err_hint(err, "cgroup.freeze needs Linux 5.2 or newer");
	if (r < 0)
		return r;
	r = gb_cg2_wait_event(dir, "frozen", freeze, timeout_ms);
	if (r == 0)
		return 0;
	if (freeze) /* never leave the container half-frozen */
		gb_cg_write(dir, "cgroup.freeze", "0", NULL);
	gb_err_set(err, r, "poll", "%s/cgroup.events did not report \"frozen %d\" within %d ms",
		   dir, freeze, timeout_ms);
	if (r == -ETIMEDOUT && freeze)
		gb_err_hint(err,
			    "a task in uninterruptible sleep (state D, e.g. stuck on a hung NFS "
			    "or FUSE mount) cannot be frozen; the container was thawed again");
	return r;
}

int gb_cg2_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	const char *dir = cg->unified_dir;
	if (access(dir, F_OK) < 0 || gb_cg_empty(dir))
		return 0; /* already gone or empty: a cgroup.kill write would still take the
			    * kernel's global threadgroup lock and wait for an RCU grace period */
	/* cgroup.kill (Linux 5.14) SIGKILLs every process inside at once, forks included. */
	int r = gb_cg_write(dir, "cgroup.kill", "1", NULL);
	if (r == -ENOENT)
		return gb_cg_kill_procs(dir, timeout_ms, err);
	if (r < 0)
		return gb_cg_write(dir, "cgroup.kill", "1", err);
	r = gb_cg2_wait_event(dir, "populated", 0, timeout_ms);
	if (r == 0)
		return 0;
	gb_err_set(err, r, "poll",
		   "%s/cgroup.events still says \"populated 1\" %d ms after "
		   "cgroup.kill",
		   dir, timeout_ms);
	gb_err_hint(err,
		    "a process in uninterruptible sleep (state D) dies only when its I/O "
		    "returns; see %s/cgroup.procs",
		    dir);
	return r;
}

static int gb_cg2_remove(struct gb_cgroup *cg, struct gb_err *err)
{
	return gb_cg_rmdir(cg->unified_dir, err);
}

int gb_cg2_freezer_state(const char *dir, char *buf, size_t len)
{
	long long want = 0, frozen = 0;
	int r = gb_cg_read_ll(dir, "cgroup.freeze", &want);
	if (r == 0)
		r = gb_cg_read_key(dir, "cgroup.events", "frozen", &frozen);
	if (r < 0)
		return r;
	snprintf(buf, len, "%s", frozen ? "frozen" : want ? "freezing" : "thawed");
	return 0;
}

static int gb_cg2_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err)
{
	const char *d = cg->unified_dir;
	long long v = 0;
	memset(st, 0, sizeof *st);
	st->mem_limit = st->swap_limit = st->pids_max = GB_CG_UNLIMITED;
	st->mem_max_usage = -1;
	if (access(d, F_OK) < 0)
		return gb_err_set(err, errno, "open", "no cgroup %s", d);
	gb_cg_read_ll(d, "memory.current", &st->mem_usage);
	gb_cg_read_ll(d, "memory.max", &st->mem_limit);
	gb_cg_read_ll(d, "memory.peak", &st->mem_max_usage); /* Linux 5.19 */
	gb_cg_read_ll(d, "memory.swap.max", &st->swap_limit);
	gb_cg_read_key(d, "memory.events", "oom_kill", &st->oom_kills);
	/* cpu.stat is a core file: usage is there even without the cpu controller. */
	if (gb_cg_read_key(d, "cpu.stat", "usage_usec", &v) == 0)
		st->cpu_usage_ns = v * 1000ULL;
	if (gb_cg_read_key(d, "cpu.stat", "throttled_usec", &v) == 0)
		st->throttled_ns = v * 1000ULL;
	if (gb_cg_read_key(d, "cpu.stat", "nr_periods", &v) == 0)
		st->nr_periods = v;
	if (gb_cg_read_key(d, "cpu.stat", "nr_throttled", &v) == 0)
		st->nr_throttled = v;
	gb_cg_read_ll(d, "pids.current", &st->pids_current);
	gb_cg_read_ll(d, "pids.max", &st->pids_max);
	gb_cg2_freezer_state(d, st->freezer, sizeof st->freezer);
	return 0;
}

static void read_cpu_max(const char *dir, struct gb_cg_limits *l)
{
	char path[GB_CG_PATH + 32], line[64], quota[24] = "";
	snprintf(path, sizeof path, "%s/cpu.max", dir);
	if (gb_read_line(path, line, sizeof line) < 0)
		return;
	if (sscanf(line, "%23s %lld", quota, &l->cpu_period_us) < 1)
		return;
	l->cpu_quota_us = strcmp(quota, "max") == 0 ? GB_CG_UNLIMITED : atoll(quota);
}

static int gb_cg2_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l,
			      struct gb_err *err)
{
	const char *d = cg->unified_dir;
	long long swap = GB_CG_UNLIMITED;
	memset(l, 0, sizeof *l);
	if (access(d, F_OK) < 0)
		return gb_err_set(err, errno, "open", "no cgroup %s", d);
	l->memory = l->memory_swap = l->cpu_quota_us = l->pids_max = GB_CG_UNLIMITED;
	gb_cg_read_ll(d, "memory.max", &l->memory);
	gb_cg_read_ll(d, "memory.swap.max", &swap);
	/* Report memory+swap as v1 and Docker's --memory-swap do. */
	if (l->memory != GB_CG_UNLIMITED && swap != GB_CG_UNLIMITED)
		l->memory_swap = l->memory + swap;
	read_cpu_max(d, l);
	gb_cg_read_ll(d, "cpu.weight", &l->cpu_weight);
	gb_cg_read_ll(d, "pids.max", &l->pids_max);
	return 0;
}

/* One hierarchy: the container's one dir lists all its processes. */
static const char *procs_dir(const struct gb_cgroup *cg)
{
	return cg->unified_dir;
}

const struct gb_cg_ops gb_cg2_ops = {
	.create = gb_cg2_create,
	.apply = gb_cg2_apply,
	.attach = gb_cg2_attach,
	.attach_self = NULL, /* CLONE_INTO_CGROUP put the child there */
	.freeze = gb_cg2_freeze,
	.kill = gb_cg2_kill,
	.remove = gb_cg2_remove,
	.stats = gb_cg2_stats,
	.read_limits = gb_cg2_read_limits,
	.procs_dir = procs_dir,
	.devices = gb_cgdev_v2_apply, /* an eBPF program: v2 has no devices.* files */
};
