/* Lab 16 check: capabilities and escapes. PID 1's effective and bounding sets hold no
 * CAP_SYS_ADMIN and no more than Docker's 14; /proc/kcore-style files are masked and
 * /proc/sys is read-only; glassbox-probe, run inside, finds every escape blocked.
 * The probe runs as if from a terminal: under a pty this check owns (its controlling
 * terminal and stdin/stderr), so TIOCSTI and friends have a real terminal to aim at,
 * with or without one of our own (CI). Negative control: --privileged and
 * --unsafe-pass-terminal (the caller's terminal handed to the container, as before
 * issue 18): the escapes become possible and the pty receives the keystrokes.
 * And a watcher inside, while the check runs `exec` 100 times, never opens a glassbox
 * process's exe or fds (issue 19; the control's CAP_SYS_PTRACE lets it win). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "security/caps.h"
#include "security/enter.h"
#include "lab.h"
#include "security/masks.h"

static void control(struct gb_config *cfg)
{
	cfg->privileged = true;
	cfg->unsafe_pass_terminal = true;
}

static void check_caps(struct gb_check *c, pid_t pid)
{
	struct gb_caps_status cs;
	char names[1024];
	if (gb_caps_read_status(pid, &cs, &c->err) < 0) {
		gb_check_error(c, "cannot read CapEff/CapBnd from /proc/%d/status", (int)pid);
		return;
	}
	int n = __builtin_popcountll(cs.effective);
	gb_caps_format(cs.effective & ~gb_caps_docker_default(), names, sizeof names);
	if (!(cs.effective & GB_CAP_BIT(CAP_SYS_ADMIN)) &&
	    !(cs.bounding & GB_CAP_BIT(CAP_SYS_ADMIN)) && n <= 14)
		gb_check_is(c, "caps-dropped", true,
			    "PID 1 keeps %d capabilities (CapEff in /proc/%d/status), none of them "
			    "CAP_SYS_ADMIN, "
			    "and cannot regain any (CapBnd)",
			    n, (int)pid);
	else
		gb_check_is(c, "caps-dropped", false,
			    "PID 1 has %d capabilities (CapEff in /proc/%d/status), beyond "
			    "Docker's 14: %s",
			    n, (int)pid, names);
}

static void check_masks(struct gb_check *c, pid_t pid)
{
	struct gb_masks_state ms;
	if (gb_masks_observe(pid, &ms, &c->err) < 0) {
		gb_check_error(c, "cannot read the masked paths from /proc/%d/mountinfo", (int)pid);
		return;
	}
	int masked = __builtin_popcountl(ms.masked), ro = __builtin_popcountl(ms.readonly);
	if (masked > 0 && (ms.readonly & (1UL << 3))) /* gb_masks_readonly[3] is /proc/sys */
		gb_check_is(c, "masked-paths", true,
			    "%d host-wide /proc and /sys files are masked and %d paths read-only, "
			    "/proc/sys "
			    "among them (mountinfo)",
			    masked, ro);
	else
		gb_check_is(
			c, "masked-paths", false,
			"masked paths: %d, read-only paths: %d: /proc/sys and friends are writable "
			"or visible",
			masked, ro);
}

/* A pty pair on the host's devpts: the terminal a user would run glassbox from. */
static int open_pty(int *master, int *slave)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0)
		return -1;
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave < 0 ? -1 : 0;
}

/* In a child: a session whose controlling terminal is our pty, the pty as fds 0 and 2,
 * stdout the memfd for the JSON; then `glassbox exec` the probe. */
static void probe_child(struct gb_check *c, const struct gb_state *st, char **argv, int slave,
			int out, int report)
{
	int code = -1;
	setsid();
	ioctl(slave, TIOCSCTTY, 0);
	dup2(slave, 0);
	dup2(out, 1);
	dup2(slave, 2);
	char *env[] = { NULL };
	struct gb_err err = { 0 };
	gb_container_exec(c->rt, st->cfg.id, argv, env, "/", &code, &err);
	fflush(stdout);
	gb_write_full(report, &err, sizeof err); /* err.code 0: the probe ran */
	_exit(code < 0 ? 125 : code);
}

/* What reached the pty's input queue, as a shell on it would read it next. */
static void read_injected(int slave, char *buf, size_t len)
{
	struct termios t;
	buf[0] = '\0';
	if (tcgetattr(slave, &t) < 0)
		return;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO); /* no line to wait for */
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(slave, TCSANOW, &t);
	ssize_t n = read(slave, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* The probe as a sealed copy that the container runs (core/security/enter.h), not the host's
 * file; inherited on purpose: it is executed as /proc/self/fd/N. */
static int open_probe(void)
{
	char exe[PATH_MAX], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(path, sizeof path, "%s/../libexec/glassbox/glassbox-probe", exe);
	int file = open(getenv("GLASSBOX_PROBE") ? getenv("GLASSBOX_PROBE") : path,
			O_RDONLY | O_CLOEXEC);
	int fd = file >= 0 ? gb_sealed_copy(file, "glassbox-probe", NULL) : -1;
	if (file >= 0)
		close(file);
	if (fd >= 0)
		fcntl(fd, F_SETFD, 0);
	return fd;
}

static char *read_memfd(int fd)
{
	off_t len = lseek(fd, 0, SEEK_END);
	char *text = len >= 0 ? calloc(1, (size_t)len + 1) : NULL;
	if (text && pread(fd, text, (size_t)len, 0) < 0)
		text[0] = '\0';
	return text;
}

/* ------------------------------------------------------------ the exec race (issue 19) */

/* The watcher: `glassbox-probe --watch` inside, its JSON into out, "watching" on ready. */
static pid_t start_watcher(struct gb_runtime *rt, const char *ref, int probe, const char *stop,
			   int out, int ready)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char self[32];
	snprintf(self, sizeof self, "/proc/self/fd/%d", probe);
	char *argv[] = { self, "--watch", "120000", "--stop-file", (char *)stop, "--json", NULL };
	char *env[] = { NULL };
	int code = 0;
	struct gb_err err = { 0 };
	dup2(out, 1);
	dup2(ready, 2);
	gb_container_exec(rt, ref, argv, env, "/", &code, &err);
	_exit(code);
}

/* Block until the watcher says "watching" (or goes away): the execs must not start early. */
static bool watcher_ready(int fd)
{
	char buf[256];
	size_t got = 0;
	while (got < sizeof buf - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 20000) <= 0)
			return false;
		ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "watching"))
			return true;
	}
	return false;
}

static int exec_quiet(struct gb_runtime *rt, const char *ref, char *const *argv)
{
	char *env[] = { NULL };
	int code = -1;
	struct gb_err err = { 0 };
	return gb_container_exec(rt, ref, argv, env, "/", &code, &err) < 0 ? -1 : code;
}

int gb_lab16_exec_race(struct gb_runtime *rt, const char *ref, int n, int *done, char **json)
{
	*json = NULL;
	*done = 0;
	int probe = open_probe(), out = memfd_create("race-json", MFD_CLOEXEC),
	    ready[2] = { -1, -1 };
	if (probe < 0 || out < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		close(probe), close(out);
		return -ENOENT;
	}
	char stop[64], self[32];
	snprintf(stop, sizeof stop, "/tmp/.gbprobe-stop-%d", (int)getpid());
	snprintf(self, sizeof self, "/proc/self/fd/%d", probe);
	pid_t watcher = start_watcher(rt, ref, probe, stop, out, ready[1]);
	close(ready[1]);
	bool ok = watcher > 0 && watcher_ready(ready[0]);
	char *const run_true[] = { "true", NULL };
	/* The watcher leaves as soon as it has won both races: no point going on. */
	for (; ok && *done < n && waitpid(watcher, NULL, WNOHANG) == 0; (*done)++)
		exec_quiet(rt, ref, run_true);
	char *const touch[] = { self, "--touch", stop, NULL }; /* the image may have no touch */
	if (watcher > 0 && waitpid(watcher, NULL, WNOHANG) == 0)
		exec_quiet(rt, ref, touch);
	close(probe);
	if (watcher > 0)
		while (waitpid(watcher, NULL, 0) < 0 && errno == EINTR)
			;
	close(ready[0]);
	*json = read_memfd(out);
	close(out);
	return *json && **json ? 0 : -EIO;
}

/* Run the probe inside (as `glassbox probe` does) with its --json output in a memfd. */
static int run_probe(struct gb_check *c, const struct gb_state *st, char **json, char *injected,
		     size_t ilen)
{
	int fd = open_probe();
	int out = memfd_create("probe-json", MFD_CLOEXEC);
	int master = -1, slave = -1;
	if (fd < 0 || out < 0 || open_pty(&master, &slave) < 0) {
		gb_check_error(
			c,
			"could not prepare glassbox-probe (a sealed copy, a memfd, a pty): %s "
			"(build it with make)",
			strerror(errno));
		return -1;
	}
	char self[32];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	char *argv[] = { self, "--json", NULL };
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		probe_child(c, st, argv, slave, out, report[1]);
	close(report[1]);
	/* The exec's own error, from the child that ran it under the pty. */
	struct gb_err err = { 0 };
	ssize_t got = pid > 0 ? gb_read_full(report[0], &err, sizeof err) : -1;
	close(report[0]);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0)
		;
	int r = 0;
	if (pid < 0)
		r = gb_err_set(&err, errno, "fork", "cannot fork the probe's runner");
	else if (got != (ssize_t)sizeof err)
		r = gb_err_set(&err, ECHILD, "", "the probe's runner died before it reported");
	else if (err.code)
		r = -err.code;
	read_injected(slave, injected, ilen);
	close(master);
	close(slave);
	close(fd);
	if (r < 0) {
		char why[400];
		gb_err_format(&err, why, sizeof why);
		gb_check_error(c, "could not run glassbox-probe inside: %s", why);
		close(out);
		return -1;
	}
	*json = read_memfd(out);
	close(out);
	return *json ? 0 : -1;
}

static void check_probe(struct gb_check *c, const struct gb_state *st)
{
	char *text = NULL, perr[128], injected[64];
	struct gb_jval *v = run_probe(c, st, &text, injected, sizeof injected) == 0
				    ? gb_json_parse(text, strlen(text), perr, sizeof perr)
				    : NULL;
	free(text);
	if (!v) {
		if (!c->n || !c->f[c->n - 1].error)
			gb_check_error(c,
				       "glassbox-probe gave no JSON report (build it with make)");
		return;
	}
	char possible[256] = "";
	int blocked = 0;
	for (const struct gb_jval *k = gb_jget(v, "checks") ? gb_jget(v, "checks")->child : NULL; k;
	     k = k->next) {
		const char *name = gb_jstr(k, "name", "?"), *status = gb_jstr(k, "status", "?");
		/* Docker's default set keeps CAP_NET_RAW: raw packets stay in the container's
		 * own network namespace, so it is not counted as a way out. */
		if (strcmp(status, "possible") == 0 && strcmp(name, "raw-socket") != 0)
			snprintf(possible + strlen(possible), sizeof possible - strlen(possible),
				 "%s%s", possible[0] ? ", " : "", name);
		blocked += strcmp(status, "blocked") == 0;
	}
	if (!possible[0])
		gb_check_is(
			c, "escapes-blocked", true,
			"glassbox-probe: %d escape attempts blocked, none possible (mount, reboot, "
			"setns, keyctl, bpf, ...)",
			blocked);
	else
		gb_check_is(c, "escapes-blocked", false,
			    "glassbox-probe found escapes possible: %s", possible);
	gb_jval_free(v);
	/* The probe typed '#' where it could (TIOCSTI): a shell on our pty would read it. */
	if (!injected[0])
		gb_check_pass(c, "nothing arrived in the input queue of the terminal the container "
				 "was started "
				 "from: no TIOCSTI reached it (a session of its own, stdio relayed "
				 "as pipes)");
	else
		gb_check_fail(c,
			      "the container typed \"%s\" into the terminal it was started from "
			      "(TIOCSTI): "
			      "a shell there would run it as a command",
			      injected);
}

/* The race of issue 19: a watcher inside while the check runs `exec` 100 times. Under
 * --privileged the watcher holds CAP_SYS_PTRACE and wins; GLASSBOX_UNSAFE_DUMPABLE=1
 * (docs/security.md, for this control only) makes it win against a default container. */
static void check_race(struct gb_check *c, const struct gb_state *st)
{
	char *text = NULL, perr[128];
	int done = 0;
	int r = gb_lab16_exec_race(c->rt, st->cfg.id, 100, &done, &text);
	struct gb_jval *v = r == 0 ? gb_json_parse(text, strlen(text), perr, sizeof perr) : NULL;
	free(text);
	if (!v) {
		gb_check_error(
			c,
			"the exec race did not run (glassbox-probe --watch after %d execs: %s; "
			"build it with make)",
			done, r < 0 ? strerror(-r) : perr);
		return;
	}
	char won[600] = "";
	const char *detail = "";
	for (const struct gb_jval *k = gb_jget(v, "checks") ? gb_jget(v, "checks")->child : NULL; k;
	     k = k->next) {
		if (strcmp(gb_jstr(k, "status", "?"), "possible") == 0)
			snprintf(won + strlen(won), sizeof won - strlen(won), "%s%s: %s",
				 won[0] ? "; " : "", gb_jstr(k, "name", "?"),
				 gb_jstr(k, "call", "?"));
		detail = gb_jstr(k, "detail", "");
	}
	if (!won[0])
		gb_check_is(c, "exec-race", true,
			    "a watcher inside saw %d `glassbox exec`s and never opened a glassbox "
			    "process's "
			    "exe or fds (non-dumpable, sealed trampoline): %.200s",
			    done, detail);
	else
		gb_check_is(c, "exec-race", false,
			    "a watcher inside won the exec race after %d execs: %.400s", done, won);
	gb_jval_free(v);
}

static int check(struct gb_check *c)
{
	struct gb_state st;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	check_caps(c, st.pid);
	check_masks(c, st.pid);
	check_probe(c, &st);
	check_race(c, &st);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_16 = {
	.num = 16,
	.slug = "capabilities-and-escapes",
	.title = "Capabilities and escape attempts",
	.feature = "effective/bounding sets; masked paths; escape attempts that must all fail",
	.control = "--privileged --unsafe-pass-terminal",
	.check = check,
	.trips = "caps-dropped",
};
