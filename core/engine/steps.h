/* The ordered table of steps that makes a container (steps.c). One table drives the
 * engine (engine.h), step mode, the event stream and the docs: the order students see is
 * the order the code runs. Each row calls the module of its kernel feature; none calls
 * the engine. */
#ifndef GB_STEPS_H
#define GB_STEPS_H

#include <stdbool.h>
#include <sys/types.h>

#include "security/confine.h"
#include "cgroup/cgroup.h"
#include "storage/image.h"
#include "state/state.h"
#include "storage/userns_view.h"

enum gb_side { GB_SIDE_HOST, GB_SIDE_CONTAINER };
enum gb_phase { GB_PHASE_CREATE, GB_PHASE_START };

/* What the gate and the event stream learn about a step before it runs. */
struct gb_step_info {
	const char *name;
	int index, total;
	enum gb_phase phase;
	enum gb_side side;
	int lab;
	const char *call; /* with the real values: pivot_root(".", ".") */
	const char *explain;
};

struct gb_step;

/* One container being created or started. The child gets a copy at clone time. */
struct gb_launch {
	struct gb_runtime *rt;
	struct gb_state *st;
	struct gb_image img; /* create phase: the resolved image */
	int clone_flags;
	pid_t pid; /* host PID of the container's PID 1 */
	int pidfd;
	int sock;	       /* parent <-> child step channel */
	int stdio[3];	       /* the container's stdin/out/err; -1 = inherit */
	char **argv;	       /* the command to execute */
	char child_info[256];  /* what the child reported of its last step */
	bool state_created;    /* create phase made a state dir (undo removes it) */
	struct gb_confine sec; /* caps, no_new_privs, seccomp: prepared before clone */
	bool apparmor_set;     /* the child wrote sec.apparmor for its execve (steps.c) */
	struct gb_cgroup cg;   /* the container's cgroup (start phase) */
	/* Published ports (core/net/net_container.h): listening sockets bound before the
	 * container runs; the monitor's port proxy takes them over. */
	int pub_fds[16];
	size_t n_pub;
	bool rootless; /* the engine runs as an ordinary user (set before clone:
				     * in the child, geteuid() says 65534 until the maps exist) */
	/* The table the engine walks (gb_steps_table, or another in tests), and what the
	 * clone row runs in the child: the engine's side of the channel (engine.h). */
	const struct gb_step *steps;
	size_t nsteps;
	void (*child_main)(struct gb_launch *l) __attribute__((noreturn));
	struct gb_userns_view view; /* child: dirs under the roots, opened before userns-root */
	/* -t (core/tty.h): the master of the pty the child opened in its own devpts; the
	 * child hands it over with SCM_RIGHTS on the step channel. -1: none. */
	int tty_master;
	unsigned short tty_rows, tty_cols; /* its first window size (ours), 0: 24x80 later */
	/* OCI create (core/oci/): an O_PATH fd of a fifo. The exec row lets the engine go, then
	 * opens it for writing, which blocks until `start` opens it for reading. -1: none. */
	int exec_gate;
	/* Rootless below a cgroup delegated to the user (core/cgroup/delegate.h): the cgroup
	 * rows run. Set before clone, like rootless: the child cannot look it up. */
	bool cgroup_delegated;
};

/* One row of the table. */
struct gb_step {
	const char *name;
	enum gb_phase phase;
	enum gb_side side;
	int lab;
	const char *explain;
	/* The call as a student would write it, with this container's values. */
	void (*call)(const struct gb_launch *l, char *buf, size_t len);
	/* NULL = always; otherwise whether this container needs the step. */
	bool (*wanted)(const struct gb_launch *l);
	int (*run)(struct gb_launch *l, struct gb_err *err);
	/* Host steps only: reverse the step after a later one failed. */
	void (*undo)(struct gb_launch *l);
	/* Add `observed` members: what the kernel reports after the step. */
	void (*observe)(struct gb_launch *l, struct gb_json *j);
	/* With wanted(): when the row runs, in the user's words ("with --init"). */
	const char *when;
};

/* The table itself, for documentation (`glassbox steps`) and tests. */
const struct gb_step *gb_steps_table(size_t *n);

/* Find cmd along the PATH of env, below root ("" = our own root); out gets the path as
 * seen from inside. -ENOENT when it is nowhere. */
int gb_find_exec(const char *root, char *const *env, const char *cmd, char *out, size_t len);

#endif
