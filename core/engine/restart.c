/* Restart policies (restart.h): Docker's rules for starting a container's PID 1 again,
 * and its back-off. The loop that does it is the monitor's (container.c). Lab 20. */
#include "engine/restart.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "state/state.h"

int gb_restart_parse(const char *s, struct gb_restart *out)
{
	memset(out, 0, sizeof *out);
	if (!s || !*s || !strcmp(s, "no"))
		return 0;
	if (!strcmp(s, "always"))
		out->kind = GB_RESTART_ALWAYS;
	else if (!strcmp(s, "unless-stopped"))
		out->kind = GB_RESTART_UNLESS_STOPPED;
	else if (!strncmp(s, "on-failure", 10) && (!s[10] || s[10] == ':')) {
		out->kind = GB_RESTART_ON_FAILURE;
		char *end = NULL;
		if (s[10] == ':' &&
		    ((out->max = (int)strtol(s + 11, &end, 10)) < 0 || !s[11] || *end))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return 0;
}

bool gb_restart_wanted(const struct gb_restart *p, int exit_code, int restarts, bool stopped)
{
	if (stopped)
		return false;
	switch (p->kind) {
	case GB_RESTART_NO: return false;
	case GB_RESTART_ON_FAILURE: return exit_code != 0 && (p->max == 0 || restarts < p->max);
	case GB_RESTART_ALWAYS:
	case GB_RESTART_UNLESS_STOPPED:
		return true; /* they differ only when a daemon restarts: there is none here */
	}
	return false;
}

double gb_restart_delay(int n, double ran_seconds)
{
	if (ran_seconds >= 10)
		return 0.1;
	double d = 0.1;
	for (int i = 0; i < n && d < 60; i++)
		d *= 2;
	return d > 60 ? 60 : d;
}

static void mark_path(const struct gb_runtime *rt, const char *id, char *buf, size_t len)
{
	char dir[600];
	if (gb_state_dir(rt, id, dir, sizeof dir) < 0 ||
	    gb_path(buf, len, "%s/stop-requested", dir) < 0)
		buf[0] = '\0';
}

void gb_restart_mark_stopped(const struct gb_runtime *rt, const char *id)
{
	char path[700];
	mark_path(rt, id, path, sizeof path);
	int fd = path[0] ? open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644) : -1;
	if (fd >= 0)
		close(fd);
}

void gb_restart_clear_stopped(const struct gb_runtime *rt, const char *id)
{
	char path[700];
	mark_path(rt, id, path, sizeof path);
	if (path[0])
		unlink(path);
}

bool gb_restart_was_stopped(const struct gb_runtime *rt, const char *id)
{
	char path[700];
	mark_path(rt, id, path, sizeof path);
	return path[0] && access(path, F_OK) == 0;
}
