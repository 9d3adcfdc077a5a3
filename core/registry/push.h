/* `glassbox push`: an image to an OCI registry (distribution-spec, "Pushing blobs" and
 * "Pushing manifests"). Each layer blob, then the config, then the manifest: a blob the
 * repository has already is skipped (HEAD), one another repository of the same registry
 * has is mounted from it, the rest are uploaded (POST for an upload URL, then one PUT with
 * the whole blob and its digest, or for a blob of GB_PUSH_CHUNKED_MIN bytes or more PATCHes
 * of GB_PUSH_CHUNK bytes with Content-Range and a closing PUT with the digest); the
 * registry checks every digest. A pulled image goes
 * back with its own manifest, config and layer blobs, byte for byte: the same digest. One
 * built here gets an OCI manifest and config made from its record and its layers packed
 * (registry/blob.h). */
#ifndef GB_REGISTRY_PUSH_H
#define GB_REGISTRY_PUSH_H

#include "state/state.h"

/* Blobs this big or bigger go in chunks: one request per chunk keeps what a broken
 * connection loses small, and proxies in front of registries often cap a request's body. */
#define GB_PUSH_CHUNKED_MIN (32LL << 20)
#define GB_PUSH_CHUNK (16LL << 20)

struct gb_push_progress {
	size_t index, count; /* blob index (from 1) and the number of blobs */
	const char *digest;
	const char *status; /* "Preparing", "Pushing", "Pushed", "Layer already exists",
			       "Mounted from REPO" */
};

struct gb_push_opts {
	const char *ref;       /* the image's name: NAME[:TAG], the registry in NAME */
	char *const *insecure; /* registries to reach over plain HTTP */
	void (*progress)(void *data, const struct gb_push_progress *p);
	void *progress_data;
	char tag[129];	 /* out: the tag pushed */
	char digest[72]; /* out: the manifest's digest */
	long long size;	 /* out: the manifest's size */
};

int gb_push(struct gb_runtime *rt, struct gb_push_opts *o, struct gb_err *err);

#endif
