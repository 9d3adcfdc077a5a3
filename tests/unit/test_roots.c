/* core/state/roots.c: the roots are made 0700 whatever the umask, an older glassbox's wide
 * modes are tightened (roots and their direct subdirectories only, never a sticky dir),
 * and a wide root is recognised. Runs as any user, in a private temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/roots.h"
#include "state/state.h"
#include "base/util.h"

static mode_t mode_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void tmp_roots(char *base, struct gb_runtime *rt)
{
	char data[600], state[600];
	assert_non_null(mkdtemp(base));
	snprintf(data, sizeof data, "%s/lib/glassbox", base);
	snprintf(state, sizeof state, "%s/run/glassbox", base);
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_init(rt, state, data, &err), 0);
}

static void made_0700_under_any_umask(void **s)
{
	char base[] = "/tmp/gbunit-roots-XXXXXX";
	struct gb_runtime rt;
	tmp_roots(base, &rt);
	mode_t old = umask(0); /* the worst case: mkdir's mode is taken as given */
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_prepare(&rt, &err), 0);
	umask(old);
	assert_int_equal(mode_of(rt.data_root), 0700);
	assert_int_equal(mode_of(rt.state_root), 0700);
	char p[700];
	snprintf(p, sizeof p, "%s/containers", rt.data_root);
	assert_int_equal(mode_of(p), 0700);
	snprintf(p, sizeof p, "%s/lib", base);
	assert_int_equal(mode_of(p), 0755); /* a parent: as mkdir -p makes it */
	char why[700];
	assert_false(gb_roots_wide(rt.data_root, why, sizeof why));
	gb_rm_rf(base);
}

static void repair_tightens_roots_and_their_dirs(void **s)
{
	char base[] = "/tmp/gbunit-roots-XXXXXX";
	struct gb_runtime rt;
	tmp_roots(base, &rt);
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_prepare(&rt, &err), 0);
	char layers[700], deep[800], sticky[700], other[700];
	snprintf(layers, sizeof layers, "%s/layers", rt.data_root);
	snprintf(deep, sizeof deep, "%s/abc", layers);
	snprintf(sticky, sizeof sticky, "%s/volumes", rt.data_root);
	snprintf(other, sizeof other, "%s/not-ours", rt.data_root);
	assert_int_equal(gb_mkdir_p(deep, 0755), 0);
	assert_int_equal(mkdir(sticky, 0700), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	/* As an older glassbox left them. */
	chmod(rt.data_root, 0711);
	chmod(rt.state_root, 0711);
	chmod(layers, 0755);
	chmod(deep, 0755);
	chmod(sticky, 01777);
	char why[700];
	assert_true(gb_roots_wide(rt.data_root, why, sizeof why));
	assert_non_null(strstr(why, "0711"));
	/* A root that holds anything of someone else's is no root of glassbox's alone (a
	 * --data-root pointed at a shared directory): reported, never closed. */
	assert_int_equal(gb_roots_repair(rt.data_root, rt.state_root), 1); /* the state root */
	assert_int_equal(mode_of(rt.data_root), 0711);
	assert_int_equal(mode_of(layers), 0755);
	assert_int_equal(rmdir(other), 0);
	assert_int_equal(gb_roots_repair(rt.data_root, rt.state_root), 2);
	assert_int_equal(mode_of(rt.data_root), 0700);
	assert_int_equal(mode_of(rt.state_root), 0700);
	assert_int_equal(mode_of(layers), 0700);
	assert_int_equal(mode_of(deep), 0755);	  /* not walked: the root stops everyone */
	assert_int_equal(mode_of(sticky), 01777); /* a sticky dir is shared on purpose */
	assert_false(gb_roots_wide(rt.data_root, why, sizeof why));
	assert_int_equal(gb_roots_repair(rt.data_root, rt.state_root), 0); /* nothing left to do */
	/* A directory that is no glassbox root (no containers/) is left alone. */
	char home[700];
	snprintf(home, sizeof home, "%s/home", base);
	assert_int_equal(mkdir(home, 0755), 0);
	struct gb_runtime other_rt = rt;
	snprintf(other_rt.data_root, sizeof other_rt.data_root, "%s", home);
	snprintf(other_rt.state_root, sizeof other_rt.state_root, "%s", home);
	assert_int_equal(gb_roots_repair(other_rt.data_root, other_rt.state_root), 0);
	assert_int_equal(mode_of(home), 0755);
	gb_rm_rf(base);
}

static void host_feature_names_the_fix(void **s)
{
	char base[] = "/tmp/gbunit-roots-XXXXXX";
	struct gb_runtime rt;
	tmp_roots(base, &rt);
	struct gb_host_feature f;
	gb_roots_host_feature(rt.data_root, rt.state_root, &f);
	assert_true(f.available); /* neither exists yet: nothing to reach */
	struct gb_err err = { 0 };
	assert_int_equal(gb_runtime_prepare(&rt, &err), 0);
	chmod(rt.state_root, 0755);
	gb_roots_host_feature(rt.data_root, rt.state_root, &f);
	assert_false(f.available);
	assert_string_equal(f.key, "roots.private");
	char want[700];
	snprintf(want, sizeof want, "chmod 0700 %s", rt.state_root);
	assert_non_null(strstr(f.reason, want));
	assert_null(strstr(f.reason, "the data root"));
	gb_rm_rf(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(made_0700_under_any_umask),
		cmocka_unit_test(repair_tightens_roots_and_their_dirs),
		cmocka_unit_test(host_feature_names_the_fix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
