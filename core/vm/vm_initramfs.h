/* The guest's root filesystem: an initramfs (cpio "newc") made from a host tree, with the
 * guest's /init and the command it runs. core/vm/vm_initramfs.c. Lab 19. */
#ifndef GB_VM_INITRAMFS_H
#define GB_VM_INITRAMFS_H

#include <stddef.h>

#include "base/error.h"

/* A host tree (or file) copied into the guest at guest (absolute path). */
struct gb_vm_add {
	const char *host;
	const char *guest;
};

/* Write an initramfs (cpio "newc", uncompressed) at out: rootfs, then every add, then the
 * guest's /init (gb_vm_init_script) and /gb/cmd holding command (run by sh). */
int gb_vm_initramfs(const char *out, const char *rootfs, const struct gb_vm_add *adds,
		    size_t n_adds, const char *command, struct gb_err *err);

#endif
