/* Options of `glassbox run` and `glassbox create`, named as Docker names them. */
#include "args.h"
#include "base/util.h"
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_container.h"
#include "cgroup/cpuset.h"
#include "engine/health.h"
#include "engine/restart.h"
#include "engine/user.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "security/confine.h"
#include <unistd.h>

#include "net/net_container.h"
#include "tty/attach.h"

enum opt_id {
	O_NAME,
	O_HOSTNAME,
	O_ENV,
	O_WORKDIR,
	O_USER,
	O_RM,
	O_DETACH,
	O_STEP,
	O_STEP_FD,
	O_EVENTS,
	O_PID,
	O_UTS,
	O_IPC,
	O_NETWORK,
	O_ENTRYPOINT,
	O_STOP_SIGNAL,
	O_STOP_TIMEOUT,
	O_INTERACTIVE,
	O_TTY,
	O_QUIET,
	O_VOLUME,
	O_MOUNT,
	O_TMPFS,
	O_READ_ONLY,   /* storage (issue 5) */
	O_ROOTFS_MODE, /* lab 04: the chroot escape */
	O_CAP_ADD,
	O_CAP_DROP,
	O_PRIVILEGED,
	O_SECURITY_OPT,
	O_MEMORY,
	O_MEMORY_SWAP,
	O_CPUS,
	O_CPU_SHARES,
	O_PIDS_LIMIT,
	O_SAMPLE_INTERVAL,
	O_NETWORK_ALIAS,
	O_PUBLISH,
	O_USERNS,
	O_UIDMAP,
	O_GIDMAP,
	O_INIT,
	O_DETACH_KEYS,
	O_UNSAFE_PASS_TERMINAL, /* issue 18: lab 16's negative control, not in --help */
	O_RESTART,
	O_HEALTH_CMD, /* healthchecks (core/engine/health.h, lab 20) */
	O_HEALTH_INTERVAL,
	O_HEALTH_TIMEOUT,
	O_HEALTH_RETRIES,
	O_HEALTH_START_PERIOD,
	O_NO_HEALTHCHECK,
	O_HEALTH_START_INTERVAL,
	O_CPUSET_CPUS, /* issue 14: the cpuset controller (core/cgroup/cpuset.h) */
	O_CPUSET_MEMS,
	O_DEVICE_CGROUP_RULE, /* the device cgroup (issue 14) */
	O_PULL,		      /* Docker's --pull missing|always|never (cli/push.c) */
};

struct opt {
	const char *name; /* long name without dashes */
	char short_name;
	bool arg;
	enum opt_id id;
	const char *help;
};

static const struct opt opts[] = {
	{ "name", 0, true, O_NAME, "NAME        name the container (default: a generated one)" },
	{ "hostname", 'h', true, O_HOSTNAME, "NAME    host name inside (default: the id)" },
	{ "env", 'e', true, O_ENV, "KEY=VALUE    set an environment variable" },
	{ "workdir", 'w', true, O_WORKDIR, "DIR      working directory inside" },
	{ "user", 'u', true, O_USER,
	  "USER[:GROUP]  run as this user of the container's /etc/passwd (name or uid)" },
	{ "rm", 0, false, O_RM, "             remove the container when it exits" },
	{ "detach", 'd', false, O_DETACH,
	  "        run in the background under a monitor; print the id" },
	{ "step", 0, false, O_STEP,
	  "           stop before each step and explain it; Enter goes on" },
	{ "step-fd", 0, true, O_STEP_FD,
	  "N      read \"next\"/\"run\"/\"abort\" lines from fd N before each step" },
	{ "events", 0, true, O_EVENTS,
	  "FILE|fd:N  write the event stream (JSON Lines, docs/events.md)" },
	{ "pid", 0, true, O_PID,
	  "host         share the host's PID namespace instead of a new one" },
	{ "uts", 0, true, O_UTS, "host         share the host's UTS namespace (host name)" },
	{ "ipc", 0, true, O_IPC, "host         share the host's IPC namespace" },
	{ "network", 0, true, O_NETWORK,
	  "NAME     join bridge network NAME (repeatable; \"bridge\": the default one);\n"
	  "                        none: only lo (the default); host: the host's own network" },
	{ "net", 0, true, O_NETWORK, NULL },
	{ "network-alias", 0, true, O_NETWORK_ALIAS,
	  "NAME another name the container has on its networks" },
	{ "publish", 'p', true, O_PUBLISH,
	  "[IP:]HOST:CONTAINER[/tcp]  publish a port (IP 127.0.0.1 unless given)" },
	{ "entrypoint", 0, true, O_ENTRYPOINT, "CMD  override the image's entrypoint" },
	{ "stop-signal", 0, true, O_STOP_SIGNAL,
	  "SIG signal that `stop` sends first (default SIGTERM)" },
	{ "stop-timeout", 0, true, O_STOP_TIMEOUT,
	  "S  grace period of `stop` in seconds (default 10)" },
	{ "interactive", 'i', false, O_INTERACTIVE,
	  "   keep stdin open: relay ours to the container (else it reads /dev/null)" },
	{ "tty", 't', false, O_TTY,
	  "           give the container a terminal of its own (a pty in its devpts; ours in raw "
	  "mode)" },
	{ "quiet", 'q', false, O_QUIET, "         print nothing but errors" },
	/* storage (issue 5) */
	{ "volume", 'v', true, O_VOLUME,
	  "SRC:DST[:ro]  a named volume (NAME:/path) or a bind mount (/host:/path)" },
	{ "mount", 0, true, O_MOUNT, "type=bind|volume|tmpfs,source=S,target=T[,readonly]" },
	{ "tmpfs", 0, true, O_TMPFS, "DST[:size=64m]  a tmpfs (memory) at DST" },
	{ "read-only", 0, false, O_READ_ONLY,
	  "      mount the root read-only (volumes and tmpfs stay writable)" },
	/* lab 04: the chroot escape, a teaching/test option */
	{ "rootfs-mode", 0, true, O_ROOTFS_MODE,
	  "MODE pivot_root (default), or chroot: UNSAFE, for lab 04's chroot escape" },
	{ "cap-add", 0, true, O_CAP_ADD,
	  "CAP     keep a capability beyond Docker's 14 (ALL: every one)" },
	{ "cap-drop", 0, true, O_CAP_DROP, "CAP    drop a capability (ALL: every one)" },
	{ "privileged", 0, false, O_PRIVILEGED,
	  "     every capability, no seccomp, no masked paths (dangerous)" },
	{ "security-opt", 0, true, O_SECURITY_OPT,
	  "OPT seccomp=unconfined|FILE, no-new-privileges=true|false, apparmor=PROFILE" },
	{ "memory", 'm', true, O_MEMORY,
	  "SIZE     memory limit, e.g. 256m or 1g (swap off unless --memory-swap)" },
	{ "memory-swap", 0, true, O_MEMORY_SWAP,
	  "SIZE memory plus swap, or -1 for unlimited swap" },
	{ "cpus", 0, true, O_CPUS, "N          CPU quota in CPUs, e.g. 0.5 for half of one CPU" },
	{ "cpu-shares", 'c', true, O_CPU_SHARES,
	  "N    relative CPU weight when CPUs are busy (default 1024)" },
	{ "pids-limit", 0, true, O_PIDS_LIMIT,
	  "N    most processes and threads at once (-1: unlimited)" },
	{ "sample-interval", 0, true, O_SAMPLE_INTERVAL,
	  "S  seconds between resource.sample events (default 1)" },
	{ "userns", 0, true, O_USERNS,
	  "auto|host  auto: a user namespace, root inside = uid 100000 outside (rootless: "
	  "always)" },
	{ "uidmap", 0, true, O_UIDMAP,
	  "IN:OUT:N   map uids IN.. inside to OUT.. outside (implies a user namespace)" },
	{ "gidmap", 0, true, O_GIDMAP, "IN:OUT:N   the same for gids (default: as --uidmap)" },
	{ "init", 0, false, O_INIT,
	  "           run glassbox-init as PID 1: it reaps zombies and forwards signals" },
	{ "detach-keys", 0, true, O_DETACH_KEYS,
	  "KEYS keys that detach from a -t container (default ctrl-p,ctrl-q)" },
	/* No help line: hands the container our terminal, so it can type into our shell. */
	{ "unsafe-pass-terminal", 0, false, O_UNSAFE_PASS_TERMINAL, NULL },
	{ "restart", 0, true, O_RESTART,
	  "POLICY  no, always, on-failure[:N], unless-stopped: the monitor starts it again" },
	{ "health-cmd", 0, true, O_HEALTH_CMD,
	  "CMD  the healthcheck: a shell command run inside (exit 0 = healthy)" },
	{ "health-interval", 0, true, O_HEALTH_INTERVAL,
	  "D time between two healthchecks, e.g. 30s, 500ms (default 30s)" },
	{ "health-timeout", 0, true, O_HEALTH_TIMEOUT,
	  "D  a healthcheck running longer is killed and failed (default 30s)" },
	{ "health-retries", 0, true, O_HEALTH_RETRIES,
	  "N  failures in a row that make it unhealthy (default 3)" },
	{ "health-start-period", 0, true, O_HEALTH_START_PERIOD,
	  "D  failures in this first time do not count (default 0s)" },
	{ "no-healthcheck", 0, false, O_NO_HEALTHCHECK, "   no healthcheck (nor the image's)" },
	{ "health-start-interval", 0, true, O_HEALTH_START_INTERVAL,
	  "D  time between healthchecks in the start period, until one passes (default: the "
	  "interval)" },
	{ "cpuset-cpus", 0, true, O_CPUSET_CPUS,
	  "LIST  the CPUs it may run on, e.g. 0-1 or 0,2 (the cpuset controller)" },
	{ "cpuset-mems", 0, true, O_CPUSET_MEMS,
	  "LIST  the memory nodes it may allocate from, e.g. 0 (NUMA hosts)" },
	{ "device-cgroup-rule", 0, true, O_DEVICE_CGROUP_RULE,
	  "'c 1:3 rwm'  allow a device (type a|c|b, MAJOR:MINOR or *, access rwm) beyond "
	  "Docker's default list" },
	{ "pull", 0, true, O_PULL,
	  "WHEN      pull the image: missing (the default: when it is not here), always, never" },
};

/* --cpuset-cpus/--cpuset-mems (issue 14): a list the kernel's cpuset files take. */
static int cpuset_option(struct gb_config *c, const struct opt *o, const char *val,
			 struct gb_err *err)
{
	char flag[32];
	snprintf(flag, sizeof flag, "--%s", o->name);
	if (gb_cpuset_check_list(val, flag, err) < 0)
		return -EINVAL;
	char *dst = o->id == O_CPUSET_CPUS ? c->cpuset_cpus : c->cpuset_mems;
	snprintf(dst, sizeof c->cpuset_cpus, "%s", val);
	return 0;
}

/* storage (issue 5): -v, --mount, --tmpfs each add one mount */
static int add_mount(struct gb_config *c, enum opt_id id, const char *val, struct gb_err *err)
{
	if (c->nmounts >= GB_MOUNTS_MAX)
		return gb_err_set(err, E2BIG, "", "too many mounts (at most %d)", GB_MOUNTS_MAX);
	struct gb_mount *m = &c->mounts[c->nmounts];
	int r = id == O_VOLUME	? gb_mount_parse_volume(val, m, err)
		: id == O_MOUNT ? gb_mount_parse_mount(val, m, err)
				: gb_mount_parse_tmpfs(val, m, err);
	if (r < 0)
		return r;
	for (int i = 0; i < c->nmounts; i++)
		if (strcmp(c->mounts[i].target, m->target) == 0)
			return gb_err_set(err, EINVAL, "",
					  "two mounts on %s: give each target once", m->target);
	c->nmounts++;
	return 0;
}

void gb_args_usage(void)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(opts); i++) {
		if (!opts[i].help)
			continue;
		if (opts[i].short_name)
			printf("  -%c, --%s %s\n", opts[i].short_name, opts[i].name, opts[i].help);
		else
			printf("      --%s %s\n", opts[i].name, opts[i].help);
	}
}

int gb_args_parse_seconds(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > INT_MAX / 1000)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int bad(struct gb_err *err, const char *opt, const char *val, const char *fix)
{
	int r = gb_err_set(err, EINVAL, "", "invalid value for --%s: '%s'", opt, val);
	gb_err_hint(err, "%s", fix);
	return r;
}

static int host_only(const char *opt, const char *val, bool *flag, struct gb_err *err)
{
	if (strcmp(val, "host") == 0) {
		*flag = true;
		return 0;
	}
	if (strcmp(val, "private") == 0 || strcmp(val, "") == 0) {
		*flag = false;
		return 0;
	}
	return bad(err, opt, val, "use host (share the host's namespace) or private (the default)");
}

/* Each capability name is checked when given: an unknown one stops the command here. */
static int cap_option(struct gb_config *c, const struct opt *o, const char *val, struct gb_err *err)
{
	int cap;
	if (strcasecmp(val, "ALL") != 0 && gb_caps_from_name(val, &cap, err) < 0)
		return -EINVAL;
	char ***list = o->id == O_CAP_ADD ? &c->cap_add : &c->cap_drop;
	return gb_strv_push(list, val) < 0 ? gb_err_set(err, ENOMEM, "", "out of memory") : 0;
}

/* --device-cgroup-rule: checked when given, kept as written (the state stores it). */
static int device_rule_option(struct gb_config *c, const char *val, struct gb_err *err)
{
	struct gb_dev_rule rule;
	if (gb_devrule_parse(val, &rule, err) < 0)
		return -EINVAL;
	return gb_strv_push(&c->device_cgroup_rules, val) < 0
		       ? gb_err_set(err, ENOMEM, "", "out of memory")
		       : 0;
}

/* apparmor=PROFILE (Docker's spelling, also apparmor:PROFILE): a profile name the kernel
 * must have loaded; "unconfined" asks for none. Checked by the kernel at the start. */
static int apparmor_opt(struct gb_config *c, const char *v, struct gb_err *err)
{
	if (!v[0] || strlen(v) >= sizeof c->apparmor || strchr(v, '\n'))
		return bad(err, "security-opt", "apparmor=",
			   "give the name of a loaded profile (apparmor_parser -r FILE loads "
			   "one), or apparmor=unconfined");
	snprintf(c->apparmor, sizeof c->apparmor, "%s", v);
	return 0;
}

/* Docker's --security-opt: seccomp=unconfined|FILE, no-new-privileges[=true|false],
 * apparmor=PROFILE. */
static int security_opt(struct gb_config *c, const char *val, struct gb_err *err)
{
	if (strncmp(val, "apparmor=", 9) == 0 || strncmp(val, "apparmor:", 9) == 0)
		return apparmor_opt(c, val + 9, err);
	if (strncmp(val, "seccomp=", 8) == 0) {
		const char *v = val + 8;
		if (strcmp(v, "unconfined") == 0 || strcmp(v, "default") == 0) {
			snprintf(c->seccomp, sizeof c->seccomp, "%s",
				 strcmp(v, "default") ? v : "");
			return 0;
		}
		/* Start may run from another directory: keep the absolute path. */
		char abs[PATH_MAX];
		if (!realpath(v, abs)) {
			int r = gb_err_set(err, errno, "realpath",
					   "cannot find the seccomp profile %s", v);
			gb_err_hint(
				err,
				"give a JSON profile in Docker's format, or seccomp=unconfined");
			return r;
		}
		snprintf(c->seccomp, sizeof c->seccomp, "%s", abs);
		return 0;
	}
	if (strcmp(val, "no-new-privileges") == 0 || strcmp(val, "no-new-privileges=true") == 0 ||
	    strcmp(val, "no-new-privileges:true") == 0) {
		c->no_new_privs_off = false;
		return 0;
	}
	if (strcmp(val, "no-new-privileges=false") == 0 ||
	    strcmp(val, "no-new-privileges:false") == 0) {
		c->no_new_privs_off = true;
		return 0;
	}
	return bad(err, "security-opt", val,
		   "use seccomp=unconfined, seccomp=PROFILE.json, no-new-privileges=true|false "
		   "or apparmor=PROFILE");
}

/* Podman's spelling: --userns=auto|host, --uidmap/--gidmap INSIDE:OUTSIDE:COUNT (given
 * again or comma-separated for more ranges). */
static int userns_option(struct gb_config *c, const struct opt *o, const char *val,
			 struct gb_err *err)
{
	if (o->id == O_USERNS) {
		if (strcmp(val, "auto") && strcmp(val, "host") && strcmp(val, ""))
			return bad(err, o->name, val,
				   "use auto (a user namespace with a map glassbox picks) "
				   "or host (none); give your own map with --uidmap");
		snprintf(c->userns, sizeof c->userns, "%s", val);
		return 0;
	}
	struct gb_idmap *m = o->id == O_UIDMAP ? &c->uid_map : &c->gid_map;
	char spec[512];
	gb_userns_map_spec(m, spec, sizeof spec);
	snprintf(spec + strlen(spec), sizeof spec - strlen(spec), "%s%s", spec[0] ? "," : "", val);
	return gb_userns_parse_map(spec, m, err) < 0 ? -EINVAL : 0;
}

/* Docker's --health-* flags (core/engine/health.h). */
static int health_duration(const char *opt, const char *val, bool zero_ok, double *out,
			   struct gb_err *err)
{
	double v;
	if (gb_health_parse_duration(val, &v) < 0 || (!zero_ok && v <= 0) || v > 86400 * 365)
		return bad(err, opt, val, "give a duration with its unit, e.g. 30s, 1m30s, 500ms");
	*out = v;
	return 0;
}

static int health_option(struct gb_config *c, const struct opt *o, const char *val,
			 struct gb_err *err)
{
	struct gb_healthcheck *h = &c->health;
	if (o->id != O_NO_HEALTHCHECK && h->disabled)
		return gb_err_set(err, EINVAL, "",
				  "--no-healthcheck and --%s exclude each other: choose one",
				  o->name);
	switch ((int)o->id) {
	case O_HEALTH_CMD: {
		char *argv[] = { "/bin/sh", "-c", (char *)val, NULL };
		gb_strv_free(h->test);
		h->test = gb_strv_dup(argv);
		return h->test ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
	}
	case O_HEALTH_INTERVAL:
		return health_duration("--health-interval", val, false, &h->interval, err);
	case O_HEALTH_TIMEOUT:
		return health_duration("--health-timeout", val, false, &h->timeout, err);
	case O_HEALTH_START_PERIOD:
		return health_duration("--health-start-period", val, true, &h->start_period, err);
	case O_HEALTH_START_INTERVAL:
		return health_duration("--health-start-interval", val, false, &h->start_interval,
				       err);
	case O_HEALTH_RETRIES: {
		char *end;
		long v = strtol(val, &end, 10);
		if (end == val || *end || v < 0 || v > 1000000)
			return bad(err, "health-retries", val, "give a whole number, e.g. 3");
		h->retries = (int)v;
		return 0;
	}
	}
	if (h->test)
		return gb_err_set(
			err, EINVAL, "",
			"--no-healthcheck and --health-cmd exclude each other: choose one");
	h->disabled = true;
	return 0;
}

static int apply(struct gb_run_args *a, const struct opt *o, const char *val, bool create_only,
		 struct gb_err *err)
{
	struct gb_config *c = &a->cfg;
	int n;
	switch (o->id) {
	case O_NAME:
		if (!gb_name_valid(val))
			return bad(err, o->name, val,
				   "names are 1-63 letters, digits, '_', '.', '-', starting with a "
				   "letter or digit");
		snprintf(c->name, sizeof c->name, "%s", val);
		return 0;
	case O_HOSTNAME:
		if (!gb_hostname_valid(val))
			return bad(err, o->name, val,
				   "a host name is letters, digits and '-' in dot-separated "
				   "labels, at most 64 characters");
		snprintf(c->hostname, sizeof c->hostname, "%s", val);
		return 0;
	case O_ENV:
		if (!gb_env_valid(val))
			return bad(err, o->name, val,
				   "write it as KEY=VALUE, KEY made of letters, digits and '_'");
		return gb_strv_push(&c->env, val) < 0 ? gb_err_set(err, ENOMEM, "", "out of memory")
						      : 0;
	case O_WORKDIR:
		if (val[0] != '/' || strlen(val) >= sizeof c->workdir)
			return bad(err, o->name, val,
				   "the working directory must be an absolute path inside the "
				   "container");
		snprintf(c->workdir, sizeof c->workdir, "%s", val);
		return 0;
	case O_USER:
		if (!gb_user_spec_valid(val))
			return bad(err, o->name, val,
				   "write USER, UID, USER:GROUP or UID:GID, e.g. --user nobody or "
				   "--user 1000:1000");
		snprintf(c->user, sizeof c->user, "%s", val);
		return 0;
	case O_RM:
	case O_DETACH:
		if (create_only)
			return gb_err_set(err, EINVAL, "",
					  "--%s makes no sense for create: use it with run",
					  o->name);
		if (o->id == O_RM)
			c->rm = true;
		else
			a->detach = true;
		return 0;
	case O_STEP: a->step = true; return 0;
	case O_STEP_FD: {
		char *end;
		long fd = strtol(val, &end, 10);
		if (*end || end == val || fd < 0 || fd > INT_MAX)
			return bad(err, o->name, val,
				   "give an open file descriptor number, e.g. --step-fd 3");
		a->step_fd = (int)fd;
		return 0;
	}
	case O_EVENTS: a->events = val; return 0;
	case O_PID: return host_only(o->name, val, &c->host_pid, err);
	case O_UTS: return host_only(o->name, val, &c->host_uts, err);
	case O_IPC: return host_only(o->name, val, &c->host_ipc, err);
	case O_NETWORK:
		if (strcmp(val, "none") == 0) {
			c->host_net = false;
			a->net_none = true;
			return 0;
		}
		if (strcmp(val, "host") && strcmp(val, "private") && strcmp(val, ""))
			return gb_strv_push(&c->networks, val) < 0
				       ? gb_err_set(err, ENOMEM, "", "out of memory")
				       : 0;
		return host_only("network", val, &c->host_net, err);
	case O_NETWORK_ALIAS:
		return gb_strv_push(&c->net_aliases, val) < 0
			       ? gb_err_set(err, ENOMEM, "", "out of memory")
			       : 0;
	case O_PUBLISH:
		return gb_strv_push(&c->publish, val) < 0
			       ? gb_err_set(err, ENOMEM, "", "out of memory")
			       : 0;
	case O_ENTRYPOINT:
		gb_strv_free(c->entrypoint);
		c->entrypoint = NULL;
		if (gb_strv_push(&c->entrypoint, val) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
		return 0;
	case O_STOP_SIGNAL:
		if (gb_signal_parse(val) < 0)
			return bad(err, o->name, val,
				   "use a signal name like SIGTERM, SIGQUIT or a number like 15");
		snprintf(c->stop_signal, sizeof c->stop_signal, "%s",
			 gb_signal_name(gb_signal_parse(val)));
		return 0;
	case O_STOP_TIMEOUT:
		if (gb_args_parse_seconds(val, &n) < 0)
			return bad(err, o->name, val,
				   "give a whole number of seconds, e.g. --stop-timeout 10");
		c->stop_timeout = n;
		return 0;
	case O_INTERACTIVE: c->interactive = true; return 0;
	case O_TTY: c->tty = true; return 0;
	case O_DETACH_KEYS: {
		unsigned char keys[16];
		size_t nk;
		if (gb_detach_keys_parse(val, keys, &nk, sizeof keys, err) < 0)
			return -EINVAL;
		a->detach_keys = val;
		return 0;
	}
	case O_UNSAFE_PASS_TERMINAL: c->unsafe_pass_terminal = true; return 0;
	case O_QUIET: a->quiet = true; return 0;
	case O_VOLUME: /* storage (issue 5) */
	case O_MOUNT:
	case O_TMPFS: return add_mount(c, o->id, val, err);
	case O_READ_ONLY: c->read_only = true; return 0;
	case O_ROOTFS_MODE: /* lab 04: the chroot escape */
		if (strcmp(val, "chroot") && strcmp(val, "pivot_root"))
			return bad(err, o->name, val,
				   "use pivot_root (the default) or chroot (lab 04's escapable "
				   "negative control)");
		c->rootfs_chroot = strcmp(val, "chroot") == 0;
		return 0;
	case O_CAP_ADD:
	case O_CAP_DROP: return cap_option(c, o, val, err);
	case O_PRIVILEGED: c->privileged = true; return 0;
	case O_SECURITY_OPT: return security_opt(c, val, err);
	case O_MEMORY: return gb_cgroup_parse_memory(val, &c->limits.memory, err);
	case O_MEMORY_SWAP: return gb_cgroup_parse_memory_swap(val, &c->limits.memory_swap, err);
	case O_CPUS:
		return gb_cgroup_parse_cpus(val, (int)sysconf(_SC_NPROCESSORS_ONLN),
					    &c->limits.cpu_quota_us, &c->limits.cpu_period_us, err);
	case O_CPU_SHARES: return gb_cgroup_parse_cpu_shares(val, &c->limits.cpu_shares, err);
	case O_PIDS_LIMIT: return gb_cgroup_parse_pids(val, &c->limits.pids_max, err);
	case O_CPUSET_CPUS:
	case O_CPUSET_MEMS: return cpuset_option(c, o, val, err);
	case O_SAMPLE_INTERVAL: {
		char *end;
		double v = strtod(val, &end);
		if (*end || end == val || !(v >= 0.05 && v <= 3600))
			return bad(
				err, o->name, val,
				"give seconds between 0.05 and 3600, e.g. --sample-interval 0.5");
		c->sample_interval = v;
		return 0;
	}
	case O_USERNS:
	case O_UIDMAP:
	case O_GIDMAP: return userns_option(c, o, val, err);
	case O_INIT: c->init = true; return 0;
	case O_RESTART: {
		struct gb_restart policy;
		if (gb_restart_parse(val, &policy) < 0 || strlen(val) >= sizeof c->restart)
			return bad(err, "restart", val,
				   "no, always, on-failure, on-failure:N or unless-stopped");
		if (a->cfg.rm && policy.kind != GB_RESTART_NO)
			return gb_err_set(err, EINVAL, "",
					  "--restart and --rm exclude each other: choose one");
		snprintf(c->restart, sizeof c->restart, "%s", val);
		return 0;
	}
	case O_HEALTH_CMD:
	case O_HEALTH_INTERVAL:
	case O_HEALTH_TIMEOUT:
	case O_HEALTH_RETRIES:
	case O_HEALTH_START_PERIOD:
	case O_HEALTH_START_INTERVAL:
	case O_NO_HEALTHCHECK: return health_option(c, o, val, err);
	case O_DEVICE_CGROUP_RULE: return device_rule_option(c, val, err);
	case O_PULL:
		if (!strcmp(val, "missing"))
			a->pull = GB_PULL_MISSING;
		else if (!strcmp(val, "always"))
			a->pull = GB_PULL_ALWAYS;
		else if (!strcmp(val, "never"))
			a->pull = GB_PULL_NEVER;
		else
			return bad(err, o->name, val, "use missing (the default), always or never");
		return 0;
	}
	return gb_err_set(err, EINVAL, "", "unhandled option --%s", o->name);
}

static const struct opt *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(opts); i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

static const struct opt *find_short(char ch)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(opts); i++)
		if (opts[i].short_name == ch)
			return &opts[i];
	return NULL;
}

static int unknown(struct gb_err *err, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "unknown option %s", what);
	gb_err_hint(err, "`glassbox run --help` lists the options");
	return r;
}

static int missing(struct gb_err *err, const char *name)
{
	int r = gb_err_set(err, EINVAL, "", "option --%s needs a value", name);
	gb_err_hint(err, "write --%s VALUE or --%s=VALUE", name, name);
	return r;
}

/* Short options may be bundled (-dit); one taking a value ends the bundle (-e K=V or -eK=V). */
static int parse_short(struct gb_run_args *a, int argc, char **argv, int *i, bool create_only,
		       struct gb_err *err)
{
	const char *s = argv[*i] + 1;
	for (; *s; s++) {
		const struct opt *o = find_short(*s);
		if (!o) {
			char what[8] = { '-', *s, 0 };
			return unknown(err, what);
		}
		if (!o->arg) {
			int r = apply(a, o, "", create_only, err);
			if (r < 0)
				return r;
			continue;
		}
		const char *val = s[1] ? s + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
		if (!val)
			return missing(err, o->name);
		return apply(a, o, val, create_only, err);
	}
	return 0;
}

static int parse_run(int argc, char **argv, bool create_only, struct gb_run_args *out,
		     struct gb_err *err)
{
	memset(out, 0, sizeof *out);
	gb_config_init(&out->cfg);
	out->step_fd = -1;
	out->cfg.env = calloc(1, sizeof *out->cfg.env);
	if (!out->cfg.env)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	int i = 0, r = 0;
	for (; i < argc && r == 0; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0')
			break; /* the image */
		if (arg[1] != '-') {
			r = parse_short(out, argc, argv, &i, create_only, err);
			continue;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		const struct opt *o = find_long(name, eq ? (size_t)(eq - name) : strlen(name));
		if (!o) {
			r = unknown(err, arg);
			break;
		}
		const char *val = "";
		if (o->arg) {
			val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!val) {
				r = missing(err, o->name);
				break;
			}
		} else if (eq) {
			r = gb_err_set(err, EINVAL, "", "option --%s takes no value", o->name);
			break;
		}
		r = apply(out, o, val, create_only, err);
	}
	if (r < 0)
		return r;
	if (i >= argc) {
		r = gb_err_set(err, EINVAL, "", "no image given");
		gb_err_hint(err,
			    "write the image after the options: glassbox run busybox echo hello");
		return r;
	}
	snprintf(out->cfg.image, sizeof out->cfg.image, "%s", argv[i++]);
	out->cfg.cmd = gb_strv_dup(argv + i);
	if (!out->cfg.cmd)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	/* Flags that only make sense together are checked before anything is created. */
	if (gb_cgroup_limits_check(&out->cfg.limits, err) < 0)
		return -EINVAL;
	if (gb_net_container_config_check(&out->cfg, out->net_none, err) < 0)
		return -EINVAL;
	if (out->step && out->step_fd >= 0)
		return gb_err_set(err, EINVAL, "",
				  "--step and --step-fd exclude each other: choose one");
	/* The user namespace's maps (rootless: always one), and why not when the kernel says no. */
	if (gb_userns_resolve(&out->cfg, err) < 0)
		return -EINVAL;
	if (gb_cgroup_container_check(&out->cfg.limits, err) < 0)
		return -EPERM; /* rootless limits: only below a delegated cgroup */
	if ((out->cfg.cpuset_cpus[0] || out->cfg.cpuset_mems[0]) && !gb_cgroup_container_wanted())
		return gb_err_set(
			err, EPERM, "",
			"--cpuset-cpus/--cpuset-mems need a cgroup: run as root, or below "
			"a cgroup delegated to you (`glassbox host-check` shows whether "
			"there is one)");
	/* Resolve capabilities and read the seccomp profile now: a malformed profile is an
	 * error before anything is created. */
	r = gb_confine_check(&out->cfg, err);
	if (r < 0)
		return r;
	if (out->cfg.unsafe_pass_terminal && !out->quiet)
		fprintf(stderr, "glassbox: warning: --unsafe-pass-terminal hands the container "
				"your terminal and "
				"session: it can type commands into your shell (TIOCSTI). Lab 16's "
				"negative control only\n");
	if (out->cfg.privileged && !out->quiet)
		fprintf(stderr,
			"glassbox: warning: --privileged gives the container every capability, "
			"no seccomp filter and no masked paths: root inside can take over the "
			"host\n");
	return 0;
}

/* A refused command line leaves nothing allocated (gb_args_free may still be called). */
int gb_args_parse_run(int argc, char **argv, bool create_only, struct gb_run_args *out,
		      struct gb_err *err)
{
	int r = parse_run(argc, argv, create_only, out, err);
	if (r < 0)
		gb_args_free(out);
	return r;
}

void gb_args_free(struct gb_run_args *a)
{
	gb_config_free(&a->cfg);
}

bool gb_args_flag(char **argv, int argc, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n))
		return false;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return true;
	}
	if (argv[*i][n] || *i + 1 >= argc)
		return false;
	*out = argv[++*i];
	return true;
}

int gb_args_global_root(int argc, char **argv, int *i, const char **root, const char **data_root)
{
	if (gb_args_flag(argv, argc, i, "--root", root) ||
	    gb_args_flag(argv, argc, i, "--data-root", data_root))
		return 1;
	return !strcmp(argv[*i], "--root") || !strcmp(argv[*i], "--data-root") ? -1 : 0;
}
