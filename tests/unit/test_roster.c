/* core/classroom/roster.c: a students file or group becomes a roster of real host users;
 * root, unknown users, duplicates and malformed lines are refused naming the line; the
 * roster survives a write and a read. Runs as any user: "root" and "nobody" exist on any
 * Debian host; the round trip uses a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "classroom/roster.h"

static void students_file(char *path, const char *text)
{
	strcpy(path, "/tmp/gbunit-roster-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(gb_write_full(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int parse(const char *text, struct gb_class_roster *r, struct gb_err *err)
{
	char path[64];
	students_file(path, text);
	int rc = gb_class_students_parse(path, r, err);
	unlink(path);
	return rc;
}

static void file_with_opt_out(void **s)
{
	(void)s;
	struct gb_class_roster r;
	struct gb_err err = { 0 };
	assert_int_equal(parse("# the class\nnobody !   # no name on the board\n\n", &r, &err), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.students[0].name, "nobody");
	assert_true(r.students[0].opt_out);
	assert_true(r.students[0].uid > 0);
	assert_ptr_equal(gb_class_find_uid(&r, r.students[0].uid), &r.students[0]);
	gb_class_roster_free(&r);
}

static void refusals_name_the_line(void **s)
{
	(void)s;
	static const struct {
		const char *text, *says;
	} cases[] = {
		{ "root\n", "is root" },
		{ "nobody\nno-such-user-gb\n", "no user 'no-such-user-gb'" },
		{ "nobody\nnobody\n", "listed twice" },
		{ "nobody ?\n", ":1: expected" },
		{ "Bad Name\n", "expected" },
		{ "# nobody\n", "no students" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct gb_class_roster r;
		struct gb_err err = { 0 };
		assert_true(parse(cases[i].text, &r, &err) < 0);
		assert_null(r.students);
		char line[1024];
		gb_err_format(&err, line, sizeof(line));
		if (!strstr(line, cases[i].says))
			fail_msg("'%s' gave '%s', wanted '%s'", cases[i].text, line, cases[i].says);
	}
}

static void not_a_file_nor_group(void **s)
{
	(void)s;
	struct gb_class_roster r;
	struct gb_err err = { 0 };
	assert_int_equal(gb_class_students_parse("no-such-group-gb", &r, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "neither a file nor a group"));
}

static void write_then_read(void **s)
{
	(void)s;
	char dir[] = "/tmp/gbunit-classdir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	struct gb_class_roster r, back;
	struct gb_err err = { 0 };
	assert_int_equal(parse("nobody !\n", &r, &err), 0);
	r.ceiling =
		(struct gb_class_ceiling){ .memory = 512LL << 20, .pids = 256, .cpu_weight = 50 };
	snprintf(r.created, sizeof(r.created), "2026-12-07T06:00:00Z");
	mode_t old = umask(077); /* a careful teacher's umask: students must still read it */
	assert_int_equal(gb_class_roster_write(dir, &r, &err), 0);
	umask(old);
	char path[128];
	struct stat st;
	snprintf(path, sizeof(path), "%s/roster.json", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(gb_class_roster_read(dir, &back, &err), 0);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.students[0].name, "nobody");
	assert_int_equal(back.students[0].uid, r.students[0].uid);
	assert_true(back.students[0].opt_out);
	assert_int_equal(back.ceiling.memory, 512LL << 20);
	assert_int_equal(back.ceiling.pids, 256);
	assert_int_equal(back.ceiling.cpu_weight, 50);
	assert_string_equal(back.created, "2026-12-07T06:00:00Z");
	gb_class_roster_free(&r);
	gb_class_roster_free(&back);
	assert_int_equal(gb_write_str(path, "{\"version\":2,\"students\":[]}"), 0);
	assert_true(gb_class_roster_read(dir, &back, &err) < 0);
	assert_non_null(strstr(err.msg, "not a version 1 roster"));
	assert_int_equal(gb_rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_with_opt_out),
		cmocka_unit_test(refusals_name_the_line),
		cmocka_unit_test(not_a_file_nor_group),
		cmocka_unit_test(write_then_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
