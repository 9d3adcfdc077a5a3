/* Healthchecks of compose services: the state (starting, healthy, unhealthy) lives in the
 * container's state directory as the file `health`, one word and the failing streak, so
 * that `compose ps`, `depends_on: condition: service_healthy` and anyone else read the
 * same answer. The checker runs the test with `exec` into the container's namespaces
 * (setns(2)), as Docker's daemon does, every interval. Lab 20. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compose/compose.h"

static int health_path(struct gb_runtime *rt, const char *id, char *buf, size_t len)
{
	char dir[512];
	int r = gb_state_dir(rt, id, dir, sizeof dir);
	return r < 0 ? r : gb_path(buf, len, "%s/health", dir);
}

/* The word in the health file: "starting", "healthy", "unhealthy"; "" when none. */
static void health_read(struct gb_runtime *rt, const char *id, char *word, size_t len)
{
	char path[600];
	gb_autofree char *text = NULL;
	size_t n;
	word[0] = '\0';
	if (health_path(rt, id, path, sizeof path) == 0 && gb_read_file(path, &text, &n) == 0)
		snprintf(word, len, "%.*s", (int)strcspn(text, " \n"), text);
}

void cli_compose_health_label(struct gb_runtime *rt, const struct gb_state *st, char *label,
			      size_t len)
{
	char word[32];
	health_read(rt, st->cfg.id, word, sizeof word);
	if (word[0] && st->status == GB_STATUS_RUNNING)
		snprintf(label + strlen(label), len - strlen(label), " (%s)", word);
}

int cli_compose_wait_healthy(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	for (;;) {
		struct gb_state st;
		char word[32];
		if (gb_state_find(rt, name, &st, err) < 0)
			return -err->code;
		gb_state_refresh(rt, &st);
		health_read(rt, st.cfg.id, word, sizeof word);
		bool running = st.status == GB_STATUS_RUNNING;
		gb_state_free(&st);
		if (!word[0]) {
			int r = gb_err_set(err, EINVAL, "",
					   "%s has no healthcheck, and a service waits "
					   "for it to be healthy",
					   name);
			gb_err_hint(
				err,
				"give it a healthcheck: test:, or use condition: service_started");
			return r;
		}
		if (!strcmp(word, "healthy"))
			return 0;
		if (!strcmp(word, "unhealthy") || !running)
			return gb_err_set(err, EHOSTDOWN, "",
					  "%s is %s: the services that depend on it "
					  "with condition: service_healthy do not start",
					  name, running ? "unhealthy" : "not running");
		nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	}
}

static void health_write(struct gb_runtime *rt, const char *id, const char *word, int streak)
{
	char path[600], text[64];
	int n = snprintf(text, sizeof text, "%s %d\n", word, streak);
	if (health_path(rt, id, path, sizeof path) == 0)
		gb_write_atomic(path, text, (size_t)n, 0644);
}

/* One run of the test inside the container, killed after the timeout. */
static bool probe(struct gb_runtime *rt, const char *name, char *const *test, double timeout)
{
	pid_t pid = fork();
	if (pid == 0) {
		int code = 1;
		struct gb_err err = { 0 };
		int fd = open("/dev/null", 1);
		if (fd >= 0)
			dup2(fd, 1), dup2(fd, 2);
		alarm((unsigned)(timeout + 0.999));
		if (gb_container_exec(rt, name, test, NULL, NULL, &code, &err) < 0)
			_exit(1);
		_exit(code == 0 ? 0 : 1);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void checker(struct gb_runtime *rt, const char *name, const char *id,
		    const struct gb_compose_health *h)
{
	double start = gb_monotonic();
	int streak = 0;
	const char *word = "starting";
	double every = h->interval < 0.1 ? 0.1 : h->interval;
	for (;;) {
		nanosleep(
			&(struct timespec){ (time_t)every, (long)((every - (time_t)every) * 1e9) },
			NULL);
		struct gb_state st;
		struct gb_err err = { 0 };
		if (gb_state_find(rt, id, &st, &err) < 0)
			return; /* removed */
		gb_state_refresh(rt, &st);
		bool running = st.status == GB_STATUS_RUNNING;
		gb_state_free(&st);
		if (!running)
			return;
		if (probe(rt, name, h->test, h->timeout)) {
			streak = 0;
			word = "healthy";
		} else if (gb_monotonic() - start >= h->start_period && ++streak >= h->retries) {
			word = "unhealthy"; /* failures in the start period do not count (Docker) */
		}
		health_write(rt, id, word, streak);
	}
}

/* Start the checker of a service's container, detached from the terminal and from us:
 * it ends when the container stops or is removed. */
int cli_compose_health_start(struct gb_runtime *rt, const char *name,
			     const struct gb_compose_health *h, struct gb_err *err)
{
	struct gb_state st;
	if (!h->test)
		return 0;
	if (gb_state_find(rt, name, &st, err) < 0)
		return -err->code;
	char id[GB_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", st.cfg.id);
	gb_state_free(&st);
	health_write(rt, id, "starting", 0); /* before we return: service_healthy reads it */
	pid_t pid = fork();
	if (pid < 0)
		return gb_err_set(err, errno, "fork", "cannot start the healthcheck of %s", name);
	if (pid > 0)
		return waitpid(pid, NULL, 0) < 0 ? -errno : 0;
	/* the double fork: the checker's parent exits, so it is nobody's child to wait for */
	setsid();
	if (fork() != 0)
		_exit(0);
	int fd = open("/dev/null", 2);
	if (fd >= 0)
		dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	checker(rt, name, id, h);
	_exit(0);
}
