/* cgtool: drives core/cgroup/cgroup.c directly, for the integration tests (30-cgroup-*.sh)
 * and for poking at cgroups by hand. Also carries the workloads the tests run inside
 * a cgroup: an allocation, a fork bomb, a busy loop.
 *
 *   cgtool [--root DIR] [--layout auto|v1|hybrid|v2] [--parent P] COMMAND ...
 *   detect | create NAME [LIMITS] | attach NAME PID | run NAME [LIMITS] -- CMD...
 *   freeze NAME [MS] | thaw NAME | kill NAME | destroy NAME | stats NAME | limits NAME
 *   pids NAME | json NAME | alloc MB | forkbomb N | spin SECONDS
 *   devices NAME [+RULE|-RULE]... (allow/deny, "+c 1:3 rwm", "-a"; replaces the list) |
 *   devices-show NAME (devices.list on v1, the attached programs' ids on v2)
 *   LIMITS: -m SIZE --memory-swap SIZE --cpus N --cpu-shares N --pids-limit N */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "cgroup/devices.h"
#include "base/util.h"

struct opts {
	const char *root, *layout, *parent;
};

static int fail(const struct gb_err *err)
{
	char buf[1024];
	gb_err_format(err, buf, sizeof buf);
	fprintf(stderr, "cgtool: %s\n", buf);
	return 1;
}

static int parse_limits(int argc, char **argv, int *i, struct gb_cg_limits *l, struct gb_err *err)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (; *i + 1 < argc; *i += 2) {
		const char *f = argv[*i], *v = argv[*i + 1];
		int r;
		if (!strcmp(f, "-m") || !strcmp(f, "--memory"))
			r = gb_cgroup_parse_memory(v, &l->memory, err);
		else if (!strcmp(f, "--memory-swap"))
			r = gb_cgroup_parse_memory_swap(v, &l->memory_swap, err);
		else if (!strcmp(f, "--cpus"))
			r = gb_cgroup_parse_cpus(v, ncpu, &l->cpu_quota_us, &l->cpu_period_us, err);
		else if (!strcmp(f, "--cpu-shares"))
			r = gb_cgroup_parse_cpu_shares(v, &l->cpu_shares, err);
		else if (!strcmp(f, "--pids-limit"))
			r = gb_cgroup_parse_pids(v, &l->pids_max, err);
		else
			break;
		if (r < 0)
			return r;
	}
	return gb_cgroup_limits_check(l, err);
}

static int host_of(const struct opts *o, struct gb_cg_host *h, struct gb_err *err)
{
	if (!o->layout || !strcmp(o->layout, "auto"))
		return gb_cgroup_detect(h, o->root, err);
	enum gb_cg_layout l = !strcmp(o->layout, "v1")	     ? GB_CG_V1
			      : !strcmp(o->layout, "hybrid") ? GB_CG_HYBRID
							     : GB_CG_V2;
	return gb_cgroup_host_init(h, o->root, l, err);
}

static void print_detect(const struct gb_cg_host *h)
{
	printf("layout=%s\nroot=%s\nunified=%s\ncontrollers=", gb_cgroup_layout_name(h->layout),
	       h->root, h->unified);
	for (int c = 0; c < GB_CG_NCTRL; c++)
		if (h->avail & 1u << c)
			printf("%s ", gb_cgroup_ctrl_name(c));
	printf("\n");
}

static void print_stats(const struct gb_cg_stats *s)
{
	printf("memory.usage=%lld\nmemory.limit=%lld\nmemory.max_usage=%lld\nmemory.oom_kills=%"
	       "lld\n"
	       "cpu.usage_ns=%llu\ncpu.throttled_ns=%llu\ncpu.nr_periods=%llu\ncpu.nr_throttled=%"
	       "llu\n"
	       "pids.current=%lld\npids.max=%lld\nfreezer=%s\n",
	       s->mem_usage, s->mem_limit, s->mem_max_usage, s->oom_kills, s->cpu_usage_ns,
	       s->throttled_ns, s->nr_periods, s->nr_throttled, s->pids_current, s->pids_max,
	       s->freezer);
}

static void print_limits(const struct gb_cg_limits *l)
{
	printf("memory=%lld\nmemory_swap=%lld\ncpu_quota_us=%lld\ncpu_period_us=%lld\n"
	       "cpu_shares=%lld\ncpu_weight=%lld\npids_max=%lld\n",
	       l->memory, l->memory_swap, l->cpu_quota_us, l->cpu_period_us, l->cpu_shares,
	       l->cpu_weight, l->pids_max);
}

/* The child waits on a pipe until the parent has moved it into the cgroup, so that
 * not one instruction of CMD runs outside it (what the engine's start steps do). */
static int run(struct gb_cgroup *cg, char **cmd, struct gb_err *err)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "pipe2()");
	pid_t pid = fork();
	if (pid < 0)
		return gb_err_set(err, errno, "fork", "fork()");
	if (pid == 0) {
		char c;
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(126);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(p[0]);
	int r = gb_cgroup_attach(cg, pid, err);
	if (r == 0 && write(p[1], "x", 1) != 1)
		r = gb_err_set(err, errno, "write", "release the child");
	close(p[1]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	struct gb_cg_stats st;
	gb_cgroup_stats(cg, &st, NULL);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	printf("exit=%d oom_kills=%lld\n", code, st.oom_kills);
	return r < 0 ? r : code;
}

/* ---- workloads ---- */

static int alloc_mb(long mb)
{
	/* Touch every page: the kernel charges memory when it is used, not when malloc'd. */
	char **chunks = calloc(mb > 0 ? mb : 1, sizeof *chunks);
	if (!chunks)
		return 1;
	long i = 0;
	for (; i < mb; i++) {
		chunks[i] = malloc(1 << 20);
		if (!chunks[i])
			break;
		memset(chunks[i], 1, 1 << 20);
	}
	int ok = i == mb;
	printf(ok ? "allocated %ld MB\n" : "malloc failed at %ld MB\n", i);
	while (i > 0)
		free(chunks[--i]);
	free(chunks);
	return ok ? 0 : 1;
}

static int forkbomb(int n)
{
	int forked = 0, eagain = 0;
	pid_t *kids = calloc(n, sizeof *kids);
	for (int i = 0; kids && i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		if (pid > 0)
			kids[forked++] = pid;
		else if (errno == EAGAIN)
			eagain++;
	}
	printf("forked=%d eagain=%d\n", forked, eagain);
	fflush(stdout);
	for (int i = 0; i < forked; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	free(kids);
	return 0;
}

static int spin(double seconds)
{
	double end = gb_monotonic() + seconds;
	volatile unsigned long x = 0;
	while (gb_monotonic() < end)
		for (int i = 0; i < 100000; i++)
			x++;
	return 0;
}

static int workload(int argc, char **argv)
{
	if (argc < 2)
		return -1;
	if (!strcmp(argv[0], "alloc"))
		return alloc_mb(atol(argv[1]));
	if (!strcmp(argv[0], "forkbomb"))
		return forkbomb(atoi(argv[1]));
	if (!strcmp(argv[0], "spin"))
		return spin(atof(argv[1]));
	return -1;
}

/* ---- cold vs warm attach: the cost of a cgroup.procs write after an idle moment ---- */

static double write_ms(const char *dir, pid_t pid)
{
	char val[24];
	snprintf(val, sizeof val, "%d", (int)pid);
	double t0 = gb_monotonic();
	gb_cg_write(dir, "cgroup.procs", val, NULL);
	return (gb_monotonic() - t0) * 1000;
}

/* Per hierarchy: one write after idle_ms of quiet, then a second one back to back. */
static int attach_bench(struct gb_cgroup *cg, int idle_ms, int rounds)
{
	for (int k = 0; k < rounds; k++) {
		pid_t pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		gb_cg_sleep_ms(idle_ms);
		printf("round %d:", k);
		for (int c = 0; c < GB_CG_NCTRL; c++)
			if (cg->dir[c][0])
				printf(" %s %.2f", gb_cgroup_ctrl_name(c),
				       write_ms(cg->dir[c], pid));
		if (cg->unified_dir[0])
			printf(" unified %.2f", write_ms(cg->unified_dir, pid));
		printf(" | again:");
		for (int c = 0; c < GB_CG_NCTRL; c++)
			if (cg->dir[c][0])
				printf(" %s %.2f", gb_cgroup_ctrl_name(c),
				       write_ms(cg->dir[c], pid));
		printf(" ms\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return 0;
}

/* clone3(CLONE_INTO_CGROUP): the child starts inside the v2 cgroup; no cgroup.procs
 * write, so no wait for the writer side of the kernel's threadgroup lock. */
static pid_t clone_into(int cgfd)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP,
				   .exit_signal = SIGCHLD,
				   .cgroup = (unsigned long long)cgfd };
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static int clone_bench(struct gb_cgroup *cg, int idle_ms, int rounds, struct gb_err *err)
{
	int fd = gb_cgroup_open_fd(cg, err);
	if (fd < 0)
		return fd;
	for (int k = 0; k < rounds; k++) {
		gb_cg_sleep_ms(idle_ms);
		double t0 = gb_monotonic();
		pid_t pid = clone_into(fd);
		if (pid == 0)
			_exit(0);
		double t1 = gb_monotonic();
		if (pid < 0)
			return gb_err_set(err, errno, "clone3", "clone3(CLONE_INTO_CGROUP)");
		waitpid(pid, NULL, 0);
		gb_cg_sleep_ms(idle_ms);
		double t2 = gb_monotonic();
		pid = fork();
		if (pid == 0) {
			pause();
			_exit(0);
		}
		double t3 = gb_monotonic();
		write_ms(cg->unified_dir, pid);
		double t4 = gb_monotonic();
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		printf("round %d: clone3 into cgroup %.2f ms | fork %.2f ms + cgroup.procs write "
		       "%.2f ms\n",
		       k, (t1 - t0) * 1000, (t3 - t2) * 1000, (t4 - t3) * 1000);
	}
	close(fd);
	return 0;
}

/* ---- commands on a named cgroup ---- */

/* devices NAME +RULE|-RULE...: the device cgroup's list (cgroup/devices.h), in order. */
/* What one of the library's JSON writers says of the cgroup, on one line. */
static int print_json(const struct gb_cgroup *cg,
		      void (*write)(const struct gb_cgroup *, struct gb_json *, const char *))
{
	struct gb_json j;
	gb_json_init(&j);
	write(cg, &j, NULL);
	printf("%s\n", j.buf);
	gb_json_free(&j);
	return 0;
}

static int devices(struct gb_cgroup *cg, int argc, char **argv, struct gb_err *err)
{
	struct gb_dev_rule rules[GB_DEV_RULES_MAX];
	if (argc > GB_DEV_RULES_MAX)
		return gb_err_set(err, E2BIG, "devices", "at most %d rules", GB_DEV_RULES_MAX);
	for (int k = 0; k < argc; k++) {
		if ((argv[k][0] != '+' && argv[k][0] != '-') ||
		    gb_devrule_parse(argv[k] + 1, &rules[k], err) < 0)
			return err->code ? -err->code
					 : gb_err_set(err, EINVAL, "devices", "+RULE or -RULE: %s",
						      argv[k]);
		rules[k].allow = argv[k][0] == '+';
	}
	return gb_cgroup_devices(cg, rules, (size_t)argc, err);
}

static int on_cgroup(struct gb_cgroup *cg, const char *cmd, int argc, char **argv,
		     struct gb_err *err)
{
	struct gb_cg_limits l = { 0 };
	struct gb_cg_stats st;
	int i = 0, r;
	if (!strcmp(cmd, "create") || !strcmp(cmd, "run")) {
		r = parse_limits(argc, argv, &i, &l, err);
		if (r == 0)
			r = gb_cgroup_create(cg, &l, err);
		if (r == 0 && (r = gb_cgroup_apply(cg, &l, err)) < 0)
			gb_cgroup_destroy(cg, NULL);
		if (r < 0 || !strcmp(cmd, "create"))
			return r;
		if (i < argc && !strcmp(argv[i], "--"))
			i++;
		if (i >= argc)
			return gb_err_set(err, EINVAL, "run", "run needs a command after --");
		int code = run(cg, argv + i, err);
		r = gb_cgroup_destroy(cg, err);
		return r < 0 ? r : code;
	}
	if (!strcmp(cmd, "attach") && argc > 0)
		return gb_cgroup_attach(cg, atoi(argv[0]), err);
	if (!strcmp(cmd, "attach-bench"))
		return attach_bench(cg, argc > 0 ? atoi(argv[0]) : 1000,
				    argc > 1 ? atoi(argv[1]) : 3);
	if (!strcmp(cmd, "clone-bench"))
		return clone_bench(cg, argc > 0 ? atoi(argv[0]) : 1000,
				   argc > 1 ? atoi(argv[1]) : 3, err);
	if (!strcmp(cmd, "freeze"))
		return gb_cgroup_freeze(cg, argc > 0 ? atoi(argv[0]) : 2000, err);
	if (!strcmp(cmd, "thaw"))
		return gb_cgroup_thaw(cg, 2000, err);
	if (!strcmp(cmd, "kill"))
		return gb_cgroup_kill(cg, 2000, err);
	if (!strcmp(cmd, "destroy"))
		return gb_cgroup_destroy(cg, err);
	if (!strcmp(cmd, "stats")) {
		r = gb_cgroup_stats(cg, &st, err);
		if (r == 0)
			print_stats(&st);
		return r;
	}
	if (!strcmp(cmd, "limits")) {
		r = gb_cgroup_read_limits(cg, &l, err);
		if (r == 0)
			print_limits(&l);
		return r;
	}
	if (!strcmp(cmd, "pids")) {
		pid_t *pids = NULL;
		size_t n = 0;
		r = gb_cgroup_pids(cg, &pids, &n, err);
		for (size_t k = 0; k < n; k++)
			printf("%d\n", (int)pids[k]);
		free(pids);
		return r;
	}
	if (!strcmp(cmd, "devices"))
		return devices(cg, argc, argv, err);
	if (!strcmp(cmd, "devices-show"))
		return print_json(cg, gb_cgdev_json);
	if (!strcmp(cmd, "json"))
		return print_json(cg, gb_cgroup_json);
	return gb_err_set(err, EINVAL, cmd, "unknown command %s (see the top of cgtool.c)", cmd);
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct gb_err err = { 0 };
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
		if (!strcmp(argv[i], "--root"))
			o.root = argv[i + 1];
		else if (!strcmp(argv[i], "--layout"))
			o.layout = argv[i + 1];
		else if (!strcmp(argv[i], "--parent"))
			o.parent = argv[i + 1];
	}
	if (i >= argc) {
		fprintf(stderr, "usage: see the top of tests/cgroup/cgtool.c\n");
		return 2;
	}
	int w = workload(argc - i, argv + i);
	if (w >= 0)
		return w;
	struct gb_cg_host h;
	if (host_of(&o, &h, &err) < 0)
		return fail(&err);
	if (!strcmp(argv[i], "detect")) {
		print_detect(&h);
		return 0;
	}
	struct gb_cgroup cg;
	if (i + 1 >= argc || gb_cgroup_open(&cg, &h, o.parent, argv[i + 1], &err) < 0)
		return i + 1 >= argc ? 2 : fail(&err);
	int r = on_cgroup(&cg, argv[i], argc - i - 2, argv + i + 2, &err);
	if (r < 0)
		return fail(&err);
	return r;
}
