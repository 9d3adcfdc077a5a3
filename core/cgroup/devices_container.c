/* A container's device rules (devices_container.h): which list, and into which cgroup.
 * Documentation/admin-guide/cgroup-v1/devices.rst, cgroup-v2.rst. Lab 21. */
#include "cgroup/devices_container.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup_container.h"

bool gb_devices_wanted(const struct gb_config *c)
{
	if (geteuid() != 0 || c->privileged)
		return false;
	return c->dev_rules_set || !c->rootfs_dir[0];
}

int gb_devices_policy(const struct gb_config *c, struct gb_dev_rule *out, size_t max, size_t *n,
		      struct gb_err *err)
{
	*n = 0;
	if (c->dev_rules_set) { /* OCI: the client's list, runc's allow list already after it */
		if ((size_t)c->ndev_rules > max)
			return gb_err_set(err, E2BIG, "",
					  "linux.resources.devices: %d rules, at most %zu",
					  c->ndev_rules, max);
		memcpy(out, c->dev_rules, (size_t)c->ndev_rules * sizeof *out);
		*n = (size_t)c->ndev_rules;
		return 0;
	}
	size_t ndefault = gb_devrule_docker_default(out, max);
	*n = ndefault;
	for (char **r = c->device_cgroup_rules; r && *r; r++) {
		if (*n == max)
			return gb_err_set(err, E2BIG, "",
					  "too many --device-cgroup-rule (at most %zu): merge "
					  "rules, e.g. \"c 189:* rwm\" for every minor",
					  max - ndefault);
		int e = gb_devrule_parse(*r, &out[*n], err);
		if (e < 0)
			return e;
		(*n)++;
	}
	return 0;
}

int gb_cgroup_container_devices(const struct gb_state *st, struct gb_cgroup *cg, struct gb_err *err)
{
	struct gb_dev_rule rules[GB_DEV_RULES_MAX];
	size_t n = 0;
	int r = gb_devices_policy(&st->cfg, rules, GB_DEV_RULES_MAX, &n, err);
	return r < 0 ? r : gb_cgroup_devices(cg, rules, n, err);
}

int gb_cgroup_container_devices_update(const struct gb_state *st, const struct gb_dev_rule *rules,
				       size_t n, struct gb_err *err)
{
	struct gb_cgroup cg;
	int r = gb_cgroup_container_open(st, &cg, err);
	if (r == 0 && !gb_cgroup_exists(&cg))
		r = gb_err_set(err, ENOENT, "open", "container %s has no cgroup", st->cfg.id);
	return r < 0 ? r : gb_cgroup_devices(&cg, rules, n, err);
}
