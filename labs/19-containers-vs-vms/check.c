/* Lab 19 check: containers vs VMs, measured on this machine. A container is host
 * processes in namespaces: it sees the host's kernel (same release, same boot id) and the
 * host sees its PID 1 (NSpid). A VM is one qemu process in which another kernel boots:
 * its own release and boot id, its processes invisible to the host, and it costs at least
 * ten times the time and memory. Negative control: the "VM" is a second container, which
 * must fail every one of the VM's findings. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cgroup_lab.h"
#include "base/util.h"
#include "vm/vm.h"
#include "vm/vm_initramfs.h"
#include "vm/vm_kernel.h"

/* What one side is, as observed. */
struct side {
	char kernel[128], boot_id[64];
	double start_s;	 /* to its command's first output */
	long long mem;	 /* bytes on the host: cgroup usage peak (else peak RSS), or qemu's */
	pid_t host_pid;	 /* a PID of it the host can see: its PID 1, or qemu */
	char nspid[64];	 /* NSpid of that process ("" when it has none) */
	int guest_procs; /* VM: processes the guest counts */
};

static void read_status_nspid(pid_t pid, char *buf, size_t len)
{
	char path[64], line[256];
	buf[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "NSpid:", 6)) {
			snprintf(buf, len, "%s", line + 6 + strspn(line + 6, " \t"));
			buf[strcspn(buf, "\n")] = '\0';
			for (char *t = buf; (t = strchr(t, '\t'));)
				*t = ' ';
		}
	if (f)
		fclose(f);
}

/* The peak RSS (VmHWM) of every host process in pid1's PID namespace, summed: how much of
 * the host's memory a container without a cgroup of its own (rootless, with no delegated
 * subtree) took, measured as qemu's is. 0 when it cannot be read. */
static long long pidns_peak_rss(pid_t pid1)
{
	char path[300];
	struct stat ns, st;
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid1);
	DIR *d = stat(path, &ns) == 0 ? opendir("/proc") : NULL;
	long long sum = 0, rss, hwm, pss;
	for (struct dirent *de; d && (de = readdir(d));) {
		pid_t pid = (pid_t)atoi(de->d_name);
		snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
		if (pid > 0 && stat(path, &st) == 0 && st.st_ino == ns.st_ino &&
		    st.st_dev == ns.st_dev && gb_vm_read_mem(pid, &rss, &hwm, &pss) == 0 && hwm > 0)
			sum += hwm;
	}
	if (d)
		closedir(d);
	return sum;
}

/* A container, seen through its own /proc: /proc/PID/root is its root, whose /proc is
 * the procfs it mounted, so these are the files its processes read. */
static void observe_container(const struct gb_state *st, struct side *s)
{
	char path[128];
	s->host_pid = st->pid;
	snprintf(path, sizeof path, "/proc/%d/root/proc/sys/kernel/osrelease", (int)st->pid);
	gb_read_line(path, s->kernel, sizeof s->kernel);
	snprintf(path, sizeof path, "/proc/%d/root/proc/sys/kernel/random/boot_id", (int)st->pid);
	gb_read_line(path, s->boot_id, sizeof s->boot_id);
	read_status_nspid(st->pid, s->nspid, sizeof s->nspid);
	struct gb_cg_stats cs;
	struct gb_cgroup cg;
	if (gb_cgroup_container_open(st, &cg, NULL) == 0 && gb_cgroup_stats(&cg, &cs, NULL) == 0)
		s->mem = cs.mem_max_usage > 0 ? cs.mem_max_usage : cs.mem_usage;
	if (s->mem <= 0) /* no cgroup to ask (rootless, nothing delegated): its processes' RSS */
		s->mem = pidns_peak_rss(st->pid);
}

/* A container running `sleep`, timed from the call to its command running. */
static int start_container(struct gb_check *c, struct gb_state *st, struct side *s, bool mine)
{
	char *const cmd[] = { "sleep", "60", NULL };
	double t0 = gb_monotonic();
	int r;
	if (mine)
		r = gb_check_container(c, NULL, cmd, true, st);
	else { /* the control's second container: ours to remove */
		struct gb_config cfg;
		gb_config_init(&cfg);
		snprintf(cfg.image, sizeof cfg.image, "busybox");
		cfg.cmd = gb_strv_dup(cmd);
		cfg.env = calloc(1, sizeof *cfg.env);
		char id[GB_ID_LEN + 1];
		int code;
		r = gb_container_run(c->rt, &cfg, false, &code, id, &c->err);
		gb_config_free(&cfg);
		if (r == 0)
			r = gb_state_find(c->rt, id, st, &c->err);
	}
	s->start_s = gb_monotonic() - t0;
	if (r == 0)
		observe_container(st, s);
	return r;
}

struct vm_seen {
	struct side *s;
	double t_first;
};

static void vm_line(void *data, double t, const char *line)
{
	struct vm_seen *v = data;
	if (v->t_first == 0)
		v->t_first = t;
	sscanf(line, "kernel=%127s", v->s->kernel);
	sscanf(line, "boot_id=%63s", v->s->boot_id);
	sscanf(line, "procs=%d", &v->s->guest_procs);
}

static bool have_qemu(void)
{
	char path[4096];
	const char *p = getenv("PATH");
	snprintf(path, sizeof path, "%s", p ? p : "/usr/bin:/bin");
	for (char *save, *d = strtok_r(path, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char exe[4200];
		snprintf(exe, sizeof exe, "%s/qemu-system-x86_64", d);
		if (access(exe, X_OK) == 0)
			return true;
	}
	return false;
}

/* SKIP, before any finding, when this host cannot boot the VM: no QEMU, or no kernel
 * (none cached and apt cannot fetch one). */
static bool vm_available(struct gb_check *c, struct gb_vm_kernel *k)
{
	char cache[GB_VM_PATH];
	if (!have_qemu()) {
		snprintf(c->skip, sizeof c->skip,
			 "QEMU is not installed (apt-get install qemu-system-x86)");
		return false;
	}
	gb_vm_cache_dir(c->rt->data_root, cache, sizeof cache);
	struct gb_err err = { 0 };
	if (gb_vm_kernel_find(k, cache, true, &err) < 0) {
		snprintf(c->skip, sizeof c->skip, "no guest kernel: %s", err.msg);
		return false;
	}
	return true;
}

static int boot_vm(struct gb_check *c, const struct gb_vm_kernel *kp, struct side *s)
{
	char cache[GB_VM_PATH], rootfs[GB_VM_PATH], initrd[GB_VM_PATH + 32];
	const struct gb_vm_kernel k = *kp;
	gb_path(rootfs, sizeof rootfs, "%s/images/busybox/rootfs", c->rt->share_dir);
	gb_path(initrd, sizeof initrd, "%s/vm/lab19-%d.cpio", c->rt->data_root, (int)getpid());
	gb_path(cache, sizeof cache, "%s/vm", c->rt->data_root); /* now: the work dir */
	gb_mkdir_p(cache, 0755);
	int r = gb_vm_initramfs(
		initrd, rootfs, NULL, 0,
		"echo kernel=$(uname -r); echo boot_id=$(cat /proc/sys/kernel/random/"
		"boot_id); echo procs=$(ls -d /proc/[0-9]* | wc -l)\n",
		&c->err);
	if (r < 0)
		return r;
	char why[256];
	struct vm_seen seen = { s, 0 };
	struct gb_vm_opts o = { .kernel = k.vmlinuz,
				.initrd = initrd,
				.mem_mb = 128,
				.cpus = 1,
				.accel = gb_vm_accel_choose(&k, rootfs, cache, 20, why, sizeof why),
				.line_fn = vm_line,
				.line_data = &seen };
	struct gb_vm vm;
	if ((r = gb_vm_start(&vm, &o, &c->rt->events, &c->err)) < 0) {
		unlink(initrd);
		return r;
	}
	s->host_pid = vm.pid;
	read_status_nspid(vm.pid, s->nspid, sizeof s->nspid);
	r = gb_vm_wait(&vm, 300, &c->err);
	gb_vm_stop(&vm);
	unlink(initrd);
	s->start_s = seen.t_first;
	s->mem = vm.rss_peak;
	if (r == 0)
		gb_check_pass(c,
			      "the VM (QEMU, %s) booted its own kernel and ran the command: first "
			      "output after %.2f s",
			      o.accel == GB_VM_KVM ? "KVM" : "TCG, the CPU emulated", s->start_s);
	return r;
}

static bool nspid_nested(const char *nspid)
{
	return strchr(nspid, ' ') || strchr(nspid, '\t'); /* "HOSTPID 1": two namespaces */
}

static void judge_container(struct gb_check *c, const struct side *s, const char *host_kernel,
			    const char *host_boot)
{
	if (!strcmp(s->kernel, host_kernel))
		gb_check_pass(c, "the container sees the host's kernel: uname -r %s", s->kernel);
	else
		gb_check_fail(c, "the container sees kernel %s, the host runs %s", s->kernel,
			      host_kernel);
	if (!strcmp(s->boot_id, host_boot))
		gb_check_pass(c, "its boot id is the host's (%.8s...): the same running kernel",
			      s->boot_id);
	else
		gb_check_fail(c, "its boot id %s is not the host's %s", s->boot_id, host_boot);
	if (nspid_nested(s->nspid))
		gb_check_pass(c, "the host sees its PID 1 as PID %d (NSpid %s)", (int)s->host_pid,
			      s->nspid);
	else
		gb_check_fail(c, "its PID 1 has no second PID (NSpid %s)", s->nspid);
}

/* The other side must be another machine: in the control it is a container, and fails. */
static void judge_vm(struct gb_check *c, const struct side *ct, const struct side *vm,
		     const char *host_kernel, const char *host_boot)
{
	bool own = strcmp(vm->kernel, host_kernel) != 0;
	gb_check_is(c, "own-kernel", own,
		    own ? "the VM runs its own kernel: uname -r %s (host: %s)"
			: "the \"VM\" runs the host's kernel %s: it is no VM%s",
		    vm->kernel, own ? host_kernel : "");
	if (vm->boot_id[0] && strcmp(vm->boot_id, host_boot))
		gb_check_pass(c, "the VM's boot id %.8s... is its own", vm->boot_id);
	else
		gb_check_fail(c, "the \"VM\" has the host's boot id: the same kernel booted once");
	if (!nspid_nested(vm->nspid))
		gb_check_pass(c,
			      "the host sees one qemu process (PID %d); none of the %d processes "
			      "inside the guest has a host PID",
			      (int)vm->host_pid, vm->guest_procs);
	else
		gb_check_fail(c, "the host sees the \"VM\"'s PID 1 as PID %d (NSpid %s)",
			      (int)vm->host_pid, vm->nspid);
	double tr = ct->start_s > 0 ? vm->start_s / ct->start_s : 0;
	if (ct->start_s < 0)
		; /* --container: it was started before the check, its start was not timed */
	else if (tr >= 10)
		gb_check_pass(c, "start: container %.0f ms, VM %.0f ms (%.0fx)", ct->start_s * 1000,
			      vm->start_s * 1000, tr);
	else
		gb_check_fail(c, "start: container %.0f ms, \"VM\" %.0f ms: not 10x slower",
			      ct->start_s * 1000, vm->start_s * 1000);
	double mr = ct->mem > 0 ? (double)vm->mem / (double)ct->mem : 0;
	if (mr >= 10)
		gb_check_pass(c, "memory on the host: container %.1f MB, VM %.0f MB (%.0fx)",
			      ct->mem / 1048576.0, vm->mem / 1048576.0, mr);
	else
		gb_check_fail(c, "memory: container %.1f MB, \"VM\" %.1f MB: not 10x more",
			      ct->mem / 1048576.0, vm->mem / 1048576.0);
}

static int check(struct gb_check *c)
{
	struct utsname u;
	char boot[64] = "";
	uname(&u);
	gb_read_line("/proc/sys/kernel/random/boot_id", boot, sizeof boot);
	struct gb_state st, st2;
	struct side ct = { 0 }, vm = { 0 };
	struct gb_vm_kernel k;
	if (!c->control && !vm_available(c, &k))
		return 0;
	int r = start_container(c, &st, &ct, true);
	if (r < 0)
		return r;
	if (c->container)
		ct.start_s = -1;
	judge_container(c, &ct, u.release, boot);
	/* And from inside, as its processes see it (a broken exec is an ERROR, never a pass). */
	char inside[128] = "";
	char *const un[] = { "uname", "-r", NULL };
	if (gb_check_exec_output(c, st.cfg.id, un, inside, sizeof inside) == 0) {
		inside[strcspn(inside, "\n")] = '\0';
		gb_check_is(c, "uname-inside", !strcmp(inside, u.release),
			    "inside, `uname -r` says %s; the host runs %s", inside, u.release);
	}
	gb_state_free(&st);
	if (c->control) { /* the "VM" is a second container */
		if ((r = start_container(c, &st2, &vm, false)) < 0)
			return r;
		struct gb_err ignored;
		gb_container_rm(c->rt, st2.cfg.id, true, &ignored);
		gb_state_free(&st2);
	} else if ((r = boot_vm(c, &k, &vm)) < 0)
		return r;
	judge_vm(c, &ct, &vm, u.release, boot);
	return 0;
}

const struct gb_lab gb_lab_19 = {
	.num = 19,
	.slug = "containers-vs-vms",
	.title = "Containers vs VMs, measured",
	.feature = "the container shares the host's kernel and PIDs; the VM boots its own, "
		   "in 10x the time and memory",
	.control = "the \"VM\" is a second container",
	.trips = "own-kernel",
	.check = check,
};
