/* Unit tests: the Dockerfile parser, variable substitution, .dockerignore matching, the
 * build cache key (and the sha256 under it), and -v/--mount/--tmpfs parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/build.h"
#include "build/dockerfile.h"
#include "base/sha256.h"
#include "base/util.h"
#include "storage/volume.h"

static void parses_instructions_and_forms(void **state)
{
	const char *text = "# a comment\n"
			   "FROM busybox\n"
			   "\n"
			   "RUN echo one \\\n"
			   "    && echo two\n"
			   "CMD [\"cat\", \"/x\"]\n"
			   "entrypoint /bin/sh -c x\n";
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	assert_int_equal(gb_df_parse(text, &df, &err), 0);
	assert_int_equal(df.n, 4);
	assert_int_equal(df.v[0].kind, GB_DF_FROM);
	assert_int_equal(df.v[1].kind, GB_DF_RUN);
	assert_string_equal(df.v[1].args, "echo one  && echo two");
	assert_int_equal(df.v[1].line, 4);
	assert_null(df.v[1].argv);
	assert_non_null(df.v[2].argv);
	assert_string_equal(df.v[2].argv[0], "cat");
	assert_string_equal(df.v[2].argv[1], "/x");
	assert_null(df.v[2].argv[2]);
	assert_string_equal(df.v[3].keyword, "ENTRYPOINT");
	assert_int_equal(df.v[3].line, 7);
	gb_df_free(&df);
}

static void rejects_bad_files(void **state)
{
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	assert_int_equal(gb_df_parse("FROM a\nBOGUS x\n", &df, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2: unknown instruction BOGUS"));
	memset(&err, 0, sizeof err);
	assert_int_equal(gb_df_parse("RUN true\n", &df, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "first instruction must be FROM"));
	memset(&err, 0, sizeof err);
	assert_int_equal(gb_df_parse("FROM a\nONBUILD RUN x\n", &df, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2: ONBUILD is not supported"));
	assert_non_null(strstr(err.hint, "Dockerfile that builds FROM this image"));
	memset(&err, 0, sizeof err);
	assert_int_equal(gb_df_parse("ARG V=1\nFROM a\n", &df, &err), 0);
	gb_df_free(&df);
}

static void splits_words_and_pairs(void **state)
{
	char **w = gb_df_words("a \"b c\" 'd e' f\\ g");
	assert_int_equal(gb_strv_len(w), 4);
	assert_string_equal(w[1], "b c");
	assert_string_equal(w[2], "d e");
	assert_string_equal(w[3], "f g");
	gb_strv_free(w);
	assert_null(gb_df_words("\"open"));
	char **p = gb_df_pairs("A=1 B=\"two words\"");
	assert_string_equal(p[0], "A=1");
	assert_string_equal(p[1], "B=two words");
	gb_strv_free(p);
	p = gb_df_pairs("KEY the rest of it");
	assert_string_equal(p[0], "KEY=the rest of it");
	assert_null(p[1]);
	gb_strv_free(p);
}

static void expands_variables(void **state)
{
	char *vars[] = { "A=1", "B=two", "A=3", NULL };
	char out[128];
	assert_int_equal(gb_df_expand("$A-${B}-${C:-def}-${B:+alt}-\\$A", vars, out, sizeof out),
			 0);
	assert_string_equal(out, "3-two-def-alt-$A");
	assert_int_equal(gb_df_expand("$NOPE.", vars, out, sizeof out), 0);
	assert_string_equal(out, ".");
	assert_int_equal(gb_df_expand("${B}${B}${B}", vars, out, 6), -E2BIG);
}

static void cache_key_depends_on_everything(void **state)
{
	char a[65], b[65], c[65], d[65], e[65];
	gb_build_cache_key("abc", "RUN x", "", a);
	gb_build_cache_key("abc", "RUN x", "", b);
	gb_build_cache_key("abd", "RUN x", "", c);
	gb_build_cache_key("abc", "RUN y", "", d);
	gb_build_cache_key("abc", "RUN x", "content", e);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_string_not_equal(a, e);
	assert_int_equal(strlen(a), 64);
	/* The separator keeps "ab"+"c" apart from "a"+"bc". */
	gb_build_cache_key("ab", "c", "", a);
	gb_build_cache_key("a", "bc", "", b);
	assert_string_not_equal(a, b);
}

static void sha256_known_answers(void **state)
{
	char h[65];
	gb_sha256_str("", h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	gb_sha256_str("abc", h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	gb_sha256_str("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void dockerignore_matches(void **state)
{
	char *pats[] = { "*.key", "build", "docs/**/*.md", "!docs/keep.md", NULL };
	assert_true(gb_build_ignored(pats, "secret.key"));
	assert_false(gb_build_ignored(pats, "dir/secret.key")); /* * stops at / */
	assert_true(gb_build_ignored(pats, "build/out/x.o"));
	assert_true(gb_build_ignored(pats, "docs/a/b.md"));
	assert_false(gb_build_ignored(pats, "docs/keep.md"));
	assert_false(gb_build_ignored(pats, "src/main.c"));
}

static void parses_from_lines(void **state)
{
	char image[64], name[16];
	assert_int_equal(gb_df_from("busybox", image, sizeof image, name, sizeof name), 0);
	assert_string_equal(image, "busybox");
	assert_string_equal(name, "");
	assert_int_equal(
		gb_df_from("debian:bookworm as Build", image, sizeof image, name, sizeof name), 0);
	assert_string_equal(image, "debian:bookworm");
	assert_string_equal(name, "build"); /* Docker lowercases stage names */
	assert_int_equal(
		gb_df_from("--platform=linux/amd64 b AS x", image, sizeof image, name, sizeof name),
		0);
	assert_string_equal(image, "b");
	assert_string_equal(name, "x");
	assert_int_equal(gb_df_from("a b", image, sizeof image, name, sizeof name), -EINVAL);
	assert_int_equal(gb_df_from("a AS", image, sizeof image, name, sizeof name), -EINVAL);
	assert_int_equal(gb_df_from("a AS b c", image, sizeof image, name, sizeof name), -EINVAL);
	assert_int_equal(gb_df_from("--bogus", image, sizeof image, name, sizeof name), -EINVAL);
	assert_int_equal(
		gb_df_from("a AS waytoolongforthebuffer", image, sizeof image, name, sizeof name),
		-EINVAL);
}

static void splits_stages(void **state)
{
	const char *text = "ARG BASE=busybox\n"
			   "FROM $BASE AS gen\n"
			   "RUN echo hi > /x\n"
			   "FROM scratch\n"
			   "FROM busybox AS final\n"
			   "COPY --from=gen /x /x\n"
			   "COPY --from=1 /y /y\n";
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	struct gb_df_stage *st;
	size_t n;
	assert_int_equal(gb_df_parse(text, &df, &err), 0);
	assert_int_equal(gb_df_stages(&df, &st, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(st[0].first, 1);
	assert_int_equal(st[0].end, 3);
	assert_string_equal(st[0].image, "$BASE"); /* substituted at build time */
	assert_string_equal(st[0].name, "gen");
	assert_int_equal(st[1].first, 3);
	assert_int_equal(st[1].end, 4);
	assert_string_equal(st[1].name, "");
	assert_int_equal(st[2].end, df.n);
	/* references only reach back: by name (any case) or index */
	assert_int_equal(gb_df_stage_index(st, 2, "gen"), 0);
	assert_int_equal(gb_df_stage_index(st, 2, "GEN"), 0);
	assert_int_equal(gb_df_stage_index(st, 2, "1"), 1);
	assert_int_equal(gb_df_stage_index(st, 2, "2"), -1);
	assert_int_equal(gb_df_stage_index(st, 2, "final"), -1);
	assert_int_equal(gb_df_stage_index(st, 0, "gen"), -1);
	assert_int_equal(gb_df_stage_index(st, 2, "busybox"), -1);
	free(st);
	gb_df_free(&df);

	assert_int_equal(gb_df_parse("FROM a AS x\nFROM b AS X\n", &df, &err), 0);
	assert_int_equal(gb_df_stages(&df, &st, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "line 2: a stage name used twice"));
	assert_null(st);
	gb_df_free(&df);
	memset(&err, 0, sizeof err);
	assert_int_equal(gb_df_parse("FROM a AS 1x\n", &df, &err), 0);
	assert_int_equal(gb_df_stages(&df, &st, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "must start with a letter"));
	gb_df_free(&df);
}

static void parses_copy_flags(void **state)
{
	char from[32];
	const char *bad = NULL;
	char *plain[] = { "a", "b", NULL };
	assert_int_equal(gb_df_copy_flags(plain, from, sizeof from, &bad), 0);
	assert_string_equal(from, "");
	char *stage[] = { "--from=build", "/out", "/app/", NULL };
	assert_int_equal(gb_df_copy_flags(stage, from, sizeof from, &bad), 1);
	assert_string_equal(from, "build");
	char *unknown[] = { "--link", "a", "b", NULL };
	assert_int_equal(gb_df_copy_flags(unknown, from, sizeof from, &bad), -EINVAL);
	assert_string_equal(bad, "--link");
	struct gb_df_copy_opts o;
	char *owned[] = { "--chown=app:staff", "--chmod=0640", "--from=b", "a", "b", NULL };
	assert_int_equal(gb_df_copy_opts(owned, &o, &bad), 3);
	assert_string_equal(o.chown, "app:staff");
	assert_string_equal(o.chmod, "0640");
	assert_string_equal(o.from, "b");
	char *no_value[] = { "--chown=", "a", "b", NULL };
	assert_int_equal(gb_df_copy_opts(no_value, &o, &bad), -EINVAL);
	assert_string_equal(bad, "--chown=");
	char *empty[] = { "--from=", "a", "b", NULL };
	assert_int_equal(gb_df_copy_flags(empty, from, sizeof from, &bad), -EINVAL);

	/* the JSON form after the options */
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	assert_int_equal(gb_df_parse("FROM a\nCOPY --from=b [\"x y\", \"/z/\"]\n"
				     "COPY [\"p\", \"/q\"]\nCOPY --from=b p q\n",
				     &df, &err),
			 0);
	assert_int_equal(gb_strv_len(df.v[1].argv), 3);
	assert_string_equal(df.v[1].argv[0], "--from=b");
	assert_string_equal(df.v[1].argv[1], "x y");
	assert_string_equal(df.v[1].argv[2], "/z/");
	assert_int_equal(gb_strv_len(df.v[2].argv), 2);
	assert_null(df.v[3].argv);
	gb_df_free(&df);
}

static void parses_shell(void **state)
{
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	assert_int_equal(gb_df_parse("FROM a\nSHELL [\"/bin/ash\", \"-ec\"]\n", &df, &err), 0);
	assert_int_equal(df.v[1].kind, GB_DF_SHELL);
	assert_string_equal(df.v[1].argv[0], "/bin/ash");
	assert_string_equal(df.v[1].argv[1], "-ec");
	gb_df_free(&df);
}

static void dockerignore_docker_rules(void **state)
{
	/* moby/patternmatcher: "**" spans any number of directories, none included */
	char *pats[] = { "**/*.secret", "logs/**", "!logs/keep/**", "a/**/z", NULL };
	assert_true(gb_build_ignored(pats, "x.secret"));
	assert_true(gb_build_ignored(pats, "deep/er/x.secret"));
	assert_false(gb_build_ignored(pats, "x.secrets"));
	assert_true(gb_build_ignored(pats, "logs/1.txt"));
	assert_true(gb_build_ignored(pats, "logs/d/2.txt"));
	assert_false(gb_build_ignored(pats, "logs/keep/3.txt")); /* the exception comes later */
	assert_true(gb_build_ignored(pats, "a/z"));
	assert_true(gb_build_ignored(pats, "a/b/c/z"));
	assert_true(gb_build_ignored(pats, "a/b/z/inside")); /* a matched dir: its contents */
	assert_false(gb_build_ignored(pats, "a/b/zz"));
	assert_false(gb_build_ignored(pats, "b/a/z"));
	/* last match wins: an exception before the pattern it excepts is overridden */
	char *order[] = { "!keep.txt", "*.txt", NULL };
	assert_true(gb_build_ignored(order, "keep.txt"));
	char *q[] = { "file?.txt", "[ab].c", NULL };
	assert_true(gb_build_ignored(q, "file1.txt"));
	assert_false(gb_build_ignored(q, "file12.txt"));
	assert_true(gb_build_ignored(q, "b.c"));
	assert_false(gb_build_ignored(q, "c.c"));
}

static void anonymous_volumes(void **state)
{
	struct gb_mount m[3];
	struct gb_err err = { 0 };
	int n = 1;
	assert_int_equal(gb_mount_parse_volume("mine:/logs", &m[0], &err), 0);
	char *paths[] = { "/data", "/logs/", NULL }; /* /logs: the -v wins */
	assert_int_equal(gb_mounts_add_anon(m, &n, 3, paths, "abc123", &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(m[1].type, GB_MOUNT_VOLUME);
	assert_string_equal(m[1].source, "anon-abc123-0");
	assert_string_equal(m[1].target, "/data");
	char *bad[] = { "/a/../etc", NULL };
	assert_int_equal(gb_mounts_add_anon(m, &n, 3, bad, "abc123", &err), -EINVAL);
	assert_int_equal(n, 2);
	char *many[] = { "/x", "/y", NULL };
	assert_int_equal(gb_mounts_add_anon(m, &n, 3, many, "abc123", &err), -E2BIG);
	assert_int_equal(n, 3);
	assert_string_equal(m[2].source, "anon-abc123-0");
	assert_int_equal(gb_mounts_add_anon(m, &n, 3, NULL, "abc123", &err), 0);

	struct gb_dockerfile df;
	assert_int_equal(gb_df_parse("FROM a\nVOLUME [\"/d\", \"/e\"]\nvolume /f\n", &df, &err), 0);
	assert_int_equal(df.v[1].kind, GB_DF_VOLUME);
	assert_string_equal(df.v[1].argv[1], "/e");
	assert_int_equal(df.v[2].kind, GB_DF_VOLUME);
	assert_null(df.v[2].argv);
	gb_df_free(&df);
}

static void parses_mount_specs(void **state)
{
	struct gb_mount m;
	struct gb_err err = { 0 };
	assert_int_equal(gb_mount_parse_volume("data:/var/lib/x", &m, &err), 0);
	assert_int_equal(m.type, GB_MOUNT_VOLUME);
	assert_int_equal(gb_mount_parse_volume("/srv:/srv:ro", &m, &err), 0);
	assert_int_equal(m.type, GB_MOUNT_BIND);
	assert_true(m.readonly);
	assert_int_equal(gb_mount_parse_volume("data", &m, &err), -EINVAL);
	assert_int_equal(gb_mount_parse_volume("./rel:/x", &m, &err), -EINVAL);
	assert_int_equal(gb_mount_parse_volume("v:/a/../etc", &m, &err), -EINVAL);
	assert_int_equal(gb_mount_parse_volume("v:/", &m, &err), -EINVAL);
	assert_int_equal(gb_mount_parse_mount("type=tmpfs,target=/t,tmpfs-size=1m", &m, &err), 0);
	assert_string_equal(m.options, "size=1m");
	assert_int_equal(gb_mount_parse_mount("type=bind,src=/a,dst=/b,readonly", &m, &err), 0);
	assert_true(m.readonly);
	assert_int_equal(gb_mount_parse_mount("type=nfs,target=/t", &m, &err), -EINVAL);
	assert_int_equal(gb_mount_parse_tmpfs("/run:size=64m,mode=755", &m, &err), 0);
	assert_string_equal(m.options, "size=64m,mode=755");
	assert_int_equal(gb_mount_parse_tmpfs("/run:exec", &m, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_instructions_and_forms),
		cmocka_unit_test(rejects_bad_files),
		cmocka_unit_test(splits_words_and_pairs),
		cmocka_unit_test(expands_variables),
		cmocka_unit_test(cache_key_depends_on_everything),
		cmocka_unit_test(sha256_known_answers),
		cmocka_unit_test(dockerignore_matches),
		cmocka_unit_test(parses_mount_specs),
		cmocka_unit_test(parses_from_lines),
		cmocka_unit_test(splits_stages),
		cmocka_unit_test(parses_copy_flags),
		cmocka_unit_test(parses_shell),
		cmocka_unit_test(dockerignore_docker_rules),
		cmocka_unit_test(anonymous_volumes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
