/* Layers and images into the store (store.h). */
#include "registry/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "registry/digest.h"
#include "registry/layer.h"
#include "storage/image.h"

bool gb_store_has_layer(struct gb_runtime *rt, const char *digest, char id[13])
{
	struct gb_layer meta;
	snprintf(id, 13, "%.12s", digest + 7);
	return gb_layer_load(rt, id, &meta) == 0 && strstr(meta.instruction, digest);
}

static int remember(struct gb_store *s, const char *id)
{
	char **bigger = realloc(s->made, (s->n_made + 1) * sizeof *bigger);
	if (!bigger)
		return -ENOMEM;
	s->made = bigger;
	if (!(s->made[s->n_made] = strdup(id)))
		return -ENOMEM;
	s->n_made++;
	return 0;
}

/* Unpacked into layers/.pull-ID/diff, then renamed to layers/ID and layer.json written:
 * a half layer never has the name of a whole one. */
int gb_store_layer(struct gb_store *s, const char *file, const struct gb_blob *b,
		   const char *parent, struct gb_err *err)
{
	char id[13], tmp[700], diff[700], final[700], dir[700];
	gb_store_has_layer(s->rt, b->digest, id);
	gb_path(dir, sizeof dir, "%s/layers", s->rt->data_root);
	gb_mkdir_p(dir, 0700);
	gb_path(tmp, sizeof tmp, "%s/layers/.pull-%s", s->rt->data_root, id);
	gb_path(diff, sizeof diff, "%s/diff", tmp);
	gb_path(final, sizeof final, "%s/layers/%s", s->rt->data_root, id);
	gb_rm_rf(tmp);
	int r = gb_mkdir_p(diff, 0755);
	if (r < 0)
		gb_err_set(err, -r, "mkdir", "cannot create %s", diff);
	if (r == 0)
		r = gb_layer_unpack(file, diff, b->digest, err);
	gb_rm_rf(final); /* a layer.json-less leftover of an interrupted operation */
	if (r == 0 && rename(tmp, final) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move %s into place", tmp);
	if (r < 0) {
		gb_rm_rf(tmp);
		return r;
	}
	struct gb_layer meta = { 0 };
	snprintf(meta.id, sizeof meta.id, "%s", id);
	snprintf(meta.parent, sizeof meta.parent, "%s", parent);
	snprintf(meta.instruction, sizeof meta.instruction, "pulled %s (%s)", b->digest,
		 b->media_type);
	r = remember(s, id);
	if (r < 0)
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0)
		r = gb_layer_commit(s->rt, &meta, err);
	if (r < 0)
		gb_rm_rf(final);
	return r;
}

void gb_store_finish(struct gb_store *s, bool failed)
{
	for (size_t i = 0; i < s->n_made; i++) {
		if (failed)
			gb_layer_remove(s->rt, s->made[i]);
		free(s->made[i]);
	}
	free(s->made);
	s->made = NULL;
	s->n_made = 0;
}

static char **ports_strv(const struct gb_jval *obj)
{
	size_t n = obj && obj->type == GB_JOBJ ? obj->n : 0, k = 0;
	char **v = calloc(n + 1, sizeof *v);
	for (const struct gb_jval *e = n ? obj->child : NULL; v && e; e = e->next)
		v[k++] = strdup(e->key);
	return v;
}

static char **labels_strv(const struct gb_jval *obj)
{
	size_t n = obj && obj->type == GB_JOBJ ? obj->n : 0, k = 0;
	char **v = calloc(n + 1, sizeof *v);
	for (const struct gb_jval *e = n ? obj->child : NULL; v && e; e = e->next)
		if (e->type == GB_JSTR && asprintf(&v[k], "%s=%s", e->key, e->str) > 0)
			k++;
	return v;
}

/* Volumes is an object whose keys are the paths ({"/data": {}}), as ExposedPorts. */
static char **volumes_strv(const struct gb_jval *obj)
{
	return obj && obj->type == GB_JOBJ && obj->n ? ports_strv(obj) : NULL;
}

/* Docker's Healthcheck.Test: ["CMD", argv...], ["CMD-SHELL", "line"] (run by /bin/sh -c)
 * or ["NONE"]; durations in nanoseconds. The record keeps the argv exec runs. */
static int health_from(struct gb_healthcheck *h, const struct gb_jval *hc)
{
	char **t = gb_jstrv(gb_jget(hc, "Test"));
	if (!t)
		return gb_jget(hc, "Test") ? -ENOMEM : 0;
	if (t[0] && !strcmp(t[0], "CMD-SHELL") && t[1]) {
		char *const sh[] = { "/bin/sh", "-c", t[1], NULL };
		h->test = gb_strv_dup(sh);
	} else if (t[0] && !strcmp(t[0], "CMD") && t[1]) {
		h->test = gb_strv_dup(t + 1);
	}
	bool runnable = t[0] && t[1] && (!strcmp(t[0], "CMD") || !strcmp(t[0], "CMD-SHELL"));
	gb_strv_free(t);
	if (runnable && !h->test)
		return -ENOMEM;
	h->interval = gb_jnum(hc, "Interval", 0) / 1e9;
	h->timeout = gb_jnum(hc, "Timeout", 0) / 1e9;
	h->start_period = gb_jnum(hc, "StartPeriod", 0) / 1e9;
	h->start_interval = gb_jnum(hc, "StartInterval", 0) / 1e9;
	h->retries = (int)gb_jint(hc, "Retries", 0);
	return 0; /* NONE, or a Test glassbox cannot run: no healthcheck, as Docker */
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* A layer listed twice (images repeat the empty tar) is stacked once, at its topmost
 * place: overlayfs refuses the same lower dir twice, and the lower copy adds nothing the
 * upper one does not give again. */
static void drop_repeats(char **ids)
{
	size_t n = gb_strv_len(ids), k = 0;
	for (size_t i = 0; i < n; i++) {
		bool later = false;
		for (size_t j = i + 1; j < n && !later; j++)
			later = !strcmp(ids[i], ids[j]);
		if (later)
			free(ids[i]);
		else
			ids[k++] = ids[i];
	}
	ids[k] = NULL;
}

/* The image config's "config" member: what `run` starts with. */
int gb_store_image(struct gb_runtime *rt, const char *name, const char *digest, const char *config,
		   size_t len, char **ids, struct gb_err *err)
{
	char perr[128];
	struct gb_jval *root = gb_json_parse(config, len, perr, sizeof perr);
	if (!root)
		return gb_err_set(err, EINVAL, "", "image config of %s: %s", name, perr);
	const struct gb_jval *c = gb_jget(root, "config");
	drop_repeats(ids);
	struct gb_image img = { .layers = ids };
	copy(img.name, sizeof img.name, name);
	copy(img.digest, sizeof img.digest, digest);
	copy(img.created, sizeof img.created, gb_jstr(root, "created", ""));
	img.env = gb_jstrv(gb_jget(c, "Env"));
	img.cmd = gb_jstrv(gb_jget(c, "Cmd"));
	img.entrypoint = gb_jstrv(gb_jget(c, "Entrypoint"));
	img.exposed = ports_strv(gb_jget(c, "ExposedPorts"));
	img.labels = labels_strv(gb_jget(c, "Labels"));
	copy(img.workdir, sizeof img.workdir, gb_jstr(c, "WorkingDir", "/"));
	copy(img.user, sizeof img.user, gb_jstr(c, "User", ""));
	copy(img.stop_signal, sizeof img.stop_signal, gb_jstr(c, "StopSignal", ""));
	img.volumes = volumes_strv(gb_jget(c, "Volumes"));
	int r = gb_jget(c, "Healthcheck") ? health_from(&img.health, gb_jget(c, "Healthcheck")) : 0;
	bool vols = gb_jget(c, "Volumes") && gb_jget(c, "Volumes")->type == GB_JOBJ &&
		    gb_jget(c, "Volumes")->n;
	if (r < 0 || !img.env || !img.cmd || !img.entrypoint || !img.exposed || !img.labels ||
	    (vols && !img.volumes))
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	if (r == 0)
		r = gb_image_save(rt, &img, err);
	img.layers = NULL;
	gb_image_free(&img);
	gb_jval_free(root);
	return r;
}

int gb_file_digest(const char *path, char out[72])
{
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct gb_digest d;
	char buf[65536];
	ssize_t n;
	if (gb_digest_init(&d) < 0)
		return -ENOMEM;
	while ((n = gb_read_full(fd, buf, sizeof buf)) > 0)
		gb_digest_update(&d, buf, n);
	int r = n < 0 ? -errno : 0;
	gb_digest_final(&d, out);
	return r;
}
