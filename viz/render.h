/* The renderer interface: everything the scenes draw goes through these few functions,
 * in logical 1920x1080 coordinates; the renderer scales to the real output. Text
 * textures are cached, so a steady frame allocates nothing. */
#ifndef VZ_RENDER_H
#define VZ_RENDER_H
#include <stddef.h>

#include <stdbool.h>
#include <stdint.h>

#define VZ_W 1920
#define VZ_H 1080

enum vz_font {
	VZ_F_TITLE,
	VZ_F_LABEL,
	VZ_F_LABEL_B,
	VZ_F_FACT,
	VZ_F_FACT_B,
	VZ_F_MONO,
	VZ_F_CALL,
	VZ_F_SENT,
	VZ_F_BIG,
	/* slides (viz/slides.c): read from the back of a room, nothing under 28 px */
	VZ_F_SL_TITLE,
	VZ_F_SL_BODY,
	VZ_F_SL_BOLD,
	VZ_F_SL_CODE,
	VZ_F_SL_SMALL,
	VZ_F_SL_SMALL_B,
	VZ_F_COUNT
};

enum vz_align { VZ_LEFT, VZ_CENTER, VZ_RIGHT };

struct vz_color {
	uint8_t r, g, b, a;
};

struct vz_render;

/* A window (w,h 0: the desktop's size) or, with window=false, an offscreen RGB888 surface
 * drawn by the software renderer (bit-exact run to run). */
struct vz_render *vz_rd_open(bool window, int w, int h, bool fullscreen, const char *fontdir,
			     char *err, size_t errlen);
void vz_rd_close(struct vz_render *rd);
/* Recompute the scale after a resize or a zoom change (zoom 1 = fit). */
void vz_rd_layout(struct vz_render *rd, double zoom);
void vz_rd_clear(struct vz_render *rd, struct vz_color c);
void vz_rd_rect(struct vz_render *rd, float x, float y, float w, float h, struct vz_color c);
/* A straight stroke drawn as a quad, so scaling never dashes it. */
void vz_rd_line(struct vz_render *rd, float x0, float y0, float x1, float y1, float thick,
		struct vz_color c);
/* Rounded box: fill (alpha 0: none) and a border of `thick` (0: none). */
void vz_rd_box(struct vz_render *rd, float x, float y, float w, float h, float radius,
	       struct vz_color fill, float thick, struct vz_color border);
void vz_rd_triangle(struct vz_render *rd, float x0, float y0, float x1, float y1, float x2,
		    float y2, struct vz_color c);
void vz_rd_disc(struct vz_render *rd, float cx, float cy, float r, struct vz_color c);
/* Text at (x, y) = top, aligned on x; wrap > 0 wraps at that width. Returns its height. */
float vz_rd_text(struct vz_render *rd, enum vz_font f, float x, float y, enum vz_align al,
		 float wrap, struct vz_color c, const char *s);
float vz_rd_text_width(struct vz_render *rd, enum vz_font f, const char *s);
void vz_rd_present(struct vz_render *rd);
/* Write the offscreen frame as a PNG. */
int vz_rd_save_png(struct vz_render *rd, const char *path, char *err, size_t errlen);

/* Pictures (slides): ARGB8888 pixels become a texture of this renderer. */
struct vz_image;
struct vz_image *vz_rd_image_new(struct vz_render *rd, const uint32_t *argb, int w, int h);
void vz_rd_image_draw(struct vz_render *rd, struct vz_image *img, float x, float y, float w,
		      float h);
void vz_rd_image_free(struct vz_image *img);

/* Headless: the frame's XRGB8888 pixels (valid until the next draw). */
const uint32_t *vz_rd_pixels(struct vz_render *rd, int *w, int *h, int *pitch);

/* For the window loop. */
struct SDL_Window *vz_rd_window(struct vz_render *rd);
void vz_rd_toggle_fullscreen(struct vz_render *rd);

#endif
