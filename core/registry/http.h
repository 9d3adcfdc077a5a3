/* The registry's HTTP side, with libcurl: GETs of manifests and blobs, the bearer-token
 * dance Docker Hub does (a 401 with `WWW-Authenticate: Bearer realm=...,service=...,
 * scope=...` says where to ask for an anonymous token), every blob hashed as it arrives. */
#ifndef GB_REGISTRY_HTTP_H
#define GB_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
	char basic[700];  /* base64 of "user:password" from `glassbox login`, or "" */
	bool basic_on;	  /* the registry asked for them: sent with every request */
	gb_http_progress progress;
	void *progress_data;
};

/* GET base/PATH into a malloc'd buffer (up to 16 MiB); content_type gets the header. */
int gb_http_get_mem(struct gb_http *h, const char *path, const char *accept, char **body,
		    size_t *len, char *content_type, size_t ctlen, struct gb_err *err);
/* GET base/blobs/DIGEST into the file at dest, which is removed again unless its sha256 is
 * DIGEST: a blob is never kept (nor used) before it is proven to be what was asked for. */
int gb_http_get_blob(struct gb_http *h, const char *digest, const char *dest, struct gb_err *err);

/* A request other than a GET (registry/push.c): PUT, POST, PATCH or HEAD, with a body
 * from memory or from a file. */
struct gb_http_req {
	const char *method;
	const char *content_type;
	const char *body;
	FILE *file;
	long long len;
	long long offset;  /* where in file the body starts (a chunk of a chunked upload) */
	const char *range; /* Content-Range of a PATCH ("0-16777215"), or NULL */
};

struct gb_http_reply {
	char location[2048]; /* Location: where an upload continues */
	char digest[80];     /* Docker-Content-Digest */
	char body[512];	     /* the start of the answer, for error messages */
};

/* Send q to URL (absolute, or a path on the registry's host such as a Location); the HTTP
 * status, or -errno with err set when no answer came (or credentials were refused). */
long gb_http_send(struct gb_http *h, const char *url, const struct gb_http_req *q,
		  struct gb_http_reply *reply, struct gb_err *err);

#endif
