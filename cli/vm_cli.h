/* The VM as the command line sets it up (cli/vm_cmds.c), shared by glassbox compare. */
#ifndef GB_VM_CLI_H
#define GB_VM_CLI_H

#include "state/state.h"
#include "vm/vm.h"
#include "vm/vm_kernel.h"

/* Where the extracted guest kernel is kept: $GLASSBOX_VM_CACHE, else DATA_ROOT/vm/kernel. */
void vm_cli_cache_dir(const struct gb_runtime *rt, char *buf, size_t len);
/* The busybox image that becomes the guest's initramfs. */
void vm_cli_rootfs(const struct gb_runtime *rt, char *buf, size_t len);
int vm_cli_kernel(const struct gb_runtime *rt, struct gb_vm_kernel *k, struct gb_err *err);
enum gb_vm_accel vm_cli_accel(const struct gb_runtime *rt, const struct gb_vm_kernel *k, char *why,
			      size_t len);

#endif
