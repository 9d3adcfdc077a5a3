/* The bpf(2) calls of cgroup v2's device controller (devprog.h). */
#include "cgroup/devprog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

/* The last lines of the verifier's log: where it stopped and why. */
static const char *log_tail(const char *log)
{
	size_t len = strlen(log);
	const char *p = log + len;
	for (int lines = 0; p > log && lines < 4; p--)
		if (p[-1] == '\n' && p != log + len)
			lines++;
	return p;
}

int gb_devprog_load(const struct bpf_insn *prog, int n, struct gb_err *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (__u64)(unsigned long)prog;
	a.insn_cnt = (__u32)n;
	a.license = (__u64)(unsigned long)"GPL";
	snprintf(a.prog_name, sizeof a.prog_name, "glassbox_dev");
	int fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int e = errno;
	/* Again with the verifier's log, which says which instruction it refused. */
	char *log = calloc(1, 65536);
	if (log) {
		a.log_level = 1;
		a.log_buf = (__u64)(unsigned long)log;
		a.log_size = 65536;
		sys_bpf(BPF_PROG_LOAD, &a); /* fails again; keep the first errno */
	}
	gb_err_set(err, e, "bpf",
		   "bpf(BPF_PROG_LOAD, {.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE, "
		   ".insn_cnt = %d}) refused the device program%s%s",
		   n, log && log[0] ? ": " : "", log && log[0] ? log_tail(log) : "");
	if (e == EPERM)
		gb_err_hint(err, "loading a BPF program needs CAP_SYS_ADMIN (or CAP_BPF): run "
				 "glassbox as root");
	free(log);
	return -e;
}

int gb_devprog_attach(int cgfd, int prog, const char *dir, struct gb_err *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.target_fd = (__u32)cgfd;
	a.attach_bpf_fd = (__u32)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	/* MULTI: our program joins any other on this cgroup instead of replacing it, and
	 * those of the parents (systemd's, a client's) still run too: all must allow. */
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) == 0)
		return 0;
	int r = gb_err_set(err, errno, "bpf",
			   "bpf(BPF_PROG_ATTACH, {.target_fd = open(\"%s\"), .attach_type = "
			   "BPF_CGROUP_DEVICE, .attach_flags = BPF_F_ALLOW_MULTI})",
			   dir);
	if (r == -EPERM)
		gb_err_hint(err, "a parent cgroup holds a device program attached without "
				 "BPF_F_ALLOW_MULTI, which forbids any below it; or glassbox "
				 "is not root");
	return r;
}

int gb_devprog_query(int cgfd, unsigned *ids, size_t max, size_t *n)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.query.target_fd = (__u32)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (__u64)(unsigned long)ids;
	a.query.prog_cnt = (__u32)max;
	*n = 0;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return -errno;
	*n = a.query.prog_cnt < max ? a.query.prog_cnt : max;
	return 0;
}

/* Detach a program by id: BPF_PROG_DETACH wants an fd of it. */
void gb_devprog_detach_id(int cgfd, unsigned id)
{
	union bpf_attr a;
	memset(&a, 0, sizeof a);
	a.prog_id = id;
	int fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return;
	memset(&a, 0, sizeof a);
	a.target_fd = (__u32)cgfd;
	a.attach_bpf_fd = (__u32)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &a);
	close(fd);
}

int gb_devprog_open_dir(const char *dir, struct gb_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "open(\"%s\", O_DIRECTORY)", dir);
	return fd;
}
