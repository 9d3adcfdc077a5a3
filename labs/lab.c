/* The lab mechanism (lab.h): findings, the check's own container, verdicts. */
#include "lab.h"
#include "host/hostcheck.h"
#include "host/rootless.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

static void add(struct gb_check *c, const char *key, bool ok, bool error, const char *fmt,
		va_list ap)
{
	if (c->n >= (int)GB_ARRAY_LEN(c->f)) {
		c->f[c->n - 1].error = true; /* never drop a finding silently */
		return;
	}
	c->f[c->n].ok = ok && !error;
	c->f[c->n].error = error;
	c->f[c->n].key = key;
	vsnprintf(c->f[c->n].text, sizeof c->f[c->n].text, fmt, ap);
	c->n++;
}

void gb_check_pass(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, NULL, true, false, fmt, ap);
	va_end(ap);
}

void gb_check_fail(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, NULL, false, false, fmt, ap);
	va_end(ap);
}

void gb_check_is(struct gb_check *c, const char *key, bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, key, ok, false, fmt, ap);
	va_end(ap);
}

void gb_check_error(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, NULL, false, true, fmt, ap);
	va_end(ap);
}

bool gb_check_host_has(struct gb_check *c, const char *key)
{
	struct gb_host_feature f = { 0 };
	int r = gb_hostcheck_probe(key, &f);
	if (r == -ENOENT)
		r = gb_rootless_probe(key, &f); /* "rootless.*": host-check's students' section */
	if (r < 0) {
		gb_check_error(c, "host-check has no feature \"%s\" (a bug in this check)", key);
		return false;
	}
	if (f.available)
		return true;
	if (c->n > 0) {
		gb_check_error(c,
			       "the check asked host-check about %s after it had looked: a SKIP "
			       "now would hide what it saw",
			       key);
		return false;
	}
	if (f.privilege) /* the kernel has it: never tell the student otherwise */
		snprintf(c->skip, sizeof c->skip, "%s needs privilege this user lacks: %s; %s",
			 f.name, f.reason, f.priv_fix);
	else
		snprintf(c->skip, sizeof c->skip, "this host has no %s: %s (glassbox host-check)",
			 f.name, f.reason);
	return false;
}

bool gb_check_tripped(const struct gb_check *c, const char *key)
{
	for (int i = 0; key && i < c->n; i++)
		if (c->f[i].key && !strcmp(c->f[i].key, key) && !c->f[i].ok && !c->f[i].error)
			return true;
	return false;
}

enum gb_control_result gb_control_judge(const struct gb_lab *lab, const struct gb_check *c,
					enum gb_verdict v)
{
	if (v == GB_VERDICT_SKIP)
		return GB_CONTROL_SKIPPED;
	if (v == GB_VERDICT_ERROR)
		return GB_CONTROL_ERROR;
	if (v == GB_VERDICT_PASS)
		return GB_CONTROL_MISSED;
	return gb_check_tripped(c, lab->trips) ? GB_CONTROL_DETECTED : GB_CONTROL_ERROR;
}

int gb_check_container(struct gb_check *c, void (*control)(struct gb_config *cfg), char *const *cmd,
		       bool running, struct gb_state *st)
{
	return gb_check_container_cfg(c, NULL, control, cmd, running, st);
}

int gb_check_container_cfg(struct gb_check *c, void (*setup)(struct gb_config *cfg),
			   void (*control)(struct gb_config *cfg), char *const *cmd, bool running,
			   struct gb_state *st)
{
	if (c->container) {
		int r = gb_state_find(c->rt, c->container, st, &c->err);
		if (r < 0)
			return r;
		gb_state_refresh(c->rt, st);
		if (running && st->status != GB_STATUS_RUNNING) {
			r = gb_err_set(&c->err, EINVAL, "", "container %s is %s", st->cfg.name,
				       gb_status_name(st->status));
			gb_err_hint(&c->err,
				    "this check looks at a running container: `glassbox start %s`",
				    st->cfg.name);
			gb_state_free(st);
			return r;
		}
		return 0;
	}
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof *cfg.env);
	if (setup)
		setup(&cfg);
	if (c->control && control)
		control(&cfg);
	int code = 0;
	int r = gb_container_run(c->rt, &cfg, false, &code, c->started, &c->err);
	gb_config_free(&cfg);
	if (r < 0) {
		c->started[0] = '\0';
		return r;
	}
	return gb_state_find(c->rt, c->started, st, &c->err);
}

enum gb_verdict gb_lab_run(const struct gb_lab *lab, struct gb_runtime *rt, const char *container,
			   bool control, struct gb_check *c)
{
	memset(c, 0, sizeof *c);
	c->rt = rt;
	c->container = container;
	c->control = control;
	int r = lab->check(c);
	if (c->started[0]) {
		struct gb_err ignored;
		gb_container_rm(rt, c->started, true, &ignored);
	}
	if (r < 0) {
		if (!c->err.code)
			gb_err_set(&c->err, -r, "check", "lab %02d: the check could not run",
				   lab->num);
		return GB_VERDICT_ERROR;
	}
	/* SKIP only from gb_check_host_has, before any finding. */
	if (c->skip[0])
		return c->n ? GB_VERDICT_ERROR : GB_VERDICT_SKIP;
	for (int i = 0; i < c->n; i++)
		if (c->f[i].error)
			return GB_VERDICT_ERROR;
	for (int i = 0; i < c->n; i++)
		if (!c->f[i].ok)
			return GB_VERDICT_FAIL;
	return c->n > 0 ? GB_VERDICT_PASS : GB_VERDICT_ERROR;
}

const struct gb_lab *gb_lab_find(const char *ref)
{
	char *end;
	long num = strtol(ref, &end, 10);
	for (const struct gb_lab *const *l = gb_labs; *l; l++) {
		if (*end == '\0' && end != ref && (*l)->num == num)
			return *l;
		if (strcmp((*l)->slug, ref) == 0)
			return *l;
		char full[128];
		snprintf(full, sizeof full, "%02d-%s", (*l)->num, (*l)->slug);
		if (strcmp(full, ref) == 0)
			return *l;
	}
	return NULL;
}

static bool numeric(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int gb_check_count_proc_entries(const char *procdir)
{
	DIR *d = opendir(procdir);
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		n += numeric(de->d_name);
	closedir(d);
	return n;
}

int gb_check_count_pids_in_ns(unsigned long long pidns)
{
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!numeric(de->d_name))
			continue;
		char path[300];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%s/ns/pid", de->d_name);
		if (stat(path, &st) == 0 && st.st_ino == pidns)
			n++;
	}
	closedir(d);
	return n;
}

/* Run cmd inside with fd 2 to /dev/null and fd 1 to out_fd (-1: /dev/null too): nothing
 * it prints may mix with the check's own output (a table, TAP). */
static int exec_redirected(struct gb_check *c, const char *id, char *const *cmd, int out_fd)
{
	fflush(stdout);
	fflush(stderr);
	int saved1 = dup(1), saved2 = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved1 < 0 || saved2 < 0 || null < 0) {
		gb_check_error(c, "cannot redirect the output of `%s`: %s", cmd[0],
			       strerror(errno));
		return -1;
	}
	dup2(null, 2);
	dup2(out_fd >= 0 ? out_fd : null, 1);
	char *env[] = { NULL };
	int code = -1;
	struct gb_err err = { 0 };
	int r = gb_container_exec(c->rt, id, cmd, env, "/", &code, &err);
	dup2(saved1, 1);
	dup2(saved2, 2);
	close(saved1);
	close(saved2);
	close(null);
	if (r < 0) {
		char why[400];
		gb_err_format(&err, why, sizeof why);
		gb_check_error(c, "could not run `%s` inside with glassbox exec: %s", cmd[0], why);
		return -1;
	}
	return code;
}

int gb_check_exec_quiet(struct gb_check *c, const char *id, char *const *cmd)
{
	return exec_redirected(c, id, cmd, -1);
}

int gb_check_exec_output(struct gb_check *c, const char *id, char *const *cmd, char *out,
			 size_t len)
{
	out[0] = '\0';
	int fd = memfd_create("gb-check-output", MFD_CLOEXEC);
	if (fd < 0) {
		gb_check_error(c, "memfd_create for the output of `%s`: %s", cmd[0],
			       strerror(errno));
		return -1;
	}
	int code = exec_redirected(c, id, cmd, fd);
	ssize_t n = pread(fd, out, len - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	return code;
}
