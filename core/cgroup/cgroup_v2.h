/* The cgroup v2 backend (cgroup_v2.c): one unified hierarchy. The hybrid backend
 * (cgroup_hybrid.c) uses its one-dir operations on a controller-less cgroup2 dir;
 * everyone else goes through cgroup.h. */
#ifndef GB_CGROUP_V2_H
#define GB_CGROUP_V2_H

#include "cgroup/cgroupfs.h"

extern const struct gb_cg_ops gb_cg2_ops;

int gb_cg2_create(struct gb_cgroup *cg, const struct gb_cg_limits *l, struct gb_err *err);
int gb_cg2_freeze(struct gb_cgroup *cg, bool freeze, int timeout_ms, struct gb_err *err);
int gb_cg2_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err);
/* The one-dir operations: pid into DIR/cgroup.procs; wait (inotify, bounded) until `key`
 * in DIR/cgroup.events has value want; the freezer's state as v1 names it. */
int gb_cg2_write_procs(const char *dir, pid_t pid, struct gb_err *err);
int gb_cg2_wait_event(const char *dir, const char *key, long long want, int timeout_ms);
int gb_cg2_freezer_state(const char *dir, char *buf, size_t len);

#endif
