/* A Compose file read with libyaml into struct gb_compose (compose.h). libyaml builds the
 * node tree with each node's line and column; we walk it with one table of keys per
 * level, interpolating every scalar value (${VAR}) as docker compose does. Every scalar is
 * a string until a key says otherwise: that is YAML 1.2's rule for ports like `21:21`.
 * Unknown keys warn, wrong types fail with FILE:LINE:COLUMN. Lab 20. */
#include "compose/compose.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "base/json.h"
#include "base/util.h"

struct walk {
	yaml_document_t *doc;
	struct gb_compose *c;
	const struct gb_compose_opts *o;
	struct gb_err *err;
};

typedef yaml_node_t node_t;

static node_t *node(struct walk *w, int id)
{
	return yaml_document_get_node(w->doc, id);
}

static const char *kind(const node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	return "a scalar";
}

/* "FILE:LINE:COL: PATH must be WHAT (got a list)": libyaml counts from 0, editors from 1. */
static int type_error(struct walk *w, const node_t *n, const char *path, const char *what)
{
	int r = gb_err_set(w->err, EINVAL, "", "%s:%zu:%zu: %s must be %s (got %s)", w->c->file,
			   n->start_mark.line + 1, n->start_mark.column + 1, path, what, kind(n));
	gb_err_hint(w->err, "see the Compose file reference for the key %s", path);
	return r;
}

static int at_error(struct walk *w, const node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int at_error(struct walk *w, const node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return gb_err_set(w->err, EINVAL, "", "%s:%zu:%zu: %s", w->c->file, n->start_mark.line + 1,
			  n->start_mark.column + 1, msg);
}

static void warn_key(struct walk *w, const node_t *k, const char *path)
{
	if (!w->o || !w->o->warn)
		return;
	char msg[512];
	snprintf(msg, sizeof msg, "%s:%zu: unknown key '%s%s' (ignored)", w->c->file,
		 k->start_mark.line + 1, path, (const char *)k->data.scalar.value);
	w->o->warn(w->o->warn_data, msg);
}

/* A plain empty scalar, `~` or `null`: YAML 1.2's null (`volumes: {db: }`). */
static bool is_null(const node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

/* A scalar with its variables replaced: a new string in *out. */
static int scalar(struct walk *w, const node_t *n, const char *path, char **out)
{
	if (n->type != YAML_SCALAR_NODE)
		return type_error(w, n, path, "a string");
	if (gb_compose_interpolate((const char *)n->data.scalar.value, w->c->vars, out, w->err) <
	    0) {
		char msg[sizeof w->err->msg];
		snprintf(msg, sizeof msg, "%s", w->err->msg);
		return at_error(w, n, "%s: %s", path, msg);
	}
	char name[128], msg[512];
	if (w->o && w->o->warn &&
	    gb_compose_unset_var((const char *)n->data.scalar.value, w->c->vars, name,
				 sizeof name)) {
		snprintf(msg, sizeof msg,
			 "%s:%zu: variable %s is not set: an empty string is used (set it in the "
			 "environment or in .env)",
			 w->c->file, n->start_mark.line + 1, name);
		w->o->warn(w->o->warn_data, msg);
	}
	return 0;
}

static int replace(struct walk *w, const node_t *n, const char *path, char **field)
{
	char *s;
	int r = scalar(w, n, path, &s);
	if (r == 0) {
		free(*field);
		*field = s;
	}
	return r;
}

/* YAML 1.2's booleans only: true/True/TRUE/false/False/FALSE (not yes/no/on/off). */
static int boolean(struct walk *w, const node_t *n, const char *path, bool *out)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, n, path, &s);
	if (r < 0)
		return r;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		*out = true;
	else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		*out = false;
	else
		return type_error(w, n, path, "true or false");
	return 0;
}

static int duration(struct walk *w, const node_t *n, const char *path, double *out)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, n, path, &s);
	if (r == 0 && gb_compose_duration(s, out) < 0)
		return at_error(w, n, "%s: '%s' is not a duration (e.g. 10s, 1m30s, 500ms)", path,
				s);
	return r;
}

static int integer(struct walk *w, const node_t *n, const char *path, int *out)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, n, path, &s);
	char *end;
	long v = r == 0 ? strtol(s, &end, 10) : 0;
	if (r == 0 && (!*s || *end || v < 0 || v > 1000000))
		return type_error(w, n, path, "a whole number");
	*out = (int)v;
	return r;
}

static int push(char ***v, char *s)
{
	size_t n = gb_strv_len(*v);
	char **bigger = s ? realloc(*v, (n + 2) * sizeof **v) : NULL;
	if (!bigger) {
		free(s);
		return -ENOMEM;
	}
	*v = bigger;
	(*v)[n] = s;
	(*v)[n + 1] = NULL;
	return 0;
}

static int oom(struct walk *w)
{
	return gb_err_set(w->err, ENOMEM, "", "out of memory");
}

/* A list of strings; a lone string counts as a list of one when one_ok. */
static int strlist(struct walk *w, const node_t *n, const char *path, bool one_ok, char ***out)
{
	if (!*out && !(*out = calloc(1, sizeof **out)))
		return oom(w);
	if (n->type == YAML_SCALAR_NODE && one_ok) {
		char *s;
		int r = scalar(w, n, path, &s);
		return r < 0 ? r : push(out, s) < 0 ? oom(w) : 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return type_error(w, n, path, one_ok ? "a string or a list" : "a list");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		char *s;
		int r = scalar(w, node(w, *it), path, &s);
		if (r < 0)
			return r;
		if (push(out, s) < 0)
			return oom(w);
	}
	return 0;
}

/* KEY=VALUE vector from a mapping ({K: V}) or a list ([K=V]); a bare K (or K: with no
 * value) takes K from the variables when from_env, as `environment:` does. */
static int kvset(char ***v, const char *key, const char *val)
{
	size_t klen = strlen(key);
	for (char **p = *v; p && *p; p++)
		if (!strncmp(*p, key, klen) && (*p)[klen] == '=') {
			char *kv = malloc(klen + strlen(val) + 2);
			if (!kv)
				return -ENOMEM;
			sprintf(kv, "%s=%s", key, val);
			free(*p);
			*p = kv;
			return 0;
		}
	char *kv = malloc(klen + strlen(val) + 2);
	if (kv)
		sprintf(kv, "%s=%s", key, val);
	return push(v, kv);
}

static int kv_one(struct walk *w, const char *key, const char *val, bool from_env, char ***out)
{
	if (!val && from_env)
		val = gb_compose_var(w->c->vars, key);
	if (!val)
		return from_env ? 0 : kvset(out, key, "") < 0 ? oom(w) : 0;
	return kvset(out, key, val) < 0 ? oom(w) : 0;
}

static int kvmap(struct walk *w, const node_t *n, const char *path, bool from_env, char ***out)
{
	if (!*out && !(*out = calloc(1, sizeof **out)))
		return oom(w);
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			gb_autofree char *s = NULL;
			int r = scalar(w, node(w, *it), path, &s);
			if (r < 0)
				return r;
			char *eq = strchr(s, '=');
			if (eq)
				*eq = '\0';
			if ((r = kv_one(w, s, eq ? eq + 1 : NULL, from_env, out)) < 0)
				return r;
		}
		return 0;
	}
	if (n->type != YAML_MAPPING_NODE)
		return type_error(w, n, path, "a mapping or a list of KEY=VALUE");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		node_t *k = node(w, p->key), *v = node(w, p->value);
		gb_autofree char *val = NULL;
		if (k->type != YAML_SCALAR_NODE)
			return type_error(w, k, path, "a mapping with string keys");
		int r = is_null(v) ? 0 : scalar(w, v, path, &val);
		if (r < 0 ||
		    (r = kv_one(w, (const char *)k->data.scalar.value, val, from_env, out)) < 0)
			return r;
	}
	return 0;
}

/* A key twice in one mapping is an error, as in docker compose (Go's yaml.v3: "mapping
 * key already defined"); libyaml keeps both, and the second `volumes:` would be read over
 * the first. Every mapping of the document is in its node array: no recursion. */
static int no_duplicate_keys(struct walk *w)
{
	for (node_t *n = w->doc->nodes.start; n < w->doc->nodes.top; n++) {
		if (n->type != YAML_MAPPING_NODE)
			continue;
		yaml_node_pair_t *start = n->data.mapping.pairs.start;
		for (yaml_node_pair_t *p = start; p < n->data.mapping.pairs.top; p++) {
			node_t *k = node(w, p->key);
			if (k->type != YAML_SCALAR_NODE)
				continue; /* refused with its path when the mapping is read */
			for (yaml_node_pair_t *q = start; q < p; q++) {
				node_t *e = node(w, q->key);
				if (e->type == YAML_SCALAR_NODE &&
				    !strcmp((const char *)e->data.scalar.value,
					    (const char *)k->data.scalar.value))
					return at_error(w, k,
							"'%s' is already a key of this mapping "
							"(line %zu): each key once",
							(const char *)k->data.scalar.value,
							e->start_mark.line + 1);
			}
		}
	}
	return 0;
}

/* Walk a mapping: each key is looked up in a table of handlers; unknown ones warn. */
struct key {
	const char *name;
	int (*fn)(struct walk *w, void *obj, const node_t *v, const char *path);
};

static int walk_map(struct walk *w, const node_t *n, const char *path, const struct key *keys,
		    size_t nkeys, void *obj)
{
	if (n->type != YAML_MAPPING_NODE)
		return type_error(w, n, path, "a mapping");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		node_t *k = node(w, p->key), *v = node(w, p->value);
		if (k->type != YAML_SCALAR_NODE)
			return type_error(w, k, path, "a mapping with string keys");
		const char *name = (const char *)k->data.scalar.value;
		char sub[256];
		snprintf(sub, sizeof sub, "%s%s", path, name);
		size_t i = 0;
		while (i < nkeys && strcmp(keys[i].name, name))
			i++;
		if (i == nkeys) {
			if (strncmp(name, "x-", 2)) /* x-*: extension fields, for anchors */
				warn_key(w, k, path);
			continue;
		}
		int r = keys[i].fn ? keys[i].fn(w, obj, v, sub) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

/* The top-level maps of named entries (volumes, networks, secrets) share one shape,
 * NAME: {KEY: VALUE...}: one walker for the three, told by a table how big an entry is
 * (each begins with its char *key), which keys it takes and what completes one. */
struct entries {
	const char *what; /* the top-level key, for paths in messages */
	const struct key *keys;
	size_t nkeys;
	size_t size;   /* of one entry */
	size_t spare;  /* entries kept zeroed past the file's */
	bool empty_ok; /* NAME: with no value is an entry of defaults */
	int (*done)(struct walk *w, void *entry, const node_t *v);
};

/* *array is set at once and *count grows entry by entry, so that gb_compose_free frees
 * what an error leaves half read. */
static int walk_entries(struct walk *w, const node_t *n, const struct entries *e, void **array,
			size_t *count)
{
	if (n->type != YAML_MAPPING_NODE)
		return type_error(w, n, e->what, "a mapping");
	size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	char *all = calloc(cnt + e->spare, e->size);
	if (!(*array = all))
		return oom(w);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		void *entry = all + (*count)++ * e->size;
		char **key = entry, sub[256];
		node_t *k = node(w, p->key), *v = node(w, p->value);
		if (k->type != YAML_SCALAR_NODE)
			return type_error(w, k, e->what, "a mapping with string keys");
		if (!(*key = strdup((const char *)k->data.scalar.value)))
			return oom(w);
		snprintf(sub, sizeof sub, "%s.%s.", e->what, *key);
		int r = e->empty_ok && is_null(v) ? 0
						  : walk_map(w, v, sub, e->keys, e->nkeys, entry);
		if (r == 0 && e->done)
			r = e->done(w, entry, v);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A host path in the file is relative to the project directory; ~ is $HOME. */
static char *host_path(struct walk *w, const char *p)
{
	char *out = NULL;
	const char *home = gb_compose_var(w->c->vars, "HOME");
	if (p[0] == '/')
		out = strdup(p);
	else if (p[0] == '~' && (p[1] == '/' || !p[1]) && home)
		(void)!asprintf(&out, "%s%s", home, p + 1);
	else
		(void)!asprintf(&out, "%s/%s", w->c->dir, strncmp(p, "./", 2) ? p : p + 2);
	size_t n = out ? strlen(out) : 0;
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return out;
}

/* ------------------------------------------------------------ services: simple keys */

#define SVC(obj) ((struct gb_compose_service *)(obj))

static int s_image(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &SVC(obj)->image);
}
static int s_container_name(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &SVC(obj)->container_name);
}
static int s_hostname(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &SVC(obj)->hostname);
}
static int s_init(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return boolean(w, v, path, &SVC(obj)->init);
}
static int s_tty(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return boolean(w, v, path, &SVC(obj)->tty);
}
static int s_stdin_open(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return boolean(w, v, path, &SVC(obj)->stdin_open);
}
static int s_expose(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return strlist(w, v, path, false, &SVC(obj)->expose);
}
static int s_labels(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return kvmap(w, v, path, false, &SVC(obj)->labels);
}
static int s_environment(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return kvmap(w, v, path, true, &SVC(obj)->env);
}

static int s_stop_signal(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r == 0)
		snprintf(SVC(obj)->stop_signal, sizeof SVC(obj)->stop_signal, "%s", s);
	return r;
}

static int s_stop_grace(struct walk *w, void *obj, const node_t *v, const char *path)
{
	double d;
	int r = duration(w, v, path, &d);
	SVC(obj)->stop_grace = (int)(d + 0.999);
	return r;
}

/* restart: no | always | on-failure[:N] | unless-stopped */
static int s_restart(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r < 0)
		return r;
	char *end = NULL;
	bool ok = !strcmp(s, "no") || !strcmp(s, "always") || !strcmp(s, "unless-stopped") ||
		  !strcmp(s, "on-failure") ||
		  (!strncmp(s, "on-failure:", 11) && strtol(s + 11, &end, 10) >= 0 && end &&
		   !*end && s[11]);
	if (!ok)
		return at_error(w, v,
				"%s: '%s' is not a restart policy (no, always, on-failure[:N], "
				"unless-stopped)",
				path, s);
	snprintf(SVC(obj)->restart, sizeof SVC(obj)->restart, "%s", s);
	return 0;
}

/* pull_policy: missing | if_not_present | always | never | build (the spec's daily,
 * weekly and every_N are refused: glassbox keeps no pull times) */
static int s_pull_policy(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r < 0)
		return r;
	const char *policy = !strcmp(s, "if_not_present") ? "missing" : s;
	if (strcmp(policy, "missing") && strcmp(policy, "always") && strcmp(policy, "never") &&
	    strcmp(policy, "build"))
		return at_error(w, v,
				"%s: '%s' is not a pull policy glassbox knows (missing, "
				"if_not_present, always, never, build)",
				path, s);
	snprintf(SVC(obj)->pull_policy, sizeof SVC(obj)->pull_policy, "%s", policy);
	return 0;
}

/* command and entrypoint: a list is the argv; a string is split into words (no shell). */
static int argv_key(struct walk *w, const node_t *v, const char *path, char ***out)
{
	gb_strv_free(*out);
	*out = NULL;
	if (v->type == YAML_SEQUENCE_NODE)
		return strlist(w, v, path, false, out);
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r == 0 && gb_compose_split(s, out, w->err) < 0)
		return at_error(w, v, "%s: %s", path, w->err->msg);
	return r;
}
static int s_command(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return is_null(v) ? 0 : argv_key(w, v, path, &SVC(obj)->command);
}
static int s_entrypoint(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return is_null(v) ? 0 : argv_key(w, v, path, &SVC(obj)->entrypoint);
}

/* env_file: one file or a list, read as .env files, relative to the project. */
static int s_env_file(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autostrv char **files = NULL;
	int r = strlist(w, v, path, true, &files);
	for (char **f = files; r == 0 && f && *f; f++) {
		gb_autofree char *abs = host_path(w, *f), *text = NULL;
		size_t len;
		if (!abs)
			return oom(w);
		struct stat st;
		if (stat(abs, &st) == 0 && !S_ISREG(st.st_mode)) { /* /dev/zero would never end */
			r = at_error(w, v, "%s: %s is not a regular file", path, abs);
			break;
		}
		if ((r = gb_read_file(abs, &text, &len)) < 0) {
			r = at_error(w, v, "%s: cannot read %s: %s", path, abs, strerror(-r));
			gb_err_hint(
				w->err,
				"create it (e.g. from .env.example), or remove it from env_file");
			break;
		}
		if (!SVC(obj)->env && !(SVC(obj)->env = calloc(1, sizeof(char *))))
			return oom(w);
		if (gb_compose_dotenv(text, &SVC(obj)->env, w->err) < 0)
			r = at_error(w, v, "%s: %s: %s", path, abs, w->err->msg);
	}
	return r;
}

/* ------------------------------------------------------------ services: build */

static int b_context(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	free(SVC(obj)->build_context);
	SVC(obj)->build_context = NULL;
	if (r == 0 && !(SVC(obj)->build_context = host_path(w, s)))
		return oom(w);
	return r;
}
static int b_dockerfile(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &SVC(obj)->dockerfile);
}
static int b_args(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return kvmap(w, v, path, true, &SVC(obj)->build_args);
}

static int s_build(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = {
		{ "context", b_context },
		{ "dockerfile", b_dockerfile },
		{ "args", b_args },
		{ "labels", NULL },
	};
	if (v->type == YAML_SCALAR_NODE)
		return b_context(w, obj, v, path);
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	int r = walk_map(w, v, sub, keys, GB_ARRAY_LEN(keys), obj);
	if (r == 0 && !SVC(obj)->build_context && !(SVC(obj)->build_context = strdup(w->c->dir)))
		return oom(w);
	return r;
}

/* ------------------------------------------------------------ services: ports */

struct port_long {
	char *target, *published, *host_ip, *protocol;
};
static int pl_target(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct port_long *)obj)->target);
}
static int pl_published(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct port_long *)obj)->published);
}
static int pl_host_ip(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct port_long *)obj)->host_ip);
}
static int pl_protocol(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct port_long *)obj)->protocol);
}

/* {target: 443, published: 8443, host_ip: 127.0.0.1} -> "127.0.0.1:8443:443" */
static int port_long(struct walk *w, const node_t *v, const char *path, char **out)
{
	static const struct key keys[] = {
		{ "target", pl_target },   { "published", pl_published },
		{ "host_ip", pl_host_ip }, { "protocol", pl_protocol },
		{ "mode", NULL },	   { "name", NULL },
		{ "app_protocol", NULL },
	};
	struct port_long p = { 0 };
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	int r = walk_map(w, v, sub, keys, GB_ARRAY_LEN(keys), &p);
	if (r == 0 && (!p.target || !p.published))
		r = at_error(
			w, v,
			"%s: give target: and published: (glassbox publishes on a port you choose)",
			path);
	if (r == 0 && asprintf(out, "%s%s%s:%s%s%s", p.host_ip ? p.host_ip : "",
			       p.host_ip ? ":" : "", p.published, p.target, p.protocol ? "/" : "",
			       p.protocol ? p.protocol : "") < 0)
		r = oom(w);
	free(p.target);
	free(p.published);
	free(p.host_ip);
	free(p.protocol);
	return r;
}

static int s_ports(struct walk *w, void *obj, const node_t *v, const char *path)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return type_error(w, v, path, "a list");
	struct gb_compose_service *s = SVC(obj);
	if (!s->ports && !(s->ports = calloc(1, sizeof *s->ports)))
		return oom(w);
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const node_t *n = node(w, *it);
		gb_autofree char *spec = NULL;
		gb_autostrv char **each = NULL;
		int r = n->type == YAML_MAPPING_NODE ? port_long(w, n, path, &spec)
						     : scalar(w, n, path, &spec);
		if (r < 0)
			return r;
		if (gb_compose_ports(spec, &each, w->err) < 0)
			return at_error(w, n, "%s: %s", path, w->err->msg);
		for (char **e = each; *e; e++)
			if (push(&s->ports, strdup(*e)) < 0)
				return oom(w);
	}
	return 0;
}

/* ------------------------------------------------------------ services: volumes */

static int add_mount(struct walk *w, struct gb_compose_service *s, enum gb_compose_mount_type t,
		     const char *src, const char *dst, bool ro)
{
	struct gb_compose_mount *bigger = realloc(s->mounts, (s->n_mounts + 1) * sizeof *bigger);
	if (!bigger)
		return oom(w);
	s->mounts = bigger;
	struct gb_compose_mount *m = &s->mounts[s->n_mounts++];
	m->type = t;
	m->readonly = ro;
	m->target = strdup(dst);
	m->source = !src ? NULL : t == GB_COMPOSE_BIND ? host_path(w, src) : strdup(src);
	return m->target && (!src || m->source) ? 0 : oom(w);
}

/* A host path starts with /, ., or ~; anything else is a volume's key. */
static bool is_host_path(const char *s)
{
	return s[0] == '/' || s[0] == '.' || s[0] == '~';
}

/* "SRC:DST[:ro|rw]" (Windows drive letters are not a thing here). */
static int volume_short(struct walk *w, struct gb_compose_service *s, const node_t *n,
			const char *path)
{
	gb_autofree char *spec = NULL;
	int r = scalar(w, n, path, &spec);
	if (r < 0)
		return r;
	char *dst = strchr(spec, ':'), *mode = NULL;
	if (!dst)
		return at_error(w, n,
				"%s: '%s' has no source: anonymous volumes are not supported, "
				"write NAME:%s with NAME under the top-level volumes:",
				path, spec, spec);
	*dst++ = '\0';
	if ((mode = strchr(dst, ':')))
		*mode++ = '\0';
	if (mode && strcmp(mode, "ro") && strcmp(mode, "rw") && strcmp(mode, "z") &&
	    strcmp(mode, "Z"))
		return at_error(w, n, "%s: mode '%s' is not ro or rw", path, mode);
	if (dst[0] != '/')
		return at_error(w, n, "%s: the target '%s' must be an absolute path", path, dst);
	bool ro = mode && !strcmp(mode, "ro");
	return add_mount(w, s, is_host_path(spec) ? GB_COMPOSE_BIND : GB_COMPOSE_VOLUME, spec, dst,
			 ro);
}

struct vol_long {
	char *type, *source, *target;
	bool read_only;
};
static int vl_type(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_long *)obj)->type);
}
static int vl_source(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_long *)obj)->source);
}
static int vl_target(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_long *)obj)->target);
}
static int vl_ro(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return boolean(w, v, path, &((struct vol_long *)obj)->read_only);
}

static int volume_long(struct walk *w, struct gb_compose_service *s, const node_t *n,
		       const char *path)
{
	static const struct key keys[] = {
		{ "type", vl_type },	{ "source", vl_source }, { "target", vl_target },
		{ "read_only", vl_ro }, { "bind", NULL },	 { "volume", NULL },
		{ "tmpfs", NULL },	{ "consistency", NULL },
	};
	struct vol_long v = { 0 };
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	int r = walk_map(w, n, sub, keys, GB_ARRAY_LEN(keys), &v);
	enum gb_compose_mount_type t = GB_COMPOSE_VOLUME;
	if (r == 0 && v.type && !strcmp(v.type, "bind"))
		t = GB_COMPOSE_BIND;
	else if (r == 0 && v.type && !strcmp(v.type, "tmpfs"))
		t = GB_COMPOSE_TMPFS;
	else if (r == 0 && v.type && strcmp(v.type, "volume"))
		r = at_error(w, n, "%s: type '%s' is not volume, bind or tmpfs", path, v.type);
	if (r == 0 && (!v.target || v.target[0] != '/'))
		r = at_error(w, n, "%s: give an absolute target:", path);
	if (r == 0 && t != GB_COMPOSE_TMPFS && !v.source)
		r = at_error(w, n, "%s: give a source: (anonymous volumes are not supported)",
			     path);
	if (r == 0)
		r = add_mount(w, s, t, t == GB_COMPOSE_TMPFS ? NULL : v.source, v.target,
			      v.read_only);
	free(v.type);
	free(v.source);
	free(v.target);
	return r;
}

static int s_volumes(struct walk *w, void *obj, const node_t *v, const char *path)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return type_error(w, v, path, "a list");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		const node_t *n = node(w, *it);
		int r = n->type == YAML_MAPPING_NODE ? volume_long(w, SVC(obj), n, path)
						     : volume_short(w, SVC(obj), n, path);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ services: networks */

static int sn_aliases(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return strlist(w, v, path, false, &((struct gb_compose_svc_net *)obj)->aliases);
}

static int s_networks(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = {
		{ "aliases", sn_aliases },
		{ "ipv4_address", NULL },
		{ "priority", NULL },
	};
	struct gb_compose_service *s = SVC(obj);
	bool list = v->type == YAML_SEQUENCE_NODE;
	if (!list && v->type != YAML_MAPPING_NODE)
		return type_error(w, v, path, "a list or a mapping");
	size_t cnt = list ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
			  : (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	if (!(s->nets = calloc(cnt + 1, sizeof *s->nets)))
		return oom(w);
	for (size_t i = 0; i < cnt; i++) {
		struct gb_compose_svc_net *sn = &s->nets[s->n_nets++];
		const node_t *k = node(w, list ? v->data.sequence.items.start[i]
					       : v->data.mapping.pairs.start[i].key);
		int r = scalar(w, k, path, &sn->key);
		if (r < 0)
			return r;
		const node_t *val = list ? NULL : node(w, v->data.mapping.pairs.start[i].value);
		char sub[256];
		snprintf(sub, sizeof sub, "%s.%s.", path, sn->key);
		if (val && !is_null(val) &&
		    (r = walk_map(w, val, sub, keys, GB_ARRAY_LEN(keys), sn)) < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ services: depends_on */

static int dep_condition(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	struct gb_compose_dep *d = obj;
	if (r < 0)
		return r;
	if (!strcmp(s, "service_started"))
		d->cond = GB_COMPOSE_STARTED;
	else if (!strcmp(s, "service_healthy"))
		d->cond = GB_COMPOSE_HEALTHY;
	else if (!strcmp(s, "service_completed_successfully"))
		d->cond = GB_COMPOSE_COMPLETED;
	else
		return at_error(w, v,
				"%s: '%s' is not service_started, service_healthy or "
				"service_completed_successfully",
				path, s);
	return 0;
}

static int s_depends_on(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = { { "condition", dep_condition },
					   { "restart", NULL },
					   { "required", NULL } };
	struct gb_compose_service *s = SVC(obj);
	bool list = v->type == YAML_SEQUENCE_NODE;
	if (!list && v->type != YAML_MAPPING_NODE)
		return type_error(w, v, path, "a list or a mapping");
	size_t cnt = list ? (size_t)(v->data.sequence.items.top - v->data.sequence.items.start)
			  : (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	if (!(s->deps = calloc(cnt + 1, sizeof *s->deps)))
		return oom(w);
	for (size_t i = 0; i < cnt; i++) {
		struct gb_compose_dep *d = &s->deps[s->n_deps++];
		const node_t *k = node(w, list ? v->data.sequence.items.start[i]
					       : v->data.mapping.pairs.start[i].key);
		int r = scalar(w, k, path, &d->service);
		if (r < 0)
			return r;
		char sub[256];
		snprintf(sub, sizeof sub, "%s.%s.", path, d->service);
		const node_t *val = list ? NULL : node(w, v->data.mapping.pairs.start[i].value);
		if (val && (r = walk_map(w, val, sub, keys, GB_ARRAY_LEN(keys), d)) < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ services: healthcheck */

static int h_test(struct walk *w, void *obj, const node_t *v, const char *path)
{
	struct gb_compose_health *h = obj;
	gb_autostrv char **t = NULL;
	int r = strlist(w, v, path, true, &t);
	if (r < 0)
		return r;
	gb_strv_free(h->test);
	h->test = NULL;
	/* a string is CMD-SHELL; a list starts with NONE, CMD or CMD-SHELL */
	bool str = v->type == YAML_SCALAR_NODE;
	if (!t[0] || !strcmp(t[0], "NONE"))
		return 0;
	if (str || (!strcmp(t[0], "CMD-SHELL") && t[1])) {
		char *argv[] = { "/bin/sh", "-c", str ? t[0] : t[1], NULL };
		h->test = gb_strv_dup(argv);
	} else if (!strcmp(t[0], "CMD") && t[1]) {
		h->test = gb_strv_dup(t + 1);
	} else {
		return at_error(w, v, "%s: start the list with \"CMD\", \"CMD-SHELL\" or \"NONE\"",
				path);
	}
	return h->test ? 0 : oom(w);
}
static int h_interval(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return duration(w, v, path, &((struct gb_compose_health *)obj)->interval);
}
static int h_timeout(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return duration(w, v, path, &((struct gb_compose_health *)obj)->timeout);
}
static int h_start_period(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return duration(w, v, path, &((struct gb_compose_health *)obj)->start_period);
}
static int h_retries(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return integer(w, v, path, &((struct gb_compose_health *)obj)->retries);
}
static int h_disable(struct walk *w, void *obj, const node_t *v, const char *path)
{
	bool off;
	int r = boolean(w, v, path, &off);
	if (r == 0 && off) {
		gb_strv_free(((struct gb_compose_health *)obj)->test);
		((struct gb_compose_health *)obj)->test = NULL;
	}
	return r;
}

static int h_start_interval(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return duration(w, v, path, &((struct gb_compose_health *)obj)->start_interval);
}

static int s_healthcheck(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = {
		{ "test", h_test },
		{ "interval", h_interval },
		{ "timeout", h_timeout },
		{ "start_period", h_start_period },
		{ "retries", h_retries },
		{ "disable", h_disable },
		{ "start_interval", h_start_interval },
	};
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	return walk_map(w, v, sub, keys, GB_ARRAY_LEN(keys), &SVC(obj)->health);
}

/* One entry of a service's secrets: NAME, or {source: NAME, target: PATH}. uid, gid and
 * mode are warned about and not applied: the file keeps its owner and mode. */
static int secret_entry(struct walk *w, const node_t *n, const char *path, char **key,
			char **target)
{
	if (n->type != YAML_MAPPING_NODE)
		return scalar(w, n, path, key);
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	int r = 0;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
	     r == 0 && p < n->data.mapping.pairs.top; p++) {
		const node_t *k = node(w, p->key);
		const char *name = (const char *)k->data.scalar.value;
		if (!strcmp(name, "source"))
			r = replace(w, node(w, p->value), path, key);
		else if (!strcmp(name, "target"))
			r = replace(w, node(w, p->value), path, target);
		else
			warn_key(w, k, sub);
	}
	if (r == 0 && !*key)
		r = at_error(w, n, "%s: give the secret's source:", path);
	return r;
}

static int s_secrets(struct walk *w, void *obj, const node_t *v, const char *path)
{
	if (v->type != YAML_SEQUENCE_NODE)
		return type_error(w, v, path, "a list");
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		char *key = NULL, *target = NULL, *at = NULL;
		int r = secret_entry(w, node(w, *it), path, &key, &target);
		if (r == 0 && target && target[0] == '/')
			at = target, target = NULL;
		else if (r == 0 && asprintf(&at, "/run/secrets/%s", target ? target : key) < 0)
			at = NULL, r = -ENOMEM;
		free(target);
		if (r < 0) {
			free(key);
			return r == -ENOMEM ? oom(w) : r;
		}
		if (push(&SVC(obj)->secrets, key) < 0 || push(&SVC(obj)->secret_targets, at) < 0)
			return oom(w);
	}
	return 0;
}

/* ------------------------------------------------------------ services */

/* x-glassbox: glassbox's own keys, in an extension field that docker compose ignores, so
 * the file stays portable. status: PATH binds the project's status files (one JSON file
 * per container: state, health, restarts, start time, networks; no environment) read-only
 * at PATH: what a status page needs, instead of glassbox's state root. */
static int xg_status(struct walk *w, void *obj, const node_t *v, const char *path)
{
	int r = replace(w, v, path, &SVC(obj)->status_mount);
	if (r == 0 && SVC(obj)->status_mount[0] != '/')
		return at_error(w, v, "%s must be an absolute path in the container (got '%s')",
				path, SVC(obj)->status_mount);
	return r;
}

static int s_x_glassbox(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = { { "status", xg_status } };
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	return walk_map(w, v, sub, keys, GB_ARRAY_LEN(keys), obj);
}

static const struct key service_keys[] = {
	{ "image", s_image },
	{ "build", s_build },
	{ "container_name", s_container_name },
	{ "hostname", s_hostname },
	{ "env_file", NULL },
	{ "environment", s_environment },
	{ "ports", s_ports },
	{ "expose", s_expose },
	{ "volumes", s_volumes },
	{ "networks", s_networks },
	{ "depends_on", s_depends_on },
	{ "restart", s_restart },
	{ "healthcheck", s_healthcheck },
	{ "secrets", s_secrets },
	{ "command", s_command },
	{ "entrypoint", s_entrypoint },
	{ "init", s_init },
	{ "stop_grace_period", s_stop_grace },
	{ "stop_signal", s_stop_signal },
	{ "tty", s_tty },
	{ "stdin_open", s_stdin_open },
	{ "labels", s_labels },
	{ "pull_policy", s_pull_policy },
	{ "x-glassbox", s_x_glassbox },
};

static int walk_services(struct walk *w, const node_t *n)
{
	struct gb_compose *c = w->c;
	if (n->type != YAML_MAPPING_NODE)
		return type_error(w, n, "services", "a mapping of service names");
	size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (!(c->services = calloc(cnt + 1, sizeof *c->services)))
		return oom(w);
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		struct gb_compose_service *s = &c->services[c->n_services++];
		node_t *k = node(w, p->key), *v = node(w, p->value);
		if (k->type != YAML_SCALAR_NODE)
			return type_error(w, k, "services", "a mapping with string keys");
		s->name = strdup((const char *)k->data.scalar.value);
		s->line = (int)k->start_mark.line + 1;
		s->stop_grace = -1;
		s->health =
			(struct gb_compose_health){ .interval = 30, .timeout = 30, .retries = 3 };
		snprintf(s->restart, sizeof s->restart, "no");
		char sub[256];
		snprintf(sub, sizeof sub, "services.%s.", s->name ? s->name : "");
		if (!s->name || !(s->env = calloc(1, sizeof *s->env)))
			return oom(w);
		/* env_file before environment whatever their order: environment wins (Docker). */
		static const struct key env_file[] = { { "env_file", s_env_file } };
		struct walk quiet = *w;
		quiet.o = NULL;
		int r = is_null(v) ? 0 : walk_map(&quiet, v, sub, env_file, 1, s);
		if (r == 0 && !is_null(v))
			r = walk_map(w, v, sub, service_keys, GB_ARRAY_LEN(service_keys), s);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ top level: volumes */

static int vol_driver(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r == 0 && strcmp(s, "local"))
		return at_error(w, v, "%s: only the local driver exists here, not '%s'", path, s);
	return r;
}

static int vol_name(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct gb_compose_volume *)obj)->name);
}

static int vol_external(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return v->type == YAML_MAPPING_NODE
		       ? 0
		       : boolean(w, v, path, &((struct gb_compose_volume *)obj)->external);
}

struct vol_opts {
	char *type, *o, *device;
};

static int vopt_type(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_opts *)obj)->type);
}
static int vopt_o(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_opts *)obj)->o);
}
static int vopt_device(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct vol_opts *)obj)->device);
}

/* driver_opts {type: none, o: bind, device: PATH}: the volume's data is PATH on the host,
 * the way the local driver mounts it (`mount -o bind PATH`). */
static int vol_opts(struct walk *w, void *obj, const node_t *v, const char *path)
{
	static const struct key keys[] = { { "type", vopt_type },
					   { "o", vopt_o },
					   { "device", vopt_device } };
	struct gb_compose_volume *vol = obj;
	struct vol_opts o = { 0 };
	char sub[256];
	snprintf(sub, sizeof sub, "%s.", path);
	int r = walk_map(w, v, sub, keys, GB_ARRAY_LEN(keys), &o);
	bool bind = o.o && strstr(o.o, "bind");
	if (r == 0 && o.device && !bind)
		r = at_error(w, v,
			     "%s: a device needs o: bind (only bind-backed volumes exist here)",
			     path);
	else if (r == 0 && o.type && strcmp(o.type, "none") && strcmp(o.type, "bind"))
		r = at_error(w, v, "%s: type '%s' is not supported (use type: none, o: bind)", path,
			     o.type);
	if (r == 0 && o.device && !(vol->device = host_path(w, o.device)))
		r = oom(w);
	free(o.type);
	free(o.o);
	free(o.device);
	return r;
}

/* An entry with no name: is PROJECT_KEY, as docker compose names it (external: KEY). */
static int default_name(struct walk *w, char **name, const char *key, bool external)
{
	if (!*name &&
	    asprintf(name, "%s%s%s", external ? "" : w->c->project, external ? "" : "_", key) < 0) {
		*name = NULL;
		return oom(w);
	}
	return 0;
}

static int volume_done(struct walk *w, void *entry, const node_t *v)
{
	struct gb_compose_volume *vol = entry;
	return default_name(w, &vol->name, vol->key, vol->external);
}

static const struct key volume_keys[] = {
	{ "driver", vol_driver },     { "name", vol_name }, { "driver_opts", vol_opts },
	{ "external", vol_external }, { "labels", NULL },
};

static const struct entries volume_entries = {
	.what = "volumes",
	.keys = volume_keys,
	.nkeys = GB_ARRAY_LEN(volume_keys),
	.size = sizeof(struct gb_compose_volume),
	.spare = 1,
	.empty_ok = true,
	.done = volume_done,
};

static int top_volumes(struct walk *w, void *obj, const node_t *n, const char *path)
{
	if (is_null(n))
		return 0;
	void *all = NULL;
	int r = walk_entries(w, n, &volume_entries, &all, &w->c->n_volumes);
	w->c->volumes = all;
	return r;
}

/* ------------------------------------------------------------ top level: networks */

static int net_driver(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	if (r == 0 && strcmp(s, "bridge"))
		return at_error(w, v, "%s: only bridge networks exist here, not '%s'", path, s);
	return r;
}

static int net_name(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return replace(w, v, path, &((struct gb_compose_network *)obj)->name);
}

static int net_internal(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return boolean(w, v, path, &((struct gb_compose_network *)obj)->internal);
}

static int net_external(struct walk *w, void *obj, const node_t *v, const char *path)
{
	return v->type == YAML_MAPPING_NODE
		       ? 0
		       : boolean(w, v, path, &((struct gb_compose_network *)obj)->external);
}

static int net_attachable(struct walk *w, void *obj, const node_t *v, const char *path)
{
	bool b;
	return boolean(w, v, path, &b); /* every glassbox network can be joined */
}

static int network_done(struct walk *w, void *entry, const node_t *v)
{
	struct gb_compose_network *net = entry;
	return default_name(w, &net->name, net->key, net->external);
}

static const struct key network_keys[] = {
	{ "driver", net_driver },     { "name", net_name },
	{ "internal", net_internal }, { "attachable", net_attachable },
	{ "external", net_external }, { "labels", NULL },
	{ "driver_opts", NULL },
};

static const struct entries network_entries = {
	.what = "networks",
	.keys = network_keys,
	.nkeys = GB_ARRAY_LEN(network_keys),
	.size = sizeof(struct gb_compose_network),
	.spare = 2, /* and one for the project's default network (default_network) */
	.empty_ok = true,
	.done = network_done,
};

static int top_networks(struct walk *w, void *obj, const node_t *n, const char *path)
{
	if (is_null(n))
		return 0;
	void *all = NULL;
	int r = walk_entries(w, n, &network_entries, &all, &w->c->n_networks);
	w->c->networks = all;
	return r;
}

/* ------------------------------------------------------------ top level: secrets */

static int secret_file(struct walk *w, void *obj, const node_t *v, const char *path)
{
	gb_autofree char *s = NULL;
	int r = scalar(w, v, path, &s);
	struct gb_compose_secret *sec = obj;
	free(sec->file);
	if (r == 0 && !(sec->file = host_path(w, s)))
		return oom(w);
	return r;
}

static int secret_done(struct walk *w, void *entry, const node_t *v)
{
	struct gb_compose_secret *sec = entry;
	if (!sec->file)
		return at_error(w, v, "secrets.%s: give it a file: (a path on the host)", sec->key);
	return 0;
}

static const struct key secret_keys[] = { { "file", secret_file }, { "name", NULL } };

static const struct entries secret_entries = {
	.what = "secrets",
	.keys = secret_keys,
	.nkeys = GB_ARRAY_LEN(secret_keys),
	.size = sizeof(struct gb_compose_secret),
	.spare = 1,
	.done = secret_done,
};

static int top_secrets(struct walk *w, void *obj, const node_t *n, const char *path)
{
	void *all = NULL;
	int r = walk_entries(w, n, &secret_entries, &all, &w->c->n_secrets);
	w->c->secrets = all;
	return r;
}

static int top_name(struct walk *w, void *obj, const node_t *n, const char *path)
{
	bool *named = obj;
	if (*named)
		return 0; /* -p or COMPOSE_PROJECT_NAME win over the file's name: */
	return replace(w, n, path, &w->c->project);
}

/* ------------------------------------------------------------ the whole file */

/* Project names as docker compose makes them: lower case letters, digits, '_' and '-'. */
static void project_clean(char *p)
{
	char *o = p;
	for (char *s = p; *s; s++) {
		char ch = (char)tolower((unsigned char)*s);
		if (isalnum((unsigned char)ch) || ch == '_' || ch == '-')
			*o++ = ch;
	}
	*o = '\0';
}

/* References between parts: depends_on, networks, volumes and secrets must exist. */
static int check_refs(struct walk *w)
{
	struct gb_compose *c = w->c;
	for (size_t i = 0; i < c->n_services; i++) {
		struct gb_compose_service *s = &c->services[i];
		const char *bad = NULL, *what = NULL;
		for (size_t k = 0; !bad && k < s->n_deps; k++)
			if (!gb_compose_service(c, s->deps[k].service))
				bad = s->deps[k].service, what = "depends on the undefined service";
		for (size_t k = 0; !bad && k < s->n_nets; k++)
			if (strcmp(s->nets[k].key, "default") &&
			    !gb_compose_network(c, s->nets[k].key))
				bad = s->nets[k].key, what = "uses the undefined network";
		for (size_t k = 0; !bad && k < s->n_mounts; k++)
			if (s->mounts[k].type == GB_COMPOSE_VOLUME &&
			    !gb_compose_volume(c, s->mounts[k].source))
				bad = s->mounts[k].source, what = "mounts the undefined volume";
		for (char **k = s->secrets; !bad && k && *k; k++)
			if (!gb_compose_secret(c, *k))
				bad = *k, what = "uses the undefined secret";
		if (!s->image && !s->build_context && !bad)
			bad = "", what = "has neither image nor build";
		if (bad) {
			int r = gb_err_set(w->err, EINVAL, "", "%s:%d: service %s %s %s", c->file,
					   s->line, s->name, what, bad);
			gb_err_hint(w->err,
				    "declare it under the top-level key, or fix the spelling");
			return r;
		}
	}
	return 0;
}

/* Services with no networks: key join the project's "default" network (PROJECT_default). */
static int default_network(struct walk *w)
{
	struct gb_compose *c = w->c;
	bool wanted = false;
	for (size_t i = 0; i < c->n_services; i++) {
		struct gb_compose_service *s = &c->services[i];
		if (s->n_nets == 0) {
			if (!(s->nets = calloc(1, sizeof *s->nets)) ||
			    !(s->nets[0].key = strdup("default")))
				return oom(w);
			s->n_nets = 1;
		}
		for (size_t k = 0; k < s->n_nets; k++)
			wanted |= !strcmp(s->nets[k].key, "default");
	}
	if (!wanted || gb_compose_network(c, "default"))
		return 0;
	struct gb_compose_network *bigger =
		realloc(c->networks, (c->n_networks + 1) * sizeof *bigger);
	if (!bigger)
		return oom(w);
	c->networks = bigger;
	struct gb_compose_network *net = &c->networks[c->n_networks++];
	memset(net, 0, sizeof *net);
	net->key = strdup("default");
	if (asprintf(&net->name, "%s_default", c->project) < 0)
		net->name = NULL;
	return net->key && net->name ? 0 : oom(w);
}

static int walk_root(struct walk *w, const node_t *root, bool named)
{
	static const struct key first[] = { { "name", top_name } };
	static const struct key keys[] = {
		{ "version", NULL },	      { "name", NULL },
		{ "services", NULL },	      { "volumes", top_volumes },
		{ "networks", top_networks }, { "secrets", top_secrets },
		{ "configs", NULL },
	};
	if (root->type != YAML_MAPPING_NODE)
		return type_error(w, root, "the file", "a mapping with a services: key");
	/* the project's name first: volume and network names are made from it */
	struct walk quiet = *w;
	quiet.o = NULL;
	int r = walk_map(&quiet, root, "", first, GB_ARRAY_LEN(first), &named);
	if (r == 0)
		project_clean(w->c->project);
	if (r == 0 && !*w->c->project)
		r = gb_err_set(w->err, EINVAL, "", "%s: the project name is empty", w->c->file);
	if (r == 0)
		r = walk_map(w, root, "", keys, GB_ARRAY_LEN(keys), NULL);
	const node_t *services = NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++)
		if (!strcmp((const char *)node(w, p->key)->data.scalar.value, "services"))
			services = node(w, p->value);
	if (r == 0 && !services)
		r = gb_err_set(w->err, EINVAL, "", "%s: no services: key", w->c->file);
	if (r == 0)
		r = walk_services(w, services);
	if (r == 0)
		r = check_refs(w);
	return r == 0 ? default_network(w) : r;
}

static int load_vars(struct gb_compose *c, const struct gb_compose_opts *o, struct gb_err *err)
{
	char path[4096];
	gb_autofree char *text = NULL;
	size_t len;
	if (!(c->vars = calloc(1, sizeof *c->vars)))
		return gb_err_set(err, ENOMEM, "", "out of memory");
	gb_path(path, sizeof path, "%s/.env", c->dir);
	if (gb_read_file(path, &text, &len) == 0 && gb_compose_dotenv(text, &c->vars, err) < 0) {
		char msg[sizeof err->msg];
		snprintf(msg, sizeof msg, "%s", err->msg);
		return gb_err_set(err, EINVAL, "", "%s: %s", path, msg);
	}
	for (char *const *e = o ? o->environ : NULL; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		char key[256];
		snprintf(key, sizeof key, "%.*s", (int)(eq - *e), *e);
		if (kvset(&c->vars, key, eq + 1) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return 0;
}

static int project_name(struct gb_compose *c, const struct gb_compose_opts *o, bool *named)
{
	const char *p = o && o->project
				? o->project
				: gb_compose_var(o ? o->environ : NULL, "COMPOSE_PROJECT_NAME");
	*named = p != NULL;
	if (!p)
		p = strrchr(c->dir, '/') ? strrchr(c->dir, '/') + 1 : c->dir;
	c->project = strdup(p);
	return c->project ? 0 : -ENOMEM;
}

int gb_compose_parse(struct gb_compose *c, const char *text, size_t len, const char *file,
		     const char *dir, const struct gb_compose_opts *o, struct gb_err *err)
{
	memset(c, 0, sizeof *c);
	bool named;
	c->file = strdup(file);
	c->dir = strdup(dir);
	if (!c->file || !c->dir || project_name(c, o, &named) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int r = load_vars(c, o, err);
	if (r < 0)
		return r;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = gb_err_set(err, EINVAL, "", "%s:%zu:%zu: not valid YAML: %s%s%s", file,
			       parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			       parser.problem ? parser.problem : "?", parser.context ? " " : "",
			       parser.context ? parser.context : "");
		gb_err_hint(err,
			    "check the indentation (spaces, not tabs) and the quotes near there");
		yaml_parser_delete(&parser);
		return r;
	}
	node_t *root = yaml_document_get_root_node(&doc);
	struct walk w = { .doc = &doc, .c = c, .o = o, .err = err };
	r = root ? no_duplicate_keys(&w) : 0;
	if (r == 0)
		r = root ? walk_root(&w, root, named)
			 : gb_err_set(err, EINVAL, "", "%s: the file is empty", file);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return r;
}

int gb_compose_load(struct gb_compose *c, const char *file, const struct gb_compose_opts *o,
		    struct gb_err *err)
{
	memset(c, 0, sizeof *c);
	char abs[4096], dir[4096];
	if (!realpath(file, abs)) {
		int r = gb_err_set(err, errno, "open", "cannot open the compose file %s", file);
		gb_err_hint(err, "give its path with -f FILE, or run the command in its folder");
		return r;
	}
	snprintf(dir, sizeof dir, "%s", abs);
	*strrchr(dir, '/') = '\0';
	if (!*dir)
		strcpy(dir, "/");
	gb_autofree char *text = NULL;
	size_t len;
	int r = gb_read_file(abs, &text, &len);
	if (r < 0)
		return gb_err_set(err, -r, "read", "cannot read %s", abs);
	return gb_compose_parse(c, text, len, abs, dir, o, err);
}
