/* libFuzzer target: a Dockerfile (core/build/dockerfile.c) parsed, then every instruction's
 * arguments split into words and pairs and expanded as `glassbox build` does. */
#include "fuzz.h"

#include "base/json.h"
#include "build/dockerfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct gb_dockerfile df;
	struct gb_err err = { 0 };
	char *vars[] = { "HOME=/root", "A=one", "EMPTY=", NULL };
	char out[256];
	if (gb_df_parse(text, &df, &err) == 0) {
		for (size_t i = 0; i < df.n; i++) {
			gb_strv_free(gb_df_words(df.v[i].args));
			gb_strv_free(gb_df_pairs(df.v[i].args));
			gb_df_expand(df.v[i].args, vars, out, sizeof out);
		}
		gb_df_free(&df);
	}
	free(text);
	return 0;
}
