/* A container's cgroup through its life: made before the clone, the child attached
 * before it runs anything, frozen by pause, read by stats and the monitor, removed with
 * everything inside by rm (also after a crash: the name is the container's id).
 * man 7 cgroups. Labs 07, 08, 09, 10. */
#include "cgroup/cgroup_container.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup_monitor.h"
#include "cgroup/cpuset.h"
#include "cgroup/delegate.h"
#include "cgroup/devices.h"
#include "base/util.h"
#include "base/mutate.h"

/* Rootless: the subtree delegated to us (cgroup/delegate.h) and glassbox/ below it. */
static int rootless_parent(const struct gb_cg_host *h, struct gb_cg_delegation *d, char *parent,
			   size_t len, struct gb_err *err)
{
	struct passwd *pw = getpwuid(geteuid());
	int r = gb_cg_delegation_find(h, geteuid(), pw ? pw->pw_name : NULL, d, err);
	if (r < 0)
		return r;
	if (gb_path(parent, len, "%s/%s", d->rel, GB_CGROUP_PARENT) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup path too long: %s", d->rel);
	return 0;
}

/* OCI linux.cgroupsPath (state/config.h): "a/b/c" is parent "a/b", name "c". */
static int open_config_path(struct gb_cgroup *cg, const struct gb_cg_host *h, const char *path,
			    struct gb_err *err)
{
	char parent[GB_CG_PATH];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash)
		return gb_cgroup_open(cg, h, "", parent, err);
	*slash = '\0';
	return gb_cgroup_open(cg, h, parent, slash + 1, err);
}

/* Hybrid, with the cgroup2 dir: pause is its cgroup.freeze (cgroup_hybrid.c), so the v1
 * freezer hierarchy gets no dir of ours: one mkdir, one attach and two rmdirs fewer a
 * start. Without the cgroup2 dir (rootless, outside the delegated cgroup2 side) the v1
 * freezer pauses and keeps its dir, as does a container an older glassbox made with one. */
static void drop_v1_freezer(struct gb_cgroup *cg)
{
	char *dir = cg->dir[GB_CG_FREEZER];
	if (cg->host.layout == GB_CG_HYBRID && cg->unified_dir[0] && dir[0] &&
	    access(dir, F_OK) < 0)
		dir[0] = '\0';
}

int gb_cgroup_container_open(const struct gb_state *st, struct gb_cgroup *cg, struct gb_err *err)
{
	struct gb_cg_host host;
	struct gb_cg_delegation d;
	char parent[GB_CG_PATH] = GB_CGROUP_PARENT;
	int r = gb_cgroup_detect(&host, getenv("GLASSBOX_CGROUP_ROOT"), err);
	if (r == 0 && st->cfg.cgroup_path[0] && geteuid() == 0) {
		r = open_config_path(cg, &host, st->cfg.cgroup_path, err);
		if (r == 0)
			drop_v1_freezer(cg);
		return r;
	}
	if (r == 0 && geteuid() != 0)
		r = rootless_parent(&host, &d, parent, sizeof parent, err);
	if (r == 0)
		r = gb_cgroup_open(cg, &host, parent, st->cfg.id, err);
	/* Hybrid, rootless, from a shell outside the delegated subtree of the cgroup2 side:
	 * cgroup2's rule forbids moving the child there (the common ancestor is root's).
	 * The v1 hierarchies do everything then, the v1 freezer included; a dir made from
	 * inside earlier is still found, so rm removes it. */
	if (r == 0 && geteuid() != 0 && host.layout == GB_CG_HYBRID && !d.unified_inside &&
	    access(cg->unified_dir, F_OK) < 0)
		cg->unified_dir[0] = '\0';
	if (r == 0)
		drop_v1_freezer(cg);
	return r;
}

bool gb_cgroup_container_wanted(void)
{
	struct gb_cg_host host;
	struct gb_cg_delegation d;
	char parent[GB_CG_PATH];
	if (geteuid() == 0)
		return true;
	return gb_cgroup_detect(&host, getenv("GLASSBOX_CGROUP_ROOT"), NULL) == 0 &&
	       rootless_parent(&host, &d, parent, sizeof parent, NULL) == 0;
}

int gb_cgroup_container_check(const struct gb_cg_limits *l, struct gb_err *err)
{
	struct gb_cg_host host;
	struct gb_cg_delegation d;
	char parent[GB_CG_PATH];
	if (geteuid() == 0 || !gb_cgroup_limits_any(l))
		return 0;
	int r = gb_cgroup_detect(&host, getenv("GLASSBOX_CGROUP_ROOT"), err);
	if (r == 0)
		r = rootless_parent(&host, &d, parent, sizeof parent, err);
	if (r < 0 && err)
		snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
			 " (limits such as --memory, --cpus and --pids-limit live in a cgroup)");
	return r;
}

int gb_cgroup_container_create(const struct gb_state *st, struct gb_cgroup *cg, struct gb_err *err)
{
	int r = gb_cgroup_container_open(st, cg, err);
	if (r < 0)
		return r;
	if (gb_cgroup_exists(cg) && (r = gb_cgroup_destroy(cg, err)) < 0)
		return r; /* left by an engine that crashed while this container ran */
	struct gb_cg_limits lim = st->cfg.limits;
	if (gb_mutation("limit-memory")) /* test builds only (core/base/mutate.h) */
		lim.memory = 0;
	if (gb_mutation("limit-cpu"))
		lim.cpu_quota_us = 0;
	if (gb_mutation("limit-pids"))
		lim.pids_max = 0;
	if (gb_mutation("limit-cpu-shares"))
		lim.cpu_shares = 0;
	r = gb_cgroup_create(cg, &lim, err);
	if (r < 0)
		return r;
	r = gb_cgroup_apply(cg, &lim, err);
	if (r < 0)
		gb_cgroup_destroy(cg, NULL);
	return r;
}

/* rmdir of the shared "glassbox" parent: the kernel refuses (EBUSY) while another
 * container's cgroup is inside it, so the last container out removes it. */
static void remove_parent(const char *dir)
{
	char parent[GB_CG_PATH];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (dir[0] && slash && strcmp(slash + 1, GB_CGROUP_PARENT) != 0) {
		*slash = '\0';
		rmdir(parent);
	}
}

/* cpuset (cgroup/cpuset.h): --cpuset-cpus/--cpuset-mems or OCI cpu.cpus/mems. */
int gb_cgroup_container_cpuset(const struct gb_state *st, struct gb_err *err)
{
	struct gb_cgroup cg;
	if (!st->cfg.cpuset_cpus[0] && !st->cfg.cpuset_mems[0])
		return 0;
	int r = gb_cgroup_container_open(st, &cg, err);
	return r < 0 ? r : gb_cpuset_apply(&cg, st->cfg.cpuset_cpus, st->cfg.cpuset_mems, err);
}

int gb_cgroup_container_cpuset_attach(const struct gb_state *st, struct gb_err *err)
{
	struct gb_cgroup cg;
	if (!st->cfg.cpuset_cpus[0] && !st->cfg.cpuset_mems[0])
		return 0;
	int r = gb_cgroup_container_open(st, &cg, err);
	return r < 0 ? r : gb_cpuset_attach_self(&cg, err);
}

void gb_cgroup_container_remove(const struct gb_state *st)
{
	struct gb_cgroup cg;
	/* Called at PID 1's exit and again by rm: only the call that removes the cgroup
	 * tries its parents. */
	if (gb_cgroup_container_open(st, &cg, NULL) < 0 || !gb_cgroup_exists(&cg))
		return;
	gb_cgroup_destroy(&cg, NULL);
	/* the v1 cpuset dir, if any (empty now), with glassbox's parent unless a client's */
	gb_cpuset_remove(&cg, !st->cfg.cgroup_path[0]);
	if (st->cfg.cgroup_path[0])
		return; /* the client's parents (docker/, a slice) are the client's, as with runc */
	for (int c = 0; c < GB_CG_NCTRL; c++)
		remove_parent(cg.dir[c]);
	remove_parent(cg.unified_dir);
	char dir[GB_CG_PATH];
	if (gb_cgdev_v1_dir(&cg, dir, sizeof dir) == 0)
		remove_parent(dir); /* the devices hierarchy's (cgroup/devices.h) */
}

int gb_cgroup_container_stats(const struct gb_state *st, struct gb_cg_stats *s, struct gb_err *err)
{
	struct gb_cgroup cg;
	int r = gb_cgroup_container_open(st, &cg, err);
	return r < 0 ? r : gb_cgroup_stats(&cg, s, err);
}

void gb_cgroup_container_sampler_init(struct gb_cgroup_container_sampler *s,
				      const struct gb_state *st, const struct gb_runtime *rt)
{
	memset(s, 0, sizeof *s);
	s->interval_ms = -1;
	/* Nobody reads the stream: no samples (an idle monitor costs no wake-ups). */
	if (rt->events.fd < 0 && !rt->events.listener)
		return;
	if (gb_cgroup_container_open(st, &s->cg, NULL) < 0 || !gb_cgroup_exists(&s->cg))
		return;
	double iv = st->cfg.sample_interval > 0 ? st->cfg.sample_interval : 1.0;
	s->interval_ms = (int)(iv * 1000);
	s->ready = true;
}

void gb_cgroup_container_sample(struct gb_cgroup_container_sampler *s, struct gb_runtime *rt,
				const struct gb_state *st)
{
	struct gb_cg_stats now;
	if (!s->ready || gb_cgroup_stats(&s->cg, &now, NULL) < 0)
		return;
	double t = gb_monotonic();
	const struct gb_cg_stats *prev = s->have_prev ? &s->prev : NULL;
	gb_cgroup_event_oom(&rt->events, &now, prev);
	gb_cgroup_event_sample(&rt->events, s->cg.host.layout, &now, prev, t - s->t_prev,
			       &st->cfg.limits);
	s->prev = now;
	s->t_prev = t;
	s->have_prev = true;
}
