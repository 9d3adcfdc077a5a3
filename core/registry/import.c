/* Import a rootfs tarball (import.h). */
#include "registry/import.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "registry/layer.h"
#include "registry/tag.h"
#include "storage/image.h"

static int default_name(const char *tarball, char *out, size_t len, struct gb_err *err)
{
	const char *base = strrchr(tarball, '/') ? strrchr(tarball, '/') + 1 : tarball;
	char name[256];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(base, "."), base);
	for (char *p = name; *p; p++)
		*p = isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? tolower(*p) : '-';
	int r = name[0] && isalnum((unsigned char)name[0]) ? gb_tag_name(name, out, len, err)
							   : -EINVAL;
	if (r < 0) {
		r = gb_err_set(err, EINVAL, "", "no image name can be made from '%s'", base);
		gb_err_hint(err, "name it: glassbox import %s NAME", tarball);
	}
	return r;
}

static int save_image(struct gb_runtime *rt, const char *name, char *id, struct gb_err *err)
{
	char *layers[] = { id, NULL };
	/* Docker's import sets no Env either; its runtime adds this PATH when an image has
	 * none, so the image carries it here. */
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char *none[] = { NULL };
	struct gb_image img = { .layers = layers,
				.env = env,
				.cmd = none,
				.entrypoint = none,
				.exposed = none,
				.labels = none };
	snprintf(img.name, sizeof img.name, "%s", name);
	snprintf(img.workdir, sizeof img.workdir, "/");
	gb_rfc3339(img.created, sizeof img.created, gb_wallclock());
	return gb_image_save(rt, &img, err);
}

int gb_import(struct gb_runtime *rt, const char *tarball, const char *name, char *out, size_t len,
	      struct gb_err *err)
{
	struct stat st;
	if (stat(tarball, &st) < 0 || !S_ISREG(st.st_mode))
		return gb_err_set(err, errno ? errno : EINVAL, "stat", "cannot read %s (a tarball)",
				  tarball);
	int r = name ? gb_tag_name(name, out, len, err) : default_name(tarball, out, len, err);
	if (r < 0)
		return r;
	struct gb_layer meta = { 0 };
	char diff[700];
	snprintf(meta.instruction, sizeof meta.instruction, "imported %s", tarball);
	if ((r = gb_layer_new(rt, &meta, diff, sizeof diff, err)) < 0)
		return r;
	r = gb_layer_unpack(tarball, diff, tarball, err);
	if (r == 0)
		r = gb_layer_commit(rt, &meta, err);
	if (r == 0)
		r = save_image(rt, out, meta.id, err);
	if (r < 0)
		gb_layer_remove(rt, meta.id);
	return r;
}
