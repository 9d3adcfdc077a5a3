/* Capabilities: root's power split into ~41 separate privileges (capabilities(7)).
 * A container keeps a small set (Docker's 14) and drops the rest from all five sets.
 * Lab 16 (capabilities-and-escapes). */
#ifndef GB_CAPS_H
#define GB_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

/* A set of capabilities is a 64-bit mask: bit N is capability N (CAP_CHOWN is 0). */
typedef uint64_t gb_capset;

#define GB_CAP_BIT(n) ((gb_capset)1 << (n))

/* The five sets the kernel keeps per thread, as /proc/PID/status shows them. */
struct gb_caps_status {
	gb_capset inheritable, permitted, effective, bounding, ambient;
};

/* The highest capability number this kernel knows (/proc/sys/kernel/cap_last_cap),
 * or the one glassbox was compiled with when /proc is not there. */
int gb_caps_last(void);
/* All capabilities this kernel knows. */
gb_capset gb_caps_all(void);
/* Docker's default set: the 14 capabilities a container keeps. */
gb_capset gb_caps_docker_default(void);

/* "CAP_SYS_ADMIN" for 21; NULL for numbers without a name. */
const char *gb_caps_name(int cap);
/* Accepts "CAP_SYS_ADMIN", "SYS_ADMIN", "sys_admin" and "cap_sys_admin". */
int gb_caps_from_name(const char *name, int *cap, struct gb_err *err);

/* Docker's rule for --cap-add / --cap-drop on top of a base set, as a pure function:
 *   --cap-add ALL: every capability except those dropped;
 *   --cap-drop ALL: only those added;
 *   otherwise: base minus dropped, plus added.
 * Unknown names are errors. add/drop are NULL-terminated (either may be NULL). */
int gb_caps_resolve(gb_capset base, char *const *add, char *const *drop, gb_capset *out,
		    struct gb_err *err);

/* "CAP_CHOWN,CAP_KILL" (or "" for none) into buf; -ENAMETOOLONG when it does not fit. */
int gb_caps_format(gb_capset set, char *buf, size_t len);
/* Parse the 16-hex-digit masks of /proc/PID/status (CapEff: 00000000a80425fb). */
int gb_caps_parse_hex(const char *hex, gb_capset *out);
/* Read CapInh/CapPrm/CapEff/CapBnd/CapAmb of a process (pid 0: this process). */
int gb_caps_read_status(pid_t pid, struct gb_caps_status *out, struct gb_err *err);

/* Reduce the calling process to `keep`, in the order the kernel demands:
 * bounding set (PR_CAPBSET_DROP, needs CAP_SETPCAP, so first), then
 * inheritable/permitted/effective with capset(2), then the ambient set, so that the
 * program exec'd next keeps `keep` even though it has no file capabilities. */
/* Capabilities the calling process does not hold itself are left out (capset(2) can
 * only lower the permitted set). */
int gb_caps_apply(gb_capset keep, struct gb_err *err);
/* The same, but `hold` stays in the permitted and effective sets (never in bounding,
 * inheritable or ambient) for one more step: a seccomp filter loaded without
 * no_new_privs needs CAP_SYS_ADMIN. gb_caps_release(keep) then lets go of it. */
int gb_caps_apply_hold(gb_capset keep, gb_capset hold, struct gb_err *err);
int gb_caps_release(gb_capset keep, struct gb_err *err);
/* OCI process.user that is not root: after a setresuid made under PR_SET_KEEPCAPS, give
 * back `keep` as permitted and effective, and the names in `ambient` (within keep) as
 * ambient, so the command exec'd as that uid holds them (runtime-spec, as runc does). */
int gb_caps_after_setuid(gb_capset keep, char *const *ambient, struct gb_err *err);

#endif
