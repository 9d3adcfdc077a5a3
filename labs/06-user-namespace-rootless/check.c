/* Lab 06 check: the user namespace. PID 1's uid_map is not the identity, root inside
 * (uid 0 in the container) is an ordinary uid on the host (the Uid: line of
 * /proc/PID/status read from the host), and root inside cannot write a root-owned file
 * the host puts into its writable layer. Negative control: --userns=host (no user
 * namespace), where root inside is root outside and the write goes through. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "engine/observe.h"
#include "ns/userns.h"
#include "storage/userns_view.h"

static void setup(struct gb_config *cfg)
{
	snprintf(cfg->userns, sizeof cfg->userns, "auto");
}

static void control(struct gb_config *cfg)
{
	snprintf(cfg->userns, sizeof cfg->userns, "host");
}

static bool identity(const struct gb_idmap *m)
{
	return m->n == 1 && m->r[0].inside == 0 && m->r[0].outside == 0 &&
	       m->r[0].count == 4294967295U;
}

static void check_map(struct gb_check *c, pid_t pid, const struct gb_idmap *m)
{
	char text[256];
	gb_userns_map_spec(m, text, sizeof text);
	if (m->n == 0)
		gb_check_error(c, "cannot read /proc/%d/uid_map", (int)pid);
	else if (identity(m))
		gb_check_is(
			c, "uid-map", false,
			"/proc/%d/uid_map is \"0 0 4294967295\": every uid inside is the same uid "
			"outside (the host's own user namespace)",
			(int)pid);
	else
		gb_check_is(c, "uid-map", true,
			    "/proc/%d/uid_map maps uids inside to others outside (%s, as "
			    "INSIDE:OUTSIDE:COUNT)",
			    (int)pid, text);
}

/* The Uid: line from the host is the real uid as the host sees it. */
static void check_root(struct gb_check *c, pid_t pid, const struct gb_idmap *m)
{
	char line[128];
	unsigned host = 0;
	if (gb_observe_status_field(pid, "Uid", line, sizeof line) < 0 ||
	    sscanf(line, "%u", &host) != 1) {
		gb_check_error(c, "cannot read the Uid: line of /proc/%d/status", (int)pid);
		return;
	}
	for (char *p = line; *p; p++)
		*p = *p == '\t' ? ' ' : *p;
	bool root_inside = gb_userns_to_outside(m, 0) == (long long)host;
	if (host == 0)
		gb_check_is(c, "root-unprivileged", false,
			    "PID 1 is uid 0 on the host (Uid: %s in /proc/%d/status): root inside "
			    "is root outside",
			    line, (int)pid);
	else if (root_inside)
		gb_check_is(c, "root-unprivileged", true,
			    "PID 1 is uid 0 inside but uid %u on the host (Uid: %s): an ordinary "
			    "user outside",
			    host, line);
	else
		gb_check_error(
			c,
			"PID 1 is uid %u on the host, which is not root inside: run it as root "
			"inside to see the map at work",
			host);
}

/* A file of the host's root, mode 0644, put into the container's writable layer from
 * the host: inside it appears at /NAME. Root inside may write it only if it is root
 * outside (CAP_DAC_OVERRIDE counts only over files whose owner the namespace maps). */
static void check_write(struct gb_check *c, const struct gb_state *st)
{
	char name[64], host[700], inside[80], text[64] = "";
	snprintf(name, sizeof name, "gb-lab06-root-file-%d", (int)getpid());
	snprintf(host, sizeof host, "%s/%s", st->upper, name);
	snprintf(inside, sizeof inside, "echo written-by-root-inside >> /%s", name);
	int fd = open(host, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	bool made = fd >= 0 && write(fd, "host-secret\n", 12) == 12;
	if (fd >= 0)
		close(fd);
	if (!made || chown(host, 0, 0) < 0 || chmod(host, 0644) < 0) {
		gb_check_error(c, "cannot make the root-owned file %s (%s)", host, strerror(errno));
		unlink(host);
		return;
	}
	char *const cmd[] = { "sh", "-c", inside, NULL };
	int code = gb_check_exec_quiet(c, st->cfg.id, cmd);
	gb_read_line(host, text, sizeof text);
	unlink(host);
	if (code < 0)
		return; /* the exec's own ERROR says why */
	else if (code == 0)
		gb_check_is(c, "root-file-write", false,
			    "root inside wrote /%s, a file of the host's root (mode 0644): it has "
			    "root's power over the host's files",
			    name);
	else
		gb_check_is(c, "root-file-write", true,
			    "root inside could not write /%s, a root-owned 0644 file from the host "
			    "(it still reads \"%s\")",
			    name, text);
}

/* The container's root must be able to search the parents of the data and state roots
 * (it mounts its view of them there, core/storage/userns_view.c): a host whose roots sit
 * in a private directory cannot run this lab. That is the host's setup, not a kernel
 * feature it lacks: ERROR, with the fix. */
static bool reachable(struct gb_check *c)
{
	struct gb_config cfg;
	gb_config_init(&cfg);
	setup(&cfg);
	struct gb_err err = { 0 };
	if (gb_userns_resolve(&cfg, &err) == 0 && cfg.uid_map.n && !gb_userns_rootless() &&
	    gb_userns_view_check(c->rt, (uid_t)gb_userns_to_outside(&cfg.uid_map, 0),
				 (gid_t)gb_userns_to_outside(&cfg.gid_map, 0), &err) < 0) {
		c->err = err;
		return false;
	}
	return true;
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "ns.user"))
		return 0;
	/* The control, --userns=host, is root's alone: an ordinary user makes namespaces
	 * only inside a user namespace (host-check's students' section says so). */
	if (c->control && !gb_check_host_has(c, "rootless.userns_host"))
		return 0;
	if (!c->container && !c->control && !reachable(c))
		return -EACCES;
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_idmap m = { .n = 0 };
	gb_userns_read_map(st.pid, "uid_map", &m, NULL);
	check_map(c, st.pid, &m);
	check_root(c, st.pid, &m);
	/* An ordinary user cannot make a file of the host's root to hand in. */
	if (geteuid() == 0)
		check_write(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_06 = {
	.num = 6,
	.slug = "user-namespace-rootless",
	.title = "User namespaces and rootless containers",
	.feature = "uid_map; root inside is an ordinary uid outside; it cannot write a root-owned "
		   "host file",
	.control = "--userns=host",
	.check = check,
	.trips = "root-unprivileged",
};
