/* The hybrid backend (cgroup_hybrid.c): v1 controllers plus a cgroup2 mount without them. */
#ifndef GB_CGROUP_HYBRID_H
#define GB_CGROUP_HYBRID_H

#include "cgroup/cgroupfs.h"

extern const struct gb_cg_ops gb_cghy_ops;

#endif
