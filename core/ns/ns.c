/* Namespaces: a process sees the kernel's global resources (PIDs, mounts, host name,
 * IPC objects, network stack, cgroup root, user ids) through one namespace of each kind.
 * A container is a process cloned into new ones. namespaces(7), clone(2), setns(2).
 * Labs 02 (pid), 03 (uts, ipc), 04 (mount), 05 (net). */
#include "ns/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

static const struct {
	const char *name;
	int flag;
	const char *flag_name;
} kinds[GB_NS_COUNT] = {
	[GB_NS_PID] = { "pid", CLONE_NEWPID, "CLONE_NEWPID" },
	[GB_NS_MNT] = { "mnt", CLONE_NEWNS, "CLONE_NEWNS" },
	[GB_NS_UTS] = { "uts", CLONE_NEWUTS, "CLONE_NEWUTS" },
	[GB_NS_IPC] = { "ipc", CLONE_NEWIPC, "CLONE_NEWIPC" },
	[GB_NS_NET] = { "net", CLONE_NEWNET, "CLONE_NEWNET" },
	[GB_NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
	[GB_NS_USER] = { "user", CLONE_NEWUSER, "CLONE_NEWUSER" },
};

const char *gb_ns_name(enum gb_ns_kind k)
{
	return (unsigned)k < GB_NS_COUNT ? kinds[k].name : "?";
}

int gb_ns_clone_flag(enum gb_ns_kind k)
{
	return (unsigned)k < GB_NS_COUNT ? kinds[k].flag : 0;
}

void gb_ns_flags_str(int flags, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	/* The order a student reads in the clone call: user first, as the kernel creates it. */
	static const enum gb_ns_kind order[] = { GB_NS_USER, GB_NS_PID, GB_NS_MNT,   GB_NS_UTS,
						 GB_NS_IPC,  GB_NS_NET, GB_NS_CGROUP };
	for (size_t i = 0; i < GB_ARRAY_LEN(order); i++) {
		if (!(flags & kinds[order[i]].flag))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? "|" : "",
				 kinds[order[i]].flag_name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
}

void gb_ns_read(pid_t pid, struct gb_ns_ids *ids)
{
	memset(ids, 0, sizeof *ids);
	for (int k = 0; k < GB_NS_COUNT; k++) {
		char path[64];
		struct stat st;
		if (pid > 0)
			snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[k].name);
		else
			snprintf(path, sizeof path, "/proc/self/ns/%s", kinds[k].name);
		/* stat() follows the magic link to the namespace itself: its inode number is
		 * the namespace's identity, the same number `ls -l /proc/PID/ns` prints. */
		if (stat(path, &st) == 0)
			ids->ino[k] = st.st_ino;
	}
}

void gb_ns_to_json(const struct gb_ns_ids *ids, struct gb_json *j, const char *key)
{
	gb_json_obj_begin(j, key);
	for (int k = 0; k < GB_NS_COUNT; k++)
		if (ids->ino[k])
			gb_json_uint(j, kinds[k].name, ids->ino[k]);
	gb_json_obj_end(j);
}

pid_t gb_ns_clone(int flags, int *pidfd, struct gb_err *err)
{
	return gb_ns_clone_into(flags, -1, pidfd, err);
}

pid_t gb_ns_clone_into(int flags, int cgroup_fd, int *pidfd, struct gb_err *err)
{
	struct clone_args args = { 0 };
	*pidfd = -1;
	args.flags = (unsigned long long)flags | CLONE_PIDFD;
	args.pidfd = (unsigned long long)(uintptr_t)pidfd;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		/* Born in its cgroup: no cgroup.procs write, so no wait on the kernel's global
		 * threadgroup lock (docs/cgroups.md). */
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned long long)cgroup_fd;
	}
	/* Like fork(): no new stack, the child continues here on a copy of ours. */
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && cgroup_fd >= 0 && errno != ENOSYS) {
		args.flags &= ~(unsigned long long)CLONE_INTO_CGROUP; /* kernel < 5.7 */
		args.cgroup = 0;
		pid = syscall(SYS_clone3, &args, sizeof args);
	}
	if (pid < 0 && errno == ENOSYS) {
		pid = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
		if (pid > 0)
			*pidfd = gb_pidfd_open((pid_t)pid);
	}
	if (pid < 0) {
		char names[160];
		gb_ns_flags_str(flags, names, sizeof names);
		int r = gb_err_set(err, errno, "clone3", "clone3(%s) failed", names);
		if (errno == EPERM)
			gb_err_hint(err,
				    "creating namespaces needs root (CAP_SYS_ADMIN), or a user "
				    "namespace: see /proc/sys/user/max_*_namespaces");
		else if (errno == ENOSPC || errno == EUSERS)
			gb_err_hint(err, "a namespace limit is reached: see "
					 "/proc/sys/user/max_*_namespaces");
		return r;
	}
	return (pid_t)pid;
}

int gb_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int gb_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

int gb_ns_join(pid_t pid, int pidfd, struct gb_err *err)
{
	struct gb_ns_ids mine, theirs;
	gb_ns_read(0, &mine);
	gb_ns_read(pid, &theirs);
	int flags = 0;
	for (int k = 0; k < GB_NS_COUNT; k++)
		if (theirs.ino[k] && theirs.ino[k] != mine.ino[k])
			flags |= kinds[k].flag;
	if (flags == 0)
		return 0;
	/* setns() with a pidfd joins several namespaces of a process at once (Linux 5.8):
	 * atomically, so we never stand half in and half out. */
	if (setns(pidfd, flags) == 0)
		return 0;
	char names[160];
	gb_ns_flags_str(flags, names, sizeof names);
	int r = gb_err_set(err, errno, "setns", "setns(pidfd, %s) for PID %d failed", names,
			   (int)pid);
	if (errno == EPERM)
		gb_err_hint(err, "joining a container's namespaces needs root");
	return r;
}

/* An ordinary user may setns() into a namespace only with CAP_SYS_ADMIN in the user
 * namespace that owns it: a rootless container's namespaces belong to the container's
 * user namespace, which the user made and so holds every capability in, once inside.
 * So, as `nsenter -U` does, join that user namespace first. setns(CLONE_NEWUSER) needs a
 * single-threaded caller (a forked child). Root stays where it is: it already holds
 * CAP_SYS_ADMIN over every user namespace on the host. */
int gb_ns_join_user_of(pid_t pid, struct gb_err *err)
{
	struct gb_ns_ids mine, theirs;
	if (geteuid() == 0)
		return 0;
	gb_ns_read(0, &mine);
	gb_ns_read(pid, &theirs);
	if (!theirs.ino[GB_NS_USER] || theirs.ino[GB_NS_USER] == mine.ino[GB_NS_USER])
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open %s", path);
	if (setns(fd, CLONE_NEWUSER) == 0)
		return 0;
	int r = gb_err_set(err, errno, "setns(CLONE_NEWUSER)",
			   "cannot join the user namespace of PID %d", (int)pid);
	gb_err_hint(err, "only the user who owns that container (or root) may join it");
	return r;
}

/* Join pid's namespace of kind k from outside, in a forked single-threaded child: nothing
 * to do when it is ours already (a container sharing the host's, under a lab's control;
 * joining its user namespace first would then cost us the right to it); else its user
 * namespace first when that is a rootless container's, then the namespace itself. */
int gb_ns_enter_one(pid_t pid, enum gb_ns_kind k, struct gb_err *err)
{
	struct gb_ns_ids mine, theirs;
	gb_ns_read(0, &mine);
	gb_ns_read(pid, &theirs);
	if (theirs.ino[k] && theirs.ino[k] == mine.ino[k])
		return 0;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kinds[k].name);
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open %s", path);
	int r = gb_ns_join_user_of(pid, err);
	if (r == 0 && setns(fd, kinds[k].flag) < 0)
		r = gb_err_set(err, errno, "setns", "cannot join %s", path);
	return r;
}

long gb_ns_clone_parent(int flags, int cgroup_fd)
{
	struct clone_args args = { 0 };
	args.flags = (unsigned long long)flags | CLONE_PARENT;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (unsigned long long)cgroup_fd;
	}
	long pid = syscall(SYS_clone3, &args, sizeof args);
	if (pid < 0 && cgroup_fd >= 0) {
		args.flags &= ~(unsigned long long)CLONE_INTO_CGROUP;
		args.cgroup = 0;
		pid = syscall(SYS_clone3, &args, sizeof args);
	}
	return pid < 0 ? -errno : pid;
}

pid_t gb_ns_clone_in_userns(int userns_fd, int flags, int cgroup_fd, int *pidfd, bool *joined)
{
	int p[2];
	*pidfd = -1;
	*joined = false;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t mid = fork();
	if (mid == 0) {
		close(p[0]);
		long v[2] = { 0, setns(userns_fd, CLONE_NEWUSER) < 0 ? -errno : 0 };
		if (v[1] == 0 && (v[1] = gb_ns_clone_parent(flags, cgroup_fd)) == 0) {
			close(p[1]);
			return 0; /* the container's first process */
		}
		v[0] = 1; /* joined: what failed, if anything, was the clone */
		(void)!write(p[1], v, sizeof v);
		_exit(0);
	}
	close(p[1]);
	long v[2] = { 0, -EPIPE };
	if (mid < 0 || read(p[0], v, sizeof v) != sizeof v)
		v[1] = mid < 0 ? -errno : -EPIPE;
	close(p[0]);
	while (mid > 0 && waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	*joined = v[0] != 0;
	if (v[1] > 0)
		*pidfd = (int)syscall(SYS_pidfd_open, (pid_t)v[1], 0);
	return (pid_t)v[1];
}
