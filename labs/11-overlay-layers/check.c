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

/* The lower layer's /etc/motd: its path and its content, read from the host. */
static bool lower_motd(const struct gb_state *st, char *path, size_t len, char **text)
{
	struct stat low;
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", st->lower);
	char *save = NULL;
	for (char *l = strtok_r(copy, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/etc/motd", l);
		if (lstat(path, &low) == 0)
			return gb_read_file(path, text, NULL) == 0;
	}
	return false;
}

static void look(struct gb_check *c, const struct gb_state *st, const char *before)
{
	char path[1100], lpath[4200];
	struct stat up, low;
	gb_autofree char *after = NULL;
	snprintf(path, sizeof path, "%s/etc/motd", st->upper);
	if (!lower_motd(st, lpath, sizeof lpath, &after) || lstat(lpath, &low) < 0) {
		gb_check_error(c, "cannot read the lower layer's /etc/motd any more");
		return;
	}
	if (stat(path, &up) == 0 && up.st_size > low.st_size)
		gb_check_is(c, "copy-up", true,
			    "the appended /etc/motd was copied up whole: %lld bytes in %s, "
			    "%lld in the lower layer",
			    (long long)up.st_size, path, (long long)low.st_size);
	else
		gb_check_is(c, "copy-up", false,
			    "no copy of /etc/motd in the upper dir %s: the write did not land "
			    "in the writable layer",
			    st->upper);
	gb_check_is(c, "lower-unchanged", !strcmp(before, after),
		    "the lower layer's %s %s (%zu bytes before, %zu after)", lpath,
		    !strcmp(before, after) ? "is byte for byte unchanged: layers are read-only"
					   : "CHANGED",
		    strlen(before), strlen(after));
	snprintf(path, sizeof path, "%s/etc/group", st->upper);
	bool wh = lstat(path, &up) == 0 && S_ISCHR(up.st_mode) && up.st_rdev == makedev(0, 0);
	gb_check_is(c, "whiteout", wh,
		    wh ? "the deleted /etc/group is a whiteout in the upper dir: %s is a 0/0 "
			 "character device"
		       : "no whiteout for the deleted /etc/group at %s",
		    path);
	gb_check_is(c, "lower-kept", lower_has(st->lower, "/etc/group", &low),
		    "the lower layer %s /etc/group: the deletion only hides it",
		    lower_has(st->lower, "/etc/group", &low) ? "still has" : "lost");
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "overlay"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	char lpath[4200];
	gb_autofree char *before = NULL;
	if (!lower_motd(&st, lpath, sizeof lpath, &before)) {
		gb_check_error(c, "no /etc/motd in the image's layers (%s)", st.lower);
		gb_state_free(&st);
		return 0;
	}
	char *const act[] = { "sh", "-c",
			      "{ echo lab11 >> /etc/motd; rm -f /etc/group; } 2>/dev/null; true",
			      NULL };
	if (gb_check_exec_quiet(c, st.cfg.id, act) == 0)
		look(c, &st, before);
	else if (!c->f[c->n - 1].error)
		gb_check_error(c, "the write inside did not run to its end");
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_11 = {
	.num = 11,
	.slug = "overlay-layers",
	.title = "Overlay layers: copy-up and whiteouts",
	.feature = "lower layers read-only; writes land in the upper dir (copy-up); deletions "
		   "become whiteouts",
	.control = "--read-only (no write reaches the upper dir)",
	.check = check,
	.trips = "copy-up",
};
