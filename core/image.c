/* Image store (image.h): resolve a name to its layers and config. */
#include "image.h"

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
	/* Image names become file names: letters, digits, and . _ - : only. */
	for (const char *p = out; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-:", *p))
			return -EINVAL;
	if (out[0] == '.' || out[0] == '-')
		return -EINVAL;
	return 0;
}

static int image_path(const struct gb_runtime *rt, const char *name, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/images/%s.json", rt->data_root, name);
}

/* Copy the built-in rootfs into a new layer and record the image. The data root's
 * lock makes two CLIs that both start the first container agree on one import. */
static int import_builtin(struct gb_runtime *rt, struct gb_err *err)
{
	char src[700], cfg[700], dir[700], diff[800], meta[800], img[700], lock[700];
	gb_path(src, sizeof src, "%s/images/" BUILTIN "/rootfs", rt->share_dir);
	gb_path(cfg, sizeof cfg, "%s/images/" BUILTIN "/image.json", rt->share_dir);
	gb_autofree char *cfgtext = NULL;
	struct stat st;
	if (stat(src, &st) < 0 || gb_read_file(cfg, &cfgtext, NULL) < 0) {
		int r = gb_err_set(err, ENOENT, "open", "the built-in image is missing: %s", src);
		gb_err_hint(err, "build it with `make` (it needs Debian's busybox-static), or set GLASSBOX_SHARE");
		return r;
	}
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	gb_mkdir_p(dir, 0755);
	gb_path(lock, sizeof lock, "%s/images/.lock", rt->data_root);
	gb_autoclose int lfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0)
		return gb_err_set(err, errno, "flock", "cannot lock %s", lock);
	image_path(rt, BUILTIN, img, sizeof img);
	if (access(img, F_OK) == 0)
		return 0;  /* another CLI imported it while we waited */
	char id[GB_ID_LEN + 1];
	gb_random_id(id);
	gb_path(dir, sizeof dir, "%s/layers/%s", rt->data_root, id);
	gb_path(diff, sizeof diff, "%s/diff", dir);
	int r = gb_mkdir_p(dir, 0755);
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create layer %s", dir);
	r = gb_copy_tree(src, diff, err);
	if (r < 0) {
		gb_rm_rf(dir);
		return r;
	}
	char t[64], text[8192];
	gb_rfc3339(t, sizeof t, gb_wallclock());
	snprintf(text, sizeof text,
		 "{\"id\":\"%s\",\"parent\":\"\",\"instruction\":\"built-in busybox image (Debian busybox-static)\","
		 "\"size\":%lld,\"created\":\"%s\"}\n", id, gb_du(diff), t);
	gb_path(meta, sizeof meta, "%s/layer.json", dir);
	r = gb_write_atomic(meta, text, strlen(text), 0644);
	/* The image file: the layer list plus the config shipped with the rootfs. */
	size_t cl = strlen(cfgtext);
	while (cl && (cfgtext[cl - 1] == '\n' || cfgtext[cl - 1] == ' '))
		cfgtext[--cl] = '\0';
	snprintf(text, sizeof text, "{\"name\":\"" BUILTIN "\",\"layers\":[\"%s\"],\"config\":%s}\n",
		 id, cfgtext);
	if (r == 0)
		r = gb_write_atomic(img, text, strlen(text), 0644);
	if (r < 0) {
		gb_rm_rf(dir);
		return gb_err_set(err, -r, "write", "cannot record image %s", img);
	}
	return 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int load_image(struct gb_runtime *rt, const char *name, struct gb_image *img,
		      struct gb_err *err)
{
	char path[700];
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
	copy_str(img->name, sizeof img->name, name);
	img->layers = gb_jstrv(gb_jget(root, "layers"));
	const struct gb_jval *c = gb_jget(root, "config");
	img->env = gb_jstrv(gb_jget(c, "env"));
	img->cmd = gb_jstrv(gb_jget(c, "cmd"));
	img->entrypoint = gb_jstrv(gb_jget(c, "entrypoint"));
	copy_str(img->workdir, sizeof img->workdir, gb_jstr(c, "workdir", "/"));
	copy_str(img->user, sizeof img->user, gb_jstr(c, "user", ""));
	copy_str(img->stop_signal, sizeof img->stop_signal, gb_jstr(c, "stop_signal", "SIGTERM"));
	gb_jval_free(root);
	if (!img->layers || !img->env || !img->cmd || !img->entrypoint)
		return gb_err_set(err, ENOMEM, "", "out of memory reading %s", path);
	/* overlayfs lists lower layers top first; we store them bottom first, as built. */
	size_t n = gb_strv_len(img->layers), used = 0;
	img->lower[0] = '\0';
	for (size_t i = n; i-- > 0;) {
		int w = snprintf(img->lower + used, sizeof img->lower - used, "%s%s/layers/%s/diff",
				 used ? ":" : "", rt->data_root, img->layers[i]);
		if (w < 0 || (size_t)w >= sizeof img->lower - used)
			return gb_err_set(err, E2BIG, "mount", "image %s has too many layers", name);
		used += w;
	}
	if (n == 0)
		return gb_err_set(err, EINVAL, "", "image %s has no layers", name);
	return 0;
}

int gb_image_resolve(struct gb_runtime *rt, const char *ref, struct gb_image *img,
		     struct gb_err *err)
{
	char name[256];
	memset(img, 0, sizeof *img);
	if (gb_image_normalize(ref, name, sizeof name) < 0)
		return gb_err_set(err, EINVAL, "", "invalid image name '%s'", ref ? ref : "");
	int r = load_image(rt, name, img, err);
	if (r == -ENOENT && strcmp(name, BUILTIN) == 0) {
		r = import_builtin(rt, err);
		if (r == 0)
			r = load_image(rt, name, img, err);
	}
	if (r == -ENOENT) {
		char names[1024];
		gb_image_list_names(rt, names, sizeof names);
		r = gb_err_set(err, ENOENT, "", "unknown image '%s'", ref);
		gb_err_hint(err, "available: %s (`glassbox images` lists them)", names);
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
	img->layers = img->env = img->cmd = img->entrypoint = NULL;
}

void gb_image_list_names(struct gb_runtime *rt, char *buf, size_t len)
{
	char dir[700];
	size_t used = 0;
	bool builtin = false;
	buf[0] = '\0';
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		builtin |= strncmp(de->d_name, BUILTIN ".json", n) == 0;
		int w = snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "", (int)(n - 5), de->d_name);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += w;
	}
	if (d)
		closedir(d);
	if (!builtin)
		snprintf(buf + used, len - used, "%s" BUILTIN " (built in)", used ? ", " : "");
}
