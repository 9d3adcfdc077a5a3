/* The lab mechanism (lab.h): findings, the check's own container, verdicts. */
#include "lab.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void add(struct gb_check *c, bool ok, const char *fmt, va_list ap)
{
	if (c->n >= (int)GB_ARRAY_LEN(c->f))
		return;
	c->f[c->n].ok = ok;
	vsnprintf(c->f[c->n].text, sizeof c->f[c->n].text, fmt, ap);
	c->n++;
}

void gb_check_pass(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, true, fmt, ap);
	va_end(ap);
}

void gb_check_fail(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add(c, false, fmt, ap);
	va_end(ap);
}

void gb_check_skip(struct gb_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->skip, sizeof c->skip, fmt, ap);
	va_end(ap);
}

int gb_check_container(struct gb_check *c, void (*control)(struct gb_config *cfg),
		       char *const *cmd, bool running, struct gb_state *st)
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
			gb_err_hint(&c->err, "this check looks at a running container: `glassbox start %s`",
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
	if (c->skip[0])
		return GB_VERDICT_SKIP;
	if (r < 0) {
		if (!c->err.code)
			gb_err_set(&c->err, -r, "check", "lab %02d: the check could not run", lab->num);
		return GB_VERDICT_ERROR;
	}
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

int gb_check_exec_quiet(struct gb_check *c, const char *id, char *const *cmd)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	dup2(null, 2);
	char *env[] = {NULL};
	int code = -1;
	struct gb_err err = {0};
	if (gb_container_exec(c->rt, id, cmd, env, "/", &code, &err) < 0)
		code = -1;
	dup2(saved, 2);
	close(saved);
	close(null);
	return code;
}
