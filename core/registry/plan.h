/* What an image of the store is as registry documents: the layer blobs, the config and
 * the manifest that push sends and save writes. A pulled image keeps its own (the same
 * bytes, the same digests); any other is described anew (registry/image_json.h) with its
 * layers packed (registry/blob.h). */
#ifndef GB_REGISTRY_PLAN_H
#define GB_REGISTRY_PLAN_H

#include <stdbool.h>

#include "registry/blob.h"
#include "storage/image.h"

struct gb_image_plan {
	struct gb_layer_blob *blobs; /* bottom first */
	size_t n;
	char *config, *manifest;
	size_t config_len, manifest_len;
	char manifest_type[128], config_digest[72], manifest_digest[72];
	bool original; /* the pulled image's own manifest */
	/* called before a layer is packed (packing a big layer takes a while) */
	void (*preparing)(void *data, const char *id, size_t index, size_t count);
	void *data;
};

int gb_image_plan(struct gb_runtime *rt, const struct gb_image *img, struct gb_image_plan *p,
		  struct gb_err *err);
void gb_image_plan_free(struct gb_image_plan *p);

#endif
