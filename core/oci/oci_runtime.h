/* glassbox as an OCI runtime (docs/oci.md): the verbs of runc's command line on the engine.
 * `create` walks the same table of steps as `glassbox run` up to the exec, where PID 1
 * waits on a fifo; `start` opens the fifo. No monitor of ours stays: the client's shim,
 * a subreaper, is PID 1's parent and reaps it. Records live in STATE_ROOT/oci/ID. */
#ifndef GB_OCI_RUNTIME_H
#define GB_OCI_RUNTIME_H

#include "base/json.h"
#include "state/state.h"

/* The annotation naming a file for the container's events (docs/events.md, docs/oci.md). */
#define GB_OCI_EVENTS_ANNOTATION "org.glassbox.events"

/* A directory for the events of containers whose config.json names no events file: they
 * go to DIR/ID.jsonl (DIR absolute; "" or NULL: none). */
void gb_oci_set_events_dir(const char *dir);
int gb_oci_create(struct gb_runtime *rt, const char *id, const char *bundle, const char *pid_file,
		  const char *console_socket, struct gb_err *err);
int gb_oci_start(struct gb_runtime *rt, const char *id, struct gb_err *err);
/* runc's state JSON (ociVersion, id, pid, status, bundle, rootfs, created, owner,
 * annotations) into j. */
int gb_oci_state(struct gb_runtime *rt, const char *id, struct gb_json *j, struct gb_err *err);
int gb_oci_kill(struct gb_runtime *rt, const char *id, int sig, struct gb_err *err);
/* exec --process FILE --detach [--pid-file P] [--console-socket S]: a process.json's
 * command in the container; returns once it runs (its parent is then our subreaper, the
 * shim). With process.terminal, a new pty's master goes to S, as create sends its own. */
int gb_oci_exec(struct gb_runtime *rt, const char *id, const char *process, const char *pid_file,
		const char *console_socket, struct gb_err *err);
/* pause (true) or resume a running container: the cgroup freezer. */
int gb_oci_pause(struct gb_runtime *rt, const char *id, bool pause, struct gb_err *err);
int gb_oci_delete(struct gb_runtime *rt, const char *id, bool force, struct gb_err *err);
/* Every container's id, NULL-terminated (free with gb_strv_free). */
char **gb_oci_list(struct gb_runtime *rt);
/* An OCI id: 1-128 of [A-Za-z0-9_.+-], not "." or "..". */
bool gb_oci_id_valid(const char *id);

/* glassbox's state of the OCI container ID (its record maps the client's id to it).
 * "container \"ID\" does not exist" (runc's words) when there is no such record. With a
 * verb, an oci.request event goes to the container's events file, if it has one. */
int gb_oci_load_state(struct gb_runtime *rt, const char *id, const char *verb, struct gb_state *st,
		      struct gb_err *err);
/* Whether PID 1 still runs (a zombie the shim has not reaped yet does not). */
bool gb_oci_pid1_running(const struct gb_state *st);

#endif
