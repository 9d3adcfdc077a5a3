/* glassbox network create|ls|inspect|rm|prune: networks as objects of their own
 * (core/net.h, docs/networking.md). Lab 17 (bridge-networking). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "net.h"
#include "util.h"

static int net_usage(const char *msg)
{
	fprintf(stderr, "glassbox network: %s\nusage: glassbox network create [--subnet CIDR] "
		"[--internal] NAME | ls | inspect NAME | rm NAME | prune\n", msg);
	return 2;
}

/* Create: pick or check the subnet against what is in use, bridge up, then state. */
static int net_create(struct gb_runtime *rt, const char *name, const char *subnet, bool internal)
{
	struct gb_err err = {0};
	struct gb_net_nl nl;
	struct gb_net_network net = {0};
	gb_autofree struct gb_net_cidr *taken = NULL;
	gb_autostrv char **by = NULL;
	size_t n = 0;
	gb_autoclose int lock = -1;
	int r = gb_net_store_lock(rt->state_root, &lock, &err);
	if (r == 0 && access(rt->state_root, F_OK) == 0) {
		struct gb_net_network old;
		if (gb_net_network_load(rt->state_root, name, &old, NULL) == 0) {
			gb_net_network_free(&old);
			r = gb_err_set(&err, EEXIST, "", "a network named %s already exists", name);
			gb_err_hint(&err, "`glassbox network inspect %s` shows it", name);
		}
	}
	if (r == 0 && (r = gb_net_nl_open(&nl, &err)) == 0) {
		r = gb_net_taken_subnets(rt->state_root, &nl, &taken, &by, &n, &err);
		if (r == 0)
			r = gb_net_network_init(&net, name, subnet, internal, taken,
						(const char *const *)by, n, &err);
		if (r == 0 && (r = gb_net_network_up(&nl, &net, &err)) == 0 &&
		    (r = gb_net_network_save(rt->state_root, &net, &err)) < 0)
			gb_net_network_down(&nl, &net, NULL);
		gb_net_nl_close(&nl);
	}
	if (r < 0) {
		cli_error(&err);
		return 1;
	}
	printf("%s\n", net.name);
	return 0;
}

static int net_ls(struct gb_runtime *rt)
{
	struct gb_err err = {0};
	gb_autostrv char **names = NULL;
	if (gb_net_network_list(rt->state_root, &names, &err) < 0)
		return cli_error(&err), 1;
	printf("%-20s %-16s %-18s %-9s %s\n", "NAME", "BRIDGE", "SUBNET", "INTERNAL", "CONTAINERS");
	for (char **p = names; p && *p; p++) {
		struct gb_net_network net;
		char sub[19];
		if (gb_net_network_load(rt->state_root, *p, &net, &err) < 0) {
			cli_error(&err);
			continue;
		}
		gb_net_cidr_format(net.subnet, sub);
		printf("%-20s %-16s %-18s %-9s %zu\n", net.name, net.bridge, sub,
		       net.internal ? "yes" : "no", net.n_leases);
		gb_net_network_free(&net);
	}
	return 0;
}

/* The stored network plus what the kernel says about its bridge right now. */
static int net_inspect(struct gb_runtime *rt, const char *name)
{
	struct gb_err err = {0};
	struct gb_net_network net;
	struct gb_net_nl nl;
	static struct gb_net_view v;
	if (gb_net_network_load(rt->state_root, name, &net, &err) < 0)
		return cli_error(&err), 1;
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_net_network_json(&net, &j, "network");
	if (gb_net_nl_open(&nl, &err) == 0 && gb_net_observe(&nl, &v, &err) == 0) {
		const struct gb_net_link_view *br = gb_net_view_link(&v, net.bridge);
		gb_json_obj_begin(&j, "bridge_observed");
		gb_json_bool(&j, "exists", br != NULL);
		if (br) {
			gb_json_bool(&j, "up", br->up);
			gb_json_arr_begin(&j, "addrs");
			for (int a = 0; a < br->n_addrs; a++)
				gb_json_str(&j, NULL, br->addrs[a]);
			gb_json_arr_end(&j);
			gb_json_arr_begin(&j, "ports");
			for (int i = 0; i < v.n_links; i++)
				if (v.links[i].master == br->index)
					gb_json_str(&j, NULL, v.links[i].name);
			gb_json_arr_end(&j);
		}
		gb_json_obj_end(&j);
	}
	gb_net_nl_close(&nl);
	gb_json_obj_end(&j);
	printf("%s\n", j.buf);
	gb_json_free(&j);
	gb_net_network_free(&net);
	return 0;
}

static int net_rm(struct gb_runtime *rt, const char *name)
{
	struct gb_err err = {0};
	struct gb_net_network net = {0};
	struct gb_net_nl nl;
	gb_autoclose int lock = -1;
	int r = gb_net_store_lock(rt->state_root, &lock, &err);
	if (r == 0 && (r = gb_net_network_load(rt->state_root, name, &net, &err)) == 0 &&
	    net.n_leases > 0) {
		r = gb_err_set(&err, EBUSY, "", "network %s still has %zu container(s)", name,
			       net.n_leases);
		gb_err_hint(&err, "remove them first: `glassbox rm -f %s`", net.leases[0].name);
	}
	if (r == 0 && (r = gb_net_nl_open(&nl, &err)) == 0) {
		r = gb_net_network_down(&nl, &net, &err);
		gb_net_nl_close(&nl);
	}
	if (r == 0)
		r = gb_net_network_remove(rt->state_root, name, &err);
	gb_net_network_free(&net);
	if (r < 0)
		return cli_error(&err), 1;
	printf("%s\n", name);
	return 0;
}

/* Prune: networks no container uses (the default one stays while it has containers). */
static int net_prune(struct gb_runtime *rt)
{
	struct gb_err err = {0};
	gb_autostrv char **names = NULL;
	int status = 0;
	if (gb_net_network_list(rt->state_root, &names, &err) < 0)
		return cli_error(&err), 1;
	for (char **p = names; p && *p; p++) {
		struct gb_net_network net;
		if (gb_net_network_load(rt->state_root, *p, &net, NULL) < 0)
			continue;
		size_t used = net.n_leases;
		gb_net_network_free(&net);
		if (used == 0)
			status |= net_rm(rt, *p);
	}
	return status;
}

int cmd_network(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc < 1)
		return net_usage("which subcommand?");
	const char *sub = argv[0];
	if (!strcmp(sub, "create")) {
		const char *subnet = NULL, *name = NULL;
		bool internal = false;
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "--subnet") && i + 1 < argc)
				subnet = argv[++i];
			else if (!strncmp(argv[i], "--subnet=", 9))
				subnet = argv[i] + 9;
			else if (!strcmp(argv[i], "--internal"))
				internal = true;
			else if (argv[i][0] == '-' || name)
				return net_usage("create: unexpected argument");
			else
				name = argv[i];
		}
		return name ? net_create(rt, name, subnet, internal) : net_usage("create: NAME?");
	}
	if (!strcmp(sub, "ls"))
		return net_ls(rt);
	if (!strcmp(sub, "prune"))
		return net_prune(rt);
	if ((!strcmp(sub, "inspect") || !strcmp(sub, "rm")) && argc == 2)
		return sub[0] == 'i' ? net_inspect(rt, argv[1]) : net_rm(rt, argv[1]);
	return net_usage("unknown subcommand or missing NAME");
}
