/* Unit tests for core/base/json.c's reader (jansson underneath): what it refuses and why
 * (duplicate keys, leading zeros, lone surrogates, invalid UTF-8), 64-bit integers read
 * exactly, reals too large for an integer clamped without undefined behaviour, and a
 * seccomp profile whose argument values need all 64 bits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "security/caps.h"
#include "security/seccomp.h"

static struct gb_jval *parse(const char *text, char *err, size_t errlen)
{
	return gb_json_parse(text, strlen(text), err, errlen);
}

/* text must be refused with an error that contains each of the given words. */
static void expect_refused(const char *text, const char *word1, const char *word2)
{
	char err[256] = "";
	struct gb_jval *v = parse(text, err, sizeof err);
	if (v)
		fail_msg("accepted %s", text);
	if (!strstr(err, word1) || (word2 && !strstr(err, word2)))
		fail_msg("error for %s is \"%s\": expected \"%s\" and \"%s\"", text, err, word1,
			 word2 ? word2 : "");
}

static void json_refuses_duplicate_keys_naming_them(void **s)
{
	/* Go keeps the last "defaultAction", a first-match reader the first: refuse both. */
	expect_refused("{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
		       "  \"defaultAction\": \"SCMP_ACT_ALLOW\"}",
		       "duplicate key \"defaultAction\"", "line 2 column 17");
	/* Nested, and a key that is only equal once its escape is decoded. */
	expect_refused("{\"a\": {\"x\": 1, \"\\u0078\": 2}}", "duplicate key", "line 1 column");
	/* The same key in two different objects is fine. */
	struct gb_jval *v = parse("[{\"k\": 1}, {\"k\": 2}]", NULL, 0);
	assert_non_null(v);
	assert_int_equal(gb_jint(v->child->next, "k", 0), 2);
	gb_jval_free(v);
}

static void json_keeps_members_in_written_order(void **s)
{
	struct gb_jval *v = parse("{\"z\": 1, \"a\": 2, \"m\": 3}", NULL, 0);
	assert_non_null(v);
	assert_int_equal(v->n, 3);
	assert_string_equal(v->child->key, "z");
	assert_string_equal(v->child->next->key, "a");
	assert_string_equal(v->child->next->next->key, "m");
	gb_jval_free(v);
}

static void json_integers_are_exact_to_64_bits(void **s)
{
	struct gb_jval *v = parse("[9007199254740993, 9223372036854775807, -9223372036854775808, "
				  "18014398509481985, 2.5, 3e2]",
				  NULL, 0);
	assert_non_null(v);
	long long want[] = { 9007199254740993LL, LLONG_MAX, LLONG_MIN, 18014398509481985LL };
	const struct gb_jval *c = v->child;
	for (size_t i = 0; i < 4; i++, c = c->next) {
		long long got = 0;
		assert_int_equal(gb_jval_int64(c, &got), 0);
		assert_true(got == want[i]); /* through a double, 2^53 + 1 would be 2^53 */
		assert_true(gb_jval_int(c, 0) == want[i]);
	}
	long long x;
	assert_int_equal(gb_jval_int64(c, &x), -EINVAL); /* 2.5 is a real: not exact */
	assert_int_equal(gb_jval_int(c, 0), 2);		 /* truncated toward zero */
	assert_int_equal(gb_jval_int(c->next, 0), 300);
	unsigned long long u;
	assert_int_equal(gb_jval_uint64(v->child, ~0ULL, &u), 0);
	assert_true(u == 9007199254740993ULL);
	assert_int_equal(gb_jval_uint64(v->child->next->next, ~0ULL, &u), -ERANGE); /* negative */
	assert_int_equal(gb_jval_uint64(v->child, 5, &u), -ERANGE);		    /* above max */
	gb_jval_free(v);
	/* Beyond 64 bits jansson refuses, and says where, instead of rounding. */
	expect_refused("{\"value\": 9223372036854775808}", "too big integer", "line 1 column");
	expect_refused("[-9223372036854775809]", "too big negative integer", "line 1 column");
}

static void json_huge_reals_clamp_not_undefined(void **s)
{
	struct gb_jval *v = parse(
		"{\"big\": 1e300, \"small\": -1e300, \"edge\": 9223372036854775808.0}", NULL, 0);
	assert_non_null(v);
	/* (long long)1e300 is undefined behaviour in C: gb_jint clamps instead. */
	assert_true(gb_jint(v, "big", 0) == LLONG_MAX);
	assert_true(gb_jint(v, "small", 0) == LLONG_MIN);
	assert_true(gb_jint(v, "edge", 0) == LLONG_MAX);
	long long x;
	assert_int_equal(gb_jval_int64(gb_jget(v, "big"), &x), -EINVAL);
	assert_true(gb_jnum(v, "big", 0) == 1e300);
	gb_jval_free(v);
	expect_refused("[1e400]", "real number overflow", "line 1 column");
}

static void json_refuses_leading_zeros(void **s)
{
	expect_refused("01", "invalid token", "line 1 column");
	expect_refused("{\"mode\": 0755}", "invalid token", "line 1 column");
	expect_refused("[-01]", "invalid token", NULL);
	struct gb_jval *v = parse("[0, -0, 0.5, 10]", NULL, 0);
	assert_non_null(v);
	assert_int_equal(v->n, 4);
	gb_jval_free(v);
}

static void json_refuses_lone_surrogates(void **s)
{
	expect_refused("\"\\ud800\"", "invalid Unicode", "line 1 column"); /* high alone */
	expect_refused("\"\\udc00\"", "invalid Unicode", NULL);		   /* low alone */
	expect_refused("\"\\ud83dx\"", "invalid Unicode", NULL);	   /* high, no low */
	expect_refused("\"\\ud83d\\u0041\"", "invalid Unicode", NULL);	   /* high, not low */
	expect_refused("{\"k\\udfff\": 1}", "invalid Unicode", NULL);	   /* in a key */
	expect_refused("\"a\\u0000b\"", "\\u0000 is not allowed",
		       NULL);					  /* would cut the C string */
	struct gb_jval *v = parse("\"\\ud83d\\ude00\"", NULL, 0); /* a real pair: U+1F600 */
	assert_non_null(v);
	assert_string_equal(v->str, "\xf0\x9f\x98\x80");
	gb_jval_free(v);
}

static void json_refuses_invalid_utf8(void **s)
{
	const char *bad[] = {
		"\"\xff\"",		/* never valid in UTF-8 */
		"\"\xc0\xaf\"",		/* overlong '/' */
		"\"\xe2\x82\"",		/* truncated sequence */
		"\"\xed\xa0\x80\"",	/* a surrogate encoded directly */
		"\"\xf4\x90\x80\x80\"", /* above U+10FFFF */
		"{\"\x80\": 1}",	/* a continuation byte alone, in a key */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_refused(bad[i], "line 1 column", NULL);
	struct gb_jval *v = parse("\"caf\xc3\xa9\"", NULL, 0);
	assert_non_null(v);
	assert_string_equal(v->str, "caf\xc3\xa9");
	gb_jval_free(v);
}

/* Whatever bytes the writer is given (an argument, a path), the reader reads its output back:
 * bytes that are not UTF-8 become U+FFFD, valid UTF-8 passes untouched. */
static void json_writer_output_always_reads_back(void **s)
{
	const char *in[] = { "\xff", "a\xc3", "\xed\xa0\x80", "\xc0\xaf",
			     "caf\xc3\xa9 \xf0\x9f\x98\x80" };
	const char *want[] = { "\xef\xbf\xbd", "a\xef\xbf\xbd",
			       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd", "\xef\xbf\xbd\xef\xbf\xbd",
			       "caf\xc3\xa9 \xf0\x9f\x98\x80" };
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		struct gb_json j;
		gb_json_init(&j);
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, in[i], in[i]); /* keys too */
		gb_json_obj_end(&j);
		char err[256];
		struct gb_jval *v = gb_json_parse(j.buf, j.len, err, sizeof err);
		if (!v)
			fail_msg("writer output for case %zu unreadable: %s", i, err);
		assert_string_equal(v->child->str, want[i]);
		assert_string_equal(v->child->key, want[i]);
		gb_jval_free(v);
		gb_json_free(&j);
	}
}

/* Docker's format: values are uint64. Above 2^53 they must not pass through a double. */
static void seccomp_arguments_load_all_64_bits(void **s)
{
	const char *profile =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		"[\"personality\"],"
		" \"action\": \"SCMP_ACT_ERRNO\", \"args\": ["
		"{\"index\": 0, \"value\": 9223372036854775807, \"valueTwo\": 9007199254740993,"
		" \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";
	struct gb_seccomp_profile p;
	struct gb_err err = { 0 };
	assert_int_equal(gb_seccomp_parse(profile, strlen(profile), "t.json", 0, &p, &err), 0);
	assert_int_equal(p.n_rules, 1);
	assert_true(p.rules[0].args[0].datum_a == 9223372036854775807ULL);
	assert_true(p.rules[0].args[0].datum_b == 9007199254740993ULL);
	gb_seccomp_free(&p);

	const char *dup =
		"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\"}";
	assert_int_equal(gb_seccomp_parse(dup, strlen(dup), "dup.json", 0, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "duplicate key \"defaultAction\""));

	const char *neg =
		"{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
		"[\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0,"
		" \"value\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}";
	assert_int_equal(gb_seccomp_parse(neg, strlen(neg), "neg.json", 0, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, ".value"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_refuses_duplicate_keys_naming_them),
		cmocka_unit_test(json_keeps_members_in_written_order),
		cmocka_unit_test(json_integers_are_exact_to_64_bits),
		cmocka_unit_test(json_huge_reals_clamp_not_undefined),
		cmocka_unit_test(json_refuses_leading_zeros),
		cmocka_unit_test(json_refuses_lone_surrogates),
		cmocka_unit_test(json_refuses_invalid_utf8),
		cmocka_unit_test(json_writer_output_always_reads_back),
		cmocka_unit_test(seccomp_arguments_load_all_64_bits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
