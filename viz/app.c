/* The viewer: headless export and the window loop (keyboard first, one input map). */
#include "app.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>

static void fontdir(const struct vz_opts *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s/fonts", o->share);
}

static struct vz_view base_view(const struct vz_opts *o)
{
	return (struct vz_view){ .th = o->dark ? &vz_theme_dark : &vz_theme_light,
				 .reduced_motion = o->reduced_motion,
				 .follow = true };
}

/* ------------------------------------------------------------ headless */

static int save_frame(struct vz_render *rd, const struct vz_opts *o, size_t beat, int scene)
{
	char path[1024], err[256];
	snprintf(path, sizeof path, "%s/frame-%04zu-%s.png", o->frames, beat + 1,
		 vz_scene_names[scene]);
	if (vz_rd_save_png(rd, path, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return -1;
	}
	return 0;
}

/* Frame time of every scene at the last beat; time moves on each frame so animations and
 * the countdown run, as on screen. Text comes from the cache after the first frame. */
static void bench(struct vz_render *rd, const struct vz_opts *o, struct vz_stream *st)
{
	static struct vz_model m;
	struct vz_view v = base_view(o);
	size_t last = st->n_beats - 1;
	vz_stream_model_at(st, last, &m);
	v.beat = (int)last;
	printf("%-12s %10s %8s   (%dx%d, software renderer, %d frames)\n", "scene", "ms/frame",
	       "fps", o->w ? o->w : 1920, o->h ? o->h : 1080, o->bench);
	for (int sc = 0; sc < VZ_SC_COUNT; sc++) {
		v.tb = 0;
		vz_scene_draw(rd, &m, &v, sc); /* warm the text cache */
		Uint64 t0 = SDL_GetPerformanceCounter();
		for (int i = 0; i < o->bench; i++) {
			v.tb = i / 60.0;
			vz_scene_draw(rd, &m, &v, sc);
			vz_rd_present(rd);
		}
		double ms = (SDL_GetPerformanceCounter() - t0) * 1000.0 /
			    SDL_GetPerformanceFrequency() / o->bench;
		printf("%-12s %10.2f %8.0f\n", vz_scene_names[sc], ms, 1000 / ms);
	}
}

/* Frames are chosen by beat: one per beat (or only --beat N), each drawn --at seconds after
 * the beat starts, so the same stream always gives the same files. */
int vz_headless(const struct vz_opts *o, struct vz_stream *st)
{
	char fd[600], err[512];
	fontdir(o, fd, sizeof fd);
	struct vz_render *rd = vz_rd_open(false, o->w ? o->w : 1920, o->h ? o->h : 1080, false, fd,
					  err, sizeof err);
	if (!rd) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 1;
	}
	if (o->beat > 0 && (size_t)o->beat > st->n_beats) {
		fprintf(stderr, "glassbox-viz: --beat %d: the stream has %zu beats\n", o->beat,
			st->n_beats);
		vz_rd_close(rd);
		return 2;
	}
	if (o->bench) {
		bench(rd, o, st);
		vz_rd_close(rd);
		return 0;
	}
	size_t first = o->beat ? (size_t)o->beat - 1 : 0, last = o->beat ? first : st->n_beats - 1;
	struct vz_model m;
	struct vz_view v = base_view(o);
	v.n_beats = (int)st->n_beats;
	v.tb = o->at;
	int rc = 0, frames = 0;
	for (size_t b = first; b <= last && rc == 0; b++) {
		vz_stream_model_at(st, b, &m);
		v.beat = (int)b;
		for (int sc = 0; sc < VZ_SC_COUNT && rc == 0; sc++) {
			int want = o->scene >= 0 ? o->scene : st->beats[b].scene;
			if (!o->all_scenes && sc != want)
				continue;
			vz_scene_draw(rd, &m, &v, sc);
			rc = save_frame(rd, o, b, sc);
			frames++;
		}
	}
	vz_rd_close(rd);
	if (rc == 0)
		printf("glassbox-viz: %d frames in %s\n", frames, o->frames);
	return rc ? 1 : 0;
}

/* A recording, rendered: every beat, then every scene at the end. */
static int render_recording(const struct vz_opts *o, const char *path)
{
	char err[512];
	struct vz_stream st;
	vz_stream_init(&st);
	if (vz_stream_load(&st, path, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 2;
	}
	struct vz_opts all = *o;
	int rc = vz_headless(o, &st);
	all.beat = (int)st.n_beats;
	all.all_scenes = true;
	all.at = 2.0; /* the finale: settled, nothing glowing */
	if (rc == 0)
		rc = vz_headless(&all, &st);
	vz_stream_free(&st);
	return rc;
}

/* Runs glassbox with argv (argv[0] is the engine's path) to its end; its exit status. */
static int run_engine(char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "glassbox-viz: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* The engine's tour, recorded without a display: every beat, then every scene at the end. */
int vz_tour_headless(const struct vz_opts *o)
{
	char gb[1024], path[1024];
	vz_glassbox_path(gb, sizeof gb);
	snprintf(path, sizeof path, "%s/tour.jsonl", o->frames);
	unlink(path);
	char *const argv[] = { gb, "tour", "--delay", "0.01", "--events", path, NULL };
	if (run_engine(argv) != 0) {
		fprintf(stderr,
			"glassbox-viz: glassbox tour failed (it needs root); its events: %s\n",
			path);
		return 1;
	}
	return render_recording(o, path);
}

/* `run` without a display: `glassbox run --events DIR/run.jsonl ARGS...` to its end (no
 * steps held: nobody is there to press Space), then rendered as the tour is. The
 * container's own exit code is not ours; a refusal before it started (125) is, but its
 * recorded events are rendered all the same: the failed step is what there is to see. */
int vz_run_headless(const struct vz_opts *o, char **args)
{
	char gb[1024], path[1024];
	vz_glassbox_path(gb, sizeof gb);
	snprintf(path, sizeof path, "%s/run.jsonl", o->frames);
	unlink(path);
	size_t n = 0;
	while (args[n])
		n++;
	char **argv = calloc(n + 5, sizeof *argv);
	if (!argv)
		return 1;
	argv[0] = gb, argv[1] = "run", argv[2] = "--events", argv[3] = path;
	memcpy(argv + 4, args, n * sizeof *argv);
	int code = run_engine(argv);
	free(argv);
	if (code < 0 || (code == 127 && access(path, R_OK) < 0)) {
		fprintf(stderr, "glassbox-viz: cannot run %s (set GLASSBOX to the engine's path)\n",
			gb);
		return 1;
	}
	if (code)
		fprintf(stderr, "glassbox-viz: glassbox run exited %d; rendering its events (%s)\n",
			code, path);
	int rc = render_recording(o, path);
	return rc ? rc : code == 125 ? 1 : 0;
}

/* ------------------------------------------------------------ input map */

enum action {
	A_NONE,
	A_NEXT,
	A_BACK,
	A_FIRST,
	A_LAST,
	A_SLOWER,
	A_FASTER,
	A_PLAY,
	A_SCENE_NEXT,
	A_SCENE,
	A_FOLLOW,
	A_FULLSCREEN,
	A_ZOOM_IN,
	A_ZOOM_OUT,
	A_HELP,
	A_THEME,
	A_RUN_ALL,
	A_QUIT
};

static const struct {
	SDL_Keycode key;
	enum action act;
	int arg;
} keymap[] = {
	{ SDLK_SPACE, A_NEXT, 0 },
	{ SDLK_RIGHT, A_NEXT, 0 },
	{ SDLK_PAGEDOWN, A_NEXT, 0 },
	{ SDLK_RETURN, A_NEXT, 0 },
	{ SDLK_LEFT, A_BACK, 0 },
	{ SDLK_PAGEUP, A_BACK, 0 },
	{ SDLK_BACKSPACE, A_BACK, 0 },
	{ SDLK_HOME, A_FIRST, 0 },
	{ SDLK_END, A_LAST, 0 },
	{ SDLK_LEFTBRACKET, A_SLOWER, 0 },
	{ SDLK_RIGHTBRACKET, A_FASTER, 0 },
	{ SDLK_p, A_PLAY, 0 },
	{ SDLK_TAB, A_SCENE_NEXT, 0 },
	{ SDLK_1, A_SCENE, 0 },
	{ SDLK_2, A_SCENE, 1 },
	{ SDLK_3, A_SCENE, 2 },
	{ SDLK_4, A_SCENE, 3 },
	{ SDLK_5, A_SCENE, 4 },
	{ SDLK_6, A_SCENE, 5 },
	{ SDLK_7, A_SCENE, 6 },
	{ SDLK_8, A_SCENE, 7 },
	{ SDLK_0, A_FOLLOW, 0 },
	{ SDLK_f, A_FULLSCREEN, 0 },
	{ SDLK_PLUS, A_ZOOM_IN, 0 },
	{ SDLK_EQUALS, A_ZOOM_IN, 0 },
	{ SDLK_KP_PLUS, A_ZOOM_IN, 0 },
	{ SDLK_MINUS, A_ZOOM_OUT, 0 },
	{ SDLK_KP_MINUS, A_ZOOM_OUT, 0 },
	{ SDLK_SLASH, A_HELP, 0 },
	{ SDLK_QUESTION, A_HELP, 0 },
	{ SDLK_h, A_HELP, 0 },
	{ SDLK_F1, A_HELP, 0 },
	{ SDLK_d, A_THEME, 0 },
	{ SDLK_r, A_RUN_ALL, 0 },
	{ SDLK_q, A_QUIT, 0 },
	{ SDLK_ESCAPE, A_QUIT, 0 },
};

struct viewer {
	const struct vz_opts *o;
	struct vz_render *rd;
	struct vz_stream *st;
	struct vz_live *live;
	struct vz_model model;
	struct vz_view view;
	size_t beat;
	bool model_dirty, quit, playing, dark;
	int pinned; /* a scene chosen by key, -1: follow the beats */
	double beat_start, zoom, speed;
	size_t sent_for; /* live + playing: the beat we already sent "next" for, +1 */
	char status[96];
};

static double now_s(void)
{
	return SDL_GetTicks64() / 1000.0;
}

static void go_to(struct viewer *w, size_t beat)
{
	if (w->st->n_beats == 0)
		return;
	if (beat >= w->st->n_beats)
		beat = w->st->n_beats - 1;
	w->beat = beat;
	w->beat_start = now_s();
	w->model_dirty = true;
}

/* A live engine holding a step: let it take it. False when none waits (yet). */
static bool send_next(struct viewer *w)
{
	if (!w->live || w->live->exited || !w->model.cur_step ||
	    w->model.steps[w->model.cur_step - 1].state != VZ_STEP_BEGUN)
		return false;
	vz_live_send(w->live, "next\n");
	return true;
}

/* Space: the next beat; at the end of a live stream, let the engine take its step. */
static void next(struct viewer *w)
{
	if (w->st->n_beats && w->beat + 1 < w->st->n_beats) {
		go_to(w, w->beat + 1);
		return;
	}
	if (send_next(w))
		return;
	bool ended = !w->live || w->live->exited;
	if (w->o->tour && ended) /* the finale: every scene in turn, then follow again */
		w->pinned = w->pinned + 1 >= VZ_SC_COUNT ? -1 : w->pinned + 1;
}

/* Playing: beats advance by themselves, and a live engine gets its "next" too. */
static void autoplay(struct viewer *w, double t)
{
	double per = w->o->autoplay / w->speed;
	if (!w->playing || t - w->beat_start < per)
		return;
	if (w->beat + 1 < w->st->n_beats) {
		go_to(w, w->beat + 1);
	} else if (w->live && w->sent_for != w->beat + 1 && send_next(w)) {
		/* marked only once sent: an engine slow to hold its first step (a pull, an
		 * import before it starts) still gets its "next" when it does */
		w->sent_for = w->beat + 1;
	}
}

static bool at_end(const struct viewer *w, double t)
{
	bool ended = !w->live || (w->live->exited && w->live->ev_fd < 0);
	return ended && w->beat + 1 >= w->st->n_beats && t - w->beat_start > 1.0;
}

static void act(struct viewer *w, enum action a, int arg)
{
	switch (a) {
	case A_NEXT: next(w); break;
	case A_BACK: go_to(w, w->beat ? w->beat - 1 : 0); break;
	case A_FIRST: go_to(w, 0); break;
	case A_LAST: go_to(w, w->st->n_beats ? w->st->n_beats - 1 : 0); break;
	case A_SLOWER: w->speed = fmax(0.25, w->speed / 1.5); break;
	case A_FASTER: w->speed = fmin(8, w->speed * 1.5); break;
	case A_PLAY:
		w->playing = !w->playing;
		w->beat_start = now_s();
		break;
	case A_SCENE_NEXT:
		w->pinned = ((w->pinned < 0 ? w->st->beats[w->beat].scene : w->pinned) + 1) %
			    VZ_SC_COUNT;
		break;
	case A_SCENE: w->pinned = arg; break;
	case A_FOLLOW: w->pinned = -1; break;
	case A_FULLSCREEN: vz_rd_toggle_fullscreen(w->rd); break;
	case A_ZOOM_IN:
		w->zoom = fmin(3, w->zoom * 1.25);
		vz_rd_layout(w->rd, w->zoom);
		break;
	case A_ZOOM_OUT:
		w->zoom = fmax(0.5, w->zoom / 1.25);
		vz_rd_layout(w->rd, w->zoom);
		break;
	case A_HELP: w->view.help = !w->view.help; break;
	case A_THEME: w->dark = !w->dark; break;
	case A_RUN_ALL:
		if (w->live)
			vz_live_send(w->live, "run\n");
		break;
	case A_QUIT:
		if (w->view.help)
			w->view.help = false;
		else
			w->quit = true;
		break;
	case A_NONE: break;
	}
}

/* Keycodes are unshifted: '?' arrives as SDLK_SLASH. */
static void on_key(struct viewer *w, SDL_Keycode key)
{
	for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
		if (keymap[i].key == key) {
			act(w, keymap[i].act, keymap[i].arg);
			return;
		}
}

static void events(struct viewer *w)
{
	SDL_Event e;
	while (SDL_PollEvent(&e)) {
		if (e.type == SDL_QUIT)
			w->quit = true;
		else if (e.type == SDL_KEYDOWN)
			on_key(w, e.key.keysym.sym);
		else if (e.type == SDL_WINDOWEVENT &&
			 e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			vz_rd_layout(w->rd, w->zoom);
	}
}

/* Live: take in new events; follow them when the viewer is at the newest beat. */
static void pump_live(struct viewer *w)
{
	if (!w->live)
		return;
	size_t before = w->st->n_beats;
	bool at_end = before == 0 || w->beat + 1 >= before;
	if (vz_live_poll(w->live, w->st) <= 0)
		return;
	if (at_end && w->st->n_beats > before)
		go_to(w, w->st->n_beats - 1);
	else if (at_end)
		w->model_dirty = true;
}

static void status_line(struct viewer *w)
{
	const char *mode = w->live ? (w->live->exited ? "live: ended" : "live")
				   : (w->playing ? "playing" : "replay");
	int n = snprintf(w->status, sizeof w->status, "%s", mode);
	if (w->playing && w->speed != 1)
		n += snprintf(w->status + n, sizeof w->status - n, " %.2gx", w->speed);
	snprintf(w->status + n, sizeof w->status - n, "   %zu/%zu",
		 w->st->n_beats ? w->beat + 1 : 0, w->st->n_beats);
}

static void draw(struct viewer *w)
{
	if (w->model_dirty) {
		vz_stream_model_at(w->st, w->beat, &w->model);
		w->model_dirty = false;
	}
	double t = now_s();
	autoplay(w, t);
	if (w->o->exit_at_end && at_end(w, t))
		w->quit = true;
	w->view.th = w->dark ? &vz_theme_dark : &vz_theme_light;
	w->view.beat = (int)w->beat;
	w->view.n_beats = (int)w->st->n_beats;
	w->view.tb = t - w->beat_start;
	status_line(w);
	w->view.status = w->status;
	if (w->live && w->live->error[0] && w->st->n_beats == 0)
		vz_scene_message(w->rd, &w->view, "glassbox run", w->live->error,
				 "The engine stopped before it sent any event.");
	else {
		int scene = w->pinned >= 0   ? w->pinned
			    : w->st->n_beats ? w->st->beats[w->beat].scene
					     : VZ_SC_LIFECYCLE;
		vz_scene_draw(w->rd, &w->model, &w->view, scene);
	}
	vz_rd_present(w->rd);
}

/* The engine stamps each event with CLOCK_MONOTONIC ("t"): the same clock here tells how
 * long an event waited until a presented frame showed it. */
static void note_latency(struct vz_live *lv)
{
	if (!lv || lv->pending_t <= 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	double ms = (ts.tv_sec + ts.tv_nsec / 1e9 - lv->pending_t) * 1000;
	if (lv->n_lat < (int)(sizeof lv->lat_ms / sizeof lv->lat_ms[0]))
		lv->lat_ms[lv->n_lat++] = ms;
	lv->pending_t = 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void print_latency(struct vz_live *lv)
{
	if (!lv || lv->n_lat == 0) {
		printf("latency: no live event was shown\n");
		return;
	}
	qsort(lv->lat_ms, lv->n_lat, sizeof lv->lat_ms[0], cmp_double);
	printf("event to first frame: %d frames, median %.1f ms, p95 %.1f ms, max %.1f ms\n",
	       lv->n_lat, lv->lat_ms[lv->n_lat / 2], lv->lat_ms[lv->n_lat * 95 / 100],
	       lv->lat_ms[lv->n_lat - 1]);
}

int vz_window(const struct vz_opts *o, struct vz_stream *st, struct vz_live *live)
{
	char fd[600], err[512];
	fontdir(o, fd, sizeof fd);
	struct vz_render *rd = vz_rd_open(true, o->w, o->h, o->fullscreen, fd, err, sizeof err);
	if (!rd) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 1;
	}
	static struct viewer w; /* large (the model): not on the stack */
	memset(&w, 0, sizeof w);
	w.o = o;
	w.rd = rd;
	w.st = st;
	w.live = live;
	w.view = base_view(o);
	w.dark = o->dark;
	w.pinned = o->scene;
	w.zoom = w.speed = 1;
	w.playing = o->play;
	go_to(&w, 0);
	w.model_dirty = true;
	while (!w.quit) {
		events(&w);
		pump_live(&w);
		draw(&w);
		note_latency(live);
		if (live && live->ev_fd >= 0) {
			/* Sleep until the engine writes, not a fixed time: a new event is drawn
			 * in the very next frame (vsync may be absent with software rendering). */
			struct pollfd p = { live->ev_fd, POLLIN, 0 };
			poll(&p, 1, 8);
		} else {
			SDL_Delay(live ? 16 : 8);
		}
	}
	vz_rd_close(rd);
	if (o->latency)
		print_latency(live);
	return 0;
}
