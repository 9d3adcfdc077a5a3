/* Delegation: a cgroup subtree handed to an ordinary user, so that a rootless glassbox can
 * make its containers' cgroups (limits, stats, the freezer) without root. The teacher's
 * `glassbox classroom setup` makes one per student; systemd makes one per user
 * (user@UID.service, Delegate=yes). Documentation/admin-guide/cgroup-v2.rst
 * ("Delegation"), man 7 cgroups. Labs 07-10 for a student.
 *
 *   v1 (and the v1 side of hybrid): GLASSBOX.CLASS/NAME in every hierarchy glassbox uses,
 *       the dir and its cgroup.procs and tasks chowned to the student; the ceilings are in
 *       root's files of that dir, which the student cannot write. Moving a process on v1
 *       needs only write access to the target's cgroup.procs and the same uid.
 *   v2 (and the cgroup2 side of hybrid): the same dir with cgroup.procs,
 *       cgroup.subtree_control and cgroup.threads chowned, controllers enabled down to it,
 *       and a leaf NAME/session for the student's own processes. v2 lets a process move
 *       only when the mover can write the cgroup.procs of the common ancestor of the
 *       source and the target: the student's processes must already be inside NAME (a
 *       login manager, or root, puts the login shell into NAME/session), and NAME itself
 *       stays free of processes so that it can hand controllers to its children. */
#ifndef GB_CGROUP_DELEGATE_H
#define GB_CGROUP_DELEGATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "cgroup/cgroupfs.h"

#define GB_CG_CLASS_PARENT "glassbox.class"
#define GB_CG_CLASS_SESSION "session"

/* Where a rootless glassbox may make its containers' cgroups: REL/glassbox/ID. */
struct gb_cg_delegation {
	char rel[256];	/* below every hierarchy's root, no leading '/' */
	bool classroom; /* glassbox.class/NAME (else: the caller's own v2 ancestor) */
	/* The caller's processes are inside REL in the cgroup2 hierarchy (v2, hybrid's
	 * unified side): only then may it move a child into a cgroup below REL. */
	bool unified_inside;
};

/* Make NAME's subtree (owned by uid:gid) with the ceilings of `ceil` (memory, pids_max,
 * cpu_weight; 0: none of that kind). Root only. Fails with nothing left behind. */
int gb_cg_delegate_create(const struct gb_cg_host *h, const char *name, uid_t uid, gid_t gid,
			  const struct gb_cg_limits *ceil, struct gb_err *err);
/* Kill whatever runs below NAME, remove its dirs (and glassbox.class when it is empty).
 * A subtree already gone is fine. */
int gb_cg_delegate_remove(const struct gb_cg_host *h, const char *name, struct gb_err *err);
/* NAME's dir in the hierarchy that holds controller c (v2: the cgroup2 dir). */
int gb_cg_delegate_dir(const struct gb_cg_host *h, const char *name, enum gb_cg_ctrl c, char *buf,
		       size_t len);

/* Where uid (the caller, named `name`) may make cgroups. First the classroom's
 * glassbox.class/NAME owned by uid; on v2, the highest ancestor of the caller's own
 * cgroup (/proc/self/cgroup) that uid owns. -ENOENT with a hint naming what the teacher
 * (or systemd) must do when there is none; -EACCES on v2 when the subtree exists but the
 * caller's processes are outside it. */
int gb_cg_delegation_find(const struct gb_cg_host *h, uid_t uid, const char *name,
			  struct gb_cg_delegation *d, struct gb_err *err);

/* The caller's path in the cgroup2 hierarchy ("0::/PATH" of /proc/self/cgroup). */
int gb_cg_self_unified(char *buf, size_t len);

#endif
