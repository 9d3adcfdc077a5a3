/* The cgroup of one container: glassbox/ID in every hierarchy of the host's layout.
 * How the engine uses core/cgroup/cgroup.h: create before clone, attach after it, read stats,
 * freeze and thaw (pause/resume in engine/container.c), remove on rm. Labs 07-10. */
#ifndef GB_CGROUP_CONTAINER_H
#define GB_CGROUP_CONTAINER_H

#include "cgroup/cgroup.h"
#include "state/state.h"

/* Paths of the container's cgroup (nothing is touched). GLASSBOX_CGROUP_ROOT overrides
 * /sys/fs/cgroup. */
int gb_cgroup_container_open(const struct gb_state *st, struct gb_cgroup *cg, struct gb_err *err);
/* Rootless (issue 21): a container gets a cgroup only below a subtree delegated to the
 * caller (cgroup/delegate.h); root always gets one. */
bool gb_cgroup_container_wanted(void);
/* Limits asked for by a rootless caller with no delegated subtree: the error says what the
 * teacher (or systemd) must set up. 0 for root, for no limits, or with a delegation. */
int gb_cgroup_container_check(const struct gb_cg_limits *l, struct gb_err *err);
/* Remove a stale cgroup of the same id (a crash), then create and apply the limits. */
int gb_cgroup_container_create(const struct gb_state *st, struct gb_cgroup *cg, struct gb_err *err);
/* --cpuset-cpus/--cpuset-mems, OCI linux.resources.cpu.cpus/mems (cgroup/cpuset.h): the
 * v1 cpuset hierarchy's cpuset/REL (each new parent given its parent's cpus and mems,
 * without which the kernel refuses tasks), or on a cgroup2-only host the container's dir
 * with cpuset enabled down the tree. 0 when nothing is asked. attach: the calling process
 * moves itself in (v1; on v2 CLONE_INTO_CGROUP did). */
int gb_cgroup_container_cpuset(const struct gb_state *st, struct gb_err *err);
int gb_cgroup_container_cpuset_attach(const struct gb_state *st, struct gb_err *err);
/* Kill what is inside and remove every dir; silent, tolerates a missing cgroup. */
void gb_cgroup_container_remove(const struct gb_state *st);
int gb_cgroup_container_stats(const struct gb_state *st, struct gb_cg_stats *s, struct gb_err *err);

/* The monitor's periodic look: resource.sample every interval, oom.kill when the
 * kernel's count rises (docs/events.md). */
struct gb_cgroup_container_sampler {
	struct gb_cgroup cg;
	struct gb_cg_stats prev;
	double t_prev;
	bool ready, have_prev;
	int interval_ms;
};
void gb_cgroup_container_sampler_init(struct gb_cgroup_container_sampler *s,
				      const struct gb_state *st, const struct gb_runtime *rt);
void gb_cgroup_container_sample(struct gb_cgroup_container_sampler *s, struct gb_runtime *rt,
				const struct gb_state *st);

#endif
