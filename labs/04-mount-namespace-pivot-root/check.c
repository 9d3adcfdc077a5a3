/* Lab 04 check: the mount namespace and pivot_root. The container has its own mount
 * table; the root of its mount namespace is its own "/" (the host's old root was
 * detached), so the classic chroot escape leads nowhere; its "/" is private (no
 * "shared:" peer group in mountinfo); and a mount made inside never shows on the host.
 * Negative control: --rootfs-mode chroot (chroot instead of pivot_root: escapable). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/hostcheck.h"
#include "lab.h"
#include "ns/ns.h"

static void control(struct gb_config *cfg)
{
	cfg->rootfs_chroot = true;
}

/* What a helper inside the container's mount namespace saw. */
struct seen {
	int ok;
	struct stat ns_root; /* "/" right after setns: the namespace's root mount */
	int ns_mounts;	     /* lines of /proc/self/mountinfo there */
	struct stat escaped; /* "/" after the chroot escape attempt */
	bool mounted;	     /* the test tmpfs was mounted inside */
};

static int count_lines(int dirfd, const char *path)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	if (!f)
		return -1;
	int n = 0, ch;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* The classic escape, as a root process inside a plain chroot would try it: chroot
 * into a subdirectory while the working directory stays above it, then climb "..":
 * path lookup only stops at the process root or at the namespace's root mount. */
static void try_escape(struct seen *s)
{
	if (chroot("dev") < 0) /* cwd stays at the container's "/": now outside our root */
		return;
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") == 0)
		stat("/", &s->escaped);
}

enum helper_job { LOOK_AND_ESCAPE, MOUNT_TMP, UNMOUNT_TMP };

static void helper(pid_t pid, const char *mark, enum helper_job job, struct seen *s)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* The host's /proc, kept open: the container's /proc has no entry for us. */
	int proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* Rootless: the mount namespace belongs to the container's user namespace; inside it
	 * we hold CAP_SYS_ADMIN and CAP_SYS_CHROOT over it, as the container's root does. */
	if (root < 0 || proc < 0 || gb_ns_enter_one(pid, GB_NS_MNT, NULL) < 0)
		_exit(1);
	/* setns() into a mount namespace moves us to its root mount; mountinfo opened now
	 * lists every mount of that namespace. */
	stat("/", &s->ns_root);
	s->ns_mounts = count_lines(proc, "self/mountinfo");
	if (fchdir(root) < 0 || chroot(".") < 0)
		_exit(1);
	if (job == MOUNT_TMP)
		s->mounted = mount(mark, "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == 0;
	else if (job == UNMOUNT_TMP)
		umount2("/tmp", MNT_DETACH); /* only ever the tmpfs MOUNT_TMP made */
	else
		try_escape(s);
	s->ok = 1;
	_exit(0);
}

static int in_container(pid_t pid, const char *mark, enum helper_job job, struct seen *out)
{
	struct seen *s =
		mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return -errno;
	memset(s, 0, sizeof *s);
	pid_t child = fork();
	if (child == 0)
		helper(pid, mark, job, s);
	while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	*out = *s;
	munmap(s, sizeof *s);
	return out->ok ? 0 : -ESRCH;
}

static bool file_has(const char *path, const char *needle)
{
	gb_autofree char *text = NULL;
	return gb_read_file(path, &text, NULL) == 0 && strstr(text, needle);
}

/* Optional fields of the mountinfo line whose mount point is "/" (proc(5)). */
static void root_tags(pid_t pid, char *tags, size_t len)
{
	char path[64], line[4096];
	snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
	snprintf(tags, len, "?");
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f)) {
		char mnt[1024];
		int off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %1023s %*s%n", mnt, &off) != 1 ||
		    strcmp(mnt, "/"))
			continue;
		char *dash = strstr(line + off, " - ");
		if (dash)
			*dash = '\0';
		snprintf(tags, len, "%s", line[off] == ' ' ? line + off + 1 : "");
	}
	if (f)
		fclose(f);
}

static void check_root(struct gb_check *c, pid_t pid, const struct seen *s, const struct stat *cont,
		       const struct stat *host, int host_mounts)
{
	bool own = s->ns_root.st_dev == cont->st_dev && s->ns_root.st_ino == cont->st_ino;
	if (own)
		gb_check_is(c, "old-root-detached", true,
			    "the root of its mount namespace is its own / (dev %u:%u): the old "
			    "root was detached after pivot_root; %d mounts there, the host has %d",
			    major(cont->st_dev), minor(cont->st_dev), s->ns_mounts, host_mounts);
	else
		gb_check_is(c, "old-root-detached", false,
			    "the root of its mount namespace is not its / but %s (dev %u:%u): the "
			    "old root is still mounted, with %d mounts",
			    s->ns_root.st_dev == host->st_dev ? "the host's root" : "another tree",
			    major(s->ns_root.st_dev), minor(s->ns_root.st_dev), s->ns_mounts);
	bool out = s->escaped.st_dev == host->st_dev && s->escaped.st_ino == host->st_ino;
	if (!s->escaped.st_ino)
		gb_check_error(
			c,
			"the chroot escape attempt could not run (chroot(\"dev\") failed inside)");
	else if (out)
		gb_check_is(c, "chroot-escape", false,
			    "the chroot escape works: chroot(\"dev\"), chdir(\"..\") x64, "
			    "chroot(\".\") reached the host's / (dev %u:%u ino %llu)",
			    major(host->st_dev), minor(host->st_dev),
			    (unsigned long long)host->st_ino);
	else
		gb_check_is(c, "chroot-escape", true,
			    "the chroot escape fails: chroot(\"dev\"), chdir(\"..\") x64, "
			    "chroot(\".\") stays in the container's / (dev %u:%u)",
			    major(s->escaped.st_dev), minor(s->escaped.st_dev));
	char tags[256];
	root_tags(pid, tags, sizeof tags);
	if (!strcmp(tags, "?"))
		gb_check_error(c, "no line for / in /proc/%d/mountinfo", (int)pid);
	else if (strstr(tags, "shared:"))
		gb_check_is(c, "root-private", false,
			    "its / is shared (\"%s\" in /proc/%d/mountinfo): mounts propagate to "
			    "and from its peers",
			    tags, (int)pid);
	else
		gb_check_is(c, "root-private", true,
			    "its / is private: no shared: peer group in /proc/%d/mountinfo "
			    "(optional fields: \"%s\")",
			    (int)pid, tags[0] ? tags : "none");
}

static void check_mount_leak(struct gb_check *c, pid_t pid)
{
	char mark[64], path[64];
	snprintf(mark, sizeof mark, "glassbox-lab04-%d", (int)getpid());
	struct seen s;
	if (in_container(pid, mark, MOUNT_TMP, &s) < 0 || !s.mounted) {
		gb_check_error(c, "could not mount a tmpfs at /tmp inside the container");
		return;
	}
	snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
	bool inside = file_has(path, mark), host = file_has("/proc/self/mountinfo", mark);
	in_container(pid, mark, UNMOUNT_TMP, &s);
	if (!inside) {
		gb_check_error(c,
			       "the tmpfs \"%s\" mounted inside is not in %s: the mount or the "
			       "read failed",
			       mark, path);
		return;
	}
	if (inside && !host)
		gb_check_is(c, "mount-leak", true,
			    "a tmpfs \"%s\" mounted at /tmp inside is in the container's mountinfo "
			    "and not in the host's",
			    mark);
	else
		gb_check_is(c, "mount-leak", false,
			    "a tmpfs \"%s\" mounted inside is visible on the host "
			    "(/proc/self/mountinfo): mount events propagate",
			    mark);
}

/* /sys as the container's own mountinfo lists it, read from inside: sysfs mounted "ro"
 * (the engine's `sys` step), or the container could write kernel settings. */
static void check_sys(struct gb_check *c, const struct gb_state *st)
{
	/* The line whose mount point (field 5) is /sys: /proc/sys's line names /sys too. */
	char *const cmd[] = { "awk", "$5 == \"/sys\"", "/proc/self/mountinfo", NULL };
	char out[1024];
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return;
	out[strcspn(out, "\n")] = '\0';
	char opts[256] = "";
	sscanf(out, "%*s %*s %*s %*s %*s %255s", opts);
	bool ro = !strncmp(opts, "ro,", 3) || !strcmp(opts, "ro");
	gb_check_is(c, "sys-ro", code == 0 && ro, "inside, /sys in /proc/self/mountinfo: %s",
		    code == 0 && out[0] ? out : "no /sys mount at all");
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "pivot_root"))
		return 0;
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	struct gb_ns_ids ns, hostns;
	gb_ns_read(st.pid, &ns);
	gb_ns_read(0, &hostns);
	if (!ns.ino[GB_NS_MNT] || !hostns.ino[GB_NS_MNT])
		gb_check_error(c, "cannot read /proc/%d/ns/mnt", (int)st.pid);
	else if (ns.ino[GB_NS_MNT] != hostns.ino[GB_NS_MNT])
		gb_check_is(c, "mnt-ns", true,
			    "mount namespace mnt:[%llu] differs from the host's mnt:[%llu]",
			    ns.ino[GB_NS_MNT], hostns.ino[GB_NS_MNT]);
	else
		gb_check_is(c, "mnt-ns", false, "mount namespace mnt:[%llu] is the host's own",
			    ns.ino[GB_NS_MNT]);

	/* The container's "/" as the kernel resolves /proc/PID/root, and the host's "/". */
	char root[64];
	snprintf(root, sizeof root, "/proc/%d/root", (int)st.pid);
	struct stat cont, host;
	struct seen s;
	if (stat(root, &cont) < 0 || stat("/", &host) < 0 ||
	    in_container(st.pid, NULL, LOOK_AND_ESCAPE, &s) < 0)
		gb_check_error(c, "could not enter the container's mount namespace (PID %d)",
			       (int)st.pid);
	else
		check_root(c, st.pid, &s, &cont, &host,
			   count_lines(AT_FDCWD, "/proc/self/mountinfo"));
	check_mount_leak(c, st.pid);
	check_sys(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_04 = {
	.num = 4,
	.slug = "mount-namespace-pivot-root",
	.title = "The mount namespace and pivot_root",
	.feature = "container mount table vs host's; old root gone after pivot_root; propagation "
		   "private",
	.control = "--rootfs-mode chroot (chroot instead of pivot_root)",
	.check = check,
	.trips = "chroot-escape",
};
