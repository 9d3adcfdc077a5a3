/* linux.resources.devices (oci_devices.h): what Docker writes there is a deny-all, its
 * default allow list and one allow per --device; runc appends its own allow list (null,
 * zero, ptys, tun...) after the client's, so a client cannot lock a container out of
 * /dev/null. runtime-spec config-linux.md "Allowed Device list". Lab 16. */
#include "oci/oci_devices.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int bad(struct gb_err *err, size_t i, const char *member, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "config.json: linux.resources.devices[%zu]%s%s %s", i,
			   member[0] ? "." : "", member, what);
	gb_err_hint(err, "fix linux.resources.devices in the bundle's config.json "
			 "(runtime-spec: {\"allow\": true, \"type\": \"c\", \"major\": 1, "
			 "\"minor\": 3, \"access\": \"rwm\"})");
	return r;
}

/* major or minor: absent, null or -1 is the wildcard "*". */
static int number(const struct gb_jval *d, const char *key, long long max, long long *out)
{
	const struct gb_jval *v = gb_jget(d, key);
	*out = GB_DEV_ANY;
	if (!v || v->type == GB_JNULL)
		return 0;
	if (v->type != GB_JNUM || gb_jval_int64(v, out) < 0 || *out < -1 || *out > max)
		return -EINVAL;
	return 0;
}

static int one_rule(const struct gb_jval *d, size_t i, struct gb_dev_rule *r, struct gb_err *err)
{
	const struct gb_jval *allow = d->type == GB_JOBJ ? gb_jget(d, "allow") : NULL;
	if (d->type != GB_JOBJ)
		return bad(err, i, "", "must be an object");
	if (!allow || allow->type != GB_JBOOL)
		return bad(err, i, "allow", "must be true or false (it is required)");
	r->allow = allow->b;
	const char *type = gb_jstr(d, "type", "a");
	if (strlen(type) != 1 || !strchr("acb", type[0]))
		return bad(err, i, "type", "must be \"a\", \"c\" or \"b\"");
	r->type = type[0];
	if (number(d, "major", 4095, &r->major) < 0)
		return bad(err, i, "major", "must be a number from 0 to 4095, or absent for all");
	if (number(d, "minor", 1048575, &r->minor) < 0)
		return bad(err, i, "minor",
			   "must be a number from 0 to 1048575, or absent for all");
	if (gb_devrule_access(gb_jstr(d, "access", "rwm"), &r->access) < 0)
		return bad(err, i, "access", "must be letters of \"rwm\", each at most once");
	return 0;
}

int gb_oci_devices_parse(const struct gb_jval *lx, struct gb_dev_rule *out, size_t max, size_t *n,
			 bool *given, struct gb_err *err)
{
	const struct gb_jval *res = lx ? gb_jget(lx, "resources") : NULL;
	const struct gb_jval *ds = res && res->type == GB_JOBJ ? gb_jget(res, "devices") : NULL;
	struct gb_dev_rule tail[GB_DEV_RULES_MAX];
	size_t ntail = gb_devrule_runc_allowed(tail, GB_DEV_RULES_MAX), i = 0;
	*n = 0;
	*given = ds && ds->type != GB_JNULL;
	if (!*given)
		return 0;
	if (ds->type != GB_JARR)
		return bad(err, 0, "", "must be an array (linux.resources.devices)");
	if (ds->n + ntail > max) {
		char why[64];
		snprintf(why, sizeof why, "is one rule too many: at most %zu fit", max - ntail);
		return bad(err, max - ntail, "", why);
	}
	for (const struct gb_jval *d = ds->child; d; d = d->next, i++) {
		int r = one_rule(d, i, &out[i], err);
		if (r < 0)
			return r;
	}
	memcpy(out + i, tail, ntail * sizeof *tail);
	*n = i + ntail;
	return 0;
}
