/* JSON writer (RFC 8259), small enough to read in one sitting, and a reader on jansson. */
#include "base/json.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- writer */

void gb_json_init(struct gb_json *j)
{
	memset(j, 0, sizeof *j);
}

void gb_json_free(struct gb_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof *j);
}

static void put(struct gb_json *j, const char *s, size_t n)
{
	if (j->failed)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap < j->len + n + 1)
			cap *= 2;
		char *nb = realloc(j->buf, cap);
		if (!nb) {
			j->failed = true;
			return;
		}
		j->buf = nb;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void puts_(struct gb_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* The length of the UTF-8 sequence at p (1 to 4), or 0 if it is not valid UTF-8: overlong,
 * a surrogate, above U+10FFFF or cut short (RFC 3629, section 4). */
static int utf8_len(const unsigned char *p)
{
	static const struct {
		unsigned char lead_lo, lead_hi, next_lo, next_hi;
		int len;
	} seq[] = {
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 }, { 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 }, { 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 }, { 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 }, { 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	if (*p < 0x80)
		return 1;
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		if (*p < seq[i].lead_lo || *p > seq[i].lead_hi)
			continue;
		if (p[1] < seq[i].next_lo || p[1] > seq[i].next_hi)
			return 0;
		for (int k = 2; k < seq[i].len; k++)
			if (p[k] < 0x80 || p[k] > 0xbf)
				return 0;
		return seq[i].len;
	}
	return 0;
}

/* JSON text is UTF-8 (RFC 8259), and the reader refuses anything else. A byte that is not
 * (an argument, a path, a hostname can hold any byte) is written as U+FFFD, as Go's
 * encoding/json, and so Docker, does: lossy, but the file stays readable. */
static void put_escaped(struct gb_json *j, const char *s)
{
	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
		int n = utf8_len(p);
		if (n == 0) {
			puts_(j, "\\ufffd");
			continue;
		}
		if (n > 1) {
			put(j, (const char *)p, n);
			p += n - 1;
			continue;
		}
		switch (*p) {
		case '"': puts_(j, "\\\""); break;
		case '\\': puts_(j, "\\\\"); break;
		case '\n': puts_(j, "\\n"); break;
		case '\r': puts_(j, "\\r"); break;
		case '\t': puts_(j, "\\t"); break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof esc, "\\u%04x", *p);
				puts_(j, esc);
			} else {
				put(j, (const char *)p, 1);
			}
		}
	}
	put(j, "\"", 1);
}

/* Comma and key before a value at the current depth. */
static void member(struct gb_json *j, const char *key)
{
	if (j->comma[j->depth])
		put(j, ",", 1);
	j->comma[j->depth] = true;
	if (key) {
		put_escaped(j, key);
		put(j, ":", 1);
	}
}

static void open_(struct gb_json *j, const char *key, const char *bracket)
{
	member(j, key);
	puts_(j, bracket);
	if (j->depth + 1 >= (int)(sizeof j->comma / sizeof j->comma[0])) {
		j->failed = true;
		return;
	}
	j->comma[++j->depth] = false;
}

void gb_json_obj_begin(struct gb_json *j, const char *key)
{
	open_(j, key, "{");
}
void gb_json_arr_begin(struct gb_json *j, const char *key)
{
	open_(j, key, "[");
}

void gb_json_obj_end(struct gb_json *j)
{
	if (j->depth > 0)
		j->depth--;
	puts_(j, "}");
}

void gb_json_arr_end(struct gb_json *j)
{
	if (j->depth > 0)
		j->depth--;
	puts_(j, "]");
}

void gb_json_str(struct gb_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_escaped(j, val);
	else
		puts_(j, "null");
}

static void putf(struct gb_json *j, const char *key, const char *fmt, ...)
{
	char num[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(num, sizeof num, fmt, ap);
	va_end(ap);
	member(j, key);
	puts_(j, num);
}

void gb_json_int(struct gb_json *j, const char *key, long long v)
{
	putf(j, key, "%lld", v);
}
void gb_json_uint(struct gb_json *j, const char *key, unsigned long long v)
{
	putf(j, key, "%llu", v);
}
void gb_json_double(struct gb_json *j, const char *key, double v, int decimals)
{
	putf(j, key, "%.*f", decimals, v);
}
void gb_json_bool(struct gb_json *j, const char *key, bool v)
{
	putf(j, key, "%s", v ? "true" : "false");
}
void gb_json_null(struct gb_json *j, const char *key)
{
	putf(j, key, "null");
}

void gb_json_raw(struct gb_json *j, const char *key, const char *json)
{
	member(j, key);
	puts_(j, json && *json ? json : "null");
}

void gb_json_strv(struct gb_json *j, const char *key, char *const *v)
{
	gb_json_arr_begin(j, key);
	for (; v && *v; v++)
		gb_json_str(j, NULL, *v);
	gb_json_arr_end(j);
}

/* ---------------------------------------------------------------- reader
 *
 * Reading is where JSON is untrusted (seccomp profiles, Dockerfile exec forms, event streams
 * from anywhere), so it is done by jansson rather than by hand. Why jansson over json-c:
 * - JSON_REJECT_DUPLICATES: {"defaultAction": "SCMP_ACT_ALLOW", "defaultAction": ...} means
 *   the last one to Go (Docker) and the first one to a naive reader; we refuse it, and
 *   jansson tells which key, on which line and column. json-c silently keeps the last.
 * - json_int_t is 64-bit (long long): seccomp argument values above 2^53 load exactly.
 * - every error carries line, column and byte position; json-c gives neither line nor column.
 * - it refuses 01, lone surrogates, invalid UTF-8 and \u0000 by itself, and is packaged
 *   everywhere (Debian libjansson-dev, used by systemd's tooling, nftables, ...).
 * We copy its tree into struct gb_jval, which the callers walk directly (child, next). */

static struct gb_jval *from_jansson(const json_t *j);

static struct gb_jval *new_val(enum gb_jtype t)
{
	struct gb_jval *v = calloc(1, sizeof *v);
	if (v)
		v->type = t;
	return v;
}

/* Append a copy of one element (key is NULL inside arrays). */
static int add_child(struct gb_jval *v, struct gb_jval ***tail, const char *key, const json_t *j)
{
	struct gb_jval *c = from_jansson(j);
	if (!c)
		return -ENOMEM;
	**tail = c;
	*tail = &c->next;
	v->n++;
	if (key && !(c->key = strdup(key)))
		return -ENOMEM;
	return 0;
}

/* Objects keep their members in the order written (jansson iterates in insertion order). */
static int copy_children(struct gb_jval *v, const json_t *j)
{
	struct gb_jval **tail = &v->child;
	json_t *o = (json_t *)j;
	if (json_is_object(j)) {
		for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it))
			if (add_child(v, &tail, json_object_iter_key(it),
				      json_object_iter_value(it)) < 0)
				return -ENOMEM;
		return 0;
	}
	for (size_t i = 0; i < json_array_size(j); i++)
		if (add_child(v, &tail, NULL, json_array_get(j, i)) < 0)
			return -ENOMEM;
	return 0;
}

static struct gb_jval *from_jansson(const json_t *j)
{
	static const enum gb_jtype types[] = {
		[JSON_OBJECT] = GB_JOBJ,  [JSON_ARRAY] = GB_JARR, [JSON_STRING] = GB_JSTR,
		[JSON_INTEGER] = GB_JNUM, [JSON_REAL] = GB_JNUM,  [JSON_TRUE] = GB_JBOOL,
		[JSON_FALSE] = GB_JBOOL,  [JSON_NULL] = GB_JNULL,
	};
	struct gb_jval *v = new_val(types[json_typeof(j)]);
	if (!v)
		return NULL;
	int r = 0;
	if (json_is_string(j))
		r = (v->str = strdup(json_string_value(j))) ? 0 : -ENOMEM;
	else if (json_is_integer(j))
		v->is_int = true, v->i = json_integer_value(j), v->num = (double)v->i;
	else if (json_is_real(j))
		v->num = json_real_value(j);
	else if (json_is_boolean(j))
		v->b = json_is_true(j);
	else if (json_is_object(j) || json_is_array(j))
		r = copy_children(v, j);
	if (r < 0) {
		gb_jval_free(v);
		return NULL;
	}
	return v;
}

/* jansson says 'duplicate object key near '"name"''; we say which, and why it matters. */
static void parse_error(const json_error_t *e, char *err, size_t errlen)
{
	const char *near = strstr(e->text, " near '");
	if (json_error_code(e) == json_error_duplicate_key && near) {
		int n = (int)strlen(near + 7);
		snprintf(err, errlen,
			 "line %d column %d: duplicate key %.*s (readers disagree on "
			 "which one counts: write each key once)",
			 e->line, e->column, n > 0 ? n - 1 : 0, near + 7);
		return;
	}
	snprintf(err, errlen, "line %d column %d: %s", e->line, e->column, e->text);
}

struct gb_jval *gb_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	json_error_t e;
	/* DECODE_ANY: a bare scalar is a JSON text too (RFC 8259), as before. */
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	if (!j) {
		parse_error(&e, err, errlen);
		return NULL;
	}
	struct gb_jval *v = from_jansson(j);
	json_decref(j);
	if (!v)
		snprintf(err, errlen, "out of memory");
	return v;
}

void gb_jval_free(struct gb_jval *v)
{
	while (v) {
		struct gb_jval *next = v->next;
		gb_jval_free(v->child);
		free(v->key);
		free(v->str);
		free(v);
		v = next;
	}
}

const struct gb_jval *gb_jget(const struct gb_jval *obj, const char *key)
{
	if (!obj || obj->type != GB_JOBJ)
		return NULL;
	for (const struct gb_jval *c = obj->child; c; c = c->next)
		if (c->key && strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

const char *gb_jstr(const struct gb_jval *obj, const char *key, const char *def)
{
	const struct gb_jval *v = gb_jget(obj, key);
	return v && v->type == GB_JSTR ? v->str : def;
}

long long gb_jint(const struct gb_jval *obj, const char *key, long long def)
{
	return gb_jval_int(gb_jget(obj, key), def);
}

/* Converting a double outside long long's range to it is undefined behaviour in C: clamp.
 * 2^63 is exact in a double; LLONG_MAX is not, hence < and not <=. */
long long gb_jval_int(const struct gb_jval *v, long long def)
{
	if (!v || v->type != GB_JNUM)
		return def;
	if (v->is_int)
		return v->i;
	if (v->num >= 9223372036854775808.0)
		return LLONG_MAX;
	if (v->num < -9223372036854775808.0)
		return LLONG_MIN;
	return (long long)v->num;
}

int gb_jval_int64(const struct gb_jval *v, long long *out)
{
	if (!v || v->type != GB_JNUM || !v->is_int)
		return -EINVAL;
	*out = v->i;
	return 0;
}

int gb_jval_uint64(const struct gb_jval *v, unsigned long long max, unsigned long long *out)
{
	long long i;
	int r = gb_jval_int64(v, &i);
	if (r < 0)
		return r;
	if (i < 0 || (unsigned long long)i > max)
		return -ERANGE;
	*out = (unsigned long long)i;
	return 0;
}

double gb_jnum(const struct gb_jval *obj, const char *key, double def)
{
	const struct gb_jval *v = gb_jget(obj, key);
	return v && v->type == GB_JNUM ? v->num : def;
}

bool gb_jbool(const struct gb_jval *obj, const char *key, bool def)
{
	const struct gb_jval *v = gb_jget(obj, key);
	return v && v->type == GB_JBOOL ? v->b : def;
}

char **gb_jstrv(const struct gb_jval *arr)
{
	size_t n = arr && arr->type == GB_JARR ? arr->n : 0;
	char **v = calloc(n + 1, sizeof *v);
	if (!v)
		return NULL;
	size_t i = 0;
	for (const struct gb_jval *c = arr ? arr->child : NULL; c; c = c->next) {
		if (c->type != GB_JSTR)
			continue;
		v[i] = strdup(c->str);
		if (!v[i]) {
			gb_strv_free(v);
			return NULL;
		}
		i++;
	}
	return v;
}

void gb_strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}
