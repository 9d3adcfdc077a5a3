/* A layer tarball into a layer directory that overlayfs can stack: the OCI image spec's
 * whiteouts (`.wh.NAME` deletes NAME of the layers below, `.wh..wh..opq` hides a whole
 * directory below) become overlayfs's own (a 0/0 character device, the xattr
 * trusted.overlay.opaque=y; Documentation/filesystems/overlayfs.rst). Entries that would
 * land outside the layer (`..`, absolute names, writes through a symlink) are refused. */
#ifndef GB_REGISTRY_LAYER_H
#define GB_REGISTRY_LAYER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum gb_whiteout { GB_WH_NONE, GB_WH_FILE, GB_WH_OPAQUE };

/* A tar entry's name made relative and checked: "./a/b" -> "a/b". -EPERM for names that
 * climb out ("../x", "a/../../x") or are absolute; -EINVAL for empty ones. */
int gb_layer_path_clean(const char *name, char *out, size_t len);
/* Which whiteout a clean path is: for GB_WH_FILE target is the path it deletes, for
 * GB_WH_OPAQUE the directory it makes opaque (""=the layer's root). */
enum gb_whiteout gb_whiteout_kind(const char *path, char *target, size_t len);
/* Unpack TARFILE (plain, gzip or zstd) into the existing, empty directory DIFF. On error
 * DIFF may hold part of the layer: the caller removes it. */
int gb_layer_unpack(const char *tarfile, const char *diff, const char *what, struct gb_err *err);
/* Whether a file is a tar, plain or compressed (gzip, bzip2, xz...), told by its content
 * as Docker's ADD does, not by its name: libarchive reads the first header. */
bool gb_layer_is_tar(const char *path);

#endif
