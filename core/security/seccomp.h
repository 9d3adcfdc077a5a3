/* seccomp: a BPF filter the kernel runs on every system call of the container, here
 * built with libseccomp from a Docker-style allowlist. seccomp(2), seccomp_init(3),
 * prctl(2) PR_SET_NO_NEW_PRIVS. Lab 15 (seccomp). */
#ifndef GB_SECCOMP_H
#define GB_SECCOMP_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "security/caps.h"
#include "base/error.h"

#define GB_SECCOMP_MAX_ARGS 6
#define GB_SECCOMP_MAX_ARCHES 8

/* One rule: when syscall `name` is called and all `args` comparisons hold, do `action`. */
struct gb_seccomp_rule {
	char name[48];
	uint32_t action; /* SCMP_ACT_ALLOW, SCMP_ACT_ERRNO(EPERM), ... */
	unsigned nargs;
	struct scmp_arg_cmp args[GB_SECCOMP_MAX_ARGS];
};

/* A whole filter: what happens to calls no rule matches, for which architectures. */
struct gb_seccomp_profile {
	char source[256]; /* "default" or the profile file's path */
	uint32_t default_action;
	uint32_t arches[GB_SECCOMP_MAX_ARCHES];	    /* SCMP_ARCH_*; 0 entries: native only */
	char arch_names[GB_SECCOMP_MAX_ARCHES][24]; /* as the profile spelled them */
	size_t n_arches;
	struct gb_seccomp_rule *rules;
	size_t n_rules, cap_rules;
	size_t n_unknown; /* names this libseccomp does not know (skipped) */
	bool builtin;	  /* gb_seccomp_default's: code, named by the binary's build id */
	gb_capset caps;	  /* ... and the capabilities it was made for */
};

/* glassbox's default profile, in the spirit of Docker's: an allowlist of ~330 ordinary
 * system calls; everything else fails with EPERM. Calls that need a capability
 * (mount, unshare, setns, reboot, init_module, ptrace, clock_settime, ...) are allowed
 * only when `caps` holds it, so the filter and the capability set tell one story. */
int gb_seccomp_default(struct gb_seccomp_profile *p, gb_capset caps, struct gb_err *err);

/* Docker's JSON profile format (defaultAction, defaultErrnoRet, architectures, archMap,
 * syscalls[] with names/name, action, errnoRet, args[] {index, value, valueTwo, op},
 * includes/excludes {caps, arches}). `caps` decides includes/excludes.caps. Errors
 * name the line (syntax) or the member, e.g. "syscalls[3].action". */
int gb_seccomp_parse(const char *text, size_t len, const char *source, gb_capset caps,
		     struct gb_seccomp_profile *p, struct gb_err *err);
int gb_seccomp_load_file(const char *path, gb_capset caps, struct gb_seccomp_profile *p,
			 struct gb_err *err);
void gb_seccomp_free(struct gb_seccomp_profile *p);

/* The profile back in Docker's JSON format (malloc'd), e.g. to show the default. */
char *gb_seccomp_to_json(const struct gb_seccomp_profile *p);
/* "SCMP_ACT_ERRNO" for SCMP_ACT_ERRNO(1) and so on. */
const char *gb_seccomp_action_name(uint32_t action);

/* prctl(PR_SET_NO_NEW_PRIVS, 1): from now on execve() never grants privileges (setuid
 * bits and file capabilities are ignored). Unprivileged seccomp requires it. */
int gb_seccomp_set_no_new_privs(struct gb_err *err);

/* A profile compiled to classic BPF: what the kernel actually runs on every call. */
struct gb_seccomp_bpf {
	struct sock_filter *insns;
	unsigned short len;
	bool cached; /* read from the cache, not compiled now */
};

/* Compile with libseccomp (seccomp_export_bpf), on the host, before clone. With a
 * cache_dir, the program is kept there as <sha256>.bpf, keyed by the profile (as JSON),
 * the architecture and the libseccomp version: later starts skip the compiler. */
int gb_seccomp_compile(const struct gb_seccomp_profile *p, const char *cache_dir,
		       struct gb_seccomp_bpf *out, struct gb_err *err);
void gb_seccomp_bpf_free(struct gb_seccomp_bpf *b);
/* seccomp(SECCOMP_SET_MODE_FILTER, 0, &prog): install a compiled program on the calling
 * thread. Without no_new_privs the kernel demands CAP_SYS_ADMIN. */
int gb_seccomp_install(const struct gb_seccomp_bpf *b, const char *source, struct gb_err *err);

/* Compile the profile to BPF and install it on the calling thread: the last step
 * before execve(), after capabilities are dropped, because the filter may forbid
 * capset/prctl themselves. Without no_new_privs the kernel demands CAP_SYS_ADMIN. */
int gb_seccomp_apply(const struct gb_seccomp_profile *p, struct gb_err *err);

/* The Seccomp: line of /proc/PID/status: 0 disabled, 1 strict, 2 filter (pid 0 = self). */
int gb_seccomp_mode(int pid);

#endif
