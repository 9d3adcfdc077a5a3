/* AppArmor: a Linux security module that confines a process by a profile the
 * administrator loaded (apparmor_parser), mostly by path: which files it may open,
 * run, mount. A container asks for one (OCI process.apparmorProfile, Docker's
 * --security-opt apparmor=PROFILE); PID 1, or an exec'd command, enters it at its
 * execve: the change is requested with "exec PROFILE" in /proc/thread-self/attr/apparmor/exec
 * (proc(5), apparmor(7)), and the kernel switches profiles when the next execve
 * succeeds, so the setup before it is not confined by it. */
#ifndef GB_APPARMOR_H
#define GB_APPARMOR_H

#include <stdbool.h>

#include "base/error.h"

/* The path the change goes to (the newer per-LSM one, or the older shared one). */
#define GB_APPARMOR_ATTR "/proc/thread-self/attr/apparmor/exec"

/* Whether the kernel runs AppArmor: /sys/module/apparmor/parameters/enabled says "Y". */
bool gb_apparmor_enabled(void);

/* Ask the kernel to put this task in `profile` at its next execve. A profile it does not
 * know fails with its own errno (ENOENT) and a hint naming apparmor_parser. */
int gb_apparmor_exec(const char *profile, struct gb_err *err);

#endif
