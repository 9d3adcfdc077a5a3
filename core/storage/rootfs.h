/* The container's root filesystem: an overlay of read-only image layers plus a thin
 * writable layer, /proc, /sys, a minimal /dev, then pivot_root. mount(2), overlayfs,
 * pivot_root(2), mount_namespaces(7). Labs 04 and 11. */
#ifndef GB_ROOTFS_H
#define GB_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

struct gb_rootfs {
	const char *lower;  /* overlay lowerdir list, top layer first */
	const char *upper;  /* the thin writable layer */
	const char *work;   /* overlay's scratch dir, same filesystem as upper */
	const char *merged; /* where the overlay is mounted before pivot_root */
};

/* Host side: create upper/work/merged (0700 parent). */
int gb_rootfs_make_dirs(const struct gb_rootfs *fs, struct gb_err *err);

/* Container side, in this order, inside a new mount namespace: */
int gb_rootfs_make_private(struct gb_err *err);
int gb_rootfs_mount_overlay(const struct gb_rootfs *fs, struct gb_err *err);
int gb_rootfs_mount_proc(const char *root, struct gb_err *err);
int gb_rootfs_mount_sys(const char *root, bool readonly, struct gb_err *err);
int gb_rootfs_mount_dev(const char *root, struct gb_err *err);
/* OCI bundles: the default devices (null, zero, full, random, urandom, tty) and the /dev
 * links in ROOT/dev, whatever config.json mounted there (runtime-spec "Default devices"). */
int gb_rootfs_dev_nodes(const char *root, struct gb_err *err);
int gb_rootfs_pivot(const char *root, struct gb_err *err);
/* Lab 04's negative control (--rootfs-mode chroot): chroot(2) into root instead of
 * pivot_root. The old root stays mounted in the namespace: the chroot escape works. */
int gb_rootfs_chroot(const char *root, struct gb_err *err);

/* OCI linux.rootfsPropagation (issue 14). The mount-private row's call for a root that is
 * to be a slave: MS_REC|MS_SLAVE instead of MS_REC|MS_PRIVATE, so the container still
 * receives the host's mount events but, as with MS_PRIVATE, never sends any back. */
int gb_rootfs_make_slave(struct gb_err *err);
/* After pivot_root: mount(NULL, "/", NULL, flags, NULL) (MS_SHARED, MS_SLAVE, MS_PRIVATE,
 * MS_UNBINDABLE, maybe with MS_REC). Every mount is private or a slave by then, so a
 * shared root starts peer groups of its own, which have no member outside. */
int gb_rootfs_propagate(unsigned long flags, struct gb_err *err);
/* "MS_REC|MS_SHARED" for flags, as the step rows print calls. */
void gb_rootfs_propagation_str(unsigned long flags, char *buf, size_t len);

/* The overlay mount options, as passed to mount(2). */
int gb_rootfs_overlay_opts(const struct gb_rootfs *fs, char *buf, size_t len);

#endif
