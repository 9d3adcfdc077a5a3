/* glassbox-viz: shows what the engine's event stream says about a container's life.
 * It never acts on a container itself: it reads events (docs/events.md), and in live mode
 * drives `glassbox run` through its step control fd. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "slides.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: glassbox-viz [options] replay FILE.jsonl\n"
		"       glassbox-viz [options] follow FILE.jsonl|DIR   (as it is written)\n"
		"       glassbox-viz [options] run [glassbox run arguments...]\n"
		"       glassbox-viz [options] dashboard\n"
		"       glassbox-viz [options] tour\n"
		"       glassbox-viz [options] slides DECK.md   (slides/README.md)\n"
		"       glassbox-viz [options] compare [glassbox compare arguments...]\n"
		"       glassbox-viz [options] classroom [--anonymous] [BOARD.json]\n"
		"options:\n"
		"  --dark              dark theme (default: light, best on projectors)\n"
		"  --reduced-motion    fades instead of moves\n"
		"  --fullscreen        start fullscreen (F toggles)\n"
		"  --size WxH          window or frame size (default: desktop / 1920x1080)\n"
		"  --scene NAME        show only this scene: lifecycle namespaces cgroups\n"
		"                      overlay pid1 network vms chain\n"
		"  --headless --frames DIR   render PNG frames instead of opening a window:\n"
		"                      one per beat (a step and its result, a state change,\n"
		"                      a signal...), drawn --at seconds after it starts\n"
		"  --beat N            headless: only beat N (1-based)\n"
		"  --at SECONDS        headless: time into the beat (default 0.8: moves done,\n"
		"                      what changed still glows)\n"
		"  --all-scenes        headless: every scene for each chosen beat\n"
		"  --bench N           headless: time N frames of each scene (last beat)\n"
		"  --autoplay SECONDS  seconds per beat when playing (P); default 3\n"
		"  --play              start playing; live: take each step by itself\n"
		"  --exit-at-end       quit when the stream has ended (scripts, tests)\n"
		"  --pdf FILE          slides: a handout, one page per slide with its notes\n"
		"tour: the engine's guided tour of a real container (needs root), shown live;\n"
		"      with --headless, recorded to DIR/tour.jsonl and rendered to DIR.\n"
		"run: with --headless, recorded to DIR/run.jsonl and rendered to DIR.\n"
		"classroom: the board of `glassbox classroom status` (as root), refreshed every\n"
		"      second, or a saved `--json` board; --headless writes DIR/classroom.png.\n"
		"Keys: Space/Right next, Left back, Home/End, P play, [ ] speed, Tab/1-8 scene,\n"
		"      0 follow, F fullscreen, +/- zoom, D theme, ? help, Q quit.\n");
}

/* <bindir>/../share/glassbox, or $GLASSBOX_SHARE. */
static void find_share(char *buf, size_t len)
{
	const char *env = getenv("GLASSBOX_SHARE");
	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0) {
		snprintf(buf, len, "/usr/share/glassbox");
		return;
	}
	exe[n] = '\0';
	snprintf(buf, len, "%s/../share/glassbox", dirname(exe));
}

void vz_glassbox_path(char *buf, size_t len)
{
	const char *env = getenv("GLASSBOX");
	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n < 0 ? 0 : n] = '\0';
	snprintf(buf, len, "%s/glassbox", n < 0 ? "." : dirname(exe));
}

static int parse_size(const char *s, int *w, int *h)
{
	char x;
	return sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w >= 64 &&
			       *h >= 36 && *w <= 7680 && *h <= 4320
		       ? 0
		       : -1;
}

static int bad(const char *what)
{
	fprintf(stderr, "glassbox-viz: %s\n", what);
	usage(stderr);
	return 2;
}

/* One option with a value; returns 0, or -1 after saying what is wrong. */
static int value_opt(struct vz_opts *o, const char *a, const char *val)
{
	if (strcmp(a, "--size") == 0 && parse_size(val, &o->w, &o->h) < 0)
		return bad("--size wants WxH, e.g. 1920x1080"), -1;
	if (strcmp(a, "--frames") == 0)
		o->frames = val;
	if (strcmp(a, "--pdf") == 0)
		o->pdf = val;
	if (strcmp(a, "--beat") == 0 && (o->beat = atoi(val)) < 1)
		return bad("--beat wants a number from 1"), -1;
	if (strcmp(a, "--at") == 0 && (o->at = atof(val)) < 0)
		return bad("--at wants seconds >= 0"), -1;
	if (strcmp(a, "--autoplay") == 0 && (o->autoplay = atof(val)) <= 0)
		return bad("--autoplay wants seconds > 0"), -1;
	if (strcmp(a, "--bench") == 0 && (o->bench = atoi(val)) < 1)
		return bad("--bench wants a number of frames"), -1;
	if (strcmp(a, "--scene") == 0 && (o->scene = vz_scene_by_name(val)) < 0)
		return bad("unknown --scene; see the list below"), -1;
	return 0;
}

/* Options before the mode word. Returns the index of the mode, or -1 on a bad option. */
static int parse_opts(int argc, char **argv, struct vz_opts *o)
{
	const struct {
		const char *name;
		bool *flag;
	} flags[] = { { "--dark", &o->dark },
		      { "--reduced-motion", &o->reduced_motion },
		      { "--fullscreen", &o->fullscreen },
		      { "--headless", &o->headless },
		      { "--all-scenes", &o->all_scenes },
		      { "--play", &o->play },
		      { "--exit-at-end", &o->exit_at_end },
		      { "--latency", &o->latency } };
	static const char *const valued[] = { "--size",	 "--frames",   "--beat",  "--at",
					      "--scene", "--autoplay", "--bench", "--pdf" };
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		bool known = false;
		for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (strcmp(a, flags[k].name) == 0)
				*flags[k].flag = known = true;
		for (size_t k = 0; !known && k < sizeof valued / sizeof valued[0]; k++)
			if (strcmp(a, valued[k]) == 0) {
				if (i + 1 >= argc)
					return bad("an option is missing its value"), -1;
				if (value_opt(o, a, argv[++i]) < 0)
					return -1;
				known = true;
			}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		}
		if (!known) {
			fprintf(stderr, "glassbox-viz: unknown option %s\n", a);
			usage(stderr);
			return -1;
		}
	}
	return i;
}

static int load(const char *path, struct vz_stream *st)
{
	char err[512];
	if (vz_stream_load(st, path, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 2;
	}
	return 0;
}

static int replay(const struct vz_opts *o, int argc, char **argv)
{
	if (argc != 1)
		return bad("replay wants one FILE.jsonl");
	struct vz_stream st;
	vz_stream_init(&st);
	int rc = load(argv[0], &st);
	if (rc == 0)
		rc = o->headless ? vz_headless(o, &st) : vz_window(o, &st, NULL);
	vz_stream_free(&st);
	return rc;
}

static int live(const struct vz_opts *o, char **args, bool tour)
{
	char gb[PATH_MAX], err[512];
	vz_glassbox_path(gb, sizeof gb);
	struct vz_live lv;
	struct vz_stream st;
	vz_stream_init(&st);
	if (vz_live_start(&lv, gb, args, tour, o->autoplay, err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 1;
	}
	int rc = o->headless ? 2 : vz_window(o, &st, &lv);
	vz_live_stop(&lv);
	vz_stream_free(&st);
	if (rc == 0 && lv.exited && WIFEXITED(lv.status))
		rc = WEXITSTATUS(lv.status);
	return rc;
}

/* A stream another program writes (Docker through glassbox-runc --events-dir DIR), shown
 * as it grows: live mode's viewer with a tailing child instead of glassbox run. */
static int follow(const struct vz_opts *o, int argc, char **argv)
{
	char err[512];
	if (argc != 1)
		return bad("follow wants one FILE.jsonl or DIR");
	if (o->headless)
		return bad("follow is live only: replay the file once it is written");
	struct vz_live lv;
	struct vz_stream st;
	vz_stream_init(&st);
	if (vz_live_follow(&lv, argv[0], err, sizeof err) < 0) {
		fprintf(stderr, "glassbox-viz: %s\n", err);
		return 2;
	}
	int rc = vz_window(o, &st, &lv);
	vz_live_stop(&lv);
	vz_stream_free(&st);
	return rc;
}

/* Options may also follow the word: `slides --headless --frames DIR DECK.md`. */
static int slides(struct vz_opts *o, int argc, char **argv)
{
	int j = parse_opts(argc, argv, o);
	if (j < 0)
		return 2;
	if (j + 1 != argc)
		return bad("slides wants one DECK.md");
	if (o->pdf) /* a handout is drawn offscreen */
		o->headless = true;
	if (o->headless && !o->frames && !o->pdf)
		return bad("--headless needs --frames DIR (or --pdf FILE)");
	if (o->frames && mkdir(o->frames, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "glassbox-viz: cannot create %s: %s\n", o->frames, strerror(errno));
		return 2;
	}
	return vz_slides_main(o, argv[j]);
}

int main(int argc, char **argv)
{
	struct vz_opts o = { .scene = -1, .at = 0.8, .autoplay = 3.0 };
	int i = parse_opts(argc, argv, &o);
	if (i < 0)
		return 2;
	find_share(o.share, sizeof o.share);
	if (i >= argc)
		return bad("which mode? replay, run, dashboard or tour");
	if (o.headless && !o.frames && !o.bench && !o.pdf)
		return bad("--headless needs --frames DIR");
	if (o.headless && o.frames && mkdir(o.frames, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "glassbox-viz: cannot create %s: %s\n", o.frames, strerror(errno));
		return 2;
	}
	const char *mode = argv[i];
	if (strcmp(mode, "slides") == 0)
		return slides(&o, argc - i, argv + i);
	if (strcmp(mode, "replay") == 0)
		return replay(&o, argc - i - 1, argv + i + 1);
	if (strcmp(mode, "follow") == 0)
		return follow(&o, argc - i - 1, argv + i + 1);
	if (strcmp(mode, "run") == 0)
		return o.headless && o.frames ? vz_run_headless(&o, argv + i + 1)
					      : live(&o, argv + i + 1, false);
	if (strcmp(mode, "compare") == 0) { /* a container and a VM, live (the vms scene) */
		if (o.headless)
			return bad(
				"compare is live only: record with glassbox compare --events FILE, "
				"then replay FILE");
		return live(&o, argv + i, false);
	}
	if (strcmp(mode, "tour") == 0) {
		o.tour = true;
		return o.headless ? vz_tour_headless(&o) : live(&o, argv + i + 1, true);
	}
	if (strcmp(mode, "dashboard") == 0) {
		char gb[PATH_MAX];
		vz_glassbox_path(gb, sizeof gb);
		return vz_dashboard(&o, gb);
	}
	if (strcmp(mode, "classroom") == 0) { /* the class's board (issue 21) */
		char gb[PATH_MAX];
		vz_glassbox_path(gb, sizeof gb);
		return vz_classroom(&o, gb, argc - i - 1, argv + i + 1);
	}
	fprintf(stderr, "glassbox-viz: unknown mode '%s'\n", mode);
	usage(stderr);
	return 2;
}
