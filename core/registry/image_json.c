/* Image config and manifest documents (image_json.h). */
#include "registry/image_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"

const char *gb_oci_layer_type(const char *media_type)
{
	if (strstr(media_type, "zstd"))
		return "application/vnd.oci.image.layer.v1.tar+zstd";
	if (strstr(media_type, "gzip"))
		return "application/vnd.oci.image.layer.v1.tar+gzip";
	return "application/vnd.oci.image.layer.v1.tar";
}

static int finish(struct gb_json *j, char **out, size_t *len)
{
	if (j->failed) {
		gb_json_free(j);
		return -ENOMEM;
	}
	*out = j->buf; /* the writer's buffer becomes the caller's */
	*len = j->len;
	return 0;
}

static void health_json(struct gb_json *j, const struct gb_healthcheck *h)
{
	if (!h->test)
		return;
	gb_json_obj_begin(j, "Healthcheck"); /* durations in nanoseconds, as Docker writes */
	gb_json_arr_begin(j, "Test"); /* ["CMD", argv...]: the record keeps the argv itself */
	gb_json_str(j, NULL, "CMD");
	for (char *const *a = h->test; *a; a++)
		gb_json_str(j, NULL, *a);
	gb_json_arr_end(j);
	gb_json_int(j, "Interval", (long long)(h->interval * 1e9));
	gb_json_int(j, "Timeout", (long long)(h->timeout * 1e9));
	gb_json_int(j, "StartPeriod", (long long)(h->start_period * 1e9));
	gb_json_int(j, "Retries", h->retries);
	gb_json_obj_end(j);
}

static void run_config(struct gb_json *j, const struct gb_image *img)
{
	gb_json_obj_begin(j, "config");
	if (img->env && img->env[0])
		gb_json_strv(j, "Env", img->env);
	if (img->entrypoint && img->entrypoint[0])
		gb_json_strv(j, "Entrypoint", img->entrypoint);
	if (img->cmd && img->cmd[0])
		gb_json_strv(j, "Cmd", img->cmd);
	if (img->workdir[0])
		gb_json_str(j, "WorkingDir", img->workdir);
	if (img->user[0])
		gb_json_str(j, "User", img->user);
	if (img->stop_signal[0])
		gb_json_str(j, "StopSignal", img->stop_signal);
	gb_json_obj_begin(j, "ExposedPorts");
	for (char *const *p = img->exposed; p && *p; p++) {
		gb_json_obj_begin(j, *p);
		gb_json_obj_end(j);
	}
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "Labels");
	for (char *const *l = img->labels; l && *l; l++) {
		char key[256];
		snprintf(key, sizeof key, "%.*s", (int)strcspn(*l, "="), *l);
		gb_json_str(j, key, strchr(*l, '=') ? strchr(*l, '=') + 1 : "");
	}
	gb_json_obj_end(j);
	if (img->volumes && img->volumes[0]) {
		gb_json_obj_begin(j, "Volumes");
		for (char *const *v = img->volumes; *v; v++) {
			gb_json_obj_begin(j, *v);
			gb_json_obj_end(j);
		}
		gb_json_obj_end(j);
	}
	health_json(j, &img->health);
	gb_json_obj_end(j);
}

int gb_image_config_json(const struct gb_image *img, const struct gb_layer_blob *blobs, size_t n,
			 char **out, size_t *len)
{
	struct gb_json j;
	char now[64];
	time_t t = time(NULL);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "created", img->created[0] ? img->created : now);
	gb_json_str(&j, "architecture", "amd64");
	gb_json_str(&j, "os", "linux");
	run_config(&j, img);
	gb_json_obj_begin(&j, "rootfs");
	gb_json_str(&j, "type", "layers");
	gb_json_arr_begin(&j, "diff_ids");
	for (size_t i = 0; i < n; i++)
		gb_json_str(&j, NULL, blobs[i].diff_id);
	gb_json_arr_end(&j);
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	return finish(&j, out, len);
}

static void descriptor(struct gb_json *j, const char *type, const char *digest, long long size)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "mediaType", type);
	gb_json_str(j, "digest", digest);
	gb_json_int(j, "size", size);
	gb_json_obj_end(j);
}

int gb_image_manifest_json(const char *config_digest, size_t config_len,
			   const struct gb_layer_blob *blobs, size_t n, char **out, size_t *len)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_int(&j, "schemaVersion", 2);
	gb_json_str(&j, "mediaType", GB_OCI_MANIFEST);
	gb_json_obj_begin(&j, "config");
	gb_json_str(&j, "mediaType", GB_OCI_CONFIG);
	gb_json_str(&j, "digest", config_digest);
	gb_json_int(&j, "size", (long long)config_len);
	gb_json_obj_end(&j);
	gb_json_arr_begin(&j, "layers");
	for (size_t i = 0; i < n; i++)
		descriptor(&j, gb_oci_layer_type(blobs[i].media_type), blobs[i].digest,
			   blobs[i].size);
	gb_json_arr_end(&j);
	gb_json_obj_end(&j);
	return finish(&j, out, len);
}
