/* Confinement: the container's last steps before execve, made from its config —
 * masked paths, capabilities, no_new_privs and seccomp (docs/security.md). The same
 * set is applied to processes started later with `glassbox exec`. Labs 15, 16. */
#ifndef GB_CONFINE_H
#define GB_CONFINE_H

#include <stdbool.h>

#include "security/caps.h"
#include "state/config.h"
#include "security/seccomp.h"

struct gb_confine {
	gb_capset caps;			   /* what the container keeps */
	bool masks;			   /* masked and read-only paths */
	bool nnp;			   /* no_new_privs */
	bool filter;			   /* a seccomp filter is loaded */
	char apparmor[256];		   /* AppArmor profile entered at the exec; "" none */
	struct gb_seccomp_profile profile; /* the filter's rules */
	struct gb_seccomp_bpf bpf;	   /* ... compiled to BPF on the host, before clone */
};

/* Resolve --cap-add/--cap-drop/--privileged and read the seccomp profile, on the host
 * before anything is created: a bad name or profile fails here. */
int gb_confine_prepare(const struct gb_config *c, struct gb_confine *out, struct gb_err *err);
/* The same refusals as gb_confine_prepare, without building the built-in profile:
 * the command line's check, before anything is created. */
int gb_confine_check(const struct gb_config *c, struct gb_err *err);
/* Compile the profile to BPF (on the host, before clone; the child inherits it). cache_dir
 * (may be NULL) keeps compiled filters between starts (gb_seccomp_compile). */
int gb_confine_compile(struct gb_confine *cf, const char *cache_dir, struct gb_err *err);
void gb_confine_free(struct gb_confine *cf);

/* For `exec`: the AppArmor profile (at the execve), capabilities, no_new_privs and the
 * filter in the order of the start table (the mount namespace already has its masks). */
int gb_confine_apply_exec(const struct gb_confine *cf, struct gb_err *err);

#endif
