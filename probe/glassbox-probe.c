/* glassbox-probe: run inside a container, it tries the known ways out and reports each
 * as blocked or possible, like a checklist (lab 16). Static, standalone, no libglassbox:
 * it must run in any root filesystem.
 *
 * Every attempt is built to be harmless even where it succeeds, so the probe may run as
 * root on a host: each uses arguments the kernel rejects right AFTER its permission
 * check (bad magic for reboot, too many segments for kexec_load, an empty image for
 * init_module, a missing file for swapon, no time at all for settimeofday), or undoes
 * itself at once (a tmpfs mounted on a private directory and unmounted), or only opens
 * a file for writing and closes it. The errno tells the layers apart: EPERM/EACCES is
 * "blocked", the later EINVAL/ENOEXEC/ENOENT proves the permission check passed, and
 * ENOSYS means this kernel has no such call at all.
 *
 * Usage: glassbox-probe [--json] [--outside-comm NAME] [--outside-netns INODE]
 *                       [--tmp DIR] [--only NAME,...]
 *   --outside-comm: the comm of a process known to be outside the container (the
 *     launcher sets its own), so "ptrace"/"host-proc"/"setns" have a real target.
 *   --outside-netns: the inode of the host's network namespace (stat -L
 *     /proc/self/ns/net on the host), for "host-net".
 *   --watch MS: instead of the checklist, the two races (exe-race, fd-race): watch /proc
 *     for at most MS milliseconds, or until --stop-file PATH exists, or until both are
 *     won, while the host runs `glassbox exec` (it says "watching" on stderr first).
 *     --match TEXT: only processes whose command line contains TEXT (a watcher that
 *     shares the host's PID namespace sees every process of the host).
 *     glassbox-probe --touch PATH creates PATH: the host's way to end a watch in an image
 *     that has no touch.
 * Exit status: 0 all blocked (or absent), 1 some escape possible, 2 usage error. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/kexec.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum status { BLOCKED, POSSIBLE, ABSENT };
static const char *const status_names[] = { "blocked", "possible", "absent" };

struct result {
	enum status status;
	int err;	/* errno of the deciding call, 0 if it succeeded */
	char call[160]; /* the deciding call as a student would write it */
	char detail[256];
};

struct options {
	bool json;
	const char *outside_comm;
	unsigned long long outside_netns;
	const char *tmp;
	const char *only;
	long watch_ms;	       /* > 0: the race checks watch /proc this long at most */
	const char *stop_file; /* ... or until this file exists */
	const char *match;     /* race only processes whose command line contains this */
};

static void set_call(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_call(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->call, sizeof r->call, fmt, ap);
	va_end(ap);
}

static void set_detail(struct result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_detail(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
}

/* The common verdict: the call's return value and errno, where `passed` lists the
 * errno values that only come after the permission check. */
static void verdict(struct result *r, long ret, int err, int passed1, int passed2)
{
	r->err = ret < 0 ? err : 0;
	if (ret >= 0 || err == passed1 || err == passed2)
		r->status = POSSIBLE;
	else if (err == ENOSYS)
		r->status = ABSENT;
	else
		r->status = BLOCKED;
}

/* ---- finding something outside ---- */

static unsigned long long ns_inode(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* A process outside our PID namespace that we can see in /proc: the launcher's
 * marker comm if given, else any process whose pid namespace differs from ours. */
static pid_t find_outside(const struct options *o)
{
	unsigned long long mine = ns_inode("/proc/self/ns/pid");
	DIR *d = opendir("/proc");
	pid_t found = 0;
	for (struct dirent *e; d && !found && (e = readdir(d));) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		char path[64], comm[64] = "";
		if (o->outside_comm) {
			snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
			FILE *f = fopen(path, "r");
			if (f && fgets(comm, sizeof comm, f))
				comm[strcspn(comm, "\n")] = '\0';
			if (f)
				fclose(f);
			if (strcmp(comm, o->outside_comm) == 0)
				found = pid;
			continue;
		}
		snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
		unsigned long long ino = ns_inode(path);
		if (ino && mine && ino != mine)
			found = pid;
	}
	if (d)
		closedir(d);
	return found;
}

/* Run fn in a child process, for attempts that change the caller (chroot, setns,
 * unshare): the child's exit status carries 0 for success or the errno. */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(fn(arg));
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
}

/* ---- the checks ---- */

static void check_mount(const struct options *o, struct result *r)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s/gbprobe-mnt.XXXXXX", o->tmp);
	if (!mkdtemp(dir)) {
		set_call(r, "mkdtemp(\"%s\")", dir);
		r->status = BLOCKED, r->err = errno;
		set_detail(r, "no writable scratch directory to try a mount on");
		return;
	}
	set_call(r, "mount(\"tmpfs\", \"%s\", \"tmpfs\", 0, \"size=4k\")", dir);
	long ret = mount("tmpfs", dir, "tmpfs", 0, "size=4k");
	verdict(r, ret, errno, -1, -1);
	if (ret == 0) {
		umount2(dir, MNT_DETACH);
		set_detail(r, "a new filesystem was mounted (and unmounted again)");
	}
	rmdir(dir);
}

/* MNT_EXPIRE: on an idle mount the first call only marks it (EAGAIN), on a busy one
 * it fails with EBUSY; neither unmounts anything, but both come after the kernel's
 * CAP_SYS_ADMIN check, which says EPERM. */
static void check_umount(const struct options *o, struct result *r)
{
	const char *target = "/proc";
	struct stat a, b;
	if (stat("/proc/kcore", &a) == 0 && stat("/proc", &b) == 0 && a.st_dev != b.st_dev)
		target = "/proc/kcore";
	set_call(r, "umount2(\"%s\", MNT_EXPIRE)", target);
	long ret = umount2(target, MNT_EXPIRE);
	verdict(r, ret, errno, EAGAIN, EBUSY);
	if (r->status == POSSIBLE)
		set_detail(r, "the kernel would let this process unmount %s", target);
	(void)o;
}

static void check_reboot(const struct options *o, struct result *r)
{
	/* Magic numbers are checked after CAP_SYS_BOOT: a bad magic reboots nothing. */
	set_call(r, "reboot(magic=0, ...) (invalid magic: only the permission check)");
	long ret = syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL);
	verdict(r, ret, errno, EINVAL, -1);
	(void)o;
}

static void check_kexec(const struct options *o, struct result *r)
{
	/* 17 segments is one more than KEXEC_SEGMENT_MAX: rejected after the check. */
	set_call(r, "kexec_load(0, %d segments, NULL, 0) (too many: nothing loaded)",
		 KEXEC_SEGMENT_MAX + 1);
	long ret = syscall(SYS_kexec_load, 0UL, (unsigned long)KEXEC_SEGMENT_MAX + 1, NULL,
			   (unsigned long)KEXEC_ARCH_DEFAULT);
	verdict(r, ret, errno, EINVAL, -1);
	(void)o;
}

static void check_module(const struct options *o, struct result *r)
{
	static char empty[1];
	set_call(r, "init_module(image, 0 bytes, \"\") (an empty image: nothing loaded)");
	long ret = syscall(SYS_init_module, empty, 0UL, "");
	verdict(r, ret, errno, ENOEXEC, EINVAL);
	(void)o;
}

static void check_raw_socket(const struct options *o, struct result *r)
{
	set_call(r, "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)");
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	verdict(r, fd, errno, -1, -1);
	if (fd >= 0) {
		set_detail(r, "CAP_NET_RAW: forged packets on this network namespace's "
			      "interfaces (Docker keeps it by default)");
		close(fd);
	}
	(void)o;
}

/* The first disk in /proc/partitions (major:minor), 8:0 (sda) if none is listed. */
static dev_t first_disk(char *name, size_t len)
{
	unsigned maj = 8, min = 0;
	snprintf(name, len, "sda");
	FILE *f = fopen("/proc/partitions", "r");
	char line[256], n[64];
	while (f && fgets(line, sizeof line, f)) {
		if (sscanf(line, " %u %u %*u %63s", &maj, &min, n) == 3) {
			snprintf(name, len, "%s", n);
			break;
		}
	}
	if (f)
		fclose(f);
	return makedev(maj, min);
}

static void check_mknod_disk(const struct options *o, struct result *r)
{
	char disk[64], node[256];
	dev_t dev = first_disk(disk, sizeof disk);
	snprintf(node, sizeof node, "%s/gbprobe-disk.%d", o->tmp, (int)getpid());
	set_call(r, "mknod(\"%s\", S_IFBLK, %u:%u)", node, major(dev), minor(dev));
	long ret = mknod(node, S_IFBLK | 0600, dev);
	verdict(r, ret, errno, -1, -1);
	if (ret < 0)
		return;
	/* The node alone is harmless; opening it is what reads the host's disk. The
	 * devices cgroup, if any, refuses here with EPERM. */
	int fd = open(node, O_RDONLY | O_CLOEXEC);
	set_call(r, "mknod(\"%s\", S_IFBLK, %u:%u) + open(O_RDONLY)", node, major(dev), minor(dev));
	verdict(r, fd, errno, ENXIO, ENODEV);
	set_detail(r, fd >= 0 ? "the host disk %s is readable" : "node for %s created, open: %s",
		   disk, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(node);
}

/* A character device no container needs: the kernel's log (1:11, /dev/kmsg), which a
 * writer can fill with forged kernel messages. mknod passes (Docker's rules allow 'm' of
 * any node, and CAP_MKNOD is kept); the open is the devices cgroup's call: EPERM. */
static void check_mknod_char(const struct options *o, struct result *r)
{
	char node[256];
	snprintf(node, sizeof node, "%s/gbprobe-kmsg.%d", o->tmp, (int)getpid());
	set_call(r, "mknod(\"%s\", S_IFCHR, 1:11)", node);
	long ret = mknod(node, S_IFCHR | 0600, makedev(1, 11));
	verdict(r, ret, errno, -1, -1);
	if (ret < 0)
		return;
	int fd = open(node, O_WRONLY | O_CLOEXEC); /* closed without writing */
	set_call(r, "mknod(\"%s\", S_IFCHR, 1:11) + open(O_WRONLY)", node);
	verdict(r, fd, errno, ENXIO, ENODEV);
	set_detail(r,
		   fd >= 0 ? "the host's kernel log (1:11) is writable" : "node created, open: %s",
		   strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(node);
}

/* Open for writing, then close: one byte written here could crash the host. */
static void check_open_write(struct result *r, const char *path)
{
	set_call(r, "open(\"%s\", O_WRONLY) (closed without writing)", path);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	verdict(r, fd, errno, -1, -1);
	if (fd < 0 && errno == ENOENT) {
		r->status = ABSENT;
		set_detail(r, "%s does not exist here", path);
	}
	if (fd >= 0)
		close(fd);
}

static void check_sysrq(const struct options *o, struct result *r)
{
	check_open_write(r, "/proc/sysrq-trigger");
	(void)o;
}

static void check_sys_write(const struct options *o, struct result *r)
{
	static const char *const files[] = { "/sys/kernel/mm/transparent_hugepage/enabled",
					     "/sys/kernel/profiling", "/sys/class/net/lo/mtu" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		check_open_write(r, files[i]);
		if (!(r->status == ABSENT && r->err == ENOENT))
			return;
	}
	(void)o;
}

static void check_ptrace(const struct options *o, struct result *r)
{
	pid_t pid = find_outside(o);
	if (!pid) {
		set_call(r, "scan /proc for a process outside this PID namespace");
		r->status = BLOCKED, r->err = ESRCH;
		set_detail(r, "no process outside is visible: nothing to attach to");
		return;
	}
	/* SEIZE attaches without stopping the tracee; DETACH lets it go at once. */
	set_call(r, "ptrace(PTRACE_SEIZE, %d) (outside process)", (int)pid);
	long ret = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
	verdict(r, ret, errno, -1, -1);
	if (ret == 0)
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
}

struct chroot_arg {
	const char *tmp;
	dev_t dev;
	ino_t ino;
};

/* The classic chroot escape: keep a directory fd, chroot into a subdirectory, fchdir
 * back out and walk ".." up to the top. Under pivot_root the top is the container's
 * own root; under a plain chroot it is the host's. */
static int chroot_escape(void *p)
{
	const struct chroot_arg *a = p;
	char jail[256];
	snprintf(jail, sizeof jail, "%s/gbprobe-jail.%d", a->tmp, (int)getpid());
	mkdir(jail, 0700);
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	int ret = chroot(jail);
	int err = errno;
	rmdir(jail);
	if (ret < 0 || fd < 0)
		return err ? err : EIO;
	if (fchdir(fd) < 0)
		return errno;
	for (int i = 0; i < 256; i++)
		if (chdir("..") < 0)
			return errno;
	if (chroot(".") < 0)
		return errno;
	struct stat st;
	if (stat("/", &st) < 0)
		return errno;
	/* 0: we stand above where we started. */
	return st.st_dev == a->dev && st.st_ino == a->ino ? EXDEV : 0;
}

static void check_chroot(const struct options *o, struct result *r)
{
	struct stat st;
	stat("/", &st);
	struct chroot_arg a = { o->tmp, st.st_dev, st.st_ino };
	set_call(r, "chroot(jail); fchdir(fd of old root); chdir(\"..\") x256; chroot(\".\")");
	int e = in_child(chroot_escape, &a);
	r->err = e == EXDEV ? 0 : e;
	r->status = e == 0 ? POSSIBLE : BLOCKED;
	if (e == EXDEV)
		set_detail(r, "chroot works, but the top of this mount namespace is this root");
	else if (e == 0)
		set_detail(r, "walked out of the root this process started in");
}

static int do_unshare_user(void *p)
{
	(void)p;
	return unshare(CLONE_NEWUSER) < 0 ? errno : 0;
}

static void check_userns(const struct options *o, struct result *r)
{
	set_call(r, "unshare(CLONE_NEWUSER) (in a child)");
	int e = in_child(do_unshare_user, NULL);
	verdict(r, e ? -1 : 0, e, -1, -1);
	if (e == 0)
		set_detail(r, "a new user namespace gives full capabilities over new "
			      "namespaces: a large kernel attack surface");
	(void)o;
}

static int do_setns(void *p)
{
	int fd = open((const char *)p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	return setns(fd, 0) < 0 ? errno : 0;
}

static void check_setns(const struct options *o, struct result *r)
{
	char path[64];
	pid_t pid = find_outside(o);
	/* With a process outside: join its mount namespace. Without: rejoin our own UTS
	 * namespace, which changes nothing but passes the same CAP_SYS_ADMIN check. */
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/self/ns/uts");
	set_call(r, "setns(open(\"%s\"), 0) (in a child)", path);
	int e = in_child(do_setns, path);
	verdict(r, e ? -1 : 0, e, -1, -1);
	if (e == 0)
		set_detail(r, pid ? "joined the mount namespace of a process outside"
				  : "setns is allowed (no process outside visible to join)");
}

static void check_keyctl(const struct options *o, struct result *r)
{
	/* Keyrings are not namespaced: Docker's profile blocks keyctl entirely. */
	set_call(r, "keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0)");
	long ret = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0);
	verdict(r, ret, errno, ENOKEY, -1);
	(void)o;
}

static void check_bpf(const struct options *o, struct result *r)
{
	/* A one-entry array map: tiny, and freed when its fd closes. */
	union bpf_attr attr;
	memset(&attr, 0, sizeof attr);
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4, attr.value_size = 4, attr.max_entries = 1;
	set_call(r, "bpf(BPF_MAP_CREATE, {ARRAY, 1 entry})");
	long fd = syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr);
	verdict(r, fd, errno, -1, -1);
	if (fd >= 0)
		close((int)fd);
	(void)o;
}

static void check_clock(const struct options *o, struct result *r)
{
	/* No time and no zone: the kernel checks CAP_SYS_TIME and then has nothing to do. */
	set_call(r, "settimeofday(NULL, NULL) (sets nothing: only the permission check)");
	long ret = syscall(SYS_settimeofday, NULL, NULL);
	verdict(r, ret, errno, -1, -1);
	(void)o;
}

static void check_swapon(const struct options *o, struct result *r)
{
	set_call(r, "swapon(\"/nonexistent/gbprobe-swap\", 0)");
	long ret = syscall(SYS_swapon, "/nonexistent/gbprobe-swap", 0);
	verdict(r, ret, errno, ENOENT, -1);
	(void)o;
}

static void check_host_proc(const struct options *o, struct result *r)
{
	char self[32] = "";
	ssize_t n = readlink("/proc/self", self, sizeof self - 1);
	self[n > 0 ? n : 0] = '\0';
	/* /proc belongs to the PID namespace that mounted it: if /proc/self is not our
	 * pid, this /proc shows another namespace's processes. */
	if (n > 0 && atoi(self) != getpid()) {
		set_call(r, "readlink(\"/proc/self\") = %s, getpid() = %d", self, (int)getpid());
		r->status = POSSIBLE, r->err = 0;
		set_detail(r, "this /proc was mounted by another PID namespace");
		return;
	}
	pid_t pid = find_outside(o);
	if (!pid) {
		set_call(r, "scan /proc for a process outside this PID namespace");
		r->status = BLOCKED, r->err = ESRCH;
		return;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	set_call(r, "open(\"%s\", O_RDONLY) (outside process)", path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	verdict(r, fd, errno, -1, -1);
	if (fd >= 0)
		close(fd);
}

static void check_host_net(const struct options *o, struct result *r)
{
	unsigned long long mine = ns_inode("/proc/self/ns/net");
	struct if_nameindex *ifs = if_nameindex();
	char names[160] = "";
	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
			 names[0] ? " " : "", i->if_name);
	if (ifs)
		if_freenameindex(ifs);
	set_call(r, "stat(\"/proc/self/ns/net\") = net:[%llu]; interfaces: %s", mine, names);
	if (!o->outside_netns) {
		r->status = strcmp(names, "lo") == 0 ? BLOCKED : ABSENT;
		set_detail(r, "%s",
			   r->status == BLOCKED ? "only lo: no way out"
						: "no --outside-netns given: cannot tell whose "
						  "interfaces these are");
		return;
	}
	r->status = mine == o->outside_netns ? POSSIBLE : BLOCKED;
	r->err = 0;
	set_detail(r, "host net:[%llu]", o->outside_netns);
}

/* ---- terminals (issue 18) ----
 * A terminal of the host reaching the container lets it type into the host's shell
 * (TIOCSTI) or change how that terminal behaves. The container's own pty (-t) is not
 * the host's: it lives in the devpts instance mounted on its /dev/pts. */

static bool own_pty(int fd)
{
	struct stat a, b;
	return fstat(fd, &a) == 0 && stat("/dev/pts", &b) == 0 && a.st_dev == b.st_dev;
}

/* The first of fds 0-2 that is a terminal but not our own pty, or -1. */
static int host_tty_fd(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd) && !own_pty(fd))
			return fd;
	return -1;
}

static void no_host_tty(struct result *r)
{
	r->status = BLOCKED, r->err = ENOTTY;
	set_detail(r, "fds 0-2 are pipes, /dev/null or this container's own pty: no terminal of "
		      "the host");
}

/* TIOCSTI pushes one byte into the terminal's input queue, as if typed. '#' starts a
 * comment in a shell: what arrives stays harmless. */
static void check_tiocsti_stdin(const struct options *o, struct result *r)
{
	int fd = host_tty_fd();
	set_call(r, "ioctl(%d, TIOCSTI, \"#\")", fd < 0 ? 0 : fd);
	if (fd < 0 && isatty(0))
		return no_host_tty(r); /* our own pty: typing into it is no escape */
	if (fd < 0) {
		long ret = ioctl(0, TIOCSTI, "#"); /* a pipe or /dev/null: ENOTTY */
		verdict(r, ret, errno, -1, -1);
		set_detail(r, "fd 0 is no terminal (a pipe or /dev/null): nothing to type into");
		return;
	}
	long ret = ioctl(fd, TIOCSTI, "#");
	verdict(r, ret, errno, -1, -1);
	set_detail(r, "fd %d is a terminal of the host", fd);
	(void)o;
}

/* Our controlling terminal, if it is not our own pty: is there one pointing outside? */
static bool ctty_is_hosts(void)
{
	FILE *f = fopen("/proc/self/stat", "r");
	char buf[1024] = "";
	if (f) {
		if (!fgets(buf, sizeof buf, f))
			buf[0] = '\0';
		fclose(f);
	}
	char *p = strrchr(buf, ')');
	int tty_nr = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %d", &tty_nr) != 1 || tty_nr == 0)
		return false;
	for (int fd = 0; fd < 3; fd++) {
		struct stat st;
		if (own_pty(fd) && fstat(fd, &st) == 0 && st.st_rdev == (dev_t)tty_nr)
			return false; /* -t: the controlling terminal is our own pty */
	}
	return true;
}

static void check_tiocsti_tty(const struct options *o, struct result *r)
{
	set_call(r, "open(\"/dev/tty\", O_RDWR); ioctl(tty, TIOCSTI, \"#\")");
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		verdict(r, -1, errno, -1, -1); /* ENXIO: no controlling terminal at all */
		set_detail(r, "no controlling terminal: a session of its own (setsid)");
		return;
	}
	if (!ctty_is_hosts()) {
		close(fd);
		r->status = BLOCKED, r->err = 0;
		set_detail(r, "the controlling terminal is this container's own pty (-t)");
		return;
	}
	long ret = ioctl(fd, TIOCSTI, "#");
	verdict(r, ret, errno, -1, -1);
	set_detail(r, "the controlling terminal is the host's");
	close(fd);
	(void)o;
}

/* Make a host terminal our controlling terminal (a new session first, as TIOCSCTTY
 * requires). Without force: it takes only a terminal no session holds. */
static int do_tiocsctty(void *p)
{
	int fd = *(int *)p;
	if (setsid() < 0)
		return errno;
	return ioctl(fd, TIOCSCTTY, 0) < 0 ? errno : 0;
}

static void check_tiocsctty(const struct options *o, struct result *r)
{
	int fd = host_tty_fd();
	set_call(r, "setsid(); ioctl(%d, TIOCSCTTY, 0)", fd < 0 ? 0 : fd);
	if (fd < 0)
		return no_host_tty(r);
	int e = in_child(do_tiocsctty, &fd);
	verdict(r, e ? -1 : 0, e, -1, -1);
	(void)o;
}

/* tcsetattr needs no session: any holder of the fd may change the terminal's modes
 * (echo off, raw...). Harmless here: the same attributes are written back. */
static void check_termios(const struct options *o, struct result *r)
{
	int fd = host_tty_fd();
	set_call(r, "tcgetattr(%d, &t); tcsetattr(%d, TCSANOW, &t)", fd < 0 ? 0 : fd,
		 fd < 0 ? 0 : fd);
	if (fd < 0)
		return no_host_tty(r);
	struct termios t;
	long ret = tcgetattr(fd, &t);
	if (ret == 0)
		ret = tcsetattr(fd, TCSANOW, &t);
	verdict(r, ret, errno, -1, -1);
	(void)o;
}

/* ---- the races (issue 19): a glassbox process inside the container ----
 * While the host runs `glassbox exec` again and again, a watcher scans /proc for
 * processes whose binary lies outside the container (its mount is none of ours): the
 * process glassbox forks into the container before its execve. If the kernel lets us
 * open its /proc/PID/exe we hold the host's binary (CVE-2019-5736: once nothing runs
 * it, it opens for writing); if /proc/PID/fd/N opens we hold its pipes, pidfds and
 * directories, and ".." from a host directory is the host (CVE-2024-21626). Harmless:
 * the binary is opened for writing and closed, never written. */

struct race {
	bool ran;
	long passes, seen, denied, sealed;
	int exe_pid, fd_pid, fd_num, exe_err, wr_err;
	char exe[200], fd_target[200], dir_reached[200];
};

static unsigned long long mount_ids[512];
static size_t n_mount_ids;

static void read_mount_ids(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	unsigned long long id;
	char line[4096];
	n_mount_ids = 0;
	while (f && fgets(line, sizeof line, f) && n_mount_ids < 512)
		if (sscanf(line, "%llu", &id) == 1)
			mount_ids[n_mount_ids++] = id;
	if (f)
		fclose(f);
}

/* Inside: on one of the mounts our mount namespace has. */
static bool inside(int fd)
{
	struct statx sx;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0 || !(sx.stx_mask & STATX_MNT_ID))
		return true; /* cannot tell: do not claim an escape */
	for (size_t i = 0; i < n_mount_ids; i++)
		if (mount_ids[i] == sx.stx_mnt_id)
			return true;
	return false;
}

/* A sealed memfd (glassbox's trampoline, our own copy) cannot be written by anyone. */
static bool sealed(int pathfd)
{
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", pathfd);
	int fd = open(self, O_RDONLY | O_CLOEXEC);
	bool yes = fd >= 0 && fcntl(fd, F_GET_SEALS) > 0 && (fcntl(fd, F_GET_SEALS) & F_SEAL_WRITE);
	if (fd >= 0)
		close(fd);
	return yes;
}

static bool same_file(int a, int b)
{
	struct stat x, y;
	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

/* After an fd of pid opened: was it still a glassbox process? A process that refused
 * us its exe may have called execve since (glassbox's trampoline, then the command,
 * both dumpable again): their descriptors are the command's own, not a win. */
static bool still_foreign(pid_t pid, int self)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) /* refused: still not dumpable; ENOENT: exiting, its memory is gone */
		return errno == EACCES || errno == EPERM;
	bool foreign = !inside(fd) && !same_file(fd, self) && !sealed(fd);
	close(fd);
	return foreign;
}

/* Whether the process a pidfd was opened for has exited. A PID is not handed out again
 * while its process exists, so a handle opened through /proc/PID/... while it still
 * lives was its own, not a newcomer's that took its number (pid_namespaces(7), pidfd_open(2)). */
static bool gone(int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };
	return pidfd < 0 || poll(&p, 1, 0) != 0;
}

/* Every descriptor of pid that opens; a directory among them is followed "../../..". */
static void race_fds(pid_t pid, int pidfd, int self, struct race *w)
{
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && !w->dir_reached[0] && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		char path[96], target[200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 && errno == ENXIO) /* a socket: not openable by path, but held */
			fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!still_foreign(pid, self) || gone(pidfd)) {
			close(fd);
			break;
		}
		ssize_t n = readlink(path, target, sizeof target - 1);
		target[n > 0 ? n : 0] = '\0';
		if (!w->fd_pid) {
			w->fd_pid = pid, w->fd_num = atoi(e->d_name);
			snprintf(w->fd_target, sizeof w->fd_target, "%s", target);
		}
		int up = openat(fd, "../../..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up >= 0 && !inside(up))
			snprintf(w->dir_reached, sizeof w->dir_reached,
				 "openat(fd %s of PID %d = %.80s, "
				 "\"../../..\") is outside this container",
				 e->d_name, (int)pid, target);
		if (up >= 0)
			close(up);
		close(fd);
	}
	if (d)
		closedir(d);
}

/* /proc/PID/cmdline is readable even for a process that is not dumpable. */
static bool cmdline_has(pid_t pid, const char *needle)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	if (fd >= 0)
		close(fd);
	for (ssize_t i = 0; i < n; i++)
		buf[i] = buf[i] ? buf[i] : ' ';
	buf[n > 0 ? n : 0] = '\0';
	return strstr(buf, needle) != NULL;
}

/* Pinned by a pidfd first: what is opened afterwards must still be this process's. */
static void race_pid(pid_t pid, int pidfd, int self, struct race *w)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == EACCES || e == EPERM)
			race_fds(pid, pidfd, self, w); /* not dumpable: these must be refused too */
		w->denied += e == EACCES || e == EPERM;
		return;
	}
	if (inside(fd) || same_file(fd, self) || gone(pidfd)) {
		close(fd);
		return; /* the container's own program, another copy of this probe, or gone */
	}
	w->seen++;
	if (sealed(fd)) {
		w->sealed++;
		close(fd);
		return; /* holds only what the command itself will hold */
	}
	if (!w->exe_pid) {
		w->exe_pid = pid;
		char self_fd[64]; /* what we hold, not what PID runs by now (it may have exec'd) */
		snprintf(self_fd, sizeof self_fd, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(self_fd, w->exe, sizeof w->exe - 1);
		w->exe[n > 0 ? n : 0] = '\0';
		int wr = open(self_fd, O_WRONLY | O_CLOEXEC); /* opened and closed, never written */
		w->wr_err = wr < 0 ? errno : 0;
		if (wr >= 0)
			close(wr);
	}
	race_fds(pid, pidfd, self, w);
	close(fd);
}

static void race_exe(pid_t pid, int self, struct race *w)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return; /* already gone */
	race_pid(pid, pidfd, self, w);
	close(pidfd);
}

static bool stop_now(const struct options *o, const struct race *w, struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	long ms = (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
	return (w->exe_pid && w->fd_pid && w->dir_reached[0]) || ms >= o->watch_ms ||
	       (o->stop_file && access(o->stop_file, F_OK) == 0);
}

static void race_watch(const struct options *o, struct race *w)
{
	if (w->ran)
		return;
	w->ran = true;
	read_mount_ids();
	int self = open("/proc/self/exe", O_PATH | O_CLOEXEC);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fprintf(stderr, "glassbox-probe: watching\n"); /* the host may start now */
	for (; !stop_now(o, w, &t0); w->passes++) {
		DIR *d = opendir("/proc");
		for (struct dirent *e; d && (e = readdir(d));) {
			pid_t pid = (pid_t)atoi(e->d_name);
			if (pid > 0 && pid != getpid() && (!o->match || cmdline_has(pid, o->match)))
				race_exe(pid, self, w);
		}
		if (d)
			closedir(d);
	}
	if (self >= 0)
		close(self);
	if (o->stop_file)
		unlink(o->stop_file); /* leave the container as we found it */
}

static struct race the_race;

static void race_summary(const struct race *w, struct result *r, const char *extra)
{
	set_detail(r,
		   "%ld passes over /proc; %ld processes running a binary from outside "
		   "(%ld of them a sealed copy); %ld refused us their /proc files%s",
		   w->passes, w->seen, w->sealed, w->denied, extra);
}

static void check_exe_race(const struct options *o, struct result *r)
{
	race_watch(o, &the_race);
	const struct race *w = &the_race;
	if (!w->exe_pid) {
		set_call(r, "open(\"/proc/PID/exe\", O_PATH) for every process from outside");
		r->status = BLOCKED, r->err = EACCES;
		race_summary(w, r, "");
		return;
	}
	set_call(r, "open(\"/proc/%d/exe\", O_PATH) = %s; reopen O_WRONLY: %s", w->exe_pid, w->exe,
		 w->wr_err ? strerror(w->wr_err) : "opened");
	r->status = POSSIBLE, r->err = 0;
	race_summary(w, r,
		     w->wr_err == ETXTBSY ? "; the host's binary is ours to write once "
					    "nothing runs it"
					  : "");
}

static void check_fd_race(const struct options *o, struct result *r)
{
	race_watch(o, &the_race);
	const struct race *w = &the_race;
	if (!w->fd_pid) {
		set_call(r, "open(\"/proc/PID/fd/N\") for every process from outside");
		r->status = BLOCKED, r->err = EACCES;
		race_summary(w, r, "");
		return;
	}
	set_call(r, "open(\"/proc/%d/fd/%d\") = %s", w->fd_pid, w->fd_num, w->fd_target);
	r->status = POSSIBLE, r->err = 0;
	char extra[220];
	snprintf(extra, sizeof extra, "%s%s", w->dir_reached[0] ? "; " : "", w->dir_reached);
	race_summary(w, r, extra);
}

static const struct check {
	const char *name;
	void (*fn)(const struct options *, struct result *);
	const char *what;
} checks[] = {
	{ "mount", check_mount, "mount a new filesystem" },
	{ "umount", check_umount, "unmount a mount (e.g. a mask over /proc)" },
	{ "reboot", check_reboot, "reboot the host" },
	{ "kexec", check_kexec, "load a new kernel" },
	{ "module", check_module, "load a kernel module" },
	{ "raw-socket", check_raw_socket, "open a raw socket" },
	{ "mknod-disk", check_mknod_disk, "create and open a host disk device" },
	{ "mknod-char", check_mknod_char, "create and open the kernel log's device (1:11)" },
	{ "sysrq", check_sysrq, "write /proc/sysrq-trigger" },
	{ "sys-write", check_sys_write, "write a /sys file" },
	{ "ptrace", check_ptrace, "ptrace a process outside" },
	{ "chroot", check_chroot, "break out of the root with chroot and a directory fd" },
	{ "userns", check_userns, "create a user namespace" },
	{ "setns", check_setns, "join another namespace" },
	{ "keyctl", check_keyctl, "use the kernel keyrings (not namespaced)" },
	{ "bpf", check_bpf, "load BPF objects into the kernel" },
	{ "clock", check_clock, "set the host's clock" },
	{ "swapon", check_swapon, "enable swap on a file" },
	{ "host-proc", check_host_proc, "read host processes in /proc" },
	{ "host-net", check_host_net, "reach the host's network interfaces" },
	/* terminals (issue 18) */
	{ "tiocsti-stdin", check_tiocsti_stdin, "type into the host's terminal through fds 0-2" },
	{ "tiocsti-tty", check_tiocsti_tty, "type into the host's terminal through /dev/tty" },
	{ "tiocsctty", check_tiocsctty, "make a host terminal its controlling terminal" },
	{ "termios", check_termios, "change the modes of a host terminal" },
	/* issue 19: only with --watch, while the host runs `glassbox exec` */
	{ "exe-race", check_exe_race,
	  "open the host's binary through a glassbox process (CVE-2019-5736)" },
	{ "fd-race", check_fd_race,
	  "open a glassbox process's descriptors, reach the host through them (CVE-2024-21626)" },
};
#define N_CHECKS (sizeof checks / sizeof checks[0])

static bool selected(const struct options *o, const char *name)
{
	bool race = strcmp(name, "exe-race") == 0 || strcmp(name, "fd-race") == 0;
	if (race != (o->watch_ms > 0))
		return false; /* the races need --watch (and a host that runs exec meanwhile) */
	if (!o->only)
		return true;
	size_t n = strlen(name);
	for (const char *p = o->only; (p = strstr(p, name)); p += n)
		if ((p == o->only || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct result *res, const bool *ran, const int *count)
{
	printf("{\"probe\":\"glassbox-probe\",\"version\":1,\"blocked\":%d,\"possible\":%d,"
	       "\"absent\":%d,\"checks\":[",
	       count[BLOCKED], count[POSSIBLE], count[ABSENT]);
	bool first = true;
	for (size_t i = 0; i < N_CHECKS; i++) {
		if (!ran[i])
			continue;
		printf("%s{\"name\":", first ? "" : ",");
		json_string(checks[i].name);
		printf(",\"what\":");
		json_string(checks[i].what);
		printf(",\"status\":\"%s\",\"call\":", status_names[res[i].status]);
		json_string(res[i].call);
		printf(",\"errno\":%d,\"error\":", res[i].err);
		json_string(res[i].err ? strerror(res[i].err) : "");
		printf(",\"detail\":");
		json_string(res[i].detail);
		putchar('}');
		first = false;
	}
	printf("]}\n");
}

static void print_text(const struct result *res, const bool *ran, const int *count)
{
	printf("glassbox-probe: %d blocked, %d possible, %d absent from this kernel\n",
	       count[BLOCKED], count[POSSIBLE], count[ABSENT]);
	for (size_t i = 0; i < N_CHECKS; i++) {
		if (!ran[i])
			continue;
		const struct result *r = &res[i];
		printf("  [%-8s] %-10s %s\n",
		       r->status == POSSIBLE ? "POSSIBLE" : status_names[r->status], checks[i].name,
		       checks[i].what);
		printf("             %s -> %s\n", r->call,
		       r->err		      ? strerror(r->err)
		       : r->status == BLOCKED ? "contained"
					      : "ok");
		if (r->detail[0])
			printf("             %s\n", r->detail);
	}
}

static int usage(void)
{
	fprintf(stderr,
		"usage: glassbox-probe [--json] [--outside-comm NAME] "
		"[--outside-netns INODE] [--tmp DIR] [--only NAME,...] [--list]\n"
		"       glassbox-probe --watch MS [--stop-file PATH] [--match TEXT] [--json]\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--json") == 0)
			o->json = true;
		else if (strcmp(a, "--list") == 0) {
			for (size_t k = 0; k < N_CHECKS; k++)
				printf("%-10s %s\n", checks[k].name, checks[k].what);
			exit(0);
		} else if (v && strcmp(a, "--outside-comm") == 0)
			o->outside_comm = argv[++i];
		else if (v && strcmp(a, "--outside-netns") == 0)
			o->outside_netns = strtoull(argv[++i], NULL, 10);
		else if (v && strcmp(a, "--tmp") == 0)
			o->tmp = argv[++i];
		else if (v && strcmp(a, "--only") == 0)
			o->only = argv[++i];
		else if (v && strcmp(a, "--watch") == 0)
			o->watch_ms = strtol(argv[++i], NULL, 10);
		else if (v && strcmp(a, "--stop-file") == 0)
			o->stop_file = argv[++i];
		else if (v && strcmp(a, "--match") == 0)
			o->match = argv[++i];
		else if (v && strcmp(a, "--touch") == 0) /* ends a --watch from outside */
			exit(close(open(argv[++i], O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0 ? 1
											      : 0);
		else
			return -1;
	}
	return 0;
}

/* A directory we may create scratch entries in: /tmp, else /dev/shm, else /. */
static const char *scratch_dir(void)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm", "/run", "/" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (access(dirs[i], W_OK) == 0)
			return dirs[i];
	return "/tmp";
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	if (parse_args(argc, argv, &o) < 0)
		return usage();
	if (!o.tmp)
		o.tmp = scratch_dir();
	static struct result res[N_CHECKS];
	bool ran[N_CHECKS] = { false };
	int count[3] = { 0, 0, 0 };
	for (size_t i = 0; i < N_CHECKS; i++) {
		if (!selected(&o, checks[i].name))
			continue;
		checks[i].fn(&o, &res[i]);
		ran[i] = true;
		count[res[i].status]++;
	}
	if (o.json)
		print_json(res, ran, count);
	else
		print_text(res, ran, count);
	return count[POSSIBLE] ? 1 : 0;
}
