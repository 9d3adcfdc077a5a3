/* Lab 11 check: overlay layers. The container appends to a file of the image and deletes
 * another; the check then reads the host's side of the overlay: the changed file was
 * copied up whole into the upper dir, the deleted one left a 0/0 character device (a
 * whiteout), and the lower layers did not change at all.
 * Negative control: --read-only, where no write reaches the upper dir. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "lab.h"

static void control(struct gb_config *cfg)
{
	cfg->read_only = true;
}

/* The lowest layer that has path (lower is top first, ':' separated). */
static bool lower_has(const char *lower, const char *path, struct stat *st)
{
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", lower);
	char *save = NULL;
	for (char *l = strtok_r(copy, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		char full[4200];
		snprintf(full, sizeof full, "%s%s", l, path);
		if (lstat(full, st) == 0)
			return true;
	}
	return false;
}

static void look(struct gb_check *c, const struct gb_state *st)
{
	char path[1100];
	struct stat up, low;
	snprintf(path, sizeof path, "%s/etc/motd", st->upper);
	bool lower_ok = lower_has(st->lower, "/etc/motd", &low);
	if (stat(path, &up) == 0 && lower_ok && up.st_size > low.st_size)
		gb_check_pass(c, "the appended /etc/motd was copied up whole: %lld bytes in the upper dir, "
			      "%lld in the lower layer", (long long)up.st_size, (long long)low.st_size);
	else
		gb_check_fail(c, "no copy of /etc/motd in the upper dir %s: the write did not land in the "
			      "writable layer", st->upper);
	if (lower_ok && low.st_size > 0)
		gb_check_pass(c, "the lower layer's /etc/motd is unchanged (%lld bytes): layers are read-only",
			      (long long)low.st_size);
	else
		gb_check_fail(c, "the lower layer's /etc/motd is missing or empty");
	snprintf(path, sizeof path, "%s/etc/group", st->upper);
	if (lstat(path, &up) == 0 && S_ISCHR(up.st_mode) && up.st_rdev == makedev(0, 0))
		gb_check_pass(c, "the deleted /etc/group is a whiteout in the upper dir: a 0/0 character device");
	else
		gb_check_fail(c, "no whiteout for the deleted /etc/group in %s", st->upper);
	if (lower_has(st->lower, "/etc/group", &low))
		gb_check_pass(c, "the lower layer still has /etc/group: the deletion only hides it");
	else
		gb_check_fail(c, "the lower layer lost /etc/group");
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = {"sleep", "300", NULL};
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	char *const act[] = {"sh", "-c", "{ echo lab11 >> /etc/motd; rm -f /etc/group; } 2>/dev/null; true", NULL};
	int code = 0;
	struct gb_err ignored = {0};
	gb_container_exec(c->rt, st.cfg.id, act, NULL, NULL, &code, &ignored);
	look(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_11 = {
	.num = 11,
	.slug = "overlay-layers",
	.title = "Overlay layers: copy-up and whiteouts",
	.feature = "lower layers read-only; writes land in the upper dir (copy-up); deletions become whiteouts",
	.control = "--read-only (no write reaches the upper dir)",
	.check = check,
};
