/* Unit tests: the JSON of glassbox-runc update --resources (core/oci/oci_update.c), as
 * Docker 20.10 sends it through containerd (zeros meaning "leave it"), runc's own example,
 * -1 for unlimited, and bad input refused naming the JSON path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oci/oci_verbs.h"

static int parse(const char *text, struct gb_oci_update *u, struct gb_err *err)
{
	memset(err, 0, sizeof *err);
	return gb_oci_update_parse(text, strlen(text), u, err);
}

/* dockerd's toContainerdResources for `docker update --memory 48m --pids-limit 50`. */
static void docker_update_json(void **state)
{
	struct gb_oci_update u;
	struct gb_err err;
	assert_int_equal(parse("{\"memory\":{\"limit\":50331648},\"cpu\":{\"shares\":0,\"quota\":0,"
			       "\"period\":0,\"cpus\":\"\",\"mems\":\"\"},\"pids\":{\"limit\":50},"
			       "\"blockIO\":{},\"unknown\":[1]}",
			       &u, &err),
			 0);
	assert_int_equal(u.l.memory, 50331648);
	assert_int_equal(u.l.memory_swap, 0); /* not sent: left as it is */
	assert_int_equal(u.l.cpu_shares, 0);
	assert_int_equal(u.l.cpu_quota_us, 0);
	assert_int_equal(u.l.pids_max, 50);
	assert_string_equal(u.cpus, "");
	assert_int_equal(u.blkio_weight, 0);
}

static void cpu_and_unlimited(void **state)
{
	struct gb_oci_update u;
	struct gb_err err;
	assert_int_equal(parse("{\"memory\":{\"limit\":-1,\"swap\":-1},\"cpu\":{\"shares\":512,"
			       "\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"},"
			       "\"pids\":{\"limit\":-1}}",
			       &u, &err),
			 0);
	assert_int_equal(u.l.memory, -1);
	assert_int_equal(u.l.memory_swap, -1);
	assert_int_equal(u.l.cpu_shares, 512);
	assert_int_equal(u.l.cpu_quota_us, 50000);
	assert_int_equal(u.l.cpu_period_us, 100000);
	assert_string_equal(u.cpus, "0-1");
	assert_string_equal(u.mems, "0");
	assert_int_equal(u.l.pids_max, -1);
	assert_false(u.check_before_update);
	assert_int_equal(
		parse("{\"memory\":{\"limit\":10485760,\"checkBeforeUpdate\":true}}", &u, &err), 0);
	assert_true(u.check_before_update);
	assert_int_equal(parse("{}", &u, &err), 0);
	assert_int_equal(u.l.memory, 0);
	assert_int_equal(parse("{\"memory\":null,\"cpu\":null}", &u, &err), 0);
}

static void bad_input_names_the_path(void **state)
{
	struct gb_oci_update u;
	struct gb_err err;
	static const struct {
		const char *json, *path;
	} bad[] = {
		{ "{\"memory\":{\"limit\":\"64m\"}}", "memory.limit" },
		{ "{\"memory\":{\"limit\":1.5}}", "memory.limit" },
		{ "{\"memory\":{\"limit\":1048576}}", "memory.limit" }, /* below 6 MiB */
		{ "{\"memory\":{\"swap\":-2}}", "memory.swap" },
		{ "{\"memory\":[]}", "memory" },
		{ "{\"cpu\":{\"shares\":1}}", "cpu.shares" },
		{ "{\"cpu\":{\"quota\":-5}}", "cpu.quota" },
		{ "{\"pids\":{\"limit\":-3}}", "pids.limit" },
		{ "{\"blockIO\":{\"weight\":-1}}", "blockIO.weight" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].json, &u, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].path))
			fail_msg("%s: \"%s\" does not name %s", bad[i].json, err.msg, bad[i].path);
	}
	assert_int_equal(parse("[1]", &u, &err), -EINVAL);
	assert_int_equal(parse("{\"memory\":", &u, &err), -EINVAL);
	assert_int_equal(parse("", &u, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_update_json),
		cmocka_unit_test(cpu_and_unlimited),
		cmocka_unit_test(bad_input_names_the_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
