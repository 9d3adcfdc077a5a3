/* Helpers shared by the cgroup labs (07-10): the container's cgroup as the kernel
 * reports it. */
#ifndef GB_CGROUP_LAB_H
#define GB_CGROUP_LAB_H

#include <stdbool.h>
#include <stdlib.h>

#include "cgroup/cgroup_container.h"
#include "lab.h"

/* Reload the state until the container stopped or timeout_ms passed; true if stopped. */
static inline bool gb_lab_wait_stopped(struct gb_check *c, struct gb_state *st, int timeout_ms)
{
	/* On an emulated CPU (the test guest under QEMU's TCG) everything takes many times
	 * longer: GLASSBOX_TIME_SCALE=N stretches the wait, never the verdict. */
	const char *scale = getenv("GLASSBOX_TIME_SCALE");
	if (scale && atoi(scale) > 1)
		timeout_ms *= atoi(scale);
	double end = gb_monotonic() + timeout_ms / 1000.0;
	for (;;) {
		struct gb_state now;
		struct gb_err ignored;
		if (gb_state_find(c->rt, st->cfg.id, &now, &ignored) == 0) {
			gb_state_refresh(c->rt, &now);
			gb_state_free(st);
			*st = now;
		}
		if (st->status == GB_STATUS_STOPPED)
			return true;
		if (gb_monotonic() > end)
			return false;
		gb_cg_sleep_ms(50);
	}
}

#endif
