/* The device cgroup's rules: which device nodes a container may open (r, w) or create
 * (m), by type and major:minor. The vocabulary only (a leaf: a config holds a list);
 * devices.h writes a list into the kernel, as v1's devices.allow/deny or as v2's eBPF
 * program. Documentation/admin-guide/cgroup-v1/devices.rst, man 2 mknod. Lab 21. */
#ifndef GB_DEVRULE_H
#define GB_DEVRULE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define GB_DEV_ANY (-1LL) /* major or minor "*" */
#define GB_DEV_RULES_MAX 64
/* access bits, in the order v1 prints them ("rwm") */
#define GB_DEV_READ 1u
#define GB_DEV_WRITE 2u
#define GB_DEV_MKNOD 4u
#define GB_DEV_RWM (GB_DEV_READ | GB_DEV_WRITE | GB_DEV_MKNOD)

struct gb_dev_rule {
	bool allow;
	char type;		/* 'a' (all), 'c' (char), 'b' (block) */
	long long major, minor; /* GB_DEV_ANY: "*" */
	unsigned access;	/* GB_DEV_* bits, never 0 */
};

/* Docker's --device-cgroup-rule form, "c 1:3 rwm", "b 8:* r", "a *:* rwm" or "a": an
 * allow rule. The error names the part that is wrong and shows the form. */
int gb_devrule_parse(const char *s, struct gb_dev_rule *r, struct gb_err *err);
/* "rwm" -> bits; -EINVAL on anything else or an empty string. */
int gb_devrule_access(const char *s, unsigned *bits);
/* The rule in v1's form: "c 1:3 rwm", "a *:* rwm" (what devices.list prints). */
void gb_devrule_format(const struct gb_dev_rule *r, char *buf, size_t len);
/* Docker's default policy for a container: deny everything, then allow mknod of any
 * node and read/write of null, zero, full, random, urandom, tty, console, /dev/pts/ and
 * ptmx. Returns the number of rules written (at most max). */
size_t gb_devrule_docker_default(struct gb_dev_rule *out, size_t max);
/* runc's allow list, appended after a client's own rules (OCI): the same without the
 * deny-all, plus tun (c 10:200), as runc 1.1 appends it. */
size_t gb_devrule_runc_allowed(struct gb_dev_rule *out, size_t max);
/* Whether a request (type 'c'/'b', numbers, access bits) is allowed by the list, the
 * way the kernel decides: the last rule that matches wins; no match: allowed (a new
 * cgroup starts from its parent's allow-all). An allow rule matches only when it grants
 * every bit asked; a deny rule when it takes any of them. devices.c builds the v2
 * program from the same rule, so a unit test can check both against each other. */
bool gb_devrule_allows(const struct gb_dev_rule *rules, size_t n, char type, long long major,
		       long long minor, unsigned access);

#endif
