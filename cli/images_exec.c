/* The image commands (pull, push, login, load, save, import, tag, logout, image) live in
 * a second program, glassbox-images (cli/images/main.c), linked with libcurl, libarchive
 * and libcrypto; `glassbox` is not, so a container start maps none of their ~40 shared
 * objects. git does the same with git-remote-https. Here `glassbox pull ...` becomes
 * glassbox-images with the same arguments and environment: execv(2) keeps the process,
 * so the exit code is the image program's own. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/helper.h"
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

/* run/create of an image that is not here: the pull is a child run of glassbox-images
 * (its progress on our stderr, its error back whole); found images cost one lookup and no
 * child. */
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
	/* glassbox's own options (--root, --data-root) as the user gave them, then the verb */
	const char *args[16];
	size_t n = 0;
	for (int i = 1; cli_argv[i] && cli_argv[i][0] == '-' && n < GB_ARRAY_LEN(args) - 3; i++) {
		args[n++] = cli_argv[i];
		if ((!strcmp(cli_argv[i], "--root") || !strcmp(cli_argv[i], "--data-root")) &&
		    cli_argv[i + 1])
			args[n++] = cli_argv[++i];
	}
	args[n++] = always ? "pull-always" : "pull-missing";
	args[n++] = image;
	args[n] = NULL;
	r = gb_helper_run(prog, args, err);
	if (r > 0)
		return gb_err_set(err, EIO, "", "%s %s exited with status %d", prog, args[n - 2],
				  r);
	return r;
}
