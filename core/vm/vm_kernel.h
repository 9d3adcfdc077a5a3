/* The guest's kernel (Debian's cloud flavour, extracted from its package into a cache,
 * never installed) and the choice of accelerator (KVM only when a probe boot works).
 * core/vm/vm_kernel.c. Lab 19. */
#ifndef GB_VM_KERNEL_H
#define GB_VM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "vm/vm.h"

/* The guest kernel, extracted from the Debian package (never installed on the host). */
struct gb_vm_kernel {
	char vmlinuz[GB_VM_PATH];
	char modules[GB_VM_PATH]; /* lib/modules/RELEASE of the same package; "" if absent */
	char release[128];	  /* what the guest's `uname -r` will say */
};

/* Where the extracted kernel is kept: $GLASSBOX_VM_CACHE, else DATA_ROOT/vm/kernel. */
void gb_vm_cache_dir(const char *data_root, char *buf, size_t len);

/* Find the kernel: $GLASSBOX_VM_KERNEL (a vmlinuz file), else the cache (DIR/boot/vmlinuz-*);
 * with fetch, an empty cache is filled with `apt-get download` + `dpkg-deb -x` of
 * linux-image-cloud-amd64's current kernel. -ENOENT when there is none and none can be had. */
int gb_vm_kernel_find(struct gb_vm_kernel *k, const char *cache_dir, bool fetch,
		      struct gb_err *err);

/* KVM only when it really works: the CPU flag (vmx/svm), the kvm_intel/kvm_amd module,
 * /dev/kvm, and a probe boot that reaches /init within timeout_s. Else TCG (QEMU emulates
 * every instruction). why says which test decided. */
enum gb_vm_accel gb_vm_accel_choose(const struct gb_vm_kernel *k, const char *rootfs,
				    const char *work_dir, int timeout_s, char *why, size_t len);

#endif
