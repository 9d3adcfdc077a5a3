/* `glassbox probe NAME`: run glassbox-probe, the escape checklist, inside a running
 * container. The static probe binary stays on the host: its fd is inherited by the
 * process that joins the container's namespaces, which executes it through
 * /proc/self/fd/N, so nothing is copied into the container's filesystem. Lab 16. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "security/enter.h"
#include "lab.h"

/* <prefix>/bin/glassbox -> <prefix>/libexec/glassbox/glassbox-probe */
static int probe_path(char *buf, size_t len)
{
	const char *env = getenv("GLASSBOX_PROBE");
	if (env)
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -ENAMETOOLONG;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	return snprintf(buf, len, "%s/libexec/glassbox/glassbox-probe", dirname(dirname(exe))) <
			       (int)len
		       ? 0
		       : -ENAMETOOLONG;
}

/* `glassbox probe --race N NAME` (issue 19): glassbox-probe --watch inside while N
 * `exec true` run from here; prints the watcher's report, exits 1 when it won. */
static int probe_race(struct gb_runtime *rt, const char *n, const char *ref)
{
	char *json = NULL, *end = NULL;
	long execs = strtol(n, &end, 10);
	if (*end || execs < 1 || execs > 100000) {
		fprintf(stderr,
			"glassbox: probe --race wants a number of execs (1-100000), got '%s'\n", n);
		return 2;
	}
	struct gb_state st;
	struct gb_err err = { 0 };
	if (gb_container_load(rt, ref, GB_OP_EXEC, false, &st, &err) != 0) {
		cli_error(&err); /* no such container, or not running: say so before racing */
		return 1;
	}
	gb_state_free(&st);
	int done = 0;
	int r = gb_lab16_exec_race(rt, ref, (int)execs, &done, &json);
	if (r < 0) {
		fprintf(stderr,
			"glassbox: the exec race could not run in %s: %s\n  hint: is it running? "
			"`glassbox ps`; is glassbox-probe built? (make)\n",
			ref, strerror(-r));
		free(json);
		return 1;
	}
	printf("%s", json);
	fprintf(stderr, "glassbox: %d execs ran while the watcher watched\n", done);
	int won = strstr(json, "\"status\":\"possible\"") != NULL;
	free(json);
	return won;
}

int cmd_probe(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[0], "--race") == 0)
		return probe_race(rt, argv[1], argv[2]);
	bool json = argc > 0 && strcmp(argv[0], "--json") == 0;
	if (argc - json != 1) {
		fprintf(stderr, "usage: glassbox probe [--json] NAME\n       glassbox probe --race "
				"N NAME\n");
		return 2;
	}
	char path[PATH_MAX];
	struct gb_err err = { 0 };
	int file = probe_path(path, sizeof path) == 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	/* The container runs a sealed copy, never the host's file: what it may open through
	 * the probe's /proc/PID/exe or fd is that copy (core/security/enter.h). Inherited on purpose. */
	int fd = file >= 0 ? gb_sealed_copy(file, "glassbox-probe", &err) : -1;
	if (file >= 0)
		close(file);
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
	if (fd < 0 && err.code) {
		cli_error(&err);
		return 1;
	}
	if (fd < 0) {
		gb_err_set(&err, errno ? errno : ENAMETOOLONG, "open", "cannot open the probe %s",
			   path);
		gb_err_hint(&err, "build it with make (build/libexec/glassbox/glassbox-probe)");
		cli_error(&err);
		return 1;
	}
	/* Tell the probe what "outside" is: this process (renamed so it can be found)
	 * and the host's network namespace. */
	char comm[16], netns[32], self[32];
	snprintf(comm, sizeof comm, "gbprobe-%d", (int)getpid() % 100000);
	prctl(PR_SET_NAME, comm, 0, 0, 0);
	struct stat st;
	snprintf(netns, sizeof netns, "%llu",
		 stat("/proc/self/ns/net", &st) == 0 ? (unsigned long long)st.st_ino : 0ULL);
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	char *pargv[] = { self,	 "--outside-comm",	 comm, "--outside-netns",
			  netns, json ? "--json" : NULL, NULL };
	char *env[] = { NULL };
	int code = 0;
	int r = gb_container_exec(rt, argv[json], pargv, env, "/", &code, &err);
	close(fd);
	if (r < 0) {
		cli_error(&err);
		return 1;
	}
	return code;
}
