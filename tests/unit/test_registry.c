/* Unit tests: image references against Docker's rules, manifests and index selection, the
 * bearer challenge, layer entry names and whiteouts (core/registry/). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "registry/auth.h"
#include "registry/http.h"
#include "registry/layer.h"
#include "registry/ref.h"
#include "registry/tag.h"
#include "storage/image.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void parse_ok(const char *text, const char *domain, const char *repo, const char *tag,
		     const char *digest, const char *familiar)
{
	struct gb_ref r;
	struct gb_err err = { 0 };
	char fam[600];
	assert_int_equal(gb_ref_parse(text, &r, &err), 0);
	assert_string_equal(r.domain, domain);
	assert_string_equal(r.repo, repo);
	assert_string_equal(r.tag, tag);
	assert_string_equal(r.digest, digest);
	gb_ref_familiar(&r, fam, sizeof fam);
	assert_string_equal(fam, familiar);
}

static void references_follow_docker(void **state)
{
	parse_ok("nginx", "docker.io", "library/nginx", "latest", "", "nginx");
	parse_ok("mariadb:11", "docker.io", "library/mariadb", "11", "", "mariadb:11");
	parse_ok("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", "", "bitnami/redis:7.2");
	parse_ok("docker.io/nginx", "docker.io", "library/nginx", "latest", "", "nginx");
	parse_ok("index.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", "",
		 "nginx:1");
	parse_ok("registry:5000/team/app:1.2", "registry:5000", "team/app", "1.2", "",
		 "registry:5000/team/app:1.2");
	parse_ok("localhost/app", "localhost", "app", "latest", "", "localhost/app");
	parse_ok("127.0.0.1:5000/busybox", "127.0.0.1:5000", "busybox", "latest", "",
		 "127.0.0.1:5000/busybox");
	parse_ok("ghcr.io/a/b/c:v1", "ghcr.io", "a/b/c", "v1", "", "ghcr.io/a/b/c:v1");
	parse_ok("busybox@sha256:" D64, "docker.io", "library/busybox", "", "sha256:" D64,
		 "busybox@sha256:" D64);
	parse_ok("a__b-c.d--e:t", "docker.io", "library/a__b-c.d--e", "t", "", "a__b-c.d--e:t");
	/* A first component without . : or localhost is a Docker Hub user, not a host. */
	parse_ok("registry/app", "docker.io", "registry/app", "latest", "", "registry/app");
	/* host:port alone is Docker Hub's library/host with that tag; a host may have capitals */
	parse_ok("localhost:5000", "docker.io", "library/localhost", "5000", "", "localhost:5000");
	parse_ok("Foo.example-1.com/bar", "Foo.example-1.com", "bar", "latest", "",
		 "Foo.example-1.com/bar");
	/* an IPv6 literal registry, in brackets as in Docker's grammar */
	parse_ok("[::1]:5000/team/app:2", "[::1]:5000", "team/app", "2", "",
		 "[::1]:5000/team/app:2");
	parse_ok("[fd00::5]/app", "[fd00::5]", "app", "latest", "", "[fd00::5]/app");
	struct gb_ref r;
	char norm[128];
	assert_int_equal(gb_image_normalize("[::1]:5000/team/app:2", norm, sizeof norm), 0);
	assert_true(gb_image_normalize("[::1]", norm, sizeof norm) < 0);
	assert_true(gb_image_normalize("a[b]/c", norm, sizeof norm) < 0);
	assert_true(gb_image_normalize("[x]/c", norm, sizeof norm) < 0);
	assert_true(gb_ref_parse("[::1]:5000/x", &r, NULL) == 0 && gb_ref_is_loopback(&r));
	assert_true(gb_ref_parse("127.0.0.1:5000/x", &r, NULL) == 0 && gb_ref_is_loopback(&r));
	assert_true(gb_ref_parse("localhost:5000/x", &r, NULL) == 0 && gb_ref_is_loopback(&r));
	assert_true(gb_ref_parse("reg.example:5000/x", &r, NULL) == 0 && !gb_ref_is_loopback(&r));
	assert_true(gb_ref_parse("nginx", &r, NULL) == 0);
	assert_string_equal(gb_ref_api_host(&r), "registry-1.docker.io");
}

static void bad_references_are_refused(void **state)
{
	const char *bad[] = {
		"",
		"Nginx",
		"nginx:",
		"nginx:-x",
		":tag",
		"a//b",
		"a/",
		"/a",
		"a..b",
		"a_-b",
		"-a",
		"a-",
		"x@sha256:abc",
		"x@md5:" D64,
		"host:port/x",
		"h:5000/",
		"x:" D64 D64 D64,
		"a b",
		"../etc",
		"x@sha256:" D64 "0",
		/* a registry's host labels start and end with a letter or digit */
		"a-.b/c",
		"a..b/c",
		"x.-y:5000/z",
		".x.com/y",
		/* an IPv6 registry is a valid address in brackets, then an optional port */
		"[::1/x",
		"[zz::1]:5000/x",
		"[]:5000/x",
		"[::1]:x/y",
		"[::1]5000/x",
		"x.com.:5000/y",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct gb_ref r;
		struct gb_err err = { 0 };
		if (gb_ref_parse(bad[i], &r, &err) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(err.msg, "invalid reference"));
	}
}

static void image_names_with_slashes(void **state)
{
	char out[256];
	assert_int_equal(gb_image_normalize("127.0.0.1:5000/busybox:1", out, sizeof out), 0);
	assert_string_equal(out, "127.0.0.1:5000/busybox:1");
	assert_int_equal(gb_image_normalize("team/app:latest", out, sizeof out), 0);
	assert_string_equal(out, "team/app");
	const char *bad[] = { "/etc", "a/../b", "a//b", "a/", "a/.x", "a+b", "./a" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (gb_image_normalize(bad[i], out, sizeof out) != -EINVAL)
			fail_msg("accepted image name '%s'", bad[i]);
}

static const char *INDEX =
	"{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
	"\"manifests\":["
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":10,"
	"\"digest\":\"sha256:" D64 "\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\","
	"\"variant\":\"v8\"}},"
	"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":10,"
	"\"digest\":\"sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";

static void index_selects_platform(void **state)
{
	char d[72];
	struct gb_err err = { 0 };
	struct gb_manifest m;
	assert_int_equal(gb_manifest_parse(INDEX, strlen(INDEX), NULL, &m, &err), 0);
	assert_int_equal(m.kind, GB_MANIFEST_INDEX);
	assert_int_equal(gb_index_select(INDEX, strlen(INDEX), "linux/amd64", d, sizeof d, &err),
			 0);
	assert_string_equal(
		d, "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_int_equal(gb_index_select(INDEX, strlen(INDEX), "linux/arm64/v8", d, sizeof d, &err),
			 0);
	assert_string_equal(d, "sha256:" D64);
	assert_int_equal(gb_index_select(INDEX, strlen(INDEX), "linux/s390x", d, sizeof d, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "linux/arm64, linux/amd64"));
	assert_int_equal(gb_index_select(INDEX, strlen(INDEX), "linux", d, sizeof d, &err),
			 -EINVAL);
}

static void manifests_are_read(void **state)
{
	const char *docker =
		"{\"schemaVersion\":2,\"mediaType\":"
		"\"application/"
		"vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":"
		"\"application/"
		"vnd.docker.container.image.v1+json\",\"size\":7,\"digest\":\"sha256:" D64
		"\"},\"layers\":[{\"mediaType\":\"application/"
		"vnd.docker.image.rootfs.diff.tar.gzip\","
		"\"size\":99,\"digest\":\"sha256:" D64 "\"}]}";
	struct gb_manifest m;
	struct gb_err err = { 0 };
	assert_int_equal(gb_manifest_parse(docker, strlen(docker), "", &m, &err), 0);
	assert_int_equal(m.kind, GB_MANIFEST_IMAGE);
	assert_int_equal(m.n_layers, 1);
	assert_int_equal(m.layers[0].size, 99);
	assert_int_equal(m.config.size, 7);
	gb_manifest_free(&m);
	/* The header's media type wins over a document without one. */
	const char *oci = "{\"schemaVersion\":2,\"config\":{\"size\":1,\"digest\":\"sha256:" D64
			  "\"},\"layers\":[]}";
	assert_int_equal(gb_manifest_parse(oci, strlen(oci),
					   "application/vnd.oci.image.manifest.v1+json; x=y", &m,
					   &err),
			 0);
	assert_int_equal(m.n_layers, 0);
	gb_manifest_free(&m);
}

static void bad_manifests_are_refused(void **state)
{
	const char *bad[] = {
		"not json",
		"[]",
		"{\"mediaType\":\"application/vnd.docker.distribution.manifest.v1+prettyjws\"}",
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}",
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
		"\"size\":1,\"digest\":\"sha256:" D64 "\"},\"layers\":[{\"mediaType\":"
		"\"application/"
		"vnd.oci.image.layer.v1.tar+gzip\",\"size\":1,\"digest\":\"md5:x\"}]}",
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
		"\"size\":1,\"digest\":\"sha256:" D64 "\"},\"layers\":[{\"mediaType\":"
		"\"application/x-foreign\",\"size\":1,\"digest\":\"sha256:" D64 "\"}]}",
		"{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
		"\"digest\":\"sha256:" D64 "\"},\"layers\":[]}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct gb_manifest m;
		struct gb_err err = { 0 };
		if (gb_manifest_parse(bad[i], strlen(bad[i]), NULL, &m, &err) == 0)
			fail_msg("accepted manifest %zu", i);
		assert_true(err.msg[0] != '\0');
	}
}

static void bearer_challenge(void **state)
{
	struct gb_challenge c;
	assert_int_equal(gb_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
					    "service=\"registry.docker.io\","
					    "scope=\"repository:library/nginx:pull\"",
					    &c),
			 0);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/nginx:pull");
	assert_int_equal(gb_challenge_parse("Basic realm=\"x\"", &c), -EINVAL);
	assert_int_equal(gb_challenge_parse("Bearer service=\"x\"", &c), -EINVAL);
	assert_int_equal(gb_challenge_parse("Bearer realm=\"unterminated", &c), -EINVAL);
}

static void layer_paths_are_checked(void **state)
{
	char out[64];
	assert_int_equal(gb_layer_path_clean("./usr/bin/x", out, sizeof out), 0);
	assert_string_equal(out, "usr/bin/x");
	assert_int_equal(gb_layer_path_clean("etc//passwd/", out, sizeof out), 0);
	assert_string_equal(out, "etc/passwd");
	assert_int_equal(gb_layer_path_clean("./", out, sizeof out), -EINVAL);
	assert_int_equal(gb_layer_path_clean("/", out, sizeof out), -EINVAL);
	assert_int_equal(gb_layer_path_clean("../../etc/passwd", out, sizeof out), -EPERM);
	assert_int_equal(gb_layer_path_clean("a/../../b", out, sizeof out), -EPERM);
	assert_int_equal(gb_layer_path_clean("a/..", out, sizeof out), -EPERM);
	assert_int_equal(gb_layer_path_clean("/etc/passwd", out, sizeof out), -EPERM);
	assert_int_equal(gb_layer_path_clean("a/..b", out, sizeof out), 0); /* a name, not .. */
	assert_int_equal(gb_layer_path_clean("a/" D64 D64, out, sizeof out), -ENAMETOOLONG);
}

static void whiteouts_are_recognised(void **state)
{
	char t[64];
	assert_int_equal(gb_whiteout_kind("etc/.wh.motd", t, sizeof t), GB_WH_FILE);
	assert_string_equal(t, "etc/motd");
	assert_int_equal(gb_whiteout_kind(".wh.top", t, sizeof t), GB_WH_FILE);
	assert_string_equal(t, "top");
	assert_int_equal(gb_whiteout_kind("var/cache/.wh..wh..opq", t, sizeof t), GB_WH_OPAQUE);
	assert_string_equal(t, "var/cache");
	assert_int_equal(gb_whiteout_kind(".wh..wh..opq", t, sizeof t), GB_WH_OPAQUE);
	assert_string_equal(t, "");
	assert_int_equal(gb_whiteout_kind("etc/.wh.", t, sizeof t), GB_WH_NONE);
	assert_int_equal(gb_whiteout_kind("etc/x.wh.y", t, sizeof t), GB_WH_NONE);
	assert_int_equal(gb_whiteout_kind(".wh/file", t, sizeof t), GB_WH_NONE);
}

/* Docker's config.json auth: base64 of "user:password", the padding of each length. */
static void auth_encodes_like_docker(void **state)
{
	char b64[64], u[32], p[32];
	assert_int_equal(gb_auth_encode("user", "pass", b64, sizeof b64), 0);
	assert_string_equal(b64, "dXNlcjpwYXNz");
	assert_int_equal(gb_auth_encode("ab", "c", b64, sizeof b64), 0);
	assert_string_equal(b64, "YWI6Yw==");
	assert_int_equal(gb_auth_encode("ab", "cd", b64, sizeof b64), 0);
	assert_string_equal(b64, "YWI6Y2Q=");
	assert_int_equal(gb_auth_encode("a:b", "c", b64, sizeof b64), -EINVAL);
	assert_int_equal(gb_auth_encode("", "c", b64, sizeof b64), -EINVAL);
	assert_int_equal(gb_auth_encode("user", "pass", b64, 8), -ENAMETOOLONG);
	/* decode: the password may hold colons, the user may not */
	assert_int_equal(gb_auth_decode("YWI6Y2Q=", u, sizeof u, p, sizeof p), 0);
	assert_string_equal(u, "ab");
	assert_string_equal(p, "cd");
	assert_int_equal(gb_auth_encode("gb", "s3:cr:et", b64, sizeof b64), 0);
	assert_int_equal(gb_auth_decode(b64, u, sizeof u, p, sizeof p), 0);
	assert_string_equal(u, "gb");
	assert_string_equal(p, "s3:cr:et");
	assert_int_equal(gb_auth_decode("YWI6Yw==", u, sizeof u, p, sizeof p), 0);
	assert_string_equal(p, "c");
	assert_int_equal(gb_auth_decode("bm9jb2xvbg==", u, sizeof u, p, sizeof p), -EINVAL);
	assert_int_equal(gb_auth_decode("!!!!", u, sizeof u, p, sizeof p), -EINVAL);
	assert_int_equal(gb_auth_decode("abc", u, sizeof u, p, sizeof p), -EINVAL);
	assert_int_equal(gb_auth_decode("", u, sizeof u, p, sizeof p), -EINVAL);
	assert_string_equal(gb_auth_key("docker.io"), "https://index.docker.io/v1/");
	assert_string_equal(gb_auth_key("127.0.0.1:5000"), "127.0.0.1:5000");
}

/* The file: written 0600 in a 0700 directory, other members kept, logout removes. */
static void auth_file_keeps_other_members(void **state)
{
	char dir[] = "/tmp/gb-auth-XXXXXX", sub[64], path[96], got[128], u[32], p[32];
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof sub, "%s/docker", dir);
	snprintf(path, sizeof path, "%s/config.json", sub);
	setenv("DOCKER_CONFIG", sub, 1);
	struct gb_err err = { 0 };
	assert_int_equal(gb_auth_get(NULL, "r:5000", got, sizeof got), -ENOENT);
	assert_int_equal(gb_auth_set("r:5000", "me", "pw", &err), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* a member glassbox does not know, and another registry, survive a login */
	const char *other = "{\"auths\": {\"other\": {\"auth\": \"eDp5\"}}, "
			    "\"credsStore\": \"desktop\"}";
	assert_int_equal(gb_write_atomic(path, other, strlen(other), 0600), 0);
	assert_int_equal(gb_auth_set("r:5000", "me", "pw2", &err), 0);
	assert_int_equal(gb_auth_get(NULL, "r:5000", got, sizeof got), 0);
	assert_int_equal(gb_auth_decode(got, u, sizeof u, p, sizeof p), 0);
	assert_string_equal(p, "pw2");
	assert_int_equal(gb_auth_get(NULL, "other", got, sizeof got), 0);
	assert_string_equal(got, "eDp5");
	gb_autofree char *text = NULL;
	assert_int_equal(gb_read_file(path, &text, NULL), 0);
	assert_non_null(strstr(text, "\"credsStore\": \"desktop\""));
	assert_int_equal(gb_auth_set("r:5000", NULL, NULL, &err), 0);
	assert_int_equal(gb_auth_get(NULL, "r:5000", got, sizeof got), -ENOENT);
	assert_int_equal(gb_auth_set("r:5000", NULL, NULL, &err), -ENOENT);
	/* a file that is not JSON is named, not overwritten */
	assert_int_equal(gb_write_atomic(path, "{nope", 5, 0600), 0);
	assert_int_equal(gb_auth_set("r:5000", "me", "pw", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "config.json"));
	unlink(path);
	rmdir(sub);
	rmdir(dir);
	unsetenv("DOCKER_CONFIG");
}

static void tag_names_follow_docker(void **state)
{
	char name[256];
	struct gb_err err = { 0 };
	assert_int_equal(gb_tag_name("127.0.0.1:5000/team/app:1.0", name, sizeof name, &err), 0);
	assert_string_equal(name, "127.0.0.1:5000/team/app:1.0");
	assert_int_equal(gb_tag_name("docker.io/library/nginx:latest", name, sizeof name, &err), 0);
	assert_string_equal(name, "nginx");
	assert_int_equal(gb_tag_name("Team/App", name, sizeof name, &err), -EINVAL);
	assert_int_equal(gb_tag_name("app@sha256:" D64, name, sizeof name, &err), -EINVAL);
	assert_int_equal(gb_tag_name("app:-bad", name, sizeof name, &err), -EINVAL);
}

/* run's auto-pull asks only for names that say their registry (never Docker Hub unasked). */
static void names_registry(void **state)
{
	(void)state;
	assert_true(gb_ref_names_registry("127.0.0.1:5000/app"));
	assert_true(gb_ref_names_registry("ghcr.io/x/y:1"));
	assert_true(gb_ref_names_registry("localhost/app"));
	assert_false(gb_ref_names_registry("nginx"));
	assert_false(gb_ref_names_registry("library/nginx:1.25"));
	assert_false(gb_ref_names_registry("localhostx/app"));
	assert_false(gb_ref_names_registry("busybox:1.36"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_registry),
		cmocka_unit_test(references_follow_docker),
		cmocka_unit_test(bad_references_are_refused),
		cmocka_unit_test(image_names_with_slashes),
		cmocka_unit_test(index_selects_platform),
		cmocka_unit_test(manifests_are_read),
		cmocka_unit_test(bad_manifests_are_refused),
		cmocka_unit_test(bearer_challenge),
		cmocka_unit_test(layer_paths_are_checked),
		cmocka_unit_test(whiteouts_are_recognised),
		cmocka_unit_test(auth_encodes_like_docker),
		cmocka_unit_test(auth_file_keeps_other_members),
		cmocka_unit_test(tag_names_follow_docker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
