/* tests/classroom/spooltool: the classroom setup a test needs before `glassbox classroom
 * setup` exists on this branch (tests/integration/66-classroom-board.sh):
 *   spooltool roster DIR STUDENTS   a roster.json from a students file (roster API)
 *   spooltool setup DIR             the results spool for DIR's roster
 *   spooltool teardown DIR          the spool removed */
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "classroom/roster.h"
#include "classroom/spool.h"

static int fail(const struct gb_err *err)
{
	char buf[1200];
	gb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
	return 1;
}

int main(int argc, char **argv)
{
	struct gb_err err = { 0 };
	struct gb_class_roster r;
	if (argc == 4 && !strcmp(argv[1], "roster")) {
		if (gb_class_students_parse(argv[3], &r, &err) < 0)
			return fail(&err);
		gb_rfc3339(r.created, sizeof r.created, gb_wallclock());
		int rc = gb_class_roster_write(argv[2], &r, &err);
		gb_class_roster_free(&r);
		return rc < 0 ? fail(&err) : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "setup")) {
		if (gb_class_roster_read(argv[2], &r, &err) < 0)
			return fail(&err);
		int rc = gb_class_spool_setup(argv[2], &r, &err);
		gb_class_roster_free(&r);
		return rc < 0 ? fail(&err) : 0;
	}
	if (argc == 3 && !strcmp(argv[1], "teardown"))
		return gb_class_spool_teardown(argv[2], &err) < 0 ? fail(&err) : 0;
	fprintf(stderr, "usage: spooltool roster DIR STUDENTS | setup DIR | teardown DIR\n");
	return 2;
}
