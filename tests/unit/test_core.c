/* Unit tests for the engine's pure logic: lifecycle, config validation, JSON, events,
 * state files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/config.h"
#include "base/events.h"
#include "base/helper.h"
#include "base/json.h"
#include "state/lifecycle.h"
#include "state/state.h"
#include "engine/steps.h"
#include "engine/user.h"
#include "base/util.h"

static void lifecycle_allows_the_documented_transitions(void **s)
{
	struct gb_err e = { 0 };
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_CREATED, GB_OP_START, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_STOPPED, GB_OP_START, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_STOP, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_PAUSE, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_PAUSED, GB_OP_RESUME, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_STOPPED, GB_OP_RM, false, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_RM, true, &e), 0);
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_EXEC, false, &e), 0);
}

static void lifecycle_refuses_with_a_clear_message(void **s)
{
	struct gb_err e = { 0 };
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_STOPPED, GB_OP_EXEC, false, &e),
			 -EINVAL);
	assert_string_equal(e.msg, "container web is stopped");
	assert_non_null(strstr(e.hint, "glassbox start web"));
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_RM, false, &e),
			 -EINVAL);
	assert_non_null(strstr(e.hint, "rm -f web"));
	assert_int_equal(gb_lifecycle_check("db", GB_STATUS_PAUSED, GB_OP_EXEC, false, &e),
			 -EINVAL);
	assert_non_null(strstr(e.hint, "resume"));
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_RUNNING, GB_OP_START, false, &e),
			 -EINVAL);
	/* stopping a stopped container is a no-op with a message, not an error */
	assert_int_equal(gb_lifecycle_check("web", GB_STATUS_STOPPED, GB_OP_STOP, false, &e), 1);
	assert_non_null(strstr(e.msg, "already stopped"));
	assert_string_equal(e.call, ""); /* a refusal, not a failed system call */
}

static void status_names_round_trip(void **s)
{
	for (int st = GB_STATUS_NONE; st <= GB_STATUS_REMOVED; st++)
		assert_int_equal(gb_status_parse(gb_status_name(st)), st);
	assert_int_equal(gb_status_parse("bogus"), GB_STATUS_NONE);
}

static void names_hostnames_env(void **s)
{
	assert_true(gb_name_valid("web"));
	assert_true(gb_name_valid("db-1.test_x"));
	assert_false(gb_name_valid(""));
	assert_false(gb_name_valid("-web"));
	assert_false(gb_name_valid("we/b"));
	assert_false(
		gb_name_valid("0123456789012345678901234567890123456789012345678901234567890123"));
	assert_true(gb_hostname_valid("web.example"));
	assert_false(gb_hostname_valid("bad_name"));
	assert_false(gb_hostname_valid("-x"));
	assert_false(gb_hostname_valid("a..b"));
	assert_true(gb_env_valid("A=1"));
	assert_true(gb_env_valid("A="));
	assert_false(gb_env_valid("=1"));
	assert_false(gb_env_valid("NOEQUALS"));
	assert_false(gb_env_valid("1A=2"));
}

static void signals_parse_every_spelling(void **s)
{
	assert_int_equal(gb_signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(gb_signal_parse("term"), SIGTERM);
	assert_int_equal(gb_signal_parse("15"), 15);
	assert_int_equal(gb_signal_parse("KILL"), SIGKILL);
	assert_int_equal(gb_signal_parse("SIGRTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(gb_signal_parse("SIGNOPE"), -EINVAL);
	assert_int_equal(gb_signal_parse("0"), -EINVAL);
	assert_int_equal(gb_signal_parse("99"), -EINVAL);
	assert_string_equal(gb_signal_name(SIGQUIT), "SIGQUIT");
}

static void json_round_trip_with_escapes(void **s)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "call", "pivot_root(\".\", \".\")\n\ttab\x01");
	gb_json_int(&j, "n", -42);
	gb_json_bool(&j, "ok", true);
	char *v[] = { "a", "b c", NULL };
	gb_json_strv(&j, "argv", v);
	gb_json_obj_begin(&j, "nested");
	gb_json_null(&j, "nothing");
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	assert_false(j.failed);
	char err[128];
	struct gb_jval *root = gb_json_parse(j.buf, j.len, err, sizeof err);
	assert_non_null(root);
	assert_string_equal(gb_jstr(root, "call", ""), "pivot_root(\".\", \".\")\n\ttab\x01");
	assert_int_equal(gb_jint(root, "n", 0), -42);
	assert_true(gb_jbool(root, "ok", false));
	char **argv = gb_jstrv(gb_jget(root, "argv"));
	assert_string_equal(argv[1], "b c");
	assert_null(argv[2]);
	gb_strv_free(argv);
	assert_int_equal(gb_jget(gb_jget(root, "nested"), "nothing")->type, GB_JNULL);
	gb_jval_free(root);
	gb_json_free(&j);
}

static void json_reports_where_it_is_broken(void **s)
{
	char err[128];
	const char *bad[] = { "{\"a\":1,}",  "{\"a\" 1}", "[1,2", "\"unterminated",
			      "{\"a\":tru}", "{} x",	  "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(gb_json_parse(bad[i], strlen(bad[i]), err, sizeof err));
		assert_non_null(strstr(err, "line 1 column"));
	}
	struct gb_jval *u = gb_json_parse("\"\\u00e9\\ud83d\\ude00\"", 20, err, sizeof err);
	assert_non_null(u);
	assert_string_equal(u->str, "\xc3\xa9\xf0\x9f\x98\x80");
	gb_jval_free(u);
}

static void events_are_one_json_object_per_line(void **s)
{
	char path[] = "/tmp/gbunit-events-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	struct gb_events ev;
	gb_events_init(&ev);
	ev.fd = fd;
	gb_events_set_container(&ev, "0123456789ab", "web");
	gb_event_lifecycle(&ev, "created", "running");
	gb_event_log(&ev, "a \"quoted\"\nline");
	char *text = NULL;
	size_t len;
	assert_int_equal(gb_read_file(path, &text, &len), 0);
	char *nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	struct gb_jval *e1 = gb_json_parse(text, strlen(text), NULL, 0);
	struct gb_jval *e2 = gb_json_parse(nl + 1, strlen(nl + 1) - 1, NULL, 0);
	assert_non_null(e1);
	assert_non_null(e2);
	assert_int_equal(gb_jint(e1, "v", 0), GB_EVENTS_VERSION);
	assert_int_equal(gb_jint(e1, "seq", 0), 1);
	assert_int_equal(gb_jint(e2, "seq", 0), 2);
	assert_string_equal(gb_jstr(e1, "type", ""), "lifecycle");
	assert_string_equal(gb_jstr(e1, "to", ""), "running");
	assert_string_equal(gb_jstr(e1, "id", ""), "0123456789ab");
	assert_string_equal(gb_jstr(e2, "message", ""), "a \"quoted\"\nline");
	assert_true(gb_jnum(e2, "t", 0) >= gb_jnum(e1, "t", 0));
	gb_jval_free(e1);
	gb_jval_free(e2);
	free(text);
	close(fd);
	unlink(path);
}

static void state_file_round_trip(void **s)
{
	char dir[] = "/tmp/gbunit-state-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_init(&rt, dir, dir, &err), 0);
	assert_int_equal(gb_runtime_prepare(&rt, &err), 0);
	struct gb_state st = { 0 };
	gb_config_init(&st.cfg);
	snprintf(st.cfg.id, sizeof st.cfg.id, "abcdef012345");
	snprintf(st.cfg.name, sizeof st.cfg.name, "web");
	snprintf(st.cfg.image, sizeof st.cfg.image, "busybox");
	char *cmd[] = { "sh", "-c", "echo \"hi\"", NULL }, *env[] = { "A=1", NULL };
	st.cfg.cmd = gb_strv_dup(cmd);
	st.cfg.env = gb_strv_dup(env);
	st.cfg.host_net = true;
	st.status = GB_STATUS_STOPPED;
	st.exit_code = 143;
	st.pid_start = 123456789012ULL;
	snprintf(st.upper, sizeof st.upper, "/x/upper");
	char sd[600];
	gb_state_dir(&rt, st.cfg.id, sd, sizeof sd);
	assert_int_equal(mkdir(sd, 0700), 0);
	assert_int_equal(gb_state_save(&rt, &st, &err), 0);
	struct gb_state back;
	assert_int_equal(gb_state_find(&rt, "web", &back, &err), 0);
	assert_string_equal(back.cfg.id, "abcdef012345");
	assert_string_equal(back.cfg.cmd[2], "echo \"hi\"");
	assert_string_equal(back.cfg.env[0], "A=1");
	assert_true(back.cfg.host_net);
	assert_false(back.cfg.host_pid);
	assert_int_equal(back.status, GB_STATUS_STOPPED);
	assert_int_equal(back.exit_code, 143);
	assert_true(back.pid_start == 123456789012ULL);
	assert_string_equal(back.upper, "/x/upper");
	gb_state_free(&back);
	/* by unique id prefix too, and a clear error for an unknown name */
	assert_int_equal(gb_state_find(&rt, "abcd", &back, &err), 0);
	gb_state_free(&back);
	assert_int_equal(gb_state_find(&rt, "nope", &back, &err), -ENOENT);
	assert_string_equal(err.msg, "no such container: nope");
	/* no temporary file is left by the atomic write */
	char tmp[700];
	snprintf(tmp, sizeof tmp, "%s/container.json.tmp.%d", sd, (int)getpid());
	assert_int_equal(access(tmp, F_OK), -1);
	gb_state_free(&st);
	assert_int_equal(gb_rm_rf(dir), 0);
}

static void name_index_is_a_shortcut_never_the_truth(void **s)
{
	char dir[] = "/tmp/gbunit-names-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	gb_runtime_init(&rt, dir, dir, &err);
	gb_runtime_prepare(&rt, &err);
	const char *ids[] = { "aaaaaaaaaaaa", "bbbbbbbbbbbb" }, *names[] = { "web", "db" };
	for (int i = 0; i < 2; i++) {
		struct gb_state st = { 0 };
		gb_config_init(&st.cfg);
		snprintf(st.cfg.id, sizeof st.cfg.id, "%s", ids[i]);
		snprintf(st.cfg.name, sizeof st.cfg.name, "%s", names[i]);
		st.cfg.cmd = calloc(1, sizeof(char *));
		st.cfg.env = calloc(1, sizeof(char *));
		char sd[600];
		gb_state_dir(&rt, ids[i], sd, sizeof sd);
		assert_int_equal(mkdir(sd, 0700), 0);
		assert_int_equal(gb_state_save(&rt, &st, &err), 0);
		gb_state_name_link(&rt, names[i], ids[i]);
		gb_state_free(&st);
	}
	struct gb_state st;
	assert_int_equal(gb_state_find(&rt, "db", &st, &err), 0);
	assert_string_equal(st.cfg.id, "bbbbbbbbbbbb");
	gb_state_free(&st);
	/* a stale link (here: pointing at the other container) is ignored */
	gb_state_name_link(&rt, "db", "aaaaaaaaaaaa");
	assert_int_equal(gb_state_find(&rt, "db", &st, &err), 0);
	assert_string_equal(st.cfg.id, "bbbbbbbbbbbb");
	gb_state_free(&st);
	/* removing a container removes its own name only */
	assert_int_equal(gb_state_remove(&rt, "bbbbbbbbbbbb", "db", &err), 0);
	char link[700];
	snprintf(link, sizeof link, "%s/names/db", dir);
	char target[32];
	assert_int_equal(readlink(link, target, sizeof target), 12); /* not ours: kept */
	assert_int_equal(gb_state_remove(&rt, "aaaaaaaaaaaa", "web", &err), 0);
	snprintf(link, sizeof link, "%s/names/web", dir);
	assert_int_equal(access(link, F_OK), -1);
	assert_int_equal(gb_state_find(&rt, "db", &st, &err), -ENOENT);
	gb_rm_rf(dir);
}

static void users_resolve_in_the_containers_files(void **s)
{
	const char *passwd = "root:x:0:0:root:/root:/bin/sh\n"
			     "# comment\n"
			     "www:x:33:33:www:/var/www:/bin/false\n";
	const char *group = "root:x:0:\nwww:x:33:\nweb:x:50:www,other\nlog:x:51:www\n";
	struct gb_user u;
	struct gb_err e = { 0 };
	assert_int_equal(gb_user_lookup("www", passwd, group, &u, &e), 0);
	assert_int_equal(u.uid, 33);
	assert_int_equal(u.gid, 33);
	assert_string_equal(u.home, "/var/www");
	assert_int_equal(u.n_groups, 2); /* web and log list it */
	assert_int_equal(u.groups[0], 50);
	assert_int_equal(u.groups[1], 51);
	assert_int_equal(gb_user_lookup("33", passwd, group, &u, &e), 0);
	assert_int_equal(u.uid, 33);
	assert_int_equal(gb_user_lookup("www:root", passwd, group, &u, &e), 0);
	assert_int_equal(u.gid, 0);
	assert_int_equal(u.n_groups, 0); /* an explicit group replaces the others */
	assert_int_equal(gb_user_lookup("1000:1000", passwd, group, &u, &e), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_int_equal(gb_user_lookup("4242", NULL, NULL, &u, &e), 0); /* no files: numbers */
	assert_int_equal(u.gid, 0);
	assert_int_equal(gb_user_lookup("ghost", passwd, group, &u, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "unable to find user ghost"));
	assert_int_equal(gb_user_lookup("www:nogroup", passwd, group, &u, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "unable to find group nogroup"));
	assert_true(gb_user_spec_valid("www"));
	assert_true(gb_user_spec_valid("1000:1000"));
	assert_false(gb_user_spec_valid(""));
	assert_false(gb_user_spec_valid("a:b:c"));
	assert_false(gb_user_spec_valid("a b"));
	assert_false(gb_user_spec_valid(":x"));
}

/* What the engine relies on (core/engine/engine.c): the create rows come first, `exec` is the
 * very last row, names are unique, and a row that may be skipped says when it runs. */
static void the_step_table_keeps_its_promises(void **s)
{
	size_t n;
	const struct gb_step *t = gb_steps_table(&n);
	assert_true(n > 10);
	assert_string_equal(t[n - 1].name, "exec");
	assert_int_equal(t[n - 1].side, GB_SIDE_CONTAINER);
	bool seen_start = false;
	for (size_t i = 0; i < n; i++) {
		if (t[i].phase == GB_PHASE_START)
			seen_start = true;
		else
			assert_false(seen_start); /* no create row after a start row */
		assert_non_null(t[i].call);
		assert_non_null(t[i].run);
		assert_true(strlen(t[i].explain) > 20);
		assert_true(t[i].wanted == NULL || t[i].when != NULL);
		if (t[i].side == GB_SIDE_CONTAINER)
			assert_null(t[i].undo); /* container rows die with the mount namespace */
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(t[i].name, t[k].name);
	}
}

static void corrupt_state_is_a_clear_error(void **s)
{
	char dir[] = "/tmp/gbunit-corrupt-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	gb_runtime_init(&rt, dir, dir, &err);
	gb_runtime_prepare(&rt, &err);
	char p[700];
	snprintf(p, sizeof p, "%s/containers/0000deadbeef", dir);
	mkdir(p, 0700);
	strcat(p, "/container.json");
	int fd = open(p, O_CREAT | O_WRONLY, 0600);
	assert_true(write(fd, "{\"config\": {", 12) == 12);
	close(fd);
	struct gb_state st;
	assert_int_equal(gb_state_load(&rt, "0000deadbeef", &st, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "corrupt"));
	assert_non_null(strstr(err.hint, "rm -f"));
	/* still listed, so that rm -f can find it */
	struct gb_state *list;
	size_t n;
	assert_int_equal(gb_state_list(&rt, &list, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].cfg.id, "0000deadbeef");
	gb_state_list_free(list, n);
	gb_rm_rf(dir);
}

static void runtime_roots_must_be_absolute(void **s)
{
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_init(&rt, "relative", "/x", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "absolute"));
}

struct got_lines {
	char text[256];
	int n;
	int other_thread; /* calls made from a thread other than main's */
};

static void on_line(void *data, const char *line, size_t len)
{
	struct got_lines *g = data;
	size_t used = strlen(g->text);
	snprintf(g->text + used, sizeof g->text - used, "[%.*s]", (int)len, line);
	g->n++;
	g->other_thread += gettid() != getpid();
}

/* The child's lines come to the caller's function in its own thread, whole, as the child
 * writes them in pieces; a line longer than the buffer is dropped whole, the next kept;
 * the exit status and a failed exec come back as gb_helper_run's do. */
static void helper_lines_come_whole_in_the_callers_thread(void **s)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fcntl(p[1], F_SETFD, 0);
	char script[512];
	snprintf(script, sizeof script,
		 "printf 'one\\ntw' >&%d; sleep 0.05; printf 'o\\n' >&%d; "
		 "head -c 20000 /dev/zero | tr '\\0' x >&%d; printf '\\nthree\\nend' >&%d; "
		 "exit 4",
		 p[1], p[1], p[1], p[1]);
	struct got_lines g = { "", 0, 0 };
	struct gb_helper_lines l = { p[0], p[1], on_line, &g };
	const char *args[] = { "-c", script, NULL };
	struct gb_err err = { 0 };
	assert_int_equal(gb_helper_run_lines("/bin/sh", args, &l, &err), 4);
	assert_string_equal(g.text, "[one][two][three]"); /* "end" had no newline */
	assert_int_equal(g.other_thread, 0);
	assert_int_equal(fcntl(p[0], F_GETFD), -1); /* both ends closed */
	assert_int_equal(fcntl(p[1], F_GETFD), -1);

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	struct gb_helper_lines l2 = { p[0], p[1], on_line, &g };
	assert_true(gb_helper_run_lines("/nonexistent/prog", args, &l2, &err) < 0);
	assert_int_equal(err.code, ENOENT);
	assert_int_equal(fcntl(p[0], F_GETFD), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lifecycle_allows_the_documented_transitions),
		cmocka_unit_test(lifecycle_refuses_with_a_clear_message),
		cmocka_unit_test(status_names_round_trip),
		cmocka_unit_test(names_hostnames_env),
		cmocka_unit_test(signals_parse_every_spelling),
		cmocka_unit_test(json_round_trip_with_escapes),
		cmocka_unit_test(json_reports_where_it_is_broken),
		cmocka_unit_test(events_are_one_json_object_per_line),
		cmocka_unit_test(state_file_round_trip),
		cmocka_unit_test(name_index_is_a_shortcut_never_the_truth),
		cmocka_unit_test(users_resolve_in_the_containers_files),
		cmocka_unit_test(the_step_table_keeps_its_promises),
		cmocka_unit_test(corrupt_state_is_a_clear_error),
		cmocka_unit_test(runtime_roots_must_be_absolute),
		cmocka_unit_test(helper_lines_come_whole_in_the_callers_thread),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
