/* cgroupfs: the files a cgroup is made of, the structures glassbox reads from them, and
 * the table of operations each layout's backend fills (cgroup_v1.c, cgroup_v2.c,
 * cgroup_hybrid.c). cgroup.h is the interface the rest of glassbox uses; this header is
 * what the backends share, so that they need nothing from cgroup.c. man 7 cgroups. */
#ifndef GB_CGROUPFS_H
#define GB_CGROUPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_CGROUP_ROOT "/sys/fs/cgroup"
#define GB_CGROUP_PARENT "glassbox"
#define GB_CG_PATH 512
/* "no limit" in limits and stats (the kernel says "max", or a huge number on v1) */
#define GB_CG_UNLIMITED (-1LL)

enum gb_cg_layout { GB_CG_NONE = 0, GB_CG_V1, GB_CG_HYBRID, GB_CG_V2 };

/* The controllers glassbox uses. On v2, cpuacct and freezer are not controllers: CPU
 * usage is in cpu.stat and the freezer is the core file cgroup.freeze. */
enum gb_cg_ctrl { GB_CG_MEMORY, GB_CG_CPU, GB_CG_CPUACCT, GB_CG_PIDS, GB_CG_FREEZER, GB_CG_NCTRL };

struct gb_cg_ops;
struct gb_dev_rule; /* devrule.h */

struct gb_cg_host {
	char root[GB_CG_PATH]; /* /sys/fs/cgroup, or a fake tree in tests */
	enum gb_cg_layout layout;
	const struct gb_cg_ops *ops;	    /* the backend for this layout, chosen at detection */
	char unified[GB_CG_PATH];	    /* the cgroup2 mount; "" on pure v1 */
	char hier[GB_CG_NCTRL][GB_CG_PATH]; /* v1: the hierarchy holding each controller */
	unsigned avail;			    /* bit (1u << ctrl) per usable controller */
};

/* Limits as flags give them and as the kernel reads them back. 0 = not set. */
struct gb_cg_limits {
	long long memory; /* bytes */
	long long
		memory_swap; /* memory + swap, bytes; 0: equal to memory (no swap); -1: unlimited */
	long long cpu_quota_us; /* CPU time allowed per period; -1 read back: no quota */
	long long cpu_period_us;
	long long cpu_shares; /* v1 cpu.shares, 2..262144 */
	long long cpu_weight; /* v2 cpu.weight, 1..10000 (converted from shares) */
	long long pids_max;   /* -1: unlimited */
};

struct gb_cg_stats {
	long long mem_usage, mem_limit, mem_max_usage; /* bytes; -1 limit: none */
	long long swap_limit;			       /* memory+swap (v1) / swap (v2) */
	unsigned long long cpu_usage_ns, throttled_ns, nr_periods, nr_throttled;
	long long pids_current, pids_max;
	long long oom_kills;
	char freezer[16]; /* "thawed", "freezing", "frozen" */
};

struct gb_cgroup {
	struct gb_cg_host host;
	char rel[256];			   /* "glassbox/NAME", the same in every hierarchy */
	char dir[GB_CG_NCTRL][GB_CG_PATH]; /* v1/hybrid: this container's dir per controller */
	char unified_dir[GB_CG_PATH];	   /* v2/hybrid: its dir in the cgroup2 hierarchy */
};

/* What one layout does for each operation of cgroup.h (which checks the arguments,
 * then calls host.ops). attach_self is NULL where CLONE_INTO_CGROUP did it all (v2). */
struct gb_cg_ops {
	int (*create)(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
	int (*apply)(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
	int (*attach)(struct gb_cgroup *cg, pid_t pid, struct gb_err *err);
	int (*attach_self)(struct gb_cgroup *cg, struct gb_err *err);
	int (*freeze)(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err);
	int (*kill)(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
	int (*remove)(struct gb_cgroup *cg, struct gb_err *err);
	int (*stats)(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err);
	int (*read_limits)(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err);
	/* the dir whose cgroup.procs lists every process of the container */
	const char *(*procs_dir)(const struct gb_cgroup *cg);
	/* the device rules (devices.h): v1's devices.allow/deny, v2's eBPF program */
	int (*devices)(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		       struct gb_err *err);
};

const char *gb_cgroup_ctrl_name(enum gb_cg_ctrl c);
/* Whether any of the container's dirs exists. */
bool gb_cgroup_exists(const struct gb_cgroup *cg);
/* cpu.shares (v1, 2..262144) → cpu.weight (v2, 1..10000), the mapping runc and crun use. */
long long gb_cgroup_shares_to_weight(long long shares);

/* mkdir -p of dir's parent, then mkdir of dir. The parent may be glassbox's shared one,
 * which the last container out of another glassbox removes: that rmdir can land between
 * our two mkdirs (ENOENT), so the pair is tried again a few times. 0 when made, -EEXIST
 * when it was there (err untouched: the caller decides), else -errno with err filled. */
int gb_cg_mkdir(const char *dir, struct gb_err *err);
/* ---- small cgroupfs file helpers shared by the backends ---- */
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
