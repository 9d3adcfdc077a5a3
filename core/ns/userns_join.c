/* Joining a user namespace by path (userns_join.h). setns(CLONE_NEWUSER) is one-way: a
 * process that joined a user namespace has no capability left in its parent's, so it
 * could no longer make cgroups or write glassbox's state as the host's root. Both
 * functions therefore let a short-lived child join it, never the engine itself. */
#include "ns/userns_join.h"
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <unistd.h>

#include "base/util.h"

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int join_error(const char *path, int e, struct gb_err *err)
{
	int r = gb_err_set(err, e, "setns", "cannot join the user namespace %s", path);
	if (e == EINVAL)
		gb_err_hint(err, "the path must name a user namespace (/proc/PID/ns/user, or a "
				 "bind mount of one) other than the caller's own");
	else if (e == EPERM)
		gb_err_hint(err, "joining needs CAP_SYS_ADMIN over that namespace (as root)");
	return r;
}

/* fork a child that joins path and tells us over p[1] (0 or -errno), then waits for its
 * pipe to close. */
static pid_t join_child(const char *path, int p[2], int q[2])
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	close(p[0]);
	close(q[1]);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int v = fd < 0 || setns(fd, CLONE_NEWUSER) < 0 ? -errno : 0;
	(void)!write(p[1], &v, sizeof v);
	char c;
	(void)!read(q[0], &c, 1); /* until the parent has read our maps */
	_exit(0);
}

int gb_userns_join_maps(const char *path, struct gb_idmap *uids, struct gb_idmap *gids,
			struct gb_err *err)
{
	int p[2], q[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot make a pipe");
	if (pipe2(q, O_CLOEXEC) < 0) {
		close(p[0]);
		close(p[1]);
		return gb_err_set(err, errno, "pipe2", "cannot make a pipe");
	}
	pid_t pid = join_child(path, p, q);
	close(p[1]);
	close(q[0]);
	int v = -EPIPE;
	if (pid < 0 || read(p[0], &v, sizeof v) != sizeof v)
		v = pid < 0 ? -errno : -EPIPE;
	int r = v < 0 ? join_error(path, -v, err) : gb_userns_read_map(pid, "uid_map", uids, err);
	if (r == 0)
		r = gb_userns_read_map(pid, "gid_map", gids, err);
	close(p[0]);
	close(q[1]);
	if (pid > 0)
		reap(pid);
	if (r == 0 && (!uids->n || !gids->n)) {
		r = gb_err_set(err, EINVAL, "", "the user namespace %s has no uid or gid map yet",
			       path);
		gb_err_hint(err, "its maker writes /proc/PID/uid_map and gid_map before a "
				 "container can join it");
	}
	return r;
}

/* Its own new user namespace is not made: the joined one is the container's. */
pid_t gb_userns_join_clone(const char *path, int flags, int cgroup_fd, int *pidfd,
			   struct gb_err *err)
{
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool joined = false;
	*pidfd = -1;
	pid_t pid = fd < 0 ? -errno
			   : gb_ns_clone_in_userns(fd, flags & ~CLONE_NEWUSER, cgroup_fd, pidfd,
						   &joined);
	if (pid < 0 && !joined)
		return join_error(path, -pid, err);
	if (pid < 0)
		return gb_err_set(err, -pid, "clone3",
				  "cannot make the container's namespaces inside the user "
				  "namespace %s",
				  path);
	return pid;
}
