/* Lifecycle state machine: which operation is legal in which state (lifecycle.h). */
#include "state/lifecycle.h"

#include <errno.h>
#include <string.h>

#include "base/util.h"

static const char *const status_names[] = {
	[GB_STATUS_NONE] = "none",	 [GB_STATUS_CREATED] = "created",
	[GB_STATUS_RUNNING] = "running", [GB_STATUS_PAUSED] = "paused",
	[GB_STATUS_STOPPED] = "stopped", [GB_STATUS_REMOVED] = "removed",
};

static const char *const op_names[] = {
	[GB_OP_START] = "start", [GB_OP_STOP] = "stop",	    [GB_OP_KILL] = "kill",
	[GB_OP_PAUSE] = "pause", [GB_OP_RESUME] = "resume", [GB_OP_RM] = "rm",
	[GB_OP_EXEC] = "exec",
};

const char *gb_status_name(enum gb_status s)
{
	return (unsigned)s < GB_ARRAY_LEN(status_names) ? status_names[s] : "unknown";
}

enum gb_status gb_status_parse(const char *s)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(status_names); i++)
		if (s && strcmp(s, status_names[i]) == 0)
			return (enum gb_status)i;
	return GB_STATUS_NONE;
}

const char *gb_op_name(enum gb_op op)
{
	return (unsigned)op < GB_ARRAY_LEN(op_names) ? op_names[op] : "?";
}

/* What each state allows. A = allowed, N = no-op, E = error. */
enum verdict { E = 0, A, N };
static const char table[][7] = {
	/*                   start stop kill pause resume rm exec */
	[GB_STATUS_NONE] = { E, E, E, E, E, E, E },
	[GB_STATUS_CREATED] = { A, N, E, E, E, A, E },
	[GB_STATUS_RUNNING] = { E, A, A, A, E, E, A },
	[GB_STATUS_PAUSED] = { E, A, A, N, A, E, E },
	[GB_STATUS_STOPPED] = { A, N, E, E, E, A, E },
	[GB_STATUS_REMOVED] = { E, E, E, E, E, E, E },
};

int gb_lifecycle_check(const char *name, enum gb_status s, enum gb_op op, bool force,
		       struct gb_err *err)
{
	if ((unsigned)s >= GB_ARRAY_LEN(table) || (unsigned)op >= GB_ARRAY_LEN(op_names))
		return gb_err_set(err, EINVAL, "", "container %s: unknown state", name);
	if (op == GB_OP_RM && force)
		return 0;
	switch (table[s][op]) {
	case A: return 0;
	case N:
		gb_err_set(err, EALREADY, "", "container %s is already %s", name,
			   s == GB_STATUS_PAUSED    ? "paused"
			   : s == GB_STATUS_CREATED ? "not running (created)"
						    : "stopped");
		return 1;
	default: break;
	}
	const char *st = gb_status_name(s);
	int r = gb_err_set(err, EINVAL, "", "container %s is %s", name, st);
	if (s == GB_STATUS_RUNNING && op == GB_OP_START)
		gb_err_hint(err, "it is already running; `glassbox stop %s` first to restart it",
			    name);
	else if (s == GB_STATUS_RUNNING && op == GB_OP_RM)
		gb_err_hint(
			err,
			"stop it first (`glassbox stop %s`) or force it with `glassbox rm -f %s`",
			name, name);
	else if (s == GB_STATUS_RUNNING && op == GB_OP_RESUME)
		gb_err_hint(err, "only a paused container can be resumed");
	else if (s == GB_STATUS_PAUSED)
		gb_err_hint(err, "resume it first: `glassbox resume %s`%s", name,
			    op == GB_OP_RM ? " (or `glassbox rm -f`)" : "");
	else if (s == GB_STATUS_CREATED || s == GB_STATUS_STOPPED)
		gb_err_hint(err, "start it first: `glassbox start %s`", name);
	return r;
}
