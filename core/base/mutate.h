/* The mutation switch, for tests only: a container started with one step of the table
 * (core/engine/steps.c) left out, to prove that some lab's check sees the hole. Compiled in
 * only with -DGB_TEST_MUTATIONS (the test build build/tests/glassbox-mut); in the
 * shipped engine every function here is a constant "no" and no environment variable
 * is read (docs/engine.md, "The mutation matrix"). */
#ifndef GB_MUTATE_H
#define GB_MUTATE_H

#include <stdbool.h>

/* GLASSBOX_SKIP_STEP=NAME names the step left out: a row of the table ("seccomp") or a
 * part of one ("ns-pid", "old-root-detach", "sys-ro", "limit-memory"). */
bool gb_mutation(const char *name);
/* The clone flags the mutation takes away (ns-pid, ns-uts, ns-ipc, ns-net, ns-user). */
int gb_mutation_clone_flags(void);
/* GLASSBOX_FAIL_EXEC=1: gb_container_exec fails at once. */
bool gb_mutation_fail_exec(void);
/* Whether this binary was built with the switch (`glassbox steps --caught-by` says so). */
bool gb_mutation_built(void);

#endif
