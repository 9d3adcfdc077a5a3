/* The container API the CLI, the labs and the tests call: create, start, stop, kill,
 * rm, exec, inspect. Orchestration only: the kernel work is in the step table
 * (steps.c) and the feature files it calls. Lab 01 (lifecycle). */
#ifndef GB_CONTAINER_H
#define GB_CONTAINER_H

#include <stdbool.h>

#include "state/state.h"

/* Create a container from cfg (cfg->id and cfg->name are filled in when empty). On
 * success *st holds its state (free with gb_state_free). On failure nothing remains. */
int gb_container_create(struct gb_runtime *rt, const struct gb_config *cfg, struct gb_state *st,
			struct gb_err *err);

/* Start a created or stopped container.
 * attach: run it from this process, wait for it, forward SIGINT/SIGTERM/SIGHUP/SIGQUIT/
 *         SIGUSR1/SIGUSR2 to its PID 1, and set *exit_code (as a shell reports it).
 * else:   leave it running under a monitor process that records its exit and keeps its
 *         output in a log file; return as soon as its command runs. */
int gb_container_start(struct gb_runtime *rt, const char *ref, bool attach, int *exit_code,
		       struct gb_err *err);

/* create + start; if the start fails the container is removed again (nothing remains). */
int gb_container_run(struct gb_runtime *rt, const struct gb_config *cfg, bool attach,
		     int *exit_code, char id_out[GB_ID_LEN + 1], struct gb_err *err);

/* Send the stop signal, wait up to `timeout` seconds (-1: the container's own), then
 * SIGKILL. Returns 0, or 1 when there was nothing to do (err->msg says why). */
int gb_container_stop(struct gb_runtime *rt, const char *ref, int timeout, const char *signal,
		      struct gb_err *err);
int gb_container_kill(struct gb_runtime *rt, const char *ref, int sig, struct gb_err *err);
/* glassbox pause/resume: the cgroup freezer, with a bounded wait; state paused <-> running. */
int gb_container_pause(struct gb_runtime *rt, const char *ref, struct gb_err *err);
int gb_container_resume(struct gb_runtime *rt, const char *ref, struct gb_err *err);
/* OCI create (core/oci/): walk the start steps of a created container up to its exec,
 * where PID 1 waits on the fifo behind exec_gate (an O_PATH fd) until `start` opens it.
 * No monitor: we return and exit, and the client's shim (a subreaper) inherits PID 1.
 * With cfg.tty, *tty_master gets the master of PID 1's pty (to close), else -1. */
int gb_container_start_gated(struct gb_runtime *rt, struct gb_state *st, int exec_gate,
			     int *tty_master, struct gb_err *err);
/* Remove a created or stopped container; force kills a running one first. */
int gb_container_rm(struct gb_runtime *rt, const char *ref, bool force, struct gb_err *err);
/* Run argv inside a running container's namespaces; waits and sets *exit_code. */
int gb_container_exec(struct gb_runtime *rt, const char *ref, char *const *argv, char *const *env,
		      const char *workdir, int *exit_code, struct gb_err *err);
/* The same as a given user (NULL: the container's own --user / USER). */
int gb_container_exec_as(struct gb_runtime *rt, const char *ref, char *const *argv,
			 char *const *env, const char *workdir, const char *user, int *exit_code,
			 struct gb_err *err);
/* exec's stdio (issue 18): without tty, pipes relayed to this process's fds 0-2 (stdin
 * only if interactive, else /dev/null); with tty, a pty of the container's devpts. */
struct gb_exec_io {
	bool interactive, tty;
};
int gb_container_exec_io(struct gb_runtime *rt, const char *ref, char *const *argv,
			 char *const *env, const char *workdir, const char *user,
			 const struct gb_exec_io *io, int *exit_code, struct gb_err *err);
/* OCI exec --detach (core/oci/): argv with exactly env, in the container's namespaces,
 * cgroup and confinement, with our fds 0-2; we do not wait: *pid is its host PID, and its
 * parent becomes our subreaper (the client's shim). */
int gb_container_exec_detached(struct gb_runtime *rt, const char *ref, char *const *argv,
			       char *const *env, const char *workdir, const char *user, pid_t *pid,
			       struct gb_err *err);
/* The same with a terminal (OCI exec --tty): the command's fds 0-2 are the slave of a new
 * pty of the container's devpts; *master (the caller's to close) is its other end.
 * apparmor (may be NULL or ""): the process's own AppArmor profile, else the container's. */
int gb_container_exec_detached_tty(struct gb_runtime *rt, const char *ref, char *const *argv,
				   char *const *env, const char *workdir, const char *user,
				   const char *apparmor, int *master, pid_t *pid,
				   struct gb_err *err);
/* Config, state and, while it runs, what the kernel reports (observe.c). */
int gb_container_inspect(struct gb_runtime *rt, const char *ref, struct gb_json *j,
			 struct gb_err *err);

/* Find a container (name, id or id prefix), reconcile its state with the kernel, and
 * check that op is legal in that state. 0: go on; 1: nothing to do (err says why); in
 * both cases *st is filled (free with gb_state_free). -errno: refused, *st not filled. */
int gb_container_load(struct gb_runtime *rt, const char *ref, enum gb_op op, bool force,
		      struct gb_state *st, struct gb_err *err);

/* Shell-style exit code of a wait status: the status, or 128+N for signal N. */
int gb_exit_code(int status);

#endif
