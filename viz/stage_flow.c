/* Stages about what flows through a container: files through the overlay (labs 11-12),
 * signals to PID 1 (labs 13-14), packets through the bridge (lab 17), and the comparison
 * with a virtual machine (lab 19). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scene.h"

/* ------------------------------------------------------------ overlay */

static void slab(struct vz_render *rd, const struct vz_view *v, float y, float h, struct vz_color c,
		 const char *title, const char *sub, int tag)
{
	const struct vz_theme *th = v->th;
	char fit[160];
	vz_panel(rd, v, 96, y, 1180, h, c, tag);
	vz_rd_box(rd, 96, y, 1180, h, 14, vz_mix(th->panel, c, 0.18), 4, c);
	vz_rd_text(rd, VZ_F_LABEL_B, 124, y + 12, VZ_LEFT, 0, th->text, title);
	float room = 1250 - 124 - vz_rd_text_width(rd, VZ_F_LABEL_B, title) - 40;
	if (sub && *sub)
		vz_rd_text(rd, VZ_F_MONO, 1250, y + 16, VZ_RIGHT, 0, th->text2,
			   vz_fit(rd, VZ_F_MONO, sub, room, fit, sizeof fit));
}

/* The upper layer's entries: copy-ups come with an arrow up from the image. */
static void overlay_changes(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
			    float y)
{
	const struct vz_theme *th = v->th;
	int shown = m->n_changes > 6 ? 6 : m->n_changes;
	for (int i = 0; i < shown; i++) {
		const struct vz_change *c = &m->changes[m->n_changes - shown + i];
		float x = 124 + (i % 3) * 384.0f, cy = y + 56 + (i / 3) * 48.0f;
		bool wh = strcmp(c->kind, "whiteout") == 0, up = strcmp(c->kind, "copy-up") == 0;
		struct vz_color col = wh ? th->fail : up ? th->host : th->ok;
		double k = v->reduced_motion ? 1 : vz_anim(v, c->tag, 0.3);
		char fit[160];
		const char *mark = wh ? "\xe2\x9c\x97" : up ? "\xe2\x86\x91" : "+";
		float dy = up ? (float)((1 - k) * 120) : 0; /* copy-ups rise from the image below */
		vz_rd_box(rd, x, cy + dy, 368, 42, 10, vz_alpha(vz_mix(th->panel, col, 0.25), k), 3,
			  vz_alpha(col, k));
		vz_rd_text(rd, VZ_F_FACT_B, x + 12, cy + 6 + dy, VZ_LEFT, 0, vz_alpha(th->text, k),
			   mark);
		vz_rd_text(rd, VZ_F_MONO, x + 40, cy + 6 + dy, VZ_LEFT, 0, vz_alpha(th->text, k),
			   vz_fit(rd, VZ_F_MONO, c->path, 316, fit, sizeof fit));
	}
	vz_rd_text(rd, VZ_F_FACT, 124, y + 156, VZ_LEFT, 0, th->text2,
		   "\xe2\x86\x91 copied up from the image    + new file    \xe2\x9c\x97 whiteout: "
		   "hides a lower file");
	if (shown == 0)
		vz_rd_text(rd, VZ_F_FACT, 124, y + 60, VZ_LEFT, 0, th->text2,
			   "empty: nothing written yet");
}

void vz_stage_overlay(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	char buf[160];
	slab(rd, v, VZ_STAGE_Y + 10, 96, th->ok, "merged: what the container sees as /",
	     m->n_mounts ? "overlay" : "", m->rootfs_tag);
	vz_rd_text(rd, VZ_F_FACT, 124, VZ_STAGE_Y + 56, VZ_LEFT, 0, th->text2,
		   "upper wins over lower; a whiteout hides a lower file");
	slab(rd, v, VZ_STAGE_Y + 136, 200, th->cont, "upper: writable, one per container", m->upper,
	     m->rootfs_tag);
	overlay_changes(rd, m, v, VZ_STAGE_Y + 136);
	int n = m->n_layers ? m->n_layers : m->n_lower;
	float lh = n ? fminf(96, (380.0f - 16 * (n - 1)) / n) : 96;
	float y = VZ_STAGE_Y + 362;
	for (int i = 0; i < n; i++, y += lh + 16) {
		/* The image's layers, newest on top; all read-only. */
		if (m->n_layers) {
			const struct vz_layer *l = &m->layers[m->n_layers - 1 - i];
			if (l->pulled)
				snprintf(buf, sizeof buf, "pulled layer %s, %.1f MB blob%s", l->id,
					 l->size / 1e6, l->cached ? " (already here)" : "");
			else
				snprintf(buf, sizeof buf, "layer %s%s", l->id,
					 l->cached ? " (cache)" : "");
			slab(rd, v, y, lh, th->host, buf, l->instruction, l->tag);
		} else {
			snprintf(buf, sizeof buf, "lower %d: read-only image", n - i);
			slab(rd, v, y, lh, th->host, buf, m->lower[n - 1 - i], m->rootfs_tag);
		}
	}
	if (n == 0)
		vz_rd_text(rd, VZ_F_LABEL, 124, y + 20, VZ_LEFT, 0, th->text2,
			   "The image layers appear when the overlay is mounted.");
	int ups = 0, whs = 0, news = 0;
	for (int i = 0; i < m->n_changes; i++) {
		ups += strcmp(m->changes[i].kind, "copy-up") == 0;
		whs += strcmp(m->changes[i].kind, "whiteout") == 0;
	}
	news = m->n_changes - ups - whs;
	float fy = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "the overlay mount");
	snprintf(buf, sizeof buf, "%d", m->n_lower);
	fy = vz_fact(rd, v, fy, "lower dirs", buf, m->rootfs_tag);
	snprintf(buf, sizeof buf, "%d", ups);
	fy = vz_fact(rd, v, fy, "copied up", buf, -1);
	snprintf(buf, sizeof buf, "%d", whs);
	fy = vz_fact(rd, v, fy, "whiteouts (0/0 chr)", buf, -1);
	snprintf(buf, sizeof buf, "%d", news);
	fy = vz_fact(rd, v, fy, "new files", buf, -1);
	for (int i = 0; i < m->n_volumes && i < 4; i++) {
		snprintf(buf, sizeof buf, "%s%s", m->volumes[i].target,
			 m->volumes[i].ro ? " ro" : "");
		fy = vz_fact(rd, v, fy, m->volumes[i].kind, buf, m->volumes[i].tag);
	}
}

/* ------------------------------------------------------------ PID 1 */

static void pid1_nodes(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	char buf[128], fit[128];
	bool alive = m->state == VZ_ST_RUNNING || m->state == VZ_ST_PAUSED;
	/* The engine, on the host side, sends the signals. */
	vz_rd_box(rd, 96, 300, 300, 120, 16, vz_mix(th->panel, th->host, 0.2), 4, th->host);
	vz_rd_text(rd, VZ_F_LABEL_B, 246, 318, VZ_CENTER, 0, th->text, "engine");
	vz_rd_text(rd, VZ_F_FACT, 246, 362, VZ_CENTER, 0, th->text2, "on the host");
	struct vz_color c = alive ? th->cont : th->border;
	vz_panel(rd, v, 700, 280, 460, 160, c, m->pid_tag);
	vz_rd_box(rd, 700, 280, 460, 160, 16, vz_mix(th->panel, c, alive ? 0.25 : 0.05), 6, c);
	vz_rd_text(rd, VZ_F_LABEL_B, 930, 296, VZ_CENTER, 0, th->text, "PID 1");
	snprintf(buf, sizeof buf, m->pid ? "host PID %d" : "not started", m->pid);
	vz_rd_text(rd, VZ_F_MONO, 930, 342, VZ_CENTER, 0, th->text, buf);
	vz_rd_text(rd, VZ_F_MONO, 930, 384, VZ_CENTER, 0, th->text2,
		   vz_fit(rd, VZ_F_MONO, m->argv, 420, fit, sizeof fit));
	if (!alive && m->exit.valid)
		vz_rd_text(rd, VZ_F_LABEL_B, 930, 452, VZ_CENTER, 0, th->text, "exited");
}

static void pid1_children(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	char buf[64];
	int n = 0;
	/* Zombies first: the point of the scene. Then live children. */
	for (int i = 0; i < m->n_zombie_pids && n < 6; i++, n++) {
		float x = 520 + n * 140.0f;
		vz_rd_line(rd, 930, 440, x + 60, 560, 4, th->border);
		vz_panel(rd, v, x, 560, 120, 96, th->fail, m->zombies_tag);
		vz_rd_box(rd, x, 560, 120, 96, 12, th->dim, 4, th->fail);
		vz_rd_text(rd, VZ_F_LABEL_B, x + 60, 566, VZ_CENTER, 0, th->text, "Z");
		snprintf(buf, sizeof buf, "%d", m->zombie_pids[i]);
		vz_rd_text(rd, VZ_F_MONO, x + 60, 612, VZ_CENTER, 0, th->text, buf);
	}
	for (int i = 0; i < m->n_procs && n < 6; i++) {
		bool zombie = false;
		for (int z = 0; z < m->n_zombie_pids; z++)
			zombie |= m->zombie_pids[z] == m->procs[i].pid;
		if (m->procs[i].pid == m->pid || zombie)
			continue;
		float x = 520 + n++ * 140.0f;
		vz_rd_line(rd, 930, 440, x + 60, 560, 4, th->border);
		vz_rd_box(rd, x, 560, 120, 96, 12, vz_mix(th->panel, th->cont, 0.15), 4, th->cont);
		snprintf(buf, sizeof buf, "%d", m->procs[i].pid);
		vz_rd_text(rd, VZ_F_MONO, x + 60, 590, VZ_CENTER, 0, th->text, buf);
	}
	if (m->zombies > 0)
		vz_rd_text(rd, VZ_F_LABEL, 520, 680, VZ_LEFT, 0, th->text,
			   "Z = zombie: exited, waiting for PID 1 to wait() for it");
	else if (m->n_reaped > 0)
		vz_rd_text(rd, VZ_F_LABEL, 520, 680, VZ_LEFT, 0, th->text,
			   "\xe2\x9c\x93 every zombie reaped by PID 1");
}

/* The last signal flies from the engine to PID 1. */
static void pid1_signal(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	if (m->n_signals == 0)
		return;
	const struct vz_theme *th = v->th;
	const struct vz_signal *s = &m->signals[m->n_signals - 1];
	bool kill = strcmp(s->signal, "SIGKILL") == 0;
	struct vz_color c = kill ? th->fail : th->glow;
	vz_arrow(rd, 404, 360, 690, 360, 8, c);
	vz_rd_text(rd, VZ_F_LABEL_B, 547, 312, VZ_CENTER, 0, th->text, s->signal);
	double k = vz_anim(v, s->tag, 0.6);
	if (k < 1 && !v->reduced_motion)
		vz_rd_disc(rd, 404 + 286 * k, 360, 16, c);
	char buf[64];
	snprintf(buf, sizeof buf, "by %s", s->by);
	vz_rd_text(rd, VZ_F_FACT, 547, 380, VZ_CENTER, 0, th->text2, buf);
}

/* The grace period as a bar that empties; it is a function of the stream's clock. */
static void pid1_grace(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	if (!m->grace_active && !m->grace_expired)
		return;
	const struct vz_theme *th = v->th;
	double now = m->t + (m->grace_active ? v->tb : 0);
	double left = m->grace_active ? m->grace_deadline - now : 0;
	left = left < 0 ? 0 : left;
	double frac = m->grace_seconds > 0 ? left / m->grace_seconds : 0;
	char buf[96];
	if (m->grace_active)
		snprintf(buf, sizeof buf, "SIGKILL in %4.1f s", left);
	else
		snprintf(buf, sizeof buf, "grace period of %.0f s over: SIGKILL", m->grace_seconds);
	vz_rd_text(rd, VZ_F_CALL, 96, 714, VZ_LEFT, 0, th->text, buf);
	if (!m->grace_active)
		return;
	vz_rd_box(rd, 620, 712, 656, 48, 12, th->panel, 4, th->text2);
	if (frac > 0)
		vz_rd_box(rd, 624, 716, 648 * frac, 40, 10, frac < 0.3 ? th->fail : th->warn, 0,
			  th->warn);
}

static void pid1_facts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "PID 1 of the container");
	snprintf(buf, sizeof buf, "%d", m->pid);
	y = vz_fact(rd, v, y, "host PID", m->pid ? buf : "-", m->pid_tag);
	snprintf(buf, sizeof buf, "%d", m->zombies);
	y = vz_fact(rd, v, y, "zombies now", buf, m->zombies_tag);
	snprintf(buf, sizeof buf, "%d", m->n_reaped);
	y = vz_fact(rd, v, y, "reaped", buf, m->reaped_tag);
	y = vz_fact_head(rd, v, y + 16, "signals, newest first");
	for (int i = m->n_signals - 1; i >= 0 && i >= m->n_signals - 4; i--) {
		snprintf(buf, sizeof buf, "%s", m->signals[i].signal);
		y = vz_fact(rd, v, y, m->signals[i].by, buf, m->signals[i].tag);
	}
	if (m->exit.valid) {
		snprintf(buf, sizeof buf, "%d", m->exit.exit_code);
		vz_fact(rd, v, y + 16, "exit code", buf, m->exit.tag);
	}
}

void vz_stage_pid1(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	pid1_nodes(rd, m, v);
	pid1_children(rd, m, v);
	pid1_signal(rd, m, v);
	pid1_grace(rd, m, v);
	pid1_facts(rd, m, v);
}

/* ------------------------------------------------------------ network */

static const char *addr_of(const struct vz_model *m, const char *ifname, const char *netns)
{
	for (int i = m->n_addrs - 1; i >= 0; i--)
		if (strcmp(m->addrs[i].ifname, ifname) == 0 &&
		    strcmp(m->addrs[i].netns, netns) == 0)
			return m->addrs[i].addr;
	return "";
}

static void if_box(struct vz_render *rd, const struct vz_view *v, float x, float y,
		   struct vz_color c, const char *name, const char *addr, int tag)
{
	const struct vz_theme *th = v->th;
	vz_panel(rd, v, x, y, 300, 100, c, tag);
	vz_rd_box(rd, x, y, 300, 100, 14, vz_mix(th->panel, c, 0.2), 4, c);
	vz_rd_text(rd, VZ_F_LABEL_B, x + 150, y + 10, VZ_CENTER, 0, th->text, name);
	vz_rd_text(rd, VZ_F_MONO, x + 150, y + 56, VZ_CENTER, 0, th->text,
		   *addr ? addr : "no address");
}

static void net_sides(struct vz_render *rd, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	vz_rd_box(rd, 64, VZ_STAGE_Y + 8, 620, 690, 18, vz_mix(th->bg, th->host, 0.06), 4,
		  th->host);
	vz_rd_text(rd, VZ_F_LABEL_B, 88, VZ_STAGE_Y + 20, VZ_LEFT, 0, th->text,
		   "host network namespace");
	vz_rd_box(rd, 736, VZ_STAGE_Y + 8, 620, 690, 18, vz_mix(th->bg, th->cont, 0.08), 4,
		  th->cont);
	vz_rd_text(rd, VZ_F_LABEL_B, 760, VZ_STAGE_Y + 20, VZ_LEFT, 0, th->text,
		   "container network namespace");
}

void vz_stage_network(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	char buf[160];
	net_sides(rd, v);
	if (m->bridge[0]) {
		if_box(rd, v, 120, 220, th->host, m->bridge, addr_of(m, m->bridge, "host"),
		       m->veth_tag);
		if_box(rd, v, 340, 440, th->host, m->host_if, "veth, host end", m->veth_tag);
		vz_rd_line(rd, 270, 320, 420, 440, 6, th->host);
		if_box(rd, v, 900, 440, th->cont, m->container_if[0] ? m->container_if : "eth0",
		       addr_of(m, m->container_if[0] ? m->container_if : "eth0", "container"),
		       m->veth_tag);
		/* The veth pair: one cable through the namespace wall. */
		double k = v->reduced_motion ? 1 : vz_anim(v, m->veth_tag, 0.3);
		vz_rd_line(rd, 640, 490, 640 + 260 * k, 490, 12, th->text);
		vz_rd_text(rd, VZ_F_FACT_B, 770, 516, VZ_CENTER, 0, th->text, "veth pair");
	} else {
		vz_rd_text(
			rd, VZ_F_LABEL, 88, 300, VZ_LEFT, 560, th->text2,
			"No veth pair: nothing connects the two namespaces (network mode none).");
	}
	float y = 240;
	for (int i = 0; i < m->n_links && i < 3; i++, y += 60) {
		const struct vz_link *l = &m->links[i];
		if (strcmp(l->name, m->container_if) == 0 && m->bridge[0])
			continue;
		snprintf(buf, sizeof buf, "%s  %s  %s", l->name,
			 !l->up_known ? ""
			 : l->up      ? "UP"
				      : "DOWN",
			 l->n_addrs ? l->addrs[0] : "");
		vz_rd_text(rd, VZ_F_MONO, 780, y, VZ_LEFT, 0, th->text, buf);
	}
	if (m->route_gw[0]) {
		snprintf(buf, sizeof buf, "route: %s via %s", m->route_dst, m->route_gw);
		vz_rd_text(rd, VZ_F_MONO, 780, 600, VZ_LEFT, 0, th->text, buf);
	}
	if (m->publish[0]) {
		snprintf(buf, sizeof buf, "published %s", m->publish);
		vz_rd_text(rd, VZ_F_MONO, 88, 700, VZ_LEFT, 0, th->text, buf);
	}
	float fy = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "interfaces inside");
	for (int i = 0; i < m->n_links && i < 5; i++) {
		snprintf(buf, sizeof buf, "%s %s",
			 !m->links[i].up_known ? ""
			 : m->links[i].up      ? "UP"
					       : "DOWN",
			 m->links[i].n_addrs ? m->links[i].addrs[0] : "");
		fy = vz_fact(rd, v, fy, m->links[i].name, buf, m->links_tag);
	}
	if (m->bridge[0])
		fy = vz_fact(rd, v, fy + 16, "bridge", m->bridge, m->veth_tag);
	if (m->route_gw[0])
		vz_fact(rd, v, fy, "gateway", m->route_gw, m->route_tag);
}

/* ------------------------------------------------------------ containers vs VMs */

static float stack(struct vz_render *rd, const struct vz_view *v, float x, const char *title,
		   const char *const *names, const struct vz_color *cols, int n)
{
	const struct vz_theme *th = v->th;
	vz_rd_text(rd, VZ_F_LABEL_B, x + 270, VZ_STAGE_Y + 12, VZ_CENTER, 0, th->text, title);
	float y = VZ_STAGE_Y + 520;
	for (int i = 0; i < n; i++, y -= 84) {
		vz_rd_box(rd, x, y, 540, 72, 12, vz_mix(th->panel, cols[i], 0.22), 4, cols[i]);
		vz_rd_text(rd, VZ_F_LABEL, x + 270, y + 18, VZ_CENTER, 0, th->text, names[i]);
	}
	return y;
}

void vz_stage_vms(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	static const char *const ct[] = { "hardware", "host Linux kernel", "namespaces + cgroups",
					  "your process" };
	static const char *const vm[] = { "hardware", "host Linux kernel", "hypervisor (QEMU/KVM)",
					  "guest kernel", "your process" };
	struct vz_color cc[] = { th->border, th->host, th->ok, th->cont };
	struct vz_color vc[] = { th->border, th->host, th->text2, th->fail, th->cont };
	if (m->race.seen) { /* a recorded glassbox compare: the measured race */
		vz_stage_race(rd, m, v);
		return;
	}
	stack(rd, v, 96, "Container", ct, cc, 4);
	stack(rd, v, 740, "Virtual machine", vm, vc, 5);
	vz_rd_text(rd, VZ_F_LABEL, 96, VZ_STAGE_Y + 620, VZ_LEFT, 1180, th->text,
		   "A container is an ordinary process the host kernel fences in; a VM boots a "
		   "kernel of its own on emulated hardware.");
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "measured on this machine");
	if (m->ct_start_ms <= 0 && m->vm_start_ms <= 0) {
		vz_rd_text(rd, VZ_F_FACT, VZ_FACTS_X + 24, y, VZ_LEFT, VZ_FACTS_W - 48, th->text2,
			   "Not measured in this recording: lab 19 records start time and memory.");
		return;
	}
	snprintf(buf, sizeof buf, "%.1f ms", m->ct_start_ms);
	y = vz_fact(rd, v, y, "container start", buf, m->measure_tag);
	snprintf(buf, sizeof buf, "%.0f ms", m->vm_start_ms);
	y = vz_fact(rd, v, y, "VM boot", buf, m->measure_tag);
	snprintf(buf, sizeof buf, "%.1f MB", m->ct_rss_mb);
	y = vz_fact(rd, v, y, "container RSS", buf, m->measure_tag);
	snprintf(buf, sizeof buf, "%.0f MB", m->vm_rss_mb);
	y = vz_fact(rd, v, y, "VM RSS", buf, m->measure_tag);
	if (m->host_kernel[0])
		vz_fact(rd, v, y + 16, "kernel", m->host_kernel, m->measure_tag);
}
