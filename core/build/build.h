/* `glassbox build`: a Dockerfile becomes a stack of layers. Each RUN runs in a real
 * glassbox container over the layers so far, and its writable (upper) dir becomes the
 * next layer; COPY/ADD write a layer from the build context; the other instructions only
 * change the image config (an empty layer). Every layer is cached under a key made from
 * its parent, its instruction and the bytes it copies. Lab 18. */
#ifndef GB_BUILD_H
#define GB_BUILD_H

#include <stdbool.h>

#include "storage/image.h"

struct gb_build_opts {
	const char *tag;	/* image name to write */
	const char *dockerfile; /* NULL: CONTEXT/Dockerfile */
	const char *context;	/* directory whose files COPY and ADD may read */
	bool no_cache;		/* rebuild every layer (and record the new ones) */
	char **build_args;	/* --build-arg KEY=VALUE */
	/* One line of progress as `docker build` prints it ("Step 2/5 : RUN ..."). */
	void (*progress)(void *data, const char *line);
	void *progress_data;
	const char *target; /* --target STAGE: build up to that stage; NULL: the last */
};

/* Build. On success image_id gets the id of the image's top layer. */
int gb_build(struct gb_runtime *rt, const struct gb_build_opts *o, char image_id[GB_ID_LEN + 1],
	     struct gb_err *err);

/* The cache key of a layer: sha256 of the parent layer id, the instruction text and the
 * hash of what it copies ("" when nothing). Pure: unit tested. */
void gb_build_cache_key(const char *parent, const char *instruction, const char *content,
			char out[65]);

/* .dockerignore: whether a context path (relative, "a/b") is excluded by patterns
 * (last match wins; "!pattern" re-includes; a matched directory excludes its contents). */
bool gb_build_ignored(char *const *patterns, const char *rel);

#endif
