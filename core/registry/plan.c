/* Registry documents of an image (plan.h). */
#include "registry/plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "registry/digest.h"
#include "registry/image_json.h"
#include "registry/ref.h"

static int add_blob(struct gb_image_plan *ps, const struct gb_layer_blob *b)
{
	struct gb_layer_blob *bigger = realloc(ps->blobs, (ps->n + 1) * sizeof *bigger);
	if (!bigger)
		return -ENOMEM;
	ps->blobs = bigger;
	ps->blobs[ps->n++] = *b;
	return 0;
}

/* A pulled image: its manifest and config as kept, and each layer's kept blob. Any piece
 * missing (pulled before blobs were kept) and the image is sent as a built one. */
static bool plan_original(struct gb_runtime *rt, const struct gb_image *img,
			  struct gb_image_plan *ps)
{
	struct gb_manifest m = { 0 };
	struct gb_err ignored = { 0 };
	if (!img->digest[0] ||
	    gb_meta_blob_read(rt, img->digest, &ps->manifest, &ps->manifest_len) < 0 ||
	    gb_manifest_parse(ps->manifest, ps->manifest_len, NULL, &m, &ignored) < 0 ||
	    m.kind != GB_MANIFEST_IMAGE ||
	    gb_meta_blob_read(rt, m.config.digest, &ps->config, &ps->config_len) < 0)
		goto no;
	for (size_t i = 0; i < m.n_layers; i++) {
		struct gb_layer_blob b;
		char id[13];
		snprintf(id, sizeof id, "%.12s", m.layers[i].digest + 7);
		if (gb_layer_blob_get(rt, id, &b, &ignored) < 0 ||
		    strcmp(b.digest, m.layers[i].digest) || add_blob(ps, &b) < 0)
			goto no;
	}
	struct gb_jval *v = gb_json_parse(ps->manifest, ps->manifest_len, NULL, 0);
	snprintf(ps->manifest_type, sizeof ps->manifest_type, "%s",
		 gb_jstr(v, "mediaType", GB_OCI_MANIFEST));
	snprintf(ps->config_digest, sizeof ps->config_digest, "%s", m.config.digest);
	gb_jval_free(v);
	gb_manifest_free(&m);
	return true;
no:
	gb_manifest_free(&m);
	free(ps->manifest);
	free(ps->config);
	ps->manifest = ps->config = NULL;
	ps->n = 0;
	return false;
}

/* A built (or loaded) image: each layer with files packed, a config and manifest made. */
static bool has_files(struct gb_runtime *rt, const char *id)
{
	char diff[700];
	gb_layer_diff_path(rt, id, diff, sizeof diff);
	return access(diff, F_OK) == 0; /* not a config-only layer (ENV, CMD) */
}

static int plan_built(struct gb_runtime *rt, const struct gb_image *img, struct gb_image_plan *ps,
		      struct gb_err *err)
{
	size_t count = 0;
	for (char **l = img->layers; l && *l; l++)
		count += has_files(rt, *l);
	for (char **l = img->layers; l && *l; l++) {
		struct gb_layer_blob b;
		if (!has_files(rt, *l))
			continue;
		if (ps->preparing)
			ps->preparing(ps->data, *l, ps->n + 1, count);
		int r = gb_layer_blob_get(rt, *l, &b, err);
		if (r < 0)
			return r;
		if (add_blob(ps, &b) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	if (gb_image_config_json(img, ps->blobs, ps->n, &ps->config, &ps->config_len) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	gb_digest_buf(ps->config, ps->config_len, ps->config_digest);
	snprintf(ps->manifest_type, sizeof ps->manifest_type, GB_OCI_MANIFEST);
	if (gb_image_manifest_json(ps->config_digest, ps->config_len, ps->blobs, ps->n,
				   &ps->manifest, &ps->manifest_len) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	return 0;
}

int gb_image_plan(struct gb_runtime *rt, const struct gb_image *img, struct gb_image_plan *p,
		  struct gb_err *err)
{
	p->original = plan_original(rt, img, p);
	int r = p->original ? 0 : plan_built(rt, img, p, err);
	if (r == 0)
		gb_digest_buf(p->manifest, p->manifest_len, p->manifest_digest);
	return r;
}

void gb_image_plan_free(struct gb_image_plan *p)
{
	free(p->blobs);
	free(p->config);
	free(p->manifest);
	p->blobs = NULL;
	p->config = p->manifest = NULL;
	p->n = 0;
}
