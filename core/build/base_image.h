/* Base images made on this host (base_image.c): FROM debian:bookworm and friends, a root
 * filesystem from the Debian mirror apt already uses, made once and kept as a layer. */
#ifndef GB_BASE_IMAGE_H
#define GB_BASE_IMAGE_H

#include "base/error.h"
#include "state/state.h"

/* debian:bullseye|bookworm|trixie|oldstable|stable (and 11, 12, 13) (mmdebstrap or debootstrap from the mirror apt uses).
 * 1 when name is one of them and it was made (or already existed), 0 when name is not a
 * base glassbox can make. */
int gb_base_make(struct gb_runtime *rt, const char *name, struct gb_err *err);
/* "debian:bullseye, debian:bookworm, ..." for messages */
const char *gb_base_names(void);

#endif
