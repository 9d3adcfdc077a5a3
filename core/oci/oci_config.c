/* config.json -> struct gb_config (oci_config.h). Each part of the spec has its function;
 * unknown members are ignored, as the spec asks, and a member of the wrong type is refused
 * with its JSON path, so the client's log says which line of config.json to fix. */
#include "oci/oci_config.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "cgroup/cgroup.h"
#include "cgroup/cpuset.h"
#include "oci/oci_devices.h"

static int bad(struct gb_err *err, const char *path, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "config.json: %s %s", path, what);
	gb_err_hint(err, "fix %s in the bundle's config.json (runtime-spec 1.0-1.2)", path);
	return r;
}

/* Absent is fine (NULL); present with another type is an error. */
static int member(const struct gb_jval *o, const char *key, enum gb_jtype t, const char *path,
		  const struct gb_jval **out, struct gb_err *err)
{
	*out = o ? gb_jget(o, key) : NULL;
	if (*out && (*out)->type == GB_JNULL)
		*out = NULL;
	if (*out && (*out)->type != t)
		return bad(err, path,
			   t == GB_JOBJ	   ? "must be an object"
			   : t == GB_JARR  ? "must be an array"
			   : t == GB_JSTR  ? "must be a string"
			   : t == GB_JBOOL ? "must be true or false"
					   : "must be a number");
	return 0;
}

static int strings(const struct gb_jval *arr, const char *path, char ***out, struct gb_err *err)
{
	for (const struct gb_jval *v = arr ? arr->child : NULL; v; v = v->next)
		if (v->type != GB_JSTR)
			return bad(err, path, "must hold only strings");
	*out = arr ? gb_jstrv(arr) : calloc(1, sizeof(char *));
	return *out ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* ------------------------------------------------------------ process */

static int parse_user(const struct gb_jval *p, struct gb_config *c, struct gb_err *err)
{
	const struct gb_jval *u;
	int r = member(p, "user", GB_JOBJ, "process.user", &u, err);
	if (r < 0 || !u)
		return r;
	long long uid = gb_jint(u, "uid", 0), gid = gb_jint(u, "gid", 0);
	if (uid < 0 || gid < 0 || uid > 0xfffffffe || gid > 0xfffffffe)
		return bad(err, "process.user.uid/gid", "must be between 0 and 4294967294");
	const struct gb_jval *extra;
	r = member(u, "additionalGids", GB_JARR, "process.user.additionalGids", &extra, err);
	if (r < 0)
		return r;
	if (uid || gid || (extra && extra->n))
		snprintf(c->user, sizeof c->user, "%lld:%lld", uid, gid);
	/* The engine's user spec takes them as a third field, UID:GID:G1,G2 (core/engine/
	 * user.c): setgroups(2) with exactly these, as runc does. */
	for (const struct gb_jval *e = extra ? extra->child : NULL; e; e = e->next) {
		long long g = gb_jval_int(e, -1);
		size_t n = strlen(c->user);
		if (e->type != GB_JNUM || g < 0 || g > 0x7fffffff)
			return bad(err, "process.user.additionalGids", "must hold group ids");
		if (snprintf(c->user + n, sizeof c->user - n, "%c%lld",
			     e == extra->child ? ':' : ',', g) >= (int)(sizeof c->user - n))
			return bad(err, "process.user.additionalGids",
				   "has more groups than glassbox keeps (about 6)");
	}
	return 0;
}

/* The OCI form lists what the process keeps; glassbox's config says what it drops from its
 * default set: drop ALL, add back the bounding set (the others are subsets of it here). */
static int parse_caps(const struct gb_jval *p, struct gb_config *c, struct gb_oci_extra *x,
		      struct gb_err *err)
{
	const struct gb_jval *caps, *bounding;
	int r = member(p, "capabilities", GB_JOBJ, "process.capabilities", &caps, err);
	if (r == 0)
		r = member(caps, "bounding", GB_JARR, "process.capabilities.bounding", &bounding,
			   err);
	if (r < 0)
		return r;
	r = strings(bounding, "process.capabilities.bounding", &c->cap_add, err);
	if (r < 0)
		return r;
	const struct gb_jval *ambient;
	r = member(caps, "ambient", GB_JARR, "process.capabilities.ambient", &ambient, err);
	if (r == 0)
		r = strings(ambient, "process.capabilities.ambient", &x->cap_ambient, err);
	if (r < 0)
		return r;
	c->cap_ambient = x->cap_ambient;
	c->cap_drop = calloc(2, sizeof(char *));
	if (!c->cap_drop || !(c->cap_drop[0] = strdup("ALL")))
		return gb_err_set(err, ENOMEM, "", "out of memory");
	return 0;
}

static int parse_process_obj(const struct gb_jval *p, struct gb_config *c, struct gb_oci_extra *x,
			     struct gb_err *err);

static int rlimit_number(const char *name)
{
	static const struct {
		const char *name;
		int resource;
	} names[] = {
		{ "RLIMIT_AS", RLIMIT_AS },
		{ "RLIMIT_CORE", RLIMIT_CORE },
		{ "RLIMIT_CPU", RLIMIT_CPU },
		{ "RLIMIT_DATA", RLIMIT_DATA },
		{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
		{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
		{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
		{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
		{ "RLIMIT_NICE", RLIMIT_NICE },
		{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
		{ "RLIMIT_NPROC", RLIMIT_NPROC },
		{ "RLIMIT_RSS", RLIMIT_RSS },
		{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
		{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
		{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
		{ "RLIMIT_STACK", RLIMIT_STACK },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(names[i].name, name))
			return names[i].resource;
	return -1;
}

/* process.rlimits: [{type, soft, hard}], applied by setrlimit(2) before the clone, so
 * PID 1 inherits them across clone and execve. */
static int parse_rlimits(const struct gb_jval *p, struct gb_oci_extra *x, struct gb_err *err)
{
	const struct gb_jval *rl;
	int r = member(p, "rlimits", GB_JARR, "process.rlimits", &rl, err);
	for (const struct gb_jval *e = rl ? rl->child : NULL; r == 0 && e; e = e->next) {
		int res = e->type == GB_JOBJ ? rlimit_number(gb_jstr(e, "type", "")) : -1;
		long long soft = gb_jint(e, "soft", -1), hard = gb_jint(e, "hard", -1);
		if (res < 0)
			return bad(err, "process.rlimits[].type", "must be an RLIMIT_* name");
		if (soft < 0 || hard < 0 || soft > hard)
			return bad(err, "process.rlimits[].soft/hard", "must be 0 <= soft <= hard");
		if (x->nrlimits == (int)(sizeof x->rlimits / sizeof x->rlimits[0]))
			return bad(err, "process.rlimits", "has more than 16 entries");
		x->rlimits[x->nrlimits++] = (struct gb_oci_rlimit){ res, (unsigned long long)soft,
								    (unsigned long long)hard };
	}
	const struct gb_jval *oom;
	if (r == 0)
		r = member(p, "oomScoreAdj", GB_JNUM, "process.oomScoreAdj", &oom, err);
	if (r == 0 && oom) {
		long long v = gb_jval_int(oom, 0);
		if (v < -1000 || v > 1000)
			return bad(err, "process.oomScoreAdj", "must be between -1000 and 1000");
		x->has_oom_score_adj = true;
		x->oom_score_adj = (int)v;
	}
	return r;
}

static int parse_process(const struct gb_jval *root, struct gb_config *c, struct gb_oci_extra *x,
			 struct gb_err *err)
{
	const struct gb_jval *p;
	int r = member(root, "process", GB_JOBJ, "process", &p, err);
	if (r == 0 && !p)
		return bad(err, "process", "is missing: the container needs a command");
	return r < 0 ? r : parse_process_obj(p, c, x, err);
}

static int parse_process_obj(const struct gb_jval *p, struct gb_config *c, struct gb_oci_extra *x,
			     struct gb_err *err)
{
	const struct gb_jval *args, *env;
	int r = member(p, "args", GB_JARR, "process.args", &args, err);
	if (r == 0 && (!args || !args->n))
		return bad(err, "process.args", "is missing or empty: name the command to run");
	if (r == 0)
		r = member(p, "env", GB_JARR, "process.env", &env, err);
	if (r == 0)
		r = strings(args, "process.args", &c->cmd, err);
	if (r == 0)
		r = strings(env, "process.env", &c->env, err);
	const char *cwd = gb_jstr(p, "cwd", "/");
	if (r == 0 && cwd[0] != '/')
		return bad(err, "process.cwd", "must be an absolute path");
	copy(c->workdir, sizeof c->workdir, cwd);
	x->terminal = gb_jbool(p, "terminal", false);
	copy(x->apparmor_profile, sizeof x->apparmor_profile, gb_jstr(p, "apparmorProfile", ""));
	copy(c->apparmor, sizeof c->apparmor, x->apparmor_profile); /* entered at the exec */
	copy(x->selinux_label, sizeof x->selinux_label, gb_jstr(p, "selinuxLabel", ""));
	c->no_new_privs_off = !gb_jbool(p, "noNewPrivileges", false);
	if (r == 0)
		r = parse_user(p, c, err);
	if (r == 0)
		r = parse_rlimits(p, x, err);
	return r < 0 ? r : parse_caps(p, c, x, err);
}

/* ------------------------------------------------------------ root, hostname, mounts */

static int parse_root(const struct gb_jval *root, const char *bundle, struct gb_config *c,
		      struct gb_err *err)
{
	const struct gb_jval *rt;
	int r = member(root, "root", GB_JOBJ, "root", &rt, err);
	const char *path = rt ? gb_jstr(rt, "path", "") : "";
	if (r == 0 && !path[0])
		return bad(err, "root.path", "is missing: the directory of the container's files");
	if (r < 0)
		return r;
	if (path[0] == '/')
		copy(c->rootfs_dir, sizeof c->rootfs_dir, path);
	else if (gb_path(c->rootfs_dir, sizeof c->rootfs_dir, "%s/%s", bundle, path) < 0)
		return bad(err, "root.path", "is too long");
	c->read_only = gb_jbool(rt, "readonly", false);
	copy(c->hostname, sizeof c->hostname, gb_jstr(root, "hostname", ""));
	if (c->hostname[0] && !gb_hostname_valid(c->hostname))
		return bad(err, "hostname", "is not a valid host name");
	return 0;
}

static bool has_option(char **opts, const char *o)
{
	for (size_t i = 0; opts && opts[i]; i++)
		if (!strcmp(opts[i], o))
			return true;
	return false;
}

/* The engine makes /proc, /sys, /dev (with its pts, shm, mqueue) and the cgroup view in its
 * own rows; config.json's binds and other tmpfs become glassbox mounts (the "mounts" row). */
static bool engine_makes(const char *type, const char *dest)
{
	static const char *const types[] = { "proc",   "sysfs",	 "devpts",
					     "mqueue", "cgroup", "cgroup2" };
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (!strcmp(type, types[i]))
			return true;
	return !strcmp(dest, "/dev") || !strcmp(dest, "/dev/shm") || !strncmp(dest, "/sys/", 5);
}

static int add_mount(struct gb_config *c, const struct gb_jval *m, char **opts, struct gb_err *err)
{
	const char *type = gb_jstr(m, "type", ""), *dest = gb_jstr(m, "destination", "");
	const char *src = gb_jstr(m, "source", "");
	bool bind = !strcmp(type, "bind") || has_option(opts, "bind") || has_option(opts, "rbind");
	if (dest[0] != '/')
		return bad(err, "mounts[].destination", "must be an absolute path");
	if (engine_makes(type, dest))
		return 0;
	if (!bind && strcmp(type, "tmpfs"))
		return bad(err, "mounts[].type",
			   "is not supported (bind, tmpfs and the kernel "
			   "filesystems the engine mounts are)");
	if (c->nmounts >= GB_MOUNTS_MAX)
		return bad(err, "mounts", "has more mounts than glassbox supports (16)");
	struct gb_mount *g = &c->mounts[c->nmounts++];
	g->type = bind ? GB_MOUNT_BIND : GB_MOUNT_TMPFS;
	copy(g->source, sizeof g->source, bind ? src : "");
	copy(g->target, sizeof g->target, dest);
	g->readonly = has_option(opts, "ro");
	return 0;
}

/* The mount as the oci-mounts row makes it: every member, in config.json's order. */
static int add_fsmount(struct gb_oci_extra *x, const struct gb_jval *m, char **opts,
		       struct gb_err *err)
{
	struct gb_fsmount *f = &x->mounts[x->nmounts++];
	const char *type = gb_jstr(m, "type", "");
	copy(f->source, sizeof f->source, gb_jstr(m, "source", ""));
	copy(f->target, sizeof f->target, gb_jstr(m, "destination", ""));
	copy(f->type, sizeof f->type, type[0] ? type : "none");
	if (!strcmp(type, "bind") || !strcmp(type, "rbind"))
		gb_fsmount_option(f, type);
	for (size_t i = 0; opts && opts[i]; i++)
		gb_fsmount_option(f, opts[i]);
	if (strlen(f->target) >= sizeof f->target - 1 || strlen(f->source) >= sizeof f->source - 1)
		return bad(err, "mounts[].destination/source", "is too long");
	return 0;
}

static int parse_mounts(const struct gb_jval *root, struct gb_config *c, struct gb_oci_extra *x,
			struct gb_err *err)
{
	const struct gb_jval *ms;
	int r = member(root, "mounts", GB_JARR, "mounts", &ms, err);
	x->mounts = calloc(ms && ms->n ? ms->n : 1, sizeof *x->mounts);
	if (!x->mounts)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	c->fsmounts = x->mounts;
	for (const struct gb_jval *m = ms ? ms->child : NULL; r == 0 && m; m = m->next) {
		const struct gb_jval *o;
		char **opts = NULL;
		if (m->type != GB_JOBJ)
			return bad(err, "mounts[]", "must be objects");
		r = member(m, "options", GB_JARR, "mounts[].options", &o, err);
		if (r == 0)
			r = strings(o, "mounts[].options", &opts, err);
		if (r == 0)
			r = add_mount(c, m, opts, err);
		if (r == 0)
			r = add_fsmount(x, m, opts, err);
		gb_strv_free(opts);
	}
	c->nfsmounts = x->nmounts;
	return r;
}

/* ------------------------------------------------------------ lx */

static int ns_type(const char *t)
{
	static const struct {
		const char *name;
		int flag;
	} k[] = { { "pid", CLONE_NEWPID },   { "network", CLONE_NEWNET },
		  { "ipc", CLONE_NEWIPC },   { "uts", CLONE_NEWUTS },
		  { "mount", CLONE_NEWNS },  { "cgroup", CLONE_NEWCGROUP },
		  { "user", CLONE_NEWUSER }, { "time", CLONE_NEWTIME } };
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (!strcmp(t, k[i].name))
			return k[i].flag;
	return 0;
}

/* A user namespace by path (a pod's, podman's --userns=ns:PATH): its maps are its own,
 * written by whoever made it; glassbox-runc create reads them (gb_userns_join_maps). */
static int join_userns(const char *path, struct gb_config *c, struct gb_err *err)
{
	if (path[0] != '/' || strlen(path) >= sizeof c->userns_path)
		return bad(err, "linux.namespaces[].path", "must be an absolute path");
	copy(c->userns_path, sizeof c->userns_path, path);
	return 0;
}

static int add_ns(int flag, const char *path, int *seen, struct gb_config *c,
		  struct gb_oci_extra *x, struct gb_err *err)
{
	bool joinable = flag == CLONE_NEWNET || flag == CLONE_NEWIPC || flag == CLONE_NEWUTS ||
			flag == CLONE_NEWPID;
	*seen |= flag;
	if (path[0] && flag == CLONE_NEWNS) { /* joined by PID 1 itself: the mount-join row */
		if (path[0] != '/' || strlen(path) >= sizeof c->mntns_path)
			return bad(err, "linux.namespaces[].path", "must be an absolute path");
		copy(c->mntns_path, sizeof c->mntns_path, path);
		return 0;
	}
	if (path[0] && flag == CLONE_NEWUSER) /* the clone row clones from inside it */
		return join_userns(path, c, err);
	if (path[0] && !joinable)
		return bad(err, "linux.namespaces[].path",
			   "can join only network, ipc, uts, pid, user and "
			   "mount namespaces in glassbox");
	if (path[0]) {
		x->join[x->njoin].nstype = flag;
		copy(x->join[x->njoin++].path, sizeof x->join[0].path, path);
	}
	return 0;
}

bool gb_oci_joins(const struct gb_oci_extra *x, int nstype)
{
	for (int i = 0; i < x->njoin; i++)
		if (x->join[i].nstype == nstype)
			return true;
	return false;
}

/* linux.uidMappings or gidMappings: [{containerID, hostID, size}], the engine's --uidmap. */
static int parse_idmap(const struct gb_jval *lx, const char *key, struct gb_idmap *m,
		       struct gb_err *err)
{
	char path[40];
	snprintf(path, sizeof path, "linux.%s", key);
	const struct gb_jval *arr;
	int r = member(lx, key, GB_JARR, path, &arr, err);
	for (const struct gb_jval *e = arr ? arr->child : NULL; r == 0 && e; e = e->next) {
		long long in = gb_jint(e, "containerID", -1), out = gb_jint(e, "hostID", -1),
			  n = gb_jint(e, "size", -1);
		if (e->type != GB_JOBJ || in < 0 || out < 0 || n < 1 || in > 0xffffffffLL ||
		    out > 0xffffffffLL || n > 0xffffffffLL)
			return bad(err, path, "needs {containerID, hostID, size} as ids");
		if (m->n == GB_IDMAP_MAX)
			return bad(err, path, "has more ranges than glassbox keeps (5)");
		m->r[m->n++] = (struct gb_idrange){ (uint32_t)in, (uint32_t)out, (uint32_t)n };
	}
	return r;
}

/* A user namespace (type "user"): the engine's, with config.json's maps. */
static int parse_userns(const struct gb_jval *lx, struct gb_config *c, struct gb_err *err)
{
	int r = parse_idmap(lx, "uidMappings", &c->uid_map, err);
	if (r == 0)
		r = parse_idmap(lx, "gidMappings", &c->gid_map, err);
	if (r == 0 && (!c->uid_map.n || !c->gid_map.n))
		return bad(err, "linux.uidMappings/gidMappings",
			   "are needed with a \"user\" namespace (glassbox makes no maps of its "
			   "own in OCI mode)");
	return r;
}

/* A type listed: a new namespace (or the one at path); not listed: the host's. */
static int parse_namespaces(const struct gb_jval *lx, struct gb_config *c, struct gb_oci_extra *x,
			    struct gb_err *err)
{
	const struct gb_jval *ns;
	int seen = 0, r = member(lx, "namespaces", GB_JARR, "linux.namespaces", &ns, err);
	for (const struct gb_jval *n = ns ? ns->child : NULL; r == 0 && n; n = n->next) {
		int flag = n->type == GB_JOBJ ? ns_type(gb_jstr(n, "type", "")) : 0;
		if (!flag)
			return bad(err, "linux.namespaces[].type", "is not a namespace type");
		if (seen & flag)
			return bad(err, "linux.namespaces[].type", "is listed twice");
		r = add_ns(flag, gb_jstr(n, "path", ""), &seen, c, x, err);
	}
	if (r == 0 && !(seen & CLONE_NEWNS))
		return bad(err, "linux.namespaces",
			   "must include \"mount\": glassbox always makes "
			   "a mount namespace");
	if (r == 0 && c->userns_path[0] &&
	    (gb_jget(lx, "uidMappings") || gb_jget(lx, "gidMappings")))
		return bad(err, "linux.uidMappings/gidMappings",
			   "cannot be given with a user namespace joined by path: its maps are "
			   "the ones it has (remove them, or the namespace's path)");
	if (r == 0 && (seen & CLONE_NEWUSER) && !c->userns_path[0])
		r = parse_userns(lx, c, err);
	/* joined by path: the create process enters it and the clone keeps it (host_*) */
	c->host_pid = !(seen & CLONE_NEWPID) || gb_oci_joins(x, CLONE_NEWPID);
	c->host_net = !(seen & CLONE_NEWNET) || gb_oci_joins(x, CLONE_NEWNET);
	c->host_ipc = !(seen & CLONE_NEWIPC) || gb_oci_joins(x, CLONE_NEWIPC);
	c->host_uts = !(seen & CLONE_NEWUTS) || gb_oci_joins(x, CLONE_NEWUTS);
	return r;
}

/* linux.resources: the same limits `glassbox run --memory --cpus --pids-limit` writes. */
static int parse_resources(const struct gb_jval *lx, struct gb_config *c, struct gb_err *err)
{
	const struct gb_jval *res, *mem, *cpu, *pids;
	int r = member(lx, "resources", GB_JOBJ, "linux.resources", &res, err);
	if (r == 0)
		r = member(res, "memory", GB_JOBJ, "linux.resources.memory", &mem, err);
	if (r == 0)
		r = member(res, "cpu", GB_JOBJ, "linux.resources.cpu", &cpu, err);
	if (r == 0)
		r = member(res, "pids", GB_JOBJ, "linux.resources.pids", &pids, err);
	if (r < 0)
		return r;
	struct gb_cg_limits *l = &c->limits;
	l->memory = gb_jint(mem, "limit", 0);
	l->memory_swap = gb_jint(mem, "swap", 0);
	l->cpu_quota_us = gb_jint(cpu, "quota", 0);
	l->cpu_period_us = gb_jint(cpu, "period", 0);
	l->cpu_shares = gb_jint(cpu, "shares", 0);
	copy(c->cpuset_cpus, sizeof c->cpuset_cpus, gb_jstr(cpu, "cpus", ""));
	copy(c->cpuset_mems, sizeof c->cpuset_mems, gb_jstr(cpu, "mems", ""));
	l->pids_max = gb_jint(pids, "limit", 0);
	if (c->cpuset_cpus[0] &&
	    gb_cpuset_check_list(c->cpuset_cpus, "linux.resources.cpu.cpus", err) < 0)
		return -EINVAL;
	if (c->cpuset_mems[0] &&
	    gb_cpuset_check_list(c->cpuset_mems, "linux.resources.cpu.mems", err) < 0)
		return -EINVAL;
	if (l->memory < 0)
		l->memory = 0; /* -1: unlimited, as no limit */
	if (l->memory && l->memory < 6 * 1024 * 1024)
		return bad(err, "linux.resources.memory.limit",
			   "is below 6 MiB, too little to "
			   "start a process");
	if (l->cpu_shares && (l->cpu_shares < 2 || l->cpu_shares > 262144))
		return bad(err, "linux.resources.cpu.shares", "must be between 2 and 262144");
	if (l->cpu_shares)
		l->cpu_weight = gb_cgroup_shares_to_weight(l->cpu_shares);
	if (l->pids_max < 0)
		l->pids_max = 0;
	return 0;
}

/* Copy a parsed value back into JSON text (the seccomp module reads a profile's text). */
static void reencode(struct gb_json *j, const char *key, const struct gb_jval *v)
{
	switch (v->type) {
	case GB_JNULL: gb_json_null(j, key); break;
	case GB_JBOOL: gb_json_bool(j, key, v->b); break;
	case GB_JSTR: gb_json_str(j, key, v->str); break;
	case GB_JNUM:
		if (v->is_int)
			gb_json_int(j, key, v->i);
		else
			gb_json_double(j, key, v->num, 6);
		break;
	case GB_JARR:
	case GB_JOBJ:
		if (v->type == GB_JARR)
			gb_json_arr_begin(j, key);
		else
			gb_json_obj_begin(j, key);
		for (const struct gb_jval *m = v->child; m; m = m->next)
			reencode(j, v->type == GB_JOBJ ? m->key : NULL, m);
		if (v->type == GB_JARR)
			gb_json_arr_end(j);
		else
			gb_json_obj_end(j);
		break;
	}
}

static int parse_seccomp(const struct gb_jval *lx, struct gb_oci_extra *x, struct gb_err *err)
{
	const struct gb_jval *sc;
	int r = member(lx, "seccomp", GB_JOBJ, "linux.seccomp", &sc, err);
	if (r < 0 || !sc)
		return r;
	if (!gb_jstr(sc, "defaultAction", NULL))
		return bad(err, "linux.seccomp.defaultAction", "is missing");
	struct gb_json j;
	gb_json_init(&j);
	reencode(&j, NULL, sc);
	if (j.failed) {
		gb_json_free(&j);
		return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	x->seccomp_json = j.buf;
	return 0;
}

/* systemd's slice names nest by their dashes: "a-b.slice" lives in "a.slice/a-b.slice". */
static int expand_slice(const char *slice, char *out, size_t len)
{
	size_t n = strlen(slice);
	if (n < 7 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return -EINVAL;
	out[0] = '\0';
	for (size_t i = 0; i < n - 6; i++) {
		if (slice[i] != '-')
			continue;
		if (i == 0 || slice[i - 1] == '-')
			return -EINVAL;
		size_t k = strlen(out);
		snprintf(out + k, len - k, "%.*s.slice/", (int)i, slice);
	}
	size_t k = strlen(out);
	return snprintf(out + k, len - k, "%s", slice) >= (int)(len - k) ? -ENAMETOOLONG : 0;
}

/* "slice:prefix:name" (runc --systemd-cgroup): the scope systemd would make for it,
 * SLICE-PATH/prefix-name.scope, so cgroupfs holds the same tree systemd would. */
static int systemd_path(const char *in, char *out, size_t len)
{
	char slice[128] = "system.slice", prefix[128], name[128]; /* "" slice: system.slice */
	bool ok = in[0] == ':' ? sscanf(in, ":%127[^:]:%127s", prefix, name) == 2
			       : sscanf(in, "%127[^:]:%127[^:]:%127s", slice, prefix, name) == 3;
	if (!ok)
		return -EINVAL;
	if (strchr(prefix, '/') || strchr(name, '/') || strstr(name, ".."))
		return -EINVAL;
	int r = expand_slice(slice, out, len);
	size_t k = strlen(out), n = strlen(name);
	if (r == 0 && n > 6 && !strcmp(name + n - 6, ".slice"))
		r = snprintf(out + k, len - k, "/%s", name) >= (int)(len - k) ? -ENAMETOOLONG : 0;
	else if (r == 0)
		r = snprintf(out + k, len - k, "/%s-%s.scope", prefix, name) >= (int)(len - k)
			    ? -ENAMETOOLONG
			    : 0;
	return r;
}

int gb_oci_cgroups_path(const char *in, char *out, size_t len)
{
	const char *colon = strchr(in, ':');
	if (in[0] != '/' && colon && strchr(colon + 1, ':'))
		return systemd_path(in, out, len);
	while (*in == '/')
		in++; /* absolute: below each hierarchy's root; relative: the same place here */
	if (!*in || strstr(in, "..") || strstr(in, "//") || strchr(in, '\n') ||
	    in[strlen(in) - 1] == '/')
		return -EINVAL;
	return snprintf(out, len, "%s", in) >= (int)len ? -ENAMETOOLONG : 0;
}

static int parse_cgroups_path(const struct gb_jval *lx, struct gb_config *c, struct gb_err *err)
{
	const struct gb_jval *p;
	int r = member(lx, "cgroupsPath", GB_JSTR, "linux.cgroupsPath", &p, err);
	if (r < 0 || !p || !p->str[0])
		return r;
	if (gb_oci_cgroups_path(p->str, c->cgroup_path, sizeof c->cgroup_path) < 0)
		return bad(err, "linux.cgroupsPath",
			   "must be a cgroup path (/docker/ID) or systemd's slice:prefix:name");
	return 0;
}

/* A sysctl belongs to the namespace that isolates it: written for the host's namespace it
 * would change the host (runc refuses the same ones: "not in a separate kernel namespace"). */
static const char *sysctl_needs(const char *key, const struct gb_config *c,
				const struct gb_oci_extra *x)
{
	bool host_ipc = c->host_ipc && !gb_oci_joins(x, CLONE_NEWIPC);
	bool host_net = c->host_net && !gb_oci_joins(x, CLONE_NEWNET);
	bool host_uts = c->host_uts && !gb_oci_joins(x, CLONE_NEWUTS);
	static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb",
					   "kernel.msgmni", "kernel.sem",
					   "kernel.shmall", "kernel.shmmax",
					   "kernel.shmmni", "kernel.shm_rmid_forced" };
	for (size_t i = 0; i < sizeof ipc / sizeof *ipc; i++)
		if (!strcmp(key, ipc[i]))
			return host_ipc ? "a new ipc namespace" : NULL;
	if (!strncmp(key, "fs.mqueue.", 10))
		return host_ipc ? "a new ipc namespace" : NULL;
	if (!strncmp(key, "net.", 4))
		return host_net ? "a new network namespace" : NULL;
	if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
		return host_uts ? "a new uts namespace" : NULL;
	return "a namespace of its own (it is host-wide)";
}

static int parse_sysctl(const struct gb_jval *lx, struct gb_config *c, struct gb_oci_extra *x,
			struct gb_err *err)
{
	const struct gb_jval *s;
	int r = member(lx, "sysctl", GB_JOBJ, "linux.sysctl", &s, err);
	if (r < 0 || !s)
		return r;
	x->sysctls = calloc(s->n + 1, sizeof(char *));
	if (!x->sysctls)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	size_t k = 0;
	for (const struct gb_jval *m = s->child; m; m = m->next) {
		const char *needs = sysctl_needs(m->key, c, x);
		if (m->type != GB_JSTR)
			return bad(err, "linux.sysctl", "values must be strings");
		if (strchr(m->key, '/') || strstr(m->key, ".."))
			return bad(err, "linux.sysctl",
				   "keys are dotted names (net.ipv4.ip_forward)");
		if (needs) {
			r = gb_err_set(err, EINVAL, "", "config.json: linux.sysctl %s needs %s",
				       m->key, needs);
			gb_err_hint(err, "remove it, or give the container that namespace");
			return r;
		}
		if (asprintf(&x->sysctls[k++], "%s=%s", m->key, m->str) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	c->sysctls = x->sysctls;
	return 0;
}

static int device_mode(const struct gb_jval *d, unsigned *mode, struct gb_err *err)
{
	const char *t = gb_jstr(d, "type", "");
	long long perm = gb_jint(d, "fileMode", 0666);
	if (perm < 0 || perm > 07777)
		return bad(err, "linux.devices[].fileMode", "must be permission bits (0666)");
	if (!strcmp(t, "c") || !strcmp(t, "u"))
		*mode = S_IFCHR;
	else if (!strcmp(t, "b"))
		*mode = S_IFBLK;
	else if (!strcmp(t, "p"))
		*mode = S_IFIFO;
	else
		return bad(err, "linux.devices[].type", "must be c, b, u or p");
	*mode |= (unsigned)perm;
	return 0;
}

static int parse_devices(const struct gb_jval *lx, struct gb_config *c, struct gb_oci_extra *x,
			 struct gb_err *err)
{
	const struct gb_jval *ds;
	int r = member(lx, "devices", GB_JARR, "linux.devices", &ds, err);
	if (r < 0 || !ds)
		return r;
	x->devices = calloc(ds->n + 1, sizeof *x->devices);
	if (!x->devices)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	for (const struct gb_jval *d = ds->child; d; d = d->next) {
		struct gb_devnode *n = &x->devices[x->ndevices++];
		const char *path = gb_jstr(d, "path", "");
		if (d->type != GB_JOBJ || path[0] != '/' || strlen(path) >= sizeof n->path)
			return bad(err, "linux.devices[].path", "must be an absolute path");
		r = device_mode(d, &n->mode, err);
		if (r < 0)
			return r;
		copy(n->path, sizeof n->path, path);
		n->major = (unsigned)gb_jint(d, "major", 0);
		n->minor = (unsigned)gb_jint(d, "minor", 0);
		n->uid = (unsigned)gb_jint(d, "uid", 0);
		n->gid = (unsigned)gb_jint(d, "gid", 0);
	}
	c->devnodes = x->devices;
	c->ndevnodes = x->ndevices;
	return 0;
}

/* An OCI bundle's own lists replace glassbox's (absent: none, as with runc). */
static int parse_paths(const struct gb_jval *lx, struct gb_config *c, struct gb_oci_extra *x,
		       struct gb_err *err)
{
	const struct gb_jval *m, *ro;
	int r = member(lx, "maskedPaths", GB_JARR, "linux.maskedPaths", &m, err);
	if (r == 0)
		r = member(lx, "readonlyPaths", GB_JARR, "linux.readonlyPaths", &ro, err);
	if (r == 0)
		r = strings(m, "linux.maskedPaths", &x->masked_paths, err);
	if (r == 0)
		r = strings(ro, "linux.readonlyPaths", &x->readonly_paths, err);
	for (size_t i = 0; r == 0 && x->masked_paths[i]; i++)
		if (x->masked_paths[i][0] != '/')
			r = bad(err, "linux.maskedPaths", "must hold absolute paths");
	for (size_t i = 0; r == 0 && x->readonly_paths[i]; i++)
		if (x->readonly_paths[i][0] != '/')
			r = bad(err, "linux.readonlyPaths", "must hold absolute paths");
	c->masked_paths = x->masked_paths;
	c->readonly_paths = x->readonly_paths;
	return r;
}

/* linux.rootfsPropagation: what the root mount becomes after pivot_root (runc's table). */
static int parse_propagation(const struct gb_jval *lx, struct gb_config *c, struct gb_err *err)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} k[] = { { "private", MS_PRIVATE },	   { "rprivate", MS_REC | MS_PRIVATE },
		  { "slave", MS_SLAVE },	   { "rslave", MS_REC | MS_SLAVE },
		  { "shared", MS_SHARED },	   { "rshared", MS_REC | MS_SHARED },
		  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_REC | MS_UNBINDABLE } };
	const struct gb_jval *p;
	int r = member(lx, "rootfsPropagation", GB_JSTR, "linux.rootfsPropagation", &p, err);
	if (r < 0 || !p || !p->str[0])
		return r;
	for (size_t i = 0; i < sizeof k / sizeof *k; i++)
		if (!strcmp(p->str, k[i].name)) {
			c->rootfs_propagation = k[i].flags;
			return 0;
		}
	return bad(err, "linux.rootfsPropagation",
		   "must be private, rprivate, slave, rslave, shared, rshared, unbindable or "
		   "runbindable");
}

static int parse_linux(const struct gb_jval *root, struct gb_config *c, struct gb_oci_extra *x,
		       struct gb_err *err)
{
	const struct gb_jval *lx;
	int r = member(root, "linux", GB_JOBJ, "linux", &lx, err);
	if (r == 0 && !lx)
		return bad(err, "linux", "is missing: glassbox runs Linux containers");
	if (lx)
		copy(x->mount_label, sizeof x->mount_label, gb_jstr(lx, "mountLabel", ""));
	if (r == 0)
		r = parse_namespaces(lx, c, x, err);
	if (r == 0)
		r = parse_propagation(lx, c, err);
	if (r == 0)
		r = parse_resources(lx, c, err);
	if (r == 0)
		r = parse_cgroups_path(lx, c, err);
	if (r == 0)
		r = parse_sysctl(lx, c, x, err);
	if (r == 0)
		r = parse_paths(lx, c, x, err);
	if (r == 0)
		r = parse_devices(lx, c, x, err);
	if (r == 0) /* linux.resources.devices: the device cgroup (oci_devices.c) */
		r = gb_oci_devices_parse(lx, x->dev_rules, GB_DEV_RULES_MAX, &x->ndev_rules,
					 &c->dev_rules_set, err);
	c->dev_rules = x->dev_rules;
	c->ndev_rules = (int)x->ndev_rules;
	if (r == 0)
		r = parse_seccomp(lx, x, err);
	if (r == 0 && !gb_jget(lx, "seccomp"))
		copy(c->seccomp, sizeof c->seccomp, ""); /* none given: glassbox's default */
	return r;
}

static int parse_annotations(const struct gb_jval *root, struct gb_oci_extra *x, struct gb_err *err)
{
	const struct gb_jval *a;
	int r = member(root, "annotations", GB_JOBJ, "annotations", &a, err);
	x->annotations = calloc((a ? a->n : 0) + 1, sizeof(char *));
	if (r < 0 || !x->annotations)
		return r < 0 ? r : gb_err_set(err, ENOMEM, "", "out of memory");
	size_t k = 0;
	for (const struct gb_jval *m = a ? a->child : NULL; m; m = m->next) {
		if (m->type != GB_JSTR)
			return bad(err, "annotations", "values must be strings");
		if (asprintf(&x->annotations[k++], "%s=%s", m->key, m->str) < 0)
			return gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return 0;
}

int gb_oci_config_parse(const char *text, size_t len, const char *bundle, struct gb_config *c,
			struct gb_oci_extra *x, struct gb_err *err)
{
	gb_config_init(c);
	memset(x, 0, sizeof *x);
	char why[256];
	struct gb_jval *root = gb_json_parse(text, len, why, sizeof why);
	if (!root) {
		int r = gb_err_set(err, EINVAL, "", "config.json is not valid JSON: %s", why);
		gb_err_hint(err, "check the bundle's config.json, e.g. with `jq . config.json`");
		return r;
	}
	int r = root->type == GB_JOBJ ? 0 : bad(err, "(the top level)", "must be an object");
	if (r == 0)
		r = parse_process(root, c, x, err);
	if (r == 0)
		r = parse_root(root, bundle, c, err);
	if (r == 0)
		r = parse_mounts(root, c, x, err);
	if (r == 0)
		r = parse_linux(root, c, x, err);
	if (r == 0)
		r = parse_annotations(root, x, err);
	if (r == 0)
		r = gb_oci_hooks_parse(gb_jget(root, "hooks"), &x->hooks, err);
	gb_jval_free(root);
	return r;
}

void gb_oci_extra_free(struct gb_oci_extra *x)
{
	free(x->seccomp_json);
	free(x->mounts);
	gb_strv_free(x->sysctls);
	gb_strv_free(x->cap_ambient);
	free(x->devices);
	gb_strv_free(x->masked_paths);
	gb_strv_free(x->readonly_paths);
	gb_strv_free(x->annotations);
	gb_oci_hooks_free(&x->hooks);
	memset(x, 0, sizeof *x);
}

int gb_oci_process_parse(const char *text, size_t len, struct gb_config *c, struct gb_oci_extra *x,
			 struct gb_err *err)
{
	gb_config_init(c);
	memset(x, 0, sizeof *x);
	char why[256];
	struct gb_jval *p = gb_json_parse(text, len, why, sizeof why);
	if (!p) {
		int r = gb_err_set(err, EINVAL, "", "process.json is not valid JSON: %s", why);
		gb_err_hint(err,
			    "exec --process names a file holding config.json's process object");
		return r;
	}
	int r = p->type == GB_JOBJ ? parse_process_obj(p, c, x, err)
				   : bad(err, "process", "must be an object");
	gb_jval_free(p);
	return r;
}
