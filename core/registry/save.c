/* Save images into an archive (save.h), written with libarchive. */
#include "registry/save.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/digest.h"
#include "registry/plan.h"
#include "registry/ref.h"
#include "storage/image.h"

struct save {
	struct gb_runtime *rt;
	const struct gb_save_opts *o;
	struct archive *a;
	char **written; /* entry names already in the archive: shared layers go in once */
	struct gb_json manifest, repos, index;
	char tmp[700]; /* a layer decompressed for the docker form */
};

static int put_header(struct save *sv, const char *name, long long size, bool dir)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_copy_pathname(e, name);
	archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
	archive_entry_set_perm(e, dir ? 0755 : 0644);
	archive_entry_set_size(e, dir ? 0 : size);
	archive_entry_set_mtime(e, 0, 0); /* the same images, the same archive */
	int r = archive_write_header(sv->a, e) == ARCHIVE_OK ? 0 : -EIO;
	archive_entry_free(e);
	return r;
}

static bool has(const struct save *sv, const char *name)
{
	for (char **w = sv->written; w && *w; w++)
		if (!strcmp(*w, name))
			return true;
	return false;
}

static bool seen(struct save *sv, const char *name)
{
	if (has(sv, name))
		return true;
	gb_strv_push(&sv->written, name);
	return false;
}

static int put_mem(struct save *sv, const char *name, const char *data, size_t len)
{
	if (seen(sv, name))
		return 0;
	int r = put_header(sv, name, (long long)len, false);
	if (r == 0 && len && archive_write_data(sv->a, data, len) != (la_ssize_t)len)
		r = -EIO;
	return r;
}

static int put_file(struct save *sv, const char *name, const char *path)
{
	if (seen(sv, name))
		return 0;
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		return -errno;
	int r = put_header(sv, name, st.st_size, false);
	char buf[65536];
	ssize_t n;
	while (r == 0 && (n = gb_read_full(fd, buf, sizeof buf)) > 0)
		if (archive_write_data(sv->a, buf, n) != n)
			r = -EIO;
	return r == 0 && n < 0 ? -errno : r;
}

/* The tar inside a layer blob, into sv->tmp: docker save holds layers uncompressed. */
static int decompress(struct save *sv, const char *blob)
{
	struct archive *in = archive_read_new();
	struct archive_entry *e;
	archive_read_support_filter_all(in);
	archive_read_support_format_raw(in);
	unlink(sv->tmp);
	FILE *out = fopen(sv->tmp, "wxe");
	int r = out ? 0 : -errno;
	if (r == 0 && (archive_read_open_filename(in, blob, 1 << 16) != ARCHIVE_OK ||
		       archive_read_next_header(in, &e) != ARCHIVE_OK))
		r = -EINVAL;
	char buf[65536];
	la_ssize_t n = 0;
	while (r == 0 && (n = archive_read_data(in, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, n, out) != (size_t)n)
			r = -EIO;
	if (r == 0 && n < 0)
		r = -EIO;
	if (out && fclose(out) != 0 && r == 0)
		r = -errno;
	archive_read_free(in);
	return r;
}

/* "app" is "app:latest" in RepoTags and ref.name annotations, as Docker writes them. */
static void tagged_name(const char *name, char *out, size_t len)
{
	const char *slash = strrchr(name, '/');
	bool tag = strchr(slash ? slash : name, ':') != NULL;
	snprintf(out, len, "%s%s", name, tag || strchr(name, '@') ? "" : ":latest");
}

static int docker_layers(struct save *sv, const struct gb_image_plan *p)
{
	gb_json_arr_begin(&sv->manifest, "Layers");
	for (size_t i = 0; i < p->n; i++) {
		char name[100];
		snprintf(name, sizeof name, "%s/layer.tar", p->blobs[i].diff_id + 7);
		gb_json_str(&sv->manifest, NULL, name);
		if (has(sv, name))
			continue;
		int r = decompress(sv, p->blobs[i].path);
		if (r == 0)
			r = put_file(sv, name, sv->tmp);
		unlink(sv->tmp);
		if (r < 0)
			return r;
	}
	gb_json_arr_end(&sv->manifest);
	return 0;
}

static int save_docker(struct save *sv, const char *tagged, const struct gb_image_plan *p)
{
	char config[100];
	snprintf(config, sizeof config, "%s.json", p->config_digest + 7);
	int r = put_mem(sv, config, p->config, p->config_len);
	gb_json_obj_begin(&sv->manifest, NULL);
	gb_json_str(&sv->manifest, "Config", config);
	gb_json_arr_begin(&sv->manifest, "RepoTags");
	if (!strchr(tagged, '@'))
		gb_json_str(&sv->manifest, NULL, tagged);
	gb_json_arr_end(&sv->manifest);
	if (r == 0)
		r = docker_layers(sv, p);
	gb_json_obj_end(&sv->manifest);
	/* repositories (the older loaders' file): repo -> tag -> the top layer's id */
	char repo[256], key[300];
	const char *colon = strrchr(tagged, ':');
	snprintf(repo, sizeof repo, "%.*s", (int)(colon - tagged), tagged);
	snprintf(key, sizeof key, "repositories/%s", repo);
	if (r == 0 && p->n && !strchr(tagged, '@') && !seen(sv, key)) {
		gb_json_obj_begin(&sv->repos, repo);
		gb_json_str(&sv->repos, colon + 1, p->blobs[p->n - 1].diff_id + 7);
		gb_json_obj_end(&sv->repos);
	}
	return r;
}

static int save_oci(struct save *sv, const char *tagged, const struct gb_image_plan *p)
{
	char name[100];
	int r = 0;
	for (size_t i = 0; r == 0 && i < p->n; i++) {
		snprintf(name, sizeof name, "blobs/sha256/%s", p->blobs[i].digest + 7);
		r = put_file(sv, name, p->blobs[i].path);
	}
	snprintf(name, sizeof name, "blobs/sha256/%s", p->config_digest + 7);
	if (r == 0)
		r = put_mem(sv, name, p->config, p->config_len);
	snprintf(name, sizeof name, "blobs/sha256/%s", p->manifest_digest + 7);
	if (r == 0)
		r = put_mem(sv, name, p->manifest, p->manifest_len);
	gb_json_obj_begin(&sv->index, NULL);
	gb_json_str(&sv->index, "mediaType", p->manifest_type);
	gb_json_str(&sv->index, "digest", p->manifest_digest);
	gb_json_int(&sv->index, "size", (long long)p->manifest_len);
	gb_json_obj_begin(&sv->index, "annotations");
	gb_json_str(&sv->index, "io.containerd.image.name", tagged);
	const char *colon = strrchr(tagged, ':');
	gb_json_str(&sv->index, "org.opencontainers.image.ref.name", colon ? colon + 1 : "latest");
	gb_json_obj_end(&sv->index);
	gb_json_obj_end(&sv->index);
	return r;
}

static int save_image(struct save *sv, const char *ref, struct gb_err *err)
{
	struct gb_image img;
	struct gb_image_plan plan = { 0 };
	char tagged[300];
	int r = gb_image_resolve(sv->rt, ref, &img, err);
	if (r == 0)
		r = gb_image_plan(sv->rt, &img, &plan, err);
	if (r == 0) {
		tagged_name(img.name, tagged, sizeof tagged);
		r = sv->o->oci ? save_oci(sv, tagged, &plan) : save_docker(sv, tagged, &plan);
		if (r < 0)
			gb_err_set(err, -r, "write", "cannot write %s into %s", ref, sv->o->output);
	}
	gb_image_plan_free(&plan);
	gb_image_free(&img);
	return r;
}

static int save_index(struct save *sv)
{
	gb_json_arr_end(&sv->manifest);
	gb_json_obj_end(&sv->repos);
	gb_json_arr_end(&sv->index);
	gb_json_obj_end(&sv->index);
	if (sv->manifest.failed || sv->repos.failed || sv->index.failed)
		return -ENOMEM;
	if (sv->o->oci) {
		const char *layout = "{\"imageLayoutVersion\":\"1.0.0\"}";
		int r = put_mem(sv, "oci-layout", layout, strlen(layout));
		return r < 0 ? r : put_mem(sv, "index.json", sv->index.buf, sv->index.len);
	}
	int r = put_mem(sv, "manifest.json", sv->manifest.buf, sv->manifest.len);
	return r < 0 ? r : put_mem(sv, "repositories", sv->repos.buf, sv->repos.len);
}

static int save_all(struct save *sv, const char *tmp, struct gb_err *err)
{
	archive_write_set_format_pax_restricted(sv->a);
	if (archive_write_open_filename(sv->a, tmp) != ARCHIVE_OK)
		return gb_err_set(err, archive_errno(sv->a) > 0 ? archive_errno(sv->a) : EIO,
				  "open", "cannot create %s: %s", tmp, archive_error_string(sv->a));
	int r = 0;
	for (char *const *i = sv->o->images; r == 0 && *i; i++)
		r = save_image(sv, *i, err);
	if (r == 0 && (r = save_index(sv)) < 0)
		gb_err_set(err, -r, "write", "cannot write %s", tmp);
	if (archive_write_close(sv->a) != ARCHIVE_OK && r == 0)
		r = gb_err_set(err, EIO, "write", "cannot write %s: %s", tmp,
			       archive_error_string(sv->a));
	return r;
}

/* Written beside OUTPUT and renamed over it: an archive is there whole or not at all. */
int gb_save(struct gb_runtime *rt, const struct gb_save_opts *o, struct gb_err *err)
{
	struct save sv = { .rt = rt, .o = o, .a = archive_write_new() };
	char tmp[4200], rnd[GB_ID_LEN + 1];
	gb_random_id(rnd);
	snprintf(tmp, sizeof tmp, "%s.tmp-%s", o->output, rnd);
	gb_path(sv.tmp, sizeof sv.tmp, "%s/layers/.save-%s.tar", rt->data_root, rnd);
	gb_json_init(&sv.manifest);
	gb_json_init(&sv.repos);
	gb_json_init(&sv.index);
	gb_json_arr_begin(&sv.manifest, NULL);
	gb_json_obj_begin(&sv.repos, NULL);
	gb_json_obj_begin(&sv.index, NULL);
	gb_json_int(&sv.index, "schemaVersion", 2);
	gb_json_str(&sv.index, "mediaType", "application/vnd.oci.image.index.v1+json");
	gb_json_arr_begin(&sv.index, "manifests");
	int r = save_all(&sv, tmp, err);
	archive_write_free(sv.a);
	if (r == 0 && rename(tmp, o->output) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move %s into place", tmp);
	if (r < 0)
		unlink(tmp);
	unlink(sv.tmp);
	gb_json_free(&sv.manifest);
	gb_json_free(&sv.repos);
	gb_json_free(&sv.index);
	gb_strv_free(sv.written);
	return r;
}
