/* The lab mechanism's verdicts (labs/lab.c): what a check's findings add up to.
 * ERROR whenever an action of the check failed, SKIP only before any finding, a control
 * detected only through the finding it names. The checks here are fakes that record
 * findings; gb_lab_run judges them as it judges the real ones. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lab.h"

static int all_held(struct gb_check *c)
{
	gb_check_is(c, "a", true, "held");
	gb_check_pass(c, "held too");
	return 0;
}

static int one_leak(struct gb_check *c)
{
	gb_check_is(c, "a", true, "held");
	gb_check_is(c, "b", false, "leaked");
	return 0;
}

static int leak_and_error(struct gb_check *c)
{
	gb_check_is(c, "b", false, "leaked");
	gb_check_error(c, "could not run `cat` inside");
	return 0;
}

static int skip_after_looking(struct gb_check *c)
{
	gb_check_is(c, "b", false, "leaked");
	snprintf(c->skip, sizeof c->skip, "gave up");
	return 0;
}

static int skip_first(struct gb_check *c)
{
	snprintf(c->skip, sizeof c->skip, "this host has no thing");
	return 0;
}

static int nothing(struct gb_check *c)
{
	return 0;
}

static int failed(struct gb_check *c)
{
	gb_check_is(c, "a", true, "held");
	return -5;
}

static int unknown_feature(struct gb_check *c)
{
	if (!gb_check_host_has(c, "no.such.feature"))
		return 0;
	gb_check_pass(c, "should not get here");
	return 0;
}

static enum gb_verdict run(int (*fn)(struct gb_check *), bool control, struct gb_check *c)
{
	struct gb_lab lab = { .num = 99, .slug = "fake", .check = fn, .trips = "b" };
	return gb_lab_run(&lab, NULL, NULL, control, c);
}

static void test_verdicts(void **state)
{
	static struct gb_check c;
	assert_int_equal(run(all_held, false, &c), GB_VERDICT_PASS);
	assert_int_equal(run(one_leak, false, &c), GB_VERDICT_FAIL);
	assert_int_equal(run(leak_and_error, false, &c), GB_VERDICT_ERROR);
	assert_true(c.f[1].error);
	assert_int_equal(run(skip_after_looking, false, &c), GB_VERDICT_ERROR);
	assert_int_equal(run(skip_first, false, &c), GB_VERDICT_SKIP);
	assert_int_equal(run(nothing, false, &c), GB_VERDICT_ERROR);
	assert_int_equal(run(failed, false, &c), GB_VERDICT_ERROR);
	assert_int_equal(run(unknown_feature, false, &c), GB_VERDICT_ERROR);
	assert_non_null(strstr(c.f[0].text, "no.such.feature"));
}

static void test_control_only_through_its_finding(void **state)
{
	static struct gb_check c;
	struct gb_lab lab = { .num = 99, .slug = "fake", .trips = "b" };
	enum gb_verdict v = run(one_leak, true, &c);
	assert_int_equal(gb_control_judge(&lab, &c, v), GB_CONTROL_DETECTED);
	assert_true(gb_check_tripped(&c, "b"));
	assert_false(gb_check_tripped(&c, "a"));
	lab.trips = "a"; /* the leak seen is not the one the control names */
	assert_int_equal(gb_control_judge(&lab, &c, v), GB_CONTROL_ERROR);
	lab.trips = "b";
	v = run(all_held, true, &c);
	assert_int_equal(gb_control_judge(&lab, &c, v), GB_CONTROL_MISSED);
	v = run(leak_and_error, true, &c);
	assert_int_equal(gb_control_judge(&lab, &c, v), GB_CONTROL_ERROR);
	v = run(skip_first, true, &c);
	assert_int_equal(gb_control_judge(&lab, &c, v), GB_CONTROL_SKIPPED);
}

/* The registry the real binary generates; these tests have no labs of their own. */
const struct gb_lab *const gb_labs[] = { NULL };

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_control_only_through_its_finding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
