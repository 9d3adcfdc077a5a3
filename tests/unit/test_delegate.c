/* core/cgroup/delegate.c and core/classroom/subids.c against fake files: a delegated
 * subtree is found only when the caller owns it (and, on v2, only from inside it, with the
 * fix named); setup writes the ceiling into the subtree's own files and hands over the
 * right ones; /etc/subuid-style files get a range above every other and lose exactly the
 * line that was added. The real kernel side is tests/integration/65-classroom-cgroups.sh
 * and tests/guest/rootless-delegated.sh. Runs as any user. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/delegate.h"
#include "classroom/subids.h"

static void put(const char *dir, const char *rel, const char *content)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

static const char *get(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	if (!f)
		return "<missing>";
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static char *fake_root(void)
{
	char *root = strdup("/tmp/gb-delegtest-XXXXXX");
	assert_non_null(mkdtemp(root));
	return root;
}

/* A fake v1 host: one dir per controller; NAME's subtree made as the kernel would. */
static void fake_v1(struct gb_cg_host *h, const char *root, const char *name)
{
	static const char *const ctrls[] = { "memory", "cpu", "pids" };
	static const enum gb_cg_ctrl ids[] = { GB_CG_MEMORY, GB_CG_CPU, GB_CG_PIDS };
	memset(h, 0, sizeof *h);
	h->layout = GB_CG_V1;
	snprintf(h->root, sizeof h->root, "%s", root);
	for (size_t i = 0; i < 3; i++) {
		char dir[600];
		snprintf(h->hier[ids[i]], sizeof h->hier[ids[i]], "%s/%s", root, ctrls[i]);
		h->avail |= 1u << ids[i];
		snprintf(dir, sizeof dir, "%s/glassbox.class/%s", h->hier[ids[i]], name);
		assert_int_equal(gb_mkdir_p(dir, 0755), 0);
		put(dir, "cgroup.procs", "");
		put(dir, "tasks", "");
		put(dir,
		    ctrls[i][0] == 'm'	 ? "memory.limit_in_bytes"
		    : ctrls[i][0] == 'c' ? "cpu.shares"
					 : "pids.max",
		    "max\n");
	}
}

static void test_v1_create_writes_ceiling_and_hands_over(void **state)
{
	(void)state;
	char *root = fake_root(), path[700];
	struct gb_cg_host h;
	fake_v1(&h, root, "alice");
	struct gb_cg_limits ceil = { .memory = 256LL << 20, .pids_max = 200, .cpu_weight = 50 };
	struct gb_err err = { 0 };
	uid_t me = getuid();
	assert_int_equal(gb_cg_delegate_create(&h, "alice", me, getgid(), &ceil, &err), 0);
	snprintf(path, sizeof path, "%s/memory/glassbox.class/alice/memory.limit_in_bytes", root);
	assert_string_equal(get(path), "268435456");
	snprintf(path, sizeof path, "%s/pids/glassbox.class/alice/pids.max", root);
	assert_string_equal(get(path), "200");
	snprintf(path, sizeof path, "%s/cpu/glassbox.class/alice/cpu.shares", root);
	assert_string_equal(get(path), "512"); /* weight 50 of 100 → half of 1024 */
	/* found by its owner, not by anyone else */
	struct gb_cg_delegation d;
	assert_int_equal(gb_cg_delegation_find(&h, me, "alice", &d, &err), 0);
	assert_string_equal(d.rel, "glassbox.class/alice");
	assert_true(d.classroom);
	assert_false(d.unified_inside);
	assert_int_equal(gb_cg_delegation_find(&h, me + 1, "alice", &d, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "glassbox classroom setup"));
	assert_int_equal(gb_cg_delegation_find(&h, me, "bob", &d, &err), -ENOENT);
	assert_int_equal(gb_cg_delegate_create(&h, "../x", me, getgid(), &ceil, &err), -EINVAL);
	gb_rm_rf(root);
	free(root);
}

/* v2: a subtree the caller owns but is not inside is named, with the fix. */
static void test_v2_outside_the_subtree_is_refused_with_the_fix(void **state)
{
	(void)state;
	char *root = fake_root(), dir[700], self[512];
	struct gb_cg_host h = { .layout = GB_CG_V2 };
	snprintf(h.root, sizeof h.root, "%s", root);
	snprintf(h.unified, sizeof h.unified, "%s", root);
	snprintf(dir, sizeof dir, "%s/glassbox.class/alice", root);
	assert_int_equal(gb_mkdir_p(dir, 0755), 0);
	put(dir, "cgroup.procs", "");
	struct gb_cg_delegation d;
	struct gb_err err = { 0 };
	assert_int_equal(gb_cg_self_unified(self, sizeof self), 0);
	assert_true(self[0] == '/');
	if (strncmp(self, "/glassbox.class/alice", 21) != 0) {
		assert_int_equal(gb_cg_delegation_find(&h, getuid(), "alice", &d, &err), -EACCES);
		assert_non_null(strstr(err.msg, "outside your delegated cgroup"));
		assert_non_null(strstr(err.hint, "session"));
	}
	gb_rm_rf(root);
	free(root);
}

/* v2 without a classroom: the highest ancestor of our own cgroup that we own (systemd's
 * user@UID.service looks like that). A fake tree mirrors /proc/self/cgroup's path. */
static void test_v2_own_ancestor(void **state)
{
	(void)state;
	char *root = fake_root(), self[512], dir[1200];
	assert_int_equal(gb_cg_self_unified(self, sizeof self), 0);
	struct gb_cg_host h = { .layout = GB_CG_V2 };
	snprintf(h.root, sizeof h.root, "%s", root);
	snprintf(h.unified, sizeof h.unified, "%s", root);
	struct gb_cg_delegation d;
	struct gb_err err = { 0 };
	if (strcmp(self, "/") != 0) {
		snprintf(dir, sizeof dir, "%s%s", root, self);
		assert_int_equal(gb_mkdir_p(dir, 0755), 0);
		/* every level has a cgroup.procs; all are ours, so the top one is chosen */
		for (char *p = dir + strlen(root) + 1;; p++) {
			char *slash = strchr(p, '/');
			if (slash)
				*slash = '\0';
			put(dir, "cgroup.procs", "");
			if (!slash)
				break;
			*slash = '/';
			p = slash;
		}
		assert_int_equal(gb_cg_delegation_find(&h, getuid(), NULL, &d, &err), 0);
		size_t first = strcspn(self + 1, "/");
		assert_int_equal(strlen(d.rel), first);
		assert_true(d.unified_inside);
		assert_false(d.classroom);
	}
	assert_int_equal(gb_cg_delegation_find(&h, getuid() + 1, NULL, &d, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "Delegate=yes"));
	gb_rm_rf(root);
	free(root);
}

static void test_subids_append_above_and_remove_exactly(void **state)
{
	(void)state;
	char *root = fake_root(), file[600], lock[700];
	snprintf(file, sizeof file, "%s/subuid", root);
	const char *before = "root:100000:65536\n# a comment\nbob:165536:65536\n1005:300000:1000";
	put(root, "subuid", before);
	assert_true(gb_class_subid_has(file, "bob", 9999));
	assert_true(gb_class_subid_has(file, "whoever", 1005)); /* by uid */
	assert_false(gb_class_subid_has(file, "alice", 1001));
	uint32_t start = 0;
	struct gb_err err = { 0 };
	assert_int_equal(gb_class_subid_append(file, "alice", GB_CLASS_SUBID_MIN, &start, &err), 0);
	assert_int_equal(start, 327680); /* 301000 rounded up to whole 65536 ranges */
	char want[512];
	snprintf(want, sizeof want, "%s\nalice:327680:65536\n", before);
	assert_string_equal(get(file), want); /* old lines byte for byte, a newline added */
	assert_true(gb_class_subid_has(file, "alice", 1001));
	snprintf(lock, sizeof lock, "%s.lock", file);
	assert_int_equal(access(lock, F_OK), -1); /* the lock is released */
	/* a second range goes above the first */
	assert_int_equal(gb_class_subid_append(file, "carol", GB_CLASS_SUBID_MIN, &start, &err), 0);
	assert_int_equal(start, 327680 + 65536);
	assert_int_equal(gb_class_subid_remove(file, "alice", 327680, &err), 0);
	assert_int_equal(gb_class_subid_remove(file, "carol", 393216, &err), 0);
	snprintf(want, sizeof want, "%s\n", before);
	assert_string_equal(get(file), want);
	/* a held lock is waited for, then reported */
	put(root, "subuid.lock", "1");
	assert_int_equal(gb_class_subid_append(file, "dave", GB_CLASS_SUBID_MIN, &start, &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "locked"));
	gb_rm_rf(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_create_writes_ceiling_and_hands_over),
		cmocka_unit_test(test_v2_outside_the_subtree_is_refused_with_the_fix),
		cmocka_unit_test(test_v2_own_ancestor),
		cmocka_unit_test(test_subids_append_above_and_remove_exactly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
