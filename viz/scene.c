/* The frame every scene shares (VIZ.md): title bar, facts panel, caption, step strip,
 * help overlay; plus the easing and glow helpers that make motion a function of time. */
#include "scene.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define RGB(h)                                                                                     \
	{                                                                                          \
		((h) >> 16) & 0xff, ((h) >> 8) & 0xff, (h)&0xff, 255                               \
	}

/* Okabe-Ito colours on the two themes of VIZ.md. */
const struct vz_theme vz_theme_light = {
	.bg = RGB(0xfafafa),
	.panel = RGB(0xffffff),
	.border = RGB(0xc9ced8),
	.text = RGB(0x111111),
	.text2 = RGB(0x4a5163),
	.host = RGB(0x0072b2),
	.cont = RGB(0xe69f00),
	.ok = RGB(0x009e73),
	.warn = RGB(0xf0e442),
	.fail = RGB(0xd55e00),
	.glow = RGB(0xcc79a7),
	.dim = RGB(0xeef0f4),
};
const struct vz_theme vz_theme_dark = {
	.bg = RGB(0x10141c),
	.panel = RGB(0x1b2130),
	.border = RGB(0x2c3447),
	.text = RGB(0xf2f2f2),
	.text2 = RGB(0xa9b1c3),
	.host = RGB(0x56b4e9),
	.cont = RGB(0xe69f00),
	.ok = RGB(0x009e73),
	.warn = RGB(0xf0e442),
	.fail = RGB(0xd55e00),
	.glow = RGB(0xcc79a7),
	.dim = RGB(0x232a3b),
};

static const char *const scene_titles[VZ_SC_COUNT] = {
	"Lifecycle",	     "Namespaces", "Cgroups",		"Overlay filesystem",
	"PID 1 and signals", "Network",	   "Containers vs VMs", "Who asked: the OCI chain"
};

/* ------------------------------------------------------------ motion */

static double ease_in_out(double k)
{
	return k < 0.5 ? 4 * k * k * k : 1 - pow(-2 * k + 2, 3) / 2;
}

double vz_anim(const struct vz_view *v, int tag, double dur)
{
	if (tag != v->beat)
		return 1;
	double k = v->tb / dur;
	k = k < 0 ? 0 : k > 1 ? 1 : k;
	return ease_in_out(k);
}

double vz_glow(const struct vz_view *v, int tag)
{
	if (tag != v->beat || v->tb >= 1.5)
		return 0;
	return 1 - v->tb / 1.5;
}

struct vz_color vz_mix(struct vz_color a, struct vz_color b, double k)
{
	k = k < 0 ? 0 : k > 1 ? 1 : k;
	return (struct vz_color){ (uint8_t)lround(a.r + (b.r - a.r) * k),
				  (uint8_t)lround(a.g + (b.g - a.g) * k),
				  (uint8_t)lround(a.b + (b.b - a.b) * k), a.a };
}

struct vz_color vz_alpha(struct vz_color c, double a)
{
	c.a = (uint8_t)lround(255 * (a < 0 ? 0 : a > 1 ? 1 : a));
	return c;
}

void vz_panel(struct vz_render *rd, const struct vz_view *v, float x, float y, float w, float h,
	      struct vz_color border, int tag)
{
	double g = vz_glow(v, tag);
	if (g > 0)
		vz_rd_box(rd, x - 8, y - 8, w + 16, h + 16, 20, vz_alpha(v->th->glow, 0.35 * g), 6,
			  vz_alpha(v->th->glow, g));
	vz_rd_box(rd, x, y, w, h, 14, v->th->panel, 4, border);
}

void vz_human_bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (b >= 1024 && u < 4) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

const char *vz_fit(struct vz_render *rd, enum vz_font f, const char *s, float maxw, char *buf,
		   size_t len)
{
	if (vz_rd_text_width(rd, f, s) <= maxw)
		return s;
	size_t n = strlen(s);
	for (size_t skip = 1; skip < n; skip++) {
		if (((unsigned char)s[skip] & 0xc0) == 0x80)
			continue; /* never cut a UTF-8 character in half */
		snprintf(buf, len, "\xe2\x80\xa6%s", s + skip);
		if (vz_rd_text_width(rd, f, buf) <= maxw)
			return buf;
	}
	return "";
}

void vz_arrow(struct vz_render *rd, float x0, float y0, float x1, float y1, float thick,
	      struct vz_color c)
{
	float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
	if (len < 1)
		return;
	float ux = dx / len, uy = dy / len, head = 14 + thick * 2.5f, half = head * 0.55f;
	/* The shaft stops inside the head, so the tip stays sharp. */
	vz_rd_line(rd, x0, y0, x1 - ux * head * 0.8f, y1 - uy * head * 0.8f, thick, c);
	float bx = x1 - ux * head, by = y1 - uy * head;
	vz_rd_triangle(rd, x1, y1, bx - uy * half, by + ux * half, bx + uy * half, by - ux * half,
		       c);
}

/* ------------------------------------------------------------ facts panel */

float vz_fact_head(struct vz_render *rd, const struct vz_view *v, float y, const char *head)
{
	vz_rd_text(rd, VZ_F_FACT_B, VZ_FACTS_X + 24, y, VZ_LEFT, 0, v->th->text2, head);
	return y + 40;
}

float vz_fact(struct vz_render *rd, const struct vz_view *v, float y, const char *label,
	      const char *value, int tag)
{
	double g = vz_glow(v, tag);
	if (g > 0)
		vz_rd_box(rd, VZ_FACTS_X + 10, y - 4, VZ_FACTS_W - 20, 40, 8,
			  vz_alpha(v->th->glow, 0.45 * g), 0, v->th->glow);
	vz_rd_text(rd, VZ_F_FACT, VZ_FACTS_X + 24, y, VZ_LEFT, 0, v->th->text, label);
	vz_rd_text(rd, VZ_F_MONO, VZ_FACTS_X + VZ_FACTS_W - 24, y, VZ_RIGHT, 0, v->th->text, value);
	return y + 40;
}

/* ------------------------------------------------------------ title, caption */

static void state_badge(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
			float x)
{
	static const char *const words[VZ_ST_COUNT] = { "NOT CREATED", "CREATED", "RUNNING",
							"PAUSED",      "STOPPED", "REMOVED" };
	const struct vz_theme *th = v->th;
	struct vz_color c[VZ_ST_COUNT] = { th->border, th->host, th->ok,
					   th->warn,   th->fail, th->border };
	float w = vz_rd_text_width(rd, VZ_F_FACT_B, words[m->state]) + 40;
	struct vz_color fill = vz_mix(th->panel, c[m->state], 0.25);
	vz_rd_box(rd, x, 32, w, 48, 24, fill, 4, c[m->state]);
	vz_rd_text(rd, VZ_F_FACT_B, x + w / 2, 40, VZ_CENTER, 0, th->text, words[m->state]);
}

static void title_bar(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
		      int scene)
{
	const struct vz_theme *th = v->th;
	vz_rd_rect(rd, 0, 0, VZ_W, 104, th->panel);
	vz_rd_rect(rd, 0, 102, VZ_W, 3, th->border);
	char title[96];
	if (v->title)
		snprintf(title, sizeof title, "%s", v->title);
	else
		snprintf(title, sizeof title, "%d  %s", scene + 1, scene_titles[scene]);
	vz_rd_text(rd, VZ_F_TITLE, VZ_M, 28, VZ_LEFT, 0, th->text, title);
	float x = VZ_M + vz_rd_text_width(rd, VZ_F_TITLE, title) + 32;
	if (m->name[0] || m->id[0]) {
		/* A name as long as Docker's 64-hex ids (OCI containers): its head, so the
		 * state badge and the step count keep their room. */
		char name[40];
		const char *full = m->name[0] ? m->name : m->id;
		snprintf(name, sizeof name, strlen(full) > 24 ? "%.16s…" : "%s", full);
		vz_rd_text(rd, VZ_F_LABEL, x, 36, VZ_LEFT, 0, th->text2, name);
		x += vz_rd_text_width(rd, VZ_F_LABEL, name) + 24;
	}
	if (!(m->race.seen && m->state == VZ_ST_NONE)) /* a compare alone has no lifecycle */
		state_badge(rd, m, v, x);
	char right[96];
	int n = snprintf(right, sizeof right, "%s", v->status ? v->status : "");
	if (m->total_steps && m->cur_step)
		snprintf(right + n, sizeof right - n, "%s%s%sstep %d/%d", n ? "   " : "", m->phase,
			 m->phase[0] ? " " : "", m->cur_step, m->total_steps);
	vz_rd_text(rd, VZ_F_LABEL, VZ_W - VZ_M, 36, VZ_RIGHT, 0, th->text2, right);
}

/* One small square per step of the start: done, failed, undone, now, to come. */
static void step_strip(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	int n = m->total_steps > m->n_steps ? m->total_steps : m->n_steps;
	if (n == 0)
		return;
	float w = (VZ_W - 2 * VZ_M - (n - 1) * 6.0f) / n;
	for (int i = 0; i < n; i++) {
		const struct vz_step *s = &m->steps[i];
		struct vz_color c = s->state == VZ_STEP_OK	 ? v->th->ok
				    : s->state == VZ_STEP_FAILED ? v->th->fail
				    : s->state == VZ_STEP_BEGUN	 ? v->th->glow
				    : s->state == VZ_STEP_UNDONE ? v->th->text2
								 : v->th->border;
		float x = VZ_M + i * (w + 6);
		vz_rd_rect(rd, x, 846, w, i + 1 == m->cur_step ? 14 : 8, c);
	}
}

static void caption(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	const struct vz_theme *th = v->th;
	struct vz_color border = m->cap_failed ? th->fail : th->border;
	vz_panel(rd, v, VZ_M, VZ_CAPTION_Y, VZ_W - 2 * VZ_M, 160, border, m->cap_tag);
	if (m->cap_failed)
		vz_rd_rect(rd, VZ_M + 4, VZ_CAPTION_Y + 4, 16, 152, th->fail);
	double k = v->reduced_motion ? 1 : vz_anim(v, m->cap_tag, 0.15);
	const char *call = m->cap_call[0] ? m->cap_call : "";
	const char *text =
		m->cap_text[0]
			? m->cap_text
			: (!m->cap_call[0] ? "Press Space or the right arrow for the next step."
					   : "");
	float y = VZ_CAPTION_Y + 16;
	/* Two lines of code type fit the caption (about 85 mono characters each at 1080p):
	 * a longer call (an overlay's lowerdir list) ends in an ellipsis, not mid-word. */
	char shown[154];
	size_t n = strlen(call);
	if (n >= sizeof shown - 4) {
		n = sizeof shown - 4;
		while (n > 0 && ((unsigned char)call[n] & 0xc0) == 0x80)
			n--; /* never cut a UTF-8 sequence */
		memcpy(shown, call, n);
		memcpy(shown + n, "\xe2\x80\xa6", 4);
		call = shown;
	}
	if (*call) /* a long call wraps; the sentence follows it */
		y += 8 + vz_rd_text(rd, VZ_F_CALL, VZ_M + 36, y, VZ_LEFT, VZ_W - 2 * VZ_M - 72,
				    vz_alpha(th->text, k), call);
	vz_rd_text(rd, VZ_F_SENT, VZ_M + 36, y, VZ_LEFT, VZ_W - 2 * VZ_M - 72,
		   vz_alpha(m->cap_failed ? th->text : th->text2, k), text);
}

static void help_overlay(struct vz_render *rd, const struct vz_view *v)
{
	static const char *const keys[][2] = {
		{ "Space  \xe2\x86\x92", "next step" },
		{ "\xe2\x86\x90", "back one step" },
		{ "Home  End", "first / last step" },
		{ "[  ]", "slower / faster autoplay" },
		{ "P", "pause / play" },
		{ "Tab  1-8", "next scene / scene N" },
		{ "0", "scenes follow the steps" },
		{ "F", "fullscreen" },
		{ "+  -", "zoom" },
		{ "D", "light / dark" },
		{ "?", "this help" },
		{ "Q  Esc", "quit" },
	};
	const struct vz_theme *th = v->th;
	vz_rd_rect(rd, 0, 0, VZ_W, VZ_H, vz_alpha(th->bg, 0.85));
	vz_rd_box(rd, 460, 140, 1000, 800, 20, th->panel, 4, th->host);
	vz_rd_text(rd, VZ_F_TITLE, 960, 168, VZ_CENTER, 0, th->text, "Keyboard");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		float y = 250 + i * 54.0f;
		vz_rd_text(rd, VZ_F_CALL, 820, y, VZ_RIGHT, 0, th->text, keys[i][0]);
		vz_rd_text(rd, VZ_F_LABEL, 870, y + 2, VZ_LEFT, 0, th->text2, keys[i][1]);
	}
}

/* A failed step is the news of its beat: say so on the stage too, with the hint. */
static void failure_banner(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v)
{
	if (!m->cur_step || m->steps[m->cur_step - 1].state != VZ_STEP_FAILED)
		return;
	const struct vz_step *s = &m->steps[m->cur_step - 1];
	const struct vz_theme *th = v->th;
	char buf[160];
	vz_rd_box(rd, VZ_STAGE_X + 16, 690, VZ_STAGE_W - 16, 140, 16,
		  vz_mix(th->panel, th->fail, 0.15), 6, th->fail);
	snprintf(buf, sizeof buf, "\xe2\x9c\x97 step %d, %s, failed: %s", s->index, s->name,
		 s->errno_name[0] ? s->errno_name : "error");
	vz_rd_text(rd, VZ_F_LABEL_B, VZ_STAGE_X + 40, 702, VZ_LEFT, 0, th->text, buf);
	vz_rd_text(rd, VZ_F_FACT, VZ_STAGE_X + 40, 746, VZ_LEFT, VZ_STAGE_W - 64, th->text,
		   s->hint[0] ? s->hint : "Every earlier step is undone, in reverse order.");
}

typedef void (*stage_fn)(struct vz_render *, const struct vz_model *, const struct vz_view *);

void vz_scene_draw(struct vz_render *rd, const struct vz_model *m, const struct vz_view *v,
		   int scene)
{
	static const stage_fn stages[VZ_SC_COUNT] = { vz_stage_lifecycle, vz_stage_namespaces,
						      vz_stage_cgroups,	  vz_stage_overlay,
						      vz_stage_pid1,	  vz_stage_network,
						      vz_stage_vms,	  vz_stage_chain };
	if (scene < 0 || scene >= VZ_SC_COUNT)
		scene = 0;
	vz_rd_clear(rd, v->th->bg);
	vz_rd_box(rd, VZ_FACTS_X, VZ_STAGE_Y, VZ_FACTS_W, 712, 14, v->th->panel, 3, v->th->border);
	stages[scene](rd, m, v);
	failure_banner(rd, m, v);
	title_bar(rd, m, v, scene);
	step_strip(rd, m, v);
	caption(rd, m, v);
	if (v->help)
		help_overlay(rd, v);
}

void vz_scene_message(struct vz_render *rd, const struct vz_view *v, const char *title,
		      const char *msg, const char *hint)
{
	const struct vz_theme *th = v->th;
	vz_rd_clear(rd, th->bg);
	vz_rd_rect(rd, 0, 0, VZ_W, 104, th->panel);
	vz_rd_text(rd, VZ_F_TITLE, VZ_M, 28, VZ_LEFT, 0, th->text, title);
	vz_rd_box(rd, 160, 300, 1600, 400, 20, th->panel, 6, th->fail);
	float y = 340 + vz_rd_text(rd, VZ_F_LABEL_B, 200, 340, VZ_LEFT, 1520, th->text, msg);
	if (hint && *hint)
		vz_rd_text(rd, VZ_F_LABEL, 200, y + 24, VZ_LEFT, 1520, th->text2, hint);
	if (v->help)
		help_overlay(rd, v);
}
