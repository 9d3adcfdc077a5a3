/* `glassbox image prune`: the layers no image lists and no container stacks, removed
 * (an rmi keeps a layer another image shares; the layers left when the last image of a
 * build or a pull is gone, or an old built-in import, are what this finds). Kept
 * manifests and configs (registry/blob.h) that no image names go too. Images whose name
 * starts with '_' (a build's private stages) count as images. Do not run it while a pull
 * or build runs: their new layers have no image yet. */
#ifndef GB_REGISTRY_PRUNE_H
#define GB_REGISTRY_PRUNE_H

#include "state/state.h"

struct gb_prune_opts {
	void (*freed)(void *data, const char *id, long long bytes); /* each layer removed */
	void *data;
	long long bytes; /* out: what the removed layers held */
	size_t layers;	 /* out: how many */
};

int gb_image_prune(struct gb_runtime *rt, struct gb_prune_opts *o, struct gb_err *err);

#endif
