/* libFuzzer target: the mount specs of `-v`, `--mount` and `--tmpfs`
 * (core/storage/mountspec.c), then the spec back to JSON as the state file holds it. The
 * first byte chooses the option. */
#include "fuzz.h"

#include "base/json.h"
#include "storage/mountspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int (*const parse[])(const char *, struct gb_mount *, struct gb_err *) = {
	    gb_mount_parse_volume, gb_mount_parse_mount, gb_mount_parse_tmpfs};
	if (size < 1)
		return 0;
	char *spec = fuzz_cstr(data + 1, size - 1);
	struct gb_mount m;
	struct gb_err err = {0};
	if (parse[data[0] % 3](spec, &m, &err) == 0) {
		struct gb_json j;
		gb_json_init(&j);
		gb_mount_to_json(&m, &j);
		gb_json_free(&j);
	}
	gb_volume_name_valid(spec);
	free(spec);
	return 0;
}
