/* A container's device rules (issue 14): the list it gets (Docker's default policy and
 * --device-cgroup-rule, or an OCI client's linux.resources.devices) written into its
 * cgroup before PID 1 runs anything, and again for a running container (`update`).
 * cgroup/devices.h does the writing. Lab 21. */
#ifndef GB_DEVICES_CONTAINER_H
#define GB_DEVICES_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup/cgroup.h"
#include "cgroup/devrule.h"
#include "state/config.h"
#include "state/state.h"

/* Whether the container gets device rules: as root (a v1 devices.allow and a v2 device
 * program both need it), not --privileged, and for an OCI bundle only when config.json
 * lists linux.resources.devices (without one runc allows everything too). */
bool gb_devices_wanted(const struct gb_config *c);
/* The list: the OCI client's (complete already, oci_config.c), or Docker's default with
 * each --device-cgroup-rule after it. A bad rule is refused naming it. */
int gb_devices_policy(const struct gb_config *c, struct gb_dev_rule *out, size_t max, size_t *n,
		      struct gb_err *err);
/* The create step: the policy into cg (made by the cgroup row, still empty). */
int gb_cgroup_container_devices(const struct gb_state *st, struct gb_cgroup *cg,
				struct gb_err *err);
/* (Re)apply a list to a running container's cgroup, replacing the one it has (for
 * `update`): v1 rewrites devices.deny/allow, v2 attaches the new program, then detaches
 * the old. */
int gb_cgroup_container_devices_update(const struct gb_state *st, const struct gb_dev_rule *rules,
				       size_t n, struct gb_err *err);

#endif
