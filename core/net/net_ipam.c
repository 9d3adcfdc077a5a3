/* Networks and their addresses (IPAM): subnets in CIDR notation, one address per container,
 * the state files under <root>/networks/, and /etc/hosts so containers find each other by
 * name without a DNS server (hosts(5), ip(7)). Lab 17 (bridge-networking). */
#include "net/net.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/util.h"

/* ---- networks ---- */

int gb_net_name_check(const char *name, struct gb_err *err)
{
	size_t n = strlen(name);
	bool ok = n > 0 && n < GB_NET_NAME_MAX && name[0] != '.' && name[0] != '-';
	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		     (name[i] >= '0' && name[i] <= '9') || strchr("_.-", name[i]);
	if (!ok) {
		gb_err_set(err, EINVAL, "network name", "'%s' is not a valid network name", name);
		gb_err_hint(err,
			    "use 1-%d letters, digits, '_', '.' or '-', not starting with "
			    "'.' or '-'",
			    GB_NET_NAME_MAX - 1);
		return -EINVAL;
	}
	if (strcmp(name, "none") == 0 || strcmp(name, "host") == 0) {
		gb_err_set(err, EINVAL, "network name",
			   "'%s' is a network mode, not a network "
			   "name",
			   name);
		gb_err_hint(err, "use --network %s on run directly; choose another name", name);
		return -EINVAL;
	}
	return 0;
}

/* Interface names have at most 15 characters (IFNAMSIZ 16 with the NUL). */
void gb_net_bridge_name(const char *network, char out[IF_NAMESIZE])
{
	if (strcmp(network, GB_NET_DEFAULT) == 0) {
		snprintf(out, IF_NAMESIZE, "%s", GB_NET_DEFAULT_BRIDGE);
		return;
	}
	if (strlen(network) <= IF_NAMESIZE - 4 && !strchr(network, '.')) {
		snprintf(out, IF_NAMESIZE, "gb-%s", network);
		return;
	}
	uint32_t h = 2166136261u; /* FNV-1a: a short stable name for a long one */
	for (const char *p = network; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	snprintf(out, IF_NAMESIZE, "gb-%08x", h);
}

static int subnet_free(struct gb_net_cidr c, const struct gb_net_cidr *taken,
		       const char *const *taken_by, size_t n_taken, struct gb_err *err)
{
	for (size_t i = 0; i < n_taken; i++) {
		if (!gb_net_cidr_overlap(c, taken[i]))
			continue;
		char a[19], b[19];
		gb_net_cidr_format(c, a);
		gb_net_cidr_format(taken[i], b);
		gb_err_set(err, EEXIST, "network create", "subnet %s overlaps %s (%s)", a, b,
			   taken_by && taken_by[i] ? taken_by[i] : "in use");
		gb_err_hint(err, "two networks with overlapping subnets would make routing "
				 "ambiguous: choose another --subnet");
		return -EEXIST;
	}
	return 0;
}

/* The first /24 of the pool that overlaps nothing taken. */
static int subnet_pick(struct gb_net_cidr *out, const struct gb_net_cidr *taken, size_t n_taken,
		       struct gb_err *err)
{
	struct gb_net_cidr pool;
	gb_net_cidr_parse(GB_NET_POOL, &pool, NULL);
	for (uint32_t a = pool.addr; gb_net_cidr_contains(pool, a); a += 256) {
		struct gb_net_cidr c = { a, 24 };
		if (subnet_free(c, taken, NULL, n_taken, NULL) == 0) {
			*out = c;
			return 0;
		}
	}
	gb_err_set(err, ENOSPC, "network create", "every /24 of %s is in use", GB_NET_POOL);
	gb_err_hint(err, "remove unused networks (`glassbox network prune`) or give --subnet");
	return -ENOSPC;
}

int gb_net_network_init(struct gb_net_network *net, const char *name, const char *subnet,
			bool internal, const struct gb_net_cidr *taken, const char *const *taken_by,
			size_t n_taken, struct gb_err *err)
{
	memset(net, 0, sizeof *net);
	int r = gb_net_name_check(name, err);
	if (r < 0)
		return r;
	if (subnet) {
		r = gb_net_cidr_parse(subnet, &net->subnet, err);
		if (r == 0 && net->subnet.prefix > 30) {
			gb_err_set(err, EINVAL, "network create", "subnet %s is too small", subnet);
			gb_err_hint(err, "a /30 is the smallest: a network address, a gateway, "
					 "one container and a broadcast address");
			r = -EINVAL;
		}
		if (r == 0)
			r = subnet_free(net->subnet, taken, taken_by, n_taken, err);
	} else {
		r = subnet_pick(&net->subnet, taken, n_taken, err);
	}
	if (r < 0)
		return r;
	snprintf(net->name, sizeof net->name, "%s", name);
	snprintf(net->driver, sizeof net->driver, "bridge");
	gb_net_bridge_name(name, net->bridge);
	net->gateway = net->subnet.addr + 1;
	net->internal = internal;
	gb_rfc3339(net->created, sizeof net->created, gb_wallclock());
	return 0;
}

static void lease_clear(struct gb_net_lease *l)
{
	gb_strv_free(l->aliases);
	l->aliases = NULL;
}

void gb_net_network_free(struct gb_net_network *net)
{
	for (size_t i = 0; i < net->n_leases; i++)
		lease_clear(&net->leases[i]);
	free(net->leases);
	net->leases = NULL;
	net->n_leases = 0;
}

/* ---- leases ---- */

const struct gb_net_lease *gb_net_lease_find(const struct gb_net_network *net, const char *id)
{
	for (size_t i = 0; i < net->n_leases; i++)
		if (strcmp(net->leases[i].id, id) == 0)
			return &net->leases[i];
	return NULL;
}

static bool addr_leased(const struct gb_net_network *net, uint32_t a)
{
	for (size_t i = 0; i < net->n_leases; i++)
		if (net->leases[i].addr == a)
			return true;
	return false;
}

static int lease_add(struct gb_net_network *net, uint32_t a, const char *id, const char *name,
		     char *const *aliases)
{
	struct gb_net_lease *n = realloc(net->leases, (net->n_leases + 1) * sizeof *n);
	if (!n)
		return -ENOMEM;
	net->leases = n;
	struct gb_net_lease *l = &n[net->n_leases];
	memset(l, 0, sizeof *l);
	l->addr = a;
	snprintf(l->id, sizeof l->id, "%s", id);
	snprintf(l->name, sizeof l->name, "%s", name ? name : "");
	if (aliases && !(l->aliases = gb_strv_dup(aliases)))
		return -ENOMEM;
	net->n_leases++;
	return 0;
}

int gb_net_lease_alloc(struct gb_net_network *net, const char *id, const char *name,
		       char *const *aliases, uint32_t *addr, struct gb_err *err)
{
	char sub[19];
	gb_net_cidr_format(net->subnet, sub);
	if (gb_net_lease_find(net, id))
		return gb_err_set(err, EEXIST, "address allocation",
				  "container %s already has "
				  "an address on network %s",
				  id, net->name);
	uint32_t bcast = net->subnet.addr | ~gb_net_cidr_mask(net->subnet.prefix);
	for (uint32_t a = net->subnet.addr + 1; a < bcast; a++) {
		if (a == net->gateway || addr_leased(net, a))
			continue;
		if (lease_add(net, a, id, name, aliases) < 0)
			return gb_err_set(err, ENOMEM, "realloc", "out of memory");
		*addr = a;
		return 0;
	}
	gb_err_set(err, ENOSPC, "address allocation",
		   "network %s (%s) has no free address "
		   "left",
		   net->name, sub);
	gb_err_hint(err, "remove stopped containers on it, or create a network with a larger "
			 "subnet (a smaller /prefix)");
	return -ENOSPC;
}

int gb_net_lease_free(struct gb_net_network *net, const char *id)
{
	for (size_t i = 0; i < net->n_leases; i++) {
		if (strcmp(net->leases[i].id, id) != 0)
			continue;
		lease_clear(&net->leases[i]);
		memmove(&net->leases[i], &net->leases[i + 1],
			(net->n_leases - i - 1) * sizeof net->leases[0]);
		net->n_leases--;
		return 0;
	}
	return -ENOENT;
}

/* ---- JSON ---- */

void gb_net_network_json(const struct gb_net_network *net, struct gb_json *j, const char *key)
{
	char s[19];
	gb_json_obj_begin(j, key);
	gb_json_str(j, "name", net->name);
	gb_json_str(j, "driver", net->driver);
	gb_json_str(j, "bridge", net->bridge);
	gb_net_cidr_format(net->subnet, s);
	gb_json_str(j, "subnet", s);
	gb_net_ip_format(net->gateway, s);
	gb_json_str(j, "gateway", s);
	gb_json_bool(j, "internal", net->internal);
	gb_json_str(j, "created", net->created);
	gb_json_arr_begin(j, "leases");
	for (size_t i = 0; i < net->n_leases; i++) {
		const struct gb_net_lease *l = &net->leases[i];
		gb_json_obj_begin(j, NULL);
		gb_net_ip_format(l->addr, s);
		gb_json_str(j, "addr", s);
		gb_json_str(j, "id", l->id);
		gb_json_str(j, "name", l->name);
		gb_json_strv(j, "aliases", l->aliases ? l->aliases : (char *[]){ NULL });
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

static int bad_state(struct gb_err *err, const char *name, const char *what)
{
	gb_err_set(err, EINVAL, "read network state", "network %s: %s", name, what);
	gb_err_hint(err, "the state file is damaged: `glassbox network rm -f %s` removes it", name);
	return -EINVAL;
}

static int leases_from_json(const struct gb_jval *arr, struct gb_net_network *net,
			    struct gb_err *err)
{
	for (const struct gb_jval *l = arr ? arr->child : NULL; l; l = l->next) {
		uint32_t a;
		if (gb_net_ip_parse(gb_jstr(l, "addr", ""), &a, NULL) < 0)
			return bad_state(err, net->name, "a lease has no valid address");
		const struct gb_jval *al = gb_jget(l, "aliases");
		gb_autostrv char **aliases = al ? gb_jstrv(al) : NULL;
		if (lease_add(net, a, gb_jstr(l, "id", ""), gb_jstr(l, "name", ""), aliases) < 0)
			return gb_err_set(err, ENOMEM, "realloc", "out of memory");
	}
	return 0;
}

int gb_net_network_from_json(const struct gb_jval *v, struct gb_net_network *net,
			     struct gb_err *err)
{
	memset(net, 0, sizeof *net);
	snprintf(net->name, sizeof net->name, "%s", gb_jstr(v, "name", ""));
	snprintf(net->driver, sizeof net->driver, "%s", gb_jstr(v, "driver", "bridge"));
	snprintf(net->bridge, sizeof net->bridge, "%s", gb_jstr(v, "bridge", ""));
	snprintf(net->created, sizeof net->created, "%s", gb_jstr(v, "created", ""));
	net->internal = gb_jbool(v, "internal", false);
	if (!net->name[0] || !net->bridge[0])
		return bad_state(err, net->name, "no name or bridge");
	if (gb_net_cidr_parse(gb_jstr(v, "subnet", ""), &net->subnet, NULL) < 0 ||
	    gb_net_ip_parse(gb_jstr(v, "gateway", ""), &net->gateway, NULL) < 0)
		return bad_state(err, net->name, "no valid subnet or gateway");
	int r = leases_from_json(gb_jget(v, "leases"), net, err);
	if (r < 0)
		gb_net_network_free(net);
	return r;
}

/* ---- state files ---- */

/* One lock for all networks: two `glassbox run` at once must not hand out one address
 * twice. flock(2) is released by the kernel when the holder dies, even in a crash. */
int gb_net_store_lock(const char *root, int *fd, struct gb_err *err)
{
	char path[4096];
	if (gb_path(path, sizeof path, "%s/networks", root) < 0 || gb_mkdir_p(path, 0700) < 0)
		return gb_err_set(err, errno ? errno : ENAMETOOLONG, "mkdir", "cannot create %s",
				  path);
	gb_path(path, sizeof path, "%s/networks/.lock", root);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return gb_err_set(err, errno, "open", "cannot open %s", path);
	while (flock(*fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = gb_err_set(err, errno, "flock", "cannot lock %s", path);
			close(*fd);
			*fd = -1;
			return r;
		}
	return 0;
}

static int state_path(char *buf, size_t len, const char *root, const char *name, struct gb_err *err)
{
	int r = gb_net_name_check(name, err);
	if (r < 0)
		return r;
	if (gb_path(buf, len, "%s/networks/%s.json", root, name) < 0)
		return gb_err_set(err, ENAMETOOLONG, "network state", "state root path too long");
	return 0;
}

int gb_net_network_save(const char *root, const struct gb_net_network *net, struct gb_err *err)
{
	char path[4096], dir[4096];
	int r = state_path(path, sizeof path, root, net->name, err);
	if (r < 0)
		return r;
	gb_path(dir, sizeof dir, "%s/networks", root);
	if (gb_mkdir_p(dir, 0700) < 0)
		return gb_err_set(err, errno, "mkdir", "cannot create %s", dir);
	struct gb_json j;
	gb_json_init(&j);
	gb_net_network_json(net, &j, NULL);
	r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	if (r < 0)
		return gb_err_set(err, -r, "write", "cannot write %s", path);
	return 0;
}

int gb_net_network_load(const char *root, const char *name, struct gb_net_network *net,
			struct gb_err *err)
{
	char path[4096];
	int r = state_path(path, sizeof path, root, name, err);
	if (r < 0)
		return r;
	gb_autofree char *text = NULL;
	size_t len;
	r = gb_read_file(path, &text, &len);
	if (r < 0) {
		gb_err_set(err, -r, "open", "no network named %s (%s)", name, path);
		gb_err_hint(err,
			    "`glassbox network ls` lists the networks; `glassbox network "
			    "create %s` makes it",
			    name);
		return r;
	}
	char perr[128];
	struct gb_jval *v = gb_json_parse(text, len, perr, sizeof perr);
	if (!v)
		return bad_state(err, name, perr);
	r = gb_net_network_from_json(v, net, err);
	gb_jval_free(v);
	return r;
}

int gb_net_network_remove(const char *root, const char *name, struct gb_err *err)
{
	char path[4096];
	int r = state_path(path, sizeof path, root, name, err);
	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return gb_err_set(err, errno, "unlink", "cannot remove %s", path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int gb_net_network_list(const char *root, char ***names, struct gb_err *err)
{
	char dir[4096];
	gb_path(dir, sizeof dir, "%s/networks", root);
	*names = calloc(1, sizeof **names);
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : gb_err_set(err, errno, "opendir", "cannot read %s", dir);
	size_t n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof name, "%.*s", (int)(l - 5), e->d_name); /* without .json */
		if (!*names || gb_strv_push(names, name) < 0)
			break;
		n++;
	}
	closedir(d);
	qsort(*names, n, sizeof **names, cmp_str);
	return 0;
}

/* ---- /etc/hosts ---- */

static bool shares(const struct gb_net_network *net, const char *id)
{
	return gb_net_lease_find(net, id) != NULL;
}

static void hosts_line(FILE *out, const struct gb_net_lease *l, const char *self_id,
		       const char *hostname)
{
	char ip[16];
	gb_net_ip_format(l->addr, ip);
	fprintf(out, "%s\t%s", ip, l->name);
	/* A container knows itself also by its hostname (`hostname -i` reads this line). */
	if (strcmp(l->id, self_id) == 0 && hostname && *hostname && strcmp(hostname, l->name))
		fprintf(out, " %s", hostname);
	for (char **a = l->aliases; a && *a; a++)
		fprintf(out, " %s", *a);
	fputc('\n', out);
}

char *gb_net_hosts_render(const struct gb_net_network *nets, size_t n_nets, const char *self_id,
			  const char *hostname)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	fputs("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", out);
	for (size_t i = 0; i < n_nets; i++) {
		if (!shares(&nets[i], self_id))
			continue;
		fprintf(out, "# network %s\n", nets[i].name);
		for (size_t k = 0; k < nets[i].n_leases; k++)
			if (nets[i].leases[k].name[0])
				hosts_line(out, &nets[i].leases[k], self_id, hostname);
	}
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
