/* A program of ours run as a child with its error (and, if asked, its lines) brought
 * back: fork(2), execv(2), pipes whose write ends survive the exec (no O_CLOEXEC), poll(2)
 * on their read ends, and waitpid(2). */
#include "base/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

int gb_helper_path(const char *share_dir, const char *name, char *buf, size_t len,
		   struct gb_err *err)
{
	const char *env = strcmp(name, "glassbox-images") ? NULL : getenv("GLASSBOX_IMAGES");
	int r = env && *env ? gb_path(buf, len, "%s", env)
			    : gb_path(buf, len, "%s/../../libexec/glassbox/%s", share_dir, name);
	if (r < 0)
		return gb_err_set(err, -r, "", "the path of %s is too long", name);
	if (access(buf, X_OK) < 0) {
		r = gb_err_set(err, errno, "access", "this command needs %s", buf);
		gb_err_hint(err,
			    "build it with `make` (build/libexec/glassbox/%s), or `make "
			    "install` puts it under PREFIX/libexec/glassbox",
			    name);
		return r;
	}
	return 0;
}

/* Our environment plus GLASSBOX_HELPER_ERR_FD=WFD, made before fork (the child between
 * fork and exec makes only async-signal-safe calls). NULL when out of memory. */
static char **helper_env(int wfd, char *var, size_t len)
{
	extern char **environ;
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	snprintf(var, len, "%s=%d", GB_HELPER_ERR_FD, wfd);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], GB_HELPER_ERR_FD "=", sizeof GB_HELPER_ERR_FD))
			env[k++] = environ[i];
	env[k++] = var;
	return env;
}

/* E was filled before fork (formatting is not async-signal-safe): only its errno is the
 * child's own. */
static void exec_child(const char *path, char **argv, char **env, int wfd, struct gb_err *e)
{
	execve(path, argv, env);
	e->code = errno;
	ssize_t n = write(wfd, e, sizeof *e);
	_exit(n < 0 ? 126 : 127);
}

/* The lines read so far that no newline has ended yet. */
struct line_buf {
	char buf[8192];
	size_t len;
	bool skipping; /* the rest of a line longer than buf */
};

/* One read of the lines pipe, each whole line to the caller; false at EOF or an error. */
static bool read_lines(struct gb_helper_lines *l, struct line_buf *b)
{
	ssize_t n = read(l->rfd, b->buf + b->len, sizeof b->buf - b->len);
	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0)
		return false;
	b->len += (size_t)n;
	char *start = b->buf, *nl;
	while ((nl = memchr(start, '\n', b->len - (size_t)(start - b->buf)))) {
		if (!b->skipping)
			l->line(l->data, start, (size_t)(nl - start));
		b->skipping = false;
		start = nl + 1;
	}
	b->len -= (size_t)(start - b->buf);
	memmove(b->buf, start, b->len);
	if (b->len == sizeof b->buf)
		b->len = 0, b->skipping = true;
	return true;
}

/* Until the child has closed both pipes (at its exit, or the error pipe when its exec
 * fails): its gb_err from RFD, its lines to the caller. poll(2) in this thread, not a
 * reader thread: a thread blocked reading a FILE holds its lock, and the fflush(NULL)
 * before a fork waits for every FILE's lock (CI once hung there for 600 s). */
static ssize_t read_child(int rfd, struct gb_err *got, struct gb_helper_lines *l)
{
	struct line_buf b;
	b.len = 0, b.skipping = false;
	ssize_t have = 0;
	bool err_open = true, lines_open = l != NULL;
	while (err_open || lines_open) {
		struct pollfd p[2] = { { err_open ? rfd : -1, POLLIN, 0 },
				       { lines_open ? l->rfd : -1, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			ssize_t n = read(rfd, (char *)got + have, sizeof *got - (size_t)have);
			if (n > 0)
				have += n;
			else if (n == 0 || errno != EINTR)
				err_open = false;
			if (have == (ssize_t)sizeof *got)
				err_open = false; /* a child reports once */
		}
		if (p[1].revents && !read_lines(l, &b))
			lines_open = false;
	}
	return have;
}

static int wait_child(pid_t pid, const char *path, int rfd, struct gb_helper_lines *l,
		      struct gb_err *err)
{
	struct gb_err got;
	ssize_t n = read_child(rfd, &got, l);
	close(rfd);
	if (l)
		close(l->rfd);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return gb_err_set(err, errno, "waitpid", "lost %s", path);
	if (n == (ssize_t)sizeof got && got.code) {
		*err = got;
		return -got.code;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return gb_err_set(err, EINTR, "", "%s was killed by signal %d", path, WTERMSIG(status));
}

static void close_lines(struct gb_helper_lines *l)
{
	if (l) {
		close(l->rfd);
		close(l->wfd);
	}
}

int gb_helper_run_lines(const char *path, const char *const args[], struct gb_helper_lines *lines,
			struct gb_err *err)
{
	char *argv[64];
	size_t n = 0;
	argv[n++] = (char *)path;
	for (; args[n - 1] && n < GB_ARRAY_LEN(argv) - 1; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		close_lines(lines);
		return gb_err_set(err, errno, "pipe2", "cannot run %s", path);
	}
	char var[64];
	char **env = helper_env(p[1], var, sizeof var);
	struct gb_err exec_err = { 0 };
	/* "execv", not "execve": run reports a failed execve as the container command's (126) */
	gb_err_set(&exec_err, ENOENT, "execv", "cannot run %s", path);
	pid_t pid = env ? (fflush(NULL), fork()) : -1;
	if (pid < 0) {
		int e = env ? errno : ENOMEM;
		free(env);
		close(p[0]);
		close(p[1]);
		close_lines(lines);
		return gb_err_set(err, e, env ? "fork" : "calloc", "cannot run %s", path);
	}
	if (pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFD, 0); /* the write end is the child's to keep */
		exec_child(path, argv, env, p[1], &exec_err);
	}
	free(env);
	close(p[1]);
	if (lines)
		close(lines->wfd); /* the child's copy closes at its exit: then EOF */
	return wait_child(pid, path, p[0], lines, err);
}

int gb_helper_run(const char *path, const char *const args[], struct gb_err *err)
{
	return gb_helper_run_lines(path, args, NULL, err);
}

int gb_helper_report(const struct gb_err *err)
{
	const char *env = getenv(GB_HELPER_ERR_FD);
	if (!env || !*env)
		return 0;
	int fd = atoi(env);
	return fd > 2 && gb_write_full(fd, err, sizeof *err) == (ssize_t)sizeof *err;
}
