/* Subordinate id ranges for the class (subuid(5), subgid(5)): a student's rootless
 * containers map ids 1..65535 inside to a range of the host's ids that only they own,
 * through the setuid helpers newuidmap/newgidmap. `classroom setup` appends a range for a
 * student who has none and remembers the exact line; `classroom teardown` removes only
 * the lines it added. */
#ifndef GB_CLASSROOM_SUBIDS_H
#define GB_CLASSROOM_SUBIDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_CLASS_SUBID_COUNT 65536u
#define GB_CLASS_SUBID_MIN 100000u

/* Whether file gives name/uid a range (any line, by name or by uid). */
bool gb_class_subid_has(const char *file, const char *name, uid_t uid);
/* Append "name:START:65536" to file, START above every range already in it (and at
 * least min), under file's shadow-utils lock (FILE.lock), by writing a copy and renaming
 * it over the file: existing lines are kept byte for byte. *start receives START. */
int gb_class_subid_append(const char *file, const char *name, uint32_t min, uint32_t *start,
			  struct gb_err *err);
/* Remove exactly the line "name:start:65536" (if present), the same way. */
int gb_class_subid_remove(const char *file, const char *name, uint32_t start, struct gb_err *err);

#endif
