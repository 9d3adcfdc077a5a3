/* Images: an ordered list of read-only layers plus a config (env, cmd, workdir, ...).
 * Layers live in <data root>/layers/<id>/diff; images in <data root>/images/<name>.json.
 * The built-in image `busybox` is imported from the share dir on first use. Lab 11. */
#ifndef GB_IMAGE_H
#define GB_IMAGE_H

#include "state.h"

struct gb_image {
	char name[256];
	char **layers;       /* layer ids, bottom first */
	char lower[4096];    /* overlay lowerdir string, top layer first */
	char **env, **cmd, **entrypoint;
	char workdir[1024];
	char user[64];
	char stop_signal[16];
};

/* Normalize "busybox:latest" -> "busybox"; -EINVAL for names that are not image names. */
int gb_image_normalize(const char *ref, char *out, size_t len);
int gb_image_resolve(struct gb_runtime *rt, const char *ref, struct gb_image *img,
		     struct gb_err *err);
void gb_image_free(struct gb_image *img);
/* Names of every image in the data root (plus the built-in one), for messages. */
void gb_image_list_names(struct gb_runtime *rt, char *buf, size_t len);

#endif
