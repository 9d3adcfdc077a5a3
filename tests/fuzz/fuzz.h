/* What every fuzz target shares: libFuzzer hands bytes with no terminating NUL; the
 * parsers take C strings, so each target copies them into one. */
#ifndef GB_FUZZ_H
#define GB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy (free it). An embedded NUL simply ends the string early, as it
 * would when the text came from a file read with gb_read_file or from argv. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
