/* Unit tests for core/engine/health.c: Docker's healthcheck state machine (starting,
 * healthy, unhealthy, the start period, the failing streak), its duration syntax, the
 * flags of run/create and the healthcheck's round trip through the state file's JSON. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"
#include "config_roundtrip.h"
#include "engine/health.h"

struct machine {
	char status[12];
	int streak;
};

static void judge(struct machine *m, const struct gb_healthcheck *h, bool ok, double t)
{
	gb_health_judge(h, ok, t, m->status, sizeof m->status, &m->streak);
}

static void test_unhealthy_after_retries(void **s)
{
	(void)s;
	struct gb_healthcheck h = { .retries = 2 };
	struct machine m = { "starting", 0 };
	judge(&m, &h, false, 1);
	assert_string_equal(m.status, "starting");
	assert_int_equal(m.streak, 1);
	judge(&m, &h, false, 2);
	assert_string_equal(m.status, "unhealthy");
	assert_int_equal(m.streak, 2);
	judge(&m, &h, true, 3);
	assert_string_equal(m.status, "healthy");
	assert_int_equal(m.streak, 0);
}

static void test_default_retries_three(void **s)
{
	(void)s;
	struct gb_healthcheck h = { 0 };
	struct machine m = { "healthy", 0 };
	judge(&m, &h, false, 100);
	judge(&m, &h, false, 101);
	assert_string_equal(m.status, "healthy"); /* two failures: still healthy */
	judge(&m, &h, false, 102);
	assert_string_equal(m.status, "unhealthy");
	assert_int_equal(m.streak, 3);
}

static void test_start_period(void **s)
{
	(void)s;
	struct gb_healthcheck h = { .retries = 1, .start_period = 10 };
	struct machine m = { "starting", 0 };
	judge(&m, &h, false, 5); /* in the start period: does not count */
	assert_string_equal(m.status, "starting");
	assert_int_equal(m.streak, 0);
	judge(&m, &h, false, 11); /* after it: counts */
	assert_string_equal(m.status, "unhealthy");
	/* A success during the start period ends it: later failures count at once. */
	struct machine n = { "starting", 0 };
	judge(&n, &h, true, 1);
	judge(&n, &h, false, 2);
	assert_string_equal(n.status, "unhealthy");
}

static void test_durations(void **s)
{
	(void)s;
	double d;
	assert_int_equal(gb_health_parse_duration("30s", &d), 0);
	assert_true(d == 30);
	assert_int_equal(gb_health_parse_duration("1m30s", &d), 0);
	assert_true(d == 90);
	assert_int_equal(gb_health_parse_duration("500ms", &d), 0);
	assert_true(d > 0.499 && d < 0.501);
	assert_int_equal(gb_health_parse_duration("0.2s", &d), 0);
	assert_true(d > 0.199 && d < 0.201);
	assert_int_equal(gb_health_parse_duration("1h", &d), 0);
	assert_true(d == 3600);
	assert_int_equal(gb_health_parse_duration("0", &d), 0);
	assert_true(d == 0);
	const char *bad[] = { "", "5", "s", "-1s", "5x", "5s3", "1d", "1e400s" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(gb_health_parse_duration(bad[i], &d), -EINVAL);
}

static int parse(struct gb_run_args *a, struct gb_err *err, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return gb_args_parse_run(argc, argv, false, a, err);
}

static void test_flags(void **s)
{
	(void)s;
	struct gb_run_args a;
	struct gb_err err = { 0 };
	char *ok[] = { "--health-cmd",
		       "test -f /ok",
		       "--health-interval",
		       "200ms",
		       "--health-timeout",
		       "1s",
		       "--health-retries",
		       "2",
		       "--health-start-period",
		       "1m",
		       "--health-start-interval",
		       "100ms",
		       "busybox",
		       NULL };
	assert_int_equal(parse(&a, &err, ok), 0);
	assert_string_equal(a.cfg.health.test[0], "/bin/sh");
	assert_string_equal(a.cfg.health.test[1], "-c");
	assert_string_equal(a.cfg.health.test[2], "test -f /ok");
	assert_null(a.cfg.health.test[3]);
	assert_true(a.cfg.health.interval > 0.199 && a.cfg.health.interval < 0.201);
	assert_true(a.cfg.health.timeout == 1 && a.cfg.health.start_period == 60);
	assert_int_equal(a.cfg.health.retries, 2);
	assert_true(a.cfg.health.start_interval > 0.099 && a.cfg.health.start_interval < 0.101);
	/* the round trip through the state file's JSON */
	struct gb_config back;
	assert_int_equal(config_roundtrip(&a.cfg, &back, &err), 0);
	assert_string_equal(back.health.test[2], "test -f /ok");
	assert_int_equal(back.health.retries, 2);
	assert_true(back.health.start_period == 60);
	assert_true(back.health.start_interval > 0.099 && back.health.start_interval < 0.101);
	gb_config_free(&back);
	gb_args_free(&a);
	char *unitless[] = { "--health-interval", "5", "busybox", NULL };
	assert_int_equal(parse(&a, &err, unitless), -EINVAL);
	assert_non_null(strstr(err.msg, "--health-interval"));
	char *both[] = { "--no-healthcheck", "--health-cmd", "true", "busybox", NULL };
	assert_int_equal(parse(&a, &err, both), -EINVAL);
	assert_non_null(strstr(err.msg, "exclude each other"));
	char *zero[] = { "--health-timeout", "0s", "busybox", NULL };
	assert_int_equal(parse(&a, &err, zero), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unhealthy_after_retries),
		cmocka_unit_test(test_default_retries_three),
		cmocka_unit_test(test_start_period),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
