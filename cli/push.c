/* glassbox tag, push, login, logout, save, import and image prune (issue 15, the registry
 * side): the work is in core/registry/ (tag, push, auth, login, save, import, prune); this
 * file prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "registry/auth.h"
#include "registry/import.h"
#include "registry/prune.h"
#include "registry/pull.h"
#include "registry/push.h"
#include "registry/ref.h"
#include "registry/save.h"
#include "registry/tag.h"
#include "storage/image.h"

int cmd_tag(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: glassbox tag SOURCE TARGET[:TAG]\n"
				"  e.g. glassbox tag app 127.0.0.1:5000/team/app:1.0\n");
		return 2;
	}
	struct gb_err err = { 0 };
	if (gb_image_tag(rt, argv[0], argv[1], &err) < 0) {
		cli_error(&err);
		return 1;
	}
	return 0;
}

static void show_push(void *data, const struct gb_push_progress *p)
{
	const char *d = strncmp(p->digest, "sha256:", 7) ? p->digest : p->digest + 7;
	printf("%zu/%zu %.12s: %s\n", p->index, p->count, d, p->status);
	fflush(stdout);
}

int cmd_push(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_push_opts o = { .progress = show_push };
	char *insecure[17] = { 0 };
	size_t n_insecure = 0;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--insecure-registry") && i + 1 < argc && n_insecure < 16)
			insecure[n_insecure++] = argv[++i];
		else
			break;
	}
	if (argc - i != 1) {
		fprintf(stderr, "usage: glassbox push [--insecure-registry HOST:PORT]... "
				"NAME[:TAG]\n  the registry is in NAME: glassbox tag IMAGE "
				"HOST:PORT/REPO:TAG first\n");
		return 2;
	}
	o.ref = argv[i];
	o.insecure = insecure;
	struct gb_err err = { 0 };
	printf("pushing %s\n", o.ref);
	if (gb_push(rt, &o, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	printf("%s: digest: %s size: %lld\n", o.tag, o.digest, o.size);
	return 0;
}

/* The password: a line of stdin (--password-stdin), or typed without echo. */
static int read_password(bool from_stdin, char *buf, size_t len)
{
	struct termios old, quiet;
	bool tty = !from_stdin && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (!from_stdin && !tty)
		return -1;
	if (tty) {
		fprintf(stderr, "Password: ");
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	bool got = fgets(buf, len, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return got ? 0 : -1;
}

static int login_usage(void)
{
	fprintf(stderr, "usage: glassbox login [--username U] [--password-stdin] "
			"[--insecure-registry HOST:PORT] REGISTRY\n");
	return 2;
}

int cmd_login(struct gb_runtime *rt, int argc, char **argv)
{
	const char *user = NULL;
	char *insecure[2] = { 0 };
	bool from_stdin = false;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-u") || !strcmp(argv[i], "--username")) && i + 1 < argc)
			user = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			from_stdin = true;
		else if (!strcmp(argv[i], "--insecure-registry") && i + 1 < argc)
			insecure[0] = argv[++i];
		else
			return login_usage();
	}
	if (argc - i != 1 || !user)
		return login_usage();
	char password[512], path[1024];
	if (read_password(from_stdin, password, sizeof password) < 0) {
		fprintf(stderr, "glassbox: no password: give it on stdin with --password-stdin "
				"(or run login on a terminal)\n");
		return 2;
	}
	struct gb_err err = { 0 };
	int r = gb_login(argv[i], user, password, insecure, &err);
	explicit_bzero(password, sizeof password);
	if (r < 0) {
		cli_error(&err);
		return 1;
	}
	gb_auth_config_path(path, sizeof path);
	printf("Login Succeeded (credentials in %s, mode 0600)\n", path);
	return 0;
}

int cmd_logout(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: glassbox logout REGISTRY\n");
		return 2;
	}
	struct gb_err err = { 0 };
	if (gb_auth_set(argv[0], NULL, NULL, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	printf("Removing login credentials for %s\n", gb_auth_key(argv[0]));
	return 0;
}

int cmd_save(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_save_opts o = { 0 };
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc)
			o.output = argv[++i];
		else if (!strcmp(argv[i], "--format") && i + 1 < argc &&
			 (!strcmp(argv[i + 1], "oci") || !strcmp(argv[i + 1], "docker")))
			o.oci = !strcmp(argv[++i], "oci");
		else
			break;
	}
	if (!o.output || i == argc) {
		fprintf(stderr, "usage: glassbox save -o FILE [--format docker|oci] IMAGE...\n"
				"  docker (the default): what docker load reads; oci: an OCI image "
				"layout as a tar\n");
		return 2;
	}
	o.images = argv + i;
	struct gb_err err = { 0 };
	if (gb_save(rt, &o, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	return 0;
}

int cmd_import(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc < 1 || argc > 2 || argv[0][0] == '-') {
		fprintf(stderr,
			"usage: glassbox import TARBALL [NAME[:TAG]]\n"
			"  a root filesystem tarball (plain, gzip, zstd, xz) as an image of "
			"one layer\n");
		return 2;
	}
	char name[256];
	struct gb_err err = { 0 };
	if (gb_import(rt, argv[0], argc == 2 ? argv[1] : NULL, name, sizeof name, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	printf("Imported %s as %s (it has no command: glassbox run %s CMD)\n", argv[0], name, name);
	return 0;
}

static void show_freed(void *data, const char *id, long long bytes)
{
	printf("deleted layer %s (%lld bytes)\n", id, bytes);
}

int cmd_image(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "ls"))
		return cmd_images(rt, argc - 1, argv + 1);
	if (argc != 1 || strcmp(argv[0], "prune")) {
		fprintf(stderr, "usage: glassbox image prune   (remove layers no image uses)\n"
				"       glassbox image ls      (= glassbox images)\n");
		return 2;
	}
	struct gb_prune_opts o = { .freed = show_freed };
	struct gb_err err = { 0 };
	if (gb_image_prune(rt, &o, &err) < 0) {
		cli_error(&err);
		return 1;
	}
	printf("Total reclaimed space: %lld bytes in %zu layer%s\n", o.bytes, o.layers,
	       o.layers == 1 ? "" : "s");
	return 0;
}

static void show_pull_stderr(void *data, const struct gb_pull_progress *p)
{
	const char **last = data;
	if (*last == p->status || !strcmp(p->status, "Downloading"))
		return;
	*last = p->status;
	fprintf(stderr, "%zu/%zu %.12s: %s\n", p->index, p->count, p->digest + 7, p->status);
}

/* run and create of an image glassbox lacks, as Docker does it (--pull missing, the
 * default): "Unable to find image" and a pull first, on stderr (stdout is the
 * container's); a bare `nginx` goes to Docker Hub as with docker run. always: pull even
 * when it is here (a newer tag). Names glassbox makes itself (busybox) resolve without one. */
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
	const char *last = NULL;
	struct gb_pull_opts o = { .ref = image,
				  .progress = show_pull_stderr,
				  .progress_data = &last };
	if (!always)
		fprintf(stderr, "Unable to find image '%s' locally\n", image);
	if ((r = gb_pull(rt, &o, err)) < 0) {
		if (!always)
			gb_err_hint(err, "--pull never keeps run to the images that are here "
					 "(`glassbox images`); `glassbox pull` fetches one");
		return r;
	}
	fprintf(stderr, "Digest: %s\nStatus: downloaded image %s\n", o.digest, o.name);
	return 0;
}
