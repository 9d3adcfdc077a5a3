/* Lab 02 check: the PID namespace. The container's first process is PID 1 inside and an
 * ordinary PID on the host (NSpid), its pid namespace inode differs from the host's, and
 * its /proc lists only its own processes. Negative control: --pid host. */
#include <stdio.h>

#include "lab.h"
#include "ns/ns.h"
#include "engine/observe.h"

static void control(struct gb_config *cfg)
{
	cfg->host_pid = true;
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = {"sleep", "300", NULL};
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	int ids[8], n = gb_observe_nspid(st.pid, ids, 8);
	if (n >= 2 && ids[n - 1] == 1)
		gb_check_pass(c, "its first process has two PIDs: %d on the host, 1 inside (NSpid in /proc/%d/status)",
			      ids[0], ids[0]);
	else
		gb_check_fail(c, "its first process has one PID only (%d): it shares the host's PID numbers",
			      n > 0 ? ids[0] : st.pid);

	struct gb_ns_ids ns, host;
	gb_ns_read(st.pid, &ns);
	gb_ns_read(0, &host);
	if (ns.ino[GB_NS_PID] && ns.ino[GB_NS_PID] != host.ino[GB_NS_PID])
		gb_check_pass(c, "pid namespace pid:[%llu] differs from the host's pid:[%llu]",
			      ns.ino[GB_NS_PID], host.ino[GB_NS_PID]);
	else
		gb_check_fail(c, "pid namespace pid:[%llu] is the host's own", ns.ino[GB_NS_PID]);

	/* Its /proc, reached through /proc/PID/root, lists what the container can see. */
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/%d/root/proc", (int)st.pid);
	int inside = gb_check_count_proc_entries(proc);
	int own = gb_check_count_pids_in_ns(ns.ino[GB_NS_PID]);
	int all = gb_check_count_proc_entries("/proc");
	if (inside < 0)
		gb_check_fail(c, "cannot read the container's /proc (%s)", proc);
	else if (inside <= own && inside < all)
		gb_check_pass(c, "its /proc lists %d process%s; the host has %d: the host's are invisible",
			      inside, inside == 1 ? "" : "es", all);
	else
		gb_check_fail(c, "its /proc lists %d processes, the host's included (the host has %d)",
			      inside, all);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_02 = {
	.num = 2,
	.slug = "pid-namespace",
	.title = "The PID namespace",
	.feature = "PID 1 inside vs its host PID (NSpid); host processes invisible; ns inode differs",
	.control = "--pid host",
	.check = check,
};
