/* Unit tests for core/security/enter.c: what a glassbox process does before it enters a
 * container. Each test that changes the process (descriptors, dumpable, root) runs in a
 * forked child and reports through its exit status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/enter.h"

/* Run fn in a child; its return value (0 = all good, else the failed step) is the
 * child's exit status. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void a_sealed_copy_cannot_be_changed(void **s)
{
	char path[] = "/tmp/gb-enter-test.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "not an ELF file", 15), 15);
	assert_false(gb_is_sealed(fd));
	struct gb_err err = { 0 };
	int copy = gb_sealed_copy(fd, "test", &err);
	assert_true(copy >= 0);
	assert_true(gb_is_sealed(copy));
	char buf[32] = "";
	assert_int_equal(pread(copy, buf, sizeof buf, 0), 15); /* not ELF: copied whole */
	assert_memory_equal(buf, "not an ELF file", 15);
	assert_int_equal(pwrite(copy, "X", 1, 0), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(copy, 0), -1);
	assert_int_equal(fcntl(copy, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), -1); /* F_SEAL_SEAL */
	assert_int_equal(fcntl(copy, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(copy);
	close(fd);
}

/* Our own binary has debug information: the copy keeps what the kernel loads (program
 * headers and segments) and no section headers. */
static void a_sealed_copy_of_an_elf_file_keeps_what_is_loaded(void **s)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	struct gb_err err = { 0 };
	int copy = gb_sealed_copy(fd, "self", &err);
	assert_true(copy >= 0);
	Elf64_Ehdr a, b;
	assert_int_equal(pread(fd, &a, sizeof a, 0), sizeof a);
	assert_int_equal(pread(copy, &b, sizeof b, 0), sizeof b);
	assert_memory_equal(a.e_ident, b.e_ident, EI_NIDENT);
	assert_int_equal(a.e_phnum, b.e_phnum);
	assert_int_equal(b.e_shnum, 0);
	off_t size = lseek(copy, 0, SEEK_END);
	assert_true(size > (off_t)sizeof b && size <= st.st_size);
	size_t ph = a.e_phnum * sizeof(Elf64_Phdr);
	char *pa = malloc(ph), *pb = malloc(ph);
	assert_int_equal(pread(fd, pa, ph, (off_t)a.e_phoff), (ssize_t)ph);
	assert_int_equal(pread(copy, pb, ph, (off_t)b.e_phoff), (ssize_t)ph);
	assert_memory_equal(pa, pb, ph);
	free(pa);
	free(pb);
	close(copy);
	close(fd);
}

static int keeps_what_is_meant(void)
{
	int gone = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int inherited = open("/dev/null", O_RDONLY); /* no close-on-exec: meant for the command */
	struct gb_err err = { 0 };
	if (gb_enter_close_fds(&kept, 1, true, &err) < 0)
		return 1;
	if (fcntl(gone, F_GETFD) != -1 || errno != EBADF)
		return 2;
	if (fcntl(kept, F_GETFD) < 0 || fcntl(inherited, F_GETFD) < 0)
		return 3;
	if (gb_enter_close_fds(&kept, 1, false, &err) < 0 || fcntl(inherited, F_GETFD) != -1)
		return 4; /* without keep_inheritable only keep[] stays */
	return fcntl(kept, F_GETFD) < 0 ? 5 : 0;
}

static void close_fds_keeps_only_what_is_meant_for_the_container(void **s)
{
	assert_int_equal(in_child(keeps_what_is_meant), 0);
}

static int refuses_a_directory(void)
{
	int dir = open("/", O_RDONLY | O_DIRECTORY); /* inheritable: would enter the container */
	struct gb_err err = { 0 };
	if (dir < 0 || gb_enter_close_fds(NULL, 0, true, &err) != -EISDIR)
		return 1;
	if (!strstr(err.msg, "is a directory of the host (/)") || !err.hint[0])
		return 2;
	close(dir);
	int saved = dup(0);
	int root = open("/", O_RDONLY | O_DIRECTORY);
	dup2(root, 0); /* `< /` */
	int r = gb_enter_check_stdio(&err) == -EISDIR ? 0 : 3;
	dup2(saved, 0);
	return r;
}

static void a_host_directory_never_enters(void **s)
{
	assert_int_equal(in_child(refuses_a_directory), 0);
}

static int nondumpable(void)
{
	struct gb_err err = { 0 };
	if (prctl(PR_GET_DUMPABLE) != 1 || gb_enter_nondumpable(&err) < 0)
		return 1;
	return prctl(PR_GET_DUMPABLE) == 0 ? 0 : 2;
}

static int unsafe_stays_dumpable(void)
{
	setenv("GLASSBOX_UNSAFE_DUMPABLE", "1", 1);
	struct gb_err err = { 0 };
	int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (gb_enter_nondumpable(&err) < 0 || gb_enter_close_fds(NULL, 0, true, &err) < 0)
		return 1;
	return prctl(PR_GET_DUMPABLE) == 1 && fcntl(keep, F_GETFD) >= 0 ? 0 : 2;
}

static void nondumpable_unless_the_lab_control_asks(void **s)
{
	assert_int_equal(in_child(nondumpable), 0);
	assert_int_equal(in_child(unsafe_stays_dumpable), 0);
}

/* A cwd left outside the root (chroot without chdir, the classic escape) is refused. */
static char new_root[] = "/tmp/gb-enter-root.XXXXXX";

static int cwd_outside_the_root(void)
{
	struct gb_err err = { 0 };
	if (gb_enter_check_cwd(&err) < 0)
		return 1;
	if (chdir("/") < 0 || chroot(new_root) < 0)
		return 77; /* not root: nothing to test */
	int r = gb_enter_check_cwd(&err) < 0 ? 0 : 2;
	if (chdir("/") < 0 || gb_enter_check_cwd(&err) < 0)
		r = 3;
	return r;
}

static void the_cwd_must_be_inside_the_root(void **s)
{
	assert_non_null(mkdtemp(new_root));
	int r = in_child(cwd_outside_the_root);
	rmdir(new_root);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_sealed_copy_cannot_be_changed),
		cmocka_unit_test(a_sealed_copy_of_an_elf_file_keeps_what_is_loaded),
		cmocka_unit_test(close_fds_keeps_only_what_is_meant_for_the_container),
		cmocka_unit_test(a_host_directory_never_enters),
		cmocka_unit_test(nondumpable_unless_the_lab_control_asks),
		cmocka_unit_test(the_cwd_must_be_inside_the_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
