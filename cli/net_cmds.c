/* glassbox network create|ls|inspect|rm|prune: networks as objects of their own
 * (core/net/net.h, docs/networking.md). Lab 17 (bridge-networking). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "net/net_container.h"
#include "base/util.h"

static int net_usage(const char *msg)
{
	fprintf(stderr,
		"glassbox network: %s\nusage: glassbox network create [--subnet CIDR] "
		"[--internal] NAME | ls | inspect NAME | rm NAME... | prune\n",
		msg);
	return 2;
}

static int net_create(struct gb_runtime *rt, const char *name, const char *subnet, bool internal)
{
	struct gb_err err = { 0 };
	struct gb_net_network net;
	if (gb_net_container_network_create(rt, name, subnet, internal, &net, &err) < 0)
		return cli_error(&err), 1;
	printf("%s\n", net.name);
	gb_net_network_free(&net);
	return 0;
}

static int net_ls(struct gb_runtime *rt)
{
	struct gb_err err = { 0 };
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
	struct gb_err err = { 0 };
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
	struct gb_err err = { 0 };
	if (gb_net_container_network_remove(rt, name, &err) < 0)
		return cli_error(&err), 1;
	printf("%s\n", name);
	return 0;
}

/* Prune: first what containers that no longer exist left (leases, veths after a crash),
 * then every network no container uses. */
static int net_prune(struct gb_runtime *rt)
{
	struct gb_err err = { 0 };
	gb_autostrv char **names = NULL;
	int leases = 0, links = 0, status = 0;
	if (gb_net_container_prune(rt, &leases, &links, &err) < 0) {
		cli_error(&err);
		status = 1;
	}
	if (leases || links)
		fprintf(stderr,
			"freed %d address%s and %d veth%s of containers that no longer exist\n",
			leases, leases == 1 ? "" : "es", links, links == 1 ? "" : "s");
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
	if (!strcmp(sub, "inspect") && argc == 2)
		return net_inspect(rt, argv[1]);
	if (!strcmp(sub, "rm") && argc >= 2) {
		int status = 0;
		for (int i = 1; i < argc; i++)
			status |= net_rm(rt, argv[i]);
		return status;
	}
	return net_usage("unknown subcommand or missing NAME");
}
