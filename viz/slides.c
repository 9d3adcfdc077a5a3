/* Slides on the logical 1920x1080 canvas: each slide is laid out once into drawing ops
 * (text lines, boxes, pictures), so a frame only replays them, and a slide whose text
 * does not fit is found before anyone presents it: an error headless, a warning (and a
 * red edge) in a window. Never clipped silently. */
#include "slides.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdf.h"
#include "png.h"

#define WIDTH (VZ_SL_RIGHT - VZ_SL_LEFT)
#define GAP 24

enum role { RL_TEXT, RL_TEXT2, RL_PANEL, RL_BORDER, RL_HOST, RL_CONT, RL_OK, RL_DIM, RL_FAIL };
enum op_kind { OP_TEXT, OP_BOX, OP_RECT, OP_DISC, OP_IMAGE };

struct vz_op {
	enum op_kind k;
	int font;
	float x, y, w, h;
	enum role fill, stroke;
	char *text;
	int image;
};

/* Line heights per font (px at 1080p): 1.3 x the size reads well at a distance. */
static float line_h(int f)
{
	switch (f) {
	case VZ_F_SL_TITLE: return 74;
	case VZ_F_SL_BODY:
	case VZ_F_SL_BOLD: return 54;
	case VZ_F_SL_CODE: return 42;
	default: return 44;
	}
}

/* ------------------------------------------------------------ layout */

struct lay {
	struct vz_render *rd;
	struct vz_show *sh;
	struct vz_laid *L;
	const struct vz_slide *s;
	float y;
	float too_wide; /* the widest overshoot to the right */
	int wide_line;
};

static struct vz_op *op(struct lay *l, enum op_kind k)
{
	struct vz_laid *L = l->L;
	struct vz_op *n = realloc(L->ops, (L->n_ops + 1) * sizeof *L->ops);
	if (!n)
		abort();
	L->ops = n;
	struct vz_op *o = &L->ops[L->n_ops++];
	memset(o, 0, sizeof *o);
	o->k = k;
	return o;
}

static void text_op(struct lay *l, int f, float x, float y, enum role r, const char *s, size_t n)
{
	struct vz_op *o = op(l, OP_TEXT);
	o->font = f;
	o->x = x;
	o->y = y;
	o->fill = r;
	o->text = strndup(s, n);
}

static void box_op(struct lay *l, enum op_kind k, float x, float y, float w, float h,
		   enum role fill, enum role stroke)
{
	struct vz_op *o = op(l, k);
	o->x = x, o->y = y, o->w = w, o->h = h;
	o->fill = fill;
	o->stroke = stroke;
}

static float width_of(struct lay *l, int f, const char *s, size_t n)
{
	char buf[2048];
	snprintf(buf, sizeof buf, "%.*s", (int)n, s);
	return vz_rd_text_width(l->rd, f, buf);
}

static void note_wide(struct lay *l, float over, int line)
{
	if (over > l->too_wide) {
		l->too_wide = over;
		l->wide_line = line;
	}
}

/* Greedy word wrap at `w`: each line one text op. Returns the height used. */
static float wrap(struct lay *l, int f, float x, float y, float w, enum role r, const char *s,
		  int line)
{
	float h = 0;
	while (*s) {
		size_t para = strcspn(s, "\n"), fit = 0, i = 0;
		while (i < para) { /* grow word by word while it fits */
			size_t j = i;
			while (j < para && s[j] == ' ')
				j++;
			while (j < para && s[j] != ' ')
				j++;
			if (fit && width_of(l, f, s, j) > w)
				break;
			fit = i = j;
		}
		float lw = width_of(l, f, s, fit);
		if (lw > w)
			note_wide(l, lw - w, line);
		text_op(l, f, x, y + h, r, s, fit);
		h += line_h(f);
		s += fit;
		while (*s == ' ')
			s++;
		if (*s == '\n' && fit >= para)
			s++;
	}
	return h;
}

static void lay_bullet(struct lay *l, const struct vz_block *b)
{
	float x = VZ_SL_LEFT + b->level * 64, tx = x + 48;
	int f = VZ_F_SL_BODY;
	if (b->number > 0) {
		char num[16];
		snprintf(num, sizeof num, "%d.", b->number);
		text_op(l, VZ_F_SL_BOLD, x, l->y, RL_HOST, num, strlen(num));
		tx = x + 64;
	} else if (b->number == 0) {
		box_op(l, OP_DISC, x + 16, l->y + 28, 9, 9, b->level ? RL_TEXT2 : RL_HOST, RL_HOST);
	}
	l->y += wrap(l, f, tx, l->y, VZ_SL_RIGHT - tx, RL_TEXT, b->text, b->line);
}

/* Tabs become spaces: a tab has no width in a font. */
static char *untab(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++)
		n += *p == '\t' ? 4 : 1;
	char *o = malloc(n + 1), *q = o;
	if (!o)
		abort();
	for (; *s; s++)
		if (*s == '\t')
			q += sprintf(q, "    ");
		else
			*q++ = *s;
	*q = '\0';
	return o;
}

static void lay_code(struct lay *l, const struct vz_block *b)
{
	char *t = untab(b->text);
	int lines = 1;
	for (char *p = t; *p; p++)
		lines += *p == '\n';
	float h = lines * line_h(VZ_F_SL_CODE) + 32;
	box_op(l, OP_BOX, VZ_SL_LEFT, l->y, WIDTH, h, RL_DIM, RL_BORDER);
	float y = l->y + 16;
	int ln = b->line + 1;
	for (char *p = t;; ln++) {
		size_t n = strcspn(p, "\n");
		float w = width_of(l, VZ_F_SL_CODE, p, n);
		if (w > WIDTH - 56)
			note_wide(l, w - (WIDTH - 56), ln);
		text_op(l, VZ_F_SL_CODE, VZ_SL_LEFT + 28, y, RL_TEXT, p, n);
		y += line_h(VZ_F_SL_CODE);
		if (!p[n])
			break;
		p += n + 1;
	}
	free(t);
	l->y += h;
}

/* Cells at their widest, one column after the other; the header row is bold. */
static void lay_table(struct lay *l, const struct vz_block *b)
{
	float colw[16] = { 0 };
	int rows = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *p = b->text;
		float y = l->y;
		for (rows = 0; *p; rows++) {
			float x = VZ_SL_LEFT;
			int f = rows ? VZ_F_SL_SMALL : VZ_F_SL_SMALL_B;
			for (int c = 0; c < 16; c++) {
				size_t cl = strcspn(p, "\t\n");
				if (!pass && width_of(l, f, p, cl) + 40 > colw[c])
					colw[c] = width_of(l, f, p, cl) + 40;
				if (pass)
					text_op(l, f, x + 12, y + 8, RL_TEXT, p, cl);
				x += colw[c];
				p += cl;
				if (*p != '\t')
					break;
				p++;
			}
			if (pass && x > VZ_SL_RIGHT)
				note_wide(l, x - VZ_SL_RIGHT, b->line);
			if (pass)
				box_op(l, OP_RECT, VZ_SL_LEFT, y + line_h(f) + 12, x - VZ_SL_LEFT,
				       rows ? 1 : 3, RL_BORDER, RL_BORDER);
			y += line_h(f) + 14;
			if (*p == '\n')
				p++;
		}
		if (pass)
			l->y = y;
	}
}

static void lay_image(struct lay *l, const struct vz_block *b)
{
	char err[512];
	uint32_t *px;
	int w, h;
	if (vz_png_read(b->text, &px, &w, &h, err, sizeof err) < 0) {
		snprintf(l->L->problem, sizeof l->L->problem, "%s:%d: %s", l->s->file, b->line,
			 err);
		return;
	}
	struct vz_image *img = vz_rd_image_new(l->rd, px, w, h);
	free(px);
	struct vz_show *sh = l->sh;
	struct vz_image **n = realloc(sh->images, (sh->n_images + 1) * sizeof *n);
	if (!img || !n)
		abort();
	sh->images = n;
	sh->images[sh->n_images++] = img;
	/* A picture's pixels are 1080p pixels; it shrinks to fit the room left, never grows. */
	float room = VZ_SL_BOTTOM - l->y, k = 1;
	if (w > WIDTH)
		k = (float)WIDTH / w;
	if (h * k > room && room > 160)
		k = room / h;
	struct vz_op *o = op(l, OP_IMAGE);
	o->image = sh->n_images - 1;
	o->w = w * k;
	o->h = h * k;
	o->x = VZ_SL_LEFT + (WIDTH - o->w) / 2;
	o->y = l->y;
	l->y += o->h;
}

static void lay_lab(struct lay *l, const struct vz_block *b)
{
	const char *tab = strchr(b->text, '\t');
	char head[400], cmd[200];
	snprintf(head, sizeof head, "\xe2\x96\xb6 %.*s", (int)(tab - b->text), b->text);
	snprintf(cmd, sizeof cmd, "glassbox lab show %d     sudo glassbox lab check %d", b->lab,
		 b->lab);
	int bi = l->L->n_ops; /* an index: later ops may move the array */
	op(l, OP_BOX);
	float y0 = l->y;
	float y = y0 + 20;
	y += wrap(l, VZ_F_SL_BOLD, VZ_SL_LEFT + 36, y, WIDTH - 72, RL_TEXT, head, b->line);
	if (tab[1])
		y += wrap(l, VZ_F_SL_SMALL, VZ_SL_LEFT + 36, y, WIDTH - 72, RL_TEXT, tab + 1,
			  b->line);
	y += 8 + wrap(l, VZ_F_SL_CODE, VZ_SL_LEFT + 36, y + 8, WIDTH - 72, RL_TEXT, cmd, b->line);
	struct vz_op *box = &l->L->ops[bi];
	box->x = VZ_SL_LEFT, box->y = y0, box->w = WIDTH, box->h = y - y0 + 16;
	box->fill = RL_PANEL;
	box->stroke = RL_OK;
	l->y = y + 16;
}

static void lay_block(struct lay *l, const struct vz_block *b)
{
	switch (b->kind) {
	case VZ_B_PARA:
		l->y += wrap(l, VZ_F_SL_BODY, VZ_SL_LEFT + b->level * 64 + (b->number < 0 ? 48 : 0),
			     l->y, WIDTH - b->level * 64, RL_TEXT, b->text, b->line);
		break;
	case VZ_B_BULLET:
		if (b->number < 0) {
			float x = VZ_SL_LEFT + b->level * 64 + 48;
			l->y += wrap(l, VZ_F_SL_BODY, x, l->y, VZ_SL_RIGHT - x, RL_TEXT, b->text,
				     b->line);
		} else {
			lay_bullet(l, b);
		}
		break;
	case VZ_B_HEADING:
		l->y += wrap(l, VZ_F_SL_BOLD, VZ_SL_LEFT, l->y, WIDTH, RL_TEXT, b->text, b->line);
		break;
	case VZ_B_QUOTE: {
		float y0 = l->y;
		l->y += wrap(l, VZ_F_SL_BODY, VZ_SL_LEFT + 40, l->y, WIDTH - 40, RL_TEXT2, b->text,
			     b->line);
		box_op(l, OP_RECT, VZ_SL_LEFT, y0, 10, l->y - y0, RL_CONT, RL_CONT);
		break;
	}
	case VZ_B_CODE: lay_code(l, b); break;
	case VZ_B_TABLE: lay_table(l, b); break;
	case VZ_B_IMAGE: lay_image(l, b); break;
	case VZ_B_LAB: lay_lab(l, b); break;
	}
}

/* Bullets of one list sit closer together than separate blocks. */
static float gap_before(const struct vz_slide *s, int i)
{
	if (i == 0)
		return 0;
	bool list = s->blocks[i].kind == VZ_B_BULLET && s->blocks[i - 1].kind == VZ_B_BULLET;
	return list ? 10 : GAP;
}

static void layout(struct vz_show *sh, struct vz_render *rd, int i)
{
	const struct vz_slide *s = &sh->deck->s[i];
	struct vz_laid *L = &sh->laid[i];
	struct lay l = { rd, sh, L, s, 56, 0, 0 };
	l.y += wrap(&l, VZ_F_SL_TITLE, VZ_SL_LEFT, l.y, WIDTH, RL_TEXT, s->title, s->line);
	box_op(&l, OP_RECT, VZ_SL_LEFT, l.y + 8, 160, 8, RL_HOST, RL_HOST);
	l.y += 48;
	for (int b = 0; b < s->n_blocks && !L->problem[0]; b++) {
		l.y += gap_before(s, b);
		lay_block(&l, &s->blocks[b]);
	}
	/* A scene slide's text ends with the box that says what Space plays. */
	float limit = VZ_SL_BOTTOM - (s->dir != VZ_D_NONE ? 96 : 0);
	L->bottom = l.y;
	if (L->problem[0])
		return;
	if (l.y > limit)
		snprintf(L->problem, sizeof L->problem,
			 "%s:%d: slide %d \"%s\" runs %.0f px off the "
			 "bottom: split it (---) or shorten it",
			 s->file, s->line, i + 1, s->title, l.y - limit);
	else if (l.too_wide > 0)
		snprintf(L->problem, sizeof L->problem,
			 "%s:%d: slide %d \"%s\": a line is %.0f px "
			 "too wide: shorten it or break it",
			 s->file, l.wide_line, i + 1, s->title, l.too_wide);
}

/* ------------------------------------------------------------ the show */

static int load_recordings(struct vz_show *sh, char *err, size_t errlen)
{
	for (int i = 0; i < sh->deck->n; i++) {
		const struct vz_slide *s = &sh->deck->s[i];
		vz_stream_init(&sh->rec[i]);
		if (!s->replay)
			continue;
		char e[512];
		if (vz_stream_load(&sh->rec[i], s->replay, e, sizeof e) < 0) {
			snprintf(err, errlen, "%s:%d: %s", s->file, s->dir_line, e);
			return -1;
		}
	}
	return 0;
}

int vz_show_open(struct vz_show *sh, struct vz_render *rd, struct vz_deck *d, char *err,
		 size_t errlen)
{
	memset(sh, 0, sizeof *sh);
	sh->deck = d;
	sh->laid = calloc(d->n, sizeof *sh->laid);
	sh->rec = calloc(d->n, sizeof *sh->rec);
	if (!sh->laid || !sh->rec)
		abort();
	if (load_recordings(sh, err, errlen) < 0)
		return -1;
	int bad = 0;
	for (int i = 0; i < d->n; i++) {
		layout(sh, rd, i);
		if (sh->laid[i].problem[0]) {
			fprintf(stderr, "glassbox-viz: %s\n", sh->laid[i].problem);
			bad++;
		}
	}
	return bad;
}

void vz_show_close(struct vz_show *sh)
{
	for (int i = 0; sh->deck && i < sh->deck->n; i++) {
		for (int k = 0; k < sh->laid[i].n_ops; k++)
			free(sh->laid[i].ops[k].text);
		free(sh->laid[i].ops);
		vz_stream_free(&sh->rec[i]);
	}
	for (int i = 0; i < sh->n_images; i++)
		vz_rd_image_free(sh->images[i]);
	free(sh->images);
	free(sh->laid);
	free(sh->rec);
	memset(sh, 0, sizeof *sh);
}

bool vz_show_has_text(const struct vz_show *sh, int i, const struct vz_stream *st)
{
	const struct vz_slide *s = &sh->deck->s[i];
	/* A !run slide always starts on its text: the live run begins with the first Space. */
	return s->dir == VZ_D_NONE || s->dir == VZ_D_RUN || s->n_blocks > 0 || !st ||
	       st->n_beats == 0;
}

int vz_show_steps(const struct vz_show *sh, int i, const struct vz_stream *st)
{
	return (vz_show_has_text(sh, i, st) ? 1 : 0) + (st ? (int)st->n_beats : 0);
}

static struct vz_color role(const struct vz_theme *th, enum role r)
{
	const struct vz_color c[] = { th->text, th->text2, th->panel, th->border, th->host,
				      th->cont, th->ok,	   th->dim,   th->fail };
	return c[r];
}

static void draw_op(struct vz_render *rd, const struct vz_show *sh, const struct vz_op *o,
		    const struct vz_theme *th)
{
	switch (o->k) {
	case OP_TEXT:
		vz_rd_text(rd, o->font, o->x, o->y, VZ_LEFT, 0, role(th, o->fill), o->text);
		break;
	case OP_BOX:
		vz_rd_box(rd, o->x, o->y, o->w, o->h, 14, role(th, o->fill), 4,
			  role(th, o->stroke));
		break;
	case OP_RECT: vz_rd_rect(rd, o->x, o->y, o->w, o->h, role(th, o->fill)); break;
	case OP_DISC: vz_rd_disc(rd, o->x, o->y, o->w, role(th, o->fill)); break;
	case OP_IMAGE: vz_rd_image_draw(rd, sh->images[o->image], o->x, o->y, o->w, o->h); break;
	}
}

void vz_show_progress(struct vz_render *rd, const struct vz_show *sh, int i,
		      const struct vz_view *v, const char *extra)
{
	const struct vz_theme *th = v->th;
	char right[160];
	snprintf(right, sizeof right, "%s%s%d / %d", extra ? extra : "",
		 extra && *extra ? "    " : "", i + 1, sh->deck->n);
	float w = vz_rd_text_width(rd, VZ_F_SL_SMALL, right);
	float bar = VZ_SL_RIGHT - w - 48 - VZ_SL_LEFT;
	vz_rd_rect(rd, VZ_SL_LEFT, 1056, bar, 6, th->border);
	vz_rd_rect(rd, VZ_SL_LEFT, 1056, bar * (i + 1) / sh->deck->n, 6, th->host);
	vz_rd_text(rd, VZ_F_SL_SMALL, VZ_SL_RIGHT, 1036, VZ_RIGHT, 0, th->text2, right);
}

void vz_show_draw_text(struct vz_render *rd, const struct vz_show *sh, int i,
		       const struct vz_view *v, const char *hint)
{
	const struct vz_theme *th = v->th;
	const struct vz_laid *L = &sh->laid[i];
	vz_rd_clear(rd, th->bg);
	for (int k = 0; k < L->n_ops; k++)
		draw_op(rd, sh, &L->ops[k], th);
	if (hint && *hint) {
		vz_rd_box(rd, VZ_SL_LEFT, VZ_SL_BOTTOM - 76, WIDTH, 68, 14,
			  vz_mix(th->panel, th->cont, 0.18), 4, th->cont);
		vz_rd_text(rd, VZ_F_SL_SMALL_B, VZ_SL_LEFT + 28, VZ_SL_BOTTOM - 62, VZ_LEFT, 0,
			   th->text, hint);
	}
	if (L->problem[0]) /* a window still shows it, marked: the fix is in the deck */
		vz_rd_rect(rd, 0, 0, 16, VZ_H, th->fail);
}

void vz_show_hint(const struct vz_show *sh, int i, bool live, bool no_root, char *buf, size_t len)
{
	const struct vz_slide *s = &sh->deck->s[i];
	size_t beats = sh->rec[i].n_beats;
	if (s->dir == VZ_D_RUN && live)
		snprintf(buf, len, "\xe2\x96\xb6 Space: a live glassbox run, one step per press");
	else if (s->dir == VZ_D_RUN)
		snprintf(buf, len, "\xe2\x96\xb6 Space: a recording of glassbox run (%zu steps)%s",
			 beats, no_root ? ": live needs root" : "");
	else if (s->dir != VZ_D_NONE)
		snprintf(buf, len, "\xe2\x96\xb6 Space: the %s scene, recorded (%zu steps)",
			 vz_scene_names[s->scene >= 0 ? s->scene : 0], beats);
	else
		buf[0] = '\0';
}

/* ------------------------------------------------------------ handout */

/* Notes are Markdown-like: one line break is a space, a blank line a new paragraph. */
static char *reflow(const char *s)
{
	char *o = strdup(s ? s + strspn(s, " \n") : "(no notes)"), *q = o;
	if (!o)
		abort();
	for (const char *p = o; *p; p++) {
		if (*p == '\n' && p[1] == '\n') {
			*q++ = '\n';
			while (p[1] == '\n')
				p++;
		} else {
			*q++ = *p == '\n' ? ' ' : *p;
		}
	}
	*q = '\0';
	return o;
}

/* The notes of slide i as a frame of their own: the handout's lower picture. Returns
 * false when they do not fit (printed, like a slide that does not). */
static bool draw_notes(struct vz_render *rd, struct vz_show *sh, int i, const struct vz_view *v)
{
	const struct vz_slide *s = &sh->deck->s[i];
	struct vz_laid L = { 0 };
	struct lay l = { rd, sh, &L, s, 56, 0, 0 };
	char head[300];
	snprintf(head, sizeof head, "Notes: slide %d of %d%s", i + 1, sh->deck->n,
		 s->minutes ? "" : " (no time planned)");
	l.y += wrap(&l, VZ_F_SL_BOLD, VZ_SL_LEFT, l.y, WIDTH, RL_TEXT2, head, s->line) + 16;
	char *notes = reflow(s->notes);
	l.y += wrap(&l, VZ_F_SL_BODY, VZ_SL_LEFT, l.y, WIDTH, RL_TEXT, notes, s->line);
	free(notes);
	vz_rd_clear(rd, v->th->bg);
	vz_rd_rect(rd, 0, 0, VZ_W, 8, v->th->border);
	for (int k = 0; k < L.n_ops; k++) {
		draw_op(rd, sh, &L.ops[k], v->th);
		free(L.ops[k].text);
	}
	free(L.ops);
	if (l.y > VZ_H - 40 || l.too_wide > 0) {
		fprintf(stderr,
			"glassbox-viz: %s:%d: the notes of slide %d do not fit a handout "
			"page: shorten them\n",
			s->file, s->line, i + 1);
		return false;
	}
	return true;
}

/* One A4 page: the slide above, its notes below, each a 16:9 picture. */
static int handout_page(struct vz_render *rd, struct vz_show *sh, int i, const struct vz_view *v,
			struct vz_pdf *pdf)
{
	const double W = 595.28, M = 36, PW = W - 2 * M, PH = PW * 9 / 16;
	int w, h, pitch;
	const uint32_t *px = vz_rd_pixels(rd, &w, &h, &pitch);
	if (!px || vz_pdf_page(pdf) < 0 || vz_pdf_image(pdf, px, w, h, pitch, M, 48, PW, PH) < 0)
		return -1;
	bool fits = draw_notes(rd, sh, i, v);
	px = vz_rd_pixels(rd, &w, &h, &pitch);
	if (vz_pdf_image(pdf, px, w, h, pitch, M, 48 + PH + 24, PW, PH) < 0)
		return -1;
	return fits ? 0 : 1;
}

/* ------------------------------------------------------------ headless */

static int save(struct vz_render *rd, const char *dir, int slide, int beat)
{
	char path[1200], err[300];
	if (!dir) /* --pdf alone: no PNG files */
		return 0;
	if (beat > 0)
		snprintf(path, sizeof path, "%s/slide-%03d-%02d.png", dir, slide + 1, beat);
	else
		snprintf(path, sizeof path, "%s/slide-%03d.png", dir, slide + 1);
	if (vz_rd_save_png(rd, path, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return -1;
	}
	return 0;
}

/* A scene step: the slide's title in the title bar, the progress line below. */
void vz_show_draw_beat(struct vz_render *rd, const struct vz_show *sh, int i,
		       const struct vz_stream *st, size_t b, struct vz_view *v)
{
	static struct vz_model m; /* large: not on the stack */
	vz_stream_model_at(st, b, &m);
	const struct vz_slide *s = &sh->deck->s[i];
	v->beat = (int)b;
	v->n_beats = (int)st->n_beats;
	v->title = s->title;
	int scene = s->scene >= 0 ? s->scene : st->beats[b].scene;
	vz_scene_draw(rd, &m, v, scene);
	vz_rd_rect(rd, 0, 1064, VZ_W, 16, v->th->bg);
	float k = (float)(i + 1) / sh->deck->n;
	vz_rd_rect(rd, 0, 1070, VZ_W * k, 6, v->th->host);
}

static int headless_slide(struct vz_render *rd, struct vz_show *sh, const struct vz_opts *o, int i,
			  int *frames, struct vz_pdf *pdf)
{
	struct vz_view v = { .th = o->dark ? &vz_theme_dark : &vz_theme_light,
			     .reduced_motion = o->reduced_motion,
			     .follow = true,
			     .tb = o->at };
	struct vz_stream *st = &sh->rec[i];
	const struct vz_slide *s = &sh->deck->s[i];
	if (vz_show_has_text(sh, i, st)) {
		char hint[200];
		vz_show_hint(sh, i, false, false, hint, sizeof hint);
		vz_show_draw_text(rd, sh, i, &v, hint);
		vz_show_progress(rd, sh, i, &v, NULL);
		if (save(rd, o->frames, i, 0) < 0)
			return -1;
		(*frames)++;
		if (pdf && handout_page(rd, sh, i, &v, pdf) != 0)
			return -1;
	}
	char status[64];
	snprintf(status, sizeof status, "%s   %d / %d", s->dir == VZ_D_RUN ? "recording" : "replay",
		 i + 1, sh->deck->n);
	v.status = status;
	for (size_t b = 0; b < st->n_beats; b++) {
		vz_show_draw_beat(rd, sh, i, st, b, &v);
		if (save(rd, o->frames, i, (int)b + 1) < 0)
			return -1;
		(*frames)++;
	}
	/* A slide that is only a scene: the handout shows its last step, settled. */
	if (pdf && !vz_show_has_text(sh, i, st) && st->n_beats) {
		v.tb = 2.0;
		vz_show_draw_beat(rd, sh, i, st, st->n_beats - 1, &v);
		if (handout_page(rd, sh, i, &v, pdf) != 0)
			return -1;
	}
	return 0;
}

static int headless(const struct vz_opts *o, struct vz_deck *d)
{
	char fd[600], err[512];
	snprintf(fd, sizeof fd, "%s/fonts", o->share);
	struct vz_render *rd = vz_rd_open(false, o->w ? o->w : 1920, o->h ? o->h : 1080, false, fd,
					  err, sizeof err);
	if (!rd) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 1;
	}
	struct vz_show sh;
	int bad = vz_show_open(&sh, rd, d, err, sizeof err);
	int frames = 0, rc = 0;
	if (bad < 0)
		fprintf(stderr, "glassbox-viz: %s\n", err);
	struct vz_pdf *pdf = NULL;
	if (bad == 0 && o->pdf && !(pdf = vz_pdf_open(o->pdf, 595.28, 841.89))) {
		fprintf(stderr, "glassbox-viz: cannot write %s: %s\n", o->pdf, strerror(errno));
		rc = -1;
	}
	for (int i = 0; bad >= 0 && i < d->n && rc == 0; i++)
		if (o->beat == 0 || o->beat == i + 1)
			rc = headless_slide(rd, &sh, o, i, &frames, pdf);
	if (pdf && vz_pdf_close(pdf) < 0 && rc == 0) {
		fprintf(stderr, "glassbox-viz: %s: the handout could not be written\n", o->pdf);
		rc = -1;
	}
	if (pdf && rc != 0)
		unlink(o->pdf); /* no half handout left behind */
	vz_show_close(&sh);
	vz_rd_close(rd);
	if (bad == 0 && rc == 0 && o->frames)
		printf("glassbox-viz: %d slides, %d frames in %s\n", d->n, frames, o->frames);
	if (bad == 0 && rc == 0 && o->pdf)
		printf("glassbox-viz: %d slides, handout %s\n", d->n, o->pdf);
	else if (bad > 0)
		fprintf(stderr,
			"glassbox-viz: %d slide(s) do not fit: nothing is clipped, fix "
			"the deck\n",
			bad);
	return bad || rc ? 1 : 0;
}

/* Labs: the deck's ../labs (a source tree), else the installed share/glassbox/labs. */
static void labs_dir(const struct vz_opts *o, const char *deck, struct vz_deck *d)
{
	char tmp[PATH_MAX], dir[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s", deck);
	snprintf(dir, sizeof dir, "%s/../labs", dirname(tmp));
	struct stat st;
	if (stat(dir, &st) < 0)
		snprintf(dir, sizeof dir, "%s/labs", o->share);
	vz_deck_set_labs_dir(d, dir);
}

int vz_slides_main(const struct vz_opts *o, const char *path)
{
	struct vz_deck d;
	memset(&d, 0, sizeof d);
	labs_dir(o, path, &d);
	char err[1024];
	if (vz_deck_load(&d, path, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 2;
	}
	int rc;
	if (o->headless) {
		rc = headless(o, &d);
	} else {
		char fd[600];
		snprintf(fd, sizeof fd, "%s/fonts", o->share);
		struct vz_render *rd =
			vz_rd_open(true, o->w, o->h, o->fullscreen, fd, err, sizeof err);
		struct vz_show sh;
		if (!rd) {
			fprintf(stderr, "glassbox-viz: %s\n", err);
			rc = 1;
		} else if (vz_show_open(&sh, rd, &d, err, sizeof err) < 0) {
			fprintf(stderr, "glassbox-viz: %s\n", err);
			vz_show_close(&sh);
			vz_rd_close(rd);
			rc = 2;
		} else {
			rc = vz_slides_window(o, &sh, rd);
			vz_show_close(&sh);
			vz_rd_close(rd);
		}
	}
	vz_deck_free(&d);
	return rc;
}
