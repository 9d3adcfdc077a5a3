/* core/classroom/spool.c and board.c without a class: a record's JSON survives a round
 * trip and malformed ones are refused; a record is read only when it is a plain file of
 * the right owner naming the right uid and lab (a link is refused); the board's JSON has
 * the documented shape (docs/teaching.md) and hides names; its JUnit XML has a suite per
 * student, a case per lab, the right failure/error/skipped elements and escapes text.
 * Runs as any user, in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "classroom/board.h"
#include "classroom/spool.h"

static void sample(struct gb_class_result *r, const char *lab, const char *verdict)
{
	memset(r, 0, sizeof *r);
	snprintf(r->lab, sizeof r->lab, "%s", lab);
	snprintf(r->verdict, sizeof r->verdict, "%s", verdict);
	snprintf(r->time, sizeof r->time, "2026-12-07T06:00:00Z");
	r->duration_ms = 1234;
	r->uid = getuid();
	r->n = 2;
	snprintf(r->findings[0].name, sizeof r->findings[0].name, "pid-ns");
	snprintf(r->findings[0].verdict, sizeof r->findings[0].verdict, "PASS");
	snprintf(r->findings[0].detail, sizeof r->findings[0].detail, "own pid ns");
	snprintf(r->findings[1].verdict, sizeof r->findings[1].verdict, "FAIL");
	snprintf(r->findings[1].detail, sizeof r->findings[1].detail, "a \"quoted\" <leak>");
}

static void record_round_trip(void **s)
{
	(void)s;
	struct gb_class_result a, b;
	struct gb_err err = { 0 };
	sample(&a, "07", "FAIL");
	char *json = NULL;
	size_t len = 0;
	assert_int_equal(gb_class_result_json(&a, &json, &len), 0);
	assert_non_null(strstr(json, "\"version\":1"));
	assert_int_equal(gb_class_result_from_json(json, len, &b, &err), 0);
	assert_string_equal(b.lab, "07");
	assert_string_equal(b.verdict, "FAIL");
	assert_int_equal(b.duration_ms, 1234);
	assert_int_equal(b.uid, getuid());
	assert_int_equal(b.n, 2);
	assert_string_equal(b.findings[0].name, "pid-ns");
	assert_string_equal(b.findings[1].detail, "a \"quoted\" <leak>");
	free(json);
}

static void record_refusals(void **s)
{
	(void)s;
	static const char *const bad[] = {
		"{\"version\":2,\"lab\":\"07\",\"verdict\":\"PASS\",\"uid\":1,\"findings\":[]}",
		"{\"version\":1,\"lab\":\"7\",\"verdict\":\"PASS\",\"uid\":1,\"findings\":[]}",
		"{\"version\":1,\"lab\":\"07\",\"verdict\":\"GREAT\",\"uid\":1,\"findings\":[]}",
		"{\"version\":1,\"lab\":\"07\",\"verdict\":\"PASS\",\"findings\":[]}",
		"{\"version\":1,\"lab\":\"07\",\"verdict\":\"PASS\",\"uid\":1}",
		"{\"version\":1,\"lab\":\"07\",\"verdict\":\"PASS\",\"uid\":1,\"findings\":"
		"[{\"verdict\":\"MAYBE\"}]}",
		"[1,2]",
		"{",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct gb_class_result r;
		struct gb_err err = { 0 };
		assert_int_equal(gb_class_result_from_json(bad[i], strlen(bad[i]), &r, &err),
				 -EINVAL);
		assert_true(err.msg[0] != '\0');
	}
}

static void write_json(const char *path, const struct gb_class_result *r)
{
	char *json = NULL;
	size_t len = 0;
	assert_int_equal(gb_class_result_json(r, &json, &len), 0);
	assert_int_equal(gb_write_atomic(path, json, len, 0600), 0);
	free(json);
}

static void read_refuses_links_and_strangers(void **s)
{
	(void)s;
	char dir[] = "/tmp/gbunit-spool-XXXXXX", path[128], other[128];
	assert_non_null(mkdtemp(dir));
	struct gb_class_result r, got;
	struct gb_err err = { 0 };
	sample(&r, "02", "PASS");
	snprintf(path, sizeof path, "%s/lab-02.json", dir);
	write_json(path, &r);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(gb_class_result_read(dfd, "02", getuid(), &got, &err), 0);
	assert_string_equal(got.verdict, "PASS");
	assert_int_equal(gb_class_result_read(dfd, "03", getuid(), &got, &err), -ENOENT);
	/* the owner is not the student's */
	assert_true(gb_class_result_read(dfd, "02", getuid() + 1, &got, &err) < 0);
	/* a link to a record, however good */
	snprintf(other, sizeof other, "%s/lab-04.json", dir);
	assert_int_equal(symlink(path, other), 0);
	assert_int_equal(gb_class_result_read(dfd, "04", getuid(), &got, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "symbolic link"));
	/* a record under another lab's name */
	snprintf(other, sizeof other, "%s/lab-05.json", dir);
	write_json(other, &r);
	assert_int_equal(gb_class_result_read(dfd, "05", getuid(), &got, &err), -EPERM);
	/* a second hard link to a record */
	snprintf(other, sizeof other, "%s/lab-06.json", dir);
	sample(&r, "06", "PASS");
	write_json(other, &r);
	snprintf(path, sizeof path, "%s/elsewhere", dir);
	assert_int_equal(link(other, path), 0);
	assert_int_equal(gb_class_result_read(dfd, "06", getuid(), &got, &err), -EPERM);
	close(dfd);
	assert_int_equal(gb_rm_rf(dir), 0);
}

/* Two students, three labs: a PASS, a FAIL, a not-run; the second one hidden. */
static void sample_board(struct gb_board *b)
{
	memset(b, 0, sizeof *b);
	snprintf(b->generated, sizeof b->generated, "2026-12-07T06:30:00Z");
	b->nlabs = 3;
	strcpy(b->labs[0], "01"), strcpy(b->labs[1], "02"), strcpy(b->labs[2], "15");
	b->n = 2;
	b->rows = calloc(2, sizeof *b->rows);
	struct gb_board_row *a = &b->rows[0], *h = &b->rows[1];
	strcpy(a->label, "alice"), strcpy(a->name, "alice");
	a->uid = 1001, a->live = 2;
	strcpy(h->label, "student 2");
	h->uid = 1002, h->hidden = true, h->live = -1;
	for (int i = 0; i < 2; i++) {
		struct gb_board_row *r = &b->rows[i];
		strcpy(r->cells[0].verdict, "PASS");
		strcpy(r->cells[0].time, "2026-12-07T06:10:00Z");
		r->cells[0].duration_ms = 1500;
		strcpy(r->cells[1].verdict, i ? "REFUSED" : "FAIL");
		strcpy(r->cells[1].detail,
		       i ? "lab-02.json: a symbolic link" : "pid-ns: <&> \"x\"");
		strcpy(r->cells[2].verdict, "-");
	}
}

static void board_json_shape(void **s)
{
	(void)s;
	struct gb_board b;
	sample_board(&b);
	char *json = NULL, jerr[128];
	size_t len = 0;
	assert_int_equal(gb_board_json(&b, &json, &len), 0);
	struct gb_jval *v = gb_json_parse(json, len, jerr, sizeof jerr);
	assert_non_null(v);
	assert_int_equal(gb_jint(v, "version", 0), 1);
	assert_int_equal(gb_jget(v, "labs")->n, 3);
	const struct gb_jval *st = gb_jget(v, "students"), *a = st->child, *h = a->next;
	assert_int_equal(st->n, 2);
	assert_string_equal(gb_jstr(a, "name", ""), "alice");
	assert_int_equal(gb_jint(a, "uid", 0), 1001);
	assert_int_equal(gb_jint(a, "live_containers", -5), 2);
	const struct gb_jval *c = gb_jget(a, "labs")->child;
	assert_string_equal(gb_jstr(c, "lab", ""), "01");
	assert_string_equal(gb_jstr(c, "verdict", ""), "PASS");
	assert_int_equal(gb_jint(c, "duration_ms", 0), 1500);
	assert_string_equal(gb_jstr(c->next, "detail", ""), "pid-ns: <&> \"x\"");
	assert_null(gb_jget(c->next->next, "time")); /* not run: no time */
	assert_string_equal(gb_jstr(h, "label", ""), "student 2");
	assert_int_equal(gb_jget(h, "name")->type, GB_JNULL);
	assert_null(gb_jget(h, "uid"));
	assert_int_equal(gb_jget(h, "live_containers")->type, GB_JNULL);
	assert_null(strstr(json, "1002")); /* the hidden student's uid is nowhere */
	gb_jval_free(v);
	free(json);
	gb_board_free(&b);
}

static void board_junit_shape(void **s)
{
	(void)s;
	struct gb_board b;
	sample_board(&b);
	char *x = NULL;
	size_t len = 0;
	assert_int_equal(gb_board_junit(&b, &x, &len), 0);
	assert_non_null(strstr(x, "<testsuites name=\"glassbox classroom\" tests=\"6\" "
				  "failures=\"1\" errors=\"1\" skipped=\"2\">"));
	assert_non_null(strstr(x, "<testsuite name=\"alice\" tests=\"3\" failures=\"1\" "
				  "errors=\"0\" skipped=\"1\""));
	assert_non_null(strstr(x, "<testsuite name=\"student 2\" tests=\"3\" failures=\"0\" "
				  "errors=\"1\" skipped=\"1\""));
	assert_non_null(
		strstr(x, "<testcase classname=\"alice\" name=\"lab 01\" time=\"1.500\"/>"));
	assert_non_null(strstr(x, "<failure type=\"FAIL\" message=\"pid-ns: &lt;&amp;&gt; "
				  "&quot;x&quot;\"/>"));
	assert_non_null(
		strstr(x, "<error type=\"REFUSED\" message=\"lab-02.json: a symbolic link\"/>"));
	assert_non_null(strstr(x, "<skipped type=\"-\" message=\"not run yet\"/>"));
	assert_null(strstr(x, "1002"));
	free(x);
	gb_board_free(&b);
}

static void board_text_columns(void **s)
{
	(void)s;
	struct gb_board b;
	sample_board(&b);
	char *t = NULL;
	size_t len = 0;
	assert_int_equal(gb_board_text(&b, &t, &len), 0);
	/* lab 15 has no record anywhere: no column */
	assert_non_null(strstr(t, "01      02      LAST CHECK\n"));
	assert_null(strstr(t, "15 "));
	assert_non_null(
		strstr(t, "alice                2     PASS    FAIL    2026-12-07T06:10:00Z\n"));
	assert_non_null(
		strstr(t, "student 2            ?     PASS    REFUSED 2026-12-07T06:10:00Z\n"));
	assert_non_null(strstr(t, "  student 2 lab 02 REFUSED: lab-02.json: a symbolic link\n"));
	free(t);
	gb_board_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record_round_trip),
		cmocka_unit_test(record_refusals),
		cmocka_unit_test(read_refuses_links_and_strangers),
		cmocka_unit_test(board_json_shape),
		cmocka_unit_test(board_junit_shape),
		cmocka_unit_test(board_text_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
