/* Sockets made inside a network namespace by a short-lived forked helper that joins a user
 * namespace first (setns(2)), handed back over SCM_RIGHTS (unix(7)): an ordinary user may
 * join a network namespace only as root of the user namespace that owns it, and a thread
 * cannot change its user namespace. A socket keeps its namespace for life. Used by the
 * rootless network (net_rootless.h) and the port proxy (net.h). Uses only base/. */
#ifndef GB_NET_VIA_H
#define GB_NET_VIA_H

/* socket(what[0], what[1], what[2]) after setns(userns) (skipped when -1) and setns(netns).
 * 0 and *fd, or -errno (the helper's). */
int gb_net_socket_via3(int userns, int netns, const int what[3], int *fd);
/* socket(domain, type, 0) the same way (the port proxy's upstream). */
int gb_net_socket_via(int userns, int netns, int domain, int type, int *fd);

#endif
