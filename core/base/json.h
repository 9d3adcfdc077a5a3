/* A small JSON writer and a reader on jansson: state files, image configs, inspect --json,
 * seccomp profiles and the event stream (docs/events.md) are all JSON. Standalone: the viz
 * links it too (with -ljansson). docs/json.md says why jansson and what it refuses. */
#ifndef GB_JSON_H
#define GB_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* ---- writer: appends to a growable buffer; keys are NULL inside arrays ---- */
struct gb_json {
	char *buf;
	size_t len, cap;
	int depth;
	bool comma[32]; /* whether the container at each depth needs a comma */
	bool failed;	/* out of memory or nesting too deep: the text is unusable */
};

void gb_json_init(struct gb_json *j);
void gb_json_free(struct gb_json *j);
void gb_json_obj_begin(struct gb_json *j, const char *key);
void gb_json_obj_end(struct gb_json *j);
void gb_json_arr_begin(struct gb_json *j, const char *key);
void gb_json_arr_end(struct gb_json *j);
void gb_json_str(struct gb_json *j, const char *key, const char *val);
void gb_json_int(struct gb_json *j, const char *key, long long val);
void gb_json_uint(struct gb_json *j, const char *key, unsigned long long val);
void gb_json_double(struct gb_json *j, const char *key, double val, int decimals);
void gb_json_bool(struct gb_json *j, const char *key, bool val);
void gb_json_null(struct gb_json *j, const char *key);
/* Insert already encoded JSON text (an object or array built elsewhere). */
void gb_json_raw(struct gb_json *j, const char *key, const char *json);
/* Array of strings from a NULL-terminated vector. */
void gb_json_strv(struct gb_json *j, const char *key, char *const *v);

/* ---- reader: jansson parses, strictly; we copy its tree into this plain one ---- */
enum gb_jtype { GB_JNULL, GB_JBOOL, GB_JNUM, GB_JSTR, GB_JARR, GB_JOBJ };

struct gb_jval {
	enum gb_jtype type;
	char *key;	       /* member name when inside an object */
	char *str;	       /* GB_JSTR */
	double num;	       /* GB_JNUM */
	bool b;		       /* GB_JBOOL */
	struct gb_jval *child; /* first element or member */
	struct gb_jval *next;  /* next sibling */
	size_t n;	       /* number of children */
	bool is_int;	       /* GB_JNUM written without fraction or exponent: i is exact */
	long long i;	       /* GB_JNUM with is_int: the 64-bit value (num may round it) */
};

/* Parse one JSON value; trailing white space allowed. Refused: duplicate keys (named),
 * leading zeros, lone surrogates, invalid UTF-8, \u0000, integers outside 64 bits, reals
 * that overflow a double. On error returns NULL and writes "line L column C: what" into err. */
struct gb_jval *gb_json_parse(const char *text, size_t len, char *err, size_t errlen);
void gb_jval_free(struct gb_jval *v);
const struct gb_jval *gb_jget(const struct gb_jval *obj, const char *key);
const char *gb_jstr(const struct gb_jval *obj, const char *key, const char *def);
/* A number as long long: integers exactly, reals truncated toward zero and clamped to
 * [LLONG_MIN, LLONG_MAX] (1e300 gives LLONG_MAX, never undefined behaviour); else def. */
long long gb_jint(const struct gb_jval *obj, const char *key, long long def);
long long gb_jval_int(const struct gb_jval *v, long long def);
/* Exact: 0, or -EINVAL (not a number, or written as a real) or -ERANGE (outside the range;
 * for the unsigned one, negative or above max). Integers are exact up to 2^63 - 1. */
int gb_jval_int64(const struct gb_jval *v, long long *out);
int gb_jval_uint64(const struct gb_jval *v, unsigned long long max, unsigned long long *out);
double gb_jnum(const struct gb_jval *obj, const char *key, double def);
bool gb_jbool(const struct gb_jval *obj, const char *key, bool def);
/* A NULL-terminated copy of an array of strings (free with gb_strv_free). */
char **gb_jstrv(const struct gb_jval *arr);
void gb_strv_free(char **v);

#endif
