/* config.json's hooks (oci_hooks.h): parsed, kept beside the record, and run as the
 * runtime-spec's lifecycle says, each with the state JSON on its stdin and its output read
 * into our error message (runc's "error running hook" wording), never into the client's
 * pipes. */
#include "oci/oci_hooks.h"
#include "oci/oci_warn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_container.h"
#include "cgroup/cgroupfs.h"
#include "engine/container.h"
#include "engine/steps.h"
#include "ns/ns.h"
#include "ns/userns.h"
#include "security/enter.h"

extern char **environ;

static const char *const kind_names[GB_HOOK_KINDS] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

const char *gb_oci_hook_kind_name(int kind)
{
	return kind >= 0 && kind < GB_HOOK_KINDS ? kind_names[kind] : "?";
}

/* ------------------------------------------------------------ parse, save, load */

static int bad(struct gb_err *err, const char *path, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "config.json: %s %s", path, what);
	gb_err_hint(err, "fix %s in the bundle's config.json (runtime-spec 1.0-1.2)", path);
	return r;
}

static int strv_member(const struct gb_jval *o, const char *key, const char *path, char ***out,
		       struct gb_err *err)
{
	const struct gb_jval *a = gb_jget(o, key);
	*out = NULL;
	if (!a || a->type == GB_JNULL)
		return 0;
	char where[128];
	snprintf(where, sizeof where, "%s.%s", path, key);
	if (a->type != GB_JARR)
		return bad(err, where, "must be an array of strings");
	for (const struct gb_jval *v = a->child; v; v = v->next)
		if (v->type != GB_JSTR)
			return bad(err, where, "must hold only strings");
	*out = gb_jstrv(a);
	return *out ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
}

static int parse_one(const struct gb_jval *o, const char *path, struct gb_oci_hook *hk,
		     struct gb_err *err)
{
	char where[128];
	if (o->type != GB_JOBJ)
		return bad(err, path, "must be an object with a path");
	const struct gb_jval *p = gb_jget(o, "path");
	snprintf(where, sizeof where, "%s.path", path);
	if (!p || p->type != GB_JSTR || p->str[0] != '/')
		return bad(err, where,
			   "must be an absolute path (runtime-spec: path MUST be absolute)");
	if (!(hk->path = strdup(p->str)))
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int r = strv_member(o, "args", path, &hk->args, err);
	if (r == 0)
		r = strv_member(o, "env", path, &hk->env, err);
	const struct gb_jval *t = gb_jget(o, "timeout");
	snprintf(where, sizeof where, "%s.timeout", path);
	if (r == 0 && t && t->type != GB_JNULL) {
		long long v = -1;
		if (t->type != GB_JNUM || gb_jval_int64(t, &v) < 0 || v <= 0 || v > 86400)
			return bad(err, where, "must be a whole number of seconds above 0");
		hk->timeout = (int)v;
	}
	return r;
}

static int parse_kind(const struct gb_jval *arr, int kind, struct gb_oci_hooks *h,
		      struct gb_err *err)
{
	char path[96];
	snprintf(path, sizeof path, "hooks.%s", kind_names[kind]);
	if (arr->type != GB_JARR)
		return bad(err, path, "must be an array");
	h->list[kind] = calloc(arr->n ? arr->n : 1, sizeof *h->list[kind]);
	if (!h->list[kind])
		return gb_err_set(err, ENOMEM, "", "out of memory");
	for (const struct gb_jval *v = arr->child; v; v = v->next) {
		char where[112];
		snprintf(where, sizeof where, "%s[%d]", path, h->n[kind]);
		int r = parse_one(v, where, &h->list[kind][h->n[kind]++], err);
		if (r < 0)
			return r;
	}
	return 0;
}

int gb_oci_hooks_parse(const struct gb_jval *hooks, struct gb_oci_hooks *h, struct gb_err *err)
{
	memset(h, 0, sizeof *h);
	if (!hooks || hooks->type == GB_JNULL)
		return 0;
	if (hooks->type != GB_JOBJ)
		return bad(err, "hooks", "must be an object");
	for (int k = 0; k < GB_HOOK_KINDS; k++) {
		const struct gb_jval *arr = gb_jget(hooks, kind_names[k]);
		int r = arr && arr->type != GB_JNULL ? parse_kind(arr, k, h, err) : 0;
		if (r < 0) {
			gb_oci_hooks_free(h);
			return r;
		}
	}
	return 0;
}

bool gb_oci_hooks_any(const struct gb_oci_hooks *h)
{
	for (int k = 0; k < GB_HOOK_KINDS; k++)
		if (h->n[k])
			return true;
	return false;
}

void gb_oci_hooks_free(struct gb_oci_hooks *h)
{
	for (int k = 0; k < GB_HOOK_KINDS; k++) {
		for (int i = 0; i < h->n[k]; i++) {
			free(h->list[k][i].path);
			gb_strv_free(h->list[k][i].args);
			gb_strv_free(h->list[k][i].env);
		}
		free(h->list[k]);
	}
	memset(h, 0, sizeof *h);
}

static void hook_json(struct gb_json *j, const struct gb_oci_hook *hk)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "path", hk->path);
	if (hk->args)
		gb_json_strv(j, "args", hk->args);
	if (hk->env)
		gb_json_strv(j, "env", hk->env);
	if (hk->timeout)
		gb_json_int(j, "timeout", hk->timeout);
	gb_json_obj_end(j);
}

int gb_oci_hooks_save(const struct gb_oci_hooks *h, const char *path, struct gb_err *err)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	for (int k = 0; k < GB_HOOK_KINDS; k++) {
		if (!h->n[k])
			continue;
		gb_json_arr_begin(&j, kind_names[k]);
		for (int i = 0; i < h->n[k]; i++)
			hook_json(&j, &h->list[k][i]);
		gb_json_arr_end(&j);
	}
	gb_json_obj_end(&j);
	int r = j.failed ? -ENOMEM : gb_write_atomic(path, j.buf, j.len, 0600);
	gb_json_free(&j);
	return r < 0 ? gb_err_set(err, -r, "write", "cannot write %s", path) : 0;
}

int gb_oci_hooks_load(const char *path, struct gb_oci_hooks *h, struct gb_err *err)
{
	char *text = NULL, why[200];
	size_t len = 0;
	memset(h, 0, sizeof *h);
	if (gb_read_file(path, &text, &len) < 0)
		return errno == ENOENT ? 0 : gb_err_set(err, errno, "open", "cannot read %s", path);
	struct gb_jval *v = gb_json_parse(text, len, why, sizeof why);
	free(text);
	if (!v)
		return gb_err_set(err, EINVAL, "", "%s is damaged: %s", path, why);
	int r = gb_oci_hooks_parse(v, h, err);
	gb_jval_free(v);
	return r;
}

/* ------------------------------------------------------------ the state on stdin */

static char *state_json(const struct gb_oci_hook_state *s)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, "ociVersion", "1.0.2");
	gb_json_str(&j, "id", s->id);
	gb_json_str(&j, "status", s->status);
	gb_json_int(&j, "pid", s->pid);
	gb_json_str(&j, "bundle", s->bundle);
	gb_json_obj_begin(&j, "annotations");
	for (size_t i = 0; s->annotations && s->annotations[i]; i++) {
		char key[512];
		size_t k = strcspn(s->annotations[i], "=");
		snprintf(key, sizeof key, "%.*s", (int)k, s->annotations[i]);
		gb_json_str(&j, key, s->annotations[i][k] ? s->annotations[i] + k + 1 : "");
	}
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	if (j.failed) {
		gb_json_free(&j);
		return NULL;
	}
	return j.buf; /* the caller frees it */
}

/* ------------------------------------------------------------ the hook's process */

enum hook_where { IN_RUNTIME, IN_MOUNT_NS, IN_CONTAINER };

static enum hook_where where_of(int kind)
{
	return kind == GB_HOOK_CREATE_CONTAINER	 ? IN_MOUNT_NS
	       : kind == GB_HOOK_START_CONTAINER ? IN_CONTAINER
						 : IN_RUNTIME;
}

/* What the parent's end needs of one running hook. */
struct hook_proc {
	pid_t pid; /* the process-group leader: the hook itself, or its parent inside */
	int pidfd;
	int out, errp, report; /* stdout, stderr, and the child's own failure before exec */
};

/* In the child: what failed before the hook's program ran, for the parent's message. */
__attribute__((noreturn)) static void child_fail(int report, const char *what, int e)
{
	char msg[200];
	int n = snprintf(msg, sizeof msg, "%s: %s", what, strerror(e));
	gb_write_full(report, msg, (size_t)n);
	_exit(e == ENOENT ? 127 : 126);
}

__attribute__((noreturn)) static void child_exec(const struct gb_oci_hook *hk, int exe, int report)
{
	char *const def[] = { hk->path, NULL };
	char *const *argv = hk->args && hk->args[0] ? hk->args : def;
	char *const *envp = hk->env ? hk->env : environ;
	/* By the fd opened in the runtime's namespaces: the path resolves there even after a
	 * setns into the container's mount namespace (runtime-spec: createContainer). */
	if (exe >= 0)
		syscall(SYS_execveat, exe, "", argv, envp, AT_EMPTY_PATH);
	else
		execve(hk->path, argv, envp);
	char what[300];
	snprintf(what, sizeof what, "fork/exec %s", hk->path);
	child_fail(report, what, errno);
}

/* startContainer: inside, as `exec` enters (the cgroup while the host's cgroupfs is in
 * view, then the namespaces, then PID 1's root); one more fork puts the hook into the
 * container's PID namespace, and this process passes on its exit status. */
static void child_enter(const struct gb_state *st, int report)
{
	struct gb_err e = { 0 };
	struct gb_cgroup cg;
	char proc_root[64];
	snprintf(proc_root, sizeof proc_root, "/proc/%d/root", (int)st->pid);
	int root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int pidfd = gb_pidfd_open(st->pid);
	if (root < 0 || pidfd < 0)
		child_fail(report, "cannot reach the container's PID 1", errno);
	if (gb_cgroup_container_open(st, &cg, &e) == 0 && gb_cgroup_exists(&cg))
		gb_cgroup_attach(&cg, getpid(), &e);
	if (gb_ns_join(st->pid, pidfd, &e) < 0 ||
	    (st->cfg.uid_map.n && gb_userns_become_root(&e) < 0))
		child_fail(report, e.msg, e.code);
	if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		child_fail(report, "cannot enter the container's root", errno);
	close(root);
	close(pidfd);
}

__attribute__((noreturn)) static void child_main(const struct gb_oci_hook *hk, enum hook_where w,
						 const struct gb_state *st, const int fds[5])
{
	setpgid(0, 0); /* a group of its own: a timeout kills whatever the hook started */
	gb_signals_default();
	for (int i = 0; i < 3; i++)
		dup2(fds[i], i); /* the state, and our pipes: never the client's stdio */
	int report = fds[3], exe = fds[4];
	/* Nothing else of the runtime's (the client's log file, the state lock...). */
	int keep[] = { report, exe };
	struct gb_err e = { 0 };
	if (gb_enter_close_fds(keep, GB_ARRAY_LEN(keep), false, &e) < 0)
		child_fail(report, e.msg, e.code);
	/* createContainer: PID 1's mount namespace, before its pivot_root (rootless, by its
	 * user namespace first, which the setns needs). */
	if (w == IN_MOUNT_NS && gb_ns_enter_one(st->pid, GB_NS_MNT, &e) < 0)
		child_fail(report, e.msg, e.code);
	if (w != IN_CONTAINER)
		child_exec(hk, exe, report);
	child_enter(st, report);
	pid_t pid = fork();
	if (pid < 0)
		child_fail(report, "fork", errno);
	if (pid == 0)
		child_exec(hk, -1, report); /* the path resolves in the container */
	close(report);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) /* die of the same signal (its default action is back) */
		kill(getpid(), WTERMSIG(status));
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	p[0] = p[1] = -1;
}

/* Pipes for stdin (the state), stdout, stderr and the report; the hook's program and its
 * fd, opened here in the runtime's namespaces. */
static int hook_pipes(int pp[4][2], const char *state, const char *path, struct gb_err *err)
{
	for (int i = 0; i < 4; i++)
		pp[i][0] = pp[i][1] = -1;
	for (int i = 0; i < 4; i++)
		if (pipe2(pp[i], O_CLOEXEC) < 0) {
			int e = errno;
			for (int k = 0; k < 4; k++)
				close_pair(pp[k]);
			return gb_err_set(err, e, "pipe2", "cannot prepare hook %s", path);
		}
	/* The state is small (below a pipe's 64 KiB): written before the fork, then EOF, so
	 * a hook that exits without reading it cannot make us write to a closed pipe. */
	gb_write_full(pp[0][1], state, strlen(state));
	close(pp[0][1]);
	pp[0][1] = -1;
	return 0;
}

static int hook_spawn(const struct gb_oci_hook *hk, enum hook_where w, const struct gb_state *st,
		      const char *state, struct hook_proc *p, struct gb_err *err)
{
	int pp[4][2];
	int r = hook_pipes(pp, state, hk->path, err);
	if (r < 0)
		return r;
	/* Not close-on-exec: a script's interpreter reads it as /dev/fd/N. */
	int exe = w == IN_MOUNT_NS ? open(hk->path, O_PATH) : -1;
	pid_t pid = fork();
	if (pid == 0) {
		int fds[5] = { pp[0][0], pp[1][1], pp[2][1], pp[3][1], exe };
		child_main(hk, w, st, fds);
	}
	int e = errno;
	if (exe >= 0)
		close(exe);
	for (int i = 0; i < 4; i++)
		close(pp[i][i ? 1 : 0]); /* the child's ends */
	if (pid < 0) {
		for (int i = 1; i < 4; i++)
			close(pp[i][0]);
		return gb_err_set(err, e, "fork", "cannot start hook %s", hk->path);
	}
	setpgid(pid, pid); /* as the child does: whichever runs first */
	*p = (struct hook_proc){ pid, gb_pidfd_open(pid), pp[1][0], pp[2][0], pp[3][0] };
	return 0;
}

/* Up to cap bytes of a hook's output are kept for the message; more is read and dropped,
 * so that a chatty hook never blocks on a full pipe. */
struct capture {
	char buf[1024];
	size_t len;
};

static bool drain(int fd, struct capture *c)
{
	char tmp[4096];
	ssize_t n = read(fd, tmp, sizeof tmp);
	if (n <= 0)
		return n < 0 && (errno == EINTR || errno == EAGAIN);
	size_t room = sizeof c->buf - 1 - c->len, k = (size_t)n < room ? (size_t)n : room;
	memcpy(c->buf + c->len, tmp, k);
	c->len += k;
	c->buf[c->len] = '\0';
	return true;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Until the hook's process exits or its timeout: read its output as it comes. Once it
 * has exited, what is still in the pipes is read without waiting for EOF (a daemon the
 * hook left behind may hold them open). Returns false on a timeout. */
static bool supervise(struct hook_proc *p, int timeout, struct capture *out, struct capture *er)
{
	long long deadline = timeout > 0 ? now_ms() + timeout * 1000LL : -1;
	bool open_out = true, open_err = true;
	for (;;) {
		struct pollfd fds[3] = { { p->pidfd, POLLIN, 0 },
					 { open_out ? p->out : -1, POLLIN, 0 },
					 { open_err ? p->errp : -1, POLLIN, 0 } };
		int wait = deadline < 0 ? 1000 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return false;
		int n = poll(fds, 3, wait > 1000 ? 1000 : wait);
		if (n < 0 && errno != EINTR)
			return true;
		if (fds[1].revents)
			open_out = drain(p->out, out);
		if (fds[2].revents)
			open_err = drain(p->errp, er);
		if (fds[0].revents || (p->pidfd < 0 && !open_out && !open_err))
			break; /* exited (without a pidfd: both pipes at EOF) */
	}
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	fcntl(p->errp, F_SETFL, O_NONBLOCK);
	while (drain(p->out, out))
		;
	while (drain(p->errp, er))
		;
	return true;
}

static void proc_close(struct hook_proc *p)
{
	int fds[] = { p->pidfd, p->out, p->errp, p->report };
	for (size_t i = 0; i < GB_ARRAY_LEN(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* One line for the message: newlines become spaces and the end is trimmed. */
static void one_line(struct capture *c)
{
	for (size_t i = 0; i < c->len; i++)
		if (c->buf[i] == '\n' || c->buf[i] == '\r')
			c->buf[i] = ' ';
	while (c->len && c->buf[c->len - 1] == ' ')
		c->buf[--c->len] = '\0';
}

/* The verdict of a finished (or killed) hook in err, runc's words where clients match. */
static int verdict(const struct gb_oci_hook *hk, const char *name, int index, bool in_time,
		   int status, struct hook_proc *p, struct capture *out, struct capture *er,
		   struct gb_err *err)
{
	char report[256] = "";
	ssize_t n = read(p->report, report, sizeof report - 1);
	report[n > 0 ? n : 0] = '\0';
	one_line(out);
	one_line(er);
	if (!in_time)
		return gb_err_set(err, ETIMEDOUT, "",
				  "error running %s hook #%d (%s): hook ran "
				  "past specified timeout of %ds and was killed",
				  name, index, hk->path, hk->timeout);
	if (n > 0)
		return gb_err_set(err, ENOEXEC, "", "error running %s hook #%d: %.300s", name,
				  index, report);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	char how[64];
	if (WIFEXITED(status))
		snprintf(how, sizeof how, "exit status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof how, "signal: %s", strsignal(WTERMSIG(status)));
	return gb_err_set(err, EIO, "",
			  "error running %s hook #%d (%.200s): %s, stdout: %.100s, "
			  "stderr: %.150s",
			  name, index, hk->path, how, out->buf, er->buf);
}

/* oci.hook: which hook ran, where, and how it ended, for the viz and the curious. */
static void emit_hook(struct gb_events *ev, const struct gb_oci_hook *hk, int kind, int index,
		      int r, const struct gb_err *err)
{
	static const char *const where[] = { "runtime", "container mount namespace", "container" };
	if (!ev || (ev->fd < 0 && !ev->listener))
		return;
	struct gb_json j;
	gb_event_begin(ev, &j, "oci.hook");
	gb_json_str(&j, "kind", kind_names[kind]);
	gb_json_int(&j, "index", index);
	gb_json_str(&j, "path", hk->path);
	char *const def[] = { hk->path, NULL };
	gb_json_strv(&j, "args", hk->args && hk->args[0] ? hk->args : def);
	gb_json_str(&j, "where", where[where_of(kind)]);
	gb_json_bool(&j, "ok", r == 0);
	if (r < 0)
		gb_json_str(&j, "error", err->msg);
	gb_event_emit(ev, &j);
}

static int run_one(const struct gb_oci_hook *hk, int kind, int index, const char *state,
		   const struct gb_state *st, struct gb_events *ev, struct gb_err *err)
{
	struct hook_proc p = { .pidfd = -1, .out = -1, .errp = -1, .report = -1 };
	int r = hook_spawn(hk, where_of(kind), st, state, &p, err);
	if (r < 0)
		return r;
	struct capture *out = calloc(1, sizeof *out), *er = calloc(1, sizeof *er);
	bool in_time = out && er ? supervise(&p, hk->timeout, out, er) : true;
	if (!in_time)
		kill(-p.pid, SIGKILL); /* the hook and everything it started */
	int status = 0;
	while (waitpid(p.pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out && er)
		r = verdict(hk, kind_names[kind], index, in_time, status, &p, out, er, err);
	else
		r = gb_err_set(err, ENOMEM, "", "out of memory");
	proc_close(&p);
	free(out);
	free(er);
	emit_hook(ev, hk, kind, index, r, err);
	return r;
}

int gb_oci_hooks_run(const struct gb_oci_hooks *h, int kind, const struct gb_oci_hook_state *s,
		     const struct gb_state *st, struct gb_err *err)
{
	if (!h || kind < 0 || kind >= GB_HOOK_KINDS || !h->n[kind])
		return 0;
	char *state = state_json(s);
	if (!state)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int r = 0;
	for (int i = 0; i < h->n[kind] && r == 0; i++)
		r = run_one(&h->list[kind][i], kind, i, state, st, s->events, err);
	free(state);
	return r;
}

void gb_oci_hooks_run_warn(const struct gb_oci_hooks *h, int kind,
			   const struct gb_oci_hook_state *s)
{
	if (!h || !h->n[kind])
		return;
	char *state = state_json(s);
	for (int i = 0; state && i < h->n[kind]; i++) {
		struct gb_err e = { 0 };
		if (run_one(&h->list[kind][i], kind, i, state, NULL, s->events, &e) == 0)
			continue;
		gb_oci_warn("%s", e.msg);
	}
	free(state);
}

/* ------------------------------------------------------------ create's gate */

/* Before pivot_root: PID 1 has its namespaces and its mounts and waits on the step
 * channel, the point runc's init stops at for its parent to run these hooks. */
static int hook_gate(void *data, const struct gb_step_info *step)
{
	struct gb_oci_hook_gate *g = data;
	if (!g->ran && !strcmp(step->name, "pivot_root")) {
		g->ran = true;
		g->s.pid = g->st->pid;
		static const int kinds[] = { GB_HOOK_PRESTART, GB_HOOK_CREATE_RUNTIME,
					     GB_HOOK_CREATE_CONTAINER };
		for (size_t i = 0; i < GB_ARRAY_LEN(kinds); i++)
			if (gb_oci_hooks_run(g->hooks, kinds[i], &g->s, g->st, &g->err) < 0)
				return -ECANCELED; /* the engine undoes its rows */
	}
	if (!g->prev)
		return 0;
	int r = g->prev(g->prev_data, step);
	if (r == 1)
		g->prev = NULL; /* "run": step mode stops no more; this gate stays */
	return r == 1 ? 0 : r;
}

void gb_oci_hooks_gate_begin(struct gb_oci_hook_gate *g, struct gb_runtime *rt,
			     const struct gb_oci_hooks *h, const struct gb_oci_hook_state *s,
			     const struct gb_state *st)
{
	*g = (struct gb_oci_hook_gate){ .rt = rt,
					.prev = rt->gate,
					.prev_data = rt->gate_data,
					.hooks = h,
					.s = *s,
					.st = st };
	if (!gb_oci_hooks_any(h))
		return;
	rt->gate = hook_gate;
	rt->gate_data = g;
}

int gb_oci_hooks_gate_end(struct gb_oci_hook_gate *g, int r, struct gb_err *err)
{
	if (g->rt->gate == hook_gate) {
		g->rt->gate = g->prev;
		g->rt->gate_data = g->prev_data;
	}
	if (r == 0 || !g->err.code)
		return r;
	*err = g->err;
	gb_err_hint(err, "the hook comes from the bundle's config.json (hooks): fix the program "
			 "it names, or leave it out");
	struct gb_oci_hook_state s = g->s;
	s.status = "stopped";
	s.pid = 0;
	gb_oci_hooks_run_warn(g->hooks, GB_HOOK_POSTSTOP, &s);
	return -err->code;
}
