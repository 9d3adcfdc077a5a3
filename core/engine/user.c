/* Becoming the container's user (user.h). */
#include "engine/user.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

bool gb_user_spec_valid(const char *spec)
{
	size_t n = strlen(spec);
	if (n == 0 || n > 63 || spec[0] == ':' || spec[n - 1] == ':')
		return false;
	int colons = 0;
	for (const char *p = spec; *p; p++) {
		if (*p == ':')
			colons++;
		else if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	}
	return colons <= 1;
}

static bool numeric(const char *s, unsigned long *out)
{
	if (!*s)
		return false;
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > 0x7fffffff)
		return false;
	*out = v;
	return true;
}

/* Field `idx` (0-based) of a ':' separated line, copied into buf. */
static const char *field(const char *line, int idx, char *buf, size_t len)
{
	const char *p = line;
	for (int i = 0; i < idx && p; i++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	if (!p)
		return NULL;
	size_t n = strcspn(p, ":\n");
	snprintf(buf, len, "%.*s", (int)n, p);
	return buf;
}

/* The line of a passwd/group file whose name (field 0) or id (field 2) matches. */
static const char *find_entry(const char *text, const char *name, bool by_id, unsigned long id)
{
	for (const char *line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char f[256];
		if (line[0] == '#' || !field(line, 0, f, sizeof f))
			continue;
		if (!by_id && strcmp(f, name) == 0)
			return line;
		unsigned long v;
		if (by_id && field(line, 2, f, sizeof f) && numeric(f, &v) && v == id)
			return line;
	}
	return NULL;
}

static bool member_of(const char *line, const char *user)
{
	char members[1024];
	if (!field(line, 3, members, sizeof members))
		return false;
	char *save = NULL;
	for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
		if (strcmp(m, user) == 0)
			return true;
	return false;
}

static int lookup_user(const char *u, const char *passwd, struct gb_user *out, char *name,
		       size_t name_len, struct gb_err *err)
{
	unsigned long id;
	bool num = numeric(u, &id);
	const char *line = passwd ? find_entry(passwd, u, num, num ? id : 0) : NULL;
	char f[256];
	name[0] = '\0';
	if (line) {
		field(line, 0, name, name_len);
		out->uid = field(line, 2, f, sizeof f) ? (uid_t)strtoul(f, NULL, 10) : 0;
		out->gid = field(line, 3, f, sizeof f) ? (gid_t)strtoul(f, NULL, 10) : 0;
		if (field(line, 5, f, sizeof f) && f[0])
			snprintf(out->home, sizeof out->home, "%s", f);
		return 0;
	}
	if (num) { /* a uid with no passwd entry is allowed, as Docker does: its gid is 0 */
		out->uid = (uid_t)id;
		out->gid = 0;
		return 0;
	}
	int r = gb_err_set(
		err, ENOENT, "",
		"unable to find user %s: no matching entries in the container's /etc/passwd", u);
	gb_err_hint(err, "use a user of the image (`glassbox run IMAGE cat /etc/passwd`) or a "
			 "number, e.g. --user 1000:1000");
	return r;
}

/* "GID:G1,G2": the supplementary groups given by number (OCI's additionalGids, never the
 * --user of the command line): cut from g, into out->groups. */
static int extra_groups(char *g, struct gb_user *out, struct gb_err *err)
{
	char *list = strchr(g, ':');
	*list++ = '\0';
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		unsigned long id;
		if (!numeric(tok, &id) || out->n_groups == GB_USER_MAX_GROUPS)
			return gb_err_set(err, EINVAL, "", "bad supplementary group %s", tok);
		out->groups[out->n_groups++] = (gid_t)id;
	}
	return 0;
}

int gb_user_lookup(const char *spec, const char *passwd, const char *group, struct gb_user *out,
		   struct gb_err *err)
{
	memset(out, 0, sizeof *out);
	snprintf(out->home, sizeof out->home, "/");
	char u[64], g[64] = "", name[256];
	snprintf(u, sizeof u, "%s", spec);
	char *colon = strchr(u, ':');
	if (colon) {
		snprintf(g, sizeof g, "%s", colon + 1);
		*colon = '\0';
	}
	int r = lookup_user(u, passwd, out, name, sizeof name, err);
	if (r == 0 && strchr(g, ':'))
		r = extra_groups(g, out, err);
	if (r < 0)
		return r;
	if (g[0]) {
		unsigned long id;
		bool num = numeric(g, &id);
		const char *line = group ? find_entry(group, g, num, num ? id : 0) : NULL;
		char f[64];
		if (line && field(line, 2, f, sizeof f))
			out->gid = (gid_t)strtoul(f, NULL, 10);
		else if (num)
			out->gid = (gid_t)id;
		else {
			r = gb_err_set(err, ENOENT, "",
				       "unable to find group %s: no matching entries in the "
				       "container's /etc/group",
				       g);
			gb_err_hint(err,
				    "use a group of the image or a number, e.g. --user 1000:1000");
			return r;
		}
		return 0; /* an explicit group replaces /etc/group's supplementary ones, as in
			   * Docker; only additionalGids (above) add to it */
	}
	/* Supplementary groups: every group that lists the user by name. */
	for (const char *line = group;
	     name[0] && line && *line && out->n_groups < GB_USER_MAX_GROUPS;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char f[64];
		if (member_of(line, name) && field(line, 2, f, sizeof f))
			out->groups[out->n_groups++] = (gid_t)strtoul(f, NULL, 10);
	}
	return 0;
}

int gb_user_switch(const char *spec, struct gb_err *err)
{
	gb_autofree char *passwd = NULL, *group = NULL;
	gb_read_file("/etc/passwd", &passwd, NULL); /* the container's: we are past pivot_root */
	gb_read_file("/etc/group", &group, NULL);
	struct gb_user u;
	int r = gb_user_lookup(spec, passwd, group, &u, err);
	if (r < 0)
		return r;
	if (setgroups(u.n_groups, u.groups) < 0)
		return gb_err_set(err, errno, "setgroups", "setgroups(%zu, ...) for user %s failed",
				  u.n_groups, spec);
	if (setresgid(u.gid, u.gid, u.gid) < 0)
		return gb_err_set(err, errno, "setresgid", "setresgid(%u) for user %s failed",
				  (unsigned)u.gid, spec);
	/* From uid 0 to another uid the kernel clears the permitted, effective and ambient
	 * capability sets: a non-root user in a container has no capabilities at all. */
	if (setresuid(u.uid, u.uid, u.uid) < 0)
		return gb_err_set(err, errno, "setresuid", "setresuid(%u) for user %s failed",
				  (unsigned)u.uid, spec);
	return 0;
}
