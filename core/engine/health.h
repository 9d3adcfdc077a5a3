/* Healthchecks, as Docker defines them (`--health-cmd`, Compose's `healthcheck:`): the
 * monitor of a container runs its test inside every interval, the way `glassbox exec`
 * does, and keeps the verdict (starting, healthy, unhealthy) in the container's state,
 * where `ps`, `inspect`, Compose's `service_healthy` and the viz read it. The rules are
 * pure enough to unit test; the probe is one more thing the monitor's poll waits on, so
 * it never delays noticing PID 1's exit. Lab 20. */
#ifndef GB_HEALTH_H
#define GB_HEALTH_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/state.h"

/* Docker's defaults for what a healthcheck leaves out. */
#define GB_HEALTH_INTERVAL 30.0
#define GB_HEALTH_TIMEOUT 30.0
#define GB_HEALTH_RETRIES 3

/* A Go-style duration as Docker's flags take it: "30s", "1m30s", "500ms", "0.2s", "0".
 * -EINVAL when not one. */
int gb_health_parse_duration(const char *s, double *out);

/* The verdict after one probe. status: "starting", "healthy" or "unhealthy" (in/out);
 * streak: consecutive failures (in/out); since_start: seconds since PID 1 started.
 * Docker's rules: a success is healthy and clears the streak; a failure in the start
 * period while still starting does not count; otherwise it adds to the streak, and
 * `retries` of them in a row are unhealthy. */
void gb_health_judge(const struct gb_healthcheck *h, bool ok, double since_start, char *status,
		     size_t len, int *streak);

/* How the probe enters the container: gb_container_exec (engine/container.h), handed in by
 * the monitor so that this module needs nothing of the container's. */
typedef int (*gb_health_exec_fn)(struct gb_runtime *rt, const char *ref, char *const *argv,
				 char *const *env, const char *workdir, int *exit_code,
				 struct gb_err *err);

/* The monitor's side: one probe at a time. */
struct gb_health_probe {
	gb_health_exec_fn exec;
	bool on;	 /* the container has a healthcheck */
	pid_t pid;	 /* the probe's process, 0 when none runs */
	int pidfd;	 /* readable when it exits; -1 when none runs */
	int out;	 /* a memfd: what the test printed */
	double next;	 /* monotonic time of the next probe */
	double deadline; /* ... of the running probe's timeout */
	double began;	 /* when PID 1 started (monotonic) */
	bool timed_out;
};

void gb_health_init(struct gb_health_probe *p, const struct gb_state *st, gb_health_exec_fn exec);
/* The fd to poll (the running probe's pidfd) or -1. */
int gb_health_fd(const struct gb_health_probe *p);
/* How long poll may sleep, at most `limit` ms (-1: no limit of its own). */
int gb_health_wait_ms(const struct gb_health_probe *p, int limit);
/* Never blocks: start a due probe, kill one past its timeout, judge one that ended (the
 * state file and a health.status event). */
void gb_health_tick(struct gb_health_probe *p, struct gb_runtime *rt, struct gb_state *st);
/* PID 1 exited: kill and reap a running probe. */
void gb_health_stop(struct gb_health_probe *p);
/* At each start: "starting" when there is a healthcheck, "" when none. */
void gb_health_reset(struct gb_state *st);

#endif
