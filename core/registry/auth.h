/* Registry credentials as Docker keeps them: config.json's `auths.{registry}.auth`, the
 * base64 of "user:password", in $DOCKER_CONFIG/config.json or ~/.docker/config.json
 * (file 0600, directory 0700: it is a password in the clear, base64 hides nothing).
 * Docker Hub's entry is named "https://index.docker.io/v1/", as docker login names it.
 * `glassbox login` writes it; pull and push send it (registry/http.h: Basic when the
 * registry asks, or to the token server of a Bearer challenge). */
#ifndef GB_REGISTRY_AUTH_H
#define GB_REGISTRY_AUTH_H

#include <stddef.h>

#include "base/error.h"
#include "state/state.h"

/* base64("user:password") into out; -ENAMETOOLONG if it does not fit, -EINVAL for a
 * user with a colon (the pair could not be split again). */
int gb_auth_encode(const char *user, const char *password, char *out, size_t len);
/* The pair back from an auth string; -EINVAL if it is not base64 of "user:password". */
int gb_auth_decode(const char *auth, char *user, size_t ulen, char *password, size_t plen);
/* The config.json in use. */
int gb_auth_config_path(char *buf, size_t len);
/* The key of REGISTRY ("127.0.0.1:5000", "docker.io") in auths. */
const char *gb_auth_key(const char *registry);
/* The stored auth string for REGISTRY into out ("" when none); 0 or -errno. */
int gb_auth_get(struct gb_runtime *rt, const char *registry, char *out, size_t len);
/* Store (or, with user NULL, remove) REGISTRY's credentials, keeping every other member
 * of the file; -ENOENT from a logout with nothing stored. */
int gb_auth_set(const char *registry, const char *user, const char *password, struct gb_err *err);

/* `glassbox login`: GET /v2/ of REGISTRY with the pair (as Basic, or to its token server),
 * and only when the registry accepts it, store it. Plain HTTP for loopback registries and
 * those in insecure. */
int gb_login(const char *registry, const char *user, const char *password, char *const *insecure,
	     struct gb_err *err);

#endif
