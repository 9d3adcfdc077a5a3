/* Images: an ordered list of read-only layers plus a config (env, cmd, workdir, ...).
 * A layer is <data root>/layers/<id>/ with diff/ (its files, as overlayfs reads a lower
 * dir) and layer.json (id, parent, the instruction that made it, size, created). An
 * instruction that only changes the config (ENV, CMD, ...) makes an empty layer: metadata,
 * no diff/. Images live in <data root>/images/<name>.json. The built-in image `busybox`
 * is imported from the share dir on first use. overlayfs(5 of the kernel docs). Lab 11. */
#ifndef GB_IMAGE_H
#define GB_IMAGE_H

#include "state/state.h"

struct gb_image {
	char name[256];
	char **layers;	  /* layer ids, bottom first (empty layers included) */
	char lower[4096]; /* overlay lowerdir string, top layer first (empty ones skipped) */
	char **env, **cmd, **entrypoint;
	char workdir[1024];
	char user[64];
	char stop_signal[16];
	char **exposed;		      /* "80/tcp" */
	char **labels;		      /* "key=value" */
	char created[64];	      /* RFC 3339 */
	struct gb_healthcheck health; /* HEALTHCHECK (core/engine/health.h); test NULL: none */
	char digest[72]; /* a pulled image's manifest digest ("sha256:..."); "" if none */
	char **volumes;	 /* VOLUME paths: each gets an anonymous volume at run; NULL: none */
};

struct gb_layer {
	char id[GB_ID_LEN + 1];
	char parent[GB_ID_LEN + 1];
	char instruction[1024];
	char cache_key[65]; /* sha256 of parent + instruction + copied content; "" if none */
	long long size;	    /* bytes of regular files in diff/ */
	char created[64];
	bool empty; /* config only: no diff/ */
};

/* Normalize "busybox:latest" -> "busybox"; -EINVAL for names that are not image names. */
int gb_image_normalize(const char *ref, char *out, size_t len);
int gb_image_resolve(struct gb_runtime *rt, const char *ref, struct gb_image *img,
		     struct gb_err *err);
/* The image glassbox makes itself (busybox, imported by the image step on first use): no
 * registry is ever asked for it. */
bool gb_image_builtin(const char *ref);
void gb_image_free(struct gb_image *img);
/* Names of every image in the data root (plus the built-in one), for messages. */
void gb_image_list_names(struct gb_runtime *rt, char *buf, size_t len);
/* Image names, sorted (images starting with '_' are a build's private ones: hidden). */
char **gb_image_list(struct gb_runtime *rt);
/* Write <data root>/images/<img->name>.json atomically. */
int gb_image_save(struct gb_runtime *rt, const struct gb_image *img, struct gb_err *err);
/* Remove an image. Refused while a container was created from it, unless force; then
 * its layers that no other image and no container still stacks are deleted too. */
int gb_image_remove(struct gb_runtime *rt, const char *ref, bool force, struct gb_err *err);
/* Total size of an image's layers. */
long long gb_image_size(struct gb_runtime *rt, const struct gb_image *img);

/* A new, empty layer directory (with diff/ unless meta->empty); its id goes in meta->id. */
int gb_layer_new(struct gb_runtime *rt, struct gb_layer *meta, char *diff, size_t len,
		 struct gb_err *err);
/* Measure diff/ and write layer.json: from then on the layer exists for the cache. */
int gb_layer_commit(struct gb_runtime *rt, struct gb_layer *meta, struct gb_err *err);
int gb_layer_load(struct gb_runtime *rt, const char *id, struct gb_layer *meta);
void gb_layer_remove(struct gb_runtime *rt, const char *id);
int gb_layer_diff_path(const struct gb_runtime *rt, const char *id, char *buf, size_t len);

#endif
