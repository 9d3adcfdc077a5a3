/* Dockerfile parsing (dockerfile.h): lines, continuations, comments, keywords, the
 * exec (JSON) form, quoting and $VAR substitution. No kernel here: build.c turns each
 * instruction into a layer. Lab 18. */
#include "build/dockerfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/util.h"

static const struct {
	const char *name;
	enum gb_df_kind kind;
	bool exec_form; /* accepts ["a", "b"] */
} keywords[] = {
	{ "FROM", GB_DF_FROM, false },
	{ "RUN", GB_DF_RUN, true },
	{ "COPY", GB_DF_COPY, true },
	{ "ADD", GB_DF_ADD, true },
	{ "ENV", GB_DF_ENV, false },
	{ "ARG", GB_DF_ARG, false },
	{ "WORKDIR", GB_DF_WORKDIR, false },
	{ "USER", GB_DF_USER, false },
	{ "EXPOSE", GB_DF_EXPOSE, false },
	{ "CMD", GB_DF_CMD, true },
	{ "ENTRYPOINT", GB_DF_ENTRYPOINT, true },
	{ "STOPSIGNAL", GB_DF_STOPSIGNAL, false },
	{ "LABEL", GB_DF_LABEL, false },
	{ "HEALTHCHECK", GB_DF_HEALTHCHECK, false },
	{ "SHELL", GB_DF_SHELL, true },
	{ "VOLUME", GB_DF_VOLUME, true },
};

void gb_df_free(struct gb_dockerfile *df)
{
	for (size_t i = 0; i < df->n; i++) {
		free(df->v[i].keyword);
		free(df->v[i].args);
		gb_strv_free(df->v[i].argv);
	}
	free(df->v);
	df->v = NULL;
	df->n = 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* ["a", "b"]: a JSON array of strings, or NULL when the text is not one (shell form). */
static char **exec_form(const char *args)
{
	if (args[0] != '[')
		return NULL;
	struct gb_jval *v = gb_json_parse(args, strlen(args), NULL, 0);
	char **argv = NULL;
	if (v && v->type == GB_JARR) {
		bool strings = true;
		for (const struct gb_jval *e = v->child; e; e = e->next)
			strings &= e->type == GB_JSTR;
		if (strings)
			argv = gb_jstrv(v);
	}
	gb_jval_free(v);
	return argv;
}

/* COPY --from=x ["a b", "/c/"]: the options come before the JSON array; they are kept
 * as the first words of argv. */
static char **copy_exec_form(const char *args)
{
	const char *p = args;
	while (p[0] == '-' && p[1] == '-') {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	gb_autostrv char **json = exec_form(p);
	if (!json)
		return NULL;
	char *flags = strndup(args, (size_t)(p - args));
	char **v = flags ? gb_df_words(flags) : NULL;
	free(flags);
	for (char **j = json; v && *j; j++)
		if (gb_strv_push(&v, *j) < 0) {
			gb_strv_free(v);
			return NULL;
		}
	return v;
}

static int bad_line(struct gb_err *err, int line, const char *what, const char *hint)
{
	int r = gb_err_set(err, EINVAL, "", "Dockerfile line %d: %s", line, what);
	gb_err_hint(err, "%s", hint);
	return r;
}

static int add_instr(struct gb_dockerfile *df, char *logical, int line, struct gb_err *err)
{
	char *s = trim(logical);
	size_t kl = strcspn(s, " \t");
	char kw[16] = "";
	if (kl < sizeof kw)
		for (size_t i = 0; i < kl; i++)
			kw[i] = (char)toupper((unsigned char)s[i]);
	for (size_t k = 0; k < GB_ARRAY_LEN(keywords); k++) {
		if (strcmp(kw, keywords[k].name) != 0)
			continue;
		char *args = trim(s + kl);
		if (!*args && keywords[k].kind != GB_DF_RUN) {
			char what[64];
			snprintf(what, sizeof what, "%s needs arguments", kw);
			return bad_line(err, line, what,
					"see the Dockerfile reference for its syntax");
		}
		struct gb_df_instr *v = realloc(df->v, (df->n + 1) * sizeof *v);
		if (!v)
			return gb_err_set(err, ENOMEM, "", "out of memory");
		df->v = v;
		struct gb_df_instr *in = &df->v[df->n++];
		*in = (struct gb_df_instr){ keywords[k].kind, line, strdup(kw), strdup(args),
					    NULL };
		if (keywords[k].kind == GB_DF_COPY || keywords[k].kind == GB_DF_ADD)
			in->argv = copy_exec_form(args);
		else if (keywords[k].exec_form)
			in->argv = exec_form(args);
		if (!in->keyword || !in->args)
			return gb_err_set(err, ENOMEM, "", "out of memory");
		return 0;
	}
	/* ONBUILD stores instructions in the image for a later build that starts FROM it: a
	 * trigger the reader of that Dockerfile cannot see. glassbox keeps none. */
	if (strcmp(kw, "ONBUILD") == 0)
		return bad_line(err, line,
				"ONBUILD is not supported: glassbox images keep no triggers",
				"write the instructions into the Dockerfile that builds FROM this "
				"image instead");
	char what[128];
	snprintf(what, sizeof what, "unknown instruction %.*s", (int)(kl > 40 ? 40 : kl), s);
	return bad_line(
		err, line, what,
		"glassbox builds FROM, RUN, COPY, ADD, ENV, ARG, WORKDIR, USER, EXPOSE, CMD, "
		"ENTRYPOINT, STOPSIGNAL, LABEL, HEALTHCHECK, SHELL and VOLUME");
}

/* One instruction may span lines ending in a backslash; comment lines inside it are
 * dropped, as Docker does. */
static int parse_lines(char *text, struct gb_dockerfile *df, struct gb_err *err)
{
	size_t cap = strlen(text) + 1, used = 0;
	gb_autofree char *logical = malloc(cap);
	if (!logical)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int lineno = 0, start = 0;
	char *save = NULL;
	for (char *raw = strtok_r(text, "\n", &save); raw; raw = strtok_r(NULL, "\n", &save)) {
		lineno++; /* gb_df_parse gave empty lines a blank, so none is skipped */
		char *l = trim(raw);
		if (l[0] == '#' || (!*l && used == 0))
			continue;
		if (used == 0)
			start = lineno;
		size_t n = strlen(l);
		bool more = n && l[n - 1] == '\\';
		if (more)
			l[--n] = '\0';
		memcpy(logical + used, l, n);
		used += n;
		logical[used] = '\0';
		if (more) {
			logical[used++] = ' ';
			logical[used] = '\0';
			continue;
		}
		int r = add_instr(df, logical, start, err);
		if (r < 0)
			return r;
		used = 0;
	}
	if (used > 0)
		return add_instr(df, logical, start, err);
	return 0;
}

/* FROM first (after the global ARGs); each later FROM starts another stage. */
static int check_order(const struct gb_dockerfile *df, struct gb_err *err)
{
	size_t i = 0;
	while (i < df->n && df->v[i].kind == GB_DF_ARG)
		i++;
	if (i == df->n || df->v[i].kind != GB_DF_FROM)
		return bad_line(err, i < df->n ? df->v[i].line : 1,
				"the first instruction must be FROM",
				"start with a base image: FROM busybox, FROM debian:bookworm or "
				"FROM scratch");
	return 0;
}

int gb_df_parse(const char *text, struct gb_dockerfile *df, struct gb_err *err)
{
	memset(df, 0, sizeof *df);
	/* Make every line non-empty so line numbers survive strtok_r. */
	size_t n = strlen(text);
	gb_autofree char *copy = malloc(2 * n + 2);
	if (!copy)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\r')
			continue;
		if (text[i] == '\n' && (k == 0 || copy[k - 1] == '\n'))
			copy[k++] = ' ';
		copy[k++] = text[i];
	}
	copy[k] = '\0';
	int r = parse_lines(copy, df, err);
	if (r == 0 && df->n == 0)
		r = bad_line(err, 1, "the Dockerfile is empty", "write at least FROM busybox");
	if (r == 0)
		r = check_order(df, err);
	if (r < 0)
		gb_df_free(df);
	return r;
}

static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char *word = strndup(s, len);
	int r = word ? gb_strv_push(v, word) : -ENOMEM;
	free(word);
	if (r == 0)
		++*n;
	return r;
}

char **gb_df_words(const char *s)
{
	size_t n = 0, cap = strlen(s) + 1, w = 0;
	char **v = calloc(1, sizeof *v);
	gb_autofree char *word = malloc(cap);
	if (!v || !word) {
		free(v);
		return NULL;
	}
	bool in_word = false;
	char quote = 0;
	for (const char *p = s; *p; p++) {
		if (!quote && isspace((unsigned char)*p)) {
			if (in_word && push(&v, &n, word, w) < 0)
				goto fail;
			in_word = false;
			w = 0;
			continue;
		}
		in_word = true;
		if (quote && *p == quote) {
			quote = 0;
		} else if (!quote && (*p == '"' || *p == '\'')) {
			quote = *p;
		} else if (*p == '\\' && p[1] && quote != '\'') {
			word[w++] = *++p;
		} else {
			word[w++] = *p;
		}
	}
	if (quote)
		goto fail;
	if (in_word && push(&v, &n, word, w) < 0)
		goto fail;
	return v;
fail:
	gb_strv_free(v);
	return NULL;
}

static const char *lookup(char *const *vars, const char *name, size_t len)
{
	const char *found = NULL; /* the last definition wins */
	for (char *const *e = vars; e && *e; e++)
		if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
			found = *e + len + 1;
	return found;
}

static int append(char *out, size_t len, size_t *used, const char *s, size_t n)
{
	if (*used + n >= len)
		return -E2BIG;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
	return 0;
}

/* ${NAME}, ${NAME:-word}, ${NAME:+word}: p points after "${"; returns chars consumed. */
static int expand_braced(const char *p, char *const *vars, char *out, size_t len, size_t *used)
{
	const char *close = strchr(p, '}');
	if (!close)
		return -EINVAL;
	size_t nl = strcspn(p, ":}");
	const char *val = lookup(vars, p, nl);
	const char *rest = p + nl;
	int r = 0;
	if (rest[0] == ':' && (rest[1] == '-' || rest[1] == '+')) {
		const char *word = rest + 2;
		bool set = val && *val;
		if (rest[1] == '-' && !set)
			r = append(out, len, used, word, (size_t)(close - word));
		else if (rest[1] == '+' && set)
			r = append(out, len, used, word, (size_t)(close - word));
		else if (rest[1] == '-')
			r = append(out, len, used, val, strlen(val));
	} else if (val) {
		r = append(out, len, used, val, strlen(val));
	}
	return r < 0 ? r : (int)(close - p + 1);
}

int gb_df_expand(const char *in, char *const *vars, char *out, size_t len)
{
	size_t used = 0;
	out[0] = '\0';
	for (const char *p = in; *p;) {
		int r = 0;
		if (p[0] == '\\' && p[1] == '$') {
			r = append(out, len, &used, "$", 1);
			p += 2;
		} else if (p[0] == '$' && p[1] == '{') {
			int n = expand_braced(p + 2, vars, out, len, &used);
			if (n < 0)
				return n;
			p += 2 + n;
		} else if (p[0] == '$' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
			size_t nl = 1;
			while (isalnum((unsigned char)p[1 + nl]) || p[1 + nl] == '_')
				nl++;
			const char *val = lookup(vars, p + 1, nl);
			if (val)
				r = append(out, len, &used, val, strlen(val));
			p += 1 + nl;
		} else {
			r = append(out, len, &used, p, 1);
			p++;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

char **gb_df_pairs(const char *args)
{
	char **words = gb_df_words(args);
	if (!words || !words[0])
		return words;
	if (strchr(words[0], '='))
		return words; /* KEY=VALUE [KEY=VALUE...] */
	/* The old form: ENV KEY the rest of the line, one value. */
	const char *rest = args + strcspn(args, " \t");
	while (isspace((unsigned char)*rest))
		rest++;
	size_t n = strlen(words[0]) + strlen(rest) + 2;
	char *kv = malloc(n);
	if (kv)
		snprintf(kv, n, "%s=%s", words[0], rest);
	gb_strv_free(words);
	char **v = calloc(2, sizeof *v);
	if (!v || !kv) {
		free(kv);
		free(v);
		return NULL;
	}
	v[0] = kv;
	return v;
}

int gb_df_from(const char *args, char *image, size_t ilen, char *name, size_t nlen)
{
	gb_autostrv char **w = gb_df_words(args);
	size_t n = gb_strv_len(w), i = 0;
	while (i < n && strncmp(w[i], "--platform=", 11) == 0)
		i++; /* glassbox builds for the host's platform only */
	if (i == n || w[i][0] == '-' || (n - i != 1 && n - i != 3))
		return -EINVAL;
	if (n - i == 3 && strcasecmp(w[i + 1], "AS") != 0)
		return -EINVAL;
	if (snprintf(image, ilen, "%s", w[i]) >= (int)ilen)
		return -EINVAL;
	const char *as = n - i == 3 ? w[i + 2] : "";
	if (strlen(as) >= nlen)
		return -EINVAL;
	for (size_t k = 0; k <= strlen(as); k++)
		name[k] = (char)tolower((unsigned char)as[k]);
	return 0;
}

/* Docker's stage names: a letter first, then letters, digits, - _ . */
static bool stage_name_ok(const char *s)
{
	if (!isalpha((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return false;
	return true;
}

static int add_stage(const struct gb_dockerfile *df, size_t i, struct gb_df_stage *st,
		     struct gb_err *err)
{
	const struct gb_df_instr *in = &df->v[i];
	*st = (struct gb_df_stage){ .first = i, .end = df->n };
	if (gb_df_from(in->args, st->image, sizeof st->image, st->name, sizeof st->name) < 0)
		return bad_line(err, in->line, "FROM wants IMAGE or IMAGE AS NAME",
				"e.g. FROM busybox AS build");
	if (st->name[0] && !stage_name_ok(st->name))
		return bad_line(err, in->line, "a stage name must start with a letter",
				"use letters, digits and - _ . : FROM busybox AS build");
	return 0;
}

int gb_df_stages(const struct gb_dockerfile *df, struct gb_df_stage **v, size_t *n,
		 struct gb_err *err)
{
	*v = calloc(df->n + 1, sizeof **v);
	*n = 0;
	if (!*v)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int r = 0;
	for (size_t i = 0; r == 0 && i < df->n; i++) {
		if (df->v[i].kind != GB_DF_FROM)
			continue;
		if (*n > 0)
			(*v)[*n - 1].end = i;
		r = add_stage(df, i, &(*v)[*n], err);
		for (size_t k = 0; r == 0 && (*v)[*n].name[0] && k < *n; k++)
			if (strcmp((*v)[k].name, (*v)[*n].name) == 0)
				r = bad_line(err, df->v[i].line, "a stage name used twice",
					     "give every FROM ... AS NAME its own name");
		(*n)++;
	}
	if (r < 0) {
		free(*v);
		*v = NULL;
		*n = 0;
	}
	return r;
}

int gb_df_stage_index(const struct gb_df_stage *v, size_t before, const char *ref)
{
	char *end;
	long idx = strtol(ref, &end, 10);
	if (ref[0] && isdigit((unsigned char)ref[0]) && !*end)
		return idx >= 0 && (size_t)idx < before ? (int)idx : -1;
	for (size_t i = 0; i < before; i++)
		if (v[i].name[0] && strcasecmp(v[i].name, ref) == 0)
			return (int)i;
	return -1;
}

/* --NAME=VALUE with a value: copied into dst (size len); false for another option. */
static bool copy_opt(const char *word, const char *name, char *dst, size_t len)
{
	size_t n = strlen(name);
	if (strncmp(word, name, n) || !word[n] || strlen(word + n) >= len)
		return false;
	snprintf(dst, len, "%s", word + n);
	return true;
}

int gb_df_copy_opts(char *const *words, struct gb_df_copy_opts *o, const char **bad)
{
	memset(o, 0, sizeof *o);
	int i = 0;
	for (; words[i] && strncmp(words[i], "--", 2) == 0; i++) {
		if (!copy_opt(words[i], "--from=", o->from, sizeof o->from) &&
		    !copy_opt(words[i], "--chown=", o->chown, sizeof o->chown) &&
		    !copy_opt(words[i], "--chmod=", o->chmod, sizeof o->chmod)) {
			*bad = words[i];
			return -EINVAL;
		}
	}
	return i;
}

int gb_df_copy_flags(char *const *words, char *from, size_t len, const char **bad)
{
	struct gb_df_copy_opts o;
	int i = gb_df_copy_opts(words, &o, bad);
	snprintf(from, len, "%s", i < 0 ? "" : o.from);
	return i;
}
