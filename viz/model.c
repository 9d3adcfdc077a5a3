/* Builds the model from events (docs/events.md). Pure bookkeeping: no SDL, no kernel
 * calls. Unknown event types and members are ignored, as the format requires, so a newer
 * engine never breaks an older visualizer. */
#include "model.h"

#include <stdio.h>
#include <string.h>

const char *const vz_state_names[VZ_ST_COUNT] = { "none",   "created", "running",
						  "paused", "stopped", "removed" };
const char *const vz_ns_kinds[VZ_NS_KINDS] = {
	"pid", "mnt", "uts", "ipc", "net", "cgroup", "user"
};
const char *const vz_scene_names[VZ_SC_COUNT] = { "lifecycle", "namespaces", "cgroups", "overlay",
						  "pid1",      "network",    "vms",	"chain" };

void vz_model_init(struct vz_model *m)
{
	memset(m, 0, sizeof *m);
	m->visited[VZ_ST_NONE] = true;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}
#define COPY(dst, src) copy((dst), sizeof(dst), (src))

static enum vz_state state_of(const char *s)
{
	for (int i = 0; s && i < VZ_ST_COUNT; i++)
		if (strcmp(s, vz_state_names[i]) == 0)
			return i;
	return VZ_ST_NONE;
}

int vz_scene_by_name(const char *name)
{
	for (int i = 0; i < VZ_SC_COUNT; i++)
		if (strcmp(name, vz_scene_names[i]) == 0)
			return i;
	return -1;
}

/* Record a new value; the old one is kept so the gauge can ease from it. */
static void num_set(struct vz_model *m, struct vz_num *n, const struct gb_jval *obj,
		    const char *key)
{
	const struct gb_jval *v = gb_jget(obj, key);
	if (!v || v->type != GB_JNUM)
		return;
	if (n->known && n->now == v->num)
		return;
	n->before = n->known ? n->now : v->num;
	n->now = v->num;
	n->known = true;
	n->tag = m->tag;
}

/* ------------------------------------------------------------ observed facts */

static void ns_read(const struct gb_jval *obj, unsigned long long out[VZ_NS_KINDS])
{
	for (int i = 0; obj && i < VZ_NS_KINDS; i++) {
		long long v = gb_jint(obj, vz_ns_kinds[i], 0);
		if (v > 0)
			out[i] = (unsigned long long)v;
	}
}

static void obs_mounts(struct vz_model *m, const struct gb_jval *arr)
{
	if (!arr || arr->type != GB_JARR)
		return;
	m->n_mounts = 0;
	for (const struct gb_jval *c = arr->child; c && m->n_mounts < VZ_MAX_MOUNTS; c = c->next) {
		struct vz_mount *mt = &m->mounts[m->n_mounts++];
		COPY(mt->target, gb_jstr(c, "target", "?"));
		COPY(mt->fstype, gb_jstr(c, "fstype", ""));
		COPY(mt->source, gb_jstr(c, "source", ""));
	}
	m->mounts_tag = m->tag;
}

static void obs_rootfs(struct vz_model *m, const struct gb_jval *r)
{
	if (!r || r->type != GB_JOBJ)
		return;
	const struct gb_jval *lower = gb_jget(r, "lower");
	m->n_lower = 0;
	for (const struct gb_jval *c = lower ? lower->child : NULL; c && m->n_lower < 4;
	     c = c->next)
		if (c->type == GB_JSTR)
			COPY(m->lower[m->n_lower++], c->str);
	COPY(m->upper, gb_jstr(r, "upper", ""));
	COPY(m->work, gb_jstr(r, "work", ""));
	m->rootfs_tag = m->tag;
}

static void obs_links(struct vz_model *m, const struct gb_jval *net)
{
	const struct gb_jval *links = gb_jget(net, "links");
	if (!links || links->type != GB_JARR)
		return;
	m->n_links = 0;
	for (const struct gb_jval *c = links->child; c && m->n_links < 6; c = c->next) {
		struct vz_link *l = &m->links[m->n_links++];
		memset(l, 0, sizeof *l);
		if (c->type == GB_JSTR) { /* just a name: state unknown */
			COPY(l->name, c->str);
			continue;
		}
		COPY(l->name, gb_jstr(c, "name", "?"));
		l->up = gb_jbool(c, "up", false);
		l->up_known = gb_jget(c, "up") != NULL;
		l->n_addrs = 0;
		const struct gb_jval *a = gb_jget(c, "addrs");
		for (const struct gb_jval *x = a ? a->child : NULL; x && l->n_addrs < 2;
		     x = x->next)
			if (x->type == GB_JSTR)
				COPY(l->addrs[l->n_addrs++], x->str);
	}
	m->links_tag = m->tag;
}

static int int_array(const struct gb_jval *arr, int *out, int max)
{
	int n = 0;
	for (const struct gb_jval *c = arr && arr->type == GB_JARR ? arr->child : NULL;
	     c && n < max; c = c->next)
		if (c->type == GB_JNUM)
			out[n++] = (int)gb_jval_int(c, 0);
	return n;
}

static void join_argv(char *buf, size_t len, const struct gb_jval *arr)
{
	buf[0] = '\0';
	size_t off = 0;
	for (const struct gb_jval *c = arr && arr->type == GB_JARR ? arr->child : NULL; c;
	     c = c->next)
		if (c->type == GB_JSTR && off < len)
			off += snprintf(buf + off, len - off, "%s%s", off ? " " : "", c->str);
}

/* Who holds which terminal (rows setsid, tty): the container's session and controlling
 * terminal from /proc/PID/stat, and what its fds 0-2 are. */
/* observed.cgroup of the cgroup step: the limits as the kernel reads them back (-1: none)
 * and the layout, so the scene names the files before any sample came. The flat members
 * (memory_limit, pids_max...) are the older recordings'. */
static void obs_cgroup(struct vz_model *m, const struct gb_jval *cg)
{
	if (!cg)
		return;
	const char *layout = gb_jstr(cg, "layout", NULL);
	if (layout)
		m->cg_v1 = strcmp(layout, "v1") == 0 || strcmp(layout, "hybrid") == 0;
	const struct gb_jval *lim = gb_jget(cg, "limits");
	num_set(m, &m->mem_limit, lim ? lim : cg, lim ? "memory" : "memory_limit");
	num_set(m, &m->pids_max, lim ? lim : cg, "pids_max");
	num_set(m, &m->cpu_quota, lim ? lim : cg, "cpu_quota_us");
	num_set(m, &m->cpu_period, lim ? lim : cg, "cpu_period_us");
}

static void obs_tty(struct vz_model *m, const struct gb_jval *o)
{
	if (!gb_jget(o, "tty_nr"))
		return;
	m->tty_known = true;
	m->session = (int)gb_jint(o, "session", 0);
	m->tty_nr = (int)gb_jint(o, "tty_nr", 0);
	const struct gb_jval *fds = gb_jget(o, "fds");
	static const char *const names[] = { "0", "1", "2" };
	for (int i = 0; i < 3; i++)
		COPY(m->fds[i], gb_jstr(fds, names[i], "?"));
	m->tty_tag = m->tag;
}

static void apply_observed(struct vz_model *m, const struct gb_jval *o)
{
	if (!o || o->type != GB_JOBJ)
		return;
	if (gb_jget(o, "ns") || gb_jget(o, "ns_host")) {
		ns_read(gb_jget(o, "ns"), m->ns);
		ns_read(gb_jget(o, "ns_host"), m->ns_host);
		m->ns_tag = m->tag;
	}
	if (gb_jget(o, "pid") || gb_jget(o, "nspid")) {
		m->pid = (int)gb_jint(o, "pid", m->pid);
		int n = int_array(gb_jget(o, "nspid"), m->nspid, 4);
		if (n)
			m->n_nspid = n;
		m->pid_tag = m->tag;
	}
	if (gb_jget(o, "hostname") || gb_jget(o, "host_hostname")) {
		COPY(m->hostname, gb_jstr(o, "hostname", m->hostname));
		COPY(m->host_hostname, gb_jstr(o, "host_hostname", m->host_hostname));
		m->hostname_tag = m->tag;
	}
	obs_tty(m, o);
	obs_mounts(m, gb_jget(o, "mounts"));
	obs_rootfs(m, gb_jget(o, "rootfs"));
	obs_links(m, gb_jget(o, "net"));
	if (gb_jget(o, "argv"))
		join_argv(m->argv, sizeof m->argv, gb_jget(o, "argv"));
	COPY(m->cwd, gb_jstr(o, "cwd", m->cwd));
	obs_cgroup(m, gb_jget(o, "cgroup"));
}

/* ------------------------------------------------------------ event types */

static void ev_step_begin(struct vz_model *m, const struct gb_jval *e)
{
	int idx = (int)gb_jint(e, "index", 0);
	if (idx < 1 || idx > VZ_MAX_STEPS)
		return;
	const char *phase = gb_jstr(e, "phase", "");
	if (strcmp(phase, m->phase) != 0) { /* a new table of steps: create, then start */
		memset(m->steps, 0, sizeof m->steps);
		m->n_steps = m->total_steps = m->cur_step = 0;
		COPY(m->phase, phase);
	}
	struct vz_step *s = &m->steps[idx - 1];
	COPY(s->name, gb_jstr(e, "step", "?"));
	COPY(s->side, gb_jstr(e, "side", ""));
	COPY(s->call, gb_jstr(e, "call", ""));
	COPY(s->explain, gb_jstr(e, "explain", ""));
	s->index = idx;
	s->lab = (int)gb_jint(e, "lab", 0);
	s->state = VZ_STEP_BEGUN;
	s->err[0] = s->errno_name[0] = s->hint[0] = '\0';
	s->tag = m->tag;
	if (idx > m->n_steps)
		m->n_steps = idx;
	int total = (int)gb_jint(e, "total", 0);
	m->total_steps = total > VZ_MAX_STEPS ? VZ_MAX_STEPS : total;
	m->cur_step = idx;
}

static void ev_step_end(struct vz_model *m, const struct gb_jval *e)
{
	int idx = (int)gb_jint(e, "index", 0);
	if (idx < 1 || idx > VZ_MAX_STEPS)
		return;
	struct vz_step *s = &m->steps[idx - 1];
	if (!s->name[0])
		COPY(s->name, gb_jstr(e, "step", "?"));
	s->index = idx;
	s->state = gb_jbool(e, "ok", true) ? VZ_STEP_OK : VZ_STEP_FAILED;
	COPY(s->errno_name, gb_jstr(e, "errno", ""));
	COPY(s->err, gb_jstr(e, "error", ""));
	COPY(s->hint, gb_jstr(e, "hint", ""));
	s->tag = m->tag;
	if (idx > m->n_steps)
		m->n_steps = idx;
	m->cur_step = idx;
	apply_observed(m, gb_jget(e, "observed"));
}

static void ev_step_undo(struct vz_model *m, const struct gb_jval *e)
{
	int idx = (int)gb_jint(e, "index", 0);
	if (idx < 1 || idx > VZ_MAX_STEPS)
		return;
	m->steps[idx - 1].state = VZ_STEP_UNDONE;
	m->steps[idx - 1].tag = m->tag;
}

static void ev_lifecycle(struct vz_model *m, const struct gb_jval *e)
{
	enum vz_state from = state_of(gb_jstr(e, "from", NULL));
	enum vz_state to = state_of(gb_jstr(e, "to", NULL));
	m->state_from = from;
	m->state = to;
	m->visited[to] = true;
	m->edge[from][to] = true;
	m->state_tag = m->tag;
}

static void ev_sample(struct vz_model *m, const struct gb_jval *e)
{
	const struct gb_jval *mem = gb_jget(e, "memory"), *cpu = gb_jget(e, "cpu"),
			     *pids = gb_jget(e, "pids");
	const char *layout = gb_jstr(e, "layout", "v2");
	m->cg_v1 = strcmp(layout, "v1") == 0 || strcmp(layout, "hybrid") == 0;
	num_set(m, &m->mem_usage, mem, "usage");
	num_set(m, &m->mem_limit, mem, "limit");
	num_set(m, &m->mem_max, mem, "max_usage");
	num_set(m, &m->cpu_percent, cpu, "percent");
	num_set(m, &m->cpu_quota, cpu, "quota_us");
	num_set(m, &m->cpu_period, cpu, "period_us");
	num_set(m, &m->throttled_ns, cpu, "throttled_ns");
	num_set(m, &m->nr_throttled, cpu, "nr_throttled");
	num_set(m, &m->pids_cur, pids, "current");
	num_set(m, &m->pids_max, pids, "max");
	m->n_samples++;
}

static void push_signal(struct vz_model *m, const struct gb_jval *e, bool forwarded)
{
	if (m->n_signals == VZ_MAX_LIST) {
		memmove(m->signals, m->signals + 1, sizeof m->signals[0] * (VZ_MAX_LIST - 1));
		m->n_signals--;
	}
	struct vz_signal *s = &m->signals[m->n_signals++];
	COPY(s->signal, gb_jstr(e, "signal", "?"));
	COPY(s->by, forwarded ? "forward" : gb_jstr(e, "by", ""));
	s->pid = (int)gb_jint(e, "pid", 0);
	s->forwarded = forwarded;
	s->tag = m->tag;
}

static void ev_process_start(struct vz_model *m, const struct gb_jval *e)
{
	if (m->n_procs == VZ_MAX_LIST)
		return;
	struct vz_proc *p = &m->procs[m->n_procs++];
	p->pid = (int)gb_jint(e, "pid", 0);
	p->n_nspid = int_array(gb_jget(e, "nspid"), p->nspid, 4);
	join_argv(p->argv, sizeof p->argv, gb_jget(e, "argv"));
	p->tag = m->tag;
}

static void ev_process_exit(struct vz_model *m, const struct gb_jval *e)
{
	struct vz_exit *x = &m->exit;
	x->valid = true;
	x->pid = (int)gb_jint(e, "pid", 0);
	x->exit_code = (int)gb_jint(e, "exit_code", 0);
	x->status = (int)gb_jint(e, "status", -1);
	COPY(x->signal, gb_jstr(e, "signal", ""));
	x->oom_killed = gb_jbool(e, "oom_killed", false);
	x->tag = m->tag;
	m->grace_active = false;
	/* The process is gone: drop it from the tree. */
	for (int i = 0; i < m->n_procs; i++)
		if (m->procs[i].pid == x->pid) {
			m->procs[i] = m->procs[--m->n_procs];
			break;
		}
}

static void ev_grace(struct vz_model *m, const struct gb_jval *e, bool expired)
{
	m->grace_seconds = gb_jnum(e, "seconds", m->grace_seconds);
	if (!expired) {
		m->grace_start = m->t;
		m->grace_deadline = gb_jnum(e, "deadline", m->t + m->grace_seconds);
		m->grace_active = true;
		m->grace_expired = false;
	} else {
		m->grace_active = false;
		m->grace_expired = true;
	}
	m->grace_tag = m->tag;
}

static void ev_zombies(struct vz_model *m, const struct gb_jval *e)
{
	m->zombies = (int)gb_jint(e, "count", 0);
	m->n_zombie_pids = int_array(gb_jget(e, "pids"), m->zombie_pids, VZ_MAX_LIST);
	m->zombies_tag = m->tag;
}

static void ev_reaped(struct vz_model *m, const struct gb_jval *e)
{
	int pid = (int)gb_jint(e, "pid", 0);
	if (m->n_reaped == VZ_MAX_LIST) {
		memmove(m->reaped, m->reaped + 1, sizeof m->reaped[0] * (VZ_MAX_LIST - 1));
		m->n_reaped--;
	}
	m->reaped[m->n_reaped++] = pid;
	m->reaped_tag = m->tag;
	for (int i = 0; i < m->n_procs; i++)
		if (m->procs[i].pid == pid) {
			m->procs[i] = m->procs[--m->n_procs];
			break;
		}
	for (int i = 0; i < m->n_zombie_pids; i++)
		if (m->zombie_pids[i] == pid) {
			m->zombie_pids[i] = m->zombie_pids[--m->n_zombie_pids];
			if (m->zombies > 0)
				m->zombies--;
			break;
		}
}

static void ev_net(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	if (strcmp(type, "net.veth") == 0) {
		COPY(m->host_if, gb_jstr(e, "host_if", ""));
		COPY(m->container_if, gb_jstr(e, "container_if", ""));
		COPY(m->bridge, gb_jstr(e, "bridge", ""));
		m->veth_tag = m->tag;
	} else if (strcmp(type, "net.addr") == 0 && m->n_addrs < 8) {
		struct vz_addr *a = &m->addrs[m->n_addrs++];
		COPY(a->ifname, gb_jstr(e, "ifname", "?"));
		COPY(a->addr, gb_jstr(e, "addr", "?"));
		COPY(a->netns, gb_jstr(e, "netns", "container"));
		a->tag = m->tag;
	} else if (strcmp(type, "net.route") == 0) {
		COPY(m->route_dst, gb_jstr(e, "dst", "default"));
		COPY(m->route_gw, gb_jstr(e, "gateway", ""));
		COPY(m->route_if, gb_jstr(e, "ifname", ""));
		m->route_tag = m->tag;
	} else if (strcmp(type, "net.publish") == 0) {
		snprintf(m->publish, sizeof m->publish, "%s:%lld -> %lld/%s",
			 gb_jstr(e, "host_ip", "0.0.0.0"), gb_jint(e, "host_port", 0),
			 gb_jint(e, "container_port", 0), gb_jstr(e, "proto", "tcp"));
		m->publish_tag = m->tag;
	}
}

static void ev_layer(struct vz_model *m, const struct gb_jval *e, bool cached)
{
	if (m->n_layers == VZ_MAX_LIST)
		return;
	struct vz_layer *l = &m->layers[m->n_layers++];
	COPY(l->id, gb_jstr(e, "layer", "?"));
	COPY(l->instruction, gb_jstr(e, "instruction", ""));
	l->size = gb_jint(e, "size", -1);
	l->cached = cached;
	l->tag = m->tag;
}

/* "image.pull": a layer stored whole (or found already) becomes one of the image's layers,
 * shown with its digest and size; the other states only move the caption. */
static void ev_pull(struct vz_model *m, const struct gb_jval *e)
{
	const char *st = gb_jstr(e, "status", "");
	if (strcmp(st, "Pull complete") && strcmp(st, "Already exists"))
		return;
	if (m->n_layers == VZ_MAX_LIST)
		return;
	struct vz_layer *l = &m->layers[m->n_layers++];
	COPY(l->id, gb_jstr(e, "layer", "?"));
	COPY(l->instruction, gb_jstr(e, "digest", ""));
	l->size = gb_jint(e, "total", -1);
	l->cached = strcmp(st, "Already exists") == 0;
	l->pulled = true;
	l->tag = m->tag;
}

/* "rootfs.changes": what the upper layer now holds (copy-ups, new files, whiteouts). */
static void ev_changes(struct vz_model *m, const struct gb_jval *e)
{
	const struct gb_jval *arr = gb_jget(e, "changes");
	for (const struct gb_jval *c = arr && arr->type == GB_JARR ? arr->child : NULL; c;
	     c = c->next) {
		if (m->n_changes == VZ_MAX_LIST)
			return;
		struct vz_change *ch = &m->changes[m->n_changes++];
		COPY(ch->path, gb_jstr(c, "path", "?"));
		COPY(ch->kind, gb_jstr(c, "kind", "new"));
		ch->size = gb_jint(c, "size", -1);
		ch->tag = m->tag;
	}
}

static void ev_volume(struct vz_model *m, const struct gb_jval *e)
{
	if (m->n_volumes == 6)
		return;
	struct vz_volume *v = &m->volumes[m->n_volumes++];
	COPY(v->kind, gb_jstr(e, "kind", "volume"));
	COPY(v->source, gb_jstr(e, "source", ""));
	COPY(v->target, gb_jstr(e, "target", ""));
	v->ro = gb_jbool(e, "ro", false);
	v->tag = m->tag;
}

/* "measure": a number measured by a benchmark (containers vs VMs, lab 19). */
static void ev_measure(struct vz_model *m, const struct gb_jval *e)
{
	const char *what = gb_jstr(e, "what", "");
	bool vm = strcmp(what, "vm") == 0;
	double start = gb_jnum(e, "start_ms", -1), rss = gb_jnum(e, "rss_mb", -1);
	if (start >= 0)
		*(vm ? &m->vm_start_ms : &m->ct_start_ms) = start;
	if (rss >= 0)
		*(vm ? &m->vm_rss_mb : &m->ct_rss_mb) = rss;
	const char *kernel = gb_jstr(e, "kernel", NULL);
	if (kernel) {
		if (vm)
			COPY(m->guest_kernel, kernel);
		else
			COPY(m->host_kernel, kernel);
	}
	m->measure_tag = m->tag;
}

static bool is(const char *type, const char *name)
{
	return strcmp(type, name) == 0;
}

static bool apply_runtime(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	if (is(type, "resource.sample"))
		ev_sample(m, e);
	else if (is(type, "oom.kill")) {
		m->oom_count = (int)gb_jint(e, "count", m->oom_count + 1);
		m->oom_tag = m->tag;
	} else if (is(type, "freezer")) {
		COPY(m->freezer, gb_jstr(e, "state", ""));
		m->freezer_tag = m->tag;
	} else if (is(type, "signal.sent") || is(type, "signal.forwarded"))
		push_signal(m, e, is(type, "signal.forwarded"));
	else if (is(type, "process.start"))
		ev_process_start(m, e);
	else if (is(type, "process.exit"))
		ev_process_exit(m, e);
	else if (is(type, "grace.started") || is(type, "grace.expired"))
		ev_grace(m, e, is(type, "grace.expired"));
	else if (is(type, "zombies"))
		ev_zombies(m, e);
	else if (is(type, "zombie.reaped"))
		ev_reaped(m, e);
	else
		return false;
	return true;
}

static bool apply_other(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	if (strncmp(type, "net.", 4) == 0)
		ev_net(m, type, e);
	else if (is(type, "layer.create") || is(type, "layer.cached"))
		ev_layer(m, e, is(type, "layer.cached"));
	else if (is(type, "image.pull"))
		ev_pull(m, e);
	else if (is(type, "rootfs.changes"))
		ev_changes(m, e);
	else if (is(type, "volume.mount"))
		ev_volume(m, e);
	else if (is(type, "measure"))
		ev_measure(m, e);
	else if (vz_model_vm(m, type, e))
		;
	else if (vz_model_oci(m, type, e))
		;
	else if (is(type, "log")) {
		COPY(m->log, gb_jstr(e, "message", ""));
		m->log_tag = m->tag;
	} else if (is(type, "error")) {
		COPY(m->error, gb_jstr(e, "error", ""));
		COPY(m->error_hint, gb_jstr(e, "hint", ""));
		m->error_tag = m->tag;
	} else if (!is(type, "build.step"))
		return false;
	return true;
}

void vz_model_apply(struct vz_model *m, const struct gb_jval *e)
{
	const char *type = gb_jstr(e, "type", "");
	m->t = gb_jnum(e, "t", m->t);
	if (gb_jget(e, "id"))
		COPY(m->id, gb_jstr(e, "id", ""));
	if (gb_jget(e, "name"))
		COPY(m->name, gb_jstr(e, "name", ""));
	if (is(type, "step.begin"))
		ev_step_begin(m, e);
	else if (is(type, "step.end"))
		ev_step_end(m, e);
	else if (is(type, "step.undo"))
		ev_step_undo(m, e);
	else if (is(type, "lifecycle"))
		ev_lifecycle(m, e);
	else if (!apply_runtime(m, type, e) && !apply_other(m, type, e))
		m->n_unknown++;
	vz_caption_apply(m, type, e);
	if (vz_event_ends_beat(e))
		m->tag++;
}

/* Resource samples arrive several times a second; they ride along with the next beat
 * instead of each needing a key press. step.begin waits for its step.end in replay. */
bool vz_event_ends_beat(const struct gb_jval *e)
{
	static const char *const quiet[] = { "resource.sample", "step.begin",	 "build.step",
					     "vm.sample",	"vm.step.begin", "vm.start" };
	const char *type = gb_jstr(e, "type", "");
	for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
		if (strcmp(type, quiet[i]) == 0)
			return false;
	/* a pull's byte counts ride along like samples; its layer states are beats */
	return strcmp(type, "image.pull") || strcmp(gb_jstr(e, "status", ""), "Downloading");
}

static int scene_of_lab(int lab)
{
	static const signed char map[22] = { -1,
					     VZ_SC_LIFECYCLE,
					     VZ_SC_NAMESPACES,
					     VZ_SC_NAMESPACES,
					     VZ_SC_NAMESPACES,
					     VZ_SC_NETWORK,
					     VZ_SC_NAMESPACES,
					     VZ_SC_CGROUPS,
					     VZ_SC_CGROUPS,
					     VZ_SC_CGROUPS,
					     VZ_SC_CGROUPS,
					     VZ_SC_OVERLAY,
					     VZ_SC_OVERLAY,
					     VZ_SC_PID1,
					     VZ_SC_PID1,
					     VZ_SC_NAMESPACES,
					     VZ_SC_NAMESPACES,
					     VZ_SC_NETWORK,
					     VZ_SC_OVERLAY,
					     VZ_SC_VMS,
					     -1,
					     VZ_SC_CGROUPS };
	return lab >= 0 && lab <= 21 ? map[lab] : -1;
}

int vz_event_scene(const struct vz_model *m, const struct gb_jval *e)
{
	static const struct {
		const char *prefix;
		int scene;
	} by_type[] = { { "lifecycle", VZ_SC_LIFECYCLE },
			{ "signal.", VZ_SC_PID1 },
			{ "grace.", VZ_SC_PID1 },
			{ "zombie", VZ_SC_PID1 },
			{ "process.", VZ_SC_PID1 },
			{ "oom.", VZ_SC_CGROUPS },
			{ "freezer", VZ_SC_CGROUPS },
			{ "resource.", VZ_SC_CGROUPS },
			{ "layer.", VZ_SC_OVERLAY },
			{ "build.", VZ_SC_OVERLAY },
			{ "rootfs.", VZ_SC_OVERLAY },
			{ "volume.", VZ_SC_OVERLAY },
			{ "net.", VZ_SC_NETWORK },
			{ "measure", VZ_SC_VMS },
			{ "vm.", VZ_SC_VMS },
			{ "compare.", VZ_SC_VMS },
			{ "oci.", VZ_SC_CHAIN } };
	const char *type = gb_jstr(e, "type", "");
	if (strncmp(type, "image.", 6) == 0) /* a pull's layers (docs/images.md) */
		return VZ_SC_OVERLAY;
	if (strncmp(type, "step.", 5) == 0) {
		int idx = (int)gb_jint(e, "index", 0);
		bool known = idx >= 1 && idx <= VZ_MAX_STEPS;
		return scene_of_lab(known ? m->steps[idx - 1].lab : -1);
	}
	for (size_t i = 0; i < sizeof by_type / sizeof by_type[0]; i++)
		if (strncmp(type, by_type[i].prefix, strlen(by_type[i].prefix)) == 0)
			return by_type[i].scene;
	return -1;
}
