/* Docker's config.json credentials (auth.h). The file is Docker's too: it is read and
 * written with jansson as a whole, so members glassbox does not know (credHelpers,
 * proxies, other registries) survive a login. */
#include "registry/auth.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

#define HUB "https://index.docker.io/v1/"

int gb_auth_encode(const char *user, const char *password, char *out, size_t len)
{
	char pair[1024];
	if (strchr(user, ':') || !*user)
		return -EINVAL;
	int n = snprintf(pair, sizeof pair, "%s:%s", user, password);
	if (n < 0 || (size_t)n >= sizeof pair || len < 4 * ((size_t)n + 2) / 3 + 1)
		return -ENAMETOOLONG;
	EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)pair, n);
	return 0;
}

int gb_auth_decode(const char *auth, char *user, size_t ulen, char *password, size_t plen)
{
	unsigned char pair[1024];
	size_t n = strlen(auth);
	if (!n || n % 4 || n / 4 * 3 >= sizeof pair)
		return -EINVAL;
	int got = EVP_DecodeBlock(pair, (const unsigned char *)auth, n);
	if (got < 0)
		return -EINVAL;
	got -= (auth[n - 1] == '=') + (n > 1 && auth[n - 2] == '='); /* the padding's zeros */
	pair[got] = '\0';
	char *colon = memchr(pair, ':', got);
	if (!colon || strlen((char *)pair) != (size_t)got)
		return -EINVAL;
	*colon = '\0';
	snprintf(user, ulen, "%s", (char *)pair);
	snprintf(password, plen, "%s", colon + 1);
	return 0;
}

int gb_auth_config_path(char *buf, size_t len)
{
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	if (dir && *dir)
		return gb_path(buf, len, "%s/config.json", dir);
	return gb_path(buf, len, "%s/.docker/config.json", home && *home ? home : "/root");
}

const char *gb_auth_key(const char *registry)
{
	if (!strcmp(registry, "docker.io") || !strcmp(registry, "index.docker.io") ||
	    !strcmp(registry, "registry-1.docker.io"))
		return HUB;
	return registry;
}

int gb_auth_get(struct gb_runtime *rt, const char *registry, char *out, size_t len)
{
	char path[1024];
	out[0] = '\0';
	gb_auth_config_path(path, sizeof path);
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return access(path, F_OK) == 0 ? -EINVAL : -ENOENT;
	json_t *entry = json_object_get(json_object_get(root, "auths"), gb_auth_key(registry));
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	int r = auth ? 0 : -ENOENT;
	if (auth && strlen(auth) < len)
		snprintf(out, len, "%s", auth);
	json_decref(root);
	return r;
}

static json_t *load_config(const char *path, struct gb_err *err)
{
	json_error_t je;
	if (access(path, F_OK) < 0)
		return json_object();
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		gb_err_set(err, EINVAL, "", "%s is not a JSON object (line %d: %s)", path, je.line,
			   root ? "not an object" : je.text);
		gb_err_hint(err, "fix or remove the file (Docker's config.json)");
		return NULL;
	}
	return root;
}

static int change(json_t *root, const char *key, const char *user, const char *password,
		  struct gb_err *err)
{
	json_t *auths = json_object_get(root, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	if (!user) {
		if (json_object_del(auths, key) < 0)
			return gb_err_set(err, ENOENT, "", "not logged in to %s", key);
		return 0;
	}
	char auth[1400];
	int r = gb_auth_encode(user, password, auth, sizeof auth);
	if (r < 0)
		return gb_err_set(err, -r, "",
				  "the user name must not be empty or hold a ':', "
				  "and the pair must be under 1 kB");
	json_t *entry = json_object();
	json_object_set_new(entry, "auth", json_string(auth));
	json_object_set_new(auths, key, entry);
	return 0;
}

int gb_auth_set(const char *registry, const char *user, const char *password, struct gb_err *err)
{
	char path[1024], dir[1024];
	gb_auth_config_path(path, sizeof path);
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	json_t *root = load_config(path, err);
	if (!root)
		return -err->code;
	int r = change(root, gb_auth_key(registry), user, password, err);
	char *text = r == 0 ? json_dumps(root, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
	if (r == 0 && !text)
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0 && (r = gb_mkdir_p(dir, 0700)) < 0)
		gb_err_set(err, -r, "mkdir", "cannot create %s", dir);
	/* 0600 from the start: the new file is made with that mode and renamed over. */
	if (r == 0 && (r = gb_write_atomic(path, text, strlen(text), 0600)) < 0)
		gb_err_set(err, -r, "write", "cannot write %s", path);
	free(text);
	json_decref(root);
	return r;
}
