/* The mutation matrix: for each isolation step of the table (core/engine/steps.c), the lab
 * whose check must catch a container started without it, and the finding that must
 * trip. tests/integration/81-mutation-matrix.sh proves every row against the kernel
 * with the test build (GLASSBOX_SKIP_STEP, core/base/mutate.h); docs/mutation-matrix.md is
 * generated from it (`glassbox steps --caught-by --markdown`). */
#ifndef GB_MUTATIONS_H
#define GB_MUTATIONS_H

#include <stdbool.h>

struct gb_mutation_row {
	const char *name;    /* GLASSBOX_SKIP_STEP=name */
	const char *row;     /* the row of the step table it belongs to */
	const char *what;    /* what is left out, in the kernel's words */
	int lab;	     /* the lab whose check catches it; 0: the start itself fails */
	const char *finding; /* the finding that must trip; lab 0: the call that refuses */
	bool pending;	     /* a row other work adds: listed apart until the table has it */
};

/* Rows of the table that are not mutated, and why. */
struct gb_mutation_exempt {
	const char *row;
	const char *why;
};

extern const struct gb_mutation_row gb_mutation_rows[];
extern const struct gb_mutation_exempt gb_mutation_exempt[];

#endif
