/* Unit tests for core/seccomp: the default profile's shape, Docker's JSON profile
 * format (valid and malformed), the round trip back to JSON, and one real filter
 * loaded in a child process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/seccomp.h"

static const struct gb_seccomp_rule *find(const struct gb_seccomp_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	return NULL;
}

static void test_default_gates_on_caps(void **state)
{
	(void)state;
	struct gb_seccomp_profile p;
	assert_int_equal(gb_seccomp_default(&p, gb_caps_docker_default(), NULL), 0);
	assert_int_equal(p.default_action, SCMP_ACT_ERRNO(EPERM));
	assert_non_null(find(&p, "read"));
	assert_non_null(find(&p, "chroot")); /* CAP_SYS_CHROOT is in Docker's set */
	const char *denied[] = { "mount",      "umount2",	"unshare",     "setns", "reboot",
				 "kexec_load", "init_module",	"keyctl",      "bpf",	"ptrace",
				 "swapon",     "clock_settime", "settimeofday" };
	for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
		assert_null(find(&p, denied[i]));
	/* clone is allowed only without namespace flags; clone3 says ENOSYS. */
	const struct gb_seccomp_rule *clone = find(&p, "clone");
	assert_non_null(clone);
	assert_int_equal(clone->nargs, 1);
	assert_int_equal(clone->args[0].op, SCMP_CMP_MASKED_EQ);
	assert_int_equal(clone->args[0].datum_b, 0);
	assert_int_equal(find(&p, "clone3")->action, SCMP_ACT_ERRNO(ENOSYS));
	gb_seccomp_free(&p);

	gb_capset more =
		gb_caps_docker_default() | GB_CAP_BIT(CAP_SYS_ADMIN) | GB_CAP_BIT(CAP_SYS_TIME);
	assert_int_equal(gb_seccomp_default(&p, more, NULL), 0);
	assert_non_null(find(&p, "mount"));
	assert_non_null(find(&p, "unshare"));
	assert_non_null(find(&p, "clock_settime"));
	assert_int_equal(find(&p, "clone")->nargs, 0);
	assert_null(find(&p, "reboot"));
	gb_seccomp_free(&p);
}

static const char valid_profile[] =
	"{\n"
	"  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n"
	"  \"archMap\": [ { \"architecture\": \"SCMP_ARCH_X86_64\",\n"
	"                   \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"] },\n"
	"                 { \"architecture\": \"SCMP_ARCH_AARCH64\",\n"
	"                   \"subArchitectures\": [\"SCMP_ARCH_ARM\"] } ],\n"
	"  \"syscalls\": [\n"
	"    { \"names\": [\"mkdir\", \"mkdirat\", \"no_such_call_xyz\"],\n"
	"      \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13 },\n"
	"    { \"name\": \"personality\", \"action\": \"SCMP_ACT_ERRNO\",\n"
	"      \"args\": [ { \"index\": 0, \"value\": 255, \"valueTwo\": 8,\n"
	"                  \"op\": \"SCMP_CMP_MASKED_EQ\" } ] },\n"
	"    { \"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	"      \"excludes\": { \"caps\": [\"CAP_SYS_ADMIN\"] } },\n"
	"    { \"names\": [\"acct\"], \"action\": \"SCMP_ACT_KILL_PROCESS\",\n"
	"      \"includes\": { \"caps\": [\"CAP_SYS_PACCT\"] } }\n"
	"  ]\n"
	"}\n";

static void test_parse_docker_profile(void **state)
{
	(void)state;
	struct gb_seccomp_profile p;
	struct gb_err err = { 0 };
	int r = gb_seccomp_parse(valid_profile, strlen(valid_profile), "t.json",
				 gb_caps_docker_default(), &p, &err);
	assert_int_equal(r, 0);
	assert_int_equal(p.default_action, SCMP_ACT_ALLOW);
	assert_int_equal(find(&p, "mkdir")->action, SCMP_ACT_ERRNO(13));
	assert_int_equal(find(&p, "mkdirat")->action, SCMP_ACT_ERRNO(13));
	assert_null(find(&p, "no_such_call_xyz"));
	assert_int_equal(p.n_unknown, 1);
	const struct gb_seccomp_rule *pers = find(&p, "personality");
	assert_int_equal(pers->action, SCMP_ACT_ERRNO(EPERM)); /* errnoRet defaults to EPERM */
	assert_int_equal(pers->nargs, 1);
	assert_int_equal(pers->args[0].datum_a, 255);
	assert_int_equal(pers->args[0].datum_b, 8);
	assert_non_null(find(&p, "mount")); /* excluded only with CAP_SYS_ADMIN */
	assert_null(find(&p, "acct"));	    /* included only with CAP_SYS_PACCT */
#if defined(__x86_64__)
	assert_int_equal(p.n_arches, 3); /* only the native entry of archMap */
#endif
	gb_seccomp_free(&p);

	gb_capset admin =
		gb_caps_docker_default() | GB_CAP_BIT(CAP_SYS_ADMIN) | GB_CAP_BIT(CAP_SYS_PACCT);
	assert_int_equal(
		gb_seccomp_parse(valid_profile, strlen(valid_profile), "t.json", admin, &p, NULL),
		0);
	assert_null(find(&p, "mount"));
	assert_int_equal(find(&p, "acct")->action, SCMP_ACT_KILL_PROCESS);
	gb_seccomp_free(&p);
}

/* Each malformed profile fails with EINVAL and an error naming where. */
static void expect_error(const char *text, const char *where)
{
	struct gb_seccomp_profile p;
	struct gb_err err = { 0 };
	int r = gb_seccomp_parse(text, strlen(text), "bad.json", 0, &p, &err);
	assert_int_equal(r, -EINVAL);
	if (!strstr(err.msg, where))
		fail_msg("error \"%s\" does not name \"%s\"", err.msg, where);
	assert_non_null(strstr(err.msg, "bad.json"));
	assert_null(p.rules);
}

static void test_malformed_profiles(void **state)
{
	(void)state;
	expect_error("{\n \"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n}", "line 4");
	expect_error("[]", "top level");
	expect_error("{\"syscalls\": []}", "defaultAction");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALOW\"}", "SCMP_ACT_ALOW");
	expect_error("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "not supported");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": -1}",
		     "defaultErrnoRet");
	expect_error(
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_Z80\"]}",
		"SCMP_ARCH_Z80");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": {}}", "syscalls");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		     "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
		     "{\"names\": [\"mkdir\"], \"action\": \"BLOCK\"}]}",
		     "syscalls[1].action");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		     "{\"action\": \"SCMP_ACT_ERRNO\"}]}",
		     "syscalls[0].names");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		     "{\"names\": [\"mkdir\", 3], \"action\": \"SCMP_ACT_ERRNO\"}]}",
		     "syscalls[0].names");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		     "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\","
		     " \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_EQUAL\"}]}]}",
		     "syscalls[0].args[0].op");
	expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
		     "{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\","
		     " \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}",
		     "syscalls[0].args[0].index");
}

static void test_json_roundtrip(void **state)
{
	(void)state;
	struct gb_seccomp_profile a, b;
	assert_int_equal(gb_seccomp_default(&a, gb_caps_docker_default(), NULL), 0);
	char *json = gb_seccomp_to_json(&a);
	assert_non_null(json);
	assert_int_equal(gb_seccomp_parse(json, strlen(json), "roundtrip", gb_caps_docker_default(),
					  &b, NULL),
			 0);
	assert_int_equal(a.default_action, b.default_action);
	assert_int_equal(a.n_rules, b.n_rules);
	for (size_t i = 0; i < a.n_rules; i++) {
		assert_string_equal(a.rules[i].name, b.rules[i].name);
		assert_int_equal(a.rules[i].action, b.rules[i].action);
		assert_int_equal(a.rules[i].nargs, b.rules[i].nargs);
		assert_memory_equal(a.rules[i].args, b.rules[i].args,
				    a.rules[i].nargs * sizeof a.rules[i].args[0]);
	}
	free(json);
	gb_seccomp_free(&a);
	gb_seccomp_free(&b);
}

/* A real filter: in a child, mkdir fails with the profile's errno; here it works. */
static void test_apply_in_child(void **state)
{
	(void)state;
	const char text[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
			    "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\","
			    " \"errnoRet\": 13}]}";
	char dir[] = "/tmp/gbsec-unit.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sub[64];
	snprintf(sub, sizeof sub, "%s/x", dir);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct gb_seccomp_profile p;
		if (gb_seccomp_parse(text, strlen(text), "t", 0, &p, NULL) < 0 ||
		    gb_seccomp_set_no_new_privs(NULL) < 0 || gb_seccomp_apply(&p, NULL) < 0)
			_exit(100);
		if (gb_seccomp_mode(0) != 2)
			_exit(101);
		_exit(mkdir(sub, 0700) < 0 ? errno : 0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), EACCES);
	assert_int_equal(mkdir(sub, 0700), 0); /* outside the filter it works */
	assert_int_equal(gb_seccomp_mode(0), 0);
	rmdir(sub);
	rmdir(dir);
}

/* The compiled program is cached: the second compile reads it back, byte for byte; a
 * damaged cache file is ignored and the profile compiled again. */
static void test_bpf_cache(void **state)
{
	(void)state;
	char dir[] = "/tmp/gbunit-bpf-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct gb_seccomp_profile p;
	assert_int_equal(gb_seccomp_default(&p, 0, NULL), 0);
	struct gb_seccomp_bpf a, b, c;
	assert_int_equal(gb_seccomp_compile(&p, dir, &a, NULL), 0);
	assert_false(a.cached);
	assert_true(a.len > 100);
	assert_int_equal(gb_seccomp_compile(&p, dir, &b, NULL), 0);
	assert_true(b.cached);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.insns, b.insns, a.len * sizeof *a.insns);
	/* damage the cache: half an instruction */
	char cmd[256];
	snprintf(cmd, sizeof cmd, "for f in %s/*.bpf; do printf abc > $f; done", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(gb_seccomp_compile(&p, dir, &c, NULL), 0);
	assert_false(c.cached);
	assert_memory_equal(a.insns, c.insns, a.len * sizeof *a.insns);
	gb_seccomp_bpf_free(&a);
	gb_seccomp_bpf_free(&b);
	gb_seccomp_bpf_free(&c);
	gb_seccomp_free(&p);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_gates_on_caps),
		cmocka_unit_test(test_parse_docker_profile),
		cmocka_unit_test(test_malformed_profiles),
		cmocka_unit_test(test_json_roundtrip),
		cmocka_unit_test(test_apply_in_child),
		cmocka_unit_test(test_bpf_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
