/* The image builder (build.h). A Dockerfile is read top to bottom; each instruction
 * makes one layer on top of the previous one:
 *   RUN          a real glassbox container over the layers so far; its overlay upper dir
 *                (everything the command wrote, deletions as whiteouts) is the layer
 *   COPY, ADD    files from the build context, written into a fresh layer
 *   the others   the image config only: an empty layer that history still shows
 * Before doing the work, the builder looks for a layer with the same cache key: the
 * parent's id + the instruction + a sha256 of what it copies. Same key, same result, so
 * an unchanged Dockerfile rebuilds nothing, and one changed line rebuilds that layer
 * and every layer after it (their parent changed). Lab 18. */
#include "build/build.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build/base_image.h"
#include "build/copy_owner.h"
#include "build/dockerfile.h"
#include "engine/container.h"
#include "engine/health.h"
#include "base/helper.h"
#include "base/sha256.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct build {
	struct gb_runtime *rt;
	const struct gb_build_opts *o;
	struct gb_image img;	    /* the image so far: layers + config */
	char parent[GB_ID_LEN + 1]; /* top layer so far, "" for scratch */
	char **args;		    /* ARG values, KEY=VALUE */
	char **ignore;		    /* .dockerignore patterns */
	char context[4096];	    /* realpath of the context */
	int step, total;
	char **global;		    /* ARGs before the first FROM: only FROM sees them */
	char **shell;		    /* SHELL of this stage; NULL: /bin/sh -c */
	struct gb_df_stage *stages; /* FROM ... AS NAME and what follows */
	size_t nstages, cur;
	char (*built)[64];	    /* each built stage, saved as a hidden image; "" if not */
	const char *src_what;	    /* "build context" or the stage COPY --from reads */
	bool in_stage;		    /* past the first FROM */
	struct gb_copy_owner owner; /* the COPY/ADD being done: its --chown and --chmod */
	bool cmd_set;		    /* a CMD in this stage (an ENTRYPOINT then keeps it) */
};

void gb_build_cache_key(const char *parent, const char *instruction, const char *content,
			char out[65])
{
	struct gb_sha256 s;
	gb_sha256_init(&s);
	/* Separators keep "a"+"bc" and "ab"+"c" apart. */
	gb_sha256_update(&s, parent, strlen(parent));
	gb_sha256_update(&s, "\n", 1);
	gb_sha256_update(&s, instruction, strlen(instruction));
	gb_sha256_update(&s, "\n", 1);
	gb_sha256_update(&s, content ? content : "", content ? strlen(content) : 0);
	gb_sha256_hex(&s, out);
}

static void say(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct build *b, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (b->o->progress)
		b->o->progress(b->o->progress_data, line);
}

/* ------------------------------------------------------------ small vector helpers */

static int strv_set(char ***v, const char *kv)
{
	size_t kl = strcspn(kv, "="), n = gb_strv_len(*v);
	for (size_t i = 0; i < n; i++)
		if (strncmp((*v)[i], kv, kl) == 0 && ((*v)[i][kl] == '=' || (*v)[i][kl] == '\0')) {
			char *d = strdup(kv);
			if (!d)
				return -ENOMEM;
			free((*v)[i]);
			(*v)[i] = d;
			return 0;
		}
	return gb_strv_push(v, kv);
}

static void strv_replace(char ***dst, char **src)
{
	gb_strv_free(*dst);
	*dst = src;
}

/* Variables visible to $VAR substitution: ARGs first, ENV after (ENV wins). */
static char **vars_of(const struct build *b)
{
	char **v = gb_strv_dup(b->args);
	for (char *const *e = b->img.env; v && e && *e; e++)
		if (strv_set(&v, *e) < 0) {
			gb_strv_free(v);
			return NULL;
		}
	return v;
}

static int expand(const struct build *b, const char *in, char *out, size_t len, struct gb_err *err)
{
	gb_autostrv char **vars = vars_of(b);
	int r = vars ? gb_df_expand(in, vars, out, len) : -ENOMEM;
	if (r < 0)
		return gb_err_set(err, -r, "", "cannot substitute variables in: %s", in);
	return 0;
}

/* ------------------------------------------------------------ .dockerignore */

/* One segment of a pattern (between slashes) against one name of a path; fnmatch without
 * FNM_PATHNAME is fine because neither holds a '/'. */
static bool segment_matches(const char *pat, size_t pl, const char *name, size_t nl)
{
	char p[1024], n[1024];
	if (pl >= sizeof p || nl >= sizeof n)
		return false;
	memcpy(p, pat, pl);
	p[pl] = '\0';
	memcpy(n, name, nl);
	n[nl] = '\0';
	return fnmatch(p, n, 0) == 0;
}

/* Docker's pattern rules (moby/patternmatcher): segment by segment, "*" and "?" stay
 * inside one name, "**" spans any number of directories (none too). */
static bool path_matches(const char *pat, const char *path)
{
	if (!*pat)
		return !*path;
	size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
	const char *pnext = pat[pl] ? pat + pl + 1 : pat + pl;
	const char *snext = path[sl] ? path + sl + 1 : path + sl;
	if (pl == 2 && strncmp(pat, "**", 2) == 0)
		return path_matches(pnext, path) || (*path && path_matches(pat, snext));
	if (!*path || !segment_matches(pat, pl, path, sl))
		return false;
	return path_matches(pnext, snext);
}

static bool pattern_matches(const char *pat, const char *rel)
{
	if (path_matches(pat, rel))
		return true;
	/* A pattern that names a directory excludes what is below it. */
	char prefix[4096];
	snprintf(prefix, sizeof prefix, "%s", rel);
	for (char *slash = strrchr(prefix, '/'); slash; slash = strrchr(prefix, '/')) {
		*slash = '\0';
		if (path_matches(pat, prefix))
			return true;
	}
	return false;
}

/* With a "!" pattern, an excluded directory may still hold files to keep: walk into it. */
static bool has_exceptions(char *const *patterns)
{
	for (char *const *p = patterns; p && *p; p++)
		if ((*p)[0] == '!')
			return true;
	return false;
}

bool gb_build_ignored(char *const *patterns, const char *rel)
{
	bool ignored = false;
	for (char *const *p = patterns; p && *p; p++) {
		bool neg = (*p)[0] == '!';
		if (pattern_matches(*p + neg, rel))
			ignored = !neg;
	}
	return ignored;
}

static int load_ignore(struct build *b)
{
	char path[4200];
	gb_path(path, sizeof path, "%s/.dockerignore", b->context);
	gb_autofree char *text = NULL;
	b->ignore = calloc(1, sizeof *b->ignore);
	if (!b->ignore)
		return -ENOMEM;
	if (gb_read_file(path, &text, NULL) < 0)
		return 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		while (isspace((unsigned char)*l))
			l++;
		size_t n = strlen(l);
		while (n && isspace((unsigned char)l[n - 1]))
			l[--n] = '\0';
		if (!*l || *l == '#')
			continue;
		char pat[1024];
		bool neg = *l == '!';
		const char *p = l + neg;
		while (*p == '/' || (p[0] == '.' && p[1] == '/'))
			p += *p == '/' ? 1 : 2;
		snprintf(pat, sizeof pat, "%s%s", neg ? "!" : "", p);
		if (strv_set(&b->ignore, pat) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------------ layers and the cache */

static int cache_path(const struct build *b, const char *key, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/build-cache/%s", b->rt->data_root, key);
}

/* The layer recorded for this key, if it still exists. */
static bool cache_lookup(struct build *b, const char *key, struct gb_layer *meta)
{
	char path[700], id[64];
	cache_path(b, key, path, sizeof path);
	if (gb_read_line(path, id, sizeof id) < 0 || strlen(id) != GB_ID_LEN)
		return false;
	return gb_layer_load(b->rt, id, meta) == 0 && strcmp(meta->cache_key, key) == 0;
}

static void cache_record(struct build *b, const struct gb_layer *meta)
{
	char path[700], dir[700], line[GB_ID_LEN + 2];
	gb_path(dir, sizeof dir, "%s/build-cache", b->rt->data_root);
	gb_mkdir_p(dir, 0700);
	cache_path(b, meta->cache_key, path, sizeof path);
	snprintf(line, sizeof line, "%s\n", meta->id);
	gb_write_atomic(path, line, strlen(line), 0644);
}

static int push_layer(struct build *b, const struct gb_layer *meta)
{
	snprintf(b->parent, sizeof b->parent, "%s", meta->id);
	return strv_set(&b->img.layers, meta->id);
}

static void emit_layer(struct build *b, const char *type, const struct gb_layer *meta, double secs)
{
	struct gb_json j;
	gb_event_begin(&b->rt->events, &j, type);
	gb_json_str(&j, "layer", meta->id);
	gb_json_str(&j, "parent", meta->parent);
	gb_json_str(&j, "instruction", meta->instruction);
	gb_json_str(&j, "cache_key", meta->cache_key);
	gb_json_int(&j, "size", meta->size);
	gb_json_bool(&j, "empty", meta->empty);
	if (secs >= 0)
		gb_json_double(&j, "seconds", secs, 3);
	gb_event_emit(&b->rt->events, &j);
}

/* Record a finished layer (its diff/ already filled) and make it the new top. */
static int finish_layer(struct build *b, struct gb_layer *meta, double t0, struct gb_err *err)
{
	int r = gb_layer_commit(b->rt, meta, err);
	if (r < 0) {
		gb_layer_remove(b->rt, meta->id);
		return r;
	}
	cache_record(b, meta);
	emit_layer(b, "layer.create", meta, gb_monotonic() - t0);
	say(b, " ---> %s", meta->id);
	return push_layer(b, meta) < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
}

static void init_meta(struct build *b, struct gb_layer *meta, const char *instruction,
		      const char *content)
{
	memset(meta, 0, sizeof *meta);
	snprintf(meta->parent, sizeof meta->parent, "%s", b->parent);
	/* history names the stage of each layer when the Dockerfile has more than one */
	const struct gb_df_stage *st = b->nstages > 1 ? &b->stages[b->cur] : NULL;
	if (st && st->name[0])
		snprintf(meta->instruction, sizeof meta->instruction, "[%s] %s", st->name,
			 instruction);
	else if (st)
		snprintf(meta->instruction, sizeof meta->instruction, "[stage %zu] %s", b->cur,
			 instruction);
	else
		snprintf(meta->instruction, sizeof meta->instruction, "%s", instruction);
	gb_build_cache_key(b->parent, instruction, content, meta->cache_key);
}

/* 1 when the cache had it (and it is now the top layer), 0 when it must be made. */
static int try_cache(struct build *b, struct gb_layer *meta)
{
	struct gb_layer hit;
	if (b->o->no_cache || !cache_lookup(b, meta->cache_key, &hit))
		return 0;
	say(b, " ---> Using cache");
	say(b, " ---> %s", hit.id);
	emit_layer(b, "layer.cached", &hit, -1);
	*meta = hit;
	return push_layer(b, &hit) < 0 ? -ENOMEM : 1;
}

static int config_layer(struct build *b, const char *instruction, struct gb_err *err)
{
	struct gb_layer meta;
	init_meta(b, &meta, instruction, NULL);
	int r = try_cache(b, &meta);
	if (r != 0)
		return r < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
	meta.empty = true;
	char diff[700];
	double t0 = gb_monotonic();
	r = gb_layer_new(b->rt, &meta, diff, sizeof diff, err);
	return r < 0 ? r : finish_layer(b, &meta, t0, err);
}

/* ------------------------------------------------------------ the image so far */

/* Whether path (absolute, inside) exists in the layers so far, and as what. Reads the
 * layers top down, as overlayfs does: the first layer that has the name decides. */
static bool image_has(const struct build *b, const char *path, bool *is_dir)
{
	for (size_t i = gb_strv_len(b->img.layers); i-- > 0;) {
		char full[4800], diff[700];
		struct stat st;
		gb_layer_diff_path(b->rt, b->img.layers[i], diff, sizeof diff);
		if (gb_path(full, sizeof full, "%s%s", diff, path) < 0 || lstat(full, &st) < 0)
			continue;
		if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
			return false; /* a whiteout: deleted in this layer */
		if (is_dir)
			*is_dir = S_ISDIR(st.st_mode);
		return true;
	}
	return false;
}

static void join_workdir(const struct build *b, const char *p, char *out, size_t len)
{
	if (p[0] == '/')
		snprintf(out, len, "%s", p);
	else
		snprintf(out, len, "%s%s%s", b->img.workdir,
			 b->img.workdir[strlen(b->img.workdir) - 1] == '/' ? "" : "/", p);
}

/* ------------------------------------------------------------ RUN */

/* The shell form runs under SHELL (default /bin/sh -c) with the text as one argument. */
static char **shell_argv(char *const *shell, const char *text)
{
	char *const sh[] = { "/bin/sh", "-c", NULL };
	char **v = gb_strv_dup(shell ? shell : sh);
	if (v && gb_strv_push(&v, text) < 0) {
		gb_strv_free(v);
		return NULL;
	}
	return v;
}

static char **run_argv(const struct build *b, const struct gb_df_instr *in)
{
	return in->argv ? gb_strv_dup(in->argv) : shell_argv(b->shell, in->args);
}

/* The RUN container: the layers so far as its image (saved under a hidden name), the
 * config so far, the host's network (as `docker build` does by default: apt needs the
 * mirror), and the host's resolv.conf bound read-only when the image has one. */
static int run_config(struct build *b, const struct gb_df_instr *in, const char *tmpname,
		      struct gb_config *cfg)
{
	gb_config_init(cfg);
	snprintf(cfg->image, sizeof cfg->image, "%s", tmpname);
	snprintf(cfg->workdir, sizeof cfg->workdir, "%s", b->img.workdir);
	cfg->cmd = run_argv(b, in);
	cfg->entrypoint = calloc(1, sizeof *cfg->entrypoint); /* no image entrypoint */
	cfg->env = gb_strv_dup(b->args);
	for (char *const *e = b->img.env; cfg->env && e && *e; e++)
		if (strv_set(&cfg->env, *e) < 0)
			return -ENOMEM;
	if (!cfg->cmd || !cfg->entrypoint || !cfg->env)
		return -ENOMEM;
	cfg->host_net = true;
	bool dir = false;
	if (image_has(b, "/etc/resolv.conf", &dir) && !dir &&
	    access("/etc/resolv.conf", R_OK) == 0) {
		struct gb_mount *m = &cfg->mounts[cfg->nmounts++];
		*m = (struct gb_mount){ .type = GB_MOUNT_BIND, .readonly = true };
		snprintf(m->source, sizeof m->source, "/etc/resolv.conf");
		snprintf(m->target, sizeof m->target, "/etc/resolv.conf");
	}
	return 0;
}

static int save_tmp_image(struct build *b, char *name, size_t len, struct gb_err *err)
{
	char id[GB_ID_LEN + 1];
	gb_random_id(id);
	snprintf(name, len, "_build_%s", id);
	struct gb_image tmp = b->img;
	snprintf(tmp.name, sizeof tmp.name, "%s", name);
	return gb_image_save(b->rt, &tmp, err);
}

static void remove_tmp_image(struct build *b, const char *name)
{
	char path[700];
	gb_path(path, sizeof path, "%s/images/%s.json", b->rt->data_root, name);
	unlink(path);
}

/* Run the container; on success move its upper dir to the layer's diff/. */
static int run_container(struct build *b, const struct gb_df_instr *in, struct gb_config *cfg,
			 struct gb_layer *meta, struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_create(b->rt, cfg, &st, err);
	if (r < 0)
		return r;
	say(b, " ---> Running in %s", st.cfg.id);
	int code = 0;
	r = gb_container_start(b->rt, st.cfg.id, true, &code, err);
	if (r == 0 && code != 0) {
		gb_autofree char *text = malloc(4096);
		gb_strv_join(cfg->cmd, text ? text : (char[1]){ 0 }, text ? 4096 : 1);
		r = gb_err_set(err, EINVAL, "", "The command '%s' returned a non-zero code: %d",
			       text ? text : in->args, code);
		gb_err_hint(err,
			    "the output above is the command's own; fix the RUN line at Dockerfile "
			    "line %d",
			    in->line);
	}
	char diff[700];
	if (r == 0)
		r = gb_layer_new(b->rt, meta, diff, sizeof diff, err);
	/* Same filesystem: the writable layer becomes an image layer by a rename, whiteouts
	 * and opaque-dir xattrs included, exactly as overlayfs wrote them. */
	if (r == 0 && (rmdir(diff) < 0 || rename(st.upper, diff) < 0)) {
		r = gb_err_set(err, errno, "rename", "cannot turn %s into layer %s", st.upper,
			       meta->id);
		gb_layer_remove(b->rt, meta->id);
	}
	struct gb_err ignored = { 0 };
	gb_container_rm(b->rt, st.cfg.id, true, &ignored);
	gb_events_set_container(&b->rt->events, "", "");
	gb_state_free(&st);
	return r;
}

static int do_run(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	/* ARG values reach the command as environment, so they are part of its key. */
	char instruction[1024];
	snprintf(instruction, sizeof instruction, "RUN %s", in->args);
	gb_autofree char *argkey = NULL;
	struct gb_layer meta;
	{
		char buf[4096] = "";
		gb_strv_join(b->args, buf, sizeof buf);
		argkey = strdup(buf);
	}
	init_meta(b, &meta, instruction, argkey);
	int r = try_cache(b, &meta);
	if (r != 0)
		return r < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
	char tmpname[64];
	struct gb_config cfg;
	double t0 = gb_monotonic();
	r = save_tmp_image(b, tmpname, sizeof tmpname, err);
	if (r < 0)
		return r;
	if (run_config(b, in, tmpname, &cfg) < 0)
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0)
		r = run_container(b, in, &cfg, &meta, err);
	gb_config_free(&cfg);
	remove_tmp_image(b, tmpname);
	return r < 0 ? r : finish_layer(b, &meta, t0, err);
}

/* ------------------------------------------------------------ COPY and ADD */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Hash what COPY would copy: names, types, modes and bytes, in a fixed order, skipping
 * what .dockerignore excludes. Touching a file without changing it keeps the cache. */
static int hash_entry(struct build *b, const char *abs, const char *rel, struct gb_sha256 *s)
{
	struct stat st;
	if (lstat(abs, &st) < 0)
		return -errno;
	bool skip = rel[0] && gb_build_ignored(b->ignore, rel);
	if (skip && !(S_ISDIR(st.st_mode) && has_exceptions(b->ignore)))
		return 0;
	char head[4400];
	int n = snprintf(head, sizeof head, "%s%c%o%c%lld%c", rel, 0, st.st_mode, 0,
			 S_ISREG(st.st_mode) ? (long long)st.st_size : 0LL, 0);
	if (!skip) /* an excluded directory walked for its exceptions adds only those */
		gb_sha256_update(s, head, (size_t)n);
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t len = readlink(abs, target, sizeof target);
		if (len > 0)
			gb_sha256_update(s, target, (size_t)len);
	} else if (S_ISREG(st.st_mode)) {
		gb_autoclose int fd = open(abs, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		char buf[65536];
		ssize_t got;
		while ((got = gb_read_full(fd, buf, sizeof buf)) > 0)
			gb_sha256_update(s, buf, (size_t)got);
	} else if (S_ISDIR(st.st_mode)) {
		struct dirent **list;
		int count = scandir(abs, &list, NULL, by_name);
		for (int i = 0; i < count; i++) {
			const char *nm = list[i]->d_name;
			if (strcmp(nm, ".") && strcmp(nm, "..")) {
				char a2[4400], r2[4400];
				gb_path(a2, sizeof a2, "%s/%s", abs, nm);
				gb_path(r2, sizeof r2, "%s%s%s", rel, rel[0] ? "/" : "", nm);
				hash_entry(b, a2, r2, s);
			}
			free(list[i]);
		}
		if (count >= 0)
			free(list);
	}
	return 0;
}

static int copy_file(const char *src, const char *dst, const struct stat *st)
{
	gb_autoclose int in = open(src, O_RDONLY | O_CLOEXEC);
	gb_autoclose int out =
		open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, st->st_mode & 07777);
	if (in < 0 || out < 0)
		return -errno;
	char buf[65536];
	ssize_t got;
	while ((got = gb_read_full(in, buf, sizeof buf)) > 0)
		if (gb_write_full(out, buf, (size_t)got) != got)
			return -EIO;
	return got < 0 ? -errno : 0;
}

static int ensure_parent(const char *dst)
{
	char parent[4400];
	snprintf(parent, sizeof parent, "%s", dst);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return 0;
	*slash = '\0';
	return access(parent, F_OK) == 0 ? 0 : gb_mkdir_p(parent, 0755);
}

/* --chown and --chmod: here a failure fails the COPY (the image would lie otherwise). */
static int copy_owned(const char *dst, const struct stat *st, const struct gb_copy_owner *o)
{
	if (lchown(dst, o->chown ? o->uid : 0, o->chown ? o->gid : 0) < 0)
		return -errno;
	if (!S_ISLNK(st->st_mode) && chmod(dst, o->chmod ? o->mode : st->st_mode & 07777) < 0)
		return -errno;
	return 0;
}

/* Copy one context entry into the layer. COPY makes files owned by root (uid 0) with
 * the modes they had in the context, as Docker does, unless --chown and --chmod say. */
static int copy_entry(struct build *b, const char *abs, const char *rel, const char *dst)
{
	struct stat st;
	if (lstat(abs, &st) < 0)
		return -errno;
	bool skip = rel[0] && gb_build_ignored(b->ignore, rel);
	if (skip && !(S_ISDIR(st.st_mode) && has_exceptions(b->ignore)))
		return 0;
	int r = 0;
	if (S_ISDIR(st.st_mode)) {
		/* An excluded directory is walked for its "!" exceptions but not made: a file
		 * kept inside it makes its parents (ensure_parent). */
		if (!skip && mkdir(dst, st.st_mode & 07777) < 0 && errno != EEXIST)
			return -errno;
		struct dirent **list;
		int count = scandir(abs, &list, NULL, by_name);
		for (int i = 0; i < count; i++) {
			const char *nm = list[i]->d_name;
			char a2[4400], r2[4400], d2[4400];
			if (r == 0 && strcmp(nm, ".") && strcmp(nm, "..")) {
				gb_path(a2, sizeof a2, "%s/%s", abs, nm);
				gb_path(r2, sizeof r2, "%s%s%s", rel, rel[0] ? "/" : "", nm);
				gb_path(d2, sizeof d2, "%s/%s", dst, nm);
				r = copy_entry(b, a2, r2, d2);
			}
			free(list[i]);
		}
		if (count >= 0)
			free(list);
		if (skip)
			return r;
	} else if ((r = ensure_parent(dst)) < 0) {
		return r;
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t len = readlink(abs, target, sizeof target - 1);
		if (len < 0)
			return -errno;
		target[len] = '\0';
		unlink(dst);
		r = symlink(target, dst) < 0 ? -errno : 0;
	} else if (S_ISREG(st.st_mode)) {
		r = copy_file(abs, dst, &st);
	}
	/* The mode again after the chown, which clears set-user-id bits, and past the umask
	 * that open(2) and mkdir(2) applied: the image keeps 0777 and 4755 as they were. */
	const struct gb_copy_owner *o = &b->owner;
	if (r == 0 && (o->chown || o->chmod))
		return copy_owned(dst, &st, o);
	if (r == 0 && lchown(dst, 0, 0) == 0 && !S_ISLNK(st.st_mode))
		chmod(dst, st.st_mode & 07777);
	return r;
}

struct copy_job {
	char **srcs;	 /* absolute paths inside the context */
	char dest[4096]; /* absolute path inside the image */
	bool dest_dir;
	bool add; /* ADD: a local tar archive is unpacked */
};

/* Where in the context: the path must stay inside it (no "..", no symlink out). */
static int context_path(struct build *b, const char *src, char *out, size_t len, struct gb_err *err)
{
	char joined[8300], real[4096];
	gb_path(joined, sizeof joined, "%s/%s", b->context, src);
	size_t cl = strlen(b->context);
	if (!realpath(joined, real)) {
		int r = gb_err_set(err, ENOENT, "", "COPY failed: file not found in %s: %s",
				   b->src_what, src);
		gb_err_hint(err, "paths are relative to the %s (%s); .dockerignore may exclude it",
			    b->src_what, b->context);
		return r;
	}
	if (strncmp(real, b->context, cl) != 0 || (real[cl] != '/' && real[cl] != '\0')) {
		int r = gb_err_set(err, EXDEV, "", "COPY failed: %s is outside the %s", src,
				   b->src_what);
		gb_err_hint(err, "only files below %s can be copied into an image", b->context);
		return r;
	}
	return gb_path(out, len, "%s", real);
}

static int expand_sources(struct build *b, char **words, size_t n, struct copy_job *job,
			  struct gb_err *err)
{
	job->srcs = calloc(1, sizeof *job->srcs);
	for (size_t i = 0; job->srcs && i < n; i++) {
		char pattern[8300];
		gb_path(pattern, sizeof pattern, "%s/%s", b->context, words[i]);
		glob_t g;
		bool matched = glob(pattern, 0, NULL, &g) == 0;
		size_t kept = 0, cl = strlen(b->context);
		for (size_t k = 0; matched && k < g.gl_pathc; k++) {
			char real[4096];
			int r = context_path(b, g.gl_pathv[k] + cl + 1, real, sizeof real, err);
			/* .dockerignore'd files are not part of the context at all, as in Docker */
			if (r == 0 && real[cl] == '/' && gb_build_ignored(b->ignore, real + cl + 1))
				continue;
			if (r < 0 || strv_set(&job->srcs, real) < 0) {
				globfree(&g);
				return r < 0 ? r : -ENOMEM;
			}
			kept++;
		}
		if (matched)
			globfree(&g);
		if (matched && !kept) {
			gb_err_set(err, ENOENT, "", "COPY failed: %s is excluded by .dockerignore",
				   words[i]);
			gb_err_hint(err,
				    "remove its pattern from .dockerignore or add a ! exception");
			return -ENOENT;
		}
		if (!matched)
			return context_path(b, words[i], pattern, sizeof pattern, err) < 0
				       ? -ENOENT
				       : -ENOENT;
	}
	return job->srcs ? 0 : -ENOMEM;
}

static int copy_refuse(const struct gb_df_instr *in, const char *what, const char *hint,
		       struct gb_err *err)
{
	int r = gb_err_set(err, EINVAL, "", "Dockerfile line %d: %s %s", in->line, in->keyword,
			   what);
	gb_err_hint(err, "%s", hint);
	return r;
}

/* COPY/ADD's words, substituted (the exec form's too); *first: the first source. */
static int copy_words(struct build *b, const struct gb_df_instr *in, char ***words, size_t *first,
		      struct gb_df_copy_opts *opts, struct gb_err *err)
{
	char x[8192];
	int r = expand(b, in->args, x, sizeof x, err);
	*words = in->argv ? gb_strv_dup(in->argv) : gb_df_words(x);
	for (char **w = in->argv ? *words : NULL; r == 0 && w && *w; w++)
		if ((r = expand(b, *w, x, sizeof x, err)) == 0 && (free(*w), !(*w = strdup(x))))
			r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r < 0)
		return r;
	if (!*words)
		return gb_err_set(err, EINVAL, "", "Dockerfile line %d: unbalanced quotes",
				  in->line);
	const char *bad = NULL;
	int i = gb_df_copy_opts(*words, opts, &bad);
	if (i < 0)
		return copy_refuse(in, bad,
				   "COPY knows --from=, --chown=USER[:GROUP] and --chmod=MODE; "
				   "ADD --chown= and --chmod=",
				   err);
	if (opts->from[0] && in->kind == GB_DF_ADD)
		return copy_refuse(in, "--from: ADD reads the build context only",
				   "use COPY --from=STAGE to take files from a stage", err);
	size_t n = gb_strv_len(*words);
	if (n < (size_t)i + 2)
		return copy_refuse(in, "needs a source and a destination", "e.g. COPY app.sh /app/",
				   err);
	for (size_t k = (size_t)i; k + 1 < n; k++)
		if (strstr((*words)[k], "://"))
			return in->kind == GB_DF_ADD
				       ? copy_refuse(in, "from a URL needs the network",
						     "download it and COPY it", err)
				       : copy_refuse(
						 in, "cannot fetch a URL",
						 "download it into the build context, then COPY "
						 "it",
						 err);
	*first = (size_t)i;
	return 0;
}

static int parse_copy(struct build *b, const struct gb_df_instr *in, struct copy_job *job,
		      struct gb_err *err)
{
	gb_autostrv char **words = NULL;
	struct gb_df_copy_opts opts;
	size_t i = 0;
	int r = copy_words(b, in, &words, &i, &opts, err);
	if (r < 0)
		return r;
	size_t n = gb_strv_len(words);
	job->add = in->kind == GB_DF_ADD;
	join_workdir(b, words[n - 1], job->dest, sizeof job->dest);
	r = expand_sources(b, words + i, n - i - 1, job, err);
	if (r < 0)
		return err->code ? r : gb_err_set(err, -r, "", "COPY failed");
	bool is_dir = false;
	size_t dl = strlen(words[n - 1]);
	job->dest_dir = words[n - 1][dl - 1] == '/' || gb_strv_len(job->srcs) > 1 ||
			(image_has(b, job->dest, &is_dir) && is_dir);
	return 0;
}

/* ADD x.tar DIR: a tar (plain or compressed, told by its content as Docker does) is
 * unpacked into DIR by the layer unpacker (registry/layer.c), so the same refusals apply:
 * no "..", no absolute names, no writes through symlinks. That code needs libarchive,
 * which lives in glassbox-images (base/helper.h): it runs as a child. 1 when unpacked, 0
 * when SRC is not a tar (then it is copied as it is). */
static int add_tar(struct build *b, const struct copy_job *job, const char *src, const char *rel,
		   const char *diff, struct gb_err *err)
{
	char dst[9000], what[4200], prog[1024];
	gb_path(dst, sizeof dst, "%s%s", diff, job->dest);
	snprintf(what, sizeof what, "from ADD %s", rel);
	int r = gb_helper_path(b->rt->share_dir, "glassbox-images", prog, sizeof prog, err);
	if (r < 0)
		return r;
	const char *args[] = { "add-tar", src, dst, what, NULL };
	r = gb_helper_run(prog, args, err);
	if (r < 0 || r == GB_HELPER_DECLINED)
		return r < 0 ? r : 0;
	if (r != 0)
		return gb_err_set(err, EIO, "", "%s add-tar exited with status %d", prog, r);
	return 1;
}

static int copy_into(struct build *b, const struct copy_job *job, const char *diff,
		     struct gb_err *err)
{
	size_t cl = strlen(b->context);
	for (char **s = job->srcs; *s; s++) {
		const char *rel = (*s)[cl] == '/' ? *s + cl + 1 : "";
		struct stat st;
		if (stat(*s, &st) < 0)
			return gb_err_set(err, errno, "stat", "cannot read %s", *s);
		char dst[9000];
		if (S_ISDIR(st.st_mode) || !job->dest_dir)
			gb_path(dst, sizeof dst, "%s%s", diff, job->dest);
		else
			gb_path(dst, sizeof dst, "%s%s/%s", diff, job->dest, strrchr(*s, '/') + 1);
		if (job->add && S_ISREG(st.st_mode)) {
			int r = add_tar(b, job, *s, rel, diff, err);
			if (r == 1 && (b->owner.chown || b->owner.chmod))
				return gb_err_set(err, EINVAL, "",
						  "ADD --chown/--chmod of the archive %s: an "
						  "unpacked archive keeps the owners and modes it "
						  "holds",
						  rel);
			if (r < 0)
				return r;
			if (r == 1)
				continue;
		}
		char parent[9000];
		snprintf(parent, sizeof parent, "%s", dst);
		*strrchr(parent, '/') = '\0';
		int r = gb_mkdir_p(parent, 0755);
		if (r == 0)
			r = copy_entry(b, *s, rel, dst);
		if (r < 0)
			return gb_err_set(err, -r, "copy", "cannot copy %s to %s", *s, dst);
	}
	return 0;
}

/* COPY --from: the stage's (or image's) layers, mounted read-only in a child process's
 * own mount namespace, are the "context" to copy from. The mount dies with the child, so
 * nothing is left mounted whatever happens. */
static int mount_layers(const struct gb_image *src, const char *mnt, struct gb_err *err)
{
	if (!src->lower[0])
		return 0; /* scratch or only empty layers: nothing to see */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return gb_err_set(err, errno, "mount", "cannot make / private");
	int r;
	if (!strchr(src->lower, ':')) /* overlayfs wants two lower dirs when it has no upper */
		r = mount(src->lower, mnt, NULL, MS_BIND | MS_RDONLY, NULL);
	else {
		char opts[4200];
		snprintf(opts, sizeof opts, "lowerdir=%s", src->lower);
		r = mount("overlay", mnt, "overlay", MS_RDONLY, opts);
	}
	return r < 0 ? gb_err_set(err, errno, "mount", "cannot mount the layers of %s on %s",
				  src->name, mnt)
		     : 0;
}

static int copy_in_child(struct build *b, const struct gb_df_instr *in, const struct gb_image *src,
			 const char *mnt, const char *diff, struct gb_err *err)
{
	if (unshare(CLONE_NEWNS) < 0) {
		int r = gb_err_set(err, errno, "unshare", "COPY --from needs a mount namespace");
		gb_err_hint(err, "it mounts the stage's layers: build as root");
		return r;
	}
	int r = mount_layers(src, mnt, err);
	struct copy_job job = { 0 };
	gb_strv_free(b->ignore); /* .dockerignore is about the build context only */
	b->ignore = calloc(1, sizeof *b->ignore);
	if (r == 0 && !realpath(mnt, b->context))
		r = gb_err_set(err, errno, "realpath", "cannot resolve %s", mnt);
	if (r == 0)
		r = parse_copy(b, in, &job, err);
	if (r == 0)
		r = copy_into(b, &job, diff, err);
	gb_strv_free(job.srcs);
	return r;
}

static int copy_forked(struct build *b, const struct gb_df_instr *in, const struct gb_image *src,
		       const char *diff, const char *id, struct gb_err *err)
{
	char mnt[700];
	gb_path(mnt, sizeof mnt, "%s/build-mnt/%s", b->rt->data_root, id);
	int fds[2], r = gb_mkdir_p(mnt, 0700);
	if (r < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return gb_err_set(err, r < 0 ? -r : errno, "mkdir", "cannot create %s", mnt);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		struct gb_err e = { 0 };
		int rc = copy_in_child(b, in, src, mnt, diff, &e);
		gb_write_full(fds[1], &e, sizeof e);
		_exit(rc < 0 ? 1 : 0);
	}
	close(fds[1]);
	struct gb_err e = { 0 };
	int status = 0;
	ssize_t got = pid < 0 ? -1 : gb_read_full(fds[0], &e, sizeof e);
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	rmdir(mnt);
	if (pid < 0)
		return gb_err_set(err, errno, "fork", "cannot start the COPY --from copier");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got == (ssize_t)sizeof e && e.code) {
		*err = e;
		return -e.code;
	}
	return gb_err_set(err, EIO, "", "COPY --from: the copier died (status %d)", status);
}

static int resolve_image(struct build *b, const char *ref, struct gb_image *img,
			 struct gb_err *err);

/* The image COPY --from reads: an earlier stage (by name or index) or any image. */
static int from_source(struct build *b, const char *from, struct gb_image *img, char *what,
		       size_t len, struct gb_err *err)
{
	int idx = gb_df_stage_index(b->stages, b->cur, from);
	snprintf(what, len, "%s %s", idx >= 0 ? "stage" : "image", from);
	if (idx < 0)
		return resolve_image(b, from, img, err);
	if (!b->built[idx][0])
		return gb_err_set(err, EINVAL, "", "COPY --from=%s: that stage was not built",
				  from);
	return gb_image_resolve(b->rt, b->built[idx], img, err);
}

static int do_copy_from(struct build *b, const struct gb_df_instr *in, const char *from,
			struct gb_err *err)
{
	struct gb_image src = { 0 };
	char what[320], content[8300], instruction[1024], x[8192];
	int r = from_source(b, from, &src, what, sizeof what, err);
	if (r == 0)
		r = expand(b, in->args, x, sizeof x, err);
	if (r < 0) {
		gb_image_free(&src);
		return r;
	}
	/* The source's top layer stands for its content: a stage rebuilt from the cache
	 * keeps its layer ids, one rebuilt for a change gets new ones. The substituted
	 * arguments count too: the same line with another ${DIR} copies elsewhere. */
	size_t nl = gb_strv_len(src.layers);
	snprintf(content, sizeof content, "from %s\n%s", nl ? src.layers[nl - 1] : "scratch", x);
	snprintf(instruction, sizeof instruction, "%s %s", in->keyword, in->args);
	struct gb_layer meta;
	init_meta(b, &meta, instruction, content);
	r = try_cache(b, &meta);
	if (r == 0) {
		char diff[700];
		double t0 = gb_monotonic();
		b->src_what = what;
		r = gb_layer_new(b->rt, &meta, diff, sizeof diff, err);
		if (r == 0 && (r = copy_forked(b, in, &src, diff, meta.id, err)) < 0)
			gb_layer_remove(b->rt, meta.id);
		b->src_what = "build context";
		r = r < 0 ? r : finish_layer(b, &meta, t0, err);
	} else if (r < 0) {
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	}
	gb_image_free(&src);
	return r < 0 ? r : 0;
}

/* --chown and --chmod, resolved before any copying (and before COPY --from forks: the
 * names are the image being built's, not the source stage's). */
static int copy_owner(struct build *b, const struct gb_df_instr *in,
		      const struct gb_df_copy_opts *opts, struct gb_err *err)
{
	int r = gb_copy_owner_resolve(b->rt, b->img.layers, opts, &b->owner, err);
	if (r < 0) {
		char msg[sizeof err->msg], hint[sizeof err->hint];
		snprintf(msg, sizeof msg, "%s", err->msg);
		snprintf(hint, sizeof hint, "%s", err->hint);
		gb_err_set(err, -r, "", "Dockerfile line %d: %s %s", in->line, in->keyword, msg);
		gb_err_hint(err, "%s", hint);
	}
	return r;
}

static int do_copy_as(struct build *b, const struct gb_df_instr *in, struct gb_err *err);

static int do_copy(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	int r = do_copy_as(b, in, err);
	memset(&b->owner, 0, sizeof b->owner); /* the next COPY's are its own */
	return r;
}

static int do_copy_as(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	gb_autostrv char **words = NULL;
	struct gb_df_copy_opts opts;
	size_t first;
	int r = copy_words(b, in, &words, &first, &opts, err);
	if (r == 0)
		r = copy_owner(b, in, &opts, err);
	if (r < 0)
		return r;
	if (opts.from[0])
		return do_copy_from(b, in, opts.from, err);
	struct copy_job job = { 0 };
	r = parse_copy(b, in, &job, err);
	struct gb_sha256 s;
	gb_sha256_init(&s);
	char x[8192]; /* the substituted line: another ${DIR} copies elsewhere */
	if (r == 0 && (r = expand(b, in->args, x, sizeof x, err)) == 0)
		gb_sha256_update(&s, x, strlen(x) + 1);
	for (char **p = job.srcs; r == 0 && *p; p++) {
		size_t cl = strlen(b->context);
		hash_entry(b, *p, (*p)[cl] == '/' ? *p + cl + 1 : "", &s);
	}
	char content[65], instruction[1024];
	gb_sha256_hex(&s, content);
	snprintf(instruction, sizeof instruction, "%s %s", in->keyword, in->args);
	struct gb_layer meta;
	init_meta(b, &meta, instruction, content);
	if (r == 0)
		r = try_cache(b, &meta);
	if (r != 0) {
		gb_strv_free(job.srcs);
		return r < 0 ? (err->code ? r : gb_err_set(err, -r, "", "out of memory")) : 0;
	}
	char diff[700];
	double t0 = gb_monotonic();
	r = gb_layer_new(b->rt, &meta, diff, sizeof diff, err);
	if (r == 0 && (r = copy_into(b, &job, diff, err)) < 0)
		gb_layer_remove(b->rt, meta.id);
	gb_strv_free(job.srcs);
	return r < 0 ? r : finish_layer(b, &meta, t0, err);
}

/* ------------------------------------------------------------ config instructions */

static int set_argv(const struct build *b, char ***field, const struct gb_df_instr *in)
{
	char **v = run_argv(b, in); /* shell form: run by SHELL, as Docker does */
	if (!v)
		return -ENOMEM;
	strv_replace(field, v);
	return 0;
}

static int apply_pairs(struct build *b, const struct gb_df_instr *in, char ***field,
		       struct gb_err *err)
{
	gb_autostrv char **pairs = gb_df_pairs(in->args);
	if (!pairs || !pairs[0])
		return gb_err_set(err, EINVAL, "", "Dockerfile line %d: %s wants KEY=VALUE",
				  in->line, in->keyword);
	for (char **p = pairs; *p; p++) {
		char kv[8192];
		int r = expand(b, *p, kv, sizeof kv, err);
		if (r < 0)
			return r;
		if (in->kind == GB_DF_ENV && !gb_env_valid(kv))
			return gb_err_set(err, EINVAL, "",
					  "Dockerfile line %d: ENV %s is not KEY=VALUE", in->line,
					  kv);
		if (strv_set(field, kv) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return 0;
}

static const char *find_kv(char *const *v, const char *kv)
{
	size_t kl = strcspn(kv, "=");
	for (char *const *e = v; e && *e; e++)
		if (strncmp(*e, kv, kl) == 0 && (*e)[kl] == '=')
			return *e;
	return NULL;
}

/* ARG NAME[=default] (Docker's scoping): a --build-arg NAME wins; an ARG before the first
 * FROM is global and only FROM sees it; a stage sees a global one when it declares it
 * again by name, and then gets its value. Into: b->global or b->args. */
static int apply_arg(struct build *b, const struct gb_df_instr *in, char ***into,
		     struct gb_err *err)
{
	char kv[4096];
	gb_autostrv char **vars = into == &b->global ? gb_strv_dup(b->global) : vars_of(b);
	int r = vars ? gb_df_expand(in->args, vars, kv, sizeof kv) : -ENOMEM;
	if (r < 0)
		return gb_err_set(err, -r, "", "cannot substitute variables in: %s", in->args);
	const char *set = find_kv(b->o->build_args, kv);
	if (!set && !strchr(kv, '='))
		set = into == &b->global ? NULL : find_kv(b->global, kv);
	if (!set && !strchr(kv, '='))
		return 0; /* declared without a value: unset */
	return strv_set(into, set ? set : kv) < 0 ? gb_err_set(err, ENOMEM, "", "out of memory")
						  : 0;
}

static int apply_expose(struct build *b, const char *args, struct gb_err *err)
{
	gb_autostrv char **ports = gb_df_words(args);
	for (char **p = ports; p && *p; p++) {
		char port[64];
		char *end;
		long num = strtol(*p, &end, 10);
		if (num < 1 || num > 65535 || (*end && strcmp(end, "/tcp") && strcmp(end, "/udp")))
			return gb_err_set(err, EINVAL, "",
					  "EXPOSE %s: not a port (write 80 or 53/udp)", *p);
		snprintf(port, sizeof port, "%ld/%s", num, *end ? end + 1 : "tcp");
		if (strv_set(&b->img.exposed, port) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* HEALTHCHECK [--interval=D] [--timeout=D] [--start-period=D] [--retries=N] CMD ... | NONE
 * (core/engine/health.h): the exec form ["a","b"] is the argv, the shell form runs under
 * /bin/sh -c. NONE drops the base image's. */
static int health_opt(struct gb_healthcheck *h, const char *opt, const char *val)
{
	double d;
	char *end;
	if (!strcmp(opt, "--retries")) {
		long n = strtol(val, &end, 10);
		return end == val || *end || n < 0 ? -EINVAL : (h->retries = (int)n, 0);
	}
	if (gb_health_parse_duration(val, &d) < 0)
		return -EINVAL;
	if (!strcmp(opt, "--interval") && d > 0)
		return h->interval = d, 0;
	if (!strcmp(opt, "--timeout") && d > 0)
		return h->timeout = d, 0;
	if (!strcmp(opt, "--start-period"))
		return h->start_period = d, 0;
	return strcmp(opt, "--start-interval") ? -EINVAL : 0; /* Docker's, not kept here */
}

static char **health_test(const char *s)
{
	if (*s != '[') {
		char *const sh[] = { "/bin/sh", "-c", (char *)s, NULL };
		return gb_strv_dup(sh);
	}
	struct gb_jval *v = gb_json_parse(s, strlen(s), NULL, 0);
	char **argv = NULL;
	bool strings = v && v->type == GB_JARR && v->child;
	for (const struct gb_jval *e = v ? v->child : NULL; e; e = e->next)
		strings &= e->type == GB_JSTR;
	if (strings)
		argv = gb_jstrv(v);
	gb_jval_free(v);
	return argv;
}

static int apply_healthcheck(struct gb_image *img, const struct gb_df_instr *in, struct gb_err *err)
{
	struct gb_healthcheck h = { 0 };
	const char *s = in->args;
	while (!strncmp(s, "--", 2)) {
		char opt[128];
		size_t n = strcspn(s, " \t");
		snprintf(opt, sizeof opt, "%.*s", (int)n, s);
		char *eq = strchr(opt, '=');
		if (eq)
			*eq = '\0';
		if (!eq || health_opt(&h, opt, eq + 1) < 0)
			return gb_err_set(err, EINVAL, "",
					  "Dockerfile line %d: HEALTHCHECK %.*s: give --interval=, "
					  "--timeout=, --start-period= a duration (30s) and "
					  "--retries= a number",
					  in->line, (int)n, s);
		s += n + strspn(s + n, " \t");
	}
	if (!strcmp(s, "NONE")) {
		strv_replace(&img->health.test, NULL);
		return 0;
	}
	if (strncmp(s, "CMD", 3) || (s[3] != ' ' && s[3] != '\t') ||
	    !(h.test = health_test(s + 4 + strspn(s + 4, " \t"))))
		return gb_err_set(err, EINVAL, "",
				  "Dockerfile line %d: write HEALTHCHECK [OPTIONS] CMD command, "
				  "or HEALTHCHECK NONE",
				  in->line);
	strv_replace(&img->health.test, h.test);
	h.test = img->health.test;
	img->health = h;
	return 0;
}

/* SHELL ["executable", "parameters"]: what runs the shell form of RUN, CMD, ENTRYPOINT. */
static int apply_shell(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	if (!in->argv || !in->argv[0]) {
		int r = gb_err_set(err, EINVAL, "", "Dockerfile line %d: SHELL wants the JSON form",
				   in->line);
		gb_err_hint(err, "write SHELL [\"/bin/sh\", \"-c\"]");
		return r;
	}
	char **v = gb_strv_dup(in->argv);
	if (!v)
		return -ENOMEM;
	strv_replace(&b->shell, v);
	return 0;
}

/* VOLUME ["/a", "/b"] or VOLUME /a /b: absolute paths, recorded in the image config;
 * each container of the image (the RUNs after this one too) gets an anonymous volume
 * there, so what a later RUN writes below it is not kept in the image, as in Docker. */
static int apply_volume(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	gb_autostrv char **paths = in->argv ? gb_strv_dup(in->argv) : gb_df_words(in->args);
	for (char **p = paths; p && *p; p++) {
		char path[1024];
		int r = expand(b, *p, path, sizeof path, err);
		if (r < 0)
			return r;
		if (path[0] != '/' || strstr(path, "/../") || !strcmp(path, "/") ||
		    (strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/..")))
			return gb_err_set(err, EINVAL, "",
					  "Dockerfile line %d: VOLUME %s is not an absolute path "
					  "below /",
					  in->line, path);
		bool dup = false;
		for (char **v = b->img.volumes; v && *v; v++)
			dup |= !strcmp(*v, path);
		if (!dup && gb_strv_push(&b->img.volumes, path) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return paths && paths[0] ? 0
				 : gb_err_set(err, EINVAL, "",
					      "Dockerfile line %d: VOLUME wants a path", in->line);
}

/* ENTRYPOINT clears a CMD inherited from the base image (not one this stage set), as Docker
 * does: FROM debian:bookworm + ENTRYPOINT ["/run.sh"] runs /run.sh, not /run.sh bash. */
static int apply_entrypoint(struct build *b, const struct gb_df_instr *in)
{
	if (!b->cmd_set) {
		char **none = calloc(1, sizeof *none);
		if (!none)
			return -ENOMEM;
		strv_replace(&b->img.cmd, none);
	}
	return set_argv(b, &b->img.entrypoint, in);
}

/* Change the config as the instruction says (also on a cache hit: config is cheap). */
static int apply_config(struct build *b, const struct gb_df_instr *in, const char *x,
			struct gb_err *err)
{
	struct gb_image *img = &b->img;
	switch (in->kind) {
	case GB_DF_ENV: return apply_pairs(b, in, &img->env, err);
	case GB_DF_LABEL: return apply_pairs(b, in, &img->labels, err);
	case GB_DF_ARG: return apply_arg(b, in, &b->args, err);
	case GB_DF_USER: snprintf(img->user, sizeof img->user, "%s", x); return 0;
	case GB_DF_EXPOSE: return apply_expose(b, x, err);
	case GB_DF_CMD: b->cmd_set = true; return set_argv(b, &img->cmd, in);
	case GB_DF_ENTRYPOINT: return apply_entrypoint(b, in);
	case GB_DF_SHELL: return apply_shell(b, in, err);
	case GB_DF_VOLUME: return apply_volume(b, in, err);
	case GB_DF_HEALTHCHECK: return apply_healthcheck(img, in, err);
	case GB_DF_STOPSIGNAL:
		if (gb_signal_parse(x) < 0)
			return gb_err_set(err, EINVAL, "",
					  "Dockerfile line %d: STOPSIGNAL %s is not a signal",
					  in->line, x);
		snprintf(img->stop_signal, sizeof img->stop_signal, "%s",
			 gb_signal_name(gb_signal_parse(x)));
		return 0;
	default: return 0;
	}
}

/* WORKDIR also creates the directory (in a layer) when the image lacks it. */
static int do_workdir(struct build *b, const struct gb_df_instr *in, const char *x,
		      struct gb_err *err)
{
	char dir[1024], instruction[1100];
	join_workdir(b, x, dir, sizeof dir);
	snprintf(b->img.workdir, sizeof b->img.workdir, "%s", dir);
	snprintf(instruction, sizeof instruction, "WORKDIR %s", dir);
	bool is_dir = false;
	if (image_has(b, dir, &is_dir) && is_dir)
		return config_layer(b, instruction, err);
	struct gb_layer meta;
	init_meta(b, &meta, instruction, NULL);
	int r = try_cache(b, &meta);
	if (r != 0)
		return r < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
	char diff[700], full[2000];
	double t0 = gb_monotonic();
	r = gb_layer_new(b->rt, &meta, diff, sizeof diff, err);
	if (r < 0)
		return r;
	gb_path(full, sizeof full, "%s%s", diff, dir);
	if ((r = gb_mkdir_p(full, 0755)) < 0) {
		gb_layer_remove(b->rt, meta.id);
		return gb_err_set(err, -r, "mkdir", "cannot create %s", full);
	}
	return finish_layer(b, &meta, t0, err);
}

/* ------------------------------------------------------------ FROM */

static int from_scratch(struct build *b)
{
	char *const env[] = { DEFAULT_PATH, NULL };
	b->img.layers = calloc(1, sizeof *b->img.layers);
	b->img.env = gb_strv_dup(env);
	b->img.cmd = calloc(1, sizeof *b->img.cmd);
	b->img.entrypoint = calloc(1, sizeof *b->img.entrypoint);
	b->img.exposed = calloc(1, sizeof *b->img.exposed);
	b->img.labels = calloc(1, sizeof *b->img.labels);
	snprintf(b->img.workdir, sizeof b->img.workdir, "/");
	bool ok = b->img.layers && b->img.env && b->img.cmd && b->img.entrypoint &&
		  b->img.exposed && b->img.labels;
	return ok ? 0 : -ENOMEM;
}

/* FROM an image that is not here and no base glassbox makes: pulled from its registry
 * first, as docker build does, by a child glassbox-images (the registry code and libcurl
 * live there: base/helper.h) with this build's roots. 0 when pulled. */
static int pull_base(struct build *b, const char *ref, struct gb_err *err)
{
	char prog[1024];
	int r = gb_helper_path(b->rt->share_dir, "glassbox-images", prog, sizeof prog, err);
	if (r < 0)
		return r;
	const char *args[] = {
		"--root", b->rt->state_root, "--data-root", b->rt->data_root, "pull-missing", ref,
		NULL
	};
	r = gb_helper_run(prog, args, err);
	if (r > 0)
		return gb_err_set(err, EIO, "", "%s pull-missing exited with status %d", prog, r);
	return r;
}

static int resolve_image(struct build *b, const char *ref, struct gb_image *img, struct gb_err *err)
{
	char name[256];
	if (gb_image_normalize(ref, name, sizeof name) < 0)
		return gb_err_set(err, EINVAL, "", "%s: not an image name", ref);
	struct gb_err quiet = { 0 };
	int r = gb_image_resolve(b->rt, name, img, &quiet);
	if (r == -ENOENT) {
		r = gb_base_make(b->rt, name, err);
		if (r == 1)
			return gb_image_resolve(b->rt, name, img, err);
		if (r < 0)
			return r;
		if ((r = pull_base(b, ref, err)) == 0)
			return gb_image_resolve(b->rt, name, img, err);
		char names[1024], why[sizeof err->msg];
		gb_image_list_names(b->rt, names, sizeof names);
		snprintf(why, sizeof why, "%s", err->msg);
		r = gb_err_set(err, err->code ? err->code : ENOENT, "",
			       "%s: not stored here, no stage of that name, not a Debian base "
			       "glassbox makes, and the pull failed: %s",
			       ref, why);
		gb_err_hint(
			err,
			"the image's registry must be reachable (`glassbox pull %s`); available: "
			"scratch, %s, and (made on first use) %s",
			ref, names, gb_base_names());
		return r;
	}
	if (r < 0)
		*err = quiet;
	return r;
}

/* FROM an earlier stage (its saved hidden image), scratch, or an image. */
static int do_from(struct build *b, const char *ref, struct gb_err *err)
{
	int idx = gb_df_stage_index(b->stages, b->cur, ref);
	int r;
	b->cmd_set = false; /* a new stage: its CMD is the base's until it sets one */
	if (idx < 0 && strcmp(ref, "scratch") == 0) {
		say(b, " ---> (scratch: no layers)");
		return from_scratch(b) < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
	}
	if (idx >= 0)
		r = gb_image_resolve(b->rt, b->built[idx], &b->img, err);
	else
		r = resolve_image(b, ref, &b->img, err);
	if (r < 0) {
		struct gb_err e = *err;
		if (idx < 0 && e.msg[0]) {
			gb_err_set(err, e.code, e.call, "FROM %.480s", e.msg);
			gb_err_hint(err, "%s", e.hint);
		}
		return r;
	}
	size_t n = gb_strv_len(b->img.layers);
	snprintf(b->parent, sizeof b->parent, "%s", n ? b->img.layers[n - 1] : "");
	say(b, " ---> %s", b->parent);
	return 0;
}

/* ------------------------------------------------------------ the build */

static int emit_step(struct build *b, const struct gb_df_instr *in)
{
	say(b, "Step %d/%d : %s %s", b->step, b->total, in->keyword, in->args);
	struct gb_json j;
	gb_event_begin(&b->rt->events, &j, "build.step");
	gb_json_int(&j, "index", b->step);
	gb_json_int(&j, "total", b->total);
	gb_json_str(&j, "instruction", in->keyword);
	gb_json_str(&j, "args", in->args);
	gb_json_int(&j, "line", in->line);
	if (b->in_stage) { /* the global ARGs before the first FROM have none */
		gb_json_int(&j, "stage", (long long)b->cur);
		gb_json_str(&j, "stage_name", b->stages[b->cur].name);
	}
	gb_event_emit(&b->rt->events, &j);
	return 0;
}

static int do_instruction(struct build *b, const struct gb_df_instr *in, struct gb_err *err)
{
	char x[8192], instruction[1100];
	int r = 0;
	switch (in->kind) {
	case GB_DF_FROM: {
		/* FROM sees the global ARGs only (Docker's rule) */
		r = gb_df_expand(b->stages[b->cur].image, b->global, x, sizeof x);
		if (r < 0)
			return gb_err_set(err, -r, "", "cannot substitute variables in: %s",
					  in->args);
		return do_from(b, x, err);
	}
	case GB_DF_RUN: return do_run(b, in, err);
	case GB_DF_COPY:
	case GB_DF_ADD: return do_copy(b, in, err);
	case GB_DF_WORKDIR:
		r = expand(b, in->args, x, sizeof x, err);
		return r < 0 ? r : do_workdir(b, in, x, err);
	default: break;
	}
	bool literal = in->kind == GB_DF_CMD || in->kind == GB_DF_ENTRYPOINT ||
		       in->kind == GB_DF_HEALTHCHECK; /* Docker expands no variables in these */
	if (!literal && (r = expand(b, in->args, x, sizeof x, err)) < 0)
		return r;
	r = apply_config(b, in, literal ? in->args : x, err);
	if (r < 0)
		return err->code ? r : gb_err_set(err, -r, "", "out of memory");
	snprintf(instruction, sizeof instruction, "%s %s", in->keyword, in->args);
	return config_layer(b, instruction, err);
}

static int read_dockerfile(const struct gb_build_opts *o, struct gb_dockerfile *df,
			   struct gb_err *err)
{
	char path[4200];
	if (o->dockerfile)
		snprintf(path, sizeof path, "%s", o->dockerfile);
	else
		gb_path(path, sizeof path, "%s/Dockerfile", o->context);
	gb_autofree char *text = NULL;
	int r = gb_read_file(path, &text, NULL);
	if (r < 0) {
		gb_err_set(err, -r, "open", "cannot read the Dockerfile %s", path);
		gb_err_hint(err,
			    "give it with -f FILE, or put a Dockerfile in the context directory");
		return r;
	}
	return gb_df_parse(text, df, err);
}

static int finish_image(struct build *b, char image_id[GB_ID_LEN + 1], struct gb_err *err)
{
	char name[256];
	if (gb_image_normalize(b->o->tag, name, sizeof name) < 0)
		return gb_err_set(err, EINVAL, "", "invalid image name '%s'", b->o->tag);
	snprintf(b->img.name, sizeof b->img.name, "%s", name);
	gb_rfc3339(b->img.created, sizeof b->img.created, gb_wallclock());
	/* A new config (its created time at least): the manifest digest of a pulled base names
	 * another document, and push would send that one instead of this image. */
	b->img.digest[0] = '\0';
	int r = gb_image_save(b->rt, &b->img, err);
	if (r < 0)
		return r;
	snprintf(image_id, GB_ID_LEN + 1, "%s", b->parent);
	say(b, "Successfully built %s", b->parent);
	say(b, "Successfully tagged %s", b->o->tag);
	return 0;
}

static int check_opts(const struct gb_build_opts *o, struct build *b, struct gb_err *err)
{
	char name[256];
	if (!o->tag || gb_image_normalize(o->tag, name, sizeof name) < 0 || name[0] == '_') {
		int r = gb_err_set(err, EINVAL, "", "invalid image name '%s'",
				   o->tag ? o->tag : "");
		gb_err_hint(err, "name it with -t NAME: letters, digits and . _ - :, not starting "
				 "with . - _");
		return r;
	}
	if (!o->context || !realpath(o->context, b->context)) {
		int r = gb_err_set(err, ENOENT, "", "build context %s: no such directory",
				   o->context ? o->context : "");
		gb_err_hint(err, "give the directory that holds the files to COPY, e.g. `glassbox "
				 "build -t app .`");
		return r;
	}
	return 0;
}

/* Which stages the target needs: itself, the stage its FROM names, the stages its
 * COPY --from names, and theirs (BuildKit builds no other). References only point back. */
static void mark_needed(struct build *b, const struct gb_dockerfile *df, size_t target, bool *need)
{
	need[target] = true;
	for (size_t i = target + 1; i-- > 0;) {
		const struct gb_df_stage *st = &b->stages[i];
		char ref[512], from[256];
		if (!need[i])
			continue;
		if (gb_df_expand(st->image, b->global, ref, sizeof ref) == 0 &&
		    gb_df_stage_index(b->stages, i, ref) >= 0)
			need[gb_df_stage_index(b->stages, i, ref)] = true;
		for (size_t k = st->first + 1; k < st->end; k++) {
			const char *bad;
			gb_autostrv char **w = df->v[k].kind != GB_DF_COPY ? NULL
					       : df->v[k].argv ? gb_strv_dup(df->v[k].argv)
							       : gb_df_words(df->v[k].args);
			if (!w || gb_df_copy_flags(w, from, sizeof from, &bad) <= 0 || !from[0] ||
			    gb_df_expand(from, b->global, ref, sizeof ref) < 0)
				continue;
			int idx = gb_df_stage_index(b->stages, i, ref);
			if (idx >= 0)
				need[idx] = true;
		}
	}
}

static int find_target(struct build *b, size_t *target, struct gb_err *err)
{
	*target = b->nstages - 1;
	if (!b->o->target || !b->o->target[0])
		return 0;
	int idx = gb_df_stage_index(b->stages, b->nstages, b->o->target);
	if (idx >= 0 && !isdigit((unsigned char)b->o->target[0])) {
		*target = (size_t)idx;
		return 0;
	}
	char names[1024] = "";
	for (size_t i = 0; i < b->nstages; i++)
		if (b->stages[i].name[0])
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 names[0] ? ", " : "", b->stages[i].name);
	int r = gb_err_set(err, ENOENT, "", "--target %s: no stage of that name in the Dockerfile",
			   b->o->target);
	gb_err_hint(err, "the stages named with FROM ... AS NAME: %s", names[0] ? names : "none");
	return r;
}

static void reset_stage(struct build *b, size_t si)
{
	gb_image_free(&b->img);
	memset(&b->img, 0, sizeof b->img);
	b->parent[0] = '\0';
	gb_strv_free(b->args);
	b->args = calloc(1, sizeof *b->args);
	gb_strv_free(b->shell);
	b->shell = NULL;
	b->cur = si;
	b->in_stage = true;
}

static int run_steps(struct build *b, const struct gb_dockerfile *df, size_t from, size_t to,
		     struct gb_err *err)
{
	int r = 0;
	for (size_t i = from; r == 0 && i < to; i++) {
		b->step++;
		emit_step(b, &df->v[i]);
		r = df->v[i].kind == GB_DF_ARG && i < b->stages[0].first
			    ? apply_arg(b, &df->v[i], &b->global, err)
			    : do_instruction(b, &df->v[i], err);
	}
	return r;
}

/* A stage another one uses is kept as a hidden image ("_stage_..."), removed at the end. */
static int save_stage(struct build *b, size_t si, struct gb_err *err)
{
	char id[GB_ID_LEN + 1];
	gb_random_id(id);
	snprintf(b->built[si], sizeof b->built[si], "_stage_%s", id);
	snprintf(b->img.name, sizeof b->img.name, "%s", b->built[si]);
	return gb_image_save(b->rt, &b->img, err);
}

static int build_stages(struct build *b, const struct gb_dockerfile *df, struct gb_err *err)
{
	size_t target;
	int r = find_target(b, &target, err);
	gb_autofree bool *need = calloc(b->nstages, sizeof *need);
	if (r < 0 || !need)
		return r < 0 ? r : gb_err_set(err, ENOMEM, "", "out of memory");
	mark_needed(b, df, target, need);
	b->total = (int)b->stages[0].first;
	for (size_t i = 0; i <= target; i++)
		b->total += need[i] ? (int)(b->stages[i].end - b->stages[i].first) : 0;
	r = run_steps(b, df, 0, b->stages[0].first, err);
	for (size_t i = 0; r == 0 && i <= target; i++) {
		const struct gb_df_stage *st = &b->stages[i];
		if (!need[i]) {
			say(b, "Skipping stage %zu%s%s: the target does not need it", i,
			    st->name[0] ? " " : "", st->name);
			continue;
		}
		reset_stage(b, i);
		if (!b->args)
			return gb_err_set(err, ENOMEM, "", "out of memory");
		r = run_steps(b, df, st->first, st->end, err);
		if (r == 0 && i < target)
			r = save_stage(b, i, err);
	}
	return r;
}

static void build_free(struct build *b)
{
	for (size_t i = 0; b->built && i < b->nstages; i++)
		if (b->built[i][0])
			remove_tmp_image(b, b->built[i]);
	free(b->built);
	free(b->stages);
	gb_image_free(&b->img);
	gb_strv_free(b->args);
	gb_strv_free(b->global);
	gb_strv_free(b->shell);
	gb_strv_free(b->ignore);
}

/* Docker's warning for a --build-arg no ARG declares (a typo, most of the time). */
static void warn_unused_args(struct build *b, const struct gb_dockerfile *df)
{
	char unused[1024] = "";
	for (char **a = b->o->build_args; a && *a; a++) {
		size_t kl = strcspn(*a, "=");
		bool used = false;
		for (size_t i = 0; !used && i < df->n; i++)
			used = df->v[i].kind == GB_DF_ARG && !strncmp(df->v[i].args, *a, kl) &&
			       strchr("= \t", df->v[i].args[kl]);
		if (!used)
			snprintf(unused + strlen(unused), sizeof unused - strlen(unused), "%s%.*s",
				 unused[0] ? " " : "", (int)kl, *a);
	}
	if (unused[0])
		say(b, "[Warning] One or more build-args [%s] were not consumed", unused);
}

int gb_build(struct gb_runtime *rt, const struct gb_build_opts *o, char image_id[GB_ID_LEN + 1],
	     struct gb_err *err)
{
	struct build b = { .rt = rt, .o = o, .src_what = "build context" };
	struct gb_dockerfile df;
	int r = check_opts(o, &b, err);
	if (r < 0)
		return r;
	r = read_dockerfile(o, &df, err);
	if (r < 0)
		return r;
	gb_events_set_container(&rt->events, "", "");
	r = gb_df_stages(&df, &b.stages, &b.nstages, err);
	b.args = calloc(1, sizeof *b.args);
	b.global = calloc(1, sizeof *b.global);
	b.built = calloc(b.nstages + 1, sizeof *b.built);
	if (r == 0 && (!b.args || !b.global || !b.built || load_ignore(&b) < 0))
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0)
		r = build_stages(&b, &df, err);
	if (r == 0)
		warn_unused_args(&b, &df);
	if (r == 0)
		r = finish_image(&b, image_id, err);
	gb_df_free(&df);
	build_free(&b);
	return r;
}
