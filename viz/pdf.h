/* A handout PDF: pages of pictures (RGB, deflated with zlib), nothing else. */
#ifndef VZ_PDF_H
#define VZ_PDF_H

#include <stdint.h>
#include <stdio.h>

struct vz_pdf;

/* Pages are w_pt x h_pt points (1/72 inch). NULL with errno on failure. */
struct vz_pdf *vz_pdf_open(const char *path, double w_pt, double h_pt);
/* Start a page, then put pictures on it: px are XRGB8888 rows `pitch` bytes apart,
 * placed at (x, y) points from the page's top left, w x h points large. */
int vz_pdf_page(struct vz_pdf *p);
int vz_pdf_image(struct vz_pdf *p, const uint32_t *px, int pw, int ph, int pitch, double x,
		 double y, double w, double h);
/* Write the page tree and the cross-reference table; 0 or -1. Frees p either way. */
int vz_pdf_close(struct vz_pdf *p);

#endif
