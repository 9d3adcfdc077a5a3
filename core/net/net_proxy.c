/* Published ports (-p): a small TCP proxy. It listens on the host side and, for every
 * connection, opens one to the container's address and copies bytes both ways
 * (socket(7), tcp(7), poll(2), shutdown(2)). docs/networking.md says why a proxy and not
 * nftables DNAT. Lab 17 (bridge-networking). */
#include "net/net.h"
#include "net/net_via.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/util.h"

int gb_net_publish_parse(const char *s, struct gb_net_publish *p, struct gb_err *err)
{
	memset(p, 0, sizeof *p);
	p->host_ip = 0x7f000001; /* 127.0.0.1: reachable from this machine only */
	snprintf(p->proto, sizeof p->proto, "tcp");
	char buf[64], *parts[3];
	int n = 0;
	if (snprintf(buf, sizeof buf, "%s", s) >= (int)sizeof buf)
		goto bad;
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (strcmp(slash + 1, "tcp") != 0) {
			gb_err_set(err, EPROTONOSUPPORT, "-p", "-p %s: only tcp can be published",
				   s);
			gb_err_hint(err, "write -p HOST:CONTAINER or -p HOST:CONTAINER/tcp");
			return -EPROTONOSUPPORT;
		}
	}
	for (char *tok = buf, *c; n < 3; tok = c + 1) {
		parts[n++] = tok;
		if (!(c = strchr(tok, ':')))
			break;
		*c = '\0';
	}
	if (n < 2 || strchr(parts[n - 1], ':'))
		goto bad;
	if (n == 3 && gb_net_ip_parse(parts[0], &p->host_ip, err) < 0)
		return -EINVAL;
	char *e1, *e2;
	long hp = strtol(parts[n - 2], &e1, 10), cp = strtol(parts[n - 1], &e2, 10);
	if (*e1 || *e2 || e1 == parts[n - 2] || e2 == parts[n - 1] || hp < 1 || hp > 65535 ||
	    cp < 1 || cp > 65535)
		goto bad;
	p->host_port = (int)hp;
	p->container_port = (int)cp;
	return 0;
bad:
	gb_err_set(err, EINVAL, "", "'%s' is not a port to publish", s);
	gb_err_hint(err, "write [IP:]HOST_PORT:CONTAINER_PORT[/tcp], ports 1-65535, e.g. "
			 "-p 8080:80 or -p 127.0.0.1:8443:443");
	return -EINVAL;
}

static struct sockaddr_in sin_of(uint32_t ip, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(ip);
	return sa;
}

/* bind(2) gives EACCES for a port below net.ipv4.ip_unprivileged_port_start (1024 by
 * default) without CAP_NET_BIND_SERVICE in the network namespace's owning user namespace:
 * a rootless user has it only in its own namespaces, never for the host's loopback. */
static void low_port_hint(const struct gb_net_publish *p, struct gb_err *err)
{
	gb_autofree char *text = NULL;
	int start = 1024;
	if (gb_read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start", &text, NULL) == 0)
		start = atoi(text);
	/* 443 -> 8443, 80 -> 8080: the usual choice */
	int other = p->host_port + 8000 >= start && p->host_port + 8000 < 65536
			    ? p->host_port + 8000
			    : start;
	gb_err_hint(err,
		    "ports below %d (net.ipv4.ip_unprivileged_port_start) need "
		    "CAP_NET_BIND_SERVICE: publish a host port of %d or above (-p %d:%d), or "
		    "the machine's root lowers it: sysctl net.ipv4.ip_unprivileged_port_start=%d",
		    start, start, other, p->container_port, p->host_port);
}

int gb_net_publish_listen(const struct gb_net_publish *p, int *fd, struct gb_err *err)
{
	char ip[16];
	gb_net_ip_format(p->host_ip, ip);
	*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0)
		return gb_err_set(err, errno, "socket(AF_INET, SOCK_STREAM)",
				  "cannot make a socket");
	int one = 1;
	/* Lets a restarted container take its port back while old connections linger in
	 * TIME_WAIT; it does not allow two listeners on one port. */
	setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = sin_of(p->host_ip, p->host_port);
	if (bind(*fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(*fd, 64) < 0) {
		int e = errno;
		close(*fd);
		*fd = -1;
		gb_err_set(err, e, "bind", "cannot publish %s:%d", ip, p->host_port);
		if (e == EADDRINUSE)
			gb_err_hint(err,
				    "port %d on %s is already in use: `ss -ltnp 'sport = :%d'` "
				    "shows who holds it; choose another host port",
				    p->host_port, ip, p->host_port);
		else if (e == EADDRNOTAVAIL)
			gb_err_hint(err,
				    "%s is not an address of this machine: `ip -4 addr` lists "
				    "them; 127.0.0.1 is the default",
				    ip);
		else if (e == EACCES)
			low_port_hint(p, err);
		return -e;
	}
	return 0;
}

/* ---- the copy loop ---- */

#define PROXY_CONNS 64
#define PROXY_BUF 8192

/* Bytes read from one side, waiting to be written to the other. */
struct half {
	char buf[PROXY_BUF];
	size_t len, off;
	bool eof;
};

struct conn {
	bool used, connecting;
	int fd[2];	  /* 0: the client on the host side, 1: the container */
	struct half h[2]; /* h[i] holds what fd[i] sent */
};

struct proxy {
	const struct gb_net_publish *pubs;
	const int *listen_fds;
	size_t n;
	uint32_t target_ip;
	int target_netns;
	struct conn *conns;
	int target_userns; /* -1, or the user namespace to join before target_netns */
};

static void conn_close(struct conn *c)
{
	close(c->fd[0]);
	close(c->fd[1]);
	c->used = false;
}

static int new_socket(void *arg, struct gb_err *err)
{
	int *fd = arg;
	*fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return *fd < 0 ? gb_err_set(err, errno, "socket", "cannot make a socket") : 0;
}

/* A socket belongs to the network namespace it was created in: made inside the
 * container's namespace, it reaches the container's address even on an --internal
 * network whose bridge has no address on the host side. */
static int upstream_socket(struct proxy *px, int *fd)
{
	if (px->target_netns < 0)
		return new_socket(fd, NULL);
	/* Rootless: only the namespace's root may join it, and a thread cannot change its
	 * user namespace; a helper process makes the socket (core/net/net_rootless.h). */
	if (px->target_userns >= 0)
		return gb_net_socket_via(px->target_userns, px->target_netns, AF_INET,
					 SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, fd);
	return gb_net_in_netns(px->target_netns, new_socket, fd, NULL);
}

static void proxy_accept(struct proxy *px, size_t i)
{
	int cfd = accept4(px->listen_fds[i], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	struct conn *c = NULL;
	for (int k = 0; k < PROXY_CONNS && !c; k++)
		if (!px->conns[k].used)
			c = &px->conns[k];
	int ufd = -1;
	if (!c || upstream_socket(px, &ufd) < 0) {
		close(cfd);
		return;
	}
	struct sockaddr_in sa = sin_of(px->target_ip, px->pubs[i].container_port);
	if (connect(ufd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		close(cfd);
		close(ufd);
		return;
	}
	memset(c, 0, sizeof *c);
	*c = (struct conn){ .used = true, .connecting = true, .fd = { cfd, ufd } };
}

/* Move bytes from fd[from] into h[from], then out to fd[!from]. false: the end. */
static bool pump(struct conn *c, int from, short rev_from, short rev_to)
{
	struct half *h = &c->h[from];
	if ((rev_from & (POLLIN | POLLHUP | POLLERR)) && h->len == 0 && !h->eof) {
		ssize_t n = read(c->fd[from], h->buf, sizeof h->buf);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n == 0) {
			h->eof = true;
			/* Pass the half-close on: the other side sees end of file too. */
			shutdown(c->fd[!from], SHUT_WR);
		}
		h->len = n > 0 ? (size_t)n : 0;
		h->off = 0;
	}
	if (h->len > 0 && (rev_to & POLLOUT)) {
		ssize_t n = write(c->fd[!from], h->buf + h->off, h->len);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n > 0) {
			h->off += (size_t)n;
			h->len -= (size_t)n;
		}
	}
	return true;
}

static short want(const struct conn *c, int side)
{
	if (c->connecting)
		return side == 1 ? POLLOUT : 0;
	short ev = 0;
	if (c->h[side].len == 0 && !c->h[side].eof)
		ev |= POLLIN;
	if (c->h[!side].len > 0)
		ev |= POLLOUT;
	return ev;
}

static void conn_step(struct conn *c, short rev0, short rev1)
{
	if (c->connecting) {
		if (!(rev1 & (POLLOUT | POLLERR | POLLHUP)))
			return;
		int e = 0;
		socklen_t l = sizeof e;
		getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &e, &l);
		if (e) { /* refused: the client sees its connection closed */
			conn_close(c);
			return;
		}
		c->connecting = false;
		return;
	}
	if (!pump(c, 0, rev0, rev1) || !pump(c, 1, rev1, rev0) ||
	    (c->h[0].eof && c->h[1].eof && !c->h[0].len && !c->h[1].len))
		conn_close(c);
}

static size_t fill_pollfds(struct proxy *px, struct pollfd *p, int stop_fd)
{
	size_t k = 0;
	p[k++] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
	for (size_t i = 0; i < px->n; i++)
		p[k++] = (struct pollfd){ .fd = px->listen_fds[i], .events = POLLIN };
	for (int i = 0; i < PROXY_CONNS; i++) {
		struct conn *c = &px->conns[i];
		p[k++] = (struct pollfd){ .fd = c->used ? c->fd[0] : -1, .events = want(c, 0) };
		p[k++] = (struct pollfd){ .fd = c->used ? c->fd[1] : -1, .events = want(c, 1) };
	}
	return k;
}

int gb_net_proxy_run(const struct gb_net_publish *pubs, const int *listen_fds, size_t n,
		     uint32_t target_ip, int target_netns, int stop_fd, struct gb_err *err)
{
	return gb_net_proxy_run_via(pubs, listen_fds, n, target_ip, -1, target_netns, stop_fd, err);
}

int gb_net_proxy_run_via(const struct gb_net_publish *pubs, const int *listen_fds, size_t n,
			 uint32_t target_ip, int target_userns, int target_netns, int stop_fd,
			 struct gb_err *err)
{
	struct proxy px = { pubs, listen_fds, n, target_ip, target_netns, NULL, target_userns };
	gb_autofree struct conn *conns = calloc(PROXY_CONNS, sizeof *conns);
	gb_autofree struct pollfd *p = calloc(1 + n + 2 * PROXY_CONNS, sizeof *p);
	if (!conns || !p)
		return gb_err_set(err, ENOMEM, "calloc", "out of memory for the port proxy");
	px.conns = conns;
	for (;;) {
		size_t np = fill_pollfds(&px, p, stop_fd);
		if (poll(p, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			return gb_err_set(err, errno, "poll", "the port proxy's poll failed");
		}
		if (p[0].revents)
			break;
		for (size_t i = 0; i < n; i++)
			if (p[1 + i].revents & POLLIN)
				proxy_accept(&px, i);
		for (int i = 0; i < PROXY_CONNS; i++)
			if (conns[i].used)
				conn_step(&conns[i], p[1 + n + 2 * i].revents,
					  p[2 + n + 2 * i].revents);
	}
	for (int i = 0; i < PROXY_CONNS; i++)
		if (conns[i].used)
			conn_close(&conns[i]);
	return 0;
}
