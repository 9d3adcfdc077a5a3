/* Stages about what a container is: its lifecycle (lab 01), its namespaces seen from the
 * host and from inside (labs 02-06), and its cgroup limits (labs 07-10). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scene.h"

/* ------------------------------------------------------------ lifecycle */

static const struct {
	float x, y;
} node_pos[VZ_ST_COUNT] = {
	[VZ_ST_NONE] = { 96, 300 },	 [VZ_ST_CREATED] = { 380, 300 },
	[VZ_ST_RUNNING] = { 770, 300 },	 [VZ_ST_PAUSED] = { 770, 600 },
	[VZ_ST_STOPPED] = { 1180, 300 }, [VZ_ST_REMOVED] = { 1180, 600 },
};

/* Transitions; a pair of opposite ones is drawn `off` px apart; `via` > 0 routes an edge
 * below the diagram (down, across at y = via, up) so that it crosses nothing. */
static const struct {
	enum vz_state from, to;
	const char *verb;
	float off, via;
} edges[] = {
	{ VZ_ST_NONE, VZ_ST_CREATED, "create", 0, 0 },
	{ VZ_ST_CREATED, VZ_ST_RUNNING, "start", 0, 0 },
	{ VZ_ST_RUNNING, VZ_ST_PAUSED, "pause", -24, 0 },
	{ VZ_ST_PAUSED, VZ_ST_RUNNING, "resume", -24, 0 },
	{ VZ_ST_RUNNING, VZ_ST_STOPPED, "exit / stop", -24, 0 },
	{ VZ_ST_STOPPED, VZ_ST_RUNNING, "start", -24, 0 },
	{ VZ_ST_STOPPED, VZ_ST_REMOVED, "rm", 0, 0 },
	{ VZ_ST_CREATED, VZ_ST_REMOVED, "rm", 0, 760 },
};

#define NODE_W 250
#define NODE_H 100

/* The edge's end points on the borders of its two boxes, shifted sideways by `off`. */
static void edge_ends(int i, float *x0, float *y0, float *x1, float *y1)
{
	float ax = node_pos[edges[i].from].x, ay = node_pos[edges[i].from].y;
	float bx = node_pos[edges[i].to].x, by = node_pos[edges[i].to].y;
	float dx = bx - ax, dy = by - ay, len = sqrtf(dx * dx + dy * dy);
	float ux = dx / len, uy = dy / len, off = edges[i].off;
	/* Leave each box where the straight line crosses its border. */
	float tx = fabsf(ux) > 1e-3f ? (NODE_W / 2.0f + 8) / fabsf(ux) : 1e9f;
	float ty = fabsf(uy) > 1e-3f ? (NODE_H / 2.0f + 8) / fabsf(uy) : 1e9f;
	float t = fminf(tx, ty);
	float t0 = edges[i].from == VZ_ST_NONE ? 40 : t;
	*x0 = ax + ux * t0 - uy * off;
	*y0 = ay + uy * t0 + ux * off;
	*x1 = bx - ux * t - uy * off;
	*y1 = by - uy * t + ux * off;
}

/* The label sits outside its arrow, on the side the offset pushed the arrow to. */
static void edge_label(struct vz_render *rd, const struct vz_view *v, int i, float x0, float y0,
		       float x1, float y1, bool bold, struct vz_color c)
{
	float mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	float nx = -dy / len, ny = dx / len;
	bool horizontal = fabsf(ny) > fabsf(nx);
	bool flip = edges[i].off < 0 || (edges[i].off == 0 && (horizontal ? ny > 0 : nx < 0));
	if (flip) {
		nx = -nx;
		ny = -ny;
	}
	enum vz_font f = bold ? VZ_F_FACT_B : VZ_F_FACT;
	if (horizontal) /* a horizontal arrow: the label above or below */
		vz_rd_text(rd, f, mx, ny < 0 ? my - 44 : my + 10, VZ_CENTER, 0, c, edges[i].verb);
	else
		vz_rd_text(rd, f, nx < 0 ? mx - 16 : mx + 16, my - 16, nx < 0 ? VZ_RIGHT : VZ_LEFT,
			   0, c, edges[i].verb);
}

/* An edge routed below the diagram; returns the dot's position at progress k. */
static void edge_via(struct vz_render *rd, int i, float thick, struct vz_color c, double k,
		     float *dx, float *dy)
{
	float ax = node_pos[edges[i].from].x, ay = node_pos[edges[i].from].y + NODE_H / 2.0f + 8;
	float bx = node_pos[edges[i].to].x, by = node_pos[edges[i].to].y + NODE_H / 2.0f + 8;
	float y = edges[i].via;
	vz_rd_line(rd, ax, ay, ax, y + thick / 2, thick, c);
	vz_rd_line(rd, ax - thick / 2, y, bx + thick / 2, y, thick, c);
	vz_arrow(rd, bx, y, bx, by, thick, c);
	float total = (y - ay) + (bx - ax) + (y - by), d = (float)k * total;
	if (d < y - ay)
		*dx = ax, *dy = ay + d;
	else if (d < y - ay + bx - ax)
		*dx = ax + d - (y - ay), *dy = y;
	else
		*dx = bx, *dy = y - (d - (y - ay) - (bx - ax));
}

static void lifecycle_edges(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		float x0, y0, x1, y1, px, py;
		bool taken = m->edge[edges[i].from][edges[i].to];
		bool now = taken && m->state_from == edges[i].from && m->state == edges[i].to;
		struct vz_color c = now ? th->glow : taken ? th->text2 : th->border;
		double k = vz_anim(v, m->state_tag, 0.6);
		if (edges[i].via > 0) {
			edge_via(rd, i, now ? 8 : 5, c, k, &px, &py);
			vz_rd_text(rd, now ? VZ_F_FACT_B : VZ_F_FACT,
				   (node_pos[edges[i].from].x + node_pos[edges[i].to].x) / 2,
				   edges[i].via + 10, VZ_CENTER, 0, taken ? th->text : th->text2,
				   edges[i].verb);
		} else {
			edge_ends(i, &x0, &y0, &x1, &y1);
			vz_arrow(rd, x0, y0, x1, y1, now ? 8 : 5, c);
			edge_label(rd, v, i, x0, y0, x1, y1, now, taken ? th->text : th->text2);
			px = x0 + (x1 - x0) * k;
			py = y0 + (y1 - y0) * k;
		}
		/* A dot travels the transition over 600 ms: the state change, as motion. */
		if (now && !v->reduced_motion && k < 1)
			vz_rd_disc(rd, px, py, 14, th->glow);
	}
}

static void lifecycle_nodes(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	struct vz_color col[VZ_ST_COUNT] = { th->border, th->host, th->ok,
					     th->warn,	 th->fail, th->text2 };
	vz_rd_disc(rd, node_pos[0].x, node_pos[0].y, 26, th->text2);
	for (int s = VZ_ST_CREATED; s < VZ_ST_COUNT; s++) {
		float x = node_pos[s].x - NODE_W / 2.0f, y = node_pos[s].y - NODE_H / 2.0f;
		bool cur = (int)m->state == s;
		double k = cur ? (v->reduced_motion ? vz_anim(v, m->state_tag, 0.15)
						    : vz_anim(v, m->state_tag, 0.6))
			       : 0;
		struct vz_color fill = cur ? vz_mix(th->panel, col[s], 0.35 * k) : th->panel;
		struct vz_color border = m->visited[s] ? col[s] : th->border;
		if (cur)
			vz_panel(rd, v, x, y, NODE_W, NODE_H, border, m->state_tag);
		vz_rd_box(rd, x, y, NODE_W, NODE_H, 18, fill, cur ? 8 : 4, border);
		vz_rd_text(rd, cur ? VZ_F_LABEL_B : VZ_F_LABEL, node_pos[s].x, node_pos[s].y - 20,
			   VZ_CENTER, 0, m->visited[s] ? th->text : th->text2, vz_state_names[s]);
	}
}

static void lifecycle_facts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "What the engine reports");
	y = vz_fact(rd, v, y, "state", vz_state_names[m->state], m->state_tag);
	snprintf(buf, sizeof buf, "%d", m->pid);
	y = vz_fact(rd, v, y, "PID on the host", m->pid ? buf : "-", m->pid_tag);
	int ok = 0, failed = 0;
	for (int i = 0; i < m->n_steps; i++) {
		ok += m->steps[i].state == VZ_STEP_OK;
		failed += m->steps[i].state == VZ_STEP_FAILED;
	}
	snprintf(buf, sizeof buf, "%d/%d", ok, m->total_steps);
	y = vz_fact(rd, v, y, "steps done", buf, -1);
	snprintf(buf, sizeof buf, "%d", failed);
	y = vz_fact(rd, v, y, "steps failed", buf, -1);
	if (m->exit.valid) {
		snprintf(buf, sizeof buf, "%d", m->exit.exit_code);
		y = vz_fact(rd, v, y, "exit code", buf, m->exit.tag);
		y = vz_fact(rd, v, y, "killed by", m->exit.signal[0] ? m->exit.signal : "-",
			    m->exit.tag);
		y = vz_fact(rd, v, y, "OOM killed", m->exit.oom_killed ? "yes" : "no", m->exit.tag);
	}
	if (m->argv[0]) {
		y = vz_fact_head(rd, v, y + 16, "command");
		vz_rd_text(rd, VZ_F_MONO, VZ_FACTS_X + 24, y, VZ_LEFT, VZ_FACTS_W - 48, v->th->text,
			   m->argv);
	}
}

void vz_stage_lifecycle(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	lifecycle_edges(rd, m, v);
	lifecycle_nodes(rd, m, v);
	if (m->exit.valid) {
		char buf[96];
		snprintf(buf, sizeof buf, "last exit: code %d%s%s%s", m->exit.exit_code,
			 m->exit.signal[0] ? " (" : "", m->exit.signal,
			 m->exit.signal[0] ? ")" : "");
		vz_rd_text(rd, VZ_F_LABEL, VZ_STAGE_X + 24, 790, VZ_LEFT, 0, v->th->text, buf);
	}
	lifecycle_facts(rd, m, v);
}

/* ------------------------------------------------------------ namespaces */

#define NS_COL_HOST 430
#define NS_COL_CONT 800

static void ns_header(struct vz_render *rd, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	vz_rd_box(rd, 270, VZ_STAGE_Y + 8, 340, 56, 14, vz_mix(th->panel, th->host, 0.2), 4,
		  th->host);
	vz_rd_text(rd, VZ_F_LABEL_B, 440, VZ_STAGE_Y + 18, VZ_CENTER, 0, th->text, "Host view");
	vz_rd_box(rd, 640, VZ_STAGE_Y + 8, 340, 56, 14, vz_mix(th->panel, th->cont, 0.2), 4,
		  th->cont);
	vz_rd_text(rd, VZ_F_LABEL_B, 810, VZ_STAGE_Y + 18, VZ_CENTER, 0, th->text,
		   "Container view");
}

/* One row: kind, host value, container value, and the verdict in a word and a shape. */
static void ns_row(struct vz_render *rd, const struct vz_view *v, float y, const char *kind,
		   const char *host, const char *cont, int verdict, int tag)
{
	const struct vz_theme *th = v->th;
	double g = vz_glow(v, tag);
	if (g > 0)
		vz_rd_box(rd, 64, y - 4, 1296, 42, 8, vz_alpha(th->glow, 0.4 * g), 0, th->glow);
	vz_rd_text(rd, VZ_F_FACT_B, 250, y, VZ_RIGHT, 0, th->text, kind);
	vz_rd_text(rd, VZ_F_MONO, 440, y, VZ_CENTER, 0, th->text, host);
	vz_rd_text(rd, VZ_F_MONO, 810, y, VZ_CENTER, 0, th->text, cont);
	if (verdict == 0)
		return;
	bool own = verdict > 0;
	vz_rd_box(rd, 1010, y - 2, 300, 36, 18, vz_mix(th->panel, own ? th->ok : th->fail, 0.25), 3,
		  own ? th->ok : th->fail);
	vz_rd_text(rd, VZ_F_FACT_B, 1160, y, VZ_CENTER, 0, th->text,
		   own ? "\xe2\x9c\x93 isolated" : "\xe2\x9c\x97 shared");
}

static void ns_table(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char h[32], c[32];
	float y = VZ_STAGE_Y + 90;
	for (int i = 0; i < VZ_NS_KINDS; i++, y += 46) {
		snprintf(h, sizeof h, m->ns_host[i] ? "%llu" : "-", m->ns_host[i]);
		snprintf(c, sizeof c, m->ns[i] ? "%llu" : "-", m->ns[i]);
		int verdict = m->ns[i] && m->ns_host[i] ? (m->ns[i] != m->ns_host[i] ? 1 : -1) : 0;
		ns_row(rd, v, y, vz_ns_kinds[i], h, c, verdict, m->ns_tag);
	}
	y += 14;
	vz_rd_rect(rd, 64, y - 10, 1296, 3, v->th->border);
	if (m->pid) {
		snprintf(h, sizeof h, "%d", m->pid);
		snprintf(c, sizeof c, "%d", m->n_nspid ? m->nspid[m->n_nspid - 1] : m->pid);
		ns_row(rd, v, y, "PID", h, c, m->n_nspid > 1 ? 1 : 0, m->pid_tag);
		y += 46;
	}
	if (m->hostname[0] || m->host_hostname[0]) {
		char hb[40], cb[40];
		ns_row(rd, v, y, "hostname",
		       vz_fit(rd, VZ_F_MONO, m->host_hostname, 300, hb, sizeof hb),
		       vz_fit(rd, VZ_F_MONO, m->hostname, 300, cb, sizeof cb),
		       m->hostname[0] && m->host_hostname[0]
			       ? (strcmp(m->hostname, m->host_hostname) ? 1 : -1)
			       : 0,
		       m->hostname_tag);
	}
}

/* The container's mount table, as /proc/PID/mountinfo shows it from inside. */
static void ns_mounts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	if (m->n_mounts == 0)
		return;
	const struct vz_theme *th = v->th;
	float y0 = 652;
	vz_rd_text(rd, VZ_F_FACT_B, 72, y0, VZ_LEFT, 0, th->text2,
		   "Mount table inside the container");
	int shown = m->n_mounts > 8 ? 8 : m->n_mounts;
	for (int i = 0; i < shown; i++) {
		char line[160], fit[160];
		snprintf(line, sizeof line, "%s  %s", m->mounts[i].target, m->mounts[i].fstype);
		float x = 72 + (i / 4) * 650.0f, y = y0 + 34 + (i % 4) * 32.0f;
		vz_rd_text(rd, VZ_F_MONO, x, y, VZ_LEFT, 0, th->text,
			   vz_fit(rd, VZ_F_MONO, line, 620, fit, sizeof fit));
	}
	if (vz_glow(v, m->mounts_tag) > 0)
		vz_rd_box(rd, 60, y0 - 8, 1300, 180, 12, vz_alpha(th->glow, 0), 5,
			  vz_alpha(th->glow, vz_glow(v, m->mounts_tag)));
}

/* Who holds which terminal: yours stays with glassbox (it relays), the container has a
 * session of its own and at most a pty of its own devpts (tty_nr major 136). */
static void ns_terminal(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
			float y)
{
	if (!m->tty_known)
		return;
	char buf[64];
	y = vz_fact_head(rd, v, y + 16, "terminals (/proc/PID/stat)");
	y = vz_fact(rd, v, y, "yours", "relayed", m->tty_tag);
	if (m->tty_nr)
		snprintf(buf, sizeof buf, "pts/%d, own",
			 (m->tty_nr & 0xff) | ((m->tty_nr >> 12) & 0xfff00));
	y = vz_fact(rd, v, y, "its tty", m->tty_nr ? buf : "none", m->tty_tag);
	snprintf(buf, sizeof buf, "%d, own", m->session);
	y = vz_fact(rd, v, y, "session", buf, m->tty_tag);
	int n = 0;
	for (int i = 0; i < 3; i++) {
		const char *f = m->fds[i];
		const char *word = !strncmp(f, "pipe:", 5)	 ? "pipe"
				   : !strcmp(f, "/dev/null")	 ? "null"
				   : !strncmp(f, "/dev/pts/", 9) ? f + 5
								 : "file";
		n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%s", i ? " " : "", word);
	}
	vz_fact(rd, v, y, "fds 0-2", buf, m->tty_tag);
}

static void ns_facts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20, "/proc/PID/status");
	snprintf(buf, sizeof buf, "%d", m->pid);
	y = vz_fact(rd, v, y, "host PID", m->pid ? buf : "-", m->pid_tag);
	int n = 0;
	buf[0] = '\0';
	for (int i = 0; i < m->n_nspid; i++)
		n += snprintf(buf + n, sizeof buf - n, "%s%d", i ? " " : "", m->nspid[i]);
	y = vz_fact(rd, v, y, "NSpid", m->n_nspid ? buf : "-", m->pid_tag);
	int own = 0, known = 0;
	for (int i = 0; i < VZ_NS_KINDS; i++)
		if (m->ns[i] && m->ns_host[i]) {
			known++;
			own += m->ns[i] != m->ns_host[i];
		}
	snprintf(buf, sizeof buf, "%d of %d", own, known);
	y = vz_fact(rd, v, y, "own namespaces", known ? buf : "-", m->ns_tag);
	y = vz_fact_head(rd, v, y + 16, "inside");
	y = vz_fact(rd, v, y, "hostname", m->hostname[0] ? m->hostname : "-", m->hostname_tag);
	snprintf(buf, sizeof buf, "%d", m->n_mounts);
	y = vz_fact(rd, v, y, "mounts", buf, m->mounts_tag);
	for (int i = 0; i < m->n_links && i < 4; i++) {
		snprintf(buf, sizeof buf, "%s %s", m->links[i].name,
			 !m->links[i].up_known ? ""
			 : m->links[i].up      ? "UP"
					       : "DOWN");
		y = vz_fact(rd, v, y, i ? "" : "interfaces", buf, m->links_tag);
	}
	ns_terminal(rd, m, v, y);
}

void vz_stage_namespaces(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	ns_header(rd, v);
	ns_table(rd, m, v);
	ns_mounts(rd, m, v);
	ns_facts(rd, m, v);
}

/* ------------------------------------------------------------ cgroups */

/* A gauge: usage against a limit, eased from the previous sample. */
static void gauge(struct vz_render *rd, const struct vz_view *v, float y, const char *title,
		  const struct vz_num *use, double limit, bool wall, const char *text, bool killed)
{
	const struct vz_theme *th = v->th;
	const float x = 96, w = 1180, h = 84;
	vz_rd_text(rd, VZ_F_LABEL_B, x, y, VZ_LEFT, 0, th->text, title);
	vz_rd_text(rd, VZ_F_MONO, x + w, y + 4, VZ_RIGHT, 0, th->text, text);
	y += 48;
	double k = v->reduced_motion ? 1 : vz_anim(v, use->tag, 0.3);
	double val = use->before + (use->now - use->before) * k;
	double frac = limit > 0 ? val / limit : 0;
	frac = frac < 0 ? 0 : frac > 1 ? 1 : frac;
	struct vz_color c = killed || frac >= 0.999 ? th->fail : frac >= 0.8 ? th->warn : th->ok;
	vz_panel(rd, v, x, y, w, h, th->border, use->tag);
	if (frac > 0)
		vz_rd_box(rd, x + 4, y + 4, (w - 8) * frac, h - 8, 10, c, 0, c);
	if (limit <= 0) {
		vz_rd_text(rd, VZ_F_LABEL, x + w / 2, y + 24, VZ_CENTER, 0, th->text2,
			   "no limit set");
		return;
	}
	/* The limit is a wall: a thick stroke at the right end. */
	if (wall)
		vz_rd_line(rd, x + w, y - 12, x + w, y + h + 12, 8, th->text);
	if (killed)
		vz_rd_text(rd, VZ_F_LABEL_B, x + 24, y + 24, VZ_LEFT, 0, th->text,
			   "\xe2\x9c\x97 limit reached: OOM kill");
}

static void cg_gauges(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char text[96], a[32], b[32];
	vz_human_bytes(a, sizeof a, m->mem_usage.now);
	vz_human_bytes(b, sizeof b, m->mem_limit.now);
	snprintf(text, sizeof text, "%s of %s", a, m->mem_limit.now > 0 ? b : "unlimited");
	gauge(rd, v, VZ_STAGE_Y + 16, "Memory", &m->mem_usage, m->mem_limit.now, true, text,
	      m->oom_count > 0);
	double quota = m->cpu_period.now > 0 && m->cpu_quota.now > 0
			       ? 100.0 * m->cpu_quota.now / m->cpu_period.now
			       : 0;
	if (quota > 0)
		snprintf(text, sizeof text, "%.0f%% of %.0f%% (%s)", m->cpu_percent.now, quota,
			 m->cg_v1 ? "cfs_quota_us" : "cpu.max");
	else /* no quota: measure against one CPU */
		snprintf(text, sizeof text, "%.0f%% of one CPU, no quota", m->cpu_percent.now);
	gauge(rd, v, VZ_STAGE_Y + 216, "CPU", &m->cpu_percent, quota > 0 ? quota : 100, quota > 0,
	      text, false);
	snprintf(text, sizeof text, m->pids_max.now > 0 ? "%.0f of %.0f" : "%.0f", m->pids_cur.now,
		 m->pids_max.now);
	gauge(rd, v, VZ_STAGE_Y + 416, "Processes", &m->pids_cur, m->pids_max.now, true, text,
	      false);
}

static void cg_badges(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	char buf[96];
	float y = VZ_STAGE_Y + 620;
	if (m->oom_count > 0) {
		vz_panel(rd, v, 96, y, 420, 72, th->fail, m->oom_tag);
		vz_rd_box(rd, 96, y, 420, 72, 14, vz_mix(th->panel, th->fail, 0.3), 6, th->fail);
		snprintf(buf, sizeof buf, "OOM kills: %d", m->oom_count);
		vz_rd_text(rd, VZ_F_LABEL_B, 306, y + 18, VZ_CENTER, 0, th->text, buf);
	}
	if (m->nr_throttled.now > 0) {
		snprintf(buf, sizeof buf, "throttled %.0f times (%.0f ms)", m->nr_throttled.now,
			 m->throttled_ns.now / 1e6);
		vz_rd_text(rd, VZ_F_LABEL, 560, y + 18, VZ_LEFT, 0, th->text, buf);
	}
	if (m->freezer[0]) {
		snprintf(buf, sizeof buf, "freezer: %s", m->freezer);
		vz_rd_text(rd, VZ_F_LABEL, 1276, y + 18, VZ_RIGHT, 0, th->text, buf);
	}
	if (m->n_samples == 0)
		vz_rd_text(rd, VZ_F_LABEL, 96, y + 18, VZ_LEFT, 0, th->text2,
			   "No resource samples yet: they come once the container runs.");
}

static void cg_facts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	char buf[48];
	/* The files the numbers come from, by their names in this host's layout. */
	static const char *const v2[] = { "memory.current", "memory.max", "memory.peak",
					  "oom_kill",	    "cpu.max",	  "nr_throttled" };
	static const char *const v1[] = { "usage_in_bytes",	"limit_in_bytes",
					  "max_usage_in_bytes", "oom_kill",
					  "cfs_quota/period",	"nr_throttled" };
	const char *const *f = m->cg_v1 ? v1 : v2;
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 20,
			       m->cg_v1 ? "cgroupfs (v1) says" : "cgroupfs says");
	snprintf(buf, sizeof buf, "%.0f", m->mem_usage.now);
	y = vz_fact(rd, v, y, f[0], buf, m->mem_usage.tag);
	snprintf(buf, sizeof buf, m->mem_limit.now > 0 ? "%.0f" : "max", m->mem_limit.now);
	y = vz_fact(rd, v, y, f[1], buf, m->mem_limit.tag);
	snprintf(buf, sizeof buf, "%.0f", m->mem_max.now);
	y = vz_fact(rd, v, y, f[2], m->mem_max.known ? buf : "-", m->mem_max.tag);
	snprintf(buf, sizeof buf, "%d", m->oom_count);
	y = vz_fact(rd, v, y, f[3], buf, m->oom_tag);
	if (m->cpu_quota.now > 0)
		snprintf(buf, sizeof buf, "%.0f %.0f", m->cpu_quota.now, m->cpu_period.now);
	else
		snprintf(buf, sizeof buf, "max");
	y = vz_fact(rd, v, y, f[4], buf, m->cpu_quota.tag);
	snprintf(buf, sizeof buf, "%.0f", m->nr_throttled.now);
	y = vz_fact(rd, v, y, f[5], buf, m->nr_throttled.tag);
	snprintf(buf, sizeof buf, "%.0f", m->pids_cur.now);
	y = vz_fact(rd, v, y, "pids.current", buf, m->pids_cur.tag);
	snprintf(buf, sizeof buf, m->pids_max.now > 0 ? "%.0f" : "max", m->pids_max.now);
	vz_fact(rd, v, y, "pids.max", buf, m->pids_max.tag);
}

void vz_stage_cgroups(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	cg_gauges(rd, m, v);
	cg_badges(rd, m, v);
	cg_facts(rd, m, v);
}
