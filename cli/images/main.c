/* glassbox-images: the image commands (pull, push, login, logout, load, save, import, tag,
 * image), a program of their own linked with libcurl, libarchive and libcrypto, so that
 * `glassbox` (every container start) maps none of them. `glassbox pull ...` execs this
 * program with the same arguments (cli/images_exec.c); the engine runs it as a child for
 * what it needs from that code (base/helper.h):
 *   pull-missing [--events fd:N] IMAGE   run/create of an image that is not here
 *                                        (--pull missing); its image.pull events on N
 *   pull-always [--events fd:N] IMAGE    run/create --pull always
 *   add-tar SRC DIR WHAT     build's ADD: unpack SRC into DIR if it is a tar (else exit 3)
 * Its errors then go back to the parent whole instead of being printed here. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/helper.h"
#include "base/util.h"
#include "../args.h"
#include "../cli.h"
#include "registry/layer.h"
#include "state/roots.h"

void cli_error(const struct gb_err *err)
{
	char buf[2048];
	gb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "glassbox: %s\n", buf);
}

/* A child run's error goes to its parent (which prints it, once); otherwise here. */
static int child_failed(const struct gb_err *err)
{
	if (!gb_helper_report(err))
		cli_error(err);
	return 1;
}

/* pull-missing|pull-always [--events fd:N] IMAGE: the events, when run asked for them,
 * go to the parent on that descriptor (cli/images_exec.c puts them in run's stream). */
static int pull_for_run(struct gb_runtime *rt, int argc, char **argv, bool always)
{
	struct gb_err err = { 0 };
	if (argc == 3 && !strcmp(argv[0], "--events")) {
		if (gb_events_open(&rt->events, argv[1], &err) < 0)
			return child_failed(&err);
		argc -= 2, argv += 2;
	}
	if (argc != 1) {
		gb_err_set(&err, EINVAL, "", "usage: glassbox-images pull-%s [--events fd:N] IMAGE",
			   always ? "always" : "missing");
		return child_failed(&err);
	}
	return cli_pull_missing(rt, argv[0], always, &err) < 0 ? child_failed(&err) : 0;
}

static int cmd_pull_missing(struct gb_runtime *rt, int argc, char **argv)
{
	return pull_for_run(rt, argc, argv, false);
}

static int cmd_pull_always(struct gb_runtime *rt, int argc, char **argv)
{
	return pull_for_run(rt, argc, argv, true);
}

static int cmd_add_tar(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_err err = { 0 };
	if (argc != 3) {
		gb_err_set(&err, EINVAL, "", "usage: glassbox-images add-tar SRC DIR WHAT");
		return child_failed(&err);
	}
	if (!gb_layer_is_tar(argv[0]))
		return GB_HELPER_DECLINED;
	int r = gb_mkdir_p(argv[1], 0755);
	if (r < 0) {
		gb_err_set(&err, -r, "mkdir", "cannot create %s", argv[1]);
		return child_failed(&err);
	}
	return gb_layer_unpack(argv[0], argv[1], argv[2], &err) < 0 ? child_failed(&err) : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct gb_runtime *rt, int argc, char **argv);
} commands[] = {
	{ "pull", cmd_pull },	    { "load", cmd_load },
	{ "tag", cmd_tag },	    { "push", cmd_push },
	{ "login", cmd_login },	    { "logout", cmd_logout },
	{ "save", cmd_save },	    { "import", cmd_import },
	{ "image", cmd_image },	    { "pull-missing", cmd_pull_missing },
	{ "add-tar", cmd_add_tar }, { "pull-always", cmd_pull_always },
};

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr,
		"glassbox-images: %s %s\n  hint: it runs the image commands of glassbox: "
		"glassbox pull, push, login, logout, load, save, import, tag, image\n",
		what, arg);
	return 2;
}

int main(int argc, char **argv)
{
	const char *root = NULL, *data_root = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		int g = gb_args_global_root(argc, argv, &i, &root, &data_root);
		if (g < 0)
			return usage_error("a directory is missing after", argv[i]);
		if (g > 0)
			continue;
		return usage_error("unknown option", argv[i]);
	}
	if (i >= argc)
		return usage_error("no command given", "");
	const char *verb = argv[i];
	if (cli_help(verb, argc - i - 1, argv + i + 1) == 0) /* cli/help.c */
		return 0;
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	if (gb_runtime_init(&rt, root, data_root, &err) < 0)
		return child_failed(&err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t k = 0; k < GB_ARRAY_LEN(commands); k++)
		if (!strcmp(verb, commands[k].name)) {
			rt.roots_repaired = gb_roots_repair(rt.data_root, rt.state_root) >= 0;
			int r = commands[k].fn(&rt, argc - i - 1, argv + i + 1);
			gb_events_close(&rt.events);
			return r;
		}
	return usage_error("unknown command", verb);
}
