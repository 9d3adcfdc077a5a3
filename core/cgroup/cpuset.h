/* The cpuset controller: which CPUs and memory nodes a container's processes may use
 * (`glassbox run --cpuset-cpus/--cpuset-mems`, OCI linux.resources.cpu.cpus/mems). The
 * kernel applies it to the tasks' affinity (/proc/PID/status Cpus_allowed_list).
 * v1 and hybrid hosts: its own hierarchy, cpuset/REL, where a new cgroup starts with no
 * CPUs and no nodes and refuses tasks until given some. cgroup2-only hosts: the files
 * cpuset.cpus and cpuset.mems of the container's one dir, once every ancestor lists
 * "cpuset" in cgroup.subtree_control. Documentation/admin-guide/cgroup-v1/cpusets.rst,
 * cgroup-v2.rst ("Cpuset"). Lab 07. Issue 14. */
#ifndef GB_CPUSET_H
#define GB_CPUSET_H

#include <stdbool.h>

#include "base/error.h"
#include "cgroup/cgroupfs.h"

/* A list as the kernel takes it, "0-3", "0,2", "1-2,5": checked before anything is made.
 * what names the flag or JSON member in the error ("--cpuset-cpus"). Pure. */
int gb_cpuset_check_list(const char *list, const char *what, struct gb_err *err);
/* Make cg's cpuset and write cpus and mems ("" = the parent's): v1 cpuset/REL (each new
 * level given its parent's values first), v2 cg->unified_dir (cpuset enabled down the
 * tree first). Before any process is in it. Nothing asked: 0. On failure the v1 dirs
 * this call made are removed. */
int gb_cpuset_apply(const struct gb_cgroup *cg, const char *cpus, const char *mems,
		    struct gb_err *err);
/* v1: the calling process moves itself into cpuset/REL ("0" into tasks); v2: nothing,
 * CLONE_INTO_CGROUP did it. */
int gb_cpuset_attach_self(const struct gb_cgroup *cg, struct gb_err *err);
/* v1: rmdir cpuset/REL, then its parent when it is glassbox's own (empty now). */
void gb_cpuset_remove(const struct gb_cgroup *cg, bool own_parent);
/* The cpuset dir on v1 (cpuset/REL), "" on a cgroup2-only host: 0, or -ENOENT when the
 * host has no cpuset controller at all. */
int gb_cpuset_dir(const struct gb_cgroup *cg, char *dir, size_t len);

#endif
