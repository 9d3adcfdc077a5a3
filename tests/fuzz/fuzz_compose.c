/* libFuzzer target: a Compose file (core/compose/compose.c, libyaml under YAML 1.2 rules)
 * parsed into the model with its variables, then rendered back as `compose config` does
 * (core/compose/compose_model.c). The project directory does not exist: the target reads
 * no .env, and an env_file or secret it names is a path that is not there (or refused
 * when it is not a regular file), never the fuzzer's own files. */
#include "fuzz.h"

#include "compose/compose.h"

static void ignore(void *data, const char *msg)
{
	(void)data;
	(void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *env[] = { "USER=student", "EMPTY=", "DATA_DIR=/srv/data", "DOMAIN_NAME=login.42.fr",
			NULL };
	struct gb_compose_opts o = { .project = NULL, .environ = env, .warn = ignore };
	struct gb_compose c;
	struct gb_err err = { 0 };
	if (gb_compose_parse(&c, (const char *)data, size, "/nonexistent-fuzz/compose.yaml",
			     "/nonexistent-fuzz", &o, &err) == 0)
		free(gb_compose_render(&c));
	gb_compose_free(&c);
	return 0;
}
