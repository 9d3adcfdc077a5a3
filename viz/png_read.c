/* Reading PNG pictures for slides, with libpng's simplified API (libpng 1.6). */
#include "png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

int vz_png_read(const char *path, uint32_t **argb, int *w, int *h, char *err, size_t errlen)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	*argb = NULL;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errlen, "%s: not a readable PNG (%s)", path, img.message);
		return -1;
	}
	/* BGRA bytes are ARGB8888 words on a little-endian machine; ARGB names the words on
	 * any machine, so ask for what the words must hold. */
	img.format = PNG_FORMAT_BGRA;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	img.format = PNG_FORMAT_ARGB;
#endif
	if (img.width > 8192 || img.height > 8192) {
		png_image_free(&img);
		snprintf(err, errlen, "%s: %ux%u is too large for a slide (at most 8192x8192)",
			 path, img.width, img.height);
		return -1;
	}
	*argb = malloc(PNG_IMAGE_SIZE(img));
	if (!*argb || !png_image_finish_read(&img, NULL, *argb, 0, NULL)) {
		snprintf(err, errlen, "%s: cannot decode the PNG (%s)", path,
			 *argb ? img.message : "out of memory");
		free(*argb);
		*argb = NULL;
		png_image_free(&img);
		return -1;
	}
	*w = (int)img.width;
	*h = (int)img.height;
	return 0;
}
