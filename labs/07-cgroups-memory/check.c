/* Lab 07 check: the memory controller. The container's cgroup carries a memory limit,
 * and an allocation past it ends in an OOM kill the kernel counts (oom_kill) and the
 * engine reports (exit 137, OOMKilled). Negative control: no -m. */
#include <stdio.h>
#include <string.h>

#include "cgroup_lab.h"

static void setup(struct gb_config *cfg)
{
	cfg->limits.memory = 32LL << 20;
}

static void control(struct gb_config *cfg)
{
	cfg->limits.memory = 0;
}

/* Inside, /proc/self/cgroup: the cgroup namespace (the engine's `cgroup-namespace` step)
 * makes the container's own cgroup its root, so every line ends in ":/". */
static void check_cgroupns(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "cat", "/proc/self/cgroup", NULL };
	char out[2048];
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return;
	bool rooted = code == 0 && out[0];
	char first[256] = "";
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		size_t n = strlen(line);
		if (n < 2 || strcmp(line + n - 2, ":/")) {
			rooted = false;
			if (!first[0])
				snprintf(first, sizeof first, "%s", line);
		}
	}
	gb_check_is(c, "cgroup-ns", rooted,
		    rooted ? "inside, /proc/self/cgroup says \"/\" on every line: its cgroup is "
			     "the root of its view"
			   : "inside, /proc/self/cgroup shows a host path (%s): the host's cgroup "
			     "tree is visible",
		    first[0] ? first : "nothing read");
}

static void check_limit(struct gb_check *c, const struct gb_state *st, struct gb_cgroup *cg)
{
	struct gb_cg_limits l;
	if (gb_cgroup_container_open(st, cg, &c->err) < 0 ||
	    gb_cgroup_read_limits(cg, &l, &c->err) < 0) {
		gb_check_error(c, "cannot read the limits of the container's cgroup %s",
			       cg->unified_dir);
		return;
	}
	const char *file = cg->host.layout == GB_CG_V2 ? "memory.max" : "memory.limit_in_bytes";
	if (l.memory > 0)
		gb_check_is(c, "memory-limit", true,
			    "its cgroup has a memory limit of %lld MiB (%s)", l.memory >> 20, file);
	else
		gb_check_is(c, "memory-limit", false,
			    "its cgroup has no memory limit (%s says max): it may "
			    "use all of the host's memory",
			    file);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "cgroup.memory") || !gb_check_host_has(c, "ns.cgroup"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	/* It waits for /go (made by the check once it has looked), then becomes dd, which
	 * fills one 64 MiB buffer: twice the limit. dd is PID 1 and the only process, so the
	 * OOM killer's one choice is the container itself (a shell's x=$(head | tr) has two
	 * processes that could be chosen, and the kill of one the shell survives). */
	char *const cmd[] = { "sh", "-c",
			      "while [ ! -e /go ]; do sleep 0.05; done; "
			      "exec dd if=/dev/zero of=/dev/null bs=64M count=1",
			      NULL };
	int r = gb_check_container_cfg(c, setup, control, cmd, c->container != NULL, &st);
	if (r < 0)
		return r;
	struct gb_cgroup cg = { 0 };
	check_limit(c, &st, &cg);
	if (c->container) {
		struct gb_cg_stats s;
		if (gb_cgroup_stats(&cg, &s, &c->err) < 0)
			gb_check_error(c, "cannot read the memory statistics of its cgroup");
		else
			gb_check_pass(
				c,
				"the kernel counted %lld OOM kill%s in it so far (memory.events)",
				s.oom_kills, s.oom_kills == 1 ? "" : "s");
		gb_state_free(&st);
		return 0;
	}
	check_cgroupns(c, &st);
	char *const go[] = { "touch", "/go", NULL };
	if (gb_check_exec_quiet(c, st.cfg.id, go) != 0) {
		gb_check_error(c, "could not start the allocation (`touch /go` inside)");
		gb_state_free(&st);
		return 0;
	}
	if (!gb_lab_wait_stopped(c, &st, 15000))
		gb_check_error(c, "the allocation did not finish within 15 s");
	else
		gb_check_is(c, "oom-kill", st.exit_code == 137 && st.oom_killed,
			    st.exit_code == 137 && st.oom_killed
				    ? "allocating 64 MiB under the limit ended in an OOM kill: "
				      "exit %d, OOMKilled (oom_kill counted by the kernel)"
				    : "allocating 64 MiB succeeded (exit %d): nothing limits its "
				      "memory",
			    st.exit_code);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_07 = {
	.num = 7,
	.slug = "cgroups-memory",
	.title = "cgroups: memory",
	.feature = "memory limit in the cgroup; an allocation past it ends in an OOM kill",
	.control = "no -m (no memory limit)",
	.check = check,
	.trips = "memory-limit",
};
