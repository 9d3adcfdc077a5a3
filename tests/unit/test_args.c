/* Unit tests for `glassbox run/create` option parsing (cli/args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "args.h"
#include "config_roundtrip.h"
#include "base/json.h"
#include "state/config.h"

static int parse(struct gb_run_args *a, struct gb_err *e, bool create_only, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	va_start(ap, create_only);
	for (char *s; (s = va_arg(ap, char *)) && argc < 63;)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	memset(e, 0, sizeof *e);
	return gb_args_parse_run(argc, argv, create_only, a, e);
}

static void docker_style_options(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	assert_int_equal(parse(&a, &e, false, "-d", "--name", "web", "-e", "A=1", "--env=B=2", "-w",
			       "/tmp", "--hostname=box", "--rm", "busybox", "sh", "-c", "echo -d",
			       NULL),
			 0);
	assert_true(a.detach);
	assert_true(a.cfg.rm);
	assert_string_equal(a.cfg.name, "web");
	assert_string_equal(a.cfg.env[0], "A=1");
	assert_string_equal(a.cfg.env[1], "B=2");
	assert_string_equal(a.cfg.workdir, "/tmp");
	assert_string_equal(a.cfg.hostname, "box");
	assert_string_equal(a.cfg.image, "busybox");
	/* options after the image belong to the command */
	assert_string_equal(a.cfg.cmd[0], "sh");
	assert_string_equal(a.cfg.cmd[2], "echo -d");
	assert_null(a.cfg.cmd[3]);
	gb_args_free(&a);
}

static void bundled_short_options_and_host_namespaces(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	assert_int_equal(parse(&a, &e, false, "-dit", "-eX=1", "--pid", "host", "--uts=host",
			       "--ipc", "host", "--network", "host", "busybox", NULL),
			 0);
	assert_true(a.detach);
	assert_string_equal(a.cfg.env[0], "X=1");
	assert_true(a.cfg.host_pid && a.cfg.host_uts && a.cfg.host_ipc && a.cfg.host_net);
	assert_null(a.cfg.cmd[0]); /* no command: the image's is used */
	gb_args_free(&a);
}

static void step_mode_and_events(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	assert_int_equal(
		parse(&a, &e, false, "--step-fd", "3", "--events", "fd:4", "busybox", "true", NULL),
		0);
	assert_int_equal(a.step_fd, 3);
	assert_string_equal(a.events, "fd:4");
	gb_args_free(&a);
	assert_int_equal(parse(&a, &e, false, "--step", "--step-fd", "3", "busybox", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "exclude"));
	gb_args_free(&a);
}

static void bad_input_names_the_option_and_the_fix(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	struct {
		const char *opt, *val, *msg;
	} cases[] = {
		{ "--name", "bad name", "invalid value for --name: 'bad name'" },
		{ "--hostname", "bad_host", "invalid value for --hostname: 'bad_host'" },
		{ "-e", "NOEQUALS", "invalid value for --env: 'NOEQUALS'" },
		{ "-w", "relative", "invalid value for --workdir: 'relative'" },
		{ "--pid", "container:x", "invalid value for --pid: 'container:x'" },
		{ "--stop-signal", "SIGFOO", "invalid value for --stop-signal: 'SIGFOO'" },
		{ "--stop-timeout", "-1", "invalid value for --stop-timeout: '-1'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(&a, &e, false, cases[i].opt, cases[i].val, "busybox", NULL),
				 -EINVAL);
		assert_string_equal(e.msg, cases[i].msg);
		assert_true(e.hint[0] != '\0');
		gb_args_free(&a);
	}
	assert_int_equal(parse(&a, &e, false, "--bogus", "busybox", NULL), -EINVAL);
	assert_string_equal(e.msg, "unknown option --bogus");
	gb_args_free(&a);
	assert_int_equal(parse(&a, &e, false, "--name", NULL), -EINVAL);
	assert_string_equal(e.msg, "option --name needs a value");
	gb_args_free(&a);
	assert_int_equal(parse(&a, &e, false, "-d", NULL), -EINVAL);
	assert_string_equal(e.msg, "no image given");
	gb_args_free(&a);
	assert_int_equal(parse(&a, &e, true, "-d", "busybox", NULL), -EINVAL);
	assert_non_null(strstr(e.msg, "makes no sense for create"));
	gb_args_free(&a);
}

static void double_dash_ends_options(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	assert_int_equal(parse(&a, &e, false, "--rm", "--", "busybox", "--version", NULL), 0);
	assert_string_equal(a.cfg.image, "busybox");
	assert_string_equal(a.cfg.cmd[0], "--version");
	gb_args_free(&a);
}

static void seconds(void **s)
{
	int v;
	assert_int_equal(gb_args_parse_seconds("10", &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(gb_args_parse_seconds("0", &v), 0);
	assert_int_equal(gb_args_parse_seconds("1.5", &v), -EINVAL);
	assert_int_equal(gb_args_parse_seconds("", &v), -EINVAL);
	assert_int_equal(gb_args_parse_seconds("99999999999", &v), -EINVAL);
}

/* glassbox's and glassbox-images' --root/--data-root, in both spellings. */
static void global_roots(void **state)
{
	(void)state;
	char *argv[] = { "glassbox", "--root", "/r", "--data-root=/d", "--rootless", "--root" };
	const char *root = NULL, *data = NULL;
	int i = 1;
	assert_int_equal(gb_args_global_root(6, argv, &i, &root, &data), 1);
	assert_int_equal(i, 2);
	assert_string_equal(root, "/r");
	i = 3;
	assert_int_equal(gb_args_global_root(6, argv, &i, &root, &data), 1);
	assert_int_equal(i, 3);
	assert_string_equal(data, "/d");
	i = 4; /* a longer option that starts like one is not it */
	assert_int_equal(gb_args_global_root(6, argv, &i, &root, &data), 0);
	i = 5; /* the value is missing */
	assert_int_equal(gb_args_global_root(6, argv, &i, &root, &data), -1);
	assert_string_equal(root, "/r");
}

/* --security-opt apparmor=PROFILE (Docker's flag): kept in the config and its state JSON,
 * which a later exec reads; an empty name is refused naming the option and apparmor_parser. */
static void apparmor_option(void **s)
{
	struct gb_run_args a;
	struct gb_err e;
	assert_int_equal(parse(&a, &e, false, "--security-opt", "apparmor=gbtest", "busybox", NULL),
			 0);
	assert_string_equal(a.cfg.apparmor, "gbtest");
	struct gb_config back;
	assert_int_equal(config_roundtrip(&a.cfg, &back, &e), 0);
	assert_string_equal(back.apparmor, "gbtest");
	gb_config_free(&back);
	gb_args_free(&a);
	assert_int_equal(
		parse(&a, &e, false, "--security-opt=apparmor:unconfined", "busybox", NULL), 0);
	assert_string_equal(a.cfg.apparmor, "unconfined");
	gb_args_free(&a);
	assert_int_equal(parse(&a, &e, false, "--security-opt", "apparmor=", "busybox", NULL),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "--security-opt"));
	assert_non_null(strstr(e.hint, "apparmor_parser -r"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_style_options),
		cmocka_unit_test(bundled_short_options_and_host_namespaces),
		cmocka_unit_test(step_mode_and_events),
		cmocka_unit_test(bad_input_names_the_option_and_the_fix),
		cmocka_unit_test(double_dash_ends_options),
		cmocka_unit_test(seconds),
		cmocka_unit_test(global_roots),
		cmocka_unit_test(apparmor_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
