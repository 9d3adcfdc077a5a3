/* The registry's HTTP side, with libcurl: GETs of manifests and blobs, the bearer-token
 * dance Docker Hub does (a 401 with `WWW-Authenticate: Bearer realm=...,service=...,
 * scope=...` says where to ask for an anonymous token), every blob hashed as it arrives. */
#ifndef GB_REGISTRY_HTTP_H
#define GB_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

struct gb_challenge {
	char realm[1024], service[256], scope[512];
};

/* Parse a `Bearer k="v",...` header; -EINVAL if it is not a Bearer challenge. */
int gb_challenge_parse(const char *header, struct gb_challenge *c);

typedef void (*gb_http_progress)(void *data, long long done, long long total);

struct gb_http {
	char base[600];	  /* "https://registry-1.docker.io/v2/library/nginx" */
	char token[8192]; /* the bearer token, once one was given */
	gb_http_progress progress;
	void *progress_data;
};

/* GET base/PATH into a malloc'd buffer (up to 16 MiB); content_type gets the header. */
int gb_http_get_mem(struct gb_http *h, const char *path, const char *accept, char **body,
		    size_t *len, char *content_type, size_t ctlen, struct gb_err *err);
/* GET base/blobs/DIGEST into the file at dest, which is removed again unless its sha256 is
 * DIGEST: a blob is never kept (nor used) before it is proven to be what was asked for. */
int gb_http_get_blob(struct gb_http *h, const char *digest, const char *dest, struct gb_err *err);

#endif
