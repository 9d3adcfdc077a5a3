/* The Dockerfile subset glassbox builds: FROM (multi-stage, AS NAME), RUN, COPY (--from),
 * ADD, ENV, ARG, WORKDIR, USER, EXPOSE, CMD, ENTRYPOINT, STOPSIGNAL, LABEL, HEALTHCHECK,
 * SHELL, VOLUME; ONBUILD is refused with a reason. Pure text processing, no kernel (unit
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
	GB_DF_SHELL,
	GB_DF_VOLUME,
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

/* FROM [--platform=P] IMAGE [AS NAME]: the image reference and the stage name, lowercased
 * as Docker does ("" when the stage has none). -EINVAL for anything else. */
int gb_df_from(const char *args, char *image, size_t ilen, char *name, size_t nlen);

/* A stage: instructions [first, end) of the Dockerfile, first being its FROM. The ARGs
 * before the first FROM belong to no stage (the global ARGs, which only FROM sees). */
struct gb_df_stage {
	size_t first, end;
	char image[256]; /* FROM's image, not yet substituted */
	char name[64];	 /* AS name, "" for none */
};

/* Split a parsed Dockerfile into its stages (a new array, free() it). Refuses a stage name
 * used twice or one that is not a name (a letter, then letters, digits, - _ .). */
int gb_df_stages(const struct gb_dockerfile *df, struct gb_df_stage **v, size_t *n,
		 struct gb_err *err);

/* Which stage REF names among the first `before` stages: its AS name (any case) or its
 * index ("0"); -1 when none (then REF is an image). */
int gb_df_stage_index(const struct gb_df_stage *v, size_t before, const char *ref);

/* COPY/ADD's leading options in words: --from=X is copied to from ("" when absent); the
 * index of the first word that is not an option is returned, or -EINVAL with *bad
 * pointing at an option glassbox does not know. */
int gb_df_copy_flags(char *const *words, char *from, size_t len, const char **bad);

/* All of COPY/ADD's options: --from=, --chown=USER[:GROUP], --chmod=MODE ("" when absent). */
struct gb_df_copy_opts {
	char from[256];
	char chown[128];
	char chmod[16];
};
/* As gb_df_copy_flags, filling o. */
int gb_df_copy_opts(char *const *words, struct gb_df_copy_opts *o, const char **bad);

#endif
