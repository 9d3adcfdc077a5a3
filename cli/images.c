/* Commands about images and storage: build, images, rmi, history, diff, volume.
 * They print; the work is in core/build/build.c, core/storage/image.c, diff.c and volume.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/build.h"
#include "cli.h"
#include "storage/diff.h"
#include "storage/image.h"
#include "storage/volume.h"

static int fail(const struct gb_err *err)
{
	cli_error(err);
	return 1;
}

static int usage(const char *msg)
{
	fprintf(stderr, "glassbox: %s\n", msg);
	return 2;
}

static void human(long long bytes, char *buf, size_t len)
{
	if (bytes >= 1000LL * 1000 * 1000)
		snprintf(buf, len, "%.2fGB", bytes / 1e9);
	else if (bytes >= 1000LL * 1000)
		snprintf(buf, len, "%.1fMB", bytes / 1e6);
	else if (bytes >= 1000)
		snprintf(buf, len, "%.1fkB", bytes / 1e3);
	else
		snprintf(buf, len, "%lldB", bytes);
}

/* ------------------------------------------------------------ build */

/* build's usage errors: refused before any step ran, 125 as docker build (docs/cli.md). */
static int build_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "glassbox: build: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return CLI_EXIT_REFUSED;
}

static void print_progress(void *data, const char *line)
{
	printf("%s\n", line);
	fflush(stdout); /* RUN output goes straight to the terminal: keep the order */
}

static int push_arg(char ***v, const char *s)
{
	size_t n = gb_strv_len(*v);
	char **bigger = realloc(*v, (n + 2) * sizeof **v);
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	(*v)[n] = strdup(s);
	(*v)[n + 1] = NULL;
	return 0;
}

int cmd_build(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_build_opts o = { .progress = print_progress };
	gb_autostrv char **args = calloc(1, sizeof *args);
	bool quiet = false;
	const char *events = NULL;
	int i = 0;
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if ((!strcmp(a, "-t") || !strcmp(a, "--tag")) && more)
			o.tag = argv[++i];
		else if ((!strcmp(a, "-f") || !strcmp(a, "--file")) && more)
			o.dockerfile = argv[++i];
		else if (!strcmp(a, "--no-cache"))
			o.no_cache = true;
		else if (!strcmp(a, "--build-arg") && more && strchr(argv[i + 1], '='))
			push_arg(&args, argv[++i]);
		else if (!strcmp(a, "--events") && more)
			events = argv[++i];
		else if (!strcmp(a, "--target") && more)
			o.target = argv[++i];
		else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
			quiet = true;
		else if (!strcmp(a, "--help"))
			return printf("usage: glassbox build -t NAME [-f Dockerfile] [--no-cache] "
				      "[--build-arg K=V] [--target STAGE] "
				      "[--events FILE] CONTEXT\n"),
			       0;
		else
			return build_usage("unknown option %s (try -t NAME, -f FILE, --no-cache, "
					   "--build-arg K=V, --target STAGE)",
					   a);
	}
	if (i != argc - 1 || !o.tag)
		return build_usage("%swrite glassbox build -t NAME [-f Dockerfile] CONTEXT", "");
	o.context = argv[i];
	o.build_args = args;
	if (quiet)
		o.progress = NULL;
	struct gb_err err = { 0 };
	if (events && gb_events_open(&rt->events, events, &err) < 0)
		return fail(&err);
	if (gb_runtime_prepare(rt, &err) < 0)
		return fail(&err);
	cli_interrupt_install();
	char id[GB_ID_LEN + 1];
	if (gb_build(rt, &o, id, &err) < 0)
		return fail(&err);
	if (quiet)
		printf("%s\n", id);
	return 0;
}

/* ------------------------------------------------------------ images, rmi, history */

int cmd_images(struct gb_runtime *rt, int argc, char **argv)
{
	bool quiet = false, digests = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!strcmp(argv[i], "--digests"))
			digests = true;
		else
			return usage("images: no arguments (or -q, --digests)");
	}
	gb_autostrv char **names = gb_image_list(rt);
	if (!quiet && digests)
		printf("%-24s %-73s %-14s %-7s %-10s %s\n", "IMAGE", "DIGEST", "IMAGE ID", "LAYERS",
		       "SIZE", "CREATED");
	else if (!quiet)
		printf("%-24s %-14s %-7s %-10s %s\n", "IMAGE", "IMAGE ID", "LAYERS", "SIZE",
		       "CREATED");
	bool builtin = false;
	for (char **n = names; n && *n; n++) {
		struct gb_image img;
		struct gb_err err = { 0 };
		builtin |= !strcmp(*n, "busybox");
		if (gb_image_resolve(rt, *n, &img, &err) < 0) {
			printf("%-24s (unreadable: %s)\n", *n, err.msg);
			continue;
		}
		size_t nl = gb_strv_len(img.layers);
		char size[32];
		human(gb_image_size(rt, &img), size, sizeof size);
		if (quiet)
			printf("%s\n", *n);
		else if (digests)
			printf("%-24s %-73s %-14s %-7zu %-10s %s\n", *n,
			       img.digest[0] ? img.digest : "<none>", nl ? img.layers[nl - 1] : "-",
			       nl, size, img.created);
		else
			printf("%-24s %-14s %-7zu %-10s %s\n", *n, nl ? img.layers[nl - 1] : "-",
			       nl, size, img.created);
		gb_image_free(&img);
	}
	if (!builtin && !quiet && digests)
		printf("%-24s %-73s %-14s %-7s %-10s %s\n", "busybox", "<none>", "(built in)", "1",
		       "-", "imported on first use");
	else if (!builtin && !quiet)
		printf("%-24s %-14s %-7s %-10s %s\n", "busybox", "(built in)", "1", "-",
		       "imported on first use");
	return 0;
}

int cmd_rmi(struct gb_runtime *rt, int argc, char **argv)
{
	bool force = false;
	int i = 0, status = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = true;
		else
			return usage("rmi: unknown option (try -f)");
	}
	if (i >= argc)
		return usage("rmi: name the image: glassbox rmi [-f] IMAGE");
	for (; i < argc; i++) {
		struct gb_err err = { 0 };
		if (gb_image_remove(rt, argv[i], force, &err) < 0)
			status = fail(&err);
		else
			printf("Deleted: %s\n", argv[i]);
	}
	return status;
}

/* CREATED BY: an instruction cut at 76 columns, but a pulled layer's digest whole (it names
 * the blob in the registry: `pulled sha256:HEX`; its media type is what gets cut). */
static void history_what(const char *instruction, char *what, size_t len)
{
	static const char pulled[] = "pulled sha256:";
	size_t n = strlen(instruction), head = sizeof pulled - 1 + 64;
	if (!strncmp(instruction, pulled, sizeof pulled - 1) && n >= head) {
		snprintf(what, len, "%.*s", (int)head, instruction);
		return;
	}
	snprintf(what, len, "%s", instruction);
	if (n > 76)
		strcpy(what + 73, "...");
}

int cmd_history(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc != 1)
		return usage("history: name one image: glassbox history IMAGE");
	struct gb_image img;
	struct gb_err err = { 0 };
	if (gb_image_resolve(rt, argv[0], &img, &err) < 0)
		return fail(&err);
	printf("%-14s %-22s %-10s %s\n", "LAYER", "CREATED", "SIZE", "CREATED BY");
	for (size_t i = gb_strv_len(img.layers); i-- > 0;) {
		struct gb_layer meta;
		char size[32];
		if (gb_layer_load(rt, img.layers[i], &meta) < 0) {
			printf("%-14s (missing)\n", img.layers[i]);
			continue;
		}
		human(meta.size, size, sizeof size);
		char what[96];
		history_what(meta.instruction, what, sizeof what);
		printf("%-14s %-22s %-10s %s\n", meta.id, meta.created, size, what);
	}
	gb_image_free(&img);
	return 0;
}

/* ------------------------------------------------------------ diff */

static void print_change(void *data, char kind, const char *path)
{
	printf("%c %s\n", kind, path);
}

int cmd_diff(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc != 1)
		return usage("diff: name one container: glassbox diff NAME");
	struct gb_state st;
	struct gb_err err = { 0 };
	if (gb_state_find(rt, argv[0], &st, &err) < 0)
		return fail(&err);
	int r = gb_diff(st.upper, st.lower, print_change, NULL, &err);
	gb_state_free(&st);
	return r < 0 ? fail(&err) : 0;
}

/* ------------------------------------------------------------ volume */

static int volume_ls(struct gb_runtime *rt)
{
	gb_autostrv char **names = gb_volume_list(rt);
	printf("%-8s %s\n", "DRIVER", "VOLUME NAME");
	for (char **n = names; n && *n; n++)
		printf("%-8s %s\n", "local", *n);
	return 0;
}

int cmd_volume(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc < 1)
		return usage("volume: create NAME | ls | inspect NAME | rm NAME");
	const char *sub = argv[0];
	if (!strcmp(sub, "ls") || !strcmp(sub, "list"))
		return volume_ls(rt);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct gb_err err = { 0 };
		int r = 0;
		if (!strcmp(sub, "create")) {
			r = gb_volume_create(rt, argv[i], &err);
			if (r >= 0)
				printf("%s\n", argv[i]);
		} else if (!strcmp(sub, "rm") || !strcmp(sub, "remove")) {
			r = gb_volume_remove(rt, argv[i], false, &err);
			if (r >= 0)
				printf("%s\n", argv[i]);
		} else if (!strcmp(sub, "inspect")) {
			struct gb_json j;
			gb_json_init(&j);
			r = gb_volume_inspect(rt, argv[i], &j, &err);
			if (r >= 0)
				printf("%s\n", j.buf);
			gb_json_free(&j);
		} else {
			return usage("volume: create NAME | ls | inspect NAME | rm NAME");
		}
		if (r < 0)
			status = fail(&err);
	}
	if (argc < 2)
		return usage("volume: name the volume");
	return status;
}
