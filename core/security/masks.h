/* Masked and read-only paths: /proc and /sys still show host-wide kernel state after
 * the namespaces are set up; hide the dangerous parts and freeze the rest read-only,
 * as Docker, runc and crun do. mount(2) MS_BIND/MS_REMOUNT, proc(5). Lab 16. */
#ifndef GB_MASKS_H
#define GB_MASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Paths hidden from the container: a file gets /dev/null bound over it, a directory an
 * empty read-only tmpfs. NULL-terminated. */
extern const char *const gb_masks_masked[];
/* Paths left visible but bound read-only (writes fail with EROFS). NULL-terminated. */
extern const char *const gb_masks_readonly[];

/* Apply both lists below `root` ("/" after pivot_root) in the current mount namespace.
 * Paths missing on this kernel are skipped. *applied (may be NULL) counts the mounts. */
int gb_masks_apply(const char *root, size_t *applied, struct gb_err *err);
/* The same with other lists (an OCI bundle's linux.maskedPaths and readonlyPaths). */
int gb_masks_apply_lists(const char *root, const char *const *masked, const char *const *readonly,
			 size_t *applied, struct gb_err *err);
/* Mask or freeze one path (callers add their own, e.g. --security-opt masks). */
int gb_masks_mask(const char *path, struct gb_err *err);
int gb_masks_readonly_bind(const char *path, struct gb_err *err);

/* What the kernel reports for a process: whether each listed path is covered by a
 * mount in /proc/PID/mountinfo (masked) or mounted read-only. One bit per entry of
 * the lists above, in their order. */
struct gb_masks_state {
	unsigned long masked;	/* bit i: gb_masks_masked[i] is covered */
	unsigned long readonly; /* bit i: gb_masks_readonly[i] is a read-only mount */
};
int gb_masks_observe(pid_t pid, struct gb_masks_state *out, struct gb_err *err);

#endif
