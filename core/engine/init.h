/* --init: glassbox-init (init/glassbox-init.c) as the container's PID 1, bind-mounted
 * read-only from the host so the image needs nothing. mount(2) MS_BIND, pid_namespaces(7).
 * Lab 13 (pid1-signals-zombies). */
#ifndef GB_INIT_H
#define GB_INIT_H

#include <stddef.h>

#include "base/error.h"

/* Where it appears inside the container (Docker uses /sbin/docker-init). */
#define GB_INIT_PATH "/sbin/glassbox-init"

/* The host's copy: $GLASSBOX_INIT, or <share_dir>/../../libexec/glassbox/glassbox-init
 * (next to bin/glassbox in a build or install tree). -ENOENT with a hint if missing. */
int gb_init_host_path(const char *share_dir, char *buf, size_t len, struct gb_err *err);
/* Container side, before pivot_root: bind `host` read-only onto ROOT/sbin/glassbox-init
 * (the mount point, an empty file, is made in the writable layer when missing). */
int gb_init_bind(const char *host, const char *root, struct gb_err *err);
/* A new argv: glassbox-init -- ARGV... (free with gb_strv_free). NULL when out of memory. */
char **gb_init_argv(char *const *argv);

#endif
