/* Tables the docs quote, printed from the code itself so that they cannot drift:
 * `glassbox steps --markdown` is docs/engine.md's step table (and `lab list --markdown`,
 * cli/lab.c, labs/README.md's). scripts/gen-docs.sh writes them into the files;
 * tests/integration/83-docs-generated.sh fails when a committed table differs. */
#include <stdio.h>

#include "cli.h"
#include "engine/steps.h"

/* A table cell: a '|' would end the cell, so it is escaped as Markdown wants it. */
static void cell(const char *s)
{
	printf("| ");
	for (; s && *s; s++)
		printf(*s == '|' ? "\\|" : "%c", *s);
	printf(" ");
}

int cmd_steps_markdown(void)
{
	size_t n;
	const struct gb_step *t = gb_steps_table(&n);
	printf("| # | step | phase | side | lab | runs | what it does |\n"
	       "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < n; i++) {
		printf("| %zu | `%s` ", i + 1, t[i].name);
		cell(t[i].phase == GB_PHASE_CREATE ? "create" : "start");
		cell(t[i].side == GB_SIDE_HOST ? "host" : "container");
		printf("| %02d ", t[i].lab);
		cell(t[i].when ? t[i].when : "always");
		cell(t[i].explain);
		printf("|\n");
	}
	return 0;
}
