/* glassbox stats, pause, resume: the cgroup side of the command line (labs 07-10).
 * Prints what the kernel reports in cgroupfs; core/cgroup/cgroup_container.c does the work. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup_container.h"
#include "cgroup/cgroup_monitor.h"
#include "cli.h"

struct stats_row {
	struct gb_state st;
	struct gb_cg_stats prev, now;
	bool ok;
};

static int usage(const char *msg)
{
	fprintf(stderr, "glassbox: %s\n", msg);
	return 2;
}

/* The containers named, or every running one. */
static int pick(struct gb_runtime *rt, char **names, int n, struct stats_row **rows, size_t *count)
{
	struct gb_state *list;
	size_t all;
	struct gb_err err = { 0 };
	if (gb_state_list(rt, &list, &all, &err) < 0) {
		cli_error(&err);
		return -1;
	}
	*rows = calloc(all + 1, sizeof **rows);
	*count = 0;
	for (size_t i = 0; *rows && i < all; i++) {
		gb_state_refresh(rt, &list[i]);
		bool live =
			list[i].status == GB_STATUS_RUNNING || list[i].status == GB_STATUS_PAUSED;
		bool named = n == 0 && live;
		for (int k = 0; k < n; k++)
			named |= !strcmp(names[k], list[i].cfg.name) ||
				 !strncmp(names[k], list[i].cfg.id, strlen(names[k]));
		if (named)
			(*rows)[(*count)++].st = list[i];
		else
			gb_state_free(&list[i]);
	}
	free(list);
	if (n > 0 && *count == 0) {
		fprintf(stderr,
			"glassbox: no such container: %s\n  hint: `glassbox ps -a` lists the "
			"containers\n",
			names[0]);
		return -1;
	}
	return 0;
}

static void print_json(struct stats_row *rows, size_t n, double dt)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_arr_begin(&j, NULL);
	for (size_t i = 0; i < n; i++) {
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "id", rows[i].st.cfg.id);
		gb_json_str(&j, "name", rows[i].st.cfg.name);
		gb_json_str(&j, "status", gb_status_name(rows[i].st.status));
		if (rows[i].ok) {
			gb_json_double(&j, "cpu_percent",
				       gb_cgroup_cpu_percent(&rows[i].prev, &rows[i].now, dt), 2);
			gb_cgroup_stats_json(&rows[i].now, &j, "stats");
		}
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	printf("%s\n", j.buf ? j.buf : "[]");
	gb_json_free(&j);
}

static void print_table(struct stats_row *rows, size_t n, double dt)
{
	printf("%s\n", gb_cgroup_stats_header());
	for (size_t i = 0; i < n; i++) {
		char line[256];
		if (!rows[i].ok) {
			printf("%-20.20s --        (%s: no cgroup)\n", rows[i].st.cfg.name,
			       gb_status_name(rows[i].st.status));
			continue;
		}
		gb_cgroup_stats_row(rows[i].st.cfg.name, &rows[i].now,
				    gb_cgroup_cpu_percent(&rows[i].prev, &rows[i].now, dt), line,
				    sizeof line);
		printf("%s\n", line);
	}
}

static void read_all(struct stats_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rows[i].prev = rows[i].now;
		rows[i].ok = gb_cgroup_container_stats(&rows[i].st, &rows[i].now, NULL) == 0;
	}
}

int cmd_stats(struct gb_runtime *rt, int argc, char **argv)
{
	bool stream = true, json = false;
	char **names = calloc(argc + 1, sizeof *names);
	int nn = 0;
	for (int i = 0; names && i < argc; i++) {
		if (!strcmp(argv[i], "--no-stream"))
			stream = false;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] == '-')
			return free(names),
			       usage("stats: unknown option (try --no-stream, --json)");
		else
			names[nn++] = argv[i];
	}
	struct stats_row *rows = NULL;
	size_t n = 0;
	int r = names ? pick(rt, names, nn, &rows, &n) : -1;
	free(names);
	if (r < 0 || !rows)
		return free(rows), 1;
	/* CPU % needs two readings: usage is a counter of nanoseconds. */
	read_all(rows, n);
	double t = gb_monotonic(), dt = 0;
	do {
		usleep(stream ? 1000000 : 500000);
		read_all(rows, n);
		dt = gb_monotonic() - t;
		t += dt;
		if (stream && !json && isatty(1))
			printf("\033[H\033[2J");
		json ? print_json(rows, n, dt) : print_table(rows, n, dt);
		fflush(stdout);
	} while (stream);
	for (size_t i = 0; i < n; i++)
		gb_state_free(&rows[i].st);
	free(rows);
	return 0;
}

static int freeze_cmd(struct gb_runtime *rt, int argc, char **argv, bool freeze)
{
	if (argc < 1)
		return usage(freeze ? "pause: name the container: glassbox pause NAME"
				    : "resume: name the container: glassbox resume NAME");
	int status = 0;
	for (int i = 0; i < argc; i++) {
		struct gb_err err = { 0 };
		int r = freeze ? gb_container_pause(rt, argv[i], &err)
			       : gb_container_resume(rt, argv[i], &err);
		if (r < 0) {
			cli_error(&err);
			status = 1;
		} else if (r == 1) {
			printf("%s: nothing to do: %s\n", argv[i], err.msg);
		} else {
			printf("%s\n", argv[i]);
		}
	}
	return status;
}

int cmd_pause(struct gb_runtime *rt, int argc, char **argv)
{
	return freeze_cmd(rt, argc, argv, true);
}

int cmd_resume(struct gb_runtime *rt, int argc, char **argv)
{
	return freeze_cmd(rt, argc, argv, false);
}
