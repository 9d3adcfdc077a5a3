/* The cgroup v1 backend (cgroup_v1.c): one hierarchy per controller. The hybrid backend
 * (cgroup_hybrid.c) builds on these for its controllers; everyone else goes through
 * cgroup.h. */
#ifndef GB_CGROUP_V1_H
#define GB_CGROUP_V1_H

#include "cgroup/cgroupfs.h"

extern const struct gb_cg_ops gb_cg1_ops;

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

#endif
