/* The presenter's keys (pres.h): Space/Right/PageDown take a slide's steps first, then
 * the next slide; a number and Enter jumps; B blanks the screen. */
#include "pres.h"

#include <stdlib.h>
#include <string.h>

static enum vz_pact to_slide(struct vz_pres *p, int slide)
{
	if (slide < 0 || slide >= p->n_slides || slide == p->slide)
		return VZ_P_NONE;
	p->slide = slide;
	p->step = 0;
	p->steps = 1;
	p->live_more = false;
	return VZ_P_SLIDE;
}

static enum vz_pact next(struct vz_pres *p)
{
	if (p->step + 1 < p->steps) {
		p->step++;
		return VZ_P_STEP;
	}
	if (p->live_more) /* the live engine waits for "next" before its step */
		return VZ_P_LIVE_NEXT;
	return to_slide(p, p->slide + 1);
}

static enum vz_pact back(struct vz_pres *p)
{
	if (p->step > 0) {
		p->step--;
		return VZ_P_STEP;
	}
	return to_slide(p, p->slide - 1);
}

static enum vz_pact enter(struct vz_pres *p)
{
	if (!p->num[0])
		return next(p);
	int n = atoi(p->num);
	p->num[0] = '\0';
	return to_slide(p, n - 1);
}

enum vz_pact vz_pres_key(struct vz_pres *p, enum vz_pkey k, int digit)
{
	if (p->blank && k != VZ_K_ESCAPE) { /* any key brings the slide back */
		p->blank = false;
		if (k == VZ_K_BLANK || k == VZ_K_NEXT || k == VZ_K_BACK)
			return VZ_P_BLANK;
	}
	if (k != VZ_K_DIGIT && k != VZ_K_ENTER && k != VZ_K_ESCAPE)
		p->num[0] = '\0';
	switch (k) {
	case VZ_K_NEXT: return next(p);
	case VZ_K_BACK: return back(p);
	case VZ_K_ENTER: return enter(p);
	case VZ_K_FIRST: return to_slide(p, 0);
	case VZ_K_LAST: return to_slide(p, p->n_slides - 1);
	case VZ_K_BLANK: p->blank = true; return VZ_P_BLANK;
	case VZ_K_DIGIT: {
		size_t n = strlen(p->num);
		if (n + 1 < sizeof p->num && digit >= 0 && digit <= 9) {
			p->num[n] = (char)('0' + digit);
			p->num[n + 1] = '\0';
		}
		return VZ_P_NONE;
	}
	case VZ_K_ESCAPE:
		if (p->blank || p->num[0]) {
			p->blank = false;
			p->num[0] = '\0';
			return VZ_P_BLANK;
		}
		return VZ_P_QUIT;
	}
	return VZ_P_NONE;
}
