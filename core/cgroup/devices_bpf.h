/* cgroup v2's device controller is not a file but a program: an eBPF program of type
 * BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup (BPF_CGROUP_DEVICE), which the
 * kernel runs on every open(2) and mknod(2) of a device node by a process inside, and
 * whose return value (1 allow, 0 EPERM) decides. glassbox writes it instruction by
 * instruction from a rule list (devrule.h) and loads it with the raw bpf(2) syscall.
 * man 2 bpf; Documentation/admin-guide/cgroup-v2.rst ("Device controller"). Lab 21. */
#ifndef GB_DEVICES_BPF_H
#define GB_DEVICES_BPF_H

#include <linux/bpf.h>
#include <stddef.h>

#include "base/error.h"
#include "cgroup/devrule.h"

/* At most 8 instructions per rule, 8 more around them. */
#define GB_DEVBPF_MAX_INSNS (8 + 8 * GB_DEV_RULES_MAX)

/* The program for the list: the rules tested last to first, the first one that matches
 * returns its verdict, none: allow (devrule.h's gb_devrule_allows, as code). Returns the
 * number of instructions, or -E2BIG when more than max would be needed. */
int gb_devbpf_build(const struct gb_dev_rule *rules, size_t n, struct bpf_insn *out, size_t max);
/* Load it (BPF_PROG_LOAD) and attach it to the cgroup2 directory dir with
 * BPF_F_ALLOW_MULTI; then detach the programs that were attached there before (a new
 * list replaces the old: for the instant both are attached, both must allow, so no
 * request gets through that either list refuses). Our fd of the program is closed: the
 * attachment holds the kernel's reference, and rmdir of the cgroup frees it. A program
 * the verifier refuses comes back with the verifier's log in the error. */
int gb_devbpf_apply(const char *dir, const struct gb_dev_rule *rules, size_t n, struct gb_err *err);
/* The ids of the device programs attached to dir (BPF_PROG_QUERY), for the event
 * stream and tests; *n is 0 when none. */
int gb_devbpf_query(const char *dir, unsigned *ids, size_t max, size_t *n, struct gb_err *err);

#endif
