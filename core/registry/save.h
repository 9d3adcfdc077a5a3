/* `glassbox save`: images into one archive that `docker load`, `glassbox load` and skopeo
 * read. The default is Docker's `docker save` form: manifest.json (Config, RepoTags,
 * Layers), repositories, the config as <hex>.json and each layer as an uncompressed
 * <diff_id hex>/layer.tar (whose sha256 is the config's rootfs.diff_ids entry, which is
 * how loaders check it). --format oci writes an OCI image layout instead: oci-layout,
 * index.json and blobs/sha256/ holding the manifest, the config and the layer blobs as
 * they are (gzip'd). A pulled image keeps its own manifest and config (registry/plan.h). */
#ifndef GB_REGISTRY_SAVE_H
#define GB_REGISTRY_SAVE_H

#include <stdbool.h>

#include "state/state.h"

struct gb_save_opts {
	const char *output;  /* the archive to write (replaced whole, or not at all) */
	char *const *images; /* names, NULL-terminated */
	bool oci;	     /* an OCI image layout instead of a docker save archive */
};

int gb_save(struct gb_runtime *rt, const struct gb_save_opts *o, struct gb_err *err);

#endif
