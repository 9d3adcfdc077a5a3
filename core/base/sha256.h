/* SHA-256 (FIPS 180-4), small and dependency-free: the build cache names each layer by a
 * hash of its parent, its instruction and the bytes it copies (lab 18). */
#ifndef GB_SHA256_H
#define GB_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct gb_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	unsigned char buf[64];
	size_t fill;
};

void gb_sha256_init(struct gb_sha256 *s);
void gb_sha256_update(struct gb_sha256 *s, const void *data, size_t len);
/* Finish and write 64 lowercase hex digits + NUL into hex. */
void gb_sha256_hex(struct gb_sha256 *s, char hex[65]);
/* One-shot helper for a string. */
void gb_sha256_str(const char *text, char hex[65]);

#endif
