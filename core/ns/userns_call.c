/* A function run as root of a new user namespace with given maps (userns.h): what a
 * rootless user needs to write files owned by its subordinate ids (chown to an id outside
 * the map fails with EINVAL; inside it, root of the namespace may give any mapped id).
 * The child unshares, the parent writes its maps (newuidmap for the subordinate ranges),
 * then the child becomes uid 0 and calls. Its gb_err comes back through a pipe. */
#include "ns/userns.h"
#include "state/config.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct call_pipes {
	int ready[2], go[2], err[2];
};

static void close_pipes(struct call_pipes *p)
{
	for (int i = 0; i < 2; i++) {
		if (p->ready[i] >= 0)
			close(p->ready[i]);
		if (p->go[i] >= 0)
			close(p->go[i]);
		if (p->err[i] >= 0)
			close(p->err[i]);
	}
}

static void call_child(struct call_pipes *p, int (*fn)(void *, struct gb_err *), void *arg)
{
	struct gb_err e = { 0 };
	char c;
	int r = -EPERM;
	if (unshare(CLONE_NEWUSER) < 0)
		gb_err_set(&e, errno, "unshare", "unshare(CLONE_NEWUSER) failed");
	else if (write(p->ready[1], "r", 1) != 1 || read(p->go[0], &c, 1) != 1)
		_exit(3); /* the parent could not write our maps: it says why */
	else if ((r = gb_userns_become_root(&e)) == 0)
		r = fn(arg, &e);
	if (r < 0 && write(p->err[1], &e, sizeof e) != (ssize_t)sizeof e)
		_exit(2);
	_exit(r < 0 ? 1 : 0);
}

static int call_parent(struct call_pipes *p, pid_t pid, const struct gb_idmap *uids,
		       const struct gb_idmap *gids, struct gb_err *err)
{
	char c;
	int r = 0;
	if (read(p->ready[0], &c, 1) == 1) {
		r = gb_userns_write_maps(pid, uids, gids, err);
		if (r == 0 && write(p->go[1], "g", 1) != 1)
			r = gb_err_set(err, EPIPE, "write", "the user-namespace child died");
	}
	close(p->go[1]);
	p->go[1] = -1;
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	struct gb_err child = { 0 };
	if (r == 0 && read(p->err[0], &child, sizeof child) == (ssize_t)sizeof child) {
		*err = child;
		return -(child.code ? child.code : EIO);
	}
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = gb_err_set(err, EIO, "", "the user-namespace child ended with status %d",
			       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return r;
}

int gb_userns_call(int (*fn)(void *arg, struct gb_err *err), void *arg, const struct gb_idmap *uids,
		   const struct gb_idmap *gids, struct gb_err *err)
{
	struct call_pipes p = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	if (pipe2(p.ready, O_CLOEXEC) < 0 || pipe2(p.go, O_CLOEXEC) < 0 ||
	    pipe2(p.err, O_CLOEXEC) < 0) {
		int r = gb_err_set(err, errno, "pipe2", "cannot create a pipe");
		close_pipes(&p);
		return r;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int r = gb_err_set(err, errno, "fork", "cannot fork");
		close_pipes(&p);
		return r;
	}
	if (pid == 0)
		call_child(&p, fn, arg);
	close(p.ready[1]);
	close(p.err[1]);
	p.ready[1] = p.err[1] = -1;
	int r = call_parent(&p, pid, uids, gids, err);
	close_pipes(&p);
	return r;
}

int gb_userns_rootless_maps(struct gb_idmap *uids, struct gb_idmap *gids, struct gb_err *err)
{
	/* The maps a rootless container gets (userns_engine.c): the user's own ids as root,
	 * their subordinate ranges as 1.. */
	gb_autofree struct gb_config *c = calloc(1, sizeof *c);
	if (!c)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int r = gb_userns_resolve(c, err);
	*uids = c->uid_map;
	*gids = c->gid_map;
	return r;
}

int gb_userns_call_rootless(int (*fn)(void *arg, struct gb_err *err), void *arg, struct gb_err *err)
{
	struct gb_idmap uids, gids;
	int r = gb_userns_rootless_maps(&uids, &gids, err);
	return r < 0 ? r : gb_userns_call(fn, arg, &uids, &gids, err);
}
