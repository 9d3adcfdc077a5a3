/* A small virtual machine beside the containers: QEMU boots Debian's cloud kernel with an
 * initramfs made from glassbox's busybox image, runs one command and powers off. Used by
 * `glassbox compare` (lab 19, the viz's vms scene) and by `make test-guest` (glassbox
 * inside a cgroup-v2-only or pure-v1 kernel). qemu-system(1), the kernel's
 * Documentation/filesystems/ramfs-rootfs-initramfs.rst. Lab 19.
 *
 * A container is a process of the host kernel; a VM is a process (qemu) that emulates a
 * whole machine, in which a second kernel boots. Everything here is observed from the host:
 * qemu's memory in /proc/PID, the guest's words on its serial line. */
#ifndef GB_VM_H
#define GB_VM_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/events.h"

#define GB_VM_PATH 512

/* KVM: the guest runs on the CPU itself (VT-x/AMD-V); TCG: QEMU translates every guest
 * instruction in software. Said on every screen: the numbers differ a lot. */
enum gb_vm_accel { GB_VM_TCG = 0, GB_VM_KVM };
const char *gb_vm_accel_name(enum gb_vm_accel a);

/* How the guest sets up before the command: kernel command line switches that /init reads. */
struct gb_vm_opts {
	const char *kernel; /* vmlinuz */
	const char *initrd;
	enum gb_vm_accel accel;
	int mem_mb; /* 128 is the floor for Debian's cloud kernel */
	int cpus;
	const char *cgroup;  /* NULL: none mounted; "v2": cgroup2 only; "v1": one per controller */
	bool tmpfs_root;     /* copy / to a tmpfs and switch_root (pivot_root needs it) */
	const char *modules; /* guest dir of *.ko to insmod in order (overlay, veth...), or NULL */
	bool echo; /* also pass every serial line to line_fn (default: command output only) */
	void (*line_fn)(void *data, double t, const char *line); /* the command's output */
	void *line_data;
};

/* The boot's milestones, as vm.step events (docs/events.md). */
enum gb_vm_stage { GB_VM_FIRMWARE, GB_VM_KERNEL, GB_VM_INIT, GB_VM_FIRST_OUTPUT, GB_VM_NSTAGES };

struct gb_vm {
	pid_t pid;     /* qemu */
	int serial_fd; /* the guest's ttyS0 (and qemu's stderr), read end */
	enum gb_vm_accel accel;
	double t0;		       /* CLOCK_MONOTONIC when qemu was started */
	double t_stage[GB_VM_NSTAGES]; /* seconds since t0 when each stage ended; 0: not yet */
	int stage;		       /* the stage now running */
	double t_exit;		       /* when the guest reported the command's exit */
	int guest_status;	       /* the command's exit status in the guest; -1: not seen */
	long long rss_peak, pss_peak, rss, pss; /* bytes, qemu as the host sees it */
	long long guest_memtotal;		/* bytes, MemTotal inside the guest; -1 unknown */
	int threads; /* qemu's threads, the most seen (/proc/PID/status) */
	double t_sample;
	char qemu_error[256];
	char line[1024];
	size_t line_len;
	struct gb_events *ev;
	struct gb_vm_opts opts;
};

/* Start qemu (stdin /dev/null, no network, no display, serial on a pipe). Emits vm.start
 * and the firmware stage's vm.step.begin. */
int gb_vm_start(struct gb_vm *vm, const struct gb_vm_opts *o, struct gb_events *ev,
		struct gb_err *err);
/* Read what the guest printed, for up to timeout_ms; samples qemu's memory (vm.sample).
 * 1: still running; 0: qemu exited (reaped). */
int gb_vm_poll(struct gb_vm *vm, int timeout_ms);
/* Poll until qemu exits or timeout_s passes (then it is killed): 0, or -ETIMEDOUT. */
int gb_vm_wait(struct gb_vm *vm, int timeout_s, struct gb_err *err);
/* Kill qemu (by its pid) and reap it; closes the pipe. Safe to call twice. */
void gb_vm_stop(struct gb_vm *vm);
const char *gb_vm_stage_name(enum gb_vm_stage s);

/* qemu's memory now: VmRSS, VmHWM (peak RSS) and Pss from /proc/PID. */
int gb_vm_read_mem(pid_t pid, long long *rss, long long *hwm, long long *pss);

#endif
