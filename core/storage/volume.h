/* Storage beyond the image: named volumes (<data root>/volumes/<name>/_data, kept after
 * the container is gone), bind mounts of host paths, tmpfs (memory), and a read-only
 * root. Mount targets are resolved inside the container's root with openat2(2)
 * RESOLVE_BENEATH, so a symlink in the image can never send a mount onto the host;
 * the mount itself goes through the new mount API (open_tree, mount_setattr, move_mount)
 * or /proc/self/fd/N. mount(2), openat2(2), tmpfs(5). Lab 12. */
#ifndef GB_VOLUME_H
#define GB_VOLUME_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "storage/mountspec.h"

struct gb_runtime;

/* Named volumes. */
int gb_volume_data_path(const struct gb_runtime *rt, const char *name, char *buf, size_t len);
/* Create (0) or find existing (1). */
int gb_volume_create(struct gb_runtime *rt, const char *name, struct gb_err *err);
/* A named volume whose data is a host directory (Compose's driver_opts o: bind, device:
 * DIR): its _data is a symlink to DIR, so mounting it binds DIR, it is filled from the
 * image when DIR is empty, and removing the volume leaves DIR and its files. 1: it existed. */
int gb_volume_create_bound(struct gb_runtime *rt, const char *name, const char *device,
			   struct gb_err *err);
/* Refused (EBUSY) while any container, running or not, mounts it. */
int gb_volume_remove(struct gb_runtime *rt, const char *name, bool force, struct gb_err *err);
char **gb_volume_list(struct gb_runtime *rt);
/* name, mountpoint, created, size, and the containers that use it. */
int gb_volume_inspect(struct gb_runtime *rt, const char *name, struct gb_json *j,
		      struct gb_err *err);

/* Host side, create phase: check bind sources, create named volumes that are missing. */
int gb_mounts_prepare(struct gb_runtime *rt, const struct gb_mount *m, int n, struct gb_err *err);
/* Container side, after the overlay and before /proc, /sys, /dev and pivot_root. */
int gb_mounts_apply(struct gb_runtime *rt, const char *root, const struct gb_mount *m, int n,
		    struct gb_err *err);
/* Container side, after /dev: remount the root read-only (the mounts on it stay as they are). */
int gb_mounts_readonly_root(const char *root, struct gb_err *err);

/* Once the container runs: one volume.mount event per mount, with what the container's
 * /proc/PID/mountinfo says about its target (fstype, options, whether it is mounted). */
void gb_mounts_emit(struct gb_runtime *rt, int pid, const struct gb_mount *m, int n);

/* Resolve path (absolute, inside) beneath the directory root_fd without leaving it;
 * create missing directories (and a missing last component as a file when as_file).
 * Returns an O_PATH fd, or -EXDEV with a message when a symlink points outside. */
int gb_mount_resolve(int root_fd, const char *path, bool create, bool as_file, struct gb_err *err);

/* Anonymous volumes (an image's VOLUME, issue 15): each VOLUME path that no -v/--mount
 * covers gets a volume named "anon-ID-N" after its container, made and filled from the
 * image like a named one, and removed with the container (as `docker run --rm` and
 * `docker rm -v` do). Added to m[*n] (at most max); -E2BIG past max. */
int gb_mounts_add_anon(struct gb_mount *m, int *n, int max, char *const *paths, const char *id,
		       struct gb_err *err);
/* Remove the anonymous volumes of container id among its mounts (after its state is gone). */
void gb_volumes_remove_anon(struct gb_runtime *rt, const struct gb_mount *m, int n, const char *id);

#endif
