/* Lab 18 check: the build cache. The check builds a three-instruction image twice and
 * counts the steps taken from the cache: an unchanged rebuild must take all of them.
 * Then it edits the file that COPY reads: that layer and every later one must be
 * rebuilt (their parent changed), the ones before it not.
 * Negative control: the second build with --no-cache. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

static int build(struct gb_check *c, const char *ctx, const char *tag, bool no_cache, struct count *n)
{
	*n = (struct count){0, 0};
	struct gb_build_opts o = {.tag = tag, .context = ctx, .no_cache = no_cache,
				  .progress = count_line, .progress_data = n};
	char id[GB_ID_LEN + 1];
	return gb_build(c->rt, &o, id, &c->err);
}

static int write_ctx(const char *ctx, const char *content)
{
	char path[300];
	snprintf(path, sizeof path, "%s/Dockerfile", ctx);
	const char *df = "FROM busybox\nCOPY app.txt /app.txt\nRUN wc -c /app.txt > /size\nCMD [\"cat\", \"/size\"]\n";
	int r = gb_write_atomic(path, df, strlen(df), 0644);
	snprintf(path, sizeof path, "%s/app.txt", ctx);
	return r < 0 ? r : gb_write_atomic(path, content, strlen(content), 0644);
}

static int run(struct gb_check *c, const char *ctx, const char *tag)
{
	struct count n;
	int r = build(c, ctx, tag, false, &n);
	if (r == 0)
		r = build(c, ctx, tag, c->control, &n);
	if (r < 0)
		return r;
	if (n.hits == n.steps - 1)
		gb_check_pass(c, "an unchanged rebuild took all %d layers from the cache (FROM needs none)", n.hits);
	else
		gb_check_fail(c, "an unchanged rebuild took %d of %d layers from the cache: the rest were rebuilt",
			      n.hits, n.steps - 1);
	write_ctx(ctx, "edited\n");
	if ((r = build(c, ctx, tag, false, &n)) < 0)
		return r;
	if (n.hits == 0)
		gb_check_pass(c, "after editing app.txt, COPY and every later layer were rebuilt (0 cache hits)");
	else
		gb_check_fail(c, "after editing app.txt, %d later layers still came from the cache", n.hits);
	return 0;
}

static int check(struct gb_check *c)
{
	if (c->container) {
		gb_check_skip(c, "this check builds its own image; it looks at no container");
		return 0;
	}
	char ctx[128], tag[64];
	snprintf(ctx, sizeof ctx, "/tmp/glassbox-lab18-%d", (int)getpid());
	snprintf(tag, sizeof tag, "lab18-%d", (int)getpid());
	if (mkdir(ctx, 0755) < 0)
		return gb_err_set(&c->err, errno, "mkdir", "cannot create %s", ctx);
	int r = write_ctx(ctx, "hello\n");
	if (r == 0)
		r = run(c, ctx, tag);
	struct gb_err ignored = {0};
	gb_image_remove(c->rt, tag, true, &ignored);
	gb_rm_rf(ctx);
	return r;
}

const struct gb_lab gb_lab_18 = {
	.num = 18,
	.slug = "image-build-cache",
	.title = "The image build cache",
	.feature = "each instruction is a layer; an unchanged rebuild is all cache hits; a changed line rebuilds only what follows",
	.control = "the rebuild with --no-cache",
	.check = check,
};
