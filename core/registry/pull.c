/* Pull an image from a registry (pull.h). */
#include "registry/pull.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/sha256.h"
#include "base/util.h"
#include "registry/http.h"
#include "registry/layer.h"
#include "registry/ref.h"
#include "storage/image.h"

#define ACCEPT                                                                                     \
	"application/vnd.oci.image.index.v1+json, "                                                \
	"application/vnd.docker.distribution.manifest.list.v2+json, "                              \
	"application/vnd.oci.image.manifest.v1+json, "                                             \
	"application/vnd.docker.distribution.manifest.v2+json"

struct pull {
	struct gb_runtime *rt;
	struct gb_pull_opts *o;
	struct gb_ref ref;
	struct gb_http http;
	struct gb_manifest m;
	char *config;
	size_t config_len;
	char **made; /* layer ids this pull created: removed again if it fails */
	size_t n_made;
	struct gb_pull_progress p;
};

static void report(struct pull *pl, const char *status, long long done, long long total)
{
	pl->p.status = status;
	pl->p.done = done;
	pl->p.total = total;
	if (pl->o->progress)
		pl->o->progress(pl->o->progress_data, &pl->p);
}

static void on_bytes(void *data, long long done, long long total)
{
	struct pull *pl = data;
	report(pl, "Downloading", done, total ? total : pl->p.total);
}

static bool insecure(const struct pull *pl)
{
	if (gb_ref_is_loopback(&pl->ref))
		return true;
	for (char *const *i = pl->o->insecure; i && *i; i++)
		if (!strcmp(*i, pl->ref.domain))
			return true;
	return false;
}

static int check_digest(const char *body, size_t len, const char *want, struct gb_err *err)
{
	char got[65];
	struct gb_sha256 s;
	gb_sha256_init(&s);
	gb_sha256_update(&s, body, len);
	gb_sha256_hex(&s, got);
	if (strcmp(got, want + 7) == 0)
		return 0;
	return gb_err_set(err, EBADMSG, "", "manifest %s: digest mismatch (got sha256:%s)", want,
			  got);
}

/* The manifest for the tag or digest, through an index to the platform's one. */
static int fetch_manifest(struct pull *pl, struct gb_err *err)
{
	char path[300], type[128], digest[72];
	snprintf(digest, sizeof digest, "%s", pl->ref.digest);
	snprintf(path, sizeof path, "manifests/%s", digest[0] ? digest : pl->ref.tag);
	for (int hop = 0; hop < 2; hop++) {
		gb_autofree char *body = NULL;
		size_t len;
		int r = gb_http_get_mem(&pl->http, path, ACCEPT, &body, &len, type, sizeof type,
					err);
		if (r == 0 && digest[0])
			r = check_digest(body, len, digest, err);
		if (r == 0 && !digest[0]) {
			struct gb_sha256 s;
			char hex[65];
			gb_sha256_init(&s);
			gb_sha256_update(&s, body, len);
			gb_sha256_hex(&s, hex);
			snprintf(digest, sizeof digest, "sha256:%s", hex);
		}
		if (r == 0)
			r = gb_manifest_parse(body, len, type, &pl->m, err);
		if (r < 0)
			return r;
		snprintf(pl->o->digest, sizeof pl->o->digest, "%s", digest);
		if (pl->m.kind == GB_MANIFEST_IMAGE)
			return 0;
		const char *plat = pl->o->platform ? pl->o->platform : "linux/amd64";
		if ((r = gb_index_select(body, len, plat, digest, sizeof digest, err)) < 0)
			return r;
		snprintf(path, sizeof path, "manifests/%s", digest);
	}
	return gb_err_set(err, EINVAL, "", "an index points to another index");
}

static int fetch_config(struct pull *pl, struct gb_err *err)
{
	char path[128], type[128];
	snprintf(path, sizeof path, "blobs/%s", pl->m.config.digest);
	int r = gb_http_get_mem(&pl->http, path, NULL, &pl->config, &pl->config_len, type,
				sizeof type, err);
	if (r == 0)
		r = check_digest(pl->config, pl->config_len, pl->m.config.digest, err);
	if (r < 0 && err->code == EBADMSG)
		gb_err_set(err, EBADMSG, "", "config blob %s: digest mismatch",
			   pl->m.config.digest);
	return r;
}

/* A layer's id in the store: its digest's first hex digits. Already there (with the same
 * digest recorded) means another image brought it: shared, not fetched again. */
static bool layer_present(struct pull *pl, const char *id, const char *digest)
{
	struct gb_layer meta;
	return gb_layer_load(pl->rt, id, &meta) == 0 && strstr(meta.instruction, digest);
}

static int remember(struct pull *pl, const char *id)
{
	char **bigger = realloc(pl->made, (pl->n_made + 1) * sizeof *bigger);
	if (!bigger || !(bigger[pl->n_made] = strdup(id))) {
		pl->made = bigger ? bigger : pl->made;
		return -ENOMEM;
	}
	pl->made = bigger;
	pl->n_made++;
	return 0;
}

/* Download to layers/.pull-ID.blob, verify, unpack into layers/.pull-ID/diff, then rename
 * to layers/ID and record layer.json: a half layer never has the name of a whole one. */
static int fetch_layer(struct pull *pl, const struct gb_blob *b, const char *id, const char *parent,
		       struct gb_err *err)
{
	char blob[700], tmp[700], diff[700], final[700];
	gb_path(blob, sizeof blob, "%s/layers/.pull-%s.blob", pl->rt->data_root, id);
	gb_path(tmp, sizeof tmp, "%s/layers/.pull-%s", pl->rt->data_root, id);
	gb_path(diff, sizeof diff, "%s/diff", tmp);
	gb_path(final, sizeof final, "%s/layers/%s", pl->rt->data_root, id);
	unlink(blob);
	gb_rm_rf(tmp);
	report(pl, "Downloading", 0, b->size);
	int r = gb_http_get_blob(&pl->http, b->digest, blob, err);
	if (r == 0) {
		report(pl, "Extracting", b->size, b->size);
		r = gb_mkdir_p(diff, 0755);
		if (r < 0)
			gb_err_set(err, -r, "mkdir", "cannot create %s", diff);
	}
	if (r == 0)
		r = gb_layer_unpack(blob, diff, b->digest, err);
	unlink(blob);
	gb_rm_rf(final); /* a layer.json-less leftover of an interrupted pull */
	if (r == 0 && rename(tmp, final) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move %s into place", tmp);
	if (r < 0) {
		gb_rm_rf(tmp);
		return r;
	}
	struct gb_layer meta = { 0 };
	snprintf(meta.id, sizeof meta.id, "%s", id);
	snprintf(meta.parent, sizeof meta.parent, "%s", parent);
	snprintf(meta.instruction, sizeof meta.instruction, "pulled %s (%s)", b->digest,
		 b->media_type);
	r = remember(pl, id);
	if (r == 0)
		r = gb_layer_commit(pl->rt, &meta, err);
	if (r < 0)
		gb_rm_rf(final);
	return r;
}

static int fetch_layers(struct pull *pl, char **ids, struct gb_err *err)
{
	char dir[700];
	gb_path(dir, sizeof dir, "%s/layers", pl->rt->data_root);
	gb_mkdir_p(dir, 0700);
	pl->p.count = pl->m.n_layers;
	for (size_t i = 0; i < pl->m.n_layers; i++) {
		const struct gb_blob *b = &pl->m.layers[i];
		pl->p.index = i + 1;
		pl->p.digest = b->digest;
		if (!(ids[i] = strndup(b->digest + 7, GB_ID_LEN)))
			return gb_err_set(err, ENOMEM, "", "out of memory");
		if (layer_present(pl, ids[i], b->digest)) {
			report(pl, "Already exists", b->size, b->size);
			continue;
		}
		int r = fetch_layer(pl, b, ids[i], i ? ids[i - 1] : "", err);
		if (r < 0)
			return r;
		report(pl, "Pull complete", b->size, b->size);
	}
	return 0;
}

static char **ports_strv(const struct gb_jval *obj)
{
	size_t n = obj && obj->type == GB_JOBJ ? obj->n : 0, k = 0;
	char **v = calloc(n + 1, sizeof *v);
	for (const struct gb_jval *e = n ? obj->child : NULL; v && e; e = e->next)
		v[k++] = strdup(e->key);
	return v;
}

static char **labels_strv(const struct gb_jval *obj)
{
	size_t n = obj && obj->type == GB_JOBJ ? obj->n : 0, k = 0;
	char **v = calloc(n + 1, sizeof *v);
	for (const struct gb_jval *e = n ? obj->child : NULL; v && e; e = e->next)
		if (e->type == GB_JSTR && asprintf(&v[k], "%s=%s", e->key, e->str) > 0)
			k++;
	return v;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* The image config's "config" member: what `run` starts with. */
static int save_image(struct pull *pl, char **ids, struct gb_err *err)
{
	char perr[128];
	struct gb_jval *root = gb_json_parse(pl->config, pl->config_len, perr, sizeof perr);
	if (!root)
		return gb_err_set(err, EINVAL, "", "image config %s: %s", pl->m.config.digest,
				  perr);
	const struct gb_jval *c = gb_jget(root, "config");
	struct gb_image img = { .layers = ids };
	copy(img.name, sizeof img.name, pl->o->name);
	copy(img.digest, sizeof img.digest, pl->o->digest);
	copy(img.created, sizeof img.created, gb_jstr(root, "created", ""));
	img.env = gb_jstrv(gb_jget(c, "Env"));
	img.cmd = gb_jstrv(gb_jget(c, "Cmd"));
	img.entrypoint = gb_jstrv(gb_jget(c, "Entrypoint"));
	img.exposed = ports_strv(gb_jget(c, "ExposedPorts"));
	img.labels = labels_strv(gb_jget(c, "Labels"));
	copy(img.workdir, sizeof img.workdir, gb_jstr(c, "WorkingDir", "/"));
	copy(img.user, sizeof img.user, gb_jstr(c, "User", ""));
	copy(img.stop_signal, sizeof img.stop_signal, gb_jstr(c, "StopSignal", ""));
	int r = gb_image_save(pl->rt, &img, err);
	img.layers = NULL;
	gb_image_free(&img);
	gb_jval_free(root);
	return r;
}

static int pull_steps(struct pull *pl, struct gb_err *err)
{
	char name[600];
	gb_ref_familiar(&pl->ref, name, sizeof name);
	if (strlen(name) >= sizeof pl->o->name ||
	    gb_image_normalize(name, pl->o->name, sizeof pl->o->name) < 0)
		return gb_err_set(err, EINVAL, "", "'%s' cannot be an image name here", name);
	gb_path(pl->http.base, sizeof pl->http.base, "%s://%s/v2/%s",
		insecure(pl) ? "http" : "https", gb_ref_api_host(&pl->ref), pl->ref.repo);
	int r = fetch_manifest(pl, err);
	if (r == 0)
		r = fetch_config(pl, err);
	if (r < 0)
		return r;
	char **ids = calloc(pl->m.n_layers + 1, sizeof *ids);
	if (!ids)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	r = fetch_layers(pl, ids, err);
	if (r == 0)
		r = save_image(pl, ids, err);
	gb_strv_free(ids);
	return r;
}

int gb_pull(struct gb_runtime *rt, struct gb_pull_opts *o, struct gb_err *err)
{
	struct pull pl = { .rt = rt, .o = o };
	pl.http.progress = on_bytes;
	pl.http.progress_data = &pl;
	int r = gb_ref_parse(o->ref, &pl.ref, err);
	if (r == 0)
		r = pull_steps(&pl, err);
	for (size_t i = 0; i < pl.n_made; i++) {
		if (r < 0)
			gb_layer_remove(rt, pl.made[i]);
		free(pl.made[i]);
	}
	free(pl.made);
	free(pl.config);
	gb_manifest_free(&pl.m);
	return r;
}
