/* Lab 18 check: the build cache. The check builds a three-instruction image twice and
 * counts the steps taken from the cache: an unchanged rebuild must take all of them.
 * Then it edits the file that COPY reads: that layer and every later one must be
 * rebuilt (their parent changed), the ones before it not.
 * Negative control: the second build with --no-cache. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "lab.h"

struct count {
	int hits, steps;
};

static void count_line(void *data, const char *line)
{
	struct count *n = data;
	n->hits += strstr(line, "---> Using cache") != NULL;
	n->steps += strncmp(line, "Step ", 5) == 0;
}

static int build(struct gb_check *c, const char *ctx, const char *tag, bool no_cache,
		 struct count *n)
{
	*n = (struct count){ 0, 0 };
	struct gb_build_opts o = { .tag = tag,
				   .context = ctx,
				   .no_cache = no_cache,
				   .progress = count_line,
				   .progress_data = n };
	char id[GB_ID_LEN + 1];
	return gb_build(c->rt, &o, id, &c->err);
}

static int write_ctx(const char *ctx, const char *content)
{
	char path[300];
	snprintf(path, sizeof path, "%s/Dockerfile", ctx);
	const char *df = "FROM busybox\nRUN echo lab18 > /before\nCOPY app.txt /app.txt\n"
			 "RUN wc -c /app.txt > /size\nCMD [\"cat\", \"/size\"]\n";
	int r = gb_write_atomic(path, df, strlen(df), 0644);
	snprintf(path, sizeof path, "%s/app.txt", ctx);
	return r < 0 ? r : gb_write_atomic(path, content, strlen(content), 0644);
}

/* A container of the rebuilt image: its /app.txt is the edited file. */
static int check_image(struct gb_check *c, const char *tag, const char *edited)
{
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "%s", tag);
	char *const cmd[] = { "sleep", "300", NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof *cfg.env);
	int code = 0;
	int r = gb_container_run(c->rt, &cfg, false, &code, c->started, &c->err);
	gb_config_free(&cfg);
	if (r < 0) {
		c->started[0] = '\0';
		return r;
	}
	char *const cat[] = { "cat", "/app.txt", "/size", NULL };
	char out[256], want[160];
	snprintf(want, sizeof want, "%s%zu /app.txt", edited, strlen(edited));
	code = gb_check_exec_output(c, c->started, cat, out, sizeof out);
	if (code >= 0)
		gb_check_is(c, "image-content", code == 0 && !strncmp(out, want, strlen(want)),
			    "inside a container of the rebuilt image, `cat /app.txt /size` exits "
			    "%d and prints \"%.40s\"",
			    code, out);
	return 0;
}

static int run(struct gb_check *c, const char *ctx, const char *tag)
{
	struct count n;
	int r = build(c, ctx, tag, false, &n);
	if (r == 0)
		r = build(c, ctx, tag, c->control, &n);
	if (r < 0)
		return r;
	if (n.steps != 5) {
		gb_check_error(c, "the build reported %d steps, not the Dockerfile's 5", n.steps);
		return 0;
	}
	gb_check_is(c, "cache-hits", n.hits == n.steps - 1,
		    "an unchanged rebuild took %d of %d layers from the cache (FROM needs none)%s",
		    n.hits, n.steps - 1, n.hits == n.steps - 1 ? "" : ": the rest were rebuilt");
	/* An edit no earlier run made: the layer cache outlives the check (it is the data
	 * root's), and a second check with the same edit would find its layers cached. */
	char edited[64];
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(edited, sizeof edited, "edited %d %lld.%09ld\n", (int)getpid(),
		 (long long)now.tv_sec, now.tv_nsec);
	if ((r = write_ctx(ctx, edited)) < 0 || (r = build(c, ctx, tag, false, &n)) < 0)
		return r;
	/* Steps: FROM, RUN (before the COPY), COPY, RUN, CMD. */
	gb_check_is(c, "kept-before", n.hits >= 1, "after editing app.txt, the RUN before COPY %s",
		    n.hits >= 1 ? "came from the cache: layers before the change are kept"
				: "was rebuilt too");
	gb_check_is(c, "rebuilt-after", n.hits <= 1,
		    "after editing app.txt, %d of the 3 layers from COPY on came from the cache%s",
		    n.hits > 1 ? n.hits - 1 : 0,
		    n.hits <= 1 ? ": COPY and every later layer were rebuilt" : "");
	return check_image(c, tag, edited);
}

static int check(struct gb_check *c)
{
	if (c->container) {
		gb_err_set(&c->err, EINVAL, "",
			   "lab 18's check builds its own image; it looks at no container");
		gb_err_hint(&c->err, "run it without --container: `glassbox lab check 18`");
		return -EINVAL;
	}
	char ctx[128], tag[64];
	snprintf(ctx, sizeof ctx, "/tmp/glassbox-lab18-%d", (int)getpid());
	snprintf(tag, sizeof tag, "lab18-%d", (int)getpid());
	if (mkdir(ctx, 0755) < 0)
		return gb_err_set(&c->err, errno, "mkdir", "cannot create %s", ctx);
	int r = write_ctx(ctx, "hello\n");
	if (r == 0)
		r = run(c, ctx, tag);
	struct gb_err ignored = { 0 };
	gb_image_remove(c->rt, tag, true, &ignored);
	gb_rm_rf(ctx);
	return r;
}

const struct gb_lab gb_lab_18 = {
	.num = 18,
	.slug = "image-build-cache",
	.title = "The image build cache",
	.feature = "each instruction is a layer; an unchanged rebuild is all cache hits; a changed "
		   "line rebuilds only what follows",
	.control = "the rebuild with --no-cache",
	.check = check,
	.trips = "cache-hits",
};
