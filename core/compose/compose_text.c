/* The text rules of a Compose file that are not YAML: variables (${VAR:-default}),
 * .env files, command strings split into words, durations, port ranges. Pure string
 * work, unit tested in tests/unit/test_compose.c. Lab 20. */
#include "compose/compose_text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"

const char *gb_compose_var(char *const *vars, const char *key)
{
	size_t n = strlen(key);
	for (char *const *v = vars; v && *v; v++)
		if (strncmp(*v, key, n) == 0 && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}

/* A growing string: the output of interpolation and of the word splitter. */
struct buf {
	char *s;
	size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *bigger = realloc(b->s, cap);
		if (!bigger)
			return -ENOMEM;
		b->s = bigger;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static bool name_char(char ch, bool first)
{
	return ch == '_' || isalpha((unsigned char)ch) || (!first && isdigit((unsigned char)ch));
}

/* The closing brace of "${...}" starting at p (just after "${"), nested ones skipped. */
static const char *closing(const char *p)
{
	int depth = 1;
	for (; *p; p++) {
		if (p[0] == '$' && p[1] == '{')
			depth++, p++;
		else if (*p == '}' && --depth == 0)
			return p;
	}
	return NULL;
}

/* One ${NAME[op word]}: op is one of ":-", "-", ":?", "?", ":+", "+". */
static int expand_braced(const char *body, size_t len, char *const *vars, struct buf *b,
			 struct gb_err *err)
{
	size_t n = 0;
	while (n < len && name_char(body[n], n == 0))
		n++;
	char name[256];
	if (n == 0 || n >= sizeof name)
		return gb_err_set(err, EINVAL, "", "invalid variable '${%.*s}'", (int)len, body);
	snprintf(name, sizeof name, "%.*s", (int)n, body);
	const char *val = gb_compose_var(vars, name);
	if (n == len)
		return val ? put(b, val, strlen(val)) : 0;
	bool colon = body[n] == ':';
	char op = body[n + colon];
	gb_autofree char *word = NULL;
	char raw[4096];
	snprintf(raw, sizeof raw, "%.*s", (int)(len - n - colon - 1), body + n + colon + 1);
	bool set = val && (!colon || *val);
	if (op != '-' && op != '?' && op != '+')
		return gb_err_set(err, EINVAL, "", "invalid variable '${%.*s}'", (int)len, body);
	if (gb_compose_interpolate(raw, vars, &word, err) < 0)
		return -EINVAL;
	if (op == '?' && !set) {
		int r = gb_err_set(err, EINVAL, "", "required variable %s is missing a value: %s",
				   name, *word ? word : "(no message)");
		gb_err_hint(err, "set %s in the environment or in the project's .env file", name);
		return r;
	}
	if (op == '+')
		return set ? put(b, word, strlen(word)) : 0;
	if (set)
		return put(b, val, strlen(val));
	return op == '-' ? put(b, word, strlen(word)) : 0;
}

bool gb_compose_unset_var(const char *in, char *const *vars, char *name, size_t len)
{
	for (const char *p = strchr(in, '$'); p; p = strchr(p, '$')) {
		if (p[1] == '$') { /* a literal dollar */
			p += 2;
			continue;
		}
		bool braced = p[1] == '{';
		const char *s = p + 1 + braced;
		size_t n = 0;
		while (name_char(s[n], n == 0))
			n++;
		if (n && n < len && (!braced || s[n] == '}')) {
			snprintf(name, len, "%.*s", (int)n, s);
			if (!gb_compose_var(vars, name))
				return true;
		}
		/* ${VAR:-default}: its default says what an unset VAR means */
		const char *end = braced && n && s[n] != '}' ? closing(s) : NULL;
		p = end ? end + 1 : s + n;
	}
	return false;
}

int gb_compose_interpolate(const char *in, char *const *vars, char **out, struct gb_err *err)
{
	struct buf b = { 0 };
	int r = put(&b, "", 0);
	for (const char *p = in; r == 0 && *p;) {
		if (p[0] != '$') {
			size_t n = strcspn(p, "$");
			r = put(&b, p, n);
			p += n;
		} else if (p[1] == '$') {
			r = put(&b, "$", 1); /* $$: a literal dollar */
			p += 2;
		} else if (p[1] == '{') {
			const char *end = closing(p + 2);
			if (!end) {
				r = gb_err_set(err, EINVAL, "", "unterminated variable in '%s'",
					       in);
				gb_err_hint(err,
					    "close it with '}', or write $$ for a literal dollar");
				break;
			}
			r = expand_braced(p + 2, (size_t)(end - p - 2), vars, &b, err);
			p = end + 1;
		} else if (name_char(p[1], true)) {
			size_t n = 1;
			while (name_char(p[n], false))
				n++;
			char name[256];
			snprintf(name, sizeof name, "%.*s", (int)(n - 1), p + 1);
			const char *val = gb_compose_var(vars, name);
			r = val ? put(&b, val, strlen(val)) : 0;
			p += n;
		} else {
			r = put(&b, "$", 1);
			p++;
		}
	}
	if (r < 0) {
		free(b.s);
		return err->code ? r : gb_err_set(err, -r, "", "out of memory");
	}
	*out = b.s;
	return 0;
}

static int strv_set(char ***vars, const char *key, const char *val)
{
	size_t n = gb_strv_len(*vars), klen = strlen(key);
	char *kv = malloc(klen + strlen(val) + 2);
	if (!kv)
		return -ENOMEM;
	sprintf(kv, "%s=%s", key, val);
	for (size_t i = 0; i < n; i++)
		if (strncmp((*vars)[i], key, klen) == 0 && (*vars)[i][klen] == '=') {
			free((*vars)[i]);
			(*vars)[i] = kv;
			return 0;
		}
	char **bigger = realloc(*vars, (n + 2) * sizeof **vars);
	if (!bigger) {
		free(kv);
		return -ENOMEM;
	}
	*vars = bigger;
	(*vars)[n] = kv;
	(*vars)[n + 1] = NULL;
	return 0;
}

/* The value part of a .env line: quoted ('...' literal, "..." with \n), or bare up to a
 * " #" comment, trimmed. */
static void dotenv_value(char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && strrchr(v + 1, v[0])) {
		char q = v[0], *end = strrchr(v + 1, q);
		char *w = v;
		for (char *r = v + 1; r < end; r++) {
			if (q == '"' && r[0] == '\\' && r + 1 < end) {
				r++;
				*w++ = *r == 'n' ? '\n' : *r;
			} else {
				*w++ = *r;
			}
		}
		*w = '\0';
		return;
	}
	char *hash = strstr(v, " #");
	if (hash)
		*hash = '\0';
	for (n = strlen(v); n && isspace((unsigned char)v[n - 1]); n--)
		v[n - 1] = '\0';
}

int gb_compose_dotenv(const char *text, char ***vars, struct gb_err *err)
{
	int lineno = 0;
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		char line[8192];
		snprintf(line, sizeof line, "%.*s", (int)n, p);
		p += n + (p[n] == '\n');
		lineno++;
		char *s = line + strspn(line, " \t\r");
		s[strcspn(s, "\r")] = '\0';
		if (!*s || *s == '#')
			continue;
		if (strncmp(s, "export ", 7) == 0)
			s += 7;
		char *eq = strchr(s, '=');
		if (!eq || eq == s) {
			int r = gb_err_set(err, EINVAL, "", ".env line %d is not KEY=VALUE: '%s'",
					   lineno, s);
			gb_err_hint(
				err,
				"write one KEY=VALUE per line; lines starting with # are comments");
			return r;
		}
		*eq = '\0';
		for (char *k = eq; k > s && isspace((unsigned char)k[-1]); k--)
			k[-1] = '\0';
		char *v = eq + 1 + strspn(eq + 1, " \t");
		dotenv_value(v);
		if (strv_set(vars, s, v) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return 0;
}

int gb_compose_split(const char *s, char ***argv, struct gb_err *err)
{
	*argv = calloc(1, sizeof **argv);
	struct buf w = { 0 };
	bool in_word = false;
	char quote = 0;
	int r = *argv ? put(&w, "", 0) : -ENOMEM;
	for (const char *p = s; r == 0; p++) {
		char ch = *p;
		if (!ch || (!quote && isspace((unsigned char)ch))) {
			if (in_word)
				r = gb_strv_push(argv, w.s);
			w.len = 0;
			if (w.s)
				w.s[0] = '\0';
			in_word = false;
			if (!ch)
				break;
			continue;
		}
		in_word = true;
		if (quote && ch == quote)
			quote = 0;
		else if (!quote && (ch == '\'' || ch == '"'))
			quote = ch;
		else if (ch == '\\' && quote != '\'' && p[1])
			r = put(&w, ++p, 1);
		else
			r = put(&w, &ch, 1);
	}
	free(w.s);
	if (r == 0 && quote)
		r = gb_err_set(err, EINVAL, "", "unclosed %c quote in '%s'", quote, s);
	else if (r < 0)
		r = gb_err_set(err, -r, "", "out of memory");
	if (r < 0) {
		gb_strv_free(*argv);
		*argv = NULL;
	}
	return r;
}

int gb_compose_duration(const char *s, double *out)
{
	double total = 0;
	const char *p = s;
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		if (end == p || v < 0)
			return -EINVAL;
		p = end;
		double unit = 1; /* a bare number: seconds */
		if (!strncmp(p, "ms", 2))
			unit = 0.001, p += 2;
		else if (!strncmp(p, "us", 2))
			unit = 0.000001, p += 2;
		else if (*p == 'h')
			unit = 3600, p++;
		else if (*p == 'm')
			unit = 60, p++;
		else if (*p == 's')
			p++;
		else if (*p)
			return -EINVAL;
		total += v * unit;
	}
	*out = total;
	return 0;
}

/* "8000-8002" -> 8000, 8002; "80" -> 80, 80. */
static int port_range(const char *s, long *lo, long *hi)
{
	char *end;
	*lo = strtol(s, &end, 10);
	*hi = *lo;
	if (end != s && *end == '-')
		*hi = strtol(end + 1, &end, 10);
	return end == s || *end || *lo < 1 || *hi > 65535 || *hi < *lo ? -EINVAL : 0;
}

int gb_compose_ports(const char *spec, char ***out, struct gb_err *err)
{
	char buf[128], ip[64] = "", proto[8] = "";
	snprintf(buf, sizeof buf, "%s", spec);
	char *slash = strchr(buf, '/');
	if (slash) {
		snprintf(proto, sizeof proto, "/%s", slash + 1);
		*slash = '\0';
	}
	char *last = strrchr(buf, ':');
	if (!last) {
		int r = gb_err_set(err, EINVAL, "", "port '%s' has no host port", spec);
		gb_err_hint(err, "glassbox publishes HOST:CONTAINER only, e.g. \"8080:80\"");
		return r;
	}
	*last = '\0';
	char *host = strrchr(buf, ':');
	if (host) {
		*host++ = '\0';
		snprintf(ip, sizeof ip, "%s:", buf);
	} else {
		host = buf;
	}
	long h0, h1, c0, c1;
	if (port_range(host, &h0, &h1) < 0 || port_range(last + 1, &c0, &c1) < 0 ||
	    h1 - h0 != c1 - c0) {
		int r = gb_err_set(err, EINVAL, "", "invalid port '%s'", spec);
		gb_err_hint(
			err,
			"write [IP:]HOST:CONTAINER, ranges of equal length like 8000-8001:80-81");
		return r;
	}
	*out = calloc(1, sizeof **out);
	for (long k = 0; *out && k <= h1 - h0; k++) {
		char one[160];
		snprintf(one, sizeof one, "%s%ld:%ld%s", ip, h0 + k, c0 + k, proto);
		if (gb_strv_push(out, one) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return *out ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
}
