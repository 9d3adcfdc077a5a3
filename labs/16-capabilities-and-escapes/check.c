/* Lab 16 check: capabilities and escapes. PID 1's effective and bounding sets hold no
 * CAP_SYS_ADMIN and no more than Docker's 14; /proc/kcore-style files are masked and
 * /proc/sys is read-only; glassbox-probe, run inside, finds every escape blocked.
 * Negative control: --privileged. */
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "enter.h"
#include "lab.h"
#include "masks.h"

static void control(struct gb_config *cfg)
{
	cfg->privileged = true;
}

static void check_caps(struct gb_check *c, pid_t pid)
{
	struct gb_caps_status cs;
	char names[1024];
	if (gb_caps_read_status(pid, &cs, &c->err) < 0)
		return;
	int n = __builtin_popcountll(cs.effective);
	gb_caps_format(cs.effective & ~gb_caps_docker_default(), names, sizeof names);
	if (!(cs.effective & GB_CAP_BIT(CAP_SYS_ADMIN)) && !(cs.bounding & GB_CAP_BIT(CAP_SYS_ADMIN)) &&
	    n <= 14)
		gb_check_pass(c, "PID 1 keeps %d capabilities (CapEff in /proc/%d/status), none of them CAP_SYS_ADMIN, "
			      "and cannot regain any (CapBnd)", n, (int)pid);
	else
		gb_check_fail(c, "PID 1 has %d capabilities, beyond Docker's 14: %s", n, names);
}

static void check_masks(struct gb_check *c, pid_t pid)
{
	struct gb_masks_state ms;
	if (gb_masks_observe(pid, &ms, &c->err) < 0)
		return;
	int masked = __builtin_popcountl(ms.masked), ro = __builtin_popcountl(ms.readonly);
	if (masked > 0 && (ms.readonly & (1UL << 3)))  /* gb_masks_readonly[3] is /proc/sys */
		gb_check_pass(c, "%d host-wide /proc and /sys files are masked and %d paths read-only, /proc/sys "
			      "among them (mountinfo)", masked, ro);
	else
		gb_check_fail(c, "masked paths: %d, read-only paths: %d: /proc/sys and friends are writable "
			      "or visible", masked, ro);
}

/* Run the probe inside (as `glassbox probe` does) with its --json output in a memfd. */
static int run_probe(struct gb_check *c, const struct gb_state *st, char **json)
{
	char exe[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof path, "%s/../libexec/glassbox/glassbox-probe", exe);
	int file = open(getenv("GLASSBOX_PROBE") ? getenv("GLASSBOX_PROBE") : path, O_RDONLY | O_CLOEXEC);
	/* A sealed copy runs inside, not the host's file (core/enter.h); inherited on purpose. */
	int fd = file >= 0 ? gb_sealed_copy(file, "glassbox-probe", NULL) : -1;
	if (file >= 0)
		close(file);
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
	int out = memfd_create("probe-json", MFD_CLOEXEC);
	if (fd < 0 || out < 0)
		return -1;
	char self[32];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	char *argv[] = { self, "--json", NULL }, *env[] = { NULL };
	int saved = dup(1), code = -1;
	dup2(out, 1);
	struct gb_err err = {0};
	gb_container_exec(c->rt, st->cfg.id, argv, env, "/", &code, &err);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(fd);
	off_t len = lseek(out, 0, SEEK_END);
	*json = calloc(1, (size_t)len + 1);
	if (*json)
		pread(out, *json, (size_t)len, 0);
	close(out);
	return *json ? 0 : -1;
}

static void check_probe(struct gb_check *c, const struct gb_state *st)
{
	char *text = NULL, perr[128];
	struct gb_jval *v = run_probe(c, st, &text) == 0 ? gb_json_parse(text, strlen(text), perr, sizeof perr) : NULL;
	free(text);
	if (!v) {
		gb_check_skip(c, "glassbox-probe did not run (build it with make)");
		return;
	}
	char possible[256] = "";
	int blocked = 0;
	for (const struct gb_jval *k = gb_jget(v, "checks") ? gb_jget(v, "checks")->child : NULL; k; k = k->next) {
		const char *name = gb_jstr(k, "name", "?"), *status = gb_jstr(k, "status", "?");
		/* Docker's default set keeps CAP_NET_RAW: raw packets stay in the container's
		 * own network namespace, so it is not counted as a way out. */
		if (strcmp(status, "possible") == 0 && strcmp(name, "raw-socket") != 0)
			snprintf(possible + strlen(possible), sizeof possible - strlen(possible), "%s%s",
				 possible[0] ? ", " : "", name);
		blocked += strcmp(status, "blocked") == 0;
	}
	if (!possible[0])
		gb_check_pass(c, "glassbox-probe: %d escape attempts blocked, none possible (mount, reboot, "
			      "setns, keyctl, bpf, ...)", blocked);
	else
		gb_check_fail(c, "glassbox-probe found escapes possible: %s", possible);
	gb_jval_free(v);
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = {"sleep", "300", NULL};
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	check_caps(c, st.pid);
	check_masks(c, st.pid);
	check_probe(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_16 = {
	.num = 16,
	.slug = "capabilities-and-escapes",
	.title = "Capabilities and escape attempts",
	.feature = "effective/bounding sets; masked paths; escape attempts that must all fail",
	.control = "--privileged",
	.check = check,
};
