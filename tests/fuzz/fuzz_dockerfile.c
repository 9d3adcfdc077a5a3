/* libFuzzer target: a Dockerfile (core/build/dockerfile.c) parsed, then every instruction's
 * arguments split into words and pairs and expanded as `glassbox build` does; its stages
 * split, every FROM and COPY's options read, every stage reference looked up. */
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
			char image[256], name[64], from[64];
			const char *bad;
			gb_df_from(df.v[i].args, image, sizeof image, name, sizeof name);
			if (df.v[i].argv)
				gb_df_copy_flags(df.v[i].argv, from, sizeof from, &bad);
		}
		struct gb_df_stage *st = NULL;
		size_t n = 0;
		if (gb_df_stages(&df, &st, &n, &err) == 0)
			for (size_t i = 0; i < n; i++)
				gb_df_stage_index(st, i, st[i].image);
		free(st);
		gb_df_free(&df);
	}
	free(text);
	return 0;
}
