/* Entering a container without handing it the host: a glassbox process that joins a
 * container's namespaces (the exec child, PID 1 before its execve, a build's RUN) is
 * visible to the container's processes in their /proc. Until it calls execve it holds
 * the host's binary (/proc/PID/exe: CVE-2019-5736) and its descriptors (/proc/PID/fd:
 * CVE-2024-21626). The kernel's answers: PR_SET_DUMPABLE 0, close_range, and a binary
 * that is a sealed memfd. prctl(2), close_range(2), memfd_create(2). Lab 16. */
#include "security/enter.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "state/state.h"
#include "base/util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern char **environ;

bool gb_enter_unsafe(void)
{
	const char *v = getenv("GLASSBOX_UNSAFE_DUMPABLE");
	return v && strcmp(v, "1") == 0;
}

int gb_enter_nondumpable(struct gb_err *err)
{
	if (gb_enter_unsafe())
		return 0;
	/* Not dumpable: /proc/PID/... of this process belongs to root, and the ptrace access
	 * check that guards exe, fd, mem, environ, cwd and root asks for CAP_SYS_PTRACE in
	 * the user namespace our memory belongs to, which no container has over the host. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return gb_err_set(err, errno, "prctl", "prctl(PR_SET_DUMPABLE, 0) failed");
	return 0;
}

/* ------------------------------------------------------------ descriptors */

static int cmp_int(const void *a, const void *b)
{
	return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The open descriptors >= from, read from /proc/self/fd (without the one reading it). */
static int open_fds(int from, int *out, size_t max, size_t *n)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -errno;
	*n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd < from || fd == dirfd(d))
			continue;
		if (*n == max) {
			closedir(d);
			return -EMFILE;
		}
		out[(*n)++] = fd;
	}
	closedir(d);
	return 0;
}

/* Refuse a directory among what the command will get: a directory fd of the host in
 * the container's hands is a way out (openat(fd, "../../..")). */
static int refuse_dir(int fd, struct gb_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	char link[64], target[512] = "?";
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t len = readlink(link, target, sizeof target - 1);
	target[len > 0 ? len : 1] = '\0';
	int r = gb_err_set(err, EISDIR, "fstat",
			   "descriptor %d is a directory of the host (%s): "
			   "through it the container could reach the host's files",
			   fd, target);
	gb_err_hint(err, "give the container files or pipes, not directories (e.g. not `< /`), "
			 "or open the directory with O_CLOEXEC");
	return r;
}

int gb_enter_check_stdio(struct gb_err *err)
{
	if (gb_enter_unsafe())
		return 0;
	for (int fd = 0; fd < 3; fd++)
		if (refuse_dir(fd, err) < 0)
			return -err->code;
	return 0;
}

int gb_enter_close_fds(const int *keep, size_t n, bool keep_inheritable, struct gb_err *err)
{
	if (gb_enter_unsafe())
		return 0;
	int fds[1024], kept[1024 + 16];
	size_t nfds = 0, nkept = 0;
	if (keep_inheritable && open_fds(3, fds, GB_ARRAY_LEN(fds), &nfds) < 0)
		return gb_err_set(err, EMFILE, "opendir", "cannot list /proc/self/fd");
	for (size_t i = 0; i < nfds; i++) {
		int flags = fcntl(fds[i], F_GETFD);
		if (flags < 0 || (flags & FD_CLOEXEC))
			continue;
		if (refuse_dir(fds[i], err) < 0)
			return -err->code;
		kept[nkept++] = fds[i]; /* meant for the program: execve passes it on */
	}
	for (size_t i = 0; i < n && nkept < GB_ARRAY_LEN(kept); i++)
		if (keep[i] >= 3)
			kept[nkept++] = keep[i];
	qsort(kept, nkept, sizeof *kept, cmp_int);
	unsigned from = 3;
	for (size_t i = 0; i <= nkept; i++) {
		unsigned to = i < nkept ? (unsigned)kept[i] : ~0U;
		if (to > from && syscall(SYS_close_range, from, i < nkept ? to - 1 : to, 0) < 0)
			return gb_err_set(err, errno, "close_range",
					  "close_range(%u, %u, 0) failed", from, to);
		if (i < nkept)
			from = to + 1;
	}
	return keep_inheritable ? gb_enter_check_stdio(err) : 0;
}

int gb_enter_check_cwd(struct gb_err *err)
{
	char cwd[4096];
	/* The raw system call: for a cwd that cannot be reached from the root, the kernel
	 * answers a path that starts with "(unreachable)" instead of '/'. */
	long n = syscall(SYS_getcwd, cwd, sizeof cwd);
	if (n < 0 || cwd[0] != '/')
		return gb_err_set(err, n < 0 ? errno : EXDEV, "getcwd",
				  "the working directory is outside the container's root");
	return 0;
}

/* ------------------------------------------------------------ the sealed binary */

/* How much of an ELF file the kernel and the dynamic loader read: up to the end of the
 * last segment its program headers name. What follows (debug info, the symbol table,
 * the section headers) is for debuggers; leaving it out makes the copy 3-4 times
 * smaller. Anything that is not a 64-bit ELF file is copied whole. */
static off_t loaded_size(int fd, off_t size, Elf64_Ehdr *eh)
{
	if (pread(fd, eh, sizeof *eh, 0) != (ssize_t)sizeof *eh ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 64)
		return size;
	Elf64_Phdr ph[64];
	size_t len = eh->e_phnum * sizeof *ph;
	if (pread(fd, ph, len, (off_t)eh->e_phoff) != (ssize_t)len)
		return size;
	off_t end = (off_t)(eh->e_phoff + len);
	for (size_t i = 0; i < eh->e_phnum; i++)
		if ((off_t)(ph[i].p_offset + ph[i].p_filesz) > end)
			end = (off_t)(ph[i].p_offset + ph[i].p_filesz);
	return end < size ? end : size;
}

/* The copy stops before the section headers: say there are none. */
static int drop_section_headers(int mfd, Elf64_Ehdr *eh, off_t copied, off_t size)
{
	if (copied == size)
		return 0;
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = 0;
	return pwrite(mfd, eh, sizeof *eh, 0) == (ssize_t)sizeof *eh ? 0 : -EIO;
}

int gb_sealed_copy(int fd, const char *name, struct gb_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return gb_err_set(err, errno, "fstat", "cannot read the binary to copy");
	Elf64_Ehdr eh;
	off_t size = loaded_size(fd, st.st_size, &eh);
	/* MFD_EXEC: since Linux 6.3 a memfd may be made non-executable by default. */
	int mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (mfd < 0 && errno == EINVAL)
		mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		int r = gb_err_set(err, errno, "memfd_create", "memfd_create(\"%s\") failed", name);
		if (errno == EACCES)
			gb_err_hint(
				err,
				"vm.memfd_noexec=2 forbids executable memfds: glassbox runs the "
				"command through a sealed one (docs/security.md); set it to 0 or "
				"1");
		return r;
	}
	off_t off = 0;
	while (off < size) {
		ssize_t n = sendfile(mfd, fd, &off, (size_t)(size - off));
		if (n <= 0 && !(n < 0 && errno == EINTR)) {
			int r = gb_err_set(err, n < 0 ? errno : EIO, "sendfile",
					   "cannot copy %s into a memfd", name);
			close(mfd);
			return r;
		}
	}
	if (drop_section_headers(mfd, &eh, size, st.st_size) < 0) {
		close(mfd);
		return gb_err_set(err, EIO, "pwrite",
				  "cannot write the ELF header of the copy of %s", name);
	}
	/* From here on no one can change a byte of it, not even us: no write, no growing,
	 * no shrinking, and no removing the seals. */
	if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
		int r = gb_err_set(err, errno, "fcntl",
				   "fcntl(F_ADD_SEALS) on the copy of %s failed", name);
		close(mfd);
		return r;
	}
	return mfd;
}

bool gb_is_sealed(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SEAL);
}

/* ------------------------------------------------------------ the trampoline */

int gb_trampoline_fd(struct gb_runtime *rt, struct gb_err *err)
{
	if (gb_enter_unsafe())
		return -1;
	if (rt->trampoline > 2 && gb_is_sealed(rt->trampoline))
		return rt->trampoline;
	char path[1100];
	const char *env = getenv("GLASSBOX_TRAMPOLINE");
	int r = env && *env
			? gb_path(path, sizeof path, "%s", env)
			: gb_path(path, sizeof path,
				  "%s/../../libexec/glassbox/glassbox-trampoline", rt->share_dir);
	if (r < 0)
		return gb_err_set(err, -r, "", "the path of glassbox-trampoline is too long");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = gb_err_set(err, errno, "open", "cannot open %s", path);
		gb_err_hint(
			err,
			"build it with `make` (init/init.mk), or point GLASSBOX_TRAMPOLINE at it");
		return r;
	}
	int mfd = gb_sealed_copy(fd, "glassbox-trampoline", err);
	close(fd);
	if (mfd >= 0)
		rt->trampoline = mfd;
	return mfd;
}

void gb_enter_execve(int trampoline, const char *exe, char *const *argv, char *const *envp)
{
	if (trampoline < 0) {
		execve(exe, argv, envp);
		return;
	}
	/* The common failures (no such file, not executable, a noexec mount) while our
	 * caller can still explain them; the rest the trampoline reports on stderr. A
	 * seccomp filter written before faccessat2(2) existed (runtime-tools' default, old
	 * Docker profiles) answers glibc's faccessat2 with EPERM instead of ENOSYS, so glibc
	 * does not fall back: no answer about the file, and the execve itself decides. */
	if (faccessat(AT_FDCWD, exe, X_OK, AT_EACCESS) < 0 && errno != EPERM && errno != ENOSYS)
		return;
	size_t n = 0;
	while (argv[n])
		n++;
	char *targv[n + 3];
	targv[0] = "glassbox-trampoline";
	targv[1] = (char *)exe;
	for (size_t i = 0; i <= n; i++)
		targv[i + 2] = argv[i];
	/* The copy is close-on-exec: a static ELF binary needs no path once it is loaded. */
	syscall(SYS_execveat, trampoline, "", targv, envp, AT_EMPTY_PATH);
}

void gb_enter_cloexec_from(int first)
{
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* close_range(2) refused (by a seccomp filter older than the call, or a kernel
	 * before 5.11): mark them one by one, as many as this process may have open. */
	struct rlimit rl;
	long max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
			   ? (long)rl.rlim_cur
			   : 65536;
	for (long fd = first; fd < max && fd < (1L << 20); fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC); /* EBADF for the closed ones */
}
