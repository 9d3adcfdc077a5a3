/* Observation of a process from outside, through /proc (proc(5)). */
#include "engine/observe.h"

#include "security/caps.h"
#include "security/masks.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns/ns.h"
#include "base/util.h"

static void proc_path(char *buf, size_t len, pid_t pid, const char *file)
{
	if (pid > 0)
		snprintf(buf, len, "/proc/%d/%s", (int)pid, file);
	else
		snprintf(buf, len, "/proc/self/%s", file);
}

int gb_observe_status_field(pid_t pid, const char *key, char *buf, size_t len)
{
	char path[64];
	gb_autofree char *data = NULL;
	proc_path(path, sizeof path, pid, "status");
	int r = gb_read_file(path, &data, NULL);
	if (r < 0)
		return r;
	size_t kl = strlen(key);
	for (char *line = data; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			char *v = line + kl + 1;
			v += strspn(v, " \t");
			size_t n = strcspn(v, "\n");
			snprintf(buf, len, "%.*s", (int)n, v);
			return 0;
		}
	}
	return -ENOENT;
}

int gb_observe_nspid(pid_t pid, int *out, int max)
{
	char v[256];
	int r = gb_observe_status_field(pid, "NSpid", v, sizeof v);
	if (r < 0)
		return r;
	int n = 0;
	for (char *p = v, *end; *p && n < max; p = end) {
		long x = strtol(p, &end, 10);
		if (end == p)
			break;
		out[n++] = (int)x;
	}
	return n;
}

void gb_observe_nspid_json(pid_t pid, struct gb_json *j, const char *key)
{
	int ids[16];
	int n = gb_observe_nspid(pid, ids, 16);
	gb_json_arr_begin(j, key);
	for (int i = 0; i < n; i++)
		gb_json_int(j, NULL, ids[i]);
	gb_json_arr_end(j);
}

int gb_observe_hostname(pid_t pid, char *buf, size_t len)
{
	/* The host name belongs to a UTS namespace: /proc shows the reader's, not the
	 * target's. So a short-lived child joins the target's UTS namespace and asks. */
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	char path[64];
	proc_path(path, sizeof path, pid, "ns/uts");
	pid_t child = fork();
	if (child < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (child == 0) {
		char name[256] = "";
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		int joined = fd >= 0 ? setns(fd, CLONE_NEWUTS) : -1;
		if (joined < 0 && fd >= 0 && errno == EPERM) {
			/* Rootless: the UTS namespace belongs to the container's user namespace,
			 * which we own; inside it we may join the UTS namespace too. */
			char upath[64];
			proc_path(upath, sizeof upath, pid, "ns/user");
			int ufd = open(upath, O_RDONLY | O_CLOEXEC);
			if (ufd >= 0 && setns(ufd, CLONE_NEWUSER) == 0)
				joined = setns(fd, CLONE_NEWUTS);
		}
		if (joined == 0) /* never the host's own name by mistake */
			gethostname(name, sizeof name - 1);
		gb_write_full(fds[1], name, strlen(name));
		_exit(0);
	}
	close(fds[1]);
	ssize_t n = gb_read_full(fds[0], buf, len - 1);
	close(fds[0]);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? 0 : -ESRCH;
}

/* mountinfo(5): ID PARENT MAJ:MIN ROOT TARGET OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
void gb_observe_mounts_json(pid_t pid, struct gb_json *j, const char *key, int max)
{
	char path[64];
	gb_autofree char *data = NULL;
	proc_path(path, sizeof path, pid, "mountinfo");
	gb_json_arr_begin(j, key);
	if (gb_read_file(path, &data, NULL) == 0) {
		int count = 0;
		char *save = NULL;
		for (char *line = strtok_r(data, "\n", &save); line && count < max;
		     line = strtok_r(NULL, "\n", &save), count++) {
			char target[1024], opts[512], fstype[64], source[512];
			char *dash = strstr(line, " - ");
			if (!dash ||
			    sscanf(line, "%*d %*d %*s %*s %1023s %511s", target, opts) != 2 ||
			    sscanf(dash + 3, "%63s %511s", fstype, source) != 2)
				continue;
			gb_json_obj_begin(j, NULL);
			gb_json_str(j, "target", target);
			gb_json_str(j, "fstype", fstype);
			gb_json_str(j, "source", source);
			gb_json_str(j, "options", opts);
			/* "shared:N" in the optional fields means mount events propagate. */
			char *opt_end = dash;
			*opt_end = '\0';
			gb_json_bool(j, "shared", strstr(line, "shared:") != NULL);
			gb_json_obj_end(j);
		}
	}
	gb_json_arr_end(j);
}

void gb_observe_links_json(pid_t pid, struct gb_json *j, const char *key)
{
	/* /proc/PID/net/dev lists the interfaces of that process's network namespace. */
	char path[64];
	gb_autofree char *data = NULL;
	proc_path(path, sizeof path, pid, "net/dev");
	gb_json_arr_begin(j, key);
	if (gb_read_file(path, &data, NULL) == 0) {
		char *save = NULL;
		int lineno = 0;
		for (char *line = strtok_r(data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (++lineno <= 2)
				continue; /* two header lines */
			char *colon = strchr(line, ':');
			if (!colon)
				continue;
			*colon = '\0';
			line += strspn(line, " ");
			gb_json_str(j, NULL, line);
		}
	}
	gb_json_arr_end(j);
}

void gb_observe_cgroup_json(pid_t pid, struct gb_json *j, const char *key)
{
	char path[64];
	gb_autofree char *data = NULL;
	proc_path(path, sizeof path, pid, "cgroup");
	gb_json_arr_begin(j, key);
	if (gb_read_file(path, &data, NULL) == 0) {
		char *save = NULL;
		for (char *line = strtok_r(data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			gb_json_str(j, NULL, line);
	}
	gb_json_arr_end(j);
}

static void status_str(pid_t pid, struct gb_json *j, const char *field, const char *key)
{
	char v[128];
	if (gb_observe_status_field(pid, field, v, sizeof v) == 0)
		gb_json_str(j, key, v);
}

static void map_str(pid_t pid, struct gb_json *j, const char *file)
{
	char path[64];
	gb_autofree char *data = NULL;
	proc_path(path, sizeof path, pid, file);
	if (gb_read_file(path, &data, NULL) == 0)
		gb_json_str(j, file, data);
}

void gb_observe_security_json(pid_t pid, struct gb_json *j)
{
	char v[64];
	gb_json_obj_begin(j, "caps");
	status_str(pid, j, "CapEff", "eff");
	status_str(pid, j, "CapPrm", "prm");
	status_str(pid, j, "CapInh", "inh");
	status_str(pid, j, "CapBnd", "bnd");
	status_str(pid, j, "CapAmb", "amb");
	gb_json_obj_end(j);
	if (gb_observe_status_field(pid, "Seccomp", v, sizeof v) == 0)
		gb_json_int(j, "seccomp", atoi(v));
	if (gb_observe_status_field(pid, "NoNewPrivs", v, sizeof v) == 0)
		gb_json_int(j, "no_new_privs", atoi(v));
	map_str(pid, j, "uid_map");
	map_str(pid, j, "gid_map");
	gb_observe_confinement_json(pid, j);
}

/* The capability sets decoded to names, and which masked / read-only paths are in
 * place in the process's mount namespace (core/security/caps.c, core/security/masks.c). */
void gb_observe_confinement_json(pid_t pid, struct gb_json *j)
{
	struct gb_caps_status cs;
	char names[1024];
	if (gb_caps_read_status(pid, &cs, NULL) == 0) {
		gb_json_obj_begin(j, "cap_names");
		const struct {
			const char *key;
			gb_capset set;
		} sets[] = {
			{ "eff", cs.effective }, { "prm", cs.permitted }, { "inh", cs.inheritable },
			{ "bnd", cs.bounding },	 { "amb", cs.ambient },
		};
		for (size_t i = 0; i < GB_ARRAY_LEN(sets); i++) {
			gb_caps_format(sets[i].set, names, sizeof names);
			gb_json_str(j, sets[i].key, names);
		}
		gb_json_obj_end(j);
	}
	struct gb_masks_state ms;
	if (gb_masks_observe(pid, &ms, NULL) < 0)
		return;
	gb_json_arr_begin(j, "masked_paths");
	for (size_t i = 0; gb_masks_masked[i]; i++)
		if (ms.masked & (1UL << i))
			gb_json_str(j, NULL, gb_masks_masked[i]);
	gb_json_arr_end(j);
	gb_json_arr_begin(j, "readonly_paths");
	for (size_t i = 0; gb_masks_readonly[i]; i++)
		if (ms.readonly & (1UL << i))
			gb_json_str(j, NULL, gb_masks_readonly[i]);
	gb_json_arr_end(j);
}

void gb_observe_process_json(pid_t pid, struct gb_json *j)
{
	struct gb_ns_ids ns, host;
	char v[128];
	gb_json_int(j, "pid", pid);
	gb_observe_nspid_json(pid, j, "nspid");
	if (gb_observe_status_field(pid, "State", v, sizeof v) == 0)
		gb_json_str(j, "proc_state", v);
	gb_ns_read(pid, &ns);
	gb_ns_read(0, &host);
	gb_ns_to_json(&ns, j, "ns");
	gb_ns_to_json(&host, j, "ns_host");
	if (gb_observe_hostname(pid, v, sizeof v) == 0)
		gb_json_str(j, "hostname", v);
	gb_observe_security_json(pid, j);
	gb_observe_cgroup_json(pid, j, "cgroups");
	gb_observe_links_json(pid, j, "links");
	gb_observe_mounts_json(pid, j, "mounts", 64);
}
