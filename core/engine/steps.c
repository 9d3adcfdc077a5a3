/* The steps that make a container, in the order the kernel needs them: each row's call
 * as a student would write it, the function that does it (most call the file of their
 * kernel feature), its undo and what to observe after it. The table at the end is the
 * order; core/engine/engine.c walks it. Each row names the lab that teaches it. */
#include "engine/steps.h"
#include "base/mutate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/masks.h"
#include "security/apparmor.h"
#include "cgroup/cgroup_container.h"
#include "cgroup/devices.h"
#include "cgroup/devices_container.h"
#include "net/net_container.h"
#include "net/net_rootless.h"
#include "engine/init.h"
#include "ns/ns.h"
#include "engine/observe.h"
#include "storage/fsmount.h"
#include "storage/rootfs.h"
#include "engine/user.h"
#include "storage/volume.h"
#include "ns/userns.h"
#include "ns/userns_join.h"
#include "storage/userns_view.h"
#include "tty/tty.h"
#include "security/enter.h"

/* ------------------------------------------------------------ create phase (host) */

static void call_image(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "open(\"%s/images/%s.json\", O_RDONLY)", l->rt->data_root,
		 l->st->cfg.image);
}

static void set_default(char *dst, size_t len, const char *val)
{
	if (!dst[0])
		snprintf(dst, len, "%s", val && *val ? val : "");
}

/* The image's defaults fill whatever the user did not give; -e overrides image env. */
static int merge_env(struct gb_config *c, char *const *image_env)
{
	size_t ni = gb_strv_len(image_env), nu = gb_strv_len(c->env);
	char **env = calloc(ni + nu + 1, sizeof *env);
	if (!env)
		return -ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < ni; i++) {
		size_t kl = strcspn(image_env[i], "=");
		bool overridden = false;
		for (size_t u = 0; u < nu; u++)
			overridden |= strncmp(c->env[u], image_env[i], kl + 1) == 0;
		if (!overridden)
			env[k++] = strdup(image_env[i]);
	}
	for (size_t u = 0; u < nu; u++)
		env[k++] = strdup(c->env[u]);
	for (size_t i = 0; i < k; i++)
		if (!env[i]) {
			gb_strv_free(env);
			return -ENOMEM;
		}
	gb_strv_free(c->env);
	c->env = env;
	return 0;
}

/* The image's HEALTHCHECK, unless --no-healthcheck; --health-* flags win field by field,
 * as in Docker. */
static void image_health(struct gb_healthcheck *c, const struct gb_healthcheck *img)
{
	if (c->disabled || !img->test)
		return;
	if (!c->test)
		c->test = gb_strv_dup(img->test);
	c->interval = c->interval > 0 ? c->interval : img->interval;
	c->timeout = c->timeout > 0 ? c->timeout : img->timeout;
	c->retries = c->retries > 0 ? c->retries : img->retries;
	c->start_period = c->start_period > 0 ? c->start_period : img->start_period;
}

/* OCI (core/oci/): no image of ours; the client made the root and gave the command. */
static int oci_image(struct gb_launch *l, struct gb_err *err)
{
	struct gb_config *c = &l->st->cfg;
	set_default(c->workdir, sizeof c->workdir, "/");
	set_default(c->stop_signal, sizeof c->stop_signal, "SIGTERM");
	set_default(c->hostname, sizeof c->hostname, c->id);
	if (!c->cmd || !c->cmd[0])
		return gb_err_set(err, EINVAL, "", "the OCI config has no process.args");
	snprintf(l->st->lower, sizeof l->st->lower, "%s", c->rootfs_dir);
	return 0;
}

static int run_image(struct gb_launch *l, struct gb_err *err)
{
	struct gb_config *c = &l->st->cfg;
	if (c->rootfs_dir[0])
		return oci_image(l, err);
	int r = gb_image_resolve(l->rt, c->image, &l->img, err);
	if (r < 0)
		return r;
	if (!c->cmd || !c->cmd[0]) {
		/* An entrypoint given here (--entrypoint, Compose's entrypoint:) clears the
		 * image's CMD, as in Docker: only a command given beside it is its arguments. */
		gb_strv_free(c->cmd);
		c->cmd = c->entrypoint ? calloc(1, sizeof *c->cmd) : gb_strv_dup(l->img.cmd);
	}
	if (!c->entrypoint && l->img.entrypoint && l->img.entrypoint[0])
		c->entrypoint = gb_strv_dup(l->img.entrypoint);
	set_default(c->workdir, sizeof c->workdir, l->img.workdir[0] ? l->img.workdir : "/");
	set_default(c->stop_signal, sizeof c->stop_signal,
		    l->img.stop_signal[0] ? l->img.stop_signal : "SIGTERM");
	set_default(c->hostname, sizeof c->hostname, c->id);
	set_default(c->user, sizeof c->user, l->img.user);
	image_health(&c->health, &l->img.health);
	r = gb_mounts_add_anon(c->mounts, &c->nmounts, GB_MOUNTS_MAX, l->img.volumes, c->id, err);
	if (r < 0)
		return r;
	if (!c->cmd || merge_env(c, l->img.env) < 0)
		return gb_err_set(err, ENOMEM, "", "out of memory");
	if (!c->cmd[0] && !(c->entrypoint && c->entrypoint[0])) {
		r = gb_err_set(err, EINVAL, "", "no command given and image %s has none", c->image);
		gb_err_hint(err, "give one: glassbox run %s /bin/sh -c 'echo hello'", c->image);
		return r;
	}
	snprintf(l->st->lower, sizeof l->st->lower, "%s", l->img.lower);
	return 0;
}

static void undo_image(struct gb_launch *l)
{
	gb_image_free(&l->img);
}

static void observe_rootfs(struct gb_launch *l, struct gb_json *j)
{
	gb_json_obj_begin(j, "rootfs");
	gb_json_arr_begin(j, "lower");
	char lower[sizeof l->st->lower];
	snprintf(lower, sizeof lower, "%s", l->st->lower);
	char *save = NULL;
	for (char *p = strtok_r(lower, ":", &save); p; p = strtok_r(NULL, ":", &save))
		gb_json_str(j, NULL, p);
	gb_json_arr_end(j);
	if (l->st->upper[0]) {
		gb_json_str(j, "upper", l->st->upper);
		gb_json_str(j, "work", l->st->work);
	}
	gb_json_obj_end(j);
}

static void call_state(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "mkdir(\"%s/containers/%s\", 0700)", l->rt->state_root, l->st->cfg.id);
}

static int run_state(struct gb_launch *l, struct gb_err *err)
{
	char dir[600];
	gb_state_dir(l->rt, l->st->cfg.id, dir, sizeof dir);
	if (mkdir(dir, 0700) < 0)
		return gb_err_set(err, errno, "mkdir", "cannot create container state %s", dir);
	l->state_created = true;
	l->st->status = GB_STATUS_CREATED;
	l->st->created = gb_wallclock();
	l->st->exit_code = -1;
	/* The name first: the index must never miss a container that exists. */
	int r = gb_state_name_link(l->rt, l->st->cfg.name, l->st->cfg.id);
	if (r < 0)
		return gb_err_set(err, -r, "symlink", "cannot index the name %s in %s/names",
				  l->st->cfg.name, l->rt->state_root);
	return gb_state_save(l->rt, l->st, err);
}

static void undo_state(struct gb_launch *l)
{
	struct gb_err ignored;
	gb_state_remove(l->rt, l->st->cfg.id, l->st->cfg.name, &ignored);
	l->state_created = false;
	/* the image's VOLUMEs (the volumes step, later, has no undo of its own) */
	gb_volumes_remove_anon(l->rt, l->st->cfg.mounts, l->st->cfg.nmounts, l->st->cfg.id);
}

static void call_layer(const struct gb_launch *l, char *buf, size_t len)
{
	if (l->st->cfg.rootfs_dir[0]) {
		snprintf(buf, len, "none: the OCI client made the root, %s", l->st->cfg.rootfs_dir);
		return;
	}
	snprintf(buf, len, "mkdir(\"%s/containers/%s/upper\"); mkdir(\".../work\")",
		 l->rt->data_root, l->st->cfg.id);
}

static int run_layer(struct gb_launch *l, struct gb_err *err)
{
	struct gb_state *st = l->st;
	const char *d = l->rt->data_root, *id = st->cfg.id;
	if (st->cfg.rootfs_dir[0]) { /* OCI: the client's root is the container's, as is */
		snprintf(st->merged, sizeof st->merged, "%s", st->cfg.rootfs_dir);
		return 0; /* saved at the end of the create phase (engine/container.c) */
	}
	if (gb_path(st->upper, sizeof st->upper, "%s/containers/%s/upper", d, id) < 0 ||
	    gb_path(st->work, sizeof st->work, "%s/containers/%s/work", d, id) < 0 ||
	    gb_path(st->merged, sizeof st->merged, "%s/containers/%s/merged", d, id) < 0 ||
	    gb_path(st->log, sizeof st->log, "%s/containers/%s/container.log", d, id) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "data root path too long: %s", d);
	struct gb_rootfs fs = { st->lower, st->upper, st->work, st->merged };
	/* the paths are saved at the end of the create phase (engine/container.c) */
	return gb_rootfs_make_dirs(&fs, err);
}

static void undo_layer(struct gb_launch *l)
{
	char dir[700];
	gb_path(dir, sizeof dir, "%s/containers/%s", l->rt->data_root, l->st->cfg.id);
	gb_rm_rf(dir);
}

/* ------------------------------------------------------------ start phase: networks (host) */

/* After clone, before the child's first step: the container's network namespace exists
 * (/proc/PID/ns/net) and the child waits, so the host can give it its interfaces. */
static bool want_networks(const struct gb_launch *l)
{
	return gb_net_container_wanted(&l->st->cfg);
}

static void call_veth(const struct gb_launch *l, char *buf, size_t len)
{
	char host[IF_NAMESIZE], peer[IF_NAMESIZE], bridge[IF_NAMESIZE];
	char **nets = l->st->cfg.networks;
	gb_net_veth_names(l->st->cfg.id, 0, host, peer);
	gb_net_bridge_name(nets[0], bridge);
	int n = snprintf(
		buf, len,
		"RTM_NEWLINK {kind veth, name %s, peer %s}; RTM_NEWLINK {%s, "
		"master %s, IFF_UP}; RTM_NEWLINK {%s, IFLA_NET_NS_FD open(\"/proc/%d/ns/net\")}",
		host, peer, host, bridge, peer, (int)l->pid);
	size_t more = gb_strv_len(nets) - 1;
	if (more && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "; the same for %zu more network%s", more,
			 more > 1 ? "s" : "");
}

static int run_veth(struct gb_launch *l, struct gb_err *err)
{
	return gb_net_container_join(l->rt, l->st, l->pid, err);
}

static void undo_veth(struct gb_launch *l)
{
	gb_net_container_leave(l->rt, l->st);
	l->st->n_nets = 0;
}

static void observe_veth(struct gb_launch *l, struct gb_json *j)
{
	gb_net_container_observe_bridges_json(l->rt, j, "net_host");
	gb_net_container_observe_json(l->pid, j, "net");
}

static void call_netconf(const struct gb_launch *l, char *buf, size_t len)
{
	const struct gb_state_net *sn = &l->st->nets[0];
	char peer[IF_NAMESIZE], host[IF_NAMESIZE], gw[16];
	struct gb_net_cidr c = { 0, 0 };
	gb_net_veth_names(l->st->cfg.id, 0, host, peer);
	gb_net_cidr_parse_masked(sn->addr, &c);
	gb_net_ip_format(c.addr + 1, gw);
	snprintf(buf, len,
		 "in /proc/%d/ns/net: RTM_NEWLINK {%s, IFLA_IFNAME %s}; RTM_NEWADDR {%s, %s}; "
		 "RTM_NEWLINK {%s, IFF_UP}; RTM_NEWROUTE {default via %s, %s}%s",
		 (int)l->pid, peer, sn->ifname, sn->ifname, sn->addr, sn->ifname, gw, sn->ifname,
		 l->st->n_nets > 1 ? "; the same for eth1..." : "");
}

static int run_netconf(struct gb_launch *l, struct gb_err *err)
{
	return gb_net_container_configure(l->rt, l->st, l->pid, err);
}

static void observe_netconf(struct gb_launch *l, struct gb_json *j)
{
	gb_net_container_observe_json(l->pid, j, "net");
}

static bool want_publish(const struct gb_launch *l)
{
	return l->st->cfg.publish && l->st->cfg.publish[0];
}

static void call_publish(const struct gb_launch *l, char *buf, size_t len)
{
	struct gb_net_publish p;
	char ip[16];
	if (gb_net_publish_parse(l->st->cfg.publish[0], &p, NULL) < 0)
		return (void)snprintf(buf, len, "bind(-p %s)", l->st->cfg.publish[0]);
	gb_net_ip_format(p.host_ip, ip);
	snprintf(buf, len, "socket(AF_INET, SOCK_STREAM); bind({%s, port %d}); listen()%s", ip,
		 p.host_port, l->st->cfg.publish[1] ? "; the same for every -p" : "");
}

static int run_publish(struct gb_launch *l, struct gb_err *err)
{
	return gb_net_container_publish(l->rt, l->st, l->pub_fds, &l->n_pub, err);
}

static void undo_publish(struct gb_launch *l)
{
	while (l->n_pub > 0)
		close(l->pub_fds[--l->n_pub]);
}

static void observe_publish(struct gb_launch *l, struct gb_json *j)
{
	gb_json_arr_begin(j, "listening");
	for (size_t i = 0; i < l->n_pub; i++) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof sa;
		char ip[16], addr[32];
		if (getsockname(l->pub_fds[i], (struct sockaddr *)&sa, &sl) < 0)
			continue;
		gb_net_ip_format(ntohl(sa.sin_addr.s_addr), ip);
		snprintf(addr, sizeof addr, "%s:%d", ip, ntohs(sa.sin_port));
		gb_json_str(j, NULL, addr);
	}
	gb_json_arr_end(j);
}

static void call_etc_files(const struct gb_launch *l, char *buf, size_t len)
{
	char dir[600];
	gb_state_dir(l->rt, l->st->cfg.id, dir, sizeof dir);
	snprintf(buf, len,
		 "open(\"%s/hosts\", O_WRONLY|O_CREAT|O_TRUNC); write(...); the same for "
		 "hostname and resolv.conf",
		 dir);
}

static int run_etc_files(struct gb_launch *l, struct gb_err *err)
{
	return gb_net_container_etc_write(l->rt, l->st, err);
}

/* ------------------------------------------------------------ start phase: cgroup */

static void call_cgroup(const struct gb_launch *l, char *buf, size_t len)
{
	struct gb_cgroup cg;
	const struct gb_cg_limits *lim = &l->st->cfg.limits;
	if (gb_cgroup_container_open(l->st, &cg, NULL) < 0) {
		snprintf(buf, len, "mkdir(\"/sys/fs/cgroup/.../glassbox/%s\")", l->st->cfg.id);
		return;
	}
	bool v2 = cg.host.layout == GB_CG_V2;
	const char *dir = v2			    ? cg.unified_dir
			  : cg.dir[GB_CG_MEMORY][0] ? cg.dir[GB_CG_MEMORY]
						    : cg.dir[GB_CG_PIDS];
	int n = snprintf(buf, len, "mkdir(\"%s\")%s", dir, v2 ? "" : " in every v1 hierarchy");
	if (n > 0 && (size_t)n < len && lim->memory)
		n += snprintf(buf + n, len - n, "; write(\"%s\", \"%lld\")",
			      v2 ? "memory.max" : "memory.limit_in_bytes", lim->memory);
	if (n > 0 && (size_t)n < len && lim->cpu_quota_us > 0)
		n += snprintf(buf + n, len - n,
			      v2 ? "; write(\"cpu.max\", \"%lld %lld\")"
				 : "; write(\"cpu.cfs_quota_us\", \"%lld\") per %lld us",
			      lim->cpu_quota_us, lim->cpu_period_us);
	if (n > 0 && (size_t)n < len && lim->pids_max)
		n += snprintf(buf + n, len - n, "; write(\"pids.max\", \"%lld\")", lim->pids_max);
	if (n > 0 && (size_t)n < len && l->st->cfg.cpuset_cpus[0])
		snprintf(buf + n, len - n, "; write(\"%scpuset.cpus\", \"%s\")",
			 v2 ? "" : "cpuset/.../", l->st->cfg.cpuset_cpus);
}

static int run_cgroup(struct gb_launch *l, struct gb_err *err)
{
	int r = gb_cgroup_container_create(l->st, &l->cg, err);
	if (r == 0 && (r = gb_cgroup_container_cpuset(l->st, err)) < 0)
		gb_cgroup_destroy(&l->cg, NULL);
	return r;
}

static void undo_cgroup(struct gb_launch *l)
{
	gb_cgroup_container_remove(l->st); /* with its glassbox/ parent when it is empty */
	gb_cgroup_destroy(&l->cg, NULL);   /* (nothing left to do unless that failed) */
}

static void observe_cgroup(struct gb_launch *l, struct gb_json *j)
{
	gb_cgroup_json(&l->cg, j, "cgroup");
}

static void call_attach(const struct gb_launch *l, char *buf, size_t len)
{
	const char *dir = l->cg.unified_dir[0] && l->cg.host.layout == GB_CG_V2
				  ? l->cg.unified_dir
				  : gb_cgroup_procs_dir(&l->cg);
	if (l->cg.host.layout == GB_CG_V2)
		snprintf(buf, len,
			 "clone3({.flags = CLONE_INTO_CGROUP, .cgroup = open(\"%s\")}) did it",
			 dir);
	else
		snprintf(buf, len, "write(\"%s/tasks\", \"0\") in every v1 hierarchy%s", dir,
			 l->cg.unified_dir[0] ? "; the cgroup2 side by CLONE_INTO_CGROUP" : "");
}

static int run_attach(struct gb_launch *l, struct gb_err *err)
{
	/* In the child, before anything of the container runs. It moves itself: "0" into
	 * each v1 tasks file (no global lock for the calling thread); the cgroup2 side was
	 * done by CLONE_INTO_CGROUP. */
	int r = gb_cgroup_attach_self(&l->cg, err);
	return r < 0 ? r : gb_cgroup_container_cpuset_attach(l->st, err);
}

static void observe_attach(struct gb_launch *l, struct gb_json *j)
{
	observe_cgroup(l, j);
	gb_observe_cgroup_json(l->pid, j, "cgroup_lines");
}

/* ------------------------------------------------------------ start phase: devices (issue 14) */

static void call_devices(const struct gb_launch *l, char *buf, size_t len)
{
	char dir[GB_CG_PATH];
	struct gb_dev_rule rules[GB_DEV_RULES_MAX];
	size_t n = 0;
	gb_devices_policy(&l->st->cfg, rules, GB_DEV_RULES_MAX, &n, NULL);
	if (gb_cgdev_v1_dir(&l->cg, dir, sizeof dir) == 0)
		snprintf(buf, len,
			 "mkdir(\"%s\"); write(\"devices.deny\", \"a\"); then %zu rules such as "
			 "write(\"devices.allow\", \"c 1:3 rwm\")",
			 dir, n);
	else
		snprintf(buf, len,
			 "bpf(BPF_PROG_LOAD, {.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE}) of %zu "
			 "rules; "
			 "bpf(BPF_PROG_ATTACH, {.target_fd = open(\"%s\"), .attach_type = "
			 "BPF_CGROUP_DEVICE, .attach_flags = BPF_F_ALLOW_MULTI})",
			 n, l->cg.unified_dir);
}

static bool want_devices(const struct gb_launch *l)
{
	return !l->rootless && gb_devices_wanted(&l->st->cfg);
}

static int run_devices(struct gb_launch *l, struct gb_err *err)
{
	return gb_cgroup_container_devices(l->st, &l->cg, err);
}

static void undo_devices(struct gb_launch *l)
{
	gb_cgdev_v1_remove(&l->cg, NULL); /* v2: the program goes with the cgroup's rmdir */
}

static void observe_devices(struct gb_launch *l, struct gb_json *j)
{
	gb_cgdev_json(&l->cg, j, "devices");
}

/* ------------------------------------------------------------ start phase: clone */

/* Rootless on a bridge network: the container's user namespace is made as a child of the
 * student's (core/net/net_rootless.h), whose root may then move a veth into its network
 * namespace. Otherwise a child of ours. */
static bool rootless_net(const struct gb_launch *l)
{
	return l->rootless && gb_net_container_wanted(&l->st->cfg) &&
	       (l->clone_flags & CLONE_NEWUSER);
}

static void call_clone(const struct gb_launch *l, char *buf, size_t len)
{
	char flags[200];
	gb_ns_flags_str(l->clone_flags, flags, sizeof flags);
	if (l->st->cfg.userns_path[0])
		snprintf(buf, len,
			 "fork(); setns(open(\"%s\"), CLONE_NEWUSER); clone3({.flags = "
			 "CLONE_PARENT|%s})",
			 l->st->cfg.userns_path, flags[0] ? flags : "0");
	else if (rootless_net(l))
		snprintf(buf, len,
			 "fork(); setns(student userns, CLONE_NEWUSER); clone3({.flags = "
			 "CLONE_PARENT|%s})",
			 flags);
	else
		snprintf(buf, len, "clone3({.flags = %s, .exit_signal = SIGCHLD})",
			 flags[0] ? flags : "0");
}

/* The child is born non-dumpable (core/security/enter.h): it inherits the flag with its copy of
 * our memory, so no process of a shared PID namespace (--pid host) ever sees it open.
 * Rootless, the engine must write the child's maps first: the child does it itself. */
static int clone_nondumpable(const struct gb_launch *l)
{
	int was = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	if (l->rootless || was <= 0 || gb_enter_unsafe() || gb_enter_nondumpable(NULL) < 0)
		return 0;
	return was;
}

static pid_t clone_container(struct gb_launch *l, int cgfd, struct gb_err *err)
{
	if (l->st->cfg.userns_path[0])
		return gb_userns_join_clone(l->st->cfg.userns_path, l->clone_flags, cgfd, &l->pidfd,
					    err);
	if (!rootless_net(l))
		return gb_ns_clone_into(l->clone_flags, cgfd, &l->pidfd, err);
	gb_autoclose int userns = -1;
	int r = gb_net_rootless_up(l->rt, &userns, NULL, err);
	return r < 0 ? r : gb_net_rootless_clone(userns, l->clone_flags, cgfd, &l->pidfd, err);
}

static int run_clone(struct gb_launch *l, struct gb_err *err)
{
	int sv[2];
	/* SOCK_SEQPACKET keeps message boundaries; CLOEXEC makes a successful execve in the
	 * child close its end, which is how we learn that the exec worked. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return gb_err_set(err, errno, "socketpair", "cannot create the step channel");
	/* The child's last act will be to run the sealed trampoline (core/security/enter.h). */
	if (gb_trampoline_fd(l->rt, err) < 0 && !gb_enter_unsafe()) {
		close(sv[0]);
		close(sv[1]);
		return -err->code;
	}
	/* On cgroup2 CLONE_INTO_CGROUP is the cgroup-attach (the test build's
	 * GLASSBOX_SKIP_STEP=cgroup-attach leaves it out here too). */
	bool attach = l->cg.unified_dir[0] && !gb_mutation("cgroup-attach");
	int cgfd = attach ? gb_cgroup_open_fd(&l->cg, NULL) : -1;
	int dumpable = clone_nondumpable(l);
	pid_t pid = clone_container(l, cgfd, err);
	if (pid != 0 && dumpable > 0)
		prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0); /* we, the engine, are as before */
	if (cgfd >= 0 && pid != 0)
		close(cgfd);
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return pid;
	}
	if (pid == 0) {
		close(sv[0]);
		l->sock = sv[1];
		l->child_main(l); /* the engine's child side (engine.c): never returns */
	}
	close(sv[1]);
	l->sock = sv[0];
	l->pid = pid;
	l->st->pid = pid;
	l->st->pid_start = gb_proc_starttime(pid);
	return 0;
}

static void undo_clone(struct gb_launch *l)
{
	if (l->pid > 0) {
		if (l->pidfd >= 0)
			gb_pidfd_send_signal(l->pidfd, SIGKILL);
		else
			kill(l->pid, SIGKILL);
		while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->sock >= 0)
		close(l->sock);
	l->pid = 0;
	l->pidfd = l->sock = -1;
	l->st->pid = 0;
	l->st->pid_start = 0;
}

static void observe_clone(struct gb_launch *l, struct gb_json *j)
{
	struct gb_ns_ids ns, host;
	gb_json_int(j, "pid", l->pid);
	gb_observe_nspid_json(l->pid, j, "nspid");
	gb_ns_read(l->pid, &ns);
	gb_ns_read(0, &host);
	gb_ns_to_json(&ns, j, "ns");
	gb_ns_to_json(&host, j, "ns_host");
}

/* ------------------------------------------------------------ start phase: container side */

static void call_cgroupns(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "unshare(CLONE_NEWCGROUP)");
}

static int run_cgroupns(struct gb_launch *l, struct gb_err *err)
{
	/* The cgroup namespace's root is the cgroup we are in when we unshare: done after
	 * the host moved us into the container's cgroup, /proc/self/cgroup then says "/". */
	if (unshare(CLONE_NEWCGROUP) < 0)
		return gb_err_set(err, errno, "unshare", "unshare(CLONE_NEWCGROUP) failed");
	return 0;
}

static void observe_cgroupns(struct gb_launch *l, struct gb_json *j)
{
	struct gb_ns_ids ns;
	gb_ns_read(l->pid, &ns);
	gb_ns_to_json(&ns, j, "ns");
	gb_observe_cgroup_json(l->pid, j, "cgroup_lines");
}

static bool want_loopback(const struct gb_launch *l)
{
	return !l->st->cfg.host_net;
}

static void call_loopback(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "ioctl(fd, SIOCSIFFLAGS, {.ifr_name = \"lo\", .ifr_flags = IFF_UP})");
}

static int run_loopback(struct gb_launch *l, struct gb_err *err)
{
	/* A new network namespace has one interface, lo, and it is down (lab 05). */
	gb_autoclose int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return gb_err_set(err, errno, "socket", "socket(AF_INET, SOCK_DGRAM) failed");
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return gb_err_set(err, errno, "ioctl", "ioctl(SIOCGIFFLAGS, \"lo\") failed");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return gb_err_set(err, errno, "ioctl",
				  "ioctl(SIOCSIFFLAGS, \"lo\", IFF_UP) failed");
	return 0;
}

static void observe_links(struct gb_launch *l, struct gb_json *j)
{
	gb_json_obj_begin(j, "net");
	gb_observe_links_json(l->pid, j, "links");
	gb_json_obj_end(j);
}

/* OCI linux.rootfsPropagation slave/rslave: the root is to receive the host's mount
 * events, so everything becomes a slave instead of private (still nothing goes back). */
static bool root_slave(const struct gb_launch *l)
{
	return (l->st->cfg.rootfs_propagation & MS_SLAVE) != 0;
}

static void call_private(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "mount(NULL, \"/\", NULL, MS_REC|%s, NULL)",
		 root_slave(l) ? "MS_SLAVE" : "MS_PRIVATE");
}

/* OCI: a mount namespace given by path (a pod's). PID 1 was cloned into a new one and
 * enters this one now, before any mount: everything the rows below mount lands there, and
 * its other processes see the container's root after pivot_root, as with runc. */
static bool want_mount_join(const struct gb_launch *l)
{
	return l->st->cfg.mntns_path[0] != '\0';
}

static void call_mount_join(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "fd = open(\"%s\", O_RDONLY); setns(fd, CLONE_NEWNS)",
		 l->st->cfg.mntns_path);
}

static int run_mount_join(struct gb_launch *l, struct gb_err *err)
{
	const char *path = l->st->cfg.mntns_path;
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open the mount namespace %s", path);
	if (setns(fd, CLONE_NEWNS) < 0)
		return gb_err_set(err, errno, "setns", "setns(\"%s\", CLONE_NEWNS) failed", path);
	return 0;
}

static int run_private(struct gb_launch *l, struct gb_err *err)
{
	return root_slave(l) ? gb_rootfs_make_slave(err) : gb_rootfs_make_private(err);
}

static void observe_mounts(struct gb_launch *l, struct gb_json *j)
{
	gb_observe_mounts_json(l->pid, j, "mounts", 48);
}

static struct gb_rootfs rootfs_of(const struct gb_launch *l)
{
	struct gb_rootfs fs = { l->st->lower, l->st->upper, l->st->work, l->st->merged };
	return fs;
}

static void call_overlay(const struct gb_launch *l, char *buf, size_t len)
{
	if (l->st->cfg.rootfs_dir[0]) {
		snprintf(buf, len, "mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC, NULL)",
			 l->st->merged, l->st->merged);
		return;
	}
	struct gb_rootfs fs = rootfs_of(l);
	char opts[4096];
	gb_rootfs_overlay_opts(&fs, opts, sizeof opts);
	snprintf(buf, len, "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\")", fs.merged, opts);
}

static int run_overlay(struct gb_launch *l, struct gb_err *err)
{
	/* OCI: the root is already there; pivot_root needs it to be a mount point. */
	if (l->st->cfg.rootfs_dir[0] &&
	    mount(l->st->merged, l->st->merged, NULL, MS_BIND | MS_REC, NULL) < 0)
		return gb_err_set(err, errno, "mount", "cannot bind the OCI root %s on itself",
				  l->st->merged);
	if (l->st->cfg.rootfs_dir[0])
		return 0;
	struct gb_rootfs fs = rootfs_of(l);
	return gb_rootfs_mount_overlay(&fs, err);
}

static void observe_overlay(struct gb_launch *l, struct gb_json *j)
{
	observe_rootfs(l, j);
	observe_mounts(l, j);
}

/* An OCI bundle's config.json lists its own /proc, /sys and /dev (with its pts, shm and
 * mqueue): the oci-mounts row makes them, in the config's order, instead of these rows. */
static bool want_oci(const struct gb_launch *l)
{
	return l->st->cfg.rootfs_dir[0] != '\0';
}

static bool want_engine_fs(const struct gb_launch *l)
{
	return !l->st->cfg.rootfs_dir[0];
}

static void call_oci_mounts(const struct gb_launch *l, char *buf, size_t len)
{
	const struct gb_fsmount *m = l->st->cfg.fsmounts;
	if (l->st->cfg.nfsmounts == 0)
		snprintf(buf, len, "mknod(\"%s/dev/null\", S_IFCHR|0666, makedev(1, 3)); ...",
			 l->st->merged);
	else
		snprintf(buf, len,
			 "mount(\"%s\", \"%s%s\", \"%s\", 0x%lx, \"%s\"); ...; "
			 "mknod(\"/dev/null\", S_IFCHR|0666, makedev(1, 3)); ...",
			 m[0].source, l->st->merged, m[0].target, m[0].type, m[0].flags, m[0].data);
}

static int run_oci_mounts(struct gb_launch *l, struct gb_err *err)
{
	const struct gb_config *c = &l->st->cfg;
	int r = gb_fsmounts_apply(l->st->merged, c->fsmounts, c->nfsmounts, err);
	if (r == 0)
		r = gb_rootfs_dev_nodes(l->st->merged, err);
	return r < 0 ? r : gb_devnodes_make(l->st->merged, c->devnodes, c->ndevnodes, err);
}

static void call_proc(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "mount(\"proc\", \"%s/proc\", \"proc\", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
		 l->st->merged);
}

static int run_proc(struct gb_launch *l, struct gb_err *err)
{
	return gb_rootfs_mount_proc(l->st->merged, err);
}

static void call_sys(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "mount(\"sysfs\", \"%s/sys\", \"sysfs\", %sMS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)",
		 l->st->merged, l->st->cfg.privileged ? "" : "MS_RDONLY|");
}

static int run_sys(struct gb_launch *l, struct gb_err *err)
{
	return gb_rootfs_mount_sys(l->st->merged, !l->st->cfg.privileged, err);
}

static void call_dev(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "mount(\"tmpfs\", \"%s/dev\", \"tmpfs\", MS_NOSUID, \"mode=755\"); "
		 "mknod(\"/dev/null\", S_IFCHR|0666, makedev(1, 3)); ...",
		 l->st->merged);
}

static int run_dev(struct gb_launch *l, struct gb_err *err)
{
	return gb_rootfs_mount_dev(l->st->merged, err);
}

static void call_etc(const struct gb_launch *l, char *buf, size_t len)
{
	char dir[600];
	gb_state_dir(l->rt, l->st->cfg.id, dir, sizeof dir);
	snprintf(buf, len,
		 "mount(\"%s/hosts\", \"%s/etc/hosts\", NULL, MS_BIND, NULL); "
		 "the same for /etc/hostname and /etc/resolv.conf",
		 dir, l->st->merged);
}

/* An OCI container's /etc/hosts, hostname and resolv.conf are its client's business: Docker
 * and podman bind their own through config.json's mounts (the mounts row), ctr keeps the
 * image's; as with runc, nothing of ours goes over them. */
static bool want_etc(const struct gb_launch *l)
{
	return !l->st->cfg.rootfs_dir[0];
}

static int run_etc(struct gb_launch *l, struct gb_err *err)
{
	return gb_net_container_etc_mount(l->rt, l->st, err);
}

/* --init: glassbox-init from the host, read-only, before pivot_root hides the host. */
static bool want_init(const struct gb_launch *l)
{
	return l->st->cfg.init;
}

static void call_init(const struct gb_launch *l, char *buf, size_t len)
{
	char host[1024];
	struct gb_err ignored;
	if (gb_init_host_path(l->rt->share_dir, host, sizeof host, &ignored) < 0)
		snprintf(host, sizeof host, "glassbox-init");
	snprintf(buf, len,
		 "mount(\"%s\", \"%s" GB_INIT_PATH "\", NULL, MS_BIND, NULL); "
		 "mount(NULL, \"%s" GB_INIT_PATH "\", NULL, MS_BIND|MS_REMOUNT|MS_RDONLY, NULL)",
		 host, l->st->merged, l->st->merged);
}

static int run_init(struct gb_launch *l, struct gb_err *err)
{
	char host[1024];
	int r = gb_init_host_path(l->rt->share_dir, host, sizeof host, err);
	if (r == 0)
		r = gb_init_bind(host, l->st->merged, err);
	return r;
}

static bool want_hostname(const struct gb_launch *l)
{
	return !l->st->cfg.host_uts;
}

static void call_hostname(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "sethostname(\"%s\", %zu)", l->st->cfg.hostname,
		 strlen(l->st->cfg.hostname));
}

static int run_hostname(struct gb_launch *l, struct gb_err *err)
{
	const char *h = l->st->cfg.hostname;
	if (sethostname(h, strlen(h)) < 0)
		return gb_err_set(err, errno, "sethostname", "sethostname(\"%s\") failed", h);
	/* Report what the kernel now says, read back from inside. */
	gethostname(l->child_info, sizeof l->child_info - 1);
	return 0;
}

static void observe_hostname(struct gb_launch *l, struct gb_json *j)
{
	char host[256] = "";
	gethostname(host, sizeof host - 1);
	gb_json_str(j, "hostname", l->child_info);
	gb_json_str(j, "host_hostname", host);
}

static void call_pivot(const struct gb_launch *l, char *buf, size_t len)
{
	if (l->st->cfg.rootfs_chroot) { /* lab 04's negative control, see run_pivot */
		snprintf(buf, len,
			 "chdir(\"%s\"); chroot(\".\"); chdir(\"/\")  [--rootfs-mode chroot: "
			 "UNSAFE]",
			 l->st->merged);
		return;
	}
	int n = snprintf(buf, len,
			 "chdir(\"%s\"); pivot_root(\".\", \".\"); umount2(\".\", MNT_DETACH)",
			 l->st->merged);
	char what[40];
	gb_rootfs_propagation_str(l->st->cfg.rootfs_propagation, what, sizeof what);
	if (l->st->cfg.rootfs_propagation && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "; mount(NULL, \"/\", NULL, %s, NULL)", what);
}

static int run_pivot(struct gb_launch *l, struct gb_err *err)
{
	/* --rootfs-mode chroot (lab 04's negative control, a teaching option) does this
	 * row with chroot instead: same place in the table, escapable on purpose. */
	if (l->st->cfg.rootfs_chroot)
		return gb_rootfs_chroot(l->st->merged, err);
	int r = gb_rootfs_pivot(l->st->merged, err);
	/* OCI linux.rootfsPropagation: on "/" itself, which is only the new root once
	 * pivot_root has made it so (runc sets it at the same point). */
	if (r == 0 && l->st->cfg.rootfs_propagation)
		r = gb_rootfs_propagate(l->st->cfg.rootfs_propagation, err);
	return r;
}

/* ------------------------------------------------------------ start phase: confinement
 * After pivot_root (paths are the container's own) and before exec. The order matters:
 * masks need CAP_SYS_ADMIN to mount, so they come before capabilities are dropped; the
 * seccomp filter comes last because it may forbid the very calls the earlier steps make.
 * With no-new-privileges=false the kernel accepts a filter only from a process that
 * still holds CAP_SYS_ADMIN: the capabilities step then holds it in the effective set
 * until the filter is in, and the seccomp step lets go of it. */

/* ------------------------------------------------------------ sysctl (OCI linux.sysctl)
 * Written through the container's own /proc (after pivot_root): each key belongs to a
 * namespace of the container (the parser refused host-wide ones). Before masked-paths,
 * which makes /proc/sys read-only. */

static bool want_sysctl(const struct gb_launch *l)
{
	return l->st->cfg.sysctls && l->st->cfg.sysctls[0];
}

static void call_sysctl(const struct gb_launch *l, char *buf, size_t len)
{
	const char *kv = l->st->cfg.sysctls[0], *eq = strchr(kv, '=');
	snprintf(buf, len, "write(\"/proc/sys/%.*s\", \"%s\")%s", (int)(eq - kv), kv, eq + 1,
		 l->st->cfg.sysctls[1] ? "; ..." : "");
	for (char *p = strstr(buf, "/proc/sys/") + 10; *p && *p != '"'; p++)
		if (*p == '.')
			*p = '/';
}

static int run_sysctl(struct gb_launch *l, struct gb_err *err)
{
	for (char **s = l->st->cfg.sysctls; *s; s++) {
		char path[512];
		const char *eq = strchr(*s, '=');
		snprintf(path, sizeof path, "/proc/sys/%.*s", (int)(eq - *s), *s);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		int r = gb_write_str(path, eq + 1);
		if (r < 0)
			return gb_err_set(err, -r, "write", "cannot write %s to %s (linux.sysctl)",
					  eq + 1, path);
	}
	return 0;
}

static bool want_masks(const struct gb_launch *l)
{
	return l->sec.masks;
}

static void call_masks(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "mount(\"/dev/null\", \"/proc/kcore\", NULL, MS_BIND, NULL); ...; "
		 "mount(\"/proc/sys\", \"/proc/sys\", NULL, MS_BIND|MS_REC, NULL); "
		 "mount(NULL, \"/proc/sys\", NULL, MS_REMOUNT|MS_BIND|MS_RDONLY, NULL); ...");
}

static int run_masks(struct gb_launch *l, struct gb_err *err)
{
	size_t n = 0;
	const struct gb_config *c = &l->st->cfg;
	/* OCI: config.json's own lists, in place of glassbox's (Docker's) defaults */
	int r = c->masked_paths
			? gb_masks_apply_lists("/", (const char *const *)c->masked_paths,
					       (const char *const *)c->readonly_paths, &n, err)
			: gb_masks_apply("/", &n, err);
	snprintf(l->child_info, sizeof l->child_info, "%zu", n);
	return r;
}

static void observe_masks(struct gb_launch *l, struct gb_json *j)
{
	struct gb_masks_state ms;
	if (gb_masks_observe(l->pid, &ms, NULL) < 0)
		return;
	gb_json_arr_begin(j, "masked");
	for (size_t i = 0; gb_masks_masked[i]; i++)
		if (ms.masked & (1UL << i))
			gb_json_str(j, NULL, gb_masks_masked[i]);
	gb_json_arr_end(j);
	gb_json_arr_begin(j, "readonly");
	for (size_t i = 0; gb_masks_readonly[i]; i++)
		if (ms.readonly & (1UL << i))
			gb_json_str(j, NULL, gb_masks_readonly[i]);
	gb_json_arr_end(j);
}

static bool want_seccomp(const struct gb_launch *l)
{
	return l->sec.filter;
}

/* Without no_new_privs the kernel loads a filter only for a holder of CAP_SYS_ADMIN:
 * then the capabilities step keeps it in the effective set (only there) for us. */
static gb_capset hold_for_seccomp(const struct gb_launch *l)
{
	/* (The test build's GLASSBOX_SKIP_STEP=no-new-privs loads it the same way.) */
	bool nnp = l->sec.nnp && !gb_mutation("no-new-privs");
	return l->sec.filter && !nnp ? GB_CAP_BIT(CAP_SYS_ADMIN) : 0;
}

/* OCI process.user: runc changes the uid before it drops capabilities; here the uid
 * changes last (the exec row), so setgroups/setresgid/setresuid need these until then. */
static gb_capset hold_for_user(const struct gb_launch *l)
{
	const struct gb_config *c = &l->st->cfg;
	return c->user[0] && c->cap_ambient ? GB_CAP_BIT(CAP_SETUID) | GB_CAP_BIT(CAP_SETGID) : 0;
}

static void call_caps(const struct gb_launch *l, char *buf, size_t len)
{
	char names[1024];
	if (gb_caps_format(l->sec.caps, names, sizeof names) < 0)
		snprintf(names, sizeof names, "%016llx", (unsigned long long)l->sec.caps);
	snprintf(buf, len,
		 "prctl(PR_CAPBSET_DROP, ...) for the rest; capset(keep); "
		 "prctl(PR_CAP_AMBIENT_RAISE, ...) with keep = %s",
		 names[0] ? names : "(none)");
}

static int run_caps(struct gb_launch *l, struct gb_err *err)
{
	return gb_caps_apply_hold(l->sec.caps, hold_for_seccomp(l) | hold_for_user(l), err);
}

static void observe_caps(struct gb_launch *l, struct gb_json *j)
{
	struct gb_caps_status cs;
	char names[1024];
	if (gb_caps_read_status(l->pid, &cs, NULL) < 0)
		return;
	gb_caps_format(cs.effective, names, sizeof names);
	gb_json_str(j, "CapEff", names);
	gb_caps_format(cs.bounding, names, sizeof names);
	gb_json_str(j, "CapBnd", names);
	gb_json_int(j, "count", __builtin_popcountll(cs.effective));
}

static bool want_nnp(const struct gb_launch *l)
{
	return l->sec.nnp;
}

static void call_nnp(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)");
}

static int run_nnp(struct gb_launch *l, struct gb_err *err)
{
	return gb_seccomp_set_no_new_privs(err);
}

/* The AppArmor write of the row that does it (apparmor_onexec), as a call: "" if none. */
static void call_apparmor(const struct gb_launch *l, bool here, char *buf, size_t len)
{
	buf[0] = '\0';
	if (here && l->sec.apparmor[0])
		snprintf(buf, len, "write(\"%s\", \"exec %s\"); ", GB_APPARMOR_ATTR,
			 l->sec.apparmor);
}

static void call_seccomp(const struct gb_launch *l, char *buf, size_t len)
{
	char aa[320];
	call_apparmor(l, true, aa, sizeof aa);
	snprintf(buf, len,
		 "%sseccomp(SECCOMP_SET_MODE_FILTER, 0, &prog) with profile %s: "
		 "%zu rules compiled to %u BPF instructions, default %s",
		 aa, l->sec.profile.source, l->sec.profile.n_rules, l->sec.bpf.len,
		 gb_seccomp_action_name(l->sec.profile.default_action));
}

/* AppArmor (security/apparmor.h): the profile the execve will enter. It is written
 * before the seccomp filter is in, as runc and `glassbox exec` do: a profile that refuses
 * openat or write would otherwise stop the write itself. By the seccomp row, or by the
 * exec row when no filter is loaded. */
static int apparmor_onexec(struct gb_launch *l, struct gb_err *err)
{
	if (!l->sec.apparmor[0] || l->apparmor_set)
		return 0;
	if (gb_apparmor_exec(l->sec.apparmor, err) < 0)
		return -err->code;
	l->apparmor_set = true;
	return 0;
}

static int run_seccomp(struct gb_launch *l, struct gb_err *err)
{
	int r = apparmor_onexec(l, err);
	if (r < 0)
		return r;
	/* The program was compiled on the host (gb_confine_prepare): here, one system call. */
	r = gb_seccomp_install(&l->sec.bpf, l->sec.profile.source, err);
	if (r == 0 && hold_for_seccomp(l))
		r = gb_caps_release(l->sec.caps | hold_for_user(l), err);
	return r;
}

static void observe_security(struct gb_launch *l, struct gb_json *j)
{
	gb_json_int(j, "seccomp_mode", gb_seccomp_mode(l->pid));
	char v[32];
	if (gb_observe_status_field(l->pid, "NoNewPrivs", v, sizeof v) == 0)
		gb_json_int(j, "no_new_privs", atoi(v));
}

/* ------------------------------------------------------------ start phase: exec */

int gb_find_exec(const char *root, char *const *env, const char *cmd, char *out, size_t len)
{
	if (strchr(cmd, '/'))
		return gb_path(out, len, "%s", cmd);
	const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (char *const *e = env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	char copy[2048];
	snprintf(copy, sizeof copy, "%s", path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char full[4096];
		struct stat st;
		if (gb_path(full, sizeof full, "%s%s/%s", root, dir, cmd) < 0)
			continue;
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return gb_path(out, len, "%s/%s", dir, cmd);
	}
	return -ENOENT;
}

static void call_exec(const struct gb_launch *l, char *buf, size_t len)
{
	char root[64], exe[1024], args[1024];
	snprintf(root, sizeof root, "/proc/%d/root", (int)l->pid);
	const char *cmd = l->argv && l->argv[0] ? l->argv[0] : "?";
	if (gb_find_exec(root, l->st->cfg.env, cmd, exe, sizeof exe) < 0)
		snprintf(exe, sizeof exe, "%s", cmd);
	args[0] = '\0';
	size_t used = 0;
	for (size_t i = 0; l->argv && l->argv[i] && used < sizeof args - 8; i++) {
		int n = snprintf(args + used, sizeof args - used, "%s\"%s\"", i ? ", " : "",
				 l->argv[i]);
		if (n < 0)
			break;
		used += (size_t)n < sizeof args - used ? (size_t)n : sizeof args - used - 1;
	}
	/* AppArmor (security/apparmor.h): the profile the execve will enter, written here
	 * when no seccomp row ran before (apparmor_onexec). */
	char aa[320];
	call_apparmor(l, !want_seccomp(l), aa, sizeof aa);
	/* The execve is the sealed trampoline's (core/security/enter.h): say so, it is what runs. */
	snprintf(buf, len,
		 "%s%s%s%schdir(\"%s\"); execveat(<sealed glassbox-trampoline>, \"\", ...) "
		 "which calls execve(\"%s\", [%s], envp)",
		 aa, l->st->cfg.user[0] ? "setresuid(<uid of " : "", l->st->cfg.user,
		 l->st->cfg.user[0] ? ">); " : "", l->st->cfg.workdir, exe, args);
}

/* OCI create: tell the engine we are ready (closing the step channel is its "exec
 * worked"), so `create` can exit; then block in open(2) of the fifo until `start` opens its
 * other end. The fifo's path is the host's: reach it through our fd via /proc/self/fd. */
static int wait_exec_gate(struct gb_launch *l, struct gb_err *err)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", l->exec_gate);
	close(l->sock);
	l->sock = -1;
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open the exec fifo %s", path);
	ssize_t n = write(fd, "0", 1);
	/* fd stays open: the execve closes it (O_CLOEXEC), and that EOF tells `start` the
	 * command runs (its poststart hooks come after, as runc's start reads to EOF). */
	close(l->exec_gate);
	l->exec_gate = -1;
	return n == 1 ? 0 : gb_err_set(err, EPIPE, "write", "the exec fifo closed early");
}

static int run_exec_as(struct gb_launch *l, struct gb_err *err);

/* OCI: the capabilities config.json lists hold for any process.user (runc keeps them
 * through setresuid with PR_SET_KEEPCAPS); glassbox run's --user gets none, as Docker's. */
static int run_exec_oci_user(struct gb_launch *l, struct gb_err *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return gb_err_set(err, errno, "prctl", "prctl(PR_SET_KEEPCAPS, 1) failed");
	int r = gb_user_switch(l->st->cfg.user, err);
	if (r == 0) /* and let go of what hold_for_user kept */
		r = getuid() != 0 ? gb_caps_after_setuid(l->sec.caps, l->st->cfg.cap_ambient, err)
				  : gb_caps_release(l->sec.caps, err);
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return r < 0 ? r : run_exec_as(l, err);
}

static int run_exec(struct gb_launch *l, struct gb_err *err)
{
	const struct gb_config *c = &l->st->cfg;
	/* AppArmor: the kernel switches profiles at the execve, so the setup is not confined
	 * by it; a profile it does not know fails the start before anything runs. */
	if (apparmor_onexec(l, err) < 0)
		return -err->code;
	/* --user / USER: become that user of the container's own /etc/passwd (user.c). */
	if (c->user[0] && c->cap_ambient)
		return run_exec_oci_user(l, err);
	if (c->user[0] && gb_user_switch(c->user, err) < 0)
		return -err->code;
	return run_exec_as(l, err);
}

static int run_exec_as(struct gb_launch *l, struct gb_err *err)
{
	const struct gb_config *c = &l->st->cfg;
	if (chdir(c->workdir) < 0) {
		int r = gb_err_set(err, errno, "chdir", "chdir(\"%s\") inside the container failed",
				   c->workdir);
		gb_err_hint(err, "the working directory (-w or the image's WORKDIR) must exist in "
				 "the image");
		return r;
	}
	char exe[4096];
	if (gb_find_exec("", c->env, l->argv[0], exe, sizeof exe) < 0) {
		int r = gb_err_set(err, ENOENT, "", "executable file not found in $PATH: %s",
				   l->argv[0]);
		gb_err_hint(err,
			    "check the command name; `glassbox run %s ls /bin` lists what the "
			    "image has",
			    c->image);
		return r;
	}
	for (int fd = 0; fd < 3; fd++)
		if (l->stdio[fd] >= 0 && dup2(l->stdio[fd], fd) < 0)
			return gb_err_set(err, errno, "dup2",
					  "cannot set up the container's stdio");
	/* Nothing of ours may leak into the container: every descriptor above stderr is
	 * closed by the exec (the step socket among them, which tells the host it worked),
	 * but the fds an OCI client asked to pass with --preserve-fds. */
	gb_enter_cloexec_from(3 + c->preserve_fds);
	/* What the command keeps is its stdio: none of it a directory of the host, and its
	 * cwd inside its root (core/security/enter.h). */
	if (gb_enter_check_stdio(err) < 0 || gb_enter_check_cwd(err) < 0)
		return -err->code;
	/* The parent-death signal guarded the setup; the running container outlives us. */
	prctl(PR_SET_PDEATHSIG, 0);
	if (l->exec_gate >= 0 && wait_exec_gate(l, err) < 0)
		return -err->code;
	/* By the sealed trampoline: /proc/self/exe is never the host's glassbox (enter.h). */
	gb_enter_execve(l->rt->trampoline > 2 ? l->rt->trampoline : -1, exe, l->argv, c->env);
	int r = gb_err_set(err, errno, "execve", "execve(\"%s\") failed", exe);
	if (errno == ENOENT)
		gb_err_hint(err, "the file or its interpreter (#! line, dynamic loader) is missing "
				 "in the image");
	else if (errno == EACCES)
		gb_err_hint(err, "the file is not executable, or its filesystem is mounted noexec");
	return r;
}

static void observe_exec(struct gb_launch *l, struct gb_json *j)
{
	gb_json_int(j, "pid", l->pid);
	gb_observe_nspid_json(l->pid, j, "nspid");
	gb_json_strv(j, "argv", l->argv);
	gb_json_strv(j, "env", l->st->cfg.env);
	gb_json_str(j, "cwd", l->st->cfg.workdir);
}

/* ------------------------------------------------------------ storage (issue 5, volume.c) */

static bool want_volumes(const struct gb_launch *l)
{
	return l->st->cfg.nmounts > 0;
}

static void call_volumes(const struct gb_launch *l, char *buf, size_t len)
{
	const struct gb_mount *m = l->st->cfg.mounts;
	if (m[0].type == GB_MOUNT_VOLUME)
		snprintf(buf, len, "mkdir(\"%s/volumes/%s/_data\", 0755)%s", l->rt->data_root,
			 m[0].source, l->st->cfg.nmounts > 1 ? "; ..." : "");
	else
		snprintf(buf, len, "stat(\"%s\")%s",
			 m[0].type == GB_MOUNT_BIND ? m[0].source : "tmpfs",
			 l->st->cfg.nmounts > 1 ? "; ..." : "");
}

static int run_volumes(struct gb_launch *l, struct gb_err *err)
{
	return gb_mounts_prepare(l->rt, l->st->cfg.mounts, l->st->cfg.nmounts, err);
}

static void call_mounts(const struct gb_launch *l, char *buf, size_t len)
{
	const struct gb_mount *m = l->st->cfg.mounts;
	const char *more = l->st->cfg.nmounts > 1 ? "; ..." : "";
	if (m[0].type == GB_MOUNT_TMPFS)
		snprintf(buf, len,
			 "fd = openat2(root, \"%s\", RESOLVE_BENEATH); "
			 "mount(\"tmpfs\", \"/proc/self/fd/<fd>\", \"tmpfs\", MS_NOSUID|MS_NODEV, "
			 "\"%s\")%s",
			 m[0].target + 1, m[0].options, more);
	else
		snprintf(buf, len,
			 "fd = openat2(root, \"%s\", RESOLVE_BENEATH); t = open_tree(\"%s\", "
			 "OPEN_TREE_CLONE);%s "
			 "move_mount(t, \"\", fd, \"\", "
			 "MOVE_MOUNT_F_EMPTY_PATH|MOVE_MOUNT_T_EMPTY_PATH)%s",
			 m[0].target + 1, m[0].source,
			 m[0].readonly ? " mount_setattr(t, MOUNT_ATTR_RDONLY);" : "", more);
}

static bool want_mounts(const struct gb_launch *l)
{
	return want_volumes(l) && want_engine_fs(l);
}

static int run_mounts(struct gb_launch *l, struct gb_err *err)
{
	return gb_mounts_apply(l->rt, l->st->merged, l->st->cfg.mounts, l->st->cfg.nmounts, err);
}

static bool want_readonly(const struct gb_launch *l)
{
	return l->st->cfg.read_only;
}

static void call_readonly(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "mount(NULL, \"%s\", NULL, MS_REMOUNT|MS_BIND|MS_RDONLY, NULL)",
		 l->st->merged);
}

static int run_readonly(struct gb_launch *l, struct gb_err *err)
{
	return gb_mounts_readonly_root(l->st->merged, err);
}

/* ------------------------------------------------------------ user namespace (lab 06)
 * Rows only for a container with a user namespace (--userns, --uidmap, or rootless).
 * Root inside is then an ordinary uid outside: the host makes the files the container
 * will own belong to that uid (create), writes the maps once the child exists (start),
 * and the child becomes uid 0 of its namespace before anything of the container runs. */

static bool want_userns(const struct gb_launch *l)
{
	return l->st->cfg.uid_map.n > 0;
}

/* OCI: a user namespace joined by path has its maps already (its maker wrote them). */
static bool want_userns_maps(const struct gb_launch *l)
{
	return want_userns(l) && !l->st->cfg.userns_path[0];
}

/* Rootless, the user's own files are already the mapped root's: nothing to hand over. */
static bool want_userns_files(const struct gb_launch *l)
{
	return want_userns(l) && !l->rootless;
}

static uid_t mapped_root_uid(const struct gb_launch *l)
{
	return (uid_t)gb_userns_to_outside(&l->st->cfg.uid_map, 0);
}

static gid_t mapped_root_gid(const struct gb_launch *l)
{
	return (gid_t)gb_userns_to_outside(&l->st->cfg.gid_map, 0);
}

/* containers/ID in both roots: 0710 root:GID, so the mapped root may search them (and
 * no one else but root). Made 0700 root:root, so never wider than this. */
static int userns_dirs(struct gb_launch *l, gid_t gid, struct gb_err *err)
{
	char dirs[2][700];
	gb_path(dirs[0], sizeof dirs[0], "%s/containers/%s", l->rt->data_root, l->st->cfg.id);
	gb_state_dir(l->rt, l->st->cfg.id, dirs[1], sizeof dirs[1]);
	for (size_t i = 0; i < 2; i++)
		if ((chown(dirs[i], 0, gid) < 0 || chmod(dirs[i], 0710) < 0) &&
		    !(errno == ENOENT && i == 0 && l->st->cfg.rootfs_dir[0]))
			return gb_err_set(err, errno, "chown", "cannot let gid %u search %s",
					  (unsigned)gid, dirs[i]);
	return 0;
}

static void call_userns_files(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "chown(\"%s\", %u, %u); chown(\".../work\", %u, %u); "
		 "copy each layer to DIR.userns-MAP with every owner shifted through the map",
		 l->st->upper, (unsigned)mapped_root_uid(l), (unsigned)mapped_root_gid(l),
		 (unsigned)mapped_root_uid(l), (unsigned)mapped_root_gid(l));
}

static int run_userns_files(struct gb_launch *l, struct gb_err *err)
{
	struct gb_state *st = l->st;
	uid_t uid = mapped_root_uid(l);
	gid_t gid = mapped_root_gid(l);
	/* The overlay is mounted inside the user namespace, with the mapped root's rights:
	 * the roots stay 0700 (the userns-paths row mounts what it needs on a tmpfs), their
	 * parents must let it pass, and its own two directories let it search them. */
	int r = gb_userns_view_check(l->rt, uid, gid, err);
	if (r == 0)
		r = userns_dirs(l, gid, err);
	/* An OCI root (no layers of ours, an OCI bundle has no data directory): its client
	 * gave its files to the mapped ids already (podman --uidmap does), as runc expects. */
	if (r < 0 || st->cfg.rootfs_dir[0])
		return r;
	if (chown(st->upper, uid, gid) < 0 || chown(st->work, uid, gid) < 0)
		return gb_err_set(err, errno, "chown", "cannot give %s to uid %u", st->upper,
				  (unsigned)uid);
	char lower[sizeof st->lower];
	r = gb_userns_shift_lower(st->lower, &st->cfg.uid_map, &st->cfg.gid_map, lower,
				  sizeof lower, err);
	if (r < 0)
		return r;
	snprintf(st->lower, sizeof st->lower, "%s", lower);
	return 0; /* saved at the end of the create phase (engine/container.c) */
}

/* A map as the kernel's file holds it, one line per range, written "0 1000 1\\n1 ...". */
static void map_line(const struct gb_idmap *m, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%u %u %u", i ? "\\n" : "",
				 m->r[i].inside, m->r[i].outside, m->r[i].count);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static void call_userns_maps(const struct gb_launch *l, char *buf, size_t len)
{
	const struct gb_config *c = &l->st->cfg;
	char um[256], gm[256];
	map_line(&c->uid_map, um, sizeof um);
	map_line(&c->gid_map, gm, sizeof gm);
	if (rootless_net(l)) {
		snprintf(buf, len,
			 "in a child that did setns(student userns, CLONE_NEWUSER): "
			 "write(\"/proc/%d/uid_map\", ...); write(\"/proc/%d/gid_map\", ...) "
			 "(seen from the host: \"%s\" and \"%s\")",
			 (int)l->pid, (int)l->pid, um, gm);
		return;
	}
	bool helper = l->rootless && (c->uid_map.n > 1 || c->uid_map.r[0].count > 1);
	if (helper)
		snprintf(buf, len,
			 "newuidmap %d ...; newgidmap %d ... (setuid helpers that check "
			 "/etc/subuid, /etc/subgid) for \"%s\" and \"%s\"",
			 (int)l->pid, (int)l->pid, um, gm);
	else
		snprintf(buf, len,
			 "%swrite(\"/proc/%d/uid_map\", \"%s\"); write(\"/proc/%d/gid_map\", "
			 "\"%s\")",
			 l->rootless ? "write(\"/proc/PID/setgroups\", \"deny\"); " : "",
			 (int)l->pid, um, (int)l->pid, gm);
}

static int run_userns_maps(struct gb_launch *l, struct gb_err *err)
{
	if (rootless_net(l)) { /* its parent is the student's namespace: its root writes them */
		gb_autoclose int userns = -1;
		int r = gb_net_rootless_open(l->rt, &userns, NULL, err);
		return r < 0 ? r
			     : gb_net_rootless_write_maps(userns, l->pid, &l->st->cfg.uid_map,
							  &l->st->cfg.gid_map, err);
	}
	return gb_userns_write_maps(l->pid, &l->st->cfg.uid_map, &l->st->cfg.gid_map, err);
}

/* What the kernel says now: the maps as written, and PID 1's uids seen from the host. */
static void observe_userns(struct gb_launch *l, struct gb_json *j)
{
	struct gb_idmap m;
	char text[256];
	if (gb_userns_read_map(l->pid, "uid_map", &m, NULL) == 0) {
		map_line(&m, text, sizeof text);
		gb_json_str(j, "uid_map", text);
	}
	if (gb_userns_read_map(l->pid, "gid_map", &m, NULL) == 0) {
		map_line(&m, text, sizeof text);
		gb_json_str(j, "gid_map", text);
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)l->pid);
	if (gb_read_line(path, text, sizeof text) == 0)
		gb_json_str(j, "setgroups", text);
	if (gb_observe_status_field(l->pid, "Uid", text, sizeof text) == 0)
		gb_json_str(j, "Uid_on_host", text);
}

static void call_userns_root(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len, "%ssetresgid(0, 0, 0); setgroups(0, NULL); setresuid(0, 0, 0)",
		 l->rootless ? "" : "open(DIR, O_PATH) for each layer, state and volume dir; ");
}

static int run_userns_root(struct gb_launch *l, struct gb_err *err)
{
	/* Last chance to open what sits under the 0700 roots: see the userns-paths row. */
	if (!l->rootless) {
		int r = gb_userns_view_open(&l->view, l->rt, l->st, err);
		if (r < 0)
			return r;
	}
	int r = gb_userns_become_root(err);
	/* A change of credentials clears the parent-death signal: set it again. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	return r;
}

static void call_userns_paths(const struct gb_launch *l, char *buf, size_t len)
{
	gb_userns_view_call(l->rt, l->st, buf, len);
}

static int run_userns_paths(struct gb_launch *l, struct gb_err *err)
{
	return gb_userns_view_mount(&l->view, l->rt, err);
}

/* Only root makes cgroups, or a user below a subtree delegated to them (the classroom's
 * glassbox.class/NAME, systemd's user@UID.service): rootless without one, the cgroup rows
 * are skipped, and a limit asked for is refused by gb_cgroup_container_check. */
static bool want_cgroup(const struct gb_launch *l)
{
	return !l->rootless || l->cgroup_delegated;
}

/* ------------------------------------------------------------ terminal (issue 18, tty.c) */

/* Lab 16's negative control (--unsafe-pass-terminal) keeps the caller's session. */
static bool want_setsid(const struct gb_launch *l)
{
	return !l->st->cfg.unsafe_pass_terminal;
}

static void call_setsid(const struct gb_launch *l, char *buf, size_t len)
{
	if (l->stdio[0] >= 0)
		snprintf(buf, len, "setsid(); dup2(%d, 0); dup2(%d, 1); dup2(%d, 2)", l->stdio[0],
			 l->stdio[1], l->stdio[2]);
	else
		snprintf(buf, len, "setsid()");
}

static int run_setsid(struct gb_launch *l, struct gb_err *err)
{
	int r = gb_tty_setsid(err);
	/* Our fds 0-2 may be the caller's terminal: the relay's pipes (or /dev/null and the
	 * log) replace them now. With -t the tty row puts the pty's slave there. */
	for (int fd = 0; r == 0 && fd < 3; fd++) {
		if (l->stdio[fd] >= 0 && dup2(l->stdio[fd], fd) < 0)
			r = gb_err_set(err, errno, "dup2", "cannot set up the container's stdio");
		l->stdio[fd] = -1; /* in place: the exec row has nothing left to do */
	}
	return r;
}

static void observe_tty(struct gb_launch *l, struct gb_json *j)
{
	gb_tty_observe_json(l->pid, j);
}

static bool want_tty(const struct gb_launch *l)
{
	return l->st->cfg.tty && !l->st->cfg.unsafe_pass_terminal;
}

static void call_tty(const struct gb_launch *l, char *buf, size_t len)
{
	snprintf(buf, len,
		 "m = open(\"/dev/pts/ptmx\", O_RDWR|O_NOCTTY); unlockpt(m); "
		 "s = ioctl(m, TIOCGPTPEER, O_RDWR); ioctl(s, TIOCSCTTY, 0); dup2(s, 0..2); "
		 "sendmsg(sock, SCM_RIGHTS m)");
}

static int run_tty(struct gb_launch *l, struct gb_err *err)
{
	int r = gb_tty_open_pty(&l->tty_master, err);
	/* The size before the command runs: its first `stty size` must not see 0 0. */
	if (r == 0 && l->tty_rows)
		gb_tty_set_size(l->tty_master, l->tty_rows, l->tty_cols);
	return r;
}

/* ------------------------------------------------------------ the table */

#define HOST GB_SIDE_HOST
#define CONT GB_SIDE_CONTAINER
#define CREATE GB_PHASE_CREATE
#define START GB_PHASE_START

static const struct gb_step steps[] = {
	{ "image", CREATE, HOST, 11,
	  "Find the image: an ordered stack of read-only layers plus its default command and "
	  "environment.",
	  call_image, NULL, run_image, undo_image, observe_rootfs, NULL },
	{ "state", CREATE, HOST, 1,
	  "Record the container: a directory of state that every later glassbox command reads.",
	  call_state, NULL, run_state, undo_state, NULL, NULL },
	{ "writable-layer", CREATE, HOST, 11,
	  "Make the thin writable layer: every write the container makes lands here; the image "
	  "stays untouched.",
	  call_layer, NULL, run_layer, undo_layer, observe_rootfs, NULL },
	/* storage (issue 5): named volumes exist before the container, and outlive it */
	{ "volumes", CREATE, HOST, 12,
	  "Create the named volumes the container asks for and check its bind-mount sources exist.",
	  call_volumes, want_volumes, run_volumes, NULL, NULL, "with -v, --mount or --tmpfs" },
	{ "userns-files", CREATE, HOST, 6,
	  "Hand the writable layer to the uid that root inside will be, and give the image a copy "
	  "owned through the map.",
	  call_userns_files, want_userns_files, run_userns_files, NULL, observe_rootfs,
	  "with --userns, as root" },
	{ "cgroup", START, HOST, 7,
	  "Make the container's control group and write its limits (memory, CPU quota, number of "
	  "processes) before any process exists.",
	  call_cgroup, want_cgroup, run_cgroup, undo_cgroup, observe_cgroup,
	  "root, or a delegated cgroup" },
	/* the device cgroup (issue 14): before the clone, so PID 1 never runs without it */
	{ "devices", START, HOST, 21,
	  "Which device nodes it may open: null, zero, random, ttys, its ptys, and your "
	  "--device-cgroup-rule. Others: EPERM.",
	  call_devices, want_devices, run_devices, undo_devices, observe_devices,
	  "as root, unless --privileged" },
	{ "clone", START, HOST, 2,
	  "Start the first process in new namespaces: it gets its own PIDs, mounts, host name, IPC "
	  "and network.",
	  call_clone, NULL, run_clone, undo_clone, observe_clone, NULL },
	/* Maps are written from outside, by a process that has the outside ids: right after
	 * clone, while the child waits on the socket for its first row. */
	{ "userns-maps", START, HOST, 6,
	  "Write the user namespace's maps: uid 0 inside becomes an ordinary uid outside.",
	  call_userns_maps, want_userns_maps, run_userns_maps, NULL, observe_userns,
	  "with --userns, or rootless" },
	{ "veth", START, HOST, 17,
	  "Plug the container into each network: a veth pair (a virtual cable), one end on the "
	  "network's bridge, the other moved into the container's network namespace.",
	  call_veth, want_networks, run_veth, undo_veth, observe_veth, "with --network NAME" },
	{ "net-config", START, HOST, 17,
	  "Inside the container's network namespace: name the cable's end eth0, give it its "
	  "address, bring it up, route everything else through the bridge.",
	  call_netconf, want_networks, run_netconf, NULL, observe_netconf, "with --network NAME" },
	{ "publish", START, HOST, 17,
	  "Bind each published port on the host now (-p): a port already in use stops the start "
	  "here; the container's monitor forwards connections.",
	  call_publish, want_publish, run_publish, undo_publish, observe_publish, "with -p" },
	{ "etc-files", START, HOST, 17,
	  "Write the container's /etc/hosts (every container on its networks, by name), "
	  "/etc/hostname and /etc/resolv.conf into its state directory.",
	  call_etc_files, NULL, run_etc_files, NULL, NULL, NULL },
	{ "cgroup-attach", START, CONT, 7,
	  "Move the new process into its cgroup before it runs anything: every process it starts "
	  "inherits the cgroup and its limits.",
	  call_attach, want_cgroup, run_attach, NULL, observe_attach,
	  "root, or a delegated cgroup" },
	/* After cgroup-attach: a v1 tasks file is root's on the host, and until this row
	 * the child still writes with the host root's file uid. Before every other row:
	 * mounts, host name and capabilities belong to the new namespace's root. */
	{ "userns-root", START, CONT, 6,
	  "Become root of the new user namespace: uid 0 inside, all capabilities, but only over "
	  "what the namespace owns.",
	  call_userns_root, want_userns, run_userns_root, NULL, observe_userns,
	  "with --userns, or rootless" },
	{ "cgroup-namespace", START, CONT, 7,
	  "Give the container its own view of the cgroup tree: its cgroup becomes \"/\" inside.",
	  call_cgroupns, NULL, run_cgroupns, NULL, observe_cgroupns, NULL },
	/* terminal (issue 18): as early as the container's side can, so the caller's
	 * terminal and fds are gone before anything else of the container is made */
	{ "setsid", START, CONT, 16,
	  "Start a new session without a controlling terminal and take the relay's pipes as "
	  "stdin/stdout/stderr: nothing inside can type into the caller's shell (TIOCSTI).",
	  call_setsid, want_setsid, run_setsid, NULL, observe_tty,
	  "unless --unsafe-pass-terminal" },
	{ "loopback", START, CONT, 5,
	  "A new network namespace has only \"lo\", and it is down: bring it up so 127.0.0.1 works "
	  "inside.",
	  call_loopback, want_loopback, run_loopback, NULL, observe_links,
	  "unless --network host" },
	{ "mount-join", START, CONT, 4,
	  "Enter the mount namespace config.json names by path (a pod's): the mounts below are "
	  "made in it.",
	  call_mount_join, want_mount_join, run_mount_join, NULL, observe_mounts,
	  "with a mount namespace path (glassbox-runc)" },
	{ "mount-private", START, CONT, 4,
	  "Stop mount events from propagating, so what the container mounts never appears on the "
	  "host.",
	  call_private, NULL, run_private, NULL, observe_mounts, NULL },
	/* After mount-private (the tmpfs must not reach the host), before every row that
	 * reaches into the roots. Its fds were opened by userns-root, before the uid changed. */
	{ "userns-paths", START, CONT, 6,
	  "Root inside may not search the private data and state roots: cover each with an empty "
	  "tmpfs here and bind back only this container's layers, state and volumes.",
	  call_userns_paths, want_userns_files, run_userns_paths, NULL, observe_mounts,
	  "with --userns, as root" },
	{ "overlay", START, CONT, 11,
	  "Stack the image layers (read-only) under the writable layer: one merged tree, the "
	  "future \"/\".",
	  call_overlay, NULL, run_overlay, NULL, observe_overlay, NULL },
	/* storage (issue 5): on top of the overlay, before /proc and pivot_root, while the
	 * host paths (bind sources, volume data) are still reachable */
	/* OCI (core/oci/): config.json's mounts in its order (runtime-spec), in place of the
	 * four rows below, which make glassbox's own in the table's order */
	{ "oci-mounts", START, CONT, 12,
	  "Mount what the bundle's config.json lists (/proc, /dev, /dev/pts, /sys, binds...) in "
	  "its order, then add the default devices (null, zero, tty...) to /dev.",
	  call_oci_mounts, want_oci, run_oci_mounts, NULL, observe_mounts,
	  "an OCI bundle's root (glassbox-runc)" },
	{ "mounts", START, CONT, 12,
	  "Mount volumes, bind mounts and tmpfs on their targets, resolved inside the root (no "
	  "symlink out).",
	  call_mounts, want_mounts, run_mounts, NULL, observe_mounts,
	  "with -v, --mount or --tmpfs" },
	{ "proc", START, CONT, 2,
	  "Mount a fresh /proc: it shows only the processes of the container's own PID namespace.",
	  call_proc, want_engine_fs, run_proc, NULL, observe_mounts,
	  "unless an OCI bundle's root" },
	{ "sys", START, CONT, 4,
	  "Mount /sys read-only: the container can look at the kernel's devices but not change "
	  "them.",
	  call_sys, want_engine_fs, run_sys, NULL, observe_mounts, "unless an OCI bundle's root" },
	{ "dev", START, CONT, 4,
	  "Build a minimal /dev: null, zero, random, tty, a private pts and shm. No disks, no host "
	  "devices.",
	  call_dev, want_engine_fs, run_dev, NULL, observe_mounts, "unless an OCI bundle's root" },
	{ "etc-hosts", START, CONT, 17,
	  "Bind-mount its own /etc/hosts, /etc/hostname and /etc/resolv.conf from its state "
	  "directory over the image's.",
	  call_etc, want_etc, run_etc, NULL, observe_mounts, "unless an OCI bundle's root" },
	{ "init", START, CONT, 13,
	  "Bind-mount glassbox-init read-only at " GB_INIT_PATH
	  ": it will be PID 1, reap orphans and pass signals on to the command (--init).",
	  call_init, want_init, run_init, NULL, observe_mounts, "with --init" },
	/* storage (issue 5): after everything that writes into the root's directories */
	{ "read-only-root", START, CONT, 12,
	  "Remount the root read-only: writes fail except in volumes, tmpfs and /dev.",
	  call_readonly, want_readonly, run_readonly, NULL, observe_mounts, "with --read-only" },
	{ "hostname", START, CONT, 3,
	  "Set the host name inside the new UTS namespace; the host's own name does not change.",
	  call_hostname, want_hostname, run_hostname, NULL, observe_hostname, "unless --uts host" },
	{ "pivot_root", START, CONT, 4,
	  "Make the overlay the root and detach the old one: the host's files are now out of "
	  "reach.",
	  call_pivot, NULL, run_pivot, NULL, observe_mounts, NULL },
	/* terminal (issue 18): after pivot_root, /dev/pts/ptmx is the container's own */
	{ "tty", START, CONT, 16,
	  "Open a pty in the container's own devpts: its slave (/dev/pts/0) becomes the "
	  "controlling terminal and stdio, the master goes to the host to relay.",
	  call_tty, want_tty, run_tty, NULL, observe_tty, "with -t" },
	/* OCI (core/oci/): linux.sysctl, while /proc/sys is still writable */
	{ "sysctl", START, CONT, 16,
	  "Write the bundle's sysctls (linux.sysctl) into /proc/sys: only keys of the "
	  "container's own namespaces (net.*, IPC's kernel.shm*...), never host-wide ones.",
	  call_sysctl, want_sysctl, run_sysctl, NULL, NULL, "with linux.sysctl (glassbox-runc)" },
	{ "masked-paths", START, CONT, 16,
	  "Hide host-wide kernel files (/proc/kcore, /proc/keys, /sys/firmware...) and make "
	  "/proc/sys read-only.",
	  call_masks, want_masks, run_masks, NULL, observe_masks, "unless --privileged" },
	{ "capabilities", START, CONT, 16,
	  "Drop root's powers to a short list: from the bounding, permitted, effective, "
	  "inheritable and ambient sets.",
	  call_caps, NULL, run_caps, NULL, observe_caps, NULL },
	{ "no-new-privs", START, CONT, 15,
	  "Promise that no execve can ever grant privileges again (setuid bits and file "
	  "capabilities are ignored).",
	  call_nnp, want_nnp, run_nnp, NULL, observe_security, "unless no-new-privileges=false" },
	{ "seccomp", START, CONT, 15,
	  "Install the system call filter, last: from now on forbidden calls fail with EPERM "
	  "before the kernel runs them.",
	  call_seccomp, want_seccomp, run_seccomp, NULL, observe_security,
	  "unless seccomp=unconfined or --privileged" },
	{ "exec", START, CONT, 1,
	  "Replace the setup code with the container's command: it becomes PID 1 of the container.",
	  call_exec, NULL, run_exec, NULL, observe_exec, NULL },
};

const struct gb_step *gb_steps_table(size_t *n)
{
	*n = GB_ARRAY_LEN(steps);
	return steps;
}
