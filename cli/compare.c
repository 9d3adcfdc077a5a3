/* glassbox compare: a container and a VM started at the same moment run the same command;
 * both are measured from the host and reported side by side (lab 19, the viz's vms scene).
 * The container is `glassbox run --rm` as a child process, read through its output and its
 * event stream; the VM is core/vm. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "engine/observe.h"
#include "base/json.h"
#include "base/util.h"
#include "vm/vm.h"
#include "vm/vm_initramfs.h"
#include "vm_cli.h"

/* What both sides print: the kernel they run on, what they see of the machine. */
static const char default_cmd[] =
	"echo kernel=$(uname -r); echo procs=$(ls -d /proc/[0-9]* | wc -l); "
	"echo uptime=$(cut -d' ' -f1 /proc/uptime); "
	"echo memtotal_kb=$(awk '/MemTotal/{print $2}' /proc/meminfo); "
	"echo boot_id=$(cat /proc/sys/kernel/random/boot_id)";

#define MAX_OUT 32

struct side {
	double t_first, t_exit;	 /* seconds after the common start; 0: not yet */
	long long mem_peak, pss; /* bytes on the host */
	char kernel[128], boot_id[64];
	long long procs, memtotal;
	double uptime;
	int exit_code;
	char out[MAX_OUT][1024]; /* the first lines it printed, each up to 1023 bytes */
	int n_out;
};

/* One of the container's processes as the host's ps lists it. */
struct host_proc {
	pid_t pid, inside; /* the host's PID; the PID in the container's namespace */
	char comm[16];
};
#define MAX_SEEN 8

struct compare {
	struct gb_runtime *rt;
	double t0;
	struct side c, v;
	pid_t run_pid, host_pid; /* glassbox run; the container's PID 1 on the host */
	pid_t qemu_pid;
	char nspid[64];
	struct host_proc seen[MAX_SEEN]; /* the most processes the host saw at once */
	int n_seen;
	bool seen_printing; /* seen[] is a look taken as the command printed */
	int out_fd, ev_fd;
	char obuf[4096], ebuf[65536];
	size_t olen, elen;
	struct gb_vm vm;
	enum gb_vm_accel accel;
	char accel_why[256], vm_kernel_release[128];
	const char *mem_source;
};

static void mark(struct compare *cp, const char *side, const char *what, double at)
{
	struct gb_json j;
	gb_event_begin(&cp->rt->events, &j, "compare.mark");
	gb_json_str(&j, "side", side);
	gb_json_str(&j, "what", what);
	gb_json_double(&j, "at", at, 6);
	if (!strcmp(what, "process.start")) { /* the container's PID 1, as the host sees it */
		gb_json_int(&j, "pid", cp->host_pid);
		gb_json_str(&j, "nspid", cp->nspid);
	}
	if (!strcmp(what, "exit")) { /* what this side reported, the moment it is done */
		const struct side *s = strcmp(side, "vm") ? &cp->c : &cp->v;
		gb_json_str(&j, "kernel", s->kernel);
		gb_json_int(&j, "procs", s->procs);
		gb_json_int(&j, "exit_code", s->exit_code);
		if (s == &cp->c) {
			struct utsname u;
			gb_json_str(&j, "host_kernel", uname(&u) == 0 ? u.release : "");
			if (cp->c.mem_peak > 0)
				gb_json_int(&j, "mem_peak", cp->c.mem_peak);
			gb_json_str(&j, "mem_source", cp->mem_source ? cp->mem_source : "");
		}
	}
	gb_event_emit(&cp->rt->events, &j);
}

/* pid and its descendants, as the host numbers them: /proc/PID/task/TID/children. */
static int walk_tree(pid_t pid, struct host_proc *out, int n, int max)
{
	if (n >= max)
		return n;
	int ns[4];
	char path[64], comm[16] = "";
	int k = gb_observe_nspid(pid, ns, 4);
	if (k < 1)
		return n; /* gone meanwhile */
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	FILE *f = fopen(path, "re");
	if (f && fgets(comm, sizeof comm, f))
		comm[strcspn(comm, "\n")] = '\0';
	if (f)
		fclose(f);
	out[n].pid = pid;
	out[n].inside = ns[k - 1];
	snprintf(out[n].comm, sizeof out[n].comm, "%s", comm);
	n++;
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if (!(f = fopen(path, "re")))
		return n;
	int child;
	while (n < max && fscanf(f, "%d", &child) == 1)
		n = walk_tree(child, out, n, max);
	fclose(f);
	return n;
}

/* While the container prints, the host looks at its processes: the fullest look taken as
 * a line arrives is kept (the latest of equals: a child seen between fork and exec is
 * still named after its parent). A look before the first line, which may catch the
 * command's setup half done, stands only until one taken while it prints finds something.
 * Lines that come before the host knows PID 1 are looked at when it learns it. */
static void look_from_host(struct compare *cp, bool printing)
{
	struct host_proc now[MAX_SEEN];
	int n = cp->host_pid > 0 ? walk_tree(cp->host_pid, now, 0, MAX_SEEN) : 0;
	if (n == 0 || (cp->seen_printing && !printing))
		return;
	if (n >= cp->n_seen || (printing && !cp->seen_printing)) {
		memcpy(cp->seen, now, sizeof now[0] * (size_t)n);
		cp->n_seen = n;
		cp->seen_printing = printing;
	}
}

static void side_line(struct compare *cp, struct side *s, const char *name, double t,
		      const char *line)
{
	if (s == &cp->c)
		look_from_host(cp, true);
	if (s->t_first == 0) {
		s->t_first = t > 0 ? t : 1e-6;
		mark(cp, name, "first_output", s->t_first);
	}
	if (s->n_out < MAX_OUT)
		snprintf(s->out[s->n_out++], sizeof s->out[0], "%s", line);
	sscanf(line, "kernel=%127s", s->kernel);
	sscanf(line, "boot_id=%63s", s->boot_id);
	sscanf(line, "procs=%lld", &s->procs);
	sscanf(line, "uptime=%lf", &s->uptime);
	if (sscanf(line, "memtotal_kb=%lld", &s->memtotal) == 1)
		s->memtotal *= 1024;
}

static void vm_line(void *data, double t, const char *line)
{
	struct compare *cp = data;
	side_line(cp, &cp->v, "vm", gb_monotonic() - cp->t0, line);
}

/* The container's own event stream: its host PID and its cgroup's memory peak. */
static void container_event(struct compare *cp, const char *line)
{
	char e[128];
	struct gb_jval *v = gb_json_parse(line, strlen(line), e, sizeof e);
	if (!v)
		return;
	const char *type = gb_jstr(v, "type", "");
	if (!strcmp(type, "process.start")) {
		cp->host_pid = (pid_t)gb_jint(v, "pid", 0);
		/* NSpid: the same process, numbered in each pid namespace, the host's first */
		const struct gb_jval *ns = gb_jget(v, "nspid");
		size_t n = 0;
		for (const struct gb_jval *x = ns ? ns->child : NULL; x; x = x->next)
			n += (size_t)snprintf(cp->nspid + n, sizeof cp->nspid - n, "%s%.0f",
					      n ? " " : "", x->num);
		mark(cp, "container", "process.start", gb_monotonic() - cp->t0);
		/* PID 1 at least, if the command is still running; a look taken as it prints
		 * when lines came first (they may: the event is written after the exec) */
		look_from_host(cp, cp->c.n_out > 0);
	} else if (!strcmp(type, "resource.sample")) {
		const struct gb_jval *m = gb_jget(v, "memory");
		long long peak = m ? gb_jint(m, "max_usage", -1) : -1;
		const char *layout = gb_jstr(v, "layout", "");
		cp->mem_source =
			!strcmp(layout, "v2") ? "memory.peak" : "memory.max_usage_in_bytes";
		if (peak > cp->c.mem_peak)
			cp->c.mem_peak = peak;
	}
	gb_jval_free(v);
}

/* Split what arrived into lines; each goes to fn. */
static void drain(struct compare *cp, int *fd, char *buf, size_t cap, size_t *len, bool events)
{
	ssize_t n = read(*fd, buf + *len, cap - *len - 1);
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	*len += (size_t)n;
	buf[*len] = '\0';
	char *start = buf, *nl;
	while ((nl = strchr(start, '\n'))) {
		*nl = '\0';
		if (events)
			container_event(cp, start);
		else
			side_line(cp, &cp->c, "container", gb_monotonic() - cp->t0, start);
		start = nl + 1;
	}
	*len -= (size_t)(start - buf);
	memmove(buf, start, *len);
	if (*len == cap - 1)
		*len = 0; /* a line longer than the buffer: drop it rather than stall */
}

static int start_container(struct compare *cp, const char *command, struct gb_err *err)
{
	int out[2], ev[2];
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(ev, O_CLOEXEC) < 0)
		return gb_err_set(err, errno, "pipe2", "cannot make pipes for the container");
	char name[64], evspec[32];
	snprintf(name, sizeof name, "compare-%d", (int)getpid());
	snprintf(evspec, sizeof evspec, "fd:%d", ev[1]);
	cp->run_pid = fork();
	if (cp->run_pid == 0) {
		dup2(out[1], 1);
		fcntl(ev[1], F_SETFD, 0); /* the event pipe survives exec */
		char *argv[] = { "glassbox",
				 "--root",
				 cp->rt->state_root,
				 "--data-root",
				 cp->rt->data_root,
				 "run",
				 "--rm",
				 "--name",
				 name,
				 "--events",
				 evspec,
				 "busybox",
				 "sh",
				 "-c",
				 (char *)command,
				 NULL };
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(out[1]);
	close(ev[1]);
	cp->out_fd = out[0];
	cp->ev_fd = ev[0];
	if (cp->run_pid < 0)
		return gb_err_set(err, errno, "fork", "cannot start the container");
	return 0;
}

static int start_vm(struct compare *cp, const char *command, const char *work, struct gb_err *err)
{
	struct gb_vm_kernel k;
	int r = vm_cli_kernel(cp->rt, &k, err);
	if (r < 0)
		return r;
	snprintf(cp->vm_kernel_release, sizeof cp->vm_kernel_release, "%s", k.release);
	cp->accel = vm_cli_accel(cp->rt, &k, cp->accel_why, sizeof cp->accel_why);
	char rootfs[GB_VM_PATH], initrd[GB_VM_PATH + 16], cmd[8192];
	vm_cli_rootfs(cp->rt, rootfs, sizeof rootfs);
	gb_path(initrd, sizeof initrd, "%s/initrd.cpio", work);
	snprintf(cmd, sizeof cmd, "%s\n", command);
	if ((r = gb_vm_initramfs(initrd, rootfs, NULL, 0, cmd, err)) < 0)
		return r;
	/* Start both now: everything slow (kernel, initramfs) is ready before t0. */
	cp->t0 = gb_monotonic();
	if ((r = start_container(cp, command, err)) < 0)
		return r;
	struct gb_vm_opts o = { .kernel = k.vmlinuz,
				.initrd = initrd,
				.accel = cp->accel,
				.mem_mb = 128,
				.cpus = 1,
				.line_fn = vm_line,
				.line_data = cp };
	r = gb_vm_start(&cp->vm, &o, &cp->rt->events, err);
	cp->qemu_pid = cp->vm.pid;
	return r;
}

static void reap_container(struct compare *cp)
{
	int status;
	if (cp->run_pid > 0 && waitpid(cp->run_pid, &status, WNOHANG) == cp->run_pid) {
		cp->c.t_exit = gb_monotonic() - cp->t0;
		cp->c.exit_code = gb_exit_code(status);
		cp->run_pid = -1;
		mark(cp, "container", "exit", cp->c.t_exit);
	}
}

static int race(struct compare *cp, int timeout_s, struct gb_err *err)
{
	double deadline = cp->t0 + timeout_s;
	while (cp->run_pid > 0 || cp->out_fd >= 0 || cp->vm.pid > 0) {
		if (gb_monotonic() > deadline)
			return gb_err_set(err, ETIMEDOUT, "", "compare: no result in %d s",
					  timeout_s);
		struct pollfd p[3] = { { cp->out_fd, POLLIN, 0 },
				       { cp->ev_fd, POLLIN, 0 },
				       { cp->vm.serial_fd, POLLIN, 0 } };
		poll(p, 3, 20);
		if (p[0].revents)
			drain(cp, &cp->out_fd, cp->obuf, sizeof cp->obuf, &cp->olen, false);
		if (p[1].revents)
			drain(cp, &cp->ev_fd, cp->ebuf, sizeof cp->ebuf, &cp->elen, true);
		if (cp->vm.pid > 0 && gb_vm_poll(&cp->vm, 0) == 0) {
			cp->v.t_exit = cp->vm.t_exit;
			mark(cp, "vm", "exit", cp->v.t_exit);
		}
		if (cp->out_fd < 0)
			reap_container(cp);
	}
	while (cp->ev_fd >= 0)
		drain(cp, &cp->ev_fd, cp->ebuf, sizeof cp->ebuf, &cp->elen, true);
	cp->v.mem_peak = cp->vm.rss_peak;
	cp->v.pss = cp->vm.pss_peak;
	cp->v.exit_code = cp->vm.guest_status;
	if (cp->vm.guest_status < 0)
		return gb_err_set(err, EIO, "", "the VM stopped before its command finished%s%s",
				  cp->vm.qemu_error[0] ? ": " : "", cp->vm.qemu_error);
	return 0;
}

static void side_json(struct gb_json *j, const char *key, const struct side *s)
{
	gb_json_obj_begin(j, key);
	gb_json_double(j, "first_output_ms", s->t_first * 1000, 1);
	gb_json_double(j, "exit_ms", s->t_exit * 1000, 1);
	gb_json_int(j, "mem_peak", s->mem_peak);
	gb_json_str(j, "kernel", s->kernel);
	gb_json_str(j, "boot_id", s->boot_id);
	gb_json_int(j, "procs", s->procs);
	gb_json_double(j, "uptime", s->uptime, 2);
	gb_json_int(j, "memtotal", s->memtotal);
	gb_json_int(j, "exit_code", s->exit_code);
	gb_json_arr_begin(j, "output");
	for (int i = 0; i < s->n_out; i++)
		gb_json_str(j, NULL, s->out[i]);
	gb_json_arr_end(j);
}

static void host_boot_id(char *buf, size_t len)
{
	if (gb_read_line("/proc/sys/kernel/random/boot_id", buf, len) < 0)
		buf[0] = '\0';
}

static void result_json(struct compare *cp, struct gb_json *j, const char *command)
{
	struct utsname u;
	uname(&u);
	char boot[64];
	host_boot_id(boot, sizeof boot);
	gb_json_str(j, "command", command);
	gb_json_str(j, "accel", gb_vm_accel_name(cp->accel));
	gb_json_str(j, "accel_why", cp->accel_why);
	gb_json_obj_begin(j, "host");
	gb_json_str(j, "kernel", u.release);
	gb_json_str(j, "boot_id", boot);
	gb_json_obj_end(j);
	side_json(j, "container", &cp->c);
	gb_json_str(j, "mem_source", cp->mem_source ? cp->mem_source : "");
	gb_json_int(j, "host_pid", cp->host_pid);
	gb_json_str(j, "nspid", cp->nspid);
	gb_json_arr_begin(j, "host_processes"); /* in the host's ps while it printed */
	for (int i = 0; i < cp->n_seen; i++) {
		gb_json_obj_begin(j, NULL);
		gb_json_int(j, "pid", cp->seen[i].pid);
		gb_json_int(j, "pid_inside", cp->seen[i].inside);
		gb_json_str(j, "comm", cp->seen[i].comm);
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
	gb_json_obj_end(j);
	side_json(j, "vm", &cp->v);
	gb_json_int(j, "pss_peak", cp->v.pss);
	gb_json_int(j, "qemu_pid", cp->qemu_pid);
	gb_json_int(j, "threads", cp->vm.threads);
	gb_json_str(j, "guest_kernel_package", cp->vm_kernel_release);
	gb_json_obj_begin(j, "stages");
	for (int s = 0; s < GB_VM_NSTAGES; s++)
		gb_json_double(j, gb_vm_stage_name(s), cp->vm.t_stage[s] * 1000, 1);
	gb_json_obj_end(j);
	gb_json_obj_end(j);
}

static void mb(char *buf, size_t len, long long bytes)
{
	if (bytes < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%.1f MB", (double)bytes / (1 << 20));
}

static void print_table(const struct compare *cp, const char *host_kernel, const char *boot)
{
	char cm[32], vm_[32], vp[32], row[160];
	mb(cm, sizeof cm, cp->c.mem_peak);
	mb(vm_, sizeof vm_, cp->v.mem_peak);
	mb(vp, sizeof vp, cp->v.pss);
	printf("%-20s %-34s %s\n", "", "container",
	       cp->accel == GB_VM_KVM ? "VM (QEMU, KVM)" : "VM (QEMU, TCG: CPU emulated)");
	printf("%-20s %-34.1f %.1f\n", "first output (ms)", cp->c.t_first * 1000,
	       cp->v.t_first * 1000);
	printf("%-20s %-34.1f %.1f\n", "exit (ms)", cp->c.t_exit * 1000, cp->v.t_exit * 1000);
	snprintf(row, sizeof row, "%s (%s)", cm, cp->mem_source ? cp->mem_source : "cgroup");
	printf("%-20s %-34s %s RSS, %s PSS (qemu)\n", "peak host memory", row, vm_, vp);
	snprintf(row, sizeof row, "%s (%s)", cp->c.kernel,
		 strcmp(cp->c.kernel, host_kernel) ? "not the host's" : "the host's");
	printf("%-20s %-34s %s (%s)\n", "kernel", row, cp->v.kernel,
	       strcmp(cp->v.kernel, host_kernel) ? "its own" : "the host's");
	printf("%-20s %-34s %s\n", "boot id",
	       strcmp(cp->c.boot_id, boot) ? "differs" : "the host's",
	       strcmp(cp->v.boot_id, boot) ? "its own" : "the host's");
	printf("%-20s %-34lld %lld\n", "processes it sees", cp->c.procs, cp->v.procs);
	snprintf(row, sizeof row, "PID %d (NSpid %s)", (int)cp->host_pid, cp->nspid);
	printf("%-20s %-34s 1 qemu process (%d threads), no guest PID\n", "host sees", row,
	       cp->vm.threads);
	for (int i = 0; i < cp->n_seen; i++) { /* each of its processes, in the host's ps */
		snprintf(row, sizeof row, "PID %d = %d inside (%s)", (int)cp->seen[i].pid,
			 (int)cp->seen[i].inside, cp->seen[i].comm);
		printf("%-20s %s\n", i ? "" : "  in the host's ps", row);
	}
	printf("%-20s %-34d %d\n", "exit code", cp->c.exit_code, cp->v.exit_code);
	printf("\n%s\n", cp->accel_why);
}

static void report(struct compare *cp, const char *command, bool json)
{
	struct gb_json j;
	gb_event_begin(&cp->rt->events, &j, "compare.result");
	result_json(cp, &j, command);
	gb_event_emit(&cp->rt->events, &j);
	if (json) {
		gb_json_init(&j);
		gb_json_obj_begin(&j, NULL);
		result_json(cp, &j, command);
		gb_json_obj_end(&j);
		printf("%s\n", j.buf);
		gb_json_free(&j);
		return;
	}
	struct utsname u;
	uname(&u);
	char boot[64];
	host_boot_id(boot, sizeof boot);
	print_table(cp, u.release, boot);
}

static void cleanup(struct compare *cp)
{
	gb_vm_stop(&cp->vm);
	if (cp->run_pid > 0) {
		kill(cp->run_pid,
		     SIGTERM); /* glassbox run forwards it; --rm removes the container */
		waitpid(cp->run_pid, NULL, 0);
	}
	if (cp->out_fd >= 0)
		close(cp->out_fd);
	if (cp->ev_fd >= 0)
		close(cp->ev_fd);
}

int cmd_compare(struct gb_runtime *rt, int argc, char **argv)
{
	bool json = false;
	const char *events = NULL;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--events") && i + 1 < argc)
			events = argv[++i];
		else {
			fprintf(stderr,
				"glassbox: compare: unknown option %s (try --json, --events "
				"FILE)\nusage: glassbox compare [--json] [--events FILE] "
				"[COMMAND]\n",
				argv[i]);
			return 2;
		}
	}
	char command[4096];
	if (argc - i == 1) /* one argument is a script for sh, several are one command line */
		snprintf(command, sizeof command, "%s", argv[i]);
	else if (i < argc)
		gb_strv_join(argv + i, command, sizeof command);
	else
		snprintf(command, sizeof command, "%s", default_cmd);
	struct gb_err err = { 0 };
	if (events && gb_events_open(&rt->events, events, &err) < 0)
		return cli_error(&err), 1;
	struct compare cp = { .rt = rt, .run_pid = -1, .out_fd = -1, .ev_fd = -1 };
	cp.vm.pid = -1;
	cp.vm.serial_fd = -1;
	cp.c.mem_peak = -1;
	char work[GB_VM_PATH];
	gb_path(work, sizeof work, "%s/vm/compare-%d", rt->data_root, (int)getpid());
	if (gb_mkdir_p(work, 0700) < 0) {
		gb_err_set(&err, errno, "mkdir", "cannot make %s", work);
		return cli_error(&err), 1;
	}
	int r = start_vm(&cp, command, work, &err);
	if (r == 0)
		r = race(&cp, 300, &err);
	cleanup(&cp);
	gb_rm_rf(work);
	if (r < 0)
		return cli_error(&err), 1;
	report(&cp, command, json);
	return cp.c.exit_code || cp.v.exit_code ? 1 : 0;
}
