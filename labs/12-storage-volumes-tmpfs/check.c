/* Lab 12 check: storage beyond the image. A container writes into a named volume, a
 * tmpfs and a read-only bind mount, and passes a message through a named pipe. Then:
 * the volume's file is on the host and a second container sees it after the first is
 * removed; the tmpfs is a tmpfs in the container's mountinfo (memory, not disk); the
 * read-only bind refused the write; the pipe carried the message and stores 0 bytes.
 * Negative control: the same container without its mounts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab.h"
#include "storage/volume.h"

static void control(struct gb_config *cfg)
{
	cfg->nmounts = 0;
}

/* fstype of the mount at target in /proc/PID/mountinfo, "" if none; -1 if unreadable. */
static int fstype_at(pid_t pid, const char *target, char *out, size_t len)
{
	char path[64], line[4096];
	snprintf(path, sizeof path, "/proc/%d/mountinfo", (int)pid);
	out[0] = '\0';
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof line, f)) {
		char mnt[1024], *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*d %*d %*s %*s %1023s", mnt) == 1 &&
		    strcmp(mnt, target) == 0)
			sscanf(dash + 3, "%63s", out);
	}
	if (!f)
		return -1;
	fclose(f);
	return 0;
}

static int start(struct gb_check *c, const char *vol, const char *bind, struct gb_state *st)
{
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	char *const cmd[] = { "sleep", "300", NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof *cfg.env);
	struct gb_mount m[3] = { { GB_MOUNT_VOLUME, "", "/data", false, "" },
				 { GB_MOUNT_TMPFS, "", "/scratch", false, "size=1m" },
				 { GB_MOUNT_BIND, "", "/ro", true, "" } };
	snprintf(m[0].source, sizeof m[0].source, "%s", vol);
	snprintf(m[2].source, sizeof m[2].source, "%s", bind);
	memcpy(cfg.mounts, m, sizeof m);
	cfg.nmounts = 3;
	if (c->control)
		control(&cfg);
	int code = 0;
	int r = gb_container_run(c->rt, &cfg, false, &code, c->started, &c->err);
	gb_config_free(&cfg);
	if (r == 0)
		r = gb_state_find(c->rt, c->started, st, &c->err);
	return r;
}

static int sh(struct gb_check *c, const char *id, const char *script)
{
	char *const argv[] = { "sh", "-c", (char *)script, NULL };
	return gb_check_exec_quiet(c, id, argv); /* -1: could not run, an ERROR finding says so */
}

static void second_container(struct gb_check *c, const char *vol)
{
	struct gb_state st2;
	char first[GB_ID_LEN + 1];
	snprintf(first, sizeof first, "%s", c->started);
	struct gb_err ignored = { 0 };
	gb_container_rm(c->rt, first, true, &ignored);
	c->started[0] = '\0';
	if (start(c, vol, "/", &st2) < 0) {
		gb_check_error(c, "could not start the second container on volume %s", vol);
		return;
	}
	int code = sh(c, st2.cfg.id, "grep -q lab12 /data/kept 2>/dev/null");
	if (code >= 0)
		gb_check_is(c, "volume-kept", code == 0,
			    "in a new container `grep lab12 /data/kept` exits %d: %s", code,
			    code == 0 ? "the volume outlived the first container"
				      : "the data died with the first container");
	gb_state_free(&st2);
	gb_container_rm(c->rt, c->started, true, &ignored);
	c->started[0] = '\0';
}

static void look(struct gb_check *c, const struct gb_state *st, const char *vol, const char *bind)
{
	char type[64], target[1100], path[1100];
	/* After pivot_root, mountinfo paths are the container's own. */
	snprintf(target, sizeof target, "/scratch");
	if (fstype_at(st->pid, target, type, sizeof type) < 0)
		gb_check_error(c, "cannot read /proc/%d/mountinfo", (int)st->pid);
	else if (strcmp(type, "tmpfs") == 0)
		gb_check_is(c, "tmpfs", true,
			    "/scratch is a tmpfs in /proc/%d/mountinfo: its files live in RAM",
			    (int)st->pid);
	else
		gb_check_is(c, "tmpfs", false,
			    "/scratch is no mount of its own (%s): its files go to the writable "
			    "layer on disk",
			    type[0] ? type : "not in mountinfo");
	int code =
		sh(c, st->cfg.id, "mkdir -p /ro 2>/dev/null; { echo x > /ro/lab12; } 2>/dev/null");
	if (code >= 0)
		gb_check_is(c, "ro-bind", code != 0, "`echo x > /ro/lab12` inside exits %d: %s",
			    code,
			    code ? "the read-only bind mount refuses the write (EROFS)"
				 : "it is not a read-only mount");
	snprintf(path, sizeof path, "%s/lab12", bind);
	unlink(path);
	int pipe_ok = sh(c, st->cfg.id,
			 "mkdir -p /data; rm -f /data/pipe; mkfifo /data/pipe && (echo through > "
			 "/data/pipe &) && "
			 "[ \"$(cat /data/pipe)\" = through ]");
	gb_volume_data_path(c->rt, vol, path, sizeof path);
	strncat(path, "/pipe", sizeof path - strlen(path) - 1);
	struct stat pst;
	if (pipe_ok < 0)
		return;
	if (pipe_ok == 0 && lstat(path, &pst) == 0 && S_ISFIFO(pst.st_mode) && pst.st_size == 0)
		gb_check_is(c, "fifo", true,
			    "the named pipe carried a message and stores nothing: %s is a FIFO of "
			    "0 bytes",
			    path);
	else
		gb_check_is(c, "fifo", false,
			    "no FIFO of 0 bytes at %s after passing a message through /data/pipe",
			    path);
}

static int check(struct gb_check *c)
{
	if (c->container) {
		gb_err_set(&c->err, EINVAL, "",
			   "lab 12's check starts its own containers (a volume, a tmpfs, a "
			   "read-only bind)");
		gb_err_hint(&c->err, "run it without --container: `glassbox lab check 12`");
		return -EINVAL;
	}
	char vol[64], bind[128];
	snprintf(vol, sizeof vol, "lab12-%d", (int)getpid());
	snprintf(bind, sizeof bind, "/tmp/glassbox-lab12-%d", (int)getpid());
	mkdir(bind, 0755);
	struct gb_state st;
	int r = start(c, vol, bind, &st);
	if (r == 0) {
		if (sh(c, st.cfg.id, "mkdir -p /data; echo lab12 > /data/kept") == 0)
			look(c, &st, vol, bind);
		else if (!c->f[c->n - 1].error)
			gb_check_error(c, "`echo lab12 > /data/kept` failed inside");
		gb_state_free(&st);
		second_container(c, vol);
	}
	struct gb_err ignored = { 0 };
	gb_volume_remove(c->rt, vol, true, &ignored);
	rmdir(bind);
	return r;
}

const struct gb_lab gb_lab_12 = {
	.num = 12,
	.slug = "storage-volumes-tmpfs",
	.title = "Storage: volumes, bind mounts, tmpfs, pipes",
	.feature = "named volume survives the container; ro bind refuses writes; tmpfs lives in "
		   "RAM; a pipe stores nothing",
	.control = "the same container without its -v, --tmpfs and bind mount",
	.check = check,
	.trips = "volume-kept",
};
