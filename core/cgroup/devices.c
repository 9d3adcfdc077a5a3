/* The device cgroup (devices.h): v1's devices.allow/deny files and the dispatch to v2's
 * eBPF program. A process in the cgroup that opens a device node the rules refuse gets
 * EPERM, even as root with the node in front of it (made with mknod, which the 'm' rule
 * allows): a node is only a name, the cgroup decides who may reach the driver.
 * Documentation/admin-guide/cgroup-v1/devices.rst, cgroup-v2.rst. Lab 21. */
#include "cgroup/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "cgroup/devices_bpf.h"

int gb_cgdev_v1_dir(const struct gb_cgroup *cg, char *dir, size_t len)
{
	char probe[GB_CG_PATH + 32];
	snprintf(probe, sizeof probe, "%s/devices/devices.list", cg->host.root);
	if (cg->host.layout == GB_CG_V2 || access(probe, F_OK) < 0)
		return -ENOENT;
	return gb_path(dir, len, "%s/devices/%s", cg->host.root, cg->rel);
}

/* devices.deny and devices.allow of one dir, each opened once: the kernel reads one rule
 * a write(2), and a start writes a dozen (Docker's default list). */
struct rule_files {
	const char *dir;
	int fd[2]; /* [0] devices.deny, [1] devices.allow; -1 until the first rule */
};

static int write_rule(struct rule_files *f, const struct gb_dev_rule *r, struct gb_err *err)
{
	char val[64];
	if (r->type == 'a' && r->major == GB_DEV_ANY && r->minor == GB_DEV_ANY &&
	    r->access == GB_DEV_RWM)
		snprintf(val, sizeof val, "a"); /* all: behaviour reset, the list emptied */
	else
		gb_devrule_format(r, val, sizeof val);
	const char *file = r->allow ? "devices.allow" : "devices.deny";
	int *fd = &f->fd[r->allow ? 1 : 0];
	char path[GB_CG_PATH + 32];
	if (*fd < 0 && gb_path(path, sizeof path, "%s/%s", f->dir, file) == 0)
		*fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(val);
	if (*fd >= 0 && write(*fd, val, n) == (ssize_t)n)
		return 0;
	/* Refused (or not open): once more by path, for the error and its hint. */
	int e = gb_cg_write(f->dir, file, val, err);
	if (e == -EPERM && r->allow)
		gb_err_hint(err,
			    "a cgroup may allow only what its parent allows: the parent of "
			    "%s refuses \"%s\"",
			    f->dir, val);
	return e;
}

static int v1_mkdir(const char *dir, bool *made, struct gb_err *err)
{
	int r = gb_cg_mkdir(dir, err);
	*made = r == 0;
	return r == -EEXIST ? 0 : r;
}

int gb_cgdev_v1_apply(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err)
{
	char dir[GB_CG_PATH];
	bool made = false;
	int r = gb_cgdev_v1_dir(cg, dir, sizeof dir);
	if (r < 0)
		return gb_err_set(err, -r, "open",
				  "no v1 devices hierarchy below %s (devices/devices.list)",
				  cg->host.root);
	if ((r = v1_mkdir(dir, &made, err)) < 0)
		return r;
	/* A list that does not start by denying all is meant on top of allow-all: reset an
	 * existing dir to that first ("a" into devices.allow), so a new list replaces the
	 * old one (update) instead of adding to it. A new dir already is in that state. */
	static const struct gb_dev_rule allow_all = { true, 'a', GB_DEV_ANY, GB_DEV_ANY,
						      GB_DEV_RWM };
	struct rule_files f = { dir, { -1, -1 } };
	if (!made && (n == 0 || rules[0].allow || rules[0].type != 'a'))
		r = write_rule(&f, &allow_all, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = write_rule(&f, &rules[i], err);
	for (int i = 0; i < 2; i++)
		if (f.fd[i] >= 0)
			close(f.fd[i]);
	if (r < 0 && made)
		rmdir(dir);
	return r;
}

int gb_cgdev_v1_attach(const struct gb_cgroup *cg, pid_t pid, struct gb_err *err)
{
	char dir[GB_CG_PATH], val[24];
	if (gb_cgdev_v1_dir(cg, dir, sizeof dir) < 0 || access(dir, F_OK) < 0)
		return 0; /* no device rules for this container */
	snprintf(val, sizeof val, "%d", (int)pid);
	return gb_cg_write(dir, pid ? "cgroup.procs" : "tasks", val, err);
}

int gb_cgdev_v1_remove(const struct gb_cgroup *cg, struct gb_err *err)
{
	char dir[GB_CG_PATH];
	if (gb_cgdev_v1_dir(cg, dir, sizeof dir) < 0)
		return 0;
	return gb_cg_rmdir(dir, err);
}

int gb_cgdev_v2_apply(struct gb_cgroup *cg, const struct gb_dev_rule *rules, size_t n,
		      struct gb_err *err)
{
	if (!cg->unified_dir[0])
		return gb_err_set(err, ENOENT, "open", "the container has no cgroup2 directory");
	return gb_devbpf_apply(cg->unified_dir, rules, n, err);
}

static void v1_list_json(const char *dir, struct gb_json *j)
{
	char path[GB_CG_PATH + 32];
	gb_autofree char *list = NULL;
	snprintf(path, sizeof path, "%s/devices.list", dir);
	gb_json_arr_begin(j, "devices_list");
	if (gb_read_file(path, &list, NULL) == 0)
		for (char *save = NULL, *l = strtok_r(list, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			gb_json_str(j, NULL, l);
	gb_json_arr_end(j);
}

void gb_cgdev_json(const struct gb_cgroup *cg, struct gb_json *j, const char *key)
{
	char dir[GB_CG_PATH];
	unsigned ids[16];
	size_t n = 0;
	gb_json_obj_begin(j, key);
	if (gb_cgdev_v1_dir(cg, dir, sizeof dir) == 0) {
		gb_json_str(j, "dir", dir);
		v1_list_json(dir, j);
	} else if (cg->unified_dir[0]) {
		gb_json_str(j, "dir", cg->unified_dir);
		gb_devbpf_query(cg->unified_dir, ids, GB_ARRAY_LEN(ids), &n, NULL);
		gb_json_arr_begin(j, "bpf_prog_ids");
		for (size_t i = 0; i < n; i++)
			gb_json_uint(j, NULL, ids[i]);
		gb_json_arr_end(j);
	}
	gb_json_obj_end(j);
}
