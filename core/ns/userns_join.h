/* A user namespace that already exists, given by path (OCI linux.namespaces user with a
 * path: a pod's, podman's --userns=ns:PATH): its maps as the host sees them, and a clone
 * whose new namespaces it owns. user_namespaces(7), setns(2), clone3(2). Issue 14. */
#ifndef GB_USERNS_JOIN_H
#define GB_USERNS_JOIN_H

#include <sys/types.h>

#include "base/error.h"
#include "ns/userns.h"

/* The uid and gid maps of the user namespace at path, read from /proc/CHILD/uid_map of a
 * short-lived child that joined it (the file shows the map relative to its reader, here
 * the host). -EINVAL naming the path when it is not a user namespace or has no maps. */
int gb_userns_join_maps(const char *path, struct gb_idmap *uids, struct gb_idmap *gids,
			struct gb_err *err);
/* clone3(flags, without CLONE_NEWUSER) from a short-lived middle process that joined the
 * user namespace at path: the kernel makes the new namespaces owned by it, and with
 * CLONE_PARENT the new process is our child. We stay in our own user namespace (a process
 * cannot go back to an ancestor's). Returns 0 in the new process, its pid here (*pidfd
 * set), or -errno. */
pid_t gb_userns_join_clone(const char *path, int flags, int cgroup_fd, int *pidfd,
			   struct gb_err *err);

#endif
