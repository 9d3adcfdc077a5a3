/* What a container changed, read from its overlay upper dir as `docker diff` prints it:
 * A (added: not in any lower layer), C (changed: copied up from a lower layer), D
 * (deleted: a whiteout, the 0/0 character device overlayfs leaves for a removed lower
 * file). Documentation/filesystems/overlayfs.rst. Lab 11. */
#ifndef GB_DIFF_H
#define GB_DIFF_H

#include "base/error.h"

/* lower: overlay lowerdir list (top first, ':' separated). Calls fn(kind, path) for each
 * change in path order; kind is 'A', 'C' or 'D'. */
int gb_diff(const char *upper, const char *lower,
	    void (*fn)(void *data, char kind, const char *path), void *data, struct gb_err *err);

#endif
