/* `glassbox load`: images from an archive instead of a registry. A `docker save` archive
 * (manifest.json: Config, RepoTags, Layers) or an OCI image layout (oci-layout, index.json,
 * blobs/sha256/...), as a tar (plain, gzip or zstd) or a directory. Each blob is checked
 * against its digest (a Docker layer against the config's rootfs.diff_ids) before use, and
 * layers go into the same store as pulled ones (registry/store.h). */
#ifndef GB_REGISTRY_LOAD_H
#define GB_REGISTRY_LOAD_H

#include "state/state.h"

struct gb_load_opts {
	const char *input;    /* archive file or layout directory */
	const char *name;     /* the name to give the image when the archive names none */
	const char *platform; /* in an OCI index; "linux/amd64" when NULL */
	void (*loaded)(void *data, const char *name);
	void *data;
};

int gb_load(struct gb_runtime *rt, const struct gb_load_opts *o, struct gb_err *err);

#endif
