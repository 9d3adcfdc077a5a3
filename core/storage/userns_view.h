/* The paths a user-namespaced container needs, made reachable inside its own mount
 * namespace. The data and state roots are 0700 root:root (core/state/roots.c), and root inside a
 * user namespace is an ordinary uid outside (100000 with --userns=auto): it may not search
 * them, yet the overlay (lower, upper, work dirs), /etc/hosts and the volumes are mounted
 * by it, after it became root of its namespace. So the child opens those directories
 * while it still has the host root's uid (O_PATH: an fd keeps what the open was allowed),
 * and once it is the mapped root, it covers each root with an empty tmpfs, in its own
 * mount namespace only, and bind-mounts each opened directory at its own path on it.
 * The host's modes never change; pivot_root later detaches it all.
 * mount_namespaces(7), user_namespaces(7), proc(5) (/proc/PID/fd), overlayfs.rst. Lab 06. */
#ifndef GB_USERNS_VIEW_H
#define GB_USERNS_VIEW_H

#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "state/state.h"

#define GB_VIEW_MAX 64

struct gb_userns_view {
	size_t n;
	int fd[GB_VIEW_MAX];	 /* O_PATH, opened with the host root's uid */
	char *path[GB_VIEW_MAX]; /* where each is bound again (its own host path) */
};

/* In the child, before it becomes root of its namespace: open every directory under the
 * data or state root that a later row reaches (each lower dir, containers/ID holding
 * upper/work/merged, the state dir with hosts, hostname, resolv.conf, each volume). */
int gb_userns_view_open(struct gb_userns_view *v, const struct gb_runtime *rt,
			const struct gb_state *st, struct gb_err *err);

/* In the child, as the mapped root, after mount-private: a tmpfs on each root, then one
 * bind mount per opened directory, from /proc/self/fd/N. Closes the fds. */
int gb_userns_view_mount(struct gb_userns_view *v, const struct gb_runtime *rt, struct gb_err *err);

/* The call as a student would write it, for the step's "call" member. */
void gb_userns_view_call(const struct gb_runtime *rt, const struct gb_state *st, char *buf,
			 size_t len);

/* On the host: can the mapped root (uid, gid) reach the places the view is mounted on,
 * the parents of both roots? The first it cannot search is named, with the fix. */
int gb_userns_view_check(const struct gb_runtime *rt, uid_t uid, gid_t gid, struct gb_err *err);

#endif
