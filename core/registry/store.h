/* Verified layer files and image configs into the layer store (storage/image.h), shared by
 * `pull` and `load`: a layer's id is its digest's first 12 hex digits and its layer.json
 * records the whole digest, so a layer already there is found, not stored twice. */
#ifndef GB_REGISTRY_STORE_H
#define GB_REGISTRY_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "registry/ref.h"
#include "state/state.h"

struct gb_store {
	struct gb_runtime *rt;
	char **made; /* layer ids stored by this operation: removed again if it fails */
	size_t n_made;
};

/* The id the layer with DIGEST has in the store; true when it is there already. */
bool gb_store_has_layer(struct gb_runtime *rt, const char *digest, char id[13]);
/* Unpack FILE (already verified against b->digest) into layers/ID, whole or not at all. */
int gb_store_layer(struct gb_store *s, const char *file, const struct gb_blob *b,
		   const char *parent, struct gb_err *err);
/* Record image NAME: its layers (bottom first) and what its OCI/Docker config says. */
int gb_store_image(struct gb_runtime *rt, const char *name, const char *digest, const char *config,
		   size_t len, char **ids, struct gb_err *err);
/* Forget this operation's layers, removing them first when it failed. */
void gb_store_finish(struct gb_store *s, bool failed);
/* sha256 of a file, as "sha256:<hex>". */
int gb_file_digest(const char *path, char out[72]);

#endif
