/* `depends_on: condition: service_healthy`: wait until the container's monitor has found
 * it healthy. The monitor runs the healthcheck and keeps its verdict in the container's
 * state file (core/engine/health.h), the same answer `ps`, `inspect` and `compose ps`
 * read. Lab 20. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/* One look at the state file: 1 healthy, 0 still starting, -errno when it never will be
 * (no healthcheck, unhealthy, not running). Cheap: compose up asks it every few ms while
 * a dependent service waits, so that it starts the moment a probe passes. */
int cli_compose_healthy_now(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	struct gb_state st;
	if (gb_state_find(rt, name, &st, err) < 0)
		return -err->code;
	gb_state_refresh(rt, &st);
	char word[sizeof st.health];
	snprintf(word, sizeof word, "%s", st.health);
	bool running = st.status == GB_STATUS_RUNNING, has = st.cfg.health.test != NULL;
	gb_state_free(&st);
	if (!has) {
		int r = gb_err_set(err, EINVAL, "",
				   "%s has no healthcheck, and a service waits "
				   "for it to be healthy",
				   name);
		gb_err_hint(err, "give it a healthcheck: test:, or use condition: service_started");
		return r;
	}
	if (running && !strcmp(word, "healthy"))
		return 1;
	if (!strcmp(word, "unhealthy") || !running)
		return gb_err_set(err, EHOSTDOWN, "",
				  "%s is %s: the services that depend on it "
				  "with condition: service_healthy do not start",
				  name, running ? "unhealthy" : "not running");
	return 0;
}

int cli_compose_wait_healthy(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	int r;
	while ((r = cli_compose_healthy_now(rt, name, err)) == 0)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	return r < 0 ? r : 0;
}
