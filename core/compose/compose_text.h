/* The text rules of a Compose file that are not YAML: variables, .env files, command
 * strings, durations, port ranges (compose_text.c). Pure: unit tested. Lab 20. */
#ifndef GB_COMPOSE_TEXT_H
#define GB_COMPOSE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* ${VAR} ${VAR:-default} ${VAR-default} ${VAR:?error} ${VAR?error} ${VAR:+alt} $VAR $$ */
int gb_compose_interpolate(const char *in, char *const *vars, char **out, struct gb_err *err);
/* The first variable IN reads without a default (`${VAR}`, `$VAR`) that VARS does not
 * set, into name: true when there is one. docker compose warns about it (an empty string
 * is used), since `/home/${USER}/data` without USER is `/home//data`. */
bool gb_compose_unset_var(const char *in, char *const *vars, char *name, size_t len);
/* A value from KEY=VALUE vectors; NULL when absent. */
const char *gb_compose_var(char *const *vars, const char *key);
/* A .env file's text: KEY=VALUE lines, `#` comments, optional `export `, quotes. Appends
 * to *vars (replacing keys already there). */
int gb_compose_dotenv(const char *text, char ***vars, struct gb_err *err);
/* Split a command string as a shell would split words (quotes, backslashes), no expansion. */
int gb_compose_split(const char *s, char ***argv, struct gb_err *err);
/* "1m30s", "500ms", "10s", "2h", "10" (seconds) -> seconds. */
int gb_compose_duration(const char *s, double *out);
/* A short-syntax port ([IP:]HOST[-HOST2]:CONTAINER[-C2][/PROTO]) into one entry per port. */
int gb_compose_ports(const char *spec, char ***out, struct gb_err *err);
#endif
