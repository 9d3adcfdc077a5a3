/* Restart policies, as Docker defines them (`--restart`, Compose's `restart:`): when the
 * monitor of a container starts its PID 1 again, and after how long. The monitor
 * (container.c) runs the loop; the rules are here, pure enough to unit test. Lab 20. */
#ifndef GB_RESTART_H
#define GB_RESTART_H

#include <stdbool.h>

struct gb_runtime;

enum gb_restart_kind {
	GB_RESTART_NO,
	GB_RESTART_ALWAYS,
	GB_RESTART_ON_FAILURE,
	GB_RESTART_UNLESS_STOPPED
};

struct gb_restart {
	enum gb_restart_kind kind;
	int max; /* on-failure:N: at most N restarts; 0 = no limit */
};

/* "no", "always", "on-failure", "on-failure:N", "unless-stopped" ("" = no). -EINVAL else. */
int gb_restart_parse(const char *s, struct gb_restart *out);
/* Start it again? exit_code as a shell reports it; restarts: how many were made so far;
 * stopped: someone asked for the stop (glassbox stop, kill, rm), which no policy undoes. */
bool gb_restart_wanted(const struct gb_restart *p, int exit_code, int restarts, bool stopped);
/* Docker's back-off: 100 ms, doubled at each restart, at most a minute; back to 100 ms
 * after a run of 10 s or more. n: restarts in a row so far. */
double gb_restart_delay(int n, double ran_seconds);

/* The mark that a stop was asked for: a file in the container's state dir, written before
 * the signal so the monitor sees it when PID 1 exits; removed at each start. */
void gb_restart_mark_stopped(const struct gb_runtime *rt, const char *id);
void gb_restart_clear_stopped(const struct gb_runtime *rt, const char *id);
bool gb_restart_was_stopped(const struct gb_runtime *rt, const char *id);

#endif
