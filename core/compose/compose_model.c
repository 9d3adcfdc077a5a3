/* What the command line asks of a parsed Compose file: where the file is, the order of
 * its services, the names of what it makes, the resolved file (`compose config`), and
 * freeing it all. Pure: no kernel. Lab 20. */
#include "compose/compose_model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

int gb_compose_find(const char *dir, char *out, size_t len)
{
	static const char *const names[] = {
		"compose.yaml",
		"compose.yml",
		"docker-compose.yaml",
		"docker-compose.yml",
	};
	char d[4096];
	if (!realpath(dir, d))
		return -errno;
	for (;;) {
		for (size_t i = 0; i < GB_ARRAY_LEN(names); i++) {
			if (gb_path(out, len, "%s/%s", strcmp(d, "/") ? d : "", names[i]) < 0)
				return -ENAMETOOLONG;
			if (access(out, F_OK) == 0)
				return 0;
		}
		char *slash = strrchr(d, '/');
		if (!slash || slash == d)
			break; /* docker compose looks in the parents too, up to the root */
		*slash = '\0';
	}
	if (access("/compose.yaml", F_OK) == 0 || access("/docker-compose.yml", F_OK) == 0)
		return gb_path(out, len, "/%s",
			       access("/compose.yaml", F_OK) == 0 ? "compose.yaml"
								  : "docker-compose.yml");
	return -ENOENT;
}

const struct gb_compose_service *gb_compose_service(const struct gb_compose *c, const char *name)
{
	for (size_t i = 0; i < c->n_services; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

const struct gb_compose_volume *gb_compose_volume(const struct gb_compose *c, const char *key)
{
	for (size_t i = 0; i < c->n_volumes; i++)
		if (!strcmp(c->volumes[i].key, key))
			return &c->volumes[i];
	return NULL;
}

const struct gb_compose_network *gb_compose_network(const struct gb_compose *c, const char *key)
{
	for (size_t i = 0; i < c->n_networks; i++)
		if (!strcmp(c->networks[i].key, key))
			return &c->networks[i];
	return NULL;
}

const struct gb_compose_secret *gb_compose_secret(const struct gb_compose *c, const char *key)
{
	for (size_t i = 0; i < c->n_secrets; i++)
		if (!strcmp(c->secrets[i].key, key))
			return &c->secrets[i];
	return NULL;
}

void gb_compose_container_name(const struct gb_compose *c, const struct gb_compose_service *s,
			       char *out, size_t len)
{
	if (s->container_name)
		snprintf(out, len, "%s", s->container_name);
	else
		snprintf(out, len, "%s-%s-1", c->project, s->name);
}

void gb_compose_image_name(const struct gb_compose *c, const struct gb_compose_service *s,
			   char *out, size_t len)
{
	if (s->image)
		snprintf(out, len, "%s", s->image);
	else
		snprintf(out, len, "%s-%s", c->project, s->name);
}

/* Depth-first topological order; mark 1 = on the current path (a circle), 2 = done. */
static int visit(const struct gb_compose *c, size_t i, char *mark, size_t *order, size_t *n,
		 struct gb_err *err)
{
	if (mark[i] == 2)
		return 0;
	if (mark[i] == 1) {
		int r = gb_err_set(err, ELOOP, "",
				   "%s: depends_on makes a circle through service %s", c->file,
				   c->services[i].name);
		gb_err_hint(err,
			    "each service can start only after those it depends on: remove one "
			    "depends_on of the circle");
		return r;
	}
	mark[i] = 1;
	const struct gb_compose_service *s = &c->services[i];
	for (size_t k = 0; k < s->n_deps; k++) {
		const struct gb_compose_service *d = gb_compose_service(c, s->deps[k].service);
		int r = d ? visit(c, (size_t)(d - c->services), mark, order, n, err) : 0;
		if (r < 0)
			return r;
	}
	mark[i] = 2;
	order[(*n)++] = i;
	return 0;
}

int gb_compose_order(const struct gb_compose *c, size_t *order, struct gb_err *err)
{
	gb_autofree char *mark = calloc(c->n_services + 1, 1);
	size_t n = 0;
	if (!mark)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	for (size_t i = 0; i < c->n_services; i++) {
		int r = visit(c, i, mark, order, &n, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ compose config */

/* A YAML 1.2 double-quoted scalar: every value is quoted, so nothing is re-typed. Values
 * are already resolved, so a `$` is written `$$`: read again, the file means the same
 * (docker compose config does the same). */
static void q(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '$')
			fputs("$$", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void list(FILE *f, const char *indent, const char *key, char *const *v)
{
	if (!v || !v[0])
		return;
	fprintf(f, "%s%s:\n", indent, key);
	for (; *v; v++) {
		fprintf(f, "%s  - ", indent);
		q(f, *v);
		fputc('\n', f);
	}
}

static void render_service(FILE *f, const struct gb_compose *c, const struct gb_compose_service *s)
{
	char name[256];
	fprintf(f, "  %s:\n", s->name);
	gb_compose_container_name(c, s, name, sizeof name);
	fprintf(f, "    container_name: ");
	q(f, name);
	gb_compose_image_name(c, s, name, sizeof name);
	fprintf(f, "\n    image: ");
	q(f, name);
	fputc('\n', f);
	if (s->build_context) {
		fprintf(f, "    build:\n      context: ");
		q(f, s->build_context);
		fprintf(f, "\n      dockerfile: ");
		q(f, s->dockerfile ? s->dockerfile : "Dockerfile");
		fputc('\n', f);
		list(f, "      ", "args", s->build_args);
	}
	if (s->hostname)
		fprintf(f, "    hostname: "), q(f, s->hostname), fputc('\n', f);
	list(f, "    ", "entrypoint", s->entrypoint);
	list(f, "    ", "command", s->command);
	list(f, "    ", "environment", s->env);
	list(f, "    ", "ports", s->ports);
	list(f, "    ", "expose", s->expose);
	if (s->n_mounts)
		fprintf(f, "    volumes:\n");
	for (size_t k = 0; k < s->n_mounts; k++) {
		static const char *const types[] = { "volume", "bind", "tmpfs" };
		const struct gb_compose_mount *m = &s->mounts[k];
		fprintf(f, "      - type: %s\n", types[m->type]);
		if (m->source)
			fprintf(f, "        source: "), q(f, m->source), fputc('\n', f);
		fprintf(f, "        target: "), q(f, m->target);
		fprintf(f, "\n        read_only: %s\n", m->readonly ? "true" : "false");
	}
	fprintf(f, "    networks:\n");
	for (size_t k = 0; k < s->n_nets; k++) {
		fprintf(f, "      %s:%s\n", s->nets[k].key, s->nets[k].aliases ? "" : " {}");
		list(f, "        ", "aliases", s->nets[k].aliases);
	}
	if (s->n_deps)
		fprintf(f, "    depends_on:\n");
	for (size_t k = 0; k < s->n_deps; k++) {
		static const char *const conds[] = { "service_started", "service_healthy",
						     "service_completed_successfully" };
		fprintf(f, "      %s:\n        condition: %s\n", s->deps[k].service,
			conds[s->deps[k].cond]);
	}
	fprintf(f, "    restart: \"%s\"\n", s->restart);
	if (s->health.test) {
		/* the model keeps the argv (CMD-SHELL is {"/bin/sh", "-c", S}): a CMD list */
		fprintf(f, "    healthcheck:\n      test:\n        - \"CMD\"\n");
		for (char *const *t = s->health.test; *t; t++)
			fprintf(f, "        - "), q(f, *t), fputc('\n', f);
		fprintf(f,
			"      interval: %gs\n      timeout: %gs\n      retries: %d\n      "
			"start_period: %gs\n",
			s->health.interval, s->health.timeout, s->health.retries,
			s->health.start_period);
		if (s->health.start_interval > 0)
			fprintf(f, "      start_interval: %gs\n", s->health.start_interval);
	}
	if (s->secrets && s->secrets[0])
		fprintf(f, "    secrets:\n");
	for (size_t k = 0; s->secrets && s->secrets[k]; k++) {
		fprintf(f, "      - source: "), q(f, s->secrets[k]);
		fprintf(f, "\n        target: "), q(f, s->secret_targets[k]), fputc('\n', f);
	}
	list(f, "    ", "labels", s->labels);
	if (s->init)
		fprintf(f, "    init: true\n");
	if (s->stop_grace >= 0)
		fprintf(f, "    stop_grace_period: %ds\n", s->stop_grace);
	if (s->stop_signal[0])
		fprintf(f, "    stop_signal: %s\n", s->stop_signal);
	if (s->pull_policy[0])
		fprintf(f, "    pull_policy: %s\n", s->pull_policy);
	if (s->status_mount)
		fprintf(f, "    x-glassbox:\n      status: "), q(f, s->status_mount),
			fputc('\n', f);
}

char *gb_compose_render(const struct gb_compose *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "name: %s\nservices:\n", c->project);
	for (size_t i = 0; i < c->n_services; i++)
		render_service(f, c, &c->services[i]);
	if (c->n_networks)
		fprintf(f, "networks:\n");
	for (size_t i = 0; i < c->n_networks; i++)
		fprintf(f, "  %s:\n    name: %s\n    internal: %s\n    external: %s\n",
			c->networks[i].key, c->networks[i].name,
			c->networks[i].internal ? "true" : "false",
			c->networks[i].external ? "true" : "false");
	if (c->n_volumes)
		fprintf(f, "volumes:\n");
	for (size_t i = 0; i < c->n_volumes; i++) {
		const struct gb_compose_volume *v = &c->volumes[i];
		fprintf(f, "  %s:\n    name: %s\n", v->key, v->name);
		if (v->device)
			fprintf(f, "    driver_opts:\n      type: none\n      o: bind\n      "
				   "device: "),
				q(f, v->device), fputc('\n', f);
		if (v->external)
			fprintf(f, "    external: true\n");
	}
	if (c->n_secrets)
		fprintf(f, "secrets:\n");
	for (size_t i = 0; i < c->n_secrets; i++)
		fprintf(f, "  %s:\n    file: ", c->secrets[i].key), q(f, c->secrets[i].file),
			fputc('\n', f);
	fclose(f);
	return buf;
}

/* ------------------------------------------------------------ free */

static void service_free(struct gb_compose_service *s)
{
	free(s->name);
	free(s->image);
	free(s->build_context);
	free(s->dockerfile);
	free(s->container_name);
	free(s->hostname);
	free(s->status_mount);
	char **const vs[] = {
		s->build_args, s->env,	      s->ports,	 s->expose,  s->health.test,
		s->command,    s->entrypoint, s->labels, s->secrets, s->secret_targets
	};
	for (size_t i = 0; i < GB_ARRAY_LEN(vs); i++)
		gb_strv_free(vs[i]);
	for (size_t k = 0; k < s->n_mounts; k++)
		free(s->mounts[k].source), free(s->mounts[k].target);
	free(s->mounts);
	for (size_t k = 0; s->nets && k < s->n_nets; k++)
		free(s->nets[k].key), gb_strv_free(s->nets[k].aliases);
	free(s->nets);
	for (size_t k = 0; s->deps && k < s->n_deps; k++)
		free(s->deps[k].service);
	free(s->deps);
}

void gb_compose_free(struct gb_compose *c)
{
	for (size_t i = 0; c->services && i < c->n_services; i++)
		service_free(&c->services[i]);
	for (size_t i = 0; c->volumes && i < c->n_volumes; i++)
		free(c->volumes[i].key), free(c->volumes[i].name), free(c->volumes[i].device);
	for (size_t i = 0; c->networks && i < c->n_networks; i++)
		free(c->networks[i].key), free(c->networks[i].name);
	for (size_t i = 0; c->secrets && i < c->n_secrets; i++)
		free(c->secrets[i].key), free(c->secrets[i].file);
	free(c->services);
	free(c->volumes);
	free(c->networks);
	free(c->secrets);
	gb_strv_free(c->vars);
	free(c->file);
	free(c->dir);
	free(c->project);
	memset(c, 0, sizeof *c);
}
