/* Step mode in a terminal: before each step print what is about to happen and wait. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct stepper {
	double auto_delay;
	bool color;
};

static struct stepper the_stepper;

static const char *c(const char *code)
{
	return the_stepper.color ? code : "";
}

static int terminal_gate(void *data, const struct gb_step_info *s)
{
	struct stepper *st = data;
	printf("\n%s── step %d/%d · %s · %s side · lab %02d%s\n", c("\033[1m"), s->index, s->total,
	       s->name, s->side == GB_SIDE_HOST ? "host" : "container", s->lab, c("\033[0m"));
	printf("   %s%s%s\n", c("\033[36m"), s->call, c("\033[0m"));
	printf("   %s\n", s->explain);
	if (st->auto_delay > 0) {
		fflush(stdout);
		struct timespec ts = { (time_t)st->auto_delay,
				       (long)((st->auto_delay - (time_t)st->auto_delay) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			return -ECANCELED;
		return 0;
	}
	printf("   %s[Enter] do it · r + Enter: run the rest · q + Enter: abort%s ", c("\033[2m"),
	       c("\033[0m"));
	fflush(stdout);
	char line[32];
	if (!fgets(line, sizeof line, stdin))
		return -ECANCELED; /* end of input or Ctrl-C */
	if (line[0] == 'q')
		return -ECANCELED;
	if (line[0] == 'r')
		return 1;
	return 0;
}

/* Print each step's outcome from its step.end event. */
static void print_result(void *data, const char *type, const char *line)
{
	if (strcmp(type, "step.end") != 0)
		return;
	struct gb_jval *ev = gb_json_parse(line, strlen(line), NULL, 0);
	if (!ev)
		return;
	if (gb_jbool(ev, "ok", false)) {
		const struct gb_jval *o = gb_jget(ev, "observed");
		printf("   %s✓ done%s", c("\033[32m"), c("\033[0m"));
		if (gb_jget(o, "pid"))
			printf("  host PID %lld", gb_jint(o, "pid", 0));
		const struct gb_jval *nspid = gb_jget(o, "nspid");
		if (nspid && nspid->n > 1) {
			printf("  NSpid");
			for (const struct gb_jval *p = nspid->child; p; p = p->next)
				printf(" %lld", gb_jval_int(p, 0));
		}
		if (gb_jstr(o, "hostname", NULL))
			printf("  hostname inside: %s, outside: %s", gb_jstr(o, "hostname", ""),
			       gb_jstr(o, "host_hostname", ""));
		const struct gb_jval *mounts = gb_jget(o, "mounts");
		if (mounts)
			printf("  %zu mounts in its namespace", mounts->n);
		printf("\n");
	} else {
		printf("   %s✗ %s%s\n", c("\033[31m"), gb_jstr(ev, "error", "failed"),
		       c("\033[0m"));
	}
	fflush(stdout);
	gb_jval_free(ev);
}

void cli_stepper_install(struct gb_runtime *rt, double auto_delay)
{
	the_stepper.auto_delay = auto_delay;
	the_stepper.color = isatty(1) && !getenv("NO_COLOR");
	rt->gate = terminal_gate;
	rt->gate_data = &the_stepper;
	rt->events.listener = print_result;
	rt->events.listener_data = &the_stepper;
}

static void on_interrupt(int sig)
{
	(void)sig;
	gb_steps_interrupt();
}

void cli_interrupt_install(void)
{
	/* No SA_RESTART: a read() waiting for Enter returns EINTR, and the gate aborts. */
	struct sigaction sa = { 0 };
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
