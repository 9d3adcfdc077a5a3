/* Load docker-archive and OCI-layout images (load.h). */
#include "registry/load.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/layer.h"
#include "registry/ref.h"
#include "registry/store.h"
#include "storage/image.h"

struct load {
	struct gb_runtime *rt;
	const struct gb_load_opts *o;
	char root[PATH_MAX]; /* the layout: the directory given, or the archive unpacked */
	struct gb_store store;
};

/* A path the archive names, kept inside the layout even through its symlinks. */
static int inside(const struct load *ld, const char *rel, char *out, struct gb_err *err)
{
	char clean[1024], joined[PATH_MAX + 1100];
	if (gb_layer_path_clean(rel, clean, sizeof clean) < 0)
		return gb_err_set(err, EPERM, "", "the archive names '%s': outside the archive",
				  rel);
	snprintf(joined, sizeof joined, "%s/%s", ld->root, clean);
	size_t n = strlen(ld->root);
	if (!realpath(joined, out))
		return gb_err_set(err, ENOENT, "", "the archive has no '%s'", clean);
	if (strncmp(out, ld->root, n) || (out[n] != '/' && out[n]))
		return gb_err_set(err, EPERM, "", "the archive's '%s' points outside it", clean);
	return 0;
}

static int read_json(const struct load *ld, const char *rel, char **text, size_t *len,
		     struct gb_err *err)
{
	char path[PATH_MAX];
	int r = inside(ld, rel, path, err);
	if (r == 0 && (r = gb_read_file(path, text, len)) < 0)
		gb_err_set(err, -r, "open", "cannot read %s in the archive", rel);
	return r;
}

/* A blob of an OCI layout by its digest, verified. */
static int oci_blob(const struct load *ld, const char *digest, char *path, struct gb_err *err)
{
	char rel[128], got[72];
	if (!gb_digest_valid(digest))
		return gb_err_set(err, EINVAL, "", "the archive names an invalid digest '%s'",
				  digest);
	snprintf(rel, sizeof rel, "blobs/sha256/%s", digest + 7);
	int r = inside(ld, rel, path, err);
	if (r == 0 && gb_file_digest(path, got) < 0)
		r = gb_err_set(err, errno, "read", "cannot read %s", rel);
	if (r == 0 && strcmp(got, digest))
		r = gb_err_set(err, EBADMSG, "", "blob %s: digest mismatch (got %s)", digest, got);
	return r;
}

static int image_name(const struct load *ld, const char *named, char *out, size_t len,
		      struct gb_err *err)
{
	const char *want = ld->o->name ? ld->o->name : named;
	struct gb_ref ref;
	if (!want || !*want) {
		int r = gb_err_set(err, EINVAL, "", "the archive does not name its image");
		gb_err_hint(err, "give it a name: glassbox load -i FILE NAME");
		return r;
	}
	int r = gb_ref_parse(want, &ref, err);
	if (r < 0)
		return r;
	char fam[600];
	gb_ref_familiar(&ref, fam, sizeof fam);
	if (strlen(fam) >= len || gb_image_normalize(fam, out, len) < 0)
		return gb_err_set(err, EINVAL, "", "'%s' cannot be an image name here", fam);
	return 0;
}

/* Layers (verified files) and the config into the store, under NAME. */
static int store_all(struct load *ld, const char *name, const char *digest, char **files,
		     const struct gb_blob *blobs, size_t n, const char *config, size_t clen,
		     struct gb_err *err)
{
	char **ids = calloc(n + 1, sizeof *ids);
	int r = ids ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++) {
		char id[13];
		if (!gb_store_has_layer(ld->rt, blobs[i].digest, id))
			r = gb_store_layer(&ld->store, files[i], &blobs[i], i ? ids[i - 1] : "",
					   err);
		if (r == 0 && !(ids[i] = strdup(id)))
			r = gb_err_set(err, ENOMEM, "", "out of memory");
	}
	if (r == 0)
		r = gb_store_image(ld->rt, name, digest, config, clen, ids, err);
	if (r == 0)
		gb_store_finish(&ld->store, false); /* a whole image: its layers stay */
	if (r == 0 && ld->o->loaded)
		ld->o->loaded(ld->o->data, name);
	gb_strv_free(ids);
	return r;
}

struct layers {
	char **files;
	struct gb_blob *blobs;
	size_t n;
};

static int layers_alloc(struct layers *l, size_t n, struct gb_err *err)
{
	l->files = calloc(n + 1, sizeof *l->files);
	l->blobs = calloc(n + 1, sizeof *l->blobs);
	l->n = 0;
	return l->files && l->blobs ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
}

static void layers_free(struct layers *l)
{
	gb_strv_free(l->files);
	free(l->blobs);
}

/* docker save: a layer is an uncompressed tar whose sha256 is the config's diff_id. */
static int docker_layers(struct load *ld, const struct gb_jval *paths,
			 const struct gb_jval *diff_ids, struct layers *l, struct gb_err *err)
{
	int r = layers_alloc(l, paths->n, err);
	const struct gb_jval *d = diff_ids->child;
	for (const struct gb_jval *p = paths->child; r == 0 && p; p = p->next, d = d->next) {
		char path[PATH_MAX], got[72];
		struct gb_blob *b = &l->blobs[l->n];
		if (p->type != GB_JSTR || !d || d->type != GB_JSTR)
			return gb_err_set(err, EINVAL, "", "manifest.json: a layer is not a path");
		if ((r = inside(ld, p->str, path, err)) < 0)
			return r;
		if (gb_file_digest(path, got) < 0)
			return gb_err_set(err, errno, "read", "cannot read %s", p->str);
		if (strcmp(got, d->str))
			return gb_err_set(err, EBADMSG, "",
					  "layer %s: digest mismatch (diff_id %s, got %s)", p->str,
					  d->str, got);
		snprintf(b->digest, sizeof b->digest, "%s", got);
		snprintf(b->media_type, sizeof b->media_type,
			 "application/vnd.docker.image.rootfs.diff.tar");
		if (!(l->files[l->n++] = strdup(path)))
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return r;
}

static int docker_image(struct load *ld, const struct gb_jval *e, struct gb_err *err)
{
	gb_autofree char *config = NULL;
	size_t clen;
	int r = read_json(ld, gb_jstr(e, "Config", ""), &config, &clen, err);
	if (r < 0)
		return r;
	struct gb_jval *cfg = gb_json_parse(config, clen, NULL, 0);
	const struct gb_jval *diff_ids = gb_jget(gb_jget(cfg, "rootfs"), "diff_ids");
	const struct gb_jval *paths = gb_jget(e, "Layers");
	struct layers l = { 0 };
	if (!diff_ids || !paths || diff_ids->type != GB_JARR || paths->type != GB_JARR ||
	    diff_ids->n != paths->n)
		r = gb_err_set(err, EINVAL, "",
			       "manifest.json and the config disagree on the layers");
	if (r == 0)
		r = docker_layers(ld, paths, diff_ids, &l, err);
	const struct gb_jval *tags = gb_jget(e, "RepoTags");
	const char *tag =
		tags && tags->child && tags->child->type == GB_JSTR ? tags->child->str : "";
	char name[256];
	if (r == 0)
		r = image_name(ld, tag, name, sizeof name, err);
	if (r == 0)
		r = store_all(ld, name, "", l.files, l.blobs, l.n, config, clen, err);
	layers_free(&l);
	gb_jval_free(cfg);
	return r;
}

static int load_docker(struct load *ld, struct gb_err *err)
{
	gb_autofree char *text = NULL;
	size_t len;
	int r = read_json(ld, "manifest.json", &text, &len, err);
	char perr[128];
	struct gb_jval *v = r == 0 ? gb_json_parse(text, len, perr, sizeof perr) : NULL;
	if (r == 0 && (!v || v->type != GB_JARR || !v->n))
		r = gb_err_set(err, EINVAL, "", "manifest.json is not a list of images (%s)",
			       v ? "wrong type" : perr);
	for (const struct gb_jval *e = r == 0 ? v->child : NULL; e && r == 0; e = e->next)
		r = docker_image(ld, e, err);
	gb_jval_free(v);
	return r;
}

/* ------------------------------------------------------------ OCI layout */

static int oci_layers(struct load *ld, const struct gb_manifest *m, struct layers *l,
		      struct gb_err *err)
{
	int r = layers_alloc(l, m->n_layers, err);
	for (size_t i = 0; r == 0 && i < m->n_layers; i++) {
		char path[PATH_MAX];
		if ((r = oci_blob(ld, m->layers[i].digest, path, err)) < 0)
			return r;
		l->blobs[i] = m->layers[i];
		if (!(l->files[l->n++] = strdup(path)))
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return r;
}

/* One manifest of the layout (already verified), stored under NAME. */
static int oci_image(struct load *ld, const char *digest, const char *name, struct gb_err *err)
{
	char path[PATH_MAX], cpath[PATH_MAX];
	gb_autofree char *text = NULL, *config = NULL;
	size_t len, clen;
	struct gb_manifest m = { 0 };
	struct layers l = { 0 };
	int r = oci_blob(ld, digest, path, err);
	if (r == 0 && (r = gb_read_file(path, &text, &len)) < 0)
		gb_err_set(err, -r, "open", "cannot read %s", path);
	if (r == 0)
		r = gb_manifest_parse(text, len, NULL, &m, err);
	if (r == 0 && m.kind != GB_MANIFEST_IMAGE)
		r = gb_err_set(err, EINVAL, "", "%s: an index inside an index", digest);
	if (r == 0)
		r = oci_blob(ld, m.config.digest, cpath, err);
	if (r == 0 && (r = gb_read_file(cpath, &config, &clen)) < 0)
		gb_err_set(err, -r, "open", "cannot read %s", cpath);
	if (r == 0)
		r = oci_layers(ld, &m, &l, err);
	if (r == 0)
		r = store_all(ld, name, digest, l.files, l.blobs, l.n, config, clen, err);
	layers_free(&l);
	gb_manifest_free(&m);
	return r;
}

/* index.json's entry: a manifest, or an index to resolve to the platform. */
static int oci_entry(struct load *ld, const struct gb_jval *e, struct gb_err *err)
{
	const struct gb_jval *ann = gb_jget(e, "annotations");
	const char *named = gb_jstr(ann, "io.containerd.image.name",
				    gb_jstr(ann, "org.opencontainers.image.ref.name", ""));
	if (!strpbrk(named, ":/"))
		named = ""; /* a ref.name may be a tag alone ("1"): no name for an image */
	char name[256], digest[72], path[PATH_MAX];
	snprintf(digest, sizeof digest, "%s", gb_jstr(e, "digest", ""));
	int r = image_name(ld, named, name, sizeof name, err);
	if (r == 0 && strstr(gb_jstr(e, "mediaType", ""), "index")) {
		gb_autofree char *text = NULL;
		size_t len;
		r = oci_blob(ld, digest, path, err);
		if (r == 0 && (r = gb_read_file(path, &text, &len)) < 0)
			gb_err_set(err, -r, "open", "cannot read %s", path);
		if (r == 0)
			r = gb_index_select(text, len,
					    ld->o->platform ? ld->o->platform : "linux/amd64",
					    digest, sizeof digest, err);
	}
	return r < 0 ? r : oci_image(ld, digest, name, err);
}

static int load_oci(struct load *ld, struct gb_err *err)
{
	gb_autofree char *text = NULL;
	size_t len;
	int r = read_json(ld, "index.json", &text, &len, err);
	struct gb_jval *v = r == 0 ? gb_json_parse(text, len, NULL, 0) : NULL;
	const struct gb_jval *list = gb_jget(v, "manifests");
	if (r == 0 && (!list || list->type != GB_JARR || !list->n))
		r = gb_err_set(err, EINVAL, "", "index.json lists no manifests");
	for (const struct gb_jval *e = r == 0 ? list->child : NULL; e && r == 0; e = e->next)
		r = oci_entry(ld, e, err);
	gb_jval_free(v);
	return r;
}

/* ------------------------------------------------------------ the archive itself */

/* The archive into a private directory of the data root; its own names are checked like
 * a layer's (no .., no absolute paths, no writes through its symlinks). */
static int unpack_archive(struct load *ld, const char *input, const char *tmp, struct gb_err *err)
{
	char diff[PATH_MAX];
	snprintf(diff, sizeof diff, "%s/x", tmp);
	int r = gb_mkdir_p(diff, 0700);
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create %s", diff);
	r = gb_layer_unpack(input, diff, ld->o->input, err);
	if (r == 0 && !realpath(diff, ld->root))
		r = gb_err_set(err, errno, "realpath", "%s", diff);
	return r;
}

static int load_layout(struct load *ld, struct gb_err *err)
{
	char probe[PATH_MAX + 32];
	snprintf(probe, sizeof probe, "%s/manifest.json", ld->root);
	if (access(probe, F_OK) == 0)
		return load_docker(ld, err);
	snprintf(probe, sizeof probe, "%s/index.json", ld->root);
	if (access(probe, F_OK) == 0)
		return load_oci(ld, err);
	int r = gb_err_set(err, EINVAL, "",
			   "%s is neither a docker save archive (manifest.json) "
			   "nor an OCI image layout (index.json)",
			   ld->o->input);
	gb_err_hint(err, "make one with `docker save -o FILE IMAGE` or `skopeo copy ... "
			 "oci-archive:FILE:NAME`");
	return r;
}

int gb_load(struct gb_runtime *rt, const struct gb_load_opts *o, struct gb_err *err)
{
	struct load ld = { .rt = rt, .o = o, .store.rt = rt };
	struct stat st;
	char tmp[PATH_MAX] = "";
	char input[PATH_MAX];
	if (!o->input || stat(o->input, &st) < 0 || !realpath(o->input, input))
		return gb_err_set(err, errno ? errno : EINVAL, "stat", "cannot read %s",
				  o->input ? o->input : "(none)");
	int r = 0;
	if (S_ISDIR(st.st_mode)) {
		snprintf(ld.root, sizeof ld.root, "%s", input);
	} else {
		char id[GB_ID_LEN + 1];
		gb_random_id(id);
		gb_path(tmp, sizeof tmp, "%s/layers/.load-%s", rt->data_root, id);
		r = unpack_archive(&ld, input, tmp, err);
	}
	if (r == 0)
		r = load_layout(&ld, err);
	gb_store_finish(&ld.store, r < 0);
	if (tmp[0])
		gb_rm_rf(tmp);
	return r;
}
