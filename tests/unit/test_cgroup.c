/* Unit tests for core/cgroup*.c: the flag parsers, and the v1, hybrid and v2 code
 * against a FAKE cgroupfs, a temp dir of regular files. The test plays the kernel: it
 * creates the interface files a real kernel would create in a new cgroup dir, then
 * asserts what glassbox wrote into memory.max, cpu.max, cgroup.subtree_control... */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup/cgroup.h"
#include "cgroup/cgroup_monitor.h"
#include "base/util.h"

/* ---------------------------------------------------------------- helpers */

static void put(const char *dir, const char *rel, const char *content)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* The file's content without a trailing newline. */
static const char *get(const char *dir, const char *rel)
{
	static char buf[4096];
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "r");
	if (!f)
		return "<missing>";
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static bool isdir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *fake_root(void)
{
	char *root = strdup("/tmp/gb-cgtest-XXXXXX");
	assert_non_null(mkdtemp(root));
	return root;
}

static void drop_root(char *root)
{
	gb_rm_rf(root);
	free(root);
}

static const struct gb_cg_limits typical = {
	.memory = 512LL << 20,
	.cpu_quota_us = 50000,
	.cpu_period_us = 100000,
	.cpu_shares = 512,
	.pids_max = 100,
};

/* ---------------------------------------------------------------- parsing */

static void test_parse_memory(void **state)
{
	struct gb_err err = { 0 };
	long long b = 0;
	assert_int_equal(gb_cgroup_parse_memory("512m", &b, &err), 0);
	assert_int_equal(b, 512LL << 20);
	assert_int_equal(gb_cgroup_parse_memory("1g", &b, &err), 0);
	assert_int_equal(b, 1LL << 30);
	assert_int_equal(gb_cgroup_parse_memory("1.5G", &b, &err), 0);
	assert_int_equal(b, 3LL << 29);
	assert_int_equal(gb_cgroup_parse_memory("64MiB", &b, &err), 0);
	assert_int_equal(b, 64LL << 20);
	assert_int_equal(gb_cgroup_parse_memory("8192kb", &b, &err), 0);
	assert_int_equal(b, 8LL << 20);
	assert_int_equal(gb_cgroup_parse_memory("10485760", &b, &err), 0);
	assert_int_equal(b, 10485760);
	const char *bad[] = { "12XB",  "",  "-1",  "1e9",   "0x100m", " 512m",
			      "512 m", "m", "1.g", "512mm", "1bb" };
	for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++) {
		b = 42;
		assert_int_equal(gb_cgroup_parse_memory(bad[i], &b, &err), -EINVAL);
		assert_int_equal(b, 42);
		assert_non_null(strstr(err.msg, "invalid --memory"));
		assert_true(err.hint[0]);
	}
	assert_int_equal(gb_cgroup_parse_memory("12XB", &b, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "\"12XB\""));
	/* Parses, but below what a container can start with. */
	assert_int_equal(gb_cgroup_parse_memory("4m", &b, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "minimum"));
	assert_int_equal(gb_cgroup_parse_memory("99999999999p", &b, &err), -ERANGE);
}

static void test_parse_memory_swap(void **state)
{
	struct gb_err err = { 0 };
	long long b = 0;
	assert_int_equal(gb_cgroup_parse_memory_swap("-1", &b, &err), 0);
	assert_int_equal(b, GB_CG_UNLIMITED);
	assert_int_equal(gb_cgroup_parse_memory_swap("1g", &b, &err), 0);
	assert_int_equal(b, 1LL << 30);
	assert_int_equal(gb_cgroup_parse_memory_swap("-2", &b, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "memory plus swap"));
}

static void test_parse_cpus(void **state)
{
	struct gb_err err = { 0 };
	long long q = 0, p = 0;
	assert_int_equal(gb_cgroup_parse_cpus("0.5", 2, &q, &p, &err), 0);
	assert_int_equal(q, 50000);
	assert_int_equal(p, 100000);
	assert_int_equal(gb_cgroup_parse_cpus("2", 2, &q, &p, &err), 0);
	assert_int_equal(q, 200000);
	assert_int_equal(gb_cgroup_parse_cpus("0.01", 2, &q, &p, &err), 0);
	assert_int_equal(q, 1000);
	assert_int_equal(gb_cgroup_parse_cpus("0", 2, &q, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "0.01 to 2.00"));
	assert_int_equal(gb_cgroup_parse_cpus("0.001", 2, &q, &p, &err), -EINVAL);
	assert_int_equal(gb_cgroup_parse_cpus("3", 2, &q, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "only 2 CPUs"));
	const char *bad[] = { "", "abc", "-1", "0.5x", ".5", "1e0" };
	for (size_t i = 0; i < GB_ARRAY_LEN(bad); i++) {
		assert_int_equal(gb_cgroup_parse_cpus(bad[i], 2, &q, &p, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "--cpus"));
	}
}

static void test_parse_shares_and_pids(void **state)
{
	struct gb_err err = { 0 };
	long long v = 0;
	assert_int_equal(gb_cgroup_parse_cpu_shares("512", &v, &err), 0);
	assert_int_equal(v, 512);
	assert_int_equal(gb_cgroup_parse_cpu_shares("1", &v, &err), -EINVAL);
	assert_int_equal(gb_cgroup_parse_cpu_shares("262145", &v, &err), -EINVAL);
	assert_int_equal(gb_cgroup_parse_cpu_shares("5o0", &v, &err), -EINVAL);
	assert_int_equal(gb_cgroup_parse_pids("100", &v, &err), 0);
	assert_int_equal(v, 100);
	assert_int_equal(gb_cgroup_parse_pids("-1", &v, &err), 0);
	assert_int_equal(v, GB_CG_UNLIMITED);
	assert_int_equal(gb_cgroup_parse_pids("0", &v, &err), -EINVAL);
	assert_non_null(strstr(err.hint, "-1 for unlimited"));
	assert_int_equal(gb_cgroup_parse_pids("-5", &v, &err), -EINVAL);
	assert_int_equal(gb_cgroup_parse_pids("10k", &v, &err), -EINVAL);
	/* v1 shares → v2 weight: both ends and Docker's default. */
	assert_int_equal(gb_cgroup_shares_to_weight(2), 1);
	assert_int_equal(gb_cgroup_shares_to_weight(1024), 39);
	assert_int_equal(gb_cgroup_shares_to_weight(262144), 10000);
}

static void test_limits_check(void **state)
{
	struct gb_err err = { 0 };
	struct gb_cg_limits l = { .memory_swap = 1LL << 30 };
	assert_int_equal(gb_cgroup_limits_check(&l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "needs -m"));
	l.memory = 2LL << 30;
	assert_int_equal(gb_cgroup_limits_check(&l, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "smaller"));
	l.memory_swap = GB_CG_UNLIMITED;
	assert_int_equal(gb_cgroup_limits_check(&l, &err), 0);
	assert_true(gb_cgroup_limits_any(&l));
	struct gb_cg_limits none = { 0 };
	assert_false(gb_cgroup_limits_any(&none));
}

/* ---------------------------------------------------------------- v2 */

/* What the kernel puts in a new v2 dir. */
static void kernel_v2_dir(const char *dir)
{
	put(dir, "cgroup.procs", "");
	put(dir, "cgroup.subtree_control", "");
	put(dir, "cgroup.freeze", "0\n");
	put(dir, "cgroup.events", "populated 0\nfrozen 0\n");
	put(dir, "cgroup.kill", "");
	put(dir, "memory.max", "max\n");
	put(dir, "memory.swap.max", "max\n");
	put(dir, "cpu.max", "max 100000\n");
	put(dir, "cpu.weight", "100\n");
	put(dir, "pids.max", "max\n");
}

static char *fake_v2(struct gb_cg_host *h, const char *controllers)
{
	char *root = fake_root(), path[600];
	struct gb_err err = { 0 };
	put(root, "cgroup.controllers", controllers);
	put(root, "cgroup.subtree_control", "");
	snprintf(path, sizeof path, "%s/glassbox", root);
	mkdir(path, 0755);
	put(path, "cgroup.subtree_control", "");
	assert_int_equal(gb_cgroup_host_init(h, root, GB_CG_V2, &err), 0);
	return root;
}

static void test_v2_create_enables_controllers_and_applies(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "cpuset cpu io memory pids\n");
	assert_true(h.avail & 1u << GB_CG_MEMORY);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "web", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &typical, &err), 0);
	assert_true(isdir(cg.unified_dir));
	/* Up the tree: the root and glassbox/ both hand the controllers down. */
	assert_string_equal(get(root, "cgroup.subtree_control"), "+memory +cpu +pids");
	assert_string_equal(get(root, "glassbox/cgroup.subtree_control"), "+memory +cpu +pids");
	kernel_v2_dir(cg.unified_dir);
	assert_int_equal(gb_cgroup_apply(&cg, &typical, &err), 0);
	assert_string_equal(get(cg.unified_dir, "memory.max"), "536870912");
	assert_string_equal(get(cg.unified_dir, "memory.swap.max"), "0");
	assert_string_equal(get(cg.unified_dir, "cpu.max"), "50000 100000");
	assert_string_equal(get(cg.unified_dir, "cpu.weight"), "20");
	assert_string_equal(get(cg.unified_dir, "pids.max"), "100");
	struct gb_cg_limits back;
	assert_int_equal(gb_cgroup_read_limits(&cg, &back, &err), 0);
	assert_int_equal(back.memory, 512LL << 20);
	assert_int_equal(back.memory_swap, 512LL << 20);
	assert_int_equal(back.cpu_quota_us, 50000);
	assert_int_equal(back.cpu_period_us, 100000);
	assert_int_equal(back.cpu_weight, 20);
	assert_int_equal(back.pids_max, 100);
	drop_root(root);
}

static void test_v2_swap_and_unlimited(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory pids\n");
	/* Already enabled at both levels: glassbox writes nothing there. */
	put(root, "cgroup.subtree_control", "memory pids\n");
	put(root, "glassbox/cgroup.subtree_control", "pids memory\n");
	struct gb_cg_limits l = { .memory = 256LL << 20,
				  .memory_swap = 1LL << 30,
				  .pids_max = GB_CG_UNLIMITED };
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "db", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &l, &err), 0);
	assert_string_equal(get(root, "cgroup.subtree_control"), "memory pids");
	assert_string_equal(get(root, "glassbox/cgroup.subtree_control"), "pids memory");
	kernel_v2_dir(cg.unified_dir);
	assert_int_equal(gb_cgroup_apply(&cg, &l, &err), 0);
	/* v2 limits swap alone: 1g of memory+swap with 256m of memory is 768m of swap. */
	assert_string_equal(get(cg.unified_dir, "memory.swap.max"), "805306368");
	assert_string_equal(get(cg.unified_dir, "pids.max"), "max");
	l.memory_swap = GB_CG_UNLIMITED;
	assert_int_equal(gb_cgroup_apply(&cg, &l, &err), 0);
	assert_string_equal(get(cg.unified_dir, "memory.swap.max"), "max");
	struct gb_cg_limits back;
	assert_int_equal(gb_cgroup_read_limits(&cg, &back, &err), 0);
	assert_int_equal(back.memory_swap, GB_CG_UNLIMITED);
	assert_int_equal(back.cpu_quota_us, GB_CG_UNLIMITED);
	drop_root(root);
}

static void test_v2_missing_controller_is_clear(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory\n");
	struct gb_cg_limits l = { .pids_max = 10 };
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "x", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &l, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "--pids-limit needs the pids controller"));
	assert_non_null(strstr(err.hint, "cgroup.controllers"));
	assert_false(isdir(cg.unified_dir)); /* nothing made */
	drop_root(root);
}

static void test_v2_attach_exists_and_names(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory cpu pids\n");
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "../etc", &err), -EINVAL);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "a/b", &err), -EINVAL);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "app", &err), 0);
	assert_false(gb_cgroup_exists(&cg));
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	assert_true(gb_cgroup_exists(&cg));
	kernel_v2_dir(cg.unified_dir);
	assert_int_equal(gb_cgroup_attach(&cg, 1234, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.procs"), "1234");
	/* A second container with the same name is refused, and says how to clean up. */
	struct gb_cgroup again;
	assert_int_equal(gb_cgroup_open(&again, &h, NULL, "app", &err), 0);
	assert_int_equal(gb_cgroup_create(&again, NULL, &err), -EEXIST);
	assert_non_null(strstr(err.hint, "rm -f"));
	drop_root(root);
}

static void test_v2_freeze_waits_for_the_kernel(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory cpu pids\n");
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "ice", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	kernel_v2_dir(cg.unified_dir);
	/* The kernel never says "frozen 1": a bounded wait, an error, and thawed again. */
	assert_int_equal(gb_cgroup_freeze(&cg, 50, &err), -ETIMEDOUT);
	assert_string_equal(get(cg.unified_dir, "cgroup.freeze"), "0");
	assert_non_null(strstr(err.msg, "frozen 1"));
	assert_non_null(strstr(err.hint, "thawed again"));
	/* The kernel confirms: freeze succeeds and stats say frozen. */
	put(cg.unified_dir, "cgroup.events", "populated 1\nfrozen 1\n");
	assert_int_equal(gb_cgroup_freeze(&cg, 50, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.freeze"), "1");
	struct gb_cg_stats st;
	assert_int_equal(gb_cgroup_stats(&cg, &st, &err), 0);
	assert_string_equal(st.freezer, "frozen");
	drop_root(root);
}

struct late_write {
	const char *dir;
	const char *content;
};

static void *write_later(void *arg)
{
	struct late_write *w = arg;
	gb_cg_sleep_ms(100);
	put(w->dir, "cgroup.events", w->content);
	return NULL;
}

/* The wait sleeps in poll() on inotify and wakes when cgroup.events changes. */
static void test_v2_wait_wakes_on_events_change(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory cpu pids\n");
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "late", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	kernel_v2_dir(cg.unified_dir);
	put(cg.unified_dir, "cgroup.events", "populated 1\nfrozen 0\n");
	struct late_write w = { cg.unified_dir, "populated 1\nfrozen 1\n" };
	pthread_t t;
	double t0 = gb_monotonic();
	assert_int_equal(pthread_create(&t, NULL, write_later, &w), 0);
	assert_int_equal(gb_cgroup_freeze(&cg, 5000, &err), 0);
	double waited = gb_monotonic() - t0;
	pthread_join(t, NULL);
	assert_true(waited >= 0.09 && waited < 2.0);
	drop_root(root);
}

static void test_v2_kill_stats_destroy(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v2(&h, "memory cpu pids\n");
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "k", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	kernel_v2_dir(cg.unified_dir);
	/* Empty: nothing to kill, and no cgroup.kill write (it would take a global lock). */
	assert_int_equal(gb_cgroup_kill(&cg, 100, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.kill"), "");
	put(cg.unified_dir, "cgroup.procs", "1234\n");
	assert_int_equal(gb_cgroup_kill(&cg, 100, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.kill"), "1");
	put(cg.unified_dir, "cgroup.events", "populated 1\nfrozen 0\n");
	assert_int_equal(gb_cgroup_kill(&cg, 50, &err), -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "populated 1"));
	put(cg.unified_dir, "memory.current", "1000\n");
	put(cg.unified_dir, "memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
	put(cg.unified_dir, "cpu.stat",
	    "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n"
	    "nr_periods 10\nnr_throttled 3\nthrottled_usec 20\n");
	put(cg.unified_dir, "pids.current", "4\n");
	struct gb_cg_stats st;
	assert_int_equal(gb_cgroup_stats(&cg, &st, &err), 0);
	assert_int_equal(st.mem_usage, 1000);
	assert_int_equal(st.mem_limit, GB_CG_UNLIMITED);
	assert_int_equal(st.oom_kills, 2);
	assert_int_equal(st.cpu_usage_ns, 1500000);
	assert_int_equal(st.throttled_ns, 20000);
	assert_int_equal(st.nr_periods, 10);
	assert_int_equal(st.nr_throttled, 3);
	assert_int_equal(st.pids_current, 4);
	assert_string_equal(st.freezer, "thawed");
	/* After a crash the dir may already be gone: destroy is still fine. */
	gb_rm_rf(cg.unified_dir);
	assert_int_equal(gb_cgroup_destroy(&cg, &err), 0);
	drop_root(root);
}

/* ---------------------------------------------------------------- v1 and hybrid */

static const char *const v1_ctrls[] = { "memory", "cpu", "cpuacct", "pids", "freezer" };

static char *fake_v1(bool unified)
{
	char *root = fake_root(), path[600];
	for (size_t i = 0; i < GB_ARRAY_LEN(v1_ctrls); i++) {
		snprintf(path, sizeof path, "%s/%s", root, v1_ctrls[i]);
		mkdir(path, 0755);
		put(path, "cgroup.procs", "");
	}
	if (unified) {
		snprintf(path, sizeof path, "%s/unified", root);
		mkdir(path, 0755);
		put(path, "cgroup.controllers", "");
		put(path, "cgroup.subtree_control", "");
	}
	return root;
}

static void kernel_v1_dirs(const struct gb_cgroup *cg)
{
	for (int c = 0; c < GB_CG_NCTRL; c++)
		if (cg->dir[c][0])
			put(cg->dir[c], "cgroup.procs", "");
	put(cg->dir[GB_CG_MEMORY], "memory.limit_in_bytes", "9223372036854771712\n");
	put(cg->dir[GB_CG_MEMORY], "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	put(cg->dir[GB_CG_CPU], "cpu.cfs_period_us", "100000\n");
	put(cg->dir[GB_CG_CPU], "cpu.cfs_quota_us", "-1\n");
	put(cg->dir[GB_CG_CPU], "cpu.shares", "1024\n");
	put(cg->dir[GB_CG_PIDS], "pids.max", "max\n");
	put(cg->dir[GB_CG_FREEZER], "freezer.state", "THAWED\n");
}

static void test_v1_create_apply_attach(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v1(false);
	assert_int_equal(gb_cgroup_host_init(&h, root, GB_CG_V1, &err), 0);
	assert_int_equal(h.avail, (1u << GB_CG_NCTRL) - 1);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "web", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &typical, &err), 0);
	for (size_t i = 0; i < GB_ARRAY_LEN(v1_ctrls); i++) {
		char path[700];
		snprintf(path, sizeof path, "%s/%s/glassbox/web", root, v1_ctrls[i]);
		assert_true(isdir(path)); /* one dir in each hierarchy */
	}
	assert_string_equal(cg.unified_dir, "");
	kernel_v1_dirs(&cg);
	assert_int_equal(gb_cgroup_apply(&cg, &typical, &err), 0);
	assert_string_equal(get(cg.dir[GB_CG_MEMORY], "memory.limit_in_bytes"), "536870912");
	/* memory+swap equal to memory: swap off. */
	assert_string_equal(get(cg.dir[GB_CG_MEMORY], "memory.memsw.limit_in_bytes"), "536870912");
	assert_string_equal(get(cg.dir[GB_CG_CPU], "cpu.cfs_period_us"), "100000");
	assert_string_equal(get(cg.dir[GB_CG_CPU], "cpu.cfs_quota_us"), "50000");
	assert_string_equal(get(cg.dir[GB_CG_CPU], "cpu.shares"), "512");
	assert_string_equal(get(cg.dir[GB_CG_PIDS], "pids.max"), "100");
	assert_int_equal(gb_cgroup_attach(&cg, 4321, &err), 0);
	for (int c = 0; c < GB_CG_NCTRL; c++)
		assert_string_equal(get(cg.dir[c], "cgroup.procs"), "4321");
	struct gb_cg_limits back;
	assert_int_equal(gb_cgroup_read_limits(&cg, &back, &err), 0);
	assert_int_equal(back.memory, 512LL << 20);
	assert_int_equal(back.cpu_quota_us, 50000);
	assert_int_equal(back.cpu_shares, 512);
	assert_int_equal(back.pids_max, 100);
	drop_root(root);
}

static void test_v1_swap_accounting(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v1(false);
	assert_int_equal(gb_cgroup_host_init(&h, root, GB_CG_V1, &err), 0);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "s", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	kernel_v1_dirs(&cg);
	struct gb_cg_limits l = { .memory = 64LL << 20, .memory_swap = GB_CG_UNLIMITED };
	assert_int_equal(gb_cgroup_apply(&cg, &l, &err), 0);
	assert_string_equal(get(cg.dir[GB_CG_MEMORY], "memory.memsw.limit_in_bytes"), "-1");
	/* A kernel without swap accounting: "no swap" is already true, explicit swap is not. */
	char path[700];
	snprintf(path, sizeof path, "%s/memory.memsw.limit_in_bytes", cg.dir[GB_CG_MEMORY]);
	unlink(path);
	l.memory_swap = 0;
	assert_int_equal(gb_cgroup_apply(&cg, &l, &err), 0);
	l.memory_swap = 128LL << 20;
	assert_int_equal(gb_cgroup_apply(&cg, &l, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "swapaccount=1"));
	drop_root(root);
}

static void test_v1_freeze_stats(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v1(false);
	assert_int_equal(gb_cgroup_host_init(&h, root, GB_CG_V1, &err), 0);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "f", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	kernel_v1_dirs(&cg);
	assert_int_equal(gb_cgroup_freeze(&cg, 100, &err), 0);
	assert_string_equal(get(cg.dir[GB_CG_FREEZER], "freezer.state"), "FROZEN");
	assert_int_equal(gb_cgroup_thaw(&cg, 100, &err), 0);
	assert_string_equal(get(cg.dir[GB_CG_FREEZER], "freezer.state"), "THAWED");
	put(cg.dir[GB_CG_MEMORY], "memory.usage_in_bytes", "2048\n");
	put(cg.dir[GB_CG_MEMORY], "memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
	put(cg.dir[GB_CG_CPUACCT], "cpuacct.usage", "123456789\n");
	put(cg.dir[GB_CG_CPU], "cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 5000\n");
	put(cg.dir[GB_CG_PIDS], "pids.current", "2\n");
	struct gb_cg_stats st;
	assert_int_equal(gb_cgroup_stats(&cg, &st, &err), 0);
	assert_int_equal(st.mem_usage, 2048);
	assert_int_equal(st.mem_limit, GB_CG_UNLIMITED); /* v1's huge number means none */
	assert_int_equal(st.oom_kills, 3);
	assert_int_equal(st.cpu_usage_ns, 123456789);
	assert_int_equal(st.nr_throttled, 4);
	assert_int_equal(st.throttled_ns, 5000);
	assert_int_equal(st.pids_current, 2);
	assert_string_equal(st.freezer, "thawed");
	drop_root(root);
}

/* cpu and cpuacct mounted together (cpu -> cpu,cpuacct): one dir, created once. */
static void test_v1_comounted(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_root(), path[700], link[700];
	snprintf(path, sizeof path, "%s/cpu,cpuacct", root);
	mkdir(path, 0755);
	put(path, "cgroup.procs", "");
	snprintf(link, sizeof link, "%s/cpu", root);
	assert_int_equal(symlink("cpu,cpuacct", link), 0);
	snprintf(link, sizeof link, "%s/cpuacct", root);
	assert_int_equal(symlink("cpu,cpuacct", link), 0);
	assert_int_equal(gb_cgroup_host_init(&h, root, GB_CG_V1, &err), 0);
	assert_string_equal(h.hier[GB_CG_CPU], h.hier[GB_CG_CPUACCT]);
	struct gb_cg_limits l = { .memory = 64LL << 20 };
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "c", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &l, &err), -ENODEV); /* no memory hierarchy */
	assert_non_null(strstr(err.msg, "memory controller"));
	assert_non_null(strstr(err.hint, "mount -t cgroup -o memory"));
	assert_int_equal(gb_cgroup_create(&cg, NULL, &err), 0);
	snprintf(path, sizeof path, "%s/cpu,cpuacct/glassbox/c", root);
	assert_true(isdir(path));
	drop_root(root);
}

static void test_hybrid_uses_both(void **state)
{
	struct gb_cg_host h;
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char *root = fake_v1(true);
	assert_int_equal(gb_cgroup_host_init(&h, root, GB_CG_HYBRID, &err), 0);
	assert_int_equal(gb_cgroup_open(&cg, &h, NULL, "h", &err), 0);
	assert_int_equal(gb_cgroup_create(&cg, &typical, &err), 0);
	assert_true(isdir(cg.dir[GB_CG_MEMORY]));
	assert_true(isdir(cg.unified_dir));
	/* The cgroup2 side of hybrid has no controllers: nothing is enabled there. */
	assert_string_equal(get(h.unified, "cgroup.subtree_control"), "");
	kernel_v1_dirs(&cg);
	kernel_v2_dir(cg.unified_dir);
	assert_int_equal(gb_cgroup_apply(&cg, &typical, &err), 0);
	assert_string_equal(get(cg.dir[GB_CG_MEMORY], "memory.limit_in_bytes"), "536870912");
	assert_string_equal(get(cg.unified_dir, "memory.max"), "max"); /* untouched */
	assert_int_equal(gb_cgroup_attach(&cg, 99, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.procs"), "99");
	assert_string_equal(get(cg.dir[GB_CG_PIDS], "cgroup.procs"), "99");
	/* Freeze goes through the v2 core freezer, which reports completion. */
	put(cg.unified_dir, "cgroup.events", "populated 1\nfrozen 1\n");
	assert_int_equal(gb_cgroup_freeze(&cg, 100, &err), 0);
	assert_string_equal(get(cg.unified_dir, "cgroup.freeze"), "1");
	assert_string_equal(get(cg.dir[GB_CG_FREEZER], "freezer.state"), "THAWED");
	drop_root(root);
}

static void test_detect_rejects_non_cgroup(void **state)
{
	struct gb_cg_host h;
	struct gb_err err = { 0 };
	char *root = fake_root();
	assert_true(gb_cgroup_detect(&h, root, &err) < 0);
	assert_non_null(strstr(err.msg, "no cgroup v1 controller"));
	assert_non_null(strstr(err.hint, "mount -t cgroup2"));
	/* A fake tree passes only when the caller vouches for its layout. */
	char *v1 = fake_v1(false);
	assert_true(gb_cgroup_detect(&h, v1, &err) < 0);
	assert_int_equal(gb_cgroup_host_init(&h, v1, GB_CG_V1, &err), 0);
	drop_root(v1);
	drop_root(root);
}

/* ---------------------------------------------------------------- monitor */

struct captured {
	int n;
	char type[8][32];
	char line[8][1024];
};

static void capture(void *data, const char *type, const char *line)
{
	struct captured *c = data;
	if (c->n < 8) {
		snprintf(c->type[c->n], sizeof c->type[0], "%s", type);
		snprintf(c->line[c->n], sizeof c->line[0], "%s", line);
		c->n++;
	}
}

static void test_monitor_events_and_row(void **state)
{
	struct gb_events ev;
	struct captured cap = { 0 };
	gb_events_init(&ev);
	ev.listener = capture;
	ev.listener_data = &cap;
	struct gb_cg_stats prev = { .cpu_usage_ns = 1000000000ULL, .oom_kills = 0 };
	struct gb_cg_stats now = { .cpu_usage_ns = 1500000000ULL,
				   .mem_usage = 3 << 20,
				   .mem_limit = 32 << 20,
				   .oom_kills = 1,
				   .pids_current = 3,
				   .pids_max = 10,
				   .nr_throttled = 4,
				   .throttled_ns = 250000000 };
	snprintf(now.freezer, sizeof now.freezer, "thawed");
	/* 0.5 s of CPU time in 1 s of wall time: 50% of one CPU. */
	double pct = gb_cgroup_cpu_percent(&prev, &now, 1.0);
	assert_true(pct > 49.9 && pct < 50.1);
	assert_true(gb_cgroup_cpu_percent(NULL, &now, 1.0) == 0);
	struct gb_cg_limits l = { .cpu_quota_us = 50000, .cpu_period_us = 100000 };
	gb_cgroup_event_sample(&ev, GB_CG_HYBRID, &now, &prev, 1.0, &l);
	assert_true(gb_cgroup_event_oom(&ev, &now, &prev));
	assert_false(gb_cgroup_event_oom(&ev, &now, &now)); /* no rise, no event */
	assert_int_equal(cap.n, 2);
	assert_string_equal(cap.type[0], "resource.sample");
	assert_non_null(strstr(cap.line[0], "\"percent\":50.0"));
	assert_non_null(strstr(cap.line[0], "\"layout\":\"hybrid\""));
	assert_non_null(strstr(cap.line[0], "\"quota_us\":50000"));
	assert_non_null(strstr(cap.line[0], "\"pids\":{\"current\":3,\"max\":10}"));
	assert_string_equal(cap.type[1], "oom.kill");
	assert_non_null(strstr(cap.line[1], "\"count\":1"));
	char row[256], b[32];
	gb_cgroup_stats_row("web", &now, pct, row, sizeof row);
	assert_non_null(strstr(row, "50.00%"));
	assert_non_null(strstr(row, "3.00MiB / 32.00MiB"));
	assert_non_null(strstr(row, "9.38%"));
	assert_non_null(strstr(row, "3 / 10"));
	gb_cgroup_human_bytes(GB_CG_UNLIMITED, b, sizeof b);
	assert_string_equal(b, "unlimited");
	gb_cgroup_human_bytes(512, b, sizeof b);
	assert_string_equal(b, "512B");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_memory),
		cmocka_unit_test(test_parse_memory_swap),
		cmocka_unit_test(test_parse_cpus),
		cmocka_unit_test(test_parse_shares_and_pids),
		cmocka_unit_test(test_limits_check),
		cmocka_unit_test(test_v2_create_enables_controllers_and_applies),
		cmocka_unit_test(test_v2_swap_and_unlimited),
		cmocka_unit_test(test_v2_missing_controller_is_clear),
		cmocka_unit_test(test_v2_attach_exists_and_names),
		cmocka_unit_test(test_v2_freeze_waits_for_the_kernel),
		cmocka_unit_test(test_v2_wait_wakes_on_events_change),
		cmocka_unit_test(test_v2_kill_stats_destroy),
		cmocka_unit_test(test_v1_create_apply_attach),
		cmocka_unit_test(test_v1_swap_accounting),
		cmocka_unit_test(test_v1_freeze_stats),
		cmocka_unit_test(test_v1_comounted),
		cmocka_unit_test(test_hybrid_uses_both),
		cmocka_unit_test(test_detect_rejects_non_cgroup),
		cmocka_unit_test(test_monitor_events_and_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
