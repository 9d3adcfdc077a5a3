/* Host check: does this kernel give us each container feature? Every probe tries the
 * feature for real in a forked child (a config option can be set and the feature still
 * refused, by a sysctl, an LSM or a missing module). namespaces(7), user_namespaces(7),
 * cgroups(7), seccomp(2), pidfd_open(2), pivot_root(2), rtnetlink(7). Used by
 * `glassbox host-check` and by lab checks that skip what the host lacks (issue 8). */
#include "host/hostcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "base/util.h"
#include "cgroup/devprog.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define NOBODY 65534

/* ------------------------------------------------------------ running a probe in a child */

/* What the child reports back, through a shared anonymous mapping. */
struct outcome {
	int code;	  /* 0 or a positive errno */
	char detail[300]; /* the call that failed, or what was seen */
	const char *priv; /* set: the failure was the caller's privilege, this is the fix */
};

/* What root must change when the failure was privilege, not the kernel. */
#define USERNS_FIX                                                                                 \
	"the kernel has user namespaces, but this host refuses them to ordinary users: as root, "  \
	"allow them (sysctl kernel.unprivileged_userns_clone=1 on Debian, "                        \
	"user.max_user_namespaces > 0, kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu)"
#define CAPS_FIX                                                                                   \
	"the kernel has it, but this process lacks CAP_SYS_ADMIN: run as root (in a container: "   \
	"with that capability), or as an ordinary user with user namespaces allowed"
#define CGROUP_FIX                                                                                 \
	"the kernel has it, but an ordinary user may not make cgroups here: root delegates a "     \
	"cgroup subtree to each student (glassbox classroom setup), or run as root"

struct probe;
typedef int (*child_fn)(const struct probe *p, const char *dir, struct outcome *o);

static int fail_at(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail_at(struct outcome *o, const char *fmt, ...)
{
	int e = errno ? errno : EIO;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->detail, sizeof o->detail, fmt, ap);
	va_end(ap);
	o->code = e;
	return -e;
}

/* Fork, run fn in the child, wait. The child dies with us (PDEATHSIG) and whatever it
 * made (namespaces, the mounts and links inside them) dies with it. */
static int in_child(const struct probe *p, child_fn fn, const char *dir, struct outcome *out)
{
	struct outcome *o =
		mmap(NULL, sizeof *o, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (o == MAP_FAILED)
		return -errno;
	memset(o, 0, sizeof *o);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		errno = 0;
		fn(p, dir, o);
		_exit(0);
	}
	int status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = *o;
	if (pid < 0)
		snprintf(out->detail, sizeof out->detail, "fork failed"), out->code = errno;
	else if (WIFSIGNALED(status))
		snprintf(out->detail, sizeof out->detail, "the probe was killed by signal %d",
			 WTERMSIG(status)),
			out->code = EINTR;
	munmap(o, sizeof *o);
	return -out->code;
}

/* A private scratch directory for probes that mount: the child mounts a tmpfs over it
 * in its own mount namespace, so nothing appears on the host. */
static int scratch_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/glassbox-hostcheck.XXXXXX");
	if (!mkdtemp(dir))
		return -errno;
	chmod(dir, 0755); /* the unprivileged probes must reach it */
	return 0;
}

/* ------------------------------------------------------------ the probes */

struct probe {
	const char *key, *name, *config, *fix;
	int (*run)(const struct probe *p, struct gb_host_feature *f);
	int flag; /* CLONE_NEW* for the namespace probes */
	const char *flag_name;
	const char *arg; /* controller name, ... */
};

/* An ordinary user holds no capability in the host's user namespace, so the kernel refuses
 * it every namespace but a user namespace (EPERM). In a user namespace of its own it holds
 * all of them over what it creates there: rootless glassbox works that way, so a probe for
 * such a caller runs there too (user_namespaces(7)), and a refusal of that first step is
 * the host's policy, not a kernel without the feature. */
static bool rootless(void)
{
	return geteuid() != 0;
}

/* Our own uid and gid (as they were outside) become root inside: a user namespace needs
 * no helper for that. */
static int map_own_ids(uid_t uid, gid_t gid, struct outcome *o)
{
	char uid_map[32], gid_map[32];
	snprintf(uid_map, sizeof uid_map, "0 %u 1", (unsigned)uid);
	snprintf(gid_map, sizeof gid_map, "0 %u 1", (unsigned)gid);
	if (gb_write_str("/proc/self/setgroups", "deny") < 0)
		return fail_at(o, "write(/proc/self/setgroups, \"deny\")");
	if (gb_write_str("/proc/self/uid_map", uid_map) < 0)
		return fail_at(o, "write(/proc/self/uid_map, \"%s\")", uid_map);
	if (gb_write_str("/proc/self/gid_map", gid_map) < 0)
		return fail_at(o, "write(/proc/self/gid_map, \"%s\")", gid_map);
	return 0;
}

/* unshare(CLONE_NEWUSER) (with more flags), as this uid: refused means policy. */
static int own_userns(int more, struct outcome *o)
{
	uid_t uid = geteuid(); /* inside, until mapped, we are the overflow uid 65534 */
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER | more) < 0) {
		int e = errno;
		fail_at(o, "as uid %d, unshare(CLONE_NEWUSER%s)", (int)geteuid(),
			more ? "|CLONE_NEWNS" : "");
		if (e == EPERM || e == EACCES || e == ENOSPC || e == EUSERS)
			o->priv = USERNS_FIX;
		return -e;
	}
	return map_own_ids(uid, gid, o);
}

/* Before a probe that needs CAP_SYS_ADMIN: an ordinary user enters a user namespace of
 * its own first; root stays where it is. */
static int enter_as_engine(struct outcome *o)
{
	return rootless() ? own_userns(0, o) : 0;
}

/* unshare(flag) failed: EPERM for root is a missing capability, not a missing kernel
 * feature (which answers EINVAL). */
static int unshare_failed(struct outcome *o, const char *call)
{
	int e = errno;
	fail_at(o, "%s", call);
	if ((e == EPERM || e == EACCES) && !rootless())
		o->priv = CAPS_FIX;
	return -e;
}

static void outcome_text(struct gb_host_feature *f, const struct outcome *o, const char *ok_text)
{
	if (o->code != 0 && o->priv) {
		f->privilege = true;
		snprintf(f->priv_fix, sizeof f->priv_fix, "%s", o->priv);
	}
	if (o->code == 0) {
		snprintf(f->tested + strlen(f->tested), sizeof f->tested - strlen(f->tested),
			 ": %s", o->detail[0] ? o->detail : ok_text);
		f->available = true;
	} else {
		snprintf(f->reason, sizeof f->reason, "%s: %s", o->detail, strerror(o->code));
	}
}

static int ns_child(const struct probe *p, const char *dir, struct outcome *o)
{
	if (p->flag == CLONE_NEWUSER) {
		if (unshare(CLONE_NEWUSER) < 0) {
			int e = errno;
			fail_at(o, "unshare(CLONE_NEWUSER)");
			if (e == EPERM || e == EACCES || e == ENOSPC || e == EUSERS)
				o->priv = USERNS_FIX;
			return -e;
		}
	} else if (enter_as_engine(o) < 0) {
		return -o->code;
	} else if (unshare(p->flag) < 0) {
		char call[80];
		snprintf(call, sizeof call, "unshare(%s)", p->flag_name);
		return unshare_failed(o, call);
	}
	if (p->flag == CLONE_NEWPID || p->flag == CLONE_NEWTIME) {
		/* These apply to children: the first child is PID 1 of the new namespace. */
		pid_t pid = fork();
		if (pid == 0)
			_exit(getpid() == 1 ? 0 : 1);
		int status = 0;
		waitpid(pid, &status, 0);
		if (p->flag == CLONE_NEWPID && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
			return errno = EPROTO,
			       fail_at(o, "the first child of the new PID namespace is not PID 1");
		snprintf(o->detail, sizeof o->detail, "ok%s",
			 p->flag == CLONE_NEWPID ? ", and its first child is PID 1" : "");
	}
	return 0;
}

/* How a probe ran: an ordinary user's inside a user namespace of its own. */
static const char *as_whom(void)
{
	return rootless() ? " (inside a new user namespace of this user, as rootless glassbox "
			    "runs)"
			  : "";
}

static int probe_ns(const struct probe *p, struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested, "unshare(%s) in a forked child%s", p->flag_name,
		 p->flag == CLONE_NEWUSER ? "" : as_whom());
	struct outcome o;
	in_child(p, ns_child, NULL, &o);
	outcome_text(f, &o, "ok");
	return 0;
}

/* Drop to nobody, as an unprivileged user would be, and stay dumpable so that we may
 * still write our own /proc/self/uid_map. */
static int become_nobody(struct outcome *o)
{
	if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0)
		return fail_at(o, "setresgid(%d)", NOBODY);
	if (setresuid(NOBODY, NOBODY, NOBODY) < 0)
		return fail_at(o, "setresuid(%d)", NOBODY);
	prctl(PR_SET_DUMPABLE, 1);
	return 0;
}

static int userns_child(const struct probe *p, const char *dir, struct outcome *o)
{
	/* Root tries it as nobody; an ordinary user is one already and tries it as itself. */
	if (!rootless() && become_nobody(o) < 0)
		return -o->code;
	int uid = (int)geteuid();
	if (own_userns(0, o) < 0)
		return -o->code;
	snprintf(o->detail, sizeof o->detail, "ok, and uid %d became uid %d inside", uid,
		 (int)getuid());
	return 0;
}

/* The sysctls that switch unprivileged user namespaces off, with their values. */
static void userns_sysctls(char *buf, size_t len)
{
	static const char *const knobs[] = {
		"/proc/sys/kernel/unprivileged_userns_clone",		  /* Debian */
		"/proc/sys/user/max_user_namespaces",			  /* 0 = none at all */
		"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", /* Ubuntu 23.10+ */
	};
	buf[0] = '\0';
	for (size_t i = 0; i < GB_ARRAY_LEN(knobs); i++) {
		char v[32];
		size_t used = strlen(buf);
		if (gb_read_line(knobs[i], v, sizeof v) == 0)
			snprintf(buf + used, len - used, "%s%s = %s", used ? ", " : "",
				 knobs[i] + 10, v);
	}
}

static int probe_userns(const struct probe *p, struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested,
		 "as uid %d in a forked child: unshare(CLONE_NEWUSER), write uid_map",
		 rootless() ? (int)geteuid() : NOBODY);
	struct outcome o;
	in_child(p, userns_child, NULL, &o);
	outcome_text(f, &o, "ok");
	if (!f->available) {
		char knobs[200];
		userns_sysctls(knobs, sizeof knobs);
		size_t used = strlen(f->reason);
		if (knobs[0])
			snprintf(f->reason + used, sizeof f->reason - used, " (%s)", knobs);
	}
	return 0;
}

/* A private mount namespace with a tmpfs over dir: mounts made after this vanish with
 * the child. */
static int private_tmpfs(const char *dir, struct outcome *o)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail_at(o, "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE)");
	if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") < 0)
		return fail_at(o, "mount(\"tmpfs\", \"%s\", \"tmpfs\")", dir);
	return 0;
}

static int overlay_in(const char *dir, struct outcome *o)
{
	static const char *const sub[] = { "lower", "upper", "work", "merged" };
	char path[512], opts[1024];
	for (size_t i = 0; i < GB_ARRAY_LEN(sub); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, sub[i]);
		if (mkdir(path, 0755) < 0)
			return fail_at(o, "mkdir(%s)", path);
	}
	snprintf(opts, sizeof opts, "lowerdir=%s/lower,upperdir=%s/upper,workdir=%s/work", dir, dir,
		 dir);
	snprintf(path, sizeof path, "%s/merged", dir);
	if (mount("overlay", path, "overlay", 0, opts) < 0)
		return fail_at(o, "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")", path, opts);
	/* A write through the merged tree must land in the upper dir. */
	snprintf(path, sizeof path, "%s/merged/probe", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail_at(o, "open(%s, O_CREAT)", path);
	close(fd);
	snprintf(path, sizeof path, "%s/upper/probe", dir);
	if (access(path, F_OK) < 0)
		return fail_at(o, "a write to merged/ did not appear in upper/");
	snprintf(o->detail, sizeof o->detail, "ok, and a write to merged/ landed in upper/");
	return 0;
}

static int overlay_child(const struct probe *p, const char *dir, struct outcome *o)
{
	if (enter_as_engine(o) < 0)
		return -o->code;
	if (unshare(CLONE_NEWNS) < 0)
		return unshare_failed(o, "unshare(CLONE_NEWNS)");
	if (private_tmpfs(dir, o) < 0)
		return -o->code;
	return overlay_in(dir, o);
}

static int overlay_userns_child(const struct probe *p, const char *dir, struct outcome *o)
{
	if (!rootless() && become_nobody(o) < 0)
		return -o->code;
	if (own_userns(CLONE_NEWNS, o) < 0 || private_tmpfs(dir, o) < 0)
		return -o->code;
	return overlay_in(dir, o);
}

static int pivot_child(const struct probe *p, const char *dir, struct outcome *o)
{
	if (enter_as_engine(o) < 0)
		return -o->code;
	if (unshare(CLONE_NEWNS) < 0)
		return unshare_failed(o, "unshare(CLONE_NEWNS)");
	if (private_tmpfs(dir, o) < 0)
		return -o->code;
	if (chdir(dir) < 0)
		return fail_at(o, "chdir(%s)", dir);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail_at(o, "pivot_root(\".\", \".\")");
	if (umount2(".", MNT_DETACH) < 0)
		return fail_at(o, "umount2(\".\", MNT_DETACH) of the old root");
	chdir("/");
	struct statfs sfs;
	if (statfs("/", &sfs) < 0 || sfs.f_type != TMPFS_MAGIC)
		return errno = EPROTO, fail_at(o, "after pivot_root, / is not the tmpfs");
	if (access("/etc", F_OK) == 0)
		return errno = EPROTO,
		       fail_at(o, "after pivot_root, the old root's /etc is still reachable");
	snprintf(o->detail, sizeof o->detail,
		 "ok: / became the tmpfs and the old root's /etc is gone");
	return 0;
}

static int probe_mounting(const struct probe *p, struct gb_host_feature *f)
{
	child_fn fn = !strcmp(p->key, "overlay")	  ? overlay_child
		      : !strcmp(p->key, "overlay.userns") ? overlay_userns_child
							  : pivot_child;
	if (fn == overlay_child)
		snprintf(f->tested, sizeof f->tested,
			 "in a forked child's private mount namespace on a tmpfs: "
			 "mount(\"overlay\") and a write through it%s",
			 as_whom());
	else if (fn == overlay_userns_child)
		snprintf(f->tested, sizeof f->tested,
			 "as uid %d in a new user + mount namespace: mount tmpfs, "
			 "mount(\"overlay\"), a write",
			 rootless() ? (int)geteuid() : NOBODY);
	else
		snprintf(f->tested, sizeof f->tested,
			 "in a forked child's private mount namespace: tmpfs, pivot_root(\".\", "
			 "\".\"), umount2(MNT_DETACH)%s",
			 as_whom());
	char dir[64];
	if (scratch_dir(dir, sizeof dir) < 0) {
		snprintf(f->reason, sizeof f->reason, "mkdtemp(/tmp/glassbox-hostcheck.XXXXXX): %s",
			 strerror(errno));
		return 0;
	}
	struct outcome o;
	in_child(p, fn, dir, &o);
	rmdir(dir);
	outcome_text(f, &o, "ok");
	return 0;
}

/* ------------------------------------------------------------ cgroups */

const char *gb_hostcheck_cgroup_layout(void)
{
	/* The filesystem type at /sys/fs/cgroup tells the layout: cgroup2 itself (unified),
	 * or a tmpfs of v1 hierarchies, with or without cgroup2 at unified/ (hybrid). */
	struct statfs s;
	if (statfs("/sys/fs/cgroup", &s) < 0)
		return "none";
	if (s.f_type == CGROUP2_SUPER_MAGIC)
		return "v2";
	if (statfs("/sys/fs/cgroup/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
		return "hybrid";
	return s.f_type == TMPFS_MAGIC ? "v1" : "none";
}

static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || strchr(seps, p[-1])) && (p[n] == '\0' || strchr(seps, p[n])))
			return true;
	return false;
}

/* The mount point of the v1 hierarchy that carries controller, from mountinfo. */
static int v1_mount(const char *controller, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	char line[1024];
	int r = -ENOENT;
	while (r < 0 && fgets(line, sizeof line, f)) {
		char *dash = strstr(line, " - cgroup ");
		char mnt[512];
		if (!dash || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1)
			continue;
		char *opts = strrchr(dash, ' ');
		if (opts && has_word(opts + 1, controller, ",\n"))
			r = gb_path(out, len, "%s", mnt);
	}
	fclose(f);
	return r;
}

static const char *key_file(const char *controller, bool v2)
{
	if (!strcmp(controller, "memory"))
		return v2 ? "memory.max" : "memory.limit_in_bytes";
	if (!strcmp(controller, "cpu"))
		return v2 ? "cpu.max" : "cpu.cfs_quota_us";
	if (!strcmp(controller, "pids"))
		return "pids.max";
	return v2 ? "io.max" : "blkio.weight";
}

/* mkdir of a cgroup refused with EACCES/EPERM: cgroupfs files belong to root unless
 * delegated; the controller is there all the same. */
static void cgroup_refused(struct gb_host_feature *f, int r)
{
	if (r == -EACCES || r == -EPERM) {
		f->privilege = true;
		snprintf(f->priv_fix, sizeof f->priv_fix, "%s", CGROUP_FIX);
	}
}

/* Delegated to the caller: the dir and its cgroup.procs are theirs. */
static bool owned_cgroup(const char *dir)
{
	struct stat sb;
	char procs[600];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
	return stat(dir, &sb) == 0 && sb.st_uid == geteuid() && stat(procs, &sb) == 0 &&
	       sb.st_uid == geteuid();
}

/* v2: the highest ancestor of our own cgroup ("0::" in /proc/self/cgroup) that is ours. */
static bool own_ancestor(const char *base, char *out, size_t len)
{
	char self[512] = "", dir[600];
	FILE *f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(self, sizeof self, f) && strncmp(self, "0::/", 4) != 0)
		self[0] = '\0';
	if (f)
		fclose(f);
	if (strncmp(self, "0::/", 4) != 0)
		return false;
	self[strcspn(self, "\n")] = '\0';
	char *path = self + 3;
	for (char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		snprintf(dir, sizeof dir, "%s%s", base, path);
		if (path[1] && owned_cgroup(dir))
			return snprintf(out, len, "%s", dir), true;
		if (!s)
			return false;
		*s = '/';
	}
}

/* Rootless, the probes make their test cgroup below the subtree delegated to the caller
 * (docs/cgroups.md, "Delegation"): the classroom's glassbox.class/NAME, or on v2 the
 * highest ancestor of the caller's own cgroup that the caller owns (systemd's
 * user@UID.service). Only root may mkdir at a hierarchy's root, and a refusal there says
 * nothing about the kernel. */
static void delegated_base(char *base, size_t len, bool v2)
{
	struct passwd *pw = geteuid() != 0 ? getpwuid(geteuid()) : NULL;
	char dir[600];
	if (!pw)
		return;
	snprintf(dir, sizeof dir, "%s/glassbox.class/%s", base, pw->pw_name);
	if (owned_cgroup(dir))
		snprintf(base, len, "%s", dir);
	else if (v2 && own_ancestor(base, dir, sizeof dir))
		snprintf(base, len, "%s", dir);
}

/* mkdir a test cgroup under base, look for the controller's key file, rmdir. */
static int try_cgroup(const char *base, const char *file, char *why, size_t len)
{
	char dir[600], path[700];
	snprintf(dir, sizeof dir, "%s/glassbox-hostcheck-%d", base, (int)getpid());
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return snprintf(why, len, "mkdir(%s): %s", dir, strerror(errno)), -errno;
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int r = access(path, F_OK) == 0 ? 0 : -errno;
	if (r < 0)
		snprintf(why, len, "a new cgroup %s has no %s", dir, file);
	rmdir(dir);
	return r;
}

static int probe_controller(const struct probe *p, struct gb_host_feature *f)
{
	const char *layout = gb_hostcheck_cgroup_layout(), *ctl = p->arg;
	char base[512];
	if (!strcmp(layout, "v2")) {
		gb_autofree char *avail = NULL, *sub = NULL;
		gb_read_file("/sys/fs/cgroup/cgroup.controllers", &avail, NULL);
		gb_read_file("/sys/fs/cgroup/cgroup.subtree_control", &sub, NULL);
		snprintf(f->tested, sizeof f->tested,
			 "cgroup v2: /sys/fs/cgroup/cgroup.controllers, then mkdir a cgroup and "
			 "look for %s",
			 key_file(ctl, true));
		if (!avail || !has_word(avail, ctl, " \n")) {
			snprintf(f->reason, sizeof f->reason,
				 "\"%s\" is not in /sys/fs/cgroup/cgroup.controllers", ctl);
			return 0;
		}
		if (!sub || !has_word(sub, ctl, " \n")) {
			snprintf(f->tested + strlen(f->tested),
				 sizeof f->tested - strlen(f->tested),
				 ": listed, but not yet enabled for children "
				 "(cgroup.subtree_control)");
			f->available = true;
			return 0;
		}
		snprintf(base, sizeof base, "/sys/fs/cgroup");
	} else if (v1_mount(ctl, base, sizeof base) < 0) {
		snprintf(f->tested, sizeof f->tested,
			 "cgroup %s: a v1 hierarchy with \"%s\" in /proc/self/mountinfo", layout,
			 ctl);
		snprintf(f->reason, sizeof f->reason,
			 "no cgroup hierarchy carries the %s controller", ctl);
		return 0;
	} else {
		snprintf(f->tested, sizeof f->tested,
			 "cgroup v1 hierarchy at %s: mkdir a cgroup, look for %s, rmdir", base,
			 key_file(ctl, false));
	}
	bool v2 = !strcmp(layout, "v2");
	delegated_base(base, sizeof base, v2);
	int r = try_cgroup(base, key_file(ctl, v2), f->reason, sizeof f->reason);
	if (r == 0) {
		f->available = true;
		snprintf(f->tested + strlen(f->tested), sizeof f->tested - strlen(f->tested),
			 ": ok");
	}
	cgroup_refused(f, r);
	return 0;
}

static int probe_layout(const struct probe *p, struct gb_host_feature *f)
{
	const char *layout = gb_hostcheck_cgroup_layout();
	snprintf(f->tested, sizeof f->tested,
		 "statfs(\"/sys/fs/cgroup\") and statfs(\"/sys/fs/cgroup/unified\"): %s", layout);
	f->available = strcmp(layout, "none") != 0;
	if (!f->available)
		snprintf(f->reason, sizeof f->reason,
			 "no cgroup filesystem is mounted at /sys/fs/cgroup");
	else if (strcmp(layout, "v2") != 0)
		snprintf(f->tested + strlen(f->tested), sizeof f->tested - strlen(f->tested),
			 strcmp(layout, "hybrid")
				 ? " (one v1 hierarchy per controller)"
				 : " (v1 controllers, plus an empty v2 tree at unified/)");
	return 0;
}

/* ------------------------------------------------------------ the device cgroup */

/* cgroup v2 has no devices file: a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
 * cgroup is the policy. The smallest one (r0 = 1: allow; exit), loaded and attached to a
 * test cgroup, is what the kernel must take for glassbox's own (cgroup/devices_bpf.c). */
static int devprog_attach(const char *dir, char *why, size_t len)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct gb_err err = { 0 };
	int fd = gb_devprog_load(prog, 2, &err), cg = -1, r = fd;
	if (fd >= 0)
		r = cg = gb_devprog_open_dir(dir, &err);
	if (cg >= 0)
		r = gb_devprog_attach(cg, fd, dir, &err);
	if (r < 0)
		snprintf(why, len, "%s: %s", err.msg, strerror(-r));
	if (cg >= 0)
		close(cg);
	if (fd >= 0)
		close(fd); /* the attachment holds the program until the cgroup goes */
	return r < 0 ? r : 0;
}

/* Refused for lack of privilege: no delegated subtree helps here (device rules are root's
 * alone, in v1's files and in v2's bpf(2)), so the fix is root, and the reason a rootless
 * container goes without them is the user namespace (lab 21). */
static void devices_refused(struct gb_host_feature *f, int r)
{
	cgroup_refused(f, r);
	if (f->privilege)
		snprintf(
			f->priv_fix, sizeof f->priv_fix,
			"only root writes device rules (v1's devices.allow, v2's "
			"bpf(BPF_PROG_LOAD)), no delegated cgroup gives them: a rootless container "
			"gets none, and its user namespace refuses mknod of any device node "
			"anyway; run it as root (sudo glassbox ...)");
}

static int probe_devices(const struct probe *p, struct gb_host_feature *f)
{
	const char *layout = gb_hostcheck_cgroup_layout();
	char base[512], dir[600];
	(void)p;
	if (!strcmp(layout, "v2")) {
		snprintf(base, sizeof base, "/sys/fs/cgroup");
		delegated_base(base, sizeof base, true);
		snprintf(f->tested, sizeof f->tested,
			 "cgroup v2: mkdir a cgroup under %s, load a BPF_PROG_TYPE_CGROUP_DEVICE "
			 "program and attach it (BPF_CGROUP_DEVICE), rmdir",
			 base);
		snprintf(dir, sizeof dir, "%s/glassbox-hostcheck-%d", base, (int)getpid());
		int r = mkdir(dir, 0755) < 0 ? -errno : 0;
		if (r < 0)
			snprintf(f->reason, sizeof f->reason, "mkdir(%s): %s", dir, strerror(-r));
		else
			r = devprog_attach(dir, f->reason, sizeof f->reason);
		rmdir(dir);
		f->available = r == 0;
		if (r == 0)
			snprintf(f->tested + strlen(f->tested),
				 sizeof f->tested - strlen(f->tested), ": ok");
		devices_refused(f, r);
		return 0;
	}
	if (v1_mount("devices", base, sizeof base) < 0) {
		snprintf(f->tested, sizeof f->tested,
			 "cgroup %s: a v1 hierarchy with \"devices\" in /proc/self/mountinfo",
			 layout);
		snprintf(f->reason, sizeof f->reason,
			 "no cgroup hierarchy carries the devices controller: every container "
			 "start as root fails at its devices step");
		return 0;
	}
	delegated_base(base, sizeof base, false);
	snprintf(f->tested, sizeof f->tested,
		 "cgroup v1 hierarchy at %s: mkdir a cgroup, look for devices.allow, rmdir", base);
	int r = try_cgroup(base, "devices.allow", f->reason, sizeof f->reason);
	f->available = r == 0;
	if (r == 0)
		snprintf(f->tested + strlen(f->tested), sizeof f->tested - strlen(f->tested),
			 ": ok");
	devices_refused(f, r);
	return 0;
}

/* ------------------------------------------------------------ the freezer */

static int wait_for(const char *path, const char *want)
{
	for (int i = 0; i < 200; i++) {
		gb_autofree char *s = NULL;
		if (gb_read_file(path, &s, NULL) == 0 && strstr(s, want))
			return 0;
		usleep(5000);
	}
	return -ETIMEDOUT;
}

/* Put a sleeping child in a new cgroup, freeze it, see the kernel say so, thaw, remove. */
static int freeze_in(const char *base, bool v2, struct gb_host_feature *f)
{
	char dir[600], path[700], pid_s[16];
	snprintf(dir, sizeof dir, "%s/glassbox-hostcheck-%d", base, (int)getpid());
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		int r = -errno;
		snprintf(f->reason, sizeof f->reason, "mkdir(%s): %s", dir, strerror(-r));
		cgroup_refused(f, r);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	snprintf(pid_s, sizeof pid_s, "%d", (int)pid);
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	int r = pid > 0 ? gb_write_str(path, pid_s) : -errno;
	const char *ctl = v2 ? "cgroup.freeze" : "freezer.state";
	if (r == 0) {
		snprintf(path, sizeof path, "%s/%s", dir, ctl);
		r = gb_write_str(path, v2 ? "1" : "FROZEN");
	}
	if (r == 0) {
		snprintf(path, sizeof path, "%s/%s", dir, v2 ? "cgroup.events" : "freezer.state");
		r = wait_for(path, v2 ? "frozen 1" : "FROZEN");
	}
	if (r < 0)
		snprintf(f->reason, sizeof f->reason, "freezing %s via %s: %s", dir, ctl,
			 strerror(-r));
	snprintf(path, sizeof path, "%s/%s", dir, ctl);
	gb_write_str(path, v2 ? "0" : "THAWED"); /* a v1-frozen task cannot even die */
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	for (int i = 0; i < 100 && rmdir(dir) < 0 && errno == EBUSY; i++)
		usleep(5000);
	return r;
}

static int probe_freezer(const struct probe *p, struct gb_host_feature *f)
{
	const char *layout = gb_hostcheck_cgroup_layout();
	char base[512];
	bool v2 = !strcmp(layout, "v2");
	if (v2) {
		snprintf(base, sizeof base, "/sys/fs/cgroup");
	} else if (v1_mount("freezer", base, sizeof base) < 0) {
		snprintf(f->tested, sizeof f->tested,
			 "cgroup %s: a v1 hierarchy with \"freezer\" in /proc/self/mountinfo",
			 layout);
		snprintf(f->reason, sizeof f->reason,
			 "no cgroup hierarchy carries the freezer controller");
		return 0;
	}
	delegated_base(base, sizeof base, v2);
	snprintf(f->tested, sizeof f->tested,
		 "a sleeping child in a new cgroup under %s: %s, until the kernel reports %s", base,
		 v2 ? "write 1 to cgroup.freeze" : "write FROZEN to freezer.state",
		 v2 ? "\"frozen 1\" in cgroup.events" : "FROZEN");
	if (freeze_in(base, v2, f) == 0) {
		f->available = true;
		snprintf(f->tested + strlen(f->tested), sizeof f->tested - strlen(f->tested),
			 ": ok");
	}
	return 0;
}

/* ------------------------------------------------------------ seccomp, pidfd */

static int seccomp_child(const struct probe *p, const char *dir, struct outcome *o)
{
	/* Without no_new_privs an unprivileged process may not load a filter; we set it
	 * as every container runtime does. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail_at(o, "prctl(PR_SET_NO_NEW_PRIVS)");
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return errno = ENOMEM, fail_at(o, "seccomp_init");
	int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(getppid), 0);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r < 0)
		return errno = -r, fail_at(o, "seccomp_load (filter: getppid -> EPERM)");
	errno = 0;
	long v = syscall(SYS_getppid);
	if (v >= 0 || errno != EPERM)
		return errno = EPROTO, fail_at(o, "the filter loaded but getppid() still worked");
	snprintf(o->detail, sizeof o->detail, "ok: getppid() then failed with EPERM");
	return 0;
}

static int probe_seccomp(const struct probe *p, struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested,
		 "in a forked child: no_new_privs, load a filter (getppid -> EPERM), call "
		 "getppid()");
	struct outcome o;
	in_child(p, seccomp_child, NULL, &o);
	outcome_text(f, &o, "ok");
	return 0;
}

static int probe_pidfd(const struct probe *p, struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested,
		 "pidfd_open() on a forked child that exits, poll() the pidfd");
	pid_t pid = fork();
	if (pid == 0) {
		usleep(20000);
		_exit(7);
	}
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	int e = errno;
	if (fd >= 0) {
		/* A pidfd becomes readable when the process exits: no SIGCHLD, no PID reuse race. */
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int n = poll(&pfd, 1, 2000);
		if (n == 1) {
			f->available = true;
			snprintf(f->tested + strlen(f->tested),
				 sizeof f->tested - strlen(f->tested),
				 ": ok, it became readable when the child exited");
		} else {
			snprintf(f->reason, sizeof f->reason,
				 "poll() on the pidfd did not report the exit");
		}
		close(fd);
	} else {
		snprintf(f->reason, sizeof f->reason, "pidfd_open: %s", strerror(e));
	}
	waitpid(pid, NULL, 0);
	return 0;
}

/* ------------------------------------------------------------ veth and bridge (rtnetlink) */

struct nlreq {
	struct nlmsghdr nh;
	struct ifinfomsg ifi;
	char attrs[512];
};

static struct rtattr *add_attr(struct nlreq *req, int type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (data)
		memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void end_nest(struct nlreq *req, struct rtattr *nest)
{
	nest->rta_len = (char *)req + req->nh.nlmsg_len - (char *)nest;
}

/* Send one RTM_NEWLINK and read the kernel's acknowledgement (0 or -errno). */
static int nl_talk(struct nlreq *req)
{
	gb_autoclose int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, req, req->nh.nlmsg_len, 0) < 0)
		return -errno;
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	if (n < (ssize_t)sizeof(struct nlmsghdr))
		return n < 0 ? -errno : -EPROTO;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

static void new_link(struct nlreq *req, const char *name, const char *kind)
{
	memset(req, 0, sizeof *req);
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req->nh.nlmsg_type = RTM_NEWLINK;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	req->ifi.ifi_family = AF_UNSPEC;
	add_attr(req, IFLA_IFNAME, name, strlen(name) + 1);
	struct rtattr *info = add_attr(req, IFLA_LINKINFO, NULL, 0);
	add_attr(req, IFLA_INFO_KIND, kind, strlen(kind));
	if (!strcmp(kind, "veth")) {
		/* The peer is described as a nested ifinfomsg + its own IFLA_IFNAME. */
		struct rtattr *data = add_attr(req, IFLA_INFO_DATA, NULL, 0);
		struct rtattr *peer = add_attr(req, VETH_INFO_PEER, NULL, sizeof(struct ifinfomsg));
		memset(RTA_DATA(peer), 0, sizeof(struct ifinfomsg));
		add_attr(req, IFLA_IFNAME, "gbhc-peer", sizeof "gbhc-peer");
		end_nest(req, peer);
		end_nest(req, data);
	}
	end_nest(req, info);
}

static int link_child(const struct probe *p, const char *dir, struct outcome *o)
{
	/* Only ever in a fresh network namespace: the host's interfaces are never touched,
	 * and the links vanish with the namespace when this child exits. */
	if (enter_as_engine(o) < 0)
		return -o->code;
	if (unshare(CLONE_NEWNET) < 0)
		return unshare_failed(o, "unshare(CLONE_NEWNET)");
	const char *kind = p->arg, *name = !strcmp(kind, "veth") ? "gbhc-veth" : "gbhc-br";
	struct nlreq req;
	new_link(&req, name, kind);
	int r = nl_talk(&req);
	if (r < 0)
		return errno = -r, fail_at(o, "RTM_NEWLINK {name \"%s\", kind \"%s\"}", name, kind);
	if (if_nametoindex(name) == 0)
		return errno = ENODEV,
		       fail_at(o, "the kernel acknowledged %s but has no such link", name);
	if (!strcmp(kind, "veth") && if_nametoindex("gbhc-peer") == 0)
		return errno = ENODEV, fail_at(o, "the veth peer gbhc-peer is missing");
	snprintf(o->detail, sizeof o->detail, "ok: %s%s exists", name,
		 strcmp(kind, "veth") ? "" : " <-> gbhc-peer");
	return 0;
}

static int probe_link(const struct probe *p, struct gb_host_feature *f)
{
	snprintf(f->tested, sizeof f->tested,
		 "in a forked child's new network namespace: RTM_NEWLINK kind \"%s\" over "
		 "rtnetlink%s",
		 p->arg, as_whom());
	struct outcome o;
	in_child(p, link_child, NULL, &o);
	outcome_text(f, &o, "ok");
	return 0;
}

/* ------------------------------------------------------------ the table */

#define NS(k, n, flag, cfg, fix)                                                                   \
	{                                                                                          \
		k, n, cfg, fix, probe_ns, flag, #flag, NULL                                        \
	}
#define CG(k, n, ctl, cfg)                                                                         \
	{                                                                                          \
		k, n, cfg,                                                                         \
			"enable the controller: cgroup_enable=" ctl                                \
			" on the kernel command line, or in the parent's cgroup.subtree_control "  \
			"(v2)",                                                                    \
			probe_controller, 0, NULL, ctl                                             \
	}

static const struct probe probes[] = {
	NS("ns.mnt", "mount namespace", CLONE_NEWNS, "CONFIG_NAMESPACES",
	   "a kernel built with CONFIG_NAMESPACES; in a container, run with CAP_SYS_ADMIN"),
	NS("ns.uts", "UTS namespace (host name)", CLONE_NEWUTS, "CONFIG_UTS_NS",
	   "a kernel built with CONFIG_UTS_NS=y"),
	NS("ns.ipc", "IPC namespace", CLONE_NEWIPC,
	   "CONFIG_IPC_NS CONFIG_SYSVIPC CONFIG_POSIX_MQUEUE",
	   "a kernel built with CONFIG_IPC_NS=y"),
	NS("ns.pid", "PID namespace", CLONE_NEWPID, "CONFIG_PID_NS",
	   "a kernel built with CONFIG_PID_NS=y"),
	NS("ns.net", "network namespace", CLONE_NEWNET, "CONFIG_NET_NS",
	   "a kernel built with CONFIG_NET_NS=y"),
	NS("ns.cgroup", "cgroup namespace", CLONE_NEWCGROUP, "CONFIG_CGROUPS",
	   "Linux 4.6 or later, built with CONFIG_CGROUPS=y"),
	NS("ns.user", "user namespace", CLONE_NEWUSER, "CONFIG_USER_NS",
	   "a kernel built with CONFIG_USER_NS=y"),
	NS("ns.time", "time namespace", CLONE_NEWTIME, "CONFIG_TIME_NS",
	   "Linux 5.6 or later, built with CONFIG_TIME_NS=y"),
	{ "userns.unprivileged", "unprivileged user namespaces", "CONFIG_USER_NS",
	  "allow them: sysctl kernel.unprivileged_userns_clone=1 (Debian), "
	  "user.max_user_namespaces > 0, "
	  "kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu)",
	  probe_userns, 0, NULL, NULL },
	{ "overlay", "overlay filesystem", "CONFIG_OVERLAY_FS",
	  "modprobe overlay (or a kernel with CONFIG_OVERLAY_FS)", probe_mounting, 0, NULL, NULL },
	{ "overlay.userns", "overlay in a user namespace (rootless)",
	  "CONFIG_OVERLAY_FS CONFIG_USER_NS",
	  "Linux 5.11 or later and unprivileged user namespaces; else rootless needs "
	  "fuse-overlayfs",
	  probe_mounting, 0, NULL, NULL },
	{ "pivot_root", "pivot_root", "",
	  "pivot_root fails on a ramfs root (an initramfs): run from a real root filesystem",
	  probe_mounting, 0, NULL, NULL },
	{ "cgroup.layout", "cgroup hierarchy", "CONFIG_CGROUPS",
	  "mount cgroup2 at /sys/fs/cgroup (systemd does this at boot)", probe_layout, 0, NULL,
	  NULL },
	CG("cgroup.memory", "memory controller", "memory", "CONFIG_MEMCG"),
	CG("cgroup.cpu", "cpu controller", "cpu",
	   "CONFIG_CGROUP_SCHED CONFIG_FAIR_GROUP_SCHED CONFIG_CFS_BANDWIDTH"),
	CG("cgroup.pids", "pids controller", "pids", "CONFIG_CGROUP_PIDS"),
	{ "cgroup.devices", "device cgroup (which devices a container may open)",
	  "CONFIG_CGROUP_DEVICE CONFIG_CGROUP_BPF CONFIG_BPF_SYSCALL",
	  "v1: mount the devices hierarchy; v2: a kernel with CONFIG_CGROUP_BPF and the bpf() "
	  "syscall allowed to root",
	  probe_devices, 0, NULL, NULL },
	{ "freezer", "cgroup freezer", "CONFIG_CGROUP_FREEZER",
	  "cgroup v2 (Linux 5.2+) has it built in; on v1 mount the freezer hierarchy",
	  probe_freezer, 0, NULL, NULL },
	{ "seccomp", "seccomp filters", "CONFIG_SECCOMP CONFIG_SECCOMP_FILTER",
	  "a kernel built with CONFIG_SECCOMP_FILTER=y", probe_seccomp, 0, NULL, NULL },
	{ "pidfd", "pidfd_open", "", "Linux 5.3 or later", probe_pidfd, 0, NULL, NULL },
	{ "veth", "veth pairs", "CONFIG_VETH", "modprobe veth (or a kernel with CONFIG_VETH)",
	  probe_link, 0, NULL, "veth" },
	{ "bridge", "bridges", "CONFIG_BRIDGE", "modprobe bridge (or a kernel with CONFIG_BRIDGE)",
	  probe_link, 0, NULL, "bridge" },
};

size_t gb_hostcheck_count(void)
{
	return GB_ARRAY_LEN(probes);
}

/* ------------------------------------------------------------ kernel config */

int gb_hostcheck_config_source(char *path, size_t len)
{
	struct utsname u;
	if (access("/proc/config.gz", R_OK) == 0)
		return gb_path(path, len, "/proc/config.gz");
	if (uname(&u) == 0) {
		gb_path(path, len, "/boot/config-%s", u.release);
		if (access(path, R_OK) == 0)
			return 0;
	}
	path[0] = '\0';
	return -ENOENT;
}

/* Fill f->config_state with "OPTION=value" for each of f->config's options. zlib reads
 * plain files too, so one reader serves /proc/config.gz and /boot/config-*. */
static void config_state(struct gb_host_feature *f)
{
	char src[300];
	if (!f->config[0] || gb_hostcheck_config_source(src, sizeof src) < 0)
		return;
	gzFile gz = gzopen(src, "rb");
	if (!gz)
		return;
	char want[8][48], state[8][64];
	int n = 0;
	char copy[200];
	snprintf(copy, sizeof copy, "%s", f->config);
	for (char *save = NULL, *w = strtok_r(copy, " ", &save); w && n < 8;
	     w = strtok_r(NULL, " ", &save)) {
		snprintf(want[n], sizeof want[n], "%s", w);
		snprintf(state[n++], sizeof state[0], "%s missing", w);
	}
	char line[512];
	while (gzgets(gz, line, sizeof line)) {
		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < n; i++) {
			size_t l = strlen(want[i]);
			if (!strncmp(line, want[i], l) && line[l] == '=')
				snprintf(state[i], sizeof state[i], "%s", line);
			else if (!strncmp(line, "# ", 2) && !strncmp(line + 2, want[i], l) &&
				 !strcmp(line + 2 + l, " is not set"))
				snprintf(state[i], sizeof state[i], "%s=n", want[i]);
		}
	}
	gzclose(gz);
	for (int i = 0; i < n; i++) {
		size_t used = strlen(f->config_state);
		snprintf(f->config_state + used, sizeof f->config_state - used, "%s%s",
			 i ? " " : "", state[i]);
	}
}

void gb_hostcheck_run(size_t i, struct gb_host_feature *f)
{
	const struct probe *p = &probes[i];
	memset(f, 0, sizeof *f);
	f->key = p->key;
	f->name = p->name;
	f->config = p->config;
	f->fix = p->fix;
	p->run(p, f);
	config_state(f);
}

int gb_hostcheck_probe(const char *key, struct gb_host_feature *out)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(probes); i++)
		if (!strcmp(probes[i].key, key)) {
			gb_hostcheck_run(i, out);
			return 0;
		}
	return -ENOENT;
}

void gb_host_feature_to_json(const struct gb_host_feature *f, struct gb_json *j)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "key", f->key);
	gb_json_str(j, "name", f->name);
	gb_json_bool(j, "available", f->available);
	gb_json_str(j, "tested", f->tested);
	if (f->available)
		gb_json_null(j, "reason");
	else
		gb_json_str(j, "reason", f->reason);
	gb_json_str(j, "fix", f->fix);
	gb_json_str(j, "kernel_config", f->config_state);
	/* Who lacks it: "kernel", or "privilege" (the caller's, or the host's policy: then
	 * privilege_fix says what root must enable); null when available. */
	if (f->available)
		gb_json_null(j, "missing_for");
	else
		gb_json_str(j, "missing_for", f->privilege ? "privilege" : "kernel");
	if (f->privilege && !f->available)
		gb_json_str(j, "privilege_fix", f->priv_fix);
	else
		gb_json_null(j, "privilege_fix");
	gb_json_obj_end(j);
}
