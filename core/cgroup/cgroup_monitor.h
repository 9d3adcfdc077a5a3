/* The monitor's view of a container's cgroup: resource.sample and oom.kill events
 * (docs/events.md) and the rows of `glassbox stats`. Labs 07, 08, 09. */
#ifndef GB_CGROUP_MONITOR_H
#define GB_CGROUP_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup/cgroup.h"
#include "base/events.h"

/* CPU use between two readings dt seconds apart, in percent of one CPU. */
double gb_cgroup_cpu_percent(const struct gb_cg_stats *prev, const struct gb_cg_stats *now,
			     double dt);
/* One resource.sample event; prev may be NULL (then percent is 0). */
void gb_cgroup_event_sample(struct gb_events *ev, enum gb_cg_layout layout,
			    const struct gb_cg_stats *now, const struct gb_cg_stats *prev,
			    double dt, const struct gb_cg_limits *l);
/* An oom.kill event when the kernel's OOM kill count rose; returns whether it did. */
bool gb_cgroup_event_oom(struct gb_events *ev, const struct gb_cg_stats *now,
			 const struct gb_cg_stats *prev);
/* 1536 → "1.50KiB"; negative → "unlimited". */
void gb_cgroup_human_bytes(long long b, char *buf, size_t len);
const char *gb_cgroup_stats_header(void);
void gb_cgroup_stats_row(const char *name, const struct gb_cg_stats *st, double cpu_pct, char *buf,
			 size_t len);

#endif
