/* An image of the store as the image spec's JSON documents: its config (the run settings
 * and rootfs.diff_ids) and an OCI manifest that names the config and the layer blobs.
 * Used by push and save for images that have no manifest of their own (built, loaded,
 * imported ones). */
#ifndef GB_REGISTRY_IMAGE_JSON_H
#define GB_REGISTRY_IMAGE_JSON_H

#include "registry/blob.h"
#include "storage/image.h"

#define GB_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define GB_OCI_CONFIG "application/vnd.oci.image.config.v1+json"

/* The config of IMG whose layers' blobs are BLOBS (bottom first), malloc'd into *out. */
int gb_image_config_json(const struct gb_image *img, const struct gb_layer_blob *blobs, size_t n,
			 char **out, size_t *len);
/* The OCI manifest naming the config (its digest and size) and the layer blobs. */
int gb_image_manifest_json(const char *config_digest, size_t config_len,
			   const struct gb_layer_blob *blobs, size_t n, char **out, size_t *len);
/* The OCI media type for a layer blob's (Docker's and OCI's name the same bytes). */
const char *gb_oci_layer_type(const char *media_type);

#endif
