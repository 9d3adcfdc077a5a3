/* `glassbox import TARBALL [NAME]`: a root filesystem tarball (plain, gzip, zstd, xz) as
 * an image of one layer, unpacked by the same code as a pulled layer (registry/layer.h:
 * owners, modes, xattrs, hard links and devices kept; `..` and symlink escapes refused).
 * The image has no command, as Docker's import makes it: `glassbox run NAME CMD`. */
#ifndef GB_REGISTRY_IMPORT_H
#define GB_REGISTRY_IMPORT_H

#include "state/state.h"

/* NAME NULL: the tarball's file name without its extensions ("rootfs.tar.gz" -> rootfs).
 * The stored name goes into out. */
int gb_import(struct gb_runtime *rt, const char *tarball, const char *name, char *out, size_t len,
	      struct gb_err *err);

#endif
