/* Captions: the call a student would write and one plain sentence for every beat. Steps
 * bring their own (the engine's step table); other events get theirs here. */
#include <stdio.h>
#include <string.h>

#include "model.h"

static void set(struct vz_model *m, const char *call, const char *text)
{
	snprintf(m->cap_call, sizeof m->cap_call, "%s", call);
	snprintf(m->cap_text, sizeof m->cap_text, "%s", text);
	m->cap_failed = false;
	m->cap_tag = m->tag;
}

static const char *state_sentence(const char *to)
{
	static const struct {
		const char *state, *text;
	} s[] = {
		{ "created", "The container exists: namespaces, cgroup and root filesystem are "
			     "ready, but its command has not started yet." },
		{ "running", "Its command runs as PID 1 of the container's own PID namespace." },
		{ "paused", "The cgroup freezer stopped every process inside; they cannot even "
			    "notice it." },
		{ "stopped", "Its processes have exited. The root filesystem stays on disk until "
			     "the container is removed." },
		{ "removed", "State, cgroup and the writable upper layer are deleted: nothing is "
			     "left behind." },
	};
	for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
		if (strcmp(to, s[i].state) == 0)
			return s[i].text;
	return "The container changed state.";
}

static const char *signal_sentence(const char *by, const char *sig)
{
	if (strcmp(by, "stop") == 0)
		return "A stop asks politely first: SIGTERM lets PID 1 clean up and exit.";
	if (strcmp(by, "grace") == 0 || strcmp(sig, "SIGKILL") == 0)
		return "SIGKILL cannot be caught or ignored: the kernel ends the process.";
	if (strcmp(by, "forward") == 0)
		return "The engine passes the signal it received on to the container's PID 1.";
	return "The engine sends a signal to the container's process.";
}

static void exit_caption(struct vz_model *m, const struct gb_jval *e)
{
	char call[160], text[320];
	const char *sig = gb_jstr(e, "signal", NULL);
	long long code = gb_jint(e, "exit_code", 0);
	snprintf(call, sizeof call, "waitpid(%lld) -> exit code %lld", gb_jint(e, "pid", 0), code);
	if (gb_jbool(e, "oom_killed", false))
		snprintf(text, sizeof text,
			 "The kernel's OOM killer ended it (%s): the cgroup "
			 "reached its memory limit. A shell reports 128 + 9 = 137.",
			 sig ? sig : "SIGKILL");
	else if (sig)
		snprintf(text, sizeof text,
			 "Killed by %s (signal %lld): a shell reports 128 + %lld "
			 "= %lld.",
			 sig, gb_jint(e, "signo", 0), gb_jint(e, "signo", 0), code);
	else
		snprintf(text, sizeof text, "The process exited normally with status %lld.",
			 gb_jint(e, "status", code));
	set(m, call, text);
}

static void net_caption(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	char call[160];
	if (strcmp(type, "net.veth") == 0) {
		snprintf(call, sizeof call, "ip link add %s type veth peer name %s",
			 gb_jstr(e, "host_if", "?"), gb_jstr(e, "container_if", "?"));
		set(m, call,
		    "A veth pair is a virtual cable: one end joins the host's bridge, "
		    "the other moves into the container's network namespace.");
	} else if (strcmp(type, "net.addr") == 0) {
		snprintf(call, sizeof call, "ip addr add %s dev %s", gb_jstr(e, "addr", "?"),
			 gb_jstr(e, "ifname", "?"));
		set(m, call, "An address on the interface: now packets can find it.");
	} else if (strcmp(type, "net.route") == 0) {
		snprintf(call, sizeof call, "ip route add %s via %s", gb_jstr(e, "dst", "default"),
			 gb_jstr(e, "gateway", "?"));
		set(m, call, "The default route sends everything else to the bridge on the host.");
	} else if (strcmp(type, "net.publish") == 0) {
		snprintf(call, sizeof call, "publish %s:%lld -> container port %lld",
			 gb_jstr(e, "host_ip", "0.0.0.0"), gb_jint(e, "host_port", 0),
			 gb_jint(e, "container_port", 0));
		set(m, call, "Connections to the host port are forwarded into the container.");
	}
}

/* image.pull: what the registry sent and what glassbox did with it (docs/images.md). */
static const char *pull_explain(const char *status, const struct gb_jval *e)
{
	if (!strcmp(status, "done"))
		return "Stored: the manifest's digest names the image; its layer "
		       "directories become the overlay's read-only lower dirs.";
	if (!strcmp(status, "failed"))
		return gb_jstr(e, "error", "The pull failed; what it made is removed.");
	if (!strcmp(status, "Already exists"))
		return "A layer is named by its digest: an image here has it already, so it is "
		       "stacked again, not fetched.";
	return "Each blob is hashed as it arrives and must match the digest the manifest names; "
	       "then it is unpacked into a read-only layer directory.";
}

static void pull_caption(struct vz_model *m, const struct gb_jval *e)
{
	char call[160];
	const char *st = gb_jstr(e, "status", "");
	if (!strcmp(st, "done") || !strcmp(st, "failed"))
		snprintf(call, sizeof call, "pull %s: %s", gb_jstr(e, "image", "?"), st);
	else
		snprintf(call, sizeof call, "pull %s: layer %lld/%lld %s %s",
			 gb_jstr(e, "image", "?"), gb_jint(e, "index", 0), gb_jint(e, "count", 0),
			 gb_jstr(e, "layer", ""), st);
	set(m, call, pull_explain(st, e));
}

static void storage_caption(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	char call[160];
	if (strcmp(type, "layer.create") == 0 || strcmp(type, "layer.cached") == 0) {
		snprintf(call, sizeof call, "%s", gb_jstr(e, "instruction", "layer"));
		set(m, call,
		    strcmp(type, "layer.cached") == 0
			    ? "Same parent, same instruction: the layer is reused from the cache."
			    : "The instruction's changes become a new read-only layer.");
	} else if (strcmp(type, "image.pull") == 0) {
		pull_caption(m, e);
	} else if (strcmp(type, "rootfs.changes") == 0) {
		set(m, "write into the container's root filesystem",
		    "Writes land in the upper layer: a changed file is first copied up whole; a "
		    "deleted one becomes a whiteout. The image layers never change.");
	} else if (strcmp(type, "measure") == 0) {
		snprintf(call, sizeof call, "measured: %s starts in %.1f ms, %.1f MB",
			 gb_jstr(e, "what", "?"), gb_jnum(e, "start_ms", 0),
			 gb_jnum(e, "rss_mb", 0));
		set(m, call, "Same machine, same moment: numbers, not claims.");
	} else if (strcmp(type, "volume.mount") == 0) {
		snprintf(call, sizeof call, "mount(\"%s\", \"%s\", ...)", gb_jstr(e, "source", "?"),
			 gb_jstr(e, "target", "?"));
		set(m, call,
		    "A volume is a directory from outside the overlay: it outlives the "
		    "container.");
	}
}

static void runtime_caption(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	char call[160], text[320];
	const char *sig = gb_jstr(e, "signal", "?");
	if (strcmp(type, "signal.sent") == 0 || strcmp(type, "signal.forwarded") == 0) {
		snprintf(call, sizeof call, "kill(%lld, %s)", gb_jint(e, "pid", 0), sig);
		set(m, call,
		    signal_sentence(strcmp(type, "signal.forwarded") == 0 ? "forward"
									  : gb_jstr(e, "by", ""),
				    sig));
	} else if (strcmp(type, "grace.started") == 0) {
		snprintf(call, sizeof call, "grace period: %.0f s", gb_jnum(e, "seconds", 0));
		set(m, call,
		    "PID 1 has this long to exit after SIGTERM; then the engine sends SIGKILL.");
	} else if (strcmp(type, "grace.expired") == 0) {
		snprintf(call, sizeof call, "grace period over after %.0f s",
			 gb_jnum(e, "seconds", 0));
		set(m, call,
		    "PID 1 did not exit in time (a PID 1 without a SIGTERM handler ignores "
		    "it): SIGKILL follows, exit code 137.");
	} else if (strcmp(type, "process.exit") == 0) {
		exit_caption(m, e);
	} else if (strcmp(type, "oom.kill") == 0) {
		snprintf(call, sizeof call, "memory.events: oom_kill %lld", gb_jint(e, "count", 1));
		set(m, call,
		    "The cgroup reached its memory limit: the kernel killed a process "
		    "inside it, and only inside it.");
	} else if (strcmp(type, "zombies") == 0) {
		snprintf(call, sizeof call, "%lld processes in state Z", gb_jint(e, "count", 0));
		set(m, call,
		    "Zombies: children that exited but that nobody waited for. In a "
		    "container, PID 1 must reap them with wait().");
	} else if (strcmp(type, "zombie.reaped") == 0) {
		snprintf(call, sizeof call, "waitpid(%lld) by PID 1", gb_jint(e, "pid", 0));
		set(m, call,
		    "PID 1 collected the zombie's exit status: its entry leaves the "
		    "process table.");
	} else if (strcmp(type, "freezer") == 0) {
		snprintf(call, sizeof call, "cgroup freezer: %s", gb_jstr(e, "state", "?"));
		set(m, call, "The freezer stops or resumes every process of the cgroup at once.");
	} else if (strcmp(type, "process.start") == 0) {
		snprintf(text, sizeof text, "A new process in the container: PID %lld on the host.",
			 gb_jint(e, "pid", 0));
		set(m, "fork() + execve()", text);
	}
}

void vz_caption_apply(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	if (strncmp(type, "step.", 5) == 0) {
		int idx = (int)gb_jint(e, "index", 0);
		if (idx < 1 || idx > VZ_MAX_STEPS)
			return;
		const struct vz_step *s = &m->steps[idx - 1];
		set(m, s->call[0] ? s->call : s->name, s->explain);
		if (s->state == VZ_STEP_FAILED) {
			snprintf(m->cap_text, sizeof m->cap_text, "FAILED %s: %s%s%s",
				 s->errno_name, s->err, s->hint[0] ? " Hint: " : "", s->hint);
			m->cap_failed = true;
		} else if (s->state == VZ_STEP_UNDONE) {
			snprintf(m->cap_call, sizeof m->cap_call, "undo: %s", s->name);
			snprintf(m->cap_text, sizeof m->cap_text,
				 "A later step failed: what was done "
				 "is undone in reverse order, so nothing is left behind.");
		}
	} else if (strcmp(type, "lifecycle") == 0) {
		char call[160];
		snprintf(call, sizeof call, "state: %s -> %s", gb_jstr(e, "from", "?"),
			 gb_jstr(e, "to", "?"));
		set(m, call, state_sentence(gb_jstr(e, "to", "")));
	} else if (strncmp(type, "net.", 4) == 0) {
		net_caption(m, type, e);
	} else if (strcmp(type, "log") == 0) {
		set(m, "", gb_jstr(e, "message", ""));
	} else if (strcmp(type, "error") == 0) {
		set(m, "error", gb_jstr(e, "error", ""));
		m->cap_failed = true;
	} else {
		storage_caption(m, type, e);
		runtime_caption(m, type, e);
	}
}
