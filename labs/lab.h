/* The lab mechanism: every lab has a guide (README.md) and an automated check that reads
 * what the kernel reports about a container and says, in plain words, what is isolated
 * and what is not. Each check has a negative control: the same check with the lab's
 * feature turned off must report the problem (labs/README.md). */
#ifndef GB_LAB_H
#define GB_LAB_H

#include <stdbool.h>

#include "engine/container.h"

enum gb_verdict { GB_VERDICT_PASS, GB_VERDICT_FAIL, GB_VERDICT_SKIP, GB_VERDICT_ERROR };

struct gb_finding {
	bool ok;	 /* true: as a container should be; false: a leak or a problem */
	bool error;	 /* an action of the check failed (exec, a read, a probe): no verdict */
	const char *key; /* its name, for controls and the mutation matrix ("pid-ns"), or NULL */
	char text[480];	 /* one sentence with the kernel's evidence: what was read, the value */
};

struct gb_check {
	struct gb_runtime *rt;
	const char *container;	     /* --container NAME, or NULL: the check starts its own */
	bool control;		     /* the lab's feature turned off: expect problems */
	char started[GB_ID_LEN + 1]; /* the container the check started (removed after) */
	struct gb_finding f[32];
	int n;
	char skip[640];	   /* set: the host lacks the feature (or the privilege for it); says why */
	struct gb_err err; /* set: the check itself could not run */
};

struct gb_lab {
	int num;
	const char *slug; /* directory name after NN-, e.g. "pid-namespace" */
	const char *title;
	const char *feature; /* what the check observes, one line */
	const char *control; /* the negative control, e.g. "--pid host" */
	int (*check)(struct gb_check *c);
	const char *trips; /* the finding (key) the control must trip, and only that one */
	bool manual;	   /* runs only when named (lab 20: the student's own stack) */
};

void gb_check_pass(struct gb_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_check_fail(struct gb_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A named finding: ok or not, with its evidence. Controls and the mutation matrix point
 * at the name. */
void gb_check_is(struct gb_check *c, const char *key, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* An action of the check itself failed (an exec, a read of /proc or cgroupfs, a probe):
 * the verdict is ERROR, whatever else was seen. The text says what failed and why. */
void gb_check_error(struct gb_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* SKIP: true when host-check (core/host/hostcheck.c) says the kernel has feature `key` (e.g.
 * "ns.uts"); false, with the reason recorded, when it lacks it. Asked before any finding:
 * asked after one, it is an ERROR (a check may not give up once it has looked). */
bool gb_check_host_has(struct gb_check *c, const char *key);
/* The named finding was made and did not hold. */
bool gb_check_tripped(const struct gb_check *c, const char *key);

/* How a check went under its negative control: detected only through lab->trips. */
enum gb_control_result {
	GB_CONTROL_DETECTED, /* the named finding tripped, nothing failed to run */
	GB_CONTROL_MISSED,   /* every finding held: the check cannot see the leak */
	GB_CONTROL_ERROR,    /* an action failed, or another finding failed instead */
	GB_CONTROL_SKIPPED,  /* the host lacks the feature */
};
enum gb_control_result gb_control_judge(const struct gb_lab *lab, const struct gb_check *c,
					enum gb_verdict v);

/* The container to observe: --container NAME (must be running when `running`), or a new
 * busybox container running cmd, started detached with `control` applied to its config
 * in control mode. Fills *st (free with gb_state_free). */
int gb_check_container(struct gb_check *c, void (*control)(struct gb_config *cfg), char *const *cmd,
		       bool running, struct gb_state *st);
/* The same, with `setup` applied to the config first in both modes (e.g. the limits a
 * cgroup lab observes; its control then takes them away). */
int gb_check_container_cfg(struct gb_check *c, void (*setup)(struct gb_config *cfg),
			   void (*control)(struct gb_config *cfg), char *const *cmd, bool running,
			   struct gb_state *st);

/* Run one lab's check; removes what the check started. */
enum gb_verdict gb_lab_run(const struct gb_lab *lab, struct gb_runtime *rt, const char *container,
			   bool control, struct gb_check *out);

/* Registry (generated from labs/NN-name/ at build time). */
extern const struct gb_lab *const gb_labs[];
const struct gb_lab *gb_lab_find(const char *ref);

/* Helpers for checks. */
/* Exit code of cmd run inside container id with `glassbox exec`, its output silenced: for
 * probes whose failure is the expected answer. When the exec itself could not run, an
 * ERROR finding says so and the result is -1. */
int gb_check_exec_quiet(struct gb_check *c, const char *id, char *const *cmd);
/* The same, with what cmd wrote to stdout in out (NUL-terminated, cut to len). */
int gb_check_exec_output(struct gb_check *c, const char *id, char *const *cmd, char *out,
			 size_t len);
int gb_check_count_pids_in_ns(unsigned long long pidns); /* host processes in that pid ns */
int gb_check_count_proc_entries(const char *procdir);	 /* numeric entries of a /proc */

/* Lab 16's exec race (issue 19): glassbox-probe --watch inside container ref while n
 * `exec true` run from here (fewer when the watcher won and left early: *done says how
 * many). *json gets the watcher's report (free it). 0, or -errno if it could not run. */
int gb_lab16_exec_race(struct gb_runtime *rt, const char *ref, int n, int *done, char **json);

#endif
