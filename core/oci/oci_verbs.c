/* glassbox-runc ps and run (oci_verbs.h); update is in oci_update.c. `ps` reads the
 * kernel's list of the container's processes, its cgroup's cgroup.procs (man 7 cgroups).
 * `run` is create + start in one process that then stays PID 1's parent: it waits for it
 * (wait(2)) and passes on the signals it gets (signalfd(2)), as runc run does. */
#include "oci/oci_verbs.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup_container.h"
#include "engine/container.h"
#include "ns/ns.h"
#include "oci/oci_chain.h"
#include "oci/oci_runtime.h"

/* ------------------------------------------------------------ ps */

int gb_oci_pids(struct gb_runtime *rt, const char *id, pid_t **pids, size_t *n, struct gb_err *err)
{
	struct gb_state st;
	*pids = NULL;
	*n = 0;
	int r = gb_oci_load_state(rt, id, "ps", &st, err);
	if (r < 0)
		return r;
	/* Every process of the container, whatever its PID namespace says: the cgroup holds
	 * PID 1, what it forked and what `exec` put beside it. */
	struct gb_cgroup cg;
	if (st.cfg.id[0] && gb_cgroup_container_open(&st, &cg, NULL) == 0 && gb_cgroup_exists(&cg))
		r = gb_cgroup_pids(&cg, pids, n, err);
	gb_state_free(&st);
	return r;
}

/* ------------------------------------------------------------ run */

/* The signals runc run passes on to PID 1. Blocked and read from a signalfd, so that one
 * arriving while we wait is never lost; SIGCHLD tells us PID 1 (our child) exited. */
static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static int block_signals(sigset_t *old, int *sfd, struct gb_err *err)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, old);
	*sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (*sfd >= 0)
		return 0;
	int r = gb_err_set(err, errno, "signalfd", "cannot wait for the container's signals");
	sigprocmask(SIG_SETMASK, old, NULL);
	return r;
}

/* Reap every child that exited (a subreaper inherits orphans); true once PID 1 did. */
static bool reap(pid_t pid1, int *exit_code)
{
	int status;
	pid_t w;
	bool done = false;
	while ((w = waitpid(-1, &status, WNOHANG)) > 0)
		if (w == pid1) {
			*exit_code = gb_exit_code(status); /* 128 + signal, as sh reports it */
			done = true;
		}
	return done;
}

static int wait_pid1(struct gb_runtime *rt, const char *id, int sfd, int *exit_code,
		     struct gb_err *err)
{
	struct gb_state st;
	int r = gb_oci_load_state(rt, id, NULL, &st, err);
	if (r < 0)
		return r;
	pid_t pid1 = st.pid;
	gb_state_free(&st);
	int pidfd = gb_pidfd_open(pid1);
	if (pidfd < 0)
		return gb_err_set(err, errno, "pidfd_open", "cannot follow PID 1 (%d)", (int)pid1);
	while (!reap(pid1, exit_code)) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof si);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof si) {
			r = gb_err_set(err, errno ? errno : EIO, "read",
				       "cannot read the signalfd");
			break;
		}
		if (si.ssi_signo != SIGCHLD)
			gb_pidfd_send_signal(pidfd, (int)si.ssi_signo); /* gone already: ESRCH */
	}
	close(pidfd);
	return r;
}

int gb_oci_run(struct gb_runtime *rt, const char *id, const struct gb_oci_run *o, int *exit_code,
	       struct gb_err *err)
{
	*exit_code = 0;
	/* As runc run without -d: a subreaper, so that a process of the container that loses
	 * its parent (with the host's PID namespace) is reaped here, not by the host's init. */
	if (!o->detach && !o->no_subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int r = gb_oci_create(rt, id, o->bundle, o->pid_file, o->console_socket, err);
	if (r < 0)
		return r; /* create left nothing behind */
	sigset_t old;
	int sfd = -1;
	if (!o->detach)
		r = block_signals(&old, &sfd, err);
	if (r == 0)
		r = gb_oci_start(rt, id, err);
	if (r == 0 && !o->detach)
		r = wait_pid1(rt, id, sfd, exit_code, err);
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	/* runc deletes what it ran once it exits (or failed to start), unless --keep. */
	if ((r < 0 || !o->detach) && !o->keep) {
		struct gb_err ignored = { 0 };
		gb_oci_delete(rt, id, true, &ignored);
	}
	return r;
}
