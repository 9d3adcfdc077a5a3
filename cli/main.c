/* glassbox: run real containers one visible step at a time.
 * This file reads the command line and calls the engine (core/engine/container.h); it is the
 * only place that prints and decides the exit code. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "tty/attach.h"
#include "cli.h"
#include "storage/image.h"
#include "ns/ns.h"
#include "engine/observe.h"
#include "engine/user.h"
#include "state/roots.h"
#include "security/apparmor.h"

#define VERSION "0.1.0"

void cli_error(const struct gb_err *err)
{
	char buf[2048];
	gb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "glassbox: %s\n", buf);
}

static int fail(const struct gb_err *err)
{
	cli_error(err);
	return err->code == ECANCELED || err->code == EINTR ? 130 : 1;
}

/* `run` and `create` exit as `docker run` does when the container never ran: 127 when the
 * command does not exist, 126 when it cannot be executed, 125 for any other refusal (a bad
 * flag, profile, image or mount), so that a script can tell these from the container's own
 * exit codes. 130 after an abort. docs/cli.md lists them. */
static int run_failed(const struct gb_err *err)
{
	cli_error(err);
	return cli_exit_code(err, CLI_EXIT_REFUSED);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "glassbox: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	return 2;
}

static bool is_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

/* ------------------------------------------------------------ run, create, start */

static int setup_run(struct gb_runtime *rt, struct gb_run_args *a, struct gb_err *err)
{
	if (a->events && gb_events_open(&rt->events, a->events, err) < 0)
		return -1;
	if (a->step_fd >= 0) {
		if (fcntl(a->step_fd, F_GETFD) < 0)
			return gb_err_set(err, EBADF, "",
					  "--step-fd %d is not an open file descriptor",
					  a->step_fd);
		static int fd;
		fd = a->step_fd;
		rt->gate = gb_gate_fd;
		rt->gate_data = &fd;
	} else if (a->step) {
		cli_stepper_install(rt, 0);
	}
	cli_interrupt_install();
	return 0;
}

static void run_usage(const char *verb)
{
	printf("usage: glassbox %s [OPTIONS] IMAGE [COMMAND [ARG...]]\n\n", verb);
	printf("%s a container from IMAGE (the built-in image is \"busybox\").\n\n",
	       strcmp(verb, "create") == 0 ? "Create (but do not start)" : "Create and start");
	gb_args_usage();
	printf("\nexample:\n  glassbox %s --name web -m 64m busybox sleep 60\n", verb);
}

/* --network host is a real loss of isolation: say what it gives away, every time. */
static void warn_host_network(const struct gb_config *c)
{
	if (!c->host_net)
		return;
	fprintf(stderr,
		"glassbox: warning: --network host: the container shares the host's network "
		"namespace. It sees every host interface, can bind any host port, can reach "
		"services "
		"listening on the host's 127.0.0.1, and as root (CAP_NET_ADMIN) can change the "
		"host's "
		"addresses, routes and firewall.\n");
}

/* --security-opt apparmor=PROFILE where the kernel has no AppArmor: nothing can apply it;
 * the container runs, and this says so every time (unconfined is what it gets anyway). */
static void warn_apparmor(const struct gb_config *c)
{
	if (!c->apparmor[0] || strcmp(c->apparmor, "unconfined") == 0 || gb_apparmor_enabled())
		return;
	fprintf(stderr,
		"glassbox: warning: --security-opt apparmor=%s is not applied: AppArmor is not "
		"enabled on this host (/sys/module/apparmor/parameters/enabled)\n",
		c->apparmor);
}

/* run -t (issue 18): as Docker does, the container runs under its monitor, which keeps
 * the pty, and we attach to it: the detach keys leave it running. */
static int run_terminal(struct gb_runtime *rt, struct gb_run_args *a, int *code, struct gb_err *err)
{
	char id[GB_ID_LEN + 1];
	a->cfg.attach_pending = true;
	int r = gb_container_run(rt, &a->cfg, false, code, id, err);
	if (r < 0)
		return r;
	struct gb_attach_opts o = { a->detach_keys, a->cfg.interactive ? 0 : -1, 1, true };
	bool detached = false;
	r = gb_attach(rt, id, &o, code, &detached, err);
	if (r == 0 && detached)
		*code = 0;
	return r;
}

static int cmd_run(struct gb_runtime *rt, int argc, char **argv, bool create_only)
{
	if (is_help(argc, argv) && (argc < 1 || argv[0][0] == '-')) {
		run_usage(create_only ? "create" : "run");
		return 0;
	}
	struct gb_run_args a;
	struct gb_err err = { 0 };
	int r = gb_args_parse_run(argc, argv, create_only, &a, &err);
	if (r == 0 && !a.quiet)
		warn_host_network(&a.cfg);
	if (r == 0)
		warn_apparmor(&a.cfg);
	if (r == 0)
		r = setup_run(rt, &a, &err);
	if (r == 0 && a.pull != GB_PULL_NEVER) /* cli/push.c: "Unable to find image locally" */
		r = cli_pull_missing(rt, a.cfg.image, a.pull == GB_PULL_ALWAYS, &err);
	if (r < 0) { /* a refusal before the container starts: 125, as docker run (docs/cli.md) */
		gb_args_free(&a);
		return run_failed(&err);
	}
	int code = 0;
	if (create_only) {
		struct gb_state st;
		r = gb_container_create(rt, &a.cfg, &st, &err);
		if (r == 0) {
			printf("%s\n", st.cfg.id);
			gb_state_free(&st);
		}
	} else if (a.cfg.tty && !a.detach && !a.cfg.unsafe_pass_terminal) {
		r = run_terminal(rt, &a, &code, &err);
	} else {
		char id[GB_ID_LEN + 1];
		r = gb_container_run(rt, &a.cfg, !a.detach, &code, id, &err);
		if (r == 0 && a.detach && !a.quiet)
			printf("%s\n", id);
	}
	gb_args_free(&a);
	if (r < 0)
		return run_failed(&err);
	return code;
}

static int cmd_start(struct gb_runtime *rt, int argc, char **argv)
{
	bool attach = false;
	struct gb_run_args a = { .step_fd = -1 };
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--attach"))
			attach = true;
		else if (!strcmp(argv[i], "--step"))
			a.step = true;
		else if (!strcmp(argv[i], "--step-fd") && i + 1 < argc)
			a.step_fd = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--events") && i + 1 < argc)
			a.events = argv[++i];
		else
			return usage_error("start: unknown option %s (try -a, --step, --events)",
					   argv[i]);
	}
	if (i >= argc)
		return usage_error("%s", "start: name the container: glassbox start NAME");
	struct gb_err err = { 0 };
	if (setup_run(rt, &a, &err) < 0)
		return fail(&err);
	int status = 0;
	for (; i < argc; i++) {
		int code = 0;
		if (gb_container_start(rt, argv[i], attach, &code, &err) < 0) {
			status = attach ? run_failed(&err) : fail(&err);
			continue;
		}
		if (attach)
			status = code;
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

/* ------------------------------------------------------------ stop, kill, rm */

/* `--events FILE|fd:N` for stop and kill: signal.sent, grace.*, process.exit. */
static int open_events(struct gb_runtime *rt, const char *spec)
{
	struct gb_err err = { 0 };
	if (gb_events_open(&rt->events, spec, &err) < 0)
		return fail(&err);
	return 0;
}

static int cmd_stop(struct gb_runtime *rt, int argc, char **argv)
{
	int timeout = -1, i = 0;
	const char *sig = NULL;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-t") || !strcmp(argv[i], "--time")) && i + 1 < argc) {
			if (gb_args_parse_seconds(argv[++i], &timeout) < 0)
				return usage_error("stop: -t takes whole seconds, got '%s'",
						   argv[i]);
		} else if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--signal")) &&
			   i + 1 < argc) {
			sig = argv[++i];
			if (gb_signal_parse(sig) < 0)
				return usage_error("stop: unknown signal '%s' (e.g. SIGTERM, 15)",
						   sig);
		} else if (!strcmp(argv[i], "--events") && i + 1 < argc) {
			if (open_events(rt, argv[++i]) != 0)
				return 1;
		} else {
			return usage_error("stop: unknown option %s (try -t SECONDS, -s SIGNAL, "
					   "--events FILE)",
					   argv[i]);
		}
	}
	if (i >= argc)
		return usage_error("%s",
				   "stop: name the container: glassbox stop [-t SECONDS] NAME");
	int status = 0;
	for (; i < argc; i++) {
		struct gb_err err = { 0 };
		int r = gb_container_stop(rt, argv[i], timeout, sig, &err);
		if (r < 0)
			status = fail(&err);
		else if (r == 1)
			printf("%s: nothing to do: %s\n", argv[i], err.msg);
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

static int cmd_kill(struct gb_runtime *rt, int argc, char **argv)
{
	int sig = SIGKILL, i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--signal")) && i + 1 < argc) {
			sig = gb_signal_parse(argv[++i]);
			if (sig < 0)
				return usage_error("kill: unknown signal '%s' (e.g. SIGTERM, 15)",
						   argv[i]);
		} else if (!strcmp(argv[i], "--events") && i + 1 < argc) {
			if (open_events(rt, argv[++i]) != 0)
				return 1;
		} else {
			return usage_error("kill: unknown option %s (try -s SIGNAL)", argv[i]);
		}
	}
	if (i >= argc)
		return usage_error(
			"%s", "kill: name the container: glassbox kill [-s SIGNAL] NAME [SIGNAL]");
	/* `glassbox kill NAME SIGNAL` as the issue's users write it. */
	if (argc - i == 2 && gb_signal_parse(argv[i + 1]) > 0) {
		sig = gb_signal_parse(argv[i + 1]);
		argc--;
	}
	int status = 0;
	for (; i < argc; i++) {
		struct gb_err err = { 0 };
		if (gb_container_kill(rt, argv[i], sig, &err) < 0)
			status = fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

static int cmd_rm(struct gb_runtime *rt, int argc, char **argv)
{
	bool force = false;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force"))
			force = true;
		else
			return usage_error("rm: unknown option %s (try -f)", argv[i]);
	}
	if (i >= argc)
		return usage_error("%s", "rm: name the container: glassbox rm [-f] NAME");
	int status = 0;
	for (; i < argc; i++) {
		struct gb_err err = { 0 };
		if (gb_container_rm(rt, argv[i], force, &err) < 0)
			status = fail(&err);
		else
			printf("%s\n", argv[i]);
	}
	return status;
}

/* ------------------------------------------------------------ ps, logs, inspect, exec */

static void ago(double t, char *buf, size_t len)
{
	double d = gb_wallclock() - t;
	if (t <= 0)
		snprintf(buf, len, "-");
	else if (d < 60)
		snprintf(buf, len, "%d seconds ago", (int)d);
	else if (d < 3600)
		snprintf(buf, len, "%d minutes ago", (int)(d / 60));
	else if (d < 86400)
		snprintf(buf, len, "%d hours ago", (int)(d / 3600));
	else
		snprintf(buf, len, "%d days ago", (int)(d / 86400));
}

static void ps_json(struct gb_state *list, size_t n, bool all)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_arr_begin(&j, NULL);
	for (size_t i = 0; i < n; i++) {
		struct gb_state *st = &list[i];
		bool live = st->status == GB_STATUS_RUNNING || st->status == GB_STATUS_PAUSED;
		if (!all && !live)
			continue;
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "id", st->cfg.id);
		gb_json_str(&j, "name", st->cfg.name);
		gb_json_str(&j, "image", st->cfg.image);
		gb_json_strv(&j, "command", st->cfg.cmd);
		gb_state_to_json(st, &j);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	printf("%s\n", j.buf ? j.buf : "[]");
	gb_json_free(&j);
}

static int cmd_ps(struct gb_runtime *rt, int argc, char **argv)
{
	bool all = false, json = false, quiet = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (argv[i][0] == '-' && argv[i][1] &&
			 strspn(argv[i] + 1, "aq") == strlen(argv[i] + 1)) {
			all |= strchr(argv[i], 'a') != NULL; /* -a, -q, -aq, -qa */
			quiet |= strchr(argv[i], 'q') != NULL;
		} else
			return usage_error("ps: unknown option %s (try -a, -q, --json)", argv[i]);
	}
	struct gb_state *list;
	size_t n;
	struct gb_err err = { 0 };
	if (gb_state_list(rt, &list, &n, &err) < 0)
		return fail(&err);
	for (size_t i = 0; i < n; i++)
		gb_state_refresh(rt, &list[i]);
	if (json) {
		ps_json(list, n, all);
	} else {
		if (!quiet)
			printf("%-12s  %-20s  %-10s  %-24s  %-8s  %-8s  %s\n", "CONTAINER ID",
			       "NAME", "IMAGE", "COMMAND", "STATE", "PID", "STATUS");
		for (size_t i = 0; i < n; i++) {
			struct gb_state *st = &list[i];
			bool live =
				st->status == GB_STATUS_RUNNING || st->status == GB_STATUS_PAUSED;
			if (!all && !live)
				continue;
			if (quiet) {
				printf("%s\n", st->cfg.id);
				continue;
			}
			char cmd[256], status[64], when[32], pid[16];
			gb_autostrv char **argv2 = gb_config_argv(&st->cfg);
			gb_strv_join(argv2, cmd, sizeof cmd);
			if (strlen(cmd) > 24)
				strcpy(cmd + 21, "...");
			if (st->status == GB_STATUS_STOPPED) {
				ago(st->finished, when, sizeof when);
				snprintf(status, sizeof status, "Exited (%d) %s", st->exit_code,
					 when);
			} else if (live) {
				ago(st->started, when, sizeof when);
				snprintf(status, sizeof status, "Up %s", when);
				if (strstr(status, " ago"))
					*strstr(status, " ago") = '\0';
				if (st->health[0] && st->status == GB_STATUS_RUNNING)
					snprintf(
						status + strlen(status),
						sizeof status - strlen(status), " (%s)",
						st->health); /* as Docker's ps: Up 3 seconds (healthy) */
			} else {
				ago(st->created, when, sizeof when);
				snprintf(status, sizeof status, "Created %s", when);
			}
			snprintf(pid, sizeof pid, "%d", (int)st->pid);
			printf("%-12s  %-20s  %-10s  %-24s  %-8s  %-8s  %s\n", st->cfg.id,
			       st->cfg.name, st->cfg.image, cmd, gb_status_name(st->status),
			       live ? pid : "-", status);
		}
	}
	gb_state_list_free(list, n);
	return 0;
}

/* Copy what the log has beyond where fd stands. */
static void drain(int fd)
{
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	fflush(stdout);
}

/* `logs -f`: the log so far, then what the monitor appends, until PID 1 exits. No
 * polling loop: inotify says when the file grew, the pidfd when the container ended. */
static int follow_log(const struct gb_state *st, int fd)
{
	gb_autoclose int in = inotify_init1(IN_CLOEXEC);
	gb_autoclose int pfd = gb_proc_alive(st->pid, st->pid_start) ? gb_pidfd_open(st->pid) : -1;
	if (in < 0 || inotify_add_watch(in, st->log, IN_MODIFY) < 0)
		return -errno;
	drain(fd);
	while (pfd >= 0) {
		struct pollfd p[2] = { { in, POLLIN, 0 }, { pfd, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (p[0].revents & POLLIN) {
			char ev[4096];
			if (read(in, ev, sizeof ev) < 0 && errno != EAGAIN)
				return -errno;
		}
		drain(fd);
		if (p[1].revents & POLLIN)
			break; /* PID 1 exited: what it wrote is in the file now */
	}
	drain(fd);
	return 0;
}

static int cmd_logs(struct gb_runtime *rt, int argc, char **argv)
{
	bool follow = false;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
			follow = true;
		else
			return usage_error("logs: unknown option %s (try -f)", argv[i]);
	}
	if (argc - i != 1)
		return usage_error("%s", "logs: name one container: glassbox logs [-f] NAME");
	struct gb_state st;
	struct gb_err err = { 0 };
	if (gb_state_find(rt, argv[i], &st, &err) < 0)
		return fail(&err);
	gb_state_refresh(rt, &st);
	gb_autoclose int fd = open(st.log, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? -errno : 0;
	if (r == -ENOENT)
		fprintf(stderr,
			"glassbox: %s has no log: it ran attached, so its output went to the "
			"terminal\n",
			st.cfg.name);
	else if (r < 0)
		fprintf(stderr, "glassbox: cannot read %s: %s\n", st.log, strerror(-r));
	else if (follow)
		r = follow_log(&st, fd);
	else
		drain(fd);
	if (r < 0 && r != -ENOENT && fd >= 0)
		fprintf(stderr, "glassbox: cannot follow %s: %s\n", st.log, strerror(-r));
	gb_state_free(&st);
	return r < 0 && r != -ENOENT ? 1 : 0;
}

/* `glassbox top NAME`: the container's processes as the host sees them, each with the PID
 * its own namespace gives it (the last NSpid field) beside its host PID: one process,
 * two numbers (lab 02). */
static void top_row(pid_t pid)
{
	char nspid[64] = "", state[32] = "", uid[64] = "", path[64];
	gb_observe_status_field(pid, "NSpid", nspid, sizeof nspid);
	gb_observe_status_field(pid, "State", state, sizeof state);
	gb_observe_status_field(pid, "Uid", uid, sizeof uid);
	const char *inside = strrchr(nspid, '\t') ? strrchr(nspid, '\t') + 1 : nspid;
	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	gb_autofree char *cmd = NULL;
	size_t len = 0;
	if (gb_read_file(path, &cmd, &len) == 0)
		for (size_t k = 0; k + 1 < len; k++)
			if (cmd[k] == '\0')
				cmd[k] = ' '; /* arguments are NUL-separated */
	printf("%-9d %-9s %-6.*s %-6.*s %s\n", (int)pid, inside, 1, state, (int)strcspn(uid, "\t"),
	       uid, cmd && *cmd ? cmd : "[zombie]");
}

static int cmd_top(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc != 1)
		return usage_error("%s", "top: name one container: glassbox top NAME");
	struct gb_state st;
	struct gb_err err = { 0 };
	int r = gb_container_load(rt, argv[0], GB_OP_EXEC, false, &st, &err);
	if (r < 0)
		return fail(&err);
	struct gb_ns_ids ns, self;
	gb_ns_read(st.pid, &ns);
	gb_ns_read(0, &self);
	if (ns.ino[GB_NS_PID] == self.ino[GB_NS_PID])
		printf("(it shares the host's PID namespace: every host process is in it; showing "
		       "its PID 1 only)\n");
	printf("%-9s %-9s %-6s %-6s %s\n", "HOST PID", "PID", "STATE", "UID", "COMMAND");
	DIR *d = opendir("/proc");
	struct dirent *de;
	while (d && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		struct gb_ns_ids p;
		gb_ns_read((pid_t)pid, &p);
		/* the container's processes: those whose PID namespace is its PID 1's */
		if (p.ino[GB_NS_PID] == ns.ino[GB_NS_PID] &&
		    (ns.ino[GB_NS_PID] != self.ino[GB_NS_PID] || pid == st.pid))
			top_row((pid_t)pid);
	}
	if (d)
		closedir(d);
	gb_state_free(&st);
	return 0;
}

static void print_names(const char *label, const struct gb_jval *arr)
{
	printf("  %-12s", label);
	if (!arr || !arr->child)
		printf(" (none)");
	for (const struct gb_jval *e = arr ? arr->child : NULL; e; e = e->next)
		printf(" %s", e->str);
	printf("\n");
}

/* PID 1's signal handling and its zombies: lab 13. */
static void print_pid1(const struct gb_jval *p)
{
	if (!p)
		return;
	static const struct {
		const char *fate, *why;
	} whys[] = {
		{ "dropped", " (no handler: the kernel drops it for PID 1; a stop waits the grace "
			     "period, then SIGKILL)" },
		{ "blocked",
		  " (queued for signalfd/sigwait, as glassbox-init reads and forwards it)" },
		{ "caught", " (a handler runs: a stop can be quick)" },
		{ "ignored", " (SIG_IGN: a stop waits the grace period, then SIGKILL)" },
	};
	const char *fate = gb_jstr(p, "sigterm", "?"), *why = "";
	for (size_t i = 0; i < GB_ARRAY_LEN(whys); i++)
		if (strcmp(fate, whys[i].fate) == 0)
			why = whys[i].why;
	printf("  PID 1        %s: SIGTERM is %s%s\n", gb_jstr(p, "name", "?"), fate, why);
	print_names("  caught", gb_jget(p, "caught"));
	print_names("  ignored", gb_jget(p, "ignored"));
	const struct gb_jval *z = gb_jget(p, "zombies");
	if (!z)
		return;
	printf("  zombies      %lld", gb_jint(z, "count", 0));
	const struct gb_jval *pids = gb_jget(z, "pids");
	for (const struct gb_jval *e = pids ? pids->child : NULL; e; e = e->next)
		printf("%s%lld", e == pids->child ? " (pids " : " ", gb_jval_int(e, 0));
	printf("%s\n", pids && pids->child ? ")" : "");
}

/* One limit as the kernel reads it back: -1 is "max" (none). */
static void print_limit(const char *label, long long v, const char *unit)
{
	if (v < 0)
		printf("               %-13s unlimited\n", label);
	else if (!strcmp(unit, "bytes"))
		printf("               %-13s %lld bytes (%.1f MiB)\n", label, v, v / 1048576.0);
	else
		printf("               %-13s %lld%s\n", label, v, unit);
}

/* The cgroup layout (a directory per controller, or one unified one) and the limits read
 * back from its files: what the kernel enforces, not what was asked (lab 07). */
static void print_cgroup(const struct gb_jval *cg)
{
	if (!cg)
		return;
	printf("  cgroupfs     %s layout\n", gb_jstr(cg, "layout", "?"));
	const struct gb_jval *p = gb_jget(cg, "paths");
	for (const struct gb_jval *e = p ? p->child : NULL; e; e = e->next)
		printf("               %-13s %s\n", e->key, e->str ? e->str : "");
	const struct gb_jval *l = gb_jget(cg, "limits");
	if (!l)
		return;
	printf("  limits       (read back from the cgroup's files)\n");
	print_limit("memory", gb_jint(l, "memory", -1), "bytes");
	print_limit("memory+swap", gb_jint(l, "memory_swap", -1), "bytes");
	long long q = gb_jint(l, "cpu_quota_us", -1), per = gb_jint(l, "cpu_period_us", 0);
	if (q >= 0 && per > 0)
		printf("               %-13s %lld us per %lld us = %.2f CPUs\n", "cpu quota", q,
		       per, (double)q / per);
	else
		print_limit("cpu quota", -1, "");
	if (gb_jget(l, "cpu_shares"))
		print_limit("cpu shares", gb_jint(l, "cpu_shares", -1), "");
	if (gb_jget(l, "cpu_weight"))
		print_limit("cpu weight", gb_jint(l, "cpu_weight", -1), "");
	print_limit("pids", gb_jint(l, "pids_max", -1), " processes");
}

static void print_inspect(const struct gb_jval *v)
{
	const struct gb_jval *s = gb_jget(v, "state"), *o = gb_jget(v, "observed");
	printf("Container %s (%s), image %s\n", gb_jstr(v, "name", "?"), gb_jstr(v, "id", "?"),
	       gb_jstr(v, "image", "?"));
	printf("  state        %s", gb_jstr(s, "status", "?"));
	if (gb_jint(s, "exit_code", -1) >= 0)
		printf(" (exit code %lld)", gb_jint(s, "exit_code", -1));
	if (gb_jbool(s, "oom_killed", false))
		printf(", OOMKilled");
	printf("\n");
	const struct gb_jval *hc = gb_jget(gb_jget(v, "config"), "healthcheck");
	if (hc) /* core/engine/health.h: kept by the monitor */
		printf("  health       %s, failing streak %lld   (test every %gs, timeout %gs)\n",
		       gb_jstr(gb_jget(s, "health"), "status", "none"),
		       gb_jint(gb_jget(s, "health"), "failing_streak", 0),
		       gb_jnum(hc, "interval", 0) > 0 ? gb_jnum(hc, "interval", 0) : 30.0,
		       gb_jnum(hc, "timeout", 0) > 0 ? gb_jnum(hc, "timeout", 0) : 30.0);
	const struct gb_jval *fs = gb_jget(s, "rootfs");
	printf("  upper dir    %s\n", gb_jstr(fs, "upper", ""));
	/* images and storage (issue 5): the layers under it, and the mounts on it */
	char lower[4096];
	snprintf(lower, sizeof lower, "%s", gb_jstr(fs, "lower", ""));
	char *save = NULL;
	for (char *l = strtok_r(lower, ":", &save); l; l = strtok_r(NULL, ":", &save))
		printf("  %-12s %s\n", l == lower ? "layers" : "", l);
	const struct gb_jval *mt = gb_jget(gb_jget(v, "config"), "mounts");
	for (const struct gb_jval *m = mt ? mt->child : NULL; m; m = m->next)
		printf("  %-12s %s %s -> %s%s\n", m == mt->child ? "volumes" : "",
		       gb_jstr(m, "type", ""), gb_jstr(m, "source", ""), gb_jstr(m, "target", ""),
		       gb_jbool(m, "readonly", false) ? " (ro)" : "");
	if (!o || !o->child) {
		printf("  (not running: nothing to observe in the kernel)\n");
		return;
	}
	printf("  host PID     %lld   NSpid:", gb_jint(o, "pid", 0));
	for (const struct gb_jval *p = gb_jget(o, "nspid") ? gb_jget(o, "nspid")->child : NULL; p;
	     p = p->next)
		printf(" %lld", gb_jval_int(p, 0));
	printf("\n  hostname     %s\n", gb_jstr(o, "hostname", "?"));
	printf("  namespaces   %-8s %-12s %-12s\n", "", "container", "host");
	const struct gb_jval *ns = gb_jget(o, "ns"), *nh = gb_jget(o, "ns_host");
	for (const struct gb_jval *k = ns ? ns->child : NULL; k; k = k->next) {
		long long hv = gb_jint(nh, k->key, 0);
		printf("               %-8s %-12lld %-12lld %s\n", k->key, gb_jval_int(k, 0), hv,
		       gb_jval_int(k, 0) == hv ? "shared with the host" : "isolated");
	}
	print_pid1(gb_jget(o, "pid1"));
	const struct gb_jval *caps = gb_jget(o, "caps");
	const struct gb_jval *cn = gb_jget(o, "cap_names");
	printf("  CapEff       %s  %s\n", gb_jstr(caps, "eff", "?"), gb_jstr(cn, "eff", ""));
	printf("  CapBnd       %s  %s\n", gb_jstr(caps, "bnd", "?"), gb_jstr(cn, "bnd", ""));
	static const char *const modes[] = { "disabled", "strict", "filter" };
	long long sm = gb_jint(o, "seccomp", -1);
	printf("  Seccomp      %lld (%s)   NoNewPrivs %lld\n", sm,
	       sm >= 0 && sm <= 2 ? modes[sm] : "?", gb_jint(o, "no_new_privs", -1));
	for (const char *const *k = (const char *const[]){ "uid_map", "gid_map", NULL }; *k; k++) {
		/* Every line of the map: a rootless one has the user's id and a subuid range. */
		const char *map = gb_jstr(o, *k, "");
		do {
			printf("  %-12s %.*s\n", map == gb_jstr(o, *k, "") ? *k : "",
			       (int)strcspn(map, "\n"), map);
			map += strcspn(map, "\n");
		} while (*map && *++map);
	}
	for (const char *const *k = (const char *const[]){ "masked_paths", "readonly_paths", NULL };
	     *k; k++) {
		printf("  %-12s", !strcmp(*k, "masked_paths") ? "masked" : "read-only");
		const struct gb_jval *a = gb_jget(o, *k);
		for (const struct gb_jval *e = a ? a->child : NULL; e; e = e->next)
			printf(" %s", e->str);
		printf("%s\n", a && a->child ? "" : " (none)");
	}
	const struct gb_jval *cg = gb_jget(o, "cgroups");
	for (const struct gb_jval *l = cg ? cg->child : NULL; l; l = l->next)
		printf("  cgroup       %s\n", l->str);
	print_cgroup(gb_jget(o, "cgroup"));
	const struct gb_jval *links = gb_jget(o, "links");
	printf("  interfaces  ");
	for (const struct gb_jval *l = links ? links->child : NULL; l; l = l->next)
		printf(" %s", l->str);
	printf("\n  mounts\n");
	const struct gb_jval *m = gb_jget(o, "mounts");
	for (const struct gb_jval *e = m ? m->child : NULL; e; e = e->next)
		printf("    %-28s %-10s %s\n", gb_jstr(e, "target", ""), gb_jstr(e, "fstype", ""),
		       gb_jstr(e, "options", ""));
}

static int cmd_inspect(struct gb_runtime *rt, int argc, char **argv)
{
	bool json = false;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			return usage_error("inspect: unknown option %s (try --json)", argv[i]);
	}
	if (i != argc - 1)
		return usage_error("%s",
				   "inspect: name one container: glassbox inspect [--json] NAME");
	struct gb_json j;
	gb_json_init(&j);
	struct gb_err err = { 0 };
	if (gb_container_inspect(rt, argv[i], &j, &err) < 0) {
		gb_json_free(&j);
		return fail(&err);
	}
	if (json) {
		printf("%s\n", j.buf);
	} else {
		struct gb_jval *v = gb_json_parse(j.buf, j.len, NULL, 0);
		if (v)
			print_inspect(v);
		gb_jval_free(v);
	}
	gb_json_free(&j);
	return 0;
}

/* exec's usage errors: refused before its command ran, 125 as docker exec (docs/cli.md). */
static int exec_usage(const char *fmt, const char *arg)
{
	usage_error(fmt, arg);
	return CLI_EXIT_REFUSED;
}

static int cmd_exec(struct gb_runtime *rt, int argc, char **argv)
{
	const char *workdir = NULL, *user = NULL;
	struct gb_exec_io io = { 0 };
	gb_autostrv char **env = calloc(1, sizeof(char *));
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workdir")) && i + 1 < argc) {
			workdir = argv[++i];
		} else if ((!strcmp(argv[i], "-u") || !strcmp(argv[i], "--user")) && i + 1 < argc) {
			user = argv[++i];
			if (!gb_user_spec_valid(user))
				return exec_usage("exec: --user wants USER, UID, USER:GROUP or "
						  "UID:GID, got '%s'",
						  user);
		} else if ((!strcmp(argv[i], "-e") || !strcmp(argv[i], "--env")) && i + 1 < argc) {
			if (!gb_env_valid(argv[++i]))
				return exec_usage("exec: -e wants KEY=VALUE, got '%s'", argv[i]);
			size_t n = gb_strv_len(env);
			char **bigger = realloc(env, (n + 2) * sizeof *env);
			if (!bigger)
				return 1;
			env = bigger;
			env[n] = strdup(argv[i]);
			env[n + 1] = NULL;
		} else if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--interactive")) {
			io.interactive = true;
		} else if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "--tty")) {
			io.tty = true;
		} else if (!strcmp(argv[i], "-it") || !strcmp(argv[i], "-ti")) {
			io.interactive = io.tty = true;
		} else {
			return exec_usage("exec: unknown option %s (try -e, -w, -u, -i, -t)",
					  argv[i]);
		}
	}
	if (argc - i < 2)
		return exec_usage("%s", "exec: give a container and a command: glassbox exec NAME "
					"COMMAND [ARG...]");
	struct gb_err err = { 0 };
	int code = 0;
	if (gb_container_exec_io(rt, argv[i], argv + i + 1, env, workdir, user, &io, &code, &err) <
	    0)
		return cli_error(&err), cli_exit_code(&err, 1);
	return code;
}

static int cmd_attach(struct gb_runtime *rt, int argc, char **argv)
{
	struct gb_attach_opts o = { NULL, 0, 1, true };
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--detach-keys") && i + 1 < argc)
			o.detach_keys = argv[++i];
		else if (!strncmp(argv[i], "--detach-keys=", 14))
			o.detach_keys = argv[i] + 14;
		else if (!strcmp(argv[i], "--no-stdin"))
			o.in = -1;
		else if (!strcmp(argv[i], "--help")) {
			printf("usage: glassbox attach [--detach-keys KEYS] [--no-stdin] NAME\n\n"
			       "Attach our terminal to a running -t container; Ctrl-P Ctrl-Q (or "
			       "KEYS) detaches.\n");
			return 0;
		} else
			return usage_error(
				"attach: unknown option %s (try --detach-keys, --no-stdin)",
				argv[i]);
	}
	if (argc - i != 1)
		return usage_error("%s", "attach: name one container: glassbox attach NAME");
	struct gb_err err = { 0 };
	int code = 0;
	bool detached = false;
	if (gb_attach(rt, argv[i], &o, &code, &detached, &err) < 0)
		return fail(&err);
	return detached ? 0 : code;
}

static int cmd_steps(void)
{
	size_t n;
	const struct gb_step *t = gb_steps_table(&n);
	printf("%-3s %-17s %-7s %-10s %-4s %-42s %s\n", "#", "STEP", "PHASE", "SIDE", "LAB", "RUNS",
	       "WHAT IT DOES");
	for (size_t i = 0; i < n; i++)
		printf("%-3zu %-17s %-7s %-10s %02d   %-42s %s\n", i + 1, t[i].name,
		       t[i].phase == GB_PHASE_CREATE ? "create" : "start",
		       t[i].side == GB_SIDE_HOST ? "host" : "container", t[i].lab,
		       t[i].when ? t[i].when : "always", t[i].explain);
	return 0;
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
	printf("glassbox " VERSION ": real containers, one visible step at a time\n\n"
	       "usage: glassbox [--root DIR] [--data-root DIR] COMMAND [ARGS]\n\n"
	       "containers:\n"
	       "  run       create and start a container      (glassbox run --help)\n"
	       "  create    create a container without starting it\n"
	       "  start     start a created or stopped container (-a: attach)\n"
	       "  stop      SIGTERM, a grace period, then SIGKILL (-t SECONDS, -s SIGNAL)\n"
	       "  kill      send a signal (default SIGKILL)\n"
	       "  rm        remove a container (-f: also a running one)\n"
	       "  ps        list running containers (-a: all, --json)\n"
	       "  logs      output of a detached container (-f: follow it until it exits)\n"
	       "  exec      run a command inside a running container (-i: stdin, -t: a pty)\n"
	       "  attach    our terminal to a running -t container (Ctrl-P Ctrl-Q detaches)\n"
	       "  top       its processes: host PID beside the PID inside (NSpid)\n"
	       "  inspect   what the kernel reports about a container (--json)\n"
	       "  probe     try known container escapes inside a running one (--json; --race N: "
	       "exec N\n"
	       "            times while a watcher inside tries to open the entering process)\n"
	       "  stats     memory, CPU, pids of containers from their cgroups (--no-stream, "
	       "--json)\n"
	       "  pause     freeze every process of a container (cgroup freezer)\n"
	       "  resume    thaw a paused container\n"
	       "learning:\n"
	       "  tour      a guided tour of a real container's life (--auto)\n"
	       "  steps     the table of steps that makes a container (--caught-by: which lab sees "
	       "each one left out)\n"
	       "  lab       guided labs: lab list | lab show N | lab check N [--container NAME]\n"
	       "harness:\n"
	       "  check       run every lab check: this host's isolation verdict (--control, "
	       "--tap, --junit F)\n"
	       "  host-check  which kernel features this host has, tried for real (--json)\n"
	       "teaching:\n"
	       "  classroom setup --students FILE|GROUP [--memory --pids --cpu-weight --opt-out] "
	       "| doctor | teardown\n"
	       "networks:\n"
	       "  network   create [--subnet CIDR] [--internal] NAME | ls | inspect NAME | rm NAME "
	       "| prune\n"
	       "stacks:\n"
	       "  compose   a Compose file's services: up | down | build | ps | logs | exec | "
	       "config\n"
	       "images and storage:\n"
	       "  build     build an image from a Dockerfile (-t NAME [-f FILE] [--no-cache] "
	       "[--build-arg K=V] [--target STAGE] CONTEXT)\n"
	       "  pull      an image from a registry (NAME[:TAG|@DIGEST], --platform, "
	       "--insecure-registry)\n"
	       "  load      images from a docker save archive or an OCI layout (-i FILE|DIR "
	       "[NAME])\n"
	       "  tag       another name for an image (SOURCE TARGET: HOST:PORT/REPO:TAG)\n"
	       "  push      an image to its registry (NAME[:TAG], --insecure-registry)\n"
	       "  login     store a registry's credentials ([--username U] [--password-stdin] "
	       "REGISTRY)\n"
	       "  logout    forget a registry's credentials (REGISTRY)\n"
	       "  save      images into a docker save archive (-o FILE [--format oci] IMAGE...)\n"
	       "  import    a root filesystem tarball as a one-layer image (TARBALL [NAME])\n"
	       "  image     image prune: remove layers no image and no container uses\n"
	       "  images    list images (--digests: a pulled image's manifest digest)\n"
	       "  history   the layers of an image, with sizes and the instruction behind each\n"
	       "  rmi       remove an image (-f: even if a container uses it)\n"
	       "  diff      what a container changed in its writable layer (A/C/D)\n"
	       "  volume    named volumes: create | ls | inspect | rm\n"
	       "virtual machines:\n"
	       "  compare   a container and a QEMU guest run one command side by side (--json)\n"
	       "  vm        the guest itself: vm kernel | vm accel | vm run COMMAND\n\n"
	       "State lives in --root (default /run/glassbox, env GLASSBOX_ROOT); images and\n"
	       "writable layers in --data-root (default /var/lib/glassbox, env "
	       "GLASSBOX_DATA_ROOT).\n");
}

struct command {
	const char *name;
	int (*fn)(struct gb_runtime *rt, int argc, char **argv);
};

static int cmd_run_(struct gb_runtime *rt, int argc, char **argv)
{
	return cmd_run(rt, argc, argv, false);
}
static int cmd_create_(struct gb_runtime *rt, int argc, char **argv)
{
	return cmd_run(rt, argc, argv, true);
}
static int cmd_steps_(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc > 0 && !strcmp(argv[0], "--caught-by"))
		return cmd_steps_caught_by(argc - 1, argv + 1);
	if (argc > 0 && !strcmp(argv[0], "--markdown"))
		return cmd_steps_markdown();
	return cmd_steps();
}

static const struct command commands[] = {
	{ "run", cmd_run_ },
	{ "create", cmd_create_ },
	{ "start", cmd_start },
	{ "stop", cmd_stop },
	{ "kill", cmd_kill },
	{ "rm", cmd_rm },
	{ "ps", cmd_ps },
	{ "logs", cmd_logs },
	{ "inspect", cmd_inspect },
	{ "exec", cmd_exec },
	{ "attach", cmd_attach },
	{ "top", cmd_top },
	{ "tour", cmd_tour },
	{ "steps", cmd_steps_ },
	{ "lab", cmd_lab },
	/* images and storage (issue 5): cli/images.c */
	{ "images", cmd_images },
	{ "build", cmd_build },
	{ "rmi", cmd_rmi },
	{ "history", cmd_history },
	{ "diff", cmd_diff },
	{ "volume", cmd_volume },
	{ "probe", cmd_probe },
	/* the isolation test harness (cli/check.c) */
	{ "check", cmd_check },
	{ "host-check", cmd_host_check },
	{ "stats", cmd_stats },
	{ "pause", cmd_pause },
	{ "resume", cmd_resume },
	{ "network", cmd_network },
	/* a VM beside the container (cli/vm_cmds.c, cli/compare.c) */
	{ "vm", cmd_vm },
	{ "compare", cmd_compare },
	{ "compose", cmd_compose },	/* cli/compose.c, lab 20 */
	{ "pull", cmd_pull },		/* cli/pull.c: an image from a registry (issue 15) */
	{ "load", cmd_load },		/* cli/pull.c: from a docker save or OCI archive */
	{ "classroom", cmd_classroom }, /* cli/classroom.c: a class on one server (issue 21) */
	{ "tag", cmd_tag },		/* cli/push.c: the registry side of issue 15 */
	{ "push", cmd_push },
	{ "login", cmd_login },
	{ "logout", cmd_logout },
	{ "save", cmd_save },
	{ "import", cmd_import },
	{ "image", cmd_image },
};

int main(int argc, char **argv)
{
	cli_argv = argv; /* cli/images_exec.c */
	/* Called as glassbox-runc (a link), or `glassbox oci`: runc's command line. */
	const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (!strcmp(base, "glassbox-runc"))
		return cmd_oci(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "oci"))
		return cmd_oci(argc - 2, argv + 2);
	const char *root = NULL, *data_root = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		int g = gb_args_global_root(argc, argv, &i, &root, &data_root);
		if (g < 0)
			return usage_error(
				"%s needs a directory: glassbox --root DIR --data-root DIR COMMAND",
				argv[i]);
		if (g > 0)
			continue;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage();
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("glassbox " VERSION "\n");
			return 0;
		} else
			return usage_error("unknown option %s (glassbox --help lists them)",
					   argv[i]);
	}
	if (i >= argc) {
		usage();
		return 2;
	}
	const char *verb = argv[i];
	if (!strcmp(verb, "help") || !strcmp(verb, "version")) {
		if (verb[0] == 'v')
			printf("glassbox " VERSION "\n");
		else
			usage();
		return 0;
	}
	if (cli_help(verb, argc - i - 1, argv + i + 1) == 0) /* cli/help.c */
		return 0;
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	if (gb_runtime_init(&rt, root, data_root, &err) < 0)
		return fail(&err);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t k = 0; k < GB_ARRAY_LEN(commands); k++)
		if (!strcmp(verb, commands[k].name)) {
			/* An older glassbox left the roots searchable by everyone: close them now
			 * (host-check and check report it instead, core/state/roots.c). */
			if (strcmp(verb, "host-check") && strcmp(verb, "check"))
				rt.roots_repaired =
					gb_roots_repair(rt.data_root, rt.state_root) >= 0;
			int r = commands[k].fn(&rt, argc - i - 1, argv + i + 1);
			gb_events_close(&rt.events);
			return r;
		}
	return usage_error("unknown command '%s' (glassbox --help lists them)", verb);
}
