/* glassbox pull: an image from an OCI registry (core/registry/pull.c); glassbox load: from
 * a docker save archive or an OCI layout (core/registry/load.c). Progress is one
 * line per layer, rewritten in place on a terminal, printed once per state otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "registry/load.h"
#include "registry/pull.h"

struct show {
	bool tty;
	const char *last; /* the last status printed for the current layer (plain mode) */
	size_t index;
};

static void show_progress(void *data, const struct gb_pull_progress *p)
{
	struct show *s = data;
	char id[13];
	snprintf(id, sizeof id, "%.12s", p->digest + 7);
	bool downloading = !strcmp(p->status, "Downloading");
	if (s->tty) {
		printf("\r\033[K%zu/%zu %s: %s", p->index, p->count, id, p->status);
		if (downloading && p->total > 0)
			printf(" %lld/%lld kB", p->done / 1000, p->total / 1000);
		if (!downloading && strcmp(p->status, "Extracting"))
			printf("\n");
		fflush(stdout);
		return;
	}
	if (s->index == p->index && s->last && !strcmp(s->last, p->status))
		return;
	s->index = p->index;
	s->last = p->status;
	printf("%zu/%zu %s: %s%s\n", p->index, p->count, id, p->status, downloading ? "" : "");
	fflush(stdout);
}

/* pull's usage errors: refused before anything was fetched, 125 as docker pull
 * (docs/cli.md); what is wrong first, when it is an argument. */
static int pull_usage(const char *what, const char *arg)
{
	if (what)
		fprintf(stderr, "glassbox: pull: %s%s%s\n", what, *arg ? " " : "", arg);
	fprintf(stderr, "usage: glassbox pull [--platform OS/ARCH[/VARIANT]] "
			"[--insecure-registry HOST:PORT]... [--events FILE|fd:N] "
			"NAME[:TAG|@DIGEST]\n");
	return CLI_EXIT_REFUSED;
}

int cmd_pull(struct gb_runtime *rt, int argc, char **argv)
{
	struct show s = { .tty = isatty(STDOUT_FILENO) };
	struct gb_pull_opts o = { .progress = show_progress, .progress_data = &s };
	char *insecure[17] = { 0 };
	size_t n_insecure = 0;
	const char *events = NULL;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			o.platform = argv[++i];
		else if (!strcmp(argv[i], "--insecure-registry") && i + 1 < argc && n_insecure < 16)
			insecure[n_insecure++] = argv[++i];
		else if (!strcmp(argv[i], "--events") && i + 1 < argc)
			events = argv[++i];
		else if (strcmp(argv[i], "--platform") && strcmp(argv[i], "--insecure-registry") &&
			 strcmp(argv[i], "--events"))
			return pull_usage("unknown option", argv[i]);
		else
			return pull_usage(i + 1 < argc ? "too many values (16 at most) of"
						       : "a value is missing after",
					  argv[i]);
	}
	if (i == argc)
		return pull_usage("no image given", "");
	if (argc - i > 1)
		return pull_usage("one image at a time, got a second:", argv[i + 1]);
	o.ref = argv[i];
	o.insecure = insecure;
	struct gb_err err = { 0 };
	if (events && gb_events_open(&rt->events, events, &err) < 0) {
		cli_error(&err);
		return CLI_EXIT_REFUSED;
	}
	printf("pulling %s\n", o.ref);
	if (gb_pull(rt, &o, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	printf("Digest: %s\nStatus: downloaded image %s\n", o.digest, o.name);
	return 0;
}

static void show_loaded(void *data, const char *name)
{
	printf("Loaded image: %s\n", name);
}

int cmd_load(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_load_opts o = { .loaded = show_loaded };
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-i") || !strcmp(argv[i], "--input")) && i + 1 < argc)
			o.input = argv[++i];
		else if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			o.platform = argv[++i];
		else
			break;
	}
	if (!o.input || argc - i > 1) {
		fprintf(stderr, "usage: glassbox load -i FILE|DIR [--platform OS/ARCH] [NAME]\n"
				"  FILE: a docker save archive or an OCI image layout as a tar "
				"(plain, gzip, zstd); DIR: a layout directory\n");
		return 2;
	}
	o.name = i < argc ? argv[i] : NULL;
	struct gb_err err = { 0 };
	if (gb_load(rt, &o, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	return 0;
}
