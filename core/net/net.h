/* Container networking: links, addresses and routes through rtnetlink (core/net/net.c), the
 * networks and their address management (core/net/net_ipam.c), /etc/hosts, and published
 * ports (core/net/net_proxy.c). Labs 05 (network-namespace) and 17 (bridge-networking). */
#ifndef GB_NET_H
#define GB_NET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/json.h"
#include "net/net_addr.h"

/* ======================= rtnetlink (core/net/net.c) ======================= */

/* A route netlink socket. A netlink socket talks to the network namespace it was created
 * in, for its whole life: gb_net_nl_open_in opens one inside another namespace. */
struct gb_net_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
};

int gb_net_nl_open(struct gb_net_nl *nl, struct gb_err *err);
/* Bind an opened route socket (nl->sock), with extended acks; closes it on failure. */
int gb_net_nl_ready(struct gb_net_nl *nl, struct gb_err *err);
/* Open the socket inside the network namespace netns_fd (from /proc/PID/ns/net). */
int gb_net_nl_open_in(struct gb_net_nl *nl, int netns_fd, struct gb_err *err);
void gb_net_nl_close(struct gb_net_nl *nl);
/* open("/proc/PID/ns/net"): a handle that keeps the namespace alive while open. */
int gb_net_netns_open(pid_t pid, int *fd, struct gb_err *err);
/* Run fn(arg) on a short-lived thread that first joins the network namespace netns_fd
 * with setns(): sockets it creates belong to that namespace. The caller never moves. */
int gb_net_in_netns(int netns_fd, int (*fn)(void *arg, struct gb_err *err), void *arg,
		    struct gb_err *err);

int gb_net_link_index(struct gb_net_nl *nl, const char *name, int *index, struct gb_err *err);
int gb_net_bridge_create(struct gb_net_nl *nl, const char *name, struct gb_err *err);
/* A veth pair: two interfaces joined by a virtual cable (veth(4)). */
int gb_net_veth_create(struct gb_net_nl *nl, const char *name, const char *peer,
		       struct gb_err *err);
/* Move a link into the network namespace netns_fd; it disappears from this one. */
int gb_net_link_set_netns(struct gb_net_nl *nl, const char *name, int netns_fd, struct gb_err *err);
int gb_net_link_rename(struct gb_net_nl *nl, const char *name, const char *newname,
		       struct gb_err *err);
int gb_net_link_set_master(struct gb_net_nl *nl, const char *name, const char *bridge,
			   struct gb_err *err);
int gb_net_link_set_up(struct gb_net_nl *nl, const char *name, struct gb_err *err);
/* Deleting one end of a veth pair deletes both. */
int gb_net_link_delete(struct gb_net_nl *nl, const char *name, struct gb_err *err);
/* addr in host byte order, e.g. 10.213.1.2/24. */
int gb_net_addr_add(struct gb_net_nl *nl, const char *ifname, uint32_t addr, int prefix,
		    struct gb_err *err);
int gb_net_route_add_default(struct gb_net_nl *nl, uint32_t gateway, const char *ifname,
			     struct gb_err *err);

/* What one network namespace looks like, as the kernel reports it. */
struct gb_net_link_view {
	int index;
	char name[IF_NAMESIZE];
	char kind[16]; /* "veth", "bridge", "" for plain devices like lo */
	int master;    /* ifindex of the bridge it is attached to, 0 if none */
	bool up;       /* IFF_UP: administratively up */
	bool carrier;  /* IFF_LOWER_UP: the cable is plugged in */
	unsigned int mtu;
	char mac[18];
	char addrs[8][19]; /* IPv4 "a.b.c.d/n" */
	int n_addrs;
};
struct gb_net_route_view {
	char dst[19];	  /* "default" or "a.b.c.d/n" */
	char gateway[16]; /* "" when directly connected */
	int oif;
	char ifname[IF_NAMESIZE];
};
struct gb_net_view {
	struct gb_net_link_view links[256];
	int n_links;
	struct gb_net_route_view routes[128];
	int n_routes;
};
/* Links with their IPv4 addresses, and the IPv4 routes of the main table. */
int gb_net_observe(struct gb_net_nl *nl, struct gb_net_view *v, struct gb_err *err);
/* {"links":[{"name","index","kind","up","carrier","mtu","mac","master","addrs":[...]}],
 *  "routes":[{"dst","gateway","ifname"}]} as the `observed.net` member of docs/events.md. */
void gb_net_view_json(const struct gb_net_view *v, struct gb_json *j, const char *key);
const struct gb_net_link_view *gb_net_view_link(const struct gb_net_view *v, const char *name);

/* ======================= networks (core/net/net_ipam.c; addresses: net_addr.h) ======================= */

#define GB_NET_NAME_MAX 64
#define GB_NET_DEFAULT "bridge" /* the network a container joins by default */
#define GB_NET_DEFAULT_BRIDGE "glassbox0"
#define GB_NET_POOL "172.29.0.0/16" /* subnets are carved from here as /24s */

/* One address handed out to one container on one network. */
struct gb_net_lease {
	uint32_t addr;
	char id[32];	/* container id */
	char name[128]; /* container name: other containers find it by this */
	char **aliases; /* more names (NULL-terminated, may be NULL) */
};

struct gb_net_network {
	char name[GB_NET_NAME_MAX];
	char driver[16]; /* "bridge" */
	char bridge[IF_NAMESIZE];
	struct gb_net_cidr subnet;
	uint32_t gateway; /* the bridge's address; the containers' default route */
	bool internal;	  /* no address on the bridge: the host cannot reach in */
	char created[32];
	struct gb_net_lease *leases;
	size_t n_leases;
};

/* Network names: letters, digits, '_', '.', '-'; "none" and "host" are modes, not networks. */
int gb_net_name_check(const char *name, struct gb_err *err);
/* The Linux bridge's name for a network: "gb-NAME", or "gb-" + a hash when NAME is long. */
void gb_net_bridge_name(const char *network, char out[IF_NAMESIZE]);
/* Fill a new network. subnet may be NULL: the first free /24 of GB_NET_POOL is taken.
 * taken[] are subnets already in use (other networks, the host's own addresses); an
 * overlap with any of them is refused, naming it. */
int gb_net_network_init(struct gb_net_network *net, const char *name, const char *subnet,
			bool internal, const struct gb_net_cidr *taken, const char *const *taken_by,
			size_t n_taken, struct gb_err *err);
void gb_net_network_free(struct gb_net_network *net);

/* Lowest free address that is not the network, the gateway or the broadcast address. */
int gb_net_lease_alloc(struct gb_net_network *net, const char *id, const char *name,
		       char *const *aliases, uint32_t *addr, struct gb_err *err);
/* Give back the address of container id; -ENOENT when it has none here. */
int gb_net_lease_free(struct gb_net_network *net, const char *id);
const struct gb_net_lease *gb_net_lease_find(const struct gb_net_network *net, const char *id);

/* State: <root>/networks/<name>.json, written atomically. */
void gb_net_network_json(const struct gb_net_network *net, struct gb_json *j, const char *key);
int gb_net_network_from_json(const struct gb_jval *v, struct gb_net_network *net,
			     struct gb_err *err);
int gb_net_store_lock(const char *root, int *fd, struct gb_err *err);
int gb_net_network_save(const char *root, const struct gb_net_network *net, struct gb_err *err);
int gb_net_network_load(const char *root, const char *name, struct gb_net_network *net,
			struct gb_err *err);
int gb_net_network_remove(const char *root, const char *name, struct gb_err *err);
/* Names of all stored networks, sorted (NULL-terminated, free with gb_strv_free). */
int gb_net_network_list(const char *root, char ***names, struct gb_err *err);

/* /etc/hosts for container self_id: localhost, then every container on every network it
 * shares, by name and aliases; each address once. Returns a malloc'd text. */
char *gb_net_hosts_render(const struct gb_net_network *nets, size_t n_nets, const char *self_id,
			  const char *hostname);

/* ======================= joining networks (core/net/net_attach.c) ======================= */

struct gb_events;

/* Interface names for container id on its k-th network: the host end "gbv" + 8 characters
 * of the id + k; the peer "gbp..." until it is renamed eth<k> inside. */
void gb_net_veth_names(const char *id, int k, char host[IF_NAMESIZE], char peer[IF_NAMESIZE]);
/* The network's bridge exists, has the gateway address (none when internal) and is up.
 * An existing bridge is reused, so this also repairs a network after a reboot. */
int gb_net_network_up(struct gb_net_nl *nl, const struct gb_net_network *net, struct gb_err *err);
/* Delete the bridge; ENODEV (already gone) is not an error. */
int gb_net_network_down(struct gb_net_nl *nl, const struct gb_net_network *net, struct gb_err *err);
/* Every subnet already in use: stored networks and the addresses and routes of the
 * namespace behind nl. *by names each one ("network app", "eth0 address"). */
int gb_net_taken_subnets(const char *root, struct gb_net_nl *nl, struct gb_net_cidr **taken,
			 char ***by, size_t *n, struct gb_err *err);

/* One container on one network. */
struct gb_net_join {
	const struct gb_net_network *net;
	const char *id; /* container id */
	int k;		/* eth<k> */
	uint32_t addr;
	bool default_route; /* only one network (the first that is not internal) */
};
/* Host side: the veth pair, its host end on the bridge and up, the peer moved into
 * netns_fd. Emits net.veth. Undoes itself on failure. */
int gb_net_join_veth(struct gb_net_nl *host, int netns_fd, const struct gb_net_join *j,
		     struct gb_events *ev, struct gb_err *err);
/* Inside (a socket opened in the container's namespace): rename to eth<k>, address, up,
 * default route. Emits net.addr and net.route. */
int gb_net_join_configure(struct gb_net_nl *inside, const struct gb_net_join *j,
			  struct gb_events *ev, struct gb_err *err);
/* Bring lo up: a new network namespace starts with lo down (lab 05's surprise). */
int gb_net_lo_up(struct gb_net_nl *inside, struct gb_events *ev, struct gb_err *err);
/* Delete the host end of container id's k-th veth (the peer goes with it). Gone already
 * (the container's namespace died and took the pair with it) is not an error. */
int gb_net_leave(struct gb_net_nl *host, const char *id, int k, struct gb_err *err);
/* Delete every glassbox veth (gbv...) whose container is not alive(id8); *removed counts. */
int gb_net_prune_links(struct gb_net_nl *host, bool (*alive)(const char *id8, void *data),
		       void *data, int *removed, struct gb_err *err);

/* ======================= published ports (core/net/net_proxy.c) ======================= */

struct gb_net_publish {
	uint32_t host_ip; /* default 127.0.0.1 */
	int host_port;
	int container_port;
	char proto[4]; /* "tcp" */
};

/* "[IP:]HOST:CONTAINER[/tcp]" */
int gb_net_publish_parse(const char *s, struct gb_net_publish *p, struct gb_err *err);
/* net.publish event (core/net/net_attach.c). */
void gb_net_event_publish(struct gb_events *ev, const struct gb_net_publish *p);
/* Bind and listen on the host side now, so "port in use" is an error before the start. */
int gb_net_publish_listen(const struct gb_net_publish *p, int *fd, struct gb_err *err);
/* Forward every connection on listen_fds[i] to target_ip:pubs[i].container_port until
 * stop_fd becomes readable (or closes). Each connection is copied both ways, half-closes
 * passed on. target_netns may be -1 (connect from here) or a netns fd to connect from. */
int gb_net_proxy_run(const struct gb_net_publish *pubs, const int *listen_fds, size_t n,
		     uint32_t target_ip, int target_netns, int stop_fd, struct gb_err *err);
/* The same, rootless: upstream sockets are made by a helper that joins target_userns
 * (-1: none) and then target_netns (core/net/net_rootless.h). */
int gb_net_proxy_run_via(const struct gb_net_publish *pubs, const int *listen_fds, size_t n,
			 uint32_t target_ip, int target_userns, int target_netns, int stop_fd,
			 struct gb_err *err);

#endif
