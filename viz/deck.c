/* Reading a deck: the file is cut into slides at `---` lines (outside code fences), each
 * slide's speaker notes start at a `Note:` line, and the rest is CommonMark, parsed by
 * cmark. Every error names the file and line and says how to fix it. */
#include "deck.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark.h>

#include "model.h"

#define MAX_INCLUDE_DEPTH 4

/* One file being read: its text cut into lines. */
struct src {
	const char *file; /* deck-owned copy */
	char dir[PATH_MAX];
	char **lines;
	int n;
};

static int fail(char *err, size_t len, const char *file, int line, const char *fmt, ...)
{
	int n = snprintf(err, len, "%s:%d: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - n, fmt, ap);
	va_end(ap);
	return -1;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");
	if (!p)
		abort(); /* a deck is small: out of memory here is not recoverable */
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		abort();
	return p;
}

/* ------------------------------------------------------------ args */

void vz_deck_free_args(char **args)
{
	for (size_t i = 0; args && args[i]; i++)
		free(args[i]);
	free(args);
}

char **vz_deck_split_args(const char *s)
{
	char **v = xrealloc(NULL, sizeof *v);
	size_t n = 0;
	char *cur = xrealloc(NULL, strlen(s) + 1);
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		size_t k = 0;
		char q = 0;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (!q && (*s == '\'' || *s == '"'))
				q = *s;
			else if (q && *s == q)
				q = 0;
			else if (*s == '\\' && q != '\'' && s[1])
				cur[k++] = *++s;
			else
				cur[k++] = *s;
		}
		if (q) {
			v[n] = NULL;
			vz_deck_free_args(v);
			free(cur);
			return NULL;
		}
		cur[k] = '\0';
		v = xrealloc(v, (n + 2) * sizeof *v);
		v[n++] = xstrdup(cur);
	}
	v[n] = NULL;
	free(cur);
	return v;
}

/* ------------------------------------------------------------ files */

static int read_lines(struct src *sc, const char *path, char *err, size_t errlen, int line,
		      const char *from)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (from)
			return fail(err, errlen, from, line,
				    "cannot read %s: %s (the path is "
				    "relative to this file)",
				    path, strerror(errno));
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *l = NULL;
	size_t cap = 0;
	ssize_t got;
	while ((got = getline(&l, &cap, f)) >= 0) {
		while (got > 0 && (l[got - 1] == '\n' || l[got - 1] == '\r'))
			l[--got] = '\0';
		sc->lines = xrealloc(sc->lines, (sc->n + 1) * sizeof *sc->lines);
		sc->lines[sc->n++] = xstrdup(l);
	}
	free(l);
	fclose(f);
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s", path);
	snprintf(sc->dir, sizeof sc->dir, "%s", dirname(tmp));
	return 0;
}

static void free_lines(struct src *sc)
{
	for (int i = 0; i < sc->n; i++)
		free(sc->lines[i]);
	free(sc->lines);
	sc->lines = NULL;
	sc->n = 0;
}

/* A path from the deck: relative to the file that names it. */
static char *resolve(const struct src *sc, const char *p)
{
	char buf[PATH_MAX * 2];
	if (p[0] == '/')
		return xstrdup(p);
	snprintf(buf, sizeof buf, "%s/%s", sc->dir, p);
	return xstrdup(buf);
}

static bool is_fence(const char *l)
{
	while (*l == ' ')
		l++;
	return strncmp(l, "```", 3) == 0 || strncmp(l, "~~~", 3) == 0;
}

static bool is_rule(const char *l)
{
	size_t n = strlen(l);
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return n == 3 && strncmp(l, "---", 3) == 0;
}

/* ------------------------------------------------------------ inline text */

static void append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	*buf = xrealloc(*buf, *len + n + 1);
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* The plain text of an inline tree: emphasis and links keep their words, code its
 * literal, a soft break becomes a space and a hard break a new line. */
static void inline_text(cmark_node *n, char **buf, size_t *len)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE: append(buf, len, cmark_node_get_literal(c)); break;
		case CMARK_NODE_SOFTBREAK: append(buf, len, " "); break;
		case CMARK_NODE_LINEBREAK: append(buf, len, "\n"); break;
		default: inline_text(c, buf, len); break;
		}
	}
}

static char *text_of(cmark_node *n)
{
	char *buf = xstrdup("");
	size_t len = 0;
	inline_text(n, &buf, &len);
	return buf;
}

/* ------------------------------------------------------------ building slides */

/* What the parser of one section needs: where it is and where its slide goes. */
struct ctx {
	struct vz_deck *d;
	const struct src *sc;
	int first; /* file line of the section's first line (1-based) */
	struct vz_slide *sl;
	char *err;
	size_t errlen;
};

static struct vz_block *add_block(struct ctx *c, enum vz_block_kind k, char *text, int line)
{
	struct vz_slide *s = c->sl;
	s->blocks = xrealloc(s->blocks, (s->n_blocks + 1) * sizeof *s->blocks);
	struct vz_block *b = &s->blocks[s->n_blocks++];
	memset(b, 0, sizeof *b);
	b->kind = k;
	b->text = text;
	b->line = line;
	return b;
}

static int node_line(const struct ctx *c, cmark_node *n)
{
	return c->first + cmark_node_get_start_line(n) - 1;
}

static const char *src_line(const struct ctx *c, int file_line)
{
	return file_line >= 1 && file_line <= c->sc->n ? c->sc->lines[file_line - 1] : "";
}

/* A paragraph whose every line starts with '|' is a table (GitHub style); the
 * |---|---| line under the header is dropped. */
static bool table_lines(const struct ctx *c, int from, int to)
{
	for (int l = from; l <= to; l++) {
		const char *s = src_line(c, l);
		while (*s == ' ')
			s++;
		if (*s != '|')
			return false;
	}
	return to > from;
}

static bool separator_row(const char *s)
{
	for (; *s; s++)
		if (!strchr("|-: \t", *s))
			return false;
	return true;
}

static void trim_into(char **buf, size_t *len, const char *a, const char *b)
{
	while (a < b && isspace((unsigned char)*a))
		a++;
	while (b > a && isspace((unsigned char)b[-1]))
		b--;
	char cell[1024];
	snprintf(cell, sizeof cell, "%.*s", (int)(b - a), a);
	/* `code` in a cell shows its text */
	char *q = cell, *o = cell;
	for (; *q; q++)
		if (*q != '`')
			*o++ = *q;
	*o = '\0';
	append(buf, len, cell);
}

static int table_block(struct ctx *c, int from, int to)
{
	char *buf = xstrdup("");
	size_t len = 0;
	int cols = -1;
	for (int l = from; l <= to; l++) {
		const char *s = src_line(c, l);
		if (separator_row(s))
			continue;
		s = strchr(s, '|') + 1;
		int n = 0;
		const char *bar;
		while ((bar = strchr(s, '|'))) {
			append(&buf, &len, n ? "\t" : (len ? "\n" : ""));
			trim_into(&buf, &len, s, bar);
			s = bar + 1;
			n++;
		}
		if (cols >= 0 && n != cols) {
			free(buf);
			return fail(c->err, c->errlen, c->sc->file, l,
				    "this table row has %d cells, "
				    "the header %d: give every row the same number of | cells",
				    n, cols);
		}
		cols = n;
	}
	add_block(c, VZ_B_TABLE, buf, from);
	return 0;
}

static int image_block(struct ctx *c, cmark_node *img, int line)
{
	const char *url = cmark_node_get_url(img);
	char *path = resolve(c->sc, url ? url : "");
	if (access(path, R_OK) < 0) {
		fail(c->err, c->errlen, c->sc->file, line,
		     "missing image %s (%s): the path is "
		     "relative to this file",
		     url, strerror(errno));
		free(path);
		return -1;
	}
	size_t n = strlen(path);
	if (n < 4 || strcasecmp(path + n - 4, ".png") != 0) {
		fail(c->err, c->errlen, c->sc->file, line,
		     "image %s: only PNG images are shown "
		     "(convert it, e.g. with ImageMagick's convert)",
		     url);
		free(path);
		return -1;
	}
	add_block(c, VZ_B_IMAGE, path, line);
	return 0;
}

/* ------------------------------------------------------------ directives */

/* Optional `--replay FILE` at the front of a directive's arguments. */
static int take_replay(struct ctx *c, char ***args, int line, const char *deflt)
{
	char **a = *args;
	if (a[0] && strcmp(a[0], "--replay") == 0) {
		if (!a[1])
			return fail(c->err, c->errlen, c->sc->file, line,
				    "--replay wants a FILE.jsonl");
		c->sl->replay = resolve(c->sc, a[1]);
		free(a[0]);
		free(a[1]);
		for (size_t i = 0; (a[i] = a[i + 2]); i++)
			;
	} else if (deflt) {
		c->sl->replay = resolve(c->sc, deflt);
	}
	if (c->sl->replay && access(c->sl->replay, R_OK) < 0)
		return fail(c->err, c->errlen, c->sc->file, line,
			    "missing recording %s (%s): "
			    "record one with glassbox run --events FILE ...",
			    c->sl->replay, strerror(errno));
	return 0;
}

static int dir_scene(struct ctx *c, char **a, int line)
{
	int sc = a[0] ? vz_scene_by_name(a[0]) : -1;
	if (sc < 0)
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!scene %s: no such scene (known: "
			    "lifecycle namespaces cgroups overlay pid1 network vms)",
			    a[0] ? a[0] : "");
	char deflt[160];
	snprintf(deflt, sizeof deflt, "recordings/%s.jsonl", a[0]);
	free(a[0]);
	for (size_t i = 0; (a[i] = a[i + 1]); i++)
		;
	c->sl->dir = VZ_D_SCENE;
	c->sl->scene = sc;
	if (take_replay(c, &a, line, deflt) < 0)
		return -1;
	if (a[0])
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!scene: unexpected '%s' (usage: "
			    "!scene NAME [--replay FILE])",
			    a[0]);
	return 0;
}

static int dir_run(struct ctx *c, char **a, int line)
{
	c->sl->dir = VZ_D_RUN;
	c->sl->scene = -1; /* each beat's own scene */
	if (take_replay(c, &a, line, NULL) < 0)
		return -1;
	if (!c->sl->replay)
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!run needs --replay FILE first: "
			    "the recording shown without root and in handouts");
	if (!a[0])
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!run needs glassbox run's "
			    "arguments, e.g. !run --replay FILE --rm busybox echo hi");
	size_t n = 0;
	while (a[n])
		n++;
	c->sl->run_args = xrealloc(NULL, (n + 1) * sizeof(char *));
	for (size_t i = 0; i <= n; i++)
		c->sl->run_args[i] = a[i] ? xstrdup(a[i]) : NULL;
	return 0;
}

/* labs/NN-name/README.md: its "# Lab NN — Title" line and its **Goal:** paragraph. */
static int lab_info(const struct vz_deck *d, int n, char *out, size_t len)
{
	char pre[8], path[PATH_MAX + 300];
	snprintf(pre, sizeof pre, "%02d-", n);
	DIR *dir = opendir(d->labs_dir);
	struct dirent *e;
	path[0] = '\0';
	while (dir && (e = readdir(dir)))
		if (strncmp(e->d_name, pre, 3) == 0)
			snprintf(path, sizeof path, "%s/%s/README.md", d->labs_dir, e->d_name);
	if (dir)
		closedir(dir);
	FILE *f = path[0] ? fopen(path, "r") : NULL;
	if (!f)
		return -1;
	char line[1024], title[256] = "", goal[768] = "";
	bool in_goal = false;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!title[0] && line[0] == '#')
			snprintf(title, sizeof title, "%s", line + strspn(line, "# "));
		else if (strncmp(line, "**Goal:**", 9) == 0 && (in_goal = true))
			snprintf(goal, sizeof goal, "%s", line + 10);
		else if (in_goal && line[0])
			snprintf(goal + strlen(goal), sizeof goal - strlen(goal), " %s", line);
		else if (in_goal)
			break;
	}
	fclose(f);
	snprintf(out, len, "%s\t%s", title, goal);
	return 0;
}

static int dir_lab(struct ctx *c, char **a, int line)
{
	char *end = NULL;
	long n = a[0] ? strtol(a[0], &end, 10) : 0;
	if (!a[0] || *end || n < 1 || n > 99 || a[1])
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!lab wants one lab number, "
			    "e.g. !lab 2");
	char info[1100];
	if (lab_info(c->d, (int)n, info, sizeof info) < 0)
		return fail(c->err, c->errlen, c->sc->file, line,
			    "!lab %ld: no %s/%02ld-*/README.md "
			    "(glassbox lab list shows the labs)",
			    n, c->d->labs_dir, n);
	add_block(c, VZ_B_LAB, xstrdup(info), line)->lab = (int)n;
	return 0;
}

static int directive(struct ctx *c, cmark_node *para)
{
	int line = node_line(c, para);
	if (cmark_node_get_end_line(para) != cmark_node_get_start_line(para))
		return fail(c->err, c->errlen, c->sc->file, line,
			    "a directive takes one line; "
			    "put a blank line after it");
	const char *l = src_line(c, line);
	l += strspn(l, " ");
	size_t w = strcspn(l, " \t");
	char word[32];
	snprintf(word, sizeof word, "%.*s", (int)(w < 31 ? w : 31), l);
	char **a = vz_deck_split_args(l + w);
	if (!a)
		return fail(c->err, c->errlen, c->sc->file, line, "an open quote in %s", word);
	bool scenic = !strcmp(word, "!scene") || !strcmp(word, "!run") || !strcmp(word, "!compare");
	int rc;
	if (scenic && c->sl->dir != VZ_D_NONE)
		rc = fail(c->err, c->errlen, c->sc->file, line,
			  "one !scene, !run or !compare per "
			  "slide: start a new slide with ---");
	else if (!strcmp(word, "!scene"))
		rc = dir_scene(c, a, line);
	else if (!strcmp(word, "!run"))
		rc = dir_run(c, a, line);
	else if (!strcmp(word, "!compare")) {
		c->sl->dir = VZ_D_COMPARE;
		c->sl->scene = VZ_SC_VMS;
		rc = take_replay(c, &a, line, "recordings/compare.jsonl");
		if (rc == 0 && a[0])
			rc = fail(c->err, c->errlen, c->sc->file, line, "!compare: unexpected '%s'",
				  a[0]);
	} else if (!strcmp(word, "!lab"))
		rc = dir_lab(c, a, line);
	else
		rc = fail(c->err, c->errlen, c->sc->file, line,
			  "unknown directive %s (known: !scene, "
			  "!run, !compare, !lab, !include; a paragraph that starts with ! is a "
			  "directive: write \\! for a plain one)",
			  word);
	if (rc == 0 && c->sl->dir != VZ_D_NONE && !c->sl->dir_line)
		c->sl->dir_line = line;
	vz_deck_free_args(a);
	return rc;
}

/* ------------------------------------------------------------ blocks */

static int blocks(struct ctx *c, cmark_node *parent, int depth);

static int paragraph(struct ctx *c, cmark_node *n, int depth, bool in_item, int number)
{
	int line = node_line(c, n);
	int last = c->first + cmark_node_get_end_line(n) - 1;
	cmark_node *child = cmark_node_first_child(n);
	const char *raw = src_line(c, line);
	raw += strspn(raw, " ");
	if (!in_item && raw[0] == '!' && raw[1] != '[') /* ![alt](file) is a picture */
		return directive(c, n);
	if (!in_item && table_lines(c, line, last))
		return table_block(c, line, last);
	if (child && cmark_node_get_type(child) == CMARK_NODE_IMAGE && !cmark_node_next(child))
		return image_block(c, child, line);
	enum vz_block_kind k = in_item ? VZ_B_BULLET : VZ_B_PARA;
	struct vz_block *b = add_block(c, k, text_of(n), line);
	b->level = depth;
	b->number = number;
	return 0;
}

static int list(struct ctx *c, cmark_node *n, int depth)
{
	bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	int num = cmark_node_get_list_start(n);
	for (cmark_node *it = cmark_node_first_child(n); it; it = cmark_node_next(it), num++) {
		bool first = true;
		for (cmark_node *b = cmark_node_first_child(it); b; b = cmark_node_next(b)) {
			int rc;
			if (cmark_node_get_type(b) == CMARK_NODE_PARAGRAPH)
				rc = paragraph(c, b, depth, true, first && ordered ? num : 0);
			else
				rc = blocks(c, b, depth + 1);
			if (rc < 0)
				return -1;
			/* A second paragraph of an item continues it, unbulleted. */
			if (!first && cmark_node_get_type(b) == CMARK_NODE_PARAGRAPH)
				c->sl->blocks[c->sl->n_blocks - 1].number = -1;
			first = false;
		}
	}
	return 0;
}

static int heading(struct ctx *c, cmark_node *n)
{
	char *t = text_of(n);
	if (!c->sl->title) {
		c->sl->title = t;
		return 0;
	}
	add_block(c, VZ_B_HEADING, t, node_line(c, n))->level = cmark_node_get_heading_level(n);
	return 0;
}

static int code(struct ctx *c, cmark_node *n)
{
	/* The literal ends in a newline: drop it, so the box has no empty last line. */
	char *t = xstrdup(cmark_node_get_literal(n));
	size_t len = strlen(t);
	if (len && t[len - 1] == '\n')
		t[len - 1] = '\0';
	add_block(c, VZ_B_CODE, t, node_line(c, n));
	return 0;
}

/* One block node: a list or a quote recurses; HTML is refused. */
static int block(struct ctx *c, cmark_node *n, int depth)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_HEADING: return heading(c, n);
	case CMARK_NODE_PARAGRAPH: return paragraph(c, n, depth, false, 0);
	case CMARK_NODE_LIST: return list(c, n, depth);
	case CMARK_NODE_CODE_BLOCK: return code(c, n);
	case CMARK_NODE_BLOCK_QUOTE:
		add_block(c, VZ_B_QUOTE,
			  text_of(cmark_node_first_child(n) ? cmark_node_first_child(n) : n),
			  node_line(c, n));
		return 0;
	case CMARK_NODE_HTML_BLOCK:
		if (strncmp(cmark_node_get_literal(n), "<!--", 4) == 0)
			return 0; /* a comment: for the deck's editors, never shown */
		return fail(c->err, c->errlen, c->sc->file, node_line(c, n),
			    "raw HTML is not shown "
			    "on a slide: write Markdown");
	case CMARK_NODE_THEMATIC_BREAK:
		return fail(c->err, c->errlen, c->sc->file, node_line(c, n),
			    "a rule that is not "
			    "exactly --- on its own line: use --- to start a new slide");
	default: return 0;
	}
}

static int blocks(struct ctx *c, cmark_node *parent, int depth)
{
	if (cmark_node_get_type(parent) != CMARK_NODE_DOCUMENT &&
	    cmark_node_get_type(parent) != CMARK_NODE_ITEM)
		return block(c, parent, depth);
	for (cmark_node *n = cmark_node_first_child(parent); n; n = cmark_node_next(n))
		if (block(c, n, depth) < 0)
			return -1;
	return 0;
}

/* ------------------------------------------------------------ sections */

static int notes_minutes(const char *notes)
{
	for (const char *p = notes; p && *p; p++)
		if (isdigit((unsigned char)*p) && (p == notes || !isdigit((unsigned char)p[-1]))) {
			char *end;
			long m = strtol(p, &end, 10);
			if (strncmp(end, " min", 4) == 0 && m > 0 && m < 600)
				return (int)m;
		}
	return 0;
}

static char *join_lines(const struct src *sc, int from, int to)
{
	char *buf = xstrdup("");
	size_t len = 0;
	for (int i = from; i < to; i++) {
		append(&buf, &len, sc->lines[i]);
		append(&buf, &len, "\n");
	}
	return buf;
}

static bool blank_range(const struct src *sc, int from, int to)
{
	for (int i = from; i < to; i++)
		if (sc->lines[i][strspn(sc->lines[i], " \t")])
			return false;
	return true;
}

static struct vz_slide *new_slide(struct vz_deck *d, const char *file, int line)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->s = xrealloc(d->s, d->cap * sizeof *d->s);
	}
	struct vz_slide *s = &d->s[d->n++];
	memset(s, 0, sizeof *s);
	s->file = file;
	s->line = line;
	s->scene = -1;
	return s;
}

/* Lines [from, to) of a file (0-based) as one slide: body, then notes from `Note:`. */
static int section(struct vz_deck *d, const struct src *sc, int from, int to, char *err,
		   size_t errlen)
{
	if (blank_range(sc, from, to))
		return 0;
	int note = to;
	bool fenced = false;
	for (int i = from; i < to && note == to; i++) {
		fenced ^= is_fence(sc->lines[i]);
		if (!fenced && (strncmp(sc->lines[i], "Note:", 5) == 0 ||
				strncmp(sc->lines[i], "Notes:", 6) == 0))
			note = i;
	}
	struct ctx c = { d, sc, from + 1, new_slide(d, sc->file, from + 1), err, errlen };
	while (c.first <= to && !sc->lines[c.first - 1][strspn(sc->lines[c.first - 1], " \t")])
		c.first++;
	c.sl->line = c.first;
	if (note < to) {
		char *nt = join_lines(sc, note, to);
		memmove(nt, nt + strcspn(nt, ":") + 1, strlen(nt) - strcspn(nt, ":"));
		c.sl->notes = nt;
		c.sl->minutes = notes_minutes(nt);
	}
	char *body = join_lines(sc, c.first - 1, note);
	cmark_node *doc = cmark_parse_document(body, strlen(body), CMARK_OPT_DEFAULT);
	int rc = doc ? blocks(&c, doc, 0) : fail(err, errlen, sc->file, c.first, "cmark failed");
	cmark_node_free(doc);
	free(body);
	if (rc == 0 && !c.sl->title)
		rc = fail(err, errlen, sc->file, c.first,
			  "this slide has no title: start it with "
			  "a # heading");
	return rc;
}

static int load_file(struct vz_deck *d, const char *path, int depth, const char *from,
		     int from_line, char *err, size_t errlen);

static int include(struct vz_deck *d, const struct src *sc, int i, int depth, char *err,
		   size_t errlen)
{
	char **a = vz_deck_split_args(sc->lines[i] + strlen("!include"));
	if (!a || !a[0] || a[1]) {
		vz_deck_free_args(a);
		return fail(err, errlen, sc->file, i + 1, "!include wants one FILE.md");
	}
	char *p = resolve(sc, a[0]);
	int rc = depth >= MAX_INCLUDE_DEPTH
			 ? fail(err, errlen, sc->file, i + 1,
				"!include nested more than %d deep (a "
				"file that includes itself?)",
				MAX_INCLUDE_DEPTH)
			 : load_file(d, p, depth + 1, sc->file, i + 1, err, errlen);
	free(p);
	vz_deck_free_args(a);
	return rc;
}

/* Cut a file at `---` lines outside fences; `!include FILE` lines read another file's
 * slides in place. */
static int split(struct vz_deck *d, const struct src *sc, int depth, char *err, size_t errlen)
{
	int start = 0;
	bool fenced = false;
	for (int i = 0; i <= sc->n; i++) {
		bool end = i == sc->n;
		if (!end)
			fenced ^= is_fence(sc->lines[i]);
		bool inc = !end && !fenced && strncmp(sc->lines[i], "!include", 8) == 0 &&
			   (sc->lines[i][8] == ' ' || sc->lines[i][8] == '\0');
		if (!end && (fenced || (!inc && !is_rule(sc->lines[i]))))
			continue;
		if (section(d, sc, start, i, err, errlen) < 0)
			return -1;
		if (inc && include(d, sc, i, depth, err, errlen) < 0)
			return -1;
		start = i + 1;
	}
	return 0;
}

static int load_file(struct vz_deck *d, const char *path, int depth, const char *from,
		     int from_line, char *err, size_t errlen)
{
	d->files = xrealloc(d->files, (d->n_files + 1) * sizeof *d->files);
	d->files[d->n_files++] = xstrdup(path);
	struct src sc = { .file = d->files[d->n_files - 1] };
	int rc = read_lines(&sc, path, err, errlen, from_line, from);
	if (rc == 0)
		rc = split(d, &sc, depth, err, errlen);
	free_lines(&sc);
	return rc;
}

void vz_deck_set_labs_dir(struct vz_deck *d, const char *dir)
{
	snprintf(d->labs_dir, sizeof d->labs_dir, "%s", dir);
}

int vz_deck_load(struct vz_deck *d, const char *path, char *err, size_t errlen)
{
	char labs[sizeof d->labs_dir];
	snprintf(labs, sizeof labs, "%s", d->labs_dir);
	memset(d, 0, sizeof *d);
	if (labs[0]) {
		vz_deck_set_labs_dir(d, labs);
	} else {
		char tmp[PATH_MAX];
		snprintf(tmp, sizeof tmp, "%s", path);
		snprintf(d->labs_dir, sizeof d->labs_dir, "%s/../labs", dirname(tmp));
	}
	if (load_file(d, path, 0, NULL, 0, err, errlen) < 0) {
		vz_deck_free(d);
		return -1;
	}
	if (d->n == 0) {
		snprintf(err, errlen, "%s:1: no slides: write a # title, and --- between slides",
			 path);
		vz_deck_free(d);
		return -1;
	}
	return 0;
}

void vz_deck_free(struct vz_deck *d)
{
	for (int i = 0; i < d->n; i++) {
		struct vz_slide *s = &d->s[i];
		for (int b = 0; b < s->n_blocks; b++)
			free(s->blocks[b].text);
		free(s->blocks);
		free(s->title);
		free(s->notes);
		free(s->replay);
		vz_deck_free_args(s->run_args);
	}
	free(d->s);
	for (int i = 0; i < d->n_files; i++)
		free(d->files[i]);
	free(d->files);
	char labs[sizeof d->labs_dir];
	snprintf(labs, sizeof labs, "%s", d->labs_dir);
	memset(d, 0, sizeof *d);
	vz_deck_set_labs_dir(d, labs);
}
