/* Lab 09 check: the pids controller. A fork bomb inside stops at pids.max (fork fails
 * with EAGAIN) and the host can still start processes. Negative control: no
 * --pids-limit. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup_lab.h"

static void setup(struct gb_config *cfg)
{
	cfg->limits.pids_max = 20;
}

static void control(struct gb_config *cfg)
{
	cfg->limits.pids_max = 0;
}

static bool host_can_fork(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "cgroup.pids"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = { "sleep", "120", NULL };
	int r = gb_check_container_cfg(c, setup, control, cmd, true, &st);
	if (r < 0)
		return r;
	/* A bounded fork bomb through exec (it joins the container's cgroup): 60 sleepers.
	 * Past pids.max the shell's forks fail: "can't fork: Resource temporarily unavailable". */
	char *const bomb[] = { "sh", "-c",
			       "exec 2>/dev/null; i=0; while [ $i -lt 60 ]; do "
			       "sleep 60 & i=$((i+1)); done",
			       NULL };
	if (gb_check_exec_quiet(c, st.cfg.id, bomb) < 0) {
		gb_state_free(&st);
		return 0; /* the exec's ERROR says why: no bomb, nothing to judge */
	}
	struct gb_cgroup cg;
	struct gb_cg_stats s;
	if (gb_cgroup_container_open(&st, &cg, &c->err) < 0 ||
	    gb_cgroup_stats(&cg, &s, &c->err) < 0) {
		gb_state_free(&st);
		return -1;
	}
	/* The bomb must have reached the limit (a bomb that never ran proves nothing), and
	 * no further. */
	if (s.pids_max > 0 && s.pids_current <= s.pids_max && s.pids_current >= s.pids_max / 2)
		gb_check_is(c, "pids-limit", true,
			    "the fork bomb stopped at %lld processes (pids.current): "
			    "pids.max is %lld, further forks fail with EAGAIN",
			    s.pids_current, s.pids_max);
	else if (s.pids_max > 0 && s.pids_current < s.pids_max / 2)
		gb_check_error(c,
			       "the fork bomb made only %lld processes (pids.current), far below "
			       "pids.max %lld: "
			       "it did not run in this cgroup",
			       s.pids_current, s.pids_max);
	else
		gb_check_is(c, "pids-limit", false,
			    "the fork bomb reached %lld processes (pids.current): nothing "
			    "limits how many it makes (pids.max %s)",
			    s.pids_current, s.pids_max < 0 ? "max" : "set");
	if (host_can_fork())
		gb_check_pass(c, "the host still starts processes");
	else
		gb_check_fail(c, "the host cannot fork any more");
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_09 = {
	.num = 9,
	.slug = "cgroups-pids",
	.title = "cgroups: pids",
	.feature = "pids.max stops a fork bomb inside; the host is unaffected",
	.control = "no --pids-limit",
	.check = check,
	.trips = "pids-limit",
};
