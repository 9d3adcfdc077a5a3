/* glassbox compose: a Compose file's services as glassbox containers. The file is read by
 * core/compose/ (pure parsing); here each service becomes the argument vector of
 * `glassbox run`, parsed by the same code (args.c), so a compose container is exactly the
 * container `glassbox run` would make. Networks come from core/net/, named volumes from
 * core/storage/volume.c, images from core/build/. Lab 20. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "build/build.h"
#include "cli.h"
#include "compose/compose.h"
#include "net/net_container.h"
#include "state/status_file.h"
#include "storage/image.h"
#include "storage/volume.h"

extern char **environ;

struct project {
	struct gb_runtime *rt;
	struct gb_compose c;
	size_t *order;	      /* services, each after what it depends on */
	char status_dir[600]; /* <state root>/status/PROJECT: its containers' status files */
};

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "glassbox compose: %s\n", msg);
	fprintf(msg ? stderr : stdout,
		"usage: glassbox compose [-f FILE] [-p NAME] COMMAND\n\n"
		"  -f, --file FILE                 the Compose file (default: found as below)\n"
		"  -p, --project-name NAME         the project (default: the file's folder)\n\n"
		"  up [-d] [--build] [SERVICE...]  build what is missing, pull missing images, "
		"create\n"
		"                                  networks and volumes,\n"
		"                                  start services in depends_on order (-d: and "
		"return)\n"
		"     [--wait] [--wait-timeout S]  return once each is running, and healthy where "
		"it\n"
		"                                  has a healthcheck (implies -d; S default 300)\n"
		"  down [-v] [--rmi all]           stop (reverse order, each its grace period) and "
		"remove\n"
		"                                  containers and networks (-v: volumes, --rmi: "
		"images)\n"
		"  build [SERVICE...]              build the services that have build:\n"
		"  ps                              the project's containers\n"
		"  logs [-f] [SERVICE...]          their output, each line after its service's "
		"name\n"
		"  exec [-T] [-i] [-t] [-it] [-u USER] [-w DIR] SERVICE CMD [ARG...]\n"
		"                                  run a command in a service's container\n"
		"  start|stop|restart [SERVICE...] as glassbox start/stop, in dependency order\n"
		"  config                          the file with variables resolved, as glassbox "
		"reads it\n\n"
		"FILE: compose.yaml, compose.yml, docker-compose.yaml or docker-compose.yml here "
		"or in\n"
		"a parent folder; variables come from the environment and the file's .env.\n"
		"Long forms: -d --detach, -v --volumes, -f --follow, -u --user, -w --workdir.\n\n"
		"example:\n  glassbox compose up -d && glassbox compose ps && glassbox compose "
		"down\n");
	return msg ? CLI_EXIT_REFUSED : 0; /* a usage error: refused, 125 (docs/cli.md) */
}

static void warn(void *data, const char *msg)
{
	fprintf(stderr, "glassbox compose: warning: %s\n", msg);
}

/* The environment the file's variables come from, plus GLASSBOX_ROOT: the state root
 * this glassbox uses (--root, $GLASSBOX_ROOT or the default). Not for mounting its
 * containers/ into a service: every container's config is there, environment and
 * passwords included. A status page asks for x-glassbox: {status: PATH} instead
 * (status_dir below), which shows it its own project's status files and nothing else. */
static char **compose_environ(const struct gb_runtime *rt)
{
	size_t n = gb_strv_len(environ);
	char **v = calloc(n + 2, sizeof *v);
	if (!v || asprintf(&v[0], "GLASSBOX_ROOT=%s", rt->state_root) < 0)
		return free(v), NULL;
	for (size_t i = 0, k = 1; i < n; i++)
		if (strncmp(environ[i], "GLASSBOX_ROOT=", 14))
			v[k++] = environ[i];
	return v;
}

static int load(struct project *p, const char *file, const char *name, struct gb_err *err)
{
	char found[4096];
	if (!file) {
		int r = gb_compose_find(".", found, sizeof found);
		if (r < 0) {
			r = gb_err_set(err, ENOENT, "",
				       "no compose.yaml, compose.yml, docker-compose.yaml "
				       "or docker-compose.yml here or in a parent folder");
			gb_err_hint(err, "cd into the project, or give the file: glassbox compose "
					 "-f FILE up");
			return r;
		}
		file = found;
	}
	char **env = compose_environ(p->rt);
	if (!env)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	struct gb_compose_opts o = { .project = name, .environ = env, .warn = warn };
	int r = gb_compose_load(&p->c, file, &o, err);
	free(env[0]);
	free(env);
	if (r < 0)
		return r;
	gb_status_file_dir(p->rt->state_root, p->c.project, p->status_dir, sizeof p->status_dir);
	p->order = calloc(p->c.n_services + 1, sizeof *p->order);
	if (!p->order)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	return gb_compose_order(&p->c, p->order, err);
}

/* Does the command line name this service (no names: all of them)? */
static bool selected(const struct gb_compose_service *s, char **names)
{
	if (!names || !names[0])
		return true;
	for (char **n = names; *n; n++)
		if (!strcmp(*n, s->name))
			return true;
	return false;
}

static int check_names(struct project *p, char **names)
{
	for (char **n = names; n && *n; n++)
		if (!gb_compose_service(&p->c, *n)) {
			fprintf(stderr, "glassbox compose: no such service: %s\n", *n);
			return -1;
		}
	return 0;
}

/* ------------------------------------------------------------ networks, volumes, images */

static int networks_up(struct project *p, struct gb_err *err)
{
	for (size_t i = 0; i < p->c.n_networks; i++) {
		const struct gb_compose_network *n = &p->c.networks[i];
		struct gb_net_network net;
		struct gb_err ignored = { 0 };
		if (gb_net_network_load(p->rt->state_root, n->name, &net, &ignored) == 0) {
			gb_net_network_free(&net);
			continue;
		}
		if (n->external) {
			int r = gb_err_set(err, ENOENT, "", "external network %s does not exist",
					   n->name);
			gb_err_hint(err, "create it first: glassbox network create %s", n->name);
			return r;
		}
		int r = gb_net_container_network_create(p->rt, n->name, NULL, n->internal, &net,
							err);
		if (r < 0)
			return r;
		printf(" Network %s  Created%s\n", n->name, n->internal ? " (internal)" : "");
		gb_net_network_free(&net);
	}
	return 0;
}

static int volumes_up(struct project *p, struct gb_err *err)
{
	for (size_t i = 0; i < p->c.n_volumes; i++) {
		const struct gb_compose_volume *v = &p->c.volumes[i];
		int r = v->external ? 1
			: v->device ? gb_volume_create_bound(p->rt, v->name, v->device, err)
				    : gb_volume_create(p->rt, v->name, err);
		if (r < 0)
			return r;
		if (r == 0)
			printf(" Volume %s  Created%s%s\n", v->name, v->device ? " on " : "",
			       v->device ? v->device : "");
	}
	return 0;
}

static void progress(void *data, const char *line)
{
	printf("%s  %s\n", (const char *)data, line);
	fflush(stdout);
}

static int build_one(struct project *p, const struct gb_compose_service *s, struct gb_err *err)
{
	char tag[512], dockerfile[4096];
	gb_compose_image_name(&p->c, s, tag, sizeof tag);
	snprintf(dockerfile, sizeof dockerfile, "%s/%s", s->build_context,
		 s->dockerfile ? s->dockerfile : "Dockerfile");
	struct gb_build_opts o = {
		.tag = tag,
		.dockerfile = s->dockerfile && s->dockerfile[0] == '/' ? s->dockerfile : dockerfile,
		.context = s->build_context,
		.build_args = s->build_args,
		.progress = progress,
		.progress_data = s->name,
	};
	char id[GB_ID_LEN + 1];
	printf(" Service %s  Building %s\n", s->name, tag);
	return gb_build(p->rt, &o, id, err);
}

static bool image_exists(struct project *p, const char *ref)
{
	struct gb_image img;
	struct gb_err ignored = { 0 };
	if (gb_image_resolve(p->rt, ref, &img, &ignored) < 0)
		return false;
	gb_image_free(&img);
	return true;
}

/* Build each selected service with build: (always, or only when its image is missing). */
static int build_all(struct project *p, char **names, bool always, struct gb_err *err)
{
	for (size_t k = 0; k < p->c.n_services; k++) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		char tag[512];
		gb_compose_image_name(&p->c, s, tag, sizeof tag);
		bool again = always || !strcmp(s->pull_policy, "build");
		if (!s->build_context || !selected(s, names) || (!again && image_exists(p, tag)))
			continue;
		int r = build_one(p, s, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Pull each selected service's image that is not here, as docker compose up does (its
 * pull_policy "missing", the default; "always" pulls it anyway, "never" never), before
 * any service starts: a name that no registry knows stops the up before anything runs.
 * Services with build: are built, not pulled. */
static int pull_all(struct project *p, char **names, struct gb_err *err)
{
	for (size_t k = 0; k < p->c.n_services; k++) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		bool always = !strcmp(s->pull_policy, "always");
		char tag[512];
		gb_compose_image_name(&p->c, s, tag, sizeof tag);
		if (s->build_context || !selected(s, names) || !strcmp(s->pull_policy, "never") ||
		    gb_image_builtin(tag) || (!always && image_exists(p, tag)))
			continue; /* busybox: glassbox makes it, the image step imports it */
		printf(" Service %s  Pulling %s\n", s->name, tag);
		fflush(stdout);
		int r = cli_pull_missing(p->rt, tag, always, err);
		if (r < 0) {
			fprintf(stderr, "glassbox compose: service %s:\n", s->name);
			return r;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ a service as `glassbox run` */

static int arg(char ***v, const char *a, const char *b)
{
	size_t n = gb_strv_len(*v);
	char **bigger = realloc(*v, (n + 3) * sizeof **v);
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	(*v)[n] = strdup(a);
	(*v)[n + 1] = b ? strdup(b) : NULL;
	(*v)[n + 2] = NULL;
	return 0;
}

static void mount_args(struct project *p, const struct gb_compose_service *s, char ***v)
{
	char spec[1200];
	for (size_t k = 0; k < s->n_mounts; k++) {
		const struct gb_compose_mount *m = &s->mounts[k];
		const char *ro = m->readonly ? ":ro" : "";
		if (m->type == GB_COMPOSE_TMPFS) {
			arg(v, "--tmpfs", m->target);
			continue;
		}
		const struct gb_compose_volume *vol =
			m->type == GB_COMPOSE_VOLUME ? gb_compose_volume(&p->c, m->source) : NULL;
		snprintf(spec, sizeof spec, "%s:%s%s", vol ? vol->name : m->source, m->target, ro);
		arg(v, "-v", spec);
	}
	/* x-glassbox status: the project's status files, read-only (the kernel refuses a
	 * write with EROFS); not the state root, whose files hold every environment */
	if (s->status_mount) {
		snprintf(spec, sizeof spec, "%s:%s:ro", p->status_dir, s->status_mount);
		arg(v, "-v", spec);
	}
	/* secrets: read-only files under /run/secrets (or the long syntax's target), as Docker
	 * mounts them */
	for (size_t k = 0; s->secrets && s->secrets[k]; k++) {
		snprintf(spec, sizeof spec, "%s:%s:ro",
			 gb_compose_secret(&p->c, s->secrets[k])->file, s->secret_targets[k]);
		arg(v, "-v", spec);
	}
}

/* healthcheck: kept by the container's monitor (core/engine/health.h). A CMD list is set
 * as its argv after the parse (create_and_start); CMD-SHELL is --health-cmd. */
static void health_args(const struct gb_compose_health *h, char ***v)
{
	char num[32];
	if (!h->test)
		return;
	if (gb_strv_len(h->test) == 3 && !strcmp(h->test[0], "/bin/sh") &&
	    !strcmp(h->test[1], "-c"))
		arg(v, "--health-cmd", h->test[2]);
	snprintf(num, sizeof num, "%gs", h->interval);
	if (h->interval > 0)
		arg(v, "--health-interval", num);
	snprintf(num, sizeof num, "%gs", h->timeout);
	if (h->timeout > 0)
		arg(v, "--health-timeout", num);
	snprintf(num, sizeof num, "%gs", h->start_period);
	arg(v, "--health-start-period", num);
	snprintf(num, sizeof num, "%d", h->retries);
	arg(v, "--health-retries", num);
	snprintf(num, sizeof num, "%gs", h->start_interval);
	if (h->start_interval > 0)
		arg(v, "--health-start-interval", num);
}

static char **run_argv(struct project *p, const struct gb_compose_service *s)
{
	char **v = calloc(1, sizeof *v), name[256], num[16];
	gb_compose_container_name(&p->c, s, name, sizeof name);
	arg(&v, "--name", name);
	if (s->hostname) /* else the id, as Docker does */
		arg(&v, "--hostname", s->hostname);
	arg(&v, "--network-alias", s->name);
	for (size_t k = 0; k < s->n_nets; k++) {
		arg(&v, "--network", gb_compose_network(&p->c, s->nets[k].key)->name);
		for (char **a = s->nets[k].aliases; a && *a; a++)
			arg(&v, "--network-alias", *a);
	}
	for (char **e = s->env; e && *e; e++)
		arg(&v, "-e", *e);
	for (char **port = s->ports; port && *port; port++)
		arg(&v, "-p", *port);
	mount_args(p, s, &v);
	if (s->init)
		arg(&v, "--init", NULL);
	arg(&v, "--restart", s->restart);
	if (s->stop_signal[0])
		arg(&v, "--stop-signal", s->stop_signal);
	snprintf(num, sizeof num, "%d", s->stop_grace);
	if (s->stop_grace >= 0)
		arg(&v, "--stop-timeout", num);
	if (s->entrypoint && s->entrypoint[0] && !s->entrypoint[1])
		arg(&v, "--entrypoint", s->entrypoint[0]);
	health_args(&s->health, &v);
	arg(&v, "-q", NULL);
	gb_compose_image_name(&p->c, s, name, sizeof name);
	arg(&v, name, NULL);
	for (char **c = s->command; c && *c; c++)
		arg(&v, *c, NULL);
	return v;
}

static int create_and_start(struct project *p, const struct gb_compose_service *s,
			    struct gb_err *err)
{
	gb_autostrv char **v = run_argv(p, s);
	struct gb_run_args a;
	int r = v ? gb_args_parse_run((int)gb_strv_len(v), v, false, &a, err) : -ENOMEM;
	if (r == 0 && s->entrypoint && s->entrypoint[0] && s->entrypoint[1]) {
		gb_strv_free(a.cfg.entrypoint); /* a list of several words: the argv as given */
		a.cfg.entrypoint = gb_strv_dup(s->entrypoint);
	}
	if (r == 0 && s->health.test && !a.cfg.health.test) /* CMD: the list as given */
		a.cfg.health.test = gb_strv_dup(s->health.test);
	if (r == 0) { /* every save of its state writes its status file (state/status_file.h) */
		snprintf(a.cfg.project, sizeof a.cfg.project, "%s", p->c.project);
		snprintf(a.cfg.service, sizeof a.cfg.service, "%s", s->name);
		snprintf(a.cfg.status_dir, sizeof a.cfg.status_dir, "%s", p->status_dir);
	}
	if (r == 0) {
		char id[GB_ID_LEN + 1];
		int code;
		r = gb_container_run(p->rt, &a.cfg, false, &code, id, err);
	}
	if (r != -ENOMEM || v)
		gb_args_free(&a);
	return r;
}

/* A container that exists is started again if it stopped; else it is made. */
static int service_up(struct project *p, const struct gb_compose_service *s, struct gb_err *err)
{
	char name[256];
	struct gb_state st;
	gb_compose_container_name(&p->c, s, name, sizeof name);
	if (gb_state_find_name(p->rt, name, &st) == 0) {
		gb_state_refresh(p->rt, &st);
		bool live = st.status == GB_STATUS_RUNNING || st.status == GB_STATUS_PAUSED;
		gb_state_free(&st);
		if (live) {
			printf(" Container %s  Running\n", name);
			return 0;
		}
		int code, r = gb_container_start(p->rt, name, false, &code, err);
		if (r == 0)
			printf(" Container %s  Started\n", name);
		return r;
	}
	int r = create_and_start(p, s, err);
	if (r == 0)
		printf(" Container %s  Started\n", name);
	return r;
}

/* depends_on conditions: started is met by service_up's return; completed by an exit
 * with status 0 (1; 0 not yet; -errno never); healthy by the healthcheck
 * (cli/compose_health.c). */
static int completed_now(struct project *p, const char *name, struct gb_err *err)
{
	struct gb_state st;
	if (gb_state_find(p->rt, name, &st, err) < 0)
		return -err->code;
	gb_state_refresh(p->rt, &st);
	enum gb_status s = st.status;
	int code = st.exit_code;
	gb_state_free(&st);
	if (s == GB_STATUS_STOPPED && code == 0)
		return 1;
	if (s == GB_STATUS_STOPPED)
		return gb_err_set(err, ECHILD, "",
				  "%s exited with %d, and a service waits for it "
				  "to complete successfully",
				  name, code);
	return 0;
}

static int wait_completed(struct project *p, const char *name, struct gb_err *err)
{
	int r;
	while ((r = completed_now(p, name, err)) == 0)
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
	return r < 0 ? r : 0;
}

static int wait_deps(struct project *p, const struct gb_compose_service *s, struct gb_err *err)
{
	for (size_t k = 0; k < s->n_deps; k++) {
		const struct gb_compose_service *d = gb_compose_service(&p->c, s->deps[k].service);
		char name[256];
		gb_compose_container_name(&p->c, d, name, sizeof name);
		int r = 0;
		if (s->deps[k].cond == GB_COMPOSE_COMPLETED)
			r = wait_completed(p, name, err);
		else if (s->deps[k].cond == GB_COMPOSE_HEALTHY)
			r = cli_compose_wait_healthy(p->rt, name, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ up: services in parallel */

/* As Docker does, every service whose depends_on are met starts at once, not one after
 * the other: each start is a child process (a container start mostly waits on the kernel:
 * clone, mounts, netlink), and the parent looks at the conditions every 10 ms, so that a
 * service_healthy dependent starts the moment its probe passes. Concurrent starts are
 * safe because the state names and the network store are locked (core/state,
 * core/net/net_ipam.c), as two `glassbox run` at once need anyway. */
enum job_state { JOB_WAIT, JOB_STARTING, JOB_UP, JOB_FAILED };

struct job {
	enum job_state state;
	pid_t pid;
};

/* Are a service's depends_on met? 1 yes, 0 not yet, <0 never (err says why). */
static int deps_met(struct project *p, const struct gb_compose_service *s, const struct job *jobs,
		    struct gb_err *err)
{
	for (size_t k = 0; k < s->n_deps; k++) {
		const struct gb_compose_service *d = gb_compose_service(&p->c, s->deps[k].service);
		const struct job *j = &jobs[d - p->c.services];
		char name[256];
		int r = 1;
		if (j->state == JOB_FAILED)
			return gb_err_set(err, ECANCELED, "", "%s did not start", d->name);
		if (j->state != JOB_UP)
			return 0;
		gb_compose_container_name(&p->c, d, name, sizeof name);
		if (s->deps[k].cond == GB_COMPOSE_COMPLETED)
			r = completed_now(p, name, err);
		else if (s->deps[k].cond == GB_COMPOSE_HEALTHY)
			r = cli_compose_healthy_now(p->rt, name, err);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int start_one(struct project *p, const struct gb_compose_service *s)
{
	struct gb_err err = { 0 };
	int r = service_up(p, s, &err);
	if (r < 0) {
		fprintf(stderr, "glassbox compose: service %s:\n", s->name);
		cli_error(&err);
	}
	fflush(stdout);
	fflush(stderr);
	return r;
}

/* The start in a child; without a child (fork failed), here and now. */
static void launch(struct project *p, const struct gb_compose_service *s, struct job *j)
{
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid == 0)
		_exit(start_one(p, s) < 0);
	j->state = j->pid > 0 ? JOB_STARTING : start_one(p, s) < 0 ? JOB_FAILED : JOB_UP;
}

static bool reaped(struct job *j)
{
	int status;
	if (j->state != JOB_STARTING || waitpid(j->pid, &status, WNOHANG) != j->pid)
		return false;
	j->state = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? JOB_UP : JOB_FAILED;
	return true;
}

/* One round: reap the starts that ended, launch those now free to go. true: something
 * moved (look again at once). After a failure nothing new starts. */
static bool schedule(struct project *p, struct job *jobs, bool *failed, size_t *busy,
		     size_t *waiting)
{
	bool moved = false;
	*busy = *waiting = 0;
	for (size_t k = 0; k < p->c.n_services; k++) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		struct job *j = &jobs[p->order[k]];
		struct gb_err err = { 0 };
		if (reaped(j))
			moved = true, *failed |= j->state == JOB_FAILED;
		int r = j->state == JOB_WAIT && !*failed ? deps_met(p, s, jobs, &err) : 0;
		if (r < 0) {
			fprintf(stderr, "glassbox compose: service %s:\n", s->name);
			cli_error(&err);
			j->state = JOB_FAILED, *failed = true;
		} else if (r > 0) {
			launch(p, s, j);
			moved = true;
		}
		*busy += j->state == JOB_STARTING;
		*waiting += j->state == JOB_WAIT;
	}
	return moved;
}

/* Start the selected services (the others count as up: their containers are asked about
 * when a condition names them). 0, or -1 when one did not start (its error printed). */
static int start_services(struct project *p, char **names)
{
	struct job *jobs = calloc(p->c.n_services + 1, sizeof *jobs);
	bool failed = false;
	size_t busy, waiting;
	if (!jobs)
		return fprintf(stderr, "glassbox compose: out of memory\n"), -1;
	for (size_t i = 0; i < p->c.n_services; i++)
		jobs[i].state = selected(&p->c.services[i], names) ? JOB_WAIT : JOB_UP;
	for (;;) {
		bool moved = schedule(p, jobs, &failed, &busy, &waiting);
		if (!busy && (failed || !waiting))
			break;
		if (!moved)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	free(jobs);
	return failed ? -1 : 0;
}

/* ------------------------------------------------------------ logs */

struct tail {
	int fd;
	char name[64];
	char part[4096]; /* a line not yet ended */
	size_t plen;
};

static void tail_print(struct tail *t, int width)
{
	char buf[8192];
	ssize_t n;
	while ((n = read(t->fd, buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (t->plen < sizeof t->part - 1)
				t->part[t->plen++] = buf[i];
			if (buf[i] != '\n' && t->plen < sizeof t->part - 1)
				continue;
			printf("%-*s | %.*s%s", width, t->name, (int)t->plen, t->part,
			       t->part[t->plen - 1] == '\n' ? "" : "\n");
			t->plen = 0;
		}
	fflush(stdout);
}

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
	interrupted = sig;
}

static bool any_running(struct project *p, char **names)
{
	bool live = false;
	for (size_t i = 0; i < p->c.n_services && !live; i++) {
		char name[256];
		struct gb_state st;
		if (!selected(&p->c.services[i], names))
			continue;
		gb_compose_container_name(&p->c, &p->c.services[i], name, sizeof name);
		if (gb_state_find_name(p->rt, name, &st) < 0)
			continue;
		gb_state_refresh(p->rt, &st);
		live = st.status == GB_STATUS_RUNNING || st.status == GB_STATUS_PAUSED;
		gb_state_free(&st);
	}
	return live;
}

/* Every selected service's log, each line after its name; follow: until they all stop
 * or Ctrl-C. The monitor appends to the files; we read what is new every 100 ms. */
static int logs(struct project *p, char **names, bool follow)
{
	struct tail *t = calloc(p->c.n_services + 1, sizeof *t);
	size_t n = 0;
	int width = 1;
	for (size_t i = 0; t && i < p->c.n_services; i++) {
		const struct gb_compose_service *s = &p->c.services[p->order[i]];
		char name[256];
		struct gb_state st;
		gb_compose_container_name(&p->c, s, name, sizeof name);
		if (!selected(s, names) || gb_state_find_name(p->rt, name, &st) < 0)
			continue;
		t[n].fd = open(st.log, O_RDONLY | O_CLOEXEC);
		gb_state_free(&st);
		if (t[n].fd < 0)
			continue;
		snprintf(t[n].name, sizeof t[n].name, "%s", s->name);
		width = (int)strlen(s->name) > width ? (int)strlen(s->name) : width;
		n++;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	do {
		for (size_t k = 0; k < n; k++)
			tail_print(&t[k], width);
		if (follow && !interrupted)
			nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	} while (follow && !interrupted && any_running(p, names));
	for (size_t k = 0; k < n; k++)
		tail_print(&t[k], width), close(t[k].fd);
	free(t);
	return 0;
}

/* ------------------------------------------------------------ the commands */

static int stop_one(struct project *p, const struct gb_compose_service *s, bool rm)
{
	char name[256];
	struct gb_state st;
	struct gb_err err = { 0 };
	gb_compose_container_name(&p->c, s, name, sizeof name);
	if (gb_state_find_name(p->rt, name, &st) < 0)
		return 0;
	gb_state_free(&st);
	double t0 = gb_monotonic();
	int r = gb_container_stop(p->rt, name, s->stop_grace, NULL, &err);
	if (r == 0)
		printf(" Container %s  Stopped in %.2f s\n", name, gb_monotonic() - t0);
	if (r >= 0 && rm && (r = gb_container_rm(p->rt, name, true, &err)) == 0)
		printf(" Container %s  Removed\n", name);
	if (r < 0)
		cli_error(&err);
	return r < 0 ? -1 : 0;
}

/* Stop in the reverse of the start order: a service goes before those it depends on. */
static int stop_all(struct project *p, char **names, bool rm)
{
	int status = 0;
	for (size_t k = p->c.n_services; k-- > 0;) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		if (selected(s, names) && stop_one(p, s, rm) < 0)
			status = 1;
	}
	return status;
}

/* up --wait: one look at a service's container. 1 ready (healthy; running when it has no
 * healthcheck), 0 not yet, -errno never (unhealthy, exited, gone). */
static int ready_now(struct project *p, const char *name, struct gb_err *err)
{
	struct gb_state st;
	if (gb_state_find(p->rt, name, &st, err) < 0)
		return -err->code;
	gb_state_refresh(p->rt, &st);
	bool running = st.status == GB_STATUS_RUNNING, has = st.cfg.health.test != NULL;
	int code = st.exit_code;
	gb_state_free(&st);
	if (has)
		return cli_compose_healthy_now(p->rt, name, err);
	if (running)
		return 1;
	return gb_err_set(err, ECHILD, "", "%s exited with %d before it was up", name, code);
}

/* docker compose up --wait: return once every selected service is running, and healthy
 * where it has a healthcheck (a first start that installs itself, as lab 20's WordPress
 * does, is then over); 0, or -1 with the error printed: one failed, or time ran out. */
static int wait_ready(struct project *p, char **names, double timeout)
{
	double end = gb_monotonic() + timeout;
	for (size_t i = 0; i < p->c.n_services; i++) {
		const struct gb_compose_service *sv = &p->c.services[i];
		char name[256];
		struct gb_err err = { 0 };
		int r = 0;
		if (!selected(sv, names))
			continue;
		gb_compose_container_name(&p->c, sv, name, sizeof name);
		while ((r = ready_now(p, name, &err)) == 0 && gb_monotonic() < end)
			nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
		if (r == 0) {
			gb_err_set(&err, ETIMEDOUT, "", "service %s is not up after %.0f s",
				   sv->name, timeout);
			gb_err_hint(&err, "glassbox compose logs %s; a longer --wait-timeout",
				    sv->name);
		}
		if (r <= 0)
			return cli_error(&err), -1;
	}
	return 0;
}

static int up(struct project *p, char **names, bool detach, bool build, double wait)
{
	struct gb_err err = { 0 };
	/* Images first, as docker compose does: a build or a pull that fails leaves nothing
	 * of the project behind (no status folder, network or volume yet). */
	int r = gb_runtime_prepare(p->rt, &err);
	if (r == 0)
		r = build_all(p, names, build, &err);
	if (r == 0)
		r = pull_all(p, names, &err);
	/* From here on the project has things on the host; the status folder comes before
	 * any service binds it (x-glassbox status). */
	bool made = r == 0;
	if (r == 0)
		r = gb_status_file_prepare(p->status_dir, &err);
	if (r == 0)
		r = networks_up(p, &err);
	if (r == 0)
		r = volumes_up(p, &err);
	if (r < 0)
		cli_error(&err);
	if (r == 0)
		r = start_services(p, names);
	if (r == 0 && wait > 0)
		r = wait_ready(p, names, wait);
	if (r < 0) {
		if (any_running(p, names))
			fprintf(stderr, "glassbox compose: what started is still running: "
					"`glassbox compose down` removes it\n");
		else if (made)
			fprintf(stderr, "glassbox compose: no service is running; `glassbox "
					"compose down` removes the networks and volumes up made\n");
		else
			fprintf(stderr, "glassbox compose: nothing was started or made\n");
		return 1;
	}
	if (detach || wait > 0)
		return 0;
	printf("Attached to the logs; Ctrl-C stops the services\n");
	logs(p, names, true);
	interrupted = 0;
	return stop_all(p, names, false);
}

static int down(struct project *p, bool volumes, bool rmi)
{
	int status = stop_all(p, NULL, true);
	int r = gb_status_file_remove_dir(p->status_dir);
	if (r < 0 && r != -ENOTEMPTY)
		fprintf(stderr, "glassbox compose: cannot remove %s: %s\n", p->status_dir,
			strerror(-r));
	for (size_t i = 0; i < p->c.n_networks; i++) {
		const struct gb_compose_network *n = &p->c.networks[i];
		struct gb_err err = { 0 };
		struct gb_net_network net;
		if (n->external || gb_net_network_load(p->rt->state_root, n->name, &net, &err) < 0)
			continue;
		gb_net_network_free(&net);
		if (gb_net_container_network_remove(p->rt, n->name, &err) < 0)
			status = 1, cli_error(&err);
		else
			printf(" Network %s  Removed\n", n->name);
	}
	for (size_t i = 0; volumes && i < p->c.n_volumes; i++) {
		const struct gb_compose_volume *v = &p->c.volumes[i];
		struct gb_err err = { 0 };
		char data[700];
		gb_volume_data_path(p->rt, v->name, data, sizeof data);
		if (v->external || access(data, F_OK) < 0)
			continue;
		if (gb_volume_remove(p->rt, v->name, false, &err) < 0)
			status = 1, cli_error(&err);
		else
			printf(" Volume %s  Removed%s\n", v->name,
			       v->device ? " (its device's files stay)" : "");
	}
	for (size_t i = 0; rmi && i < p->c.n_services; i++) {
		char tag[512];
		struct gb_err err = { 0 };
		gb_compose_image_name(&p->c, &p->c.services[i], tag, sizeof tag);
		if (image_exists(p, tag) && gb_image_remove(p->rt, tag, false, &err) == 0)
			printf(" Image %s  Removed\n", tag);
	}
	return status;
}

static int ps(struct project *p)
{
	printf("%-24s %-12s %-10s %-8s %s\n", "NAME", "SERVICE", "STATE", "PID", "PORTS");
	for (size_t k = 0; k < p->c.n_services; k++) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		char name[256], ports[256] = "";
		struct gb_state st;
		gb_compose_container_name(&p->c, s, name, sizeof name);
		if (gb_state_find_name(p->rt, name, &st) < 0)
			continue;
		gb_state_refresh(p->rt, &st);
		gb_strv_join(s->ports, ports, sizeof ports);
		char state[64];
		snprintf(state, sizeof state, "%s", gb_status_name(st.status));
		if (st.status == GB_STATUS_STOPPED)
			snprintf(state, sizeof state, "exited(%d)", st.exit_code);
		if (st.health[0] && st.status == GB_STATUS_RUNNING) /* kept by its monitor */
			snprintf(state + strlen(state), sizeof state - strlen(state), " (%s)",
				 st.health);
		printf("%-24s %-12s %-10s %-8d %s\n", name, s->name, state,
		       st.status == GB_STATUS_RUNNING ? (int)st.pid : 0, ports);
		gb_state_free(&st);
	}
	return 0;
}

static int exec_in(struct project *p, int argc, char **argv)
{
	int i = 0;
	const char *user = NULL, *workdir = NULL;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-u") || !strcmp(argv[i], "--user")) && i + 1 < argc)
			user = argv[++i];
		else if ((!strcmp(argv[i], "-w") || !strcmp(argv[i], "--workdir")) && i + 1 < argc)
			workdir = argv[++i];
		else if (strcmp(argv[i], "-T") && strcmp(argv[i], "-i") && strcmp(argv[i], "-t") &&
			 strcmp(argv[i], "-it"))
			return usage("exec: unknown option (try -u USER, -w DIR)");
	}
	if (argc - i < 2)
		return usage(
			"exec: give a service and a command: glassbox compose exec SERVICE CMD");
	const struct gb_compose_service *s = gb_compose_service(&p->c, argv[i]);
	if (!s)
		return fprintf(stderr, "glassbox compose: no such service: %s\n", argv[i]), 1;
	char name[256];
	gb_compose_container_name(&p->c, s, name, sizeof name);
	struct gb_err err = { 0 };
	int code = 0;
	if (gb_container_exec_as(p->rt, name, argv + i + 1, NULL, workdir, user, &code, &err) < 0)
		return cli_error(&err), cli_exit_code(&err, 1);
	return code;
}

static int start_all(struct project *p, char **names)
{
	struct gb_err err = { 0 };
	for (size_t k = 0; k < p->c.n_services; k++) {
		const struct gb_compose_service *s = &p->c.services[p->order[k]];
		char name[256];
		int code;
		gb_compose_container_name(&p->c, s, name, sizeof name);
		if (!selected(s, names))
			continue;
		if (wait_deps(p, s, &err) < 0 ||
		    gb_container_start(p->rt, name, false, &code, &err) < 0)
			return cli_error(&err), 1;
		printf(" Container %s  Started\n", name);
	}
	return 0;
}

static int verb(struct project *p, const char *v, int argc, char **argv)
{
	bool detach = false, build = false, vols = false, rmi = false, follow = false;
	int wait = 0; /* up --wait-timeout: the seconds --wait may take (default 300) */
	bool waits = false;
	int i = 0;
	for (; i < argc && argv[i][0] == '-' && strcmp(v, "exec"); i++) {
		if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--detach"))
			detach = true;
		else if (!strcmp(argv[i], "--build"))
			build = true;
		else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--volumes"))
			vols = true;
		else if (!strcmp(argv[i], "--rmi") && i + 1 < argc && !strcmp(argv[i + 1], "all"))
			rmi = true, i++;
		else if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow"))
			follow = true;
		else if (!strcmp(argv[i], "--wait"))
			waits = true;
		else if (!strcmp(argv[i], "--wait-timeout")) {
			if (i + 1 >= argc || gb_args_parse_seconds(argv[i + 1], &wait) < 0 ||
			    wait <= 0)
				return fprintf(stderr,
					       "glassbox compose %s: --wait-timeout takes whole "
					       "seconds above 0 (e.g. 120), got '%s'\n",
					       v, i + 1 < argc ? argv[i + 1] : ""),
				       CLI_EXIT_REFUSED;
			i++, waits = true;
		} else
			return fprintf(stderr, "glassbox compose %s: unknown option %s\n", v,
				       argv[i]),
			       CLI_EXIT_REFUSED;
	}
	char **names = argv + i;
	if (strcmp(v, "exec") && check_names(p, names) < 0)
		return 1;
	struct gb_err err = { 0 };
	if (!strcmp(v, "up"))
		return up(p, names, detach, build, waits ? (wait > 0 ? wait : 300) : 0);
	if (!strcmp(v, "down"))
		return down(p, vols, rmi);
	if (!strcmp(v, "build"))
		return gb_runtime_prepare(p->rt, &err) < 0 || build_all(p, names, true, &err) < 0
			       ? (cli_error(&err), 1)
			       : 0;
	if (!strcmp(v, "ps"))
		return ps(p);
	if (!strcmp(v, "logs"))
		return logs(p, names, follow);
	if (!strcmp(v, "exec"))
		return exec_in(p, argc, argv);
	if (!strcmp(v, "stop"))
		return stop_all(p, names, false);
	if (!strcmp(v, "start"))
		return start_all(p, names);
	if (!strcmp(v, "restart"))
		return stop_all(p, names, false) ? 1 : start_all(p, names);
	return usage(
		"unknown command (up, down, build, ps, logs, exec, start, stop, restart, config)");
}

int cmd_compose(struct gb_runtime *rt, int argc, char **argv)
{
	const char *file = NULL, *name = NULL;
	int i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--file")) && i + 1 < argc)
			file = argv[++i];
		else if ((!strcmp(argv[i], "-p") || !strcmp(argv[i], "--project-name")) &&
			 i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(NULL);
		else
			return fprintf(stderr,
				       "glassbox compose: unknown option %s (try -f FILE, -p NAME; "
				       "glassbox compose --help)\n",
				       argv[i]),
			       CLI_EXIT_REFUSED;
	}
	if (i >= argc)
		return usage("give a command");
	struct project p = { .rt = rt };
	struct gb_err err = { 0 };
	int r;
	if (load(&p, file, name, &err) < 0) {
		cli_error(&err);
		r = 1;
	} else if (!strcmp(argv[i], "config")) {
		char *text = gb_compose_render(&p.c);
		r = text ? (fputs(text, stdout), 0) : 1;
		free(text);
	} else {
		r = verb(&p, argv[i], argc - i - 1, argv + i + 1);
	}
	free(p.order);
	gb_compose_free(&p.c);
	return r;
}
