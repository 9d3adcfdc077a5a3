/* The SDL2 side of the renderer interface (render.h): scaling from the logical
 * 1920x1080 canvas, strokes as quads, rounded boxes as triangle fans, and a fixed-size
 * cache of text textures so drawing a steady frame allocates nothing. */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <SDL.h>
#include <SDL_ttf.h>

#include "png.h"

#define CACHE_SLOTS 1024
#define CACHE_PROBE 16
#define KEY_MAX 400
#define MAX_VERTS 512

struct text_slot {
	uint64_t hash;
	int font, wrap, w, h;
	unsigned last_used;
	SDL_Texture *tex;
	char key[KEY_MAX];
};

/* Widths measured once per (font, text): TTF_SizeUTF8 shapes text with allocations. */
#define WIDTH_SLOTS 2048
struct width_slot {
	uint64_t hash; /* 64-bit FNV of font and text: collisions are negligible here */
	int w;
};

struct vz_render {
	SDL_Window *win;
	SDL_Surface *surface; /* offscreen target (headless) */
	SDL_Renderer *r;
	int out_w, out_h;
	float scale, ox, oy;
	char fontdir[512];
	TTF_Font *font[VZ_F_COUNT];
	struct text_slot cache[CACHE_SLOTS];
	struct width_slot widths[WIDTH_SLOTS];
	unsigned frame;
	char font_err[1024];
	SDL_Vertex verts[MAX_VERTS];
	SDL_FPoint path[64];
};

/* Font files and sizes at 1080p (VIZ.md: titles 44, stage 30, facts 26, call 34). */
static const struct {
	const char *file;
	int px;
} font_spec[VZ_F_COUNT] = {
	[VZ_F_TITLE] = { "DejaVuSans-Bold.ttf", 44 },
	[VZ_F_LABEL] = { "DejaVuSans.ttf", 30 },
	[VZ_F_LABEL_B] = { "DejaVuSans-Bold.ttf", 30 },
	[VZ_F_FACT] = { "DejaVuSans.ttf", 26 },
	[VZ_F_FACT_B] = { "DejaVuSans-Bold.ttf", 26 },
	[VZ_F_MONO] = { "DejaVuSansMono.ttf", 26 },
	[VZ_F_CALL] = { "DejaVuSansMono.ttf", 34 },
	[VZ_F_SENT] = { "DejaVuSans.ttf", 30 },
	[VZ_F_BIG] = { "DejaVuSans-Bold.ttf", 64 },
	[VZ_F_SL_TITLE] = { "DejaVuSans-Bold.ttf", 60 },
	[VZ_F_SL_BODY] = { "DejaVuSans.ttf", 40 },
	[VZ_F_SL_BOLD] = { "DejaVuSans-Bold.ttf", 40 },
	[VZ_F_SL_CODE] = { "DejaVuSansMono.ttf", 32 },
	[VZ_F_SL_SMALL] = { "DejaVuSans.ttf", 32 },
	[VZ_F_SL_SMALL_B] = { "DejaVuSans-Bold.ttf", 32 },
};

static void cache_flush(struct vz_render *rd)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (rd->cache[i].tex)
			SDL_DestroyTexture(rd->cache[i].tex);
		rd->cache[i].tex = NULL;
		rd->cache[i].key[0] = '\0';
	}
}

static int fonts_open(struct vz_render *rd, char *err, size_t errlen)
{
	for (int i = 0; i < VZ_F_COUNT; i++) {
		if (rd->font[i])
			TTF_CloseFont(rd->font[i]);
		char path[640];
		snprintf(path, sizeof path, "%s/%s", rd->fontdir, font_spec[i].file);
		int px = (int)lroundf(font_spec[i].px * rd->scale);
		rd->font[i] = TTF_OpenFont(path, px < 6 ? 6 : px);
		if (!rd->font[i]) {
			snprintf(err, errlen,
				 "cannot open font %s: %.200s (set GLASSBOX_SHARE to the "
				 "directory holding fonts/)",
				 path, TTF_GetError());
			return -1;
		}
	}
	return 0;
}

void vz_rd_layout(struct vz_render *rd, double zoom)
{
	if (rd->win)
		SDL_GetRendererOutputSize(rd->r, &rd->out_w, &rd->out_h);
	float fit = fminf((float)rd->out_w / VZ_W, (float)rd->out_h / VZ_H);
	float scale = fit * (float)zoom;
	rd->ox = (rd->out_w - VZ_W * scale) / 2;
	rd->oy = (rd->out_h - VZ_H * scale) / 2;
	if (scale == rd->scale)
		return;
	rd->scale = scale;
	cache_flush(rd);
	memset(rd->widths, 0, sizeof rd->widths);
	/* A failure leaves a font NULL; vz_rd_open reports it, later zooms keep the old size. */
	fonts_open(rd, rd->font_err, sizeof rd->font_err);
}

static int open_target(struct vz_render *rd, bool window, int w, int h, bool fullscreen, char *err,
		       size_t errlen)
{
	if (!window) {
		rd->surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_RGB888);
		rd->r = rd->surface ? SDL_CreateSoftwareRenderer(rd->surface) : NULL;
		rd->out_w = w;
		rd->out_h = h;
	} else {
		SDL_DisplayMode dm;
		if ((w <= 0 || h <= 0) && SDL_GetDesktopDisplayMode(0, &dm) == 0) {
			w = dm.w;
			h = dm.h;
		}
		/* Without a window manager fullscreen-desktop is ignored: size to the desktop. */
		Uint32 flags = SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI |
			       (fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
		rd->win =
			SDL_CreateWindow("glassbox", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
					 w > 0 ? w : 1280, h > 0 ? h : 720, flags);
		rd->r = rd->win ? SDL_CreateRenderer(rd->win, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
	}
	if (!rd->r) {
		snprintf(err, errlen, "cannot create the SDL renderer: %s", SDL_GetError());
		return -1;
	}
	SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_BLEND);
	return 0;
}

struct vz_render *vz_rd_open(bool window, int w, int h, bool fullscreen, const char *fontdir,
			     char *err, size_t errlen)
{
	/* Software rendering is bit-exact run to run; in a window it needs the plain
	 * framebuffer. Both are defaults: SDL_RENDER_DRIVER in the environment wins. */
	SDL_SetHintWithPriority(SDL_HINT_RENDER_DRIVER, "software", SDL_HINT_DEFAULT);
	SDL_SetHintWithPriority(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0", SDL_HINT_DEFAULT);
	if (SDL_Init(window ? SDL_INIT_VIDEO : 0) < 0 || TTF_Init() < 0) {
		snprintf(err, errlen, "cannot start SDL: %s (is $DISPLAY set? try --headless)",
			 SDL_GetError());
		return NULL;
	}
	struct vz_render *rd = SDL_calloc(1, sizeof *rd);
	if (!rd) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(rd->fontdir, sizeof rd->fontdir, "%s", fontdir);
	if (open_target(rd, window, w, h, fullscreen, err, errlen) < 0) {
		vz_rd_close(rd);
		return NULL;
	}
	vz_rd_layout(rd, 1.0);
	for (int i = 0; i < VZ_F_COUNT; i++)
		if (!rd->font[i]) {
			snprintf(err, errlen, "%s", rd->font_err);
			vz_rd_close(rd);
			return NULL;
		}
	return rd;
}

void vz_rd_close(struct vz_render *rd)
{
	if (!rd)
		return;
	cache_flush(rd);
	for (int i = 0; i < VZ_F_COUNT; i++)
		if (rd->font[i])
			TTF_CloseFont(rd->font[i]);
	if (rd->r)
		SDL_DestroyRenderer(rd->r);
	if (rd->surface)
		SDL_FreeSurface(rd->surface);
	if (rd->win)
		SDL_DestroyWindow(rd->win);
	SDL_free(rd);
	TTF_Quit();
	SDL_Quit();
}

SDL_Window *vz_rd_window(struct vz_render *rd)
{
	return rd->win;
}

void vz_rd_toggle_fullscreen(struct vz_render *rd)
{
	if (!rd->win)
		return;
	bool fs = SDL_GetWindowFlags(rd->win) & SDL_WINDOW_FULLSCREEN_DESKTOP;
	SDL_SetWindowFullscreen(rd->win, fs ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
	SDL_DisplayMode dm;
	if (!fs && SDL_GetDesktopDisplayMode(0, &dm) == 0) {
		SDL_SetWindowPosition(rd->win, 0, 0);
		SDL_SetWindowSize(rd->win, dm.w, dm.h);
	}
}

/* ------------------------------------------------------------ shapes */

static float X(struct vz_render *rd, float x)
{
	return rd->ox + x * rd->scale;
}
static float Y(struct vz_render *rd, float y)
{
	return rd->oy + y * rd->scale;
}

static SDL_Color sdlc(struct vz_color c)
{
	return (SDL_Color){ c.r, c.g, c.b, c.a };
}

void vz_rd_clear(struct vz_render *rd, struct vz_color c)
{
	rd->frame++;
	SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, 255);
	SDL_RenderClear(rd->r);
}

void vz_rd_rect(struct vz_render *rd, float x, float y, float w, float h, struct vz_color c)
{
	if (c.a == 0)
		return;
	SDL_FRect fr = { X(rd, x), Y(rd, y), w * rd->scale, h * rd->scale };
	SDL_SetRenderDrawColor(rd->r, c.r, c.g, c.b, c.a);
	SDL_RenderFillRectF(rd->r, &fr);
}

static void vert(struct vz_render *rd, int *n, float x, float y, SDL_Color c)
{
	if (*n < MAX_VERTS)
		rd->verts[(*n)++] = (SDL_Vertex){ { x, y }, c, { 0, 0 } };
}

void vz_rd_line(struct vz_render *rd, float x0, float y0, float x1, float y1, float thick,
		struct vz_color c)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	if (len <= 0 || c.a == 0)
		return;
	float nx = -dy / len * thick / 2, ny = dx / len * thick / 2;
	SDL_Color k = sdlc(c);
	int n = 0;
	float ax = X(rd, x0 + nx), ay = Y(rd, y0 + ny), bx = X(rd, x0 - nx), by = Y(rd, y0 - ny);
	float cx = X(rd, x1 - nx), cy = Y(rd, y1 - ny), ex = X(rd, x1 + nx), ey = Y(rd, y1 + ny);
	vert(rd, &n, ax, ay, k), vert(rd, &n, bx, by, k), vert(rd, &n, cx, cy, k);
	vert(rd, &n, ax, ay, k), vert(rd, &n, cx, cy, k), vert(rd, &n, ex, ey, k);
	SDL_RenderGeometry(rd->r, NULL, rd->verts, n, NULL, 0);
}

/* Outline of a rounded rectangle, clockwise, in output pixels. */
static int rounded_path(struct vz_render *rd, float x, float y, float w, float h, float rad)
{
	const int seg = 6;
	float r = fminf(rad, fminf(w, h) / 2);
	float cx[4] = { x + w - r, x + w - r, x + r, x + r };
	float cy[4] = { y + r, y + h - r, y + h - r, y + r };
	float start[4] = { -M_PI / 2, 0, M_PI / 2, M_PI };
	int n = 0;
	for (int c = 0; c < 4; c++)
		for (int i = 0; i <= seg; i++) {
			float a = start[c] + (float)(M_PI / 2) * i / seg;
			rd->path[n++] = (SDL_FPoint){ X(rd, cx[c] + r * cosf(a)),
						      Y(rd, cy[c] + r * sinf(a)) };
		}
	return n;
}

static void fill_path(struct vz_render *rd, int n, float cx, float cy, struct vz_color c)
{
	SDL_Color k = sdlc(c);
	int v = 0;
	for (int i = 0; i < n; i++) {
		SDL_FPoint a = rd->path[i], b = rd->path[(i + 1) % n];
		vert(rd, &v, cx, cy, k), vert(rd, &v, a.x, a.y, k), vert(rd, &v, b.x, b.y, k);
	}
	SDL_RenderGeometry(rd->r, NULL, rd->verts, v, NULL, 0);
}

void vz_rd_box(struct vz_render *rd, float x, float y, float w, float h, float radius,
	       struct vz_color fill, float thick, struct vz_color border)
{
	if (fill.a) {
		int n = rounded_path(rd, x, y, w, h, radius);
		fill_path(rd, n, X(rd, x + w / 2), Y(rd, y + h / 2), fill);
	}
	if (thick <= 0 || border.a == 0)
		return;
	/* The border is the ring between the outer path and one inset by `thick`. */
	SDL_FPoint outer[64];
	int n = rounded_path(rd, x, y, w, h, radius);
	memcpy(outer, rd->path, sizeof(SDL_FPoint) * n);
	rounded_path(rd, x + thick, y + thick, w - 2 * thick, h - 2 * thick,
		     fmaxf(radius - thick, 0));
	SDL_Color k = sdlc(border);
	int v = 0;
	for (int i = 0; i < n; i++) {
		int j = (i + 1) % n;
		SDL_FPoint a = outer[i], b = outer[j], c = rd->path[j], d = rd->path[i];
		vert(rd, &v, a.x, a.y, k), vert(rd, &v, b.x, b.y, k), vert(rd, &v, c.x, c.y, k);
		vert(rd, &v, a.x, a.y, k), vert(rd, &v, c.x, c.y, k), vert(rd, &v, d.x, d.y, k);
	}
	SDL_RenderGeometry(rd->r, NULL, rd->verts, v, NULL, 0);
}

void vz_rd_triangle(struct vz_render *rd, float x0, float y0, float x1, float y1, float x2,
		    float y2, struct vz_color c)
{
	SDL_Color k = sdlc(c);
	int n = 0;
	vert(rd, &n, X(rd, x0), Y(rd, y0), k);
	vert(rd, &n, X(rd, x1), Y(rd, y1), k);
	vert(rd, &n, X(rd, x2), Y(rd, y2), k);
	SDL_RenderGeometry(rd->r, NULL, rd->verts, n, NULL, 0);
}

void vz_rd_disc(struct vz_render *rd, float cx, float cy, float r, struct vz_color c)
{
	const int seg = 40;
	for (int i = 0; i < seg; i++) {
		float a = (float)(2 * M_PI) * i / seg;
		rd->path[i] = (SDL_FPoint){ X(rd, cx + r * cosf(a)), Y(rd, cy + r * sinf(a)) };
	}
	fill_path(rd, seg, X(rd, cx), Y(rd, cy), c);
}

/* ------------------------------------------------------------ text */

static uint64_t fnv(const char *s, int font, int wrap)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)(font * 31 + wrap);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool slot_matches(const struct text_slot *t, uint64_t h, int font, int wrap, const char *s)
{
	return t->tex && t->hash == h && t->font == font && t->wrap == wrap &&
	       strncmp(t->key, s, KEY_MAX) == 0;
}

/* Find the texture of (font, wrap, s), rendering it on a miss into the least recently
 * used slot of its probe window. */
static struct text_slot *text_get(struct vz_render *rd, enum vz_font f, int wrap, const char *s)
{
	uint64_t h = fnv(s, f, wrap);
	struct text_slot *victim = NULL;
	for (int i = 0; i < CACHE_PROBE; i++) {
		struct text_slot *t = &rd->cache[(h + i) % CACHE_SLOTS];
		if (slot_matches(t, h, f, wrap, s)) {
			t->last_used = rd->frame;
			return t;
		}
		if (!victim || !t->tex || (victim->tex && t->last_used < victim->last_used))
			victim = t;
	}
	SDL_Color white = { 255, 255, 255, 255 };
	SDL_Surface *surf = wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(rd->font[f], s, white, wrap)
				     : TTF_RenderUTF8_Blended(rd->font[f], s, white);
	if (!surf)
		return NULL;
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	victim->tex = SDL_CreateTextureFromSurface(rd->r, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	SDL_FreeSurface(surf);
	victim->hash = h;
	victim->font = f;
	victim->wrap = wrap;
	victim->last_used = rd->frame;
	snprintf(victim->key, KEY_MAX, "%s", s);
	return victim->tex ? victim : NULL;
}

float vz_rd_text(struct vz_render *rd, enum vz_font f, float x, float y, enum vz_align al,
		 float wrap, struct vz_color c, const char *s)
{
	if (!s || !*s || c.a == 0)
		return 0;
	struct text_slot *t = text_get(rd, f, wrap > 0 ? (int)lroundf(wrap * rd->scale) : 0, s);
	if (!t)
		return 0;
	float px = X(rd, x), py = Y(rd, y);
	if (al == VZ_CENTER)
		px -= t->w / 2.0f;
	else if (al == VZ_RIGHT)
		px -= t->w;
	SDL_Rect dst = { (int)lroundf(px), (int)lroundf(py), t->w, t->h };
	SDL_SetTextureColorMod(t->tex, c.r, c.g, c.b);
	SDL_SetTextureAlphaMod(t->tex, c.a);
	SDL_RenderCopy(rd->r, t->tex, NULL, &dst);
	return t->h / rd->scale;
}

float vz_rd_text_width(struct vz_render *rd, enum vz_font f, const char *s)
{
	if (!s || !*s)
		return 0;
	uint64_t h = fnv(s, f, -1) | 1; /* never 0: 0 marks an empty slot */
	struct width_slot *slot = &rd->widths[h % WIDTH_SLOTS];
	if (slot->hash != h) {
		int w = 0, ht = 0;
		if (TTF_SizeUTF8(rd->font[f], s, &w, &ht) < 0)
			return 0;
		slot->hash = h;
		slot->w = w;
	}
	return slot->w / rd->scale;
}

void vz_rd_present(struct vz_render *rd)
{
	if (rd->win)
		SDL_RenderPresent(rd->r);
	else
		SDL_RenderFlush(rd->r);
}

int vz_rd_save_png(struct vz_render *rd, const char *path, char *err, size_t errlen)
{
	if (!rd->surface) {
		snprintf(err, errlen, "only headless frames can be saved");
		return -1;
	}
	SDL_RenderFlush(rd->r);
	SDL_LockSurface(rd->surface);
	int rc = vz_png_write(path, rd->surface->pixels, rd->surface->w, rd->surface->h,
			      rd->surface->pitch);
	SDL_UnlockSurface(rd->surface);
	if (rc < 0)
		snprintf(err, errlen, "%s: cannot write the PNG", path);
	return rc;
}

/* ------------------------------------------------------------ pictures */

struct vz_image {
	SDL_Texture *tex;
};

struct vz_image *vz_rd_image_new(struct vz_render *rd, const uint32_t *argb, int w, int h)
{
	SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormatFrom((void *)argb, w, h, 32, w * 4,
							       SDL_PIXELFORMAT_ARGB8888);
	struct vz_image *img = surf ? SDL_calloc(1, sizeof *img) : NULL;
	if (img)
		img->tex = SDL_CreateTextureFromSurface(rd->r, surf);
	if (surf)
		SDL_FreeSurface(surf);
	if (img && !img->tex) {
		SDL_free(img);
		img = NULL;
	}
	if (img) /* scaled pictures are filtered, not blocky */
		SDL_SetTextureScaleMode(img->tex, SDL_ScaleModeLinear);
	return img;
}

void vz_rd_image_draw(struct vz_render *rd, struct vz_image *img, float x, float y, float w,
		      float h)
{
	SDL_FRect dst = { X(rd, x), Y(rd, y), w * rd->scale, h * rd->scale };
	SDL_RenderCopyF(rd->r, img->tex, NULL, &dst);
}

void vz_rd_image_free(struct vz_image *img)
{
	if (!img)
		return;
	SDL_DestroyTexture(img->tex);
	SDL_free(img);
}

const uint32_t *vz_rd_pixels(struct vz_render *rd, int *w, int *h, int *pitch)
{
	if (!rd->surface)
		return NULL;
	SDL_RenderFlush(rd->r);
	*w = rd->surface->w;
	*h = rd->surface->h;
	*pitch = rd->surface->pitch;
	return rd->surface->pixels; /* a software surface: no lock needed to read */
}
