/* Remove unused layers (prune.h). */
#include "registry/prune.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/blob.h"
#include "registry/ref.h"
#include "storage/image.h"

struct used {
	char **layers, **blobs;
};

static bool listed(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

/* One image file: its layer ids, its manifest digest and the config that names. */
static int image_uses(struct gb_runtime *rt, const char *path, struct used *u, struct gb_err *err)
{
	gb_autofree char *text = NULL, *manifest = NULL;
	size_t len, mlen;
	struct gb_jval *v =
		gb_read_file(path, &text, &len) == 0 ? gb_json_parse(text, len, NULL, 0) : NULL;
	const struct gb_jval *layers = gb_jget(v, "layers");
	if (!layers || layers->type != GB_JARR) {
		int r = gb_err_set(err, EINVAL, "", "image file %s is unreadable: nothing pruned",
				   path);
		gb_err_hint(err, "remove it or fix it: which layers it needs cannot be told");
		gb_jval_free(v);
		return r;
	}
	for (const struct gb_jval *l = layers ? layers->child : NULL; l; l = l->next)
		if (l->type == GB_JSTR)
			gb_strv_push(&u->layers, l->str);
	const char *digest = gb_jstr(v, "digest", "");
	if (digest[0] && gb_meta_blob_read(rt, digest, &manifest, &mlen) == 0) {
		struct gb_jval *m = gb_json_parse(manifest, mlen, NULL, 0);
		gb_strv_push(&u->blobs, digest);
		gb_strv_push(&u->blobs, gb_jstr(gb_jget(m, "config"), "digest", ""));
		gb_jval_free(m);
	}
	gb_jval_free(v);
	return 0;
}

/* Every image file, '_' ones included (gb_image_list leaves those out). */
static int collect_images(struct gb_runtime *rt, struct used *u, struct gb_err *err)
{
	char dir[700], path[1000];
	gb_path(dir, sizeof dir, "%s/images", rt->data_root);
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : gb_err_set(err, errno, "opendir", "cannot read %s", dir);
	struct dirent *de;
	int r = 0;
	while (r == 0 && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".json"))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		r = image_uses(rt, path, u, err);
	}
	closedir(d);
	return r;
}

/* A container stacks its layers by path, in its overlay's lowerdir. */
static bool in_container(const struct gb_state *list, size_t n, const char *id)
{
	char needle[64];
	snprintf(needle, sizeof needle, "/layers/%s/", id);
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i].lower, needle))
			return true;
	return false;
}

static void prune_layers(struct gb_runtime *rt, const struct used *u, const struct gb_state *list,
			 size_t n, struct gb_prune_opts *o)
{
	char dir[700];
	gb_path(dir, sizeof dir, "%s/layers", rt->data_root);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		/* dot names are operations in flight (.pull-, .load-, .save-): not layers yet */
		if (de->d_name[0] == '.' || listed(u->layers, de->d_name) ||
		    in_container(list, n, de->d_name))
			continue;
		struct gb_layer meta;
		long long size = gb_layer_load(rt, de->d_name, &meta) == 0 ? meta.size : 0;
		gb_layer_remove(rt, de->d_name);
		o->bytes += size;
		o->layers++;
		if (o->freed)
			o->freed(o->data, de->d_name, size);
	}
	if (d)
		closedir(d);
}

static void prune_blobs(struct gb_runtime *rt, const struct used *u)
{
	char dir[700], path[1000], digest[80];
	gb_path(dir, sizeof dir, "%s/blobs/sha256", rt->data_root);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		snprintf(digest, sizeof digest, "sha256:%s", de->d_name);
		if (de->d_name[0] == '.' || !gb_digest_valid(digest) || listed(u->blobs, digest))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
}

int gb_image_prune(struct gb_runtime *rt, struct gb_prune_opts *o, struct gb_err *err)
{
	struct used u = { calloc(1, sizeof(char *)), calloc(1, sizeof(char *)) };
	struct gb_state *list = NULL;
	size_t n = 0;
	int r = u.layers && u.blobs ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0)
		r = collect_images(rt, &u, err);
	if (r == 0)
		r = gb_state_list(rt, &list, &n, err);
	if (r == 0) {
		prune_layers(rt, &u, list, n, o);
		prune_blobs(rt, &u);
	}
	gb_state_list_free(list, n);
	gb_strv_free(u.layers);
	gb_strv_free(u.blobs);
	return r;
}
