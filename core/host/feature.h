/* One row of `glassbox host-check`: a kernel feature, how it was tried, and whether this
 * host has it. A header only, so that what reports on the host (state/roots.c: the roots'
 * modes) can fill a row without using the probes (hostcheck.h). */
#ifndef GB_HOST_FEATURE_H
#define GB_HOST_FEATURE_H

#include <stdbool.h>

struct gb_host_feature {
	const char *key;    /* stable id, e.g. "ns.pid", "overlay.userns", "veth" */
	const char *name;   /* for people, e.g. "PID namespace" */
	const char *config; /* kernel config options that provide it, space separated */
	const char *fix;    /* what to do when it is missing */
	bool available;
	char tested[320];	/* how it was tested, as the calls were made, and the result */
	char reason[320];	/* why not (the kernel's answer); empty when available */
	char config_state[200]; /* "CONFIG_PID_NS=y ...", "" when the config is unreadable */
	/* Missing, but not for the kernel's lack: the caller's privileges (no capability, user
	 * namespaces refused to ordinary users, a cgroup not theirs) or the host's policy. Then
	 * priv_fix says what root (the teacher) must enable; fix stays the kernel's remedy. */
	bool privilege;
	char priv_fix[300];
};

#endif
