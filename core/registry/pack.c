/* A layer directory into a gzip'd tar (pack.h): libarchive reads the tree
 * (owners, modes, xattrs, device numbers) and writes a pax tar; each block of the tar is
 * hashed (the diff_id), deflated by zlib in gzip framing and hashed again (the digest). */
#include "registry/pack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "base/util.h"
#include "ns/userns.h"
#include "registry/digest.h"

struct gz_sink {
	FILE *file;
	z_stream z;
	struct gb_digest tar, gz;
	long long size;
	bool failed;
};

static int gz_out(struct gz_sink *s, const void *data, size_t len, int flush)
{
	unsigned char buf[65536];
	s->z.next_in = (unsigned char *)data;
	s->z.avail_in = len;
	do {
		s->z.next_out = buf;
		s->z.avail_out = sizeof buf;
		if (deflate(&s->z, flush) == Z_STREAM_ERROR)
			return -EIO;
		size_t n = sizeof buf - s->z.avail_out;
		gb_digest_update(&s->gz, buf, n);
		s->size += n;
		if (n && fwrite(buf, 1, n, s->file) != n)
			return -EIO;
	} while (s->z.avail_out == 0);
	return 0;
}

static la_ssize_t on_write(struct archive *a, void *arg, const void *data, size_t len)
{
	struct gz_sink *s = arg;
	gb_digest_update(&s->tar, data, len);
	if (gz_out(s, data, len, Z_NO_FLUSH) < 0) {
		s->failed = true;
		archive_set_error(a, EIO, "cannot write the compressed layer");
		return -1;
	}
	return len;
}

/* overlayfs's private xattrs describe this overlay, not the image: never in a tar. */
static void drop_overlay_xattrs(struct archive_entry *e, bool *opaque)
{
	const char *names[64];
	const void *vals[64];
	size_t sizes[64], n = 0;
	const char *name;
	const void *val;
	size_t size;
	*opaque = false;
	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &val, &size) == ARCHIVE_OK && n < 64) {
		/* overlay's own marks: trusted.overlay.* as root mounts it, user.overlay.* as a
		 * user namespace does (userxattr: rootless layers) */
		const char *mark = !strncmp(name, "trusted.overlay.", 16) ? name + 16
				   : !strncmp(name, "user.overlay.", 13)  ? name + 13
									  : NULL;
		if (mark) {
			*opaque |=
				!strcmp(mark, "opaque") && size == 1 && *(const char *)val == 'y';
			continue;
		}
		names[n] = strdup(name), vals[n] = val, sizes[n++] = size;
	}
	/* Copies first: clearing frees the strings and values the entry owns. */
	void *copies[64];
	for (size_t i = 0; i < n; i++) {
		copies[i] = names[i] ? malloc(sizes[i] + 1) : NULL;
		if (copies[i])
			memcpy(copies[i], vals[i], sizes[i]);
	}
	archive_entry_xattr_clear(e);
	for (size_t i = 0; i < n; i++) {
		if (names[i] && copies[i])
			archive_entry_xattr_add_entry(e, names[i], copies[i], sizes[i]);
		free((void *)names[i]);
		free(copies[i]);
	}
}

/* A 0/0 character device is overlayfs's whiteout: the image spec's `.wh.NAME` file. */
static void whiteout_back(struct archive_entry *e, const char *name)
{
	const char *base = strrchr(name, '/');
	char wh[4200];
	snprintf(wh, sizeof wh, "%.*s.wh.%s", base ? (int)(base - name + 1) : 0, name,
		 base ? base + 1 : name);
	archive_entry_copy_pathname(e, wh);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0);
	archive_entry_set_rdev(e, 0);
	archive_entry_set_size(e, 0);
	archive_entry_xattr_clear(e);
}

static int write_opaque(struct archive *out, const char *dir, struct archive_entry *like)
{
	struct archive_entry *o = archive_entry_new();
	char name[4200];
	snprintf(name, sizeof name, "%s/.wh..wh..opq", dir);
	archive_entry_copy_pathname(o, name);
	archive_entry_set_filetype(o, AE_IFREG);
	archive_entry_set_perm(o, 0);
	archive_entry_set_size(o, 0);
	archive_entry_set_mtime(o, archive_entry_mtime(like), 0);
	int r = archive_write_header(out, o) == ARCHIVE_OK ? 0 : -EIO;
	archive_entry_free(o);
	return r;
}

static int zeros(struct archive *out, la_int64_t n)
{
	static const char zero[4096];
	for (; n > 0; n -= n > 4096 ? 4096 : n)
		if (archive_write_data(out, zero, n > 4096 ? 4096 : n) < 0)
			return -EIO;
	return 0;
}

/* The file's bytes; the holes of a sparse file (blocks at later offsets) as zeros. */
static int copy_body(struct archive *disk, struct archive *out, la_int64_t total)
{
	const void *buf;
	size_t size;
	la_int64_t off, pos = 0;
	int a;
	while ((a = archive_read_data_block(disk, &buf, &size, &off)) == ARCHIVE_OK) {
		if (zeros(out, off - pos) < 0 || archive_write_data(out, buf, size) < 0)
			return -EIO;
		pos = off + size;
	}
	if (a != ARCHIVE_EOF)
		return -EIO;
	return zeros(out, total - pos);
}

/* One entry of the walk, named relative to the layer, in the image spec's form. */
static int pack_entry(struct archive *disk, struct archive *out,
		      struct archive_entry_linkresolver *lr, struct archive_entry *e)
{
	char name[4096];
	const char *raw = archive_entry_pathname(e);
	snprintf(name, sizeof name, "%s", raw + (strncmp(raw, "./", 2) ? 0 : 2));
	if (!name[0] || !strcmp(name, "."))
		return 0; /* the layer's root is not an entry of it */
	archive_entry_copy_pathname(e, name);
	archive_entry_copy_sourcepath(e, raw);
	archive_entry_unset_atime(e);
	archive_entry_unset_ctime(e);
	archive_entry_unset_birthtime(e);
	bool opaque = false,
	     wh = archive_entry_filetype(e) == AE_IFCHR && archive_entry_rdev(e) == 0;
	if (wh)
		whiteout_back(e, name);
	else
		drop_overlay_xattrs(e, &opaque);
	struct archive_entry *spare = NULL;
	archive_entry_linkify(lr, &e, &spare);
	la_int64_t size = e ? archive_entry_size(e) : 0;
	if (e && archive_write_header(out, e) != ARCHIVE_OK)
		return -EIO;
	if (e && !wh && !archive_entry_hardlink(e) && archive_entry_filetype(e) == AE_IFREG &&
	    size > 0 && copy_body(disk, out, size) < 0)
		return -EIO;
	if (opaque && write_opaque(out, name, e) < 0)
		return -EIO;
	return 0;
}

static int pack_walk(struct archive *disk, struct archive *out)
{
	struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
	archive_entry_linkresolver_set_strategy(lr, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	struct archive_entry *e = archive_entry_new();
	int r = 0, a;
	while (r == 0 && (a = archive_read_next_header2(disk, e)) != ARCHIVE_EOF) {
		if (a < ARCHIVE_WARN) {
			r = -EIO;
			break;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			archive_read_disk_descend(disk);
		r = pack_entry(disk, out, lr, e);
	}
	archive_entry_free(e);
	archive_entry_linkresolver_free(lr);
	return r;
}

static int pack_open(struct gz_sink *s, const char *out)
{
	if (gb_digest_init(&s->tar) < 0 || gb_digest_init(&s->gz) < 0)
		return -ENOMEM;
	/* windowBits 15 + 16: gzip framing, as the image spec's tar+gzip means. */
	if (deflateInit2(&s->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	if (!(s->file = fopen(out, "wxe")))
		return -errno;
	return 0;
}

static int pack_close(struct gz_sink *s, int r, struct gb_layer_blob *b)
{
	if (r == 0 && gz_out(s, "", 0, Z_FINISH) < 0)
		r = -EIO;
	deflateEnd(&s->z);
	if (s->file && fclose(s->file) != 0 && r == 0)
		r = -errno;
	gb_digest_final(&s->tar, b->diff_id);
	gb_digest_final(&s->gz, b->digest);
	b->size = s->size;
	return r;
}

static int pack_here(const char *diff, const char *out, struct gb_layer_blob *b, struct gb_err *err)
{
	struct gz_sink s = { 0 };
	int r = pack_open(&s, out);
	if (r < 0) {
		pack_close(&s, r, b);
		unlink(out);
		return gb_err_set(err, -r, "open", "cannot create %s", out);
	}
	gb_autoclose int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct archive *disk = archive_read_disk_new(), *tar = archive_write_new();
	archive_read_disk_set_symlink_physical(disk);
	archive_write_set_format_pax_restricted(tar);
	archive_write_set_bytes_in_last_block(tar, 1); /* no padding after the end blocks */
	if (cwd < 0 || chdir(diff) < 0)
		r = gb_err_set(err, errno, "chdir", "cannot enter %s", diff);
	if (r == 0 && (archive_write_open(tar, &s, NULL, on_write, NULL) != ARCHIVE_OK ||
		       archive_read_disk_open(disk, ".") != ARCHIVE_OK))
		r = gb_err_set(err, EIO, "", "cannot read %s: %s", diff,
			       archive_error_string(disk));
	if (r == 0 && pack_walk(disk, tar) < 0)
		r = gb_err_set(err,
			       s.failed			 ? EIO
			       : archive_errno(disk) > 0 ? archive_errno(disk)
							 : EIO,
			       "", "cannot pack %s: %s", diff,
			       archive_error_string(tar) ? archive_error_string(tar)
							 : archive_error_string(disk));
	if (archive_write_close(tar) != ARCHIVE_OK && r == 0)
		r = gb_err_set(err, EIO, "", "cannot pack %s: %s", diff, archive_error_string(tar));
	archive_write_free(tar);
	archive_read_free(disk);
	if (cwd >= 0 && fchdir(cwd) < 0 && r == 0)
		r = gb_err_set(err, errno, "fchdir", "cannot return to the working directory");
	if (pack_close(&s, r, b) < 0 && r == 0)
		r = gb_err_set(err, EIO, "write", "cannot write %s", out);
	if (r < 0)
		unlink(out);
	return r;
}

struct pack_job {
	const char *diff, *out;
	struct gb_layer_blob *b; /* shared with the parent (MAP_SHARED): the child fills it */
};

static int pack_in_userns(void *arg, struct gb_err *err)
{
	const struct pack_job *j = arg;
	return pack_here(j->diff, j->out, j->b, err);
}

int gb_layer_pack(const char *diff, const char *out, struct gb_layer_blob *b, struct gb_err *err)
{
	/* Without root, a layer holds files of the user's subordinate ids that the user may
	 * not read (a mode 0700 dir of uid 33), and the tar must name owners as the image
	 * sees them (0, 33), not as the host does: pack as root of a user namespace with the
	 * maps a rootless container gets (the same ones gb_layer_unpack uses). */
	if (geteuid() == 0)
		return pack_here(diff, out, b, err);
	struct gb_layer_blob *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return gb_err_set(err, errno, "mmap", "cannot share the packed layer's digests");
	*shared = *b;
	struct pack_job job = { diff, out, shared };
	int r = gb_userns_call_rootless(pack_in_userns, &job, err);
	if (r == 0)
		*b = *shared;
	munmap(shared, sizeof *shared);
	return r;
}
