/* `glassbox tour`: a real container's whole life in step mode, with narration. For a
 * classroom without a projector, or a machine without a display. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli.h"
#include "engine/observe.h"

struct tour {
	double delay; /* --auto: seconds between steps; 0: wait for Enter */
	bool color;
};

static void say(const struct tour *t, const char *title, const char *text)
{
	printf("\n%s━━ %s ━━%s\n%s\n", t->color ? "\033[1;35m" : "", title,
	       t->color ? "\033[0m" : "", text);
	fflush(stdout);
}

static void pause_for(const struct tour *t)
{
	if (t->delay > 0) {
		struct timespec ts = { (time_t)t->delay,
				       (long)((t->delay - (time_t)t->delay) * 1e9) };
		nanosleep(&ts, NULL);
		return;
	}
	printf("%s[Enter] to go on%s ", t->color ? "\033[2m" : "", t->color ? "\033[0m" : "");
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof line, stdin))
		exit(130);
}

static int exec_show(struct gb_runtime *rt, const char *id, const char *shell_cmd)
{
	char *const argv[] = { "sh", "-c", (char *)shell_cmd, NULL };
	struct gb_err err = { 0 };
	int code = 0;
	printf("$ glassbox exec tour-demo sh -c '%s'\n", shell_cmd);
	fflush(stdout);
	if (gb_container_exec(rt, id, argv, NULL, NULL, &code, &err) < 0) {
		cli_error(&err);
		return -1;
	}
	return code;
}

int cmd_tour(struct gb_runtime *rt, int argc, char **argv)
{
	struct tour t = { 0, isatty(1) && !getenv("NO_COLOR") };
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--auto"))
			t.delay = t.delay > 0 ? t.delay : 1.0;
		else if (!strcmp(argv[i], "--delay") && i + 1 < argc)
			t.delay = atof(argv[++i]);
		else if (!strcmp(argv[i], "--events") && i + 1 < argc) {
			struct gb_err err = { 0 };
			if (gb_events_open(&rt->events, argv[++i], &err) < 0) {
				cli_error(&err);
				return 1;
			}
		} else {
			fprintf(stderr,
				"glassbox: tour: unknown option %s (try --auto, --delay S, "
				"--events FILE)\n",
				argv[i]);
			return 2;
		}
	}
	/* Piped or scripted (stdin not a terminal): nobody will press Enter, so run on. */
	if (t.delay <= 0 && !isatty(0)) {
		t.delay = 0.2;
		fprintf(stderr, "glassbox: tour: stdin is not a terminal: going on by itself "
				"(--delay 0.2; --delay S to change it)\n");
	}
	struct gb_err err = { 0 };
	struct gb_state old;
	if (gb_state_find(rt, "tour-demo", &old, &err) == 0) {
		gb_container_rm(rt, old.cfg.id, true, &err);
		gb_state_free(&old);
	}
	say(&t, "glassbox tour",
	    "A container is an ordinary Linux process that the kernel shows a different\n"
	    "world: its own PIDs, host name, mounts and network. We will make one, step by\n"
	    "step, with real system calls, and look at what the kernel reports after each.");
	pause_for(&t);
	cli_stepper_install(rt, t.delay);
	cli_interrupt_install();

	say(&t, "1. create",
	    "`glassbox create` finds the image and makes the thin writable layer.\n"
	    "Nothing runs yet: the state is `created`.");
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.name, sizeof cfg.name, "tour-demo");
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	snprintf(cfg.hostname, sizeof cfg.hostname, "tour-demo");
	char *const cmd[] = { "sleep", "600", NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof(char *));
	if (geteuid() == 0) {
		/* Limits make the cgroup scene worth watching: 64 MiB, half a CPU, 64 tasks. */
		cfg.limits.memory = 64LL << 20;
		cfg.limits.cpu_quota_us = 50000;
		cfg.limits.cpu_period_us = 100000;
		cfg.limits.pids_max = 64;
	}
	struct gb_state st;
	int r = gb_container_create(rt, &cfg, &st, &err);
	gb_config_free(&cfg);
	if (r < 0) {
		cli_error(&err);
		return 1;
	}
	char id[GB_ID_LEN + 1];
	snprintf(id, sizeof id, "%s", st.cfg.id);
	gb_state_free(&st);

	say(&t, "2. start",
	    "`glassbox start` clones a process into new namespaces, builds its root\n"
	    "filesystem and executes its command. Watch each step.");
	int code = 0;
	if (gb_container_start(rt, id, false, &code, &err) < 0) {
		cli_error(&err);
		gb_container_rm(rt, id, true, &err);
		return 1;
	}
	rt->gate = NULL;
	rt->events.listener = NULL;

	say(&t, "3. inside",
	    "The container sees itself as PID 1, its own host name, and no host processes.");
	exec_show(rt, id, "echo \"I am PID $$ on $(hostname)\"; ps");
	pause_for(&t);
	char host[256] = "", upper[512] = "";
	gethostname(host, sizeof host - 1);
	struct gb_state now;
	if (gb_state_find(rt, id, &now, &err) == 0) {
		char nspid[128] = "?";
		gb_observe_status_field(now.pid, "NSpid", nspid, sizeof nspid);
		printf("On the host, the same process is PID %d (/proc/%d/status says NSpid: %s),\n"
		       "and the host is still called %s.\n",
		       (int)now.pid, (int)now.pid, nspid, host);
		snprintf(upper, sizeof upper, "%s", now.upper);
		gb_state_free(&now);
	}
	pause_for(&t);

	say(&t, "4. the writable layer",
	    "A file written inside lands in the upper dir on the host's disk;\n"
	    "a file of the image deleted inside leaves a whiteout there (the image is untouched).");
	exec_show(rt, id, "echo hello > /greeting; rm /etc/motd; ls -l /greeting");
	char file[600], wh[600];
	struct stat sb;
	snprintf(file, sizeof file, "%s/greeting", upper);
	snprintf(wh, sizeof wh, "%s/etc/motd", upper);
	printf("On the host: %s %s\n", file, access(file, F_OK) == 0 ? "exists" : "is missing");
	if (lstat(wh, &sb) == 0 && S_ISCHR(sb.st_mode))
		printf("and %s is a character device %u/%u: the whiteout\n", wh, major(sb.st_rdev),
		       minor(sb.st_rdev));
	pause_for(&t);

	say(&t, "5. stop",
	    "`glassbox stop` sends SIGTERM and waits. `sleep` as PID 1 has no handler, and\n"
	    "the kernel drops signals to a PID 1 that did not ask for them: after the\n"
	    "grace period (2 s here) SIGKILL ends it, exit code 137.");
	if (gb_container_stop(rt, id, 2, NULL, &err) < 0)
		cli_error(&err);
	if (gb_state_find(rt, id, &now, &err) == 0) {
		printf("state: %s, exit code %d\n", gb_status_name(now.status), now.exit_code);
		gb_state_free(&now);
	}
	pause_for(&t);

	say(&t, "6. remove",
	    "`glassbox rm` deletes the writable layer and the state. Nothing remains.");
	if (gb_container_rm(rt, id, true, &err) < 0)
		cli_error(&err);
	say(&t, "the end", "Next: `glassbox lab list` for the guided labs.");
	return 0;
}
