/* A container's public status file (status_file.h): a copy of the shareable part of its
 * state, made by whatever saves the state (state.c's gb_state_save), so that the monitor
 * (restarts, health) and the CLI (start, stop) keep it current without knowing about it.
 * One file per container, not one per project: each writer replaces only its own file, so
 * two monitors saving at once need no lock and cannot lose each other's change. Lab 20. */
#include "state/status_file.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

int gb_status_file_dir(const char *state_root, const char *project, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/status/%s", state_root, project);
}

int gb_status_file_prepare(const char *dir, struct gb_err *err)
{
	int r = gb_mkdir_p(dir, 0755);
	if (r == 0 && chmod(dir, 0755) < 0) /* past the umask: readable through the mount */
		r = -errno;
	if (r < 0)
		return gb_err_set(err, -r, "mkdir", "cannot make the status directory %s", dir);
	return 0;
}

static void to_json(const struct gb_status_file *s, struct gb_json *j)
{
	gb_json_obj_begin(j, NULL);
	gb_json_int(j, "version", 1);
	gb_json_str(j, "project", s->project);
	gb_json_str(j, "service", s->service);
	gb_json_str(j, "container", s->container);
	gb_json_str(j, "state", s->state);
	if (s->health[0])
		gb_json_str(j, "health", s->health);
	else
		gb_json_null(j, "health");
	gb_json_int(j, "restarts", s->restarts);
	gb_json_int(j, "exit_code", s->exit_code);
	gb_json_double(j, "started", s->started, 3);
	gb_json_double(j, "finished", s->finished, 3);
	gb_json_strv(j, "networks", s->networks);
	gb_json_obj_end(j);
}

int gb_status_file_write(const char *dir, const struct gb_status_file *s, struct gb_err *err)
{
	char path[700];
	if (gb_path(path, sizeof path, "%s/%s.json", dir, s->container) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "status file path too long in %s", dir);
	struct gb_json j;
	gb_json_init(&j);
	to_json(s, &j);
	int r = j.failed ? -ENOMEM : gb_write_replace(path, j.buf, j.len, 0644);
	if (r == -ENOENT && gb_status_file_prepare(dir, err) == 0) /* removed by hand */
		r = gb_write_replace(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	if (r < 0)
		return gb_err_set(err, -r, "rename", "cannot write the status file %s", path);
	return 0;
}

int gb_status_file_remove(const char *dir, const char *container)
{
	char path[700];
	if (gb_path(path, sizeof path, "%s/%s.json", dir, container) < 0)
		return -ENAMETOOLONG;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
}

int gb_status_file_remove_dir(const char *dir)
{
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -errno;
}
