/* Changes in an overlay upper dir (diff.h). The upper dir is the thin writable layer:
 * it holds every file the container wrote (copied up whole, even for a one-byte change),
 * every new file, and a whiteout per deleted lower file. Lab 11. */
#include "storage/diff.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"

struct walk {
	char **lowers;
	void (*fn)(void *data, char kind, const char *path);
	void *data;
};

/* Did the lower layers (top first) have this path? A whiteout in a higher layer hides
 * the same name in the layers below it. */
static bool in_lower(const struct walk *w, const char *path)
{
	for (char **l = w->lowers; *l; l++) {
		char full[8192];
		struct stat st;
		if (gb_path(full, sizeof full, "%s%s", *l, path) < 0 || lstat(full, &st) < 0)
			continue;
		return !(S_ISCHR(st.st_mode) && st.st_rdev == 0);
	}
	return false;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void walk_dir(const struct walk *w, const char *upper, const char *rel)
{
	char dir[8192];
	gb_path(dir, sizeof dir, "%s%s", upper, rel);
	struct dirent **list;
	int n = scandir(dir, &list, NULL, by_name);
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		char path[8192], full[8192];
		struct stat st;
		if (strcmp(name, ".") && strcmp(name, "..") &&
		    gb_path(path, sizeof path, "%s/%s", rel, name) == 0 &&
		    gb_path(full, sizeof full, "%s%s", upper, path) == 0 && lstat(full, &st) == 0) {
			if (S_ISCHR(st.st_mode) && st.st_rdev == 0)
				w->fn(w->data, 'D', path);
			else
				w->fn(w->data, in_lower(w, path) ? 'C' : 'A', path);
			if (S_ISDIR(st.st_mode))
				walk_dir(w, upper, path);
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

int gb_diff(const char *upper, const char *lower,
	    void (*fn)(void *data, char kind, const char *path), void *data, struct gb_err *err)
{
	struct stat st;
	if (stat(upper, &st) < 0)
		return gb_err_set(err, errno, "stat", "cannot read the upper dir %s", upper);
	size_t n = 1;
	for (const char *p = lower; *p; p++)
		n += *p == ':';
	gb_autofree char *copy = strdup(lower);
	char **lowers = calloc(n + 1, sizeof *lowers);
	if (!copy || !lowers) {
		free(lowers);
		return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	size_t k = 0;
	char *save = NULL;
	for (char *l = strtok_r(copy, ":", &save); l && k < n; l = strtok_r(NULL, ":", &save))
		lowers[k++] = l;
	struct walk w = { lowers, fn, data };
	walk_dir(&w, upper, "");
	free(lowers);
	return 0;
}
