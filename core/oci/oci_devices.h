/* config.json's linux.resources.devices (the device cgroup, issue 14) into the rule list
 * of cgroup/devrule.h: the client's rules in order, runc's allow list after them, as
 * runc writes them. Pure: reads the parsed JSON, writes nothing. */
#ifndef GB_OCI_DEVICES_H
#define GB_OCI_DEVICES_H

#include <stddef.h>

#include "base/error.h"
#include "base/json.h"
#include "cgroup/devrule.h"

/* lx: config.json's "linux" object. Without resources.devices *n is 0 and *given false
 * (the container gets no device rules, as with runc: everything stays allowed). A bad
 * member is -EINVAL naming its JSON path, e.g. linux.resources.devices[2].access. */
int gb_oci_devices_parse(const struct gb_jval *lx, struct gb_dev_rule *out, size_t max, size_t *n,
			 bool *given, struct gb_err *err);

#endif
