/* glassbox-viz slides: a deck (deck.h) laid out for a projector, its scenes fed by
 * recordings or a live `glassbox run`. */
#ifndef VZ_SLIDES_H
#define VZ_SLIDES_H

#include "app.h"
#include "deck.h"

/* The logical canvas of a text slide (1920x1080): margins, and the last y text may reach
 * (below it: the progress line). */
#define VZ_SL_LEFT 96
#define VZ_SL_RIGHT 1824
#define VZ_SL_BOTTOM 1000

struct vz_op;

/* One slide laid out once (widths need the renderer's fonts), drawn every frame. */
struct vz_laid {
	struct vz_op *ops;
	int n_ops;
	float bottom;	   /* the lowest y the slide's text reaches */
	char problem[400]; /* "FILE:LINE: ..." when it does not fit; "" when it does */
};

struct vz_show {
	struct vz_deck *deck;
	struct vz_laid *laid;	  /* per slide */
	struct vz_stream *rec;	  /* per slide: its recording (empty without one) */
	struct vz_image **images; /* decoded pictures, referenced by ops */
	int n_images;
};

/* Lay out every slide and load every recording. Returns the number of slides that do not
 * fit (each problem printed to stderr), or -1 with err when a recording cannot be read. */
int vz_show_open(struct vz_show *sh, struct vz_render *rd, struct vz_deck *d, char *err,
		 size_t errlen);
void vz_show_close(struct vz_show *sh);
/* Steps of slide i: its text (when it has one), then one per beat of its stream. */
bool vz_show_has_text(const struct vz_show *sh, int i, const struct vz_stream *st);
int vz_show_steps(const struct vz_show *sh, int i, const struct vz_stream *st);
/* The text step of slide i; `hint` (may be NULL) is the box saying what Space plays. */
void vz_show_draw_text(struct vz_render *rd, const struct vz_show *sh, int i,
		       const struct vz_view *v, const char *hint);
/* Beat b of a scene slide's stream: the scene, titled with the slide, a thin progress bar. */
void vz_show_draw_beat(struct vz_render *rd, const struct vz_show *sh, int i,
		       const struct vz_stream *st, size_t b, struct vz_view *v);
/* The progress line at the bottom: a bar and "i / n" (and `extra` before it). */
void vz_show_progress(struct vz_render *rd, const struct vz_show *sh, int i,
		      const struct vz_view *v, const char *extra);
/* What a scene slide's hint box says, for slide i shown from a recording or live. */
void vz_show_hint(const struct vz_show *sh, int i, bool live, bool no_root, char *buf, size_t len);

/* `glassbox-viz slides DECK.md`: a window, or with --headless every step to PNG. */
int vz_slides_main(const struct vz_opts *o, const char *deck);
int vz_slides_window(const struct vz_opts *o, struct vz_show *sh, struct vz_render *rd);

#endif
