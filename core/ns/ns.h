/* Namespaces: clone3(2), setns(2), unshare(2), namespaces(7). Labs 02-05. */
#ifndef GB_NS_H
#define GB_NS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/json.h"

enum gb_ns_kind {
	GB_NS_PID,
	GB_NS_MNT,
	GB_NS_UTS,
	GB_NS_IPC,
	GB_NS_NET,
	GB_NS_CGROUP,
	GB_NS_USER,
	GB_NS_COUNT
};

struct gb_ns_ids {
	unsigned long long ino[GB_NS_COUNT]; /* 0 when unreadable */
};

const char *gb_ns_name(enum gb_ns_kind k); /* "pid", "mnt", ... as in /proc/PID/ns */
int gb_ns_clone_flag(enum gb_ns_kind k);   /* CLONE_NEWPID, ... */
/* "CLONE_NEWPID|CLONE_NEWNS|..." for a flags value. */
void gb_ns_flags_str(int flags, char *buf, size_t len);

/* Read the namespace inode numbers of pid (0 = this process). */
void gb_ns_read(pid_t pid, struct gb_ns_ids *ids);
void gb_ns_to_json(const struct gb_ns_ids *ids, struct gb_json *j, const char *key);

/* clone3() with the given CLONE_NEW* flags: like fork(), returns 0 in the child and the
 * child's host PID in the parent; *pidfd gets a pidfd for the child (CLONE_PIDFD). */
pid_t gb_ns_clone(int flags, int *pidfd, struct gb_err *err);
/* The same, born inside the cgroup2 dir open at cgroup_fd (CLONE_INTO_CGROUP, Linux
 * 5.7); -1: where the parent is. Falls back to a plain clone when the kernel refuses. */
pid_t gb_ns_clone_into(int flags, int cgroup_fd, int *pidfd, struct gb_err *err);
/* clone3 with CLONE_PARENT (the child is our parent's, not ours: a short-lived process
 * that joined a user namespace makes the container's PID 1 for the engine), born in the
 * cgroup2 dir at cgroup_fd when the kernel lets it (else where the parent is, as above).
 * CLONE_PARENT takes no exit_signal (the kernel refuses one): the child gets the caller's,
 * SIGCHLD. Returns 0 in the child, its PID in the caller, -errno. */
long gb_ns_clone_parent(int flags, int cgroup_fd);
/* The container's first process made from inside the user namespace at userns_fd (a
 * student's, or an OCI config's by path), so that it owns the new namespaces of flags: a
 * short-lived child does setns(CLONE_NEWUSER) (the engine keeps its host credentials)
 * and gb_ns_clone_parent (the process is still our child). Returns 0 in that process,
 * its PID in the caller (and *pidfd), or -errno with *joined telling whether the setns
 * worked (then the clone failed) or not. */
pid_t gb_ns_clone_in_userns(int userns_fd, int flags, int cgroup_fd, int *pidfd, bool *joined);

/* Join every namespace of pid that differs from ours (for `exec`). */
int gb_ns_join(pid_t pid, int pidfd, struct gb_err *err);

/* In a forked, single-threaded child that looks at pid's container from outside: join
 * pid's user namespace first when we are not root and it is not ours (a rootless
 * container), so that setns() into its other namespaces is allowed. 0 when not needed. */
int gb_ns_join_user_of(pid_t pid, struct gb_err *err);
/* The same child joins pid's namespace of kind k (its user namespace first, when
 * rootless); 0 at once when that namespace is ours already. */
int gb_ns_enter_one(pid_t pid, enum gb_ns_kind k, struct gb_err *err);

int gb_pidfd_open(pid_t pid);
int gb_pidfd_send_signal(int pidfd, int sig);

#endif
