/* glassbox-init: a tiny PID 1 for containers (`glassbox run --init`).
 * Kernel: the init of a pid namespace, pid_namespaces(7), signal(7), wait(2), signalfd(2).
 * Lab 13 (pid1-signals-zombies) shows what goes wrong without it.
 *
 * Usage: glassbox-init [-g] [-v] -- CMD ARGS...
 *   -g  forward signals to the child's whole process group, not only to the child
 *   -v  say on stderr what happens (each signal forwarded, each zombie reaped)
 *
 * Why a container needs this at all: the first process of a pid namespace gets two jobs
 * from the kernel that ordinary programs never expect.
 *   1. Every orphan in the namespace is re-parented to it, and only its wait() frees the
 *      orphan's process table entry. A program that never waits for children it did not
 *      start (sleep, nginx's master in some setups, a shell that exec'd a server) leaves
 *      them as zombies: <defunct> in ps, each holding a PID.
 *   2. The kernel protects it: a signal whose action is the default (SIG_DFL) is simply
 *      dropped, unless it is SIGKILL or SIGSTOP sent from an ancestor namespace. So
 *      `kill -TERM` to a PID 1 without a SIGTERM handler does nothing, and a stop waits
 *      out its whole grace period.
 * This program does both jobs and nothing else: it runs CMD as its child, passes every
 * signal it can catch on to that child, reaps every zombie, and when the child exits it
 * exits with the child's status. When PID 1 exits, the kernel SIGKILLs everything that
 * is left in the namespace.
 *
 * Tests only: GLASSBOX_INIT_NO_REAP=1 makes it wait for its own child and nobody else,
 * so tests can prove that their zombie check fails when reaping is off.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The kernel's signal set is 64 bits; glibc's sigset_t is larger and only its first
 * 8 bytes are passed to the kernel. */
#define KERNEL_SIGSET_SIZE 8

struct init_opts {
	bool group;  /* -g: signal the child's process group */
	int verbose; /* -v: narrate on stderr */
	bool reap;   /* false only with GLASSBOX_INIT_NO_REAP=1 (tests) */
	char **argv; /* the command to run */
};

static void usage(FILE *out)
{
	fprintf(out, "usage: glassbox-init [-g] [-v] -- CMD [ARGS...]\n"
		     "  -g  forward signals to the child's process group\n"
		     "  -v  report forwarded signals and reaped zombies on stderr\n");
}

static void say(const struct init_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct init_opts *o, const char *fmt, ...)
{
	if (!o->verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "glassbox-init: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Exit code 2 on bad usage, as most tools do; the child's codes are all possible later. */
static void parse_args(int argc, char **argv, struct init_opts *o)
{
	int c;
	memset(o, 0, sizeof *o);
	/* "+": stop at the first non-option, so the command's own options stay its own. */
	while ((c = getopt(argc, argv, "+gvh")) != -1) {
		switch (c) {
		case 'g': o->group = true; break;
		case 'v': o->verbose++; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "glassbox-init: no command given\n");
		usage(stderr);
		exit(2);
	}
	o->argv = argv + optind;
	const char *no_reap = getenv("GLASSBOX_INIT_NO_REAP");
	o->reap = !(no_reap && strcmp(no_reap, "1") == 0);
}

/* Block every signal, so none is ever delivered to a handler: each one waits in the
 * queue until signalfd(2) hands it to us as plain data. No handlers, no races.
 * Blocking is also what lets PID 1 receive signals at all: the kernel drops a SIG_DFL
 * signal aimed at a namespace init, but a blocked signal is queued, not judged.
 * Faults (SIGSEGV from our own bad pointer) still kill us: the kernel unblocks those.
 * glibc's sigfillset() leaves out 32 and 33, the private signals of its threads; this
 * program has no threads, so we ask the kernel directly and take all 64. */
static int block_every_signal(sigset_t *all)
{
	memset(all, 0xff, sizeof *all); /* SIGKILL and SIGSTOP bits are ignored by the kernel */
	return (int)syscall(SYS_rt_sigprocmask, SIG_SETMASK, all, NULL, KERNEL_SIGSET_SIZE);
}

/* Outside a pid namespace we are not PID 1, so orphans would go to the host's init.
 * A child subreaper (prctl(2)) gets them instead, as PID 1 would. */
static void become_subreaper_unless_pid1(const struct init_opts *o)
{
	if (getpid() == 1)
		return;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		fprintf(stderr,
			"glassbox-init: prctl(PR_SET_CHILD_SUBREAPER): %s: "
			"orphans will not be reaped here\n",
			strerror(errno));
	else
		say(o, "not PID 1 (PID %d): registered as child subreaper", (int)getpid());
}

/* In the child, between fork and exec. Its own process group, so `-g` can signal the
 * whole group without hitting us; if there is a terminal, that group gets it (else a
 * read from the terminal would stop it with SIGTTIN). SIGTTOU is still blocked here, so
 * tcsetpgrp() from what is now a background group does not stop us. */
static void child_setup(void)
{
	setpgid(0, 0);
	if (isatty(STDIN_FILENO))
		tcsetpgrp(STDIN_FILENO, getpid());
	/* The command starts as on a fresh boot: every signal at its default action, none
	 * blocked. Ignored signals survive exec(2), and whoever started us may have ignored
	 * some (a shell ignores SIGINT and SIGQUIT for its background jobs); a program
	 * cannot even trap a signal that was ignored when it started, if it is a shell. */
	/* The raw system call: glibc's signal() refuses 32 and 33 (it keeps them for its
	 * threads), yet they too may arrive ignored (GNU make ignores them). */
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} dfl = { 0 };
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, KERNEL_SIGSET_SIZE);
	sigset_t none;
	sigemptyset(&none);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, KERNEL_SIGSET_SIZE);
}

/* Start the command. Exec failures exit 127 (not found) or 126 (not executable), as sh. */
static pid_t spawn(const struct init_opts *o)
{
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "glassbox-init: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		child_setup();
		execvp(o->argv[0], o->argv);
		int e = errno;
		fprintf(stderr, "glassbox-init: cannot run %s: %s\n", o->argv[0], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}
	setpgid(pid, pid); /* also from this side: whichever runs first, it is done */
	say(o, "PID %d started %s as PID %d", (int)getpid(), o->argv[0], (int)pid);
	return pid;
}

/* Pass a signal on. The child is a zombie until we reap it, and kill() on a zombie
 * succeeds quietly, so ESRCH only means a process group that is already empty. */
static void forward(const struct init_opts *o, pid_t child, int sig)
{
	pid_t target = o->group ? -child : child;
	if (kill(target, sig) < 0 && errno != ESRCH)
		fprintf(stderr, "glassbox-init: kill(%d, %d): %s\n", (int)target, sig,
			strerror(errno));
	else
		say(o, "forwarded signal %d (%s) to %s %d", sig, strsignal(sig),
		    o->group ? "process group" : "pid", (int)child);
}

static void report_reaped(const struct init_opts *o, pid_t pid, int status)
{
	if (WIFSIGNALED(status))
		say(o, "reaped zombie %d (killed by signal %d)", (int)pid, WTERMSIG(status));
	else
		say(o, "reaped zombie %d (exit %d)", (int)pid, WEXITSTATUS(status));
}

/* SIGCHLD arrived: one or more children changed state. Signals of one kind do not
 * queue (two exits may give one SIGCHLD), so wait until nothing is left to collect.
 * waitpid(-1) collects any child, and orphans became our children when their parent
 * died: this is the reaping. Returns true once our own command has exited. */
static bool reap_zombies(const struct init_opts *o, pid_t child, int *child_status)
{
	bool child_exited = false;
	for (;;) {
		int status;
		pid_t pid = waitpid(o->reap ? -1 : child, &status, WNOHANG);
		if (pid <= 0)
			break; /* 0: the rest are still running; -1/ECHILD: no children left */
		if (pid == child) {
			*child_status = status;
			child_exited = true;
		} else {
			report_reaped(o, pid, status);
		}
	}
	return child_exited;
}

/* As sh reports it: a normal exit passes its status through, death by signal N is
 * 128 + N (143 for SIGTERM, 137 for SIGKILL). */
static int exit_code_of(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	struct init_opts o;
	parse_args(argc, argv, &o);

	sigset_t all;
	if (block_every_signal(&all) < 0) {
		fprintf(stderr, "glassbox-init: rt_sigprocmask: %s\n", strerror(errno));
		return 1;
	}
	/* Created before the fork: a child that exits at once still leaves its SIGCHLD
	 * pending in the queue, where the first read finds it. */
	int sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "glassbox-init: signalfd: %s\n", strerror(errno));
		return 1;
	}
	become_subreaper_unless_pid1(&o);

	pid_t child = spawn(&o);
	if (child < 0)
		return 1;

	/* The whole life of PID 1: sleep in read() until the kernel has a signal for us. */
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof si);
		if (n != (ssize_t)sizeof si) {
			fprintf(stderr, "glassbox-init: read(signalfd): %s\n",
				n < 0 ? strerror(errno) : "short read");
			return 1;
		}
		int status;
		if (si.ssi_signo != SIGCHLD) {
			forward(&o, child, (int)si.ssi_signo);
			continue;
		}
		/* A SIGCHLD that a process sent with kill() (si_code <= 0, not CLD_*) is a
		 * message for the command like any other: pass it on, then reap anyway. */
		if ((int)si.ssi_code <= 0)
			forward(&o, child, SIGCHLD);
		if (reap_zombies(&o, child, &status))
			return exit_code_of(status);
	}
}
