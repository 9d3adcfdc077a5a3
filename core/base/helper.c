/* A program of ours run as a child with its error brought back: fork(2), execv(2), a
 * pipe(2) whose write end survives the exec (no O_CLOEXEC) and waitpid(2). */
#include "base/helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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

static int wait_child(pid_t pid, const char *path, int rfd, struct gb_err *err)
{
	struct gb_err got;
	ssize_t n = gb_read_full(rfd, &got, sizeof got);
	close(rfd);
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

int gb_helper_run(const char *path, const char *const args[], struct gb_err *err)
{
	char *argv[64];
	size_t n = 0;
	argv[n++] = (char *)path;
	for (; args[n - 1] && n < GB_ARRAY_LEN(argv) - 1; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot run %s", path);
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
		return gb_err_set(err, e, env ? "fork" : "calloc", "cannot run %s", path);
	}
	if (pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFD, 0); /* the write end is the child's to keep */
		exec_child(path, argv, env, p[1], &exec_err);
	}
	free(env);
	close(p[1]);
	return wait_child(pid, path, p[0], err);
}

int gb_helper_report(const struct gb_err *err)
{
	const char *env = getenv(GB_HELPER_ERR_FD);
	if (!env || !*env)
		return 0;
	int fd = atoi(env);
	return fd > 2 && gb_write_full(fd, err, sizeof *err) == (ssize_t)sizeof *err;
}
