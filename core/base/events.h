/* The event stream (docs/events.md): JSON Lines describing every step, state change and
 * runtime event. The core writes plain events; terminals, labs, tests and the viz read them. */
#ifndef GB_EVENTS_H
#define GB_EVENTS_H

#include <stdbool.h>

#include "base/error.h"
#include "base/json.h"

#define GB_EVENTS_VERSION 1

struct gb_events {
	int fd; /* -1: events are not written anywhere */
	unsigned long long seq;
	char id[16]; /* container the following events are about */
	char name[128];
	/* Optional in-process listener (the terminal step printer, tests). */
	void (*listener)(void *data, const char *type, const char *line);
	void *listener_data;
};

void gb_events_init(struct gb_events *ev);
/* "FILE" (appended) or "fd:N". */
int gb_events_open(struct gb_events *ev, const char *spec, struct gb_err *err);
void gb_events_close(struct gb_events *ev);
void gb_events_set_container(struct gb_events *ev, const char *id, const char *name);

/* Start an event: fills the common members; add yours, then gb_event_emit. */
void gb_event_begin(struct gb_events *ev, struct gb_json *j, const char *type);
/* Finish, write one line, free j. Never fails the caller: a broken reader must not
 * break a container start (EPIPE is ignored). */
void gb_event_emit(struct gb_events *ev, struct gb_json *j);

/* Shorthands for the common one-line events. */
void gb_event_lifecycle(struct gb_events *ev, const char *from, const char *to);
void gb_event_log(struct gb_events *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_event_error(struct gb_events *ev, const struct gb_err *err);

#endif
