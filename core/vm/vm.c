/* Booting the VM and watching it from the host: qemu is one host process; the guest
 * speaks only through its emulated serial port (ttyS0), which we read from a pipe, never
 * from the terminal (stdin is /dev/null, so QEMU takes nothing over). Its milestones become
 * vm.step events, qemu's memory vm.sample events (docs/events.md). qemu-system(1). Lab 19. */
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

#define SAMPLE_EVERY 0.25 /* seconds between vm.sample events */

static const struct {
	const char *name, *explain;
} stages[GB_VM_NSTAGES] = {
	{ "firmware", "QEMU builds a machine (CPU, RAM, a serial port) and its firmware loads the "
		      "guest's kernel: nothing of the guest runs yet." },
	{ "kernel", "A second kernel, the guest's own, boots: it probes the emulated hardware and "
		    "sets up memory, scheduler and drivers, as on a real machine." },
	{ "init",
	  "The guest's PID 1 (/init) mounts /proc, /sys and the cgroups of its own kernel." },
	{ "first output", "The command runs inside the guest and its first line comes out of the "
			  "emulated serial port." },
};

const char *gb_vm_accel_name(enum gb_vm_accel a)
{
	return a == GB_VM_KVM ? "kvm" : "tcg";
}

const char *gb_vm_stage_name(enum gb_vm_stage s)
{
	return s < GB_VM_NSTAGES ? stages[s].name : "exit";
}

static double since(const struct gb_vm *vm)
{
	return gb_monotonic() - vm->t0;
}

static void emit_begin(struct gb_vm *vm, int s)
{
	struct gb_json j;
	gb_event_begin(vm->ev, &j, "vm.step.begin");
	gb_json_str(&j, "step", stages[s].name);
	gb_json_int(&j, "index", s + 1);
	gb_json_int(&j, "total", GB_VM_NSTAGES);
	gb_json_str(&j, "accel", gb_vm_accel_name(vm->accel));
	gb_json_str(&j, "explain", stages[s].explain);
	gb_event_emit(vm->ev, &j);
}

/* The running stage ends now; the next one begins. */
static void end_stage(struct gb_vm *vm)
{
	int s = vm->stage;
	if (s >= GB_VM_NSTAGES)
		return;
	vm->t_stage[s] = since(vm);
	struct gb_json j;
	gb_event_begin(vm->ev, &j, "vm.step.end");
	gb_json_str(&j, "step", stages[s].name);
	gb_json_int(&j, "index", s + 1);
	gb_json_bool(&j, "ok", true);
	gb_json_double(&j, "at", vm->t_stage[s], 6);
	gb_json_double(&j, "seconds", vm->t_stage[s] - (s ? vm->t_stage[s - 1] : 0), 6);
	gb_event_emit(vm->ev, &j);
	vm->stage = s + 1;
	if (vm->stage < GB_VM_NSTAGES)
		emit_begin(vm, vm->stage);
}

int gb_vm_read_mem(pid_t pid, long long *rss, long long *hwm, long long *pss)
{
	char path[64], line[256];
	*rss = *hwm = *pss = -1;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	long long kb;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "VmRSS: %lld", &kb) == 1)
			*rss = kb * 1024;
		else if (sscanf(line, "VmHWM: %lld", &kb) == 1)
			*hwm = kb * 1024;
	}
	fclose(f);
	/* Pss: shared pages divided among the processes that map them (smaps_rollup, 4.14). */
	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	if ((f = fopen(path, "re"))) {
		while (fgets(line, sizeof line, f))
			if (sscanf(line, "Pss: %lld", &kb) == 1)
				*pss = kb * 1024;
		fclose(f);
	}
	return 0;
}

static int read_threads(pid_t pid)
{
	char path[64], line[128];
	int n = 0;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

static void sample(struct gb_vm *vm, bool force)
{
	long long rss, hwm, pss;
	if (vm->pid <= 0 || gb_vm_read_mem(vm->pid, &rss, &hwm, &pss) < 0 || rss < 0)
		return; /* gone, or a zombie: no memory left to measure */
	vm->rss = rss;
	vm->pss = pss;
	if (hwm > vm->rss_peak)
		vm->rss_peak = hwm;
	if (pss > vm->pss_peak)
		vm->pss_peak = pss;
	int threads = read_threads(vm->pid);
	if (threads > vm->threads) /* the most seen: an exiting qemu is down to one */
		vm->threads = threads;
	double now = since(vm);
	if (!force && now - vm->t_sample < SAMPLE_EVERY)
		return;
	vm->t_sample = now;
	struct gb_json j;
	gb_event_begin(vm->ev, &j, "vm.sample");
	gb_json_int(&j, "pid", vm->pid);
	gb_json_str(&j, "accel", gb_vm_accel_name(vm->accel));
	gb_json_str(&j, "stage", gb_vm_stage_name(vm->stage));
	gb_json_int(&j, "rss", rss);
	gb_json_int(&j, "pss", pss);
	gb_json_int(&j, "rss_peak", vm->rss_peak);
	gb_json_int(&j, "threads", vm->threads);
	gb_json_int(&j, "guest_memtotal", vm->guest_memtotal);
	gb_event_emit(vm->ev, &j);
}

static void output(struct gb_vm *vm, const char *line)
{
	if (vm->opts.line_fn)
		vm->opts.line_fn(vm->opts.line_data, since(vm), line);
}

/* One line of the serial port: a marker from /init, the kernel's words, or the command's. */
static void on_line(struct gb_vm *vm, char *line)
{
	char *m = strstr(line, "@gb:");
	long long v;
	if (!strncmp(line, "qemu-system", 11))
		snprintf(vm->qemu_error, sizeof vm->qemu_error, "%s", line);
	if (vm->opts.echo)
		output(vm, line);
	if (m && !strcmp(m, "@gb:init") && vm->stage == GB_VM_KERNEL)
		end_stage(vm);
	else if (m && sscanf(m, "@gb:memtotal %lld", &v) == 1)
		vm->guest_memtotal = v * 1024;
	else if (m && !strcmp(m, "@gb:run") && vm->stage == GB_VM_INIT)
		end_stage(vm);
	else if (m && sscanf(m, "@gb:exit %lld", &v) == 1) {
		if (vm->stage == GB_VM_FIRST_OUTPUT)
			end_stage(vm); /* no output at all: the exit is the first sign */
		vm->guest_status = (int)v;
		vm->t_exit = since(vm);
	} else if (vm->stage >= GB_VM_FIRST_OUTPUT && vm->guest_status < 0) {
		if (vm->stage == GB_VM_FIRST_OUTPUT)
			end_stage(vm);
		if (!vm->opts.echo)
			output(vm, line);
	}
}

static void on_bytes(struct gb_vm *vm, const char *buf, size_t n)
{
	if (vm->stage == GB_VM_FIRMWARE && n > 0)
		end_stage(vm); /* the guest's first byte: its kernel is running */
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (c == '\r')
			continue;
		if (c != '\n' && vm->line_len + 1 < sizeof vm->line) {
			vm->line[vm->line_len++] = c;
			continue;
		}
		vm->line[vm->line_len] = '\0';
		on_line(vm, vm->line);
		vm->line_len = 0;
	}
}

static void build_append(char *buf, size_t len, const struct gb_vm_opts *o)
{
	/* Under TCG the guest cannot calibrate its TSC against a real clock in time: tell
	 * it the host's rate. earlyprintk: the kernel's first words come out at once, which
	 * is how the host sees the firmware end. */
	long khz = 0;
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "re");
	while (f && fgets(line, sizeof line, f) && !khz) {
		double mhz;
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			khz = (long)(mhz * 1000);
	}
	if (f)
		fclose(f);
	int n = snprintf(buf, len,
			 "console=ttyS0 earlyprintk=ttyS0 loglevel=5 edd=off panic=-1 "
			 "reboot=t");
	if (khz > 0)
		n += snprintf(buf + n, len - (size_t)n, " tsc_early_khz=%ld", khz);
	if (o->cgroup && !strcmp(o->cgroup, "v2"))
		n += snprintf(buf + n, len - (size_t)n,
			      " gb.cg=v2 systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all");
	else if (o->cgroup && !strcmp(o->cgroup, "v1"))
		n += snprintf(buf + n, len - (size_t)n,
			      " gb.cg=v1 systemd.unified_cgroup_hierarchy=0");
	if (o->tmpfs_root)
		n += snprintf(buf + n, len - (size_t)n, " gb.tmpfs=1");
	if (o->modules)
		snprintf(buf + n, len - (size_t)n, " gb.mods=%s", o->modules);
}

static void exec_qemu(const struct gb_vm_opts *o, int out)
{
	char mem[16], cpus[16], append[1024];
	snprintf(mem, sizeof mem, "%d", o->mem_mb > 0 ? o->mem_mb : 128);
	snprintf(cpus, sizeof cpus, "%d", o->cpus > 0 ? o->cpus : 1);
	build_append(append, sizeof append, o);
	bool kvm = o->accel == GB_VM_KVM;
	/* microvm: no PCI, no BIOS tables to walk, the kernel loaded directly. -nodefaults:
	 * no network card, no disk, no monitor; the only device is the serial port. */
	char *argv[] = { "qemu-system-x86_64",
			 "-M",
			 "microvm",
			 "-accel",
			 kvm ? "kvm" : "tcg",
			 "-cpu",
			 kvm ? "host" : "max",
			 "-m",
			 mem,
			 "-smp",
			 cpus,
			 "-kernel",
			 (char *)o->kernel,
			 "-initrd",
			 (char *)o->initrd,
			 "-append",
			 append,
			 "-nodefaults",
			 "-no-user-config",
			 "-display",
			 "none",
			 "-serial",
			 "stdio",
			 "-no-reboot",
			 NULL };
	int null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* no VM outlives the process that watches it */
	gb_signals_default();
	execvp(argv[0], argv);
	dprintf(2, "qemu-system-x86_64: cannot run it: %s\n", strerror(errno));
	_exit(127);
}

static void emit_start(struct gb_vm *vm, const struct gb_vm_opts *o)
{
	struct gb_json j;
	gb_event_begin(vm->ev, &j, "vm.start");
	gb_json_int(&j, "pid", vm->pid);
	gb_json_str(&j, "accel", gb_vm_accel_name(o->accel));
	gb_json_str(&j, "kernel", o->kernel);
	gb_json_int(&j, "mem_mb", o->mem_mb > 0 ? o->mem_mb : 128);
	gb_json_int(&j, "cpus", o->cpus > 0 ? o->cpus : 1);
	if (o->cgroup)
		gb_json_str(&j, "cgroup", o->cgroup);
	gb_event_emit(vm->ev, &j);
}

int gb_vm_start(struct gb_vm *vm, const struct gb_vm_opts *o, struct gb_events *ev,
		struct gb_err *err)
{
	memset(vm, 0, sizeof *vm);
	vm->pid = -1;
	vm->serial_fd = -1;
	vm->guest_status = -1;
	vm->guest_memtotal = -1;
	vm->opts = *o;
	vm->accel = o->accel;
	vm->ev = ev;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot make the serial pipe");
	vm->t0 = gb_monotonic();
	vm->pid = fork();
	if (vm->pid < 0) {
		close(p[0]);
		close(p[1]);
		return gb_err_set(err, errno, "fork", "cannot start qemu");
	}
	if (vm->pid == 0)
		exec_qemu(o, p[1]);
	close(p[1]);
	vm->serial_fd = p[0];
	emit_start(vm, o);
	emit_begin(vm, GB_VM_FIRMWARE);
	return 0;
}

int gb_vm_poll(struct gb_vm *vm, int timeout_ms)
{
	if (vm->serial_fd < 0)
		return 0;
	struct pollfd p = { vm->serial_fd, POLLIN, 0 };
	int n = poll(&p, 1, timeout_ms < 100 ? timeout_ms : 100);
	sample(vm, false);
	if (n <= 0)
		return 1;
	char buf[4096];
	ssize_t k = read(vm->serial_fd, buf, sizeof buf);
	if (k > 0) {
		on_bytes(vm, buf, (size_t)k);
		return 1;
	}
	if (k < 0 && errno == EINTR)
		return 1;
	/* end of file: qemu closed the serial line, it is exiting */
	close(vm->serial_fd);
	vm->serial_fd = -1;
	sample(vm, true);
	gb_vm_stop(vm);
	return 0;
}

int gb_vm_wait(struct gb_vm *vm, int timeout_s, struct gb_err *err)
{
	double deadline = gb_monotonic() + timeout_s;
	while (gb_vm_poll(vm, 100) == 1)
		if (gb_monotonic() > deadline) {
			gb_vm_stop(vm);
			return gb_err_set(err, ETIMEDOUT, "",
					  "the VM did not finish in %d s (it "
					  "reached the %s stage)",
					  timeout_s, gb_vm_stage_name(vm->stage));
		}
	if (vm->guest_status < 0) {
		gb_err_set(err, EIO, "", "the VM stopped before its command finished%s%s",
			   vm->qemu_error[0] ? ": " : "", vm->qemu_error);
		if (strstr(vm->qemu_error, "cannot run it"))
			gb_err_hint(err, "install QEMU: apt-get install qemu-system-x86");
		return -EIO;
	}
	return 0;
}

void gb_vm_stop(struct gb_vm *vm)
{
	if (vm->pid > 0) {
		kill(vm->pid,
		     SIGKILL); /* harmless when it already exited: it is our unreaped child */
		int status;
		while (waitpid(vm->pid, &status, 0) < 0 && errno == EINTR)
			;
		struct gb_json j;
		gb_event_begin(vm->ev, &j, "vm.exit");
		gb_json_int(&j, "pid", vm->pid);
		gb_json_int(&j, "status", vm->guest_status);
		gb_json_double(&j, "seconds", vm->t_exit > 0 ? vm->t_exit : since(vm), 6);
		gb_json_int(&j, "rss_peak", vm->rss_peak);
		gb_json_int(&j, "pss_peak", vm->pss_peak);
		gb_json_int(&j, "guest_memtotal", vm->guest_memtotal);
		gb_event_emit(vm->ev, &j);
		vm->pid = -1;
	}
	if (vm->serial_fd >= 0) {
		close(vm->serial_fd);
		vm->serial_fd = -1;
	}
}
