/* libFuzzer target: a seccomp profile in Docker's JSON format (core/security/seccomp.c)
 * turned into rules and back to JSON. No filter is compiled or loaded: the kernel is not
 * what is being tested here, the reading of untrusted JSON is. */
#include "fuzz.h"

#include <stdio.h>

#include "security/caps.h"
#include "security/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gb_seccomp_profile p;
	struct gb_err err = {0};
	/* Both capability sets: includes/excludes by capability take other paths. */
	gb_capset sets[] = {gb_caps_docker_default(), ~(gb_capset)0};
	for (size_t i = 0; i < 2; i++) {
		if (gb_seccomp_parse((const char *)data, size, "fuzz.json", sets[i], &p, &err) < 0)
			return 0;
		free(gb_seccomp_to_json(&p));
		gb_seccomp_free(&p);
	}
	return 0;
}
