/* A container on networks (net_container.h): the engine's steps call this file; the
 * kernel work is in core/net/net.c (rtnetlink), net_ipam.c (addresses, /etc/hosts),
 * net_attach.c (veth pairs) and net_proxy.c (published ports). network_namespaces(7),
 * veth(4), hosts(5). Labs 05 (network-namespace) and 17 (bridge-networking). */
#include "net/net_container.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "net/net_rootless.h"

/* ------------------------------------------------------------ where the bridges are */

/* Root: the host's network namespace. Rootless: the student's (net_rootless.h), started
 * on first use when `start` (a network create, a container joining). */
static int host_nl(struct gb_runtime *rt, struct gb_net_nl *nl, bool start, struct gb_err *err)
{
	if (!gb_net_rootless())
		return gb_net_nl_open(nl, err);
	gb_autoclose int userns = -1, netns = -1;
	int r = start ? gb_net_rootless_up(rt, &userns, &netns, err)
		      : gb_net_rootless_open(rt, &userns, &netns, err);
	return r < 0 ? r : gb_net_nl_open_via(nl, userns, netns, err);
}

/* Inside pid's network namespace: rootless through its user namespace (ours to join). */
static int inside_nl(pid_t pid, struct gb_net_nl *nl, struct gb_err *err)
{
	if (gb_net_rootless())
		return gb_net_nl_open_pid(nl, pid, err);
	gb_autoclose int netns = -1;
	int r = gb_net_netns_open(pid, &netns, err);
	return r < 0 ? r : gb_net_nl_open_in(nl, netns, err);
}

/* Rootless: no network left, no container on one: the student's namespace goes. */
static void rootless_idle(struct gb_runtime *rt)
{
	gb_autostrv char **names = NULL;
	if (gb_net_rootless() && gb_net_network_list(rt->state_root, &names, NULL) == 0 &&
	    (!names || !names[0]))
		gb_net_rootless_down(rt);
}

/* Rootless: the default network, made on first use, goes with its last container, so
 * that the student's namespace can go too (rootless_idle); the next use makes it again. */
static void default_unused(struct gb_runtime *rt, struct gb_net_nl *nl)
{
	struct gb_net_network net;
	if (gb_net_network_load(rt->state_root, GB_NET_DEFAULT, &net, NULL) < 0)
		return;
	if (net.n_leases == 0) {
		if (nl)
			gb_net_network_down(nl, &net, NULL);
		gb_net_network_remove(rt->state_root, GB_NET_DEFAULT, NULL);
	}
	gb_net_network_free(&net);
}

/* ------------------------------------------------------------ networks as objects */

/* With the store lock held: pick or check the subnet, bridge up, then the state file. */
static int create_locked(struct gb_runtime *rt, struct gb_net_nl *nl, const char *name,
			 const char *subnet, bool internal, struct gb_net_network *net,
			 struct gb_err *err)
{
	gb_autofree struct gb_net_cidr *taken = NULL;
	gb_autostrv char **by = NULL;
	size_t n = 0;
	int r = gb_net_taken_subnets(rt->state_root, nl, &taken, &by, &n, err);
	if (r == 0)
		r = gb_net_network_init(net, name, subnet, internal, taken, (const char *const *)by,
					n, err);
	if (r < 0)
		return r;
	r = gb_net_network_up(nl, net, err);
	if (r == 0)
		r = gb_net_network_save(rt->state_root, net, err);
	if (r < 0)
		gb_net_network_down(nl, net, NULL);
	return r;
}

int gb_net_container_network_create(struct gb_runtime *rt, const char *name, const char *subnet,
				    bool internal, struct gb_net_network *out, struct gb_err *err)
{
	gb_autoclose int lock = -1;
	struct gb_net_network old;
	struct gb_net_nl nl;
	memset(out, 0, sizeof *out);
	int r = gb_net_store_lock(rt->state_root, &lock, err);
	if (r < 0)
		return r;
	if (gb_net_network_load(rt->state_root, name, &old, NULL) == 0) {
		gb_net_network_free(&old);
		r = gb_err_set(err, EEXIST, "", "a network named %s already exists", name);
		gb_err_hint(err, "`glassbox network inspect %s` shows it", name);
		return r;
	}
	if ((r = host_nl(rt, &nl, true, err)) < 0)
		return r;
	r = create_locked(rt, &nl, name, subnet, internal, out, err);
	gb_net_nl_close(&nl);
	return r;
}

int gb_net_container_network_remove(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	gb_autoclose int lock = -1;
	struct gb_net_network net = { 0 };
	struct gb_net_nl nl;
	int r = gb_net_store_lock(rt->state_root, &lock, err);
	if (r == 0 && (r = gb_net_network_load(rt->state_root, name, &net, err)) == 0 &&
	    net.n_leases > 0) {
		r = gb_err_set(err, EBUSY, "", "network %s still has %zu container(s)", name,
			       net.n_leases);
		gb_err_hint(err,
			    "remove them first: `glassbox rm -f %s`; `glassbox network prune` "
			    "frees the addresses of containers that are gone",
			    net.leases[0].name);
	}
	if (r == 0 && (r = host_nl(rt, &nl, false, err)) == 0) {
		r = gb_net_network_down(&nl, &net, err);
		gb_net_nl_close(&nl);
	} else if (r == -ENOENT && gb_net_rootless()) { /* its namespace is gone: so is it */
		gb_err_clear(err);
		r = 0;
	}
	if (r == 0)
		r = gb_net_network_remove(rt->state_root, name, err);
	gb_net_network_free(&net);
	if (r == 0)
		rootless_idle(rt);
	return r;
}

/* ------------------------------------------------------------ /etc/hosts of everyone */

/* All stored networks (damaged files are skipped: `network ls` reports them). */
static struct gb_net_network *load_all(const struct gb_runtime *rt, size_t *n)
{
	gb_autostrv char **names = NULL;
	*n = 0;
	if (gb_net_network_list(rt->state_root, &names, NULL) < 0 || !names)
		return NULL;
	struct gb_net_network *nets = calloc(gb_strv_len(names) + 1, sizeof *nets);
	for (char **p = names; nets && *p; p++)
		if (gb_net_network_load(rt->state_root, *p, &nets[*n], NULL) == 0)
			++*n;
	return nets;
}

static void free_all(struct gb_net_network *nets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gb_net_network_free(&nets[i]);
	free(nets);
}

static int etc_path(const struct gb_runtime *rt, const char *id, const char *file, char *buf,
		    size_t len)
{
	char dir[600];
	gb_state_dir(rt, id, dir, sizeof dir);
	return gb_path(buf, len, "%s/%s", dir, file);
}

/* Rewrite in place, never by rename: the file is bind-mounted into a running container,
 * and a bind mount holds on to its inode. A renamed new file would never be seen. */
static int write_in_place(const char *path, const char *text, bool create)
{
	gb_autoclose int fd =
		open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
	if (fd < 0)
		return -errno;
	size_t len = strlen(text);
	return gb_write_full(fd, text, len) == (ssize_t)len ? 0 : -EIO;
}

static bool seen(char (*ids)[32], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* Every container with a hosts file and a lease gets its file rendered again. */
static void hosts_refresh(const struct gb_runtime *rt)
{
	size_t n = 0, total = 0, done = 0;
	struct gb_net_network *nets = load_all(rt, &n);
	for (size_t i = 0; i < n; i++)
		total += nets[i].n_leases;
	char(*ids)[32] = calloc(total + 1, sizeof *ids);
	for (size_t i = 0; ids && i < n; i++) {
		for (size_t k = 0; k < nets[i].n_leases; k++) {
			const char *id = nets[i].leases[k].id;
			char path[700];
			if (seen(ids, done, id) || etc_path(rt, id, "hosts", path, sizeof path) < 0)
				continue;
			snprintf(ids[done++], sizeof ids[0], "%s", id);
			gb_autofree char *text = gb_net_hosts_render(nets, n, id, NULL);
			if (text)
				write_in_place(path, text, false); /* no file: not started yet */
		}
	}
	free(ids);
	free_all(nets, n);
}

/* ------------------------------------------------------------ prune */

static bool container_exists(const struct gb_runtime *rt, const char *id)
{
	char dir[600];
	gb_state_dir(rt, id, dir, sizeof dir);
	return access(dir, F_OK) == 0;
}

/* A veth is named after the first 8 characters of its container's id. */
static bool id8_alive(const char *id8, void *data)
{
	const struct gb_runtime *rt = data;
	struct gb_state *list = NULL;
	size_t n = 0;
	bool alive = false;
	if (gb_state_list(rt, &list, &n, NULL) < 0)
		return true; /* cannot tell: keep it */
	for (size_t i = 0; i < n && !alive; i++)
		alive = strncmp(list[i].cfg.id, id8, 8) == 0;
	gb_state_list_free(list, n);
	return alive;
}

static int prune_leases(struct gb_runtime *rt, int *freed, struct gb_err *err)
{
	gb_autostrv char **names = NULL;
	int r = gb_net_network_list(rt->state_root, &names, err);
	for (char **p = names; r == 0 && p && *p; p++) {
		struct gb_net_network net;
		bool changed = false;
		if (gb_net_network_load(rt->state_root, *p, &net, NULL) < 0)
			continue;
		for (size_t k = net.n_leases; k-- > 0;) {
			char id[32];
			snprintf(id, sizeof id, "%s", net.leases[k].id);
			if (!container_exists(rt, id) && gb_net_lease_free(&net, id) == 0) {
				changed = true;
				++*freed;
			}
		}
		if (changed)
			r = gb_net_network_save(rt->state_root, &net, err);
		gb_net_network_free(&net);
	}
	return r;
}

int gb_net_container_prune(struct gb_runtime *rt, int *leases, int *links, struct gb_err *err)
{
	gb_autoclose int lock = -1;
	struct gb_net_nl nl;
	*leases = *links = 0;
	int r = gb_net_store_lock(rt->state_root, &lock, err);
	if (r == 0)
		r = prune_leases(rt, leases, err);
	if (r == 0 && gb_net_rootless()) {
		struct gb_net_nl dnl;
		bool have = host_nl(rt, &dnl, false, NULL) == 0;
		default_unused(rt, have ? &dnl : NULL);
		if (have)
			gb_net_nl_close(&dnl);
		rootless_idle(rt);
		if (!gb_net_rootless_holder(rt))
			return 0; /* no student namespace: no veths to look for */
	}
	if (r == 0 && (r = host_nl(rt, &nl, false, err)) == 0) {
		r = gb_net_prune_links(&nl, id8_alive, rt, links, err);
		gb_net_nl_close(&nl);
	}
	if (*leases)
		hosts_refresh(rt);
	return r;
}

/* ------------------------------------------------------------ the parser's check */

static bool strv_has(char *const *v, size_t upto, const char *s)
{
	for (size_t i = 0; v && i < upto; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static int check_networks(const struct gb_config *c, bool none, struct gb_err *err)
{
	size_t n = gb_strv_len(c->networks);
	if (n && (c->host_net || none)) {
		int r = gb_err_set(err, EINVAL, "",
				   "--network %s and --network %s exclude each other",
				   c->host_net ? "host" : "none", c->networks[0]);
		gb_err_hint(err, "a container either shares the host's network, has none, or joins "
				 "bridge networks: choose one");
		return r;
	}
	if (n > GB_CNET_MAX)
		return gb_err_set(err, E2BIG, "", "at most %d networks per container (eth0-eth%d)",
				  GB_CNET_MAX, GB_CNET_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		int r = gb_net_name_check(c->networks[i], err);
		if (r < 0)
			return r;
		if (strv_has(c->networks, i, c->networks[i]))
			return gb_err_set(err, EINVAL, "", "--network %s is given twice",
					  c->networks[i]);
	}
	return 0;
}

int gb_net_container_config_check(const struct gb_config *c, bool none, struct gb_err *err)
{
	int r = check_networks(c, none, err);
	if (r < 0)
		return r;
	bool bridged = gb_net_container_wanted(c);
	for (char **a = c->net_aliases; a && *a; a++)
		if (!gb_hostname_valid(*a))
			return gb_err_set(err, EINVAL, "",
					  "--network-alias '%s' is not a valid host name", *a);
	if (c->net_aliases && c->net_aliases[0] && !bridged) {
		r = gb_err_set(err, EINVAL, "", "--network-alias needs a bridge network");
		gb_err_hint(err, "add --network NAME: aliases are names on a network");
		return r;
	}
	size_t np = gb_strv_len(c->publish);
	if (np && !bridged) {
		r = gb_err_set(err, EINVAL, "", "-p %s needs a bridge network", c->publish[0]);
		gb_err_hint(err, "%s",
			    c->host_net ? "with --network host the container's ports are "
					  "the host's already: drop -p"
					: "add --network bridge (the default network) "
					  "or --network NAME: without one the container has only "
					  "lo, nothing to publish");
		return r;
	}
	if (np > GB_CNET_PUB_MAX)
		return gb_err_set(err, E2BIG, "", "at most %d published ports", GB_CNET_PUB_MAX);
	for (size_t i = 0; i < np; i++) {
		struct gb_net_publish p;
		if ((r = gb_net_publish_parse(c->publish[i], &p, err)) < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ joining */

/* The network NAME; the default one is made on first use, like Docker's "bridge". */
static int network_get(struct gb_runtime *rt, struct gb_net_nl *nl, const char *name,
		       struct gb_net_network *net, struct gb_err *err)
{
	int r = gb_net_network_load(rt->state_root, name, net, err);
	if (r == -ENOENT && strcmp(name, GB_NET_DEFAULT) == 0) {
		gb_err_clear(err);
		return create_locked(rt, nl, name, NULL, false, net, err);
	}
	if (r < 0)
		return r;
	/* The bridge may be gone (a reboot, another namespace): make it again. */
	r = gb_net_network_up(nl, net, err);
	if (r < 0)
		gb_net_network_free(net);
	return r;
}

/* Other containers know this one by its name, its aliases, its id and its host name. */
static char **lease_aliases(const struct gb_config *c)
{
	char **v = gb_strv_dup(c->net_aliases);
	const char *more[] = { c->id, c->hostname };
	for (size_t i = 0; v && i < GB_ARRAY_LEN(more); i++) {
		size_t n = gb_strv_len(v);
		if (!more[i][0] || strcmp(more[i], c->name) == 0 || strv_has(v, n, more[i]))
			continue;
		if (gb_strv_push(&v, more[i]) < 0)
			break;
	}
	return v;
}

static void record_net(struct gb_state_net *sn, const struct gb_net_network *net, const char *id,
		       int k, uint32_t addr)
{
	char peer[IF_NAMESIZE];
	memset(sn, 0, sizeof *sn);
	snprintf(sn->network, sizeof sn->network, "%s", net->name);
	gb_net_cidr_format((struct gb_net_cidr){ addr, net->subnet.prefix }, sn->addr);
	snprintf(sn->ifname, sizeof sn->ifname, "eth%d", k);
	gb_net_veth_names(id, k, sn->host_if, peer);
}

static int join_one(struct gb_runtime *rt, struct gb_net_nl *nl, int netns, struct gb_state *st,
		    int k, struct gb_err *err)
{
	const struct gb_config *c = &st->cfg;
	struct gb_net_network net;
	int r = network_get(rt, nl, c->networks[k], &net, err);
	if (r < 0)
		return r;
	gb_autostrv char **aliases = lease_aliases(c);
	uint32_t addr = 0;
	gb_net_lease_free(&net, c->id); /* one left by a crash is replaced */
	r = gb_net_lease_alloc(&net, c->id, c->name, aliases, &addr, err);
	if (r == 0)
		r = gb_net_network_save(rt->state_root, &net, err);
	struct gb_net_join j = { &net, c->id, k, addr, false };
	if (r == 0)
		r = gb_net_join_veth(nl, netns, &j, &rt->events, err);
	if (r == 0)
		record_net(&st->nets[st->n_nets++], &net, c->id, k, addr);
	gb_net_network_free(&net);
	return r;
}

/* With the lock held: give back every lease and delete every veth of the container. */
static void leave_locked(struct gb_runtime *rt, struct gb_net_nl *nl, const struct gb_config *c)
{
	for (int k = 0; c->networks && c->networks[k]; k++) {
		struct gb_net_network net;
		if (gb_net_network_load(rt->state_root, c->networks[k], &net, NULL) == 0) {
			if (gb_net_lease_free(&net, c->id) == 0)
				gb_net_network_save(rt->state_root, &net, NULL);
			gb_net_network_free(&net);
		}
		/* Usually gone already: the kernel deletes a veth pair when the namespace
		 * holding one end dies with the container's last process. */
		if (nl)
			gb_net_leave(nl, c->id, k, NULL);
	}
}

int gb_net_container_join(struct gb_runtime *rt, struct gb_state *st, pid_t pid, struct gb_err *err)
{
	gb_autoclose int lock = -1, netns = -1;
	struct gb_net_nl nl;
	st->n_nets = 0;
	int r = gb_net_store_lock(rt->state_root, &lock, err);
	if (r == 0)
		r = gb_net_netns_open(pid, &netns, err);
	if (r < 0 || (r = host_nl(rt, &nl, true, err)) < 0)
		return r;
	for (int k = 0; r == 0 && st->cfg.networks[k]; k++)
		r = join_one(rt, &nl, netns, st, k, err);
	if (r < 0) {
		leave_locked(rt, &nl, &st->cfg); /* a failed step undoes itself */
		st->n_nets = 0;
	}
	gb_net_nl_close(&nl);
	hosts_refresh(rt);
	if (r == 0)
		r = gb_state_save(rt, st, err);
	return r;
}

void gb_net_container_leave(struct gb_runtime *rt, const struct gb_state *st)
{
	if (!gb_net_container_wanted(&st->cfg))
		return;
	gb_autoclose int lock = -1;
	struct gb_net_nl nl;
	/* Without the lock or a socket we still free what we can: rm must not get stuck. */
	gb_net_store_lock(rt->state_root, &lock, NULL);
	bool have_nl = host_nl(rt, &nl, false, NULL) == 0;
	leave_locked(rt, have_nl ? &nl : NULL, &st->cfg);
	if (gb_net_rootless())
		default_unused(rt, have_nl ? &nl : NULL);
	if (have_nl)
		gb_net_nl_close(&nl);
	hosts_refresh(rt);
	rootless_idle(rt);
}

int gb_net_container_configure(struct gb_runtime *rt, const struct gb_state *st, pid_t pid,
			       struct gb_err *err)
{
	struct gb_net_nl inside;
	int r = inside_nl(pid, &inside, err);
	if (r < 0)
		return r;
	bool routed = false;
	for (int k = 0; r == 0 && k < st->n_nets; k++) {
		struct gb_net_network net;
		if ((r = gb_net_network_load(rt->state_root, st->nets[k].network, &net, err)) < 0)
			break;
		const struct gb_net_lease *l = gb_net_lease_find(&net, st->cfg.id);
		/* One default route only: the first network that has a way out. */
		struct gb_net_join j = { &net, st->cfg.id, k, l ? l->addr : 0,
					 !routed && !net.internal };
		routed |= j.default_route;
		r = l ? gb_net_join_configure(&inside, &j, &rt->events, err)
		      : gb_err_set(err, ENOENT, "", "container %s lost its address on network %s",
				   st->cfg.name, net.name);
		gb_net_network_free(&net);
	}
	gb_net_nl_close(&inside);
	return r;
}

/* ------------------------------------------------------------ /etc files */

/* The host's resolv.conf without name servers on 127.x: inside another network namespace
 * 127.0.0.1 is the container's own loopback, where no resolver listens. */
static char *resolv_conf(bool host_net)
{
	gb_autofree char *host = NULL;
	size_t len;
	char *text = NULL;
	size_t tlen = 0;
	FILE *out = open_memstream(&text, &tlen);
	if (!out)
		return NULL;
	if (gb_read_file("/etc/resolv.conf", &host, &len) < 0) {
		fputs("# the host has no /etc/resolv.conf: no name servers\n", out);
	} else if (host_net) {
		fputs(host, out);
	} else {
		fputs("# the host's /etc/resolv.conf, without name servers on its loopback\n", out);
		for (char *line = strtok(host, "\n"); line; line = strtok(NULL, "\n"))
			if (strncmp(line, "nameserver 127.", 15) != 0 &&
			    strncmp(line, "nameserver ::1", 14) != 0)
				fprintf(out, "%s\n", line);
	}
	fclose(out);
	return text;
}

static char *hosts_text(struct gb_runtime *rt, const struct gb_state *st)
{
	char *text = NULL;
	size_t len, n = 0;
	if (st->cfg.host_net) /* the host's network: the host's names */
		return gb_read_file("/etc/hosts", &text, &len) == 0
			       ? text
			       : strdup("127.0.0.1\tlocalhost\n");
	gb_autoclose int lock = -1;
	if (gb_net_container_wanted(&st->cfg))
		gb_net_store_lock(rt->state_root, &lock, NULL);
	struct gb_net_network *nets = gb_net_container_wanted(&st->cfg) ? load_all(rt, &n) : NULL;
	text = gb_net_hosts_render(nets, n, st->cfg.id, NULL); /* its host name is an alias */
	free_all(nets, n);
	return text;
}

/* Bind-mount src over <merged>/etc/<name>. Left alone: a symlink there (before pivot_root
 * it would resolve against the host's root), and a mount already there (a -v of the user,
 * or a build's resolv.conf: theirs wins, as in Docker). */
static int bind_etc(const struct gb_state *st, const char *src, const char *name,
		    struct gb_err *err)
{
	char dir[700], target[800];
	struct statx sx;
	gb_path(dir, sizeof dir, "%s/etc", st->merged);
	gb_path(target, sizeof target, "%s/%s", dir, name);
	if (statx(AT_FDCWD, target, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &sx) == 0) {
		if (!S_ISREG(sx.stx_mode) || (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
			return 0;
	} else { /* missing in the image: an empty file to mount over */
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return gb_err_set(err, errno, "mkdir", "cannot create %s", dir);
		int fd = open(target, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return gb_err_set(err, errno, "open", "cannot create %s to mount over",
					  target);
		close(fd);
	}
	if (mount(src, target, NULL, MS_BIND, NULL) < 0)
		return gb_err_set(err, errno, "mount", "mount(\"%s\", \"%s\", MS_BIND) failed", src,
				  target);
	return 0;
}

static const char *const etc_files[] = { "hosts", "hostname", "resolv.conf" };

int gb_net_container_etc_write(struct gb_runtime *rt, const struct gb_state *st, struct gb_err *err)
{
	char hostname[80];
	if (st->cfg.host_uts)
		gethostname(hostname, sizeof hostname - 2);
	else
		snprintf(hostname, sizeof hostname, "%s", st->cfg.hostname);
	strcat(hostname, "\n");
	gb_autofree char *hosts = hosts_text(rt, st);
	gb_autofree char *resolv = resolv_conf(st->cfg.host_net);
	const char *text[] = { hosts, hostname, resolv };
	for (size_t i = 0; i < GB_ARRAY_LEN(etc_files); i++) {
		char path[700];
		etc_path(rt, st->cfg.id, etc_files[i], path, sizeof path);
		int r = text[i] ? write_in_place(path, text[i], true) : -ENOMEM;
		if (r < 0)
			return gb_err_set(err, -r, "write", "cannot write %s", path);
	}
	return 0;
}

int gb_net_container_etc_mount(const struct gb_runtime *rt, const struct gb_state *st,
			       struct gb_err *err)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(etc_files); i++) {
		char src[700];
		etc_path(rt, st->cfg.id, etc_files[i], src, sizeof src);
		int r = bind_etc(st, src, etc_files[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ published ports */

int gb_net_container_publish(struct gb_runtime *rt, const struct gb_state *st, int *fds, size_t *n,
			     struct gb_err *err)
{
	*n = 0;
	for (char **p = st->cfg.publish; p && *p && *n < GB_CNET_PUB_MAX; p++) {
		struct gb_net_publish pub;
		int r = gb_net_publish_parse(*p, &pub, err);
		if (r == 0)
			r = gb_net_publish_listen(&pub, &fds[*n], err);
		if (r < 0) {
			while (*n > 0) /* nothing left behind: the earlier ports are let go */
				close(fds[--*n]);
			return r;
		}
		++*n;
		gb_net_event_publish(&rt->events, &pub);
	}
	return 0;
}

static void *proxy_main(void *arg)
{
	struct gb_net_container_proxy *p = arg;
	gb_net_proxy_run_via(p->pubs, p->fds, p->n, p->target, p->userns, p->netns, p->stop[0],
			     NULL);
	return NULL;
}

/* Rootless, the host has no route to the bridges: connect from the student's network
 * namespace, where the bridge has its gateway address (internal: from the container's). */
static int rootless_target(struct gb_net_container_proxy *p, struct gb_runtime *rt, pid_t pid,
			   bool internal)
{
	char path[64];
	if (!internal)
		return gb_net_rootless_open(rt, &p->userns, &p->netns, NULL);
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	p->userns = open(path, O_RDONLY | O_CLOEXEC);
	return p->userns < 0 ? -errno : gb_net_netns_open(pid, &p->netns, NULL);
}

static int proxy_target(struct gb_net_container_proxy *p, struct gb_runtime *rt,
			const struct gb_state *st, pid_t pid)
{
	char ip[19];
	struct gb_net_network net;
	snprintf(ip, sizeof ip, "%s", st->nets[0].addr);
	ip[strcspn(ip, "/")] = '\0';
	if (gb_net_ip_parse(ip, &p->target, NULL) < 0)
		return -EINVAL;
	if (gb_net_network_load(rt->state_root, st->nets[0].network, &net, NULL) < 0)
		return -ENOENT;
	bool internal = net.internal;
	gb_net_network_free(&net);
	if (gb_net_rootless())
		return rootless_target(p, rt, pid, internal);
	/* An internal network has no way in from the host: connect from inside instead. */
	return internal ? gb_net_netns_open(pid, &p->netns, NULL) : 0;
}

/* A thread, not more descriptors in the monitor's poll loop: the proxy's set of sockets
 * changes with every connection, and the monitor's loop stays about PID 1 alone. */
int gb_net_container_proxy_start(struct gb_net_container_proxy *p, struct gb_runtime *rt,
				 const struct gb_state *st, pid_t pid, const int *fds, size_t n)
{
	memset(p, 0, sizeof *p);
	p->netns = p->userns = p->stop[0] = p->stop[1] = -1;
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		p->fds[i] = fds[i];
		gb_net_publish_parse(st->cfg.publish[i], &p->pubs[i], NULL);
	}
	if (n == 0 || st->n_nets == 0 || proxy_target(p, rt, st, pid) < 0 ||
	    pipe2(p->stop, O_CLOEXEC) < 0)
		return -EINVAL;
	/* Signals are for the monitor's own thread (it forwards them to PID 1). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->running = pthread_create(&p->thread, NULL, proxy_main, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p->running ? 0 : -EAGAIN;
}

void gb_net_container_proxy_stop(struct gb_net_container_proxy *p)
{
	if (p->stop[1] >= 0)
		close(p->stop[1]); /* the proxy sees POLLHUP and returns */
	if (p->running)
		pthread_join(p->thread, NULL);
	if (p->stop[0] >= 0)
		close(p->stop[0]);
	if (p->netns >= 0)
		close(p->netns);
	if (p->userns >= 0)
		close(p->userns);
	for (size_t i = 0; i < p->n; i++)
		close(p->fds[i]);
	p->running = false;
	p->n = 0;
	p->netns = p->userns = p->stop[0] = p->stop[1] = -1;
}

/* ------------------------------------------------------------ observing */

void gb_net_container_observe_json(pid_t pid, struct gb_json *j, const char *key)
{
	/* 64 KB: off the stack, and not in static TLS, which every process and thread of
	 * glassbox zeroes when it starts (each container's monitor too). */
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v);
	if (!v)
		return;
	struct gb_net_nl nl;
	if (inside_nl(pid, &nl, NULL) < 0)
		return;
	if (gb_net_observe(&nl, v, NULL) == 0)
		gb_net_view_json(v, j, key);
	gb_net_nl_close(&nl);
}

void gb_net_container_observe_host_json(struct gb_json *j, const char *key)
{
	/* 64 KB: off the stack, and not in static TLS, which every process and thread of
	 * glassbox zeroes when it starts (each container's monitor too). */
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v);
	if (!v)
		return;
	struct gb_net_nl nl;
	if (gb_net_nl_open(&nl, NULL) < 0)
		return;
	if (gb_net_observe(&nl, v, NULL) == 0)
		gb_net_view_json(v, j, key);
	gb_net_nl_close(&nl);
}

void gb_net_container_observe_bridges_json(struct gb_runtime *rt, struct gb_json *j,
					   const char *key)
{
	if (!gb_net_rootless()) {
		gb_net_container_observe_host_json(j, key);
		return;
	}
	gb_autofree struct gb_net_view *v = calloc(1, sizeof *v); /* 64 KB: see above */
	struct gb_net_nl nl;
	if (!v || host_nl(rt, &nl, false, NULL) < 0)
		return;
	if (gb_net_observe(&nl, v, NULL) == 0)
		gb_net_view_json(v, j, key);
	gb_net_nl_close(&nl);
}
