/* Mount specs: `-v SRC:DST[:ro]`, `--mount type=...`, `--tmpfs DST[:opts]` as a container's
 * config holds them (mountspec.c). What they become in the kernel: volume.h. */
#ifndef GB_MOUNTSPEC_H
#define GB_MOUNTSPEC_H

#include <stdbool.h>

#include "base/error.h"

struct gb_json;

enum gb_mount_type { GB_MOUNT_BIND, GB_MOUNT_VOLUME, GB_MOUNT_TMPFS };

struct gb_mount {
	enum gb_mount_type type;
	char source[512]; /* host path (bind), volume name (volume), "" (tmpfs) */
	char target[512]; /* absolute path inside the container */
	bool readonly;
	char options[128]; /* tmpfs: "size=64m,mode=1777" */
};

#define GB_MOUNTS_MAX 16

/* Parse `-v SRC:DST[:ro|rw]`, `--mount type=...,source=...,target=...,readonly` and
 * `--tmpfs DST[:size=...]` (pure: unit tested). EINVAL with a message that names the fix. */
int gb_mount_parse_volume(const char *spec, struct gb_mount *m, struct gb_err *err);
int gb_mount_parse_mount(const char *spec, struct gb_mount *m, struct gb_err *err);
int gb_mount_parse_tmpfs(const char *spec, struct gb_mount *m, struct gb_err *err);
const char *gb_mount_type_name(enum gb_mount_type t);
void gb_mount_to_json(const struct gb_mount *m, struct gb_json *j);
/* Volume names: letters, digits, '_', '.', '-', starting with a letter or digit. */
bool gb_volume_name_valid(const char *name);

#endif
