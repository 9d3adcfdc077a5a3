/* glassbox-runc update (oci_verbs.h): new limits for a running container, written into its
 * cgroup through the host's backend (cgroup/cgroup.h: v1, hybrid, v2), as `docker update`
 * asks containerd's shim for them. The kernel checks each value when it is written: a
 * memory limit below what the cgroup uses and cannot give back (no swap, tmpfs pages)
 * fails with EBUSY on v1. man 7 cgroups; Documentation/admin-guide/cgroup-v1/memory.rst. */
#include "oci/oci_verbs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_container.h"

static int bad(struct gb_err *err, const char *path, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "update: resources %s %s", path, what);
	gb_err_hint(err, "the JSON is runc's update --resources form (specs.LinuxResources)");
	return r;
}

/* obj.key as a number (absent or null: 0, "leave it"), at least min. */
static int number(const struct gb_jval *obj, const char *key, const char *path, long long min,
		  long long *out, struct gb_err *err)
{
	const struct gb_jval *v = obj ? gb_jget(obj, key) : NULL;
	if (!v || v->type == GB_JNULL)
		return 0;
	if (gb_jval_int64(v, out) < 0)
		return bad(err, path, "must be an integer");
	if (*out < min)
		return bad(err, path,
			   min < 0 ? "must be -1 (unlimited), 0 or more" : "must be 0 or more");
	return 0;
}

static int object(const struct gb_jval *obj, const char *key, const char *path,
		  const struct gb_jval **out, struct gb_err *err)
{
	*out = gb_jget(obj, key);
	if (*out && (*out)->type == GB_JNULL)
		*out = NULL;
	return *out && (*out)->type != GB_JOBJ ? bad(err, path, "must be an object") : 0;
}

static int parse_cpu(const struct gb_jval *cpu, struct gb_oci_update *u, struct gb_err *err)
{
	int r = number(cpu, "shares", "cpu.shares", 0, &u->l.cpu_shares, err);
	if (r == 0)
		r = number(cpu, "quota", "cpu.quota", 0, &u->l.cpu_quota_us, err);
	if (r == 0)
		r = number(cpu, "period", "cpu.period", 0, &u->l.cpu_period_us, err);
	if (r == 0 && u->l.cpu_shares && (u->l.cpu_shares < 2 || u->l.cpu_shares > 262144))
		r = bad(err, "cpu.shares", "must be between 2 and 262144");
	snprintf(u->cpus, sizeof u->cpus, "%s", gb_jstr(cpu, "cpus", ""));
	snprintf(u->mems, sizeof u->mems, "%s", gb_jstr(cpu, "mems", ""));
	return r;
}

int gb_oci_update_parse(const char *text, size_t len, struct gb_oci_update *u, struct gb_err *err)
{
	char why[200];
	memset(u, 0, sizeof *u);
	struct gb_jval *v = gb_json_parse(text, len, why, sizeof why);
	if (!v || v->type != GB_JOBJ) {
		gb_jval_free(v);
		return bad(err, "", v ? "must be a JSON object" : why);
	}
	const struct gb_jval *mem, *cpu, *pids, *blkio;
	int r = object(v, "memory", "memory", &mem, err);
	if (r == 0)
		r = object(v, "cpu", "cpu", &cpu, err);
	if (r == 0)
		r = object(v, "pids", "pids", &pids, err);
	if (r == 0)
		r = object(v, "blockIO", "blockIO", &blkio, err);
	if (r == 0)
		r = number(mem, "limit", "memory.limit", -1, &u->l.memory, err);
	if (r == 0)
		r = number(mem, "swap", "memory.swap", -1, &u->l.memory_swap, err);
	if (r == 0)
		r = number(pids, "limit", "pids.limit", -1, &u->l.pids_max, err);
	if (r == 0)
		r = number(blkio, "weight", "blockIO.weight", 0, &u->blkio_weight, err);
	if (r == 0 && cpu)
		r = parse_cpu(cpu, u, err);
	u->check_before_update = mem && gb_jbool(mem, "checkBeforeUpdate", false);
	if (r == 0 && u->l.memory > 0 && u->l.memory < 6 * 1024 * 1024)
		r = bad(err, "memory.limit", "is below 6 MiB, too little to run a process");
	gb_jval_free(v);
	return r;
}

/* ------------------------------------------------------------ what to write */

/* What glassbox cannot write, refused before anything changes. */
static int check_supported(const struct gb_oci_update *u, const struct gb_state *st,
			   struct gb_err *err)
{
	int r = 0;
	if (u->blkio_weight)
		r = gb_err_set(err, ENOTSUP, "",
			       "update: blockIO.weight (--blkio-weight) is not "
			       "supported: glassbox's cgroups have no blkio/io controller");
	else if (u->l.cpu_quota_us < 0 ||
		 (u->l.cpu_period_us && !u->l.cpu_quota_us && st->cfg.limits.cpu_quota_us <= 0))
		r = gb_err_set(err, ENOTSUP, "",
			       "update: a CPU period needs a CPU quota (glassbox "
			       "writes them together; -1 is not supported)");
	else if ((u->cpus[0] || u->mems[0]) && !st->cfg.cgroup_path[0])
		r = gb_err_set(err, ENOTSUP, "",
			       "update: cpuset cpus/mems need a linux.cgroupsPath "
			       "(the v1 cpuset hierarchy)");
	if (r < 0)
		gb_err_hint(err, "leave that member out (0 or \"\"), as Docker does when the flag "
				 "is not given");
	return r;
}

/* Whether the kernel accounts swap: v1 memory.memsw.*, v2 memory.swap.max. */
static bool swap_accounted(const struct gb_cgroup *cg)
{
	char path[GB_CG_PATH + 40];
	if (cg->host.layout == GB_CG_V2)
		snprintf(path, sizeof path, "%s/memory.swap.max", cg->unified_dir);
	else
		snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes",
			 cg->dir[GB_CG_MEMORY]);
	return access(path, F_OK) == 0;
}

/* The memory and swap to write, the others as they are (runc's rules): swap not given
 * stays, but goes unlimited with an unlimited memory. The backends take swap as
 * memory+swap (Docker's --memory-swap); v2 keeps its own swap.max unchanged. */
static void merge_memory(const struct gb_cgroup *cg, const struct gb_cg_limits *u,
			 const struct gb_cg_limits *cur, struct gb_cg_limits *want)
{
	want->memory = u->memory ? u->memory : cur->memory;
	if (u->memory_swap)
		want->memory_swap = u->memory_swap;
	else if (u->memory == GB_CG_UNLIMITED || cur->memory_swap == GB_CG_UNLIMITED)
		want->memory_swap = GB_CG_UNLIMITED;
	else if (cg->host.layout == GB_CG_V2 && want->memory != GB_CG_UNLIMITED)
		want->memory_swap = want->memory + (cur->memory_swap - cur->memory);
	else
		want->memory_swap = cur->memory_swap;
	if (!swap_accounted(cg) && !u->memory_swap)
		want->memory_swap = 0; /* nothing to keep: the backend writes no swap file */
}

/* v2 takes any memory.max and then reclaims, or OOM-kills what it cannot reclaim; v1's
 * kernel refuses such a limit itself (EBUSY). checkBeforeUpdate asks for v1's answer. */
static int check_usage(const struct gb_cgroup *cg, const struct gb_cg_limits *want,
		       struct gb_err *err)
{
	long long usage = 0;
	if (cg->host.layout != GB_CG_V2 || want->memory <= 0 ||
	    gb_cg_read_ll(cg->unified_dir, "memory.current", &usage) < 0 || usage <= want->memory)
		return 0;
	int r = gb_err_set(err, EBUSY, "",
			   "memory limit %lld is below the container's usage %lld "
			   "(memory.checkBeforeUpdate)",
			   want->memory, usage);
	gb_err_hint(err, "give a larger limit, or free memory in the container first");
	return r;
}

/* v1: memory.limit_in_bytes may never exceed memory.memsw.limit_in_bytes, and the backend
 * writes the memory first. Raising memsw above its current value goes first, with the
 * memory as it is. */
static int set_memory(struct gb_cgroup *cg, const struct gb_cg_limits *want,
		      const struct gb_cg_limits *cur, struct gb_err *err)
{
	bool v1 = cg->host.layout != GB_CG_V2;
	bool raise = want->memory_swap == GB_CG_UNLIMITED || want->memory_swap > cur->memory_swap;
	if (v1 && want->memory_swap && cur->memory_swap != GB_CG_UNLIMITED && raise) {
		struct gb_cg_limits first = { .memory = cur->memory,
					      .memory_swap = want->memory_swap };
		int r = gb_cgroup_apply(cg, &first, err);
		if (r < 0)
			return r;
	}
	struct gb_cg_limits l = { .memory = want->memory, .memory_swap = want->memory_swap };
	return gb_cgroup_apply(cg, &l, err);
}

static int set_cpu(struct gb_cgroup *cg, const struct gb_cg_limits *u,
		   const struct gb_cg_limits *cur, struct gb_err *err)
{
	struct gb_cg_limits l = { .cpu_shares = u->cpu_shares };
	if (u->cpu_quota_us || u->cpu_period_us) {
		l.cpu_quota_us = u->cpu_quota_us ? u->cpu_quota_us : cur->cpu_quota_us;
		l.cpu_period_us = u->cpu_period_us ? u->cpu_period_us : cur->cpu_period_us;
	}
	if (l.cpu_period_us <= 0)
		l.cpu_period_us = 100000; /* the kernel's default period */
	return gb_cgroup_apply(cg, &l, err);
}

/* A write the kernel refused: its reason (strerror) joins the message; what this update
 * wrote before is put back (the memory first, the likeliest to be refused). */
static int kernel_refused(struct gb_cgroup *cg, const struct gb_cg_limits *old,
			  const struct gb_cg_limits *now, bool memory_done, struct gb_err *err)
{
	size_t n = strlen(err->msg);
	snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(err->code));
	struct gb_err ignored = { 0 };
	if (memory_done)
		set_memory(cg, old, now, &ignored);
	/* The CPU as it was (v1 reads shares back; v2's weight is left as it is). */
	struct gb_cg_limits cpu = { .cpu_quota_us = old->cpu_quota_us > 0 ? old->cpu_quota_us : 0,
				    .cpu_period_us = old->cpu_period_us,
				    .cpu_shares = old->cpu_shares };
	gb_cgroup_apply(cg, &cpu, &ignored);
	return -err->code;
}

static int write_limits(struct gb_cgroup *cg, const struct gb_oci_update *u,
			const struct gb_cg_limits *cur, struct gb_cg_limits *want,
			struct gb_err *err)
{
	const struct gb_cg_limits *l = &u->l;
	bool memory = l->memory || l->memory_swap;
	if (memory)
		merge_memory(cg, l, cur, want);
	if (memory && u->check_before_update && check_usage(cg, want, err) < 0)
		return -err->code; /* nothing written yet */
	/* Refused after its first write (memsw raised, then the memory refused): put back. */
	if (memory && set_memory(cg, want, cur, err) < 0)
		return kernel_refused(cg, cur, want, true, err);
	if ((l->cpu_shares || l->cpu_quota_us || l->cpu_period_us) && set_cpu(cg, l, cur, err) < 0)
		return kernel_refused(cg, cur, want, memory, err);
	struct gb_cg_limits pids = { .pids_max = l->pids_max };
	if (l->pids_max && gb_cgroup_apply(cg, &pids, err) < 0)
		return kernel_refused(cg, cur, want, memory, err);
	return 0;
}

/* The state glassbox inspect shows (config.resources): what was asked, as create keeps it. */
static void remember(struct gb_config *c, const struct gb_oci_update *u,
		     const struct gb_cg_limits *want)
{
	if (u->l.memory || u->l.memory_swap) {
		c->limits.memory = want->memory == GB_CG_UNLIMITED ? 0 : want->memory;
		c->limits.memory_swap = want->memory_swap;
	}
	if (u->l.cpu_quota_us)
		c->limits.cpu_quota_us = u->l.cpu_quota_us;
	if (u->l.cpu_period_us)
		c->limits.cpu_period_us = u->l.cpu_period_us;
	if (u->l.cpu_shares) {
		c->limits.cpu_shares = u->l.cpu_shares;
		c->limits.cpu_weight = gb_cgroup_shares_to_weight(u->l.cpu_shares);
	}
	if (u->l.pids_max)
		c->limits.pids_max = u->l.pids_max;
	if (u->cpus[0])
		snprintf(c->cpuset_cpus, sizeof c->cpuset_cpus, "%s", u->cpus);
	if (u->mems[0])
		snprintf(c->cpuset_mems, sizeof c->cpuset_mems, "%s", u->mems);
}

/* cpus/mems: the v1 cpuset directory at the cgroupsPath, as create makes it (each new
 * level given its parent's cpus and mems first); the container's processes move in, in
 * case create had no cpuset to make. old keeps what was there, for a later refusal. */
static int cpuset_dir(const struct gb_state *st, char *dir, size_t len, struct gb_err *err)
{
	const char *root = getenv("GLASSBOX_CGROUP_ROOT");
	char probe[GB_CG_PATH];
	snprintf(probe, sizeof probe, "%s/cpuset/cpuset.cpus", root ? root : GB_CGROUP_ROOT);
	if (access(probe, F_OK) < 0)
		return gb_err_set(err, ENOTSUP, "",
				  "update: cpuset cpus/mems on a host without "
				  "the v1 cpuset hierarchy are not supported yet");
	return gb_path(dir, len, "%s/cpuset/%s", root ? root : GB_CGROUP_ROOT, st->cfg.cgroup_path);
}

static int write_cpuset(struct gb_state *st, const struct gb_oci_update *u, char old[2][64],
			struct gb_err *err)
{
	char dir[GB_CG_PATH];
	int r = cpuset_dir(st, dir, sizeof dir, err);
	if (r < 0)
		return r;
	char path[GB_CG_PATH + 16];
	snprintf(path, sizeof path, "%s/cpuset.cpus", dir);
	if (gb_read_line(path, old[0], 64) < 0)
		old[0][0] = '\0'; /* no cpuset yet: nothing to put back */
	snprintf(path, sizeof path, "%s/cpuset.mems", dir);
	if (gb_read_line(path, old[1], 64) < 0)
		old[1][0] = '\0';
	struct gb_state want = *st;
	snprintf(want.cfg.cpuset_cpus, sizeof want.cfg.cpuset_cpus, "%s", u->cpus);
	snprintf(want.cfg.cpuset_mems, sizeof want.cfg.cpuset_mems, "%s", u->mems);
	r = gb_cgroup_container_cpuset(&want, err);
	pid_t *pids = NULL;
	size_t n = 0;
	struct gb_cgroup cg;
	if (r == 0 && gb_cgroup_container_open(st, &cg, NULL) == 0)
		gb_cgroup_pids(&cg, &pids, &n, NULL);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char pid[24];
		snprintf(pid, sizeof pid, "%d", (int)pids[i]);
		r = gb_cg_write(dir, "cgroup.procs", pid, err);
		if (r == -ESRCH)
			r = 0; /* exited meanwhile */
	}
	free(pids);
	return r;
}

static void restore_cpuset(const struct gb_state *st, char old[2][64])
{
	char dir[GB_CG_PATH];
	if (cpuset_dir(st, dir, sizeof dir, NULL) < 0)
		return;
	if (old[1][0])
		gb_cg_write(dir, "cpuset.mems", old[1], NULL);
	if (old[0][0])
		gb_cg_write(dir, "cpuset.cpus", old[0], NULL);
}

int gb_oci_update(struct gb_runtime *rt, const char *id, const struct gb_oci_update *u,
		  struct gb_err *err)
{
	struct gb_state st;
	int r = gb_oci_load_state(rt, id, "update", &st, err);
	if (r < 0)
		return r;
	if (!st.cfg.id[0] || !gb_oci_pid1_running(&st))
		r = gb_err_set(err, ESRCH, "", "container not running"); /* runc's words */
	if (r == 0)
		r = check_supported(u, &st, err);
	struct gb_cgroup cg;
	struct gb_cg_limits cur, want = { 0 };
	if (r == 0)
		r = gb_cgroup_container_open(&st, &cg, err);
	if (r == 0)
		r = gb_cgroup_read_limits(&cg, &cur, err);
	char old_cpuset[2][64] = { "", "" };
	bool cpuset = r == 0 && (u->cpus[0] || u->mems[0]);
	if (cpuset)
		r = write_cpuset(&st, u, old_cpuset, err);
	if (r == 0)
		r = write_limits(&cg, u, &cur, &want, err);
	if (r < 0 && cpuset)
		restore_cpuset(&st, old_cpuset);
	if (r == 0) {
		remember(&st.cfg, u, &want);
		r = gb_state_save(rt, &st, err);
	}
	gb_state_free(&st);
	return r;
}
