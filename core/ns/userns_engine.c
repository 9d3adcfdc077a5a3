/* User namespaces in the engine: which maps a container gets (root's choice or rootless
 * defaults), becoming root of the new namespace, and the files on the host that must
 * belong to the mapped ids. user_namespaces(7), subuid(5), overlayfs.rst ("Permission
 * model"). Lab 06 (user-namespace-rootless). */
#include "ns/userns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <sys/wait.h>
#include <unistd.h>

#include "state/config.h"
#include "base/util.h"

bool gb_userns_rootless(void)
{
	return geteuid() != 0;
}

/* ------------------------------------------------------------ choosing the maps */

static bool have_helper(const char *name)
{
	const char *path = getenv("PATH");
	char copy[2048], full[2100];
	snprintf(copy, sizeof copy, "%s:/usr/bin:/usr/sbin:/bin:/sbin", path ? path : "");
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (snprintf(full, sizeof full, "%s/%s", d, name) < (int)sizeof full &&
		    access(full, X_OK) == 0)
			return true;
	return false;
}

/* Root's --userns=auto: root's own subordinate range if /etc/subuid has one, else the
 * range Docker's userns-remap usually gets (100000, 65536 ids). */
static void root_auto_maps(struct gb_config *c)
{
	uint32_t us = 100000, uc = 65536, gs = 100000, gc = 65536;
	gb_userns_subid("/etc/subuid", "root", 0, &us, &uc, NULL);
	gb_userns_subid("/etc/subgid", "root", 0, &gs, &gc, NULL);
	c->uid_map = (struct gb_idmap){ .r = { { 0, us, uc } }, .n = 1 };
	c->gid_map = (struct gb_idmap){ .r = { { 0, gs, gc } }, .n = 1 };
}

/* Rootless: the user's own uid becomes root inside. Their /etc/subuid range (if any,
 * and only through the setuid helpers newuidmap/newgidmap) gives ids 1.. inside. */
static void rootless_maps(struct gb_config *c)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct passwd *pw = getpwuid(uid);
	const char *name = pw ? pw->pw_name : NULL;
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;
	bool sub = have_helper("newuidmap") && have_helper("newgidmap") &&
		   gb_userns_subid("/etc/subuid", name, uid, &us, &uc, NULL) == 0 &&
		   gb_userns_subid("/etc/subgid", name, uid, &gs, &gc, NULL) == 0;
	gb_userns_default_map(uid, us, sub ? uc : 0, &c->uid_map);
	gb_userns_default_map(gid, gs, sub ? gc : 0, &c->gid_map);
}

int gb_userns_resolve(struct gb_config *c, struct gb_err *err)
{
	bool rootless = gb_userns_rootless();
	if (strcmp(c->userns, "host") == 0) {
		if (rootless) {
			int r = gb_err_set(err, EPERM, "",
					   "--userns=host needs root: as uid %u, "
					   "namespaces can only be made inside a user namespace",
					   (unsigned)geteuid());
			gb_err_hint(err,
				    "drop --userns=host (rootless always uses a user namespace)");
			return r;
		}
		if (c->uid_map.n || c->gid_map.n)
			return gb_err_set(err, EINVAL, "",
					  "--userns=host excludes --uidmap and --gidmap");
		return 0;
	}
	if (c->uid_map.n && !c->gid_map.n)
		c->gid_map = c->uid_map;
	if (c->gid_map.n && !c->uid_map.n)
		c->uid_map = c->gid_map;
	if (!c->uid_map.n && rootless)
		rootless_maps(c);
	else if (!c->uid_map.n && strcmp(c->userns, "auto") == 0)
		root_auto_maps(c);
	if (!c->uid_map.n)
		return 0; /* root, no user namespace asked: the default */
	if (gb_userns_to_outside(&c->uid_map, 0) < 0 || gb_userns_to_outside(&c->gid_map, 0) < 0) {
		int r = gb_err_set(err, EINVAL, "",
				   "the id maps must map id 0 inside: the container's "
				   "setup runs as root of its user namespace");
		gb_err_hint(err, "start the map with 0, e.g. --uidmap 0:100000:65536");
		return r;
	}
	/* Limits need a cgroup: rootless, one delegated to the user (engine/container.c
	 * asks cgroup/cgroup_container.h, which knows where). */
	return gb_userns_check_allowed(err);
}

/* ------------------------------------------------------------ in the child */

int gb_userns_become_root(struct gb_err *err)
{
	/* Just after clone our ids are the host's, which the map may not contain (they
	 * then read as 65534, "nobody"); CAP_SETUID in the new namespace lets us pick 0. */
	if (setresgid(0, 0, 0) < 0)
		return gb_err_set(err, errno, "setresgid",
				  "setresgid(0, 0, 0) in the user namespace failed");
	/* Supplementary groups of the host would show as 65534 inside: drop them. With
	 * setgroups "deny" (rootless) the kernel refuses, and we have none to drop. */
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return gb_err_set(err, errno, "setgroups", "setgroups(0, NULL) failed");
	if (setresuid(0, 0, 0) < 0)
		return gb_err_set(err, errno, "setresuid",
				  "setresuid(0, 0, 0) in the user namespace failed");
	/* A uid change makes the process non-dumpable (its /proc files turn root's); we run
	 * nothing secret yet and the host observes us through /proc. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return 0;
}

/* ------------------------------------------------------------ files on the host */

static bool can_search(const struct stat *st, uid_t uid, gid_t gid)
{
	if (st->st_uid == uid)
		return st->st_mode & S_IXUSR;
	if (st->st_gid == gid)
		return st->st_mode & S_IXGRP;
	return st->st_mode & S_IXOTH;
}

int gb_userns_check_reachable(const char *path, uid_t uid, gid_t gid, struct gb_err *err)
{
	char dir[4096];
	if (gb_path(dir, sizeof dir, "%s", path) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "path too long: %s", path);
	/* From the top: the first directory the mapped root cannot search is the one to fix. */
	for (char *p = dir + 1;; p++) {
		bool end = *p == '\0';
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		struct stat st;
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && !can_search(&st, uid, gid)) {
			int r = gb_err_set(err, EACCES, "",
					   "the container's root (uid %u on the host) "
					   "cannot search %s (mode %04o, owner %u): the overlay "
					   "mount inside its user namespace would fail",
					   (unsigned)uid, dir, (unsigned)(st.st_mode & 07777),
					   (unsigned)st.st_uid);
			gb_err_hint(err,
				    "chmod o+x %s, or choose a --data-root whose parents "
				    "everyone may search",
				    dir);
			return r;
		}
		if (end)
			return 0;
		*p = '/';
	}
}

/* Give one file the owner it should have seen from inside: id N on disk -> the id the
 * map gives N outside. chown clears set-user-ID bits, so the mode is set again. */
static int shift_entry(const char *path, const struct gb_idmap *u, const struct gb_idmap *g,
		       struct gb_err *err)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return gb_err_set(err, errno, "lstat", "cannot read %s", path);
	long long nu = gb_userns_to_outside(u, st.st_uid), ng = gb_userns_to_outside(g, st.st_gid);
	if (lchown(path, nu < 0 ? (uid_t)-1 : (uid_t)nu, ng < 0 ? (gid_t)-1 : (gid_t)ng) < 0)
		return gb_err_set(err, errno, "lchown", "cannot change the owner of %s", path);
	if (!S_ISLNK(st.st_mode) && chmod(path, st.st_mode & 07777) < 0)
		return gb_err_set(err, errno, "chmod", "cannot restore the mode of %s", path);
	if (!S_ISDIR(st.st_mode))
		return 0;
	/* Mounted inside the user namespace, overlay reads only user.overlay.* (userxattr,
	 * storage/rootfs.c): a directory that a layer made as root marks opaque in
	 * trusted.overlay.opaque is marked there too, or what it hides would show again. */
	char opaque = 0;
	if (getxattr(path, "trusted.overlay.opaque", &opaque, 1) == 1 && opaque == 'y' &&
	    setxattr(path, "user.overlay.opaque", "y", 1, 0) < 0) {
		int r = gb_err_set(err, errno, "setxattr",
				   "cannot mark %s opaque for the user namespace", path);
		if (errno == EOPNOTSUPP)
			gb_err_hint(err, "the data root's filesystem keeps no user.* xattrs: "
					 "choose a --data-root on ext4 or xfs");
		return r;
	}
	DIR *d = opendir(path);
	if (!d)
		return gb_err_set(err, errno, "opendir", "cannot read %s", path);
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		char child[4096];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (gb_path(child, sizeof child, "%s/%s", path, de->d_name) < 0)
			r = gb_err_set(err, ENAMETOOLONG, "", "path too long under %s", path);
		else
			r = shift_entry(child, u, g, err);
	}
	closedir(d);
	return r;
}

/* One layer: reuse DIR.userns-KEY, or make it (copy, shift, then rename: two engines
 * racing for the same layer both end with one complete copy). */
static int shift_layer(const char *layer, const char *key, const struct gb_idmap *u,
		       const struct gb_idmap *g, char *out, size_t len, struct gb_err *err)
{
	char tmp[4200];
	struct stat st;
	if (gb_path(out, len, "%s.userns-%s", layer, key) < 0 ||
	    gb_path(tmp, sizeof tmp, "%s.tmp-%d", out, (int)getpid()) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "layer path too long: %s", layer);
	if (stat(out, &st) == 0)
		return 0;
	gb_rm_rf(tmp);
	int r = gb_copy_tree(layer, tmp, err);
	if (r == 0)
		r = shift_entry(tmp, u, g, err);
	if (r == 0 && rename(tmp, out) < 0 && errno != EEXIST && errno != ENOTEMPTY)
		r = gb_err_set(err, errno, "rename", "cannot rename %s to %s", tmp, out);
	gb_rm_rf(tmp);
	return r;
}

int gb_userns_shift_lower(const char *lower, const struct gb_idmap *uids,
			  const struct gb_idmap *gids, char *out, size_t len, struct gb_err *err)
{
	/* The key names the maps; ':' separates overlay's lower dirs, so none in it. */
	char key[600], us[256], gs[256];
	gb_userns_map_spec(uids, us, sizeof us);
	gb_userns_map_spec(gids, gs, sizeof gs);
	/* "_o": copies that carry user.overlay.opaque (copies made before did not) */
	snprintf(key, sizeof key, "%s_%s_o", us, gs);
	for (char *p = key; *p; p++)
		*p = *p == ':' ? '-' : *p == ',' ? '+' : *p;
	gb_autofree char *copy = strdup(lower);
	if (!copy)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	size_t used = 0;
	out[0] = '\0';
	char *save = NULL;
	for (char *layer = strtok_r(copy, ":", &save); layer; layer = strtok_r(NULL, ":", &save)) {
		char shifted[4200];
		int r = shift_layer(layer, key, uids, gids, shifted, sizeof shifted, err);
		if (r < 0)
			return r;
		int n = snprintf(out + used, len - used, "%s%s", used ? ":" : "", shifted);
		if (n < 0 || (size_t)n >= len - used)
			return gb_err_set(err, E2BIG, "", "overlay lower dirs too long");
		used += (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------------ removal */

static void rm_child(const char *path, int ready, int go)
{
	char c;
	if (unshare(CLONE_NEWUSER) < 0)
		_exit(2);
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(3); /* the parent could not write our maps */
	if (gb_userns_become_root(NULL) < 0)
		_exit(4);
	_exit(gb_rm_rf(path) < 0 ? 1 : 0);
}

int gb_userns_rm_rf(const char *path, const struct gb_idmap *uids, const struct gb_idmap *gids,
		    struct gb_err *err)
{
	int ready[2], go[2];
	if (pipe2(ready, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		rm_child(path, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	char c;
	int r = pid < 0 ? gb_err_set(err, errno, "fork", "cannot fork")
		: read(ready[0], &c, 1) != 1
			? gb_err_set(err, EPERM, "unshare", "unshare(CLONE_NEWUSER) failed")
			: gb_userns_write_maps(pid, uids, gids, err);
	if (r == 0 && write(go[1], "g", 1) != 1)
		r = gb_err_set(err, EPIPE, "write", "the removal helper died");
	close(ready[0]);
	close(go[1]);
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		r = gb_err_set(err, EIO, "", "cannot remove %s inside the user namespace", path);
	return r;
}
