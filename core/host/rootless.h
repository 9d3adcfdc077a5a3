/* What an ordinary user (a student without root) gets on this host for rootless
 * containers: user namespaces and their limit, subordinate id ranges, the setuid helpers
 * newuidmap/newgidmap, a user-mode network helper (pasta or slirp4netns). Each is a
 * gb_host_feature: missing_for says whether the kernel or root's setup is what lacks.
 * user_namespaces(7), subuid(5), newuidmap(1), pasta(1), slirp4netns(1). Issue 21. */
#ifndef GB_HOST_ROOTLESS_H
#define GB_HOST_ROOTLESS_H

#include <stddef.h>

#include "host/hostcheck.h"

size_t gb_rootless_count(void);
/* Fill *out with item i (keys "rootless.userns", "rootless.subuid", "rootless.subgid",
 * "rootless.idmap_helpers", "rootless.network", "rootless.bridge",
 * "rootless.userns_host"). */
void gb_rootless_run(size_t i, struct gb_host_feature *out);
/* The item named key; -ENOENT when there is none. */
int gb_rootless_probe(const char *key, struct gb_host_feature *out);

#endif
