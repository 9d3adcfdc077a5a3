/* A Compose file as a model: services, networks, volumes, secrets, read with libyaml and
 * checked before anything is made. Pure parsing: no container is started here (the
 * command line, cli/compose.c, turns each service into a glassbox container through the
 * same config `glassbox run` builds). Scalars follow YAML 1.2: libyaml hands us the text,
 * and nothing here reads `21:21` as base 60 (YAML 1.1 made it 1281). Lab 20.
 * The file format: https://github.com/compose-spec/compose-spec/blob/main/spec.md */
#ifndef GB_COMPOSE_H
#define GB_COMPOSE_H

#include "compose/compose_model.h"
#include "compose/compose_text.h"

struct gb_compose_opts {
	const char *project;  /* -p; NULL: COMPOSE_PROJECT_NAME, `name:`, or the folder's name */
	char *const *environ; /* the environment that wins over .env (NULL: none) */
	/* Unknown keys are warnings, not errors: "FILE:LINE: unknown key ..." */
	void (*warn)(void *data, const char *msg);
	void *warn_data;
};

/* Read FILE (its folder is the project directory, its .env the variables). */
int gb_compose_load(struct gb_compose *c, const char *file, const struct gb_compose_opts *o,
		    struct gb_err *err);
/* The same from text in memory (unit tests); dir is the project directory. */
int gb_compose_parse(struct gb_compose *c, const char *text, size_t len, const char *file,
		     const char *dir, const struct gb_compose_opts *o, struct gb_err *err);

#endif
