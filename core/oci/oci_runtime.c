/* The OCI verbs on the engine (oci_runtime.h). A container has two records: glassbox's own
 * state (so `glassbox ps` and `inspect` see it) and STATE_ROOT/oci/ID/record.json, which
 * maps the client's id to it and keeps the bundle; exec.fifo beside it is the gate PID 1
 * waits on between create and start, as runc's is. */
#include "oci/oci_runtime.h"
#include "oci/oci_chain.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "engine/container.h"
#include "ns/ns.h"
#include "ns/userns_join.h"
#include "oci/oci_config.h"
#include "oci/oci_hooks.h"
#include "oci/oci_fds.h"
#include "oci/oci_warn.h"
#include "security/apparmor.h"

bool gb_oci_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 128 || !strcmp(id, ".") || !strcmp(id, ".."))
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-") ==
	       n;
}

static int oci_dir(const struct gb_runtime *rt, const char *id, const char *file, char *out,
		   size_t len)
{
	return gb_path(out, len, "%s/oci/%s%s%s", rt->state_root, id, file[0] ? "/" : "", file);
}

/* What `state` needs besides glassbox's own state. */
struct oci_record {
	char gbid[GB_ID_LEN + 1];
	char bundle[1024];
	char rootfs[1024];
	char created[64];
	char events
		[1024]; /* the org.glassbox.events annotation: where this container's events go */
	char **annotations;
};

static int check_id(const char *id, struct gb_err *err)
{
	if (gb_oci_id_valid(id))
		return 0;
	int r = gb_err_set(err, EINVAL, "", "invalid container id \"%s\"", id);
	gb_err_hint(err, "an id is 1-128 letters, digits and _ . + -");
	return r;
}

static int load_record(const struct gb_runtime *rt, const char *id, struct oci_record *rec,
		       struct gb_err *err)
{
	memset(rec, 0, sizeof *rec);
	char path[1200], *text = NULL, why[200];
	size_t len = 0;
	int r = check_id(id, err);
	if (r < 0)
		return r;
	oci_dir(rt, id, "record.json", path, sizeof path);
	if (gb_read_file(path, &text, &len) < 0)
		return gb_err_set(err, ENOENT, "", "container \"%s\" does not exist", id);
	struct gb_jval *v = gb_json_parse(text, len, why, sizeof why);
	free(text);
	if (!v)
		return gb_err_set(err, EINVAL, "", "%s is damaged: %s", path, why);
	snprintf(rec->gbid, sizeof rec->gbid, "%s", gb_jstr(v, "glassbox_id", ""));
	snprintf(rec->bundle, sizeof rec->bundle, "%s", gb_jstr(v, "bundle", ""));
	snprintf(rec->rootfs, sizeof rec->rootfs, "%s", gb_jstr(v, "rootfs", ""));
	snprintf(rec->created, sizeof rec->created, "%s", gb_jstr(v, "created", ""));
	snprintf(rec->events, sizeof rec->events, "%s", gb_jstr(v, "events", ""));
	const struct gb_jval *a = gb_jget(v, "annotations");
	rec->annotations = a && a->type == GB_JARR ? gb_jstrv(a) : NULL;
	gb_jval_free(v);
	return 0;
}

/* The annotation org.glassbox.events=FILE: the container's events (docs/events.md) go
 * there from every verb, so the viz can follow what the client asked for. */
static char events_dir[512];

void gb_oci_set_events_dir(const char *dir)
{
	snprintf(events_dir, sizeof events_dir, "%s", dir && dir[0] == '/' ? dir : "");
}

/* Else, with a configured directory (--events-dir, e.g. as runtimeArgs in Docker's
 * daemon.json, whose `docker run` sets no annotation): DIR/ID.jsonl. */
static const char *events_path(char **annotations, const char *id)
{
	static const char key[] = GB_OCI_EVENTS_ANNOTATION "=";
	static char in_dir[800];
	for (size_t i = 0; annotations && annotations[i]; i++)
		if (!strncmp(annotations[i], key, sizeof key - 1) &&
		    annotations[i][sizeof key - 1] == '/')
			return annotations[i] + sizeof key - 1;
	if (!events_dir[0])
		return "";
	snprintf(in_dir, sizeof in_dir, "%s/%s.jsonl", events_dir, id);
	return in_dir;
}

/* oci.chain: the processes from the client down to PID 1, as /proc shows them now. */
static void emit_chain(struct gb_runtime *rt, pid_t init_pid)
{
	if (rt->events.fd < 0)
		return;
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "oci.chain");
	gb_oci_chain_json(init_pid, &j);
	gb_event_emit(&rt->events, &j);
}

/* oci.request: which verb the client called, and who the client is (the shim, conmon). */
static void emit_request(struct gb_runtime *rt, const char *events, const char *verb,
			 const char *id, const struct gb_state *st)
{
	struct gb_err ignored = { 0 };
	if (!verb || !events[0] ||
	    (rt->events.fd < 0 && gb_events_open(&rt->events, events, &ignored) < 0))
		return;
	if (st && st->cfg.id[0])
		gb_events_set_container(&rt->events, st->cfg.id, st->cfg.name);
	char comm[64] = "";
	/* Not always our parent: dockerd runs a runtime with runtimeArgs by a script. */
	pid_t caller = gb_oci_caller(comm, sizeof comm);
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "oci.request");
	gb_json_str(&j, "verb", verb);
	gb_json_str(&j, "oci_id", id);
	gb_json_int(&j, "caller_pid", caller);
	gb_json_str(&j, "caller", comm);
	gb_event_emit(&rt->events, &j);
}

static void rfc3339_now(char *out, size_t len)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char base[40];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, len, "%s.%09ldZ", base, ts.tv_nsec);
}

static int save_record(const struct gb_runtime *rt, const char *id, const struct gb_state *st,
		       const char *bundle, char **annotations, struct gb_err *err)
{
	char path[1200], created[64];
	rfc3339_now(created, sizeof created);
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "id", id);
	gb_json_str(&j, "glassbox_id", st->cfg.id);
	gb_json_str(&j, "bundle", bundle);
	gb_json_str(&j, "rootfs", st->cfg.rootfs_dir);
	gb_json_str(&j, "created", created);
	gb_json_str(&j, "events", events_path(annotations, id));
	gb_json_strv(&j, "annotations", annotations);
	gb_json_obj_end(&j);
	oci_dir(rt, id, "record.json", path, sizeof path);
	int r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0600);
	gb_json_free(&j);
	return r < 0 ? gb_err_set(err, -r, "write", "cannot write %s", path) : 0;
}

/* ------------------------------------------------------------ create */

/* For start (startContainer, poststart) and delete (poststop): config.json may be gone by
 * then, and "updates to config.json after create MUST NOT affect the container". */
static int save_hooks(const struct gb_runtime *rt, const char *id, const struct gb_oci_hooks *h,
		      struct gb_err *err)
{
	char path[1200];
	oci_dir(rt, id, "hooks.json", path, sizeof path);
	return gb_oci_hooks_save(h, path, err);
}

static int load_hooks(const struct gb_runtime *rt, const char *id, struct gb_oci_hooks *h,
		      struct gb_err *err)
{
	char path[1200];
	oci_dir(rt, id, "hooks.json", path, sizeof path);
	return gb_oci_hooks_load(path, h, err);
}

/* A namespace given by path: we enter it, and the clone (without that CLONE_NEW* flag)
 * keeps it for PID 1. For a PID namespace setns(2) changes our children's, not ours. */
static int join_namespaces(const struct gb_oci_extra *x, struct gb_err *err)
{
	for (int i = 0; i < x->njoin; i++) {
		int fd = open(x->join[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return gb_err_set(err, errno, "open", "cannot open namespace %s",
					  x->join[i].path);
		int r = setns(fd, x->join[i].nstype);
		int e = errno;
		close(fd);
		if (r < 0)
			return gb_err_set(err, e, "setns", "cannot join namespace %s",
					  x->join[i].path);
	}
	return 0;
}

static int read_config(const char *bundle, struct gb_config *c, struct gb_oci_extra *x,
		       struct gb_err *err)
{
	char path[1200], *text = NULL;
	size_t len = 0;
	gb_path(path, sizeof path, "%s/config.json", bundle);
	if (gb_read_file(path, &text, &len) < 0) {
		int r = gb_err_set(err, errno ? errno : ENOENT, "open", "cannot read %s", path);
		gb_err_hint(err, "--bundle names a directory holding config.json (runc spec "
				 "writes one)");
		return r;
	}
	int r = gb_oci_config_parse(text, len, bundle, c, x, err);
	free(text);
	return r;
}

/* config.json's seccomp becomes a profile file the seccomp module reads like Docker's. */
/* Labels glassbox cannot apply: said, rather than run the container silently without
 * them. An AppArmor profile is applied where the kernel runs AppArmor (the exec row,
 * security/apparmor.h); elsewhere there is nothing to apply it with (Docker sets
 * apparmorProfile only where AppArmor is on). SELinux labels glassbox never applies. */
static void lsm_warnings(const struct gb_oci_extra *x)
{
	if (x->apparmor_profile[0] && !gb_apparmor_enabled())
		gb_oci_warn("process.apparmorProfile \"%s\" is not applied: AppArmor is not "
			    "enabled on this host (/sys/module/apparmor/parameters/enabled)",
			    x->apparmor_profile);
	if (x->selinux_label[0] || x->mount_label[0])
		gb_oci_warn("process.selinuxLabel/linux.mountLabel \"%s\" is not applied: "
			    "glassbox-runc does not apply SELinux labels",
			    x->selinux_label[0] ? x->selinux_label : x->mount_label);
}

static int prepare_config(const struct gb_runtime *rt, const char *id, struct gb_config *c,
			  const struct gb_oci_extra *x, const char *console, struct gb_err *err)
{
	lsm_warnings(x);
	if (x->terminal && !(console && console[0])) {
		int r = gb_err_set(err, EINVAL, "", "process.terminal needs --console-socket");
		gb_err_hint(err, "the pty's master goes to the client through that socket");
		return r;
	}
	/* A user namespace by path: the engine needs its maps (the mapped root's ids). */
	if (c->userns_path[0]) {
		int r = gb_userns_join_maps(c->userns_path, &c->uid_map, &c->gid_map, err);
		if (r < 0)
			return r;
	}
	c->tty = x->terminal; /* the engine's tty row: a pty of the container's own devpts */
	c->preserve_fds = gb_oci_preserve_fds(); /* --preserve-fds (oci_fds.h) */
	snprintf(c->name, sizeof c->name, "%.63s", id);
	if (!gb_name_valid(c->name))
		c->name[0] = '\0'; /* glassbox makes one up */
	snprintf(c->image, sizeof c->image, "oci:%.250s", id);
	if (!x->seccomp_json)
		return 0;
	oci_dir(rt, id, "seccomp.json", c->seccomp, sizeof c->seccomp);
	int r = gb_write_atomic(c->seccomp, x->seccomp_json, strlen(x->seccomp_json), 0600);
	return r < 0 ? gb_err_set(err, -r, "write", "cannot write %s", c->seccomp) : 0;
}

/* process.rlimits and oomScoreAdj, set on this process: PID 1 (or exec's command), cloned
 * from us, inherits both, since the kernel copies a parent's rlimits and oom_score_adj to
 * its child and execve keeps them, as runc's init sets them on itself before its exec. */
static int apply_process_limits(const struct gb_oci_extra *x, struct gb_err *err)
{
	for (int i = 0; i < x->nrlimits; i++) {
		struct rlimit rl = { x->rlimits[i].soft, x->rlimits[i].hard };
		if (setrlimit(x->rlimits[i].resource, &rl) == 0)
			continue;
		int r = gb_err_set(err, errno, "setrlimit",
				   "setrlimit(%d, {%llu, %llu}) of process.rlimits failed: %s",
				   x->rlimits[i].resource, x->rlimits[i].soft, x->rlimits[i].hard,
				   strerror(errno));
		gb_err_hint(err,
			    "raising a hard limit needs CAP_SYS_RESOURCE (runc refuses it "
			    "too); ask for less, e.g. docker/podman --ulimit nofile=1024:1024");
		return r;
	}
	if (!x->has_oom_score_adj)
		return 0;
	char v[16];
	int n = snprintf(v, sizeof v, "%d", x->oom_score_adj);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	int r = fd >= 0 && write(fd, v, (size_t)n) == n ? 0 : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	return r < 0 ? gb_err_set(err, e, "write", "cannot set oom_score_adj to %s", v) : 0;
}

static int write_pid_file(const char *path, pid_t pid, struct gb_err *err)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d", (int)pid); /* no newline, as runc */
	int r = gb_write_atomic(path, buf, (size_t)n, 0644);
	return r < 0 ? gb_err_set(err, -r, "write", "cannot write the pid file %s", path) : 0;
}

/* --console-socket: runc's contract, which the shim and conmon wait for before create
 * returns: one message whose data is the pty's name and whose one SCM_RIGHTS fd is the
 * master. The client relays it; we keep nothing. */
static int send_console(const char *path, int master, struct gb_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof sa.sun_path)
		return gb_err_set(err, ENAMETOOLONG, "connect", "console socket path too long: %s",
				  path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int r = gb_err_set(err, errno, "connect", "cannot connect to the console socket %s",
				   path);
		if (s >= 0)
			close(s);
		return r;
	}
	char name[] = "/dev/ptmx", ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { name, sizeof name - 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &master, sizeof(int));
	ssize_t n = sendmsg(s, &m, MSG_NOSIGNAL);
	int e = errno;
	close(s);
	return n < 0 ? gb_err_set(err, e, "sendmsg", "cannot send the pty to %s", path) : 0;
}

static int create_engine(struct gb_runtime *rt, const char *id, struct gb_config *c,
			 const struct gb_oci_extra *x, const char *console, struct gb_state *st,
			 struct gb_err *err)
{
	char fifo[1200];
	oci_dir(rt, id, "exec.fifo", fifo, sizeof fifo);
	/* 0622, as runc's: PID 1 may have become --user (and lost CAP_DAC_OVERRIDE) before it
	 * opens the fifo; it reaches it through its fd, so the 0700 dir does not stop it. */
	if (mkfifo(fifo, 0600) < 0 || chmod(fifo, 0622) < 0)
		return gb_err_set(err, errno, "mkfifo", "cannot make %s", fifo);
	int gate = open(fifo, O_PATH | O_CLOEXEC);
	if (gate < 0)
		return gb_err_set(err, errno, "open", "cannot open %s", fifo);
	int r = join_namespaces(x, err);
	if (r == 0)
		r = gb_container_create(rt, c, st, err);
	int master = -1;
	if (r == 0) {
		r = gb_container_start_gated(rt, st, gate, &master, err);
		if (r == 0 && master >= 0)
			r = send_console(console, master, err);
		if (master >= 0)
			close(master);
		if (r < 0) {
			struct gb_err ignored = { 0 };
			gb_container_rm(rt, st->cfg.id, true, &ignored);
		}
	}
	close(gate);
	return r;
}

int gb_oci_create(struct gb_runtime *rt, const char *id, const char *bundle, const char *pid_file,
		  const char *console_socket, struct gb_err *err)
{
	char dir[1200], abs_bundle[1024];
	int r = check_id(id, err);
	if (r < 0)
		return r;
	if (!realpath(bundle && bundle[0] ? bundle : ".", abs_bundle))
		return gb_err_set(err, errno, "realpath", "bundle %s does not exist", bundle);
	struct gb_config c;
	struct gb_oci_extra x;
	r = read_config(abs_bundle, &c, &x, err);
	if (r == 0)
		r = gb_runtime_prepare(rt, err);
	gb_path(dir, sizeof dir, "%s/oci", rt->state_root);
	if (r == 0 && mkdir(dir, 0700) < 0 && errno != EEXIST)
		r = gb_err_set(err, errno, "mkdir", "cannot create %s", dir);
	oci_dir(rt, id, "", dir, sizeof dir);
	if (r == 0 && mkdir(dir, 0700) < 0)
		r = errno == EEXIST
			    ? gb_err_set(err, EEXIST, "", "container with id exists: %s", id)
			    : gb_err_set(err, errno, "mkdir", "cannot create %s", dir);
	bool made = r == 0;
	struct gb_state st = { 0 };
	if (r == 0)
		r = prepare_config(rt, id, &c, &x, console_socket, err);
	if (r == 0)
		emit_request(rt, events_path(x.annotations, id), "create", id, NULL);
	if (r == 0)
		r = apply_process_limits(&x, err);
	struct gb_oci_hook_gate hooks;
	struct gb_oci_hook_state hs = { id, "created", abs_bundle, 0, x.annotations, &rt->events };
	gb_oci_hooks_gate_begin(&hooks, rt, &x.hooks, &hs, &st); /* prestart..createContainer */
	if (r == 0)
		r = create_engine(rt, id, &c, &x, console_socket, &st, err);
	r = gb_oci_hooks_gate_end(&hooks, r, err);
	if (r == 0)
		emit_chain(rt, st.pid);
	if (r == 0 && pid_file && pid_file[0])
		r = write_pid_file(pid_file, st.pid, err);
	if (r == 0)
		r = save_record(rt, id, &st, abs_bundle, x.annotations, err);
	if (r == 0 && gb_oci_hooks_any(&x.hooks))
		r = save_hooks(rt, id, &x.hooks, err);
	if (r < 0 && st.pid > 0) {
		struct gb_err ignored = { 0 };
		gb_container_rm(rt, st.cfg.id, true, &ignored);
	}
	if (r < 0 && made)
		gb_rm_rf(dir);
	gb_state_free(&st);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	return r;
}

/* ------------------------------------------------------------ the other verbs */

/* A zombie still has a starttime: the shim has not reaped it yet, but it has exited. */
bool gb_oci_pid1_running(const struct gb_state *st)
{
	char path[64], *text = NULL;
	size_t len = 0;
	if (st->pid <= 0 || !gb_proc_alive(st->pid, st->pid_start))
		return false;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)st->pid);
	if (gb_read_file(path, &text, &len) < 0)
		return false;
	const char *paren = strrchr(text, ')');
	bool zombie = paren && (paren[2] == 'Z' || paren[2] == 'X');
	free(text);
	return !zombie;
}

static const char *status_of(const struct gb_runtime *rt, const char *id, const struct gb_state *st)
{
	char fifo[1200];
	if (!gb_oci_pid1_running(st))
		return "stopped";
	oci_dir(rt, id, "exec.fifo", fifo, sizeof fifo);
	if (access(fifo, F_OK) == 0)
		return "created";
	return st->status == GB_STATUS_PAUSED ? "paused" : "running";
}

static int load_both(struct gb_runtime *rt, const char *verb, const char *id,
		     struct oci_record *rec, struct gb_state *st, struct gb_err *err)
{
	int r = load_record(rt, id, rec, err);
	if (r == 0 && gb_state_load(rt, rec->gbid, st, err) < 0) {
		memset(st, 0, sizeof *st); /* removed behind our back: stopped, nothing to do */
		memset(err, 0, sizeof *err);
	}
	if (r == 0)
		emit_request(rt, rec->events, verb, id, st);
	return r;
}

int gb_oci_load_state(struct gb_runtime *rt, const char *id, const char *verb, struct gb_state *st,
		      struct gb_err *err)
{
	struct oci_record rec;
	int r = load_both(rt, verb, id, &rec, st, err);
	gb_strv_free(rec.annotations);
	return r;
}

/* The fifo's reader end: PID 1, blocked in open(2) for writing, goes on and writes one
 * byte; then it execs, which closes its end (close-on-exec): EOF. No writer within the
 * timeout means PID 1 is gone. */
static int open_gate(const char *fifo, const char *id, struct gb_err *err)
{
	int fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot start container %s: %s", id,
				  errno == ENOENT ? "it was started already" : "no exec fifo");
	char c = 0;
	ssize_t n = -1;
	for (int tries = 0; tries < 100 && n != 1; tries++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 100) > 0)
			n = read(fd, &c, 1);
	}
	/* Until the exec (or PID 1's end), bounded: the runtime-spec's poststart hooks run
	 * "after the user-specified process is executed". */
	for (int tries = 0; n == 1 && tries < 50; tries++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 100) > 0 && read(fd, &c, 1) <= 0)
			break;
	}
	close(fd);
	if (n != 1)
		return gb_err_set(err, EIO, "read", "container %s did not reach its exec", id);
	unlink(fifo);
	return 0;
}

/* A startContainer hook failed: "stop the container, and continue the lifecycle at step
 * 12" (runtime.md): destroyed as delete does, then the poststop hooks. */
static void start_failed(struct gb_runtime *rt, const char *id, const struct gb_state *st,
			 const struct gb_oci_hooks *h, struct gb_oci_hook_state *hs)
{
	struct gb_err ignored = { 0 };
	char dir[1200];
	if (st->cfg.id[0])
		gb_container_rm(rt, st->cfg.id, true, &ignored);
	oci_dir(rt, id, "", dir, sizeof dir);
	gb_rm_rf(dir);
	hs->status = "stopped";
	hs->pid = 0;
	gb_oci_hooks_run_warn(h, GB_HOOK_POSTSTOP, hs);
}

int gb_oci_start(struct gb_runtime *rt, const char *id, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, "start", id, &rec, &st, err);
	if (r < 0)
		return r;
	const char *status = status_of(rt, id, &st);
	char fifo[1200];
	oci_dir(rt, id, "exec.fifo", fifo, sizeof fifo);
	if (strcmp(status, "created"))
		r = gb_err_set(err, EINVAL, "", "cannot start a container that is %s", status);
	struct gb_oci_hooks hooks = { 0 };
	struct gb_oci_hook_state hs = { id,	"created",	 rec.bundle,
					st.pid, rec.annotations, &rt->events };
	if (r == 0)
		r = load_hooks(rt, id, &hooks, err);
	/* Inside the container, before PID 1 may go on to its exec. */
	if (r == 0 && (r = gb_oci_hooks_run(&hooks, GB_HOOK_START_CONTAINER, &hs, &st, err)) < 0)
		start_failed(rt, id, &st, &hooks, &hs);
	else if (r == 0)
		r = open_gate(fifo, id, err);
	if (r == 0) {
		gb_events_set_container(&rt->events, st.cfg.id, st.cfg.name);
		st.status = GB_STATUS_RUNNING;
		st.started = gb_wallclock();
		r = gb_state_save(rt, &st, err);
		gb_event_lifecycle(&rt->events, "created", "running");
		hs.status = "running";
		gb_oci_hooks_run_warn(&hooks, GB_HOOK_POSTSTART, &hs);
	}
	gb_oci_hooks_free(&hooks);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return r;
}

static void annotations_json(struct gb_json *j, char **a)
{
	gb_json_obj_begin(j, "annotations");
	for (size_t i = 0; a && a[i]; i++) {
		char key[512];
		size_t k = strcspn(a[i], "=");
		snprintf(key, sizeof key, "%.*s", (int)k, a[i]);
		gb_json_str(j, key, a[i][k] ? a[i] + k + 1 : "");
	}
	gb_json_obj_end(j);
}

int gb_oci_state(struct gb_runtime *rt, const char *id, struct gb_json *j, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, "state", id, &rec, &st, err);
	if (r < 0)
		return r;
	const char *status = status_of(rt, id, &st);
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "ociVersion", "1.0.2");
	gb_json_str(j, "id", id);
	gb_json_int(j, "pid", strcmp(status, "stopped") ? st.pid : 0);
	gb_json_str(j, "status", status);
	gb_json_str(j, "bundle", rec.bundle);
	gb_json_str(j, "rootfs", rec.rootfs);
	gb_json_str(j, "created", rec.created);
	annotations_json(j, rec.annotations);
	gb_json_str(j, "owner", "");
	gb_json_obj_end(j);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return 0;
}

int gb_oci_kill(struct gb_runtime *rt, const char *id, int sig, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, "kill", id, &rec, &st, err);
	if (r < 0)
		return r;
	if (!gb_oci_pid1_running(&st))
		r = gb_err_set(err, ESRCH, "", "container not running");
	int fd = r == 0 ? gb_pidfd_open(st.pid) : -1;
	if (r == 0 && (fd < 0 || gb_pidfd_send_signal(fd, sig) < 0))
		r = gb_err_set(err, errno, "pidfd_send_signal", "cannot signal container %s", id);
	if (fd >= 0)
		close(fd);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return r;
}

/* exec --process F --detach --pid-file P: the process joins PID 1's namespaces and cgroup
 * with the container's confinement; we exit at once and the shim reaps it. */
static int exec_process(struct gb_runtime *rt, const struct gb_state *st, const char *process,
			const char *pid_file, const char *console, struct gb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	if (gb_read_file(process, &text, &len) < 0)
		return gb_err_set(err, errno ? errno : ENOENT, "open", "cannot read %s", process);
	struct gb_config c;
	struct gb_oci_extra x;
	int r = gb_oci_process_parse(text, len, &c, &x, err);
	free(text);
	if (r == 0 && x.terminal && !(console && console[0]))
		r = gb_err_set(err, EINVAL, "", "process.terminal needs --console-socket");
	if (r == 0)
		lsm_warnings(&x);
	pid_t pid = 0;
	int master = -1;
	if (r == 0)
		r = apply_process_limits(&x, err);
	if (r == 0)
		r = gb_container_exec_detached_tty(rt, st->cfg.id, c.cmd, c.env, c.workdir, c.user,
						   x.apparmor_profile, x.terminal ? &master : NULL,
						   &pid, err);
	/* docker exec -t, podman exec -t: the master to the client, as create does. */
	if (r == 0 && master >= 0)
		r = send_console(console, master, err);
	if (master >= 0)
		close(master);
	if (r == 0 && pid_file && pid_file[0])
		r = write_pid_file(pid_file, pid, err);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	return r;
}

int gb_oci_exec(struct gb_runtime *rt, const char *id, const char *process, const char *pid_file,
		const char *console_socket, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, "exec", id, &rec, &st, err);
	if (r < 0)
		return r;
	if (strcmp(status_of(rt, id, &st), "running"))
		r = gb_err_set(err, EINVAL, "", "cannot exec in a container that is not running");
	if (r == 0)
		r = exec_process(rt, &st, process, pid_file, console_socket, err);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return r;
}

/* pause/resume: the cgroup freezer, as `glassbox pause` (lab 10). */
int gb_oci_pause(struct gb_runtime *rt, const char *id, bool pause, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, pause ? "pause" : "resume", id, &rec, &st, err);
	if (r < 0)
		return r;
	const char *status = status_of(rt, id, &st);
	if (strcmp(status, pause ? "running" : "paused"))
		r = gb_err_set(err, EINVAL, "", "container %s is %s, not %s", id, status,
			       pause ? "running" : "paused");
	if (r == 0)
		r = pause ? gb_container_pause(rt, st.cfg.id, err)
			  : gb_container_resume(rt, st.cfg.id, err);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return r;
}

int gb_oci_delete(struct gb_runtime *rt, const char *id, bool force, struct gb_err *err)
{
	struct oci_record rec;
	struct gb_state st;
	int r = load_both(rt, "delete", id, &rec, &st, err);
	if (r < 0)
		return r;
	const char *status = status_of(rt, id, &st);
	if (!force && (!strcmp(status, "running") || !strcmp(status, "paused")))
		r = gb_err_set(err, EBUSY, "", "cannot delete container %s that is not stopped: %s",
			       id, status);
	struct gb_oci_hooks hooks = { 0 };
	struct gb_err unread = { 0 }; /* a damaged hooks.json must not keep the container */
	if (r == 0)
		load_hooks(rt, id, &hooks, &unread);
	if (r == 0 && st.cfg.id[0]) /* kills a created PID 1; removes cgroup and state */
		r = gb_container_rm(rt, st.cfg.id, true, err);
	char dir[1200];
	oci_dir(rt, id, "", dir, sizeof dir);
	if (r == 0)
		gb_rm_rf(dir);
	/* After the container is deleted, before delete returns (runtime-spec). */
	struct gb_oci_hook_state hs = {
		id, "stopped", rec.bundle, 0, rec.annotations, &rt->events
	};
	if (r == 0)
		gb_oci_hooks_run_warn(&hooks, GB_HOOK_POSTSTOP, &hs);
	gb_oci_hooks_free(&hooks);
	gb_state_free(&st);
	gb_strv_free(rec.annotations);
	return r;
}

char **gb_oci_list(struct gb_runtime *rt)
{
	char dir[700];
	gb_path(dir, sizeof dir, "%s/oci", rt->state_root);
	char **ids = calloc(1, sizeof *ids);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && ids && (e = readdir(d));) {
		if (!gb_oci_id_valid(e->d_name) || e->d_name[0] == '.')
			continue;
		if (gb_strv_push(&ids, e->d_name) < 0)
			break;
	}
	if (d)
		closedir(d);
	return ids;
}
