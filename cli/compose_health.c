/* `depends_on: condition: service_healthy`: wait until the container's monitor has found
 * it healthy. The monitor runs the healthcheck and keeps its verdict in the container's
 * state file (core/engine/health.h), the same answer `ps`, `inspect` and `compose ps`
 * read. Lab 20. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_compose_wait_healthy(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	for (;;) {
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
			gb_err_hint(
				err,
				"give it a healthcheck: test:, or use condition: service_started");
			return r;
		}
		if (running && !strcmp(word, "healthy"))
			return 0;
		if (!strcmp(word, "unhealthy") || !running)
			return gb_err_set(err, EHOSTDOWN, "",
					  "%s is %s: the services that depend on it "
					  "with condition: service_healthy do not start",
					  name, running ? "unhealthy" : "not running");
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
}
