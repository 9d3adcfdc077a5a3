/* `glassbox check [--control] [--tap] [--junit FILE] [--container NAME] [LAB...]`: every
 * lab's check run together, the host's isolation test harness; and `glassbox host-check
 * [--json]`: which kernel features this host has (core/host/hostcheck.c). */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/delegate.h"
#include "cli.h"
#include "host/hostcheck.h"
#include "host/rootless.h"
#include "state/roots.h"
#include "lab.h"

/* ------------------------------------------------------------ check */

struct result {
	const struct gb_lab *lab;
	enum gb_verdict verdict;
	bool ok; /* what the harness counts: pass, or under --control the leak seen */
	enum gb_control_result judged; /* under --control */
	double seconds;
	struct gb_check c;
	char evidence[600];
};

struct check_opts {
	bool control, tap, verbose;
	const char *junit, *container;
	const struct gb_lab *labs[64];
	int nlabs;
};

static const char *verdict_word(enum gb_verdict v)
{
	static const char *const words[] = { "PASS", "FAIL", "SKIP", "ERROR" };
	return words[v];
}

/* One sentence from the kernel: the first finding that decided the verdict. */
static void pick_evidence(struct result *r)
{
	const struct gb_check *c = &r->c;
	if (r->verdict == GB_VERDICT_SKIP) {
		snprintf(r->evidence, sizeof r->evidence, "%s", c->skip);
		return;
	}
	if (r->verdict == GB_VERDICT_ERROR) {
		if (c->err.code) {
			gb_err_format(&c->err, r->evidence, sizeof r->evidence);
			return;
		}
		for (int i = 0; i < c->n; i++)
			if (c->f[i].error) {
				snprintf(r->evidence, sizeof r->evidence, "%s", c->f[i].text);
				return;
			}
		if (!c->n) {
			snprintf(r->evidence, sizeof r->evidence, "the check observed nothing");
			return;
		}
	}
	/* Under the control, the finding it named (when it tripped). */
	for (int i = 0; c->control && r->judged == GB_CONTROL_DETECTED && i < c->n; i++)
		if (c->f[i].key && !strcmp(c->f[i].key, r->lab->trips) && !c->f[i].ok) {
			snprintf(r->evidence, sizeof r->evidence, "[%s] %s", c->f[i].key,
				 c->f[i].text);
			return;
		}
	for (int i = 0; i < c->n; i++)
		if (!c->f[i].ok || r->verdict == GB_VERDICT_PASS) {
			snprintf(r->evidence, sizeof r->evidence, "%s", c->f[i].text);
			return;
		}
}

/* Under --control a check must report the leak through the finding the control names
 * (lab->trips); passing means it cannot tell, another failure is an ERROR. */
static bool counts_ok(const struct result *r, bool control)
{
	if (r->verdict == GB_VERDICT_SKIP)
		return true;
	return control ? r->judged == GB_CONTROL_DETECTED : r->verdict == GB_VERDICT_PASS;
}

/* A finding as printed: "ok  [key] text", "BAD [key] text", "ERR text". */
static void finding_line(const struct gb_finding *f, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s%s%s%s",
		 f->error ? "ERR"
		 : f->ok  ? "ok "
			  : "BAD",
		 f->key ? "[" : "", f->key ? f->key : "", f->key ? "] " : "", f->text);
}

static void run_one(struct gb_runtime *rt, const struct check_opts *o, struct result *r)
{
	double t0 = gb_monotonic();
	r->verdict = cli_lab_run(r->lab, rt, o->container, o->control, &r->c);
	r->seconds = gb_monotonic() - t0;
	if (o->control)
		r->judged = gb_control_judge(r->lab, &r->c, r->verdict);
	if (o->control && r->judged == GB_CONTROL_ERROR && r->verdict == GB_VERDICT_FAIL)
		r->verdict = GB_VERDICT_ERROR; /* failed, but not through the named finding */
	r->ok = counts_ok(r, o->control);
	pick_evidence(r);
	if (o->control && r->verdict == GB_VERDICT_ERROR && !r->c.err.code)
		snprintf(r->evidence + strlen(r->evidence),
			 sizeof r->evidence - strlen(r->evidence), " (the control must trip [%s])",
			 r->lab->trips);
}

static void print_table_row(const struct check_opts *o, const struct result *r)
{
	char name[64];
	snprintf(name, sizeof name, "%02d %s", r->lab->num, r->lab->slug);
	const char *v = verdict_word(r->verdict);
	if (o->control && r->judged == GB_CONTROL_DETECTED)
		v = "LEAK SEEN";
	else if (o->control && r->verdict == GB_VERDICT_PASS)
		v = "MISSED";
	printf("%-30s %-9s %s\n", name, v, r->evidence);
	if (o->control)
		printf("%-30s %-9s   under the control: %s\n", "", "", r->lab->control);
	for (int i = 0; o->verbose && i < r->c.n; i++) {
		char line[600];
		finding_line(&r->c.f[i], line, sizeof line);
		printf("%-30s %-9s   %s\n", "", "", line);
	}
}

/* TAP (testanything.org): "ok N - text", "# SKIP reason"; findings as comment lines. */
static void print_tap_row(const struct check_opts *o, const struct result *r, int n)
{
	printf("%s %d - lab %02d %s", r->ok ? "ok" : "not ok", n, r->lab->num, r->lab->slug);
	if (o->control)
		printf(" under %s: %s", r->lab->control,
		       r->judged == GB_CONTROL_DETECTED ? "the leak was reported"
							: "the leak was NOT reported");
	if (r->verdict == GB_VERDICT_SKIP)
		printf(" # SKIP %s", r->evidence);
	printf("\n");
	for (int i = 0; i < r->c.n; i++) {
		char line[600];
		finding_line(&r->c.f[i], line, sizeof line);
		printf("# %s\n", line);
	}
	if (r->verdict == GB_VERDICT_ERROR)
		printf("# error: %s\n", r->evidence);
}

static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\n': fputs("&#10;", f); break;
		default:
			/* XML 1.0 forbids most control characters even escaped. */
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void junit_case(FILE *f, const struct check_opts *o, const struct result *r)
{
	fprintf(f, "    <testcase classname=\"glassbox.%s\" name=\"%02d-%s\" time=\"%.3f\">\n",
		o->control ? "control" : "check", r->lab->num, r->lab->slug, r->seconds);
	const char *tag = r->verdict == GB_VERDICT_SKIP	   ? "skipped"
			  : r->verdict == GB_VERDICT_ERROR ? "error"
			  : !r->ok			   ? "failure"
							   : NULL;
	if (tag) {
		fprintf(f, "      <%s message=\"", tag);
		xml_text(f, o->control && r->verdict == GB_VERDICT_PASS
				    ? "the check passed under its negative control: it cannot "
				      "detect the leak"
				    : r->evidence);
		fprintf(f, "\"/>\n");
	}
	fprintf(f, "      <system-out>");
	for (int i = 0; i < r->c.n; i++) {
		char line[600];
		finding_line(&r->c.f[i], line, sizeof line);
		xml_text(f, line);
		xml_text(f, "\n");
	}
	fprintf(f, "</system-out>\n    </testcase>\n");
}

static int write_junit(const struct check_opts *o, const struct result *res, int n)
{
	FILE *f = fopen(o->junit, "we");
	if (!f) {
		fprintf(stderr, "glassbox: check: cannot write %s: %s\n", o->junit,
			strerror(errno));
		return -1;
	}
	int fails = 0, errors = 0, skips = 0;
	double total = 0;
	for (int i = 0; i < n; i++) {
		skips += res[i].verdict == GB_VERDICT_SKIP;
		errors += res[i].verdict == GB_VERDICT_ERROR;
		fails += !res[i].ok && res[i].verdict != GB_VERDICT_ERROR;
		total += res[i].seconds;
	}
	char host[256] = "localhost", when[40];
	gethostname(host, sizeof host - 1);
	gb_rfc3339(when, sizeof when, gb_wallclock());
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
		"<testsuites name=\"glassbox check\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"skipped=\"%d\" time=\"%.3f\">\n",
		n, fails, errors, skips, total);
	fprintf(f,
		"  <testsuite name=\"glassbox.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
		"skipped=\"%d\" time=\"%.3f\" timestamp=\"%s\" hostname=\"",
		o->control ? "control" : "check", n, fails, errors, skips, total, when);
	xml_text(f, host);
	fprintf(f, "\">\n");
	for (int i = 0; i < n; i++)
		junit_case(f, o, &res[i]);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return fclose(f) == 0 ? 0 : -1;
}

static void check_usage(void)
{
	printf("usage: glassbox check [--control] [--tap] [--junit FILE] [-v] [LAB...]\n"
	       "       glassbox check --container NAME LAB\n\n"
	       "Run the lab checks (all, or the labs named by number or name) and print a verdict\n"
	       "for each: the host's isolation test harness. Each check starts and removes its "
	       "own\n"
	       "containers. A check whose kernel feature this host lacks is SKIPPED, never "
	       "passed.\n\n"
	       "  --control         run each check under its negative control (the feature turned\n"
	       "                    off): each must report the leak; one that passes is a failure\n"
	       "  --container NAME  check your own container instead (one lab)\n"
	       "  --tap             TAP output (for prove and CI)\n"
	       "  --junit FILE      also write JUnit XML to FILE\n"
	       "  -v, --verbose     print every finding\n\n"
	       "A check ERRORs when one of its own actions failed (an exec, a read of /proc or\n"
	       "cgroupfs, a probe): nothing was judged. Under --control a leak counts as seen "
	       "only\n"
	       "through the finding the control names (shown as [name]); any other failure is "
	       "ERROR.\n\n"
	       "Exit status: 0 when every check passed (under --control: every leak was seen\n"
	       "through its named finding), 1 when one failed or missed its leak, 4 when one\n"
	       "ERRORed (before 1), 2 for a usage error.\n\n"
	       "example:\n  glassbox check 02 --control\n");
}

static int parse_check(int argc, char **argv, struct check_opts *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--control"))
			o->control = true;
		else if (!strcmp(a, "--tap"))
			o->tap = true;
		else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
			o->verbose = true;
		else if (!strcmp(a, "--junit") && i + 1 < argc)
			o->junit = argv[++i];
		else if (!strcmp(a, "--container") && i + 1 < argc)
			o->container = argv[++i];
		else if (a[0] == '-')
			return fprintf(stderr,
				       "glassbox: check: unknown option %s (glassbox check "
				       "--help)\n",
				       a),
			       -1;
		else if (!(o->labs[o->nlabs] = gb_lab_find(a)))
			return fprintf(stderr,
				       "glassbox: check: no lab '%s'\n  hint: `glassbox lab list` "
				       "lists them\n",
				       a),
			       -1;
		else if (++o->nlabs >= (int)GB_ARRAY_LEN(o->labs))
			return fprintf(stderr, "glassbox: check: too many labs named\n"), -1;
	}
	if (o->container && o->nlabs != 1)
		return fprintf(stderr,
			       "glassbox: check: --container checks one lab: glassbox check "
			       "--container %s LAB\n",
			       o->container),
		       -1;
	if (o->container && o->control)
		return fprintf(stderr, "glassbox: check: --control starts its own containers; drop "
				       "--container\n"),
		       -1;
	if (!o->nlabs)
		for (const struct gb_lab *const *l = gb_labs;
		     *l && o->nlabs < (int)GB_ARRAY_LEN(o->labs); l++)
			if (!(*l)->manual) /* a lab on the student's own stack: only by name */
				o->labs[o->nlabs++] = *l;
	return 0;
}

static void print_summary(const struct check_opts *o, const struct result *res, int n)
{
	int ok = 0, bad = 0, skip = 0, errors = 0;
	for (int i = 0; i < n; i++) {
		skip += res[i].verdict == GB_VERDICT_SKIP;
		errors += res[i].verdict == GB_VERDICT_ERROR;
		ok += res[i].ok && res[i].verdict != GB_VERDICT_SKIP;
		bad += !res[i].ok && res[i].verdict != GB_VERDICT_ERROR;
	}
	if (o->tap) {
		printf("# %d ok, %d not ok, %d skipped\n", ok, bad + errors, skip);
		return;
	}
	printf("\n%d %s, %d %s, %d errors, %d skipped\n", ok, o->control ? "leaks seen" : "passed",
	       bad, o->control ? "missed" : "failed", errors, skip);
	if (bad && o->control)
		printf("A check that passes under its negative control cannot detect the leak it "
		       "is for.\n");
	if (errors)
		printf("ERROR: a check could not do what it needed to look (an exec, a read): "
		       "nothing was judged.\n");
}

/* Before any container starts (a start closes a root it owns, core/state/roots.c): a data or
 * state root that other users may search fails the run, whatever the labs say. */
static bool report_roots(const struct gb_runtime *rt, const struct check_opts *o)
{
	struct gb_host_feature f;
	gb_roots_host_feature(rt->data_root, rt->state_root, &f);
	if (f.available)
		return true;
	printf("%sroots: %s\n%s  to fix: %s\n", o->tap ? "# " : "", f.reason, o->tap ? "# " : "",
	       f.fix);
	return false;
}

int cmd_check(struct gb_runtime *rt, int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return check_usage(), 0;
	struct check_opts o;
	if (parse_check(argc, argv, &o) < 0)
		return 2;
	struct result *res = calloc(o.nlabs, sizeof *res);
	if (!res)
		return 1;
	if (o.tap)
		printf("TAP version 13\n1..%d\n", o.nlabs);
	else
		printf("%-30s %-9s %s\n", "LAB", "VERDICT",
		       o.control ? "EVIDENCE (a leak is expected)" : "EVIDENCE");
	bool all_ok = report_roots(rt, &o), errors = false;
	for (int i = 0; i < o.nlabs; i++) {
		res[i].lab = o.labs[i];
		run_one(rt, &o, &res[i]);
		all_ok &= res[i].ok;
		errors |= res[i].verdict == GB_VERDICT_ERROR;
		if (o.tap)
			print_tap_row(&o, &res[i], i + 1);
		else
			print_table_row(&o, &res[i]);
	}
	print_summary(&o, res, o.nlabs);
	if (o.junit && write_junit(&o, res, o.nlabs) < 0)
		all_ok = false;
	free(res);
	return errors ? 4 : all_ok ? 0 : 1;
}

/* ------------------------------------------------------------ host-check */

/* The rootless students' section (issue 21): not counted in the exit status, which is
 * about the kernel's features. */
static void rootless_json(struct gb_json *j)
{
	gb_json_arr_begin(j, "rootless");
	for (size_t i = 0; i < gb_rootless_count(); i++) {
		struct gb_host_feature f;
		gb_rootless_run(i, &f);
		gb_host_feature_to_json(&f, j);
	}
	gb_json_arr_end(j);
}

static void host_json(struct gb_host_feature *f, size_t n)
{
	struct gb_json j;
	struct utsname u;
	char src[300];
	uname(&u);
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "kernel", u.release);
	gb_json_str(&j, "machine", u.machine);
	if (gb_hostcheck_config_source(src, sizeof src) == 0)
		gb_json_str(&j, "kernel_config", src);
	else
		gb_json_null(&j, "kernel_config");
	gb_json_str(&j, "cgroup_layout", gb_hostcheck_cgroup_layout());
	gb_json_arr_begin(&j, "features");
	for (size_t i = 0; i < n; i++)
		gb_host_feature_to_json(&f[i], &j);
	gb_json_arr_end(&j);
	rootless_json(&j);
	gb_json_obj_end(&j);
	printf("%s\n", j.buf);
	gb_json_free(&j);
}

/* Why a feature is missing, and whose lack it is: the kernel's, or the caller's
 * privilege (the kernel has it: root must allow or set it up). */
static void missing_lines(const struct gb_host_feature *f)
{
	printf("%-45s why not: %s\n", "", f->reason);
	if (f->privilege) {
		printf("%-45s missing for: privilege, not the kernel\n", "");
		printf("%-45s to fix: %s\n", "", f->priv_fix);
	} else {
		printf("%-45s missing for: the kernel lacks it\n", "");
		printf("%-45s to fix: %s\n", "", f->fix);
	}
}

/* The cgroup subtree a rootless glassbox would use (core/cgroup/delegate.h): root needs
 * none; a student without one is told what the teacher must do, never that the kernel
 * lacks cgroups. */
static void delegated_text(void)
{
	struct gb_cg_host h;
	struct gb_cg_delegation d;
	struct gb_err err = { 0 };
	struct passwd *pw = getpwuid(geteuid());
	if (geteuid() == 0) {
		printf("%-40s %-4s %s\n", "a delegated cgroup", "-", "root makes cgroups anywhere");
		return;
	}
	int r = gb_cgroup_detect(&h, getenv("GLASSBOX_CGROUP_ROOT"), &err);
	if (r == 0)
		r = gb_cg_delegation_find(&h, geteuid(), pw ? pw->pw_name : "?", &d, &err);
	printf("%-40s %-4s %s%s\n", "a delegated cgroup", r == 0 ? "ok" : "no",
	       r == 0 ? d.rel : err.msg,
	       r == 0 && h.unified[0] && !d.unified_inside
		       ? " (the shell is outside its cgroup2 side: "
			 "the v1 side is used)"
		       : "");
	if (r < 0)
		printf("%-45s missing for: privilege, not the kernel\n%-45s to fix: %s\n", "", "",
		       err.hint[0] ? err.hint : "root runs `glassbox classroom setup`");
}

static void rootless_text(void)
{
	printf("\nFOR ROOTLESS STUDENTS (uid %u)%-13s GETS HOW IT WAS TESTED\n",
	       (unsigned)geteuid(), "");
	for (size_t i = 0; i < gb_rootless_count(); i++) {
		struct gb_host_feature f;
		gb_rootless_run(i, &f);
		printf("%-40s %-4s %s\n", f.name, f.available ? "ok" : "no", f.tested);
		if (!f.available)
			missing_lines(&f);
	}
	delegated_text();
}

static void host_text(struct gb_host_feature *f, size_t n)
{
	struct utsname u;
	char src[300];
	uname(&u);
	printf("kernel %s (%s); kernel config: %s\n\n", u.release, u.machine,
	       gb_hostcheck_config_source(src, sizeof src) == 0
		       ? src
		       : "unreadable (no /proc/config.gz, no /boot/config-*)");
	printf("%-40s %-4s %s\n", "FEATURE", "HAVE", "HOW IT WAS TESTED");
	for (size_t i = 0; i < n; i++) {
		printf("%-40s %-4s %s\n", f[i].name, f[i].available ? "yes" : "NO", f[i].tested);
		if (f[i].config_state[0])
			printf("%-45s kernel config: %s\n", "", f[i].config_state);
		if (!f[i].available)
			missing_lines(&f[i]);
	}
	rootless_text();
}

int cmd_host_check(struct gb_runtime *rt, int argc, char **argv)
{
	bool json = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: glassbox host-check [--json]\n\nTry each kernel feature "
			       "containers need, "
			       "in throwaway child processes, and say\nwhich this host has, how it "
			       "was tested "
			       "and what to do when one is missing.\nExit status 0 when every "
			       "feature is "
			       "available, 1 otherwise.\n\noptions:\n  --json  the "
			       "features as JSON\n\nexample:\n  glassbox host-check\n");
			return 0;
		} else {
			fprintf(stderr, "glassbox: host-check: unknown option %s (try --json)\n",
				argv[i]);
			return 2;
		}
	}
	size_t n = gb_hostcheck_count();
	struct gb_host_feature *f = calloc(n + 1, sizeof *f);
	if (!f)
		return 1;
	bool all = true;
	for (size_t i = 0; i < n; i++) {
		gb_hostcheck_run(i, &f[i]);
		all &= f[i].available;
	}
	gb_roots_host_feature(rt->data_root, rt->state_root,
			      &f[n]); /* not the kernel's: who may reach our files */
	all &= f[n++].available;
	if (json)
		host_json(f, n);
	else
		host_text(f, n);
	free(f);
	return all ? 0 : 1;
}
