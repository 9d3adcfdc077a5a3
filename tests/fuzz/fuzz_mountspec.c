/* libFuzzer target: the mount specs of `-v`, `--mount` and `--tmpfs`
 * (core/storage/mountspec.c), then the spec back to JSON as the state file holds it. The
 * first byte chooses the option. Beyond not crashing, what is accepted must be what was
 * asked: the target and every tmpfs option as written, never silently cut short. */
#include "fuzz.h"

#include "base/json.h"
#include "storage/mountspec.h"

/* word occurs in spec as a whole field: followed by the end, ':' or ','. */
static int in_spec(const char *spec, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = spec; n && (p = strstr(p, word)); p++)
		if (p[n] == '\0' || p[n] == ':' || p[n] == ',')
			return 1;
	return 0;
}

static int ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), k = strlen(end);
	return n >= k && strcmp(s + n - k, end) == 0;
}

static void check_as_asked(int which, const char *spec, const struct gb_mount *m)
{
	if (!in_spec(spec, m->target))
		abort(); /* a target that is not the one written */
	char opts[sizeof m->options];
	memcpy(opts, m->options, sizeof opts);
	for (char *o = strtok(opts, ","); o; o = strtok(NULL, ","))
		if (!in_spec(spec, o))
			abort(); /* a tmpfs option that is not one written */
	if (which == 1 && (ends_with(spec, ",readonly") || ends_with(spec, ",ro")) && !m->readonly)
		abort(); /* --mount ...,readonly that mounts writable */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int (*const parse[])(const char *, struct gb_mount *, struct gb_err *) = {
		gb_mount_parse_volume, gb_mount_parse_mount, gb_mount_parse_tmpfs
	};
	if (size < 1)
		return 0;
	char *spec = fuzz_cstr(data + 1, size - 1);
	struct gb_mount m;
	struct gb_err err = { 0 };
	if (parse[data[0] % 3](spec, &m, &err) == 0) {
		check_as_asked(data[0] % 3, spec, &m);
		struct gb_json j;
		gb_json_init(&j);
		gb_mount_to_json(&m, &j);
		gb_json_free(&j);
	}
	gb_volume_name_valid(spec);
	free(spec);
	return 0;
}
