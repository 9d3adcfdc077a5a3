/* libFuzzer target: what a registry sends and what a user types about it
 * (core/registry/ref.c). The bytes as a manifest (Docker v2 schema 2, OCI, a manifest
 * list, an OCI index) with no Content-Type and with each one a registry may send, as an
 * index to pick linux/amd64 from, and as an image reference (Docker's name rules: NAME,
 * REGISTRY[:PORT]/PATH, [IPv6]:PORT, :TAG, @sha256:DIGEST) read back in its short form. */
#include "fuzz.h"

#include "registry/ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {
		NULL,
		"application/vnd.oci.image.index.v1+json",
		"application/vnd.docker.distribution.manifest.list.v2+json",
		"application/vnd.oci.image.manifest.v1+json",
		"application/vnd.docker.distribution.manifest.v2+json",
	};
	const char *text = (const char *)data;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct gb_manifest m = { 0 };
		struct gb_err err = { 0 };
		if (gb_manifest_parse(text, size, types[i], &m, &err) == 0)
			for (size_t k = 0; k < m.n_layers; k++)
				gb_layer_type_known(m.layers[k].media_type);
		gb_manifest_free(&m);
	}
	char digest[80];
	struct gb_err err = { 0 };
	gb_index_select(text, size, "linux/amd64", digest, sizeof digest, &err);
	char *ref_text = fuzz_cstr(data, size);
	struct gb_ref ref;
	if (gb_ref_parse(ref_text, &ref, &err) == 0) {
		char fam[700];
		gb_ref_familiar(&ref, fam, sizeof fam);
		gb_ref_api_host(&ref);
		gb_ref_is_loopback(&ref);
	}
	free(ref_text);
	return 0;
}
