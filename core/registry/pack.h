/* A layer directory into the blob a registry stores: a pax tar, gzip'd (registry/blob.h
 * decides when; this only packs). */
#ifndef GB_REGISTRY_PACK_H
#define GB_REGISTRY_PACK_H

#include "base/error.h"

struct gb_layer_blob {
	char path[700];	      /* layers/ID/blob */
	char digest[72];      /* sha256 of the blob as sent */
	char diff_id[72];     /* sha256 of the tar inside (the config's rootfs.diff_ids) */
	char media_type[128]; /* as pulled, or the OCI tar+gzip type for packed ones */
	char from[600];	      /* "domain/repo" it was pulled from, or "" */
	long long size;
};

/* Pack directory DIFF into a gzip'd tar at OUT (created, must not exist); the digest of
 * the blob, the diff_id of the tar inside and the size into b. OUT is removed on error. */
int gb_layer_pack(const char *diff, const char *out, struct gb_layer_blob *b, struct gb_err *err);

#endif
