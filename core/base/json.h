/* A small JSON writer and reader: state files, image configs, inspect --json and the
 * event stream (docs/events.md) are all JSON. Standalone: the viz links it too. */
#ifndef GB_JSON_H
#define GB_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* ---- writer: appends to a growable buffer; keys are NULL inside arrays ---- */
struct gb_json {
	char *buf;
	size_t len, cap;
	int depth;
	bool comma[32];  /* whether the container at each depth needs a comma */
	bool failed;     /* out of memory or nesting too deep: the text is unusable */
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

/* ---- reader: a tree of values ---- */
enum gb_jtype { GB_JNULL, GB_JBOOL, GB_JNUM, GB_JSTR, GB_JARR, GB_JOBJ };

struct gb_jval {
	enum gb_jtype type;
	char *key;               /* member name when inside an object */
	char *str;               /* GB_JSTR */
	double num;              /* GB_JNUM */
	bool b;                  /* GB_JBOOL */
	struct gb_jval *child;   /* first element or member */
	struct gb_jval *next;    /* next sibling */
	size_t n;                /* number of children */
};

/* Parse one JSON value; trailing white space allowed. On error returns NULL and writes
 * "line L column C: what" into err. */
struct gb_jval *gb_json_parse(const char *text, size_t len, char *err, size_t errlen);
void gb_jval_free(struct gb_jval *v);
const struct gb_jval *gb_jget(const struct gb_jval *obj, const char *key);
const char *gb_jstr(const struct gb_jval *obj, const char *key, const char *def);
long long gb_jint(const struct gb_jval *obj, const char *key, long long def);
double gb_jnum(const struct gb_jval *obj, const char *key, double def);
bool gb_jbool(const struct gb_jval *obj, const char *key, bool def);
/* A NULL-terminated copy of an array of strings (free with gb_strv_free). */
char **gb_jstrv(const struct gb_jval *arr);
void gb_strv_free(char **v);

#endif
