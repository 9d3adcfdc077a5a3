/* sha256 with OpenSSL (digest.h). */
#include "registry/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

int gb_digest_init(struct gb_digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	if (!d->ctx || EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(d->ctx);
		d->ctx = NULL;
		return -ENOMEM;
	}
	return 0;
}

void gb_digest_update(struct gb_digest *d, const void *data, size_t len)
{
	if (d->ctx)
		EVP_DigestUpdate(d->ctx, data, len);
}

void gb_digest_final(struct gb_digest *d, char out[72])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	snprintf(out, 72, "sha256:");
	if (!d->ctx || EVP_DigestFinal_ex(d->ctx, md, &n) != 1 || n != 32)
		snprintf(out, 72, "sha256:(failed)");
	for (unsigned int i = 0; i < n && n == 32; i++)
		snprintf(out + 7 + 2 * i, 72 - 7 - 2 * i, "%02x", md[i]);
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
}

void gb_digest_buf(const void *data, size_t len, char out[72])
{
	struct gb_digest d;
	gb_digest_init(&d);
	gb_digest_update(&d, data, len);
	gb_digest_final(&d, out);
}
