/* The visualizer's modes: replay, live, dashboard (windowed) and headless export. */
#ifndef VZ_APP_H
#define VZ_APP_H

#include <stdbool.h>
#include <sys/types.h>

#include "render.h"
#include "scene.h"
#include "stream.h"

struct vz_opts {
	bool dark, reduced_motion, fullscreen, headless;
	int w, h;	    /* output size; 0: desktop (window) or 1920x1080 (headless) */
	const char *frames; /* headless: the directory for PNG frames */
	int beat;	    /* headless: only this beat (1-based); 0 all */
	double at;	    /* headless: seconds after the beat starts */
	int scene;	    /* -1: each beat's own scene */
	bool all_scenes;    /* headless: every scene at each chosen beat */
	double autoplay;    /* seconds per beat when playing */
	bool play;	    /* start playing (live: send "next" by itself) */
	bool exit_at_end;   /* quit once the stream has ended and its last beat shown */
	bool latency;	    /* live: print event-to-first-frame times at exit */
	bool tour;	    /* after the last beat, Space walks through every scene */
	int bench;	    /* headless: time this many frames per scene, save none */
	char share[512];    /* share dir: fonts/ lives here */
	const char *pdf;    /* slides: write a handout PDF here */
};

/* The child `glassbox run` of live mode. */
struct vz_live {
	pid_t pid;
	int ctl_fd, ev_fd; /* we write "next"; we read events */
	char buf[70000];
	size_t len;
	bool exited;
	int status;
	char error[256];
	/* --latency: engine time ("t", CLOCK_MONOTONIC) of the oldest event not yet on
	 * screen, and how long each waited until the first frame that showed it. */
	double pending_t;
	double lat_ms[2048];
	int n_lat;
	bool follow; /* follow mode: the child only tails a file; stop it at once */
};

int vz_headless(const struct vz_opts *o, struct vz_stream *st);
/* Windowed viewer over a stream; live may be NULL (replay). */
int vz_window(const struct vz_opts *o, struct vz_stream *st, struct vz_live *live);
/* Start `glassbox run --step-fd N --events fd:M ARGS...` (or with tour=true,
 * `glassbox tour --auto --delay D --events fd:M`). */
int vz_live_start(struct vz_live *lv, const char *glassbox, char **run_args, bool tour,
		  double delay, char *err, size_t errlen);
/* Read what the child wrote; returns how many events were added. */
int vz_live_poll(struct vz_live *lv, struct vz_stream *st);
void vz_live_send(struct vz_live *lv, const char *line);
void vz_live_stop(struct vz_live *lv);
/* Follow a FILE.jsonl another program is writing (or the first new one in a DIR, e.g.
 * glassbox-runc --events-dir): the same viewer as live mode, with nothing to pace. */
int vz_live_follow(struct vz_live *lv, const char *path, char *err, size_t errlen);
/* Record the engine's tour to DIR/tour.jsonl, then render its frames headless. */
int vz_tour_headless(const struct vz_opts *o);
/* `run ARGS...` recorded to DIR/run.jsonl without a display, then rendered like the tour. */
int vz_run_headless(const struct vz_opts *o, char **args);
/* Board keys (viz/dashboard.c): true on quit; v may be NULL (no theme toggle). */
union SDL_Event;
bool vz_board_event(struct vz_render *rd, struct vz_view *v, const union SDL_Event *e);
int vz_dashboard(const struct vz_opts *o, const char *glassbox);
/* The glassbox binary: $GLASSBOX, else next to this program. */
void vz_glassbox_path(char *buf, size_t len);

/* Issue 21: run `glassbox ARGS` (at most 6), stdout and stderr into out, 3 s at most; -1
 * with err set when it fails (viz/dashboard.c). */
int vz_capture(const char *gb, const char *const *args, char *out, size_t cap, char *err,
	       size_t errlen);
/* `classroom [--anonymous] [BOARD.json]`: the class's board (viz/classroom.c). */
int vz_classroom(const struct vz_opts *o, const char *glassbox, int argc, char **argv);

#endif
