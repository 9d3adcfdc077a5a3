/* cgroupfs files (cgroupfs.h): reading and writing the one-value and key-value files
 * that make a cgroup, listing and killing its processes, removing its dir. Every backend
 * uses these; they know nothing of layouts. man 7 cgroups. */
#include "cgroup/cgroupfs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"

static const char *const ctrl_names[GB_CG_NCTRL] = {
	[GB_CG_MEMORY] = "memory", [GB_CG_CPU] = "cpu",		[GB_CG_CPUACCT] = "cpuacct",
	[GB_CG_PIDS] = "pids",	   [GB_CG_FREEZER] = "freezer",
};

const char *gb_cgroup_ctrl_name(enum gb_cg_ctrl c)
{
	return (unsigned)c < GB_CG_NCTRL ? ctrl_names[c] : "?";
}

bool gb_cgroup_exists(const struct gb_cgroup *cg)
{
	if (cg->unified_dir[0] && access(cg->unified_dir, F_OK) == 0)
		return true;
	for (int c = 0; c < GB_CG_NCTRL; c++)
		if (cg->dir[c][0] && access(cg->dir[c], F_OK) == 0)
			return true;
	return false;
}

long long gb_cgroup_shares_to_weight(long long shares)
{
	if (shares <= 0)
		return 0;
	/* Linear map of [2, 262144] onto [1, 10000]: 1024 (the v1 default) → 39. */
	return 1 + ((shares - 2) * 9999) / 262142;
}

/* ---------------------------------------------------------------- cgroupfs files */

int gb_cg_mkdir(const char *dir, struct gb_err *err)
{
	char parent[GB_CG_PATH];
	snprintf(parent, sizeof parent, "%s", dir);
	char *slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	for (int tries = 0;; tries++) {
		int r = slash ? gb_mkdir_p(parent, 0755) : 0;
		if (r < 0)
			return gb_err_set(err, -r, "mkdir", "mkdir -p %s", parent);
		if (mkdir(dir, 0755) == 0)
			return 0;
		if (errno == EEXIST)
			return -EEXIST;
		if (errno != ENOENT || tries == 8)
			return gb_err_set(err, errno, "mkdir", "mkdir(\"%s\")", dir);
	}
}

int gb_cg_write(const char *dir, const char *file, const char *val, struct gb_err *err)
{
	char path[GB_CG_PATH + 64];
	if (gb_path(path, sizeof path, "%s/%s", dir, file) < 0)
		return gb_err_set(err, ENAMETOOLONG, "open", "path too long: %s/%s", dir, file);
	int r = gb_write_str(path, val);
	if (r == 0)
		return 0;
	gb_err_set(err, r, "write", "write \"%s\" to %s", val, path);
	if (r == -ENOENT && access(dir, F_OK) == 0)
		gb_err_hint(err,
			    "the kernel offers no %s here: its controller is not enabled in "
			    "this hierarchy",
			    file);
	else if (r == -ENOENT)
		gb_err_hint(err, "the cgroup %s is gone", dir);
	else if (r == -EACCES || r == -EPERM)
		gb_err_hint(err, "cgroup files belong to root: run glassbox as root");
	else if (r == -EINVAL || r == -ERANGE)
		gb_err_hint(err, "the kernel refused the value \"%s\" for %s", val, file);
	return r;
}

int gb_cg_read_ll(const char *dir, const char *file, long long *out)
{
	char path[GB_CG_PATH + 64], line[128];
	if (gb_path(path, sizeof path, "%s/%s", dir, file) < 0)
		return -ENAMETOOLONG;
	int r = gb_read_line(path, line, sizeof line);
	if (r < 0)
		return r;
	if (strncmp(line, "max", 3) == 0) {
		*out = GB_CG_UNLIMITED;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(line, &end, 10);
	if (end == line || errno)
		return -EINVAL;
	/* v1 says "no limit" with the largest page-aligned counter (9223372036854771712). */
	*out = v >= (1LL << 62) ? GB_CG_UNLIMITED : v;
	return 0;
}

int gb_cg_read_key(const char *dir, const char *file, const char *key, long long *out)
{
	char path[GB_CG_PATH + 64];
	gb_autofree char *text = NULL;
	if (gb_path(path, sizeof path, "%s/%s", dir, file) < 0)
		return -ENAMETOOLONG;
	int r = gb_read_file(path, &text, NULL);
	if (r < 0)
		return r;
	size_t klen = strlen(key);
	for (char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*out = strtoll(line + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

int gb_cg_read_procs(const char *dir, pid_t **pids, size_t *n)
{
	char path[GB_CG_PATH + 32];
	gb_autofree char *text = NULL;
	*pids = NULL;
	*n = 0;
	if (gb_path(path, sizeof path, "%s/cgroup.procs", dir) < 0)
		return -ENAMETOOLONG;
	int r = gb_read_file(path, &text, NULL);
	if (r < 0)
		return r;
	size_t cap = 0;
	for (char *w = strtok(text, "\n"); w; w = strtok(NULL, "\n")) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			pid_t *np = realloc(*pids, cap * sizeof *np);
			if (!np) {
				free(*pids);
				*pids = NULL;
				return -ENOMEM;
			}
			*pids = np;
		}
		(*pids)[(*n)++] = (pid_t)atoi(w);
	}
	return 0;
}

bool gb_cg_empty(const char *dir)
{
	pid_t *pids = NULL;
	size_t n = 0;
	int r = gb_cg_read_procs(dir, &pids, &n);
	free(pids);
	return r == -ENOENT || (r == 0 && n == 0);
}

void gb_cg_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* v1 has no cgroup.kill: signal each listed process, again, until none is left
 * (a process may fork between our read and our kill). */
int gb_cg_kill_procs(const char *dir, int timeout_ms, struct gb_err *err)
{
	double deadline = gb_monotonic() + timeout_ms / 1000.0;
	for (int delay = 1;; delay = delay < 16 ? delay * 2 : 16) {
		pid_t *pids = NULL;
		size_t n = 0;
		int r = gb_cg_read_procs(dir, &pids, &n);
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		free(pids);
		if (r == -ENOENT || (r == 0 && n == 0))
			return 0;
		if (r < 0)
			return gb_err_set(err, r, "read", "read %s/cgroup.procs", dir);
		if (gb_monotonic() > deadline)
			break;
		gb_cg_sleep_ms(delay);
	}
	gb_err_set(err, ETIMEDOUT, "kill", "processes are still in %s after SIGKILL for %d ms", dir,
		   timeout_ms);
	gb_err_hint(err, "a process in uninterruptible sleep (state D in /proc/PID/stat, e.g. "
			 "waiting for a hung NFS or FUSE mount) dies only when its I/O returns");
	return -ETIMEDOUT;
}

int gb_cg_rmdir(const char *dir, struct gb_err *err)
{
	/* Right after the last process exits the kernel may still be releasing the
	 * cgroup: retry EBUSY briefly before calling it an error. */
	for (int tries = 0; tries < 50; tries++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		gb_cg_sleep_ms(4);
	}
	int e = errno;
	gb_err_set(err, e, "rmdir", "rmdir(\"%s\")", dir);
	if (e == EBUSY)
		gb_err_hint(err,
			    "processes are still inside (see %s/cgroup.procs) or it has child "
			    "cgroups: kill them first",
			    dir);
	else if (e == ENOTEMPTY)
		gb_err_hint(err, "it has child cgroups: remove those first");
	return -e;
}
