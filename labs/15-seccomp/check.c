/* Lab 15 check: seccomp. The container's PID 1 runs in filter mode (Seccomp: 2 in
 * /proc/PID/status) with no_new_privs, and a call the default profile forbids,
 * unshare(CLONE_NEWUSER), fails inside while the same call works on the host.
 * Negative control: --security-opt seccomp=unconfined. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab.h"
#include "engine/observe.h"
#include "security/seccomp.h"

static void control(struct gb_config *cfg)
{
	snprintf(cfg->seccomp, sizeof cfg->seccomp, "unconfined");
}

/* The same call on the host, in a child so our own namespaces stay as they are. */
static int unshare_user_on_host(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	int status = 1;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	if (!gb_check_host_has(c, "seccomp"))
		return 0;
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	int mode = gb_seccomp_mode(st.pid);
	if (mode < 0)
		gb_check_error(c, "cannot read Seccomp: from /proc/%d/status", (int)st.pid);
	else if (mode == 2)
		gb_check_is(c, "seccomp-mode", true,
			    "PID 1 runs under a seccomp filter: Seccomp: 2 in /proc/%d/status",
			    (int)st.pid);
	else
		gb_check_is(c, "seccomp-mode", false,
			    "PID 1 has no seccomp filter: Seccomp: %d in /proc/%d/status", mode,
			    (int)st.pid);
	char v[16] = "?";
	if (gb_observe_status_field(st.pid, "NoNewPrivs", v, sizeof v) < 0)
		gb_check_error(c, "cannot read NoNewPrivs: from /proc/%d/status", (int)st.pid);
	else if (strcmp(v, "1") == 0)
		gb_check_is(c, "no-new-privs", true,
			    "NoNewPrivs: 1 in /proc/%d/status: no execve inside can gain "
			    "privileges (setuid bits are ignored)",
			    (int)st.pid);
	else
		gb_check_is(c, "no-new-privs", false,
			    "NoNewPrivs: %s in /proc/%d/status: a setuid binary inside could gain "
			    "privileges",
			    v, (int)st.pid);
	char *const unshare_u[] = { "unshare", "-U", "true", NULL };
	int inside = gb_check_exec_quiet(c, st.cfg.id, unshare_u);
	int outside = unshare_user_on_host();
	if (inside < 0)
		; /* the exec could not run: its ERROR says why */
	else if (inside != 0 && outside == 0)
		gb_check_is(c, "unshare-blocked", true,
			    "`unshare -U true` exits %d inside: unshare(CLONE_NEWUSER) fails "
			    "(EPERM from the filter) but works on the host",
			    inside);
	else if (inside == 0)
		gb_check_is(c, "unshare-blocked", false,
			    "`unshare -U true` exits 0 inside: unshare(CLONE_NEWUSER) works "
			    "inside: new user namespaces open the kernel's "
			    "namespace code to the container");
	else
		gb_check_error(c,
			       "unshare(CLONE_NEWUSER) fails on the host too (exit %d): nothing to "
			       "compare with",
			       outside);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_15 = {
	.num = 15,
	.slug = "seccomp",
	.title = "seccomp: a filter on every system call",
	.feature = "filter mode in /proc status; a blocked syscall fails with EPERM inside, works "
		   "outside",
	.control = "--security-opt seccomp=unconfined",
	.check = check,
	.trips = "seccomp-mode",
};
