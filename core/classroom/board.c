/* The teacher's board (board.h). */
#include "classroom/board.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "classroom/spool.h"
#include "state/state.h"

/* ------------------------------------------------------------ reading */

/* The sentence that decided a verdict: the first finding that did not hold (or the SKIP's
 * reason); nothing for a PASS. */
static void first_detail(const struct gb_class_result *res, struct gb_board_cell *c)
{
	for (int i = 0; strcmp(res->verdict, "PASS") && i < res->n; i++)
		if (strcmp(res->findings[i].verdict, "PASS")) {
			snprintf(c->detail, sizeof c->detail, "%s%s%s", res->findings[i].name,
				 res->findings[i].name[0] ? ": " : "", res->findings[i].detail);
			return;
		}
}

static void read_cell(int sfd, const char *lab, uid_t uid, struct gb_board_cell *c)
{
	static struct gb_class_result res; /* 17 KB: not on the stack */
	struct gb_err err = { 0 };
	memset(c, 0, sizeof *c);
	int r = gb_class_result_read(sfd, lab, uid, &res, &err);
	if (r == -ENOENT) {
		snprintf(c->verdict, sizeof c->verdict, "-");
		return;
	}
	if (r < 0) {
		snprintf(c->verdict, sizeof c->verdict, "REFUSED");
		gb_err_message(&err, c->detail, sizeof c->detail);
		return;
	}
	snprintf(c->verdict, sizeof c->verdict, "%s", res.verdict);
	snprintf(c->time, sizeof c->time, "%s", res.time);
	c->duration_ms = res.duration_ms;
	for (int i = 0; i < res.n; i++)
		c->failed += !strcmp(res.findings[i].verdict, "FAIL");
	first_detail(&res, c);
}

static void read_row(const char *dir, const struct gb_class_student *s, size_t place,
		     const struct gb_board *b, bool anonymous, struct gb_board_row *row)
{
	row->uid = s->uid;
	row->hidden = anonymous || s->opt_out;
	row->live = -1;
	if (row->hidden)
		snprintf(row->label, sizeof row->label, "student %zu", place + 1);
	else
		snprintf(row->label, sizeof row->label, "%s", s->name);
	if (!row->hidden)
		snprintf(row->name, sizeof row->name, "%s", s->name);
	struct gb_err err = { 0 };
	int sfd = gb_class_student_dir(dir, s->name, s->uid, &err);
	if (sfd < 0)
		gb_err_message(&err, row->note, sizeof row->note);
	for (int l = 0; l < b->nlabs; l++)
		if (sfd >= 0)
			read_cell(sfd, b->labs[l], s->uid, &row->cells[l]);
		else
			snprintf(row->cells[l].verdict, sizeof row->cells[l].verdict, "REFUSED");
	if (sfd >= 0)
		close(sfd);
}

static void count_row(const struct gb_class_student *s, struct gb_board_row *row)
{
	struct passwd pw, *res = NULL;
	char buf[2048];
	if (getpwuid_r(s->uid, &pw, buf, sizeof buf, &res) == 0 && res)
		row->live = gb_board_count_live(s->uid, s->gid, pw.pw_dir);
}

int gb_board_read(const char *dir, const char *const *labs, int nlabs, bool anonymous,
		  bool count_live, struct gb_board *b, struct gb_err *err)
{
	memset(b, 0, sizeof *b);
	if (nlabs > GB_BOARD_LABS_MAX)
		return gb_err_set(err, E2BIG, "", "more than %d labs", GB_BOARD_LABS_MAX);
	struct gb_class_roster r;
	int rc = gb_class_roster_read(dir, &r, err);
	if (rc < 0)
		return rc;
	gb_rfc3339(b->generated, sizeof b->generated, gb_wallclock());
	for (int l = 0; l < nlabs; l++)
		snprintf(b->labs[l], sizeof b->labs[l], "%.2s", labs[l]);
	b->nlabs = nlabs;
	b->rows = calloc(r.n ? r.n : 1, sizeof *b->rows);
	if (!b->rows) {
		gb_class_roster_free(&r);
		return gb_err_set(err, ENOMEM, "calloc", "board");
	}
	for (size_t i = 0; i < r.n; i++, b->n++) {
		read_row(dir, &r.students[i], i, b, anonymous, &b->rows[i]);
		if (count_live)
			count_row(&r.students[i], &b->rows[i]);
	}
	gb_class_roster_free(&r);
	return 0;
}

void gb_board_free(struct gb_board *b)
{
	free(b->rows);
	b->rows = NULL;
	b->n = 0;
}

/* ------------------------------------------------------------ live containers */

/* In the child, as the student: running containers under one state root. */
static int count_root(const char *root)
{
	struct gb_runtime rt;
	memset(&rt, 0, sizeof rt);
	snprintf(rt.state_root, sizeof rt.state_root, "%s", root);
	struct gb_state *list = NULL;
	size_t n = 0;
	struct gb_err err = { 0 };
	if (gb_state_list(&rt, &list, &n, &err) < 0)
		return 0; /* no root there: none */
	int live = 0;
	for (size_t i = 0; i < n; i++)
		live += (list[i].status == GB_STATUS_RUNNING ||
			 list[i].status == GB_STATUS_PAUSED) &&
			gb_proc_alive(list[i].pid, list[i].pid_start);
	gb_state_list_free(list, n);
	return live;
}

static int count_as(uid_t uid, gid_t gid, const char *home)
{
	/* The student's privileges, nothing of root's: their groups only, no capabilities
	 * (a setresuid from root to a non-zero uid clears them all). */
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	char run[600], data[600];
	snprintf(run, sizeof run, "/run/user/%u/glassbox", (unsigned)uid);
	snprintf(data, sizeof data, "%s/.local/share/glassbox/run", home);
	return count_root(run) + count_root(data);
}

int gb_board_count_live(uid_t uid, gid_t gid, const char *home)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(p[0]), close(p[1]);
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		/* The student could leave a FIFO where a state file belongs: a read that never
		 * ends. The alarm ends the child instead, and the count is "unknown". */
		alarm(5);
		int n = count_as(uid, gid, home);
		_exit(gb_write_full(p[1], &n, sizeof n) == sizeof n ? 0 : 1);
	}
	close(p[1]);
	int n = -1;
	if (gb_read_full(p[0], &n, sizeof n) != sizeof n)
		n = -1;
	close(p[0]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return n < 0 ? -EPERM : n;
}

/* ------------------------------------------------------------ text */

/* A column is shown when someone has a record in it: 20 empty columns help nobody. */
static bool column_used(const struct gb_board *b, int l)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->rows[i].cells[l].verdict, "-"))
			return true;
	return false;
}

static const char *last_check(const struct gb_board *b, const struct gb_board_row *row)
{
	const char *t = "";
	for (int l = 0; l < b->nlabs; l++)
		if (strcmp(row->cells[l].time, t) > 0) /* RFC 3339 in UTC sorts as text */
			t = row->cells[l].time;
	return t[0] ? t : "-";
}

static void text_row(FILE *f, const struct gb_board *b, const struct gb_board_row *row)
{
	char live[16];
	snprintf(live, sizeof live, row->live < 0 ? "?" : "%d", row->live);
	fprintf(f, "%-*s %-5s", GB_CLASS_NAME_MAX > 20 ? 20 : GB_CLASS_NAME_MAX, row->label, live);
	for (int l = 0; l < b->nlabs; l++)
		if (column_used(b, l))
			fprintf(f, " %-7s", row->cells[l].verdict);
	fprintf(f, " %s\n", last_check(b, row));
}

static void text_notes(FILE *f, const struct gb_board *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct gb_board_row *row = &b->rows[i];
		if (row->note[0])
			fprintf(f, "  %s: refused: %s\n", row->label, row->note);
		for (int l = 0; !row->note[0] && l < b->nlabs; l++)
			if (row->cells[l].detail[0])
				fprintf(f, "  %s lab %s %s: %s\n", row->label, b->labs[l],
					row->cells[l].verdict, row->cells[l].detail);
	}
}

int gb_board_text(const struct gb_board *b, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);
	if (!f)
		return -errno;
	fprintf(f, "%-20s %-5s", "STUDENT", "LIVE");
	int used = 0;
	for (int l = 0; l < b->nlabs; l++)
		if (column_used(b, l) && ++used)
			fprintf(f, " %-7s", b->labs[l]);
	fprintf(f, " LAST CHECK\n");
	for (size_t i = 0; i < b->n; i++)
		text_row(f, b, &b->rows[i]);
	if (!used)
		fprintf(f,
			"(no lab results yet: students record them with `glassbox lab check N`)\n");
	if (b->n == 0)
		fprintf(f, "(no students on the roster)\n");
	text_notes(f, b);
	return fclose(f) == 0 ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------ JSON */

static void json_cell(struct gb_json *j, const char *lab, const struct gb_board_cell *c)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "lab", lab);
	gb_json_str(j, "verdict", c->verdict);
	if (c->time[0]) {
		gb_json_str(j, "time", c->time);
		gb_json_int(j, "duration_ms", c->duration_ms);
		gb_json_int(j, "failed_findings", c->failed);
	}
	if (c->detail[0])
		gb_json_str(j, "detail", c->detail);
	gb_json_obj_end(j);
}

static void json_row(struct gb_json *j, const struct gb_board *b, const struct gb_board_row *r)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "label", r->label);
	if (r->hidden) {
		gb_json_null(j, "name");
	} else {
		gb_json_str(j, "name", r->name);
		gb_json_int(j, "uid", r->uid);
	}
	if (r->live >= 0)
		gb_json_int(j, "live_containers", r->live);
	else
		gb_json_null(j, "live_containers");
	if (r->note[0])
		gb_json_str(j, "refused", r->note);
	gb_json_arr_begin(j, "labs");
	for (int l = 0; l < b->nlabs; l++)
		json_cell(j, b->labs[l], &r->cells[l]);
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

int gb_board_json(const struct gb_board *b, char **out, size_t *len)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_int(&j, "version", 1);
	gb_json_str(&j, "generated", b->generated);
	gb_json_arr_begin(&j, "labs");
	for (int l = 0; l < b->nlabs; l++)
		gb_json_str(&j, NULL, b->labs[l]);
	gb_json_arr_end(&j);
	gb_json_arr_begin(&j, "students");
	for (size_t i = 0; i < b->n; i++)
		json_row(&j, b, &b->rows[i]);
	gb_json_arr_end(&j);
	gb_json_obj_end(&j);
	if (j.failed) {
		gb_json_free(&j);
		return -ENOMEM;
	}
	*out = j.buf;
	*len = j.len;
	return 0;
}

/* ------------------------------------------------------------ JUnit XML */

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				fputc(*s, f); /* XML 1.0 has no other control characters */
		}
}

struct tally {
	int tests, failures, errors, skipped;
};

static void tally_row(const struct gb_board *b, const struct gb_board_row *r, struct tally *t)
{
	for (int l = 0; l < b->nlabs; l++) {
		const char *v = r->cells[l].verdict;
		t->tests++;
		t->failures += !strcmp(v, "FAIL");
		t->errors += !strcmp(v, "ERROR") || !strcmp(v, "REFUSED");
		t->skipped += !strcmp(v, "SKIP") || !strcmp(v, "-");
	}
}

/* One lab of one student: a JUnit testcase; FAIL a <failure>, ERROR and REFUSED an
 * <error>, SKIP and not-yet-run a <skipped>. */
static void junit_case(FILE *f, const struct gb_board_row *r, const char *lab,
		       const struct gb_board_cell *c)
{
	fprintf(f, "    <testcase classname=\"");
	xml_text(f, r->label);
	fprintf(f, "\" name=\"lab %s\" time=\"%.3f\"", lab, c->duration_ms / 1000.0);
	const char *v = c->verdict;
	const char *tag = !strcmp(v, "FAIL")				 ? "failure"
			  : !strcmp(v, "ERROR") || !strcmp(v, "REFUSED") ? "error"
			  : !strcmp(v, "PASS")				 ? NULL
									 : "skipped";
	if (!tag) {
		fprintf(f, "/>\n");
		return;
	}
	fprintf(f, ">\n      <%s type=\"%s\" message=\"", tag, v);
	xml_text(f, !strcmp(v, "-") ? "not run yet" : c->detail[0] ? c->detail : v);
	fprintf(f, "\"/>\n    </testcase>\n");
}

static void junit_suite(FILE *f, const struct gb_board *b, const struct gb_board_row *r)
{
	struct tally t = { 0 };
	tally_row(b, r, &t);
	fprintf(f, "  <testsuite name=\"");
	xml_text(f, r->label);
	fprintf(f,
		"\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" timestamp=\"%s\">\n",
		t.tests, t.failures, t.errors, t.skipped, b->generated);
	fprintf(f,
		"    <properties><property name=\"live_containers\" value=\"%d\"/></properties>\n",
		r->live);
	for (int l = 0; l < b->nlabs; l++)
		junit_case(f, r, b->labs[l], &r->cells[l]);
	fprintf(f, "  </testsuite>\n");
}

int gb_board_junit(const struct gb_board *b, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);
	if (!f)
		return -errno;
	struct tally t = { 0 };
	for (size_t i = 0; i < b->n; i++)
		tally_row(b, &b->rows[i], &t);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites name=\"glassbox classroom\" tests=\"%d\" failures=\"%d\" "
		"errors=\"%d\" skipped=\"%d\">\n",
		t.tests, t.failures, t.errors, t.skipped);
	for (size_t i = 0; i < b->n; i++)
		junit_suite(f, b, &b->rows[i]);
	fprintf(f, "</testsuites>\n");
	return fclose(f) == 0 ? 0 : -ENOMEM;
}
