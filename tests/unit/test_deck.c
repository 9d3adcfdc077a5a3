/* Unit tests for the slide deck parser (viz/deck.c) and the presenter's keys (viz/pres.c):
 * real files in a temporary directory, good decks and bad ones (each error names the file
 * and the line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deck.h"
#include "pres.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **s)
{
	snprintf(dir, sizeof dir, "/tmp/test_deck.XXXXXX");
	assert_non_null(mkdtemp(dir));
	char p[256];
	snprintf(p, sizeof p, "%s/labs/02-pid-namespace", dir);
	mkdir(strcat(strcpy(p, dir), "/labs"), 0755);
	snprintf(p, sizeof p, "%s/labs/02-pid-namespace", dir);
	mkdir(p, 0755);
	put("labs/02-pid-namespace/README.md",
	    "# Lab 02 — The PID namespace\n\n**Goal:** see PID 1\n"
	    "inside.\n\nTime: 30 min\n");
	mkdir(strcat(strcpy(p, dir), "/deck"), 0755);
	put("deck/rec.jsonl",
	    "{\"v\":1,\"type\":\"state\",\"t\":1,\"from\":\"none\",\"to\":\"created\"}\n");
	return 0;
}

static int teardown(void **s)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static int load(struct vz_deck *d, const char *text, char *err, size_t len)
{
	put("deck/d.md", text);
	char p[256], labs[256];
	snprintf(p, sizeof p, "%s/deck/d.md", dir);
	snprintf(labs, sizeof labs, "%s/labs", dir);
	memset(d, 0, sizeof *d);
	vz_deck_set_labs_dir(d, labs);
	err[0] = '\0';
	return vz_deck_load(d, p, err, len);
}

static void a_whole_deck(void **s)
{
	struct vz_deck d;
	char err[512];
	assert_int_equal(
		load(&d,
		     "# One\n\n- a *b*\n  - c `d`\n1. first\n\n```sh\nls /\n```\n\n"
		     "Note: (3 min) say it\n---\n# Two\n\n!scene namespaces --replay rec.jsonl\n\n"
		     "| a | b |\n|---|---|\n| 1 | 2 |\n\n!lab 2\n---\n# Three\n\n"
		     "!run --replay rec.jsonl --rm busybox sh -c 'echo hi there'\n",
		     err, sizeof err),
		0);
	assert_int_equal(d.n, 3);
	struct vz_slide *a = &d.s[0];
	assert_string_equal(a->title, "One");
	assert_int_equal(a->line, 1);
	assert_int_equal(a->n_blocks, 4);
	assert_int_equal(a->blocks[0].kind, VZ_B_BULLET);
	assert_string_equal(a->blocks[0].text, "a b");
	assert_int_equal(a->blocks[1].level, 1);
	assert_string_equal(a->blocks[1].text, "c d");
	assert_int_equal(a->blocks[2].number, 1);
	assert_int_equal(a->blocks[3].kind, VZ_B_CODE);
	assert_string_equal(a->blocks[3].text, "ls /");
	assert_int_equal(a->blocks[3].line, 7);
	assert_int_equal(a->minutes, 3);
	assert_non_null(strstr(a->notes, "say it"));
	struct vz_slide *b = &d.s[1];
	assert_int_equal(b->dir, VZ_D_SCENE);
	assert_string_equal(b->line == 13 ? "ok" : "bad", "ok");
	assert_non_null(strstr(b->replay, "deck/rec.jsonl"));
	assert_int_equal(b->blocks[0].kind, VZ_B_TABLE);
	assert_string_equal(b->blocks[0].text, "a\tb\n1\t2");
	assert_int_equal(b->blocks[1].kind, VZ_B_LAB);
	assert_int_equal(b->blocks[1].lab, 2);
	assert_string_equal(b->blocks[1].text, "Lab 02 — The PID namespace\tsee PID 1 inside.");
	struct vz_slide *c = &d.s[2];
	assert_int_equal(c->dir, VZ_D_RUN);
	assert_string_equal(c->run_args[0], "--rm");
	assert_string_equal(c->run_args[3], "-c");
	assert_string_equal(c->run_args[4], "echo hi there");
	assert_null(c->run_args[5]);
	vz_deck_free(&d);
}

static void includes_and_fences(void **s)
{
	put("deck/part.md", "# Included\n\ntext\n");
	struct vz_deck d;
	char err[512];
	/* a --- inside a code block is code, not a new slide */
	assert_int_equal(
		load(&d,
		     "<!-- a comment -->\n# A\n\n```\n---\n```\n\n!include part.md\n\n---\n# B\n",
		     err, sizeof err),
		0);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.s[0].blocks[0].text, "---");
	assert_string_equal(d.s[1].title, "Included");
	assert_non_null(strstr(d.s[1].file, "part.md"));
	assert_string_equal(d.s[2].title, "B");
	vz_deck_free(&d);
}

/* Each bad deck fails with FILE:LINE and the problem. */
static void bad(const char *text, const char *line, const char *what)
{
	struct vz_deck d;
	char err[512];
	assert_int_equal(load(&d, text, err, sizeof err), -1);
	if (!strstr(err, line) || !strstr(err, what))
		fail_msg("error '%s' lacks '%s' or '%s'", err, line, what);
	assert_int_equal(d.n, 0);
}

static void bad_decks(void **s)
{
	bad("# A\n\n!frobnicate 3\n", "d.md:3:", "unknown directive !frobnicate");
	bad("# A\n---\n# B\n\n!scene nosuch\n", "d.md:5:", "no such scene");
	bad("# A\n\n![pic](missing.png)\n", "d.md:3:", "missing image");
	bad("# A\n\n!scene overlay --replay nothere.jsonl\n", "d.md:3:", "missing recording");
	bad("# A\n\n!run busybox true\n", "d.md:3:", "--replay");
	bad("# A\n\n!lab 42\n", "d.md:3:", "!lab 42");
	bad("# A\n\n!lab two\n", "d.md:3:", "one lab number");
	bad("just text\n", "d.md:1:", "no title");
	bad("# A\n\n<div>x</div>\n", "d.md:3:", "raw HTML");
	bad("# A\n\n| a | b |\n|---|---|\n| 1 |\n", "d.md:5:", "cells");
	bad("# A\n\n!scene pid1 --replay rec.jsonl\n\n!compare\n", "d.md:5:", "one !scene");
	bad("# A\n\n!include nothere.md\n", "d.md:3:", "nothere.md");
	bad("", "d.md:1:", "no slides");
	bad("# A\n\n!run --replay rec.jsonl 'open\n", "d.md:3:", "open quote");
}

static void args_split_like_a_shell(void **s)
{
	char **a = vz_deck_split_args("  a 'b c' \"d \\\" e\" f\\ g ");
	assert_non_null(a);
	assert_string_equal(a[0], "a");
	assert_string_equal(a[1], "b c");
	assert_string_equal(a[2], "d \" e");
	assert_string_equal(a[3], "f g");
	assert_null(a[4]);
	vz_deck_free_args(a);
	assert_null(vz_deck_split_args("x 'y"));
}

static void keys_steps_then_slides(void **s)
{
	struct vz_pres p = { .n_slides = 3, .steps = 3 };
	assert_int_equal(vz_pres_key(&p, VZ_K_NEXT, 0), VZ_P_STEP);
	assert_int_equal(p.step, 1);
	assert_int_equal(vz_pres_key(&p, VZ_K_NEXT, 0), VZ_P_STEP);
	assert_int_equal(vz_pres_key(&p, VZ_K_NEXT, 0), VZ_P_SLIDE); /* steps done: next slide */
	assert_int_equal(p.slide, 1);
	assert_int_equal(p.step, 0);
	assert_int_equal(vz_pres_key(&p, VZ_K_BACK, 0), VZ_P_SLIDE);
	assert_int_equal(p.slide, 0);
	assert_int_equal(vz_pres_key(&p, VZ_K_BACK, 0), VZ_P_NONE); /* nothing before 1 */
	p.live_more = true;
	assert_int_equal(vz_pres_key(&p, VZ_K_NEXT, 0), VZ_P_LIVE_NEXT); /* the engine's step */
	assert_int_equal(p.slide, 0);
	p.live_more = false;
	assert_int_equal(vz_pres_key(&p, VZ_K_LAST, 0), VZ_P_SLIDE);
	assert_int_equal(p.slide, 2);
	assert_int_equal(vz_pres_key(&p, VZ_K_NEXT, 0), VZ_P_NONE); /* the end stays */
}

static void keys_jump_blank_quit(void **s)
{
	struct vz_pres p = { .n_slides = 12, .steps = 1 };
	vz_pres_key(&p, VZ_K_DIGIT, 1);
	vz_pres_key(&p, VZ_K_DIGIT, 1);
	assert_string_equal(p.num, "11");
	assert_int_equal(vz_pres_key(&p, VZ_K_ENTER, 0), VZ_P_SLIDE);
	assert_int_equal(p.slide, 10);
	vz_pres_key(&p, VZ_K_DIGIT, 9);
	vz_pres_key(&p, VZ_K_DIGIT, 9);
	assert_int_equal(vz_pres_key(&p, VZ_K_ENTER, 0), VZ_P_NONE); /* no slide 99 */
	assert_int_equal(p.slide, 10);
	assert_int_equal(vz_pres_key(&p, VZ_K_ENTER, 0), VZ_P_SLIDE); /* Enter alone: next */
	assert_int_equal(p.slide, 11);
	assert_int_equal(vz_pres_key(&p, VZ_K_BLANK, 0), VZ_P_BLANK);
	assert_true(p.blank);
	assert_int_equal(vz_pres_key(&p, VZ_K_BACK, 0), VZ_P_BLANK); /* unblank, stay */
	assert_false(p.blank);
	assert_int_equal(p.slide, 11);
	vz_pres_key(&p, VZ_K_DIGIT, 3);
	assert_int_equal(vz_pres_key(&p, VZ_K_ESCAPE, 0), VZ_P_BLANK); /* Esc drops the number */
	assert_string_equal(p.num, "");
	assert_int_equal(vz_pres_key(&p, VZ_K_ESCAPE, 0), VZ_P_QUIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_whole_deck),
		cmocka_unit_test(includes_and_fences),
		cmocka_unit_test(bad_decks),
		cmocka_unit_test(args_split_like_a_shell),
		cmocka_unit_test(keys_steps_then_slides),
		cmocka_unit_test(keys_jump_blank_quit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
