/* An OCI bundle's mounts, in config.json's order (fsmount.h). Each target is reached from
 * the root with openat2(RESOLVE_IN_ROOT): a symlink in the client's root (/dev -> /host)
 * resolves inside it, never to the host's directory it names. */
#include "storage/fsmount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"

/* runc's option table (libcontainer/specconv): what mount(2) takes as flags. */
static const struct {
	const char *name;
	bool clear;
	unsigned long flag;
} options[] = {
	{ "ro", false, MS_RDONLY },
	{ "rw", true, MS_RDONLY },
	{ "nosuid", false, MS_NOSUID },
	{ "suid", true, MS_NOSUID },
	{ "nodev", false, MS_NODEV },
	{ "dev", true, MS_NODEV },
	{ "noexec", false, MS_NOEXEC },
	{ "exec", true, MS_NOEXEC },
	{ "sync", false, MS_SYNCHRONOUS },
	{ "async", true, MS_SYNCHRONOUS },
	{ "dirsync", false, MS_DIRSYNC },
	{ "remount", false, MS_REMOUNT },
	{ "mand", false, MS_MANDLOCK },
	{ "nomand", true, MS_MANDLOCK },
	{ "atime", true, MS_NOATIME },
	{ "noatime", false, MS_NOATIME },
	{ "diratime", true, MS_NODIRATIME },
	{ "nodiratime", false, MS_NODIRATIME },
	{ "relatime", false, MS_RELATIME },
	{ "norelatime", true, MS_RELATIME },
	{ "strictatime", false, MS_STRICTATIME },
	{ "nostrictatime", true, MS_STRICTATIME },
	{ "bind", false, MS_BIND },
	{ "rbind", false, MS_BIND | MS_REC },
	{ "defaults", false, 0 },
};

/* Propagation is a second mount(2) call: the kernel refuses it mixed with other flags. */
static const struct {
	const char *name;
	unsigned long flag;
} propagations[] = {
	{ "private", MS_PRIVATE },	 { "rprivate", MS_PRIVATE | MS_REC },
	{ "shared", MS_SHARED },	 { "rshared", MS_SHARED | MS_REC },
	{ "slave", MS_SLAVE },		 { "rslave", MS_SLAVE | MS_REC },
	{ "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

void gb_fsmount_option(struct gb_fsmount *m, const char *opt)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(options); i++)
		if (!strcmp(opt, options[i].name)) {
			if (options[i].clear)
				m->flags &= ~options[i].flag;
			else
				m->flags |= options[i].flag;
			return;
		}
	for (size_t i = 0; i < GB_ARRAY_LEN(propagations); i++)
		if (!strcmp(opt, propagations[i].name)) {
			m->propagation = propagations[i].flag;
			return;
		}
	size_t n = strlen(m->data);
	snprintf(m->data + n, sizeof m->data - n, "%s%s", n ? "," : "", opt);
}

static int open_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, rootfd, rel[0] ? rel : ".", &how, sizeof how);
	return fd < 0 ? -errno : fd;
}

/* mkdir -p of target, each component resolved inside the root. The last one is a file when
 * a bind's source is not a directory (a bind needs the same kind at both ends). */
static int make_target(int rootfd, const char *target, bool file)
{
	char path[512];
	snprintf(path, sizeof path, "%s", target + 1);
	for (char *p = path;; p++) {
		bool last = !*p;
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		int fd = open_in_root(rootfd, path, O_PATH);
		if (fd == -ENOENT) {
			char *slash = strrchr(path, '/');
			char *name = slash ? slash + 1 : path;
			if (slash)
				*slash = '\0';
			int dir = open_in_root(rootfd, slash ? path : "", O_PATH | O_DIRECTORY);
			if (slash)
				*slash = '/';
			if (dir < 0)
				return dir;
			/* O_NOFOLLOW|O_EXCL: a dangling symlink of the root (ENOENT above) must
			 * not make openat create its target, which would be the host's file */
			fd = (last && file)
				     ? openat(dir, name,
					      O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC,
					      0644)
				     : mkdirat(dir, name, 0755);
			fd = fd < 0 && errno != EEXIST ? -errno : (fd > 0 ? close(fd) : 0);
			close(dir);
		} else if (fd >= 0) {
			close(fd);
			fd = 0;
		}
		if (fd < 0 || last)
			return fd < 0 ? fd : 0;
		*p = '/';
	}
}

static bool source_is_dir(const struct gb_fsmount *m)
{
	struct stat s;
	return !(m->flags & MS_BIND) || stat(m->source, &s) < 0 || S_ISDIR(s.st_mode);
}

/* The kernel filesystems refuse a fresh instance in a user namespace that does not own the
 * pid (proc) or network (sysfs) namespace: bind the host's, as rootless runtimes do. */
static int mount_fresh(const struct gb_fsmount *m, const char *at)
{
	const char *type = !strcmp(m->type, "cgroup") ? "cgroup2" : m->type;
	unsigned long fl = m->flags & ~(MS_BIND | MS_REC);
	if (mount(m->source, at, type, fl, m->data[0] ? m->data : NULL) == 0)
		return 0;
	int r = -errno;
	if (r == -EPERM && (!strcmp(type, "proc") || !strcmp(type, "sysfs")))
		return mount(!strcmp(type, "proc") ? "/proc" : "/sys", at, NULL, MS_BIND | MS_REC,
			     NULL) < 0
			       ? -errno
			       : 0;
	return r;
}

/* A bind takes only MS_BIND|MS_REC: ro, nosuid... need a remount, and a propagation a
 * call of its own. Both reach the new mount through a new fd: the old one (and its
 * /proc/self/fd link) still names the directory under it. */
static int mount_after(int rootfd, const struct gb_fsmount *m)
{
	unsigned long rest = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
	bool remount = (m->flags & MS_BIND) && rest;
	if (!remount && !m->propagation)
		return 0;
	gb_autoclose int fd = open_in_root(rootfd, m->target + 1, O_PATH);
	if (fd < 0)
		return fd;
	char at[64];
	snprintf(at, sizeof at, "/proc/self/fd/%d", fd);
	if (remount && mount(NULL, at, NULL, MS_BIND | MS_REMOUNT | rest, NULL) < 0)
		return -errno;
	if (m->propagation && mount(NULL, at, NULL, m->propagation, NULL) < 0)
		return -errno;
	return 0;
}

static bool bad_target(const char *t)
{
	size_t n = strlen(t);
	return t[0] != '/' || strstr(t, "/../") || (n >= 3 && !strcmp(t + n - 3, "/.."));
}

static int mount_one(int rootfd, const struct gb_fsmount *m, struct gb_err *err)
{
	if (bad_target(m->target))
		return gb_err_set(err, EINVAL, "mount", "mount target %s must be absolute, no ..",
				  m->target);
	int r = make_target(rootfd, m->target, !source_is_dir(m));
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create mount point %s", m->target);
	gb_autoclose int fd = open_in_root(rootfd, m->target + 1, O_PATH);
	if (fd < 0)
		return gb_err_set(err, -fd, "openat2", "cannot open mount point %s", m->target);
	char at[64];
	snprintf(at, sizeof at, "/proc/self/fd/%d", fd);
	if (m->flags & MS_BIND)
		r = mount(m->source, at, NULL, m->flags & (MS_BIND | MS_REC), NULL) < 0 ? -errno
											: 0;
	else
		r = mount_fresh(m, at);
	if (r == 0)
		r = mount_after(rootfd, m);
	if (r < 0)
		return gb_err_set(err, -r, "mount",
				  "mount(\"%s\", \"%s\", \"%s\", 0x%lx, \"%s\") failed", m->source,
				  m->target, m->type, m->flags, m->data);
	return 0;
}

int gb_fsmounts_apply(const char *root, const struct gb_fsmount *list, int n, struct gb_err *err)
{
	gb_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return gb_err_set(err, errno, "open", "cannot open the root %s", root);
	for (int i = 0; i < n; i++) {
		int r = mount_one(rootfd, &list[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int make_node(int rootfd, const struct gb_devnode *d, struct gb_err *err)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s", d->path);
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	const char *name = slash + 1;
	int r = dir[0] ? make_target(rootfd, dir, false) : 0;
	gb_autoclose int fd =
		r < 0 ? r : open_in_root(rootfd, dir + (dir[0] ? 1 : 0), O_PATH | O_DIRECTORY);
	if (fd < 0)
		return gb_err_set(err, -fd, "mkdir", "cannot make the directory of %s", d->path);
	if (unlinkat(fd, name, 0) < 0 && errno != ENOENT)
		return gb_err_set(err, errno, "unlink", "cannot replace %s", d->path);
	/* The umask would take bits of the mode: set it again after. */
	if (mknodat(fd, name, d->mode, makedev(d->major, d->minor)) < 0)
		return gb_err_set(err, errno, "mknod", "mknod(\"%s\", 0%o, makedev(%u, %u)) failed",
				  d->path, d->mode, d->major, d->minor);
	if (fchownat(fd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
	    fchmodat(fd, name, d->mode & 07777, 0) < 0)
		return gb_err_set(err, errno, "chown", "cannot set the owner and mode of %s",
				  d->path);
	return 0;
}

int gb_devnodes_make(const char *root, const struct gb_devnode *list, int n, struct gb_err *err)
{
	gb_autoclose int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return gb_err_set(err, errno, "open", "cannot open the root %s", root);
	for (int i = 0; i < n; i++) {
		if (bad_target(list[i].path))
			return gb_err_set(err, EINVAL, "mknod",
					  "device path %s must be absolute, no ..", list[i].path);
		int r = make_node(rootfd, &list[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
