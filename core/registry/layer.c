/* Layer tarballs into overlayfs layers (layer.h), with libarchive. */
#include "registry/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/util.h"
#include "ns/userns.h"

#define WH ".wh."
#define OPAQUE ".wh..wh..opq"

int gb_layer_path_clean(const char *name, char *out, size_t len)
{
	if (!name)
		return -EINVAL;
	if (strspn(name, "./") == strlen(name) && !strstr(name, ".."))
		return -EINVAL; /* "/", "./": the layer's root itself (umoci writes "/") */
	if (name[0] == '/')
		return -EPERM;
	size_t used = 0;
	out[0] = '\0';
	for (const char *p = name; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && !strncmp(p, "..", 2))
			return -EPERM; /* even a/../b: a symlink a would make it climb */
		if (n && !(n == 1 && p[0] == '.')) {
			int w = snprintf(out + used, len - used, "%s%.*s", used ? "/" : "", (int)n,
					 p);
			if (w < 0 || (size_t)w >= len - used)
				return -ENAMETOOLONG;
			used += w;
		}
		p += n;
		p += *p == '/';
	}
	return used ? 0 : -EINVAL;
}

enum gb_whiteout gb_whiteout_kind(const char *path, char *target, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t dir = base ? (size_t)(base - path) : 0;
	base = base ? base + 1 : path;
	if (!strcmp(base, OPAQUE)) {
		snprintf(target, len, "%.*s", (int)dir, path);
		return GB_WH_OPAQUE;
	}
	if (strncmp(base, WH, 4) || !base[4])
		return GB_WH_NONE;
	snprintf(target, len, "%.*s%s%s", (int)dir, path, dir ? "/" : "", base + 4);
	return GB_WH_FILE;
}

/* overlayfs reads a 0/0 character device as "deleted here" and a directory with
 * trusted.overlay.opaque=y as "nothing below shows through"; mounted in a user namespace
 * (userxattr, storage/rootfs.c) it reads user.overlay.opaque, the only one a user who is
 * not the host's root can write: a rootless data root's layers carry that one. */
static int apply_whiteout(enum gb_whiteout kind, const char *target, struct gb_err *err)
{
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", target);
	char *slash = strrchr(parent, '/');
	if (kind == GB_WH_FILE && slash) {
		*slash = '\0';
		gb_mkdir_p(parent, 0755);
	}
	if (kind == GB_WH_OPAQUE) {
		const char *dir = target[0] ? target : ".";
		gb_mkdir_p(dir, 0755);
		/* trusted.* only for the host's root; root of a user namespace gets EPERM */
		if (setxattr(dir, "trusted.overlay.opaque", "y", 1, 0) == 0 ||
		    setxattr(dir, "user.overlay.opaque", "y", 1, 0) == 0)
			return 0;
		return gb_err_set(err, errno, "setxattr",
				  "cannot mark %s opaque (trusted.overlay.opaque, or "
				  "user.overlay.opaque where that is refused)",
				  dir);
	}
	gb_rm_rf(target);
	if (mknod(target, S_IFCHR | 0000, makedev(0, 0)) < 0)
		return gb_err_set(err, errno, "mknod", "cannot make the whiteout for %s", target);
	return 0;
}

/* Whether a directory on the way to path is a symlink the layer made: writing there would
 * follow it out of the layer (libarchive's SECURE_SYMLINKS checks its own writes too). */
static bool through_symlink(const char *path)
{
	char prefix[4096];
	struct stat st;
	for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(prefix, sizeof prefix, "%.*s", (int)(p - path), path);
		if (lstat(prefix, &st) == 0 && S_ISLNK(st.st_mode))
			return true;
	}
	return false;
}

static int refuse(struct gb_err *err, const char *what, const char *name, const char *why)
{
	int r = gb_err_set(err, EPERM, "", "layer %s: entry '%s' %s", what, name, why);
	gb_err_hint(err, "the layer is refused as a whole; nothing of it was kept");
	return r;
}

static int write_entry(struct archive *out, struct archive_entry *e, const char *what,
		       const char *name, struct gb_err *err)
{
	if (archive_write_header(out, e) != ARCHIVE_OK) {
		const char *msg = archive_error_string(out);
		if (msg && (strstr(msg, "symlink") || strstr(msg, "..") || strstr(msg, "bsolute")))
			return refuse(err, what, name, "escapes the layer (through a symlink)");
		return gb_err_set(err, archive_errno(out) > 0 ? archive_errno(out) : EIO, "",
				  "layer %s: cannot write '%s': %s", what, name, msg ? msg : "?");
	}
	return 0;
}

static int copy_data(struct archive *in, struct archive *out, const char *what, const char *name,
		     struct gb_err *err)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;
	while ((r = archive_read_data_block(in, &buf, &size, &off)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, size, off) != ARCHIVE_OK)
			return gb_err_set(err, EIO, "", "layer %s: cannot write '%s': %s", what,
					  name, archive_error_string(out));
	if (r != ARCHIVE_EOF)
		return gb_err_set(err, EIO, "", "layer %s: '%s' is truncated or corrupt: %s", what,
				  name, archive_error_string(in));
	return archive_write_finish_entry(out) == ARCHIVE_OK
		       ? 0
		       : gb_err_set(err, EIO, "", "layer %s: cannot finish '%s'", what, name);
}

/* One entry: checked name, whiteouts in overlay's form, everything else by libarchive. */
static int unpack_entry(struct archive *in, struct archive *out, struct archive_entry *e,
			const char *what, struct gb_err *err)
{
	char name[4096], target[4096];
	const char *raw = archive_entry_pathname(e);
	int r = gb_layer_path_clean(raw, name, sizeof name);
	if (r == -EINVAL)
		return 0; /* "./": the layer's root itself */
	if (r < 0)
		return refuse(err, what, raw ? raw : "", "climbs out of the layer (.. or /)");
	const char *link = archive_entry_hardlink(e);
	if (link) {
		if (gb_layer_path_clean(link, target, sizeof target) < 0 || through_symlink(target))
			return refuse(err, what, raw, "is a hard link out of the layer");
		archive_entry_copy_hardlink(e, target);
	}
	if (through_symlink(name))
		return refuse(err, what, raw, "escapes the layer (through a symlink it made)");
	enum gb_whiteout kind = gb_whiteout_kind(name, target, sizeof target);
	if (kind != GB_WH_NONE)
		return apply_whiteout(kind, target, err);
	archive_entry_copy_pathname(e, name);
	r = write_entry(out, e, what, raw, err);
	return r < 0 ? r : copy_data(in, out, what, raw, err);
}

static int unpack_all(struct archive *in, struct archive *out, const char *what, struct gb_err *err)
{
	struct archive_entry *e;
	int r = 0, a;
	while (r == 0 && (a = archive_read_next_header(in, &e)) != ARCHIVE_EOF) {
		if (a < ARCHIVE_WARN)
			return gb_err_set(err, EINVAL, "", "layer %s is not a valid tar: %s", what,
					  archive_error_string(in));
		r = unpack_entry(in, out, e, what, err);
	}
	return r;
}

static int unpack_here(const char *tarfile, const char *diff, const char *what, struct gb_err *err)
{
	/* libarchive writes relative to the working directory: work from inside DIFF, and
	 * let its SECURE flags refuse writes through symlinks the layer itself made. */
	gb_autoclose int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(diff) < 0)
		return gb_err_set(err, errno, "chdir", "cannot enter %s", diff);
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(
		out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
			     ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
			     ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			     ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	int r = 0;
	if (archive_read_open_filename(in, tarfile, 1 << 16) != ARCHIVE_OK)
		r = gb_err_set(err, EINVAL, "", "layer %s: cannot read %s: %s", what, tarfile,
			       archive_error_string(in));
	if (r == 0)
		r = unpack_all(in, out, what, err);
	if (r == 0 && archive_write_close(out) != ARCHIVE_OK)
		r = gb_err_set(err, EIO, "", "layer %s: %s", what, archive_error_string(out));
	archive_read_free(in);
	archive_write_free(out);
	if (fchdir(cwd) < 0 && r == 0)
		r = gb_err_set(err, errno, "fchdir", "cannot return to the working directory");
	return r;
}

struct unpack_job {
	const char *tarfile, *diff, *what;
};

static int unpack_in_userns(void *arg, struct gb_err *err)
{
	const struct unpack_job *j = arg;
	return unpack_here(j->tarfile, j->diff, j->what, err);
}

int gb_layer_unpack(const char *tarfile, const char *diff, const char *what, struct gb_err *err)
{
	/* Owners are restored with chown(2), which only root may do. Without root (a student's
	 * pull, load or import) the layer is unpacked by uid 0 of a user namespace with the
	 * maps a rootless container gets, as rootless podman does: the image's root files
	 * become the user's, its other owners land in the user's subordinate range. */
	if (geteuid() == 0)
		return unpack_here(tarfile, diff, what, err);
	struct unpack_job job = { tarfile, diff, what };
	return gb_userns_call_rootless(unpack_in_userns, &job, err);
}

bool gb_layer_is_tar(const char *path)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	bool yes = archive_read_open_filename(a, path, 1 << 16) == ARCHIVE_OK &&
		   archive_read_next_header(a, &e) == ARCHIVE_OK;
	archive_read_free(a);
	return yes;
}
