/* Control groups: a container's memory, CPU and pids limits, its usage, the freezer
 * (pause/resume) and killing everything inside. man 7 cgroups; the kernel's
 * Documentation/admin-guide/cgroup-v1/ and cgroup-v2.rst. Labs 07, 08, 09, 10.
 *
 * Hosts come in three layouts, detected once (gb_cgroup_detect) and dispatched through
 * one switch in cgroup.c:
 *   v2      one unified hierarchy (cgroup2 mounted at the root): one dir per container.
 *   v1      one hierarchy per controller (memory/, cpu/, pids/...): one dir in each.
 *   hybrid  v1 hierarchies for the controllers plus a cgroup2 mount (root/unified) with
 *           no controllers: limits go through v1, while the v2 dir gives the v2 core
 *           files (cgroup.kill, cgroup.freeze, cgroup.events) that need no controller. */
#ifndef GB_CGROUP_H
#define GB_CGROUP_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/json.h"

#define GB_CGROUP_ROOT "/sys/fs/cgroup"
#define GB_CGROUP_PARENT "glassbox"
#define GB_CG_PATH 512
/* "no limit" in limits and stats (the kernel says "max", or a huge number on v1) */
#define GB_CG_UNLIMITED (-1LL)

enum gb_cg_layout { GB_CG_NONE = 0, GB_CG_V1, GB_CG_HYBRID, GB_CG_V2 };

/* The controllers glassbox uses. On v2, cpuacct and freezer are not controllers: CPU
 * usage is in cpu.stat and the freezer is the core file cgroup.freeze. */
enum gb_cg_ctrl { GB_CG_MEMORY, GB_CG_CPU, GB_CG_CPUACCT, GB_CG_PIDS, GB_CG_FREEZER, GB_CG_NCTRL };

struct gb_cg_host {
	char root[GB_CG_PATH];             /* /sys/fs/cgroup, or a fake tree in tests */
	enum gb_cg_layout layout;
	char unified[GB_CG_PATH];          /* the cgroup2 mount; "" on pure v1 */
	char hier[GB_CG_NCTRL][GB_CG_PATH]; /* v1: the hierarchy holding each controller */
	unsigned avail;                    /* bit (1u << ctrl) per usable controller */
};

/* Limits as flags give them and as the kernel reads them back. 0 = not set. */
struct gb_cg_limits {
	long long memory;        /* bytes */
	long long memory_swap;   /* memory + swap, bytes; 0: equal to memory (no swap); -1: unlimited */
	long long cpu_quota_us;  /* CPU time allowed per period; -1 read back: no quota */
	long long cpu_period_us;
	long long cpu_shares;    /* v1 cpu.shares, 2..262144 */
	long long cpu_weight;    /* v2 cpu.weight, 1..10000 (converted from shares) */
	long long pids_max;      /* -1: unlimited */
};

struct gb_cg_stats {
	long long mem_usage, mem_limit, mem_max_usage;     /* bytes; -1 limit: none */
	long long swap_limit;                              /* memory+swap (v1) / swap (v2) */
	unsigned long long cpu_usage_ns, throttled_ns, nr_periods, nr_throttled;
	long long pids_current, pids_max;
	long long oom_kills;
	char freezer[16];                                  /* "thawed", "freezing", "frozen" */
};

struct gb_cgroup {
	struct gb_cg_host host;
	char rel[256];                          /* "glassbox/NAME", the same in every hierarchy */
	char dir[GB_CG_NCTRL][GB_CG_PATH];      /* v1/hybrid: this container's dir per controller */
	char unified_dir[GB_CG_PATH];           /* v2/hybrid: its dir in the cgroup2 hierarchy */
};

/* ---- the host ---- */
/* Look at root (NULL: /sys/fs/cgroup) with statfs() and decide the layout. */
int gb_cgroup_detect(struct gb_cg_host *h, const char *root, struct gb_err *err);
/* The same without statfs: trust `layout` (tests use a fake tree of regular files). */
int gb_cgroup_host_init(struct gb_cg_host *h, const char *root, enum gb_cg_layout layout,
			struct gb_err *err);
const char *gb_cgroup_layout_name(enum gb_cg_layout l);
const char *gb_cgroup_ctrl_name(enum gb_cg_ctrl c);

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
/* SIGKILL everything inside and wait (bounded) until it is empty. */
int gb_cgroup_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
/* Kill, then rmdir every dir; dirs already gone are fine. */
int gb_cgroup_destroy(struct gb_cgroup *cg, struct gb_err *err);
/* The pids in the container's cgroup (malloc'd; *n may be 0). */
int gb_cgroup_pids(const struct gb_cgroup *cg, pid_t **pids, size_t *n, struct gb_err *err);
bool gb_cgroup_exists(const struct gb_cgroup *cg);
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
/* cpu.shares (v1, 2..262144) → cpu.weight (v2, 1..10000), the mapping runc and crun use. */
long long gb_cgroup_shares_to_weight(long long shares);

/* ---- the two backends behind the switch in cgroup.c (call gb_cgroup_* instead) ---- */
int gb_cg1_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
int gb_cg1_apply(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
int gb_cg1_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err);
int gb_cg1_attach_self(struct gb_cgroup *cg, struct gb_err *err);
int gb_cg1_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err);
int gb_cg1_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
int gb_cg1_remove(struct gb_cgroup *cg, struct gb_err *err);
int gb_cg1_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err);
int gb_cg1_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err);
const char *gb_cg1_procs_dir(const struct gb_cgroup *cg);

int gb_cg2_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
int gb_cg2_apply(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
int gb_cg2_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err);
int gb_cg2_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err);
int gb_cg2_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
int gb_cg2_remove(struct gb_cgroup *cg, struct gb_err *err);
int gb_cg2_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err);
int gb_cg2_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err);
/* The one-dir v2 operations hybrid reuses on its controller-less cgroup2 dir. */
int gb_cg2_write_procs(const char *dir, pid_t pid, struct gb_err *err);
/* Wait (inotify, bounded) until `key` in DIR/cgroup.events has value want. */
int gb_cg2_wait_event(const char *dir, const char *key, long long want, int timeout_ms);
int gb_cg2_freezer_state(const char *dir, char *buf, size_t len);

/* ---- small cgroupfs file helpers shared by both backends ---- */
int gb_cg_write(const char *dir, const char *file, const char *val, struct gb_err *err);
/* A number from a one-value file; "max" and v1's huge "unlimited" read as -1. */
int gb_cg_read_ll(const char *dir, const char *file, long long *out);
/* The value after `key` in a "key value" lines file (memory.events, cpu.stat). */
int gb_cg_read_key(const char *dir, const char *file, const char *key, long long *out);
/* Whether cgroup.procs of dir lists no process (ENOENT counts as empty). */
bool gb_cg_empty(const char *dir);
int gb_cg_read_procs(const char *dir, pid_t **pids, size_t *n);
/* SIGKILL every pid listed in DIR/cgroup.procs until it is empty (bounded). */
int gb_cg_kill_procs(const char *dir, int timeout_ms, struct gb_err *err);
void gb_cg_sleep_ms(int ms);
int gb_cg_rmdir(const char *dir, struct gb_err *err);

#endif
