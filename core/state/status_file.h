/* A container's public status: the few facts a status page shows (state, health, restarts,
 * start time, networks), kept in a file of their own beside the private state file, so
 * that a container can be given them through a read-only bind mount without being given
 * anything else: no environment (the passwords of a `.env`), no command line, no mounts.
 * Compose projects use it (docs/compose.md: x-glassbox status). Lab 20. */
#ifndef GB_STATUS_FILE_H
#define GB_STATUS_FILE_H

#include <stddef.h>

#include "base/error.h"

/* What one file holds; the strings are borrowed. */
struct gb_status_file {
	const char *project, *service, *container;
	const char *state;  /* "created", "running", "stopped"... (gb_status_name) */
	const char *health; /* "" no healthcheck, "starting", "healthy", "unhealthy" */
	int restarts;
	int exit_code;		  /* as a shell reports it; -1 unknown */
	double started, finished; /* wall clock, 0 when not yet */
	char *const *networks;	  /* NULL-terminated, may be NULL */
};

/* <state root>/status/PROJECT: one directory per project, so that a service is shown its
 * own project and no other. */
int gb_status_file_dir(const char *state_root, const char *project, char *buf, size_t len);
/* Make the project's directory (0755: a container's root, mapped or not, may read it
 * through the bind mount; the 0700 state root above it still keeps every host user out). */
int gb_status_file_prepare(const char *dir, struct gb_err *err);
/* Write DIR/CONTAINER.json, atomically (a reader sees the old file or the new one). */
int gb_status_file_write(const char *dir, const struct gb_status_file *s, struct gb_err *err);
/* Remove DIR/CONTAINER.json (the container is gone); a missing file is no error. */
int gb_status_file_remove(const char *dir, const char *container);
/* Remove the directory when it is empty (compose down): -ENOTEMPTY while a container of
 * the project is left, which keeps its file and its mount valid. */
int gb_status_file_remove_dir(const char *dir);

#endif
