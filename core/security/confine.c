/* Confinement from a container's config: which capabilities it keeps, which seccomp
 * profile it gets, whether no_new_privs is set. The steps themselves (core/engine/steps.c
 * rows masked-paths, capabilities, no-new-privs, seccomp) call core/security/masks.c,
 * core/security/caps.c and core/security/seccomp.c. Labs 15 and 16. */
#include "security/confine.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "security/apparmor.h"

static int resolve(const struct gb_config *c, struct gb_confine *out, bool build_default,
		   struct gb_err *err)
{
	memset(out, 0, sizeof *out);
	/* Only where the kernel runs AppArmor: elsewhere the caller warns (docs/security.md). */
	if (c->apparmor[0] && gb_apparmor_enabled())
		snprintf(out->apparmor, sizeof out->apparmor, "%s", c->apparmor);
	if (c->privileged) {
		/* --privileged: Docker's explicit opposite of every layer below. */
		out->caps = gb_caps_all();
		out->nnp = !c->no_new_privs_off;
		return 0;
	}
	int r = gb_caps_resolve(gb_caps_docker_default(), c->cap_add, c->cap_drop, &out->caps, err);
	if (r < 0)
		return r;
	out->masks = true;
	out->nnp = !c->no_new_privs_off;
	if (strcmp(c->seccomp, "unconfined") == 0)
		return 0;
	out->filter = true;
	if (c->seccomp[0])
		return gb_seccomp_load_file(c->seccomp, out->caps, &out->profile, err);
	return build_default ? gb_seccomp_default(&out->profile, out->caps, err) : 0;
}

int gb_confine_prepare(const struct gb_config *c, struct gb_confine *out, struct gb_err *err)
{
	return resolve(c, out, true, err);
}

int gb_confine_check(const struct gb_config *c, struct gb_err *err)
{
	/* The built-in profile cannot be malformed: only capabilities and a profile file can. */
	struct gb_confine cf;
	int r = resolve(c, &cf, false, err);
	gb_confine_free(&cf);
	return r;
}

int gb_confine_compile(struct gb_confine *cf, const char *cache_dir, struct gb_err *err)
{
	return cf->filter ? gb_seccomp_compile(&cf->profile, cache_dir, &cf->bpf, err) : 0;
}

void gb_confine_free(struct gb_confine *cf)
{
	gb_seccomp_free(&cf->profile);
	gb_seccomp_bpf_free(&cf->bpf);
}

int gb_confine_apply_exec(const struct gb_confine *cf, struct gb_err *err)
{
	/* Without no_new_privs the kernel accepts a filter only while we still hold
	 * CAP_SYS_ADMIN: hold it until the filter is in, as the start table does. */
	gb_capset hold = cf->filter && !cf->nnp ? GB_CAP_BIT(CAP_SYS_ADMIN) : 0;
	/* First, as runc: the change waits for the execve, so what follows is not under it. */
	if (cf->apparmor[0] && gb_apparmor_exec(cf->apparmor, err) < 0)
		return -err->code;
	int r = gb_caps_apply_hold(cf->caps, hold, err);
	if (r == 0 && cf->nnp)
		r = gb_seccomp_set_no_new_privs(err);
	if (r == 0 && cf->filter)
		r = gb_seccomp_install(&cf->bpf, cf->profile.source, err);
	if (r == 0 && hold)
		r = gb_caps_release(cf->caps, err);
	return r;
}
