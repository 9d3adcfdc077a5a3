/* A minimal PNG writer (RGB, 8 bits, no interlace) over zlib: enough for headless frames
 * and golden images, and deterministic, so the same pixels give the same file. */
#include "png.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static int chunk(FILE *f, const char *type, const unsigned char *data, uint32_t len)
{
	unsigned char hdr[8], crc[4];
	be32(hdr, len);
	memcpy(hdr + 4, type, 4);
	uLong c = crc32(0, hdr + 4, 4);
	if (len) /* crc32() restarts at 0 when given no buffer */
		c = crc32(c, data, len);
	be32(crc, (uint32_t)c);
	return fwrite(hdr, 1, 8, f) == 8 && (len == 0 || fwrite(data, 1, len, f) == len) &&
			       fwrite(crc, 1, 4, f) == 4
		       ? 0
		       : -1;
}

/* Rows of 32-bit XRGB8888 pixels (pitch bytes apart) into filter-0 RGB scanlines. */
static unsigned char *scanlines(const uint32_t *px, int w, int h, int pitch, size_t *len)
{
	*len = (size_t)h * (1 + 3 * (size_t)w);
	unsigned char *raw = malloc(*len), *o = raw;
	if (!raw)
		return NULL;
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)((const char *)px + (size_t)y * pitch);
		*o++ = 0;
		for (int x = 0; x < w; x++) {
			*o++ = row[x] >> 16;
			*o++ = row[x] >> 8;
			*o++ = row[x];
		}
	}
	return raw;
}

int vz_png_write(const char *path, const uint32_t *px, int w, int h, int pitch)
{
	size_t rawlen;
	unsigned char *raw = scanlines(px, w, h, pitch, &rawlen);
	uLongf zlen = compressBound(rawlen);
	unsigned char *z = malloc(zlen);
	int rc = -1;
	if (!raw || !z || compress2(z, &zlen, raw, rawlen, 6) != Z_OK)
		goto out;
	FILE *f = fopen(path, "wb");
	if (!f)
		goto out;
	unsigned char ihdr[13] = { 0 };
	be32(ihdr, w);
	be32(ihdr + 4, h);
	ihdr[8] = 8; /* bits per channel */
	ihdr[9] = 2; /* colour type: truecolour RGB */
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	rc = fwrite(sig, 1, 8, f) == 8 && chunk(f, "IHDR", ihdr, 13) == 0 &&
			     chunk(f, "IDAT", z, zlen) == 0 && chunk(f, "IEND", NULL, 0) == 0
		     ? 0
		     : -1;
	if (fclose(f) != 0)
		rc = -1;
out:
	free(raw);
	free(z);
	return rc;
}
