/* The vms scene of a recorded `glassbox compare`: the container and the VM on one time
 * axis (the container done while the VM is still booting), their peak memory on the host
 * to one scale, the kernel each sees and what the host sees of each. Every number comes
 * from the events (model_vm.c); emulation (TCG) is said on screen. */
#include <stdio.h>
#include <string.h>

#include "scene.h"

#define AXIS_X 330.0f
#define AXIS_W 1010.0f

/* A round axis end: 1, 2 or 5 times a power of ten seconds, at least t. */
static double axis_end(double t)
{
	double p = 0.001;
	for (;;) {
		for (int k = 0; k < 3; k++) {
			double v = p * (k == 0 ? 1 : k == 1 ? 2 : 5);
			if (v >= t)
				return v;
		}
		p *= 10;
	}
}

static void fmt_time(char *buf, size_t len, double s)
{
	if (s < 1)
		snprintf(buf, len, "%.0f ms", s * 1000);
	else
		snprintf(buf, len, "%.2f s", s);
}

static void accel_banner(struct vz_render *rd, const struct vz_theme *th, const struct vz_race *r)
{
	bool kvm = strcmp(r->accel, "kvm") == 0;
	const char *s = kvm ? "VM under KVM: the guest runs on the real CPU"
			    : "VM under QEMU TCG: every guest instruction is emulated in software "
			      "(no KVM here)";
	vz_rd_box(rd, VZ_STAGE_X + 16, VZ_STAGE_Y + 8, VZ_STAGE_W - 32, 48, 10,
		  kvm ? vz_mix(th->panel, th->ok, 0.25) : th->warn, 0, th->border);
	vz_rd_text(rd, VZ_F_FACT_B, VZ_STAGE_X + 32, VZ_STAGE_Y + 18, VZ_LEFT, 0,
		   kvm ? th->text : (struct vz_color){ 17, 17, 17, 255 }, s);
}

static float tx(double t, double end)
{
	double k = end > 0 ? t / end : 0;
	return AXIS_X + (float)(AXIS_W * (k > 1 ? 1 : k));
}

static void container_lane(struct vz_render *rd, const struct vz_view *v, const struct vz_race *r,
			   double end, float y, double now)
{
	const struct vz_theme *th = v->th;
	vz_rd_text(rd, VZ_F_LABEL_B, VZ_STAGE_X + 16, y + 14, VZ_LEFT, 0, th->text, "container");
	double done = r->ct_exit > 0 ? r->ct_exit : now;
	float x1 = tx(done, end);
	if (x1 < AXIS_X + 6)
		x1 = AXIS_X + 6; /* milliseconds on a seconds axis: still a visible mark */
	vz_rd_box(rd, AXIS_X, y + 6, x1 - AXIS_X, 56, 6, th->cont, 0, th->cont);
	char buf[96], t[32];
	fmt_time(t, sizeof t, done);
	snprintf(buf, sizeof buf,
		 r->ct_exit > 0 ? "✓ done in %s (first output %.0f ms)" : "running %s", t,
		 r->ct_first * 1000);
	float w = vz_rd_text_width(rd, VZ_F_FACT_B, buf);
	if (x1 + 16 + w <= AXIS_X + AXIS_W)
		vz_rd_text(rd, VZ_F_FACT_B, x1 + 16, y + 18, VZ_LEFT, 0, th->text, buf);
	else /* a long bar: the words go inside it, dark on orange */
		vz_rd_text(rd, VZ_F_FACT_B, x1 - 16, y + 18, VZ_RIGHT, 0,
			   (struct vz_color){ 17, 17, 17, 255 }, buf);
}

static void vm_lane(struct vz_render *rd, const struct vz_view *v, const struct vz_race *r,
		    double end, float y, double now)
{
	const struct vz_theme *th = v->th;
	struct vz_color col[VZ_VM_STAGES] = { th->dim, th->fail, th->host, th->ok };
	vz_rd_text(rd, VZ_F_LABEL_B, VZ_STAGE_X + 16, y + 14, VZ_LEFT, 0, th->text, "VM");
	double from = 0;
	for (int i = 0; i < VZ_VM_STAGES; i++) {
		bool running = r->stage == i && r->stage_end[i] == 0;
		double to = r->stage_end[i] > 0 ? r->stage_end[i] : running ? now : -1;
		if (to < from)
			break;
		float x0 = tx(from, end), x1 = tx(to, end);
		struct vz_color c = running ? vz_mix(th->panel, col[i], 0.45) : col[i];
		vz_rd_box(rd, x0, y + 6, x1 - x0 < 3 ? 3 : x1 - x0, 56, 4, c, 2, th->panel);
		const char *name = r->stage_names[i][0] ? r->stage_names[i] : "?";
		float w = vz_rd_text_width(rd, VZ_F_FACT, name);
		/* the name inside its segment when it fits, else under the lane */
		if (w + 16 < x1 - x0)
			vz_rd_text(rd, VZ_F_FACT, (x0 + x1) / 2, y + 20, VZ_CENTER, 0,
				   i == 0 ? th->text : (struct vz_color){ 255, 255, 255, 255 },
				   name);
		else
			vz_rd_text(rd, VZ_F_FACT, x1, y + 70 + (i % 2) * 30, VZ_RIGHT, 0, th->text2,
				   name);
		from = to;
	}
	char buf[64], t[32];
	if (r->vm_exit > 0) {
		fmt_time(t, sizeof t, r->vm_exit);
		snprintf(buf, sizeof buf, "✓ done in %s", t);
		float x = tx(r->vm_exit, end);
		vz_rd_text(rd, VZ_F_FACT_B, x > AXIS_X + AXIS_W - 220 ? x - 8 : x + 16, y - 28,
			   x > AXIS_X + AXIS_W - 220 ? VZ_RIGHT : VZ_LEFT, 0, th->text, buf);
	}
}

static void axis(struct vz_render *rd, const struct vz_theme *th, double end, float y)
{
	vz_rd_line(rd, AXIS_X, y, AXIS_X + AXIS_W, y, 2, th->text2);
	char t[32];
	for (int k = 0; k <= 4; k++) {
		float x = AXIS_X + AXIS_W * k / 4;
		vz_rd_line(rd, x, y - 8, x, y + 8, 2, th->text2);
		double at = end * k / 4;
		if (end >= 2) /* whole or half seconds: "5 s", "2.5 s" */
			snprintf(t, sizeof t, "%g s", at);
		else
			fmt_time(t, sizeof t, at);
		vz_rd_text(rd, VZ_F_MONO, x, y + 12, VZ_CENTER, 0, th->text2, t);
	}
	vz_rd_text(rd, VZ_F_FACT, VZ_STAGE_X + 16, y + 12, VZ_LEFT, 0, th->text2, "since start");
}

static void memory_bars(struct vz_render *rd, const struct vz_view *v, const struct vz_race *r,
			float y)
{
	const struct vz_theme *th = v->th;
	vz_rd_text(rd, VZ_F_LABEL_B, VZ_STAGE_X + 16, y, VZ_LEFT, 0, th->text,
		   "peak memory on the host (one scale)");
	double top = r->vm_rss > r->ct_mem ? r->vm_rss : r->ct_mem;
	if (top <= 0)
		return;
	struct {
		const char *who;
		double bytes;
		struct vz_color c;
		const char *src;
	} b[2] = {
		{ "container", r->ct_mem, th->cont, r->mem_source[0] ? r->mem_source : "cgroup" },
		{ "VM (qemu)", r->vm_rss, th->host, "RSS of the qemu process" },
	};
	double grow = vz_anim(v, r->mem_tag, 0.3);
	for (int i = 0; i < 2; i++) {
		float by = y + 44 + i * 60;
		vz_rd_text(rd, VZ_F_FACT_B, VZ_STAGE_X + 16, by + 10, VZ_LEFT, 0, th->text,
			   b[i].who);
		float w = b[i].bytes > 0 ? (float)(AXIS_W * b[i].bytes / top * grow) : 0;
		vz_rd_box(rd, AXIS_X, by, w < 4 && b[i].bytes > 0 ? 4 : w, 48, 6, b[i].c, 0,
			  b[i].c);
		char size[32], buf[128];
		vz_human_bytes(size, sizeof size, b[i].bytes);
		if (b[i].bytes > 0)
			snprintf(buf, sizeof buf, "%s  (%s)", size, b[i].src);
		else
			snprintf(buf, sizeof buf, "read from its %s at its exit", b[i].src);
		float lx = AXIS_X + (w < 4 ? 4 : w) + 16;
		if (lx > AXIS_X + AXIS_W - 480)
			lx = AXIS_X + 16;
		vz_rd_text(rd, VZ_F_FACT, lx, by + 10, VZ_LEFT, 0,
			   lx == AXIS_X + 16 ? (struct vz_color){ 255, 255, 255, 255 } : th->text,
			   buf);
	}
}

static void views(struct vz_render *rd, const struct vz_view *v, const struct vz_race *r, float y)
{
	const struct vz_theme *th = v->th;
	char l[3][160];
	bool same = r->ct_kernel[0] && !strcmp(r->ct_kernel, r->host_kernel);
	const char *wait = "(reported when it is done)";
	if (r->ct_kernel[0])
		snprintf(l[0], sizeof l[0], "kernel %s — %s", r->ct_kernel,
			 same ? "the host's" : "not the host's");
	else
		snprintf(l[0], sizeof l[0], "kernel: %s", wait);
	snprintf(l[1], sizeof l[1],
		 r->ct_kernel[0] ? "sees %d processes (its pid namespace)" : "sees ?", r->ct_procs);
	if (r->ct_pid)
		snprintf(l[2], sizeof l[2], "host sees: PID %d, NSpid %s", r->ct_pid, r->ct_nspid);
	else
		snprintf(l[2], sizeof l[2], "host sees: %s", wait);
	vz_panel(rd, v, VZ_STAGE_X + 16, y, 640, 150, th->cont, r->result ? r->mem_tag : -1);
	for (int i = 0; i < 3; i++)
		vz_rd_text(rd, VZ_F_FACT, VZ_STAGE_X + 32, y + 16 + i * 44, VZ_LEFT, 610, th->text,
			   l[i]);
	bool own = r->vm_kernel[0] && strcmp(r->vm_kernel, r->host_kernel);
	if (r->vm_kernel[0])
		snprintf(l[0], sizeof l[0], "kernel %s — %s", r->vm_kernel,
			 own ? "its own" : "the host's");
	else
		snprintf(l[0], sizeof l[0], "kernel: %s", wait);
	snprintf(l[1], sizeof l[1],
		 r->vm_kernel[0] ? "sees %d processes (its own kernel's)" : "sees ?", r->vm_procs);
	snprintf(l[2], sizeof l[2], "host sees: 1 qemu process, PID %d", r->qemu_pid);
	vz_panel(rd, v, VZ_STAGE_X + 672, y, 640, 150, th->host, r->result ? r->mem_tag : -1);
	for (int i = 0; i < 3; i++)
		vz_rd_text(rd, VZ_F_FACT, VZ_STAGE_X + 688, y + 16 + i * 44, VZ_LEFT, 610, th->text,
			   l[i]);
}

static void facts(struct vz_render *rd, const struct vz_view *v, const struct vz_race *r)
{
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "measured on this machine");
	fmt_time(buf, sizeof buf, r->ct_first);
	y = vz_fact(rd, v, y, "container 1st output", r->ct_first > 0 ? buf : "-", r->tag);
	fmt_time(buf, sizeof buf, r->stage_end[VZ_VM_STAGES - 1]);
	y = vz_fact(rd, v, y, "VM 1st output", r->stage_end[VZ_VM_STAGES - 1] > 0 ? buf : "-",
		    r->tag);
	fmt_time(buf, sizeof buf, r->ct_exit);
	y = vz_fact(rd, v, y, "container exit", r->ct_exit > 0 ? buf : "-", r->tag);
	fmt_time(buf, sizeof buf, r->vm_exit);
	y = vz_fact(rd, v, y, "VM exit", r->vm_exit > 0 ? buf : "-", r->tag);
	vz_human_bytes(buf, sizeof buf, r->vm_pss);
	y = vz_fact(rd, v, y + 16, "qemu PSS", r->vm_pss > 0 ? buf : "-", r->mem_tag);
	vz_human_bytes(buf, sizeof buf, r->guest_memtotal);
	y = vz_fact(rd, v, y, "guest MemTotal", r->guest_memtotal > 0 ? buf : "-", r->mem_tag);
	snprintf(buf, sizeof buf, "%d", r->threads);
	y = vz_fact(rd, v, y, "qemu threads", buf, r->mem_tag);
	vz_fact(rd, v, y + 16, "accelerator", strcmp(r->accel, "kvm") ? "TCG (emulated)" : "KVM",
		r->tag);
}

void vz_stage_race(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_race *r = &m->race;
	const struct vz_theme *th = v->th;
	double now = m->t - r->t0 > 0 ? m->t - r->t0 : 0;
	/* the axis holds the whole race once it is over, and what has happened so far before */
	double last = r->vm_exit > 0 ? (r->vm_exit > r->ct_exit ? r->vm_exit : r->ct_exit) : now;
	double end = axis_end(last > 0.5 ? last : 0.5);
	accel_banner(rd, th, r);
	container_lane(rd, v, r, end, VZ_STAGE_Y + 80, now);
	vm_lane(rd, v, r, end, VZ_STAGE_Y + 176, now);
	axis(rd, th, end, VZ_STAGE_Y + 322);
	memory_bars(rd, v, r, VZ_STAGE_Y + 380);
	views(rd, v, r, VZ_STAGE_Y + 560);
	facts(rd, v, r);
}
