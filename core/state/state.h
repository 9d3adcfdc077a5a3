/* Per-container state on disk: <state root>/containers/<id>/container.json, written
 * atomically (write + fsync + rename), so separate commands work on one container and a
 * crashed CLI leaves a state that `rm -f` can clear. Lab 01. */
#ifndef GB_STATE_H
#define GB_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/config.h"
#include "base/events.h"
#include "state/lifecycle.h"

struct gb_step_info;

/* Step mode: called before each step. Return 0 to do it, 1 to do it and every later step
 * without asking again, -ECANCELED to abort (undo what was done). */
typedef int (*gb_gate_fn)(void *data, const struct gb_step_info *step);

/* Where a glassbox runs: shared by every command of one CLI invocation. */
struct gb_runtime {
	char state_root[512]; /* /run/glassbox: container state, locks */
	char data_root[512];  /* /var/lib/glassbox: images, layers, writable layers, logs */
	char share_dir[512];  /* built-in image, init, fonts (next to the binary) */
	struct gb_events events;
	gb_gate_fn gate; /* NULL: never stop between steps */
	void *gate_data;
	int trampoline; /* sealed copy of glassbox-trampoline (core/security/enter.h); 0: none yet */
	bool roots_repaired; /* gb_roots_repair already ran on these roots: not again */
};

/* One network a running container is on (core/net/net_container.c): what inspect shows and
 * the port proxy connects to. Teardown needs none of it: it works from the config. */
struct gb_state_net {
	char network[64];
	char addr[19];	  /* "172.29.0.2/24" */
	char ifname[16];  /* "eth0" inside */
	char host_if[16]; /* the veth's host end, on the network's bridge */
};

struct gb_state {
	struct gb_config cfg;
	enum gb_status status;
	pid_t pid;		      /* host PID of the container's PID 1, 0 if none */
	unsigned long long pid_start; /* its start time: detects PID reuse */
	pid_t monitor;		      /* the process that waits for PID 1 (the "shim") */
	unsigned long long monitor_start;
	int exit_code;	 /* as a shell reports it; -1 unknown */
	int exit_signal; /* signal that killed PID 1, 0 if none */
	bool exit_core;	 /* and it dumped core (WCOREDUMP) */
	bool oom_killed;
	double created, started, finished; /* wall clock, 0 when not yet */
	char lower[4096];		   /* overlay lowerdir: top layer first, ':' separated */
	char upper[512], work[512], merged[512], log[512];
	struct gb_state_net nets[8]; /* networks joined while running (--network) */
	int n_nets;
	/* Healthcheck (core/engine/health.h): "" none, "starting", "healthy", "unhealthy",
	 * and the failures in a row; kept by the monitor. */
	char health[12];
	int health_streak;
	int restarts; /* lives given by the restart policy so far (Docker's RestartCount) */
};

/* Fill state_root/data_root/share_dir from options or the environment
 * (GLASSBOX_ROOT, GLASSBOX_DATA_ROOT, GLASSBOX_SHARE) or the defaults. */
int gb_runtime_init(struct gb_runtime *rt, const char *state_root, const char *data_root,
		    struct gb_err *err);
/* Make sure the state root is usable (exists, writable); teaches when not. */
int gb_runtime_prepare(struct gb_runtime *rt, struct gb_err *err);

int gb_state_dir(const struct gb_runtime *rt, const char *id, char *buf, size_t len);
int gb_state_save(const struct gb_runtime *rt, const struct gb_state *st, struct gb_err *err);
int gb_state_load(const struct gb_runtime *rt, const char *id, struct gb_state *st,
		  struct gb_err *err);
void gb_state_free(struct gb_state *st);
/* Find by name, id or unique id prefix. -ENOENT with "no such container" otherwise. */
int gb_state_find(const struct gb_runtime *rt, const char *ref, struct gb_state *st,
		  struct gb_err *err);
/* By exact name only (no id, no prefix): is this name taken? -ENOENT when not. */
int gb_state_find_name(const struct gb_runtime *rt, const char *name, struct gb_state *st);
/* Whether the name index has a link for NAME (a name being taken): one lookup, no state
 * file read. For picking a free name; a stale link only makes a name look taken. */
bool gb_state_name_linked(const struct gb_runtime *rt, const char *name);
/* All containers, oldest first. */
int gb_state_list(const struct gb_runtime *rt, struct gb_state **out, size_t *n,
		  struct gb_err *err);
void gb_state_list_free(struct gb_state *list, size_t n);
/* Remove the state dir of id and its name in the index (when it still points to id). */
int gb_state_remove(const struct gb_runtime *rt, const char *id, const char *name,
		    struct gb_err *err);
/* Record name -> id in the name index, atomically (rename over). Lookups by name trust it:
 * a name with no link is free. */
int gb_state_name_link(const struct gb_runtime *rt, const char *name, const char *id);
/* Reconcile with the kernel: a "running" container whose PID 1 is gone is stopped.
 * Returns true when the state changed (and was saved). */
bool gb_state_refresh(const struct gb_runtime *rt, struct gb_state *st);
/* Exclusive lock on the state root for name allocation; returns an fd to close. */
int gb_state_lock(const struct gb_runtime *rt, struct gb_err *err);

void gb_state_to_json(const struct gb_state *st, struct gb_json *j);

#endif
