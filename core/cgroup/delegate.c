/* Delegated cgroup subtrees (delegate.h): made and removed by root for a student, found
 * by a rootless glassbox. Documentation/admin-guide/cgroup-v2.rst ("Delegation",
 * "Delegation Containment"), Documentation/admin-guide/cgroup-v1/cgroups.rst, man 7
 * cgroups. Labs 07-10 without root. */
#include "cgroup/delegate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* The v2 controllers a student's containers may use (the freezer is a core file). */
static const char *const v2_ctrls[] = { "memory", "cpu", "pids" };

static bool bad_name(const char *name)
{
	return !name || !*name || strchr(name, '/') || strcmp(name, ".") == 0 ||
	       strcmp(name, "..") == 0 || strlen(name) > 64;
}

int gb_cg_delegate_dir(const struct gb_cg_host *h, const char *name, enum gb_cg_ctrl c, char *buf,
		       size_t len)
{
	const char *root = h->layout == GB_CG_V2 ? h->unified : h->hier[c];
	if (!root[0] || bad_name(name))
		return -ENOENT;
	return gb_path(buf, len, "%s/%s/%s", root, GB_CG_CLASS_PARENT, name);
}

/* Every hierarchy root glassbox uses, each once (cpu and cpuacct often share one). */
static size_t roots(const struct gb_cg_host *h, const char *out[GB_CG_NCTRL + 1])
{
	size_t n = 0;
	for (int c = 0; h->layout != GB_CG_V2 && c < GB_CG_NCTRL; c++) {
		bool dup = !(h->avail & 1u << c) || !h->hier[c][0];
		for (size_t k = 0; !dup && k < n; k++)
			dup = strcmp(out[k], h->hier[c]) == 0;
		if (!dup)
			out[n++] = h->hier[c];
	}
	if (h->unified[0])
		out[n++] = h->unified;
	return n;
}

/* ------------------------------------------------------------ making it (root) */

static int mkdir_ok(const char *path, struct gb_err *err)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	return gb_err_set(err, errno, "mkdir", "mkdir(\"%s\")", path);
}

/* Hand dir and the listed files of it to the student: the kernel's own permission
 * checks (the mode bits of cgroupfs files) are what delegation is made of. */
static int chown_files(const char *dir, const char *const *files, uid_t uid, gid_t gid,
		       struct gb_err *err)
{
	char path[GB_CG_PATH + 64];
	if (chown(dir, uid, gid) < 0)
		return gb_err_set(err, errno, "chown", "chown(\"%s\", %u, %u)", dir, (unsigned)uid,
				  (unsigned)gid);
	for (size_t i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, files[i]);
		if (chown(path, uid, gid) < 0 && errno != ENOENT)
			return gb_err_set(err, errno, "chown", "chown(\"%s\", %u, %u)", path,
					  (unsigned)uid, (unsigned)gid);
	}
	return 0;
}

static int write_ll(const char *dir, const char *file, long long v, struct gb_err *err)
{
	char val[32];
	snprintf(val, sizeof val, "%lld", v);
	return gb_cg_write(dir, file, val, err);
}

/* v1: the ceiling is in the files of NAME that stay root's; the kernel enforces a
 * parent's memory and pids limits on everything below it (hierarchical accounting). */
static int v1_ceiling(const struct gb_cg_host *h, const char *name, const struct gb_cg_limits *l,
		      struct gb_err *err)
{
	char dir[GB_CG_PATH];
	int r = 0;
	if (l->memory && gb_cg_delegate_dir(h, name, GB_CG_MEMORY, dir, sizeof dir) == 0)
		r = write_ll(dir, "memory.limit_in_bytes", l->memory, err);
	if (r == 0 && l->pids_max > 0 &&
	    gb_cg_delegate_dir(h, name, GB_CG_PIDS, dir, sizeof dir) == 0)
		r = write_ll(dir, "pids.max", l->pids_max, err);
	/* cpu.shares is a weight among siblings: v2's 100 is v1's 1024. */
	if (r == 0 && l->cpu_weight && gb_cg_delegate_dir(h, name, GB_CG_CPU, dir, sizeof dir) == 0)
		r = write_ll(dir, "cpu.shares", l->cpu_weight * 1024 / 100, err);
	return r;
}

static int v1_make(const char *root, const char *name, uid_t uid, gid_t gid, struct gb_err *err)
{
	static const char *const files[] = { "cgroup.procs", "tasks", NULL };
	char dir[GB_CG_PATH];
	snprintf(dir, sizeof dir, "%s/%s", root, GB_CG_CLASS_PARENT);
	int r = mkdir_ok(dir, err);
	if (r == 0 && gb_path(dir, sizeof dir, "%s/%s/%s", root, GB_CG_CLASS_PARENT, name) < 0)
		r = gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup path too long: %s", name);
	if (r == 0)
		r = mkdir_ok(dir, err);
	return r < 0 ? r : chown_files(dir, files, uid, gid, err);
}

/* v2: dir's children get every controller of ours that dir itself has. */
static int v2_enable(const char *dir, struct gb_err *err)
{
	char path[GB_CG_PATH + 32];
	gb_autofree char *have = NULL;
	snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
	int r = gb_read_file(path, &have, NULL);
	if (r < 0)
		return gb_err_set(err, -r, "open", "read %s", path);
	for (size_t i = 0; i < GB_ARRAY_LEN(v2_ctrls); i++) {
		char one[16];
		snprintf(one, sizeof one, "+%s", v2_ctrls[i]);
		r = strstr(have, v2_ctrls[i]) ? gb_cg_write(dir, "cgroup.subtree_control", one, err)
					      : 0;
		/* The kernel refuses +cpu while a realtime task sits in a non-root cgroup
		 * (CONFIG_RT_GROUP_SCHED): the class then goes without a CPU weight. */
		if (r < 0 && strcmp(v2_ctrls[i], "cpu") != 0)
			return r;
	}
	return 0;
}

static int v2_ceiling(const char *dir, const struct gb_cg_limits *l, struct gb_err *err)
{
	int r = 0;
	if (l->memory)
		r = write_ll(dir, "memory.max", l->memory, err);
	if (r == 0 && l->pids_max > 0)
		r = write_ll(dir, "pids.max", l->pids_max, err);
	char path[GB_CG_PATH + 16];
	snprintf(path, sizeof path, "%s/cpu.weight", dir);
	if (r == 0 && l->cpu_weight && access(path, F_OK) == 0)
		r = write_ll(dir, "cpu.weight", l->cpu_weight, err);
	return r;
}

/* The cgroup2 side: controllers down to NAME (v2 only; hybrid's cgroup2 has none), the
 * ceilings in NAME's root-owned files, NAME handed over, and the leaf for logins. */
static int v2_make(const struct gb_cg_host *h, const char *name, uid_t uid, gid_t gid,
		   const struct gb_cg_limits *l, struct gb_err *err)
{
	static const char *const files[] = { "cgroup.procs", "cgroup.subtree_control",
					     "cgroup.threads", NULL };
	bool v2 = h->layout == GB_CG_V2;
	char dir[GB_CG_PATH], leaf[GB_CG_PATH + 16];
	snprintf(dir, sizeof dir, "%s/%s", h->unified, GB_CG_CLASS_PARENT);
	int r = v2 ? v2_enable(h->unified, err) : 0;
	if (r == 0)
		r = mkdir_ok(dir, err);
	if (r == 0 && v2)
		r = v2_enable(dir, err);
	if (r == 0 &&
	    gb_path(dir, sizeof dir, "%s/%s/%s", h->unified, GB_CG_CLASS_PARENT, name) < 0)
		r = gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup path too long: %s", name);
	if (r == 0)
		r = mkdir_ok(dir, err);
	if (r == 0 && v2)
		r = v2_ceiling(dir, l, err);
	if (r == 0 && v2)
		r = v2_enable(dir, err);
	snprintf(leaf, sizeof leaf, "%s/%s", dir, GB_CG_CLASS_SESSION);
	if (r == 0)
		r = mkdir_ok(leaf, err);
	if (r == 0)
		r = chown_files(dir, files, uid, gid, err);
	return r < 0 ? r : chown_files(leaf, files, uid, gid, err);
}

int gb_cg_delegate_create(const struct gb_cg_host *h, const char *name, uid_t uid, gid_t gid,
			  const struct gb_cg_limits *ceil, struct gb_err *err)
{
	if (bad_name(name))
		return gb_err_set(err, EINVAL, "", "invalid student name \"%s\"", name ? name : "");
	const char *rs[GB_CG_NCTRL + 1];
	size_t n = roots(h, rs);
	int r = 0;
	for (size_t i = 0; r == 0 && i < n; i++)
		if (rs[i] != h->unified)
			r = v1_make(rs[i], name, uid, gid, err);
	if (r == 0 && h->layout != GB_CG_V2)
		r = v1_ceiling(h, name, ceil, err);
	if (r == 0 && h->unified[0])
		r = v2_make(h, name, uid, gid, ceil, err);
	if (r < 0)
		gb_cg_delegate_remove(h, name, NULL);
	return r;
}

/* ------------------------------------------------------------ removing it */

/* A paused container below: thaw it first, or SIGKILL waits for the thaw (v1). */
static void thaw(const char *dir)
{
	char path[GB_CG_PATH + 32];
	snprintf(path, sizeof path, "%s/freezer.state", dir);
	if (access(path, F_OK) == 0)
		gb_write_str(path, "THAWED");
	snprintf(path, sizeof path, "%s/cgroup.freeze", dir);
	if (access(path, F_OK) == 0)
		gb_write_str(path, "0");
}

/* Depth first: a cgroup can be removed only once it has no children and no processes. */
static int remove_tree(const char *dir, int depth, struct gb_err *err)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : gb_err_set(err, errno, "opendir", "opendir(\"%s\")", dir);
	struct dirent *e;
	int r = 0;
	while (r == 0 && depth < 16 && (e = readdir(d))) {
		char sub[GB_CG_PATH];
		if (e->d_type != DT_DIR || e->d_name[0] == '.' ||
		    gb_path(sub, sizeof sub, "%s/%s", dir, e->d_name) < 0)
			continue;
		r = remove_tree(sub, depth + 1, err);
	}
	closedir(d);
	thaw(dir);
	/* A container's monitor may remove its own cgroup meanwhile: ENODEV/ENOENT, gone. */
	if (r == 0 && (r = gb_cg_kill_procs(dir, 5000, err)) == -ENODEV)
		r = 0;
	return r < 0 ? r : gb_cg_rmdir(dir, err);
}

int gb_cg_delegate_remove(const struct gb_cg_host *h, const char *name, struct gb_err *err)
{
	if (bad_name(name))
		return gb_err_set(err, EINVAL, "", "invalid student name \"%s\"", name ? name : "");
	const char *rs[GB_CG_NCTRL + 1];
	size_t n = roots(h, rs);
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		char dir[GB_CG_PATH];
		if (gb_path(dir, sizeof dir, "%s/%s/%s", rs[i], GB_CG_CLASS_PARENT, name) < 0)
			continue;
		int one = remove_tree(dir, 0, r < 0 ? NULL : err);
		if (one < 0 && r == 0)
			r = one;
		/* The last student out removes the class's dir (EBUSY/ENOTEMPTY otherwise). */
		*strrchr(dir, '/') = '\0';
		rmdir(dir);
	}
	return r;
}

/* ------------------------------------------------------------ finding it (the student) */

int gb_cg_self_unified(char *buf, size_t len)
{
	char line[GB_CG_PATH + 16];
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	int r = -ENOENT;
	while (r < 0 && fgets(line, sizeof line, f))
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			r = gb_path(buf, len, "%s", line + 3);
		}
	fclose(f);
	return r;
}

/* Delegated to uid: the dir is uid's and uid may write its cgroup.procs. */
static bool owned(const char *dir, uid_t uid)
{
	struct stat sb;
	char procs[GB_CG_PATH + 32];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
	return stat(dir, &sb) == 0 && sb.st_uid == uid && stat(procs, &sb) == 0 &&
	       sb.st_uid == uid && (sb.st_mode & S_IWUSR);
}

/* Whether path (as /proc/self/cgroup writes it) is rel or below it. */
static bool below(const char *path, const char *rel)
{
	size_t n = strlen(rel);
	return path[0] == '/' && strncmp(path + 1, rel, n) == 0 &&
	       (path[1 + n] == '\0' || path[1 + n] == '/');
}

static int find_classroom(const struct gb_cg_host *h, uid_t uid, const char *name,
			  struct gb_cg_delegation *d)
{
	char dir[GB_CG_PATH], self[GB_CG_PATH] = "";
	enum gb_cg_ctrl c = h->layout == GB_CG_V2	    ? GB_CG_MEMORY
			    : (h->avail & 1u << GB_CG_PIDS) ? GB_CG_PIDS
							    : GB_CG_MEMORY;
	if (gb_cg_delegate_dir(h, name, c, dir, sizeof dir) < 0 || !owned(dir, uid))
		return -ENOENT;
	snprintf(d->rel, sizeof d->rel, "%s/%s", GB_CG_CLASS_PARENT, name);
	d->classroom = true;
	d->unified_inside =
		h->unified[0] && gb_cg_self_unified(self, sizeof self) == 0 && below(self, d->rel);
	return 0;
}

/* systemd's user@UID.service with Delegate=yes (and a scope of systemd-run --user
 * --scope below it) is a v2 dir the user owns above their processes: take the highest
 * such ancestor, so that every shell of the user finds the same one. */
static int find_own_ancestor(const struct gb_cg_host *h, uid_t uid, struct gb_cg_delegation *d)
{
	char self[GB_CG_PATH], dir[GB_CG_PATH * 2];
	if (gb_cg_self_unified(self, sizeof self) < 0)
		return -ENOENT;
	for (char *p = self + 1; *p; p++) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		snprintf(dir, sizeof dir, "%s%s", h->unified, self);
		if (owned(dir, uid)) {
			snprintf(d->rel, sizeof d->rel, "%s", self + 1);
			d->unified_inside = true;
			return 0;
		}
		if (!slash)
			break;
		*slash = '/';
		p = slash;
	}
	return -ENOENT;
}

int gb_cg_delegation_find(const struct gb_cg_host *h, uid_t uid, const char *name,
			  struct gb_cg_delegation *d, struct gb_err *err)
{
	memset(d, 0, sizeof *d);
	if (name && !bad_name(name) && find_classroom(h, uid, name, d) == 0) {
		if (h->layout != GB_CG_V2 || d->unified_inside)
			return 0;
		int r = gb_err_set(err, EACCES, "",
				   "your processes are outside your delegated cgroup %s: cgroup v2 "
				   "lets you move a process only within a subtree you own",
				   d->rel);
		gb_err_hint(err,
			    "log in again (the login must put your shell into /sys/fs/cgroup/%s/%s"
			    "; see `glassbox classroom doctor`)",
			    d->rel, GB_CG_CLASS_SESSION);
		return r;
	}
	if (h->layout == GB_CG_V2 && find_own_ancestor(h, uid, d) == 0)
		return 0;
	int r = gb_err_set(err, ENOENT, "",
			   "no cgroup is delegated to uid %u: only root makes cgroups on this %s "
			   "host unless a subtree is handed to the user",
			   (unsigned)uid,
			   h->layout == GB_CG_V2       ? "v2"
			   : h->layout == GB_CG_HYBRID ? "hybrid"
						       : "v1");
	gb_err_hint(err,
		    "ask the teacher to run `glassbox classroom setup --students FILE` (it "
		    "delegates %s/%s to you)%s, or run without limits",
		    GB_CG_CLASS_PARENT, name ? name : "NAME",
		    h->layout == GB_CG_V2 ? ", or use systemd's delegation (user@UID.service "
					    "with Delegate=yes; `systemd-run --user --scope`)"
					  : "");
	return r;
}
