/* The Dockerfile subset glassbox builds: FROM, RUN, COPY, ADD, ENV, ARG, WORKDIR, USER,
 * EXPOSE, CMD, ENTRYPOINT, STOPSIGNAL, LABEL. Pure text processing, no kernel (unit
 * tested in tests/unit/test_dockerfile.c). Dockerfile reference: docs.docker.com. Lab 18. */
#ifndef GB_DOCKERFILE_H
#define GB_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum gb_df_kind {
	GB_DF_FROM,
	GB_DF_RUN,
	GB_DF_COPY,
	GB_DF_ADD,
	GB_DF_ENV,
	GB_DF_ARG,
	GB_DF_WORKDIR,
	GB_DF_USER,
	GB_DF_EXPOSE,
	GB_DF_CMD,
	GB_DF_ENTRYPOINT,
	GB_DF_STOPSIGNAL,
	GB_DF_LABEL,
	GB_DF_HEALTHCHECK,
};

struct gb_df_instr {
	enum gb_df_kind kind;
	int line;      /* where it starts in the file, 1-based */
	char *keyword; /* as the reference spells it: "RUN" */
	char *args;    /* the rest, continuation lines joined, trimmed */
	char **argv;   /* exec form ["a","b"] for RUN/CMD/ENTRYPOINT/COPY/ADD; else NULL */
};

struct gb_dockerfile {
	struct gb_df_instr *v;
	size_t n;
};

/* Parse text. On error fills err with "Dockerfile line N: ..." and a hint. */
int gb_df_parse(const char *text, struct gb_dockerfile *df, struct gb_err *err);
void gb_df_free(struct gb_dockerfile *df);

/* Split words as the Dockerfile does for ENV/LABEL/COPY: blanks separate, "..." and '...'
 * group, backslash escapes. Returns a new vector (gb_strv_free) or NULL on a bad quote. */
char **gb_df_words(const char *s);

/* Replace $VAR, ${VAR}, ${VAR:-default} and ${VAR:+alt} from vars (KEY=VALUE entries);
 * "\$" stays a literal "$". -E2BIG when out is too small. */
int gb_df_expand(const char *in, char *const *vars, char *out, size_t len);

/* ENV and LABEL arguments as KEY=VALUE pairs: "A=1 B='two words'" or the old "A one two". */
char **gb_df_pairs(const char *args);

#endif
