/* Scenes: each draws one picture of the model (VIZ.md: title bar, stage, facts panel,
 * caption). A frame is a pure function of (model, beat, time since the beat began), so
 * the frame at time t is the same every time it is drawn. */
#ifndef VZ_SCENE_H
#define VZ_SCENE_H

#include "model.h"
#include "render.h"

struct vz_theme {
	struct vz_color bg, panel, border, text, text2, host, cont, ok, warn, fail, glow, dim;
};

extern const struct vz_theme vz_theme_light, vz_theme_dark;

struct vz_view {
	const struct vz_theme *th;
	int beat; /* the beat on screen: facts tagged with it are new */
	int n_beats;
	double tb; /* seconds since that beat began */
	bool reduced_motion;
	bool help; /* the keyboard overlay */
	bool paused, live, follow;
	const char *status; /* one line for the title bar's right end (speed, live...) */
	const char *title;  /* slides: the slide's title instead of the scene's name */
};

/* Draw the whole frame of one scene. */
void vz_scene_draw(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
		   int scene);
/* A frame that shows only a message (errors before any event, the dashboard's failures). */
void vz_scene_message(struct vz_render *rd, const struct vz_view *v, const char *title,
		      const char *msg, const char *hint);

/* ---- shared by the scene files ---- */
/* Progress 0..1 of an animation of `dur` seconds started with the fact's beat. */
double vz_anim(const struct vz_view *v, int tag, double dur);
/* Glow strength 1..0, fading over 1.5 s, for a fact that changed in this beat. */
double vz_glow(const struct vz_view *v, int tag);
struct vz_color vz_mix(struct vz_color a, struct vz_color b, double k);
struct vz_color vz_alpha(struct vz_color c, double a);
/* A panel box with the pink glow ring when the fact is new. */
void vz_panel(struct vz_render *rd, const struct vz_view *v, float x, float y, float w, float h,
	      struct vz_color border, int tag);
/* Facts panel rows: a label on the left and a value right-aligned in mono. */
float vz_fact(struct vz_render *rd, const struct vz_view *v, float y, const char *label,
	      const char *value, int tag);
float vz_fact_head(struct vz_render *rd, const struct vz_view *v, float y, const char *head);
void vz_human_bytes(char *buf, size_t len, double bytes);
/* s, or its tail behind "…" when wider than maxw (paths: the end says most). */
const char *vz_fit(struct vz_render *rd, enum vz_font f, const char *s, float maxw, char *buf,
		   size_t len);
/* A stroke with an arrow head at (x1, y1). */
void vz_arrow(struct vz_render *rd, float x0, float y0, float x1, float y1, float thick,
	      struct vz_color c);

/* Layout (VIZ.md): margins 48, title 72 high, caption 160 high, facts panel on the right. */
#define VZ_M 48
#define VZ_STAGE_X 48
#define VZ_STAGE_Y 120
#define VZ_STAGE_W 1328
#define VZ_STAGE_H 736
#define VZ_FACTS_X 1400
#define VZ_FACTS_W 472
#define VZ_CAPTION_Y 872

void vz_stage_lifecycle(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_namespaces(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_cgroups(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_overlay(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_pid1(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_network(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
void vz_stage_vms(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
/* An OCI container: the chain of processes from the client to PID 1 (stage_chain.c). */
void vz_stage_chain(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);
/* The vms scene of a recorded glassbox compare (stage_vms.c). */
void vz_stage_race(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v);

#endif
