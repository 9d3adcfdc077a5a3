/* A layer as a registry blob: the gzip'd tar `push` sends and `save` writes. A pulled
 * layer keeps the very blob it came as (layers/ID/blob), so pushing it again sends the same
 * bytes and the same digests; a layer built here is packed from its diff/ once, with
 * libarchive and zlib, and the result is cached beside it. Packing undoes what unpacking
 * did (registry/layer.h): a 0/0 character device becomes a `.wh.NAME` file and a directory
 * with trusted.overlay.opaque=y gets a `.wh..wh..opq` entry; owners, modes, xattrs and hard
 * links are kept. The blob's description is layers/ID/blob.json. */
#ifndef GB_REGISTRY_BLOB_H
#define GB_REGISTRY_BLOB_H

#include "registry/pack.h"
#include "state/state.h"

/* The blob of layer ID: the kept or cached one, or packed from diff/ now (and cached). */
int gb_layer_blob_get(struct gb_runtime *rt, const char *id, struct gb_layer_blob *b,
		      struct gb_err *err);
/* Keep FILE (a verified blob) as layer ID's blob: moved into layers/ID/blob. */
int gb_layer_blob_keep(struct gb_runtime *rt, const char *id, const char *file,
		       const struct gb_layer_blob *b, struct gb_err *err);

/* Manifests and configs as they came (data root's blobs/sha256/HEX), so that a pulled
 * image is pushed or saved with the very bytes whose digests name it. */
int gb_meta_blob_save(struct gb_runtime *rt, const char *digest, const char *data, size_t len);
/* -ENOENT when not kept (a built or loaded image), -EBADMSG if it no longer matches. */
int gb_meta_blob_read(struct gb_runtime *rt, const char *digest, char **data, size_t *len);

#endif
