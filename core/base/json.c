/* JSON writer and reader (RFC 8259), small enough to read in one sitting. */
#include "base/json.h"

#include <ctype.h>
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

static void put_escaped(struct gb_json *j, const char *s)
{
	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[8];
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

void gb_json_obj_begin(struct gb_json *j, const char *key) { open_(j, key, "{"); }
void gb_json_arr_begin(struct gb_json *j, const char *key) { open_(j, key, "["); }

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

void gb_json_int(struct gb_json *j, const char *key, long long v) { putf(j, key, "%lld", v); }
void gb_json_uint(struct gb_json *j, const char *key, unsigned long long v) { putf(j, key, "%llu", v); }
void gb_json_double(struct gb_json *j, const char *key, double v, int decimals)
{
	putf(j, key, "%.*f", decimals, v);
}
void gb_json_bool(struct gb_json *j, const char *key, bool v) { putf(j, key, "%s", v ? "true" : "false"); }
void gb_json_null(struct gb_json *j, const char *key) { putf(j, key, "null"); }

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

/* ---------------------------------------------------------------- reader */

struct parser {
	const char *s, *end, *start;
	char *err;
	size_t errlen;
	int depth;
};

static void perr(struct parser *p, const char *what)
{
	if (p->err[0])
		return;
	int line = 1, col = 1;
	for (const char *c = p->start; c < p->s && c < p->end; c++) {
		if (*c == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	snprintf(p->err, p->errlen, "line %d column %d: %s", line, col, what);
}

static void skip_ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static struct gb_jval *parse_value(struct parser *p);

static void put_utf8(char **o, uint32_t cp)
{
	unsigned char *u = (unsigned char *)*o;
	if (cp < 0x80) {
		*u++ = cp;
	} else if (cp < 0x800) {
		*u++ = 0xc0 | (cp >> 6);
		*u++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*u++ = 0xe0 | (cp >> 12);
		*u++ = 0x80 | ((cp >> 6) & 0x3f);
		*u++ = 0x80 | (cp & 0x3f);
	} else {
		*u++ = 0xf0 | (cp >> 18);
		*u++ = 0x80 | ((cp >> 12) & 0x3f);
		*u++ = 0x80 | ((cp >> 6) & 0x3f);
		*u++ = 0x80 | (cp & 0x3f);
	}
	*o = (char *)u;
}

static int hex4(const char *s, uint32_t *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		int c = s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*out = *out * 16 + d;
	}
	return 0;
}

static char *parse_string(struct parser *p)
{
	if (p->s >= p->end || *p->s != '"') {
		perr(p, "expected a string");
		return NULL;
	}
	p->s++;
	/* The decoded string is never longer than the encoded one. */
	const char *q = p->s;
	while (q < p->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= p->end) {
		perr(p, "unterminated string");
		return NULL;
	}
	char *out = malloc(q - p->s + 1), *o = out;
	if (!out) {
		perr(p, "out of memory");
		return NULL;
	}
	while (*p->s != '"') {
		unsigned char c = *p->s++;
		if (c < 0x20) {
			perr(p, "control character in string");
			free(out);
			return NULL;
		}
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		c = *p->s++;
		uint32_t cp;
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (p->end - p->s < 4 || hex4(p->s, &cp) < 0) {
				perr(p, "bad \\u escape");
				free(out);
				return NULL;
			}
			p->s += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && p->end - p->s >= 6 && p->s[0] == '\\' &&
			    p->s[1] == 'u') {
				uint32_t lo;
				if (hex4(p->s + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					p->s += 6;
				}
			}
			if (cp == 0)
				cp = '?';  /* NUL would cut the C string */
			put_utf8(&o, cp);
			break;
		default:
			perr(p, "bad escape in string");
			free(out);
			return NULL;
		}
	}
	p->s++;
	*o = '\0';
	return out;
}

static struct gb_jval *new_val(enum gb_jtype t)
{
	struct gb_jval *v = calloc(1, sizeof *v);
	if (v)
		v->type = t;
	return v;
}

static struct gb_jval *parse_container(struct parser *p, bool object)
{
	struct gb_jval *v = new_val(object ? GB_JOBJ : GB_JARR), **tail;
	if (!v)
		return NULL;
	tail = &v->child;
	if (++p->depth > 200) {
		perr(p, "nesting too deep");
		return v;  /* caller sees err */
	}
	p->s++;
	skip_ws(p);
	if (p->s < p->end && *p->s == (object ? '}' : ']')) {
		p->s++;
		p->depth--;
		return v;
	}
	for (;;) {
		char *key = NULL;
		skip_ws(p);
		if (object) {
			key = parse_string(p);
			if (!key)
				return v;
			skip_ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				perr(p, "expected ':' after a member name");
				return v;
			}
			p->s++;
		}
		struct gb_jval *c = parse_value(p);
		if (!c) {
			free(key);
			return v;
		}
		c->key = key;
		*tail = c;
		tail = &c->next;
		v->n++;
		if (p->err[0])
			return v;
		skip_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == (object ? '}' : ']')) {
			p->s++;
			p->depth--;
			return v;
		}
		perr(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
		return v;
	}
}

static struct gb_jval *parse_value(struct parser *p)
{
	skip_ws(p);
	if (p->s >= p->end) {
		perr(p, "unexpected end of input");
		return NULL;
	}
	char c = *p->s;
	if (c == '{' || c == '[')
		return parse_container(p, c == '{');
	if (c == '"') {
		char *s = parse_string(p);
		if (!s)
			return NULL;
		struct gb_jval *v = new_val(GB_JSTR);
		if (!v) {
			free(s);
			return NULL;
		}
		v->str = s;
		return v;
	}
	static const struct { const char *word; enum gb_jtype t; bool b; } words[] = {
		{"true", GB_JBOOL, true}, {"false", GB_JBOOL, false}, {"null", GB_JNULL, false}};
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i].word);
		if ((size_t)(p->end - p->s) >= n && memcmp(p->s, words[i].word, n) == 0) {
			p->s += n;
			struct gb_jval *v = new_val(words[i].t);
			if (v)
				v->b = words[i].b;
			return v;
		}
	}
	if (c == '-' || isdigit((unsigned char)c)) {
		char tmp[64];
		size_t n = 0;
		while (p->s + n < p->end && n < sizeof tmp - 1 && strchr("+-0123456789.eE", p->s[n]))
			n++;
		memcpy(tmp, p->s, n);
		tmp[n] = '\0';
		char *endp;
		double d = strtod(tmp, &endp);
		if (endp == tmp) {
			perr(p, "bad number");
			return NULL;
		}
		p->s += endp - tmp;
		struct gb_jval *v = new_val(GB_JNUM);
		if (v)
			v->num = d;
		return v;
	}
	perr(p, "unexpected character");
	return NULL;
}

struct gb_jval *gb_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	char dummy[8];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	err[0] = '\0';
	struct parser p = {text, text + len, text, err, errlen, 0};
	struct gb_jval *v = parse_value(&p);
	if (!p.err[0]) {
		skip_ws(&p);
		if (p.s != p.end)
			perr(&p, "text after the JSON value");
	}
	if (p.err[0] || !v) {
		if (!p.err[0])
			perr(&p, "out of memory");
		gb_jval_free(v);
		return NULL;
	}
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
	const struct gb_jval *v = gb_jget(obj, key);
	return v && v->type == GB_JNUM ? (long long)v->num : def;
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
