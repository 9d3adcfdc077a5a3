/* Tag an image (tag.h). */
#include "registry/tag.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "registry/ref.h"
#include "storage/image.h"

int gb_tag_name(const char *target, char *out, size_t len, struct gb_err *err)
{
	struct gb_ref ref;
	int r = gb_ref_parse(target, &ref, err);
	if (r < 0)
		return r;
	if (strchr(target, '@')) {
		r = gb_err_set(err, EINVAL, "", "'%s': a tag cannot be a digest", target);
		gb_err_hint(err, "a digest names content, not a name you choose: use NAME[:TAG]");
		return r;
	}
	char fam[600];
	gb_ref_familiar(&ref, fam, sizeof fam);
	if (strlen(fam) >= len || gb_image_normalize(fam, out, len) < 0)
		return gb_err_set(err, EINVAL, "", "'%s' cannot be an image name here", fam);
	return 0;
}

/* The source's record under the new name: the same layer ids, the same config, and the
 * same manifest digest (the bytes a registry would be sent are the same). */
int gb_image_tag(struct gb_runtime *rt, const char *source, const char *target, struct gb_err *err)
{
	char name[256];
	int r = gb_tag_name(target, name, sizeof name, err);
	if (r < 0)
		return r;
	struct gb_image img;
	r = gb_image_resolve(rt, source, &img, err);
	if (r == 0) {
		snprintf(img.name, sizeof img.name, "%s", name);
		r = gb_image_save(rt, &img, err);
	}
	gb_image_free(&img);
	return r;
}
