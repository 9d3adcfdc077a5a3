/* A container on networks: the engine's side of core/net*.c. Which networks it joins, its
 * veth pairs and addresses, its /etc/hosts, /etc/hostname and /etc/resolv.conf, and the
 * proxy of its published ports in the monitor. network_namespaces(7), veth(4), hosts(5).
 * Labs 05 (network-namespace) and 17 (bridge-networking). */
#ifndef GB_NET_CONTAINER_H
#define GB_NET_CONTAINER_H

#include <pthread.h>

#include "net/net.h"
#include "state/state.h"

#define GB_CNET_MAX 8	   /* networks per container: eth0 .. eth7 (struct gb_state.nets) */
#define GB_CNET_PUB_MAX 16 /* published ports per container */

/* ---- networks as objects: glassbox network create|rm|prune, lab 17's check ---- */

/* subnet NULL: the first free /24 of the pool (overlapping nothing the host uses). */
int gb_net_container_network_create(struct gb_runtime *rt, const char *name, const char *subnet,
				    bool internal, struct gb_net_network *out, struct gb_err *err);
/* Refused while containers are on it. */
int gb_net_container_network_remove(struct gb_runtime *rt, const char *name, struct gb_err *err);
/* Free the leases of containers that no longer exist and delete their veths. */
int gb_net_container_prune(struct gb_runtime *rt, int *leases, int *links, struct gb_err *err);

/* The parser's check of --network, --network-alias and -p, before anything is made.
 * none: `--network none` was given. */
int gb_net_container_config_check(const struct gb_config *c, bool none, struct gb_err *err);
static inline bool gb_net_container_wanted(const struct gb_config *c)
{
	return c->networks && c->networks[0];
}

/* ---- the start steps ---- */

/* Host: a lease on each network (the default one is made on first use), its bridge up,
 * a veth pair with the host end on the bridge and the peer moved into pid's network
 * namespace. Fills st->nets; the other containers' /etc/hosts learn the new name. */
int gb_net_container_join(struct gb_runtime *rt, struct gb_state *st, pid_t pid,
			  struct gb_err *err);
/* Host, through a netlink socket opened inside pid's namespace: rename to eth<k>, address,
 * up, default route (the first network that is not internal). */
int gb_net_container_configure(struct gb_runtime *rt, const struct gb_state *st, pid_t pid,
			       struct gb_err *err);
/* Leave every network of the config: leases freed, veths deleted, the other containers'
 * /etc/hosts rewritten. Anything already gone is fine, and no process of the container or
 * of the engine that started it is needed (rm -f after a kill -9). */
void gb_net_container_leave(struct gb_runtime *rt, const struct gb_state *st);
/* Host: write hosts, hostname and resolv.conf into the container's state dir (the host
 * writes them: the child may already be an unprivileged uid in a user namespace). */
int gb_net_container_etc_write(struct gb_runtime *rt, const struct gb_state *st,
			       struct gb_err *err);
/* Container side, before pivot_root: bind-mount them over <merged>/etc/. */
int gb_net_container_etc_mount(const struct gb_runtime *rt, const struct gb_state *st,
			       struct gb_err *err);
/* Host: bind and listen on every -p now, so a port in use fails the start. */
int gb_net_container_publish(struct gb_runtime *rt, const struct gb_state *st, int *fds, size_t *n,
			     struct gb_err *err);

/* The links, addresses and routes inside pid's network namespace, as {key: view}. */
void gb_net_container_observe_json(pid_t pid, struct gb_json *j, const char *key);
/* The same on the host side (the engine's own namespace). */
void gb_net_container_observe_host_json(struct gb_json *j, const char *key);
/* The bridges' side: the host's namespace, or rootless the student's (net_rootless.h). */
void gb_net_container_observe_bridges_json(struct gb_runtime *rt, struct gb_json *j,
					   const char *key);

/* ---- the port proxy, a thread of the monitor ---- */

struct gb_net_container_proxy {
	bool running;
	pthread_t thread;
	int stop[2];	 /* closing stop[1] ends the proxy */
	int netns;	 /* -1, or the container's namespace to connect from */
	uint32_t target; /* the container's address on its first network */
	struct gb_net_publish pubs[GB_CNET_PUB_MAX];
	int fds[GB_CNET_PUB_MAX];
	size_t n;
	int userns; /* -1, or (rootless) the user namespace to join before netns */
};

/* Takes over fds[0..n) (the publish step's listeners). No ports: nothing to do. */
int gb_net_container_proxy_start(struct gb_net_container_proxy *p, struct gb_runtime *rt,
				 const struct gb_state *st, pid_t pid, const int *fds, size_t n);
void gb_net_container_proxy_stop(struct gb_net_container_proxy *p);

#endif
