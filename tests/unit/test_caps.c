/* Unit tests for core/caps: the name table, Docker's default set, the --cap-add /
 * --cap-drop rule, and decoding /proc/PID/status masks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "security/caps.h"

static void test_names_roundtrip(void **state)
{
	(void)state;
	int last = gb_caps_last();
	assert_true(last >= CAP_AUDIT_READ); /* every kernel since 3.16 */
	for (int i = 0; i <= last && gb_caps_name(i); i++) {
		int back = -1;
		assert_int_equal(gb_caps_from_name(gb_caps_name(i), &back, NULL), 0);
		assert_int_equal(back, i);
	}
	assert_string_equal(gb_caps_name(CAP_SYS_ADMIN), "CAP_SYS_ADMIN");
	assert_string_equal(gb_caps_name(0), "CAP_CHOWN");
	assert_null(gb_caps_name(64));
}

static void test_name_spellings(void **state)
{
	(void)state;
	const char *spellings[] = { "CAP_NET_ADMIN", "NET_ADMIN", "net_admin", "cap_net_admin" };
	for (size_t i = 0; i < 4; i++) {
		int cap = -1;
		assert_int_equal(gb_caps_from_name(spellings[i], &cap, NULL), 0);
		assert_int_equal(cap, CAP_NET_ADMIN);
	}
}

static void test_unknown_name_is_clear_error(void **state)
{
	(void)state;
	struct gb_err err = { 0 };
	int cap;
	assert_int_equal(gb_caps_from_name("SYS_ADMINN", &cap, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "SYS_ADMINN"));
	assert_non_null(strstr(err.hint, "capabilities(7)"));
	char *add[] = { "NET_ADMIN", "BOGUS", NULL };
	gb_capset out = 0;
	memset(&err, 0, sizeof err);
	assert_int_equal(gb_caps_resolve(gb_caps_docker_default(), add, NULL, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "BOGUS"));
}

static void test_docker_default_is_14(void **state)
{
	(void)state;
	gb_capset d = gb_caps_docker_default();
	assert_int_equal(__builtin_popcountll(d), 14);
	/* The mask Docker containers show in CapEff. */
	assert_int_equal(d, 0xa80425fbULL);
	assert_false(d & GB_CAP_BIT(CAP_SYS_ADMIN));
	assert_true(d & GB_CAP_BIT(CAP_NET_BIND_SERVICE));
}

static void test_resolve_rules(void **state)
{
	(void)state;
	gb_capset base = gb_caps_docker_default(), out = 0;
	char *drop_all[] = { "ALL", NULL }, *add_admin[] = { "SYS_ADMIN", NULL };
	char *add_all[] = { "all", NULL }, *drop_chown[] = { "CHOWN", NULL };
	/* plain add and drop */
	assert_int_equal(gb_caps_resolve(base, add_admin, drop_chown, &out, NULL), 0);
	assert_int_equal(out, (base | GB_CAP_BIT(CAP_SYS_ADMIN)) & ~GB_CAP_BIT(CAP_CHOWN));
	/* --cap-drop ALL keeps only what is added */
	assert_int_equal(gb_caps_resolve(base, add_admin, drop_all, &out, NULL), 0);
	assert_int_equal(out, GB_CAP_BIT(CAP_SYS_ADMIN));
	assert_int_equal(gb_caps_resolve(base, NULL, drop_all, &out, NULL), 0);
	assert_int_equal(out, 0);
	/* --cap-add ALL gives every capability of this kernel except those dropped */
	assert_int_equal(gb_caps_resolve(base, add_all, drop_chown, &out, NULL), 0);
	assert_int_equal(out, gb_caps_all() & ~GB_CAP_BIT(CAP_CHOWN));
	assert_int_equal(__builtin_popcountll(gb_caps_all()), gb_caps_last() + 1);
	/* nothing at all: the base */
	assert_int_equal(gb_caps_resolve(base, NULL, NULL, &out, NULL), 0);
	assert_int_equal(out, base);
}

static void test_format_and_hex(void **state)
{
	(void)state;
	char buf[256];
	gb_capset set = 0;
	assert_int_equal(gb_caps_parse_hex("\t0000000000200001\n", &set), 0);
	assert_int_equal(set, GB_CAP_BIT(CAP_CHOWN) | GB_CAP_BIT(CAP_SYS_ADMIN));
	assert_int_equal(gb_caps_format(set, buf, sizeof buf), 0);
	assert_string_equal(buf, "CAP_CHOWN,CAP_SYS_ADMIN");
	assert_int_equal(gb_caps_format(0, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(gb_caps_format(set, buf, 8), -ENAMETOOLONG);
	assert_int_equal(gb_caps_parse_hex("xyz", &set), -EINVAL);
	/* A bit past the table still prints, as a number. */
	assert_int_equal(gb_caps_format(GB_CAP_BIT(62), buf, sizeof buf), 0);
	assert_string_equal(buf, "CAP_62");
}

static void test_read_own_status(void **state)
{
	(void)state;
	struct gb_caps_status st;
	struct gb_err err = { 0 };
	assert_int_equal(gb_caps_read_status(0, &st, &err), 0);
	/* The bounding set never holds a capability the kernel does not know. */
	assert_int_equal(st.bounding & ~gb_caps_all(), 0);
	assert_int_equal(st.effective & ~st.permitted, 0);
	assert_int_equal(gb_caps_read_status(999999999, &st, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/proc/999999999/status"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_roundtrip),
		cmocka_unit_test(test_name_spellings),
		cmocka_unit_test(test_unknown_name_is_clear_error),
		cmocka_unit_test(test_docker_default_is_14),
		cmocka_unit_test(test_resolve_rules),
		cmocka_unit_test(test_format_and_hex),
		cmocka_unit_test(test_read_own_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
