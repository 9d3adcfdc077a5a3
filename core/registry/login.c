/* glassbox login: credentials checked against the registry, then stored (auth.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry/auth.h"
#include "registry/http.h"
#include "registry/ref.h"

int gb_login(const char *registry, const char *user, const char *password, char *const *insecure,
	     struct gb_err *err)
{
	struct gb_ref ref;
	char probe[600];
	snprintf(probe, sizeof probe, "%s/x", registry);
	if (gb_ref_parse(probe, &ref, err) < 0)
		return -EINVAL;
	bool plain = gb_ref_is_loopback(&ref);
	for (char *const *i = insecure; i && *i; i++)
		plain |= !strcmp(*i, ref.domain);
	struct gb_http h = { 0 };
	snprintf(h.base, sizeof h.base, "%s://%s/v2", plain ? "http" : "https",
		 gb_ref_api_host(&ref));
	int r = gb_auth_encode(user, password, h.basic, sizeof h.basic);
	if (r < 0)
		return gb_err_set(err, -r, "", "the user name must not be empty or hold a ':'");
	/* Sent at once: /v2/ answers 200 to anyone on a registry without auth. */
	h.basic_on = true;
	char *body = NULL, type[128];
	size_t len;
	r = gb_http_get_mem(&h, "", NULL, &body, &len, type, sizeof type, err);
	free(body);
	if (r < 0)
		return r;
	return gb_auth_set(ref.domain, user, password, err);
}
