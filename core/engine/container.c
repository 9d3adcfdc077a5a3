/* Container lifecycle orchestration (container.h): the state machine decides what is
 * legal, the step table does the kernel work, the monitor waits for PID 1 and records
 * how it ended. Lab 01. */
#include "engine/container.h"
#include "engine/health.h"
#include "engine/restart.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup_container.h"
#include "net/net_container.h"
#include "engine/init.h"
#include "storage/diff.h"
#include "ns/ns.h"
#include "engine/observe.h"
#include "engine/pid1.h"
#include "engine/engine.h"
#include "engine/steps.h"
#include "engine/user.h"
#include "storage/volume.h"
#include "base/mutate.h"
#include "tty/attach.h"
#include "tty/tty.h"
#include "security/apparmor.h"
#include "security/enter.h"

int gb_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status); /* as sh reports it */
	return 255;
}

static void launch_init(struct gb_launch *l, struct gb_runtime *rt, struct gb_state *st)
{
	memset(l, 0, sizeof *l);
	l->rt = rt;
	l->st = st;
	l->pidfd = l->sock = -1;
	l->stdio[0] = l->stdio[1] = l->stdio[2] = -1;
	l->tty_master = -1;
	l->exec_gate = -1;
	l->rootless = gb_userns_rootless();
	l->cgroup_delegated = l->rootless && gb_cgroup_container_wanted();
	l->steps = gb_steps_table(&l->nsteps);
}

static int namespace_flags(const struct gb_config *c)
{
	int flags = CLONE_NEWNS;
	if (!c->host_pid)
		flags |= CLONE_NEWPID;
	if (!c->host_uts)
		flags |= CLONE_NEWUTS;
	if (!c->host_ipc)
		flags |= CLONE_NEWIPC;
	if (!c->host_net)
		flags |= CLONE_NEWNET;
	/* With the others in one clone: the kernel makes the user namespace first and it
	 * owns the new ones, so its root may mount, set the host name, bring up lo. */
	if (c->uid_map.n && !c->userns_path[0]) /* OCI: joined by path, not made */
		flags |= CLONE_NEWUSER;
	return flags;
}

/* ------------------------------------------------------------ names */

static void generate_name(const struct gb_runtime *rt, char *out, size_t len)
{
	static const char *const adj[] = { "brave", "calm", "clever", "eager",	"gentle", "happy",
					   "jolly", "keen", "lucid",  "nimble", "quiet",  "swift" };
	static const char *const noun[] = { "clone",   "cgroup",    "inode",   "socket",
					    "overlay", "pivot",	    "reaper",  "signal",
					    "veth",    "namespace", "seccomp", "syscall" };
	/* 144 short names: once a few draws have met taken ones the host is busy, and the
	 * names get a number (144,000 of them). A draw costs a getrandom(2) and one lookup
	 * of the name's link in the index, whatever the number of containers. */
	for (int attempt = 0; attempt < 64; attempt++) {
		char id[GB_ID_LEN + 1];
		gb_random_id(id);
		unsigned v = (unsigned)strtoul(id + 4, NULL, 16);
		if (attempt < 8)
			snprintf(out, len, "%s_%s", adj[v % GB_ARRAY_LEN(adj)],
				 noun[(v / 16) % GB_ARRAY_LEN(noun)]);
		else
			snprintf(out, len, "%s_%s_%u", adj[v % GB_ARRAY_LEN(adj)],
				 noun[(v / 16) % GB_ARRAY_LEN(noun)], v % 1000);
		if (!gb_state_name_linked(rt, out))
			return;
	}
}

/* ------------------------------------------------------------ create */

static void teardown(struct gb_runtime *rt, const struct gb_state *st);

/* The create phase. The steps save the state file once, when it first exists (the name
 * index must never miss a container); what later steps add (the layer's paths, a user
 * namespace's lower dirs) is saved once at the end, or, for `run`, by the start that
 * follows at once (SAVE false). A crash in between loses nothing that rm needs: it
 * removes the container's directories by its id. */
static int create_phase(struct gb_runtime *rt, struct gb_state *st, bool save, struct gb_err *err)
{
	gb_events_set_container(&rt->events, st->cfg.id, st->cfg.name);
	struct gb_launch l;
	launch_init(&l, rt, st);
	int r = gb_steps_run(&l, GB_PHASE_CREATE, err);
	gb_image_free(&l.img);
	if (r == 0 && save && (r = gb_state_save(rt, st, err)) < 0)
		teardown(rt, st); /* the steps are done: undo them as rm does */
	if (r < 0) {
		gb_state_free(st);
		return r;
	}
	gb_event_lifecycle(&rt->events, "none", "created");
	return 0;
}

static int create_container(struct gb_runtime *rt, const struct gb_config *cfg, struct gb_state *st,
			    bool save, struct gb_err *err)
{
	memset(st, 0, sizeof *st);
	struct gb_config resolved = *cfg;
	int r = gb_userns_resolve(&resolved, err); /* rootless: a user namespace, always */
	if (r == 0)
		r = gb_cgroup_container_check(&resolved.limits, err); /* rootless: delegated? */
	if (r < 0)
		return r;
	cfg = &resolved;
	r = gb_runtime_prepare(rt, err);
	if (r < 0)
		return r;
	char init_path[1024];
	if (cfg->init &&
	    (r = gb_init_host_path(rt->share_dir, init_path, sizeof init_path, err)) < 0)
		return r; /* --init without a glassbox-init: say so before anything exists */
	/* The lock makes "is this name free?" and "take it" one step for concurrent CLIs. */
	gb_autoclose int lock = gb_state_lock(rt, err);
	if (lock < 0)
		return lock;
	st->cfg = *cfg;
	st->cfg.cmd = gb_strv_dup(cfg->cmd);
	st->cfg.env = gb_strv_dup(cfg->env);
	st->cfg.entrypoint = cfg->entrypoint ? gb_strv_dup(cfg->entrypoint) : NULL;
	/* networking (core/net/net_container.h) */
	st->cfg.networks = cfg->networks ? gb_strv_dup(cfg->networks) : NULL;
	st->cfg.net_aliases = cfg->net_aliases ? gb_strv_dup(cfg->net_aliases) : NULL;
	st->cfg.publish = cfg->publish ? gb_strv_dup(cfg->publish) : NULL;
	st->cfg.cap_add = cfg->cap_add ? gb_strv_dup(cfg->cap_add) : NULL;
	st->cfg.cap_drop = cfg->cap_drop ? gb_strv_dup(cfg->cap_drop) : NULL;
	st->cfg.health.test = cfg->health.test ? gb_strv_dup(cfg->health.test) : NULL;
	st->cfg.device_cgroup_rules =
		cfg->device_cgroup_rules ? gb_strv_dup(cfg->device_cgroup_rules) : NULL;
	if (!st->cfg.cmd || !st->cfg.env)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	if (!st->cfg.id[0])
		gb_random_id(st->cfg.id);
	if (!st->cfg.name[0]) {
		generate_name(rt, st->cfg.name, sizeof st->cfg.name);
	} else {
		struct gb_state other;
		if (gb_state_find_name(rt, st->cfg.name, &other) == 0) {
			r = gb_err_set(err, EEXIST, "",
				       "the name %s is already in use by container %s",
				       st->cfg.name, other.cfg.id);
			gb_err_hint(err, "remove it (`glassbox rm -f %s`) or choose another --name",
				    st->cfg.name);
			gb_state_free(&other);
			gb_state_free(st);
			return r;
		}
	}
	return create_phase(rt, st, save, err);
}

int gb_container_create(struct gb_runtime *rt, const struct gb_config *cfg, struct gb_state *st,
			struct gb_err *err)
{
	return create_container(rt, cfg, st, true, err);
}

/* ------------------------------------------------------------ the monitor */

static void emit_exit(struct gb_runtime *rt, const struct gb_state *st, int status)
{
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "process.exit");
	gb_json_int(&j, "pid", st->pid);
	gb_json_int(&j, "exit_code", gb_exit_code(status));
	if (WIFEXITED(status))
		gb_json_int(&j, "status", WEXITSTATUS(status));
	if (WIFSIGNALED(status)) {
		gb_json_str(&j, "signal", gb_signal_name(WTERMSIG(status)));
		gb_json_int(&j, "signo", WTERMSIG(status));
		gb_json_bool(&j, "core", WCOREDUMP(status));
	}
	gb_json_bool(&j, "oom_killed", st->oom_killed);
	gb_event_emit(&rt->events, &j);
}

/* The writable layer of a `run --rm` removed by a second thread while this one removes
 * the cgroup dirs and the state: on the data root's disk filesystem each rmdir frees
 * blocks and inodes (~0.1-0.2 ms on ext4 mounted with discard), and the kernel does the
 * two at once on two CPUs (~3% of a start, README "Speed"). Only when nothing can still use the layer: the container had its own PID
 * namespace (PID 1 reaped, so were all its processes, and its mount namespace with the
 * overlay went with them), nobody reads its changes (rootfs.changes), and it is not a
 * rootless one's (removed as its root, userns_rm_rf). */
struct layer_rm {
	pthread_t thread;
	bool running;
	char dir[700];
};

static void *layer_rm_main(void *arg)
{
	gb_rm_rf(((struct layer_rm *)arg)->dir);
	return NULL;
}

static void layer_rm_begin(struct gb_runtime *rt, const struct gb_state *st, struct layer_rm *l)
{
	l->running = false;
	if (!st->cfg.rm || st->cfg.host_pid || (gb_userns_rootless() && st->cfg.uid_map.n) ||
	    rt->events.fd >= 0 || rt->events.listener)
		return;
	if (gb_path(l->dir, sizeof l->dir, "%s/containers/%s", rt->data_root, st->cfg.id) < 0)
		return;
	l->running = pthread_create(&l->thread, NULL, layer_rm_main, l) == 0;
}

static void teardown_with(struct gb_runtime *rt, const struct gb_state *st,
			  struct layer_rm *pending)
{
	/* Mounts need no undo: they lived in the container's mount namespace, which the
	 * kernel destroyed with its last process. What remains on the host is on disk. */
	char dir[700];
	gb_cgroup_container_remove(st); /* kills whatever is still inside (rm -f after a crash) */
	gb_net_container_leave(rt, st); /* leases, veths: gone already is fine */
	gb_path(dir, sizeof dir, "%s/containers/%s", rt->data_root, st->cfg.id);
	/* Rootless: what the container made belongs to its ids; remove it as its root. */
	if (gb_userns_rootless() && st->cfg.uid_map.n)
		gb_userns_rm_rf(dir, &st->cfg.uid_map, &st->cfg.gid_map, NULL);
	if (pending && pending->running)
		pthread_join(pending->thread, NULL);
	gb_rm_rf(dir); /* what the thread left, if anything: nothing to do most times */
	struct gb_err ignored;
	gb_state_remove(rt, st->cfg.id, st->cfg.name, &ignored);
	/* an image's VOLUMEs got anonymous volumes: they go with the container */
	gb_volumes_remove_anon(rt, st->cfg.mounts, st->cfg.nmounts, st->cfg.id);
}

static void teardown(struct gb_runtime *rt, const struct gb_state *st)
{
	teardown_with(rt, st, NULL);
}

/* PID 1 died of SIGKILL and the kernel counted an OOM kill in its cgroup: the OOM
 * killer did it (exit 137 alone could also be `glassbox kill`). Lab 07. */
static void record_oom(struct gb_state *st, int status)
{
	/* Only a SIGKILL can be the OOM killer's: any other end costs no read of the
	 * cgroup's counters (a `run --rm true` reads none). */
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return;
	struct gb_cg_stats cs;
	if (gb_cgroup_container_stats(st, &cs, NULL) == 0 && cs.oom_kills > 0)
		st->oom_killed = true;
}

/* What the container changed in its writable layer, as overlayfs left it in the upper
 * dir: the viz's overlay scene (copy-ups, new files, whiteouts) and lab 11 read it. */
struct changes {
	struct gb_json *j;
	const char *upper;
	int n;
};

static void add_change(void *data, char kind, const char *path)
{
	struct changes *c = data;
	if (c->n++ >= 200)
		return; /* enough for a picture; `glassbox diff` lists them all */
	char full[1200];
	struct stat st;
	snprintf(full, sizeof full, "%s%s", c->upper, path);
	gb_json_obj_begin(c->j, NULL);
	gb_json_str(c->j, "path", path);
	gb_json_str(c->j, "kind", kind == 'A' ? "new" : kind == 'C' ? "copy-up" : "whiteout");
	if (kind != 'D' && lstat(full, &st) == 0 && S_ISREG(st.st_mode))
		gb_json_int(c->j, "size", (long long)st.st_size);
	gb_json_obj_end(c->j);
}

static void emit_rootfs_changes(struct gb_runtime *rt, const struct gb_state *st)
{
	if ((rt->events.fd < 0 && !rt->events.listener) || !st->upper[0])
		return;
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "rootfs.changes");
	gb_json_str(&j, "upper", st->upper);
	gb_json_arr_begin(&j, "changes");
	struct changes c = { &j, st->upper, 0 };
	struct gb_err ignored;
	gb_diff(st->upper, st->lower, add_change, &c, &ignored);
	gb_json_arr_end(&j);
	gb_json_int(&j, "total", c.n);
	gb_event_emit(&rt->events, &j);
}

/* PID 1 exited: record how, as the kernel told waitpid(). */
static void record_exit(struct gb_runtime *rt, struct gb_state *st, int status)
{
	struct gb_state now;
	struct gb_err ignored;
	struct layer_rm layer;
	layer_rm_begin(rt, st, &layer);
	/* Keep what others recorded meanwhile: an OOM kill, which only a SIGKILL can be
	 * (a `run --rm true` reads no state back). */
	bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	if (killed && gb_state_load(rt, st->cfg.id, &now, &ignored) == 0) {
		st->oom_killed |= now.oom_killed;
		gb_state_free(&now);
	}
	record_oom(st, status);
	gb_cgroup_container_remove(st); /* the cgroup lives as long as the container's processes */
	gb_net_container_leave(
		rt, st); /* its address goes back to the network, its name out of /etc/hosts */
	st->n_nets = 0;
	enum gb_status from = st->status;
	st->status = GB_STATUS_STOPPED;
	st->exit_code = gb_exit_code(status);
	st->exit_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	st->exit_core = WIFSIGNALED(status) && WCOREDUMP(status);
	st->finished = gb_wallclock();
	emit_exit(rt, st, status);
	st->pid = 0;
	st->pid_start = 0;
	if (!st->cfg.rm) /* --rm: the state file goes in a moment; no write before that */
		gb_state_save(rt, st, &ignored);
	gb_event_lifecycle(&rt->events, gb_status_name(from), "stopped");
	emit_rootfs_changes(rt, st); /* stopped: the writable layer is still on disk */
	if (st->cfg.rm) {
		teardown_with(rt, st, &layer);
		gb_event_lifecycle(&rt->events, "stopped", "removed");
	}
}

static void forward_signal(struct gb_launch *l, int sfd)
{
	struct signalfd_siginfo si;
	if (read(sfd, &si, sizeof si) != sizeof si)
		return;
	gb_pidfd_send_signal(l->pidfd, (int)si.ssi_signo);
	struct gb_json j;
	gb_event_begin(&l->rt->events, &j, "signal.forwarded");
	gb_json_int(&j, "pid", l->pid);
	gb_json_str(&j, "signal", gb_signal_name((int)si.ssi_signo));
	gb_json_int(&j, "signo", (int)si.ssi_signo);
	gb_event_emit(&l->rt->events, &j);
}

/* Milliseconds until the next resource sample; -1 when nobody samples. */
static int sample_wait_ms(const struct gb_cgroup_container_sampler *s, double next)
{
	if (s->interval_ms < 0)
		return -1;
	double left = (next - gb_monotonic()) * 1000;
	return left <= 0 ? 0 : (int)left + 1;
}

/* Wait for PID 1 to exit without polling: its pidfd becomes readable when it does.
 * With `forward`, signals sent to us are passed on to it, as `docker run` does. */
static int wait_container(struct gb_launch *l, bool forward)
{
	sigset_t set, old;
	sigemptyset(&set);
	int fwd[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	for (size_t i = 0; i < GB_ARRAY_LEN(fwd); i++)
		sigaddset(&set, fwd[i]);
	int sfd = -1;
	if (forward) {
		sigprocmask(SIG_BLOCK, &set, &old);
		sfd = signalfd(-1, &set, SFD_CLOEXEC);
	}
	int status = 0;
	struct gb_net_container_proxy proxy; /* published ports: a thread of this monitor */
	gb_net_container_proxy_start(&proxy, l->rt, l->st, l->pid, l->pub_fds, l->n_pub);
	l->n_pub = 0;
	struct gb_cgroup_container_sampler sampler;
	gb_cgroup_container_sampler_init(&sampler, l->st, l->rt);
	gb_cgroup_container_sample(&sampler, l->rt, l->st);
	struct gb_pid1_watch watch; /* zombies and PID 1's signal handling (lab 13) */
	gb_pid1_watch_init(&watch);
	struct gb_health_probe health; /* the healthcheck: one more fd in the poll (lab 20) */
	gb_health_init(&health, l->st, gb_container_exec);
	double next_sample = gb_monotonic() + sampler.interval_ms / 1000.0;
	for (;;) {
		struct pollfd p[3] = { { l->pidfd, POLLIN, 0 },
				       { sfd, POLLIN, 0 },
				       { gb_health_fd(&health), POLLIN, 0 } };
		int n = poll(p, 3,
			     gb_health_wait_ms(&health, sample_wait_ms(&sampler, next_sample)));
		if (n < 0 && errno != EINTR)
			break;
		if (sampler.interval_ms >= 0 && gb_monotonic() >= next_sample) {
			gb_cgroup_container_sample(&sampler, l->rt, l->st);
			gb_pid1_watch_sample(&watch, &l->rt->events, l->pid);
			next_sample = gb_monotonic() + sampler.interval_ms / 1000.0;
		}
		if (n > 0 && sfd >= 0 && (p[1].revents & POLLIN))
			forward_signal(l, sfd);
		/* PID 1 first: a probe never delays noticing its exit */
		pid_t w = waitpid(l->pid, &status, WNOHANG);
		if (w == l->pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		gb_health_tick(&health, l->rt, l->st);
	}
	gb_health_stop(&health);
	gb_cgroup_container_sample(&sampler, l->rt,
				   l->st); /* last look: an OOM kill that ended it */
	gb_net_container_proxy_stop(&proxy);
	if (forward) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return status;
}

static int start_steps(struct gb_launch *l, struct gb_err *err)
{
	struct gb_state *st = l->st;
	l->clone_flags = namespace_flags(&st->cfg) & ~gb_mutation_clone_flags();
	l->argv = gb_config_argv(&st->cfg);
	if (l->argv && st->cfg.init) {
		/* --init: glassbox-init is PID 1, the command its child (core/engine/init.c). */
		char **with_init = gb_init_argv(l->argv);
		gb_strv_free(l->argv);
		l->argv = with_init;
	}
	if (!l->argv)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	st->monitor = getpid();
	st->monitor_start = gb_proc_starttime(st->monitor);
	st->oom_killed = false;
	/* Compiled here, on the host before clone: the child inherits it in memory. */
	char bpf_cache[700];
	gb_path(bpf_cache, sizeof bpf_cache, "%s/seccomp", l->rt->data_root);
	int r = gb_confine_prepare(&st->cfg, &l->sec, err);
	if (r == 0)
		r = gb_confine_compile(&l->sec, bpf_cache, err);
	if (r == 0)
		r = gb_state_save(l->rt, st, err);
	if (r == 0 && st->cfg.tty) /* -t: the pty starts with the size of our terminal */
		gb_tty_get_size(&l->tty_rows, &l->tty_cols);
	if (r == 0)
		r = gb_steps_run(l, GB_PHASE_START, err);
	if (r < 0) {
		st->monitor = 0;
		st->monitor_start = 0;
		struct gb_err ignored;
		gb_state_save(l->rt, st, &ignored);
		return r;
	}
	enum gb_status from = st->status;
	st->status = GB_STATUS_RUNNING;
	st->started = gb_wallclock();
	st->finished = 0;
	st->exit_code = -1;
	gb_health_reset(st); /* starting, or none (core/engine/health.c) */
	r = gb_state_save(l->rt, st, err);
	gb_event_lifecycle(&l->rt->events, gb_status_name(from), "running");
	if (l->rt->events.fd < 0 && !l->rt->events.listener)
		return r; /* nobody listens: no /proc reads for the events below */
	struct gb_json j;
	gb_event_begin(&l->rt->events, &j, "process.start");
	gb_json_int(&j, "pid", l->pid);
	gb_observe_nspid_json(l->pid, &j, "nspid");
	gb_json_strv(&j, "argv", l->argv);
	gb_event_emit(&l->rt->events, &j);
	/* storage (issue 5): what the kernel says about each volume, bind and tmpfs */
	gb_mounts_emit(l->rt, l->pid, st->cfg.mounts, st->cfg.nmounts);
	return r;
}

static void launch_free(struct gb_launch *l)
{
	gb_confine_free(&l->sec);
	gb_strv_free(l->argv);
	l->argv = NULL;
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->sock >= 0)
		close(l->sock);
	if (l->tty_master >= 0)
		close(l->tty_master);
	l->pidfd = l->sock = l->tty_master = -1;
}

int gb_container_start_gated(struct gb_runtime *rt, struct gb_state *st, int exec_gate,
			     int *tty_master, struct gb_err *err)
{
	struct gb_launch l;
	launch_init(&l, rt, st);
	l.exec_gate = exec_gate;
	int r = start_steps(&l, err);
	*tty_master = l.tty_master; /* -t: the pty's master, handed to the caller */
	l.tty_master = -1;
	if (r == 0) { /* PID 1 waits at its exec: created, with no monitor of ours */
		st->status = GB_STATUS_CREATED;
		st->monitor = 0;
		st->monitor_start = 0;
		st->started = 0;
		r = gb_state_save(rt, st, err);
	}
	launch_free(&l);
	return r;
}

/* ------------------------------------------------------------ stdio (issue 18, tty.h) */

/* How an attached container's stdio reach ours: pipes relayed by threads of this
 * process, or with -t the master of its pty relayed to our terminal (in raw mode). */
struct attach_io {
	struct gb_relay relay;
	bool relay_open;
	int null; /* -t: stdio until the tty row puts the pty's slave there */
	struct gb_pty_relay pty;
	struct gb_term term;
};

static int attach_prepare(struct gb_launch *l, struct attach_io *io, struct gb_err *err)
{
	const struct gb_config *c = &l->st->cfg;
	memset(io, 0, sizeof *io);
	io->pty.stop[0] = io->pty.stop[1] = -1;
	io->term.fd = -1;
	io->null = -1;
	/* --unsafe-pass-terminal: our fds 0-2 as they are. */
	if (c->unsafe_pass_terminal)
		return 0;
	if (c->tty) {
		io->null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (io->null < 0)
			return gb_err_set(err, errno, "open", "cannot open /dev/null");
		l->stdio[0] = l->stdio[1] = l->stdio[2] = io->null;
		return 0;
	}
	int r = gb_relay_open(&io->relay, c->interactive, err);
	if (r < 0)
		return r;
	io->relay_open = true;
	for (int i = 0; i < 3; i++)
		l->stdio[i] = io->relay.child[i];
	return 0;
}

/* The container's command runs: start relaying. in/out: where our side is. */
static int relay_begin(struct attach_io *io, bool interactive, int master, int in, int out,
		       struct gb_err *err)
{
	if (io->relay_open)
		return gb_relay_start(&io->relay, in, out, 2, err);
	if (master < 0)
		return 0;
	io->pty.master = master;
	io->pty.in = interactive ? in : -1;
	io->pty.out = out;
	io->pty.winsize_from = isatty(in) ? in : isatty(out) ? out : -1;
	if (interactive && gb_term_raw(&io->term, in) < 0)
		return gb_err_set(err, errno, "tcsetattr", "cannot put the terminal in raw mode");
	return gb_pty_relay_start(&io->pty, err);
}

static int attach_begin(struct gb_launch *l, struct attach_io *io, int in, int out,
			struct gb_err *err)
{
	return relay_begin(io, l->st->cfg.interactive, l->tty_master, in, out, err);
}

/* PID 1 exited: the last output, then our terminal as it was. */
static void attach_end(struct attach_io *io)
{
	if (io->relay_open)
		gb_relay_finish(&io->relay);
	io->relay_open = false;
	gb_pty_relay_finish(&io->pty);
	gb_term_restore(&io->term);
	if (io->null >= 0)
		close(io->null);
	io->null = -1;
}

static int start_attached(struct gb_runtime *rt, struct gb_state *st, int *exit_code,
			  struct gb_err *err)
{
	struct gb_launch l;
	launch_init(&l, rt, st);
	struct attach_io io;
	int r = attach_prepare(&l, &io, err);
	if (r == 0)
		r = start_steps(&l, err);
	if (r == 0 && (r = attach_begin(&l, &io, 0, 1, err)) < 0)
		gb_pidfd_send_signal(l.pidfd, SIGKILL); /* no way to reach it: do not leave it */
	if (l.pid > 0) {
		int status = wait_container(&l, true);
		attach_end(&io);
		record_exit(rt, st, status);
		*exit_code = gb_exit_code(status);
	}
	attach_end(&io);
	launch_free(&l);
	return r;
}

static int open_log(const struct gb_state *st)
{
	return open(st->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

/* One more life of a container whose PID 1 exited, as its restart policy asks: the same
 * monitor runs the start steps again (new namespaces and cgroup, the same writable
 * layer), after Docker's back-off. Ends when the policy says no, or a stop, kill or rm
 * marked the container (engine/restart.c). */
static int restart_once(struct gb_runtime *rt, struct gb_state *st, int restarts)
{
	struct gb_err err = { 0 };
	struct gb_launch l;
	launch_init(&l, rt, st);
	st->restarts = restarts; /* saved with the running state by the start steps */
	l.stdio[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
	l.stdio[1] = l.stdio[2] = open_log(st);
	int r = l.stdio[0] < 0 || l.stdio[1] < 0 ? -EIO : start_steps(&l, &err);
	struct gb_json j;
	gb_event_begin(&rt->events, &j, r == 0 ? "restart.started" : "restart.failed");
	gb_json_int(&j, "restarts", restarts);
	if (r < 0)
		gb_json_str(&j, "error", err.msg);
	gb_event_emit(&rt->events, &j);
	int status = r == 0 ? wait_container(&l, false) : 0;
	if (r == 0)
		record_exit(rt, st, status);
	close(l.stdio[0]);
	close(l.stdio[1]);
	launch_free(&l);
	return r;
}

static void monitor_restarts(struct gb_runtime *rt, struct gb_state *st)
{
	struct gb_restart policy;
	if (st->cfg.rm || gb_restart_parse(st->cfg.restart, &policy) < 0)
		return;
	for (int n = 0;; n++) {
		bool stopped = gb_restart_was_stopped(rt, st->cfg.id);
		if (!gb_restart_wanted(&policy, st->exit_code, n, stopped))
			return;
		double delay = gb_restart_delay(n, st->finished - st->started);
		struct gb_json j;
		gb_event_begin(&rt->events, &j, "restart.scheduled");
		gb_json_int(&j, "exit_code", st->exit_code);
		gb_json_int(&j, "restarts", n);
		gb_json_double(&j, "delay", delay, 3);
		gb_json_str(&j, "policy", st->cfg.restart);
		gb_event_emit(&rt->events, &j);
		nanosleep(
			&(struct timespec){ (time_t)delay, (long)((delay - (time_t)delay) * 1e9) },
			NULL);
		struct gb_state now;
		struct gb_err ignored;
		if (gb_state_load(rt, st->cfg.id, &now, &ignored) < 0)
			return; /* removed meanwhile */
		enum gb_status status = now.status;
		gb_state_free(&now);
		if (status != GB_STATUS_STOPPED || gb_restart_was_stopped(rt, st->cfg.id))
			return; /* started by someone else, or a stop came during the back-off */
		if (restart_once(rt, st, n + 1) < 0)
			return;
	}
}

/* The monitor of a detached container (the seed's "shim"): the parent of PID 1, so it
 * alone can learn its exit status. Reports the start's outcome on `report`. */
static void monitor_main(struct gb_runtime *rt, struct gb_state *st, int report)
{
	struct gb_err err = { 0 };
	struct gb_launch l;
	launch_init(&l, rt, st);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int log = open_log(st);
	if (null < 0 || log < 0) {
		gb_err_set(&err, errno, "open", "cannot open the container log %s", st->log);
		gb_write_full(report, &err, sizeof err);
		_exit(1);
	}
	l.stdio[0] = null;
	l.stdio[1] = l.stdio[2] = log;
	if (st->cfg.tty && !st->cfg.unsafe_pass_terminal) /* the tty row puts the pty there */
		l.stdio[1] = l.stdio[2] = null;
	int r = start_steps(&l, &err);
	/* -t: the monitor keeps the pty's master: what it prints goes to the log
	 * (`glassbox logs`) and to whoever attaches (`glassbox attach`, `run -it`). */
	struct gb_attach_server srv = { 0 };
	if (r == 0 && l.tty_master >= 0 &&
	    (r = gb_attach_server_start(&srv, rt, st, l.tty_master, log, &err)) < 0)
		gb_pidfd_send_signal(l.pidfd, SIGKILL); /* unreachable: do not leave it running */
	/* Let go of the terminal and of whatever pipe the CLI's caller reads. */
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	gb_write_full(report, &err, sizeof err);
	close(report);
	if (r < 0)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	int status = wait_container(&l, false);
	gb_attach_server_finish(&srv, gb_exit_code(status));
	record_exit(rt, st, status);
	monitor_restarts(rt, st); /* restart policies (lab 20) */
	_exit(0);
}

static int start_detached(struct gb_runtime *rt, struct gb_state *st, struct gb_err *err)
{
	int pipefd[2];
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot create a pipe");
	/* Fork twice: the monitor's parent is then the host's init, not our caller, so a
	 * long-lived caller (a lab check starting many containers) collects no zombies. */
	pid_t mid = fork();
	if (mid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return gb_err_set(err, errno, "fork", "cannot fork the monitor");
	}
	if (mid == 0) {
		close(pipefd[0]);
		setsid();
		pid_t mon = fork();
		if (mon != 0)
			_exit(mon < 0);
		monitor_main(rt, st, pipefd[1]);
	}
	close(pipefd[1]);
	while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
		;
	struct gb_err report;
	ssize_t n = gb_read_full(pipefd[0], &report, sizeof report);
	close(pipefd[0]);
	if (n != (ssize_t)sizeof report)
		return gb_err_set(err, ECHILD, "fork",
				  "the container's monitor process died while starting it");
	if (report.code) {
		*err = report;
		return -report.code;
	}
	return 0;
}

/* A frozen process cannot act on a signal (on v1 not even SIGKILL): stop, kill and
 * rm thaw a paused container first. */
static void thaw_if_paused(struct gb_runtime *rt, struct gb_state *st)
{
	struct gb_cgroup cg;
	if (st->status != GB_STATUS_PAUSED || gb_cgroup_container_open(st, &cg, NULL) < 0)
		return;
	gb_cgroup_thaw(&cg, 2000, NULL);
	st->status = GB_STATUS_RUNNING;
	struct gb_err ignored;
	gb_state_save(rt, st, &ignored);
	gb_event_lifecycle(&rt->events, "paused", "running");
}

int gb_container_load(struct gb_runtime *rt, const char *ref, enum gb_op op, bool force,
		      struct gb_state *st, struct gb_err *err)
{
	int r = gb_state_find(rt, ref, st, err);
	if (r < 0)
		return r;
	gb_state_refresh(rt, st);
	gb_events_set_container(&rt->events, st->cfg.id, st->cfg.name);
	r = gb_lifecycle_check(st->cfg.name, st->status, op, force, err);
	if (r < 0)
		gb_state_free(st);
	return r;
}

int gb_container_start(struct gb_runtime *rt, const char *ref, bool attach, int *exit_code,
		       struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_load(rt, ref, GB_OP_START, false, &st, err);
	if (r != 0)
		return r < 0 ? r : gb_err_set(err, EALREADY, "", "%s", err->msg);
	*exit_code = 0;
	gb_restart_clear_stopped(rt, st.cfg.id); /* a new start: the policy applies again */
	r = attach ? start_attached(rt, &st, exit_code, err) : start_detached(rt, &st, err);
	gb_state_free(&st);
	return r;
}

int gb_container_run(struct gb_runtime *rt, const struct gb_config *cfg, bool attach,
		     int *exit_code, char id_out[GB_ID_LEN + 1], struct gb_err *err)
{
	struct gb_state st;
	int r = create_container(rt, cfg, &st, false, err); /* start_steps saves it next */
	if (r < 0)
		return r;
	snprintf(id_out, GB_ID_LEN + 1, "%s", st.cfg.id);
	*exit_code = 0;
	r = attach ? start_attached(rt, &st, exit_code, err) : start_detached(rt, &st, err);
	if (r < 0) {
		/* A run that did not start leaves nothing behind, not even a created container. */
		teardown(rt, &st);
		gb_event_lifecycle(&rt->events, "created", "removed");
	}
	gb_state_free(&st);
	return r;
}

/* ------------------------------------------------------------ pause, resume */

static void emit_freezer(struct gb_runtime *rt, const char *state)
{
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "freezer");
	gb_json_str(&j, "state", state);
	gb_event_emit(&rt->events, &j);
}

static int set_frozen(struct gb_runtime *rt, const char *ref, bool freeze, struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_load(rt, ref, freeze ? GB_OP_PAUSE : GB_OP_RESUME, false, &st, err);
	if (r < 0)
		return r;
	struct gb_cgroup cg;
	if (r == 0)
		r = gb_cgroup_container_open(&st, &cg, err);
	if (r == 0) {
		if (freeze)
			emit_freezer(rt, "freezing");
		r = freeze ? gb_cgroup_freeze(&cg, 2000, err) : gb_cgroup_thaw(&cg, 2000, err);
	}
	if (r == 0) {
		enum gb_status from = st.status;
		emit_freezer(rt, freeze ? "frozen" : "thawed");
		st.status = freeze ? GB_STATUS_PAUSED : GB_STATUS_RUNNING;
		r = gb_state_save(rt, &st, err);
		gb_event_lifecycle(&rt->events, gb_status_name(from), gb_status_name(st.status));
	} else if (freeze && r < 0) {
		emit_freezer(rt, "thawed");
	}
	gb_state_free(&st);
	return r;
}

int gb_container_pause(struct gb_runtime *rt, const char *ref, struct gb_err *err)
{
	return set_frozen(rt, ref, true, err);
}

int gb_container_resume(struct gb_runtime *rt, const char *ref, struct gb_err *err)
{
	return set_frozen(rt, ref, false, err);
}

/* ------------------------------------------------------------ stop, kill, rm */

/* What PID 1 will do with sig, read from /proc/PID/status before it is sent: the kernel
 * drops a signal that a namespace's init left at its default action. NULL when the
 * container shares the host's pid namespace (its PID 1 is an ordinary process). */
static const char *pid1_fate(const struct gb_state *st, int sig)
{
	struct gb_pid1_status s;
	struct gb_err ignored;
	if (st->cfg.host_pid || gb_pid1_read_status(st->pid, &s, &ignored) < 0)
		return NULL;
	return gb_pid1_fate_name(gb_pid1_fate(&s.sig, sig));
}

static void emit_signal(struct gb_runtime *rt, pid_t pid, int sig, const char *by, const char *fate)
{
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "signal.sent");
	gb_json_int(&j, "pid", pid);
	gb_json_str(&j, "signal", gb_signal_name(sig));
	gb_json_int(&j, "signo", sig);
	gb_json_str(&j, "by", by);
	if (fate)
		gb_json_str(&j, "fate", fate);
	gb_event_emit(&rt->events, &j);
}

/* The grace period is over: SIGKILL to PID 1. In its own pid namespace that is enough,
 * the kernel kills every other process of the namespace when its init dies. With
 * --pid host nothing does that for us: the container's cgroup knows its processes. */
static void kill_everything(struct gb_runtime *rt, const struct gb_state *st, int pidfd)
{
	gb_pidfd_send_signal(pidfd, SIGKILL);
	emit_signal(rt, st->pid, SIGKILL, "grace", "forced");
	struct gb_cgroup cg;
	if (st->cfg.host_pid && gb_cgroup_container_open(st, &cg, NULL) == 0 &&
	    gb_cgroup_exists(&cg))
		gb_cgroup_kill(&cg, 2000, NULL);
}

/* The stop's own account of the exit, as the monitor recorded it in the state. */
static void emit_recorded_exit(struct gb_runtime *rt, const struct gb_state *st, pid_t pid)
{
	if (st->status != GB_STATUS_STOPPED || st->exit_code < 0)
		return;
	struct gb_json j;
	gb_event_begin(&rt->events, &j, "process.exit");
	gb_json_int(&j, "pid", pid);
	gb_json_int(&j, "exit_code", st->exit_code);
	if (st->exit_signal) {
		gb_json_str(&j, "signal", gb_signal_name(st->exit_signal));
		gb_json_int(&j, "signo", st->exit_signal);
		gb_json_bool(&j, "core", st->exit_core);
	} else {
		gb_json_int(&j, "status", st->exit_code);
	}
	gb_json_bool(&j, "oom_killed", st->oom_killed);
	gb_event_emit(&rt->events, &j);
}

/* A pidfd for the container's PID 1, only if it is still the same process. */
static int open_pid1(const struct gb_state *st)
{
	if (st->pid <= 0)
		return -ESRCH;
	int fd = gb_pidfd_open(st->pid);
	if (fd < 0)
		return -errno;
	if (!gb_proc_alive(st->pid, st->pid_start)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static bool wait_pidfd(int fd, int timeout_ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	double end = gb_monotonic() + timeout_ms / 1000.0;
	for (;;) {
		int left = timeout_ms < 0 ? -1 : (int)((end - gb_monotonic()) * 1000);
		if (timeout_ms >= 0 && left < 0)
			left = 0;
		int n = poll(&p, 1, left);
		if (n > 0)
			return true;
		if (n == 0 || errno != EINTR)
			return false;
	}
}

/* After PID 1 died, give its monitor a moment to record the exit status. */
static void wait_monitor(struct gb_runtime *rt, struct gb_state *st)
{
	if (st->monitor > 0 && st->monitor != getpid() &&
	    gb_proc_alive(st->monitor, st->monitor_start)) {
		int fd = gb_pidfd_open(st->monitor);
		if (fd >= 0) {
			wait_pidfd(fd, 5000);
			close(fd);
		}
	}
	struct gb_err ignored;
	struct gb_state now;
	if (gb_state_load(rt, st->cfg.id, &now, &ignored) == 0) {
		gb_state_free(st);
		*st = now;
	}
	gb_state_refresh(rt, st);
}

int gb_container_stop(struct gb_runtime *rt, const char *ref, int timeout, const char *signame,
		      struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_load(rt, ref, GB_OP_STOP, false, &st, err);
	if (r != 0) {
		if (r == 1)
			gb_state_free(&st);
		return r;
	}
	int sig = gb_signal_parse(signame && *signame ? signame : st.cfg.stop_signal);
	if (sig < 0) {
		r = gb_err_set(err, EINVAL, "", "unknown signal %s",
			       signame ? signame : st.cfg.stop_signal);
		gb_err_hint(err, "use a name like SIGTERM or a number like 15");
		gb_state_free(&st);
		return r;
	}
	if (timeout < 0)
		timeout = st.cfg.stop_timeout;
	thaw_if_paused(rt, &st);
	gb_restart_mark_stopped(rt, st.cfg.id); /* no restart policy undoes a stop */
	int fd = open_pid1(&st);
	pid_t pid = st.pid;
	if (fd >= 0) {
		const char *fate = pid1_fate(&st, sig);
		gb_pidfd_send_signal(fd, sig);
		emit_signal(rt, st.pid, sig, "stop", fate);
		struct gb_json j;
		gb_event_begin(&rt->events, &j, "grace.started");
		gb_json_int(&j, "seconds", timeout);
		gb_json_double(&j, "deadline", gb_monotonic() + timeout, 6);
		gb_event_emit(&rt->events, &j);
		if (!wait_pidfd(fd, timeout * 1000)) {
			gb_event_begin(&rt->events, &j, "grace.expired");
			gb_json_int(&j, "seconds", timeout);
			gb_event_emit(&rt->events, &j);
			kill_everything(rt, &st, fd);
			wait_pidfd(fd, 10000);
		}
		close(fd);
	}
	wait_monitor(rt, &st);
	if (fd >= 0)
		emit_recorded_exit(rt, &st, pid);
	gb_state_free(&st);
	return 0;
}

int gb_container_kill(struct gb_runtime *rt, const char *ref, int sig, struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_load(rt, ref, GB_OP_KILL, false, &st, err);
	if (r != 0) {
		if (r == 1)
			gb_state_free(&st);
		return r < 0 ? r : -EINVAL;
	}
	thaw_if_paused(rt, &st);
	if (sig == SIGKILL || sig == gb_signal_parse(st.cfg.stop_signal))
		gb_restart_mark_stopped(rt, st.cfg.id); /* as docker kill: no restart after it */
	int fd = open_pid1(&st);
	if (fd < 0) {
		r = gb_err_set(err, ESRCH, "", "container %s has no running process", st.cfg.name);
	} else {
		const char *fate = pid1_fate(&st, sig);
		if (gb_pidfd_send_signal(fd, sig) < 0)
			r = gb_err_set(err, errno, "pidfd_send_signal", "cannot send %s to PID %d",
				       gb_signal_name(sig), (int)st.pid);
		else
			emit_signal(rt, st.pid, sig, "kill", fate);
		close(fd);
	}
	gb_state_free(&st);
	return r;
}

int gb_container_rm(struct gb_runtime *rt, const char *ref, bool force, struct gb_err *err)
{
	struct gb_state st;
	int r = gb_container_load(rt, ref, GB_OP_RM, force, &st, err);
	if (r != 0) {
		if (r == 1)
			gb_state_free(&st);
		return r < 0 ? r : -EINVAL;
	}
	enum gb_status from = st.status;
	thaw_if_paused(rt, &st);
	gb_restart_mark_stopped(rt, st.cfg.id);
	int fd = open_pid1(&st);
	if (fd >= 0) {
		gb_pidfd_send_signal(fd, SIGKILL);
		emit_signal(rt, st.pid, SIGKILL, "rm", "forced");
		wait_pidfd(fd, 10000);
		close(fd);
		wait_monitor(rt, &st);
	}
	teardown(rt, &st);
	gb_event_lifecycle(&rt->events, gb_status_name(from), "removed");
	gb_state_free(&st);
	return 0;
}

/* ------------------------------------------------------------ exec */

/* exec's stdio (issue 18): the relay's pipe ends or the pty's slave become fds 0-2 of
 * the forked child before it joins anything, so they survive whatever it closes. */
struct exec_io {
	struct attach_io aio;
	bool interactive, tty;
	int master, slave;
};

static int exec_io_prepare(const struct gb_state *st, struct exec_io *x, struct gb_err *err)
{
	memset(&x->aio, 0, sizeof x->aio);
	x->aio.pty.stop[0] = x->aio.pty.stop[1] = -1;
	x->aio.term.fd = -1;
	x->aio.null = -1;
	x->master = x->slave = -1;
	if (st->cfg.unsafe_pass_terminal)
		return 0;
	if (x->tty)
		return gb_tty_open_pty_of(st->pid, &x->master, &x->slave, err);
	int r = gb_relay_open(&x->aio.relay, x->interactive, err);
	x->aio.relay_open = r == 0;
	return r;
}

static void exec_io_child(struct exec_io *x)
{
	for (int fd = 0; fd < 3; fd++) {
		if (x->slave >= 0)
			dup2(x->slave, fd);
		else if (x->aio.relay_open)
			dup2(x->aio.relay.child[fd], fd);
	}
}

/* In the command's process, inside: a session of its own (with -t, the slave on fd 0
 * as its controlling terminal). Not with --unsafe-pass-terminal (lab 16). */
static int exec_session(const struct gb_state *st, struct gb_err *err)
{
	if (st->cfg.unsafe_pass_terminal)
		return 0;
	/* Otherwise fd 0 is a pipe or /dev/null: a terminal there is the -t slave. */
	return gb_tty_exec_session(isatty(0), err);
}

/* Before joining (core/security/enter.h, docs/security.md): not dumpable, so the container's
 * processes cannot open our /proc/PID/{exe,fd,...}; and only the descriptors this child
 * needs (pidfd, report pipe, the container's root) or that are meant for the command
 * (those without close-on-exec) stay open, none of them a directory of the host. */
static int exec_prepare_enter(int pidfd, int report, int root, int trampoline, int pid_report,
			      struct gb_err *err)
{
	int keep[] = { pidfd, report, root, trampoline, pid_report };
	int r = gb_enter_nondumpable(err);
	if (r == 0)
		r = gb_enter_close_fds(keep, GB_ARRAY_LEN(keep), true, err);
	return r;
}

/* Inside the root: the pidfd and the root's directory fd have done their work. */
static void exec_drop_handles(int pidfd, int *root)
{
	if (gb_enter_unsafe())
		return; /* the lab's negative control leaves them for the watcher to find */
	close(pidfd);
	close(*root);
	*root = -1;
}

static void exec_child(const struct gb_state *st, const struct gb_confine *sec, int pidfd,
		       char *const *argv, char *const *env, const char *workdir, const char *user,
		       int report, int trampoline, int pid_report)
{
	struct gb_err err = { 0 };
	/* Joining a mount namespace puts us at its root. That is the container's "/" after
	 * pivot_root, but not under --rootfs-mode chroot (lab 04): take PID 1's own root. */
	char proc_root[64];
	snprintf(proc_root, sizeof proc_root, "/proc/%d/root", (int)st->pid);
	gb_autoclose int root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		gb_err_set(&err, errno, "open", "open(\"%s\") failed", proc_root);
		goto fail;
	}
	if (exec_prepare_enter(pidfd, report, root, trampoline, pid_report, &err) < 0)
		goto fail;
	/* Join the container's cgroup first, while the host's cgroupfs is still in view:
	 * the command then counts against the container's limits, as docker exec does. */
	struct gb_cgroup cg;
	if (gb_cgroup_container_open(st, &cg, &err) == 0 && gb_cgroup_exists(&cg) &&
	    gb_cgroup_attach(&cg, getpid(), &err) < 0)
		goto fail;
	if (gb_cgroup_container_cpuset_attach(st, &err) < 0) /* v1's own cpuset hierarchy */
		goto fail;
	if (gb_ns_join(st->pid, pidfd, &err) < 0)
		goto fail;
	/* Joined its user namespace: our host ids mean nothing there, be its root. */
	if (st->cfg.uid_map.n && gb_userns_become_root(&err) < 0)
		goto fail;
	/* becoming root there made us dumpable again (a uid change resets the flag, and
	 * become_root sets it for PID 1's sake): until execve the container's root, which is
	 * the rootless user, could open our /proc/PID/exe, the host's glassbox (lab 16). */
	if (st->cfg.uid_map.n && gb_enter_nondumpable(&err) < 0)
		goto fail;
	if (fchdir(root) < 0 || chroot(".") < 0) {
		gb_err_set(&err, errno, "chroot", "cannot enter the root of PID %d", (int)st->pid);
		goto fail;
	}
	exec_drop_handles(pidfd, &root);
	/* setns(CLONE_NEWPID) changes the namespace of our children, not ours: fork once
	 * more so the command is a process of the container. */
	pid_t pid = fork();
	if (pid < 0) {
		gb_err_set(&err, errno, "fork", "fork after setns failed");
		goto fail;
	}
	if (pid > 0 && pid_report >= 0) { /* detached (OCI exec): say who, and leave it */
		gb_write_full(pid_report, &pid, sizeof pid);
		_exit(0);
	}
	if (pid > 0) {
		close(report);
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		_exit(gb_exit_code(status));
	}
	gb_signals_default(); /* nothing of the CLI's signal state reaches the command */
	if (exec_session(st, &err) < 0)
		goto fail;
	const char *wd = workdir && *workdir ? workdir : st->cfg.workdir;
	if (chdir(wd) < 0) {
		gb_err_set(&err, errno, "chdir", "chdir(\"%s\") inside the container failed", wd);
		goto fail;
	}
	if (gb_enter_check_cwd(&err) < 0)
		goto fail;
	char exe[4096];
	if (gb_find_exec("", env, argv[0], exe, sizeof exe) < 0) {
		gb_err_set(&err, ENOENT, "", "executable file not found in $PATH: %s", argv[0]);
		goto fail;
	}
	/* The same capabilities, no_new_privs and filter as the container's PID 1: an
	 * exec'd shell must not be a way around them. */
	if (gb_confine_apply_exec(sec, &err) < 0)
		goto fail;
	if (user && *user && gb_user_switch(user, &err) < 0)
		goto fail;
	gb_enter_execve(trampoline, exe, argv, env); /* by the sealed trampoline (enter.h) */
	gb_err_set(&err, errno, "execve", "execve(\"%s\") failed", exe);
fail:
	gb_write_full(report, &err, sizeof err);
	_exit(err.code == ENOENT ? 127 : 126);
}

int gb_container_exec(struct gb_runtime *rt, const char *ref, char *const *argv,
		      char *const *env_extra, const char *workdir, int *exit_code,
		      struct gb_err *err)
{
	return gb_container_exec_as(rt, ref, argv, env_extra, workdir, NULL, exit_code, err);
}

int gb_container_exec_as(struct gb_runtime *rt, const char *ref, char *const *argv,
			 char *const *env_extra, const char *workdir, const char *user,
			 int *exit_code, struct gb_err *err)
{
	struct gb_exec_io io = { 0 };
	return gb_container_exec_io(rt, ref, argv, env_extra, workdir, user, &io, exit_code, err);
}

/* After the fork: relay, wait for the command, relay what is left. */
static int exec_wait(struct exec_io *x, pid_t child, int report, int *exit_code, struct gb_err *err)
{
	int r = relay_begin(&x->aio, x->interactive, x->master, 0, 1, err);
	if (r < 0)
		kill(child, SIGKILL);
	struct gb_err got = { 0 };
	ssize_t n = gb_read_full(report, &got, sizeof got);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	attach_end(&x->aio);
	if (r == 0 && n == (ssize_t)sizeof got && got.code)
		r = (*err = got, -got.code);
	else if (r == 0)
		*exit_code = gb_exit_code(status);
	return r;
}

/* What every exec needs first: the container (running), a pidfd of its PID 1, and its
 * confinement compiled. On failure nothing is left open. */
static int exec_begin(struct gb_runtime *rt, const char *ref, struct gb_state *st, int *fd,
		      struct gb_confine *sec, struct gb_err *err)
{
	int r = gb_container_load(rt, ref, GB_OP_EXEC, false, st, err);
	if (r != 0) {
		if (r == 1)
			gb_state_free(st);
		return r < 0 ? r : -EINVAL;
	}
	*fd = open_pid1(st);
	if (*fd < 0) {
		r = gb_err_set(err, ESRCH, "", "container %s has no running process", st->cfg.name);
		gb_err_hint(err, "`glassbox start %s` starts it again", st->cfg.name);
		gb_state_free(st);
		return r;
	}
	char bpf_cache[700];
	gb_path(bpf_cache, sizeof bpf_cache, "%s/seccomp", rt->data_root);
	r = gb_confine_prepare(&st->cfg, sec, err);
	if (r == 0)
		r = gb_confine_compile(sec, bpf_cache, err);
	if (r < 0) {
		gb_confine_free(sec);
		close(*fd);
		gb_state_free(st);
	}
	return r;
}

int gb_container_exec_io(struct gb_runtime *rt, const char *ref, char *const *argv,
			 char *const *env_extra, const char *workdir, const char *user,
			 const struct gb_exec_io *io, int *exit_code, struct gb_err *err)
{
	if (gb_mutation_fail_exec()) /* test builds only (core/base/mutate.h) */
		return gb_err_set(err, EIO, "exec",
				  "injected failure of exec (GLASSBOX_FAIL_EXEC)");
	struct gb_state st;
	struct gb_confine sec;
	int fd;
	int r = exec_begin(rt, ref, &st, &fd, &sec, err);
	if (r < 0)
		return r;
	/* The container's environment, then -e on top. */
	gb_autostrv char **env = gb_strv_dup(st.cfg.env);
	for (size_t i = 0; env && env_extra && env_extra[i]; i++)
		if (gb_strv_push(&env, env_extra[i]) < 0) { /* never run it with an -e missing */
			gb_strv_free(env);
			env = NULL;
		}
	struct exec_io x = { .interactive = io->interactive, .tty = io->tty };
	int trampoline = -1, pipefd[2];
	r = env ? exec_io_prepare(&st, &x, err) : gb_err_set(err, ENOMEM, "", "out of memory");
	/* The command will be run by the sealed trampoline, made once per runtime (enter.h). */
	if (r == 0 && (trampoline = gb_trampoline_fd(rt, err)) < 0 && !gb_enter_unsafe())
		r = trampoline;
	if (r == 0 && pipe2(pipefd, O_CLOEXEC) < 0)
		r = gb_err_set(err, errno, "pipe2", "cannot prepare exec");
	if (r < 0) {
		if (env) {
			attach_end(&x.aio);
			if (x.master >= 0)
				close(x.master);
			if (x.slave >= 0)
				close(x.slave);
		}
		close(fd);
		gb_confine_free(&sec);
		gb_state_free(&st);
		return r;
	}
	pid_t child = fork();
	if (child == 0) {
		close(pipefd[0]);
		exec_io_child(&x);
		exec_child(&st, &sec, fd, argv, env, workdir, user ? user : st.cfg.user, pipefd[1],
			   trampoline, -1);
	}
	gb_confine_free(&sec);
	close(pipefd[1]);
	close(fd);
	if (x.slave >= 0)
		close(x.slave);
	if (child < 0) {
		r = gb_err_set(err, errno, "fork", "cannot fork");
		attach_end(&x.aio);
	} else {
		r = exec_wait(&x, child, pipefd[0], exit_code, err);
	}
	if (x.master >= 0)
		close(x.master);
	close(pipefd[0]);
	gb_state_free(&st);
	return r;
}

/* OCI exec --detach (core/oci/): the command gets our fds 0-2 as they are and is left to
 * whoever reaps our orphans (the client's shim); *pid is its host PID. */
static int exec_detached_run(struct gb_state *st, const struct gb_confine *sec, int fd,
			     char *const *argv, char *const *env, const char *workdir,
			     const char *user, int trampoline, int slave, pid_t *pid,
			     struct gb_err *err)
{
	int report[2], who[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot prepare exec");
	if (pipe2(who, O_CLOEXEC) < 0) {
		close(report[0]);
		close(report[1]);
		return gb_err_set(err, errno, "pipe2", "cannot prepare exec");
	}
	pid_t child = fork();
	if (child == 0) {
		close(report[0]);
		close(who[0]);
		/* With a terminal the slave is the command's stdio (and, by exec_session, its
		 * controlling terminal); without, our fds 0-2 pass untouched. */
		for (int i = 0; slave >= 0 && i < 3; i++)
			dup2(slave, i);
		exec_child(st, sec, fd, argv, env, workdir, user, report[1], trampoline, who[1]);
	}
	close(report[1]);
	close(who[1]);
	int r = child < 0 ? gb_err_set(err, errno, "fork", "cannot fork") : 0;
	*pid = 0;
	if (r == 0 && read(who[0], pid, sizeof *pid) != sizeof *pid)
		*pid = 0;
	while (child > 0 && waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	struct gb_err child_err;
	/* EOF: the command's exec closed the pipe; a whole gb_err: it failed first. */
	if (r == 0 && read(report[0], &child_err, sizeof child_err) == sizeof child_err) {
		*err = child_err;
		r = -child_err.code;
	} else if (r == 0 && *pid <= 0) {
		r = gb_err_set(err, EIO, "fork", "exec failed before its command started");
	}
	close(report[0]);
	close(who[0]);
	return r;
}

int gb_container_exec_detached(struct gb_runtime *rt, const char *ref, char *const *argv,
			       char *const *env, const char *workdir, const char *user, pid_t *pid,
			       struct gb_err *err)
{
	return gb_container_exec_detached_tty(rt, ref, argv, env, workdir, user, NULL, NULL, pid,
					      err);
}

int gb_container_exec_detached_tty(struct gb_runtime *rt, const char *ref, char *const *argv,
				   char *const *env, const char *workdir, const char *user,
				   const char *apparmor, int *master, pid_t *pid,
				   struct gb_err *err)
{
	struct gb_state st;
	struct gb_confine sec;
	int fd, trampoline = -1, slave = -1;
	if (master)
		*master = -1;
	int r = exec_begin(rt, ref, &st, &fd, &sec, err);
	if (r < 0)
		return r;
	/* OCI: the process's own apparmorProfile in place of the container's (as runc). */
	if (apparmor && apparmor[0] && gb_apparmor_enabled())
		snprintf(sec.apparmor, sizeof sec.apparmor, "%s", apparmor);
	if ((trampoline = gb_trampoline_fd(rt, err)) < 0 && !gb_enter_unsafe())
		r = trampoline;
	/* A pty of the container's own devpts (as docker exec -t with runc): its slave
	 * means the same inside, and the master goes back to the caller. */
	if (r == 0 && master)
		r = gb_tty_open_pty_of(st.pid, master, &slave, err);
	if (r == 0)
		r = exec_detached_run(&st, &sec, fd, argv, env, workdir, user, trampoline, slave,
				      pid, err);
	if (slave >= 0)
		close(slave);
	if (r < 0 && master && *master >= 0) {
		close(*master);
		*master = -1;
	}
	gb_confine_free(&sec);
	close(fd);
	gb_state_free(&st);
	return r;
}

/* ------------------------------------------------------------ inspect */

int gb_container_inspect(struct gb_runtime *rt, const char *ref, struct gb_json *j,
			 struct gb_err *err)
{
	struct gb_state st;
	int r = gb_state_find(rt, ref, &st, err);
	if (r < 0)
		return r;
	gb_state_refresh(rt, &st);
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "id", st.cfg.id);
	gb_json_str(j, "name", st.cfg.name);
	gb_json_str(j, "image", st.cfg.image);
	gb_json_obj_begin(j, "config");
	gb_config_to_json(&st.cfg, j);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "state");
	gb_state_to_json(&st, j);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "observed");
	if ((st.status == GB_STATUS_RUNNING || st.status == GB_STATUS_PAUSED) &&
	    gb_proc_alive(st.pid, st.pid_start)) {
		gb_observe_process_json(st.pid, j);
		if (!st.cfg.host_net) /* interfaces, addresses, routes as seen inside */
			gb_net_container_observe_json(st.pid, j, "net");
		/* Which signals PID 1 catches or ignores, and the zombies it owes a wait(). */
		struct gb_err ignored;
		gb_pid1_json(j, "pid1", st.pid, &ignored);
	}
	struct gb_cgroup cg;
	struct gb_cg_stats cs;
	if (gb_cgroup_container_open(&st, &cg, NULL) == 0 && gb_cgroup_exists(&cg)) {
		gb_cgroup_json(&cg, j, "cgroup"); /* paths, and limits as the kernel reads them */
		if (gb_cgroup_stats(&cg, &cs, NULL) == 0)
			gb_cgroup_stats_json(&cs, j, "resources");
	}
	gb_json_obj_end(j);
	gb_json_obj_end(j);
	gb_state_free(&st);
	return 0;
}
