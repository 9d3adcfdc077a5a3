/* A list of mount(2) calls made as given, in order: an OCI bundle's `mounts` (runtime-spec
 * "the runtime MUST mount entries in the listed order"). `glassbox run` makes its /proc,
 * /sys and /dev in rows of its own; glassbox-runc makes what config.json lists, here. */
#ifndef GB_FSMOUNT_H
#define GB_FSMOUNT_H

#include <stdbool.h>

#include "base/error.h"

struct gb_fsmount {
	char source[512];	   /* as given: "proc", "tmpfs", "shm", or a host path (bind) */
	char target[512];	   /* absolute, inside the container */
	char type[32];		   /* "proc", "tmpfs", "bind", "cgroup", ... */
	unsigned long flags;	   /* MS_* from the options (MS_BIND, MS_REC for binds) */
	unsigned long propagation; /* MS_PRIVATE, MS_SHARED, ... (with MS_REC): 0 = none */
	char data[256];		   /* the options mount(2) does not know as flags */
};

/* A device node an OCI bundle lists (linux.devices): made by mknod(2) inside the root. */
struct gb_devnode {
	char path[256]; /* absolute, inside the container: "/dev/fuse" */
	unsigned mode;	/* S_IFCHR, S_IFBLK or S_IFIFO | permission bits */
	unsigned major, minor;
	unsigned uid, gid;
};

/* Read one option ("ro", "nosuid", "rbind", "rprivate", "mode=755"...) into m: a flag,
 * a propagation, or (unknown to runc's table) appended to m->data. */
void gb_fsmount_option(struct gb_fsmount *m, const char *opt);
/* Mount each of list[0..n) under root (not yet pivoted), in order. 0 or -errno naming the
 * mount that failed. */
int gb_fsmounts_apply(const char *root, const struct gb_fsmount *list, int n, struct gb_err *err);
/* mknod each of list[0..n) under root, with its owner and mode (a node already there is
 * replaced, as runc does). */
int gb_devnodes_make(const char *root, const struct gb_devnode *list, int n, struct gb_err *err);

#endif
