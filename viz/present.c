/* Presenting a deck in a window: the keys of pres.c, a live `glassbox run` on `!run`
 * slides (as root; a recording otherwise, and the slide says so), a blank screen, a
 * number + Enter to jump, and the speaker view (notes, next slide, time) on the terminal. */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL.h>

#include "pres.h"
#include "slides.h"

struct presenter {
	const struct vz_opts *o;
	struct vz_render *rd;
	struct vz_show *sh;
	struct vz_pres p;
	struct vz_stream *st; /* the stream of the slide on screen */
	struct vz_stream live_st;
	struct vz_live lv;
	bool live_on, following, no_root, quit, dark, speaker;
	bool engine_waits; /* live: the newest step is begun, held for "next" */
	double t0, slide_t0, step_t0, spoke;
	char status[160];
};

static double now_s(void)
{
	return SDL_GetTicks64() / 1000.0;
}

static void stop_live(struct presenter *w)
{
	if (!w->live_on)
		return;
	vz_live_stop(&w->lv);
	vz_stream_free(&w->live_st);
	w->live_on = false;
}

static bool can_run_live(const struct presenter *w, const struct vz_slide *s)
{
	char gb[1024];
	vz_glassbox_path(gb, sizeof gb);
	return s->dir == VZ_D_RUN && geteuid() == 0 && access(gb, X_OK) == 0;
}

static void start_live(struct presenter *w, const struct vz_slide *s)
{
	char gb[1024], err[512];
	vz_glassbox_path(gb, sizeof gb);
	vz_stream_init(&w->live_st);
	if (vz_live_start(&w->lv, gb, s->run_args, false, 1, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s: showing the recording\n", err);
		return;
	}
	w->live_on = true;
	w->st = &w->live_st;
}

/* The steps of the slide on screen, as far as they are known now. */
static void count_steps(struct presenter *w)
{
	int i = w->p.slide;
	w->p.steps = vz_show_steps(w->sh, i, w->st);
	if (!w->live_on) {
		w->p.live_more = false;
		return;
	}
	/* The engine waits for "next" at a begun step; until the start's last step is done
	 * (or before its first event) the slide has more to show. */
	bool more = true;
	w->engine_waits = false;
	if (w->st->n_beats) {
		static struct vz_model m;
		vz_stream_model_at(w->st, w->st->n_beats - 1, &m);
		w->engine_waits = m.cur_step && m.steps[m.cur_step - 1].state == VZ_STEP_BEGUN;
		more = w->engine_waits || !m.total_steps || m.cur_step < m.total_steps;
	}
	w->p.live_more = !w->lv.exited && more;
}

static void speaker_view(struct presenter *w)
{
	if (!w->speaker)
		return;
	const struct vz_deck *d = w->sh->deck;
	const struct vz_slide *s = &d->s[w->p.slide];
	double t = now_s() - w->t0;
	w->spoke = now_s();
	if (isatty(STDOUT_FILENO))
		printf("\033[2J\033[H");
	double on = now_s() - w->slide_t0;
	printf("== slide %d / %d   elapsed %d:%02d   this slide %d:%02d", w->p.slide + 1, d->n,
	       (int)t / 60, (int)t % 60, (int)on / 60, (int)on % 60);
	if (s->minutes)
		printf(" of %d min planned", s->minutes);
	printf("\n%s\n\n%s\n", s->title, s->notes ? s->notes : "(no notes)");
	if (w->p.slide + 1 < d->n)
		printf("Next: %s\n", d->s[w->p.slide + 1].title);
	else
		printf("Next: (the end)\n");
	fflush(stdout);
}

static void enter_slide(struct presenter *w)
{
	stop_live(w);
	const struct vz_slide *s = &w->sh->deck->s[w->p.slide];
	w->st = &w->sh->rec[w->p.slide];
	w->following = false;
	w->no_root = s->dir == VZ_D_RUN && !can_run_live(w, s);
	if (s->dir == VZ_D_RUN && !w->no_root)
		start_live(w, s);
	w->p.step = 0;
	count_steps(w);
	w->slide_t0 = w->step_t0 = now_s();
	speaker_view(w);
}

static void on_action(struct presenter *w, enum vz_pact a)
{
	switch (a) {
	case VZ_P_SLIDE: enter_slide(w); break;
	case VZ_P_STEP: w->step_t0 = now_s(); break;
	case VZ_P_LIVE_NEXT: /* a press while the engine works (or starts) waits for it */
		if (w->engine_waits)
			vz_live_send(&w->lv, "next\n");
		w->following = true;
		break;
	case VZ_P_QUIT: w->quit = true; break;
	default: break;
	}
}

static int digit_of(SDL_Keycode k)
{
	if (k >= SDLK_0 && k <= SDLK_9)
		return k - SDLK_0;
	if (k >= SDLK_KP_1 && k <= SDLK_KP_9)
		return k - SDLK_KP_1 + 1;
	return k == SDLK_KP_0 ? 0 : -1;
}

/* Keys outside the state machine: fullscreen, speaker view, theme, quit. */
static bool own_key(struct presenter *w, SDL_Keycode k)
{
	switch (k) {
	case SDLK_f: vz_rd_toggle_fullscreen(w->rd); return true;
	case SDLK_s:
		w->speaker = !w->speaker;
		speaker_view(w);
		return true;
	case SDLK_d: w->dark = !w->dark; return true;
	case SDLK_q: w->quit = true; return true;
	case SDLK_r:
		if (w->live_on)
			vz_live_send(&w->lv, "run\n");
		w->following = true;
		return true;
	default: return false;
	}
}

static void on_key(struct presenter *w, SDL_Keycode k)
{
	static const struct {
		SDL_Keycode key;
		enum vz_pkey pk;
	} map[] = { { SDLK_SPACE, VZ_K_NEXT },	  { SDLK_RIGHT, VZ_K_NEXT },
		    { SDLK_PAGEDOWN, VZ_K_NEXT }, { SDLK_DOWN, VZ_K_NEXT },
		    { SDLK_LEFT, VZ_K_BACK },	  { SDLK_PAGEUP, VZ_K_BACK },
		    { SDLK_UP, VZ_K_BACK },	  { SDLK_BACKSPACE, VZ_K_BACK },
		    { SDLK_RETURN, VZ_K_ENTER },  { SDLK_KP_ENTER, VZ_K_ENTER },
		    { SDLK_b, VZ_K_BLANK },	  { SDLK_PERIOD, VZ_K_BLANK },
		    { SDLK_HOME, VZ_K_FIRST },	  { SDLK_END, VZ_K_LAST },
		    { SDLK_ESCAPE, VZ_K_ESCAPE } };
	if (own_key(w, k))
		return;
	int dg = digit_of(k);
	if (dg >= 0) {
		on_action(w, vz_pres_key(&w->p, VZ_K_DIGIT, dg));
		return;
	}
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].key == k)
			on_action(w, vz_pres_key(&w->p, map[i].pk, 0));
}

static void events(struct presenter *w)
{
	SDL_Event e;
	while (SDL_PollEvent(&e)) {
		if (e.type == SDL_QUIT)
			w->quit = true;
		else if (e.type == SDL_KEYDOWN)
			on_key(w, e.key.keysym.sym);
		else if (e.type == SDL_WINDOWEVENT &&
			 e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
			vz_rd_layout(w->rd, 1);
	}
}

/* Live: new events extend the slide; after a press of Space the newest step is shown. */
static void pump_live(struct presenter *w)
{
	if (!w->live_on)
		return;
	int added = vz_live_poll(&w->lv, w->st);
	count_steps(w);
	if (added > 0 && w->following && w->p.step != w->p.steps - 1) {
		w->p.step = w->p.steps - 1;
		w->step_t0 = now_s();
	}
}

static void status(struct presenter *w)
{
	const char *mode = w->live_on	? (w->lv.exited ? "live: ended" : "live")
			   : w->no_root ? "recording: live needs root"
					: "replay";
	snprintf(w->status, sizeof w->status, "%s   %d / %d", mode, w->p.slide + 1, w->sh->deck->n);
}

static void number_box(struct presenter *w, const struct vz_theme *th)
{
	if (!w->p.num[0])
		return;
	char buf[64];
	snprintf(buf, sizeof buf, "go to slide %s", w->p.num);
	vz_rd_box(w->rd, 1380, 880, 444, 96, 14, th->panel, 4, th->host);
	vz_rd_text(w->rd, VZ_F_SL_BOLD, 1412, 900, VZ_LEFT, 0, th->text, buf);
}

static void draw(struct presenter *w)
{
	const struct vz_theme *th = w->dark ? &vz_theme_dark : &vz_theme_light;
	struct vz_view v = { .th = th, .reduced_motion = w->o->reduced_motion, .follow = true };
	int i = w->p.slide;
	bool text = vz_show_has_text(w->sh, i, w->st);
	status(w);
	if (w->p.blank) {
		vz_rd_clear(w->rd, (struct vz_color){ 0, 0, 0, 255 });
	} else if (text && w->p.step == 0) {
		char hint[200];
		vz_show_hint(w->sh, i, w->live_on, w->no_root, hint, sizeof hint);
		vz_show_draw_text(w->rd, w->sh, i, &v, hint);
		vz_show_progress(w->rd, w->sh, i, &v,
				 w->no_root ? "!run: recording, not live" : "");
	} else if (w->st->n_beats) {
		size_t b = (size_t)(w->p.step - (text ? 1 : 0));
		v.tb = now_s() - w->step_t0;
		v.status = w->status;
		v.live = w->live_on;
		vz_show_draw_beat(w->rd, w->sh, i, w->st,
				  b < w->st->n_beats ? b : w->st->n_beats - 1, &v);
	}
	if (!w->p.blank)
		number_box(w, th);
	vz_rd_present(w->rd);
}

int vz_slides_window(const struct vz_opts *o, struct vz_show *sh, struct vz_render *rd)
{
	static struct presenter w; /* large (the model): not on the stack */
	memset(&w, 0, sizeof w);
	w.o = o;
	w.rd = rd;
	w.sh = sh;
	w.dark = o->dark;
	w.p.n_slides = sh->deck->n;
	w.t0 = now_s();
	enter_slide(&w);
	while (!w.quit) {
		events(&w);
		pump_live(&w);
		draw(&w);
		/* On a terminal the speaker view's clock is redrawn every 5 s. */
		if (w.speaker && isatty(STDOUT_FILENO) && now_s() - w.spoke >= 5)
			speaker_view(&w);
		if (w.live_on && w.lv.ev_fd >= 0) {
			struct pollfd p = { w.lv.ev_fd, POLLIN, 0 };
			poll(&p, 1, 8);
		} else {
			SDL_Delay(16);
		}
		if (o->exit_at_end && w.p.slide + 1 == w.p.n_slides && w.p.step + 1 >= w.p.steps &&
		    !w.p.live_more && now_s() - w.step_t0 > 1.0)
			w.quit = true;
	}
	stop_live(&w);
	return 0;
}
