/* The container lifecycle: created -> running -> paused -> stopped -> removed.
 * A small state machine; every illegal transition is a clear error. Lab 01. */
#ifndef GB_LIFECYCLE_H
#define GB_LIFECYCLE_H

#include <stdbool.h>

#include "base/error.h"

enum gb_status {
	GB_STATUS_NONE,	   /* not yet recorded */
	GB_STATUS_CREATED, /* root filesystem and state on disk, no process */
	GB_STATUS_RUNNING, /* PID 1 alive */
	GB_STATUS_PAUSED,  /* every process frozen by the cgroup freezer */
	GB_STATUS_STOPPED, /* PID 1 exited; the writable layer is kept */
	GB_STATUS_REMOVED, /* nothing left */
};

enum gb_op { GB_OP_START, GB_OP_STOP, GB_OP_KILL, GB_OP_PAUSE, GB_OP_RESUME, GB_OP_RM, GB_OP_EXEC };

const char *gb_status_name(enum gb_status s);
enum gb_status gb_status_parse(const char *s);
const char *gb_op_name(enum gb_op op);

/* May `op` be done to container `name` in state `s`? Returns 0 (go ahead), 1 (nothing to
 * do: e.g. stopping a stopped container; err->msg says so) or -EINVAL with a message
 * naming the state and what to do first. `force` is rm -f. */
int gb_lifecycle_check(const char *name, enum gb_status s, enum gb_op op, bool force,
		       struct gb_err *err);

#endif
