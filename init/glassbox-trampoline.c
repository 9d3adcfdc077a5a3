/* glassbox-trampoline: the program glassbox runs, from a sealed memfd, just before the
 * container's command, so that the command is never started by a process whose binary
 * is the host's glassbox. Usage: glassbox-trampoline PATH ARGV0 [ARG...]; it calls
 * execve(PATH, [ARGV0, ARG...], envp) and nothing else.
 *
 * Why (CVE-2019-5736, docs/security.md): the kernel resolves the command's path, its
 * #! interpreter and binfmt_misc handlers inside the container, and /proc/self/exe there
 * names the calling process's own binary. Called by glassbox, a command that is a
 * symlink to /proc/self/exe would run the host's glassbox as a container process, and
 * any process of the container could then open the host's binary for writing once it
 * is idle. Called by this trampoline, /proc/self/exe is the sealed copy of the
 * trampoline, which nobody can write.
 *
 * Static and without libc on x86-64 and arm64 (9 KB: one page to load, no dynamic
 * loader, so it adds a few tens of microseconds to each exec); with libc elsewhere.
 * Lab 16. */
#include <sys/syscall.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define RAW_ENTRY 1
#else
#include <unistd.h>
#endif

static long sys3(long n, long a, long b, long c)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#else
	long r = syscall(n, a, b, c);
	return r < 0 ? -errno : r;
#endif
}

static long len(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	return n;
}

static void say(const char *s)
{
	sys3(SYS_write, 2, (long)s, len(s));
}

/* "glassbox-trampoline: cannot execute PATH (errno N)" on stderr, as a shell says
 * "not found": the command's own stderr is the only channel left. */
static int fail(const char *path, long err)
{
	char num[24];
	int i = (int)sizeof num - 1;
	num[i] = '\0';
	for (long v = err; i > 0 && (v || i == (int)sizeof num - 1); v /= 10)
		num[--i] = (char)('0' + v % 10);
	say("glassbox-trampoline: cannot execute ");
	say(path);
	say(" (errno ");
	say(num + i);
	say(")\n");
	return err == 2 /* ENOENT */ ? 127 : 126;
}

static int trampoline(long argc, char **argv, char **envp)
{
	if (argc < 3) {
		say("usage: glassbox-trampoline PATH ARGV0 [ARG...]\n");
		return 2;
	}
	long r = sys3(SYS_execve, (long)argv[1], (long)(argv + 2), (long)envp);
	return fail(argv[1], -r);
}

#ifdef RAW_ENTRY
/* The kernel starts us with argc, argv[], NULL, envp[], NULL on the stack. */
__attribute__((used, noreturn)) void trampoline_start(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	sys3(SYS_exit_group, trampoline(argc, argv, argv + argc + 1), 0, 0);
	for (;;)
		;
}

#if defined(__x86_64__)
__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n"
	"\tand $-16, %rsp\n\tcall trampoline_start\n\thlt\n");
#else
__asm__(".text\n.globl _start\n_start:\n\tmov x29, #0\n\tmov x0, sp\n\tbl trampoline_start\n");
#endif
#else
int main(int argc, char **argv, char **envp)
{
	return trampoline(argc, argv, envp);
}
#endif
