/* --init: bind-mount glassbox-init read-only into the container and make it PID 1, with
 * the user's command as its child. mount(2) (MS_BIND, MS_REMOUNT|MS_RDONLY),
 * pid_namespaces(7). Lab 13. Why a PID 1 needs to be special: init/glassbox-init.c. */
#include "engine/init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

int gb_init_host_path(const char *share_dir, char *buf, size_t len, struct gb_err *err)
{
	const char *env = getenv("GLASSBOX_INIT");
	int r = env && *env
			? gb_path(buf, len, "%s", env)
			: gb_path(buf, len, "%s/../../libexec/glassbox/glassbox-init", share_dir);
	if (r < 0)
		return gb_err_set(err, -r, "", "the path of glassbox-init is too long");
	if (access(buf, X_OK) < 0) {
		r = gb_err_set(err, errno, "access", "--init needs %s", buf);
		gb_err_hint(err,
			    "build it with `make` (init/init.mk), or point GLASSBOX_INIT at it");
		return r;
	}
	return 0;
}

/* A bind mount needs something to cover: a file over a file. */
static int make_mount_point(const char *root, const char *target, struct gb_err *err)
{
	char dir[4096];
	gb_path(dir, sizeof dir, "%s/sbin", root);
	int r = gb_mkdir_p(dir, 0755);
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot create %s for --init", dir);
	int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot create the mount point %s", target);
	close(fd);
	return 0;
}

int gb_init_bind(const char *host, const char *root, struct gb_err *err)
{
	char target[4096];
	if (gb_path(target, sizeof target, "%s" GB_INIT_PATH, root) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "root path too long: %s", root);
	int r = make_mount_point(root, target, err);
	if (r < 0)
		return r;
	if (mount(host, target, NULL, MS_BIND, NULL) < 0)
		return gb_err_set(err, errno, "mount", "mount(\"%s\", \"%s\", MS_BIND) failed",
				  host, target);
	/* MS_RDONLY is ignored on the first MS_BIND call: a bind mount takes its flags
	 * from a second, remounting call. Read-only: the container cannot replace its init. */
	if (mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, NULL) < 0)
		return gb_err_set(err, errno, "mount", "remounting %s read-only failed", target);
	return 0;
}

char **gb_init_argv(char *const *argv)
{
	size_t n = gb_strv_len(argv);
	char **v = calloc(n + 3, sizeof *v);
	if (!v)
		return NULL;
	v[0] = strdup(GB_INIT_PATH);
	v[1] = strdup("--"); /* the command's own options stay its own */
	for (size_t i = 0; i < n; i++)
		v[i + 2] = strdup(argv[i]);
	for (size_t i = 0; i < n + 2; i++)
		if (!v[i]) {
			for (size_t k = 0; k < n + 2; k++)
				free(v[k]);
			free(v);
			return NULL;
		}
	return v;
}
