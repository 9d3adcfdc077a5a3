/* `glassbox pull`: an image from an OCI registry into the layer store (storage/image.h).
 * Manifest, then config, then each layer: downloaded, its sha256 checked against the
 * manifest, unpacked into layers/<first 12 hex of its digest>/diff, so images that share
 * a layer share its directory. Any failure removes what this pull made. */
#ifndef GB_REGISTRY_PULL_H
#define GB_REGISTRY_PULL_H

#include <stdbool.h>

#include "state/state.h"

struct gb_pull_progress {
	size_t index, count; /* layer index (from 1) and the number of layers */
	const char *digest;
	const char *status; /* "Downloading", "Verifying", "Extracting", "Pull complete",
			       "Already exists", "Verified download kept" */
	long long done, total;
};

struct gb_pull_opts {
	const char *ref;
	const char *platform;  /* "linux/amd64" when NULL */
	char *const *insecure; /* registries to reach over plain HTTP */
	void (*progress)(void *data, const struct gb_pull_progress *p);
	void *progress_data;
	char name[256];	 /* out: the image's name here ("nginx") */
	char digest[72]; /* out: the manifest's digest */
};

int gb_pull(struct gb_runtime *rt, struct gb_pull_opts *o, struct gb_err *err);

#endif
