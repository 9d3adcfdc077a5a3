/* Image references and manifests (ref.h): the grammar of Docker's reference package, and
 * the four manifest media types a registry may answer with. No network here. */
#include "registry/ref.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static bool path_component_valid(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	while (i < n) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t run = 0;
		while (i + run < n && !lower_alnum(s[i + run]))
			run++;
		bool dashes = strspn(s + i, "-") >= run;
		if (!(run == 1 && strchr("._-", s[i])) && !(run == 2 && !strncmp(s + i, "__", 2)) &&
		    !dashes)
			return false;
		i += run;
	}
	return true;
}

static bool repo_valid(const char *repo)
{
	const char *p = repo;
	while (*p) {
		size_t n = strcspn(p, "/");
		if (!path_component_valid(p, n))
			return false;
		p += n;
		if (*p == '/' && !*++p)
			return false;
	}
	return *repo != '\0';
}

/* A label of a host: letters, digits and dashes, starting and ending with a letter or digit
 * (Docker's domainNameComponent): "a-.b" and "a..b" are refused. */
static bool label_valid(const char *l, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)l[0]) || !isalnum((unsigned char)l[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)l[i]) && l[i] != '-')
			return false;
	return true;
}

static bool port_valid(const char *port)
{
	return *port && strspn(port, "0123456789") == strlen(port) && strlen(port) <= 5;
}

/* An IPv6 literal in brackets, as Docker's reference grammar has it ("[::1]:5000"),
 * checked by inet_pton; then an optional :port. */
static bool ipv6_domain_valid(const char *d)
{
	const char *close = strchr(d, ']');
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	size_t n = close ? (size_t)(close - d - 1) : 0;
	if (!close || n == 0 || n >= sizeof addr)
		return false;
	memcpy(addr, d + 1, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return false;
	return !close[1] || (close[1] == ':' && port_valid(close + 2));
}

/* host ("a.b", "localhost", "127.0.0.1", "[::1]"): dot-separated labels, or an IPv6
 * literal in brackets; then an optional :port */
static bool domain_valid(const char *d)
{
	if (d[0] == '[')
		return ipv6_domain_valid(d);
	size_t host = strcspn(d, ":");
	for (size_t i = 0;;) {
		size_t n = strcspn(d + i, ".:");
		if (!label_valid(d + i, n))
			return false;
		if (i + n >= host)
			break;
		i += n + 1;
	}
	if (!d[host])
		return true;
	return port_valid(d + host + 1);
}

/* tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool tag_valid(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || t[0] == '.' || t[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return false;
	return true;
}

bool gb_digest_valid(const char *d)
{
	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

static int ref_fail(struct gb_err *err, const char *text, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "invalid reference '%s': %s", text, what);
	gb_err_hint(err, "write NAME[:TAG|@sha256:DIGEST], e.g. busybox:1.36, "
			 "registry.example.com:5000/team/app:1.2, 127.0.0.1:5000/busybox");
	return r;
}

/* The first component is a registry when it looks like a host: a dot, a port, localhost,
 * or capitals (repositories are lowercase), as Docker's splitDockerDomain decides. */
static bool first_is_domain(const char *name, size_t n)
{
	if (n == 9 && !strncmp(name, "localhost", 9))
		return true;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '.' || name[i] == ':' || isupper((unsigned char)name[i]))
			return true;
	return false;
}

bool gb_ref_names_registry(const char *text)
{
	size_t first = strcspn(text, "/");
	return text[first] == '/' && first_is_domain(text, first);
}

static int split_domain(const char *text, char *name, struct gb_ref *ref, struct gb_err *err)
{
	size_t first = strcspn(name, "/");
	const char *repo = name;
	snprintf(ref->domain, sizeof ref->domain, "docker.io");
	if (name[first] == '/' && first_is_domain(name, first)) {
		if (first >= sizeof ref->domain)
			return ref_fail(err, text, "the registry name is too long");
		snprintf(ref->domain, sizeof ref->domain, "%.*s", (int)first, name);
		repo = name + first + 1;
		if (!domain_valid(ref->domain))
			return ref_fail(err, text, "the registry is not HOST or HOST:PORT");
	}
	if (!strcmp(ref->domain, "index.docker.io"))
		snprintf(ref->domain, sizeof ref->domain, "docker.io");
	bool hub = !strcmp(ref->domain, "docker.io");
	if (gb_path(ref->repo, sizeof ref->repo, "%s%s",
		    hub && !strchr(repo, '/') ? "library/" : "", repo) < 0)
		return ref_fail(err, text, "the repository name is too long");
	if (!repo_valid(ref->repo))
		return ref_fail(err, text,
				"repository names are lowercase letters, digits and . _ __ - "
				"between them, in /-separated parts");
	return 0;
}

int gb_ref_parse(const char *text, struct gb_ref *ref, struct gb_err *err)
{
	memset(ref, 0, sizeof *ref);
	if (!text || !*text)
		return ref_fail(err, "", "it is empty");
	if (strlen(text) > 400)
		return ref_fail(err, "(too long)", "more than 400 characters");
	char name[512];
	snprintf(name, sizeof name, "%s", text);
	char *at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (!gb_digest_valid(at + 1))
			return ref_fail(err, text,
					"a digest is sha256: and 64 lowercase hex digits");
		snprintf(ref->digest, sizeof ref->digest, "%s", at + 1);
	}
	char *colon = strrchr(name, ':');
	if (colon && !strchr(colon, '/')) {
		*colon = '\0';
		if (!tag_valid(colon + 1))
			return ref_fail(err, text, "a tag is up to 128 of A-Z a-z 0-9 _ . -");
		snprintf(ref->tag, sizeof ref->tag, "%s", colon + 1);
	} else if (!at) {
		snprintf(ref->tag, sizeof ref->tag, "latest");
	}
	return split_domain(text, name, ref, err);
}

void gb_ref_familiar(const struct gb_ref *ref, char *buf, size_t len)
{
	char name[600];
	if (!strcmp(ref->domain, "docker.io"))
		snprintf(name, sizeof name, "%s",
			 strncmp(ref->repo, "library/", 8) ? ref->repo : ref->repo + 8);
	else
		snprintf(name, sizeof name, "%s/%s", ref->domain, ref->repo);
	if (ref->digest[0])
		snprintf(buf, len, "%s@%s", name, ref->digest);
	else if (strcmp(ref->tag, "latest"))
		snprintf(buf, len, "%s:%s", name, ref->tag);
	else
		snprintf(buf, len, "%s", name);
}

const char *gb_ref_api_host(const struct gb_ref *ref)
{
	return strcmp(ref->domain, "docker.io") ? ref->domain : "registry-1.docker.io";
}

bool gb_ref_is_loopback(const struct gb_ref *ref)
{
	size_t host = strcspn(ref->domain, ":");
	return (host == 9 && !strncmp(ref->domain, "localhost", 9)) ||
	       !strncmp(ref->domain, "127.", 4) || !strncmp(ref->domain, "[::1]", 5);
}

/* ------------------------------------------------------------ manifests */

#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

bool gb_layer_type_known(const char *t)
{
	static const char *known[] = {
		"application/vnd.oci.image.layer.v1.tar",
		"application/vnd.oci.image.layer.v1.tar+gzip",
		"application/vnd.oci.image.layer.v1.tar+zstd",
		"application/vnd.docker.image.rootfs.diff.tar.gzip",
		"application/vnd.docker.image.rootfs.diff.tar",
	};
	for (size_t i = 0; i < GB_ARRAY_LEN(known); i++)
		if (!strcmp(t, known[i]))
			return true;
	return false;
}

static int read_blob(const struct gb_jval *v, struct gb_blob *b, const char *what,
		     struct gb_err *err)
{
	const char *d = gb_jstr(v, "digest", "");
	if (!v || v->type != GB_JOBJ || !gb_digest_valid(d))
		return gb_err_set(err, EINVAL, "", "manifest: %s has no valid sha256 digest", what);
	snprintf(b->digest, sizeof b->digest, "%s", d);
	snprintf(b->media_type, sizeof b->media_type, "%s", gb_jstr(v, "mediaType", ""));
	b->size = gb_jint(v, "size", -1);
	if (b->size < 0)
		return gb_err_set(err, EINVAL, "", "manifest: %s has no size", what);
	return 0;
}

static int read_image_manifest(const struct gb_jval *root, struct gb_manifest *m,
			       struct gb_err *err)
{
	int r = read_blob(gb_jget(root, "config"), &m->config, "the config", err);
	const struct gb_jval *layers = gb_jget(root, "layers");
	if (r == 0 && (!layers || layers->type != GB_JARR))
		r = gb_err_set(err, EINVAL, "", "manifest: no layers array");
	if (r < 0)
		return r;
	m->layers = calloc(layers->n + 1, sizeof *m->layers);
	if (!m->layers)
		return gb_err_set(err, ENOMEM, "", "out of memory reading a manifest");
	for (const struct gb_jval *l = layers->child; l; l = l->next) {
		char what[32];
		snprintf(what, sizeof what, "layer %zu", m->n_layers + 1);
		struct gb_blob *b = &m->layers[m->n_layers];
		if ((r = read_blob(l, b, what, err)) < 0)
			return r;
		if (!gb_layer_type_known(b->media_type))
			return gb_err_set(err, ENOTSUP, "", "manifest: %s has media type '%s'",
					  what, b->media_type);
		m->n_layers++;
	}
	return 0;
}

int gb_manifest_parse(const char *text, size_t len, const char *content_type, struct gb_manifest *m,
		      struct gb_err *err)
{
	memset(m, 0, sizeof *m);
	char perr[128];
	struct gb_jval *root = gb_json_parse(text, len, perr, sizeof perr);
	if (!root || root->type != GB_JOBJ) {
		gb_jval_free(root);
		return gb_err_set(err, EINVAL, "", "the manifest is not a JSON object (%s)",
				  root ? "another type" : perr);
	}
	char type[128];
	snprintf(type, sizeof type, "%.*s", (int)strcspn(content_type ? content_type : "", ";"),
		 content_type ? content_type : "");
	if (!gb_layer_type_known(type) && strncmp(type, "application/vnd.", 16))
		snprintf(type, sizeof type, "%s", gb_jstr(root, "mediaType", ""));
	if (!type[0] && gb_jget(root, "manifests"))
		snprintf(type, sizeof type, OCI_INDEX);
	if (!type[0] && gb_jget(root, "layers"))
		snprintf(type, sizeof type, OCI_MANIFEST);
	int r = 0;
	if (!strcmp(type, OCI_INDEX) || !strcmp(type, DOCKER_LIST))
		m->kind = GB_MANIFEST_INDEX;
	else if (!strcmp(type, OCI_MANIFEST) || !strcmp(type, DOCKER_MANIFEST)) {
		m->kind = GB_MANIFEST_IMAGE;
		r = read_image_manifest(root, m, err);
	} else
		r = gb_err_set(err, ENOTSUP, "", "unsupported manifest type '%s'", type);
	if (r < 0 && !strncmp(type, "application/vnd.docker.distribution.manifest.v1", 47))
		gb_err_hint(err, "Docker schema 1 manifests are deprecated: push the image again "
				 "with a current client");
	gb_jval_free(root);
	if (r < 0)
		gb_manifest_free(m);
	return r;
}

void gb_manifest_free(struct gb_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->n_layers = 0;
}

static bool platform_matches(const struct gb_jval *p, const char *os, const char *arch,
			     const char *variant)
{
	return !strcmp(gb_jstr(p, "os", ""), os) && !strcmp(gb_jstr(p, "architecture", ""), arch) &&
	       (!variant[0] || !strcmp(gb_jstr(p, "variant", ""), variant));
}

int gb_index_select(const char *text, size_t len, const char *platform, char *digest, size_t dlen,
		    struct gb_err *err)
{
	char os[32] = "", arch[32] = "", variant[32] = "", seen[512] = "";
	if (sscanf(platform, "%31[^/]/%31[^/]/%31s", os, arch, variant) < 2)
		return gb_err_set(err, EINVAL, "", "invalid platform '%s' (OS/ARCH[/VARIANT])",
				  platform);
	struct gb_jval *root = gb_json_parse(text, len, NULL, 0);
	const struct gb_jval *list = gb_jget(root, "manifests");
	int r = -ENOENT;
	for (const struct gb_jval *e = list && list->type == GB_JARR ? list->child : NULL;
	     e && r == -ENOENT; e = e->next) {
		const struct gb_jval *p = gb_jget(e, "platform");
		size_t used = strlen(seen);
		snprintf(seen + used, sizeof seen - used, "%s%s/%s", used ? ", " : "",
			 gb_jstr(p, "os", "?"), gb_jstr(p, "architecture", "?"));
		if (!platform_matches(p, os, arch, variant))
			continue;
		const char *d = gb_jstr(e, "digest", "");
		r = gb_digest_valid(d) ? 0 : -EINVAL;
		snprintf(digest, dlen, "%s", d);
	}
	gb_jval_free(root);
	if (r == -EINVAL)
		return gb_err_set(err, EINVAL, "", "index: the %s entry has no valid digest",
				  platform);
	if (r == -ENOENT) {
		gb_err_set(err, ENOENT, "", "the image has no %s variant (it has: %s)", platform,
			   seen[0] ? seen : "none");
		gb_err_hint(err, "choose one with --platform");
	}
	return r;
}
