/* The dashboard: every container on the host, its state and its resources against its
 * limits, polled from `glassbox ps --json` and `glassbox stats --no-stream --json`.
 * Whatever those commands say when they fail is shown on screen, not hidden. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>

#include "app.h"

#define DASH_MAX 12
#define OUT_MAX (1 << 20)

struct dash_row {
	char id[16], name[64], state[16];
	char health[16]; /* the healthcheck's verdict (state.health.status); "" when none */
	int pid;
	double mem, mem_limit, cpu, pids, pids_max;
	bool have_stats;
};

struct dash {
	struct dash_row rows[DASH_MAX];
	int n, total;
	char error[512], hint[256];
	char out[OUT_MAX];
};

/* Run `glassbox ARGS`, collect stdout (and stderr, for the message), 3 s at most. */
static int capture(const char *gb, const char *const *args, char *out, size_t cap, char *err,
		   size_t errlen)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return snprintf(err, errlen, "pipe2: %s", strerror(errno)), -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		char *argv[8] = { (char *)gb };
		for (int i = 0; args[i] && i < 6; i++)
			argv[i + 1] = (char *)args[i];
		execv(gb, argv);
		fprintf(stderr, "cannot run %s: %s", gb, strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	size_t len = 0;
	struct pollfd p = { fds[0], POLLIN, 0 };
	while (len + 1 < cap && poll(&p, 1, 3000) > 0) {
		ssize_t n = read(fds[0], out + len, cap - 1 - len);
		if (n <= 0)
			break;
		len += n;
	}
	out[len] = '\0';
	close(fds[0]);
	int status = 0;
	if (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "glassbox %s %s failed: %.400s", args[0],
			 args[1] ? args[1] : "", len ? out : "no output");
		return -1;
	}
	return 0;
}

/* An array at the top, or under "containers". */
static const struct gb_jval *list_of(const struct gb_jval *v)
{
	if (v && v->type == GB_JOBJ)
		v = gb_jget(v, "containers");
	return v && v->type == GB_JARR ? v : NULL;
}

static double num2(const struct gb_jval *o, const char *obj, const char *key, const char *flat)
{
	const struct gb_jval *sub = gb_jget(o, obj);
	return sub ? gb_jnum(sub, key, 0) : gb_jnum(o, flat, 0);
}

static void stats_into(struct dash *d, const struct gb_jval *list)
{
	for (const struct gb_jval *c = list ? list->child : NULL; c; c = c->next)
		for (int i = 0; i < d->n; i++) {
			struct dash_row *r = &d->rows[i];
			if (strcmp(gb_jstr(c, "id", ""), r->id) &&
			    strcmp(gb_jstr(c, "name", ""), r->name))
				continue;
			r->have_stats = true;
			/* `glassbox stats --json` nests the cgroup numbers under "stats" and puts
			 * the CPU percentage (a rate between two samples) beside them. */
			const struct gb_jval *s = gb_jget(c, "stats") ? gb_jget(c, "stats") : c;
			r->mem = num2(s, "memory", "usage", "mem_usage");
			r->mem_limit = num2(s, "memory", "limit", "mem_limit");
			r->cpu = gb_jget(c, "cpu_percent")
					 ? gb_jnum(c, "cpu_percent", 0)
					 : num2(s, "cpu", "percent", "cpu_percent");
			r->pids = num2(s, "pids", "current", "pids");
			r->pids_max = num2(s, "pids", "max", "pids_max");
		}
}

static int parse_list(struct dash *d, const char *what, struct gb_jval **out)
{
	char jerr[160];
	*out = gb_json_parse(d->out, strlen(d->out), jerr, sizeof jerr);
	if (!*out || !list_of(*out)) {
		snprintf(d->error, sizeof d->error,
			 "glassbox %s --json: not a list of containers (%s)", what,
			 *out ? "no array" : jerr);
		snprintf(d->hint, sizeof d->hint,
			 "The dashboard expects a JSON array of objects, or "
			 "{\"containers\": [...]}.");
		return -1;
	}
	return 0;
}

static void poll_engine(struct dash *d, const char *gb)
{
	static const char *const ps[] = { "ps", "--all", "--json", NULL };
	static const char *const stats[] = { "stats", "--no-stream", "--json", NULL };
	struct gb_jval *v = NULL;
	d->error[0] = d->hint[0] = '\0';
	if (capture(gb, ps, d->out, sizeof d->out, d->error, sizeof d->error) < 0 ||
	    parse_list(d, "ps", &v) < 0) {
		if (!d->hint[0])
			snprintf(d->hint, sizeof d->hint,
				 "Is %s built and runnable (set GLASSBOX)?", gb);
		gb_jval_free(v);
		return;
	}
	d->n = d->total = 0;
	for (const struct gb_jval *c = list_of(v)->child; c; c = c->next, d->total++) {
		if (d->n == DASH_MAX)
			continue;
		struct dash_row *r = &d->rows[d->n++];
		memset(r, 0, sizeof *r);
		snprintf(r->id, sizeof r->id, "%.12s", gb_jstr(c, "id", "?"));
		snprintf(r->name, sizeof r->name, "%s", gb_jstr(c, "name", ""));
		snprintf(r->state, sizeof r->state, "%s",
			 gb_jstr(c, "state", gb_jstr(c, "status", "?")));
		r->pid = (int)gb_jint(c, "pid", 0);
		snprintf(r->health, sizeof r->health, "%s",
			 gb_jstr(gb_jget(c, "health"), "status", ""));
	}
	gb_jval_free(v);
	v = NULL;
	if (capture(gb, stats, d->out, sizeof d->out, d->error, sizeof d->error) == 0 &&
	    parse_list(d, "stats", &v) == 0)
		stats_into(d, list_of(v));
	else /* ps worked: show the table, and why the numbers are missing */
		snprintf(d->hint, sizeof d->hint, "resource numbers unavailable: %.200s", d->error);
	d->error[0] = '\0';
	gb_jval_free(v);
}

static void bar(struct vz_render *rd, const struct vz_view *v, float x, float y, float w,
		double val, double limit, const char *text)
{
	const struct vz_theme *th = v->th;
	vz_rd_box(rd, x, y, w, 40, 8, th->panel, 3, th->border);
	double f = limit > 0 ? val / limit : 0;
	f = f > 1 ? 1 : f;
	if (f > 0)
		vz_rd_box(rd, x + 3, y + 3, (w - 6) * f, 34, 6,
			  f >= 0.999 ? th->fail
			  : f >= 0.8 ? th->warn
				     : th->ok,
			  0, th->ok);
	vz_rd_text(rd, VZ_F_MONO, x + w - 10, y + 4, VZ_RIGHT, 0, th->text, text);
}

static void draw_row(struct vz_render *rd, const struct vz_view *v, const struct dash_row *r,
		     float y)
{
	const struct vz_theme *th = v->th;
	char a[32], b[32], text[96];
	bool running = strcmp(r->state, "running") == 0;
	vz_rd_box(rd, VZ_M, y, VZ_W - 2 * VZ_M, 64, 12, th->panel, 3,
		  running ? th->ok : th->border);
	vz_rd_text(rd, VZ_F_LABEL_B, 72, y + 14, VZ_LEFT, 0, th->text,
		   r->name[0] ? r->name : r->id);
	vz_rd_text(rd, VZ_F_MONO, 430, y + 18, VZ_LEFT, 0, th->text2, r->id);
	bool health = running && r->health[0]; /* kept by its monitor (core/engine/health.c) */
	vz_rd_text(rd, VZ_F_FACT_B, 700, y + (health ? 6 : 18), VZ_LEFT, 0, th->text, r->state);
	if (health) {
		struct vz_color c = !strcmp(r->health, "healthy")     ? th->ok
				    : !strcmp(r->health, "unhealthy") ? th->fail
								      : th->warn;
		/* Okabe-Ito's yellow is for fills: as text on the light theme it would be
		 * unreadable, so each word is drawn halfway to the theme's text colour. */
		vz_rd_text(rd, VZ_F_MONO, 700, y + 34, VZ_LEFT, 0, vz_mix(c, th->text, 0.45),
			   r->health);
	}
	if (!r->have_stats) {
		vz_rd_text(rd, VZ_F_FACT, 880, y + 18, VZ_LEFT, 0, th->text2,
			   "no numbers (see below)");
		return;
	}
	vz_human_bytes(a, sizeof a, r->mem);
	vz_human_bytes(b, sizeof b, r->mem_limit);
	snprintf(text, sizeof text, "%s / %s", a, r->mem_limit > 0 ? b : "max");
	bar(rd, v, 880, y + 12, 480, r->mem, r->mem_limit, text);
	snprintf(text, sizeof text, "%.0f%% cpu", r->cpu);
	bar(rd, v, 1380, y + 12, 230, r->cpu, 100, text);
	snprintf(text, sizeof text, r->pids_max > 0 ? "%.0f/%.0f" : "%.0f", r->pids, r->pids_max);
	bar(rd, v, 1630, y + 12, 224, r->pids, r->pids_max, text);
}

static void draw_dash(struct vz_render *rd, const struct vz_view *v, const struct dash *d)
{
	const struct vz_theme *th = v->th;
	if (d->error[0] && d->n == 0) {
		vz_scene_message(rd, v, "Dashboard", d->error, d->hint);
		return;
	}
	vz_rd_clear(rd, th->bg);
	vz_rd_rect(rd, 0, 0, VZ_W, 104, th->panel);
	char title[64];
	snprintf(title, sizeof title, "Dashboard: %d container%s", d->total,
		 d->total == 1 ? "" : "s");
	vz_rd_text(rd, VZ_F_TITLE, VZ_M, 28, VZ_LEFT, 0, th->text, title);
	vz_rd_text(rd, VZ_F_LABEL, VZ_W - VZ_M, 36, VZ_RIGHT, 0, th->text2, "every 2 s   Q quit");
	static const char *const heads[] = { "name", "id", "state", "memory", "CPU", "processes" };
	static const float hx[] = { 72, 430, 700, 880, 1380, 1630 };
	for (int i = 0; i < 6; i++)
		vz_rd_text(rd, VZ_F_FACT_B, hx[i], 128, VZ_LEFT, 0, th->text2, heads[i]);
	for (int i = 0; i < d->n; i++)
		draw_row(rd, v, &d->rows[i], 176 + i * 76.0f);
	if (d->n == 0)
		vz_rd_text(rd, VZ_F_LABEL, VZ_M, 200, VZ_LEFT, 0, th->text2,
			   "No containers. Start one: glassbox run -d busybox sleep 100");
	if (d->hint[0])
		vz_rd_text(rd, VZ_F_FACT, VZ_M, 1020, VZ_LEFT, 0, th->text2, d->hint);
}

/* The keys of a board (dashboard, classroom): Q/Esc quit (returns true), F fullscreen, D
 * light/dark when v is given, and a resized window laid out again. */
bool vz_board_event(struct vz_render *rd, struct vz_view *v, const union SDL_Event *e)
{
	SDL_Keycode k = e->type == SDL_KEYDOWN ? e->key.keysym.sym : SDLK_UNKNOWN;
	if (e->type == SDL_QUIT || k == SDLK_q || k == SDLK_ESCAPE)
		return true;
	if (k == SDLK_f)
		vz_rd_toggle_fullscreen(rd);
	else if (k == SDLK_d && v)
		v->th = v->th == &vz_theme_dark ? &vz_theme_light : &vz_theme_dark;
	else if (e->type == SDL_WINDOWEVENT)
		vz_rd_layout(rd, 1);
	return false;
}

int vz_dashboard(const struct vz_opts *o, const char *glassbox)
{
	static struct dash d;
	char fd[600], err[512];
	snprintf(fd, sizeof fd, "%s/fonts", o->share);
	struct vz_view v = { .th = o->dark ? &vz_theme_dark : &vz_theme_light, .beat = -1 };
	struct vz_render *rd = vz_rd_open(!o->headless, o->w ? o->w : (o->headless ? 1920 : 0),
					  o->h ? o->h : (o->headless ? 1080 : 0), o->fullscreen, fd,
					  err, sizeof err);
	if (!rd) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 1;
	}
	int rc = 0;
	if (o->headless) { /* one frame: dashboard.png */
		poll_engine(&d, glassbox);
		draw_dash(rd, &v, &d);
		snprintf(fd, sizeof fd, "%s/dashboard.png", o->frames);
		rc = vz_rd_save_png(rd, fd, err, sizeof err) < 0 ? 1 : 0;
		vz_rd_close(rd);
		return rc;
	}
	Uint64 last = 0;
	for (bool quit = false; !quit;) {
		SDL_Event e;
		while (SDL_PollEvent(&e))
			quit |= vz_board_event(rd, NULL, &e);
		if (SDL_GetTicks64() - last > 2000 || last == 0) {
			poll_engine(&d, glassbox);
			last = SDL_GetTicks64();
		}
		draw_dash(rd, &v, &d);
		vz_rd_present(rd);
		SDL_Delay(33);
	}
	vz_rd_close(rd);
	return rc;
}

/* capture() for the other polling scenes (viz/classroom.c). */
int vz_capture(const char *gb, const char *const *args, char *out, size_t cap, char *err,
	       size_t errlen)
{
	return capture(gb, args, out, cap, err, errlen);
}
