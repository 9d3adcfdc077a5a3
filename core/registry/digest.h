/* sha256 of what a registry sends, with OpenSSL's EVP (it uses the CPU's SHA extensions:
 * ~10x base/sha256.c's portable code, which matters at 100 MB a layer; bench/pull.sh). */
#ifndef GB_REGISTRY_DIGEST_H
#define GB_REGISTRY_DIGEST_H

#include <stddef.h>

struct gb_digest {
	void *ctx; /* EVP_MD_CTX */
};

int gb_digest_init(struct gb_digest *d);
void gb_digest_update(struct gb_digest *d, const void *data, size_t len);
/* "sha256:<64 hex>" into out, and the context freed. */
void gb_digest_final(struct gb_digest *d, char out[72]);
/* One buffer at once. */
void gb_digest_buf(const void *data, size_t len, char out[72]);

#endif
