/* The model of a recorded race between a container and a VM (glassbox compare,
 * docs/events.md: vm.start, vm.step.begin/end, vm.sample, vm.exit, compare.mark,
 * compare.result). The vms scene draws only from here. */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void caption(struct vz_model *m, const char *call, const char *text)
{
	COPY(m->cap_call, call);
	COPY(m->cap_text, text);
	m->cap_failed = false;
	m->cap_tag = m->tag;
}

static double since(const struct vz_race *r, const struct gb_jval *e, const char *key)
{
	double at = gb_jnum(e, key, -1);
	return at >= 0 ? at : gb_jnum(e, "t", r->t0) - r->t0;
}

static void vm_step(struct vz_model *m, struct vz_race *r, const struct gb_jval *e, bool end)
{
	int i = (int)gb_jint(e, "index", 0) - 1;
	if (i < 0 || i >= VZ_VM_STAGES)
		return;
	COPY(r->stage_names[i], gb_jstr(e, "step", "?"));
	if (!end) {
		r->stage = i;
		char call[96];
		snprintf(call, sizeof call, "VM %d/%d: %s (%s)", i + 1, VZ_VM_STAGES,
			 r->stage_names[i], r->accel);
		caption(m, call, gb_jstr(e, "explain", ""));
		return;
	}
	r->stage_end[i] = since(r, e, "at");
	r->stage = i + 1;
	char call[96];
	snprintf(call, sizeof call, "VM: %s done after %.2f s", r->stage_names[i], r->stage_end[i]);
	caption(m, call,
		i == VZ_VM_STAGES - 1
			? "The guest's first line reached the host through the emulated "
			  "serial port."
			: "The VM is still booting; the container needed no boot at all.");
}

static void vm_sample(struct vz_race *r, const struct gb_jval *e, int tag)
{
	double rss = (double)gb_jint(e, "rss", -1), pss = (double)gb_jint(e, "pss", -1);
	double peak = (double)gb_jint(e, "rss_peak", -1);
	if (rss >= 0)
		r->vm_rss = peak > rss ? peak : rss;
	if (pss > r->vm_pss)
		r->vm_pss = pss;
	long long mt = gb_jint(e, "guest_memtotal", -1);
	if (mt > 0)
		r->guest_memtotal = (double)mt;
	r->threads = (int)gb_jint(e, "threads", r->threads);
	r->mem_tag = tag;
}

/* A side's exit mark carries what it reported (kernel, process count; the container's
 * memory peak and the host's kernel): the container's panel fills while the VM still
 * boots. Older recordings have only the time: those wait for compare.result. */
static void side_exit(struct vz_model *m, struct vz_race *r, const struct gb_jval *e, bool ct,
		      double at)
{
	*(ct ? &r->ct_exit : &r->vm_exit) = at;
	const char *kernel = gb_jstr(e, "kernel", "");
	if (!*kernel)
		return;
	snprintf(ct ? r->ct_kernel : r->vm_kernel, sizeof r->ct_kernel, "%s", kernel);
	*(ct ? &r->ct_procs : &r->vm_procs) = (int)gb_jint(e, "procs", 0);
	if (!ct)
		return;
	COPY(r->host_kernel, gb_jstr(e, "host_kernel", r->host_kernel));
	COPY(r->mem_source, gb_jstr(e, "mem_source", r->mem_source));
	long long peak = gb_jint(e, "mem_peak", -1);
	if (peak > 0) {
		r->ct_mem = (double)peak;
		r->mem_tag = m->tag;
	}
}

static void compare_mark(struct vz_model *m, struct vz_race *r, const struct gb_jval *e)
{
	const char *side = gb_jstr(e, "side", ""), *what = gb_jstr(e, "what", "");
	double at = since(r, e, "at");
	bool ct = strcmp(side, "container") == 0;
	char call[96];
	if (ct && strcmp(what, "process.start") == 0) {
		r->ct_start = at;
		r->ct_pid = (int)gb_jint(e, "pid", 0);
		COPY(r->ct_nspid, gb_jstr(e, "nspid", ""));
	} else if (ct && strcmp(what, "first_output") == 0)
		r->ct_first = at;
	else if (strcmp(what, "exit") == 0)
		side_exit(m, r, e, ct, at);
	snprintf(call, sizeof call, "%s: %s after %.0f ms", side, what, at * 1000);
	caption(m, call,
		ct ? "The container is host processes: a clone() and an exec(), "
		     "no kernel to boot."
		   : "The VM's command finished; QEMU powers the guest off.");
}

static void side(const struct gb_jval *s, double *first, double *exit, double *mem, char *kernel,
		 size_t klen, int *procs)
{
	if (!s)
		return;
	*first = gb_jnum(s, "first_output_ms", *first * 1000) / 1000;
	*exit = gb_jnum(s, "exit_ms", *exit * 1000) / 1000;
	double peak = (double)gb_jint(s, "mem_peak", -1);
	if (peak > 0)
		*mem = peak;
	snprintf(kernel, klen, "%s", gb_jstr(s, "kernel", kernel));
	*procs = (int)gb_jint(s, "procs", *procs);
}

static void compare_result(struct vz_model *m, struct vz_race *r, const struct gb_jval *e)
{
	const struct gb_jval *c = gb_jget(e, "container"), *v = gb_jget(e, "vm");
	const struct gb_jval *h = gb_jget(e, "host");
	COPY(r->accel, gb_jstr(e, "accel", r->accel));
	if (h)
		COPY(r->host_kernel, gb_jstr(h, "kernel", ""));
	double vm_first = 0;
	side(c, &r->ct_first, &r->ct_exit, &r->ct_mem, r->ct_kernel, sizeof r->ct_kernel,
	     &r->ct_procs);
	side(v, &vm_first, &r->vm_exit, &r->vm_rss, r->vm_kernel, sizeof r->vm_kernel,
	     &r->vm_procs);
	if (c) {
		COPY(r->mem_source, gb_jstr(c, "mem_source", ""));
		COPY(r->ct_nspid, gb_jstr(c, "nspid", ""));
		r->ct_pid = (int)gb_jint(c, "host_pid", 0);
	}
	if (v) {
		long long pss = gb_jint(v, "pss_peak", -1);
		if (pss > 0)
			r->vm_pss = (double)pss;
		r->qemu_pid = (int)gb_jint(v, "qemu_pid", r->qemu_pid);
		r->threads = (int)gb_jint(v, "threads", r->threads);
		long long mt = gb_jint(v, "memtotal", -1);
		if (mt > 0)
			r->guest_memtotal = (double)mt;
	}
	r->result = true;
	r->mem_tag = m->tag;
	char call[128];
	snprintf(call, sizeof call, "container %.0f ms, VM %.1f s (%s)", r->ct_exit * 1000,
		 r->vm_exit, strcmp(r->accel, "kvm") ? "TCG: CPU emulated" : "KVM");
	caption(m, call,
		"Same command, same moment, same machine: the container shares the "
		"host's kernel, the VM boots one of its own.");
}

bool vz_model_vm(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	struct vz_race *r = &m->race;
	if (strncmp(type, "vm.", 3) && strncmp(type, "compare.", 8))
		return false;
	r->seen = true;
	r->tag = m->tag;
	if (!strcmp(type, "vm.start")) {
		r->t0 = gb_jnum(e, "t", 0);
		if (!m->name[0])
			COPY(m->name, "glassbox compare");
		COPY(r->accel, gb_jstr(e, "accel", "tcg"));
		r->qemu_pid = (int)gb_jint(e, "pid", 0);
	} else if (!strcmp(type, "vm.step.begin") || !strcmp(type, "vm.step.end"))
		vm_step(m, r, e, type[8] == 'e');
	else if (!strcmp(type, "vm.sample"))
		vm_sample(r, e, m->tag);
	else if (!strcmp(type, "vm.exit")) {
		if (r->vm_exit == 0)
			r->vm_exit = gb_jnum(e, "seconds", 0);
		long long peak = gb_jint(e, "rss_peak", -1);
		if (peak > 0)
			r->vm_rss = (double)peak;
		r->stage = VZ_VM_STAGES;
	} else if (!strcmp(type, "compare.mark"))
		compare_mark(m, r, e);
	else if (!strcmp(type, "compare.result"))
		compare_result(m, r, e);
	return true;
}
