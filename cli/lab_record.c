/* Every lab check a student runs, `glassbox lab check N` and `glassbox check`, goes
 * through cli_lab_run: it runs the check and, when this server has a class and the caller
 * is one of its students, leaves the verdict in the results spool for the teacher's board
 * (core/classroom/spool.h). Recording never changes a verdict: a failure is one warning. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classroom/spool.h"
#include "cli.h"
#include "lab.h"

static const char *finding_verdict(const struct gb_finding *f)
{
	return f->error ? "ERROR" : f->ok ? "PASS" : "FAIL";
}

static void to_result(const struct gb_lab *lab, enum gb_verdict v, const struct gb_check *c,
		      double seconds, struct gb_class_result *res)
{
	static const char *const words[] = { "PASS", "FAIL", "SKIP", "ERROR" };
	memset(res, 0, sizeof *res);
	snprintf(res->lab, sizeof res->lab, "%02d", lab->num);
	snprintf(res->verdict, sizeof res->verdict, "%s", words[v]);
	gb_rfc3339(res->time, sizeof res->time, gb_wallclock());
	res->duration_ms = (long long)(seconds * 1000);
	res->uid = geteuid();
	for (int i = 0; i < c->n && res->n < GB_CLASS_FINDINGS_MAX; i++) {
		struct gb_class_finding *f = &res->findings[res->n++];
		snprintf(f->name, sizeof f->name, "%s", c->f[i].key ? c->f[i].key : "");
		snprintf(f->verdict, sizeof f->verdict, "%s", finding_verdict(&c->f[i]));
		snprintf(f->detail, sizeof f->detail, "%s", c->f[i].text);
	}
	if (v == GB_VERDICT_SKIP && res->n < GB_CLASS_FINDINGS_MAX) { /* why, for the teacher */
		struct gb_class_finding *f = &res->findings[res->n++];
		snprintf(f->verdict, sizeof f->verdict, "SKIP");
		snprintf(f->detail, sizeof f->detail, "%s", c->skip);
	}
}

enum gb_verdict cli_lab_run(const struct gb_lab *lab, struct gb_runtime *rt, const char *container,
			    bool control, struct gb_check *out)
{
	double t0 = gb_monotonic();
	enum gb_verdict v = gb_lab_run(lab, rt, container, control, out);
	/* Under --control a failure is what the student hoped to see: it is an experiment
	 * with the check, not their progress, so it is not recorded. */
	if (control)
		return v;
	static struct gb_class_result res;
	to_result(lab, v, out, gb_monotonic() - t0, &res);
	struct gb_err err = { 0 };
	if (gb_class_record_mine(gb_class_dir(), &res, &err) < 0) {
		char msg[700];
		gb_err_message(&err, msg, sizeof msg);
		fprintf(stderr,
			"glassbox: warning: lab %02d's result was not recorded for the "
			"teacher: %s\n",
			lab->num, msg);
	}
	return v;
}
