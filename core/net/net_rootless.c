/* The student's network namespace (net_rootless.h): a holder process owns a user namespace
 * (mapped like any rootless container: the user's uid is 0, the subuid range 1..) and a
 * network namespace inside it, where bridges and veths live; pasta joins it to the host.
 * user_namespaces(7), network_namespaces(7), setns(2), pasta(1). Lab 17. */
#include "net/net_rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "net/net_via.h"
#include "ns/ns.h"

bool gb_net_rootless(void)
{
	return gb_userns_rootless();
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------------ netlink from inside */

static int nl_adopt(struct gb_net_nl *nl, int fd, struct gb_err *err)
{
	memset(nl, 0, sizeof *nl);
	nl->sock = mnl_socket_fdopen(fd);
	if (!nl->sock) {
		close(fd);
		return gb_err_set(err, errno, "mnl_socket_fdopen", "cannot use the netlink socket");
	}
	return gb_net_nl_ready(nl, err);
}

int gb_net_nl_open_via(struct gb_net_nl *nl, int userns, int netns, struct gb_err *err)
{
	const int what[3] = { AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE };
	int fd = -1;
	memset(nl, 0, sizeof *nl);
	int r = gb_net_socket_via3(userns, netns, what, &fd);
	if (r < 0) {
		r = gb_err_set(err, -r, "setns",
			       "cannot open a netlink socket inside the "
			       "student's namespaces");
		gb_err_hint(err, "the user namespace that owns the network namespace must be "
				 "joined first (it is ours, so its root may)");
		return r;
	}
	return nl_adopt(nl, fd, err);
}

int gb_net_nl_open_pid(struct gb_net_nl *nl, pid_t pid, struct gb_err *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	gb_autoclose int u = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
	gb_autoclose int n = open(path, O_RDONLY | O_CLOEXEC);
	if (u < 0 || n < 0)
		return gb_err_set(err, errno, "open", "cannot open %s", path);
	return gb_net_nl_open_via(nl, u, n, err);
}

/* ------------------------------------------------------------ clone and maps from inside */

pid_t gb_net_rootless_clone(int userns, int flags, int cgroup_fd, int *pidfd, struct gb_err *err)
{
	bool joined;
	pid_t pid = gb_ns_clone_in_userns(userns, flags, cgroup_fd, pidfd, &joined);
	if (pid >= 0)
		return pid;
	int r = gb_err_set(err, -pid, joined ? "clone3" : "setns",
			   "cannot make the container inside the student's user namespace");
	gb_err_hint(err, "`glassbox host-check` shows what this user may do; the "
			 "student's namespace is made again once its holder is gone");
	return r;
}

/* Outside id -> the student namespace's id (its map is `outer`): -1 when unmapped. */
static long to_student(const struct gb_idmap *outer, uint32_t outside, uint32_t count)
{
	for (size_t i = 0; i < outer->n; i++) {
		const struct gb_idrange *g = &outer->r[i];
		if (outside >= g->outside && outside + count <= g->outside + g->count)
			return (long)g->inside + (outside - g->outside);
	}
	return -1;
}

static int map_text(const struct gb_idmap *outer, const struct gb_idmap *m, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		long s = to_student(outer, m->r[i].outside, m->r[i].count);
		if (s < 0)
			return -ERANGE;
		off += (size_t)snprintf(buf + off, len - off, "%u %ld %u\n", m->r[i].inside, s,
					m->r[i].count);
		if (off >= len)
			return -E2BIG;
	}
	return 0;
}

static int student_maps(struct gb_idmap *uids, struct gb_idmap *gids, struct gb_err *err);

int gb_net_rootless_write_maps(int userns, pid_t pid, const struct gb_idmap *uids,
			       const struct gb_idmap *gids, struct gb_err *err)
{
	struct gb_idmap su, sg;
	char um[1024], gm[1024];
	int r = student_maps(&su, &sg, err);
	if (r == 0 &&
	    (map_text(&su, uids, um, sizeof um) < 0 || map_text(&sg, gids, gm, sizeof gm) < 0)) {
		r = gb_err_set(err, ERANGE, "",
			       "the container's id maps leave the student's ranges");
		gb_err_hint(err, "on a bridge network a rootless container maps only the "
				 "user's own id and /etc/subuid range: drop --uidmap/--gidmap");
	}
	if (r < 0)
		return r;
	pid_t h = fork();
	if (h == 0) {
		char path[64];
		int code = setns(userns, CLONE_NEWUSER) < 0 ? 10 : 0;
		snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
		code = code ?: (gb_write_str(path, um) < 0 ? 11 : 0);
		snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
		code = code ?: (gb_write_str(path, gm) < 0 ? 12 : 0);
		_exit(code);
	}
	int status = 0;
	while (h > 0 && waitpid(h, &status, 0) < 0 && errno == EINTR)
		;
	if (h < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return gb_err_set(err, EPERM, "write",
				  "cannot write the maps of %d as the student namespace's root "
				  "(step %d)",
				  (int)pid, h < 0 ? -1 : WEXITSTATUS(status));
	return 0;
}

/* ------------------------------------------------------------ the holder */

static int holder_file(const struct gb_runtime *rt, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/student-netns", rt->state_root);
}

/* "HOLDER STARTTIME PASTA" */
static int holder_read(const struct gb_runtime *rt, pid_t *holder, pid_t *pasta)
{
	char path[600];
	gb_autofree char *text = NULL;
	unsigned long long start = 0;
	int h = 0, p = 0;
	*holder = *pasta = 0;
	if (holder_file(rt, path, sizeof path) < 0 || gb_read_file(path, &text, NULL) < 0)
		return -ENOENT;
	if (sscanf(text, "%d %llu %d", &h, &start, &p) < 2 || h <= 0)
		return -EINVAL;
	*pasta = p;
	/* A pid alone may have been reused since: its start time says it is still ours. */
	if (gb_proc_starttime(h) != start)
		return -ESRCH;
	*holder = h;
	return 0;
}

pid_t gb_net_rootless_holder(const struct gb_runtime *rt)
{
	pid_t h, p;
	return holder_read(rt, &h, &p) == 0 ? h : 0;
}

static int student_maps(struct gb_idmap *uids, struct gb_idmap *gids, struct gb_err *err)
{
	struct gb_config c;
	gb_config_init(&c);
	int r = gb_userns_resolve(&c, err);
	*uids = c.uid_map;
	*gids = c.gid_map;
	gb_config_free(&c);
	return r;
}

static int recv_code(int sock)
{
	int code = -EPIPE;
	return read(sock, &code, sizeof code) == sizeof code ? code : -EPIPE;
}

/* The holder: a user namespace, its maps written by us, then a network namespace in it
 * with lo up; then it sleeps until SIGTERM. Parent-death is not its end: it outlives the
 * command that made it, as the student's network does. */
static void holder_main(int sock)
{
	char c = 0;
	int code = unshare(CLONE_NEWUSER) < 0 ? -errno : getpid();
	(void)!write(sock, &code, sizeof code);
	if (code < 0 || read(sock, &c, 1) != 1 || c != 'm')
		_exit(1);
	code = unshare(CLONE_NEWNET) < 0 ? -errno : 0;
	struct gb_net_nl nl;
	if (code == 0 && gb_net_nl_open(&nl, NULL) == 0) {
		gb_net_link_set_up(&nl, "lo", NULL);
		gb_net_nl_close(&nl);
	}
	(void)!write(sock, &code, sizeof code);
	close(sock);
	/* The engine that forked us may block signals (it forwards them to PID 1). */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTERM, SIG_DFL);
	setsid();
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3 && null >= 0; fd++)
		dup2(null, fd);
	close_range(3, ~0U, 0);
	if (chdir("/") < 0)
		_exit(1);
	for (;;)
		pause();
}

/* Fork the holder (a double fork: it belongs to no glassbox command), write its maps. */
static int holder_start(pid_t *out, struct gb_err *err)
{
	struct gb_idmap u, g;
	int sv[2];
	int r = student_maps(&u, &g, err);
	if (r < 0)
		return r;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return gb_err_set(err, errno, "socketpair", "cannot make a channel to the holder");
	pid_t mid = fork();
	if (mid == 0) {
		close(sv[0]);
		pid_t h = fork();
		if (h == 0)
			holder_main(sv[1]);
		_exit(h < 0 ? 1 : 0);
	}
	close(sv[1]);
	if (mid > 0)
		reap(mid);
	int pid = mid < 0 ? -errno : recv_code(sv[0]);
	*out = pid > 0 ? pid : 0;
	if (pid <= 0) {
		close(sv[0]);
		return gb_err_set(err, -pid, "unshare(CLONE_NEWUSER)",
				  "cannot make the student's user namespace");
	}
	r = gb_userns_write_maps(pid, &u, &g, err);
	int code = r == 0 && write(sv[0], "m", 1) == 1 ? recv_code(sv[0]) : -EPIPE;
	close(sv[0]);
	if (r == 0 && code < 0)
		r = gb_err_set(err, -code, "unshare(CLONE_NEWNET)",
			       "cannot make the student's network namespace");
	if (r < 0)
		kill(pid, SIGKILL);
	return r;
}

static const char *pasta_path(void)
{
	static const char *const paths[] = { "/usr/bin/pasta", "/usr/local/bin/pasta",
					     "/bin/pasta" };
	for (size_t i = 0; i < GB_ARRAY_LEN(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

/* pasta attaches to the holder's namespaces (it joins the user namespace first, as we do),
 * gives the namespace the host's address and routes (--config-net) and forks into the
 * background, writing its pid. No ports are forwarded by it: -p has its own proxy. */
static int pasta_start(const struct gb_runtime *rt, pid_t holder, pid_t *out, struct gb_err *err)
{
	const char *bin = pasta_path();
	char pidfile[600], target[16];
	*out = 0;
	if (!bin) /* the bridges still work among themselves; no way out */
		return 0;
	gb_path(pidfile, sizeof pidfile, "%s/student-netns.pasta", rt->state_root);
	snprintf(target, sizeof target, "%d", (int)holder);
	unlink(pidfile);
	pid_t p = fork();
	if (p == 0) {
		int null = open("/dev/null", O_RDWR);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd);
		execl(bin, "pasta", "--config-net", "--quiet", "-t", "none", "-u", "none", "-T",
		      "none", "-U", "none", "--pid", pidfile, target, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	while (p > 0 && waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	gb_autofree char *text = NULL;
	if (p < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    gb_read_file(pidfile, &text, NULL) < 0)
		return gb_err_set(err, ECHILD, bin,
				  "pasta could not attach to the student's "
				  "network namespace (exit %d)",
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	unlink(pidfile);
	*out = atoi(text);
	return 0;
}

static int holder_save(const struct gb_runtime *rt, pid_t holder, pid_t pasta, struct gb_err *err)
{
	char path[600], text[80];
	holder_file(rt, path, sizeof path);
	snprintf(text, sizeof text, "%d %llu %d\n", (int)holder, gb_proc_starttime(holder),
		 (int)pasta);
	gb_autoclose int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(text);
	if (fd < 0 || gb_write_full(fd, text, len) != (ssize_t)len)
		return gb_err_set(err, errno, "write", "cannot write %s", path);
	return 0;
}

static int open_ns(pid_t holder, int *userns, int *netns, struct gb_err *err)
{
	const char *kinds[] = { "user", "net" };
	int *fds[] = { userns, netns };
	for (int i = 0; i < 2; i++) {
		char path[64];
		if (!fds[i])
			continue;
		snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)holder, kinds[i]);
		*fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (*fds[i] < 0) {
			int r = gb_err_set(err, errno, "open", "cannot open %s", path);
			if (i == 1 && userns)
				close(*userns);
			return r;
		}
	}
	return 0;
}

int gb_net_rootless_open(const struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err)
{
	pid_t h = gb_net_rootless_holder(rt);
	if (!h)
		return gb_err_set(err, ENOENT, "",
				  "the student's network namespace is not running");
	return open_ns(h, userns, netns, err);
}

/* pasta's pid was saved when it started: only a process still named pasta is it. */
static bool is_pasta(pid_t pid)
{
	char path[64];
	gb_autofree char *comm = NULL;
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	return pid > 0 && gb_read_file(path, &comm, NULL) == 0 && strncmp(comm, "pasta", 5) == 0;
}

static void kill_pid(pid_t pid)
{
	if (pid > 0)
		kill(pid, SIGTERM);
}

/* Two commands starting at once must not make two holders: a lock of its own (the
 * networks' store lock may be held by our caller already). */
static int up_lock(const struct gb_runtime *rt)
{
	char path[600];
	gb_path(path, sizeof path, "%s/student-netns.lock", rt->state_root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	while (fd >= 0 && flock(fd, LOCK_EX) < 0 && errno == EINTR)
		;
	return fd;
}

static int up_locked(struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err);

int gb_net_rootless_up(struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err)
{
	gb_autoclose int lock = up_lock(rt);
	if (lock < 0)
		return gb_err_set(err, errno, "open", "cannot lock the student's namespace in %s",
				  rt->state_root);
	return up_locked(rt, userns, netns, err);
}

static int up_locked(struct gb_runtime *rt, int *userns, int *netns, struct gb_err *err)
{
	pid_t h, p;
	if (holder_read(rt, &h, &p) == 0)
		return open_ns(h, userns, netns, err);
	kill_pid(is_pasta(p) ? p : 0); /* a pasta whose holder died */
	int r = holder_start(&h, err);
	/* Without pasta the bridges still join the containers to each other: only the way
	 * out is missing (host-check's rootless.network says why). */
	if (r == 0 && pasta_start(rt, h, &p, NULL) < 0)
		p = 0;
	if (r == 0)
		r = holder_save(rt, h, p, err);
	if (r == 0)
		return open_ns(h, userns, netns, err);
	kill_pid(h);
	return r;
}

void gb_net_rootless_down(const struct gb_runtime *rt)
{
	pid_t h, p;
	char path[600];
	gb_autoclose int lock = up_lock(rt);
	int r = holder_read(rt, &h, &p);
	if (r == -ENOENT)
		return;
	if (h > 0) /* it holds nothing to put away: the kernel frees its namespaces */
		kill(h, SIGKILL);
	/* pasta attached by pid does not watch the namespace: it is told to go. */
	kill_pid(is_pasta(p) ? p : 0);
	holder_file(rt, path, sizeof path);
	unlink(path);
}
