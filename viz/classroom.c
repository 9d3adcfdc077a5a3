/* The classroom board on the projector: every student against every lab, from
 * `glassbox classroom status --json` (core/classroom/board.h) polled every second, or from
 * a board saved with it (`classroom BOARD.json`, how the golden test draws it). A cell's
 * colour always comes with a symbol (VIZ.md: never colour alone), and --anonymous shows
 * "student N" for everyone, whatever the board says. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>

#include "app.h"
#include "base/json.h"

#define CLS_ROWS 200
#define CLS_PAGE 18	/* rows a projector shows at a readable size; more: pages */
#define CLS_PAGE_S 8000 /* ms a page stays up */
#define CLS_LABS 40

struct cls_row {
	char label[48];
	int live; /* -1: unknown */
	char v[CLS_LABS][8];
};

struct cls {
	struct cls_row rows[CLS_ROWS];
	int n, total;
	int first, shown; /* the page on screen: rows first..first+shown-1 */
	char labs[CLS_LABS][4];
	int nlabs;
	char generated[40];
	char error[512], hint[256];
	char out[1 << 20];
};

static void parse_row(const struct gb_jval *s, const struct cls *c, bool anonymous, int place,
		      struct cls_row *r)
{
	memset(r, 0, sizeof *r);
	if (anonymous)
		snprintf(r->label, sizeof r->label, "student %d", place + 1);
	else
		snprintf(r->label, sizeof r->label, "%s", gb_jstr(s, "label", "?"));
	const struct gb_jval *live = gb_jget(s, "live_containers");
	r->live = live && live->type == GB_JNUM ? (int)gb_jval_int(live, -1) : -1;
	for (int l = 0; l < c->nlabs; l++)
		snprintf(r->v[l], sizeof r->v[l], "-");
	const struct gb_jval *labs = gb_jget(s, "labs");
	for (const struct gb_jval *x = labs ? labs->child : NULL; x; x = x->next)
		for (int l = 0; l < c->nlabs; l++)
			if (!strcmp(gb_jstr(x, "lab", ""), c->labs[l]))
				snprintf(r->v[l], sizeof r->v[l], "%s", gb_jstr(x, "verdict", "-"));
}

/* The board's JSON (docs/teaching.md) into c; -1 with c->error set when it is not one. */
static int parse_board(struct cls *c, const char *text, bool anonymous)
{
	char jerr[160];
	struct gb_jval *v = gb_json_parse(text, strlen(text), jerr, sizeof jerr);
	const struct gb_jval *labs = v ? gb_jget(v, "labs") : NULL,
			     *st = v ? gb_jget(v, "students") : NULL;
	if (!v || gb_jint(v, "version", 0) != 1 || !labs || !st || st->type != GB_JARR) {
		snprintf(c->error, sizeof c->error, "not a classroom board (%s)",
			 v ? "no version 1 labs/students" : jerr);
		gb_jval_free(v);
		return -1;
	}
	c->nlabs = 0;
	for (const struct gb_jval *l = labs->child; l && c->nlabs < CLS_LABS; l = l->next)
		snprintf(c->labs[c->nlabs++], sizeof c->labs[0], "%.2s", l->str ? l->str : "?");
	snprintf(c->generated, sizeof c->generated, "%s", gb_jstr(v, "generated", ""));
	c->n = c->total = 0;
	for (const struct gb_jval *s = st->child; s; s = s->next, c->total++)
		if (c->n < CLS_ROWS)
			parse_row(s, c, anonymous, c->total, &c->rows[c->n++]);
	gb_jval_free(v);
	return 0;
}

static void poll_board(struct cls *c, const char *gb, bool anonymous)
{
	const char *args[] = { "classroom", "status", "--json", anonymous ? "--anonymous" : NULL,
			       NULL };
	c->error[0] = c->hint[0] = '\0';
	if (vz_capture(gb, args, c->out, sizeof c->out, c->error, sizeof c->error) < 0) {
		snprintf(c->hint, sizeof c->hint,
			 "The board needs root and a class: sudo glassbox-viz classroom");
		c->n = 0;
		return;
	}
	parse_board(c, c->out, anonymous);
}

/* ------------------------------------------------------------ drawing */

struct look {
	struct vz_color fill;
	bool filled;
	const char *sym;
};

/* Colour and symbol together: ✓ pass, ✗ fail, – skip, ! error, ⊘ refused, empty: not run. */
static struct look look_of(const struct vz_theme *th, const char *v)
{
	if (!strcmp(v, "PASS"))
		return (struct look){ th->ok, true, "✓" };
	if (!strcmp(v, "FAIL"))
		return (struct look){ th->fail, true, "✗" };
	if (!strcmp(v, "SKIP"))
		return (struct look){ th->warn, true, "–" };
	if (!strcmp(v, "ERROR"))
		return (struct look){ th->glow, true, "!" };
	if (!strcmp(v, "REFUSED"))
		return (struct look){ th->fail, false, "⊘" };
	return (struct look){ th->border, false, "" };
}

/* Symbols on a fill are dark in both themes: every fill here is a light-to-mid colour. */
static const struct vz_color ink = { 0x11, 0x11, 0x11, 0xff };

static void cell(struct vz_render *rd, const struct vz_view *v, float x, float y, float w, float h,
		 const char *verdict)
{
	struct look k = look_of(v->th, verdict);
	if (k.filled)
		vz_rd_box(rd, x, y, w, h, 8, k.fill, 0, k.fill);
	else
		vz_rd_box(rd, x, y, w, h, 8, v->th->panel, k.sym[0] ? 4 : 2, k.fill);
	enum vz_font f = h >= 44 ? VZ_F_LABEL_B : VZ_F_FACT_B;
	vz_rd_text(rd, f, x + w / 2, y + (h - (f == VZ_F_LABEL_B ? 36 : 31)) / 2, VZ_CENTER, 0,
		   k.filled ? ink : v->th->text, k.sym);
}

struct grid {
	float x0, cw, y0, rh; /* first lab column, its width; first row, row height */
};

static void draw_head(struct vz_render *rd, const struct vz_view *v, const struct cls *c,
		      const struct grid *g)
{
	const struct vz_theme *th = v->th;
	vz_rd_text(rd, VZ_F_FACT_B, VZ_M, g->y0 - 44, VZ_LEFT, 0, th->text2, "student");
	vz_rd_text(rd, VZ_F_FACT_B, 470, g->y0 - 44, VZ_RIGHT, 0, th->text2, "live");
	for (int l = 0; l < c->nlabs; l++)
		vz_rd_text(rd, VZ_F_MONO, g->x0 + l * g->cw + g->cw / 2, g->y0 - 44, VZ_CENTER, 0,
			   th->text, c->labs[l]);
}

static void draw_rows(struct vz_render *rd, const struct vz_view *v, const struct cls *c,
		      const struct grid *g)
{
	const struct vz_theme *th = v->th;
	char buf[64];
	for (int i = 0; i < c->shown; i++) {
		const struct cls_row *r = &c->rows[c->first + i];
		float y = g->y0 + i * g->rh, ty = y + (g->rh - 4 - 30) / 2;
		if (i % 2)
			vz_rd_rect(rd, VZ_M - 8, y - 2, VZ_W - 2 * VZ_M + 16, g->rh, th->dim);
		vz_rd_text(rd, VZ_F_FACT, VZ_M, ty, VZ_LEFT, 0, th->text,
			   vz_fit(rd, VZ_F_FACT, r->label, 330, buf, sizeof buf));
		snprintf(buf, sizeof buf, r->live < 0 ? "?" : "%d", r->live);
		vz_rd_text(rd, VZ_F_MONO, 470, ty, VZ_RIGHT, 0, th->text, buf);
		for (int l = 0; l < c->nlabs; l++)
			cell(rd, v, g->x0 + l * g->cw + 3, y + 2, g->cw - 6, g->rh - 8, r->v[l]);
	}
}

/* Under the grid: how many passed each lab. */
static void draw_tally(struct vz_render *rd, const struct vz_view *v, const struct cls *c,
		       const struct grid *g)
{
	float y = g->y0 + c->shown * g->rh + 8;
	vz_rd_line(rd, VZ_M, y - 4, VZ_W - VZ_M, y - 4, 2, v->th->border);
	vz_rd_text(rd, VZ_F_FACT_B, VZ_M, y + 4, VZ_LEFT, 0, v->th->text2, "passed");
	for (int l = 0; l < c->nlabs; l++) {
		int pass = 0;
		char buf[16];
		for (int i = 0; i < c->n; i++)
			pass += !strcmp(c->rows[i].v[l], "PASS");
		snprintf(buf, sizeof buf, "%d", pass);
		vz_rd_text(rd, VZ_F_MONO, g->x0 + l * g->cw + g->cw / 2, y + 4, VZ_CENTER, 0,
			   pass ? v->th->text : v->th->text2, buf);
	}
}

static void draw_legend(struct vz_render *rd, const struct vz_view *v, const struct cls *c)
{
	static const char *const vs[] = { "PASS", "FAIL", "SKIP", "ERROR", "REFUSED", "-" };
	static const char *const words[] = { "pass",  "fail",	 "skipped",
					     "error", "refused", "not run" };
	float x = VZ_M;
	for (int i = 0; i < 6; i++) {
		cell(rd, v, x, 1000, 52, 48, vs[i]);
		x += 64;
		vz_rd_text(rd, VZ_F_FACT, x, 1010, VZ_LEFT, 0, v->th->text, words[i]);
		x += vz_rd_text_width(rd, VZ_F_FACT, words[i]) + 40;
	}
	char more[96];
	if (c->shown < c->n)
		snprintf(more, sizeof more, "students %d-%d of %d", c->first + 1,
			 c->first + c->shown, c->n);
	else
		more[0] = '\0';
	if (c->total > c->n)
		snprintf(more, sizeof more, "+%d more: glassbox classroom status", c->total - c->n);
	vz_rd_text(rd, VZ_F_FACT, VZ_W - VZ_M, 1010, VZ_RIGHT, 0, v->th->text2, more);
}

/* Page `page` of the rows (they turn every CLS_PAGE_S ms in the window). */
static void set_page(struct cls *c, long page)
{
	int pages = c->n ? (c->n + CLS_PAGE - 1) / CLS_PAGE : 1;
	c->first = (int)(page % pages) * CLS_PAGE;
	c->shown = c->n - c->first < CLS_PAGE ? c->n - c->first : CLS_PAGE;
}

static void draw_board(struct vz_render *rd, const struct vz_view *v, const struct cls *c)
{
	const struct vz_theme *th = v->th;
	if (c->error[0]) {
		vz_scene_message(rd, v, "Classroom", c->error, c->hint);
		return;
	}
	vz_rd_clear(rd, th->bg);
	vz_rd_rect(rd, 0, 0, VZ_W, 104, th->panel);
	char title[96], right[96];
	snprintf(title, sizeof title, "Classroom: %d student%s", c->total,
		 c->total == 1 ? "" : "s");
	vz_rd_text(rd, VZ_F_TITLE, VZ_M, 28, VZ_LEFT, 0, th->text, title);
	snprintf(right, sizeof right, "updated %s%s", c->generated, v->status ? v->status : "");
	vz_rd_text(rd, VZ_F_MONO, VZ_W - VZ_M, 40, VZ_RIGHT, 0, th->text2, right);
	struct grid g = { .x0 = 500, .y0 = 216 };
	g.cw = c->nlabs ? (VZ_W - VZ_M - g.x0) / c->nlabs : 0;
	g.rh = c->shown ? (1000 - 64 - g.y0) / c->shown : 64; /* the tally and legend below */
	g.rh = g.rh > 72 ? 72 : g.rh;
	draw_head(rd, v, c, &g);
	draw_rows(rd, v, c, &g);
	if (c->n)
		draw_tally(rd, v, c, &g);
	else
		vz_rd_text(rd, VZ_F_LABEL, VZ_M, g.y0, VZ_LEFT, 0, th->text2,
			   "No students on the roster yet.");
	draw_legend(rd, v, c);
}

/* ------------------------------------------------------------ the mode */

static int headless(const struct vz_opts *o, struct vz_render *rd, const struct vz_view *v,
		    struct cls *c)
{
	char path[600], err[512];
	set_page(c, 0);
	draw_board(rd, v, c);
	snprintf(path, sizeof path, "%s/classroom.png", o->frames);
	if (vz_rd_save_png(rd, path, err, sizeof err) < 0)
		return fprintf(stderr, "glassbox-viz: %s\n", err), 1;
	return 0;
}

static void window(struct vz_render *rd, struct vz_view *v, struct cls *c, const char *gb,
		   bool anonymous, bool from_file)
{
	Uint64 last = 0;
	v->status = from_file ? "   Q quit" : "   every 1 s   Q quit";
	for (bool quit = false; !quit;) {
		SDL_Event e;
		while (SDL_PollEvent(&e))
			quit |= vz_board_event(rd, v, &e);
		/* The spool changes when a student's check ends: once a second is live enough
		 * for a room, and a poll costs one short glassbox run. */
		if (!from_file && (last == 0 || SDL_GetTicks64() - last >= 1000)) {
			poll_board(c, gb, anonymous);
			last = SDL_GetTicks64();
		}
		set_page(c, (long)(SDL_GetTicks64() / CLS_PAGE_S));
		draw_board(rd, v, c);
		vz_rd_present(rd);
		SDL_Delay(50);
	}
}

int vz_classroom(const struct vz_opts *o, const char *glassbox, int argc, char **argv)
{
	static struct cls c;
	bool anonymous = false;
	const char *file = NULL;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--anonymous"))
			anonymous = true;
		else if (argv[i][0] != '-' && !file)
			file = argv[i];
		else
			return fprintf(stderr,
				       "glassbox-viz: classroom [--anonymous] [BOARD.json]\n"),
			       2;
	if (file) {
		FILE *f = fopen(file, "re");
		size_t len = f ? fread(c.out, 1, sizeof c.out - 1, f) : 0;
		if (!f)
			return fprintf(stderr, "glassbox-viz: %s: %s\n", file, strerror(errno)), 2;
		fclose(f);
		c.out[len] = '\0';
		if (parse_board(&c, c.out, anonymous) < 0)
			return fprintf(stderr, "glassbox-viz: %s: %s\n", file, c.error), 2;
	} else {
		poll_board(&c, glassbox, anonymous);
	}
	char fd[600], err[512];
	snprintf(fd, sizeof fd, "%s/fonts", o->share);
	struct vz_view v = { .th = o->dark ? &vz_theme_dark : &vz_theme_light, .beat = -1 };
	struct vz_render *rd = vz_rd_open(!o->headless, o->w ? o->w : (o->headless ? 1920 : 0),
					  o->h ? o->h : (o->headless ? 1080 : 0), o->fullscreen, fd,
					  err, sizeof err);
	if (!rd)
		return fprintf(stderr, "glassbox-viz: %s\n", err), 1;
	int rc = 0;
	if (o->headless)
		rc = headless(o, rd, &v, &c);
	else
		window(rd, &v, &c, glassbox, anonymous, file != NULL);
	vz_rd_close(rd);
	return rc;
}
