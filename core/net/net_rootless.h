/* Bridge networks without root (issue 21), as rootless podman and rootlesskit do them: one
 * long-lived "student network namespace", owned by a user namespace of the student's own
 * (kept alive by a small holder process), holds the bridges and the host ends of the veths.
 * A rootless container's user namespace is made as a CHILD of the student's, so the
 * student's namespace root has CAP_NET_ADMIN over the container's network namespace and
 * can move a veth end into it. pasta (Debian passt) connects the student namespace to the
 * host. user_namespaces(7), network_namespaces(7), pasta(1). Lab 17 (bridge-networking). */
#ifndef GB_NET_ROOTLESS_H
#define GB_NET_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "net/net.h"
#include "ns/userns.h"
#include "state/state.h"

/* Bridges go into the student's network namespace: we are not root. */
bool gb_net_rootless(void);
/* The student's namespaces exist (holder started, pasta attached) and their fds are open
 * (O_CLOEXEC; the caller closes them). userns or netns may be NULL. */
int gb_net_rootless_up(struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err);
/* The same, but -ENOENT (without starting anything) when there is no student namespace. */
int gb_net_rootless_open(const struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err);
/* The holder's pid, 0 when none is alive. */
pid_t gb_net_rootless_holder(const struct gb_runtime *rt);
/* Stop the holder and pasta: the namespaces, their bridges and veths go with them. */
void gb_net_rootless_down(const struct gb_runtime *rt);

/* A route netlink socket opened by a short-lived process that joined userns, then netns:
 * an ordinary user's setns(CLONE_NEWNET) needs CAP_SYS_ADMIN in its own user namespace,
 * which only the namespace's root has. The socket comes back over SCM_RIGHTS and keeps
 * talking to netns; the kernel checks CAP_NET_ADMIN against its opener's credentials. */
int gb_net_nl_open_via(struct gb_net_nl *nl, int userns, int netns, struct gb_err *err);
/* The same inside pid's network namespace, joining pid's own user namespace first. */
int gb_net_nl_open_pid(struct gb_net_nl *nl, pid_t pid, struct gb_err *err);

/* clone3(flags) from inside userns (a short-lived middle process joins it, then clones with
 * CLONE_PARENT): the new user namespace is a child of userns, the new process a child of
 * ours. Returns 0 in the new process, its pid here (*pidfd set), or -errno. */
pid_t gb_net_rootless_clone(int userns, int flags, int cgroup_fd, int *pidfd, struct gb_err *err);
/* The maps of pid (cloned as above) written by userns's root: the same ids inside as in
 * the student's namespace, so outside they are what a rootless container always gets. */
int gb_net_rootless_write_maps(int userns, pid_t pid, const struct gb_idmap *uids,
			       const struct gb_idmap *gids, struct gb_err *err);

#endif
