/* glassbox-runc's ps, update and run (docs/oci.md), beside the verbs of oci_runtime.h:
 * what containerd's shim calls for `docker top` / `ctr task ps` (ps --format json), for
 * `docker update` (update --resources -), and runc's own `run` (create + start + wait).
 * man 7 cgroups for the first two; wait(2) and signalfd(2) for the third. */
#ifndef GB_OCI_VERBS_H
#define GB_OCI_VERBS_H

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup/cgroupfs.h"
#include "oci/oci_fds.h" /* --preserve-fds of create and run */
#include "oci/oci_runtime.h"
#include "state/state.h"

/* ps: the host PIDs in the container's cgroup, as the kernel lists them in cgroup.procs
 * (malloc'd, *n may be 0: a stopped container whose cgroup is empty or gone, as runc). */
int gb_oci_pids(struct gb_runtime *rt, const char *id, pid_t **pids, size_t *n, struct gb_err *err);

/* update: linux.resources as `docker update` sends it through containerd (runc's update
 * --resources), or runc's flags. 0 in a member means "leave it", as with runc; -1 means
 * unlimited for memory, swap and pids. */
struct gb_oci_update {
	struct gb_cg_limits l; /* memory, memory_swap, cpu_quota_us/period_us/shares, pids_max */
	char cpus[64], mems[64];
	long long blkio_weight;
	/* memory.checkBeforeUpdate (runc, cgroup v2): refuse a memory limit below what the
	 * cgroup uses now, where v2's kernel would take it and reclaim or OOM-kill instead. */
	bool check_before_update;
};
/* The JSON of runc update --resources (specs.LinuxResources): memory.limit/swap,
 * cpu.shares/quota/period/cpus/mems, pids.limit, blockIO.weight; other members ignored.
 * -EINVAL naming the JSON path on a wrong type or range. */
int gb_oci_update_parse(const char *text, size_t len, struct gb_oci_update *u, struct gb_err *err);
/* Write u into the container's cgroup through the host's cgroup backend (v1, hybrid, v2)
 * and into its glassbox state (`glassbox inspect`). A value the kernel refuses fails with
 * the kernel's reason, and what this call had written already is put back. */
int gb_oci_update(struct gb_runtime *rt, const char *id, const struct gb_oci_update *u,
		  struct gb_err *err);

/* run: create + start. detach: return once started (*exit_code 0). Else wait for PID 1,
 * our child, forwarding SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to it, then
 * delete the container unless keep; *exit_code is its exit code (128 + signal number). */
struct gb_oci_run {
	const char *bundle, *pid_file, *console_socket;
	bool detach, keep;
	bool no_subreaper; /* --no-subreaper: orphans of a --pid host container go to init */
};
int gb_oci_run(struct gb_runtime *rt, const char *id, const struct gb_oci_run *o, int *exit_code,
	       struct gb_err *err);

#endif
