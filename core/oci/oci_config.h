/* An OCI bundle's config.json (runtime-spec 1.0-1.2) read into the config every glassbox
 * container has (state/config.h), so that a container Docker or containerd asks for walks
 * the same table of steps as `glassbox run`. Pure: reads text, writes nothing. */
#ifndef GB_OCI_CONFIG_H
#define GB_OCI_CONFIG_H

#include "oci/oci_hooks.h"
#include "cgroup/devrule.h"
#include "state/config.h"

/* A namespace to join instead of making a new one: linux.namespaces[].path. */
struct gb_oci_nsjoin {
	int nstype; /* CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWPID */
	char path[512];
};

/* process.rlimits[]: a setrlimit(2) for the process (RLIMIT_* number, soft, hard). */
struct gb_oci_rlimit {
	int resource;
	unsigned long long soft, hard;
};

/* What config.json says that struct gb_config does not hold. */
struct gb_oci_extra {
	struct gb_oci_nsjoin join[4];
	int njoin;
	char *seccomp_json; /* linux.seccomp, re-encoded: the seccomp module reads this form */
	bool terminal;	    /* process.terminal: a pty handed over --console-socket */
	char **annotations; /* "key=value" */
	struct gb_oci_rlimit rlimits[16]; /* process.rlimits */
	int nrlimits;
	struct gb_fsmount *mounts; /* mounts[], in order (the config's fsmounts point here) */
	int nmounts;
	char **sysctls, **masked_paths, **readonly_paths; /* the config's fields point here */
	char **cap_ambient;
	struct gb_devnode *devices; /* linux.devices (the config's devnodes point here) */
	int ndevices;
	bool has_oom_score_adj; /* process.oomScoreAdj given */
	int oom_score_adj;
	struct gb_oci_hooks hooks; /* hooks (oci_hooks.h) */
	/* Labels of a Linux security module glassbox does not apply (process.apparmorProfile,
	 * process.selinuxLabel, linux.mountLabel): create warns, naming them. */
	char apparmor_profile[256], selinux_label[256], mount_label[256];
	/* linux.resources.devices, runc's allow list after it (oci_devices.h; the config's
	 * dev_rules point here) */
	struct gb_dev_rule dev_rules[GB_DEV_RULES_MAX];
	size_t ndev_rules;
};

/* Fill c (initialised here) and x from the text of config.json. bundle makes a relative
 * root.path absolute. -EINVAL naming the JSON path (e.g. "process.args") on bad input. */
int gb_oci_config_parse(const char *text, size_t len, const char *bundle, struct gb_config *c,
			struct gb_oci_extra *x, struct gb_err *err);
/* linux.cgroupsPath -> a path below each hierarchy's root: "/docker/ID" -> "docker/ID",
 * "system.slice:docker:ID" -> "system.slice/docker-ID.scope". -EINVAL for "..", "". */
int gb_oci_cgroups_path(const char *in, char *out, size_t len);
/* Whether x joins a namespace of this CLONE_NEW* type by path. */
bool gb_oci_joins(const struct gb_oci_extra *x, int nstype);
/* exec --process FILE: the process object alone, as in config.json. */
int gb_oci_process_parse(const char *text, size_t len, struct gb_config *c, struct gb_oci_extra *x,
			 struct gb_err *err);
void gb_oci_extra_free(struct gb_oci_extra *x);

#endif
