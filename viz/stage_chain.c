/* The chain scene: who asked for an OCI container. Top-down, the processes glassbox-runc
 * create found in /proc (event oci.chain): with Docker the docker CLI, dockerd, containerd,
 * the shim, glassbox-runc create and the container's PID 1, each with its real host PID;
 * between two boxes, how the upper one reached the lower one (a parent, a socket, runc's
 * command line). The facts panel: the last verb the client called, and by whom. */
#include <stdio.h>
#include <string.h>

#include "scene.h"

#define BOX_X (VZ_STAGE_X + 24)
#define BOX_W 1280.0f
#define BOX_H 84.0f
#define GAP 40.0f

static struct vz_color side_of(const struct vz_theme *th, const char *role)
{
	if (!strcmp(role, "pid1"))
		return th->cont;
	if (!strcmp(role, "runtime"))
		return th->ok;
	return th->host;
}

static const char *title_of(const struct vz_chain_link *k)
{
	if (!strcmp(k->role, "caller"))
		return !strncmp(k->comm, "containerd-shim", 15) ? "containerd's shim" : k->comm;
	if (!strcmp(k->role, "runtime"))
		return "glassbox-runc create";
	if (!strcmp(k->role, "pid1"))
		return "the container's PID 1";
	return k->role;
}

/* How the upper link reached the lower one, in a few words on the arrow. */
static const char *edge_words(const struct vz_chain_link *up, const struct vz_chain_link *dn)
{
	if (!strcmp(up->role, "docker CLI"))
		return "HTTP on dockerd's socket";
	if (!strcmp(dn->role, "caller") && !strcmp(up->role, "containerd"))
		return "starts the shim (ttrpc), which daemonizes";
	if (!strcmp(dn->role, "runtime"))
		return "runs runc's command line: create";
	if (!strcmp(dn->role, "pid1"))
		return "clone() + the steps; create exits, the shim reaps PID 1";
	if (dn->ppid == up->pid)
		return "its parent (fork + exec)";
	return "";
}

/* A command line's head (its program and first flags say most), cut with "…" to fit. */
static const char *head_fit(struct vz_render *rd, const char *s, float maxw, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s);
	size_t n = strlen(buf);
	while (n > 0 && vz_rd_text_width(rd, VZ_F_MONO, buf) > maxw) {
		n = n > 8 ? n - 4 : n - 1;
		while (n > 0 && (buf[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
		snprintf(buf + n, len - n, "…");
	}
	return buf;
}

/* What to show under a link's name: the runtime from its verb on; PID 1, which is still
 * glassbox's code at create, what it waits for. */
static const char *detail_of(const struct vz_chain_link *k)
{
	if (!strcmp(k->role, "pid1") && !strncmp(k->comm, "glassbox", 8))
		return "still glassbox's code: blocked in open(exec.fifo) until start, then execve";
	return k->args[0] ? k->args : k->comm;
}

static void link_box(struct vz_render *rd, const struct vz_view *v, const struct vz_chain_link *k,
		     float y, int tag)
{
	const struct vz_theme *th = v->th;
	struct vz_color side = side_of(th, k->role);
	vz_panel(rd, v, BOX_X, y, BOX_W, BOX_H, side, tag);
	vz_rd_rect(rd, BOX_X + 4, y + 4, 14, BOX_H - 8, side);
	vz_rd_text(rd, VZ_F_LABEL_B, BOX_X + 36, y + 8, VZ_LEFT, 0, th->text, title_of(k));
	char pid[48], fit[200];
	snprintf(pid, sizeof pid, "pid %d", k->pid);
	vz_rd_text(rd, VZ_F_MONO, BOX_X + BOX_W - 24, y + 14, VZ_RIGHT, 0, th->text, pid);
	vz_rd_text(rd, VZ_F_MONO, BOX_X + 36, y + 48, VZ_LEFT, 0, th->text2,
		   head_fit(rd, detail_of(k), BOX_W - 60, fit, sizeof fit));
}

static void empty(struct vz_render *rd, const struct vz_view *v)
{
	vz_rd_text(
		rd, VZ_F_LABEL, VZ_STAGE_X + 24, VZ_STAGE_Y + 40, VZ_LEFT, VZ_STAGE_W - 48,
		v->th->text2,
		"No oci.chain event in this stream yet. A container that Docker, containerd or "
		"podman makes through glassbox-runc writes one at create, to the file of its "
		"org.glassbox.events annotation or of glassbox-runc --events-dir (docs/oci.md).");
}

static void facts(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_chain *c = &m->chain;
	char buf[64];
	float y = vz_fact_head(rd, v, VZ_STAGE_Y + 24, "What the client asks");
	y = vz_fact(rd, v, y, "last verb", c->verb[0] ? c->verb : "-", c->verb_tag);
	y = vz_fact(rd, v, y, "asked by", c->caller[0] ? c->caller : "-", c->verb_tag);
	snprintf(buf, sizeof buf, "%d", c->caller_pid);
	y = vz_fact(rd, v, y, "its pid", c->caller_pid ? buf : "-", c->verb_tag);
	snprintf(buf, sizeof buf, "%d", c->n_requests);
	y = vz_fact(rd, v, y, "requests so far", buf, c->verb_tag);
	y = vz_fact_head(rd, v, y + 24, "Processes (host PIDs)");
	for (int i = 0; i < c->n; i++) {
		snprintf(buf, sizeof buf, "%d", c->links[i].pid);
		y = vz_fact(rd, v, y, c->links[i].role, buf, c->tag);
	}
}

void vz_stage_chain(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_chain *c = &m->chain;
	facts(rd, m, v);
	if (c->n == 0) {
		empty(rd, v);
		return;
	}
	/* Centred in the stage's height, however many links /proc still showed. */
	float h = c->n * BOX_H + (c->n - 1) * GAP;
	float y = VZ_STAGE_Y + (VZ_STAGE_H - h) / 2;
	for (int i = 0; i < c->n; i++) {
		float top = y + i * (BOX_H + GAP);
		/* Each link appears in turn, top-down, when the chain arrives (fades only). */
		double k = vz_anim(v, c->tag, 0.15 * (i + 1));
		if (k < 1 && !v->reduced_motion && vz_glow(v, c->tag) > 0 && k <= 0.01)
			continue;
		link_box(rd, v, &c->links[i], top, c->tag);
		if (i + 1 == c->n)
			continue;
		float ax = BOX_X + 120;
		vz_arrow(rd, ax, top + BOX_H + 2, ax, top + BOX_H + GAP - 2, 5, v->th->text2);
		vz_rd_text(rd, VZ_F_FACT, ax + 24, top + BOX_H + 5, VZ_LEFT, 0, v->th->text2,
			   edge_words(&c->links[i], &c->links[i + 1]));
	}
}
