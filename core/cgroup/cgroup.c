/* cgroups, the common part: detect the host's layout once and choose its backend (a table
 * of operations: cgroup_v1.c, cgroup_v2.c, cgroup_hybrid.c), check what a request needs
 * before handing it over, and parse Docker-like limit flags.
 * man 7 cgroups, statfs(2). Labs 07 (memory), 08 (cpu), 09 (pids), 10 (freezer). */
#include "cgroup/cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/cgroup_hybrid.h"
#include "cgroup/cgroup_v1.h"
#include "cgroup/cgroup_v2.h"

const char *gb_cgroup_layout_name(enum gb_cg_layout l)
{
	switch (l) {
	case GB_CG_V1: return "v1";
	case GB_CG_HYBRID: return "hybrid";
	case GB_CG_V2: return "v2";
	default: return "none";
	}
}

/* ---------------------------------------------------------------- the host */

static bool is_fs(const char *path, long magic)
{
	struct statfs sf;
	return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

/* v2: the controllers a child may get are listed in the root's cgroup.controllers.
 * CPU usage (cpu.stat) and the freezer (cgroup.freeze) are core files on v2. */
static void v2_controllers(struct gb_cg_host *h)
{
	gb_autofree char *list = NULL;
	char path[GB_CG_PATH + 32];
	snprintf(path, sizeof path, "%s/cgroup.controllers", h->unified);
	h->avail = 1u << GB_CG_CPUACCT | 1u << GB_CG_FREEZER;
	if (gb_read_file(path, &list, NULL) < 0)
		return;
	for (char *w = strtok(list, " \n"); w; w = strtok(NULL, " \n"))
		for (int c = 0; c < GB_CG_NCTRL; c++)
			if (strcmp(w, gb_cgroup_ctrl_name(c)) == 0)
				h->avail |= 1u << c;
}

/* The hierarchy a controller's directory root/NAME is: the directory itself, or where
 * the symlink points (cpu -> cpu,cpuacct, relative to root). One readlink(2), not the
 * realpath(3) walk of every component of the path. */
static int hier_path(const char *root, const char *dir, char *out, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(dir, target, sizeof target - 1);
	if (n < 0)
		return errno == EINVAL ? gb_path(out, len, "%s", dir) : -errno;
	target[n] = '\0';
	if (target[0] == '/')
		return gb_path(out, len, "%s", target);
	return gb_path(out, len, "%s/%s", root, target);
}

/* v1: each controller is its own mount, root/NAME (often a symlink such as
 * cpu -> cpu,cpuacct when two controllers share one hierarchy). */
static void v1_controllers(struct gb_cg_host *h, bool real)
{
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		char dir[GB_CG_PATH + 16], procs[GB_CG_PATH + 32], resolved[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/%s", h->root, gb_cgroup_ctrl_name(c));
		snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
		if (access(procs, F_OK) < 0 || (real && !is_fs(dir, CGROUP_SUPER_MAGIC)))
			continue;
		if (hier_path(h->root, dir, resolved, sizeof resolved) < 0 ||
		    gb_path(h->hier[c], sizeof h->hier[c], "%s", resolved) < 0)
			continue;
		h->avail |= 1u << c;
	}
}

static int host_fill(struct gb_cg_host *h, const char *root, enum gb_cg_layout layout, bool real,
		     struct gb_err *err)
{
	memset(h, 0, sizeof *h);
	if (gb_path(h->root, sizeof h->root, "%s", root ? root : GB_CGROUP_ROOT) < 0)
		return gb_err_set(err, ENAMETOOLONG, "statfs", "cgroup root path too long: %s",
				  root);
	h->layout = layout;
	h->ops = layout == GB_CG_V2	  ? &gb_cg2_ops
		 : layout == GB_CG_HYBRID ? &gb_cghy_ops
		 : layout == GB_CG_V1	  ? &gb_cg1_ops
					  : NULL;
	if (layout == GB_CG_V2) {
		snprintf(h->unified, sizeof h->unified, "%s", h->root);
		v2_controllers(h);
		return 0;
	}
	if (layout == GB_CG_HYBRID &&
	    gb_path(h->unified, sizeof h->unified, "%s/unified", h->root) < 0)
		return gb_err_set(err, ENAMETOOLONG, "statfs", "cgroup root path too long: %s",
				  root);
	v1_controllers(h, real);
	if (h->avail == 0)
		return gb_err_set(err, ENOENT, "statfs",
				  "no cgroup v1 controller is mounted below %s", h->root);
	return 0;
}

int gb_cgroup_host_init(struct gb_cg_host *h, const char *root, enum gb_cg_layout layout,
			struct gb_err *err)
{
	return host_fill(h, root, layout, false, err);
}

/* The layout of a host does not change while glassbox runs: one detection per process
 * (a start asks five times: create, attach, the monitor, stats...), each of which costs
 * a statfs and a realpath per hierarchy. Keyed by the root, so tests with a fake tree and
 * the real /sys/fs/cgroup do not mix; a failed detection is not remembered. */
static struct {
	char root[GB_CG_PATH];
	struct gb_cg_host host;
} detected;

static int detect(struct gb_cg_host *h, const char *root, struct gb_err *err)
{
	char path[GB_CG_PATH + 16];
	struct statfs sf;
	if (statfs(root, &sf) < 0)
		return gb_err_set(err, errno, "statfs", "statfs(\"%s\")", root);
	/* A cgroup2 filesystem at the root is a pure v2 host; otherwise (a tmpfs) look
	 * at the children: a cgroup2 mount at root/unified next to v1 ones is hybrid. */
	if ((long)sf.f_type == CGROUP2_SUPER_MAGIC)
		return host_fill(h, root, GB_CG_V2, true, err);
	snprintf(path, sizeof path, "%s/unified", root);
	enum gb_cg_layout l = is_fs(path, CGROUP2_SUPER_MAGIC) ? GB_CG_HYBRID : GB_CG_V1;
	int r = host_fill(h, root, l, true, err);
	if (r < 0)
		gb_err_hint(err,
			    "mount cgroup2 at %s (mount -t cgroup2 none %s) or the v1 "
			    "controllers below it",
			    root, root);
	return r;
}

int gb_cgroup_detect(struct gb_cg_host *h, const char *root, struct gb_err *err)
{
	if (!root)
		root = GB_CGROUP_ROOT;
	if (detected.root[0] && strcmp(detected.root, root) == 0) {
		*h = detected.host;
		return 0;
	}
	int r = detect(h, root, err);
	if (r == 0 && strlen(root) < sizeof detected.root) {
		detected.host = *h;
		snprintf(detected.root, sizeof detected.root, "%s", root);
	}
	return r;
}

/* ---------------------------------------------------------------- one container */

static bool bad_component(const char *s)
{
	return !*s || strstr(s, "..") || strchr(s, '\n') || s[0] == '/';
}

int gb_cgroup_open(struct gb_cgroup *cg, const struct gb_cg_host *h, const char *parent,
		   const char *name, struct gb_err *err)
{
	memset(cg, 0, sizeof *cg);
	cg->host = *h;
	if (!parent)
		parent = GB_CGROUP_PARENT;
	/* "" (not NULL): NAME right below the root (an OCI cgroupsPath such as /cgrouptest) */
	if ((parent[0] && bad_component(parent)) || bad_component(name) || strchr(name, '/'))
		return gb_err_set(err, EINVAL, "mkdir", "invalid cgroup name \"%s/%s\"", parent,
				  name);
	if (gb_path(cg->rel, sizeof cg->rel, "%s%s%s", parent, parent[0] ? "/" : "", name) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup name too long: %s", name);
	if (h->unified[0] &&
	    gb_path(cg->unified_dir, sizeof cg->unified_dir, "%s/%s", h->unified, cg->rel) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup path too long: %s", name);
	if (h->layout == GB_CG_V2)
		return 0;
	for (int c = 0; c < GB_CG_NCTRL; c++)
		if ((h->avail & 1u << c) &&
		    gb_path(cg->dir[c], sizeof cg->dir[c], "%s/%s", h->hier[c], cg->rel) < 0)
			return gb_err_set(err, ENAMETOOLONG, "mkdir", "cgroup path too long: %s",
					  name);
	return 0;
}

/* A limit needs its controller: say which one is missing before anything is made. */
static int need(const struct gb_cgroup *cg, enum gb_cg_ctrl c, bool wanted, const char *flag,
		struct gb_err *err)
{
	if (!wanted || (cg->host.avail & 1u << c))
		return 0;
	gb_err_set(err, ENODEV, "mkdir",
		   "%s needs the %s controller, which this %s host does "
		   "not offer",
		   flag, gb_cgroup_ctrl_name(c), gb_cgroup_layout_name(cg->host.layout));
	if (cg->host.layout == GB_CG_V2)
		gb_err_hint(err,
			    "it is missing from %s/cgroup.controllers: enable it in the parent's "
			    "cgroup.subtree_control, or run without %s",
			    cg->host.unified, flag);
	else
		gb_err_hint(err,
			    "mount it: mkdir %s/%s && mount -t cgroup -o %s none %s/%s; or run "
			    "without %s",
			    cg->host.root, gb_cgroup_ctrl_name(c), gb_cgroup_ctrl_name(c),
			    cg->host.root, gb_cgroup_ctrl_name(c), flag);
	return -ENODEV;
}

static int check_controllers(const struct gb_cgroup *cg, const struct gb_cg_limits *l,
			     struct gb_err *err)
{
	int r = need(cg, GB_CG_MEMORY, l && (l->memory || l->memory_swap), "--memory", err);
	if (r == 0)
		r = need(cg, GB_CG_CPU, l && (l->cpu_quota_us > 0 || l->cpu_shares), "--cpus", err);
	if (r == 0)
		r = need(cg, GB_CG_PIDS, l && l->pids_max, "--pids-limit", err);
	return r;
}

/* Every operation below checks what it can and hands the rest to the host's backend. */
static int no_layout(const struct gb_cgroup *cg, const char *call, struct gb_err *err)
{
	if (cg->host.ops)
		return 0;
	return gb_err_set(err, ENODEV, call, "no cgroup layout detected");
}

int gb_cgroup_create(struct gb_cgroup *cg, const struct gb_cg_limits *limits, struct gb_err *err)
{
	int r = check_controllers(cg, limits, err);
	if (r == 0)
		r = no_layout(cg, "mkdir", err);
	return r < 0 ? r : cg->host.ops->create(cg, limits, err);
}

int gb_cgroup_apply(struct gb_cgroup *cg, const struct gb_cg_limits *limits, struct gb_err *err)
{
	int r = check_controllers(cg, limits, err);
	if (r == 0)
		r = no_layout(cg, "write", err);
	return r < 0 ? r : cg->host.ops->apply(cg, limits, err);
}

int gb_cgroup_devices(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err)
{
	int r = no_layout(cg, "write", err);
	return r < 0 ? r : cg->host.ops->devices(cg, rules, n, err);
}

int gb_cgroup_attach(struct gb_cgroup *cg, pid_t pid, struct gb_err *err)
{
	int r = no_layout(cg, "write", err);
	return r < 0 ? r : cg->host.ops->attach(cg, pid, err);
}

/* Whether /proc/self/cgroup puts us in the cgroup2 dir already ("0::/glassbox/ID"). */
static bool self_in_unified(const struct gb_cgroup *cg)
{
	gb_autofree char *text = NULL;
	if (gb_read_file("/proc/self/cgroup", &text, NULL) < 0)
		return false;
	char want[300];
	snprintf(want, sizeof want, "0::/%s\n", cg->rel);
	return strstr(text, want) != NULL;
}

int gb_cgroup_attach_self(struct gb_cgroup *cg, struct gb_err *err)
{
	int r = no_layout(cg, "write", err);
	if (r == 0 && cg->host.ops->attach_self)
		r = cg->host.ops->attach_self(cg, err);
	if (r == 0 && cg->unified_dir[0] && !self_in_unified(cg))
		r = gb_cg_write(cg->unified_dir, "cgroup.procs", "0", err);
	return r;
}

int gb_cgroup_open_fd(const struct gb_cgroup *cg, struct gb_err *err)
{
	if (!cg->unified_dir[0])
		return gb_err_set(err, EOPNOTSUPP, "open",
				  "this %s host has no cgroup2 hierarchy "
				  "for CLONE_INTO_CGROUP",
				  gb_cgroup_layout_name(cg->host.layout));
	int fd = open(cg->unified_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "open(\"%s\")", cg->unified_dir);
	return fd;
}

int gb_cgroup_freeze(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	int r = no_layout(cg, "write", err);
	return r < 0 ? r : cg->host.ops->freeze(cg, true, timeout_ms, err);
}

int gb_cgroup_thaw(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	int r = no_layout(cg, "write", err);
	return r < 0 ? r : cg->host.ops->freeze(cg, false, timeout_ms, err);
}

int gb_cgroup_kill(struct gb_cgroup *cg, int timeout_ms, struct gb_err *err)
{
	int r = no_layout(cg, "kill", err);
	return r < 0 ? r : cg->host.ops->kill(cg, timeout_ms, err);
}

int gb_cgroup_destroy(struct gb_cgroup *cg, struct gb_err *err)
{
	/* rmdir of a cgroup with processes inside fails with EBUSY: kill them first. */
	int r = gb_cgroup_kill(cg, 2000, err);
	return r < 0 ? r : cg->host.ops->remove(cg, err);
}

const char *gb_cgroup_procs_dir(const struct gb_cgroup *cg)
{
	return cg->host.ops ? cg->host.ops->procs_dir(cg) : cg->unified_dir;
}

int gb_cgroup_pids(const struct gb_cgroup *cg, pid_t **pids, size_t *n, struct gb_err *err)
{
	const char *dir = gb_cgroup_procs_dir(cg);
	int r = gb_cg_read_procs(dir, pids, n);
	if (r < 0)
		return gb_err_set(err, r, "read", "read %s/cgroup.procs", dir);
	return 0;
}

int gb_cgroup_stats(const struct gb_cgroup *cg, struct gb_cg_stats *st, struct gb_err *err)
{
	int r = no_layout(cg, "read", err);
	return r < 0 ? r : cg->host.ops->stats(cg, st, err);
}

int gb_cgroup_read_limits(const struct gb_cgroup *cg, struct gb_cg_limits *l, struct gb_err *err)
{
	int r = no_layout(cg, "read", err);
	return r < 0 ? r : cg->host.ops->read_limits(cg, l, err);
}

/* ---------------------------------------------------------------- JSON */

void gb_cgroup_stats_json(const struct gb_cg_stats *st, struct gb_json *j, const char *key)
{
	gb_json_obj_begin(j, key);
	gb_json_obj_begin(j, "memory");
	gb_json_int(j, "usage", st->mem_usage);
	gb_json_int(j, "limit", st->mem_limit);
	gb_json_int(j, "max_usage", st->mem_max_usage);
	gb_json_int(j, "oom_kills", st->oom_kills);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "cpu");
	gb_json_uint(j, "usage_ns", st->cpu_usage_ns);
	gb_json_uint(j, "throttled_ns", st->throttled_ns);
	gb_json_uint(j, "nr_periods", st->nr_periods);
	gb_json_uint(j, "nr_throttled", st->nr_throttled);
	gb_json_obj_end(j);
	gb_json_obj_begin(j, "pids");
	gb_json_int(j, "current", st->pids_current);
	gb_json_int(j, "max", st->pids_max);
	gb_json_obj_end(j);
	gb_json_str(j, "freezer", st->freezer);
	gb_json_obj_end(j);
}

static void limits_json(const struct gb_cg_limits *l, struct gb_json *j)
{
	gb_json_obj_begin(j, "limits");
	gb_json_int(j, "memory", l->memory);
	gb_json_int(j, "memory_swap", l->memory_swap);
	gb_json_int(j, "cpu_quota_us", l->cpu_quota_us);
	gb_json_int(j, "cpu_period_us", l->cpu_period_us);
	if (l->cpu_shares)
		gb_json_int(j, "cpu_shares", l->cpu_shares);
	if (l->cpu_weight)
		gb_json_int(j, "cpu_weight", l->cpu_weight);
	gb_json_int(j, "pids_max", l->pids_max);
	gb_json_obj_end(j);
}

void gb_cgroup_json(const struct gb_cgroup *cg, struct gb_json *j, const char *key)
{
	struct gb_cg_limits l;
	gb_json_obj_begin(j, key);
	gb_json_str(j, "layout", gb_cgroup_layout_name(cg->host.layout));
	gb_json_obj_begin(j, "paths");
	if (cg->unified_dir[0])
		gb_json_str(j, "unified", cg->unified_dir);
	for (int c = 0; c < GB_CG_NCTRL; c++)
		if (cg->dir[c][0])
			gb_json_str(j, gb_cgroup_ctrl_name(c), cg->dir[c]);
	gb_json_obj_end(j);
	if (gb_cgroup_read_limits(cg, &l, NULL) == 0)
		limits_json(&l, j);
	gb_json_obj_end(j);
}

/* ---------------------------------------------------------------- flag values */

/* "1.5" → 1.5 with only digits and one dot (no sign, exponent, hex or spaces);
 * *end points past the number. */
static int parse_decimal(const char *s, double *out, const char **end)
{
	const char *p = s;
	while (isdigit((unsigned char)*p))
		p++;
	if (p == s)
		return -EINVAL;
	if (*p == '.') {
		const char *q = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == q)
			return -EINVAL;
	}
	char buf[64];
	if ((size_t)(p - s) >= sizeof buf)
		return -ERANGE;
	memcpy(buf, s, p - s);
	buf[p - s] = '\0';
	*out = strtod(buf, NULL);
	*end = p;
	return 0;
}

/* The unit after a size: b, k, m, g, t, p with an optional "i" and "b" ("m", "mb",
 * "MiB"); binary multiples, as Docker reads them. */
static long long unit_multiplier(const char *u)
{
	static const char units[] = "bkmgtp";
	if (!*u)
		return 1;
	const char *pos = strchr(units, tolower((unsigned char)*u));
	if (!pos)
		return -1;
	long long mult = 1LL << (10 * (pos - units));
	u++;
	if (pos != units && tolower((unsigned char)*u) == 'i')
		u++;
	if (pos != units && tolower((unsigned char)*u) == 'b')
		u++;
	return *u ? -1 : mult;
}

static int parse_size(const char *s, const char *flag, long long *bytes, struct gb_err *err)
{
	double num;
	const char *end;
	long long mult = -1;
	if (s && parse_decimal(s, &num, &end) == 0)
		mult = unit_multiplier(end);
	if (mult < 0) {
		gb_err_set(err, EINVAL, "", "invalid %s value \"%s\"", flag, s ? s : "");
		gb_err_hint(err,
			    "give a number with an optional unit b, k, m, g (binary "
			    "multiples), e.g. %s 512m or %s 1g",
			    flag, flag);
		return -EINVAL;
	}
	if (num * (double)mult >= 9.2e18)
		return gb_err_set(err, ERANGE, "", "%s value \"%s\" is too large", flag, s);
	*bytes = (long long)(num * (double)mult);
	return 0;
}

#define GB_CG_MIN_MEMORY (6LL << 20)

int gb_cgroup_parse_memory(const char *s, long long *bytes, struct gb_err *err)
{
	long long b;
	int r = parse_size(s, "--memory", &b, err);
	if (r < 0)
		return r;
	/* Below a few MiB the container's first process is OOM-killed at once (its
	 * page tables and the shell's pages alone exceed it); Docker sets the same floor. */
	if (b < GB_CG_MIN_MEMORY) {
		gb_err_set(err, EINVAL, "",
			   "memory limit \"%s\" (%lld bytes) is below the "
			   "minimum of 6m",
			   s, b);
		gb_err_hint(err, "a container needs a few MiB just to start: use -m 6m or more");
		return -EINVAL;
	}
	*bytes = b;
	return 0;
}

int gb_cgroup_parse_memory_swap(const char *s, long long *bytes, struct gb_err *err)
{
	if (s && strcmp(s, "-1") == 0) {
		*bytes = GB_CG_UNLIMITED;
		return 0;
	}
	int r = parse_size(s, "--memory-swap", bytes, err);
	if (r < 0)
		gb_err_hint(err,
			    "--memory-swap is memory plus swap, e.g. -m 256m --memory-swap 512m "
			    "(256m of swap), or -1 for unlimited swap");
	return r;
}

#define GB_CG_PERIOD_US 100000LL

int gb_cgroup_parse_cpus(const char *s, int ncpu, long long *quota_us, long long *period_us,
			 struct gb_err *err)
{
	double cpus;
	const char *end = "";
	if (!s || parse_decimal(s, &cpus, &end) < 0 || *end) {
		gb_err_set(err, EINVAL, "", "invalid --cpus value \"%s\"", s ? s : "");
		gb_err_hint(err, "give a number of CPUs, e.g. --cpus 0.5 for half of one CPU");
		return -EINVAL;
	}
	/* The quota is CPU time per period of 100 ms; the kernel takes no quota below 1 ms. */
	long long quota = (long long)(cpus * GB_CG_PERIOD_US + 0.5);
	if (quota < 1000 || cpus > ncpu) {
		gb_err_set(err, EINVAL, "",
			   "--cpus %s is out of range: the range is from "
			   "0.01 to %d.00, as there %s %d CPU%s available",
			   s, ncpu, ncpu == 1 ? "is only" : "are only", ncpu, ncpu == 1 ? "" : "s");
		gb_err_hint(err, "omit --cpus for no CPU limit; --cpus 0.5 is half of one CPU");
		return -EINVAL;
	}
	*quota_us = quota;
	*period_us = GB_CG_PERIOD_US;
	return 0;
}

static int parse_int(const char *s, long long *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

int gb_cgroup_parse_cpu_shares(const char *s, long long *shares, struct gb_err *err)
{
	long long v;
	if (parse_int(s, &v) < 0 || v < 2 || v > 262144) {
		gb_err_set(err, EINVAL, "", "invalid --cpu-shares value \"%s\"", s ? s : "");
		gb_err_hint(err,
			    "give a relative weight from 2 to 262144; the default is 1024 "
			    "(--cpu-shares 512 gets half as much CPU as a default container when "
			    "both are busy)");
		return -EINVAL;
	}
	*shares = v;
	return 0;
}

int gb_cgroup_parse_pids(const char *s, long long *pids, struct gb_err *err)
{
	long long v;
	if (parse_int(s, &v) < 0 || v == 0 || v < -1) {
		gb_err_set(err, EINVAL, "", "invalid --pids-limit value \"%s\"", s ? s : "");
		gb_err_hint(err, "give the most processes and threads the container may have at "
				 "once (at least 1), or -1 for unlimited");
		return -EINVAL;
	}
	*pids = v;
	return 0;
}

int gb_cgroup_limits_check(const struct gb_cg_limits *l, struct gb_err *err)
{
	if (l->memory_swap && !l->memory) {
		gb_err_set(err, EINVAL, "", "--memory-swap needs -m/--memory");
		gb_err_hint(err, "--memory-swap is memory plus swap: give -m too, e.g. "
				 "-m 256m --memory-swap 512m");
		return -EINVAL;
	}
	if (l->memory_swap > 0 && l->memory_swap < l->memory) {
		gb_err_set(err, EINVAL, "",
			   "--memory-swap (%lld bytes) is smaller than "
			   "--memory (%lld bytes)",
			   l->memory_swap, l->memory);
		gb_err_hint(err, "--memory-swap is memory plus swap, so it must be at least -m; "
				 "equal to -m means no swap");
		return -EINVAL;
	}
	return 0;
}

bool gb_cgroup_limits_any(const struct gb_cg_limits *l)
{
	return l->memory || l->memory_swap || l->cpu_quota_us > 0 || l->cpu_shares || l->pids_max;
}
