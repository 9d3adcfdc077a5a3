/* Unit tests for the terminal pieces (core/tty/attach.c, core/tty/tty.c): Docker's detach keys,
 * the scan that holds back a partial sequence, and the SCM_RIGHTS hand-over of an fd
 * (a real socketpair: the received fd must be the same open file). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tty/attach.h"
#include "tty/tty.h"

static void test_keys_parse(void **state)
{
	(void)state;
	unsigned char k[8];
	size_t n;
	struct gb_err err = { 0 };
	assert_int_equal(gb_detach_keys_parse("ctrl-p,ctrl-q", k, &n, sizeof k, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(k[0], 0x10);
	assert_int_equal(k[1], 0x11);
	assert_int_equal(gb_detach_keys_parse("ctrl-@,ctrl-_,a", k, &n, sizeof k, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(k[0], 0);
	assert_int_equal(k[1], 0x1f);
	assert_int_equal(k[2], 'a');
	assert_int_equal(gb_detach_keys_parse("ctrl-1", k, &n, sizeof k, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "ctrl-1"));
	assert_int_equal(gb_detach_keys_parse("ab", k, &n, sizeof k, &err), -EINVAL);
	assert_int_equal(gb_detach_keys_parse(",", k, &n, sizeof k, &err), -EINVAL);
	assert_int_equal(gb_detach_keys_parse("a,b,c", k, &n, 2, &err), -EINVAL);
}

static void test_keys_scan(void **state)
{
	(void)state;
	const unsigned char keys[] = { 0x10, 0x11 };
	size_t m = 0, nout;
	char out[64];
	/* plain bytes pass */
	assert_false(gb_detach_keys_scan(keys, 2, &m, "ls\r", 3, out, &nout));
	assert_int_equal(nout, 3);
	assert_memory_equal(out, "ls\r", 3);
	/* a lone Ctrl-P is held back, then sent on with what follows it */
	assert_false(gb_detach_keys_scan(keys, 2, &m, "\x10", 1, out, &nout));
	assert_int_equal(nout, 0);
	assert_int_equal(m, 1);
	assert_false(gb_detach_keys_scan(keys, 2, &m, "x", 1, out, &nout));
	assert_int_equal(nout, 2);
	assert_memory_equal(out, "\x10x", 2);
	/* Ctrl-P Ctrl-P Ctrl-Q: the first is sent on, the pair detaches */
	m = 0;
	assert_true(gb_detach_keys_scan(keys, 2, &m, "a\x10\x10\x11", 4, out, &nout));
	assert_int_equal(nout, 2);
	assert_memory_equal(out, "a\x10", 2);
	/* across two reads */
	m = 0;
	assert_false(gb_detach_keys_scan(keys, 2, &m, "\x10", 1, out, &nout));
	assert_true(gb_detach_keys_scan(keys, 2, &m, "\x11", 1, out, &nout));
}

static void test_fd_passing(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(gb_fd_send(sv[0], "m", 1, fd), 1);
	assert_int_equal(gb_fd_send(sv[0], "n", 1, -1), 1);
	char buf[4];
	int got = -1;
	assert_int_equal(gb_fd_recv(sv[1], buf, sizeof buf, &got), 1);
	assert_true(got >= 0 && got != fd);
	struct stat a, b;
	assert_int_equal(fstat(fd, &a), 0);
	assert_int_equal(fstat(got, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC); /* MSG_CMSG_CLOEXEC */
	assert_int_equal(gb_fd_recv(sv[1], buf, sizeof buf, &got), 1);
	assert_int_equal(got, -1); /* a message without one */
	close(fd);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_parse),
		cmocka_unit_test(test_keys_scan),
		cmocka_unit_test(test_fd_passing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
