/* glassbox-runc (or `glassbox oci ...`): runc's command line, as containerd's shim, go-runc
 * and conmon call it (docs/oci.md). Errors go to stderr and, with --log, to the log file
 * as runc writes them: one JSON object per line, the last "error" line is what Docker
 * shows. The log file is created on every call, even when nothing goes wrong. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "oci/oci_hooks.h"
#include "oci/oci_warn.h"
#include "oci/oci_runtime.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

struct oci_cli {
	const char *root, *log, *log_format, *events_dir;
	FILE *logf;
	int inherited_fds; /* fds open from 3 on when we started: --preserve-fds may pass them */
};

static void log_line(struct oci_cli *o, const char *level, const char *msg)
{
	if (!o->logf)
		return;
	char t[40];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (o->log_format && !strcmp(o->log_format, "json")) {
		struct gb_json j;
		gb_json_init(&j);
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "level", level);
		gb_json_str(&j, "msg", msg);
		gb_json_str(&j, "time", t);
		gb_json_obj_end(&j);
		fprintf(o->logf, "%s\n", j.buf ? j.buf : "{}");
		gb_json_free(&j);
	} else {
		fprintf(o->logf, "time=\"%s\" level=%s msg=\"%s\"\n", t, level, msg);
	}
	fflush(o->logf);
}

static int oci_fail(struct oci_cli *o, const struct gb_err *err)
{
	char msg[1400];
	snprintf(msg, sizeof msg, "%s%s%s", err->msg, err->hint[0] ? " (" : "",
		 err->hint[0] ? err->hint : "");
	if (err->hint[0])
		strncat(msg, ")", sizeof msg - strlen(msg) - 1);
	fprintf(stderr, "glassbox-runc: %s\n", msg);
	log_line(o, "error", msg);
	return 1;
}

static int oci_usage(struct oci_cli *o, const char *fmt, const char *arg)
{
	struct gb_err err = { 0 };
	gb_err_set(&err, EINVAL, "", fmt, arg ? arg : "");
	gb_err_hint(&err, "glassbox-runc --help lists the verbs and flags");
	oci_fail(o, &err);
	return 2;
}

static int verb_create(struct gb_runtime *rt, struct oci_cli *o, int argc, char **argv)
{
	const char *bundle = ".", *pid_file = NULL, *console = NULL, *fds = NULL, *id = NULL;
	for (int i = 0; i < argc; i++) {
		if (gb_args_flag(argv, argc, &i, "--bundle", &bundle) ||
		    gb_args_flag(argv, argc, &i, "-b", &bundle) ||
		    gb_args_flag(argv, argc, &i, "--pid-file", &pid_file) ||
		    gb_args_flag(argv, argc, &i, "--console-socket", &console) ||
		    gb_args_flag(argv, argc, &i, "--preserve-fds", &fds))
			continue;
		if (!strcmp(argv[i], "--no-pivot") || !strcmp(argv[i], "--no-new-keyring"))
			continue;
		if (argv[i][0] == '-')
			return oci_usage(o, "create: unknown flag %s", argv[i]);
		id = argv[i];
	}
	if (!id)
		return oci_usage(o, "create: the container id is missing%s", NULL);
	struct gb_err err = { 0 };
	int r = fds ? cli_oci_preserve_fds(fds, o->inherited_fds, &err) : 0;
	if (r < 0) /* issue 14, oci-verbs: runc's --preserve-fds */
		return oci_fail(o, &err) * -r;
	if (gb_oci_create(rt, id, bundle, pid_file, console, &err) < 0)
		return oci_fail(o, &err);
	return 0;
}

static int verb_exec(struct gb_runtime *rt, struct oci_cli *o, int argc, char **argv)
{
	const char *process = NULL, *pid_file = NULL, *id = NULL, *console = NULL, *ignored;
	bool detach = false;
	for (int i = 0; i < argc; i++) {
		if (gb_args_flag(argv, argc, &i, "--process", &process) ||
		    gb_args_flag(argv, argc, &i, "-p", &process) ||
		    gb_args_flag(argv, argc, &i, "--pid-file", &pid_file) ||
		    gb_args_flag(argv, argc, &i, "--console-socket", &console) ||
		    gb_args_flag(argv, argc, &i, "--preserve-fds", &ignored))
			continue;
		if (!strcmp(argv[i], "--detach") || !strcmp(argv[i], "-d"))
			detach = true;
		else if (!strcmp(argv[i], "--tty") || !strcmp(argv[i], "-t"))
			continue; /* process.json's terminal says the same */
		else if (argv[i][0] == '-')
			return oci_usage(o, "exec: unknown flag %s", argv[i]);
		else if (!id)
			id = argv[i];
	}
	if (!id || !process || !detach)
		return oci_usage(o, "exec: glassbox-runc needs --process FILE --detach ID%s", NULL);
	struct gb_err err = { 0 };
	return gb_oci_exec(rt, id, process, pid_file, console, &err) < 0 ? oci_fail(o, &err) : 0;
}

static int verb_state(struct gb_runtime *rt, struct oci_cli *o, const char *id)
{
	struct gb_err err = { 0 };
	struct gb_json j;
	gb_json_init(&j);
	int r = gb_oci_state(rt, id, &j, &err);
	if (r == 0)
		printf("%s\n", j.buf);
	gb_json_free(&j);
	return r < 0 ? oci_fail(o, &err) : 0;
}

static int verb_kill(struct gb_runtime *rt, struct oci_cli *o, int argc, char **argv)
{
	const char *id = NULL, *sig = "SIGTERM";
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))
			continue; /* PID 1 of a PID namespace: its death kills the rest */
		if (!id)
			id = argv[i];
		else
			sig = argv[i];
	}
	if (!id)
		return oci_usage(o, "kill: the container id is missing%s", NULL);
	int signo = gb_signal_parse(sig);
	if (signo <= 0)
		return oci_usage(o, "kill: unknown signal %s", sig);
	struct gb_err err = { 0 };
	return gb_oci_kill(rt, id, signo, &err) < 0 ? oci_fail(o, &err) : 0;
}

static int verb_delete(struct gb_runtime *rt, struct oci_cli *o, int argc, char **argv)
{
	const char *id = NULL;
	bool force = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = true;
		else
			id = argv[i];
	}
	if (!id)
		return oci_usage(o, "delete: the container id is missing%s", NULL);
	struct gb_err err = { 0 };
	return gb_oci_delete(rt, id, force, &err) < 0 ? oci_fail(o, &err) : 0;
}

static int verb_list(struct gb_runtime *rt, bool json)
{
	char **ids = gb_oci_list(rt);
	if (json)
		printf("[");
	else
		printf("ID\n");
	for (size_t i = 0; ids && ids[i]; i++) {
		struct gb_json j;
		struct gb_err err = { 0 };
		gb_json_init(&j);
		if (json && gb_oci_state(rt, ids[i], &j, &err) == 0)
			printf("%s%s", i ? "," : "", j.buf);
		else if (!json)
			printf("%s\n", ids[i]);
		gb_json_free(&j);
	}
	if (json)
		printf("]\n");
	gb_strv_free(ids);
	return 0;
}

static int verb_features(void)
{
	/* apparmor.enabled: this runtime applies apparmorProfile (runtime-spec features.md), not
	 * whether the host's kernel runs AppArmor. */
	printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\","
	       "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\","
	       "\"poststart\",\"poststop\"],\"mountOptions\":[\"bind\",\"rbind\",\"ro\",\"rw\"],"
	       "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\","
	       "\"uts\"],\"capabilities\":[],\"cgroup\":{\"v1\":true,\"v2\":true},"
	       "\"seccomp\":{\"enabled\":true},\"apparmor\":{\"enabled\":true},"
	       "\"selinux\":{\"enabled\":false}},"
	       "\"annotations\":{\"org.glassbox.runtime\":\"glassbox-runc\"}}\n");
	return 0;
}

static int verb(struct gb_runtime *rt, struct oci_cli *o, const char *v, int argc, char **argv)
{
	const char *id = argc > 0 ? argv[argc - 1] : NULL;
	struct gb_err err = { 0 };
	if (!strcmp(v, "create"))
		return verb_create(rt, o, argc, argv);
	if (!strcmp(v, "exec"))
		return verb_exec(rt, o, argc, argv);
	if (!strcmp(v, "kill"))
		return verb_kill(rt, o, argc, argv);
	if (!strcmp(v, "delete"))
		return verb_delete(rt, o, argc, argv);
	if (!strcmp(v, "list"))
		return verb_list(rt, argc > 0 && strstr(argv[argc - 1], "json"));
	if (!strcmp(v, "features"))
		return verb_features();
	if (!strcmp(v, "ps") || !strcmp(v, "update") || !strcmp(v, "run")) { /* cli/oci_verbs.c */
		int r = v[0] == 'p'   ? cli_oci_ps(rt, argc, argv, &err)
			: v[0] == 'u' ? cli_oci_update(rt, argc, argv, &err)
				      : cli_oci_run(rt, argc, argv, o->inherited_fds, &err);
		return r < 0 ? oci_fail(o, &err) * -r : r;
	}
	if ((!strcmp(v, "start") || !strcmp(v, "state") || !strcmp(v, "pause") ||
	     !strcmp(v, "resume")) &&
	    !id)
		return oci_usage(o, "%s: the container id is missing", v);
	if (!strcmp(v, "state"))
		return verb_state(rt, o, id);
	if (!strcmp(v, "start"))
		return gb_oci_start(rt, id, &err) < 0 ? oci_fail(o, &err) : 0;
	if (!strcmp(v, "pause") || !strcmp(v, "resume"))
		return gb_oci_pause(rt, id, v[0] == 'p', &err) < 0 ? oci_fail(o, &err) : 0;
	return oci_usage(o,
			 "unknown verb %s (glassbox-runc supports create, start, state, kill, "
			 "delete, exec, pause, resume, ps, update, run, list, features)",
			 v);
}

static void oci_help(void)
{
	printf("usage: glassbox-runc [--root DIR] [--log FILE] [--log-format text|json] "
	       "[--systemd-cgroup] [--debug] [--events-dir DIR] VERB ...\n"
	       "  create --bundle DIR --pid-file FILE [--console-socket S] ID\n"
	       "  start ID | state ID | kill ID [SIGNAL] | delete [--force] ID | pause ID | resume "
	       "ID\n"
	       "  exec --process FILE --detach [--pid-file FILE] ID | list | features\n"
	       "  ps [--format table|json] ID [PS-ARGS...]\n"
	       "  update [--resources FILE|-] [--memory N] [--memory-swap N] [--cpu-shares N] "
	       "[--cpu-quota N]\n         [--cpu-period N] [--cpuset-cpus L] [--cpuset-mems L] "
	       "[--pids-limit N] [--blkio-weight N] ID\n"
	       "  run [--bundle DIR] [--pid-file FILE] [--console-socket S] [--detach] [--keep]\n"
	       "      [--no-pivot] [--no-new-keyring] [--preserve-fds N] ID\n"
	       "  create and run take --no-pivot, --no-new-keyring, --preserve-fds N too\n"
	       "runc's command line on glassbox's engine: docs/oci.md\n");
}

static void default_root(char *out, size_t len)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0 && xdg && xdg[0])
		snprintf(out, len, "%s/glassbox-runc", xdg);
	else
		snprintf(out, len, "/run/glassbox-runc");
}

static int global_flags(struct oci_cli *o, int argc, char **argv)
{
	int i = 0;
	const char *ignored;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (gb_args_flag(argv, argc, &i, "--root", &o->root) ||
		    gb_args_flag(argv, argc, &i, "--log", &o->log) ||
		    gb_args_flag(argv, argc, &i, "--log-format", &o->log_format) ||
		    gb_args_flag(argv, argc, &i, "--events-dir", &o->events_dir) ||
		    gb_args_flag(argv, argc, &i, "--criu", &ignored) ||
		    gb_args_flag(argv, argc, &i, "--rootless", &ignored))
			continue;
		if (strcmp(argv[i], "--systemd-cgroup") && strcmp(argv[i], "--debug") &&
		    strcmp(argv[i], "--version") && strcmp(argv[i], "-v") &&
		    strcmp(argv[i], "--help") && strcmp(argv[i], "-h"))
			return -i - 1;
		if (argv[i][2] == 'v' || argv[i][1] == 'v')
			return -1000; /* --version */
		if (argv[i][2] == 'h' || argv[i][1] == 'h')
			return -1001;
	}
	return i;
}

/* The call's warnings (oci_warn.h: poststart and poststop hooks that failed, as the
 * runtime-spec 1.0-1.2 wants; LSM labels not applied), as runc logs them (to --log, else
 * to stderr): the verb still succeeds. */
static void log_warnings(struct oci_cli *o)
{
	char line[1200];
	for (const char *w = gb_oci_warnings(); *w;) {
		size_t n = strcspn(w, "\n");
		snprintf(line, sizeof line, "%.*s", (int)n, w);
		if (o->logf)
			log_line(o, "warning", line);
		else
			fprintf(stderr, "glassbox-runc: warning: %s\n", line);
		w += n + (w[n] == '\n');
	}
}

int cmd_oci(int argc, char **argv)
{
	struct oci_cli o = { 0 };
	char root[600], data[700];
	/* Before we open anything: which fds the caller gave us (--preserve-fds). */
	while (o.inherited_fds < GB_PRESERVE_FDS_MAX && fcntl(3 + o.inherited_fds, F_GETFD) >= 0)
		o.inherited_fds++;
	int i = global_flags(&o, argc, argv);
	if (o.log && (o.logf = fopen(o.log, "ae")) == NULL)
		fprintf(stderr, "glassbox-runc: cannot open the log %s: %s\n", o.log,
			strerror(errno));
	if (i == -1000 || (i >= 0 && i < argc && !strcmp(argv[i], "--version"))) {
		printf("glassbox-runc version " VERSION "\nspec: 1.0.2\n");
		return 0;
	}
	if (i == -1001) {
		oci_help();
		return 0;
	}
	if (i < 0)
		return oci_usage(&o, "unknown global flag %s", argv[-i - 1]);
	if (i >= argc)
		return oci_usage(&o, "no verb given%s", NULL);
	default_root(root, sizeof root);
	if (o.root)
		snprintf(root, sizeof root, "%s", o.root);
	snprintf(data, sizeof data, "%s/data", root);
	if (o.events_dir && o.events_dir[0] != '/')
		return oci_usage(&o, "--events-dir needs an absolute path, not %s", o.events_dir);
	gb_oci_set_events_dir(o.events_dir);
	struct gb_runtime rt;
	struct gb_err err = { 0 };
	if (gb_runtime_init(&rt, root, data, &err) < 0)
		return oci_fail(&o, &err);
	int r = verb(&rt, &o, argv[i], argc - i - 1, argv + i + 1);
	log_warnings(&o);
	gb_events_close(&rt.events);
	if (o.logf)
		fclose(o.logf);
	return r;
}
