/* The device cgroup: which device nodes the processes of a cgroup may open or create,
 * written from a rule list (devrule.h). v1 has a hierarchy of its own (devices/), with
 * devices.deny and devices.allow to write and devices.list to read; v2 has no file at
 * all but an eBPF program attached to the cgroup (devices_bpf.h). The backends
 * (cgroupfs.h's `devices` operation) point here; cgroup.h's gb_cgroup_devices calls it.
 * Documentation/admin-guide/cgroup-v1/devices.rst, cgroup-v2.rst. Lab 21. */
#ifndef GB_DEVICES_H
#define GB_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/json.h"
#include "cgroup/cgroupfs.h"
#include "cgroup/devrule.h"

/* v1: the container's dir in the devices hierarchy (root/devices/REL). -ENOENT when the
 * host has no v1 devices hierarchy. */
int gb_cgdev_v1_dir(const struct gb_cgroup *cg, char *dir, size_t len);
/* v1 and hybrid: mkdir the dir, then write each rule, in order, to devices.allow or
 * devices.deny (a deny-all first: "a" into devices.deny, as runc does, which empties the
 * list the dir inherited from its parent). The new list replaces what an existing dir
 * held. A dir made here is removed on failure. */
int gb_cgdev_v1_apply(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err);
/* v1: pid (0: the calling thread, through `tasks`) into the devices dir, when it exists. */
int gb_cgdev_v1_attach(const struct gb_cgroup *cg, pid_t pid, struct gb_err *err);
/* v1: rmdir the devices dir (empty once the container's processes are gone). */
int gb_cgdev_v1_remove(const struct gb_cgroup *cg, struct gb_err *err);
/* v2: the eBPF program on the container's cgroup2 dir. */
int gb_cgdev_v2_apply(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err);
/* What the kernel holds now, under key: {"devices_list":[...]} (v1, devices.list as the
 * kernel prints it) or {"bpf_prog_ids":[...]} (v2). */
void gb_cgdev_json(const struct gb_cgroup *cg, struct gb_json *j, const char *key);

#endif
