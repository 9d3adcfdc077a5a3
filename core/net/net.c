/* Links, addresses and routes through rtnetlink: rtnetlink(7), netlink(7), veth(4),
 * network_namespaces(7), setns(2). What `ip link/addr/route` do, one message at a time.
 * Labs 05 (network-namespace) and 17 (bridge-networking). */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

/* <linux/if.h> has it but clashes with <net/if.h>; the value is kernel ABI. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif

/* ---- the socket ---- */

int gb_net_nl_open(struct gb_net_nl *nl, struct gb_err *err)
{
	memset(nl, 0, sizeof *nl);
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return gb_err_set(err, errno, "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)",
				  "cannot open a route netlink socket");
	return gb_net_nl_ready(nl, err);
}

int gb_net_nl_ready(struct gb_net_nl *nl, struct gb_err *err)
{
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = gb_err_set(err, errno, "bind(netlink)", "cannot bind the netlink socket");
		gb_net_nl_close(nl);
		return r;
	}
	/* Extended acks: the kernel explains a refusal in words, not only an errno. */
	int one = 1;
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof one);
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

void gb_net_nl_close(struct gb_net_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int gb_net_netns_open(pid_t pid, int *fd, struct gb_err *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		int r = gb_err_set(err, errno, "open", "cannot open %s", path);
		gb_err_hint(err,
			    "is process %d still running? a network namespace is reached "
			    "through a process inside it (or a bind mount of this file)",
			    (int)pid);
		return r;
	}
	return 0;
}

/* setns(CLONE_NEWNET) changes the namespace of the calling thread only. A short-lived
 * thread joins the container's namespace, does its work (opens a socket there) and ends:
 * the engine's own threads never leave the host's namespace, so nothing can forget to
 * switch back. */
struct netns_job {
	int netns_fd;
	int (*fn)(void *arg, struct gb_err *err);
	void *arg;
	struct gb_err *err;
	int ret;
};

static void *netns_thread(void *p)
{
	struct netns_job *job = p;
	if (setns(job->netns_fd, CLONE_NEWNET) < 0) {
		job->ret = gb_err_set(job->err, errno, "setns(fd, CLONE_NEWNET)",
				      "cannot join the container's network namespace");
		gb_err_hint(job->err, "setns needs CAP_SYS_ADMIN; the fd must be a "
				      "/proc/PID/ns/net handle");
		return NULL;
	}
	job->ret = job->fn(job->arg, job->err);
	return NULL;
}

int gb_net_in_netns(int netns_fd, int (*fn)(void *arg, struct gb_err *err), void *arg,
		    struct gb_err *err)
{
	struct netns_job job = { netns_fd, fn, arg, err, 0 };
	pthread_t t;
	int rc = pthread_create(&t, NULL, netns_thread, &job);
	if (rc)
		return gb_err_set(err, rc, "pthread_create",
				  "cannot start a thread to enter "
				  "the network namespace");
	pthread_join(t, NULL);
	return job.ret;
}

static int open_nl_job(void *arg, struct gb_err *err)
{
	return gb_net_nl_open(arg, err);
}

int gb_net_nl_open_in(struct gb_net_nl *nl, int netns_fd, struct gb_err *err)
{
	return gb_net_in_netns(netns_fd, open_nl_job, nl, err);
}

/* ---- one request, one answer ---- */

/* The kernel's own words from an extended ack (NLMSGERR_ATTR_MSG), if it sent any. */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof *e;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof e->msg;
	const struct nlattr *a;
	const char *base = (const char *)mnl_nlmsg_get_payload(nlh) + off;
	const char *end = (const char *)nlh + nlh->nlmsg_len;
	for (a = (const struct nlattr *)base; mnl_attr_ok(a, (int)(end - (const char *)a));
	     a = mnl_attr_next(a))
		if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
			return mnl_attr_get_str(a);
	return NULL;
}

/* Send a request and wait for its acknowledgement. On a refusal, err names the call and
 * the kernel's explanation; the caller adds the hint. */
static int nl_request(struct gb_net_nl *nl, struct nlmsghdr *nlh, const char *call,
		      struct gb_err *err)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return gb_err_set(err, errno, call, "sending %s to the kernel failed", call);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof buf);
	if (n < 0)
		return gb_err_set(err, errno, call, "no answer from the kernel to %s", call);
	const struct nlmsghdr *r = (const struct nlmsghdr *)buf;
	if (!mnl_nlmsg_ok(r, (int)n) || r->nlmsg_type != NLMSG_ERROR)
		return gb_err_set(err, EPROTO, call, "unexpected answer to %s", call);
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(r);
	if (e->error == 0)
		return 0;
	const char *why = ext_ack_msg(r);
	return gb_err_set(err, -e->error, call, "%s failed%s%s", call, why ? ": " : "",
			  why ? why : "");
}

static struct nlmsghdr *link_msg(char *buf, int type, int flags, int index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	struct ifinfomsg *ifm = mnl_nlmsg_put_extra_header(nlh, sizeof *ifm);
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = index;
	return nlh;
}

/* Hints for the refusals a student meets first. */
static void link_hint(struct gb_err *err, const char *name)
{
	switch (err ? err->code : 0) {
	case EEXIST:
		gb_err_hint(err,
			    "a link named %s already exists: `ip link show %s`; remove it "
			    "(`glassbox network prune` for glassbox's own) or choose another name",
			    name, name);
		break;
	case ENODEV:
		gb_err_hint(err,
			    "no link named %s in this network namespace: `ip link` lists "
			    "them",
			    name);
		break;
	case EPERM:
		gb_err_hint(err, "changing links needs CAP_NET_ADMIN in the namespace's owning "
				 "user namespace: run as root");
		break;
	case EOPNOTSUPP:
		gb_err_hint(err, "this kernel lacks the driver: `modprobe veth` / `modprobe "
				 "bridge`, or check CONFIG_VETH and CONFIG_BRIDGE");
		break;
	}
}

/* ---- links ---- */

struct index_ctx {
	int index;
};

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	((struct index_ctx *)data)->index = ifm->ifi_index;
	return MNL_CB_OK;
}

/* RTM_GETLINK by name, asked of this socket's namespace (if_nametoindex(3) would ask the
 * namespace of the calling thread instead). */
int gb_net_link_index(struct gb_net_nl *nl, const char *name, int *index, struct gb_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, NLM_F_REQUEST, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return gb_err_set(err, errno, "RTM_GETLINK", "cannot ask for link %s", name);
	ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof buf);
	struct index_ctx ctx = { 0 };
	if (n < 0 || mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, index_cb, &ctx) < 0) {
		int r = gb_err_set(err, errno, "RTM_GETLINK", "no link named %s", name);
		link_hint(err, name);
		return r;
	}
	*index = ctx.index;
	return 0;
}

static int link_create(struct gb_net_nl *nl, struct nlmsghdr *nlh, const char *name,
		       const char *call, struct gb_err *err)
{
	int r = nl_request(nl, nlh, call, err);
	if (r < 0)
		link_hint(err, name);
	return r;
}

int gb_net_bridge_create(struct gb_net_nl *nl, const char *name, struct gb_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s type bridge", name);
	return link_create(nl, nlh, name, call, err);
}

int gb_net_veth_create(struct gb_net_nl *nl, const char *name, const char *peer, struct gb_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	/* The peer is described by a whole ifinfomsg of its own, then its attributes. */
	struct nlattr *p = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	struct ifinfomsg *pifm = mnl_nlmsg_put_extra_header(nlh, sizeof *pifm);
	pifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_nest_end(nlh, p);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s type veth peer %s", name, peer);
	return link_create(nl, nlh, name, call, err);
}

/* Change one property of an existing link: RTM_NEWLINK on its index. */
static int link_change(struct gb_net_nl *nl, const char *name, int attr_type, const void *val,
		       size_t len, unsigned int flags, const char *call, struct gb_err *err)
{
	int index;
	int r = gb_net_link_index(nl, name, &index, err);
	if (r < 0)
		return r;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, index);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	ifm->ifi_change = flags;
	ifm->ifi_flags = flags;
	if (val)
		mnl_attr_put(nlh, attr_type, len, val);
	r = nl_request(nl, nlh, call, err);
	if (r < 0)
		link_hint(err, name);
	return r;
}

int gb_net_link_set_netns(struct gb_net_nl *nl, const char *name, int netns_fd, struct gb_err *err)
{
	uint32_t fd = (uint32_t)netns_fd;
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s IFLA_NET_NS_FD=%d", name, netns_fd);
	return link_change(nl, name, IFLA_NET_NS_FD, &fd, sizeof fd, 0, call, err);
}

int gb_net_link_rename(struct gb_net_nl *nl, const char *name, const char *newname,
		       struct gb_err *err)
{
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s IFLA_IFNAME=%s", name, newname);
	int r = link_change(nl, name, IFLA_IFNAME, newname, strlen(newname) + 1, 0, call, err);
	if (r == -EBUSY)
		gb_err_hint(err, "a link can only be renamed while it is down");
	else if (r == -EEXIST)
		gb_err_hint(err, "this namespace already has a link named %s", newname);
	return r;
}

int gb_net_link_set_master(struct gb_net_nl *nl, const char *name, const char *bridge,
			   struct gb_err *err)
{
	int bridx;
	int r = gb_net_link_index(nl, bridge, &bridx, err);
	if (r < 0)
		return r;
	uint32_t m = (uint32_t)bridx;
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s IFLA_MASTER=%s", name, bridge);
	return link_change(nl, name, IFLA_MASTER, &m, sizeof m, 0, call, err);
}

int gb_net_link_set_up(struct gb_net_nl *nl, const char *name, struct gb_err *err)
{
	char call[96];
	snprintf(call, sizeof call, "RTM_NEWLINK %s IFF_UP", name);
	return link_change(nl, name, 0, NULL, 0, IFF_UP, call, err);
}

int gb_net_link_delete(struct gb_net_nl *nl, const char *name, struct gb_err *err)
{
	int index;
	int r = gb_net_link_index(nl, name, &index, err);
	if (r < 0)
		return r;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_DELLINK, 0, index);
	char call[96];
	snprintf(call, sizeof call, "RTM_DELLINK %s", name);
	r = nl_request(nl, nlh, call, err);
	if (r < 0)
		link_hint(err, name);
	return r;
}

/* ---- addresses and routes ---- */

int gb_net_addr_add(struct gb_net_nl *nl, const char *ifname, uint32_t addr, int prefix,
		    struct gb_err *err)
{
	int index;
	int r = gb_net_link_index(nl, ifname, &index, err);
	if (r < 0)
		return r;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned int)index;
	uint32_t be = htonl(addr);
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer (same on LANs). */
	mnl_attr_put_u32(nlh, IFA_LOCAL, be);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, be);
	if (prefix < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST, htonl(addr | ~gb_net_cidr_mask(prefix)));
	char ip[16], call[96];
	gb_net_ip_format(addr, ip);
	snprintf(call, sizeof call, "RTM_NEWADDR %s/%d dev %s", ip, prefix, ifname);
	r = nl_request(nl, nlh, call, err);
	if (r == -EEXIST)
		gb_err_hint(err, "%s already has the address %s", ifname, ip);
	return r;
}

int gb_net_route_add_default(struct gb_net_nl *nl, uint32_t gateway, const char *ifname,
			     struct gb_err *err)
{
	int index;
	int r = gb_net_link_index(nl, ifname, &index, err);
	if (r < 0)
		return r;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 0; /* 0.0.0.0/0: every destination without a better route */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_GATEWAY, htonl(gateway));
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	char ip[16], call[96];
	gb_net_ip_format(gateway, ip);
	snprintf(call, sizeof call, "RTM_NEWROUTE default via %s dev %s", ip, ifname);
	r = nl_request(nl, nlh, call, err);
	if (r == -ENETUNREACH)
		gb_err_hint(err,
			    "the gateway %s is not on any subnet of %s: add the address "
			    "first and bring the link up",
			    ip, ifname);
	else if (r == -EEXIST)
		gb_err_hint(err, "this namespace already has a default route");
	return r;
}

/* ---- observing a namespace: dumps of links, addresses, routes ---- */

static int nl_dump(struct gb_net_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data,
		   const char *call, struct gb_err *err)
{
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++nl->seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return gb_err_set(err, errno, call, "cannot send %s", call);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int r;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof buf);
		if (n < 0)
			return gb_err_set(err, errno, call, "reading the answer to %s failed",
					  call);
		r = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, cb, data);
	} while (r > 0);
	if (r < 0)
		return gb_err_set(err, errno, call, "%s failed", call);
	return 0;
}

static void link_attrs(const struct nlattr *a, struct gb_net_link_view *l)
{
	switch (mnl_attr_get_type(a)) {
	case IFLA_IFNAME: snprintf(l->name, sizeof l->name, "%s", mnl_attr_get_str(a)); break;
	case IFLA_MTU: l->mtu = mnl_attr_get_u32(a); break;
	case IFLA_MASTER: l->master = (int)mnl_attr_get_u32(a); break;
	case IFLA_ADDRESS: {
		const unsigned char *m = mnl_attr_get_payload(a);
		if (mnl_attr_get_payload_len(a) == 6)
			snprintf(l->mac, sizeof l->mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
				 m[2], m[3], m[4], m[5]);
		break;
	}
	case IFLA_LINKINFO: {
		const struct nlattr *i;
		mnl_attr_for_each_nested(i, a) if (mnl_attr_get_type(i) == IFLA_INFO_KIND)
			snprintf(l->kind, sizeof l->kind, "%s", mnl_attr_get_str(i));
		break;
	}
	}
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gb_net_view *v = data;
	if (v->n_links >= (int)GB_ARRAY_LEN(v->links))
		return MNL_CB_OK;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct gb_net_link_view *l = &v->links[v->n_links++];
	memset(l, 0, sizeof *l);
	l->index = ifm->ifi_index;
	l->up = ifm->ifi_flags & IFF_UP;
	l->carrier = ifm->ifi_flags & IFF_LOWER_UP;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *ifm) link_attrs(a, l);
	return MNL_CB_OK;
}

static struct gb_net_link_view *link_by_index(struct gb_net_view *v, int index)
{
	for (int i = 0; i < v->n_links; i++)
		if (v->links[i].index == index)
			return &v->links[i];
	return NULL;
}

static int addr_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct gb_net_link_view *l = link_by_index(data, (int)ifa->ifa_index);
	if (!l || ifa->ifa_family != AF_INET || l->n_addrs >= (int)GB_ARRAY_LEN(l->addrs))
		return MNL_CB_OK;
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *ifa)
	{
		if (mnl_attr_get_type(a) != IFA_LOCAL)
			continue;
		struct gb_net_cidr c = { ntohl(mnl_attr_get_u32(a)), ifa->ifa_prefixlen };
		gb_net_cidr_format(c, l->addrs[l->n_addrs++]);
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct gb_net_view *v = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	/* Only the main table: the local table holds the kernel's own per-address routes. */
	if (rtm->rtm_family != AF_INET || rtm->rtm_table != RT_TABLE_MAIN ||
	    v->n_routes >= (int)GB_ARRAY_LEN(v->routes))
		return MNL_CB_OK;
	struct gb_net_route_view *r = &v->routes[v->n_routes++];
	memset(r, 0, sizeof *r);
	struct gb_net_cidr dst = { 0, rtm->rtm_dst_len };
	const struct nlattr *a;
	mnl_attr_for_each(a, nlh, sizeof *rtm)
	{
		if (mnl_attr_get_type(a) == RTA_DST)
			dst.addr = ntohl(mnl_attr_get_u32(a));
		else if (mnl_attr_get_type(a) == RTA_GATEWAY)
			gb_net_ip_format(ntohl(mnl_attr_get_u32(a)), r->gateway);
		else if (mnl_attr_get_type(a) == RTA_OIF)
			r->oif = (int)mnl_attr_get_u32(a);
	}
	if (dst.prefix == 0)
		snprintf(r->dst, sizeof r->dst, "default");
	else
		gb_net_cidr_format(dst, r->dst);
	struct gb_net_link_view *l = link_by_index(v, r->oif);
	snprintf(r->ifname, sizeof r->ifname, "%s", l ? l->name : "");
	return MNL_CB_OK;
}

int gb_net_observe(struct gb_net_nl *nl, struct gb_net_view *v, struct gb_err *err)
{
	memset(v, 0, sizeof *v);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, 0);
	int r = nl_dump(nl, nlh, link_cb, v, "RTM_GETLINK (dump)", err);
	if (r < 0)
		return r;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETADDR;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof *ifa);
	ifa->ifa_family = AF_INET;
	r = nl_dump(nl, nlh, addr_cb, v, "RTM_GETADDR (dump)", err);
	if (r < 0)
		return r;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof *rtm);
	rtm->rtm_family = AF_INET;
	return nl_dump(nl, nlh, route_cb, v, "RTM_GETROUTE (dump)", err);
}

const struct gb_net_link_view *gb_net_view_link(const struct gb_net_view *v, const char *name)
{
	for (int i = 0; i < v->n_links; i++)
		if (strcmp(v->links[i].name, name) == 0)
			return &v->links[i];
	return NULL;
}

void gb_net_view_json(const struct gb_net_view *v, struct gb_json *j, const char *key)
{
	gb_json_obj_begin(j, key);
	gb_json_arr_begin(j, "links");
	for (int i = 0; i < v->n_links; i++) {
		const struct gb_net_link_view *l = &v->links[i];
		gb_json_obj_begin(j, NULL);
		gb_json_str(j, "name", l->name);
		gb_json_int(j, "index", l->index);
		gb_json_str(j, "kind", l->kind);
		gb_json_bool(j, "up", l->up);
		gb_json_bool(j, "carrier", l->carrier);
		gb_json_int(j, "mtu", l->mtu);
		if (l->mac[0])
			gb_json_str(j, "mac", l->mac);
		const struct gb_net_link_view *m = NULL;
		for (int k = 0; l->master && k < v->n_links; k++)
			if (v->links[k].index == l->master)
				m = &v->links[k];
		if (m)
			gb_json_str(j, "master", m->name);
		gb_json_arr_begin(j, "addrs");
		for (int a = 0; a < l->n_addrs; a++)
			gb_json_str(j, NULL, l->addrs[a]);
		gb_json_arr_end(j);
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
	gb_json_arr_begin(j, "routes");
	for (int i = 0; i < v->n_routes; i++) {
		gb_json_obj_begin(j, NULL);
		gb_json_str(j, "dst", v->routes[i].dst);
		if (v->routes[i].gateway[0])
			gb_json_str(j, "gateway", v->routes[i].gateway);
		gb_json_str(j, "ifname", v->routes[i].ifname);
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}
