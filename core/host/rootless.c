/* host-check's section for rootless students (issue 21): what a user without root gets
 * here, and for each missing piece whether the kernel lacks it or root must set it up. */
#include "host/rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/util.h"
#include "ns/userns.h"

#define SUBID_FIX                                                                                  \
	"root adds a range: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s "   \
	"(glassbox classroom setup does it per student); without one only the user's own uid "     \
	"is mapped, as root inside"

static void note(char *buf, size_t len, const char *fmt, const char *arg)
{
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, fmt, arg);
}

static void missing(struct gb_host_feature *f, const char *reason, const char *fix)
{
	f->available = false;
	f->privilege = true; /* none of these is the kernel's: root installs or allows it */
	snprintf(f->reason, sizeof f->reason, "%s", reason);
	snprintf(f->priv_fix, sizeof f->priv_fix, "%s", fix);
}

/* The user namespace probe of host-check, plus the limit that caps them per user. */
static void item_userns(struct gb_host_feature *f)
{
	gb_hostcheck_probe("userns.unprivileged", f);
	char max[32] = "?";
	gb_read_line("/proc/sys/user/max_user_namespaces", max, sizeof max);
	note(f->tested, sizeof f->tested, "; /proc/sys/user/max_user_namespaces = %s", max);
	if (f->available && !strcmp(max, "0"))
		missing(f, "user.max_user_namespaces = 0: none may be made",
			"as root: sysctl -w user.max_user_namespaces=15000");
}

static void caller_name(char *name, size_t len)
{
	struct passwd *pw = getpwuid(geteuid());
	snprintf(name, len, "%s", pw ? pw->pw_name : "");
}

static void item_subid(struct gb_host_feature *f, const char *file)
{
	char name[256], fix[300], why[320];
	uint32_t start = 0, count = 0;
	caller_name(name, sizeof name);
	snprintf(f->tested, sizeof f->tested, "%s: a line for %s (uid %u)", file,
		 name[0] ? name : "this user", (unsigned)geteuid());
	if (geteuid() == 0) {
		f->available = true; /* root maps any id it likes without a range */
		note(f->tested, sizeof f->tested, ": %s", "root needs none (students do)");
		return;
	}
	if (gb_userns_subid(file, name[0] ? name : NULL, geteuid(), &start, &count, NULL) == 0) {
		f->available = true;
		snprintf(why, sizeof why, ": %u ids from %u (ids 1.. inside a container)", count,
			 start);
		note(f->tested, sizeof f->tested, "%s", why);
		return;
	}
	snprintf(why, sizeof why, "%s has no range for %s", file, name[0] ? name : "this uid");
	snprintf(fix, sizeof fix, SUBID_FIX, name[0] ? name : "NAME");
	missing(f, why, fix);
}

/* name on PATH (and the usual system dirs), into path; false when absent. */
static bool on_path(const char *name, char *path, size_t len)
{
	const char *env = getenv("PATH");
	char copy[2048];
	snprintf(copy, sizeof copy, "%s:/usr/bin:/usr/sbin:/bin:/sbin", env ? env : "");
	char *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (snprintf(path, len, "%s/%s", d, name) < (int)len && access(path, X_OK) == 0)
			return true;
	return false;
}

/* newuidmap writes a map of ids the caller does not own: only a setuid-root binary, or one
 * with file capabilities (security.capability: CAP_SETUID), may. */
static bool helper_ok(const char *name, char *why, size_t len)
{
	char path[512];
	struct stat st;
	if (!on_path(name, path, sizeof path))
		return snprintf(why, len, "%s is not installed", name), false;
	bool suid = stat(path, &st) == 0 && st.st_uid == 0 && (st.st_mode & S_ISUID);
	bool fcaps = getxattr(path, "security.capability", NULL, 0) > 0;
	if (!suid && !fcaps)
		return snprintf(why, len, "%s is neither setuid root nor has file capabilities",
				path),
		       false;
	return snprintf(why, len, "%s (%s)", path, suid ? "setuid root" : "file capabilities"),
	       true;
}

static void item_idmap_helpers(struct gb_host_feature *f)
{
	char u[600], g[600];
	snprintf(f->tested, sizeof f->tested,
		 "newuidmap and newgidmap on PATH, setuid root or with file capabilities");
	bool ok_u = helper_ok("newuidmap", u, sizeof u), ok_g = helper_ok("newgidmap", g, sizeof g);
	if (ok_u && ok_g) {
		f->available = true;
		note(f->tested, sizeof f->tested, ": %s", u);
		note(f->tested, sizeof f->tested, ", %s", g);
		return;
	}
	missing(f, ok_u ? g : u,
		"as root: install the uidmap package (newuidmap, newgidmap), setuid root; "
		"without them only the user's own uid is mapped");
}

static const char *const net_tools[] = { "pasta", "slirp4netns" };

static bool net_tool(char *path, size_t len)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(net_tools); i++)
		if (on_path(net_tools[i], path, len))
			return true;
	return false;
}

/* pasta and slirp4netns open /dev/net/tun to make their tap device inside the namespace:
 * Debian makes it 0666; a host where it is 0600 lets only root use them. */
static bool tun_usable(char *why, size_t len)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	snprintf(why, len, "open(\"/dev/net/tun\", O_RDWR): %s", strerror(errno));
	return false;
}

static void item_network(struct gb_host_feature *f)
{
	char path[512];
	snprintf(f->tested, sizeof f->tested,
		 "pasta (Debian package passt) or slirp4netns on PATH: the user-mode network "
		 "that connects a user's own network namespace to the host");
	if (net_tool(path, sizeof path)) {
		char why[400];
		note(f->tested, sizeof f->tested, ": %s", path);
		if (geteuid() == 0 || tun_usable(why, sizeof why)) {
			f->available = true;
			return;
		}
		missing(f, why,
			"as root: chmod 0666 /dev/net/tun (Debian's default; a tap device made "
			"through it lives in the caller's own network namespace)");
		return;
	}
	missing(f, "neither pasta nor slirp4netns is installed",
		"as root: apt-get install passt (or slirp4netns)");
}

/* As root: bridges and veths on the host's network namespace. Rootless: in the student's
 * network namespace (core/net/net_rootless.h), inside a user namespace of the student's,
 * which the kernel lets them make bridges in (host-check's "bridge" probe proves it, run
 * in a user namespace of the caller's own); pasta connects it to the host. */
static void item_bridge(struct gb_host_feature *f)
{
	char path[512], why[400];
	struct gb_host_feature b;
	snprintf(f->tested, sizeof f->tested,
		 "bridge networks (glassbox network create, lab 17) for uid %u",
		 (unsigned)geteuid());
	if (geteuid() == 0) {
		f->available = true;
		note(f->tested, sizeof f->tested, ": %s", "root: on the host's network namespace");
		return;
	}
	if (gb_hostcheck_probe("bridge", &b) < 0 || !b.available) {
		snprintf(why, sizeof why, "no bridge in a network namespace of this user's own: %s",
			 b.reason);
		missing(f, why,
			"as root: allow unprivileged user namespaces (see rootless.userns)");
		return;
	}
	bool tool = net_tool(path, sizeof path), tun = tool && tun_usable(why, sizeof why);
	f->available = true;
	note(f->tested, sizeof f->tested, ": %s",
	     tun ? "in the student's network namespace, pasta"
		 : "in the student's network namespace, without a way out to the host (no "
		   "usable pasta: rootless.network says why); -p still answers on the host");
}

/* --userns=host: namespaces made without a user namespace need CAP_SYS_ADMIN in the
 * host's, which only root has (lab 06's control). */
static void item_userns_host(struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested,
		 "containers without a user namespace (--userns=host) for uid %u",
		 (unsigned)geteuid());
	if (geteuid() == 0) {
		f->available = true;
		note(f->tested, sizeof f->tested, ": %s", "root holds CAP_SYS_ADMIN on the host");
		return;
	}
	missing(f,
		"an ordinary user may make namespaces only inside a user namespace of its own: "
		"the kernel refuses the others to it (EPERM)",
		"run as root: a container sharing the host's user namespace (lab 06's negative "
		"control) needs root by design");
}

struct item {
	const char *key, *name, *fix;
	void (*run)(struct gb_host_feature *f);
};

static void item_subuid(struct gb_host_feature *f)
{
	item_subid(f, "/etc/subuid");
}

static void item_subgid(struct gb_host_feature *f)
{
	item_subid(f, "/etc/subgid");
}

static const struct item items[] = {
	{ "rootless.userns", "user namespaces for ordinary users",
	  "a kernel built with CONFIG_USER_NS=y", item_userns },
	{ "rootless.subuid", "subordinate uids (/etc/subuid)", "-", item_subuid },
	{ "rootless.subgid", "subordinate gids (/etc/subgid)", "-", item_subgid },
	{ "rootless.idmap_helpers", "newuidmap and newgidmap", "-", item_idmap_helpers },
	{ "rootless.network", "user-mode network (pasta, slirp4netns)", "-", item_network },
	{ "rootless.bridge", "bridge networks for this user", "-", item_bridge },
	{ "rootless.userns_host", "no user namespace (--userns=host)", "-", item_userns_host },
};

size_t gb_rootless_count(void)
{
	return GB_ARRAY_LEN(items);
}

void gb_rootless_run(size_t i, struct gb_host_feature *f)
{
	memset(f, 0, sizeof *f);
	items[i].run(f);
	f->key = items[i].key;
	f->name = items[i].name;
	f->config = "";
	f->fix = items[i].fix;
	if (f->available)
		f->reason[0] = '\0';
}

int gb_rootless_probe(const char *key, struct gb_host_feature *out)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(items); i++)
		if (!strcmp(items[i].key, key)) {
			gb_rootless_run(i, out);
			return 0;
		}
	return -ENOENT;
}
