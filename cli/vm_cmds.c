/* glassbox vm (kernel | accel | run) and the shared VM setup of glassbox compare. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "base/util.h"
#include "vm/vm.h"
#include "vm/vm_initramfs.h"
#include "vm_cli.h"

void vm_cli_cache_dir(const struct gb_runtime *rt, char *buf, size_t len)
{
	gb_vm_cache_dir(rt->data_root, buf, len);
}

void vm_cli_rootfs(const struct gb_runtime *rt, char *buf, size_t len)
{
	snprintf(buf, len, "%s/images/busybox/rootfs", rt->share_dir);
}

int vm_cli_kernel(const struct gb_runtime *rt, struct gb_vm_kernel *k, struct gb_err *err)
{
	char cache[GB_VM_PATH];
	vm_cli_cache_dir(rt, cache, sizeof cache);
	return gb_vm_kernel_find(k, cache, true, err);
}

enum gb_vm_accel vm_cli_accel(const struct gb_runtime *rt, const struct gb_vm_kernel *k, char *why,
			      size_t len)
{
	char rootfs[GB_VM_PATH], work[GB_VM_PATH];
	vm_cli_rootfs(rt, rootfs, sizeof rootfs);
	gb_path(work, sizeof work, "%s/vm/probe-%d", rt->data_root, (int)getpid());
	enum gb_vm_accel a = gb_vm_accel_choose(k, rootfs, work, 20, why, len);
	rmdir(work);
	return a;
}

static void print_line(void *data, double t, const char *line)
{
	printf("%s\n", line);
}

/* The guest modules glassbox needs (overlay for the writable layer, veth and bridge for
 * networks): the cloud kernel builds them as modules, loaded in dependency order. */
static const char *const guest_modules[] = {
	"kernel/fs/overlayfs/overlay.ko", "kernel/drivers/net/veth.ko",	 "kernel/net/llc/llc.ko",
	"kernel/net/802/stp.ko",	  "kernel/net/bridge/bridge.ko",
};

struct vm_run {
	struct gb_vm_add adds[64 + GB_ARRAY_LEN(guest_modules) + 1];
	char mod_host[GB_ARRAY_LEN(guest_modules)][GB_VM_PATH * 2];
	char mod_guest[GB_ARRAY_LEN(guest_modules)][64];
	char order_path[GB_VM_PATH];
	size_t n;
	const char *cgroup;
	bool tmpfs_root, modules, echo;
	int mem_mb, cpus, timeout;
	const char *events;
};

static int add_modules(struct vm_run *v, const struct gb_vm_kernel *k, const char *work,
		       struct gb_err *err)
{
	if (!k->modules[0])
		return gb_err_set(err, ENOENT, "", "no lib/modules beside %s", k->vmlinuz);
	char order[1024] = "";
	for (size_t i = 0; i < GB_ARRAY_LEN(guest_modules); i++) {
		const char *base = strrchr(guest_modules[i], '/') + 1;
		gb_path(v->mod_host[i], sizeof v->mod_host[i], "%s/%s", k->modules,
			guest_modules[i]);
		gb_path(v->mod_guest[i], sizeof v->mod_guest[i], "/gb/modules/%s", base);
		v->adds[v->n++] = (struct gb_vm_add){ v->mod_host[i], v->mod_guest[i] };
		strncat(order, base, sizeof order - strlen(order) - 2);
		strcat(order, "\n");
	}
	gb_path(v->order_path, sizeof v->order_path, "%s/order", work);
	if (gb_write_replace(v->order_path, order, strlen(order), 0644) < 0)
		return gb_err_set(err, errno, "write", "cannot write %s", v->order_path);
	v->adds[v->n++] = (struct gb_vm_add){ v->order_path, "/gb/modules/order" };
	return 0;
}

static int vm_usage(void)
{
	printf("usage: glassbox vm kernel       find (or fetch) the guest kernel, print its path\n"
	       "       glassbox vm accel        KVM or TCG here, and why\n"
	       "       glassbox vm run [--cgroup v1|v2] [--tmpfs-root] [--modules] [--mem MB]\n"
	       "                       [--cpus N] [--add HOST:GUEST]... [--timeout S] [--echo]\n"
	       "                       [--events FILE] COMMAND...\n"
	       "  boots a QEMU guest (Debian's cloud kernel, the busybox image as initramfs),\n"
	       "  runs COMMAND with sh inside, prints its output and exits with its status.\n");
	return 2;
}

static int parse_run(struct vm_run *v, int argc, char **argv, int *cmd_at)
{
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--tmpfs-root"))
			v->tmpfs_root = true;
		else if (!strcmp(a, "--modules"))
			v->modules = true;
		else if (!strcmp(a, "--echo"))
			v->echo = true;
		else if (!strcmp(a, "--cgroup") && val &&
			 (!strcmp(val, "v1") || !strcmp(val, "v2")))
			v->cgroup = argv[++i];
		else if (!strcmp(a, "--mem") && val && atoi(val) >= 128)
			v->mem_mb = atoi(argv[++i]);
		else if (!strcmp(a, "--cpus") && val && atoi(val) >= 1)
			v->cpus = atoi(argv[++i]);
		else if (!strcmp(a, "--timeout") && val && atoi(val) >= 1)
			v->timeout = atoi(argv[++i]);
		else if (!strcmp(a, "--events") && val)
			v->events = argv[++i];
		else if (!strcmp(a, "--add") && val && strchr(val, ':') && v->n < 64) {
			char *c = strchr(argv[++i], ':');
			*c = '\0';
			v->adds[v->n++] = (struct gb_vm_add){ argv[i], c + 1 };
		} else {
			fprintf(stderr,
				"glassbox: vm run: bad option %s%s%s (--cgroup v1|v2, --mem MB "
				">= 128, --add HOST:GUEST)\n",
				a, val ? " " : "", val ? val : "");
			return -1;
		}
	}
	*cmd_at = i;
	return i < argc ? 0 : -1;
}

static int boot_and_run(struct gb_runtime *rt, struct vm_run *v, const char *command,
			const char *work, struct gb_err *err)
{
	struct gb_vm_kernel k;
	int r = vm_cli_kernel(rt, &k, err);
	if (r < 0)
		return r;
	char why[256], rootfs[GB_VM_PATH], initrd[GB_VM_PATH + 16];
	enum gb_vm_accel accel = vm_cli_accel(rt, &k, why, sizeof why);
	fprintf(stderr, "vm: kernel %s, %s (%s)\n", k.release, gb_vm_accel_name(accel), why);
	if (v->modules && (r = add_modules(v, &k, work, err)) < 0)
		return r;
	vm_cli_rootfs(rt, rootfs, sizeof rootfs);
	gb_path(initrd, sizeof initrd, "%s/initrd.cpio", work);
	if ((r = gb_vm_initramfs(initrd, rootfs, v->adds, v->n, command, err)) < 0)
		return r;
	struct gb_vm vm;
	struct gb_vm_opts o = { .kernel = k.vmlinuz,
				.initrd = initrd,
				.accel = accel,
				.mem_mb = v->mem_mb,
				.cpus = v->cpus,
				.cgroup = v->cgroup,
				.tmpfs_root = v->tmpfs_root,
				.modules = v->modules ? "/gb/modules" : NULL,
				.echo = v->echo,
				.line_fn = print_line };
	if ((r = gb_vm_start(&vm, &o, &rt->events, err)) < 0)
		return r;
	r = gb_vm_wait(&vm, v->timeout, err);
	gb_vm_stop(&vm);
	if (r == 0)
		fprintf(stderr,
			"vm: %s: exit %d after %.2f s (kernel %.2f s, init %.2f s); qemu peak RSS "
			"%lld MB\n",
			gb_vm_accel_name(accel), vm.guest_status, vm.t_exit,
			vm.t_stage[GB_VM_KERNEL], vm.t_stage[GB_VM_INIT], vm.rss_peak >> 20);
	return r < 0 ? r : vm.guest_status;
}

static int cmd_vm_run(struct gb_runtime *rt, int argc, char **argv)
{
	struct vm_run v = { .mem_mb = 256, .cpus = 1, .timeout = 300 };
	int at;
	if (parse_run(&v, argc, argv, &at) < 0)
		return vm_usage();
	struct gb_err err = { 0 };
	if (v.events && gb_events_open(&rt->events, v.events, &err) < 0)
		return cli_error(&err), 1;
	char command[8192];
	/* one argument is a script for sh, several are one command line */
	if (argc - at == 1)
		snprintf(command, sizeof command, "%s", argv[at]);
	else
		gb_strv_join(argv + at, command, sizeof command);
	strncat(command, "\n", sizeof command - strlen(command) - 1);
	char work[GB_VM_PATH];
	gb_path(work, sizeof work, "%s/vm/run-%d", rt->data_root, (int)getpid());
	if (gb_mkdir_p(work, 0700) < 0) {
		gb_err_set(&err, errno, "mkdir", "cannot make %s", work);
		return cli_error(&err), 1;
	}
	int r = boot_and_run(rt, &v, command, work, &err);
	gb_rm_rf(work);
	if (r < 0)
		return cli_error(&err), 1;
	return r;
}

int cmd_vm(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc < 1)
		return vm_usage();
	struct gb_err err = { 0 };
	struct gb_vm_kernel k;
	if (!strcmp(argv[0], "run"))
		return cmd_vm_run(rt, argc - 1, argv + 1);
	if (strcmp(argv[0], "kernel") && strcmp(argv[0], "accel"))
		return vm_usage();
	if (vm_cli_kernel(rt, &k, &err) < 0)
		return cli_error(&err), 1;
	if (!strcmp(argv[0], "kernel")) {
		printf("%s\t%s\n", k.vmlinuz, k.release);
		return 0;
	}
	char why[256];
	enum gb_vm_accel a = vm_cli_accel(rt, &k, why, sizeof why);
	printf("%s\t%s\n", gb_vm_accel_name(a), why);
	return 0;
}
