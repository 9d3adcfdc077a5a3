/* What the kernel reports about a process: namespace ids, NSpid, capabilities, seccomp,
 * mounts, uid map, cgroups, interfaces. proc(5). Every lab check and the viz read these:
 * glassbox shows the kernel's word, never its own assumptions. */
#ifndef GB_OBSERVE_H
#define GB_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/json.h"

/* "NSpid:" of /proc/PID/status: host PID first, then the PID in each nested namespace. */
int gb_observe_nspid(pid_t pid, int *out, int max);
/* Value of one "Key:" line of /proc/PID/status (e.g. "CapEff", "Seccomp", "State"). */
int gb_observe_status_field(pid_t pid, const char *key, char *buf, size_t len);
/* Host name as seen inside pid's UTS namespace (forks a helper that joins it). */
int gb_observe_hostname(pid_t pid, char *buf, size_t len);

/* JSON writers; each adds one member under key. */
void gb_observe_nspid_json(pid_t pid, struct gb_json *j, const char *key);
void gb_observe_mounts_json(pid_t pid, struct gb_json *j, const char *key, int max);
void gb_observe_links_json(pid_t pid, struct gb_json *j, const char *key);
void gb_observe_cgroup_json(pid_t pid, struct gb_json *j, const char *key);
/* caps, seccomp, no_new_privs, uid_map, gid_map */
void gb_observe_security_json(pid_t pid, struct gb_json *j);
/* Everything above plus namespaces, for inspect. */
void gb_observe_process_json(pid_t pid, struct gb_json *j);

/* Capability names, masked and read-only paths of a process (inspect, labs 15-16). */
void gb_observe_confinement_json(pid_t pid, struct gb_json *j);

#endif
