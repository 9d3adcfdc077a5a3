/* What this host's kernel can do for containers, found by trying each feature for real
 * in a throwaway child process, plus what the kernel config says (like Docker's
 * check-config.sh). namespaces(7), cgroups(7), seccomp(2), pivot_root(2), rtnetlink(7).
 * `glassbox host-check` prints it; lab checks use it to skip what the host lacks. */
#ifndef GB_HOSTCHECK_H
#define GB_HOSTCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/json.h"
#include "host/feature.h"

/* The probes, in the order host-check prints them. */
size_t gb_hostcheck_count(void);
/* Run probe i into *out. Probes fork children; they mount only inside the children's
 * private mount namespaces, create links only inside a child's fresh network namespace
 * and create only uniquely named cgroups that they remove again. */
void gb_hostcheck_run(size_t i, struct gb_host_feature *out);
/* Run the probe named key; -ENOENT when there is no such probe. */
int gb_hostcheck_probe(const char *key, struct gb_host_feature *out);

/* Where the kernel config can be read: /proc/config.gz or /boot/config-RELEASE; -ENOENT
 * when neither exists. */
int gb_hostcheck_config_source(char *path, size_t len);

/* Cgroup layout by statfs(2) of /sys/fs/cgroup: "v2", "hybrid", "v1" or "none". */
const char *gb_hostcheck_cgroup_layout(void);

void gb_host_feature_to_json(const struct gb_host_feature *f, struct gb_json *j);

#endif
