/* PNG output for headless frames (zlib only, no libpng). */
#ifndef VZ_PNG_H
#define VZ_PNG_H

#include <stdint.h>

/* px: XRGB8888 pixels, pitch in bytes. 0 or -1 (errno set). */
int vz_png_write(const char *path, const uint32_t *px, int w, int h, int pitch);

#endif
