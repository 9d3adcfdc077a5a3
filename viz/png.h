/* PNG output for headless frames (zlib only, no libpng). */
#ifndef VZ_PNG_H
#define VZ_PNG_H

#include <stddef.h>
#include <stdint.h>

/* px: XRGB8888 pixels, pitch in bytes. 0 or -1 (errno set). */
int vz_png_write(const char *path, const uint32_t *px, int w, int h, int pitch);

/* Read a PNG (slides' pictures) into malloc'd ARGB8888 words. 0, or -1 with err. */
int vz_png_read(const char *path, uint32_t **argb, int *w, int *h, char *err, size_t errlen);

#endif
