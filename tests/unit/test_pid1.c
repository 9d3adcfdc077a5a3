/* Unit tests for core/engine/pid1.c: decoding /proc/PID/status signal masks and names, and
 * (as root) the zombie scan against a real pid namespace made here with unshare(2). */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine/pid1.h"
#include "base/util.h"

/* /proc/1/status of a container whose PID 1 is busybox `sleep` (abridged, real values
 * otherwise): no handlers at all, so SIGTERM is dropped. */
static const char status_sleep[] =
	"Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nNgid:\t0\n"
	"Pid:\t4242\nPPid:\t4230\nTracerPid:\t0\nNSpid:\t4242\t1\nNSpgid:\t4242\t1\n"
	"SigQ:\t0/15520\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000004000\n"
	"SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n"
	"CapInh:\t0000000000000000\n";

/* A shell that traps TERM and INT (bits 14 and 1) and ignores QUIT (bit 2). */
static const char status_trap[] =
	"Name:\tsh\nState:\tS (sleeping)\nPPid:\t0\nNSpid:\t77\t5\t1\n"
	"SigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n"
	"SigBlk:\t0000000000000000\nSigIgn:\t0000000000000004\nSigCgt:\t0000000000004002\n";

/* glassbox-init: everything blocked (read through signalfd), nothing caught. */
static const char status_init[] =
	"Name:\tglassbox-init\nState:\tS (sleeping)\nPPid:\t0\nNSpid:\t900\t1\n"
	"SigBlk:\tfffffffffffffeff\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";

static const char status_zombie[] =
	"Name:\tsleep\nState:\tZ (zombie)\nPPid:\t4242\nNSpid:\t4250\t9\n"
	"SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n";

static void test_parse_mask(void **state)
{
	uint64_t m;
	assert_int_equal(gb_pid1_parse_mask("0000000000004002", &m), 0);
	assert_true(m == 0x4002);
	assert_int_equal(gb_pid1_parse_mask("fffffffe7ffbfeff\n", &m), 0);
	assert_true(m == 0xfffffffe7ffbfeffULL);
	assert_int_equal(gb_pid1_parse_mask("  00ff", &m), 0);
	assert_true(m == 0xff);
	assert_int_equal(gb_pid1_parse_mask("", &m), -EINVAL);
	assert_int_equal(gb_pid1_parse_mask("xyz", &m), -EINVAL);
	assert_int_equal(gb_pid1_parse_mask("12g4", &m), -EINVAL);
}

static void test_mask_has_bit_positions(void **state)
{
	/* Signal N lives in bit N-1. */
	assert_true(gb_pid1_mask_has(0x1, SIGHUP));
	assert_true(gb_pid1_mask_has(0x4000, SIGTERM));
	assert_false(gb_pid1_mask_has(0x4000, 14));
	assert_true(gb_pid1_mask_has(1ULL << 63, 64));
	assert_false(gb_pid1_mask_has(~0ULL, 0));
	assert_false(gb_pid1_mask_has(~0ULL, 65));
}

static void test_parse_status_sleep(void **state)
{
	struct gb_pid1_status s;
	assert_int_equal(gb_pid1_parse_status(status_sleep, &s), 0);
	assert_string_equal(s.name, "sleep");
	assert_int_equal(s.state, 'S');
	assert_int_equal(s.ppid, 4230);
	assert_int_equal(s.nspid, 1);
	assert_int_equal(s.ns_depth, 2);
	assert_true(s.sig.caught == 0 && s.sig.ignored == 0 && s.sig.blocked == 0);
	assert_true(s.sig.pending == 0x4000); /* a SIGTERM queued for the process */
	assert_int_equal(gb_pid1_fate(&s.sig, SIGTERM), GB_PID1_DROPPED);
	assert_int_equal(gb_pid1_fate(&s.sig, SIGKILL), GB_PID1_FORCED);
}

static void test_parse_status_trap(void **state)
{
	struct gb_pid1_status s;
	char names[256];
	assert_int_equal(gb_pid1_parse_status(status_trap, &s), 0);
	assert_int_equal(s.nspid, 1);
	assert_int_equal(s.ns_depth, 3);
	assert_int_equal(gb_pid1_mask_names(s.sig.caught, names, sizeof names), 2);
	assert_string_equal(names, "SIGINT SIGTERM");
	assert_int_equal(gb_pid1_mask_names(s.sig.ignored, names, sizeof names), 1);
	assert_string_equal(names, "SIGQUIT");
	assert_int_equal(gb_pid1_fate(&s.sig, SIGTERM), GB_PID1_CAUGHT);
	assert_int_equal(gb_pid1_fate(&s.sig, SIGQUIT), GB_PID1_IGNORED);
	assert_int_equal(gb_pid1_fate(&s.sig, SIGUSR1), GB_PID1_DROPPED);
	assert_string_equal(gb_pid1_fate_name(GB_PID1_DROPPED), "dropped");
}

static void test_parse_status_init_and_zombie(void **state)
{
	struct gb_pid1_status s;
	char names[1024];
	assert_int_equal(gb_pid1_parse_status(status_init, &s), 0);
	/* Every bit but 9 (SIGKILL): 63 signals blocked, SIGTERM among them. */
	assert_int_equal(gb_pid1_mask_names(s.sig.blocked, names, sizeof names), 63);
	assert_non_null(strstr(names, "SIGTERM"));
	assert_null(strstr(names, "SIGKILL"));
	assert_int_equal(gb_pid1_fate(&s.sig, SIGTERM), GB_PID1_BLOCKED);

	assert_int_equal(gb_pid1_parse_status(status_zombie, &s), 0);
	assert_int_equal(s.state, 'Z');
	assert_int_equal(s.nspid, 9);
	assert_int_equal(s.ppid, 4242);
}

static void test_parse_status_rejects_garbage(void **state)
{
	struct gb_pid1_status s;
	assert_int_equal(gb_pid1_parse_status("", &s), -EINVAL);
	assert_int_equal(gb_pid1_parse_status("Name:\tx\nState:\tS\n", &s), -EINVAL);
	assert_int_equal(gb_pid1_parse_status("State:\tS\nSigCgt:\tnot-hex\n", &s), -EINVAL);
}

static void test_mask_names_truncates_safely(void **state)
{
	char small[12];
	memset(small, 'x', sizeof small);
	assert_int_equal(gb_pid1_mask_names(0x4003, small, sizeof small), 3);
	assert_string_equal(small, "SIGHUP"); /* what fits, whole names only */
	assert_int_equal(gb_pid1_mask_names(0, small, sizeof small), 0);
	assert_string_equal(small, "");
}

static void test_signal_names(void **state)
{
	char b[24];
	assert_string_equal(gb_pid1_signal_name(SIGTERM, b, sizeof b), "SIGTERM");
	assert_string_equal(gb_pid1_signal_name(SIGKILL, b, sizeof b), "SIGKILL");
	assert_string_equal(gb_pid1_signal_name(SIGCHLD, b, sizeof b), "SIGCHLD");
	assert_string_equal(gb_pid1_signal_name(SIGRTMIN, b, sizeof b), "SIGRTMIN");
	assert_string_equal(gb_pid1_signal_name(SIGRTMIN + 1, b, sizeof b), "SIGRTMIN+1");
	assert_string_equal(gb_pid1_signal_name(SIGRTMAX, b, sizeof b), "SIGRTMAX");
	assert_string_equal(gb_pid1_signal_name(SIGRTMAX - 1, b, sizeof b), "SIGRTMAX-1");
	assert_string_equal(gb_pid1_signal_name(32, b, sizeof b), "SIG32");
}

static void test_signal_parse(void **state)
{
	assert_int_equal(gb_pid1_signal_parse("TERM"), SIGTERM);
	assert_int_equal(gb_pid1_signal_parse("SIGTERM"), SIGTERM);
	assert_int_equal(gb_pid1_signal_parse("sigterm"), SIGTERM);
	assert_int_equal(gb_pid1_signal_parse("15"), 15);
	assert_int_equal(gb_pid1_signal_parse("kill"), SIGKILL);
	assert_int_equal(gb_pid1_signal_parse("RTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(gb_pid1_signal_parse("SIGRTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(gb_pid1_signal_parse("SIG33"), 33);
	assert_int_equal(gb_pid1_signal_parse(""), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("SIG"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("FOO"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("0"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("65"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("15x"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("RTMIN+99"), -EINVAL);
	assert_int_equal(gb_pid1_signal_parse("RTMIN*2"), -EINVAL);
}

static void test_signal_names_round_trip(void **state)
{
	/* Every signal's name parses back to the same number, the whole range. */
	for (int sig = 1; sig <= 64; sig++) {
		char b[24];
		gb_pid1_signal_name(sig, b, sizeof b);
		assert_int_equal(gb_pid1_signal_parse(b), sig);
	}
}

/* ---- the real kernel: a pid namespace whose PID 1 never calls wait() ---- */

/* In the child: unshare a pid namespace, fork its PID 1, send its host pid back on fd.
 * PID 1 makes three children that exit at once and then sleeps without waiting. */
static void make_namespace_with_zombies(int fd)
{
	if (unshare(CLONE_NEWPID) < 0) {
		pid_t none = -errno;
		write(fd, &none, sizeof none);
		_exit(1);
	}
	pid_t pid1 = fork();
	if (pid1 == 0) {
		for (int i = 0; i < 3; i++)
			if (fork() == 0)
				_exit(0);
		pause();
		_exit(0);
	}
	write(fd, &pid1, sizeof pid1);
	waitpid(pid1, NULL, 0);
	_exit(0);
}

static void test_zombies_real_namespace(void **state)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t helper = fork();
	if (helper == 0)
		make_namespace_with_zombies(p[1]);
	pid_t pid1 = 0;
	assert_int_equal(read(p[0], &pid1, sizeof pid1), (ssize_t)sizeof pid1);
	close(p[0]);
	close(p[1]);
	if (pid1 < 0) {
		waitpid(helper, NULL, 0);
		skip(); /* not root: unshare(CLONE_NEWPID) needs CAP_SYS_ADMIN */
	}
	struct gb_pid1_zombies z;
	struct gb_err err;
	for (int i = 0; i < 200; i++) { /* the three children exit within milliseconds */
		assert_int_equal(gb_pid1_zombies(pid1, &z, &err), 0);
		if (z.count == 3)
			break;
		usleep(10000);
	}
	assert_int_equal(z.count, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(z.z[i].ppid, pid1);	 /* PID 1 is the parent that owes a wait */
		assert_in_range(z.z[i].nspid, 2, 4);	 /* PIDs inside the namespace */
		assert_true(z.z[i].pid != z.z[i].nspid); /* and other PIDs on the host */
	}
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	assert_int_equal(gb_pid1_json(&j, "pid1", pid1, &err), 0);
	gb_json_obj_end(&j);
	assert_non_null(strstr(j.buf, "\"sigterm\":\"dropped\""));
	assert_non_null(strstr(j.buf, "\"count\":3"));
	gb_json_free(&j);
	kill(pid1, SIGKILL);
	waitpid(helper, NULL, 0);
	assert_int_equal(gb_pid1_zombies(pid1, &z, &err), -ENOENT);
}

static void test_zombies_refuses_own_namespace(void **state)
{
	struct gb_pid1_zombies z;
	struct gb_err err;
	assert_int_equal(gb_pid1_zombies(getpid(), &z, &err), -EXDEV);
	assert_non_null(strstr(err.hint, "cgroup"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_mask),
		cmocka_unit_test(test_mask_has_bit_positions),
		cmocka_unit_test(test_parse_status_sleep),
		cmocka_unit_test(test_parse_status_trap),
		cmocka_unit_test(test_parse_status_init_and_zombie),
		cmocka_unit_test(test_parse_status_rejects_garbage),
		cmocka_unit_test(test_mask_names_truncates_safely),
		cmocka_unit_test(test_signal_names),
		cmocka_unit_test(test_signal_parse),
		cmocka_unit_test(test_signal_names_round_trip),
		cmocka_unit_test(test_zombies_real_namespace),
		cmocka_unit_test(test_zombies_refuses_own_namespace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
