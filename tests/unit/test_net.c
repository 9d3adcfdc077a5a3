/* Unit tests for the pure parts of networking: CIDR parsing, overlap, address allocation,
 * network state round trip, /etc/hosts and -p parsing (core/net/net_ipam.c, core/net/net_proxy.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/net.h"
#include "base/util.h"

static struct gb_net_cidr cidr(const char *s)
{
	struct gb_net_cidr c = { 0, -1 };
	assert_int_equal(gb_net_cidr_parse(s, &c, NULL), 0);
	return c;
}

static void test_cidr_parse(void **state)
{
	(void)state;
	struct gb_net_cidr c = cidr("10.213.1.0/24");
	assert_int_equal(c.addr, 0x0ad50100);
	assert_int_equal(c.prefix, 24);
	c = cidr("0.0.0.0/0");
	assert_int_equal(c.prefix, 0);
	char buf[19];
	gb_net_cidr_format(cidr("172.29.255.0/24"), buf);
	assert_string_equal(buf, "172.29.255.0/24");
}

static void test_cidr_parse_refuses(void **state)
{
	(void)state;
	const char *bad[] = { "10.213.1.0",	 "10.213.1.0/33", "10.213.1/24",
			      "10.213.1.256/24", "10.213.1.0/",	  "a.b.c.d/8",
			      "10.213.1.0/2x",	 "010.0.0.0.0/8", "",
			      "10.213.1.0/-1" };
	for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++) {
		struct gb_err err = { 0 };
		struct gb_net_cidr c;
		assert_int_equal(gb_net_cidr_parse(bad[i], &c, &err), -EINVAL);
		assert_int_equal(err.code, EINVAL);
		assert_true(err.hint[0] != '\0');
	}
	struct gb_err err = { 0 };
	struct gb_net_cidr c;
	assert_int_equal(gb_net_cidr_parse("10.213.1.7/24", &c, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "10.213.1.0/24")); /* the hint gives the fix */
}

static void test_overlap(void **state)
{
	(void)state;
	assert_true(gb_net_cidr_overlap(cidr("10.0.0.0/8"), cidr("10.213.1.0/24")));
	assert_true(gb_net_cidr_overlap(cidr("10.213.1.0/24"), cidr("10.0.0.0/8")));
	assert_true(gb_net_cidr_overlap(cidr("10.213.1.0/24"), cidr("10.213.1.128/25")));
	assert_false(gb_net_cidr_overlap(cidr("10.213.1.0/24"), cidr("10.213.2.0/24")));
	assert_false(gb_net_cidr_overlap(cidr("10.213.1.0/25"), cidr("10.213.1.128/25")));
	assert_true(gb_net_cidr_overlap(cidr("0.0.0.0/0"), cidr("192.0.2.0/24")));
	assert_true(gb_net_cidr_contains(cidr("10.213.1.0/24"), 0x0ad501ff));
	assert_false(gb_net_cidr_contains(cidr("10.213.1.0/24"), 0x0ad50200));
}

static void test_network_init(void **state)
{
	(void)state;
	struct gb_net_network n;
	struct gb_err err = { 0 };
	assert_int_equal(
		gb_net_network_init(&n, "app", "10.213.1.0/24", false, NULL, NULL, 0, &err), 0);
	assert_string_equal(n.bridge, "gb-app");
	assert_int_equal(n.gateway, 0x0ad50101);
	assert_false(n.internal);
	/* The default network's bridge has a fixed, recognisable name. */
	assert_int_equal(gb_net_network_init(&n, GB_NET_DEFAULT, NULL, false, NULL, NULL, 0, &err),
			 0);
	assert_string_equal(n.bridge, GB_NET_DEFAULT_BRIDGE);
	/* Long names still make a valid (<= 15 character) interface name. */
	assert_int_equal(gb_net_network_init(&n, "a-very-long-network-name", NULL, true, NULL, NULL,
					     0, &err),
			 0);
	assert_true(strlen(n.bridge) <= 15);
	assert_int_equal(strncmp(n.bridge, "gb-", 3), 0);
	const char *bad[] = { "none", "host", "", "-x", "a/b", "a b" };
	for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++)
		assert_int_equal(gb_net_network_init(&n, bad[i], NULL, false, NULL, NULL, 0, &err),
				 -EINVAL);
	assert_int_equal(
		gb_net_network_init(&n, "tiny", "10.213.1.0/31", false, NULL, NULL, 0, &err),
		-EINVAL);
}

static void test_overlapping_networks_refused(void **state)
{
	(void)state;
	struct gb_net_cidr taken[] = { cidr("10.213.0.0/16"), cidr("192.0.2.0/24") };
	const char *by[] = { "network app", "eth0 on the host" };
	struct gb_net_network n;
	struct gb_err err = { 0 };
	assert_int_equal(gb_net_network_init(&n, "b", "10.213.5.0/24", false, taken, by, 2, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "network app"));
	assert_int_equal(gb_net_network_init(&n, "c", "192.0.0.0/8", false, taken, by, 2, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "eth0 on the host"));
	assert_int_equal(gb_net_network_init(&n, "d", "10.214.0.0/24", false, taken, by, 2, &err),
			 0);
}

static void test_subnet_pick(void **state)
{
	(void)state;
	struct gb_net_cidr taken[] = { cidr("172.29.0.0/24"), cidr("172.29.1.0/25") };
	struct gb_net_network n;
	assert_int_equal(gb_net_network_init(&n, "x", NULL, false, taken, NULL, 2, NULL), 0);
	char buf[19];
	gb_net_cidr_format(n.subnet, buf);
	assert_string_equal(buf, "172.29.2.0/24");
	struct gb_net_cidr all = cidr(GB_NET_POOL);
	struct gb_err err = { 0 };
	assert_int_equal(gb_net_network_init(&n, "y", NULL, false, &all, NULL, 1, &err), -ENOSPC);
}

static void test_lease_alloc_free(void **state)
{
	(void)state;
	struct gb_net_network n;
	assert_int_equal(
		gb_net_network_init(&n, "small", "10.213.1.0/29", false, NULL, NULL, 0, NULL), 0);
	/* /29: .0 network, .1 gateway, .7 broadcast: .2 to .6 for containers. */
	uint32_t a[5];
	char id[16];
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "c%u", (unsigned)i % 10);
		assert_int_equal(gb_net_lease_alloc(&n, id, id, NULL, &a[i], NULL), 0);
		assert_int_equal(a[i], 0x0ad50102 + (uint32_t)i);
	}
	struct gb_err err = { 0 };
	uint32_t x;
	assert_int_equal(gb_net_lease_alloc(&n, "c9", "c9", NULL, &x, &err), -ENOSPC);
	assert_true(err.hint[0] != '\0');
	assert_int_equal(gb_net_lease_alloc(&n, "c1", "c1", NULL, &x, &err), -EEXIST);
	/* A freed address is handed out again, lowest first. */
	assert_int_equal(gb_net_lease_free(&n, "c2"), 0);
	assert_int_equal(gb_net_lease_free(&n, "c2"), -ENOENT);
	assert_null(gb_net_lease_find(&n, "c2"));
	assert_int_equal(gb_net_lease_alloc(&n, "c7", "c7", NULL, &x, NULL), 0);
	assert_int_equal(x, 0x0ad50104);
	assert_int_equal(n.n_leases, 5);
	gb_net_network_free(&n);
}

static void test_state_round_trip(void **state)
{
	(void)state;
	char root[] = "/tmp/gb-test-net-XXXXXX";
	assert_non_null(mkdtemp(root));
	struct gb_net_network n, back;
	assert_int_equal(gb_net_network_init(&n, "app", "10.213.3.0/24", true, NULL, NULL, 0, NULL),
			 0);
	char *aliases[] = { "db", "database", NULL };
	uint32_t a;
	assert_int_equal(gb_net_lease_alloc(&n, "abc123", "mariadb", aliases, &a, NULL), 0);
	assert_int_equal(gb_net_network_save(root, &n, NULL), 0);
	assert_int_equal(gb_net_network_load(root, "app", &back, NULL), 0);
	assert_string_equal(back.bridge, n.bridge);
	assert_true(back.internal);
	assert_int_equal(back.subnet.addr, n.subnet.addr);
	assert_int_equal(back.n_leases, 1);
	assert_string_equal(back.leases[0].name, "mariadb");
	assert_string_equal(back.leases[0].aliases[1], "database");
	gb_net_network_free(&back);
	gb_autostrv char **names = NULL;
	assert_int_equal(gb_net_network_list(root, &names, NULL), 0);
	assert_string_equal(names[0], "app");
	assert_null(names[1]);
	struct gb_err err = { 0 };
	assert_int_equal(gb_net_network_load(root, "nope", &back, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "network ls"));
	assert_int_equal(gb_net_network_remove(root, "app", NULL), 0);
	assert_int_equal(gb_net_network_load(root, "app", &back, NULL), -ENOENT);
	gb_net_network_free(&n);
	gb_rm_rf(root);
}

static void test_hosts(void **state)
{
	(void)state;
	struct gb_net_network nets[3];
	uint32_t a;
	char *al[] = { "www", NULL };
	gb_net_network_init(&nets[0], "front", "10.213.1.0/24", false, NULL, NULL, 0, NULL);
	gb_net_network_init(&nets[1], "back", "10.213.2.0/24", true, NULL, NULL, 0, NULL);
	gb_net_network_init(&nets[2], "other", "10.213.3.0/24", false, NULL, NULL, 0, NULL);
	gb_net_lease_alloc(&nets[0], "id-nginx", "nginx", al, &a, NULL);
	gb_net_lease_alloc(&nets[0], "id-wp", "wordpress", NULL, &a, NULL);
	gb_net_lease_alloc(&nets[1], "id-wp", "wordpress", NULL, &a, NULL);
	gb_net_lease_alloc(&nets[1], "id-db", "mariadb", NULL, &a, NULL);
	gb_net_lease_alloc(&nets[2], "id-x", "stranger", NULL, &a, NULL);
	char *wp = gb_net_hosts_render(nets, 3, "id-wp", "wp-host");
	assert_non_null(wp);
	assert_non_null(strstr(wp, "127.0.0.1\tlocalhost\n"));
	assert_non_null(strstr(wp, "10.213.1.2\tnginx www\n"));
	assert_non_null(strstr(wp, "10.213.1.3\twordpress wp-host\n"));
	assert_non_null(strstr(wp, "10.213.2.3\tmariadb\n"));
	assert_null(strstr(wp, "stranger")); /* not on a shared network */
	char *ng = gb_net_hosts_render(nets, 3, "id-nginx", "nginx");
	assert_null(strstr(ng, "mariadb")); /* the database is only on "back" */
	assert_non_null(strstr(ng, "10.213.1.2\tnginx www\n"));
	free(wp);
	free(ng);
	for (int i = 0; i < 3; i++)
		gb_net_network_free(&nets[i]);
}

static void test_publish_parse(void **state)
{
	(void)state;
	struct gb_net_publish p;
	assert_int_equal(gb_net_publish_parse("8080:80", &p, NULL), 0);
	assert_int_equal(p.host_ip, 0x7f000001);
	assert_int_equal(p.host_port, 8080);
	assert_int_equal(p.container_port, 80);
	assert_int_equal(gb_net_publish_parse("0.0.0.0:443:8443/tcp", &p, NULL), 0);
	assert_int_equal(p.host_ip, 0);
	assert_int_equal(p.host_port, 443);
	assert_int_equal(p.container_port, 8443);
	const char *bad[] = { "80",  "0:80", "80:70000", "x:80",     "1.2.3:80:80",
			      ":80", "80:",  "1:2:3:4",	 "80:80/udp" };
	for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++) {
		struct gb_err err = { 0 };
		assert_true(gb_net_publish_parse(bad[i], &p, &err) < 0);
		assert_true(err.hint[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cidr_parse),
		cmocka_unit_test(test_cidr_parse_refuses),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_network_init),
		cmocka_unit_test(test_overlapping_networks_refused),
		cmocka_unit_test(test_subnet_pick),
		cmocka_unit_test(test_lease_alloc_free),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_publish_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
