/* Pull an image from a registry (pull.h). */
#include "registry/pull.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/events.h"
#include "base/sha256.h"
#include "base/util.h"
#include "registry/auth.h"
#include "registry/blob.h"
#include "registry/http.h"
#include "registry/ref.h"
#include "registry/store.h"
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
	struct gb_store store;
	struct gb_pull_progress p;
	char *manifest; /* the image manifest's bytes, kept for push and save */
	size_t manifest_len;
	size_t ev_index; /* the last image.pull event's layer, state and tenth of the blob */
	const char *ev_status;
	int ev_tenth;
};

/* An image.pull event (docs/events.md), the stream's side of the progress display: each
 * change of a layer's state, and Downloading at most once a tenth of the blob, so a
 * 100 MB layer is a dozen lines and the viz can draw the bar without drowning. */
static void emit_progress(struct pull *pl)
{
	const struct gb_pull_progress *p = &pl->p;
	if (pl->rt->events.fd < 0 && !pl->rt->events.listener)
		return; /* no --events: nobody reads them */
	bool downloading = !strcmp(p->status, "Downloading");
	int tenth = downloading && p->total > 0 ? (int)(p->done * 10 / p->total) : 0;
	if (pl->ev_index == p->index && pl->ev_status && !strcmp(pl->ev_status, p->status) &&
	    (!downloading || tenth == pl->ev_tenth))
		return;
	pl->ev_index = p->index;
	pl->ev_status = p->status;
	pl->ev_tenth = tenth;
	struct gb_json j;
	char id[13];
	snprintf(id, sizeof id, "%.12s", p->digest + 7);
	gb_event_begin(&pl->rt->events, &j, "image.pull");
	gb_json_str(&j, "image", pl->o->name);
	gb_json_str(&j, "status", p->status);
	gb_json_int(&j, "index", (long long)p->index);
	gb_json_int(&j, "count", (long long)p->count);
	gb_json_str(&j, "layer", id);
	gb_json_str(&j, "digest", p->digest);
	gb_json_int(&j, "done", p->done);
	gb_json_int(&j, "total", p->total);
	gb_event_emit(&pl->rt->events, &j);
}

/* The last image.pull event: the image stored (its manifest digest), or the pull failed. */
static void emit_end(struct pull *pl, int r, const struct gb_err *err)
{
	struct gb_json j;
	gb_event_begin(&pl->rt->events, &j, "image.pull");
	gb_json_str(&j, "image", pl->o->name[0] ? pl->o->name : pl->o->ref);
	gb_json_str(&j, "status", r < 0 ? "failed" : "done");
	gb_json_int(&j, "count", (long long)pl->m.n_layers);
	if (r == 0)
		gb_json_str(&j, "digest", pl->o->digest);
	else
		gb_json_str(&j, "error", err->msg);
	gb_event_emit(&pl->rt->events, &j);
}

static void report(struct pull *pl, const char *status, long long done, long long total)
{
	pl->p.status = status;
	pl->p.done = done;
	pl->p.total = total;
	emit_progress(pl);
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
		if (pl->m.kind == GB_MANIFEST_IMAGE) {
			pl->manifest = body;
			pl->manifest_len = len;
			body = NULL;
			return 0;
		}
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

/* A blob downloaded and verified by an earlier pull that was killed before the layer was
 * whole: hashed again before it is used (a file could have changed since). */
static bool verified_blob(struct pull *pl, const char *blob, const struct gb_blob *b)
{
	char got[72];
	if (access(blob, F_OK) < 0)
		return false;
	if (gb_file_digest(blob, got) == 0 && !strcmp(got, b->digest)) {
		report(pl, "Verified download kept", b->size, b->size);
		return true;
	}
	unlink(blob);
	return false;
}

/* Download to layers/.pull-ID.part (hashed as it arrives: gb_http_get_blob removes it on a
 * mismatch or a broken transfer), renamed to .pull-ID.blob once its digest matched: a
 * .part is never used, a .blob only after it is hashed again (a killed pull's). */
static int download(struct pull *pl, const struct gb_blob *b, const char *id, char *blob,
		    size_t len, struct gb_err *err)
{
	char part[700], dir[700];
	gb_path(dir, sizeof dir, "%s/layers", pl->rt->data_root);
	gb_mkdir_p(dir, 0700);
	gb_path(blob, len, "%s/layers/.pull-%s.blob", pl->rt->data_root, id);
	gb_path(part, sizeof part, "%s/layers/.pull-%s.part", pl->rt->data_root, id);
	unlink(part);
	if (verified_blob(pl, blob, b))
		return 0;
	report(pl, "Downloading", 0, b->size);
	int r = gb_http_get_blob(&pl->http, b->digest, part, err);
	if (r == 0 && rename(part, blob) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move %s into place", part);
	if (r < 0)
		unlink(part);
	return r;
}

static int fetch_layer(struct pull *pl, const struct gb_blob *b, const char *id, const char *parent,
		       struct gb_err *err)
{
	char blob[700];
	int r = download(pl, b, id, blob, sizeof blob, err);
	if (r == 0) {
		report(pl, "Extracting", b->size, b->size);
		r = gb_store_layer(&pl->store, blob, b, parent, err);
	}
	if (r == 0) { /* the blob as it came: what push and save send again */
		struct gb_layer_blob kept = { .size = b->size };
		snprintf(kept.digest, sizeof kept.digest, "%s", b->digest);
		snprintf(kept.media_type, sizeof kept.media_type, "%s", b->media_type);
		snprintf(kept.from, sizeof kept.from, "%s/%s", pl->ref.domain, pl->ref.repo);
		r = gb_layer_blob_keep(pl->rt, id, blob, &kept, err);
	}
	unlink(blob);
	return r;
}

static int fetch_layers(struct pull *pl, char **ids, struct gb_err *err)
{
	pl->p.count = pl->m.n_layers;
	for (size_t i = 0; i < pl->m.n_layers; i++) {
		const struct gb_blob *b = &pl->m.layers[i];
		pl->p.index = i + 1;
		pl->p.digest = b->digest;
		char id[13];
		bool have = gb_store_has_layer(pl->rt, b->digest, id);
		if (!(ids[i] = strdup(id)))
			return gb_err_set(err, ENOMEM, "", "out of memory");
		if (have) {
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

static int pull_steps(struct pull *pl, struct gb_err *err)
{
	char name[600];
	gb_ref_familiar(&pl->ref, name, sizeof name);
	if (strlen(name) >= sizeof pl->o->name ||
	    gb_image_normalize(name, pl->o->name, sizeof pl->o->name) < 0)
		return gb_err_set(err, EINVAL, "", "'%s' cannot be an image name here", name);
	gb_path(pl->http.base, sizeof pl->http.base, "%s://%s/v2/%s",
		insecure(pl) ? "http" : "https", gb_ref_api_host(&pl->ref), pl->ref.repo);
	gb_auth_get(pl->rt, pl->ref.domain, pl->http.basic, sizeof pl->http.basic);
	int r = fetch_manifest(pl, err);
	if (r == 0)
		r = fetch_config(pl, err);
	if (r < 0)
		return r;
	char **ids = calloc(pl->m.n_layers + 1, sizeof *ids);
	if (!ids)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	r = fetch_layers(pl, ids, err);
	if (r == 0 &&
	    (gb_meta_blob_save(pl->rt, pl->o->digest, pl->manifest, pl->manifest_len) < 0 ||
	     gb_meta_blob_save(pl->rt, pl->m.config.digest, pl->config, pl->config_len) < 0))
		r = gb_err_set(err, EIO, "write", "cannot keep the manifest and config of %s",
			       pl->o->name);
	if (r == 0)
		r = gb_store_image(pl->rt, pl->o->name, pl->o->digest, pl->config, pl->config_len,
				   ids, err);
	gb_strv_free(ids);
	return r;
}

int gb_pull(struct gb_runtime *rt, struct gb_pull_opts *o, struct gb_err *err)
{
	struct pull pl = { .rt = rt, .o = o, .store.rt = rt };
	pl.http.progress = on_bytes;
	pl.http.progress_data = &pl;
	int r = gb_ref_parse(o->ref, &pl.ref, err);
	if (r == 0)
		r = pull_steps(&pl, err);
	/* A broken transfer keeps the layers stored whole (each verified against its digest),
	 * so that pulling again fetches only the rest; a refusal removes them all. */
	bool resumable = r < 0 && err->code == ECONNREFUSED && pl.store.n_made > 0;
	if (resumable)
		gb_err_hint(err,
			    "%zu layer(s) were stored whole and are kept: pull again to fetch "
			    "only the rest (glassbox image prune removes them)",
			    pl.store.n_made);
	gb_store_finish(&pl.store, r < 0 && !resumable);
	emit_end(&pl, r, err);
	free(pl.config);
	free(pl.manifest);
	gb_manifest_free(&pl.m);
	return r;
}
