/* Event stream writer: one JSON object per line, format in docs/events.md. */
#include "base/events.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

void gb_events_init(struct gb_events *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->fd = -1;
}

int gb_events_open(struct gb_events *ev, const char *spec, struct gb_err *err)
{
	if (strncmp(spec, "fd:", 3) == 0) {
		char *end;
		long fd = strtol(spec + 3, &end, 10);
		if (*end || end == spec + 3 || fd < 0 || fcntl((int)fd, F_GETFD) < 0)
			return gb_err_set(err, EBADF, "",
					  "--events %s: not an open file descriptor", spec);
		ev->fd = (int)fd;
		/* Keep it open across the exec of a monitor, but not into the container. */
		fcntl(ev->fd, F_SETFD, FD_CLOEXEC);
		return 0;
	}
	int fd = open(spec, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		int r = gb_err_set(err, errno, "open", "cannot open event file %s", spec);
		gb_err_hint(err, "give a writable path, or --events fd:N for an open descriptor");
		return r;
	}
	ev->fd = fd;
	return 0;
}

void gb_events_close(struct gb_events *ev)
{
	if (ev->fd > 2)
		close(ev->fd);
	ev->fd = -1;
}

void gb_events_set_container(struct gb_events *ev, const char *id, const char *name)
{
	snprintf(ev->id, sizeof ev->id, "%s", id ? id : "");
	snprintf(ev->name, sizeof ev->name, "%s", name ? name : "");
}

void gb_event_begin(struct gb_events *ev, struct gb_json *j, const char *type)
{
	gb_json_init(j);
	gb_json_obj_begin(j, NULL);
	gb_json_int(j, "v", GB_EVENTS_VERSION);
	gb_json_uint(j, "seq", ++ev->seq);
	gb_json_double(j, "t", gb_monotonic(), 6);
	gb_json_str(j, "type", type);
	if (ev->id[0])
		gb_json_str(j, "id", ev->id);
	if (ev->name[0])
		gb_json_str(j, "name", ev->name);
}

static const char *type_of(const char *line)
{
	static __thread char type[64];
	const char *p = strstr(line, "\"type\":\"");
	type[0] = '\0';
	if (p) {
		p += 8;
		size_t n = strcspn(p, "\"");
		if (n >= sizeof type)
			n = sizeof type - 1;
		memcpy(type, p, n);
		type[n] = '\0';
	}
	return type;
}

void gb_event_emit(struct gb_events *ev, struct gb_json *j)
{
	gb_json_obj_end(j);
	if (!j->failed && j->buf) {
		if (ev->listener)
			ev->listener(ev->listener_data, type_of(j->buf), j->buf);
		if (ev->fd >= 0) {
			/* One write per line: a reader on a pipe never sees half an event. */
			size_t len = j->len;
			j->buf[len] = '\n';
			gb_write_full(ev->fd, j->buf, len + 1);
			j->buf[len] = '\0';
		}
	}
	gb_json_free(j);
}

void gb_event_lifecycle(struct gb_events *ev, const char *from, const char *to)
{
	struct gb_json j;
	gb_event_begin(ev, &j, "lifecycle");
	gb_json_str(&j, "from", from);
	gb_json_str(&j, "to", to);
	gb_event_emit(ev, &j);
}

void gb_event_log(struct gb_events *ev, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	struct gb_json j;
	gb_event_begin(ev, &j, "log");
	gb_json_str(&j, "message", msg);
	gb_event_emit(ev, &j);
}

void gb_event_error(struct gb_events *ev, const struct gb_err *err)
{
	struct gb_json j;
	gb_event_begin(ev, &j, "error");
	char msg[1024];
	gb_err_message(err, msg, sizeof msg);
	gb_json_str(&j, "error", msg);
	gb_json_str(&j, "errno", gb_errno_name(err->code));
	if (err->hint[0])
		gb_json_str(&j, "hint", err->hint);
	gb_event_emit(ev, &j);
}
