/* The container's paths under the private roots, for a root that is not root outside
 * (userns_view.h). Lab 06 (user-namespace-rootless); the roots' modes: lab 16. */
#include "storage/userns_view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns/userns.h"
#include "base/util.h"
#include "storage/volume.h"

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);
	return strncmp(path, root, n) == 0 && path[n] == '/';
}

/* A path outside both roots is left alone: the mapped root reaches it, or the mount
 * that needs it says which directory it could not search. */
static int add(struct gb_userns_view *v, const struct gb_runtime *rt, const char *path,
	       struct gb_err *err)
{
	if (!under(path, rt->data_root) && !under(path, rt->state_root))
		return 0;
	if (v->n >= GB_VIEW_MAX)
		return gb_err_set(err, E2BIG, "open", "more than %d directories to bind: %s",
				  GB_VIEW_MAX, path);
	/* Our fsuid is still the host's 0: the owner of every directory on the way. */
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "open(\"%s\", O_PATH) failed", path);
	v->path[v->n] = strdup(path);
	if (!v->path[v->n]) {
		close(fd);
		return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	v->fd[v->n++] = fd;
	return 0;
}

static int add_mounts(struct gb_userns_view *v, const struct gb_runtime *rt,
		      const struct gb_config *c, struct gb_err *err)
{
	for (int i = 0; i < c->nmounts; i++) {
		const struct gb_mount *m = &c->mounts[i];
		char src[700];
		if (m->type == GB_MOUNT_TMPFS)
			continue;
		if (m->type == GB_MOUNT_VOLUME)
			gb_volume_data_path(rt, m->source, src, sizeof src);
		else
			snprintf(src, sizeof src, "%s", m->source);
		int r = add(v, rt, src, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int gb_userns_view_open(struct gb_userns_view *v, const struct gb_runtime *rt,
			const struct gb_state *st, struct gb_err *err)
{
	char lower[sizeof st->lower], dir[700];
	v->n = 0;
	snprintf(lower, sizeof lower, "%s", st->lower);
	char *save = NULL;
	for (char *p = strtok_r(lower, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		int r = add(v, rt, p, err);
		if (r < 0)
			return r;
	}
	/* upper and work together: overlay wants them on one mount. */
	snprintf(dir, sizeof dir, "%s", st->upper);
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	int r = add(v, rt, dir, err);
	if (r == 0)
		gb_state_dir(rt, st->cfg.id, dir, sizeof dir);
	if (r == 0)
		r = add(v, rt, dir, err);
	return r < 0 ? r : add_mounts(v, rt, &st->cfg, err);
}

/* An empty tmpfs over the root, in our mount namespace only: the host keeps its 0700
 * directory; we see a directory that we (the mapped root) own. */
static int cover(const char *root, struct gb_err *err)
{
	if (mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=1m") ==
	    0)
		return 0;
	int r = gb_err_set(err, errno, "mount",
			   "mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|"
			   "MS_NODEV|MS_NOEXEC, \"mode=0700\") failed",
			   root);
	if (errno == EACCES)
		gb_err_hint(err,
			    "the container's root cannot search a parent of %s: chmod o+x it, "
			    "or choose a --data-root/--root whose parents everyone may search",
			    root);
	return r;
}

/* A mount point of the source's kind (a bind covers a directory with a directory, a
 * file with a file), made in the tmpfs. */
static int mount_point(int fd, const char *path, struct gb_err *err)
{
	struct stat st;
	char parent[700];
	if (fstat(fd, &st) < 0)
		return gb_err_set(err, errno, "fstat", "cannot stat %s", path);
	snprintf(parent, sizeof parent, "%s", path);
	*strrchr(parent, '/') = '\0';
	int r = gb_mkdir_p(S_ISDIR(st.st_mode) ? path : parent, 0700);
	if (r == 0 && !S_ISDIR(st.st_mode)) {
		int f = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		r = f < 0 ? -errno : close(f);
	}
	return r < 0 ? gb_err_set(err, -r, "mkdir", "cannot create %s on the tmpfs", path) : 0;
}

static int bind_one(int fd, const char *path, struct gb_err *err)
{
	char src[64];
	int r = mount_point(fd, path, err);
	if (r < 0)
		return r;
	/* /proc/self/fd/N leads to the opened directory itself: no search of the path it
	 * came from. MS_REC: a bind of part of a mount we got from the host must take what
	 * is mounted below it along (the kernel refuses to uncover it). */
	snprintf(src, sizeof src, "/proc/self/fd/%d", fd);
	if (mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, "
				  "NULL) failed",
				  src, path);
	return 0;
}

static void view_free(struct gb_userns_view *v)
{
	for (size_t i = 0; i < v->n; i++) {
		close(v->fd[i]);
		free(v->path[i]);
	}
	v->n = 0;
}

int gb_userns_view_mount(struct gb_userns_view *v, const struct gb_runtime *rt, struct gb_err *err)
{
	const char *d = rt->data_root, *s = rt->state_root;
	int r = 0;
	/* One tmpfs per root, or one for both when one holds the other. */
	if (!under(d, s))
		r = cover(d, err);
	if (r == 0 && strcmp(s, d) && !under(s, d))
		r = cover(s, err);
	for (size_t i = 0; r == 0 && i < v->n; i++)
		r = bind_one(v->fd[i], v->path[i], err);
	view_free(v);
	return r;
}

void gb_userns_view_call(const struct gb_runtime *rt, const struct gb_state *st, char *buf,
			 size_t len)
{
	char dir[700];
	gb_state_dir(rt, st->cfg.id, dir, sizeof dir);
	snprintf(buf, len,
		 "mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV|MS_NOEXEC, "
		 "\"mode=0700\"); the same on %s; mkdir(...); mount(\"/proc/self/fd/N\", "
		 "\"%s/containers/%s\", "
		 "NULL, MS_BIND|MS_REC, NULL); the same for each layer, %s and each volume",
		 rt->data_root, rt->state_root, rt->data_root, st->cfg.id, dir);
}

static int check_parent(const char *root, uid_t uid, gid_t gid, struct gb_err *err)
{
	char parent[600];
	snprintf(parent, sizeof parent, "%s", root);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	return gb_userns_check_reachable(parent, uid, gid, err);
}

int gb_userns_view_check(const struct gb_runtime *rt, uid_t uid, gid_t gid, struct gb_err *err)
{
	/* Where the tmpfs goes: the outer root when one holds the other (as in cover()). */
	const char *d = rt->data_root, *s = rt->state_root;
	int r = under(d, s) ? 0 : check_parent(d, uid, gid, err);
	if (r == 0 && strcmp(s, d) && !under(s, d))
		r = check_parent(s, uid, gid, err);
	return r;
}
