/* cpuset (cpuset.h). On v1 the controller has a hierarchy of its own that glassbox's
 * other backends do not know (cgroupfs.h lists memory, cpu, pids, freezer), so its dir is
 * found here, next to theirs: ROOT/cpuset/REL. On v2 it is one more controller of the
 * container's dir. */
#include "cgroup/cpuset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

int gb_cpuset_check_list(const char *list, const char *what, struct gb_err *err)
{
	const char *p = list;
	bool ok = *p != '\0' && strlen(list) < 64;
	while (ok && *p) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		ok = isdigit((unsigned char)*p) && end != p;
		if (ok && *end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			ok = isdigit((unsigned char)*p) && end != p && b >= a;
		}
		p = end;
		ok = ok && (*p == '\0' || (*p == ',' && p[1]));
		if (*p == ',')
			p++;
	}
	if (ok)
		return 0;
	int r = gb_err_set(err, EINVAL, "", "%s \"%s\" is not a list of CPUs or nodes", what, list);
	gb_err_hint(err, "numbers and ranges, comma separated: 0-3, 0,2 or 1-2,5 (the host's "
			 "CPUs: /sys/devices/system/cpu/online)");
	return r;
}

static const char *v1_root(const struct gb_cgroup *cg, char *buf, size_t len)
{
	snprintf(buf, len, "%s/cpuset", cg->host.root);
	char probe[GB_CG_PATH + 32];
	snprintf(probe, sizeof probe, "%s/cpuset.cpus", buf);
	return access(probe, F_OK) == 0 ? buf : NULL;
}

int gb_cpuset_dir(const struct gb_cgroup *cg, char *dir, size_t len)
{
	char root[GB_CG_PATH];
	dir[0] = '\0';
	if (v1_root(cg, root, sizeof root))
		return gb_path(dir, len, "%s/%s", root, cg->rel);
	if (cg->host.layout != GB_CG_V2)
		return -ENOENT; /* hybrid or v1 without the cpuset hierarchy mounted */
	char path[GB_CG_PATH + 32], list[256] = "";
	snprintf(path, sizeof path, "%s/cgroup.controllers", cg->host.unified);
	return gb_read_line(path, list, sizeof list) == 0 && strstr(list, "cpuset") ? 0 : -ENOENT;
}

/* ------------------------------------------------------------ v1 */

/* mkdir one level, giving it its parent's cpus and mems (a new cpuset has none). */
static int v1_mkdir(const char *dir, bool *made, struct gb_err *err)
{
	char parent[GB_CG_PATH], val[256];
	snprintf(parent, sizeof parent, "%s", dir);
	*strrchr(parent, '/') = '\0';
	*made = false;
	if (mkdir(dir, 0755) < 0)
		return errno == EEXIST ? 0 : gb_err_set(err, errno, "mkdir", "mkdir(\"%s\")", dir);
	*made = true;
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < 2; i++) {
		char path[GB_CG_PATH + 16];
		snprintf(path, sizeof path, "%s/%s", parent, files[i]);
		int r = gb_read_line(path, val, sizeof val);
		if (r < 0)
			return gb_err_set(err, -r, "open", "cannot read %s", path);
		if ((r = gb_cg_write(dir, files[i], val, err)) < 0)
			return r;
	}
	return 0;
}

/* Each level of REL below the cpuset root, top down; the levels made are undone on
 * failure (deepest first), so a refused value leaves no dir. */
static int v1_make(char *dir, size_t base, struct gb_err *err)
{
	char *made[16];
	int n = 0, r = 0;
	for (char *p = dir + base + 1;; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;
		bool new_dir;
		*p = '\0';
		r = v1_mkdir(dir, &new_dir, err);
		if (new_dir && n < 16)
			made[n++] = p;
		*p = c;
		if (r < 0 || !c)
			break;
	}
	for (int i = n - 1; r < 0 && i >= 0; i--) {
		char c = *made[i];
		*made[i] = '\0';
		rmdir(dir);
		*made[i] = c;
	}
	return r;
}

static int write_both(const char *dir, const char *cpus, const char *mems, struct gb_err *err)
{
	int r = cpus[0] ? gb_cg_write(dir, "cpuset.cpus", cpus, err) : 0;
	if (r == 0 && mems[0])
		r = gb_cg_write(dir, "cpuset.mems", mems, err);
	if (r == -EINVAL)
		gb_err_hint(err, "the kernel takes only CPUs and nodes that exist and that the "
				 "parent cgroup has: see /sys/devices/system/cpu/online and "
				 "/sys/devices/system/node/online");
	return r;
}

/* ------------------------------------------------------------ v2 */

/* "cpuset" in cgroup.subtree_control of every level from the root down to dir's parent:
 * a controller's files exist in a cgroup only when its parent hands it down. */
static int v2_enable(const struct gb_cgroup *cg, struct gb_err *err)
{
	char path[GB_CG_PATH];
	snprintf(path, sizeof path, "%s", cg->host.unified);
	const char *rel = cg->rel;
	for (;;) {
		char file[GB_CG_PATH + 32], cur[512] = "";
		snprintf(file, sizeof file, "%s/cgroup.subtree_control", path);
		gb_read_line(file, cur, sizeof cur);
		if (!strstr(cur, "cpuset")) {
			int r = gb_cg_write(path, "cgroup.subtree_control", "+cpuset", err);
			if (r < 0) {
				gb_err_hint(err,
					    "%s must hand the cpuset controller down "
					    "(cgroup.controllers lists what it has)",
					    path);
				return r;
			}
		}
		const char *slash = strchr(rel, '/');
		if (!slash)
			return 0;
		size_t len = strlen(path);
		snprintf(path + len, sizeof path - len, "/%.*s", (int)(slash - rel), rel);
		rel = slash + 1;
	}
}

int gb_cpuset_apply(const struct gb_cgroup *cg, const char *cpus, const char *mems,
		    struct gb_err *err)
{
	char dir[GB_CG_PATH], root[GB_CG_PATH];
	if (!cpus[0] && !mems[0])
		return 0;
	if (gb_cpuset_dir(cg, dir, sizeof dir) < 0) {
		int r = gb_err_set(err, ENOENT, "", "this host has no cpuset controller");
		gb_err_hint(err,
			    "mount the v1 cpuset hierarchy at %s/cpuset, or leave out "
			    "--cpuset-cpus/--cpuset-mems",
			    cg->host.root);
		return r;
	}
	if (!dir[0]) { /* v2: the container's dir, made by the backend with the parents */
		int r = v2_enable(cg, err);
		return r < 0 ? r : write_both(cg->unified_dir, cpus, mems, err);
	}
	v1_root(cg, root, sizeof root);
	int r = v1_make(dir, strlen(root), err);
	if (r == 0 && (r = write_both(dir, cpus, mems, err)) < 0)
		rmdir(dir);
	return r;
}

int gb_cpuset_attach_self(const struct gb_cgroup *cg, struct gb_err *err)
{
	char dir[GB_CG_PATH];
	if (gb_cpuset_dir(cg, dir, sizeof dir) < 0 || !dir[0] || access(dir, F_OK) < 0)
		return 0;
	return gb_cg_write(dir, "tasks", "0", err);
}

void gb_cpuset_remove(const struct gb_cgroup *cg, bool own_parent)
{
	char dir[GB_CG_PATH];
	if (gb_cpuset_dir(cg, dir, sizeof dir) < 0 || !dir[0] || rmdir(dir) < 0)
		return;
	char *slash = strrchr(dir, '/');
	if (own_parent && slash) {
		*slash = '\0';
		rmdir(dir); /* EBUSY while another container's cpuset is in it */
	}
}
