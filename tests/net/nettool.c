/* nettool: drives core/net/net.c for the network integration tests, one netlink operation
 * per command, so a test can build a topology step by step and check it with `ip`.
 * Run it only inside a network namespace the test created (unshare --net). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "base/events.h"
#include "net/net.h"
#include "base/util.h"

static int fail(const struct gb_err *err)
{
	char buf[1200];
	gb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
	return 1;
}

static int open_nl(struct gb_net_nl *nl, const char *pid, struct gb_err *err)
{
	if (!pid)
		return gb_net_nl_open(nl, err);
	gb_autoclose int fd = -1;
	int r = gb_net_netns_open(atoi(pid), &fd, err);
	return r < 0 ? r : gb_net_nl_open_in(nl, fd, err);
}

/* show [PID]: the links, addresses and routes of a namespace, as JSON. */
static int cmd_show(char **argv, struct gb_err *err)
{
	struct gb_net_nl nl;
	struct gb_net_view v;
	if (open_nl(&nl, argv[0], err) < 0)
		return fail(err);
	int r = gb_net_observe(&nl, &v, err);
	gb_net_nl_close(&nl);
	if (r < 0)
		return fail(err);
	struct gb_json j;
	gb_json_init(&j);
	gb_net_view_json(&v, &j, NULL);
	printf("%s\n", j.buf);
	gb_json_free(&j);
	return 0;
}

/* bridge NAME ADDR/PREFIX|-: a bridge, its address (none for "-"), up. */
static int cmd_bridge(char **argv, struct gb_err *err)
{
	struct gb_net_nl nl;
	if (!argv[0] || !argv[1] || gb_net_nl_open(&nl, err) < 0)
		return argv[0] && argv[1] ? fail(err) : 2;
	int r = gb_net_bridge_create(&nl, argv[0], err);
	if (r == 0 && strcmp(argv[1], "-") != 0) {
		struct gb_net_cidr c;
		char *slash = strchr(argv[1], '/');
		r = slash ? 0 : gb_err_set(err, EINVAL, "bridge", "want ADDR/PREFIX");
		if (r == 0) {
			*slash = '\0';
			c.prefix = atoi(slash + 1);
			r = gb_net_ip_parse(argv[1], &c.addr, err);
		}
		if (r == 0)
			r = gb_net_addr_add(&nl, argv[0], c.addr, c.prefix, err);
	}
	if (r == 0)
		r = gb_net_link_set_up(&nl, argv[0], err);
	gb_net_nl_close(&nl);
	return r < 0 ? fail(err) : 0;
}

/* The host half of attach: a veth pair, one end on the bridge and up, the other moved. */
static int attach_host(struct gb_net_nl *nl, const char *bridge, const char *hostif,
		       const char *peer, int nsfd, struct gb_err *err)
{
	int r = gb_net_veth_create(nl, hostif, peer, err);
	if (r < 0)
		return r; /* nothing made; a link of that name may be someone else's */
	r = gb_net_link_set_master(nl, hostif, bridge, err);
	if (r == 0)
		r = gb_net_link_set_up(nl, hostif, err);
	if (r == 0)
		r = gb_net_link_set_netns(nl, peer, nsfd, err);
	if (r < 0)
		gb_net_link_delete(nl, hostif, NULL);
	return r;
}

/* The container half: rename to eth0, address, lo and eth0 up, default route. */
static int attach_inside(struct gb_net_nl *in, const char *peer, const char *cidr, const char *gw,
			 struct gb_err *err)
{
	struct gb_net_cidr c = { 0, 0 };
	char ip[16];
	const char *slash = strchr(cidr, '/');
	if (!slash || slash - cidr >= 16)
		return gb_err_set(err, EINVAL, "attach", "want ADDR/PREFIX, got %s", cidr);
	snprintf(ip, sizeof ip, "%.*s", (int)(slash - cidr), cidr);
	c.prefix = atoi(slash + 1);
	int r = gb_net_ip_parse(ip, &c.addr, err);
	if (r == 0)
		r = gb_net_link_rename(in, peer, "eth0", err);
	if (r == 0)
		r = gb_net_addr_add(in, "eth0", c.addr, c.prefix, err);
	if (r == 0)
		r = gb_net_link_set_up(in, "lo", err);
	if (r == 0)
		r = gb_net_link_set_up(in, "eth0", err);
	uint32_t g;
	if (r == 0 && strcmp(gw, "-") != 0 && (r = gb_net_ip_parse(gw, &g, err)) == 0)
		r = gb_net_route_add_default(in, g, "eth0", err);
	return r;
}

/* attach PID BRIDGE HOSTIF ADDR/PREFIX GATEWAY|- */
static int cmd_attach(char **argv, struct gb_err *err)
{
	for (int i = 0; i < 5; i++)
		if (!argv[i])
			return 2;
	gb_autoclose int nsfd = -1;
	struct gb_net_nl nl, in;
	char peer[IF_NAMESIZE];
	snprintf(peer, sizeof peer, "%.12sp", argv[2]);
	if (gb_net_netns_open(atoi(argv[0]), &nsfd, err) < 0 || gb_net_nl_open(&nl, err) < 0)
		return fail(err);
	int r = attach_host(&nl, argv[1], argv[2], peer, nsfd, err);
	if (r == 0) { /* attach_host undoes its own failures; the inside half is undone here */
		if ((r = gb_net_nl_open_in(&in, nsfd, err)) == 0) {
			r = attach_inside(&in, peer, argv[3], argv[4], err);
			gb_net_nl_close(&in);
		}
		if (r < 0)
			gb_net_link_delete(&nl, argv[2], NULL);
	}
	gb_net_nl_close(&nl);
	return r < 0 ? fail(err) : 0;
}

/* del IFNAME [PID] */
static int cmd_del(char **argv, struct gb_err *err)
{
	struct gb_net_nl nl;
	if (!argv[0])
		return 2;
	if (open_nl(&nl, argv[1], err) < 0)
		return fail(err);
	int r = gb_net_link_delete(&nl, argv[0], err);
	gb_net_nl_close(&nl);
	return r < 0 ? fail(err) : 0;
}

/* stress BRIDGE N PID: N veth pairs on the bridge with the peers in PID's namespace,
 * then all deleted again. */
static int cmd_stress(char **argv, struct gb_err *err)
{
	if (!argv[0] || !argv[1] || !argv[2])
		return 2;
	int n = atoi(argv[1]) % 10000, r = 0, made = 0;
	gb_autoclose int nsfd = -1;
	struct gb_net_nl nl;
	if (gb_net_netns_open(atoi(argv[2]), &nsfd, err) < 0 || gb_net_nl_open(&nl, err) < 0)
		return fail(err);
	for (; made < n && r == 0; made++) {
		char h[IF_NAMESIZE], p[IF_NAMESIZE];
		snprintf(h, sizeof h, "gbst%u", (unsigned)made % 10000);
		snprintf(p, sizeof p, "gbst%up", (unsigned)made % 10000);
		r = attach_host(&nl, argv[0], h, p, nsfd, err);
	}
	printf("created %d veth pairs\n", r == 0 ? made : made - 1);
	struct gb_net_nl in;
	static struct gb_net_view v;
	if (r == 0 && gb_net_nl_open_in(&in, nsfd, err) == 0) {
		int seen = 0;
		if (gb_net_observe(&in, &v, err) == 0)
			for (int i = 0; i < v.n_links; i++)
				seen += strncmp(v.links[i].name, "gbst", 4) == 0;
		printf("peers inside: %d\n", seen); /* the view holds at most 256 links */
		gb_net_nl_close(&in);
	}
	for (int i = 0; i < made; i++) {
		char h[IF_NAMESIZE];
		snprintf(h, sizeof h, "gbst%u", (unsigned)i % 10000);
		gb_net_link_delete(&nl, h, NULL);
	}
	gb_net_nl_close(&nl);
	return r < 0 ? fail(err) : 0;
}

/* proxy [IP:]HOST:CONTAINER TARGET_IP [PID]: publish a port until SIGTERM/SIGINT. */
static int cmd_proxy(char **argv, struct gb_err *err)
{
	struct gb_net_publish p;
	uint32_t target;
	gb_autoclose int lfd = -1, nsfd = -1, sfd = -1;
	if (!argv[0] || !argv[1])
		return 2;
	if (gb_net_publish_parse(argv[0], &p, err) < 0 ||
	    gb_net_ip_parse(argv[1], &target, err) < 0)
		return fail(err);
	if (argv[2] && gb_net_netns_open(atoi(argv[2]), &nsfd, err) < 0)
		return fail(err);
	if (gb_net_publish_listen(&p, &lfd, err) < 0)
		return fail(err);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	printf("listening\n");
	fflush(stdout);
	return gb_net_proxy_run(&p, &lfd, 1, target, nsfd, sfd, err) < 0 ? fail(err) : 0;
}

/* ---- networks as the engine keeps them (core/net/net_ipam.c, core/net/net_attach.c) ---- */

/* net-create ROOT NAME SUBNET|- [internal] */
static int cmd_net_create(char **argv, struct gb_err *err)
{
	if (!argv[0] || !argv[1] || !argv[2])
		return 2;
	struct gb_net_nl nl;
	struct gb_net_network net = { 0 };
	gb_autofree struct gb_net_cidr *taken = NULL;
	gb_autostrv char **by = NULL;
	size_t n;
	gb_autoclose int lock = -1;
	int r = gb_net_store_lock(argv[0], &lock, err);
	if (r == 0 && (r = gb_net_nl_open(&nl, err)) == 0) {
		r = gb_net_taken_subnets(argv[0], &nl, &taken, &by, &n, err);
		if (r == 0)
			r = gb_net_network_init(&net, argv[1],
						strcmp(argv[2], "-") ? argv[2] : NULL,
						argv[3] && !strcmp(argv[3], "internal"), taken,
						(const char *const *)by, n, err);
		if (r == 0 && (r = gb_net_network_up(&nl, &net, err)) == 0 &&
		    (r = gb_net_network_save(argv[0], &net, err)) < 0)
			gb_net_network_down(&nl, &net, NULL);
		gb_net_nl_close(&nl);
	}
	char sub[19];
	gb_net_cidr_format(net.subnet, sub);
	if (r == 0)
		printf("%s %s %s\n", net.name, net.bridge, sub);
	return r < 0 ? fail(err) : 0;
}

/* Take an address for id on network name, under the lock, and save it. */
static int lease_take(const char *root, const char *name, const char *id, const char *cname,
		      struct gb_net_network *net, uint32_t *addr, struct gb_err *err)
{
	gb_autoclose int lock = -1;
	int r = gb_net_store_lock(root, &lock, err);
	if (r == 0)
		r = gb_net_network_load(root, name, net, err);
	if (r == 0 && (r = gb_net_lease_alloc(net, id, cname, NULL, addr, err)) == 0)
		r = gb_net_network_save(root, net, err);
	return r;
}

/* join ROOT NAME PID ID CONTAINER-NAME K: the whole join, as the engine does it. */
static int cmd_join(char **argv, struct gb_err *err)
{
	for (int i = 0; i < 6; i++)
		if (!argv[i])
			return 2;
	struct gb_net_network net = { 0 };
	struct gb_net_join j = { &net, argv[3], atoi(argv[5]), 0, atoi(argv[5]) == 0 };
	struct gb_net_nl nl, in;
	gb_autoclose int nsfd = -1;
	struct gb_events ev;
	gb_events_init(&ev);
	ev.fd = 1; /* events on stdout: the test reads them */
	gb_events_set_container(&ev, argv[3], argv[4]);
	int r = gb_net_netns_open(atoi(argv[2]), &nsfd, err);
	if (r == 0)
		r = lease_take(argv[0], argv[1], argv[3], argv[4], &net, &j.addr, err);
	if (r < 0)
		return fail(err);
	if ((r = gb_net_nl_open(&nl, err)) == 0 && (r = gb_net_network_up(&nl, &net, err)) == 0 &&
	    (r = gb_net_join_veth(&nl, nsfd, &j, &ev, err)) == 0) {
		if ((r = gb_net_nl_open_in(&in, nsfd, err)) == 0) {
			r = gb_net_lo_up(&in, &ev, err);
			if (r == 0)
				r = gb_net_join_configure(&in, &j, &ev, err);
			gb_net_nl_close(&in);
		}
		if (r < 0)
			gb_net_leave(&nl, j.id, j.k, NULL);
	}
	gb_net_nl_close(&nl);
	gb_net_network_free(&net);
	return r < 0 ? fail(err) : 0;
}

/* leave ROOT NAME ID K: veth deleted, address freed. */
static int cmd_leave(char **argv, struct gb_err *err)
{
	for (int i = 0; i < 4; i++)
		if (!argv[i])
			return 2;
	struct gb_net_nl nl;
	struct gb_net_network net = { 0 };
	gb_autoclose int lock = -1;
	int r = gb_net_nl_open(&nl, err);
	if (r == 0) {
		r = gb_net_leave(&nl, argv[2], atoi(argv[3]), err);
		gb_net_nl_close(&nl);
	}
	if (r == 0 && (r = gb_net_store_lock(argv[0], &lock, err)) == 0 &&
	    (r = gb_net_network_load(argv[0], argv[1], &net, err)) == 0) {
		gb_net_lease_free(&net, argv[2]);
		r = gb_net_network_save(argv[0], &net, err);
		gb_net_network_free(&net);
	}
	return r < 0 ? fail(err) : 0;
}

/* net-rm ROOT NAME: refused while containers hold addresses on it. */
static int cmd_net_rm(char **argv, struct gb_err *err)
{
	if (!argv[0] || !argv[1])
		return 2;
	struct gb_net_nl nl;
	struct gb_net_network net = { 0 };
	gb_autoclose int lock = -1;
	int r = gb_net_store_lock(argv[0], &lock, err);
	if (r == 0 && (r = gb_net_network_load(argv[0], argv[1], &net, err)) == 0 &&
	    net.n_leases > 0) {
		r = gb_err_set(err, EBUSY, "network rm", "network %s still has %zu container(s)",
			       net.name, net.n_leases);
		gb_err_hint(err, "remove them first (`glassbox rm -f %s`)", net.leases[0].name);
	}
	if (r == 0 && (r = gb_net_nl_open(&nl, err)) == 0) {
		r = gb_net_network_down(&nl, &net, err);
		gb_net_nl_close(&nl);
	}
	if (r == 0)
		r = gb_net_network_remove(argv[0], argv[1], err);
	gb_net_network_free(&net);
	return r < 0 ? fail(err) : 0;
}

/* hosts ROOT ID HOSTNAME: the /etc/hosts text for container ID. */
static int cmd_hosts(char **argv, struct gb_err *err)
{
	if (!argv[0] || !argv[1] || !argv[2])
		return 2;
	gb_autostrv char **names = NULL;
	if (gb_net_network_list(argv[0], &names, err) < 0)
		return fail(err);
	size_t n = gb_strv_len(names), k = 0;
	struct gb_net_network *nets = calloc(n + 1, sizeof *nets);
	for (size_t i = 0; nets && i < n; i++)
		if (gb_net_network_load(argv[0], names[i], &nets[k], err) == 0)
			k++;
	gb_autofree char *text = nets ? gb_net_hosts_render(nets, k, argv[1], argv[2]) : NULL;
	if (text)
		fputs(text, stdout);
	for (size_t i = 0; i < k; i++)
		gb_net_network_free(&nets[i]);
	free(nets);
	return text ? 0 : 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(char **argv, struct gb_err *err);
	} cmds[] = { { "show", cmd_show },
		     { "bridge", cmd_bridge },
		     { "attach", cmd_attach },
		     { "del", cmd_del },
		     { "stress", cmd_stress },
		     { "proxy", cmd_proxy },
		     { "net-create", cmd_net_create },
		     { "join", cmd_join },
		     { "leave", cmd_leave },
		     { "net-rm", cmd_net_rm },
		     { "hosts", cmd_hosts } };
	struct gb_err err = { 0 };
	for (size_t i = 0; argc > 1 && i < GB_ARRAY_LEN(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argv + 2, &err);
	fprintf(stderr,
		"usage: nettool show [PID] | bridge NAME ADDR/PREFIX|- | attach PID "
		"BRIDGE HOSTIF ADDR/PREFIX GATEWAY|- | del IF [PID] | stress BRIDGE N PID | "
		"proxy [IP:]HOST:CONTAINER TARGET_IP [PID] | net-create ROOT NAME SUBNET|- "
		"[internal] | join ROOT NAME PID ID CNAME K | leave ROOT NAME ID K | "
		"net-rm ROOT NAME | hosts ROOT ID HOSTNAME\n");
	return 2;
}
