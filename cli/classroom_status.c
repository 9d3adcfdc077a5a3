/* `glassbox classroom status [--json|--junit] [--anonymous]` (for now the command row
 * `classroom status`): the teacher's board, every student of the roster against every lab,
 * from the results spool (core/classroom/board.h). Root only: each student's results are
 * theirs alone (0700), and so are their containers' state roots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classroom/board.h"
#include "cli.h"

static void status_usage(FILE *f)
{
	fprintf(f, "usage: glassbox classroom status [--json | --junit] [--anonymous]\n\n"
		   "The class's board (as root): each student of the roster against each lab,\n"
		   "the verdict of their last `glassbox lab check N` (PASS FAIL SKIP ERROR, - not\n"
		   "run, REFUSED a record that is not the student's own) and the containers each\n"
		   "has running now. --json: the shape in docs/teaching.md; --junit: JUnit XML, a\n"
		   "testsuite per student, a testcase per lab. --anonymous: \"student N\" for\n"
		   "everyone (students who opted out always are). The class lives in\n"
		   "$GLASSBOX_CLASSROOM_DIR, else /var/lib/glassbox-classroom.\n");
}

int cmd_classroom_status(struct gb_runtime *rt, int argc, char **argv)
{
	bool json = false, junit = false, anonymous = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--junit"))
			junit = true;
		else if (!strcmp(argv[i], "--anonymous"))
			anonymous = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return status_usage(stdout), 0;
		else
			return fprintf(stderr, "glassbox: classroom status: unknown option %s\n",
				       argv[i]),
			       status_usage(stderr), 2;
	}
	if (json && junit)
		return fprintf(stderr, "glassbox: classroom status: --json or --junit, not both\n"),
		       2;
	if (geteuid() != 0)
		return fprintf(stderr, "glassbox: classroom status reads every student's results "
				       "and containers: it needs root\n  hint: sudo glassbox "
				       "classroom status\n"),
		       1;
	const char *labs[GB_BOARD_LABS_MAX];
	char nums[GB_BOARD_LABS_MAX][4];
	int n = 0;
	for (const struct gb_lab *const *l = gb_labs; *l && n < GB_BOARD_LABS_MAX; l++, n++) {
		snprintf(nums[n], sizeof nums[n], "%02d", (*l)->num);
		labs[n] = nums[n];
	}
	struct gb_board b;
	struct gb_err err = { 0 };
	if (gb_board_read(gb_class_dir(), labs, n, anonymous, true, &b, &err) < 0)
		return cli_error(&err), 1;
	char *out = NULL;
	size_t len = 0;
	int r = json	? gb_board_json(&b, &out, &len)
		: junit ? gb_board_junit(&b, &out, &len)
			: gb_board_text(&b, &out, &len);
	gb_board_free(&b);
	if (r < 0)
		return fprintf(stderr, "glassbox: classroom status: out of memory\n"), 1;
	fwrite(out, 1, len, stdout);
	if (json)
		putchar('\n');
	free(out);
	return 0;
}
