/* Lab 05 check: the network namespace. The container's namespace net:[...] is not the
 * host's; inside it there is only lo (brought up, 127.0.0.1) and no route: the host's
 * interfaces are invisible and nothing leaves. Negative control: --network host. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "net/net.h"
#include "ns/ns.h"

static void control(struct gb_config *cfg)
{
	cfg->host_net = true;
}

/* The links and routes of the network namespace we are in, as the kernel lists them. */
static int view_here(struct gb_net_view *v, struct gb_err *err)
{
	struct gb_net_nl nl;
	int r = gb_net_nl_open(&nl, err);
	if (r < 0)
		return r;
	r = gb_net_observe(&nl, v, err);
	gb_net_nl_close(&nl);
	return r;
}

/* What a forked child that joined pid's namespaces saw, through a shared mapping. */
struct remote_view {
	int ret;
	struct gb_err err;
	struct gb_net_view v;
};

/* In the child: the container's user namespace first when it is a rootless one (setns
 * into its network namespace needs CAP_SYS_ADMIN there, as `nsenter -U -n` does), then
 * its network namespace, where a netlink socket lists what the kernel has. */
static void remote_child(pid_t pid, struct remote_view *rv)
{
	rv->ret = gb_ns_enter_one(pid, GB_NS_NET, &rv->err);
	if (rv->ret == 0)
		rv->ret = view_here(&rv->v, &rv->err);
	_exit(0);
}

/* The links and routes of pid's network namespace (0: our own). */
static int view_of(pid_t pid, struct gb_net_view *v, struct gb_err *err)
{
	if (!pid)
		return view_here(v, err);
	struct remote_view *rv =
		mmap(NULL, sizeof *rv, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rv == MAP_FAILED)
		return gb_err_set(err, errno, "mmap", "no memory for the view of PID %d", (int)pid);
	rv->ret = -ECHILD;
	pid_t child = fork();
	if (child == 0)
		remote_child(pid, rv);
	while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	int r = child < 0 ? gb_err_set(err, errno, "fork", "cannot fork a helper") : rv->ret;
	if (child > 0 && r < 0)
		*err = rv->err;
	if (r == 0)
		*v = rv->v;
	munmap(rv, sizeof *rv);
	return r == -ECHILD && child > 0 ? gb_err_set(err, ECHILD, "fork", "the helper died") : r;
}

static void names(const struct gb_net_view *v, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < v->n_links && used + 20 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 v->links[i].name);
}

static void check_links(struct gb_check *c, const struct gb_net_view *in,
			const struct gb_net_view *host)
{
	char seen[512], hosts[512];
	names(in, seen, sizeof seen);
	names(host, hosts, sizeof hosts);
	if (in->n_links == 1 && strcmp(in->links[0].name, "lo") == 0)
		gb_check_is(c, "only-lo", true,
			    "inside there is only lo; the host has %d interface%s (%s)",
			    host->n_links, host->n_links == 1 ? "" : "s", hosts);
	else
		gb_check_is(c, "only-lo", false, "inside it sees %d interfaces: %s", in->n_links,
			    seen);
	const struct gb_net_link_view *lo = gb_net_view_link(in, "lo");
	if (lo && lo->up && lo->n_addrs > 0)
		gb_check_is(c, "lo-up", true,
			    "lo is up with %s: a new namespace's lo starts down; the engine's "
			    "`loopback` step brought it up",
			    lo->addrs[0]);
	else
		gb_check_is(c, "lo-up", false, "lo is %s: 127.0.0.1 does not work inside",
			    lo ? "down" : "missing");
	if (in->n_routes == 0)
		gb_check_is(c, "no-route", true, "no route in its main table: no packet can leave");
	else
		gb_check_is(c, "no-route", false,
			    "it has %d route%s (first: %s%s%s dev %s): packets can leave",
			    in->n_routes, in->n_routes == 1 ? "" : "s", in->routes[0].dst,
			    in->routes[0].gateway[0] ? " via " : "", in->routes[0].gateway,
			    in->routes[0].ifname);
}

/* The same from inside: the interfaces /proc/net/dev lists to the container's own
 * processes (the file shows the reader's network namespace). */
static void check_inside(struct gb_check *c, const struct gb_state *st,
			 const struct gb_net_view *host)
{
	char *const cmd[] = { "cat", "/proc/net/dev", NULL };
	char out[4096], seen[512] = "";
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return;
	int n = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		line += strspn(line, " ");
		size_t used = strlen(seen);
		snprintf(seen + used, sizeof seen - used, "%s%s", n++ ? ", " : "", line);
	}
	gb_check_is(c, "net-inside", code == 0 && n == 1 && !strcmp(seen, "lo"),
		    "inside, `cat /proc/net/dev` exits %d and lists %d interface%s: %s (the host "
		    "has %d)",
		    code, n, n == 1 ? "" : "s", seen[0] ? seen : "none", host->n_links);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "ns.net"))
		return 0;		    /* SKIP: host-check says the kernel lacks it */
	static struct gb_net_view in, host; /* ~100 KB each: not on the stack */
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_ns_ids ns, own;
	gb_ns_read(st.pid, &ns);
	gb_ns_read(0, &own);
	if (!ns.ino[GB_NS_NET] || !own.ino[GB_NS_NET])
		gb_check_error(c, "cannot read /proc/%d/ns/net", (int)st.pid);
	else if (ns.ino[GB_NS_NET] != own.ino[GB_NS_NET])
		gb_check_is(c, "net-ns", true,
			    "network namespace net:[%llu] differs from the host's net:[%llu]",
			    ns.ino[GB_NS_NET], own.ino[GB_NS_NET]);
	else
		gb_check_is(c, "net-ns", false,
			    "network namespace net:[%llu] is the host's own (/proc/%d/ns/net)",
			    ns.ino[GB_NS_NET], (int)st.pid);
	r = view_of(st.pid, &in, &c->err);
	if (r == 0)
		r = view_of(0, &host, &c->err);
	if (r == 0)
		check_links(c, &in, &host);
	if (r == 0)
		check_inside(c, &st, &host);
	gb_state_free(&st);
	return r;
}

const struct gb_lab gb_lab_05 = {
	.num = 5,
	.slug = "network-namespace",
	.title = "The network namespace",
	.feature = "net ns inode differs; only lo inside, up; no route; host interfaces invisible",
	.control = "--network host",
	.check = check,
	.trips = "net-ns",
};
