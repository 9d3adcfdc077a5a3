/* The image commands (pull, push, login, load, save, import, tag, logout, image) live in
 * a second program, glassbox-images (cli/images/main.c), linked with libcurl, libarchive
 * and libcrypto; `glassbox` is not, so a container start maps none of their ~40 shared
 * objects. git does the same with git-remote-https. Here `glassbox pull ...` becomes
 * glassbox-images with the same arguments and environment: execv(2) keeps the process,
 * so the exit code is the image program's own. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

/* run --events: the child's image.pull events come up a pipe and join this stream as
 * they come, numbered in it (the child's own v, seq and t are left behind). A thread reads
 * them while this one waits for the child, which is all it does meanwhile. */
struct pull_relay {
	int fd;
	struct gb_events *ev;
};

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

static void relay_line(struct pull_relay *r, const char *line, size_t n)
{
	char e[128];
	struct gb_jval *v = gb_json_parse(line, n, e, sizeof e);
	if (v && v->type == GB_JOBJ && !strcmp(gb_jstr(v, "type", ""), "image.pull")) {
		struct gb_json j;
		gb_event_begin(r->ev, &j, "image.pull");
		for (const struct gb_jval *m = v->child; m; m = m->next)
			relay_member(&j, m);
		gb_event_emit(r->ev, &j);
	}
	gb_jval_free(v);
}

/* read(2), not stdio: a FILE this thread is blocked reading holds its lock, and the
 * fflush(NULL) before gb_helper_run's fork takes every FILE's lock: the child that would
 * write to us is never forked (a CI run hung there for 600 s). An event is one line; an
 * image.pull event is short, and a line longer than the buffer is not one: dropped whole. */
static void *relay_main(void *arg)
{
	struct pull_relay *r = arg;
	char buf[8192];
	size_t len = 0;
	bool skipping = false;
	for (;;) {
		ssize_t n = read(r->fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		char *start = buf, *nl;
		while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
			if (!skipping)
				relay_line(r, start, (size_t)(nl - start));
			skipping = false;
			start = nl + 1;
		}
		len -= (size_t)(start - buf);
		memmove(buf, start, len);
		if (len == sizeof buf) /* a line longer than the buffer: not an event of ours */
			len = 0, skipping = true;
	}
	close(r->fd);
	return NULL;
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
	/* A stream to a file or descriptor only: a listener in this process is not called
	 * from another thread. */
	int pipefd[2] = { -1, -1 };
	char spec[32];
	struct pull_relay relay = { -1, &rt->events };
	pthread_t reader;
	bool relaying = rt->events.fd >= 0 && !rt->events.listener && pipe2(pipefd, O_CLOEXEC) == 0;
	if (relaying) {
		fcntl(pipefd[1], F_SETFD, 0); /* the write end crosses the exec */
		relay.fd = pipefd[0];
		snprintf(spec, sizeof spec, "fd:%d", pipefd[1]);
		args[n++] = "--events";
		args[n++] = spec;
		if (pthread_create(&reader, NULL, relay_main, &relay) != 0) {
			close(pipefd[0]);
			n -= 2, relaying = false;
		}
	}
	args[n++] = image;
	args[n] = NULL;
	r = gb_helper_run(prog, args, err);
	if (pipefd[1] >= 0)
		close(pipefd[1]); /* the child's copy closed at its exit: the reader sees EOF */
	if (relaying)
		pthread_join(reader, NULL); /* it closes the read end */
	if (r > 0)
		return gb_err_set(err, EIO, "", "%s exited with status %d pulling %s", prog, r,
				  image);
	return r;
}
