/* Image and layer store (image.h): resolve a name to its layers and config, record new
 * layers, remove images. The layers are plain directories: overlayfs stacks them as
 * lower dirs (rootfs.c), so a layer is read-only by use, not by any flag. Lab 11. */
#include "storage/image.h"
#include "ns/userns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUILTIN "busybox"

int gb_image_normalize(const char *ref, char *out, size_t len)
{
	if (!ref || !*ref || strlen(ref) >= len)
		return -EINVAL;
	snprintf(out, len, "%s", ref);
	size_t n = strlen(out);
	if (n > 7 && strcmp(out + n - 7, ":latest") == 0)
		out[n - 7] = '\0';
	/* Image names become file names: letters, digits, and . _ - : only, plus the / and @
	 * of a pulled image's name (127.0.0.1:5000/team/app, busybox@sha256:...), and the
	 * brackets of a registry's IPv6 address before the first / ([::1]:5000/app). */
	const char *p = out, *slash = strchr(out, '/');
	if (out[0] == '[') {
		const char *close = strchr(out, ']');
		if (!close || !slash || close > slash)
			return -EINVAL;
		for (p = out + 1; p < close; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return -EINVAL;
		p = close + 1;
	}
	for (; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-:/@", *p))
			return -EINVAL;
	if (out[0] == '.' || out[0] == '-' || out[0] == '/' || out[n - 1] == '/' ||
	    strstr(out, "//") || strstr(out, "/.") || strstr(out, "./"))
		return -EINVAL;
	return 0;
}

/* A name's / is + in its file name (+ is not allowed in names, so the mapping is 1:1). */
static int image_path(const struct gb_runtime *rt, const char *name, char *buf, size_t len)
{
	char file[256];
	snprintf(file, sizeof file, "%s", name);
	for (char *p = file; *p; p++)
		*p = *p == '/' ? '+' : *p;
	return gb_path(buf, len, "%s/images/%s.json", rt->data_root, file);
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* ------------------------------------------------------------ layers */

int gb_layer_diff_path(const struct gb_runtime *rt, const char *id, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/layers/%s/diff", rt->data_root, id);
}

int gb_layer_new(struct gb_runtime *rt, struct gb_layer *meta, char *diff, size_t len,
		 struct gb_err *err)
{
	char dir[700];
	gb_random_id(meta->id);
	gb_path(dir, sizeof dir, "%s/layers/%s", rt->data_root, meta->id);
	int r = gb_mkdir_p(dir, 0700);
	if (r == 0 && gb_layer_diff_path(rt, meta->id, diff, len) < 0)
		r = -ENAMETOOLONG;
	if (r == 0 && !meta->empty && mkdir(diff, 0755) < 0)
		r = -errno;
	if (r < 0) {
		gb_rm_rf(dir);
		return gb_err_set(err, -r, "mkdir", "cannot create layer %s", dir);
	}
	return 0;
}

int gb_layer_commit(struct gb_runtime *rt, struct gb_layer *meta, struct gb_err *err)
{
	char diff[700], path[700];
	gb_layer_diff_path(rt, meta->id, diff, sizeof diff);
	meta->size = meta->empty ? 0 : gb_du(diff);
	gb_rfc3339(meta->created, sizeof meta->created, gb_wallclock());
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "id", meta->id);
	gb_json_str(&j, "parent", meta->parent);
	gb_json_str(&j, "instruction", meta->instruction);
	gb_json_str(&j, "cache_key", meta->cache_key);
	gb_json_int(&j, "size", meta->size);
	gb_json_str(&j, "created", meta->created);
	gb_json_bool(&j, "empty", meta->empty);
	gb_json_obj_end(&j);
	gb_path(path, sizeof path, "%s/layers/%s/layer.json", rt->data_root, meta->id);
	int r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	if (r < 0)
		return gb_err_set(err, -r, "write", "cannot record layer %s", path);
	return 0;
}

int gb_layer_load(struct gb_runtime *rt, const char *id, struct gb_layer *meta)
{
	char path[700];
	gb_path(path, sizeof path, "%s/layers/%s/layer.json", rt->data_root, id);
	gb_autofree char *text = NULL;
	size_t len;
	int r = gb_read_file(path, &text, &len);
	if (r < 0)
		return r;
	struct gb_jval *v = gb_json_parse(text, len, NULL, 0);
	if (!v)
		return -EINVAL;
	memset(meta, 0, sizeof *meta);
	copy_str(meta->id, sizeof meta->id, gb_jstr(v, "id", id));
	copy_str(meta->parent, sizeof meta->parent, gb_jstr(v, "parent", ""));
	copy_str(meta->instruction, sizeof meta->instruction, gb_jstr(v, "instruction", ""));
	copy_str(meta->cache_key, sizeof meta->cache_key, gb_jstr(v, "cache_key", ""));
	copy_str(meta->created, sizeof meta->created, gb_jstr(v, "created", ""));
	meta->size = gb_jint(v, "size", 0);
	meta->empty = gb_jbool(v, "empty", false);
	gb_jval_free(v);
	return 0;
}

void gb_layer_remove(struct gb_runtime *rt, const char *id)
{
	char dir[700];
	if (!id[0] || strchr(id, '/'))
		return;
	gb_path(dir, sizeof dir, "%s/layers/%s", rt->data_root, id);
	gb_rm_rf(dir);
	/* Rootless, a RUN's other users (mysql, _apt, www-data) left files owned by the user's
	 * subordinate ids, which the user may not unlink: root of a user namespace with the
	 * containers' maps may. */
	struct gb_idmap u, g;
	if (access(dir, F_OK) == 0 && gb_userns_rootless() &&
	    gb_userns_rootless_maps(&u, &g, NULL) == 0)
		gb_userns_rm_rf(dir, &u, &g, NULL);
}

/* ------------------------------------------------------------ image files */

static void config_strv(struct gb_json *j, const char *key, char *const *v)
{
	if (v)
		gb_json_strv(j, key, v);
}

int gb_image_save(struct gb_runtime *rt, const struct gb_image *img, struct gb_err *err)
{
	char path[700], dir[700];
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "name", img->name);
	gb_json_str(&j, "created", img->created);
	if (img->digest[0])
		gb_json_str(&j, "digest", img->digest);
	gb_json_strv(&j, "layers", img->layers);
	gb_json_obj_begin(&j, "config");
	config_strv(&j, "env", img->env);
	config_strv(&j, "cmd", img->cmd);
	config_strv(&j, "entrypoint", img->entrypoint);
	gb_json_str(&j, "workdir", img->workdir[0] ? img->workdir : "/");
	gb_json_str(&j, "user", img->user);
	gb_json_str(&j, "stop_signal", img->stop_signal[0] ? img->stop_signal : "SIGTERM");
	config_strv(&j, "exposed_ports", img->exposed);
	if (img->volumes && img->volumes[0]) /* VOLUME */
		config_strv(&j, "volumes", img->volumes);
	if (img->health.test) { /* HEALTHCHECK */
		gb_json_obj_begin(&j, "healthcheck");
		gb_json_strv(&j, "test", img->health.test);
		gb_json_double(&j, "interval", img->health.interval, 3);
		gb_json_double(&j, "timeout", img->health.timeout, 3);
		gb_json_int(&j, "retries", img->health.retries);
		gb_json_double(&j, "start_period", img->health.start_period, 3);
		gb_json_obj_end(&j);
	}
	gb_json_obj_begin(&j, "labels");
	for (char *const *l = img->labels; l && *l; l++) {
		char key[256];
		snprintf(key, sizeof key, "%.*s", (int)strcspn(*l, "="), *l);
		gb_json_str(&j, key, strchr(*l, '=') ? strchr(*l, '=') + 1 : "");
	}
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	gb_mkdir_p(dir, 0700);
	image_path(rt, img->name, path, sizeof path);
	int r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	if (r < 0)
		return gb_err_set(err, -r, "write", "cannot record image %s", path);
	return 0;
}

static char **labels_strv(const struct gb_jval *obj)
{
	size_t n = obj && obj->type == GB_JOBJ ? obj->n : 0, k = 0;
	char **v = calloc(n + 1, sizeof *v);
	for (const struct gb_jval *e = n ? obj->child : NULL; v && e; e = e->next) {
		if (e->type != GB_JSTR)
			continue;
		size_t len = strlen(e->key) + strlen(e->str) + 2;
		if (!(v[k] = malloc(len))) {
			gb_strv_free(v);
			return NULL;
		}
		snprintf(v[k++], len, "%s=%s", e->key, e->str);
	}
	return v;
}

/* overlayfs lists lower layers top first; we store them bottom first, as built. Empty
 * (config-only) layers have no files, so they are not stacked at all. */
static int build_lower(struct gb_runtime *rt, struct gb_image *img, struct gb_err *err)
{
	size_t n = gb_strv_len(img->layers), used = 0;
	img->lower[0] = '\0';
	for (size_t i = n; i-- > 0;) {
		char diff[700];
		gb_layer_diff_path(rt, img->layers[i], diff, sizeof diff);
		if (access(diff, F_OK) < 0)
			continue;
		int w = snprintf(img->lower + used, sizeof img->lower - used, "%s%s",
				 used ? ":" : "", diff);
		if (w < 0 || (size_t)w >= sizeof img->lower - used)
			return gb_err_set(err, E2BIG, "mount", "image %s has too many layers",
					  img->name);
		used += w;
	}
	if (used == 0) {
		int r = gb_err_set(err, EINVAL, "", "image %s has no files (no layer with content)",
				   img->name);
		gb_err_hint(err, "an image FROM scratch needs a COPY or ADD before it can run");
		return r;
	}
	return 0;
}

static int parse_image(struct gb_runtime *rt, const char *name, const struct gb_jval *root,
		       struct gb_image *img, struct gb_err *err)
{
	copy_str(img->name, sizeof img->name, name);
	copy_str(img->created, sizeof img->created, gb_jstr(root, "created", ""));
	copy_str(img->digest, sizeof img->digest, gb_jstr(root, "digest", ""));
	img->layers = gb_jstrv(gb_jget(root, "layers"));
	const struct gb_jval *c = gb_jget(root, "config");
	img->env = gb_jstrv(gb_jget(c, "env"));
	img->cmd = gb_jstrv(gb_jget(c, "cmd"));
	img->entrypoint = gb_jstrv(gb_jget(c, "entrypoint"));
	img->exposed = gb_jstrv(gb_jget(c, "exposed_ports"));
	img->labels = labels_strv(gb_jget(c, "labels"));
	copy_str(img->workdir, sizeof img->workdir, gb_jstr(c, "workdir", "/"));
	copy_str(img->user, sizeof img->user, gb_jstr(c, "user", ""));
	copy_str(img->stop_signal, sizeof img->stop_signal, gb_jstr(c, "stop_signal", "SIGTERM"));
	if (gb_jget(c, "volumes") && !(img->volumes = gb_jstrv(gb_jget(c, "volumes"))))
		return gb_err_set(err, ENOMEM, "", "out of memory reading image %s", name);
	const struct gb_jval *h = gb_jget(c, "healthcheck");
	if (h && gb_jget(h, "test")) { /* HEALTHCHECK */
		img->health.test = gb_jstrv(gb_jget(h, "test"));
		img->health.interval = gb_jnum(h, "interval", 0);
		img->health.timeout = gb_jnum(h, "timeout", 0);
		img->health.retries = (int)gb_jint(h, "retries", 0);
		img->health.start_period = gb_jnum(h, "start_period", 0);
	}
	if (!img->layers || !img->env || !img->cmd || !img->entrypoint || !img->exposed ||
	    !img->labels)
		return gb_err_set(err, ENOMEM, "", "out of memory reading image %s", name);
	return 0;
}

static int load_image(struct gb_runtime *rt, const char *name, struct gb_image *img,
		      struct gb_err *err)
{
	char path[700];
	memset(img, 0, sizeof *img); /* gb_image_free may follow any failure */
	image_path(rt, name, path, sizeof path);
	gb_autofree char *text = NULL;
	size_t len;
	int r = gb_read_file(path, &text, &len);
	if (r < 0)
		return r;
	char perr[128];
	struct gb_jval *root = gb_json_parse(text, len, perr, sizeof perr);
	if (!root)
		return gb_err_set(err, EINVAL, "", "image file %s is corrupt (%s)", path, perr);
	r = parse_image(rt, name, root, img, err);
	gb_jval_free(root);
	if (r == 0)
		r = build_lower(rt, img, err);
	return r;
}

/* `make` rebuilds the built-in image (new demo programs, a new busybox): the mtime of
 * its image.json says which build a data root imported, so a newer one is imported
 * again. "" when the share dir has no built-in image. */
static void builtin_stamp(const struct gb_runtime *rt, char *buf, size_t len)
{
	char cfg[700];
	struct stat st;
	gb_path(cfg, sizeof cfg, "%s/images/" BUILTIN "/image.json", rt->share_dir);
	buf[0] = '\0';
	if (stat(cfg, &st) == 0)
		snprintf(buf, len, "%lld.%09ld %lld\n", (long long)st.st_mtim.tv_sec,
			 st.st_mtim.tv_nsec, (long long)st.st_size);
}

static bool builtin_current(const struct gb_runtime *rt)
{
	char want[64], path[700], have[64] = "";
	builtin_stamp(rt, want, sizeof want);
	if (!want[0])
		return true; /* nothing to import from: keep what the data root has */
	gb_path(path, sizeof path, "%s/images/" BUILTIN ".stamp", rt->data_root);
	gb_autofree char *text = NULL;
	if (gb_read_file(path, &text, NULL) == 0)
		snprintf(have, sizeof have, "%s", text);
	return strcmp(want, have) == 0;
}

/* Copy the built-in rootfs into a new layer and record the image. The data root's
 * lock makes two CLIs that both start the first container agree on one import. */
static int import_builtin(struct gb_runtime *rt, struct gb_err *err)
{
	char src[700], cfg[700], dir[700], img_path[700], lock[700], diff[700];
	gb_path(src, sizeof src, "%s/images/" BUILTIN "/rootfs", rt->share_dir);
	gb_path(cfg, sizeof cfg, "%s/images/" BUILTIN "/image.json", rt->share_dir);
	gb_autofree char *cfgtext = NULL;
	size_t cfglen;
	struct stat st;
	if (stat(src, &st) < 0 || gb_read_file(cfg, &cfgtext, &cfglen) < 0) {
		int r = gb_err_set(err, ENOENT, "open", "the built-in image is missing: %s", src);
		gb_err_hint(err, "build it with `make` (it needs Debian's busybox-static), or set "
				 "GLASSBOX_SHARE");
		return r;
	}
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	gb_mkdir_p(dir, 0700);
	gb_path(lock, sizeof lock, "%s/images/.lock", rt->data_root);
	gb_autoclose int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0)
		return gb_err_set(err, errno, "flock", "cannot lock %s", lock);
	image_path(rt, BUILTIN, img_path, sizeof img_path);
	if (access(img_path, F_OK) == 0 && builtin_current(rt))
		return 0; /* another CLI imported it while we waited */
	char stamp[64], stamp_path[700];
	builtin_stamp(rt, stamp, sizeof stamp);
	struct gb_layer meta = { 0 };
	snprintf(meta.instruction, sizeof meta.instruction,
		 "built-in busybox image (Debian busybox-static)");
	int r = gb_layer_new(rt, &meta, diff, sizeof diff, err);
	if (r < 0)
		return r;
	rmdir(diff);
	r = gb_copy_tree(src, diff, err);
	if (r == 0)
		r = gb_layer_commit(rt, &meta, err);
	/* The image: one layer plus the config shipped with the rootfs. */
	struct gb_jval *c = r == 0 ? gb_json_parse(cfgtext, cfglen, NULL, 0) : NULL;
	struct gb_image img = { 0 };
	char *layers[] = { meta.id, NULL };
	if (r == 0 && !c)
		r = gb_err_set(err, EINVAL, "", "corrupt %s", cfg);
	if (r == 0) {
		struct gb_jval wrap = { .type = GB_JOBJ, .child = c, .n = 1 };
		c->key = c->key ? c->key : strdup("config");
		r = parse_image(rt, BUILTIN, &wrap, &img, err);
		gb_strv_free(img.layers);
		img.layers = layers;
		gb_rfc3339(img.created, sizeof img.created, gb_wallclock());
		if (r == 0)
			r = gb_image_save(rt, &img, err);
		/* The older import's layer stays: containers made from it still stack it. */
		gb_path(stamp_path, sizeof stamp_path, "%s/images/" BUILTIN ".stamp",
			rt->data_root);
		if (r == 0)
			gb_write_atomic(stamp_path, stamp, strlen(stamp), 0644);
		img.layers = NULL;
		gb_image_free(&img);
	}
	gb_jval_free(c);
	if (r < 0)
		gb_layer_remove(rt, meta.id);
	return r;
}

bool gb_image_builtin(const char *ref)
{
	char name[256];
	return gb_image_normalize(ref, name, sizeof name) == 0 && strcmp(name, BUILTIN) == 0;
}

int gb_image_resolve(struct gb_runtime *rt, const char *ref, struct gb_image *img,
		     struct gb_err *err)
{
	char name[256];
	memset(img, 0, sizeof *img);
	if (gb_image_normalize(ref, name, sizeof name) < 0)
		return gb_err_set(err, EINVAL, "", "invalid image name '%s'", ref ? ref : "");
	int r = load_image(rt, name, img, err);
	if (r == 0 && strcmp(name, BUILTIN) == 0 && !builtin_current(rt)) {
		gb_image_free(img);
		r = -ENOENT; /* rebuilt since it was imported: import it again */
	}
	if (r == -ENOENT && strcmp(name, BUILTIN) == 0) {
		r = import_builtin(rt, err);
		if (r == 0)
			r = load_image(rt, name, img, err);
	}
	if (r == -ENOENT) {
		char names[1024];
		gb_image_list_names(rt, names, sizeof names);
		/* Say why and what fetches it: run pulls a missing image by itself (unless
		 * --pull never), compose and build do not. */
		r = gb_err_set(err, ENOENT, "", "unknown image '%s': not stored here", ref);
		gb_err_hint(err,
			    "`glassbox pull %s` fetches it (its registry must be reachable); "
			    "available: %s (`glassbox images` lists them)",
			    ref, names);
	} else if (r < 0 && err && !err->code) {
		gb_err_set(err, -r, "open", "cannot read image %s", name);
	}
	if (r < 0)
		gb_image_free(img);
	return r;
}

void gb_image_free(struct gb_image *img)
{
	gb_strv_free(img->layers);
	gb_strv_free(img->env);
	gb_strv_free(img->cmd);
	gb_strv_free(img->entrypoint);
	gb_strv_free(img->exposed);
	gb_strv_free(img->labels);
	img->layers = img->env = img->cmd = img->entrypoint = img->exposed = img->labels = NULL;
	gb_strv_free(img->health.test);
	img->health.test = NULL;
	gb_strv_free(img->volumes);
	img->volumes = NULL;
}

long long gb_image_size(struct gb_runtime *rt, const struct gb_image *img)
{
	long long total = 0;
	for (char *const *l = img->layers; l && *l; l++) {
		struct gb_layer meta;
		if (gb_layer_load(rt, *l, &meta) == 0)
			total += meta.size;
	}
	return total;
}

/* ------------------------------------------------------------ listing and removal */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **gb_image_list(struct gb_runtime *rt)
{
	char dir[700];
	size_t n = 0;
	char **v = calloc(1, sizeof *v);
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (v && d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (de->d_name[0] == '.' || de->d_name[0] == '_' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".json"))
			continue;
		char ref[256]; /* the reference: no .json, '+' back to '/' */
		snprintf(ref, sizeof ref, "%.*s", (int)(len - 5), de->d_name);
		for (char *p = ref; *p; p++)
			*p = *p == '+' ? '/' : *p;
		if (gb_strv_push(&v, ref) < 0)
			break;
		n++;
	}
	if (d)
		closedir(d);
	if (v)
		qsort(v, n, sizeof *v, cmp_str);
	return v;
}

void gb_image_list_names(struct gb_runtime *rt, char *buf, size_t len)
{
	gb_autostrv char **names = gb_image_list(rt);
	size_t used = 0;
	bool builtin = false;
	buf[0] = '\0';
	for (char **p = names; p && *p; p++) {
		builtin |= strcmp(*p, BUILTIN) == 0;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", *p);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += w;
	}
	if (!builtin)
		snprintf(buf + used, len - used, "%s" BUILTIN " (built in)", used ? ", " : "");
}

/* Is layer `id` still stacked by another image or by any container? */
static bool layer_in_use(struct gb_runtime *rt, const char *id, char *const *images,
			 const struct gb_state *list, size_t n)
{
	char needle[64];
	snprintf(needle, sizeof needle, "/layers/%s/", id);
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i].lower, needle))
			return true;
	for (char *const *im = images; im && *im; im++) {
		struct gb_image other;
		struct gb_err ignored = { 0 };
		if (load_image(rt, *im, &other, &ignored) < 0) {
			gb_image_free(&other);
			continue;
		}
		bool used = false;
		for (char **l = other.layers; l && *l && !used; l++)
			used = strcmp(*l, id) == 0;
		gb_image_free(&other);
		if (used)
			return true;
	}
	return false;
}

static int refuse_in_use(const char *name, const struct gb_state *list, size_t n,
			 struct gb_err *err)
{
	for (size_t i = 0; i < n; i++) {
		char other[256];
		if (gb_image_normalize(list[i].cfg.image, other, sizeof other) < 0 ||
		    strcmp(other, name))
			continue;
		int r = gb_err_set(err, EBUSY, "", "image %s is in use by container %s (%s)", name,
				   list[i].cfg.name, gb_status_name(list[i].status));
		gb_err_hint(err,
			    "remove the container first (`glassbox rm -f %s`), or use rmi -f: "
			    "the layers it stacks are kept until it is removed",
			    list[i].cfg.name);
		return r;
	}
	return 0;
}

int gb_image_remove(struct gb_runtime *rt, const char *ref, bool force, struct gb_err *err)
{
	struct gb_image img;
	int r = gb_image_resolve(rt, ref, &img, err);
	if (r < 0)
		return r;
	struct gb_state *list = NULL;
	size_t n = 0;
	r = gb_state_list(rt, &list, &n, err);
	if (r == 0 && !force)
		r = refuse_in_use(img.name, list, n, err);
	char path[700];
	image_path(rt, img.name, path, sizeof path);
	if (r == 0 && unlink(path) < 0)
		r = gb_err_set(err, errno, "unlink", "cannot remove %s", path);
	if (r == 0) {
		/* Its layers go too, unless shared: a layer is data many images may stack. */
		gb_autostrv char **images = gb_image_list(rt);
		for (char **l = img.layers; *l; l++)
			if (!layer_in_use(rt, *l, images, list, n))
				gb_layer_remove(rt, *l);
	}
	gb_state_list_free(list, n);
	gb_image_free(&img);
	return r;
}
