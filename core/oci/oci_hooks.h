/* config.json's hooks (runtime-spec, config.md "POSIX-platform Hooks"; docs/oci.md): programs
 * the client asks the runtime to run at points of the lifecycle, each given the container's
 * state JSON on its stdin. Docker's own prestart hook is what plugs a container into its
 * networks. oci_hooks.c parses them, keeps them with the container's record and runs them
 * where the spec says: in the runtime's namespaces, in the container's mount namespace
 * before pivot_root, or inside the container. */
#ifndef GB_OCI_HOOKS_H
#define GB_OCI_HOOKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/json.h"
#include "state/state.h"

/* The kinds, in the order of the lifecycle (runtime.md "Lifecycle"). */
enum gb_oci_hook_kind {
	GB_HOOK_PRESTART, /* deprecated, but Docker 20.10's network hook is one */
	GB_HOOK_CREATE_RUNTIME,
	GB_HOOK_CREATE_CONTAINER,
	GB_HOOK_START_CONTAINER,
	GB_HOOK_POSTSTART,
	GB_HOOK_POSTSTOP,
	GB_HOOK_KINDS
};

struct gb_oci_hook {
	char *path;  /* absolute */
	char **args; /* argv, as execv's; empty: { path } */
	char **env;  /* NULL: the runtime's own environment, as runc passes it */
	int timeout; /* seconds, > 0; 0: none */
};

struct gb_oci_hooks {
	struct gb_oci_hook *list[GB_HOOK_KINDS];
	int n[GB_HOOK_KINDS];
};

/* The member name of a kind in config.json ("prestart", "createRuntime"...). */
const char *gb_oci_hook_kind_name(int kind);
/* config.json's "hooks" object (NULL: none). -EINVAL naming the JSON path
 * ("hooks.prestart[0].path must be an absolute path") on bad input. */
int gb_oci_hooks_parse(const struct gb_jval *hooks, struct gb_oci_hooks *h, struct gb_err *err);
bool gb_oci_hooks_any(const struct gb_oci_hooks *h);
void gb_oci_hooks_free(struct gb_oci_hooks *h);
/* Kept beside the container's record for start and delete (the bundle may change or go):
 * written in config.json's own form, read back with gb_oci_hooks_parse. A missing file
 * loads as no hooks. */
int gb_oci_hooks_save(const struct gb_oci_hooks *h, const char *path, struct gb_err *err);
int gb_oci_hooks_load(const char *path, struct gb_oci_hooks *h, struct gb_err *err);

/* What a hook reads on its stdin: the state `state` prints (runtime.md "State"). */
struct gb_oci_hook_state {
	const char *id, *status, *bundle;
	pid_t pid;		  /* host PID of the container's PID 1; 0 once stopped */
	char **annotations;	  /* "key=value" */
	struct gb_events *events; /* an oci.hook event per hook (docs/events.md); NULL: none */
};

/* Run the hooks of kind in the listed order; the first that fails (exit status not 0, a
 * signal, past its timeout: killed with its process group, or not executable) stops the
 * rest and fills err with runc's wording: "error running prestart hook #0 (/path): exit
 * status 3, stdout: ..., stderr: ...". Where each runs comes from its kind: the runtime's
 * namespaces, the mount namespace of s->pid (createContainer), or inside the container
 * (startContainer: st's namespaces, cgroup and root). A hook's stdout and stderr are read
 * into the message, never passed to our own. */
int gb_oci_hooks_run(const struct gb_oci_hooks *h, int kind, const struct gb_oci_hook_state *s,
		     const struct gb_state *st, struct gb_err *err);
/* The same for poststart and poststop, whose failures are warnings (runtime-spec 1.0-1.2):
 * each failed hook's message is added to the call's warnings instead (oci_warn.h). */
void gb_oci_hooks_run_warn(const struct gb_oci_hooks *h, int kind,
			   const struct gb_oci_hook_state *s);

/* create: prestart, createRuntime and createContainer run when the engine reaches the
 * pivot_root row (PID 1 has its namespaces and mounts and waits there), through the
 * runtime's step gate, which this chains to the gate already set (step mode). */
struct gb_oci_hook_gate {
	struct gb_runtime *rt;
	gb_gate_fn prev;
	void *prev_data;
	const struct gb_oci_hooks *hooks;
	struct gb_oci_hook_state s;
	const struct gb_state *st; /* its pid is PID 1's once the clone row ran */
	bool ran;
	struct gb_err err; /* a hook's failure, which the engine's abort message would hide */
};
void gb_oci_hooks_gate_begin(struct gb_oci_hook_gate *g, struct gb_runtime *rt,
			     const struct gb_oci_hooks *h, const struct gb_oci_hook_state *s,
			     const struct gb_state *st);
/* Restore the gate; r is the create's result: a hook's own error replaces err. A failed
 * hook also runs the poststop hooks (the lifecycle goes on at "delete"), as warnings. */
int gb_oci_hooks_gate_end(struct gb_oci_hook_gate *g, int r, struct gb_err *err);

#endif
