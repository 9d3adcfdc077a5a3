/* What a container is asked to be: its image, command, namespaces and options.
 * Stored with its state (state.c) so that every later command sees the same config.
 * Feature areas add their options here, each in its own block. */
#ifndef GB_CONFIG_H
#define GB_CONFIG_H

#include <stdbool.h>

#include "cgroup/cgroupfs.h"
#include "cgroup/devrule.h"
#include "base/error.h"
#include "base/json.h"
#include "ns/userns.h"
#include "base/util.h"
#include "storage/fsmount.h"
#include "storage/mountspec.h"

#define GB_NAME_MAX 63
/* The most fds an OCI client may pass with --preserve-fds (gb_config.preserve_fds). */
#define GB_PRESERVE_FDS_MAX 512

/* Healthcheck (core/engine/health.h, lab 20): --health-*, Compose's healthcheck:. */
struct gb_healthcheck {
	char **test; /* argv run inside as exec runs it (CMD-SHELL: /bin/sh -c); NULL: none */
	double interval, timeout, start_period; /* seconds; 0: Docker's default (30, 30, 0) */
	double start_interval; /* between probes in the start period until one passes; 0: interval */
	int retries;	       /* 0: Docker's default (3) */
	bool disabled;	       /* --no-healthcheck */
};

struct gb_config {
	char id[GB_ID_LEN + 1];
	char name[GB_NAME_MAX + 1];
	char image[256];
	char **entrypoint; /* from the image or --entrypoint; may be NULL */
	char **cmd;	   /* the command given, or the image's */
	char **env;	   /* KEY=value, image env first, then -e */
	char hostname[65];
	char workdir[1024];
	char user[64]; /* --user or the image's USER: USER[:GROUP] of the container; "" = root */
	char stop_signal[16]; /* e.g. "SIGTERM" */
	int stop_timeout;     /* grace period in seconds */
	bool rm;	      /* --rm: remove when it exits */

	/* Docker's switches to share a namespace with the host instead of a new one. */
	bool host_pid, host_uts, host_ipc, host_net;

	/* Storage (issue 5, core/storage/volume.h): -v, --mount, --tmpfs, --read-only. */
	struct gb_mount mounts[GB_MOUNTS_MAX];
	int nmounts;
	bool read_only;

	/* Teaching/test option (lab 04, the chroot escape): --rootfs-mode chroot makes the
	 * root with chroot(2) instead of pivot_root(2), leaving the host's root mounted in
	 * the container's mount namespace. The negative control of lab 04; never a default. */
	bool rootfs_chroot;
	/* Security (docs/security.md): capabilities, seccomp, no_new_privs, masks. */
	char **cap_add, **cap_drop; /* --cap-add / --cap-drop, names as given */
	bool privileged;	    /* all capabilities, no filter, no masked paths */
	bool no_new_privs_off;	    /* --security-opt no-new-privileges=false */
	char seccomp[1024];	    /* "" = default profile, "unconfined", or a file */
	/* --security-opt apparmor=PROFILE, OCI process.apparmorProfile: entered at the exec
	 * where AppArmor is enabled (core/security/apparmor.h); "" = none asked for. */
	char apparmor[256];
	/* Resource limits in the container's cgroup (core/cgroup/cgroup.h, labs 07-09); 0 = none. */
	struct gb_cg_limits limits;
	double sample_interval; /* --sample-interval: seconds between resource.sample events */

	/* Networking (core/net/net_container.h, labs 05 and 17). No networks: a network namespace
	 * with only lo (`--network none`, the default). NULL-terminated, may be NULL. */
	char **networks;    /* --network NAME (repeatable): bridge networks to join, eth0.. */
	char **net_aliases; /* --network-alias: more names on every network joined */
	char **publish;	    /* -p [IP:]HOST:CONTAINER[/tcp], as given (checked by the parser) */
	/* User namespace (core/ns/userns.h, docs/security.md, lab 06): --userns, --uidmap,
	 * --gidmap. Maps with n == 0 mean no user namespace; gb_userns_resolve fills them. */
	char userns[16]; /* "" default (none as root, auto rootless), "host", "auto" */
	struct gb_idmap uid_map, gid_map;
	/* PID 1 (core/engine/init.c, lab 13): --init runs glassbox-init as PID 1, the command as
	 * its child. */
	bool init;
	/* Terminal (core/tty/tty.h, issue 18): the container's stdio are pipes the CLI relays
	 * (-i: stdin too, else /dev/null); -t: a pty of the container's own devpts instead.
	 * unsafe_pass_terminal (hidden, lab 16's negative control only): the old way, the
	 * caller's own fds 0-2 and session, so TIOCSTI reaches the caller's shell. */
	bool interactive, tty, unsafe_pass_terminal;
	bool attach_pending; /* run -t: the CLI attaches right after the start (not stored) */
	/* Restart policy (core/engine/restart.h, lab 20): --restart, Compose's restart:. "" = no. */
	char restart[32];
	struct gb_healthcheck health;
	/* OCI runtime (core/oci/, docs/oci.md): the root is a directory the client made (the
	 * bundle's root.path, e.g. Docker's overlay), not an image of ours. "" = an image. */
	char rootfs_dir[1024];
	/* Compose (cli/compose.c, docs/compose.md): the project and service this container runs
	 * for, and the project's status directory (state/status_file.h), where every save of
	 * its state also writes its public status file. "" when compose did not make it. */
	char project[64], service[64];
	char status_dir[512];
	/* OCI: config.json's mounts, made in its order by the oci-mounts row instead of the
	 * proc, sys, dev and mounts rows. Not stored; owned by glassbox-runc create. */
	const struct gb_fsmount *fsmounts;
	int nfsmounts;
	/* OCI linux.cgroupsPath as a path below each hierarchy's root ("docker/ID", systemd's
	 * form already mapped): the container's cgroup there. "" = glassbox/ID. */
	char cgroup_path[256];
	/* OCI linux.maskedPaths, readonlyPaths (NULL: glassbox's own lists) and linux.sysctl
	 * ("key=value", NULL: none). Not stored; owned by glassbox-runc create. */
	char **masked_paths, **readonly_paths, **sysctls;
	/* OCI process.capabilities.ambient (NULL: not OCI): a non-root process.user keeps its
	 * capabilities through the uid change, these as ambient. Not stored. */
	char **cap_ambient;
	/* OCI linux.devices: made by the oci-mounts row after /dev. Not stored. */
	const struct gb_devnode *devnodes;
	int ndevnodes;
	/* OCI linux.namespaces mount with a path: PID 1 enters it (the mount-join row). */
	char mntns_path[256];
	/* --cpuset-cpus/--cpuset-mems, OCI linux.resources.cpu.cpus/mems ("0-3", "0"): the
	 * cpuset controller's files of the container's cgroup (cgroup/cpuset.h). "" = not set. */
	char cpuset_cpus[64], cpuset_mems[64];
	/* OCI linux.rootfsPropagation (issue 14): the MS_* flags (MS_SHARED, MS_SLAVE,
	 * MS_PRIVATE or MS_UNBINDABLE, with MS_REC for the r- forms) the root mount gets after
	 * pivot_root; 0 = none given (private, as the mount-private row leaves it). */
	unsigned long rootfs_propagation;
	/* OCI linux.namespaces user with a path: the clone row makes the container's new
	 * namespaces from inside that user namespace, so it owns them; uid_map/gid_map then
	 * hold its maps as the host sees them (read by glassbox-runc create). "" = none. */
	char userns_path[256];
	/* OCI --preserve-fds N (glassbox-runc create/run): the caller's fds 3..3+N-1 stay open
	 * in PID 1, as runc passes them (systemd's socket activation, for one). Not stored. */
	int preserve_fds;
	/* The device cgroup (cgroup/devices.h, issue 14): --device-cgroup-rule "c 1:3 rwm"
	 * (stored), allowed on top of Docker's default list. OCI linux.resources.devices:
	 * the client's own list (dev_rules_set, even when empty), runc's allow list after it;
	 * not stored, owned by glassbox-runc create. */
	char **device_cgroup_rules;
	const struct gb_dev_rule *dev_rules;
	int ndev_rules;
	bool dev_rules_set;
};

void gb_config_init(struct gb_config *c);
void gb_config_free(struct gb_config *c);
/* argv to execute: entrypoint followed by cmd (a new vector; free with gb_strv_free). */
char **gb_config_argv(const struct gb_config *c);
/* Serialize into an open JSON object / read back from one. */
void gb_config_to_json(const struct gb_config *c, struct gb_json *j);
int gb_config_from_json(struct gb_config *c, const struct gb_jval *obj, struct gb_err *err);

/* Pure validation helpers (unit tested). */
bool gb_name_valid(const char *name);
bool gb_hostname_valid(const char *name);
bool gb_env_valid(const char *kv);
/* "SIGTERM", "TERM", "15" -> 15; -EINVAL when unknown. */
int gb_signal_parse(const char *s);
/* 15 -> "SIGTERM"; "SIG45" style for unnamed real-time signals. */
const char *gb_signal_name(int sig);

#endif
