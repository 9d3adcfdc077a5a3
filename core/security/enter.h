/* What a glassbox process does before it enters a container's namespaces, so that the
 * container's own processes get no handle on the host through it (enter.c).
 * prctl(2) PR_SET_DUMPABLE, close_range(2), memfd_create(2) + fcntl(2) F_ADD_SEALS.
 * Lab 16; docs/security.md, "A glassbox process inside the container". */
#ifndef GB_ENTER_H
#define GB_ENTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* GLASSBOX_UNSAFE_DUMPABLE=1: the negative control of lab 16 and of the exec race test
 * ONLY. The process stays dumpable, keeps its descriptors and runs from the host's
 * binary, as before issue 19, so a watcher inside must win. Never set it otherwise. */
bool gb_enter_unsafe(void);

/* Make this process non-dumpable: the kernel then owns its /proc/PID/{exe,fd,mem,
 * environ,cwd,root} as root and refuses them to anyone without CAP_SYS_PTRACE over
 * the namespace its memory was made in (the host's). execve resets it for the new
 * program, as for any binary. A no-op under gb_enter_unsafe(). */
int gb_enter_nondumpable(struct gb_err *err);

/* Close every descriptor from 3 up except those in keep (any order, -1 entries ignored)
 * and, with keep_inheritable, those without FD_CLOEXEC: they are the ones the caller
 * means the container's program to have, as execve would pass them on. One close_range
 * per gap between kept descriptors. With keep_inheritable, a directory among those
 * inheritable ones or stdio is refused (gb_enter_check_stdio). */
int gb_enter_close_fds(const int *keep, size_t n, bool keep_inheritable, struct gb_err *err);

/* None of stdin, stdout, stderr is a directory: a directory fd of the host in the
 * container's hands is a way out (openat(fd, "../../..")), e.g. `glassbox run ... < /`. */
int gb_enter_check_stdio(struct gb_err *err);

/* The working directory is below the process's root (the kernel's getcwd() says so:
 * a cwd outside the root has no path from it). */
int gb_enter_check_cwd(struct gb_err *err);

/* A copy of the file behind fd in a memfd sealed against every change (write, grow,
 * shrink, further seals): what a container may open through /proc/PID/exe is then this
 * copy, never the host's file. Returns the memfd (close-on-exec) or -errno. */
int gb_sealed_copy(int fd, const char *name, struct gb_err *err);

/* True when fd is a memfd sealed against writes (a gb_sealed_copy). */
bool gb_is_sealed(int fd);

struct gb_runtime;

/* The sealed copy of glassbox-trampoline (init/glassbox-trampoline.c), made once per
 * runtime (one CLI invocation, however many containers it starts) and kept close-on-exec.
 * Found as $GLASSBOX_TRAMPOLINE, else <share>/../../libexec/glassbox/. -1 under
 * gb_enter_unsafe(). */
int gb_trampoline_fd(struct gb_runtime *rt, struct gb_err *err);

/* The last call of a glassbox process in a container: execve(exe, argv, envp) done by
 * the sealed trampoline, so the path is resolved by a process whose /proc/self/exe is
 * that copy, not the host's glassbox. With trampoline < 0, a plain execve. Returns only
 * on failure, with errno set: a missing or non-executable file is found before the
 * trampoline runs (faccessat X_OK); later failures the trampoline says on stderr. */
void gb_enter_execve(int trampoline, const char *exe, char *const *argv, char *const *envp);

/* Every descriptor from first up close-on-exec: close_range(CLOSE_RANGE_CLOEXEC), or one
 * fcntl each where a seccomp filter (one that predates close_range) refuses it. */
void gb_enter_cloexec_from(int first);

#endif
