/* Unit tests for core/userns: id map parsing and formatting, mapping ids outward,
 * /etc/subuid lookups by name and by uid. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns/userns.h"

static void test_parse_and_format(void **state)
{
	(void)state;
	struct gb_idmap m;
	char buf[128];
	assert_int_equal(gb_userns_parse_map("0:1000:1,1:100000:65535", &m, NULL), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(gb_userns_format_map(&m, buf, sizeof buf), 0);
	assert_string_equal(buf, "0 1000 1\n1 100000 65535\n");
	assert_int_equal(gb_userns_to_outside(&m, 0), 1000);
	assert_int_equal(gb_userns_to_outside(&m, 1), 100000);
	assert_int_equal(gb_userns_to_outside(&m, 65535), 165534);
	assert_int_equal(gb_userns_to_outside(&m, 65536), -1);
}

static void test_bad_maps(void **state)
{
	(void)state;
	struct gb_idmap m;
	struct gb_err err = { 0 };
	const char *bad[] = { "",
			      "0:1000",
			      "0:1000:0",
			      "a:b:c",
			      "0:1000:1:",
			      "0:4294967295:2",
			      "0:1:1,0:2:1" /* inside overlaps */,
			      "0:5:10,20:9:1" /* outside */ };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		if (gb_userns_parse_map(bad[i], &m, &err) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_true(err.msg[0] != '\0');
	}
	gb_userns_parse_map("x", &m, &err);
	assert_non_null(strstr(err.hint, "INSIDE:OUTSIDE:COUNT"));
}

static void test_subid(void **state)
{
	(void)state;
	char path[] = "/tmp/gbsec-subuid.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "# comment\nalice:100000:65536\n1234:200000:1000\nbob:300000:10\n";
	assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)sizeof text - 1);
	close(fd);
	uint32_t s = 0, c = 0;
	assert_int_equal(gb_userns_subid(path, "alice", 1, &s, &c, NULL), 0);
	assert_int_equal(s, 100000);
	assert_int_equal(c, 65536);
	assert_int_equal(gb_userns_subid(path, "nobody-here", 1234, &s, &c, NULL), 0);
	assert_int_equal(s, 200000);
	struct gb_err err = { 0 };
	assert_int_equal(gb_userns_subid(path, "carol", 999, &s, &c, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "usermod"));
	unlink(path);

	struct gb_idmap m;
	gb_userns_default_map(1000, 100000, 65536, &m);
	assert_int_equal(m.n, 2);
	assert_int_equal(gb_userns_to_outside(&m, 0), 1000);
	assert_int_equal(gb_userns_to_outside(&m, 1), 100000);
	gb_userns_default_map(1000, 0, 0, &m);
	assert_int_equal(m.n, 1);
}

static void test_read_own_map(void **state)
{
	(void)state;
	struct gb_idmap m;
	assert_int_equal(gb_userns_read_map(0, "uid_map", &m, NULL), 0);
	assert_true(m.n >= 1);
	/* Our own uid is mapped in our own namespace, whatever it is. */
	assert_true(gb_userns_to_outside(&m, (uint32_t)getuid()) >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_bad_maps),
		cmocka_unit_test(test_subid),
		cmocka_unit_test(test_read_own_map),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
