/* The guest's kernel and the choice of accelerator. The kernel is Debian's cloud flavour
 * (virtio and cgroups built in, small), taken from its package with `apt-get download` and
 * `dpkg-deb -x` into a cache: extracted, never installed, so the host's /boot is untouched.
 * KVM lets the guest run on the CPU itself (VT-x/AMD-V); without it QEMU's TCG translates
 * every guest instruction, which is correct but many times slower. Lab 19. */
#include "vm/vm_kernel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"
#include "vm/vm_initramfs.h"

/* Run argv in cwd with stdin /dev/null; its stdout+stderr (first bytes) land in out. */
static int run_tool(char *const argv[], const char *cwd, char *out, size_t len)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0 ||
		    (cwd && chdir(cwd) < 0))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t k;
	char sink[4096];
	while ((k = read(p[0], n + 1 < len ? out + n : sink,
			 n + 1 < len ? len - n - 1 : sizeof sink)) > 0 ||
	       (k < 0 && errno == EINTR))
		if (k > 0 && n + 1 < len)
			n += (size_t)k;
	out[n < len ? n : len - 1] = '\0';
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The newest boot/vmlinuz-RELEASE under dir. */
static int find_in(struct gb_vm_kernel *k, const char *dir)
{
	char boot[GB_VM_PATH];
	gb_path(boot, sizeof boot, "%s/boot", dir);
	DIR *d = opendir(boot);
	if (!d)
		return -ENOENT;
	char best[128] = "";
	struct dirent *e;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "vmlinuz-", 8) && strcmp(e->d_name + 8, best) > 0)
			snprintf(best, sizeof best, "%s", e->d_name + 8);
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(k->release, sizeof k->release, "%s", best);
	gb_path(k->vmlinuz, sizeof k->vmlinuz, "%s/vmlinuz-%s", boot, best);
	gb_path(k->modules, sizeof k->modules, "%s/lib/modules/%s", dir, best);
	if (access(k->modules, R_OK) < 0)
		k->modules[0] = '\0';
	return 0;
}

/* linux-image-cloud-amd64 is a meta package: its Depends names the current kernel. */
static int current_package(char *pkg, size_t len, struct gb_err *err)
{
	char out[4096];
	char *argv[] = { "apt-cache", "depends", "linux-image-cloud-amd64", NULL };
	int r = run_tool(argv, NULL, out, sizeof out);
	char *p = r == 0 ? strstr(out, "Depends: linux-image-") : NULL;
	if (!p)
		return gb_err_set(err, ENOENT, "",
				  "apt-cache knows no linux-image-cloud-amd64 (%s)",
				  r == 127 ? "apt-cache not found" : "not in the package lists"),
		       gb_err_hint(err, "on Debian/Ubuntu run apt-get update, or point "
					"GLASSBOX_VM_KERNEL at a vmlinuz file"),
		       -ENOENT;
	p += strlen("Depends: ");
	size_t n = strcspn(p, " \n");
	snprintf(pkg, len, "%.*s", (int)n, p);
	return 0;
}

static int fetch(const char *cache, struct gb_err *err)
{
	char pkg[128], tmp[GB_VM_PATH + 16], out[4096];
	int r = current_package(pkg, sizeof pkg, err);
	if (r < 0)
		return r;
	gb_path(tmp, sizeof tmp, "%s.tmp-%d", cache, (int)getpid());
	gb_rm_rf(tmp);
	if (gb_mkdir_p(tmp, 0755) < 0)
		return gb_err_set(err, errno, "mkdir", "cannot make %s", tmp);
	char *dl[] = { "apt-get", "download", "-q", pkg, NULL };
	if ((r = run_tool(dl, tmp, out, sizeof out)) != 0) {
		gb_rm_rf(tmp);
		return gb_err_set(err, EIO, "", "apt-get download %s failed (exit %d): %.200s", pkg,
				  r, out);
	}
	char deb[GB_VM_PATH * 2];
	DIR *d = opendir(tmp);
	struct dirent *e;
	deb[0] = '\0';
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".deb"))
			gb_path(deb, sizeof deb, "%s/%s", tmp, e->d_name);
	if (d)
		closedir(d);
	char *x[] = { "dpkg-deb", "-x", deb, tmp, NULL };
	if (!deb[0] || (r = run_tool(x, NULL, out, sizeof out)) != 0) {
		gb_rm_rf(tmp);
		return gb_err_set(err, EIO, "", "dpkg-deb -x %s failed: %.200s", pkg, out);
	}
	unlink(deb);
	gb_mkdir_p(cache, 0755);
	rmdir(cache); /* only if empty: rename() then puts the whole tree in place at once */
	if (rename(tmp, cache) < 0) {
		int why = errno;
		gb_rm_rf(tmp);
		/* another glassbox fetched it meanwhile: use theirs */
		if (why != ENOTEMPTY && why != EEXIST)
			return gb_err_set(err, why, "rename", "cannot move the kernel to %s",
					  cache);
	}
	return 0;
}

void gb_vm_cache_dir(const char *data_root, char *buf, size_t len)
{
	const char *env = getenv("GLASSBOX_VM_CACHE");
	if (env && env[0])
		snprintf(buf, len, "%s", env);
	else
		snprintf(buf, len, "%s/vm/kernel", data_root);
}

int gb_vm_kernel_find(struct gb_vm_kernel *k, const char *cache_dir, bool fetch_it,
		      struct gb_err *err)
{
	memset(k, 0, sizeof *k);
	const char *env = getenv("GLASSBOX_VM_KERNEL");
	if (env && env[0]) {
		if (access(env, R_OK) < 0)
			return gb_err_set(err, errno, "access", "GLASSBOX_VM_KERNEL=%s", env);
		snprintf(k->vmlinuz, sizeof k->vmlinuz, "%s", env);
		const char *b = strrchr(env, '/');
		b = b ? b + 1 : env;
		snprintf(k->release, sizeof k->release, "%s",
			 strncmp(b, "vmlinuz-", 8) ? b : b + 8);
		return 0;
	}
	if (find_in(k, cache_dir) == 0)
		return 0;
	if (!fetch_it)
		return gb_err_set(err, ENOENT, "", "no guest kernel in %s", cache_dir),
		       gb_err_hint(err, "glassbox vm kernel fetches Debian's cloud kernel"),
		       -ENOENT;
	int r = fetch(cache_dir, err);
	if (r < 0)
		return r;
	if (find_in(k, cache_dir) < 0)
		return gb_err_set(err, ENOENT, "", "the package held no boot/vmlinuz-* (%s)",
				  cache_dir);
	return 0;
}

static bool cpu_has_virt(void)
{
	gb_autofree char *info = NULL;
	if (gb_read_file("/proc/cpuinfo", &info, NULL) < 0)
		return false;
	char *flags = strstr(info, "\nflags");
	if (!flags)
		return false;
	char *end = strchr(flags + 1, '\n');
	if (end)
		*end = '\0';
	return strstr(flags, " vmx") || strstr(flags, " svm");
}

/* A probe boot under KVM: some /dev/kvm (nested or paravirtual ones) accept the ioctls yet
 * cannot boot an ordinary kernel, so only a guest that reaches /init counts. */
static bool kvm_boots(const struct gb_vm_kernel *k, const char *rootfs, const char *work,
		      int timeout_s)
{
	char initrd[GB_VM_PATH + 16];
	gb_path(initrd, sizeof initrd, "%s/probe.cpio", work);
	if (gb_mkdir_p(work, 0755) < 0 ||
	    gb_vm_initramfs(initrd, rootfs, NULL, 0, "true\n", NULL) < 0)
		return false;
	struct gb_vm vm;
	struct gb_vm_opts o = {
		.kernel = k->vmlinuz, .initrd = initrd, .accel = GB_VM_KVM, .mem_mb = 128, .cpus = 1
	};
	struct gb_events none;
	gb_events_init(&none);
	bool ok = gb_vm_start(&vm, &o, &none, NULL) == 0 && gb_vm_wait(&vm, timeout_s, NULL) == 0 &&
		  vm.guest_status == 0;
	gb_vm_stop(&vm);
	unlink(initrd);
	return ok;
}

enum gb_vm_accel gb_vm_accel_choose(const struct gb_vm_kernel *k, const char *rootfs,
				    const char *work_dir, int timeout_s, char *why, size_t len)
{
	const char *env = getenv("GLASSBOX_VM_ACCEL");
	if (env && !strcmp(env, "tcg"))
		return snprintf(why, len, "GLASSBOX_VM_ACCEL=tcg"), GB_VM_TCG;
	if (!cpu_has_virt())
		return snprintf(why, len,
				"no vmx/svm flag in /proc/cpuinfo: QEMU emulates the CPU (TCG)"),
		       GB_VM_TCG;
	if (access("/sys/module/kvm_intel", F_OK) < 0 && access("/sys/module/kvm_amd", F_OK) < 0)
		return snprintf(why, len,
				"kvm_intel/kvm_amd not loaded: QEMU emulates the CPU (TCG)"),
		       GB_VM_TCG;
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return snprintf(why, len, "/dev/kvm: %s: QEMU emulates the CPU (TCG)",
				strerror(errno)),
		       GB_VM_TCG;
	close(fd);
	if (!kvm_boots(k, rootfs, work_dir, timeout_s))
		return snprintf(why, len,
				"a probe boot under KVM did not reach /init in %d s: QEMU "
				"emulates the CPU (TCG)",
				timeout_s),
		       GB_VM_TCG;
	return snprintf(why, len, "KVM: the guest runs on the CPU (probe boot passed)"), GB_VM_KVM;
}
