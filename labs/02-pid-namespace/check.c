/* Lab 02 check: the PID namespace. The container's first process is PID 1 inside and an
 * ordinary PID on the host (NSpid), its pid namespace inode differs from the host's, and
 * its /proc lists only its own processes. Negative control: --pid host. */
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "ns/ns.h"
#include "engine/observe.h"
#include "engine/steps.h"

static void control(struct gb_config *cfg)
{
	cfg->host_pid = true;
}

/* Its /proc, from the host through /proc/PID/root and from inside with an exec: a fresh
 * /proc of its own pid namespace lists its own processes, at least its PID 1. */
static void check_proc(struct gb_check *c, const struct gb_state *st, unsigned long long pidns)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/%d/root/proc", (int)st->pid);
	int inside = gb_check_count_proc_entries(proc);
	int own = gb_check_count_pids_in_ns(pidns);
	int all = gb_check_count_proc_entries("/proc");
	if (own < 0 || all < 0) {
		gb_check_error(c, "cannot list the host's /proc: %s",
			       strerror(-(own < 0 ? own : all)));
		return;
	}
	if (inside < 0)
		gb_check_is(c, "proc-own", false, "its /proc (%s) cannot be read: %s", proc,
			    strerror(-inside));
	else
		gb_check_is(c, "proc-own", inside >= 1 && inside <= own && inside < all,
			    "its /proc (%s) lists %d process%s; %d live in its pid namespace, the "
			    "host has %d%s",
			    proc, inside, inside == 1 ? "" : "es", own, all,
			    inside == 0	   ? ": no /proc mounted"
			    : inside > own ? ": the host's are visible"
					   : "");
	char *const comm[] = { "cat", "/proc/1/comm", NULL };
	char out[64];
	int code = gb_check_exec_output(c, st->cfg.id, comm, out, sizeof out);
	if (code < 0)
		return;
	out[strcspn(out, "\n")] = '\0';
	gb_check_is(c, "pid1-inside", code == 0 && !strcmp(out, "sleep"),
		    "inside, `cat /proc/1/comm` exits %d and says \"%s\"%s", code, out,
		    code == 0 && !strcmp(out, "sleep") ? ": PID 1 is its own `sleep`"
						       : ", not its own `sleep`");
}

/* When the engine's table has a `setsid` row, PID 1 leads a session of its own: field 6
 * of /proc/PID/stat (the session id, in the host's numbers) is its own PID, not the
 * engine's session, whose terminal it could otherwise reach. */
static void check_session(struct gb_check *c, pid_t pid)
{
	size_t n;
	const struct gb_step *t = gb_steps_table(&n);
	bool row = false;
	for (size_t i = 0; i < n; i++)
		row |= !strcmp(t[i].name, "setsid");
	if (!row)
		return;
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int sid = 0;
	const char *rp = gb_read_line(path, line, sizeof line) == 0 ? strrchr(line, ')') : NULL;
	if (!rp || sscanf(rp + 1, " %*c %*d %*d %d", &sid) != 1) {
		gb_check_error(c, "cannot read the session id from %s", path);
		return;
	}
	gb_check_is(c, "session-leader", sid == pid, "PID 1 (host PID %d) is in session %d (%s)%s",
		    (int)pid, sid, path,
		    sid == pid ? ": a session of its own" : ": the engine's session");
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "ns.pid"))
		return 0; /* SKIP: host-check says the kernel lacks it */
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	int ids[8], n = gb_observe_nspid(st.pid, ids, 8);
	if (n <= 0) {
		gb_check_error(c, "cannot read NSpid from /proc/%d/status", (int)st.pid);
		gb_state_free(&st);
		return 0;
	}
	if (n >= 2 && ids[n - 1] == 1)
		gb_check_is(c, "two-pids", true,
			    "its first process has two PIDs: %d on the host, 1 inside (NSpid in "
			    "/proc/%d/status)",
			    ids[0], ids[0]);
	else
		gb_check_is(c, "two-pids", false,
			    "its first process has one PID only (NSpid %d in /proc/%d/status): it "
			    "shares the host's PID numbers",
			    ids[0], ids[0]);

	struct gb_ns_ids ns, host;
	gb_ns_read(st.pid, &ns);
	gb_ns_read(0, &host);
	if (!ns.ino[GB_NS_PID] || !host.ino[GB_NS_PID])
		gb_check_error(c, "cannot read /proc/%d/ns/pid or /proc/self/ns/pid", (int)st.pid);
	else
		gb_check_is(c, "pid-ns", ns.ino[GB_NS_PID] != host.ino[GB_NS_PID],
			    "pid namespace pid:[%llu] (/proc/%d/ns/pid) %s the host's pid:[%llu]",
			    ns.ino[GB_NS_PID], (int)st.pid,
			    ns.ino[GB_NS_PID] != host.ino[GB_NS_PID] ? "differs from" : "is",
			    host.ino[GB_NS_PID]);
	check_proc(c, &st, ns.ino[GB_NS_PID]);
	check_session(c, st.pid);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_02 = {
	.num = 2,
	.slug = "pid-namespace",
	.title = "The PID namespace",
	.feature =
		"PID 1 inside vs its host PID (NSpid); host processes invisible; ns inode differs",
	.control = "--pid host",
	.check = check,
	.trips = "pid-ns",
};
