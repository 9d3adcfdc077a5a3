/* Layer blobs: kept, cached or packed (blob.h). */
#include "registry/blob.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/digest.h"
#include "registry/ref.h"
#include "storage/image.h"

#define OCI_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"

static int meta_path(struct gb_runtime *rt, const char *id, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/layers/%s/blob.json", rt->data_root, id);
}

static int meta_write(struct gb_runtime *rt, const char *id, const struct gb_layer_blob *b)
{
	char path[700];
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "digest", b->digest);
	gb_json_str(&j, "diff_id", b->diff_id);
	gb_json_str(&j, "media_type", b->media_type);
	gb_json_int(&j, "size", b->size);
	gb_json_str(&j, "from", b->from);
	gb_json_obj_end(&j);
	meta_path(rt, id, path, sizeof path);
	int r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	return r;
}

static int meta_read(struct gb_runtime *rt, const char *id, struct gb_layer_blob *b)
{
	char path[700];
	gb_autofree char *text = NULL;
	size_t len;
	meta_path(rt, id, path, sizeof path);
	int r = gb_read_file(path, &text, &len);
	struct gb_jval *v = r == 0 ? gb_json_parse(text, len, NULL, 0) : NULL;
	if (r == 0 && !v)
		r = -EINVAL;
	snprintf(b->digest, sizeof b->digest, "%s", gb_jstr(v, "digest", ""));
	snprintf(b->diff_id, sizeof b->diff_id, "%s", gb_jstr(v, "diff_id", ""));
	snprintf(b->media_type, sizeof b->media_type, "%s", gb_jstr(v, "media_type", OCI_GZIP));
	snprintf(b->from, sizeof b->from, "%s", gb_jstr(v, "from", ""));
	b->size = gb_jint(v, "size", -1);
	gb_jval_free(v);
	gb_path(b->path, sizeof b->path, "%s/layers/%s/blob", rt->data_root, id);
	struct stat st;
	if (r == 0 &&
	    (!gb_digest_valid(b->digest) || stat(b->path, &st) < 0 || st.st_size != b->size))
		r = -ENOENT; /* a description without its blob: pack again */
	return r;
}

/* The sha256 of the tar inside a compressed blob: the diff_id a config lists. */
static int blob_diff_id(const char *path, char out[72])
{
	struct archive *a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_raw(a);
	struct archive_entry *e;
	struct gb_digest d;
	int r = gb_digest_init(&d);
	if (r == 0 && (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK ||
		       archive_read_next_header(a, &e) != ARCHIVE_OK))
		r = -EINVAL;
	char buf[65536];
	la_ssize_t n;
	while (r == 0 && (n = archive_read_data(a, buf, sizeof buf)) > 0)
		gb_digest_update(&d, buf, n);
	if (r == 0 && n < 0)
		r = -EIO;
	gb_digest_final(&d, out);
	archive_read_free(a);
	return r;
}

int gb_layer_blob_keep(struct gb_runtime *rt, const char *id, const char *file,
		       const struct gb_layer_blob *b, struct gb_err *err)
{
	struct gb_layer_blob kept = *b;
	gb_path(kept.path, sizeof kept.path, "%s/layers/%s/blob", rt->data_root, id);
	if (rename(file, kept.path) < 0)
		return gb_err_set(err, errno, "rename", "cannot keep the blob of layer %s", id);
	int r = meta_write(rt, id, &kept);
	if (r < 0)
		return gb_err_set(err, -r, "write", "cannot describe the blob of layer %s", id);
	return 0;
}

/* Pack diff/ into layers/ID/.blob-RANDOM, then rename: a half blob is never "the" blob. */
static int pack_layer(struct gb_runtime *rt, const char *id, struct gb_layer_blob *b,
		      struct gb_err *err)
{
	char diff[700], tmp[700], rnd[GB_ID_LEN + 1];
	gb_layer_diff_path(rt, id, diff, sizeof diff);
	gb_random_id(rnd);
	gb_path(tmp, sizeof tmp, "%s/layers/%s/.blob-%s", rt->data_root, id, rnd);
	gb_path(b->path, sizeof b->path, "%s/layers/%s/blob", rt->data_root, id);
	snprintf(b->media_type, sizeof b->media_type, OCI_GZIP);
	int r = gb_layer_pack(diff, tmp, b, err);
	if (r == 0 && rename(tmp, b->path) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move %s into place", tmp);
	if (r == 0 && (r = meta_write(rt, id, b)) < 0)
		gb_err_set(err, -r, "write", "cannot describe the blob of layer %s", id);
	if (r < 0)
		unlink(tmp);
	return r;
}

int gb_layer_blob_get(struct gb_runtime *rt, const char *id, struct gb_layer_blob *b,
		      struct gb_err *err)
{
	memset(b, 0, sizeof *b);
	if (meta_read(rt, id, b) < 0) {
		memset(b, 0, sizeof *b);
		return pack_layer(rt, id, b, err);
	}
	if (b->diff_id[0])
		return 0;
	/* A pulled blob: its diff_id is computed once, when a config must list it. */
	if (blob_diff_id(b->path, b->diff_id) < 0)
		return gb_err_set(err, EIO, "", "cannot read the blob of layer %s", id);
	meta_write(rt, id, b);
	return 0;
}

static int meta_blob_path(struct gb_runtime *rt, const char *digest, char *buf, size_t len)
{
	if (!gb_digest_valid(digest))
		return -EINVAL;
	return gb_path(buf, len, "%s/blobs/sha256/%s", rt->data_root, digest + 7);
}

int gb_meta_blob_save(struct gb_runtime *rt, const char *digest, const char *data, size_t len)
{
	char path[700], dir[700];
	int r = meta_blob_path(rt, digest, path, sizeof path);
	if (r < 0)
		return r;
	gb_path(dir, sizeof dir, "%s/blobs/sha256", rt->data_root);
	gb_mkdir_p(dir, 0700);
	return gb_write_atomic(path, data, len, 0644);
}

int gb_meta_blob_read(struct gb_runtime *rt, const char *digest, char **data, size_t *len)
{
	char path[700], got[72];
	int r = meta_blob_path(rt, digest, path, sizeof path);
	if (r == 0)
		r = gb_read_file(path, data, len);
	if (r < 0)
		return r;
	gb_digest_buf(*data, *len, got);
	if (strcmp(got, digest)) {
		free(*data);
		*data = NULL;
		return -EBADMSG;
	}
	return 0;
}
