/* Control groups: a container's memory, CPU and pids limits, its usage, the freezer
 * (pause/resume) and killing everything inside. man 7 cgroups; the kernel's
 * Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst. Labs 07, 08, 09, 10.
 *
 * Hosts come in three layouts, detected once (gb_cgroup_detect), each with its backend
 * (a table of operations, cgroupfs.h) in a file of its own:
 *   v2      cgroup_v2.c: one unified hierarchy (cgroup2 at the root): one dir per container.
 *   v1      cgroup_v1.c: one hierarchy per controller (memory/, cpu/, pids/...): a dir in each.
 *   hybrid  cgroup_hybrid.c: v1 hierarchies for the controllers plus a cgroup2 mount (root/unified) with
 *           no controllers: limits go through v1, while the v2 dir gives the v2 core
 *           files (cgroup.kill, cgroup.freeze, cgroup.events) that need no controller. */
#ifndef GB_CGROUP_H
#define GB_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/json.h"
#include "cgroup/cgroupfs.h"

/* ---- the host ---- */
/* Look at root (NULL: /sys/fs/cgroup) with statfs() and decide the layout. */
int gb_cgroup_detect(struct gb_cg_host *h, const char *root, struct gb_err *err);
/* The same without statfs: trust `layout` (tests use a fake tree of regular files). */
int gb_cgroup_host_init(struct gb_cg_host *h, const char *root, enum gb_cg_layout layout,
			struct gb_err *err);
const char *gb_cgroup_layout_name(enum gb_cg_layout l);

/* ---- one container's cgroup ---- */
/* Compute the paths of PARENT/NAME (parent NULL: "glassbox") without touching anything:
 * how `rm` finds the cgroup of a container whose engine crashed. */
int gb_cgroup_open(struct gb_cgroup *cg, const struct gb_cg_host *h, const char *parent,
		   const char *name, struct gb_err *err);
/* mkdir the dirs (and the parent, enabling v2 controllers up the tree for `limits`).
 * On failure nothing is left behind. */
int gb_cgroup_create(struct gb_cgroup *cg, const struct gb_cg_limits *limits, struct gb_err *err);
int gb_cgroup_apply(struct gb_cgroup *cg, const struct gb_cg_limits *limits, struct gb_err *err);
/* Write pid to cgroup.procs in every dir: it and its future children are inside. */
int gb_cgroup_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err);
/* The calling process moves itself (single-threaded, before it runs anything): "0" into
 * every v1 `tasks` file, which moves the calling thread without the kernel's global
 * threadgroup lock; into the cgroup2 dir by cgroup.procs only if CLONE_INTO_CGROUP did
 * not already put it there. */
int gb_cgroup_attach_self(struct gb_cgroup *cg, struct gb_err *err);
/* An fd of the v2 dir for clone3(CLONE_INTO_CGROUP); -errno when there is none (v1). */
int gb_cgroup_open_fd(const struct gb_cgroup *cg, struct gb_err *err);
/* Freeze/thaw and wait at most timeout_ms for the kernel to confirm. A freeze that does
 * not complete is undone (thawed) and reported: never left half-frozen. */
int gb_cgroup_freeze(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
int gb_cgroup_thaw(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
/* The device rules (cgroup/devrule.h), replacing any written before: v1 and hybrid write
 * the devices hierarchy's files (the dir is made here), v2 attaches an eBPF program. */
int gb_cgroup_devices(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err);
/* SIGKILL everything inside and wait (bounded) until it is empty. */
int gb_cgroup_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
/* Kill, then rmdir every dir; dirs already gone are fine. */
int gb_cgroup_destroy(struct gb_cgroup *cg, struct gb_err *err);
/* The pids in the container's cgroup (malloc'd; *n may be 0). */
int gb_cgroup_pids(const struct gb_cgroup *cg, pid_t **pids, size_t *n, struct gb_err *err);
/* The dir whose cgroup.procs lists every process of the container (v1: any hierarchy). */
const char *gb_cgroup_procs_dir(const struct gb_cgroup *cg);
int gb_cgroup_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err);
int gb_cgroup_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err);
/* {"layout":…,"paths":{…},"limits":{…}} as read back from cgroupfs, for inspect/events. */
void gb_cgroup_json(const struct gb_cgroup *cg, struct gb_json *j, const char *key);
void gb_cgroup_stats_json(const struct gb_cg_stats *st, struct gb_json *j, const char *key);

/* ---- Docker-like flag values: pure functions ---- */
/* -m/--memory: "512m", "1g", "1.5g", "64MiB", "1048576" (bytes); at least 6 MiB. */
int gb_cgroup_parse_memory(const char *s, long long *bytes, struct gb_err *err);
/* --memory-swap: memory + swap as above, or -1 for unlimited swap. */
int gb_cgroup_parse_memory_swap(const char *s, long long *bytes, struct gb_err *err);
/* --cpus: "0.5" → quota 50000 µs per 100000 µs; 0.01 up to ncpu. */
int gb_cgroup_parse_cpus(const char *s, int ncpu, long long *quota_us, long long *period_us,
			 struct gb_err *err);
int gb_cgroup_parse_cpu_shares(const char *s, long long *shares, struct gb_err *err);
/* --pids-limit: a positive count or -1 for unlimited. */
int gb_cgroup_parse_pids(const char *s, long long *pids, struct gb_err *err);
/* Checks between flags: --memory-swap needs -m and must be at least -m. */
int gb_cgroup_limits_check(const struct gb_cg_limits *l, struct gb_err *err);
bool gb_cgroup_limits_any(const struct gb_cg_limits *l);

#endif
