/* Unit tests: config.json's hooks (core/oci/oci_hooks.c): what Docker 20.10 writes, every
 * kind in order, bad input refused naming its JSON path, the copy kept beside the record,
 * and hooks of the runtime's namespaces really run: the state on stdin, a failure's exit
 * status and output in runc's words, a timeout killing the hook's process group. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/events.h"
#include "base/util.h"
#include "oci/oci_config.h"
#include "oci/oci_hooks.h"
#include "oci/oci_warn.h"

static int parse(const char *text, struct gb_oci_hooks *h, struct gb_err *err)
{
	char why[200];
	memset(err, 0, sizeof *err);
	struct gb_jval *v = gb_json_parse(text, strlen(text), why, sizeof why);
	assert_non_null(v);
	int r = gb_oci_hooks_parse(gb_jget(v, "hooks"), h, err);
	gb_jval_free(v);
	return r;
}

/* Docker 20.10's own hook, as dockerd writes it into config.json for a bridge network. */
static const char docker_hooks[] =
	"{\"hooks\":{\"prestart\":[{\"path\":\"/proc/4242/exe\",\"args\":[\"libnetwork-setkey\","
	"\"-exec-root=/var/run/docker\",\"0123abcd\",\"5f3c2e1b\"]}]}}";

static void docker_prestart_hook(void **state)
{
	struct gb_oci_hooks h;
	struct gb_err err;
	assert_int_equal(parse(docker_hooks, &h, &err), 0);
	assert_int_equal(h.n[GB_HOOK_PRESTART], 1);
	assert_string_equal(h.list[GB_HOOK_PRESTART][0].path, "/proc/4242/exe");
	assert_string_equal(h.list[GB_HOOK_PRESTART][0].args[0], "libnetwork-setkey");
	assert_string_equal(h.list[GB_HOOK_PRESTART][0].args[3], "5f3c2e1b");
	assert_null(h.list[GB_HOOK_PRESTART][0].env); /* absent: the runtime's environment */
	assert_int_equal(h.list[GB_HOOK_PRESTART][0].timeout, 0);
	for (int k = GB_HOOK_CREATE_RUNTIME; k < GB_HOOK_KINDS; k++)
		assert_int_equal(h.n[k], 0);
	assert_true(gb_oci_hooks_any(&h));
	gb_oci_hooks_free(&h);
}

static void every_kind_in_order(void **state)
{
	static const char text[] =
		"{\"hooks\":{\"poststop\":[{\"path\":\"/f\"}],\"createRuntime\":[{\"path\":\"/b\"},"
		"{\"path\":\"/"
		"b2\",\"env\":[\"A=1\"],\"timeout\":5}],\"createContainer\":[{\"path\":"
		"\"/c\"}],\"startContainer\":[{\"path\":\"/d\"}],\"poststart\":[{\"path\":\"/e\"}],"
		"\"prestart\":[{\"path\":\"/a\"}],\"unknown\":[{\"path\":\"x\"}]}}";
	static const char *const first[GB_HOOK_KINDS] = { "/a", "/b", "/c", "/d", "/e", "/f" };
	static const char *const names[GB_HOOK_KINDS] = { "prestart",	     "createRuntime",
							  "createContainer", "startContainer",
							  "poststart",	     "poststop" };
	struct gb_oci_hooks h;
	struct gb_err err;
	assert_int_equal(parse(text, &h, &err), 0);
	for (int k = 0; k < GB_HOOK_KINDS; k++) {
		assert_string_equal(h.list[k][0].path, first[k]);
		assert_string_equal(gb_oci_hook_kind_name(k), names[k]);
	}
	assert_int_equal(h.n[GB_HOOK_CREATE_RUNTIME], 2);
	assert_string_equal(h.list[GB_HOOK_CREATE_RUNTIME][1].env[0], "A=1");
	assert_int_equal(h.list[GB_HOOK_CREATE_RUNTIME][1].timeout, 5);
	gb_oci_hooks_free(&h);
	assert_int_equal(parse("{}", &h, &err), 0);
	assert_false(gb_oci_hooks_any(&h));
}

static void expect_refused(const char *text, const char *names)
{
	struct gb_oci_hooks h;
	struct gb_err err;
	assert_int_equal(parse(text, &h, &err), -EINVAL);
	if (!strstr(err.msg, names))
		fail_msg("\"%s\" does not name %s", err.msg, names);
	assert_false(gb_oci_hooks_any(&h)); /* nothing half-parsed is kept */
}

static void bad_hooks_name_the_path(void **state)
{
	expect_refused("{\"hooks\":[]}", "hooks must be an object");
	expect_refused("{\"hooks\":{\"prestart\":{}}}", "hooks.prestart must be an array");
	expect_refused("{\"hooks\":{\"prestart\":[\"/bin/true\"]}}", "hooks.prestart[0]");
	expect_refused("{\"hooks\":{\"poststart\":[{\"args\":[\"x\"]}]}}",
		       "hooks.poststart[0].path must be an absolute path");
	expect_refused("{\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"},{\"path\":\"rel/b\"}]}}",
		       "hooks.createRuntime[1].path must be an absolute path");
	expect_refused("{\"hooks\":{\"poststop\":[{\"path\":\"/a\",\"args\":\"x\"}]}}",
		       "hooks.poststop[0].args");
	expect_refused("{\"hooks\":{\"poststop\":[{\"path\":\"/a\",\"env\":[1]}]}}",
		       "hooks.poststop[0].env");
	expect_refused("{\"hooks\":{\"startContainer\":[{\"path\":\"/a\",\"timeout\":0}]}}",
		       "hooks.startContainer[0].timeout");
	expect_refused("{\"hooks\":{\"startContainer\":[{\"path\":\"/a\",\"timeout\":-3}]}}",
		       "hooks.startContainer[0].timeout");
	expect_refused("{\"hooks\":{\"startContainer\":[{\"path\":\"/a\",\"timeout\":\"5\"}]}}",
		       "hooks.startContainer[0].timeout");
}

/* config.json's hooks reach the parsed bundle; a bad one fails the whole config. */
static void in_config_json(void **state)
{
	static const char text[] =
		"{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"linux\":{"
		"\"namespaces\":[{\"type\":\"mount\"}]},\"hooks\":{\"poststart\":[{\"path\":\"/"
		"p\"}]}}";
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err = { 0 };
	assert_int_equal(gb_oci_config_parse(text, strlen(text), "/b", &c, &x, &err), 0);
	assert_int_equal(x.hooks.n[GB_HOOK_POSTSTART], 1);
	assert_string_equal(x.hooks.list[GB_HOOK_POSTSTART][0].path, "/p");
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

static void saved_and_loaded(void **state)
{
	char dir[] = "/tmp/gb-hooks-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/hooks.json", dir);
	struct gb_oci_hooks h, back;
	struct gb_err err;
	assert_int_equal(gb_oci_hooks_load(path, &back, &err), 0); /* no file: no hooks */
	assert_false(gb_oci_hooks_any(&back));
	assert_int_equal(
		parse("{\"hooks\":{\"prestart\":[{\"path\":\"/a\",\"args\":[\"a\",\"-x\"],"
		      "\"env\":[\"K=v\"],\"timeout\":3}],\"poststop\":[{\"path\":\"/z\"}]}}",
		      &h, &err),
		0);
	assert_int_equal(gb_oci_hooks_save(&h, path, &err), 0);
	assert_int_equal(gb_oci_hooks_load(path, &back, &err), 0);
	assert_string_equal(back.list[GB_HOOK_PRESTART][0].args[1], "-x");
	assert_string_equal(back.list[GB_HOOK_PRESTART][0].env[0], "K=v");
	assert_int_equal(back.list[GB_HOOK_PRESTART][0].timeout, 3);
	assert_string_equal(back.list[GB_HOOK_POSTSTOP][0].path, "/z");
	assert_null(back.list[GB_HOOK_POSTSTOP][0].args);
	gb_oci_hooks_free(&h);
	gb_oci_hooks_free(&back);
	unlink(path);
	rmdir(dir);
}

/* The last oci.hook event, through an in-process listener. */
static char last_event[2048];

static void listen(void *data, const char *type, const char *line)
{
	if (!strcmp(type, "oci.hook"))
		snprintf(last_event, sizeof last_event, "%s", line);
}

/* One poststart hook (the runtime's namespaces): /bin/sh -c SCRIPT, timeout t. */
static int run_sh(const char *script, int t, struct gb_err *err)
{
	struct gb_events ev;
	gb_events_init(&ev);
	ev.listener = listen;
	last_event[0] = '\0';
	char *args[] = { "sh", "-c", (char *)script, NULL };
	struct gb_oci_hook hk = { .path = "/bin/sh", .args = args, .timeout = t };
	struct gb_oci_hooks h = { .n = { [GB_HOOK_POSTSTART] = 1 } };
	h.list[GB_HOOK_POSTSTART] = &hk;
	char *ann[] = { "org.x=y", NULL };
	struct gb_oci_hook_state s = { "c1", "running", "/bundle", 4321, ann, &ev };
	memset(err, 0, sizeof *err);
	return gb_oci_hooks_run(&h, GB_HOOK_POSTSTART, &s, NULL, err);
}

static void runs_with_the_state_on_stdin(void **state)
{
	struct gb_err err;
	/* The hook echoes its stdin to stderr and fails: both come back in the message. */
	assert_int_equal(run_sh("echo out; cat >&2; exit 3", 0, &err), -EIO);
	if (!strstr(err.msg, "error running poststart hook #0 (/bin/sh): exit status 3, "
			     "stdout: out, stderr: {\"ociVersion\":\"1.0.2\",\"id\":\"c1\","
			     "\"status\":\"running\",\"pid\":4321,\"bundle\":\"/bundle\","
			     "\"annotations\":{\"org.x\":\"y\"}}"))
		fail_msg("unexpected: %s", err.msg);
	/* The event stream says which hook ran, where, and how it ended. */
	assert_non_null(
		strstr(last_event, "\"kind\":\"poststart\",\"index\":0,\"path\":\"/bin/sh\""));
	assert_non_null(strstr(last_event, "\"where\":\"runtime\",\"ok\":false"));
	assert_non_null(strstr(last_event, "exit status 3"));
	assert_int_equal(run_sh("read line; case $line in *'\"id\":\"c1\"'*) exit 0;; esac; exit 1",
				0, &err),
			 0);
	assert_non_null(strstr(last_event, "\"ok\":true"));
	assert_int_equal(run_sh("kill -9 $$", 0, &err), -EIO);
	assert_non_null(strstr(err.msg, "signal: Killed"));
}

static bool dead_or_zombie(pid_t pid)
{
	char path[64], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (gb_read_file(path, &text, &len) < 0)
		return true;
	const char *paren = strrchr(text, ')');
	bool z = paren && (paren[2] == 'Z' || paren[2] == 'X');
	free(text);
	return z;
}

static void a_timeout_kills_the_group(void **state)
{
	char tmp[] = "/tmp/gb-hook-pid-XXXXXX";
	int fd = mkstemp(tmp);
	assert_true(fd >= 0);
	close(fd);
	char script[128];
	snprintf(script, sizeof script, "sleep 30 & echo $! > %s; wait", tmp);
	struct gb_err err;
	assert_int_equal(run_sh(script, 1, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "hook ran past specified timeout of 1s"));
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(gb_read_file(tmp, &text, &len), 0);
	pid_t child = atoi(text);
	free(text);
	unlink(tmp);
	assert_true(child > 0);
	/* sleep was killed with sh, its group: gone, or a zombie its new parent (init or a
	 * subreaper) has not reaped yet. */
	bool dead = false;
	for (int i = 0; i < 50 && !(dead = dead_or_zombie(child)); i++)
		usleep(20000);
	assert_true(dead);
}

static void a_missing_program(void **state)
{
	struct gb_oci_hook hk = { .path = "/no/such/hook" };
	struct gb_oci_hooks h = { .n = { [GB_HOOK_POSTSTOP] = 1 } };
	h.list[GB_HOOK_POSTSTOP] = &hk;
	struct gb_oci_hook_state s = { "c1", "stopped", "/b", 0, NULL, NULL };
	gb_oci_hooks_run_warn(&h, GB_HOOK_POSTSTOP, &s); /* poststop: a warning, not an error */
	assert_non_null(strstr(gb_oci_warnings(),
			       "error running poststop hook #0: fork/exec /no/such/hook: No such "
			       "file or directory\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_prestart_hook),
		cmocka_unit_test(every_kind_in_order),
		cmocka_unit_test(bad_hooks_name_the_path),
		cmocka_unit_test(in_config_json),
		cmocka_unit_test(saved_and_loaded),
		cmocka_unit_test(runs_with_the_state_on_stdin),
		cmocka_unit_test(a_timeout_kills_the_group),
		cmocka_unit_test(a_missing_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
