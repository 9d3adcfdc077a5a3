/* The presenter's keys as a pure state machine (no SDL): which slide and step is on
 * screen, what a key does to it. Unit-tested in tests/unit/test_deck.c. */
#ifndef VZ_PRES_H
#define VZ_PRES_H

#include <stdbool.h>

enum vz_pkey {
	VZ_K_NEXT,
	VZ_K_BACK,
	VZ_K_DIGIT,
	VZ_K_ENTER,
	VZ_K_BLANK,
	VZ_K_FIRST,
	VZ_K_LAST,
	VZ_K_ESCAPE
};

enum vz_pact { VZ_P_NONE, VZ_P_STEP, VZ_P_SLIDE, VZ_P_LIVE_NEXT, VZ_P_BLANK, VZ_P_QUIT };

struct vz_pres {
	int n_slides;
	int slide, step;
	int steps;	/* steps of the slide on screen known so far (>= 1) */
	bool live_more; /* a live engine there can still take a step ("next") */
	bool blank;
	char num[4]; /* digits typed before Enter */
};

/* What key `k` (digit: its value for VZ_K_DIGIT) does. On VZ_P_SLIDE the caller sets
 * `steps` (and live_more) for the new slide. */
enum vz_pact vz_pres_key(struct vz_pres *p, enum vz_pkey k, int digit);

#endif
