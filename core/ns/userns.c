/* User namespaces: parsing and writing uid/gid maps, /etc/subuid ranges, newuidmap for
 * rootless users, and the exact reason when the kernel says no. user_namespaces(7),
 * subuid(5), newuidmap(1). Lab 06. */
#include "ns/userns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

static int parse_range(const char *s, struct gb_idrange *r)
{
	unsigned long a, b, c;
	char tail;
	if (sscanf(s, "%lu:%lu:%lu%c", &a, &b, &c, &tail) != 3 || c == 0 || a > UINT32_MAX ||
	    b > UINT32_MAX || c > UINT32_MAX || a + c - 1 > UINT32_MAX || b + c - 1 > UINT32_MAX)
		return -EINVAL;
	*r = (struct gb_idrange){ (uint32_t)a, (uint32_t)b, (uint32_t)c };
	return 0;
}

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return a < b + (uint64_t)blen && b < a + (uint64_t)alen;
}

int gb_userns_parse_map(const char *spec, struct gb_idmap *out, struct gb_err *err)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", spec);
	out->n = 0;
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct gb_idrange r;
		if (out->n == GB_IDMAP_MAX || parse_range(tok, &r) < 0) {
			int e = gb_err_set(err, EINVAL, "", "bad id map \"%s\" at \"%s\"", spec,
					   tok);
			gb_err_hint(err,
				    "write INSIDE:OUTSIDE:COUNT, e.g. 0:100000:65536, up to "
				    "%d ranges separated by commas",
				    GB_IDMAP_MAX);
			return e;
		}
		/* The kernel refuses overlapping ranges on either side (EINVAL). */
		for (size_t i = 0; i < out->n; i++) {
			const struct gb_idrange *o = &out->r[i];
			if (overlaps(o->inside, o->count, r.inside, r.count) ||
			    overlaps(o->outside, o->count, r.outside, r.count))
				return gb_err_set(err, EINVAL, "",
						  "ranges overlap in id map \"%s\"", spec);
		}
		out->r[out->n++] = r;
	}
	if (out->n == 0)
		return gb_err_set(err, EINVAL, "", "empty id map");
	return 0;
}

int gb_userns_format_map(const struct gb_idmap *m, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + used, len - used, "%u %u %u\n", m->r[i].inside,
				 m->r[i].outside, m->r[i].count);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	return 0;
}

long long gb_userns_to_outside(const struct gb_idmap *m, uint32_t inside)
{
	for (size_t i = 0; i < m->n; i++)
		if (inside >= m->r[i].inside && inside - m->r[i].inside < m->r[i].count)
			return (long long)m->r[i].outside + (inside - m->r[i].inside);
	return -1;
}

int gb_userns_subid(const char *file, const char *user, uid_t uid, uint32_t *start, uint32_t *count,
		    struct gb_err *err)
{
	gb_autofree char *data = NULL;
	int r = gb_read_file(file, &data, NULL);
	if (r < 0)
		return gb_err_set(err, r, "open", "cannot read %s", file);
	char uidstr[16];
	snprintf(uidstr, sizeof uidstr, "%u", (unsigned)uid);
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[256];
		unsigned long s, c;
		if (line[0] == '#' || sscanf(line, "%255[^:]:%lu:%lu", name, &s, &c) != 3)
			continue;
		if ((user && strcmp(name, user) == 0) || strcmp(name, uidstr) == 0) {
			*start = (uint32_t)s;
			*count = (uint32_t)c;
			return 0;
		}
	}
	r = gb_err_set(err, ENOENT, "subuid", "%s has no range for %s", file, user ? user : uidstr);
	gb_err_hint(err,
		    "add one with: usermod --add-subuids 100000-165535 --add-subgids "
		    "100000-165535 %s (or run with your own id mapped only)",
		    user ? user : uidstr);
	return r;
}

void gb_userns_default_map(uint32_t id, uint32_t sub_start, uint32_t sub_count,
			   struct gb_idmap *out)
{
	out->n = 0;
	out->r[out->n++] = (struct gb_idrange){ 0, id, 1 };
	if (sub_count > 1)
		out->r[out->n++] = (struct gb_idrange){ 1, sub_start, sub_count };
}

/* A sysctl that, when present and 0 (or 1 for the AppArmor one), forbids it. */
static int sysctl_blocks(const char *path, const char *blocking, const char *name, const char *fix,
			 struct gb_err *err)
{
	char v[32];
	if (gb_read_line(path, v, sizeof v) < 0 || strcmp(v, blocking) != 0)
		return 0;
	int r = gb_err_set(err, EPERM, "unshare(CLONE_NEWUSER)",
			   "unprivileged user namespaces are disabled: %s=%s", name, v);
	gb_err_hint(err, "%s", fix);
	return r;
}

int gb_userns_check_allowed(struct gb_err *err)
{
	int r = sysctl_blocks("/proc/sys/user/max_user_namespaces", "0", "user.max_user_namespaces",
			      "as root: sysctl -w user.max_user_namespaces=15000", err);
	if (r == 0 && geteuid() != 0)
		r = sysctl_blocks("/proc/sys/kernel/unprivileged_userns_clone", "0",
				  "kernel.unprivileged_userns_clone",
				  "as root: sysctl -w kernel.unprivileged_userns_clone=1", err);
	if (r == 0 && geteuid() != 0)
		r = sysctl_blocks(
			"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
			"kernel.apparmor_restrict_unprivileged_userns",
			"as root: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, "
			"or give glassbox an AppArmor profile allowing userns",
			err);
	return r;
}

/* newuidmap PID IN OUT COUNT ...: the setuid helper checks /etc/subuid for us. */
static int run_helper(const char *helper, pid_t pid, const struct gb_idmap *m, struct gb_err *err)
{
	char args[GB_IDMAP_MAX * 3 + 3][16];
	char *argv[GB_IDMAP_MAX * 3 + 3];
	size_t n = 0;
	argv[n++] = (char *)helper;
	snprintf(args[n], sizeof args[n], "%d", (int)pid);
	argv[n] = args[n], n++;
	for (size_t i = 0; i < m->n; i++) {
		uint32_t v[3] = { m->r[i].inside, m->r[i].outside, m->r[i].count };
		for (int k = 0; k < 3; k++, n++) {
			snprintf(args[n], sizeof args[n], "%u", v[k]);
			argv[n] = args[n];
		}
	}
	argv[n] = NULL;
	pid_t child = fork();
	if (child < 0)
		return gb_err_set(err, errno, "fork", "cannot start %s", helper);
	if (child == 0) {
		execvp(helper, argv);
		_exit(127);
	}
	int st;
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return gb_err_set(err, errno, "waitpid", "%s", helper);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	int r = gb_err_set(err, EPERM, helper, "%s %d ... failed (status %d)", helper, (int)pid,
			   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	gb_err_hint(err, WIFEXITED(st) && WEXITSTATUS(st) == 127
				 ? "install the uidmap package (newuidmap, newgidmap)"
				 : "check your ranges in /etc/subuid and /etc/subgid");
	return r;
}

static int write_map(pid_t pid, const char *which, const struct gb_idmap *m, struct gb_err *err)
{
	char path[64], text[256];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	if (gb_userns_format_map(m, text, sizeof text) < 0)
		return gb_err_set(err, E2BIG, "write", "id map too long for %s", path);
	int r = gb_write_str(path, text);
	if (r < 0) {
		r = gb_err_set(err, r, "write", "cannot write \"%.*s\" to %s",
			       (int)strcspn(text, "\n"), text, path);
		gb_err_hint(err, "a map can be written once, by a process with the outside ids "
				 "mapped (CAP_SETUID/CAP_SETGID over the parent namespace)");
	}
	return r;
}

int gb_userns_write_maps(pid_t pid, const struct gb_idmap *uids, const struct gb_idmap *gids,
			 struct gb_err *err)
{
	bool simple = uids->n == 1 && gids->n == 1 && uids->r[0].count == 1 &&
		      gids->r[0].count == 1 && uids->r[0].outside == geteuid() &&
		      gids->r[0].outside == getegid();
	if (geteuid() != 0 && !simple) {
		int r = run_helper("newuidmap", pid, uids, err);
		return r < 0 ? r : run_helper("newgidmap", pid, gids, err);
	}
	if (geteuid() != 0) {
		/* Unprivileged gid_map writes need setgroups denied first: otherwise the
		 * container could drop a supplementary group that denies it access. */
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
		int r = gb_write_str(path, "deny");
		if (r < 0)
			return gb_err_set(err, r, "write", "cannot write deny to %s", path);
	}
	int r = write_map(pid, "uid_map", uids, err);
	return r < 0 ? r : write_map(pid, "gid_map", gids, err);
}

int gb_userns_read_map(pid_t pid, const char *which, struct gb_idmap *out, struct gb_err *err)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	else
		snprintf(path, sizeof path, "/proc/self/%s", which);
	gb_autofree char *data = NULL;
	int r = gb_read_file(path, &data, NULL);
	if (r < 0)
		return gb_err_set(err, r, "open", "cannot read %s", path);
	out->n = 0;
	char *save = NULL;
	for (char *line = strtok_r(data, "\n", &save); line && out->n < GB_IDMAP_MAX;
	     line = strtok_r(NULL, "\n", &save)) {
		struct gb_idrange *g = &out->r[out->n];
		if (sscanf(line, "%u %u %u", &g->inside, &g->outside, &g->count) == 3)
			out->n++;
	}
	return 0;
}

int gb_userns_map_spec(const struct gb_idmap *m, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + used, len - used, "%s%u:%u:%u", i ? "," : "", m->r[i].inside,
				 m->r[i].outside, m->r[i].count);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	return 0;
}
