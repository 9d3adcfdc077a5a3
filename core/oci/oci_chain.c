/* Who asked for this container: the chain a client built down to the container's PID 1,
 * read from /proc (docs/oci.md, the viz's chain scene). With Docker:
 *   docker CLI -> dockerd -> containerd -> containerd-shim-runc-v2 -> glassbox-runc create
 *   -> PID 1
 * Only some links are parents: the shim daemonizes (its parent is a subreaper or the
 * host's init), so containerd is found as the process listening on the socket the shim was
 * given (-address), dockerd as containerd's parent, and the docker CLI, which only talks
 * to dockerd's socket, as the newest process named `docker`. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "oci/oci_chain.h"

struct proc_info {
	pid_t pid, ppid;
	unsigned long long start; /* clock ticks after boot: the newest docker CLI */
	char comm[32], args[1024];
};

/* /proc/PID/WHAT, NUL-terminated (cmdline holds NULs: *len says where it ends). */
static char *proc_file(pid_t pid, const char *what, size_t *len)
{
	char path[64], *buf = NULL;
	size_t n = 0;
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, what);
	if (gb_read_file(path, &buf, &n) < 0)
		return NULL;
	if (len)
		*len = n;
	return buf;
}

/* /proc/PID/stat: comm in parentheses (may hold spaces), then state, ppid ... starttime. */
static int read_stat(pid_t pid, struct proc_info *p)
{
	gb_autofree char *buf = proc_file(pid, "stat", NULL);
	if (!buf)
		return -1;
	char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return -1;
	snprintf(p->comm, sizeof p->comm, "%.*s", (int)(close - open - 1), open + 1);
	int ppid = 0;
	unsigned long long start = 0;
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
	 * utime stime cutime cstime priority nice threads itrealvalue starttime */
	if (sscanf(close + 2,
		   "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
		   "%*d %*d %*d %llu",
		   &ppid, &start) != 2)
		return -1;
	p->pid = pid;
	p->ppid = ppid;
	p->start = start;
	return 0;
}

/* The command line, NULs as spaces, cut to fit. */
static void read_args(pid_t pid, char *out, size_t len)
{
	size_t n = 0;
	gb_autofree char *buf = proc_file(pid, "cmdline", &n);
	for (size_t i = 0; buf && i + 1 < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	snprintf(out, len, "%s", buf ? buf : "");
}

static int proc_info(pid_t pid, struct proc_info *p)
{
	if (pid <= 0 || read_stat(pid, p) < 0)
		return -1;
	read_args(pid, p->args, sizeof p->args);
	return 0;
}

/* The value after `-address` or `--address` in the shim's command line. */
static int shim_address(pid_t shim, char *out, size_t len)
{
	size_t n;
	gb_autofree char *buf = proc_file(shim, "cmdline", &n);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n;) {
		const char *a = buf + i;
		size_t al = strlen(a);
		if ((!strcmp(a, "-address") || !strcmp(a, "--address")) && i + al + 1 < n) {
			snprintf(out, len, "%s", a + al + 1);
			return 0;
		}
		i += al + 1;
	}
	return -1;
}

/* The inode of the listening unix socket bound to path (/proc/net/unix: flags 00010000
 * is __SO_ACCEPTCON, a listener). */
static unsigned long socket_inode(const char *path)
{
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f)
		return 0;
	char line[1200];
	unsigned long found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		unsigned long flags, inode;
		char name[1024] = "";
		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %lu %1023s", &flags, &inode, name) >= 2 &&
		    (flags & 0x10000) && !strcmp(name, path))
			found = inode;
	}
	fclose(f);
	return found;
}

static bool is_pid_dir(const struct dirent *d)
{
	return isdigit((unsigned char)d->d_name[0]);
}

/* Does pid hold socket:[inode] among its fds? */
static bool holds_socket(pid_t pid, unsigned long inode)
{
	char dir[64], want[48];
	snprintf(dir, sizeof dir, "/proc/%d/fd", (int)pid);
	snprintf(want, sizeof want, "socket:[%lu]", inode);
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		char link[300], target[64];
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n > 0) {
			target[n] = '\0';
			found = !strcmp(target, want);
		}
	}
	closedir(d);
	return found;
}

/* The process listening on the unix socket at path (containerd), or 0. */
static pid_t socket_owner(const char *path)
{
	unsigned long inode = socket_inode(path);
	DIR *d = inode ? opendir("/proc") : NULL;
	if (!d)
		return 0;
	pid_t owner = 0;
	struct dirent *e;
	while (!owner && (e = readdir(d)))
		if (is_pid_dir(e) && holds_socket(atoi(e->d_name), inode))
			owner = atoi(e->d_name);
	closedir(d);
	return owner;
}

/* The newest process whose comm is name (the docker CLI is gone after `run -d`: 0). */
static pid_t newest_named(const char *name)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	pid_t best = 0;
	unsigned long long best_start = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		struct proc_info p;
		if (is_pid_dir(e) && read_stat(atoi(e->d_name), &p) == 0 && !strcmp(p.comm, name) &&
		    p.start >= best_start) {
			best = p.pid;
			best_start = p.start;
		}
	}
	closedir(d);
	return best;
}

static void link_json(struct gb_json *j, const char *role, const struct proc_info *p)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "role", role);
	gb_json_int(j, "pid", p->pid);
	gb_json_int(j, "ppid", p->ppid);
	gb_json_str(j, "comm", p->comm);
	gb_json_str(j, "args", p->args);
	gb_json_obj_end(j);
}

/* The client side above the caller: containerd (and dockerd, the docker CLI) for a shim;
 * nothing more is known for conmon or another caller. */
static void daemons_json(struct gb_json *j, const struct proc_info *caller)
{
	char address[512];
	struct proc_info ctd, dockerd, cli;
	if (strncmp(caller->comm, "containerd-shim", 15) ||
	    shim_address(caller->pid, address, sizeof address) < 0 ||
	    proc_info(socket_owner(address), &ctd) < 0)
		return;
	bool docker = proc_info(ctd.ppid, &dockerd) == 0 && !strcmp(dockerd.comm, "dockerd");
	if (docker && proc_info(newest_named("docker"), &cli) == 0)
		link_json(j, "docker CLI", &cli);
	if (docker)
		link_json(j, "dockerd", &dockerd);
	link_json(j, "containerd", &ctd);
}

/* The client that called us: the nearest ancestor that is a shim or conmon (dockerd runs
 * a runtime with runtimeArgs through a shell script of its own), else our parent. */
static int find_caller(struct proc_info *caller)
{
	pid_t pid = getppid();
	for (int up = 0; up < 4 && pid > 1; up++) {
		if (proc_info(pid, caller) < 0)
			break;
		if (!strncmp(caller->comm, "containerd-shim", 15) ||
		    !strcmp(caller->comm, "conmon"))
			return 0;
		pid = caller->ppid;
	}
	return proc_info(getppid(), caller);
}

pid_t gb_oci_caller(char *comm, size_t len)
{
	struct proc_info p;
	if (find_caller(&p) < 0)
		return 0;
	snprintf(comm, len, "%s", p.comm);
	return p.pid;
}

void gb_oci_chain_json(pid_t init_pid, struct gb_json *j)
{
	struct proc_info caller, self, init;
	gb_json_arr_begin(j, "links");
	bool have_caller = find_caller(&caller) == 0;
	if (have_caller)
		daemons_json(j, &caller);
	if (have_caller)
		link_json(j, "caller", &caller);
	if (proc_info(getpid(), &self) == 0)
		link_json(j, "runtime", &self);
	if (proc_info(init_pid, &init) == 0)
		link_json(j, "pid1", &init);
	gb_json_arr_end(j);
}
