/* glassbox-runc ps, update and run (issue 14, docs/oci.md): their command lines, as runc
 * takes them and containerd's go-runc and conmon send them. The work is in
 * core/oci/oci_verbs.h; cli/oci.c calls these from its table of verbs and reports the
 * errors (stderr and the --log file). Each returns an exit code, or CLI_OCI_FAILED /
 * CLI_OCI_USAGE with err filled. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "cgroup/cgroup.h"
#include "oci/oci_verbs.h"

static int usage(struct gb_err *err, const char *fmt, const char *arg)
{
	gb_err_set(err, EINVAL, "", fmt, arg ? arg : "");
	gb_err_hint(err, "glassbox-runc --help lists the verbs and flags");
	return CLI_OCI_USAGE;
}

static bool parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return s[0] && !*end && !errno;
}

/* ------------------------------------------------------------ ps */

static int ps_json(const pid_t *pids, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	printf("]\n");
	return 0;
}

/* The column titled PID in ps's header (runc's rule); -1 without one. */
static int pid_column(const char *header)
{
	char copy[1024], *save = NULL;
	snprintf(copy, sizeof copy, "%s", header);
	int col = 0;
	for (char *t = strtok_r(copy, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save), col++)
		if (!strcmp(t, "PID"))
			return col;
	return -1;
}

static bool line_has_pid(const char *line, int col, const pid_t *pids, size_t n)
{
	char *copy = strdup(line), *save = NULL, *t = NULL;
	if (copy)
		t = strtok_r(copy, " \t\n", &save);
	for (int c = 0; t && c < col; c++)
		t = strtok_r(NULL, " \t\n", &save);
	long long p;
	bool found = false;
	for (size_t i = 0; t && parse_ll(t, &p) && i < n && !found; i++)
		found = pids[i] == p;
	free(copy);
	return found;
}

/* The host's ps with the caller's arguments (default -ef), only the lines of the
 * container's PIDs, as runc ps prints them. */
static int ps_table(char **args, int nargs, const pid_t *pids, size_t n, struct gb_err *err)
{
	char *argv[nargs + 3];
	argv[0] = "ps";
	argv[1] = "-ef";
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	argv[nargs ? nargs + 1 : 2] = NULL;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		gb_err_set(err, errno, "pipe2", "cannot run ps");
		return CLI_OCI_FAILED;
	}
	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp("ps", argv);
		_exit(127);
	}
	close(p[1]);
	FILE *f = child > 0 ? fdopen(p[0], "r") : NULL;
	char *line = NULL; /* whole lines, however long ps -ef's command lines are */
	size_t cap = 0;
	int col = -1;
	for (bool first = true; f && getline(&line, &cap, f) >= 0; first = false) {
		if (first && (col = pid_column(line)) >= 0)
			fputs(line, stdout);
		else if (col >= 0 && line_has_pid(line, col, pids, n))
			fputs(line, stdout);
	}
	free(line);
	f ? fclose(f) : close(p[0]);
	int status = 0;
	if (child > 0)
		waitpid(child, &status, 0);
	if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || col < 0) {
		gb_err_set(err, EIO, "ps", "ps %s failed%s", nargs ? args[0] : "-ef",
			   col < 0 ? ": couldn't find PID field in ps output" : "");
		return CLI_OCI_FAILED;
	}
	return 0;
}

int cli_oci_ps(struct gb_runtime *rt, int argc, char **argv, struct gb_err *err)
{
	const char *format = "table", *id = NULL;
	int i = 0;
	for (; i < argc && !id; i++) {
		if (gb_args_flag(argv, argc, &i, "--format", &format) ||
		    gb_args_flag(argv, argc, &i, "-f", &format))
			continue;
		if (argv[i][0] == '-')
			return usage(err, "ps: unknown flag %s (ps options go after the id)",
				     argv[i]);
		id = argv[i];
	}
	if (!id)
		return usage(err, "ps: the container id is missing%s", NULL);
	if (strcmp(format, "table") && strcmp(format, "json"))
		return usage(err, "ps: invalid format option %s (table or json)", format);
	pid_t *pids = NULL;
	size_t n = 0;
	if (gb_oci_pids(rt, id, &pids, &n, err) < 0)
		return CLI_OCI_FAILED;
	int r = !strcmp(format, "json") ? ps_json(pids, n)
					: ps_table(argv + i, argc - i, pids, n, err);
	free(pids);
	return r;
}

/* ------------------------------------------------------------ update */

/* update --resources -: the JSON on stdin, as go-runc writes it to the pipe it gives us. */
static int read_stdin(char **text, size_t *len)
{
	size_t cap = 4096;
	*len = 0;
	*text = malloc(cap);
	for (ssize_t n = 1; *text && n > 0;) {
		if (*len + 1 >= cap) {
			char *more = realloc(*text, cap *= 2);
			if (!more)
				break;
			*text = more;
		}
		n = read(0, *text + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n < 0)
			break;
		else
			*len += (size_t)n;
		if (n == 0) {
			(*text)[*len] = '\0';
			return 0;
		}
	}
	free(*text);
	*text = NULL;
	return -1;
}

static int read_resources(const char *from, struct gb_oci_update *u, struct gb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int r = !strcmp(from, "-") ? read_stdin(&text, &len) : gb_read_file(from, &text, &len);
	if (r < 0) {
		gb_err_set(err, errno ? errno : EIO, "read", "update: cannot read the resources %s",
			   !strcmp(from, "-") ? "from stdin" : from);
		return CLI_OCI_FAILED;
	}
	r = gb_oci_update_parse(text, len, u, err);
	free(text);
	return r < 0 ? CLI_OCI_FAILED : 0;
}

/* runc's flags: sizes as Docker writes them (64m, 1g) or -1; numbers for the rest. */
static int update_value(const char *name, const char *v, struct gb_oci_update *u,
			struct gb_err *err)
{
	struct gb_cg_limits *l = &u->l;
	bool ok = true;
	if (!strcmp(name, "--memory"))
		ok = !strcmp(v, "-1") ? (l->memory = -1, true)
				      : gb_cgroup_parse_memory(v, &l->memory, err) == 0;
	else if (!strcmp(name, "--memory-swap"))
		ok = gb_cgroup_parse_memory_swap(v, &l->memory_swap, err) == 0;
	else if (!strcmp(name, "--cpuset-cpus"))
		snprintf(u->cpus, sizeof u->cpus, "%s", v);
	else if (!strcmp(name, "--cpuset-mems"))
		snprintf(u->mems, sizeof u->mems, "%s", v);
	else if (!strcmp(name, "--cpu-shares") || !strcmp(name, "--cpu-share"))
		ok = gb_cgroup_parse_cpu_shares(v, &l->cpu_shares, err) == 0;
	else if (!strcmp(name, "--cpu-quota"))
		ok = parse_ll(v, &l->cpu_quota_us);
	else if (!strcmp(name, "--cpu-period"))
		ok = parse_ll(v, &l->cpu_period_us) && l->cpu_period_us >= 0;
	else if (!strcmp(name, "--pids-limit"))
		ok = parse_ll(v, &l->pids_max) && l->pids_max >= -1;
	else if (!strcmp(name, "--blkio-weight"))
		ok = parse_ll(v, &u->blkio_weight) && u->blkio_weight >= 0;
	if (ok)
		return 0;
	if (!err->msg[0])
		gb_err_set(err, EINVAL, "", "update: invalid value for %s: %s", name, v);
	return CLI_OCI_USAGE;
}

static const char *const update_flags[] = { "--memory",	     "--memory-swap", "--cpuset-cpus",
					    "--cpuset-mems", "--cpu-shares",  "--cpu-share",
					    "--cpu-quota",   "--cpu-period",  "--pids-limit",
					    "--blkio-weight" };

int cli_oci_update(struct gb_runtime *rt, int argc, char **argv, struct gb_err *err)
{
	const char *resources = NULL, *id = NULL, *v;
	struct gb_oci_update flags = { 0 }, u;
	for (int i = 0; i < argc; i++) {
		if (gb_args_flag(argv, argc, &i, "--resources", &resources) ||
		    gb_args_flag(argv, argc, &i, "-r", &resources))
			continue;
		bool known = false;
		for (size_t k = 0; k < GB_ARRAY_LEN(update_flags) && !known; k++)
			if ((known = gb_args_flag(argv, argc, &i, update_flags[k], &v)) &&
			    update_value(update_flags[k], v, &flags, err) < 0)
				return CLI_OCI_USAGE;
		if (known)
			continue;
		if (argv[i][0] == '-' || id)
			return usage(err, "update: unexpected argument %s", argv[i]);
		id = argv[i];
	}
	if (!id)
		return usage(err, "update: the container id is missing%s", NULL);
	/* As runc: with --resources, the JSON alone counts and the flags are ignored. */
	if (resources && read_resources(resources, &u, err) < 0)
		return CLI_OCI_FAILED;
	return gb_oci_update(rt, id, resources ? &u : &flags, err) < 0 ? CLI_OCI_FAILED : 0;
}

/* ------------------------------------------------------------ run (and create's fds) */

int cli_oci_preserve_fds(const char *value, int inherited, struct gb_err *err)
{
	long long n;
	if (!parse_ll(value, &n) || n < 0 || n > GB_PRESERVE_FDS_MAX)
		return usage(err, "--preserve-fds needs a number of fds (0-512), not %s", value);
	if (n > inherited) {
		gb_err_set(err, EBADF, "", "--preserve-fds %s: fd %d is not open", value,
			   3 + inherited);
		gb_err_hint(err, "the caller passes fds 3 to 3+N-1, open, to glassbox-runc");
		return CLI_OCI_FAILED;
	}
	gb_oci_set_preserve_fds((int)n);
	return 0;
}

int cli_oci_run(struct gb_runtime *rt, int argc, char **argv, int inherited, struct gb_err *err)
{
	struct gb_oci_run o = { .bundle = "." };
	const char *id = NULL, *fds = NULL;
	for (int i = 0; i < argc; i++) {
		if (gb_args_flag(argv, argc, &i, "--bundle", &o.bundle) ||
		    gb_args_flag(argv, argc, &i, "-b", &o.bundle) ||
		    gb_args_flag(argv, argc, &i, "--pid-file", &o.pid_file) ||
		    gb_args_flag(argv, argc, &i, "--console-socket", &o.console_socket) ||
		    gb_args_flag(argv, argc, &i, "--preserve-fds", &fds))
			continue;
		if (!strcmp(argv[i], "--detach") || !strcmp(argv[i], "-d"))
			o.detach = true;
		else if (!strcmp(argv[i], "--keep"))
			o.keep = true;
		else if (!strcmp(argv[i], "--no-subreaper"))
			o.no_subreaper = true;
		/* Accepted, as by create: glassbox always uses pivot_root (--no-pivot's chroot
		 * would leave the host's root in the mount namespace, lab 04), and never makes
		 * a session keyring, so PID 1 keeps the caller's, as --no-new-keyring asks. */
		else if (strcmp(argv[i], "--no-pivot") && strcmp(argv[i], "--no-new-keyring") &&
			 argv[i][0] == '-')
			return usage(err, "run: unknown flag %s", argv[i]);
		else if (argv[i][0] != '-')
			id = argv[i];
	}
	if (!id)
		return usage(err, "run: the container id is missing%s", NULL);
	int r = fds ? cli_oci_preserve_fds(fds, inherited, err) : 0;
	if (r < 0)
		return r;
	int code = 0;
	return gb_oci_run(rt, id, &o, &code, err) < 0 ? CLI_OCI_FAILED : code;
}
