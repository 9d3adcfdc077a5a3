/* `glassbox lab list [--markdown] | show N | check N [--container NAME] [--control]` */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lab.h"

static int lab_list(void)
{
	printf("%-4s %-28s %s\n", "LAB", "NAME", "WHAT THE CHECK OBSERVES");
	for (const struct gb_lab *const *l = gb_labs; *l; l++)
		printf("%02d   %-28s %s%s\n", (*l)->num, (*l)->slug, (*l)->feature,
		       (*l)->manual ? " (by name only)" : "");
	printf("\n`glassbox lab show N` prints the guide, `glassbox lab check N` runs the check;\n"
	       "`glassbox check` runs every check but those marked \"by name only\".\n");
	return 0;
}

/* A table cell: a '|' would end the cell, so it is escaped as Markdown wants it. */
static void md_cell(const char *s)
{
	printf("| ");
	for (; s && *s; s++)
		printf(*s == '|' ? "\\|" : "%c", *s);
	printf(" ");
}

/* labs/README.md's table, from the labs themselves (tests/integration/83-docs-generated.sh
 * fails when the committed table differs): a guide is linked when the build has it. */
static int lab_list_markdown(struct gb_runtime *rt)
{
	printf("| NN | lab | what the check observes | negative control | the control trips | "
	       "in `glassbox check` |\n|---|---|---|---|---|---|\n");
	for (const struct gb_lab *const *l = gb_labs; *l; l++) {
		char guide[1024], link[256];
		gb_path(guide, sizeof guide, "%s/labs/%02d-%s/README.md", rt->share_dir, (*l)->num,
			(*l)->slug);
		if (access(guide, R_OK) == 0)
			snprintf(link, sizeof link, "[%s](%02d-%s/README.md)", (*l)->slug,
				 (*l)->num, (*l)->slug);
		else
			snprintf(link, sizeof link, "%s (no guide)", (*l)->slug);
		printf("| %02d ", (*l)->num);
		md_cell(link);
		md_cell((*l)->feature);
		md_cell((*l)->control);
		printf("| `[%s]` ", (*l)->trips ? (*l)->trips : "");
		md_cell((*l)->manual ? "no: by name only (`glassbox lab check N`)" : "yes");
		printf("|\n");
	}
	return 0;
}

static int lab_show(struct gb_runtime *rt, const struct gb_lab *lab)
{
	char path[1024];
	gb_path(path, sizeof path, "%s/labs/%02d-%s/README.md", rt->share_dir, lab->num, lab->slug);
	gb_autofree char *text = NULL;
	size_t len;
	int r = gb_read_file(path, &text, &len);
	if (r < 0) {
		fprintf(stderr,
			"glassbox: cannot read the guide %s: %s\n  hint: run `make` to install the "
			"guides\n",
			path, strerror(-r));
		return 1;
	}
	fwrite(text, 1, len, stdout);
	return 0;
}

static const char *verdict_word(enum gb_verdict v)
{
	switch (v) {
	case GB_VERDICT_PASS: return "PASS";
	case GB_VERDICT_FAIL: return "FAIL";
	case GB_VERDICT_SKIP: return "SKIP";
	default: return "ERROR";
	}
}

/* Exit codes: 0 pass, 1 a problem found, 3 skipped (feature missing), 4 ERROR: the check
 * could not run one of its actions. Under --control a problem is expected (1), but only
 * through the finding the control names; any other failure is 4. */
static int lab_check(struct gb_runtime *rt, const struct gb_lab *lab, const char *container,
		     bool control)
{
	struct gb_check c;
	printf("lab %02d %s%s%s\n", lab->num, lab->slug, control ? " — negative control: " : "",
	       control ? lab->control : "");
	enum gb_verdict v = cli_lab_run(lab, rt, container, control, &c);
	for (int i = 0; i < c.n; i++)
		printf("  %s %s%s%s%s\n",
		       c.f[i].error ? "! error:"
		       : c.f[i].ok  ? "✓"
				    : "✗",
		       c.f[i].key ? "[" : "", c.f[i].key ? c.f[i].key : "", c.f[i].key ? "] " : "",
		       c.f[i].text);
	if (v == GB_VERDICT_SKIP)
		printf("  - skipped: %s\n", c.skip);
	if (v == GB_VERDICT_ERROR && c.err.code)
		cli_error(&c.err);
	else if (v == GB_VERDICT_ERROR && c.skip[0])
		fprintf(stderr, "glassbox: lab %02d: it looked, then wanted to skip (%s)\n",
			lab->num, c.skip);
	else if (v == GB_VERDICT_ERROR && !c.n)
		fprintf(stderr, "glassbox: lab %02d: the check observed nothing\n", lab->num);
	if (!control) {
		printf("%s\n", verdict_word(v));
		return v == GB_VERDICT_PASS   ? 0
		       : v == GB_VERDICT_FAIL ? 1
		       : v == GB_VERDICT_SKIP ? 3
					      : 4;
	}
	/* Under the control: detected only through the finding the control must trip. */
	enum gb_control_result j = gb_control_judge(lab, &c, v);
	if (j == GB_CONTROL_DETECTED)
		printf("%s (expected: the control turned the feature off, and [%s] saw it)\n",
		       verdict_word(v), lab->trips);
	else if (j == GB_CONTROL_MISSED)
		printf("%s (UNEXPECTED under the control: this check cannot tell)\n",
		       verdict_word(v));
	else if (j == GB_CONTROL_ERROR)
		printf("ERROR (under the control [%s] must trip, and nothing may fail to run)\n",
		       lab->trips);
	else
		printf("SKIP\n");
	return j == GB_CONTROL_DETECTED	 ? 1
	       : j == GB_CONTROL_MISSED	 ? 0
	       : j == GB_CONTROL_SKIPPED ? 3
					 : 4;
}

int cmd_lab(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "list") && !strcmp(argv[1], "--markdown"))
		return lab_list_markdown(rt);
	if (argc < 1 || !strcmp(argv[0], "list"))
		return lab_list();
	const char *sub = argv[0];
	if (strcmp(sub, "show") && strcmp(sub, "check")) {
		fprintf(stderr, "glassbox: lab: unknown subcommand '%s' (list, show N, check N)\n",
			sub);
		return 2;
	}
	const char *container = NULL, *ref = NULL;
	bool control = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--container") && i + 1 < argc)
			container = argv[++i];
		else if (!strcmp(argv[i], "--control"))
			control = true;
		else if (argv[i][0] != '-' && !ref)
			ref = argv[i];
		else {
			fprintf(stderr, "glassbox: lab %s: unexpected argument '%s'\n", sub,
				argv[i]);
			return 2;
		}
	}
	if (!ref) {
		fprintf(stderr, "glassbox: lab %s: which lab? e.g. glassbox lab %s 2\n", sub, sub);
		return 2;
	}
	const struct gb_lab *lab = gb_lab_find(ref);
	if (!lab) {
		fprintf(stderr, "glassbox: no lab '%s'\n  hint: `glassbox lab list` lists them\n",
			ref);
		return 2;
	}
	if (!strcmp(sub, "show"))
		return lab_show(rt, lab);
	if (container && control) {
		fprintf(stderr, "glassbox: --control starts its own container; drop --container\n");
		return 2;
	}
	return lab_check(rt, lab, container, control);
}
