/* The engine (engine.c): walks a table of steps (steps.h) for one container, host rows
 * here and container rows in the cloned child, which waits on a socket before each one;
 * undoes what was done when a row fails. It knows the rows only through the table it is
 * given in struct gb_launch. */
#ifndef GB_ENGINE_H
#define GB_ENGINE_H

#include "engine/steps.h"

/* The container side of a start (core/engine/engine.c): called in the cloned child, runs the
 * container rows one by one as the engine says GO; never returns. */
void gb_engine_child(struct gb_launch *l) __attribute__((noreturn));

/* Walk every step of `phase`. On failure every host step already done is undone in
 * reverse, the child (if any) is killed, and the error returned. For the start phase a
 * return of 0 means the container's command is executing with host PID l->pid. */
int gb_steps_run(struct gb_launch *l, enum gb_phase phase, struct gb_err *err);

/* Ask a running gb_steps_run to stop at the next step boundary and undo (async-signal-safe). */
void gb_steps_interrupt(void);

/* The gate for --step-fd: reads "next", "run" or "abort" lines from fd. */
int gb_gate_fd(void *data, const struct gb_step_info *step);

#endif
