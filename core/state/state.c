/* Container state on disk (state.h). The state root is a tree of small JSON files:
 *   <state root>/containers/<id>/container.json   config + state, replaced atomically
 *   <state root>/lock                             flock'ed while a name is allocated   */
#include "state/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "state/roots.h"
#include "state/status_file.h"

static void find_share_dir(char *buf, size_t len)
{
	const char *env = getenv("GLASSBOX_SHARE");
	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return;
	}
	/* <prefix>/bin/glassbox -> <prefix>/share/glassbox, so a build tree or an
	 * installed tree both work without configuration. */
	char exe[400];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n < 0) {
		snprintf(buf, len, "/usr/local/share/glassbox");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/../share/glassbox", exe);
}

/* Rootless defaults (XDG base directories): state in the per-user runtime dir, a tmpfs
 * that dies with the session like /run; data in ~/.local/share. The user owns both. */
static void rootless_roots(char *state, size_t slen, char *data, size_t dlen)
{
	const char *run = getenv("XDG_RUNTIME_DIR"), *xdata = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char user_run[64];
	snprintf(user_run, sizeof user_run, "/run/user/%u", (unsigned)geteuid());
	if (!run || !*run)
		run = access(user_run, W_OK) == 0 ? user_run : NULL;
	if (xdata && *xdata)
		snprintf(data, dlen, "%s/glassbox", xdata);
	else
		snprintf(data, dlen, "%s/.local/share/glassbox", home && *home ? home : "/tmp");
	if (run)
		snprintf(state, slen, "%s/glassbox", run);
	else
		snprintf(state, slen, "%s/run",
			 data); /* no runtime dir (su, runuser): keep it with the data */
}

int gb_runtime_init(struct gb_runtime *rt, const char *state_root, const char *data_root,
		    struct gb_err *err)
{
	memset(rt, 0, sizeof *rt);
	gb_events_init(&rt->events);
	if (!state_root)
		state_root = getenv("GLASSBOX_ROOT");
	if (!data_root)
		data_root = getenv("GLASSBOX_DATA_ROOT");
	char def_state[400] = "/run/glassbox", def_data[400] = "/var/lib/glassbox";
	if (geteuid() != 0)
		rootless_roots(def_state, sizeof def_state, def_data, sizeof def_data);
	if (gb_path(rt->state_root, sizeof rt->state_root, "%s",
		    state_root && *state_root ? state_root : def_state) < 0 ||
	    gb_path(rt->data_root, sizeof rt->data_root, "%s",
		    data_root && *data_root ? data_root : def_data) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "state or data root path too long");
	if (rt->state_root[0] != '/' || rt->data_root[0] != '/')
		return gb_err_set(err, EINVAL, "",
				  "--root and --data-root must be absolute paths (got %s, %s)",
				  rt->state_root, rt->data_root);
	find_share_dir(rt->share_dir, sizeof rt->share_dir);
	return 0;
}

/* The root 0700 (core/state/roots.c: it stops every other user on the way to a container's
 * files), its containers/ directory 0700 too, each made so by its mkdir. */
static int prepare_dir(const char *root, const char *what, struct gb_err *err)
{
	char path[600];
	int r = gb_path(path, sizeof path, "%s/containers", root);
	struct gb_err ignored;
	if (r == 0)
		r = gb_roots_mkdir(root, &ignored);
	if (r == 0 && mkdir(path, 0700) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0 && access(path, W_OK) < 0)
		r = -errno;
	if (r == 0)
		return 0;
	gb_err_set(err, -r, "mkdir", "cannot use %s %s", what, path);
	if (r == -EROFS)
		gb_err_hint(err, "%s is on a read-only filesystem: choose another with %s", path,
			    strcmp(what, "state root") == 0 ? "--root DIR" : "--data-root DIR");
	else if (r == -EACCES || r == -EPERM)
		gb_err_hint(err, "run as root, or pass a directory you own with %s",
			    strcmp(what, "state root") == 0 ? "--root DIR" : "--data-root DIR");
	return r;
}

int gb_runtime_prepare(struct gb_runtime *rt, struct gb_err *err)
{
	/* The outer root first when one holds the other (rootless without a runtime dir:
	 * DATA/run), so that it is made 0700 and not as the other's 0755 parent. */
	size_t n = strlen(rt->data_root);
	bool data_first = !strncmp(rt->state_root, rt->data_root, n) && rt->state_root[n] == '/';
	int r = data_first ? prepare_dir(rt->data_root, "data root", err) : 0;
	if (r == 0)
		r = prepare_dir(rt->state_root, "state root", err);
	if (r == 0 && !data_first)
		r = prepare_dir(rt->data_root, "data root", err);
	if (r == 0 && !rt->roots_repaired) /* what an older glassbox made wider */
		rt->roots_repaired = gb_roots_repair(rt->data_root, rt->state_root) >= 0;
	return r;
}

int gb_state_dir(const struct gb_runtime *rt, const char *id, char *buf, size_t len)
{
	return gb_path(buf, len, "%s/containers/%s", rt->state_root, id);
}

void gb_state_to_json(const struct gb_state *st, struct gb_json *j)
{
	char t[64];
	gb_json_str(j, "status", gb_status_name(st->status));
	gb_json_int(j, "pid", st->pid);
	gb_json_uint(j, "pid_start", st->pid_start);
	gb_json_int(j, "monitor", st->monitor);
	gb_json_uint(j, "monitor_start", st->monitor_start);
	gb_json_int(j, "exit_code", st->exit_code);
	gb_json_int(j, "exit_signal", st->exit_signal);
	gb_json_bool(j, "exit_core", st->exit_core);
	gb_json_bool(j, "oom_killed", st->oom_killed);
	gb_json_double(j, "created", st->created, 3);
	gb_json_double(j, "started", st->started, 3);
	gb_json_double(j, "finished", st->finished, 3);
	gb_rfc3339(t, sizeof t, st->created);
	gb_json_str(j, "created_at", t);
	gb_json_obj_begin(j, "rootfs");
	gb_json_str(j, "lower", st->lower);
	gb_json_str(j, "upper", st->upper);
	gb_json_str(j, "work", st->work);
	gb_json_str(j, "merged", st->merged);
	gb_json_obj_end(j);
	gb_json_str(j, "log", st->log);
	gb_json_arr_begin(j, "networks");
	for (int i = 0; i < st->n_nets; i++) {
		gb_json_obj_begin(j, NULL);
		gb_json_str(j, "network", st->nets[i].network);
		gb_json_str(j, "addr", st->nets[i].addr);
		gb_json_str(j, "ifname", st->nets[i].ifname);
		gb_json_str(j, "host_if", st->nets[i].host_if);
		gb_json_obj_end(j);
	}
	gb_json_arr_end(j);
	if (st->health[0]) {
		gb_json_obj_begin(j, "health");
		gb_json_str(j, "status", st->health);
		gb_json_int(j, "failing_streak", st->health_streak);
		gb_json_obj_end(j);
	}
	gb_json_int(j, "restarts", st->restarts);
}

/* A compose container's public status (state/status_file.h), from the state just saved:
 * whoever changes the state (the CLI, the monitor's restarts and healthchecks) updates it. */
static int publish_status(const struct gb_state *st, struct gb_err *err)
{
	struct gb_status_file s = {
		.project = st->cfg.project,
		.service = st->cfg.service,
		.container = st->cfg.name,
		.state = gb_status_name(st->status),
		.health = st->health,
		.restarts = st->restarts,
		.exit_code = st->exit_code,
		.started = st->started,
		.finished = st->finished,
		.networks = st->cfg.networks,
	};
	return gb_status_file_write(st->cfg.status_dir, &s, err);
}

int gb_state_save(const struct gb_runtime *rt, const struct gb_state *st, struct gb_err *err)
{
	char dir[600], path[700];
	gb_state_dir(rt, st->cfg.id, dir, sizeof dir);
	gb_path(path, sizeof path, "%s/container.json", dir);
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_obj_begin(&j, "config");
	gb_config_to_json(&st->cfg, &j);
	gb_json_obj_end(&j);
	gb_json_obj_begin(&j, "state");
	gb_state_to_json(st, &j);
	gb_json_obj_end(&j);
	gb_json_obj_end(&j);
	if (j.failed) {
		gb_json_free(&j);
		return gb_err_set(err, ENOMEM, "write", "out of memory writing %s", path);
	}
	int r = gb_write_replace(path, j.buf, j.len, 0600);
	gb_json_free(&j);
	if (r < 0)
		return gb_err_set(err, -r, "rename", "cannot write container state %s", path);
	return st->cfg.status_dir[0] ? publish_status(st, err) : 0;
}

static void copy_str(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

int gb_state_load(const struct gb_runtime *rt, const char *id, struct gb_state *st,
		  struct gb_err *err)
{
	char dir[600], path[700];
	gb_state_dir(rt, id, dir, sizeof dir);
	gb_path(path, sizeof path, "%s/container.json", dir);
	memset(st, 0, sizeof *st);
	gb_autofree char *text = NULL;
	size_t len;
	int r = gb_read_file(path, &text, &len);
	if (r < 0)
		return gb_err_set(err, -r, "open", "cannot read container state %s", path);
	char perr[128];
	struct gb_jval *root = gb_json_parse(text, len, perr, sizeof perr);
	if (!root) {
		r = gb_err_set(err, EINVAL, "", "container state %s is corrupt (%s)", path, perr);
		gb_err_hint(err, "remove it with `glassbox rm -f %s`", id);
		return r;
	}
	r = gb_config_from_json(&st->cfg, gb_jget(root, "config"), err);
	const struct gb_jval *s = gb_jget(root, "state");
	st->status = gb_status_parse(gb_jstr(s, "status", "none"));
	st->pid = (pid_t)gb_jint(s, "pid", 0);
	st->pid_start = (unsigned long long)gb_jnum(s, "pid_start", 0);
	st->monitor = (pid_t)gb_jint(s, "monitor", 0);
	st->monitor_start = (unsigned long long)gb_jnum(s, "monitor_start", 0);
	st->exit_code = (int)gb_jint(s, "exit_code", -1);
	st->exit_signal = (int)gb_jint(s, "exit_signal", 0);
	st->exit_core = gb_jbool(s, "exit_core", false);
	st->oom_killed = gb_jbool(s, "oom_killed", false);
	st->created = gb_jnum(s, "created", 0);
	st->started = gb_jnum(s, "started", 0);
	st->finished = gb_jnum(s, "finished", 0);
	const struct gb_jval *fs = gb_jget(s, "rootfs");
	copy_str(st->lower, sizeof st->lower, gb_jstr(fs, "lower", ""));
	copy_str(st->upper, sizeof st->upper, gb_jstr(fs, "upper", ""));
	copy_str(st->work, sizeof st->work, gb_jstr(fs, "work", ""));
	copy_str(st->merged, sizeof st->merged, gb_jstr(fs, "merged", ""));
	copy_str(st->log, sizeof st->log, gb_jstr(s, "log", ""));
	const struct gb_jval *nets = gb_jget(s, "networks");
	st->n_nets = 0;
	for (const struct gb_jval *e = nets ? nets->child : NULL; e && st->n_nets < 8;
	     e = e->next) {
		struct gb_state_net *n = &st->nets[st->n_nets++];
		copy_str(n->network, sizeof n->network, gb_jstr(e, "network", ""));
		copy_str(n->addr, sizeof n->addr, gb_jstr(e, "addr", ""));
		copy_str(n->ifname, sizeof n->ifname, gb_jstr(e, "ifname", ""));
		copy_str(n->host_if, sizeof n->host_if, gb_jstr(e, "host_if", ""));
	}
	const struct gb_jval *h = gb_jget(s, "health");
	copy_str(st->health, sizeof st->health, gb_jstr(h, "status", ""));
	st->health_streak = (int)gb_jint(h, "failing_streak", 0);
	st->restarts = (int)gb_jint(s, "restarts", 0);
	gb_jval_free(root);
	if (r == 0 && !st->cfg.id[0])
		copy_str(st->cfg.id, sizeof st->cfg.id, id);
	return r;
}

void gb_state_free(struct gb_state *st)
{
	gb_config_free(&st->cfg);
}

static int by_created(const void *a, const void *b)
{
	const struct gb_state *x = a, *y = b;
	return (x->created > y->created) - (x->created < y->created);
}

int gb_state_list(const struct gb_runtime *rt, struct gb_state **out, size_t *n, struct gb_err *err)
{
	char dir[600];
	gb_path(dir, sizeof dir, "%s/containers", rt->state_root);
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0
				       : gb_err_set(err, errno, "opendir", "cannot read %s", dir);
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			struct gb_state *nl = realloc(*out, cap * sizeof **out);
			if (!nl) {
				closedir(d);
				return gb_err_set(err, ENOMEM, "", "out of memory");
			}
			*out = nl;
		}
		struct gb_err ignored;
		/* A half-written or corrupt entry is still listed so that rm -f can find it. */
		if (gb_state_load(rt, de->d_name, &(*out)[*n], &ignored) < 0 &&
		    !(*out)[*n].cfg.id[0]) {
			gb_state_free(&(*out)[*n]);
			copy_str((*out)[*n].cfg.id, sizeof(*out)[*n].cfg.id, de->d_name);
			(*out)[*n].status = GB_STATUS_NONE;
		}
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, *n, sizeof **out, by_created);
	return 0;
}

void gb_state_list_free(struct gb_state *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gb_state_free(&list[i]);
	free(list);
}

/* The name index: <state root>/names/NAME is a symlink to the container's id, so a
 * lookup by name reads one state file instead of all of them: start, stop, exec, rm and
 * picking a free name stay flat in the number of containers. A link whose container is
 * gone (a crash between the link and the state file) counts as free. */
static void name_link_path(const struct gb_runtime *rt, const char *name, char *buf, size_t len)
{
	gb_path(buf, len, "%s/names/%s", rt->state_root, name);
}

int gb_state_name_link(const struct gb_runtime *rt, const char *name, const char *id)
{
	char path[700], tmp[760];
	gb_path(path, sizeof path, "%s/names", rt->state_root);
	mkdir(path, 0700);
	name_link_path(rt, name, path, sizeof path);
	/* symlink beside it, then rename over: a reader sees the old link or the new one,
	 * never none. */
	gb_path(tmp, sizeof tmp, "%s.%s.tmp", path, id);
	unlink(tmp);
	if (symlink(id, tmp) < 0)
		return -errno;
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}

/* State roots made before the index was complete: index every container once, then
 * leave a marker so that no later lookup scans. */
static void index_ready(const struct gb_runtime *rt)
{
	char marker[700];
	gb_path(marker, sizeof marker, "%s/names/.complete", rt->state_root);
	if (access(marker, F_OK) == 0)
		return;
	gb_path(marker, sizeof marker, "%s/names", rt->state_root);
	mkdir(marker, 0711);
	gb_path(marker, sizeof marker, "%s/names/.complete", rt->state_root);
	struct gb_state *list;
	size_t n;
	struct gb_err ignored;
	if (gb_state_list(rt, &list, &n, &ignored) < 0)
		return;
	bool all = true;
	for (size_t i = 0; i < n; i++)
		all &= gb_state_name_link(rt, list[i].cfg.name, list[i].cfg.id) == 0;
	gb_state_list_free(list, n);
	if (all)
		gb_write_replace(marker, "", 0, 0600);
}

/* An exact id or an indexed name: load just that one. */
static bool find_direct(const struct gb_runtime *rt, const char *ref, struct gb_state *st)
{
	char path[700], id[GB_ID_LEN + 2];
	struct gb_err ignored;
	name_link_path(rt, ref, path, sizeof path);
	ssize_t n = readlink(path, id, sizeof id - 1);
	if (n == GB_ID_LEN) {
		id[n] = '\0';
		if (gb_state_load(rt, id, st, &ignored) == 0) {
			if (strcmp(st->cfg.name, ref) == 0)
				return true;
			gb_state_free(st);
		}
	}
	if (strlen(ref) == GB_ID_LEN && !strchr(ref, '/') && ref[0] != '.' &&
	    gb_state_load(rt, ref, st, &ignored) == 0) {
		if (strcmp(st->cfg.id, ref) == 0)
			return true;
		gb_state_free(st);
	}
	return false;
}

int gb_state_find(const struct gb_runtime *rt, const char *ref, struct gb_state *st,
		  struct gb_err *err)
{
	if (find_direct(rt, ref, st))
		return 0;
	struct gb_state *list;
	size_t n;
	int r = gb_state_list(rt, &list, &n, err);
	if (r < 0)
		return r;
	ssize_t hit = -1;
	int prefix_hits = 0;
	size_t rl = strlen(ref);
	for (size_t i = 0; i < n && rl; i++) {
		if (strcmp(list[i].cfg.name, ref) == 0 || strcmp(list[i].cfg.id, ref) == 0) {
			hit = i;
			prefix_hits = 1;
			break;
		}
		if (strncmp(list[i].cfg.id, ref, rl) == 0) {
			hit = i;
			prefix_hits++;
		}
	}
	if (hit < 0 || prefix_hits != 1) {
		gb_state_list_free(list, n);
		r = gb_err_set(err, hit < 0 ? ENOENT : EINVAL, "",
			       hit < 0 ? "no such container: %s"
				       : "%s names more than one container",
			       ref);
		gb_err_hint(err, hit < 0 ? "`glassbox ps -a` lists the containers"
					 : "give more characters of the id, or the name");
		return r;
	}
	*st = list[hit];
	memset(&list[hit], 0, sizeof list[hit]);
	gb_state_list_free(list, n);
	return 0;
}

int gb_state_find_name(const struct gb_runtime *rt, const char *name, struct gb_state *st)
{
	/* The index is complete (run_state links a name before it writes the state), so a
	 * name without a link is free: no scan of every state file. */
	index_ready(rt);
	if (find_direct(rt, name, st)) {
		if (strcmp(st->cfg.name, name) == 0)
			return 0;
		gb_state_free(st);
	}
	return -ENOENT;
}

bool gb_state_name_linked(const struct gb_runtime *rt, const char *name)
{
	char path[700];
	index_ready(rt);
	name_link_path(rt, name, path, sizeof path);
	return faccessat(AT_FDCWD, path, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int gb_state_remove(const struct gb_runtime *rt, const char *id, const char *name,
		    struct gb_err *err)
{
	char dir[600], link[700], target[GB_ID_LEN + 2];
	if (name && name[0]) {
		name_link_path(rt, name, link, sizeof link);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n == GB_ID_LEN && strncmp(target, id, GB_ID_LEN) == 0)
			unlink(link); /* only our own: the name may already be someone else's */
	}
	struct gb_state st;
	struct gb_err ignored;
	if (gb_state_load(rt, id, &st, &ignored) == 0 && st.cfg.status_dir[0])
		gb_status_file_remove(st.cfg.status_dir, st.cfg.name); /* gone from the page too */
	gb_state_free(&st);
	gb_state_dir(rt, id, dir, sizeof dir);
	int r = gb_rm_rf(dir);
	if (r < 0)
		return gb_err_set(err, -r, "rmdir", "cannot remove state %s", dir);
	return 0;
}

bool gb_state_refresh(const struct gb_runtime *rt, struct gb_state *st)
{
	if (st->status != GB_STATUS_RUNNING && st->status != GB_STATUS_PAUSED)
		return false;
	if (gb_proc_alive(st->pid, st->pid_start))
		return false;
	/* PID 1 is gone but nobody recorded its exit: the monitor died with it (kill -9,
	 * a reboot). The status is lost; say so rather than invent one. */
	if (gb_proc_alive(st->monitor, st->monitor_start))
		return false; /* the monitor is about to record it */
	st->status = GB_STATUS_STOPPED;
	if (st->finished == 0)
		st->finished = gb_wallclock();
	struct gb_err ignored;
	gb_state_save(rt, st, &ignored);
	return true;
}

int gb_state_lock(const struct gb_runtime *rt, struct gb_err *err)
{
	char path[600];
	gb_path(path, sizeof path, "%s/lock", rt->state_root);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open lock %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;
			close(fd);
			return gb_err_set(err, e, "flock", "cannot lock %s", path);
		}
	}
	return fd;
}
