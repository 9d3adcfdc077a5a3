/* Lab 17 check: bridge networks. The check makes a network of its own (a subnet the
 * address manager finds free), runs a server "web" on it with a published port, a client
 * that calls web by name, and a server on an internal network; then it looks: the veth
 * pair (host end on the bridge, eth0 inside), the name answered, the internal server out
 * of the host's reach, the published port answering on 127.0.0.1. Everything it made is
 * removed. Negative control: the client on another network. With --container NAME: that
 * container's veth pair and its /etc/hosts. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cgroup_lab.h"
#include "net/net_container.h"
#include "net/net_rootless.h"
#include "net/net_via.h"

#define REPLY "hello-from-web"

struct lab17 {
	struct gb_check *c;
	char net[3][GB_NET_NAME_MAX]; /* the shared one, another one, an internal one */
	int n_nets;
	char ids[4][GB_ID_LEN + 1];
	int n_ids;
};

static int make_network(struct lab17 *l, const char *name, bool internal)
{
	struct gb_net_network net;
	int r = gb_net_container_network_create(l->c->rt, name, NULL, internal, &net, &l->c->err);
	if (r < 0)
		return r;
	gb_net_network_free(&net);
	snprintf(l->net[l->n_nets++], GB_NET_NAME_MAX, "%s", name);
	return 0;
}

static int run(struct lab17 *l, const char *name, const char *network, const char *publish,
	       char *const *cmd, struct gb_state *st)
{
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	snprintf(cfg.name, sizeof cfg.name, "%s", name);
	char *nets[] = { (char *)network, NULL }, *pubs[] = { (char *)publish, NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof *cfg.env);
	cfg.networks = gb_strv_dup(nets);
	cfg.publish = publish ? gb_strv_dup(pubs) : NULL;
	int code = 0;
	int r = gb_container_run(l->c->rt, &cfg, false, &code, l->ids[l->n_ids], &l->c->err);
	gb_config_free(&cfg);
	if (r < 0)
		return r;
	return gb_state_find(l->c->rt, l->ids[l->n_ids++], st, &l->c->err);
}

static void cleanup(struct lab17 *l)
{
	struct gb_err ignored;
	for (int i = 0; i < l->n_ids; i++)
		gb_container_rm(l->c->rt, l->ids[i], true, &ignored);
	for (int i = 0; i < l->n_nets; i++)
		gb_net_container_network_remove(l->c->rt, l->net[i], &ignored);
}

/* Where "the host" of the bridges is: root's own network namespace; rootless, the
 * student's (core/net/net_rootless.h), joined through its user namespace. */
static int bridge_side_socket(struct gb_runtime *rt, bool bridges, int *fd)
{
	int type = SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, u = -1, n = -1;
	if (!bridges || !gb_net_rootless()) {
		*fd = socket(AF_INET, type, 0);
		return *fd < 0 ? -errno : 0;
	}
	int r = gb_net_rootless_open(rt, &u, &n, NULL);
	if (r == 0)
		r = gb_net_socket_via(u, n, AF_INET, type, fd);
	if (u >= 0)
		close(u);
	if (n >= 0)
		close(n);
	return r;
}

/* Connect to ip:port with a deadline; fill reply with what comes back. bridges: from the
 * bridges' side (above), else from here (the host's loopback, for -p). */
static int tcp_ask(struct gb_runtime *rt, bool bridges, uint32_t ip, int port, char *reply,
		   size_t len, int timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(ip);
	gb_autoclose int fd = -1;
	int r = bridge_side_socket(rt, bridges, &fd);
	reply[0] = '\0';
	if (r < 0)
		return r;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS)
		return -errno;
	struct pollfd p = { fd, POLLIN, 0 };
	size_t got = 0;
	while (got + 1 < len && poll(&p, 1, timeout_ms) > 0) {
		ssize_t n = read(fd, reply + got, len - got - 1);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	reply[got] = '\0';
	if (got)
		return 0;
	int e = 0;
	socklen_t sl = sizeof e;
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl);
	return e ? -e : -ETIMEDOUT;
}

/* A port nobody listens on right now (the kernel picks it for a bind to port 0). */
static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	gb_autoclose int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
		return 18017;
	return ntohs(sa.sin_port);
}

static uint32_t addr_of(const struct gb_state *st)
{
	char ip[19];
	uint32_t a = 0;
	snprintf(ip, sizeof ip, "%s", st->n_nets ? st->nets[0].addr : "");
	ip[strcspn(ip, "/")] = '\0';
	gb_net_ip_parse(ip, &a, NULL);
	return a;
}

/* Rootless: pid's namespace through its user namespace; the bridges' side in the
 * student's network namespace (the check joins their user namespaces first). */
static int rootless_nl(struct gb_runtime *rt, pid_t pid, struct gb_net_nl *nl)
{
	int u = -1, n = -1;
	if (pid)
		return gb_net_nl_open_pid(nl, pid, NULL);
	int r = gb_net_rootless_open(rt, &u, &n, NULL);
	if (r == 0)
		r = gb_net_nl_open_via(nl, u, n, NULL);
	if (u >= 0)
		close(u);
	if (n >= 0)
		close(n);
	return r;
}

static int view_of(struct gb_runtime *rt, pid_t pid, struct gb_net_view *v)
{
	struct gb_net_nl nl;
	int fd = -1, r = 0;
	if (gb_net_rootless())
		r = rootless_nl(rt, pid, &nl);
	else if ((r = pid ? gb_net_netns_open(pid, &fd, NULL) : 0) == 0)
		r = pid ? gb_net_nl_open_in(&nl, fd, NULL) : gb_net_nl_open(&nl, NULL);
	if (fd >= 0)
		close(fd);
	if (r == 0) {
		r = gb_net_observe(&nl, v, NULL);
		gb_net_nl_close(&nl);
	}
	return r;
}

/* Where the bridges are, in words. */
static const char *bridge_side(void)
{
	return gb_net_rootless() ? "in the student's network namespace" : "on the host";
}

/* The cable: its host end on the network's bridge, its other end eth0 inside. */
static void check_veth(struct gb_check *c, const struct gb_state *st)
{
	static struct gb_net_view host, in;
	if (st->n_nets == 0) {
		gb_check_is(c, "veth", false,
			    "container %s is on no bridge network: it has only lo", st->cfg.name);
		return;
	}
	if (view_of(c->rt, 0, &host) < 0 || view_of(c->rt, st->pid, &in) < 0) {
		gb_check_error(c, "cannot list the links of the host or of %s (netlink)",
			       st->cfg.name);
		return;
	}
	const struct gb_state_net *sn = &st->nets[0];
	char bridge[IF_NAMESIZE];
	gb_net_bridge_name(sn->network, bridge);
	const struct gb_net_link_view *h = gb_net_view_link(&host, sn->host_if);
	const struct gb_net_link_view *br = gb_net_view_link(&host, bridge);
	const struct gb_net_link_view *e = gb_net_view_link(&in, sn->ifname);
	if (h && br && e && h->master == br->index && !strcmp(h->kind, "veth") && e->n_addrs > 0)
		gb_check_is(c, "veth", true,
			    "a veth pair joins %s to network %s: %s %s is a port of "
			    "bridge %s, its peer is %s inside with %s",
			    st->cfg.name, sn->network, sn->host_if, bridge_side(), bridge,
			    sn->ifname, e->addrs[0]);
	else
		gb_check_is(c, "veth", false,
			    "no veth pair from bridge %s into %s (host end %s %s, %s inside %s)",
			    bridge, st->cfg.name, sn->host_if, h ? "found" : "missing", sn->ifname,
			    e ? "found" : "missing");
}

static void check_by_name(struct lab17 *l, const char *web, const char *network)
{
	struct gb_state st;
	char script[160];
	snprintf(script, sizeof script, "sleep 0.3; nc -w 2 %s 8080 </dev/null", web);
	char *const cmd[] = { "sh", "-c", script, NULL };
	char name[GB_NAME_MAX + 1];
	snprintf(name, sizeof name, "l17client-%d", (int)getpid());
	if (run(l, name, network, NULL, cmd, &st) < 0) {
		gb_check_error(l->c, "could not start the client container %s", name);
		return;
	}
	gb_autofree char *log = NULL;
	size_t len = 0;
	bool stopped = gb_lab_wait_stopped(l->c, &st, 8000);
	if (!stopped)
		gb_check_error(l->c, "the client container %s did not finish within 8 s", name);
	else if (gb_read_file(st.log, &log, &len) < 0)
		gb_check_error(l->c, "cannot read the client's log %s", st.log);
	else if (strstr(log, REPLY))
		gb_check_is(l->c, "by-name", true,
			    "a client on network %s called `nc %s 8080` by name and got \"%s\" "
			    "(/etc/hosts, no DNS server)",
			    network, web, REPLY);
	else
		gb_check_is(l->c, "by-name", false,
			    "a client on network %s could not reach %s by name (its log: "
			    "\"%.60s\"): containers find each other only on a network they share",
			    network, web, log);
	gb_state_free(&st);
}

static void check_internal(struct lab17 *l, const char *network)
{
	struct gb_state st;
	char name[GB_NAME_MAX + 1], reply[64], ip[16];
	char *const server[] = { "nc", "-ll", "-p", "8080", "-e", "echo", REPLY, NULL };
	snprintf(name, sizeof name, "l17secret-%d", (int)getpid());
	if (run(l, name, network, NULL, server, &st) < 0) {
		gb_check_error(l->c, "could not start %s on internal network %s", name, network);
		return;
	}
	gb_cg_sleep_ms(300);
	gb_net_ip_format(addr_of(&st), ip);
	int r = tcp_ask(l->c->rt, true, addr_of(&st), 8080, reply, sizeof reply, 1500);
	/* Only "no way there" counts: ECONNREFUSED means a packet got there and back. */
	bool sealed = r == -ENETUNREACH || r == -EHOSTUNREACH || r == -ETIMEDOUT;
	if (r < 0 && !sealed)
		gb_check_error(l->c,
			       "connecting to %s:8080 failed with %s, which proves no isolation",
			       ip, strerror(-r));
	else if (r < 0)
		gb_check_is(l->c, "internal-sealed", true,
			    "%s, nothing reaches %s at %s:8080 on internal network %s "
			    "(connect: %s): its bridge has no address, no route goes there",
			    bridge_side(), name, ip, network, strerror(-r));
	else
		gb_check_is(l->c, "internal-sealed", false,
			    "the host reached %s at %s:8080 on internal network %s", name, ip,
			    network);
	gb_state_free(&st);
}

static void check_published(struct gb_check *c, int port)
{
	char reply[64];
	int r = tcp_ask(c->rt, false, INADDR_LOOPBACK, port, reply, sizeof reply, 2000);
	if (r == 0 && strstr(reply, REPLY))
		gb_check_is(c, "published", true,
			    "the published port 127.0.0.1:%d answered \"%s\": the monitor's proxy "
			    "forwarded it to web's port 8080",
			    port, REPLY);
	else
		gb_check_is(c, "published", false,
			    "the published port 127.0.0.1:%d did not answer (%s)", port,
			    r < 0 ? strerror(-r) : reply);
}

/* From inside: the container's /etc/hosts (the `etc-hosts` step) names it. */
static void check_hosts(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "grep", "-w", (char *)st->cfg.name, "/etc/hosts", NULL };
	char out[256];
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return;
	out[strcspn(out, "\n")] = '\0';
	gb_check_is(c, "etc-hosts", code == 0, "inside, `grep -w %s /etc/hosts` exits %d: \"%s\"",
		    st->cfg.name, code, out);
}

static int auto_check(struct lab17 *l)
{
	struct gb_check *c = l->c;
	int pid = (int)getpid(), port = free_port();
	char shared[GB_NET_NAME_MAX], other[GB_NET_NAME_MAX], sealed[GB_NET_NAME_MAX];
	char web[GB_NAME_MAX + 1], publish[40];
	snprintf(shared, sizeof shared, "lab17-%d", pid);
	snprintf(other, sizeof other, "lab17o-%d", pid);
	snprintf(sealed, sizeof sealed, "lab17i-%d", pid);
	snprintf(web, sizeof web, "l17web-%d", pid);
	snprintf(publish, sizeof publish, "127.0.0.1:%d:8080", port);
	int r = make_network(l, shared, false);
	if (r == 0 && c->control)
		r = make_network(l, other, false);
	if (r == 0)
		r = make_network(l, sealed, true);
	char *const server[] = { "nc", "-ll", "-p", "8080", "-e", "echo", REPLY, NULL };
	struct gb_state st;
	if (r == 0 && (r = run(l, web, shared, publish, server, &st)) == 0) {
		check_veth(c, &st);
		check_hosts(c, &st);
		gb_state_free(&st);
		check_by_name(l, web, c->control ? other : shared);
		check_internal(l, sealed);
		check_published(c, port);
	}
	return r;
}

/* --container NAME: the student's own container. */
static int student_check(struct gb_check *c)
{
	struct gb_state st;
	int r = gb_check_container(c, NULL, NULL, true, &st);
	if (r < 0)
		return r;
	check_veth(c, &st);
	char path[64];
	gb_autofree char *hosts = NULL;
	size_t len, names = 0;
	snprintf(path, sizeof path, "/proc/%d/root/etc/hosts", (int)st.pid);
	if (gb_read_file(path, &hosts, &len) == 0)
		for (char *p = hosts; (p = strchr(p, '\n')); p++)
			names += p[1] >= '1' && p[1] <= '9' && strncmp(p + 1, "127.", 4);
	if (names > 0)
		gb_check_pass(
			c, "its /etc/hosts names %zu container%s on its networks (itself included)",
			names, names == 1 ? "" : "s");
	else
		gb_check_fail(c,
			      "its /etc/hosts names no container: it shares no network with any");
	gb_state_free(&st);
	return 0;
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "veth") || !gb_check_host_has(c, "bridge"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	/* Without root: the kernel has both (above, probed in a user namespace), but the
	 * bridge glassbox builds lives in the host's network namespace; host-check's
	 * students' section says what this user needs (pasta, slirp4netns, or root). */
	if (!gb_check_host_has(c, "rootless.bridge"))
		return 0;
	if (c->container)
		return student_check(c);
	struct lab17 l = { .c = c };
	int r = auto_check(&l);
	cleanup(&l);
	return r;
}

const struct gb_lab gb_lab_17 = {
	.num = 17,
	.slug = "bridge-networking",
	.title = "Bridge networks",
	.feature = "veth pair on a bridge; names on a shared network; internal unreachable; -p "
		   "answers",
	.control = "the client on another network",
	.check = check,
	.trips = "by-name",
};
