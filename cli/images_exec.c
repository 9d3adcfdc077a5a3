/* The image commands (pull, push, login, load, save, import, tag, logout, image) live in
 * a second program, glassbox-images (cli/images/main.c), linked with libcurl, libarchive
 * and libcrypto; `glassbox` is not, so a container start maps none of their ~40 shared
 * objects. git does the same with git-remote-https. Here `glassbox pull ...` becomes
 * glassbox-images with the same arguments and environment: execv(2) keeps the process,
 * so the exit code is the image program's own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/events.h"
#include "base/helper.h"
#include "base/json.h"
#include "base/util.h"
#include "cli.h"
#include "storage/image.h"

char **cli_argv;

static int exec_images(struct gb_runtime *rt)
{
	char prog[1024];
	struct gb_err err = { 0 };
	if (gb_helper_path(rt->share_dir, "glassbox-images", prog, sizeof prog, &err) == 0) {
		fflush(NULL);
		cli_argv[0] = prog;
		execv(prog, cli_argv);
		gb_err_set(&err, errno, "execv", "cannot run %s", prog);
	}
	cli_error(&err);
	return 127;
}

#define IMAGES_CMD(name)                                                                           \
	int cmd_##name(struct gb_runtime *rt, int argc, char **argv)                               \
	{                                                                                          \
		return exec_images(rt);                                                            \
	}
IMAGES_CMD(pull)
IMAGES_CMD(load)
IMAGES_CMD(tag)
IMAGES_CMD(push)
IMAGES_CMD(login)
IMAGES_CMD(logout)
IMAGES_CMD(save)
IMAGES_CMD(import)
IMAGES_CMD(image)

/* run --events: the child's image.pull events come up a pipe (gb_helper_run_lines) and
 * join this stream as they come, numbered in it (the child's own v, seq and t are left
 * behind). */
static void relay_member(struct gb_json *j, const struct gb_jval *m)
{
	if (!strcmp(m->key, "v") || !strcmp(m->key, "seq") || !strcmp(m->key, "t") ||
	    !strcmp(m->key, "type"))
		return;
	if (m->type == GB_JSTR)
		gb_json_str(j, m->key, m->str);
	else if (m->type == GB_JNUM && m->is_int)
		gb_json_int(j, m->key, m->i);
	else if (m->type == GB_JNUM)
		gb_json_double(j, m->key, m->num, 6);
	else if (m->type == GB_JBOOL)
		gb_json_bool(j, m->key, m->b);
	/* image.pull has no nested members (docs/events.md) */
}

static void relay_line(void *data, const char *line, size_t n)
{
	struct gb_events *ev = data;
	char e[128];
	struct gb_jval *v = gb_json_parse(line, n, e, sizeof e);
	if (v && v->type == GB_JOBJ && !strcmp(gb_jstr(v, "type", ""), "image.pull")) {
		struct gb_json j;
		gb_event_begin(ev, &j, "image.pull");
		for (const struct gb_jval *m = v->child; m; m = m->next)
			relay_member(&j, m);
		gb_event_emit(ev, &j);
	}
	gb_jval_free(v);
}

/* run/create of an image that is not here: the pull is a child run of glassbox-images
 * (its progress on our stderr, its error back whole, its events into ours); found images
 * cost one lookup and no child. */
int cli_pull_missing(struct gb_runtime *rt, const char *image, bool always, struct gb_err *err)
{
	struct gb_image img;
	struct gb_err local = { 0 };
	if (gb_image_builtin(image))
		return 0; /* busybox: the image step imports it, in view of the step's watchers */
	int r = always ? -ENOENT : gb_image_resolve(rt, image, &img, &local);
	if (!always)
		gb_image_free(&img);
	if (r != -ENOENT)
		return 0; /* found, or an error that run itself reports */
	char prog[1024];
	if ((r = gb_helper_path(rt->share_dir, "glassbox-images", prog, sizeof prog, err)) < 0)
		return r;
	/* glassbox's own options (--root, --data-root) as the user gave them, then the verb
	 * (room kept for an option's value, the verb, --events fd:N, the image and NULL) */
	const char *args[16];
	size_t n = 0;
	for (int i = 1; cli_argv[i] && cli_argv[i][0] == '-' && n < GB_ARRAY_LEN(args) - 6; i++) {
		args[n++] = cli_argv[i];
		if ((!strcmp(cli_argv[i], "--root") || !strcmp(cli_argv[i], "--data-root")) &&
		    cli_argv[i + 1])
			args[n++] = cli_argv[++i];
	}
	args[n++] = always ? "pull-always" : "pull-missing";
	int pipefd[2];
	char spec[32];
	struct gb_helper_lines lines = { -1, -1, relay_line, &rt->events };
	bool relaying =
		(rt->events.fd >= 0 || rt->events.listener) && pipe2(pipefd, O_CLOEXEC) == 0;
	if (relaying) {
		fcntl(pipefd[1], F_SETFD, 0); /* the write end crosses the exec */
		lines.rfd = pipefd[0], lines.wfd = pipefd[1];
		snprintf(spec, sizeof spec, "fd:%d", pipefd[1]);
		args[n++] = "--events";
		args[n++] = spec;
	}
	args[n++] = image;
	args[n] = NULL;
	r = gb_helper_run_lines(prog, args, relaying ? &lines : NULL, err);
	if (r > 0)
		return gb_err_set(err, EIO, "", "%s exited with status %d pulling %s", prog, r,
				  image);
	return r;
}
