/* COPY --chown and --chmod (copy_owner.h). */
#include "build/copy_owner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "engine/user.h"
#include "storage/image.h"

/* PATH as the image shows it: the topmost layer that has the name decides; a whiteout
 * there (a 0/0 character device) means deleted. NULL when absent. */
static char *image_file(struct gb_runtime *rt, char *const *layers, const char *path)
{
	for (size_t i = gb_strv_len(layers); i-- > 0;) {
		char diff[700], full[1400];
		struct stat st;
		gb_layer_diff_path(rt, layers[i], diff, sizeof diff);
		snprintf(full, sizeof full, "%s%s", diff, path);
		if (lstat(full, &st) < 0)
			continue;
		char *text = NULL;
		size_t len;
		if (!S_ISREG(st.st_mode) || gb_read_file(full, &text, &len) < 0)
			return NULL;
		return text;
	}
	return NULL;
}

static int parse_mode(const char *s, mode_t *mode, struct gb_err *err)
{
	char *end;
	unsigned long m = strtoul(s, &end, 8);
	if (s[0] && !*end && strspn(s, "01234567") == strlen(s) && m <= 07777) {
		*mode = (mode_t)m;
		return 0;
	}
	int r = gb_err_set(err, EINVAL, "", "--chmod=%s is not an octal mode", s);
	gb_err_hint(err, "give the mode in octal, e.g. --chmod=0755 or --chmod=640");
	return r;
}

int gb_copy_owner_resolve(struct gb_runtime *rt, char *const *layers,
			  const struct gb_df_copy_opts *o, struct gb_copy_owner *out,
			  struct gb_err *err)
{
	memset(out, 0, sizeof *out);
	if (o->chmod[0] && parse_mode(o->chmod, &out->mode, err) < 0)
		return -EINVAL;
	out->chmod = o->chmod[0] != '\0';
	if (!o->chown[0])
		return 0;
	gb_autofree char *passwd = image_file(rt, layers, "/etc/passwd");
	gb_autofree char *group = image_file(rt, layers, "/etc/group");
	struct gb_user u;
	int r = gb_user_lookup(o->chown, passwd, group, &u, err);
	if (r < 0) {
		gb_err_hint(err, "--chown names a user (and group) of the image being built, or "
				 "numbers: --chown=1000:1000");
		return r;
	}
	out->chown = true;
	out->uid = u.uid;
	out->gid = strchr(o->chown, ':') ? u.gid : (gid_t)u.uid; /* Docker: no group, gid=uid */
	return 0;
}
