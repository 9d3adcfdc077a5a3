/* A Compose file as a model (what compose.c reads into): services, networks, volumes,
 * secrets; and what the command line asks of it: the file's place, the order of the
 * services, the names of what it makes, the resolved file. Pure: no kernel. Lab 20. */
#ifndef GB_COMPOSE_MODEL_H
#define GB_COMPOSE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

enum gb_compose_cond {
	GB_COMPOSE_STARTED,   /* service_started (a list entry means this) */
	GB_COMPOSE_HEALTHY,   /* service_healthy: its healthcheck passed */
	GB_COMPOSE_COMPLETED, /* service_completed_successfully: it exited 0 */
};

enum gb_compose_mount_type { GB_COMPOSE_VOLUME, GB_COMPOSE_BIND, GB_COMPOSE_TMPFS };

struct gb_compose_mount {
	enum gb_compose_mount_type type;
	char *source; /* volume key of the file, or an absolute host path; NULL for tmpfs */
	char *target;
	bool readonly;
};

struct gb_compose_dep {
	char *service;
	enum gb_compose_cond cond;
};

struct gb_compose_svc_net {
	char *key;	/* a key of the top-level networks ("default" for the project's own) */
	char **aliases; /* more names on that network; NULL-terminated, may be NULL */
};

/* A service's healthcheck (Docker's defaults: 30 s, 30 s, 3 retries, no start period). */
struct gb_compose_health {
	char **test; /* argv to exec (CMD) or {"/bin/sh","-c",S} (CMD-SHELL); NULL: none */
	double interval, timeout, start_period;
	double start_interval; /* 0: none (probes at interval from the start) */
	int retries;
};

struct gb_compose_service {
	char *name;
	int line;	     /* where it starts in the file, for messages */
	char *image;	     /* NULL: built and named PROJECT-SERVICE */
	char *build_context; /* absolute; NULL: nothing to build */
	char *dockerfile;    /* relative to the context; NULL: Dockerfile */
	char **build_args;   /* KEY=VALUE */
	char *container_name, *hostname;
	char **env;    /* KEY=VALUE: env_file first, environment over it */
	char **ports;  /* [IP:]HOST:CONTAINER[/tcp], ranges expanded */
	char **expose; /* documentation only, as in Docker */
	struct gb_compose_mount *mounts;
	size_t n_mounts;
	struct gb_compose_svc_net *nets;
	size_t n_nets;
	struct gb_compose_dep *deps;
	size_t n_deps;
	char restart[32]; /* "no", "always", "on-failure[:N]", "unless-stopped" */
	struct gb_compose_health health;
	char **command, **entrypoint; /* NULL: the image's */
	char **labels;		      /* KEY=VALUE */
	char **secrets;		      /* keys of the top-level secrets */
	bool init, tty, stdin_open;
	int stop_grace; /* seconds; -1: the default (10) */
	char stop_signal[16];
	/* pull_policy: "missing" (also if_not_present, and the default), "always", "never",
	 * "build" (build it, even with an image: name) */
	char pull_policy[16];
	/* x-glassbox: {status: PATH}: the project's status files (state/status_file.h),
	 * bound read-only at PATH in this service. NULL: not asked for. */
	char *status_mount;
	/* where each of secrets[] is mounted, in the same order: /run/secrets/KEY, or the long
	 * syntax's target (a relative one under /run/secrets, as Docker puts it) */
	char **secret_targets;
};

struct gb_compose_volume {
	char *key, *name; /* name: the volume's real name (PROJECT_KEY unless `name:`) */
	char *device;	  /* driver_opts bind: the host directory behind it; NULL: none */
	bool external;	  /* made outside the project: never created or removed by it */
};

struct gb_compose_network {
	char *key, *name;
	bool internal, external;
};

struct gb_compose_secret {
	char *key, *file; /* file: absolute */
};

struct gb_compose {
	char *file, *dir, *project;
	struct gb_compose_service *services;
	size_t n_services;
	struct gb_compose_volume *volumes;
	size_t n_volumes;
	struct gb_compose_network *networks;
	size_t n_networks;
	struct gb_compose_secret *secrets;
	size_t n_secrets;
	char **vars; /* the variables used: environment over .env, KEY=VALUE */
};

void gb_compose_free(struct gb_compose *c);

/* The file docker compose would use in dir or the first parent that has one:
 * compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml. -ENOENT if none. */
int gb_compose_find(const char *dir, char *out, size_t len);

/* Services in an order where each comes after those it depends on (`up`); `down` walks
 * it backwards. order[] gets n_services indexes. A circle is an error naming it. */
int gb_compose_order(const struct gb_compose *c, size_t *order, struct gb_err *err);
const struct gb_compose_service *gb_compose_service(const struct gb_compose *c, const char *name);
const struct gb_compose_volume *gb_compose_volume(const struct gb_compose *c, const char *key);
const struct gb_compose_network *gb_compose_network(const struct gb_compose *c, const char *key);
const struct gb_compose_secret *gb_compose_secret(const struct gb_compose *c, const char *key);
/* The name of a service's container: container_name, or PROJECT-SERVICE-1. */
void gb_compose_container_name(const struct gb_compose *c, const struct gb_compose_service *s,
			       char *out, size_t len);
/* The image a service runs: image, or PROJECT-SERVICE when it is only built. */
void gb_compose_image_name(const struct gb_compose *c, const struct gb_compose_service *s,
			   char *out, size_t len);

/* Render the resolved model as YAML (`glassbox compose config`); malloc'd. */
char *gb_compose_render(const struct gb_compose *c);

#endif
