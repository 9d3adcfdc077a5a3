/* The bpf(2) calls of cgroup v2's device controller, and nothing else: load a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to a cgroup2 directory, list and detach
 * what is attached there. No rule and no policy here (devices_bpf.h writes the program
 * from a rule list): this module uses only base/, so host-check's probe (host/) loads its
 * one-instruction program through the same calls. man 2 bpf. Lab 21. */
#ifndef GB_DEVPROG_H
#define GB_DEVPROG_H

#include <linux/bpf.h>
#include <stddef.h>

#include "base/error.h"

/* BPF_PROG_LOAD of n instructions as a device program (license "GPL"); the fd, or
 * -errno with the verifier's last lines in err. */
int gb_devprog_load(const struct bpf_insn *prog, int n, struct gb_err *err);
/* BPF_PROG_ATTACH of prog to the cgroup2 directory open as cgfd (its path: dir, for the
 * error), BPF_CGROUP_DEVICE with BPF_F_ALLOW_MULTI. */
int gb_devprog_attach(int cgfd, int prog, const char *dir, struct gb_err *err);
/* BPF_PROG_QUERY: the ids of the device programs attached at cgfd (at most max). */
int gb_devprog_query(int cgfd, unsigned *ids, size_t max, size_t *n);
/* BPF_PROG_DETACH of the program with this id from cgfd (gone already: nothing). */
void gb_devprog_detach_id(int cgfd, unsigned id);
/* open(dir, O_DIRECTORY): the fd the calls above take. */
int gb_devprog_open_dir(const char *dir, struct gb_err *err);

#endif
