/* Lab 21 check: the device cgroup. Root inside makes a node for the kernel log (c 1:11,
 * /dev/kmsg): mknod passes (Docker's rules allow 'm' of any node, CAP_MKNOD is kept), the
 * open for writing must end in the kernel's EPERM, while /dev/null opens (a container
 * that can open nothing proves nothing). The rules the kernel holds are named: v1's
 * devices.list of PID 1's devices cgroup, v2's device programs on its cgroup2 dir
 * (BPF_PROG_QUERY). Negative control: --privileged (no rules: the open succeeds). A
 * rootless student gets no device cgroup at all (host-check's cgroup.devices: SKIP). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cgroup/devices.h"
#include "cgroup/devices_bpf.h"
#include "cgroup_lab.h"

static void control(struct gb_config *cfg)
{
	cfg->privileged = true;
}

/* Inside: make the node where the container can write (/tmp, else /dev), open it for
 * writing without writing a byte (`: >node`), remove it; then /dev/null both ways. One
 * line per step: "mknod ok|ERR", "kmsg ok|ERR", "null ok|ERR", ERR as the shell prints
 * the kernel's strerror. */
static const char probe_sh[] =
	"for d in /tmp /dev; do n=$d/.gb-lab21-kmsg.$$; mknod $n c 1 11 2>/tmp/.e$$ && break; "
	"done; "
	"if [ -c $n ]; then echo 'mknod ok'; "
	"if ( : >$n ) 2>$n.err; then echo 'kmsg ok'; else echo \"kmsg $(cat $n.err)\"; fi; "
	"rm -f $n $n.err; "
	"else echo \"mknod $(cat /tmp/.e$$ 2>/dev/null)\"; fi; rm -f /tmp/.e$$; "
	"if ( : >/dev/null && : </dev/null ) 2>/dev/null; then echo 'null ok'; "
	"else echo 'null refused'; fi";

/* The value of "KEY rest" in out, or NULL. */
static const char *line_of(char *out, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key);
	for (char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, k) && p[k] == ' ') {
			size_t n = strcspn(p + k + 1, "\n");
			snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p + k + 1);
			return buf;
		}
	return NULL;
}

static void judge_open(struct gb_check *c, const char *mk, const char *kmsg)
{
	if (!strcmp(mk, "ok") && kmsg && !strcmp(kmsg, "ok"))
		gb_check_is(c, "device-open", false,
			    "root inside made a node for the kernel log (c 1:11) and opened it for "
			    "writing: no rule refuses it, the container can write to the host's "
			    "kernel log");
	else if (!strcmp(mk, "ok") && kmsg && strstr(kmsg, strerror(EPERM)))
		gb_check_is(c, "device-open", true,
			    "mknod(c 1:11) passed, but open(O_WRONLY) of it failed with EPERM "
			    "(\"%s\"): the device cgroup refuses the kernel log",
			    kmsg);
	else if (strstr(mk, strerror(EPERM)))
		gb_check_is(
			c, "device-open", true,
			"mknod(c 1:11) itself failed with EPERM (\"%s\"): no node for the kernel "
			"log can be made here (a user namespace, or rules without 'm')",
			mk);
	else
		gb_check_error(c, "the probe inside gave no verdict: mknod: %s, open: %s", mk,
			       kmsg ? kmsg : "not tried");
}

static void check_open(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "sh", "-c", (char *)probe_sh, NULL };
	char out[2048], mk[300], km[300], nul[64];
	if (gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out) < 0)
		return; /* the exec's ERROR says why */
	if (!line_of(out, "mknod", mk, sizeof mk) || !line_of(out, "null", nul, sizeof nul)) {
		gb_check_error(c, "the probe inside printed no result (\"%.200s\")", out);
		return;
	}
	judge_open(c, mk, line_of(out, "kmsg", km, sizeof km));
	gb_check_is(c, "null-opens", !strcmp(nul, "ok"),
		    !strcmp(nul, "ok") ? "/dev/null (c 1:3) opens for reading and writing: the "
					 "rules let through what a container needs"
				       : "/dev/null does not open inside: the container can open "
					 "nothing, so a refusal above proves nothing");
}

/* PID 1's cgroup in the hierarchy whose line in /proc/PID/cgroup is "N:ctrl:path" ("" for
 * cgroup2's "0::path"), as the kernel says it. */
static int pid_cgroup(pid_t pid, const char *ctrl, char *path, size_t len)
{
	char file[64];
	gb_autofree char *text = NULL;
	snprintf(file, sizeof file, "/proc/%d/cgroup", (int)pid);
	int r = gb_read_file(file, &text, NULL);
	if (r < 0)
		return r;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b || (size_t)(b - a - 1) != strlen(ctrl) || strncmp(a + 1, ctrl, strlen(ctrl)))
			continue;
		snprintf(path, len, "%s", b + 1);
		return 0;
	}
	return -ENOENT;
}

/* v1: devices.list of PID 1's devices cgroup. Without rules it is the parent's "a *:* rwm". */
static void rules_v1(struct gb_check *c, const struct gb_cgroup *cg, pid_t pid)
{
	char rel[GB_CG_PATH], file[GB_CG_PATH * 2];
	gb_autofree char *list = NULL;
	if (pid_cgroup(pid, "devices", rel, sizeof rel) < 0) {
		gb_check_error(c, "/proc/%d/cgroup has no devices line", (int)pid);
		return;
	}
	snprintf(file, sizeof file, "%s/devices%s%sdevices.list", cg->host.root, rel,
		 strcmp(rel, "/") ? "/" : "");
	if (gb_read_file(file, &list, NULL) < 0) {
		gb_check_error(c, "cannot read %s: %s", file, strerror(errno));
		return;
	}
	int n = 0;
	for (const char *p = list; *p; p++)
		n += *p == '\n';
	char first[200];
	snprintf(first, sizeof first, "%.*s", (int)strcspn(list, "\n"), list);
	bool all = strstr(list, "a *:* rwm") != NULL;
	gb_check_is(c, "device-rules", !all && n > 0, "%s holds %d rule%s (%s%s)%s", file, n,
		    n == 1 ? "" : "s", first, n > 1 ? ", ..." : "",
		    all ? ": \"a *:* rwm\", every device allowed" : ", no \"a *:* rwm\"");
}

/* v2: the device programs attached to PID 1's cgroup2 dir (BPF_PROG_QUERY). */
static void rules_v2(struct gb_check *c, const struct gb_cgroup *cg, pid_t pid)
{
	char rel[GB_CG_PATH], dir[GB_CG_PATH * 2];
	unsigned ids[16];
	size_t n = 0;
	struct gb_err err = { 0 };
	if (pid_cgroup(pid, "", rel, sizeof rel) < 0) {
		gb_check_error(c, "/proc/%d/cgroup has no cgroup2 line (0::)", (int)pid);
		return;
	}
	snprintf(dir, sizeof dir, "%s%s", cg->host.unified, rel);
	if (gb_devbpf_query(dir, ids, GB_ARRAY_LEN(ids), &n, &err) < 0) {
		char why[400];
		gb_err_format(&err, why, sizeof why);
		gb_check_error(c, "BPF_PROG_QUERY on %s: %s", dir, why);
		return;
	}
	char list[128] = "";
	for (size_t i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u", i ? ", " : "",
			 ids[i]);
	gb_check_is(c, "device-rules", n > 0,
		    n > 0 ? "BPF_PROG_QUERY on %s: device program id %s attached "
			    "(BPF_CGROUP_DEVICE): it decides every open and mknod inside"
			  : "BPF_PROG_QUERY on %s: no device program attached%s: every device "
			    "allowed",
		    dir, list);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "cgroup.devices"))
		return 0; /* SKIP: the kernel lacks it, or the user is not root (host-check) */
	struct gb_state st;
	char *const cmd[] = { "sleep", "120", NULL };
	int r = gb_check_container(c, control, cmd, true, &st);
	if (r < 0)
		return r;
	check_open(c, &st);
	struct gb_cgroup cg;
	struct gb_err err = { 0 };
	char v1dir[GB_CG_PATH];
	/* A v1 devices hierarchy, where there is one (hybrid too, as runc), holds the rules;
	 * else cgroup v2's program does. */
	if (gb_cgroup_container_open(&st, &cg, &err) < 0)
		gb_check_error(c, "cannot find the container's cgroup: %s", err.msg);
	else if (gb_cgdev_v1_dir(&cg, v1dir, sizeof v1dir) == 0)
		rules_v1(c, &cg, st.pid);
	else
		rules_v2(c, &cg, st.pid);
	gb_state_free(&st);
	return 0;
}

const struct gb_lab gb_lab_21 = {
	.num = 21,
	.slug = "device-cgroup",
	.title = "The device cgroup",
	.feature = "a node for the kernel log (c 1:11) opens with EPERM, /dev/null opens; the "
		   "rules: v1 devices.list, v2 the attached BPF program",
	.control = "--privileged (no device rules)",
	.check = check,
	.trips = "device-open",
};
