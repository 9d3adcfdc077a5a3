/* Image references as Docker reads them, and the manifests a registry answers with. Pure
 * parsing, no network: `nginx` is docker.io/library/nginx:latest, `host:5000/a/b:1.2` names
 * its registry by the colon or dot in the first component. The OCI Distribution spec
 * (distribution-spec, "Pulling manifests") and Docker's reference grammar. */
#ifndef GB_REGISTRY_REF_H
#define GB_REGISTRY_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/json.h"

struct gb_ref {
	char domain[256]; /* "docker.io", "127.0.0.1:5000" */
	char repo[256];	  /* "library/nginx", "team/app" */
	char tag[129];	  /* "latest" unless a digest was given alone */
	char digest[72];  /* "sha256:<64 hex>" or "" */
};

/* Whether the name's first component is a registry (127.0.0.1:5000/app, ghcr.io/x/y,
 * localhost/app), as Docker decides: a bare `nginx` would mean Docker Hub. */
bool gb_ref_names_registry(const char *text);
/* Parse a reference with Docker's rules; -EINVAL with the part that is wrong in err. */
int gb_ref_parse(const char *text, struct gb_ref *ref, struct gb_err *err);
/* The short name Docker shows ("nginx", "127.0.0.1:5000/busybox:1"): the image's name here. */
void gb_ref_familiar(const struct gb_ref *ref, char *buf, size_t len);
/* The host to connect to (Docker Hub's API lives at registry-1.docker.io). */
const char *gb_ref_api_host(const struct gb_ref *ref);
/* Plain HTTP: loopback registries (127.0.0.0/8, localhost, ::1), as Docker allows. */
bool gb_ref_is_loopback(const struct gb_ref *ref);
/* "sha256:" and 64 lowercase hex digits. */
bool gb_digest_valid(const char *digest);

enum gb_manifest_kind { GB_MANIFEST_INDEX, GB_MANIFEST_IMAGE };

struct gb_blob {
	char digest[72];
	char media_type[128];
	long long size;
};

struct gb_manifest {
	enum gb_manifest_kind kind;
	struct gb_blob config;
	struct gb_blob *layers;
	size_t n_layers;
};

/* Classify and read a manifest (Docker v2 schema 2, OCI, a manifest list or an OCI
 * index); the media type from the Content-Type header wins, else the document's own. */
int gb_manifest_parse(const char *text, size_t len, const char *content_type, struct gb_manifest *m,
		      struct gb_err *err);
void gb_manifest_free(struct gb_manifest *m);
/* In an index, the digest of the manifest for PLATFORM ("linux/amd64", "linux/arm64/v8");
 * -ENOENT naming the platforms it has otherwise. */
int gb_index_select(const char *text, size_t len, const char *platform, char *digest, size_t dlen,
		    struct gb_err *err);
/* Whether a layer's media type is one we can unpack (tar, tar+gzip, tar+zstd). */
bool gb_layer_type_known(const char *media_type);

#endif
