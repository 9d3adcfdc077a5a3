/* Base images made on this host (build.h): a Debian root filesystem from the mirror apt
 * already uses, made once with mmdebstrap (or debootstrap) and kept as a layer. Then it
 * is cleaned of what was copied from the host (hostname, resolv.conf, apt caches), given
 * an /etc/hosts, and a policy-rc.d that stops package scripts from starting daemons
 * inside a RUN (invoke-rc.d asks it first; exit 101 means "not allowed"). Lab 18. */
#include "build/base_image.h"
#include "base/helper.h"
#include "engine/container.h"
#include "ns/userns.h"
#include "storage/image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	const char *suite;
} bases[] = {
	{ "debian:bookworm", "bookworm" },
	{ "debian:12", "bookworm" },
	{ "debian:stable", "stable" },
	/* The suites Inception projects name (lab 20): most hard-code bullseye's php7.4. The
	 * aliases oldstable and stable mean what the mirror says they mean today. */
	{ "debian:bullseye", "bullseye" },
	{ "debian:11", "bullseye" },
	{ "debian:trixie", "trixie" },
	{ "debian:13", "trixie" },
	{ "debian:oldstable", "oldstable" },
};

const char *gb_base_names(void)
{
	return "debian:bullseye, debian:bookworm, debian:trixie, debian:oldstable, debian:stable";
}

/* The Debian mirror from apt's own configuration: deb822 .sources files first, then the
 * one-line sources.list. */
static void find_mirror(char *out, size_t len)
{
	snprintf(out, len, "http://deb.debian.org/debian");
	glob_t g;
	if (glob("/etc/apt/sources.list.d/*.sources", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			gb_autofree char *text = NULL;
			if (gb_read_file(g.gl_pathv[i], &text, NULL) < 0)
				continue;
			for (char *l = strstr(text, "URIs:"); l; l = strstr(l + 5, "URIs:")) {
				char uri[512];
				if (sscanf(l + 5, " %511s", uri) == 1 && strstr(uri, "debian") &&
				    !strstr(uri, "security")) {
					snprintf(out, len, "%s", uri);
					globfree(&g);
					return;
				}
			}
		}
		globfree(&g);
	}
	gb_autofree char *list = NULL;
	if (gb_read_file("/etc/apt/sources.list", &list, NULL) == 0) {
		char *save = NULL;
		for (char *l = strtok_r(list, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char uri[512];
			if (sscanf(l, "deb %511s", uri) == 1 && uri[0] != '[' &&
			    !strstr(uri, "security")) {
				snprintf(out, len, "%s", uri);
				return;
			}
		}
	}
}

static int run_tool(char *const argv[], struct gb_err *err)
{
	pid_t pid = fork();
	if (pid < 0)
		return gb_err_set(err, errno, "fork", "cannot start %s", argv[0]);
	if (pid == 0) {
		dup2(2, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return gb_exit_code(status);
}

/* Run mmdebstrap, or debootstrap when it is missing. Their progress goes to our stderr:
 * it is the build's output. */
static int bootstrap(const char *suite, const char *dir, const char *mirror, char *tool,
		     size_t toollen, struct gb_err *err)
{
	const char *tools[] = { "mmdebstrap", "debootstrap" };
	for (size_t t = 0; t < 2; t++) {
		char *const argv[] = { (char *)tools[t], "--variant=minbase", (char *)suite,
				       (char *)dir,	 (char *)mirror,      NULL };
		int st = run_tool(argv, err);
		if (st < 0)
			return st;
		snprintf(tool, toollen, "%s --variant=minbase %s %s", tools[t], suite, mirror);
		if (st == 127)
			continue; /* not installed: try the next one */
		if (st == 0)
			return 0;
		int r = gb_err_set(err, EIO, "", "%s failed (status %d)", tool, st);
		gb_err_hint(
			err,
			"is the Debian mirror %s reachable? the output above says what went wrong",
			mirror);
		return r;
	}
	int r = gb_err_set(err, ENOENT, "", "neither mmdebstrap nor debootstrap is installed");
	gb_err_hint(err, "install one: apt-get install mmdebstrap (or `make deps`)");
	return r;
}

static void empty_dir(const char *root, const char *rel)
{
	char dir[1024];
	gb_path(dir, sizeof dir, "%s/%s", root, rel);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "lock") || !strcmp(de->d_name, "partial") ||
		    !strcmp(de->d_name, "auxfiles"))
			continue;
		char path[1400];
		gb_path(path, sizeof path, "%s/%s", dir, de->d_name);
		gb_rm_rf(path);
	}
	if (d)
		closedir(d);
}

static int put(const char *root, const char *rel, const char *text, mode_t mode)
{
	char path[1024];
	gb_path(path, sizeof path, "%s/%s", root, rel);
	int r = gb_write_file(path, text, strlen(text));
	if (r == -ENOENT) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
		if (fd < 0)
			return -errno;
		r = gb_write_full(fd, text, strlen(text)) < 0 ? -EIO : 0;
		close(fd);
	}
	chmod(path, mode);
	return r;
}

/* What the bootstrap copied from the host does not belong in an image. */
static int clean_rootfs(const char *root)
{
	empty_dir(root, "var/lib/apt/lists");
	empty_dir(root, "var/cache/apt/archives");
	char bins[1024];
	gb_path(bins, sizeof bins, "%s/var/cache/apt", root);
	glob_t g;
	strncat(bins, "/*.bin", sizeof bins - strlen(bins) - 1);
	if (glob(bins, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			unlink(g.gl_pathv[i]);
		globfree(&g);
	}
	int r = put(root, "etc/hostname", "localhost\n", 0644);
	/* Empty, but present: each container (and each RUN) gets its own bound over it. */
	if (r == 0)
		r = put(root, "etc/resolv.conf", "", 0644);
	if (r == 0)
		r = put(root, "etc/hosts",
			"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", 0644);
	if (r == 0)
		r = put(root, "usr/sbin/policy-rc.d",
			"#!/bin/sh\n# glassbox: no daemons start during a build\nexit 101\n", 0755);
	return r;
}

/* ------------------------------------------------------------ rootless */

/* A user without root cannot make files owned by the image's ids (root, _apt, mail...).
 * mmdebstrap's unshare mode can, in a user namespace of its own; but its map is not a
 * rootless container's (it makes root the first subordinate id, glassbox makes it the
 * user's own uid), so its directory would show up wrong inside our containers. So it
 * writes a tar, and the layer unpacker (glassbox-images add-tar) unpacks it as root of a
 * user namespace with the container's maps: every owner lands where a RUN would put it.
 * No device nodes (--skip=output/dev): mknod needs real root, and every container gets
 * its own /dev anyway. */
struct unpack_job {
	const char *prog, *tar, *diff;
};

static int unpack_in_userns(void *arg, struct gb_err *err)
{
	const struct unpack_job *j = arg;
	const char *args[] = { "add-tar", j->tar, j->diff, "from mmdebstrap", NULL };
	int r = gb_helper_run(j->prog, args, err);
	if (r > 0)
		r = gb_err_set(err, EIO, "", "%s add-tar exited with status %d", j->prog, r);
	if (r == 0 && (r = clean_rootfs(j->diff)) < 0)
		gb_err_set(err, -r, "write", "cannot clean the new root filesystem %s", j->diff);
	return r;
}

static int bootstrap_rootless(struct gb_runtime *rt, const char *suite, const char *diff,
			      const char *mirror, char *tool, size_t toollen, struct gb_err *err)
{
	char tar[760], prog[1024];
	gb_path(tar, sizeof tar, "%s.tar", diff);
	snprintf(tool, toollen, "mmdebstrap --variant=minbase %s %s", suite, mirror);
	char *const argv[] = { "mmdebstrap",
			       "--variant=minbase",
			       "--mode=unshare",
			       "--format=tar",
			       "--skip=output/dev",
			       (char *)suite,
			       tar,
			       (char *)mirror,
			       NULL };
	int st = run_tool(argv, err);
	if (st == 127) {
		int r = gb_err_set(err, ENOENT, "",
				   "without root, a Debian base image needs mmdebstrap (its "
				   "unshare mode): debootstrap needs root");
		gb_err_hint(err, "ask the teacher to install it: apt-get install mmdebstrap");
		return r;
	}
	if (st != 0) {
		unlink(tar);
		int r = gb_err_set(err, EIO, "", "%s failed (status %d)", tool, st);
		gb_err_hint(err,
			    "is the Debian mirror %s reachable, and do you have /etc/subuid and "
			    "/etc/subgid ranges? the output above says what went wrong",
			    mirror);
		return r;
	}
	int r = gb_helper_path(rt->share_dir, "glassbox-images", prog, sizeof prog, err);
	struct unpack_job job = { prog, tar, diff };
	if (r == 0)
		r = gb_userns_call_rootless(unpack_in_userns, &job, err);
	unlink(tar);
	return r;
}

static int make_base(struct gb_runtime *rt, const char *name, const char *suite, struct gb_err *err)
{
	char mirror[512], diff[700], tool[1024];
	find_mirror(mirror, sizeof mirror);
	struct gb_layer meta = { 0 };
	int r = gb_layer_new(rt, &meta, diff, sizeof diff, err);
	if (r < 0)
		return r;
	bool rootless = gb_userns_rootless();
	if (rootless)
		r = bootstrap_rootless(rt, suite, diff, mirror, tool, sizeof tool, err);
	else
		r = bootstrap(suite, diff, mirror, tool, sizeof tool, err);
	if (r == 0 && !rootless && (r = clean_rootfs(diff)) < 0)
		gb_err_set(err, -r, "write", "cannot clean the new root filesystem %s", diff);
	snprintf(meta.instruction, sizeof meta.instruction, "%s", tool);
	if (r == 0)
		r = gb_layer_commit(rt, &meta, err);
	char *layers[] = { meta.id, NULL };
	char *env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	char *cmd[] = { "bash", NULL }, *none[] = { NULL };
	struct gb_image img = { .layers = layers,
				.env = env,
				.cmd = cmd,
				.entrypoint = none,
				.exposed = none,
				.labels = none,
				.workdir = "/",
				.stop_signal = "SIGTERM" };
	snprintf(img.name, sizeof img.name, "%s", name);
	gb_rfc3339(img.created, sizeof img.created, gb_wallclock());
	if (r == 0)
		r = gb_image_save(rt, &img, err);
	if (r < 0)
		gb_layer_remove(rt, meta.id);
	return r;
}

int gb_base_make(struct gb_runtime *rt, const char *name, struct gb_err *err)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(bases); i++) {
		if (strcmp(name, bases[i].name) != 0)
			continue;
		char dir[700], lock[700], img[700];
		gb_path(dir, sizeof dir, "%s/images", rt->data_root);
		gb_mkdir_p(dir, 0700);
		/* One bootstrap at a time per data root; a second build waits, then reuses it. */
		gb_path(lock, sizeof lock, "%s/images/.lock", rt->data_root);
		gb_autoclose int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			return gb_err_set(err, errno, "flock", "cannot lock %s", lock);
		gb_path(img, sizeof img, "%s/images/%s.json", rt->data_root, name);
		if (access(img, F_OK) == 0)
			return 1;
		int r = make_base(rt, name, bases[i].suite, err);
		return r < 0 ? r : 1;
	}
	return 0;
}
