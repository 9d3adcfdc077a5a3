/* Volumes, bind mounts, tmpfs and the read-only root (volume.h). Parsing and the volume
 * store run on the host; gb_mounts_apply runs in the container's new mount namespace,
 * after the overlay is mounted and before pivot_root, so host paths (bind sources,
 * volume data) are still reachable and every mount dies with the namespace. Lab 12. */
#include "storage/volume.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "storage/image.h"
#include "base/json.h"
#include "state/state.h"
#include "base/util.h"

/* ------------------------------------------------------------ the volume store (host) */

int gb_volume_data_path(const struct gb_runtime *rt, const char *name, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/volumes/%s/_data", rt->data_root, name);
}

int gb_volume_create(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	if (!gb_volume_name_valid(name)) {
		int r = gb_err_set(err, EINVAL, "", "invalid volume name '%s'", name);
		gb_err_hint(err, "letters, digits, '_', '.', '-', starting with a letter or digit");
		return r;
	}
	char data[700], meta[700];
	gb_volume_data_path(rt, name, data, sizeof data);
	if (access(data, F_OK) == 0)
		return 1;
	/* volumes/ and volumes/NAME 0700 (only root reaches the content); _data itself 0755:
	 * its mode is what the container sees at the mount point. */
	char *slash = strrchr(data, '/');
	*slash = '\0';
	int r = gb_mkdir_p(data, 0700);
	*slash = '/';
	if (r == 0 && mkdir(data, 0755) < 0 && errno != EEXIST)
		r = -errno;
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create volume %s", data);
	char t[64], text[256];
	gb_rfc3339(t, sizeof t, gb_wallclock());
	snprintf(text, sizeof text, "{\"name\":\"%s\",\"created\":\"%s\"}\n", name, t);
	gb_path(meta, sizeof meta, "%s/volumes/%s/volume.json", rt->data_root, name);
	gb_write_atomic(meta, text, strlen(text), 0644);
	return 0;
}

int gb_volume_create_bound(struct gb_runtime *rt, const char *name, const char *device,
			   struct gb_err *err)
{
	struct stat st;
	if (stat(device, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int r = gb_err_set(err, ENOENT, "stat",
				   "volume %s: its device %s is not a directory", name, device);
		gb_err_hint(err,
			    "create it first (mkdir -p %s), as docker's local driver wants too",
			    device);
		return r;
	}
	char data[700], dir[700];
	gb_volume_data_path(rt, name, data, sizeof data);
	if (lstat(data, &st) == 0)
		return 1;
	gb_path(dir, sizeof dir, "%s/volumes/%s", rt->data_root, name);
	int r = gb_mkdir_p(dir, 0755);
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create volume %s", dir);
	/* open_tree(2) and opendir(3) follow the link; rm's nftw(FTW_PHYS) removes only it */
	if (symlink(device, data) < 0)
		return gb_err_set(err, errno, "symlink", "cannot link %s to %s", data, device);
	char t[64], meta[700];
	gb_autofree char *text = NULL;
	gb_rfc3339(t, sizeof t, gb_wallclock());
	if (asprintf(&text, "{\"name\":\"%s\",\"created\":\"%s\",\"device\":\"%s\"}\n", name, t,
		     device) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	gb_path(meta, sizeof meta, "%s/volumes/%s/volume.json", rt->data_root, name);
	gb_write_atomic(meta, text, strlen(text), 0644);
	return 0;
}

/* Containers (any state) whose config mounts the volume, as "name" strings. */
static char **volume_users(struct gb_runtime *rt, const char *name)
{
	struct gb_state *list = NULL;
	size_t n = 0;
	struct gb_err ignored = { 0 };
	char **users = calloc(1, sizeof *users);
	if (!users || gb_state_list(rt, &list, &n, &ignored) < 0)
		return users;
	for (size_t i = 0; i < n; i++)
		for (int m = 0; m < list[i].cfg.nmounts; m++) {
			const struct gb_mount *mt = &list[i].cfg.mounts[m];
			if (mt->type != GB_MOUNT_VOLUME || strcmp(mt->source, name))
				continue;
			gb_strv_push(&users, list[i].cfg.name);
			break;
		}
	gb_state_list_free(list, n);
	return users;
}

int gb_volume_remove(struct gb_runtime *rt, const char *name, bool force, struct gb_err *err)
{
	char dir[700];
	if (!gb_volume_name_valid(name))
		return gb_err_set(err, EINVAL, "", "invalid volume name '%s'", name);
	gb_path(dir, sizeof dir, "%s/volumes/%s", rt->data_root, name);
	if (access(dir, F_OK) < 0) {
		int r = gb_err_set(err, ENOENT, "", "no such volume: %s", name);
		gb_err_hint(err, "`glassbox volume ls` lists them");
		return r;
	}
	gb_autostrv char **users = volume_users(rt, name);
	if (users && users[0]) {
		int r = gb_err_set(err, EBUSY, "", "volume %s is in use by container %s", name,
				   users[0]);
		gb_err_hint(err, "remove the container first: glassbox rm -f %s", users[0]);
		return r;
	}
	int r = gb_rm_rf(dir);
	if (r < 0)
		return gb_err_set(err, -r, "rmdir", "cannot remove %s", dir);
	return 0;
}

char **gb_volume_list(struct gb_runtime *rt)
{
	char dir[700];
	gb_path(dir, sizeof dir, "%s/volumes", rt->data_root);
	char **v = calloc(1, sizeof *v);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (v && d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || !gb_volume_name_valid(de->d_name))
			continue;
		if (gb_strv_push(&v, de->d_name) < 0)
			break;
	}
	if (d)
		closedir(d);
	return v;
}

int gb_volume_inspect(struct gb_runtime *rt, const char *name, struct gb_json *j,
		      struct gb_err *err)
{
	char data[700], meta[700];
	gb_volume_data_path(rt, name, data, sizeof data);
	if (!gb_volume_name_valid(name) || access(data, F_OK) < 0)
		return gb_err_set(err, ENOENT, "", "no such volume: %s", name);
	gb_path(meta, sizeof meta, "%s/volumes/%s/volume.json", rt->data_root, name);
	gb_autofree char *text = NULL;
	struct gb_jval *v = gb_read_file(meta, &text, NULL) == 0
				    ? gb_json_parse(text, strlen(text), NULL, 0)
				    : NULL;
	gb_autostrv char **users = volume_users(rt, name);
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "name", name);
	gb_json_str(j, "driver", "local");
	gb_json_str(j, "mountpoint", data);
	gb_json_str(j, "created", gb_jstr(v, "created", ""));
	gb_json_int(j, "size", gb_du(data));
	gb_json_strv(j, "used_by", users);
	gb_json_obj_end(j);
	gb_jval_free(v);
	return 0;
}

int gb_mounts_prepare(struct gb_runtime *rt, const struct gb_mount *m, int n, struct gb_err *err)
{
	for (int i = 0; i < n; i++) {
		struct stat st;
		if (m[i].type == GB_MOUNT_BIND && stat(m[i].source, &st) < 0) {
			int r = gb_err_set(err, errno, "stat", "bind mount source %s", m[i].source);
			gb_err_hint(err,
				    "a bind mount shows an existing host path: create it first");
			return r;
		}
		if (m[i].type == GB_MOUNT_VOLUME) {
			int r = gb_volume_create(rt, m[i].source, err);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ container side */

static int open_beneath(int root_fd, const char *rel, struct gb_err *err, const char *target)
{
	/* RESOLVE_BENEATH: every step of the lookup, symlinks included, must stay below
	 * root_fd. An absolute symlink, or ".." climbing above it, fails with EXDEV instead
	 * of quietly landing on the host's /etc. */
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof how);
	if (fd >= 0)
		return fd;
	int e = errno;
	if (e == EXDEV || e == ELOOP) {
		char link[1024] = "?";
		ssize_t n = readlinkat(root_fd, rel, link, sizeof link - 1);
		if (n >= 0)
			link[n] = '\0';
		int r = gb_err_set(err, EXDEV, "openat2",
				   "mount target %s: /%s is a symlink to %s, "
				   "which leads out of the container's root filesystem",
				   target, rel, link);
		gb_err_hint(err,
			    "glassbox refuses to follow it (it could mount over the host's files): "
			    "choose a target that is a real directory in the image");
		return r;
	}
	if (e == ENOSYS)
		return gb_err_set(err, e, "openat2",
				  "this kernel has no openat2 (Linux 5.6 or newer needed)");
	return -e;
}

static int make_missing(int root_fd, const char *rel, bool as_file, struct gb_err *err,
			const char *target)
{
	char parent[1024];
	snprintf(parent, sizeof parent, "%s", rel);
	char *slash = strrchr(parent, '/');
	const char *name = slash ? slash + 1 : rel;
	if (slash)
		*slash = '\0';
	int pfd = slash ? open_beneath(root_fd, parent, err, target) : dup(root_fd);
	if (pfd < 0)
		return err->code ? pfd
				 : gb_err_set(err, -pfd, "openat2", "cannot open /%s", parent);
	/* O_PATH fds cannot be written through, but mkdirat/openat accept them as dirfd. */
	int r = 0;
	if (as_file) {
		int fd = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
				0644);
		if (fd < 0 && errno != EEXIST)
			r = -errno;
		if (fd >= 0)
			close(fd);
	} else if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST) {
		r = -errno;
	}
	close(pfd);
	if (r < 0)
		return gb_err_set(err, -r, as_file ? "openat" : "mkdirat",
				  "cannot create mount point %s", target);
	return 0;
}

int gb_mount_resolve(int root_fd, const char *path, bool create, bool as_file, struct gb_err *err)
{
	char rel[1024] = "";
	const char *p = path;
	int fd = -1;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		size_t used = strlen(rel);
		snprintf(rel + used, sizeof rel - used, "%s%.*s", used ? "/" : "", (int)n, p);
		p += n;
		bool last = strspn(p, "/") == strlen(p);
		if (fd >= 0)
			close(fd);
		fd = open_beneath(root_fd, rel, err, path);
		if (fd == -ENOENT && create) {
			int r = make_missing(root_fd, rel, last && as_file, err, path);
			fd = r < 0 ? r : open_beneath(root_fd, rel, err, path);
		}
		if (fd < 0)
			return err->code ? fd
					 : gb_err_set(err, -fd, "openat2",
						      "cannot resolve mount target %s", path);
	}
	return fd >= 0 ? fd : dup(root_fd);
}

/* An empty named volume is filled with what the image has at the target (Docker does
 * this too); a bind mount never is: it simply hides the image's files. */
static int fill_volume(const char *data, int target_fd, struct gb_err *err)
{
	DIR *d = opendir(data);
	int entries = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		entries += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	if (entries > 0)
		return 0;
	char fdpath[64], real[4096];
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", target_fd);
	ssize_t n = readlink(fdpath, real, sizeof real - 1);
	if (n < 0)
		return gb_err_set(err, errno, "readlink", "cannot read %s", fdpath);
	real[n] = '\0';
	struct stat st;
	if (stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return gb_copy_tree(real, data, err);
}

/* Bind a host directory (or a volume's data) with the new mount API: open_tree clones
 * the source as a detached mount, mount_setattr makes it read-only before anyone can
 * see it, move_mount attaches it on the target we resolved (no path lookup again). */
static int bind_tree(const char *src, int target_fd, bool readonly, const char *target,
		     struct gb_err *err)
{
	gb_autoclose int tree =
		open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return gb_err_set(err, errno, "open_tree",
				  "open_tree(\"%s\", OPEN_TREE_CLONE) failed", src);
	if (readonly) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
		if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
			return gb_err_set(err, errno, "mount_setattr", "cannot make %s read-only",
					  target);
	}
	if (move_mount(tree, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) <
	    0)
		return gb_err_set(err, errno, "move_mount", "cannot mount %s on %s", src, target);
	return 0;
}

static int mount_tmpfs(const struct gb_mount *m, int target_fd, struct gb_err *err)
{
	/* Mount on the resolved directory through its /proc/self/fd link: the kernel
	 * mounts on what the fd refers to, so no symlink can be swapped in meanwhile. */
	char fdpath[64], opts[160];
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", target_fd);
	snprintf(opts, sizeof opts, "%s%s", strstr(m->options, "mode=") ? "" : "mode=1777,",
		 m->options);
	size_t n = strlen(opts);
	if (n && opts[n - 1] == ',')
		opts[n - 1] = '\0';
	unsigned long flags = MS_NOSUID | MS_NODEV | (m->readonly ? MS_RDONLY : 0);
	if (mount("tmpfs", fdpath, "tmpfs", flags, opts) < 0)
		return gb_err_set(
			err, errno, "mount",
			"mount(\"tmpfs\", \"%s\", \"tmpfs\", MS_NOSUID|MS_NODEV, \"%s\") failed",
			m->target, opts);
	return 0;
}

static int apply_one(struct gb_runtime *rt, int root_fd, const struct gb_mount *m,
		     struct gb_err *err)
{
	char src[700];
	struct stat st;
	bool as_file =
		m->type == GB_MOUNT_BIND && stat(m->source, &st) == 0 && !S_ISDIR(st.st_mode);
	gb_autoclose int fd = gb_mount_resolve(root_fd, m->target, true, as_file, err);
	if (fd < 0)
		return fd;
	switch (m->type) {
	case GB_MOUNT_TMPFS: return mount_tmpfs(m, fd, err);
	case GB_MOUNT_VOLUME:
		gb_volume_data_path(rt, m->source, src, sizeof src);
		int r = fill_volume(src, fd, err);
		return r < 0 ? r : bind_tree(src, fd, m->readonly, m->target, err);
	case GB_MOUNT_BIND: return bind_tree(m->source, fd, m->readonly, m->target, err);
	}
	return -EINVAL;
}

int gb_mounts_apply(struct gb_runtime *rt, const char *root, const struct gb_mount *m, int n,
		    struct gb_err *err)
{
	gb_autoclose int root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		return gb_err_set(err, errno, "open", "cannot open the container's root %s", root);
	for (int i = 0; i < n; i++) {
		int r = apply_one(rt, root_fd, &m[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

int gb_mounts_readonly_root(const char *root, struct gb_err *err)
{
	/* A bind remount changes the flags of this one mount (the overlay), not of the
	 * filesystem nor of the volumes and tmpfs mounted on it: they stay writable. */
	if (mount(NULL, root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
		return gb_err_set(
			err, errno, "mount",
			"mount(NULL, \"%s\", NULL, MS_REMOUNT|MS_BIND|MS_RDONLY, NULL) failed",
			root);
	return 0;
}

/* ------------------------------------------------------------ observed */

static void mountinfo_at(int pid, const char *target, char *fstype, size_t flen, char *opts,
			 size_t olen)
{
	char path[64], line[4096];
	snprintf(path, sizeof path, "/proc/%d/mountinfo", pid);
	fstype[0] = opts[0] = '\0';
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f)) {
		/* id parent major:minor root mount-point options ... - fstype source super-options;
		 * after pivot_root the mount points are the container's own paths. */
		char mnt[1100], o[256], *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*d %*d %*s %*s %1099s %255s", mnt, o) == 2 &&
		    strcmp(mnt, target) == 0) {
			snprintf(opts, olen, "%s", o);
			sscanf(dash + 3, "%63s", fstype);
			fstype[flen - 1] = '\0';
		}
	}
	if (f)
		fclose(f);
}

void gb_mounts_emit(struct gb_runtime *rt, int pid, const struct gb_mount *m, int n)
{
	for (int i = 0; i < n; i++) {
		char fstype[64], opts[256];
		mountinfo_at(pid, m[i].target, fstype, sizeof fstype, opts, sizeof opts);
		struct gb_json e;
		gb_event_begin(&rt->events, &e, "volume.mount");
		gb_json_str(&e, "kind", gb_mount_type_name(m[i].type));
		gb_json_str(&e, "source", m[i].source);
		gb_json_str(&e, "target", m[i].target);
		gb_json_bool(&e, "ro", m[i].readonly);
		if (fstype[0]) { /* absent when the container already exited: nothing to read */
			gb_json_str(&e, "fstype", fstype);
			gb_json_str(&e, "options", opts);
		}
		gb_event_emit(&rt->events, &e);
	}
}

/* ------------------------------------------------------------ anonymous volumes */

static bool same_target(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

int gb_mounts_add_anon(struct gb_mount *m, int *n, int max, char *const *paths, const char *id,
		       struct gb_err *err)
{
	int k = 0;
	for (char *const *p = paths; p && *p; p++, k++) {
		bool covered = false;
		for (int i = 0; i < *n; i++)
			covered |= same_target(m[i].target, *p);
		if (covered)
			continue; /* -v NAME:PATH given for it: that one wins, as in Docker */
		if (*n >= max)
			return gb_err_set(err, E2BIG, "",
					  "too many mounts with the image's VOLUMEs");
		char spec[4200];
		snprintf(spec, sizeof spec, "anon-%s-%d:%s", id, k, *p);
		int r = gb_mount_parse_volume(spec, &m[*n], err);
		if (r < 0)
			return r;
		(*n)++;
	}
	return 0;
}

void gb_volumes_remove_anon(struct gb_runtime *rt, const struct gb_mount *m, int n, const char *id)
{
	char prefix[96];
	snprintf(prefix, sizeof prefix, "anon-%s-", id);
	for (int i = 0; i < n; i++) {
		struct gb_err ignored = { 0 };
		if (m[i].type == GB_MOUNT_VOLUME && !strncmp(m[i].source, prefix, strlen(prefix)))
			gb_volume_remove(rt, m[i].source, false, &ignored);
	}
}
