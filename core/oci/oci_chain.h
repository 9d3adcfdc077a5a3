/* The chain of processes a client built down to an OCI container's PID 1, read from /proc
 * (oci_chain.c): for the oci.chain event (docs/events.md) and the viz's chain scene. */
#ifndef GB_OCI_CHAIN_H
#define GB_OCI_CHAIN_H

#include <stddef.h>
#include <sys/types.h>

#include "base/json.h"

/* A "links" array into j, top-down: with Docker "docker CLI" (while it runs), "dockerd",
 * "containerd", then always "caller" (the shim, conmon...), "runtime" (this create) and
 * "pid1"; each {role, pid, ppid, comm, args}. Called from create, in the caller's
 * process. A link /proc no longer shows is left out. */
void gb_oci_chain_json(pid_t init_pid, struct gb_json *j);
/* The client that called this runtime (the nearest shim or conmon above us, else our
 * parent): its pid (0: unknown) and comm. */
pid_t gb_oci_caller(char *comm, size_t len);

#endif
