/* The mutation matrix (mutations.h). Append rows; a row of the step table that is in
 * neither list shows as UNCOVERED and fails the test. */
#include "mutations.h"

#include <stddef.h>

const struct gb_mutation_row gb_mutation_rows[] = {
	{ "ns-pid", "clone", "clone3 without CLONE_NEWPID", 2, "pid-ns", false },
	{ "ns-uts", "clone", "clone3 without CLONE_NEWUTS", 3, "uts-ns", false },
	{ "ns-ipc", "clone", "clone3 without CLONE_NEWIPC", 3, "ipc-ns", false },
	{ "ns-net", "clone", "clone3 without CLONE_NEWNET", 5, "net-ns", false },
	{ "ns-user", "userns-maps",
	  "clone3 without CLONE_NEWUSER (and no maps, no setuid(0) inside)", 6, "uid-map", false },
	{ "cgroup-attach", "cgroup-attach", "PID 1 not moved into its cgroup", 7, "oom-kill",
	  false },
	{ "cgroup-namespace", "cgroup-namespace", "no unshare(CLONE_NEWCGROUP)", 7, "cgroup-ns",
	  false },
	{ "limit-memory", "cgroup", "no memory.max", 7, "memory-limit", false },
	{ "limit-cpu", "cgroup", "no cpu.max quota", 8, "cpu-quota", false },
	{ "limit-pids", "cgroup", "no pids.max", 9, "pids-limit", false },
	{ "limit-cpu-shares", "cgroup", "no cpu.shares / cpu.weight", 8, "cpu-weight", false },
	{ "loopback", "loopback", "lo left down", 5, "lo-up", false },
	/* On a host whose mounts are shared (systemd's default), pivot_root then refuses
	 * the shared root: the kernel catches it before any lab can (lab 0: the start). */
	{ "mount-private", "mount-private", "no MS_REC|MS_PRIVATE on /", 0, "pivot_root", false },
	{ "proc", "proc", "no fresh /proc", 2, "proc-own", false },
	{ "sys-ro", "sys", "sysfs mounted without MS_RDONLY", 4, "sys-ro", false },
	{ "old-root-detach", "pivot_root", "pivot_root without umount2(\".\", MNT_DETACH)", 4,
	  "old-root-detached", false },
	{ "hostname", "hostname", "no sethostname", 3, "hostname-set", false },
	{ "masked-paths", "masked-paths",
	  "no masks over /proc/kcore and friends, /proc/sys writable", 16, "masked-paths", false },
	{ "capabilities", "capabilities", "no capability drop", 16, "caps-dropped", false },
	{ "no-new-privs", "no-new-privs",
	  "no PR_SET_NO_NEW_PRIVS (the filter loaded with CAP_SYS_ADMIN held)", 15, "no-new-privs",
	  false },
	{ "seccomp", "seccomp", "no seccomp filter", 15, "seccomp-mode", false },
	/* The `setsid` row (PID 1 in a session of its own) is being added by other work;
	 * lab 02 checks it once the table has the row. */
	{ "setsid", "setsid", "no setsid(): PID 1 stays in the engine's session", 2,
	  "session-leader", true },
	/* the device cgroup (issue 14): lab 21 makes a node for the kernel log and opens it
	 * (lab 16's probe, mknod-char, sees it too) */
	{ "devices", "devices", "no device rules (devices.allow/deny, or v2's device program)", 21,
	  "device-open", false },
	{ NULL, NULL, NULL, 0, NULL, false },
};

const struct gb_mutation_exempt gb_mutation_exempt[] = {
	{ "image", "not an isolation step: without it there is no root filesystem" },
	{ "state", "not an isolation step: the engine's own record" },
	{ "writable-layer", "not an isolation step: without it the overlay cannot mount" },
	{ "volumes", "storage the user asked for (lab 12 checks it), not isolation" },
	{ "userns-files", "part of ns-user (the user namespace's files)" },
	{ "veth", "connects the container (lab 17), gives it more, isolates nothing" },
	{ "net-config", "connects the container (lab 17), gives it more, isolates nothing" },
	{ "publish", "opens a port the user asked for (lab 17), isolates nothing" },
	{ "etc-files", "names for the network (lab 17), isolates nothing" },
	{ "userns-root", "part of ns-user (setuid(0) in the new user namespace)" },
	{ "userns-paths", "--userns only: without it the mapped root cannot reach its layers "
			  "behind the 0700 roots (the start fails)" },
	{ "tty", "-t only: left out, the container gets the relay's pipes instead of a pty of its "
		 "own; it holds no host terminal either way (setsid)" },
	{ "overlay", "not an isolation step: without it there is no root to pivot into" },
	{ "mounts", "storage the user asked for (lab 12), isolates nothing" },
	{ "dev", "left out, the container has fewer devices, not more" },
	{ "etc-hosts", "names for the network (lab 17), isolates nothing" },
	{ "init", "--init only (lab 13), isolates nothing" },
	{ "read-only-root", "--read-only only, a choice of the user" },
	{ "exec", "not an isolation step: without it no command runs" },
	{ "ns-mnt", "not run: without CLONE_NEWNS the engine's pivot_root would act on the host's "
		    "own mount table" },
	{ "oci-mounts", "glassbox-runc only: mounts what config.json lists, in its order; the "
			"proc and sys rows it replaces carry their mutations for glassbox run" },
	{ "sysctl", "glassbox-runc only: sets what config.json asks in the container's own "
		    "namespaces, isolates nothing" },
	{ "mount-join", "glassbox-runc only: enters the mount namespace the client names "
			"instead of the new one, isolates nothing more" },
	{ NULL, NULL },
};
