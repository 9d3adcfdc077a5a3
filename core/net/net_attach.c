/* Joining a container to a network: a veth pair (veth(4)) from the network's bridge into
 * the container's network namespace (network_namespaces(7)), an address, a default route;
 * each change reported as an event. Labs 05 (network-namespace) and 17 (bridge-networking). */
#include "net/net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/events.h"
#include "base/util.h"

void gb_net_veth_names(const char *id, int k, char host[IF_NAMESIZE], char peer[IF_NAMESIZE])
{
	snprintf(host, IF_NAMESIZE, "gbv%.8s%d", id, k);
	snprintf(peer, IF_NAMESIZE, "gbp%.8s%d", id, k);
}

/* ---- bridges ---- */

static bool has_addr(const struct gb_net_link_view *l, const char *cidr)
{
	for (int i = 0; l && i < l->n_addrs; i++)
		if (strcmp(l->addrs[i], cidr) == 0)
			return true;
	return false;
}

int gb_net_network_up(struct gb_net_nl *nl, const struct gb_net_network *net, struct gb_err *err)
{
	/* 64 KB: off the stack, and not in static TLS, which every process and thread of
	 * glassbox zeroes when it starts (each container's monitor too). */
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v);
	if (!v)
		return gb_err_set(err, ENOMEM, "calloc", "out of memory");
	int r = gb_net_observe(nl, v, err);
	if (r < 0)
		return r;
	const struct gb_net_link_view *br = gb_net_view_link(v, net->bridge);
	if (br && strcmp(br->kind, "bridge") != 0) {
		gb_err_set(err, EEXIST, "network up", "%s exists but is a %s, not a bridge",
			   net->bridge, br->kind[0] ? br->kind : "plain device");
		gb_err_hint(err, "rename or remove that link, or name the network differently");
		return -EEXIST;
	}
	if (!br && (r = gb_net_bridge_create(nl, net->bridge, err)) < 0)
		return r;
	char gw[19];
	gb_net_cidr_format((struct gb_net_cidr){ net->gateway, net->subnet.prefix }, gw);
	/* The bridge's address makes the host a member of the subnet: its gateway. An
	 * internal network has none, so the host has no route into it. */
	if (!net->internal && !has_addr(br, gw) &&
	    (r = gb_net_addr_add(nl, net->bridge, net->gateway, net->subnet.prefix, err)) < 0)
		return r;
	return gb_net_link_set_up(nl, net->bridge, err);
}

int gb_net_network_down(struct gb_net_nl *nl, const struct gb_net_network *net, struct gb_err *err)
{
	int r = gb_net_link_delete(nl, net->bridge, err);
	if (r == -ENODEV) {
		gb_err_clear(err);
		return 0;
	}
	return r;
}

/* ---- subnets in use ---- */

static int taken_add(struct gb_net_cidr **t, char ***by, size_t *n, struct gb_net_cidr c,
		     const char *what)
{
	struct gb_net_cidr *nt = realloc(*t, (*n + 1) * sizeof *nt);
	char **nb = nt ? realloc(*by, (*n + 2) * sizeof *nb) : NULL;
	if (nt)
		*t = nt;
	if (!nb)
		return -ENOMEM;
	*by = nb;
	nt[*n] = c;
	nb[*n] = strdup(what);
	nb[++*n] = NULL;
	return nb[*n - 1] ? 0 : -ENOMEM;
}

static int taken_networks(const char *root, struct gb_net_cidr **t, char ***by, size_t *n,
			  struct gb_err *err)
{
	gb_autostrv char **names = NULL;
	int r = gb_net_network_list(root, &names, err);
	for (char **p = names; r == 0 && p && *p; p++) {
		struct gb_net_network net;
		if (gb_net_network_load(root, *p, &net, NULL) < 0)
			continue; /* a damaged file is reported by `network ls` */
		char what[GB_NET_NAME_MAX + 16];
		snprintf(what, sizeof what, "network %s", net.name);
		r = taken_add(t, by, n, net.subnet, what);
		gb_net_network_free(&net);
	}
	return r < 0 ? gb_err_set(err, -r, "network list", "cannot list networks") : 0;
}

static int taken_host(struct gb_net_nl *nl, struct gb_net_cidr **t, char ***by, size_t *n,
		      struct gb_err *err)
{
	/* 64 KB: off the stack, and not in static TLS, which every process and thread of
	 * glassbox zeroes when it starts (each container's monitor too). */
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v);
	if (!v)
		return gb_err_set(err, ENOMEM, "calloc", "out of memory");
	int r = gb_net_observe(nl, v, err);
	char what[96];
	struct gb_net_cidr c;
	for (int i = 0; r == 0 && i < v->n_links; i++) {
		if (strcmp(v->links[i].name, "lo") == 0)
			continue; /* loopback's 127/8 is in no network's way */
		for (int a = 0; r == 0 && a < v->links[i].n_addrs; a++) {
			if (gb_net_cidr_parse_masked(v->links[i].addrs[a], &c) < 0)
				continue;
			snprintf(what, sizeof what, "address %s of %s", v->links[i].addrs[a],
				 v->links[i].name);
			r = taken_add(t, by, n, c, what);
		}
	}
	/* Routes reach subnets that are not on any link here (a VPN, a lab network). */
	for (int i = 0; r == 0 && i < v->n_routes; i++) {
		if (gb_net_cidr_parse_masked(v->routes[i].dst, &c) < 0)
			continue; /* "default" overlaps everything and is not a subnet in use */
		snprintf(what, sizeof what, "route to %s via %s", v->routes[i].dst,
			 v->routes[i].ifname);
		r = taken_add(t, by, n, c, what);
	}
	return r == -ENOMEM ? gb_err_set(err, ENOMEM, "malloc", "out of memory") : r;
}

int gb_net_taken_subnets(const char *root, struct gb_net_nl *nl, struct gb_net_cidr **taken,
			 char ***by, size_t *n, struct gb_err *err)
{
	*taken = NULL;
	*by = NULL;
	*n = 0;
	int r = taken_networks(root, taken, by, n, err);
	if (r == 0)
		r = taken_host(nl, taken, by, n, err);
	if (r < 0) {
		free(*taken);
		gb_strv_free(*by);
		*taken = NULL;
		*by = NULL;
	}
	return r;
}

/* ---- one container joins one network ---- */

static void event_veth(struct gb_events *ev, const char *host_if, const char *cif,
		       const char *bridge)
{
	struct gb_json j;
	if (!ev)
		return;
	gb_event_begin(ev, &j, "net.veth");
	gb_json_str(&j, "host_if", host_if);
	gb_json_str(&j, "container_if", cif);
	gb_json_str(&j, "bridge", bridge);
	gb_event_emit(ev, &j);
}

static void event_addr(struct gb_events *ev, const char *ifname, uint32_t addr, int prefix,
		       const char *where)
{
	struct gb_json j;
	char cidr[19];
	if (!ev)
		return;
	gb_net_cidr_format((struct gb_net_cidr){ addr, prefix }, cidr);
	gb_event_begin(ev, &j, "net.addr");
	gb_json_str(&j, "ifname", ifname);
	gb_json_str(&j, "addr", cidr);
	gb_json_str(&j, "netns", where);
	gb_event_emit(ev, &j);
}

static void event_route(struct gb_events *ev, const char *dst, uint32_t gw, const char *ifname)
{
	struct gb_json j;
	char ip[16];
	if (!ev)
		return;
	gb_net_ip_format(gw, ip);
	gb_event_begin(ev, &j, "net.route");
	gb_json_str(&j, "dst", dst);
	gb_json_str(&j, "gateway", ip);
	gb_json_str(&j, "ifname", ifname);
	gb_event_emit(ev, &j);
}

void gb_net_event_publish(struct gb_events *ev, const struct gb_net_publish *p)
{
	struct gb_json j;
	char ip[16];
	if (!ev)
		return;
	gb_net_ip_format(p->host_ip, ip);
	gb_event_begin(ev, &j, "net.publish");
	gb_json_str(&j, "host_ip", ip);
	gb_json_int(&j, "host_port", p->host_port);
	gb_json_int(&j, "container_port", p->container_port);
	gb_json_str(&j, "proto", p->proto);
	gb_event_emit(ev, &j);
}

int gb_net_join_veth(struct gb_net_nl *host, int netns_fd, const struct gb_net_join *j,
		     struct gb_events *ev, struct gb_err *err)
{
	char hif[IF_NAMESIZE], peer[IF_NAMESIZE];
	gb_net_veth_names(j->id, j->k, hif, peer);
	int r = gb_net_veth_create(host, hif, peer, err);
	if (r < 0)
		return r; /* nothing made: a link of that name may not be ours to delete */
	r = gb_net_link_set_master(host, hif, j->net->bridge, err);
	if (r == 0)
		r = gb_net_link_set_up(host, hif, err);
	/* After the move the peer is gone from the host's `ip link`: it lives in the
	 * container's namespace, and only the host end stays on the bridge. */
	if (r == 0)
		r = gb_net_link_set_netns(host, peer, netns_fd, err);
	if (r < 0) {
		gb_net_link_delete(host, hif, NULL);
		return r;
	}
	char cif[IF_NAMESIZE];
	snprintf(cif, sizeof cif, "eth%d", j->k);
	event_veth(ev, hif, cif, j->net->bridge);
	return 0;
}

int gb_net_join_configure(struct gb_net_nl *inside, const struct gb_net_join *j,
			  struct gb_events *ev, struct gb_err *err)
{
	char hif[IF_NAMESIZE], peer[IF_NAMESIZE], cif[IF_NAMESIZE];
	gb_net_veth_names(j->id, j->k, hif, peer);
	snprintf(cif, sizeof cif, "eth%d", j->k);
	int r = gb_net_link_rename(inside, peer, cif, err);
	if (r == 0)
		r = gb_net_addr_add(inside, cif, j->addr, j->net->subnet.prefix, err);
	if (r < 0)
		return r;
	event_addr(ev, cif, j->addr, j->net->subnet.prefix, "container");
	if ((r = gb_net_link_set_up(inside, cif, err)) < 0)
		return r;
	/* An internal network has no gateway on the host side to route through. */
	if (!j->default_route || j->net->internal)
		return 0;
	r = gb_net_route_add_default(inside, j->net->gateway, cif, err);
	if (r == 0)
		event_route(ev, "default", j->net->gateway, cif);
	return r;
}

int gb_net_lo_up(struct gb_net_nl *inside, struct gb_events *ev, struct gb_err *err)
{
	int r = gb_net_link_set_up(inside, "lo", err);
	/* The kernel gives lo its 127.0.0.1/8 when it comes up. */
	if (r == 0)
		event_addr(ev, "lo", 0x7f000001, 8, "container");
	return r;
}

int gb_net_leave(struct gb_net_nl *host, const char *id, int k, struct gb_err *err)
{
	char hif[IF_NAMESIZE], peer[IF_NAMESIZE];
	gb_net_veth_names(id, k, hif, peer);
	int r = gb_net_link_delete(host, hif, err);
	if (r == -ENODEV) {
		gb_err_clear(err);
		return 0;
	}
	return r;
}

int gb_net_prune_links(struct gb_net_nl *host, bool (*alive)(const char *id8, void *data),
		       void *data, int *removed, struct gb_err *err)
{
	/* 64 KB: off the stack, and not in static TLS, which every process and thread of
	 * glassbox zeroes when it starts (each container's monitor too). */
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v);
	if (!v)
		return gb_err_set(err, ENOMEM, "calloc", "out of memory");
	*removed = 0;
	int r = gb_net_observe(host, v, err);
	for (int i = 0; r == 0 && i < v->n_links; i++) {
		const char *name = v->links[i].name;
		char id8[9];
		if (strncmp(name, "gbv", 3) != 0 || strlen(name) < 12 ||
		    strcmp(v->links[i].kind, "veth") != 0)
			continue;
		snprintf(id8, sizeof id8, "%.8s", name + 3);
		if (alive(id8, data))
			continue;
		r = gb_net_link_delete(host, name, err);
		if (r == -ENODEV) /* its pair went away meanwhile */
			r = 0;
		else if (r == 0)
			(*removed)++;
	}
	return r;
}
