/* libFuzzer target: the JSON reader (core/base/json.c on jansson) on any bytes, and the
 * writer's promise that the reader reads back whatever string it was given. */
#include "fuzz.h"

#include "base/json.h"

static void walk(const struct gb_jval *v)
{
	for (; v; v = v->next) {
		long long i;
		unsigned long long u;
		gb_jval_int(v, 0);
		gb_jval_int64(v, &i);
		gb_jval_uint64(v, ~0ULL, &u);
		walk(v->child);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct gb_jval *v = gb_json_parse((const char *)data, size, err, sizeof err);
	walk(v);
	gb_jval_free(v);

	char *s = fuzz_cstr(data, size);
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_str(&j, s, s);
	gb_json_obj_end(&j);
	v = gb_json_parse(j.buf, j.len, err, sizeof err);
	if (!v || v->type != GB_JOBJ || v->n != 1)
		abort(); /* the writer wrote JSON its own reader refuses */
	gb_jval_free(v);
	gb_json_free(&j);
	free(s);
	return 0;
}
