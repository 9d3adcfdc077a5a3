/* Container configuration: validation and (de)serialization. */
#include "state/config.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gb_config_init(struct gb_config *c)
{
	/* Empty strings and NULL vectors mean "not given": the image fills them in. */
	memset(c, 0, sizeof *c);
	c->stop_timeout = 10; /* Docker's default grace period */
}

void gb_config_free(struct gb_config *c)
{
	gb_strv_free(c->entrypoint);
	gb_strv_free(c->cmd);
	gb_strv_free(c->env);
	gb_strv_free(c->cap_add);
	gb_strv_free(c->cap_drop);
	c->entrypoint = c->cmd = c->env = c->cap_add = c->cap_drop = NULL;
	gb_strv_free(c->networks);
	gb_strv_free(c->net_aliases);
	gb_strv_free(c->publish);
	c->networks = c->net_aliases = c->publish = NULL;
	gb_strv_free(c->health.test);
	c->health.test = NULL;
	gb_strv_free(c->device_cgroup_rules);
	c->device_cgroup_rules = NULL;
}

char **gb_config_argv(const struct gb_config *c)
{
	size_t ne = gb_strv_len(c->entrypoint), nc = gb_strv_len(c->cmd);
	char **v = calloc(ne + nc + 1, sizeof *v);
	if (!v)
		return NULL;
	for (size_t i = 0; i < ne + nc; i++) {
		v[i] = strdup(i < ne ? c->entrypoint[i] : c->cmd[i - ne]);
		if (!v[i]) {
			gb_strv_free(v);
			return NULL;
		}
	}
	return v;
}

/* The user namespace block: the maps as --uidmap spells them ("0:100000:65536,..."). */
static void userns_to_json(const struct gb_config *c, struct gb_json *j)
{
	char text[256];
	gb_json_obj_begin(j, "userns");
	gb_json_str(j, "mode", c->userns);
	gb_userns_map_spec(&c->uid_map, text, sizeof text);
	gb_json_str(j, "uid_map", text);
	gb_userns_map_spec(&c->gid_map, text, sizeof text);
	gb_json_str(j, "gid_map", text);
	gb_json_obj_end(j);
}

static int userns_from_json(struct gb_config *c, const struct gb_jval *o, struct gb_err *err)
{
	const struct gb_jval *u = gb_jget(o, "userns");
	const char *um = gb_jstr(u, "uid_map", ""), *gm = gb_jstr(u, "gid_map", "");
	snprintf(c->userns, sizeof c->userns, "%s", gb_jstr(u, "mode", ""));
	if (*um && gb_userns_parse_map(um, &c->uid_map, err) < 0)
		return -EINVAL;
	if (*gm && gb_userns_parse_map(gm, &c->gid_map, err) < 0)
		return -EINVAL;
	return 0;
}

/* The healthcheck (core/engine/health.h), only when there is one. */
static void health_to_json(const struct gb_healthcheck *h, struct gb_json *j)
{
	if (!h->test)
		return;
	gb_json_obj_begin(j, "healthcheck");
	gb_json_strv(j, "test", h->test);
	gb_json_double(j, "interval", h->interval, 3);
	gb_json_double(j, "timeout", h->timeout, 3);
	gb_json_int(j, "retries", h->retries);
	gb_json_double(j, "start_period", h->start_period, 3);
	gb_json_double(j, "start_interval", h->start_interval, 3);
	gb_json_obj_end(j);
}

static void health_from_json(struct gb_healthcheck *h, const struct gb_jval *o)
{
	if (!o || !gb_jget(o, "test"))
		return;
	h->test = gb_jstrv(gb_jget(o, "test"));
	h->interval = gb_jnum(o, "interval", 0);
	h->timeout = gb_jnum(o, "timeout", 0);
	h->retries = (int)gb_jint(o, "retries", 0);
	h->start_period = gb_jnum(o, "start_period", 0);
	h->start_interval = gb_jnum(o, "start_interval", 0);
}

void gb_config_to_json(const struct gb_config *c, struct gb_json *j)
{
	gb_json_str(j, "id", c->id);
	gb_json_str(j, "name", c->name);
	gb_json_str(j, "image", c->image);
	if (c->entrypoint)
		gb_json_strv(j, "entrypoint", c->entrypoint);
	gb_json_strv(j, "cmd", c->cmd);
	gb_json_strv(j, "env", c->env);
	gb_json_str(j, "hostname", c->hostname);
	gb_json_str(j, "workdir", c->workdir);
	gb_json_str(j, "user", c->user);
	gb_json_str(j, "stop_signal", c->stop_signal);
	gb_json_int(j, "stop_timeout", c->stop_timeout);
	gb_json_bool(j, "rm", c->rm);
	gb_json_bool(j, "init", c->init);
	gb_json_bool(j, "interactive", c->interactive); /* terminal (issue 18) */
	gb_json_bool(j, "tty", c->tty);
	if (c->unsafe_pass_terminal)
		gb_json_bool(j, "unsafe_pass_terminal", true);
	if (c->restart[0])
		gb_json_str(j, "restart", c->restart);
	gb_json_obj_begin(j, "host_namespaces");
	gb_json_bool(j, "pid", c->host_pid);
	gb_json_bool(j, "uts", c->host_uts);
	gb_json_bool(j, "ipc", c->host_ipc);
	gb_json_bool(j, "net", c->host_net);
	gb_json_obj_end(j);
	/* storage (issue 5) */
	gb_json_arr_begin(j, "mounts");
	for (int i = 0; i < c->nmounts; i++)
		gb_mount_to_json(&c->mounts[i], j);
	gb_json_arr_end(j);
	gb_json_bool(j, "read_only", c->read_only);
	/* lab 04's negative control (--rootfs-mode chroot) */
	gb_json_str(j, "rootfs_mode", c->rootfs_chroot ? "chroot" : "pivot_root");
	if (c->rootfs_dir[0])
		gb_json_str(j, "rootfs_dir", c->rootfs_dir);
	if (c->cgroup_path[0])
		gb_json_str(j, "cgroup_path", c->cgroup_path);
	if (c->cpuset_cpus[0]) /* --cpuset-cpus, cpu.cpus (issue 14) */
		gb_json_str(j, "cpuset_cpus", c->cpuset_cpus);
	if (c->cpuset_mems[0])
		gb_json_str(j, "cpuset_mems", c->cpuset_mems);
	gb_json_obj_begin(j, "security");
	gb_json_strv(j, "cap_add", c->cap_add);
	gb_json_strv(j, "cap_drop", c->cap_drop);
	gb_json_bool(j, "privileged", c->privileged);
	gb_json_bool(j, "no_new_privileges", !c->no_new_privs_off);
	gb_json_str(j, "seccomp", c->seccomp[0] ? c->seccomp : "default");
	if (c->apparmor[0])
		gb_json_str(j, "apparmor", c->apparmor);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "resources");
	gb_json_int(j, "memory", c->limits.memory);
	gb_json_int(j, "memory_swap", c->limits.memory_swap);
	gb_json_int(j, "cpu_quota_us", c->limits.cpu_quota_us);
	gb_json_int(j, "cpu_period_us", c->limits.cpu_period_us);
	gb_json_int(j, "cpu_shares", c->limits.cpu_shares);
	gb_json_int(j, "pids_limit", c->limits.pids_max);
	gb_json_double(j, "sample_interval", c->sample_interval, 3);
	if (c->device_cgroup_rules)
		gb_json_strv(j, "device_cgroup_rules", c->device_cgroup_rules);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "network");
	gb_json_strv(j, "networks", c->networks);
	gb_json_strv(j, "aliases", c->net_aliases);
	gb_json_strv(j, "publish", c->publish);
	gb_json_obj_end(j);
	userns_to_json(c, j);
	health_to_json(&c->health, j);
	if (c->project[0]) { /* compose: the project, and where its status files go */
		gb_json_obj_begin(j, "compose");
		gb_json_str(j, "project", c->project);
		gb_json_str(j, "service", c->service);
		gb_json_str(j, "status_dir", c->status_dir);
		gb_json_obj_end(j);
	}
}

/* storage (issue 5): the mounts array written by gb_mount_to_json */
static void mounts_from_json(struct gb_config *c, const struct gb_jval *arr)
{
	static const char *const types[] = { "bind", "volume", "tmpfs" };
	for (const struct gb_jval *e = arr ? arr->child : NULL; e && c->nmounts < GB_MOUNTS_MAX;
	     e = e->next) {
		struct gb_mount *m = &c->mounts[c->nmounts++];
		const char *t = gb_jstr(e, "type", "bind");
		for (int k = 0; k < 3; k++)
			if (strcmp(t, types[k]) == 0)
				m->type = (enum gb_mount_type)k;
		snprintf(m->source, sizeof m->source, "%s", gb_jstr(e, "source", ""));
		snprintf(m->target, sizeof m->target, "%s", gb_jstr(e, "target", ""));
		snprintf(m->options, sizeof m->options, "%s", gb_jstr(e, "options", ""));
		m->readonly = gb_jbool(e, "readonly", false);
	}
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int gb_config_from_json(struct gb_config *c, const struct gb_jval *o, struct gb_err *err)
{
	gb_config_init(c);
	if (!o || o->type != GB_JOBJ)
		return gb_err_set(err, EINVAL, "", "container config is not a JSON object");
	copy_str(c->id, sizeof c->id, gb_jstr(o, "id", ""));
	copy_str(c->name, sizeof c->name, gb_jstr(o, "name", ""));
	copy_str(c->image, sizeof c->image, gb_jstr(o, "image", ""));
	copy_str(c->hostname, sizeof c->hostname, gb_jstr(o, "hostname", ""));
	copy_str(c->workdir, sizeof c->workdir, gb_jstr(o, "workdir", "/"));
	copy_str(c->user, sizeof c->user, gb_jstr(o, "user", ""));
	copy_str(c->stop_signal, sizeof c->stop_signal, gb_jstr(o, "stop_signal", "SIGTERM"));
	c->stop_timeout = (int)gb_jint(o, "stop_timeout", 10);
	c->rm = gb_jbool(o, "rm", false);
	c->init = gb_jbool(o, "init", false);
	c->interactive = gb_jbool(o, "interactive", false); /* terminal (issue 18) */
	c->tty = gb_jbool(o, "tty", false);
	c->unsafe_pass_terminal = gb_jbool(o, "unsafe_pass_terminal", false);
	snprintf(c->restart, sizeof c->restart, "%s", gb_jstr(o, "restart", ""));
	if (gb_jget(o, "entrypoint"))
		c->entrypoint = gb_jstrv(gb_jget(o, "entrypoint"));
	c->cmd = gb_jstrv(gb_jget(o, "cmd"));
	c->env = gb_jstrv(gb_jget(o, "env"));
	const struct gb_jval *h = gb_jget(o, "host_namespaces");
	c->host_pid = gb_jbool(h, "pid", false);
	c->host_uts = gb_jbool(h, "uts", false);
	c->host_ipc = gb_jbool(h, "ipc", false);
	c->host_net = gb_jbool(h, "net", false);
	mounts_from_json(c, gb_jget(o, "mounts")); /* storage (issue 5) */
	c->read_only = gb_jbool(o, "read_only", false);
	/* lab 04's negative control (--rootfs-mode chroot) */
	c->rootfs_chroot = strcmp(gb_jstr(o, "rootfs_mode", "pivot_root"), "chroot") == 0;
	copy_str(c->rootfs_dir, sizeof c->rootfs_dir, gb_jstr(o, "rootfs_dir", ""));
	copy_str(c->cgroup_path, sizeof c->cgroup_path, gb_jstr(o, "cgroup_path", ""));
	copy_str(c->cpuset_cpus, sizeof c->cpuset_cpus, gb_jstr(o, "cpuset_cpus", ""));
	copy_str(c->cpuset_mems, sizeof c->cpuset_mems, gb_jstr(o, "cpuset_mems", ""));
	const struct gb_jval *sec = gb_jget(o, "security");
	if (sec && gb_jget(sec, "cap_add"))
		c->cap_add = gb_jstrv(gb_jget(sec, "cap_add"));
	if (sec && gb_jget(sec, "cap_drop"))
		c->cap_drop = gb_jstrv(gb_jget(sec, "cap_drop"));
	c->privileged = gb_jbool(sec, "privileged", false);
	c->no_new_privs_off = !gb_jbool(sec, "no_new_privileges", true);
	const char *sc = gb_jstr(sec, "seccomp", "default");
	copy_str(c->seccomp, sizeof c->seccomp, strcmp(sc, "default") == 0 ? "" : sc);
	copy_str(c->apparmor, sizeof c->apparmor, gb_jstr(sec, "apparmor", ""));
	const struct gb_jval *res = gb_jget(o, "resources");
	c->limits.memory = gb_jint(res, "memory", 0);
	c->limits.memory_swap = gb_jint(res, "memory_swap", 0);
	c->limits.cpu_quota_us = gb_jint(res, "cpu_quota_us", 0);
	c->limits.cpu_period_us = gb_jint(res, "cpu_period_us", 0);
	c->limits.cpu_shares = gb_jint(res, "cpu_shares", 0);
	c->limits.pids_max = gb_jint(res, "pids_limit", 0);
	c->sample_interval = gb_jnum(res, "sample_interval", 0);
	if (gb_jget(res, "device_cgroup_rules"))
		c->device_cgroup_rules = gb_jstrv(gb_jget(res, "device_cgroup_rules"));
	const struct gb_jval *net = gb_jget(o, "network");
	c->networks = gb_jstrv(gb_jget(net, "networks"));
	c->net_aliases = gb_jstrv(gb_jget(net, "aliases"));
	c->publish = gb_jstrv(gb_jget(net, "publish"));
	health_from_json(&c->health, gb_jget(o, "healthcheck"));
	const struct gb_jval *cp = gb_jget(o, "compose");
	copy_str(c->project, sizeof c->project, gb_jstr(cp, "project", ""));
	copy_str(c->service, sizeof c->service, gb_jstr(cp, "service", ""));
	copy_str(c->status_dir, sizeof c->status_dir, gb_jstr(cp, "status_dir", ""));
	if (!c->cmd || !c->env)
		return gb_err_set(err, ENOMEM, "", "out of memory reading the config");
	return userns_from_json(c, o, err);
}

/* Docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool gb_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > GB_NAME_MAX || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/* RFC 1123 host name: labels of letters, digits and '-', not starting or ending in '-'. */
bool gb_hostname_valid(const char *name)
{
	size_t n = strlen(name), label = 0;
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		if (ch == '.') {
			if (label == 0 || name[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)ch) && ch != '-')
			return false;
		if (ch == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return name[n - 1] != '-' && name[n - 1] != '.';
}

bool gb_env_valid(const char *kv)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv)
		return false;
	for (const char *p = kv; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	return !isdigit((unsigned char)kv[0]);
}

static const struct {
	int num;
	const char *name;
} signals[] = {
	{ SIGHUP, "SIGHUP" },	    { SIGINT, "SIGINT" },	{ SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	    { SIGTRAP, "SIGTRAP" },	{ SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	    { SIGFPE, "SIGFPE" },	{ SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	    { SIGSEGV, "SIGSEGV" },	{ SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	    { SIGALRM, "SIGALRM" },	{ SIGTERM, "SIGTERM" },
	{ SIGSTKFLT, "SIGSTKFLT" }, { SIGCHLD, "SIGCHLD" },	{ SIGCONT, "SIGCONT" },
	{ SIGSTOP, "SIGSTOP" },	    { SIGTSTP, "SIGTSTP" },	{ SIGTTIN, "SIGTTIN" },
	{ SIGTTOU, "SIGTTOU" },	    { SIGURG, "SIGURG" },	{ SIGXCPU, "SIGXCPU" },
	{ SIGXFSZ, "SIGXFSZ" },	    { SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" },
	{ SIGWINCH, "SIGWINCH" },   { SIGIO, "SIGIO" },		{ SIGPWR, "SIGPWR" },
	{ SIGSYS, "SIGSYS" },
};

int gb_signal_parse(const char *s)
{
	if (!s || !*s)
		return -EINVAL;
	if (isdigit((unsigned char)s[0])) {
		char *end;
		long n = strtol(s, &end, 10);
		return (*end || n < 1 || n > SIGRTMAX) ? -EINVAL : (int)n;
	}
	char buf[32];
	snprintf(buf, sizeof buf, "%s%s", strncasecmp(s, "SIG", 3) ? "SIG" : "", s);
	for (char *p = buf; *p; p++)
		*p = toupper((unsigned char)*p);
	for (size_t i = 0; i < GB_ARRAY_LEN(signals); i++)
		if (strcmp(buf, signals[i].name) == 0)
			return signals[i].num;
	if (strncmp(buf, "SIGRTMIN+", 9) == 0) {
		int n = atoi(buf + 9);
		if (SIGRTMIN + n <= SIGRTMAX)
			return SIGRTMIN + n;
	}
	return -EINVAL;
}

const char *gb_signal_name(int sig)
{
	static __thread char buf[16];
	for (size_t i = 0; i < GB_ARRAY_LEN(signals); i++)
		if (signals[i].num == sig)
			return signals[i].name;
	snprintf(buf, sizeof buf, "SIG%d", sig);
	return buf;
}
