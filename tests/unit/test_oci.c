/* Unit tests: an OCI bundle's config.json into a glassbox config (core/oci/oci_config.c):
 * what Docker 20.10 writes, namespaces new, absent and joined by path, limits, capabilities,
 * mounts the engine makes itself, seccomp re-encoded; bad input refused naming the path. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "base/util.h"
#include "cgroup/cpuset.h"
#include "engine/user.h"
#include "oci/oci_config.h"
#include "oci/oci_runtime.h"

/* What Docker 20.10 writes for `docker run --memory 64m --pids-limit 50 --read-only -u 1000:1000
 * --hostname h1 -v /srv:/data:ro IMAGE sh -c 'echo hi'`, trimmed to the members we read. */
static const char docker_config[] =
	"{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},"
	"\"args\":[\"sh\",\"-c\",\"echo hi\"],\"env\":[\"PATH=/bin\",\"HOSTNAME=h1\"],"
	"\"cwd\":\"/work\",\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],"
	"\"effective\":[\"CAP_CHOWN\",\"CAP_KILL\"]},\"noNewPrivileges\":false,"
	"\"apparmorProfile\":\"docker-default\",\"oomScoreAdj\":0},"
	"\"root\":{\"path\":\"/var/lib/docker/overlay2/abc/merged\",\"readonly\":true},"
	"\"hostname\":\"h1\",\"mounts\":["
	"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
	"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"},"
	"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\"},"
	"{\"destination\":\"/dev/shm\",\"type\":\"bind\",\"source\":\"/x/"
	"shm\",\"options\":[\"rbind\"]},"
	"{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/"
	"srv\",\"options\":[\"rbind\",\"ro\"]},"
	"{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/x/"
	"hosts\",\"options\":[\"rbind\",\"rprivate\"]},"
	"{\"destination\":\"/"
	"run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"size=1m\"]}],"
	"\"hooks\":{\"prestart\":[{\"path\":\"/proc/1/exe\",\"args\":[\"libnetwork-setkey\"]}]},"
	"\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
	"\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000},\"pids\":{\"limit\":50},"
	"\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
	"\"cgroupsPath\":\"/docker/"
	"abc\",\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"network\","
	"\"path\":\"/var/run/docker/netns/"
	"1\"},{\"type\":\"uts\"},{\"type\":\"pid\"},{\"type\":\"ipc\"}],"
	"\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"]"
	","
	"\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]},"
	"\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]},"
	"\"annotations\":{\"a\":\"b\"},\"unknownMember\":{\"ignored\":true}}";

static void docker_20_10_config(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err = { 0 };
	assert_int_equal(
		gb_oci_config_parse(docker_config, strlen(docker_config), "/b", &c, &x, &err), 0);
	assert_string_equal(c.cmd[2], "echo hi");
	assert_null(c.entrypoint);
	assert_string_equal(c.env[1], "HOSTNAME=h1");
	assert_string_equal(c.workdir, "/work");
	assert_string_equal(c.user, "1000:1000");
	assert_string_equal(c.rootfs_dir, "/var/lib/docker/overlay2/abc/merged");
	assert_true(c.read_only);
	assert_string_equal(c.hostname, "h1");
	assert_true(c.no_new_privs_off);
	assert_string_equal(c.apparmor, "docker-default"); /* the container's, for the exec row */
	assert_string_equal(c.cap_drop[0], "ALL");
	assert_string_equal(c.cap_add[1], "CAP_KILL");
	assert_null(c.cap_add[2]);
	/* proc, /dev, cgroup and /dev/shm are the engine's; two binds and a tmpfs remain */
	assert_int_equal(c.nmounts, 3);
	assert_string_equal(c.mounts[0].target, "/data");
	assert_true(c.mounts[0].readonly);
	assert_int_equal(c.mounts[1].type, GB_MOUNT_BIND);
	assert_false(c.mounts[1].readonly);
	assert_int_equal(c.mounts[2].type, GB_MOUNT_TMPFS);
	assert_int_equal(c.limits.memory, 67108864);
	assert_int_equal(c.limits.memory_swap, 134217728);
	assert_int_equal(c.limits.cpu_quota_us, 50000);
	assert_int_equal(c.limits.cpu_period_us, 100000);
	assert_int_equal(c.limits.cpu_shares, 512);
	assert_true(c.limits.cpu_weight > 0);
	assert_int_equal(c.limits.pids_max, 50);
	/* the network namespace is joined by path: no new one, the create process enters it */
	assert_true(c.host_net);
	assert_false(c.host_pid || c.host_uts || c.host_ipc);
	assert_int_equal(x.njoin, 1);
	assert_int_equal(x.join[0].nstype, CLONE_NEWNET);
	assert_string_equal(x.join[0].path, "/var/run/docker/netns/1");
	assert_true(gb_oci_joins(&x, CLONE_NEWNET));
	assert_false(gb_oci_joins(&x, CLONE_NEWPID));
	assert_non_null(strstr(x.seccomp_json, "\"defaultAction\":\"SCMP_ACT_ERRNO\""));
	assert_non_null(strstr(x.seccomp_json, "\"names\":[\"read\",\"write\"]"));
	assert_string_equal(x.annotations[0], "a=b");
	assert_false(x.terminal);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

static int parse(const char *text, struct gb_config *c, struct gb_oci_extra *x, struct gb_err *err)
{
	memset(err, 0, sizeof *err);
	return gb_oci_config_parse(text, strlen(text), "/bundle", c, x, err);
}

#define MIN_PROCESS "\"process\":{\"args\":[\"sh\"]}"
#define MIN_LINUX "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}"

static void minimal_config_defaults(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(parse("{" MIN_PROCESS ",\"root\":{\"path\":\"rootfs\"}," MIN_LINUX "}", &c,
			       &x, &err),
			 0);
	assert_string_equal(c.rootfs_dir, "/bundle/rootfs"); /* relative to the bundle */
	assert_string_equal(c.workdir, "/");
	assert_string_equal(c.user, "");
	assert_true(c.no_new_privs_off); /* absent means false */
	assert_non_null(c.env);
	assert_null(c.env[0]);
	/* namespaces not listed are the host's */
	assert_true(c.host_pid && c.host_net && c.host_ipc && c.host_uts);
	assert_null(x.seccomp_json);
	assert_null(c.cap_add[0]); /* no bounding set: no capabilities */
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

static void expect_refused(const char *text, const char *names);

/* process.rlimits and oomScoreAdj: kept for create to set before the clone. */
static void rlimits_and_oom(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(parse("{\"process\":{\"args\":[\"sh\"],\"oomScoreAdj\":-500,"
			       "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":512,\"hard\":"
			       "1024},{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":0}]},"
			       "\"root\":{\"path\":\"rootfs\"}," MIN_LINUX "}",
			       &c, &x, &err),
			 0);
	assert_int_equal(x.nrlimits, 2);
	assert_int_equal(x.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(x.rlimits[0].soft, 512);
	assert_int_equal(x.rlimits[0].hard, 1024);
	assert_int_equal(x.rlimits[1].resource, RLIMIT_CORE);
	assert_true(x.has_oom_score_adj);
	assert_int_equal(x.oom_score_adj, -500);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOPE\","
		       "\"soft\":1,\"hard\":1}]},\"root\":{\"path\":\"r\"}," MIN_LINUX "}",
		       "process.rlimits[].type");
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\","
		       "\"soft\":2,\"hard\":1}]},\"root\":{\"path\":\"r\"}," MIN_LINUX "}",
		       "process.rlimits[].soft/hard");
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"oomScoreAdj\":5000},\"root\":{\"path\":"
		       "\"r\"}," MIN_LINUX "}",
		       "process.oomScoreAdj");
}

/* process.user.additionalGids: the engine's spec UID:GID:G1,G2, which setgroups exactly. */
static void additional_gids(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(
		parse("{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":1000,\"gid\":"
		      "1000,\"additionalGids\":[5,6]}},\"root\":{\"path\":\"r\"}," MIN_LINUX "}",
		      &c, &x, &err),
		0);
	assert_string_equal(c.user, "1000:1000:5,6");
	struct gb_user u;
	assert_int_equal(gb_user_lookup(c.user, NULL, NULL, &u, &err), 0);
	assert_int_equal(u.uid, 1000);
	assert_int_equal(u.gid, 1000);
	assert_int_equal(u.n_groups, 2);
	assert_int_equal(u.groups[0], 5);
	assert_int_equal(u.groups[1], 6);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"user\":{\"additionalGids\":[\"x\"]}},"
		       "\"root\":{\"path\":\"r\"}," MIN_LINUX "}",
		       "process.user.additionalGids");
}

/* A user namespace with config.json's maps: the engine's --uidmap/--gidmap. */
static void user_namespace_maps(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(
		parse("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		      "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
		      "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
		      "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1000}]}}",
		      &c, &x, &err),
		0);
	assert_int_equal(c.uid_map.n, 1);
	assert_int_equal(c.uid_map.r[0].inside, 0);
	assert_int_equal(c.uid_map.r[0].outside, 100000);
	assert_int_equal(c.uid_map.r[0].count, 65536);
	assert_int_equal(c.gid_map.r[0].outside, 200000);
	assert_int_equal(c.gid_map.r[0].count, 1000);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	expect_refused("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		       "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
		       "\"uidMappings\":[{\"containerID\":0,\"hostID\":-1,\"size\":1}]}}",
		       "linux.uidMappings");
	/* joined by path: no maps of config.json's (create reads the namespace's own) */
	assert_int_equal(
		parse("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		      "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\",\"path\":"
		      "\"/proc/1/ns/user\"}]}}",
		      &c, &x, &err),
		0);
	assert_string_equal(c.userns_path, "/proc/1/ns/user");
	assert_int_equal(c.uid_map.n, 0);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	expect_refused("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		       "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\",\"path\":"
		       "\"/proc/1/ns/user\"}],"
		       "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]}}",
		       "linux.uidMappings");
	expect_refused("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		       "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\",\"path\":"
		       "\"ns/user\"}]}}",
		       "linux.namespaces[].path");
}

/* linux.rootfsPropagation -> MS_* flags (issue 14); cpu.cpus/mems lists checked. */
static void propagation_and_cpuset(void **state)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} k[] = { { "rshared", MS_REC | MS_SHARED },
		  { "slave", MS_SLAVE },
		  { "rprivate", MS_REC | MS_PRIVATE },
		  { "unbindable", MS_UNBINDABLE } };
	for (size_t i = 0; i < sizeof k / sizeof *k; i++) {
		struct gb_config c;
		struct gb_oci_extra x;
		struct gb_err err;
		char text[512];
		snprintf(text, sizeof text,
			 "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},"
			 "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
			 "\"rootfsPropagation\":\"%s\",\"resources\":{\"cpu\":{\"cpus\":"
			 "\"0-1,3\",\"mems\":\"0\"}}}}",
			 k[i].name);
		assert_int_equal(parse(text, &c, &x, &err), 0);
		assert_int_equal(c.rootfs_propagation, k[i].flags);
		assert_string_equal(c.cpuset_cpus, "0-1,3");
		gb_config_free(&c);
		gb_oci_extra_free(&x);
	}
	expect_refused("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{"
		       "\"namespaces\":[{\"type\":\"mount\"}],\"rootfsPropagation\":\"rshard\"}}",
		       "linux.rootfsPropagation");
	static const char *const bad[] = { "", "1-", "-1", "1,", "3-1", "a", "0,,1", "1 2" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[512];
		snprintf(text, sizeof text,
			 "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},"
			 "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
			 "\"resources\":{\"cpu\":{\"mems\":\"%s\"}}}}",
			 bad[i]);
		if (bad[i][0])
			expect_refused(text, "linux.resources.cpu.mems");
		else
			assert_int_equal(gb_cpuset_check_list(bad[i], "x", NULL), -EINVAL);
	}
}

static void expect_refused(const char *text, const char *names)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(parse(text, &c, &x, &err), -EINVAL);
	if (!strstr(err.msg, names))
		fail_msg("\"%s\" does not name %s", err.msg, names);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

#define ROOT "\"root\":{\"path\":\"r\"}"

static void bad_input_names_the_path(void **state)
{
	expect_refused("not json", "not valid JSON");
	expect_refused("[]", "top level");
	expect_refused("{" ROOT "," MIN_LINUX "}", "process");
	expect_refused("{\"process\":{\"args\":[]}," ROOT "," MIN_LINUX "}", "process.args");
	expect_refused("{\"process\":{\"args\":\"sh\"}," ROOT "," MIN_LINUX "}", "process.args");
	expect_refused("{\"process\":{\"args\":[1]}," ROOT "," MIN_LINUX "}", "process.args");
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"env\":{}}," ROOT "," MIN_LINUX "}",
		       "process.env");
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"cwd\":\"rel\"}," ROOT "," MIN_LINUX "}",
		       "process.cwd");
	expect_refused("{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":-1}}," ROOT "," MIN_LINUX
		       "}",
		       "process.user");
	expect_refused("{" MIN_PROCESS "," MIN_LINUX "}", "root.path");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"hostname\":\"a b\"," MIN_LINUX "}", "hostname");
	expect_refused("{" MIN_PROCESS "," ROOT "}", "linux");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}",
		       "\"mount\"");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},"
		       "{\"type\":\"nope\"}]}}",
		       "linux.namespaces[].type");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},"
		       "{\"type\":\"mount\"}]}}",
		       "twice");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\","
		       "\"path\":\"proc/1/ns/mnt\"}]}}",
		       "linux.namespaces[].path");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},"
		       "{\"type\":\"cgroup\",\"path\":\"/proc/1/ns/cgroup\"}]}}",
		       "linux.namespaces[].path");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"},"
		       "{\"type\":\"user\"}]}}",
		       "user");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"mounts\":[{\"destination\":\"rel\",\"type\":"
		       "\"bind\"}]," MIN_LINUX "}",
		       "mounts[].destination");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"mounts\":[{\"destination\":\"/x\",\"type\":"
		       "\"nfs\"}]," MIN_LINUX "}",
		       "mounts[].type");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
		       "\"resources\":{\"memory\":{\"limit\":1000}}}}",
		       "memory.limit");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
		       "\"resources\":{\"cpu\":{\"shares\":1}}}}",
		       "cpu.shares");
	expect_refused("{" MIN_PROCESS "," ROOT ",\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],"
		       "\"seccomp\":{\"syscalls\":[]}}}",
		       "defaultAction");
	expect_refused("{" MIN_PROCESS "," ROOT "," MIN_LINUX ",\"annotations\":{\"a\":1}}",
		       "annotations");
}

/* exec --process: config.json's process object alone, as containerd's shim writes it. */
static void exec_process_json(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err = { 0 };
	const char *ok = "{\"args\":[\"sh\",\"-c\",\"exit 5\"],\"env\":[\"A=1\"],\"cwd\":\"/tmp\","
			 "\"user\":{\"uid\":7,\"gid\":8},\"terminal\":false}";
	assert_int_equal(gb_oci_process_parse(ok, strlen(ok), &c, &x, &err), 0);
	assert_string_equal(c.cmd[2], "exit 5");
	assert_string_equal(c.env[0], "A=1");
	assert_string_equal(c.workdir, "/tmp");
	assert_string_equal(c.user, "7:8");
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	const char *bad[] = { "", "[]", "{}", "{\"args\":[\"sh\"],\"cwd\":\"x\"}" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(gb_oci_process_parse(bad[i], strlen(bad[i]), &c, &x, &err),
				 -EINVAL);
		assert_true(err.msg[0] != '\0');
		gb_config_free(&c);
		gb_oci_extra_free(&x);
	}
}

static void ids(void **state)
{
	assert_true(gb_oci_id_valid(
		"9959bbb9f6fc9284ea723930c73efb5dbfc60f57e18c4a0a12b103aa7a7997db"));
	assert_true(gb_oci_id_valid("my_ctr-1.2+x"));
	assert_false(gb_oci_id_valid(""));
	assert_false(gb_oci_id_valid("."));
	assert_false(gb_oci_id_valid(".."));
	assert_false(gb_oci_id_valid("a/b"));
	assert_false(gb_oci_id_valid("a b"));
}

/* config.json's mounts, every one and in its order, as the oci-mounts row makes them. */
static void mounts_in_order(void **state)
{
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err = { 0 };
	assert_int_equal(
		gb_oci_config_parse(docker_config, strlen(docker_config), "/b", &c, &x, &err), 0);
	assert_ptr_equal(c.fsmounts, x.mounts);
	assert_true(c.nfsmounts >= 6);
	assert_string_equal(c.fsmounts[0].target, "/proc");
	assert_string_equal(c.fsmounts[1].target, "/dev");
	assert_string_equal(c.fsmounts[2].type, "cgroup");
	assert_string_equal(c.fsmounts[3].target, "/dev/shm");
	assert_int_equal(c.fsmounts[3].flags, MS_BIND | MS_REC);
	assert_int_equal(c.fsmounts[4].flags, MS_BIND | MS_REC | MS_RDONLY);
	assert_int_equal(c.fsmounts[5].propagation, MS_PRIVATE | MS_REC);
	struct gb_fsmount m = { 0 };
	gb_fsmount_option(&m, "nosuid");
	gb_fsmount_option(&m, "mode=755");
	gb_fsmount_option(&m, "size=65536k");
	gb_fsmount_option(&m, "rslave");
	assert_int_equal(m.flags, MS_NOSUID);
	assert_string_equal(m.data, "mode=755,size=65536k");
	assert_int_equal(m.propagation, MS_SLAVE | MS_REC);
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

static void cgroups_paths(void **state)
{
	char out[256];
	assert_int_equal(gb_oci_cgroups_path("/docker/abc", out, sizeof out), 0);
	assert_string_equal(out, "docker/abc");
	assert_int_equal(gb_oci_cgroups_path("/cgrouptest", out, sizeof out), 0);
	assert_string_equal(out, "cgrouptest");
	assert_int_equal(gb_oci_cgroups_path("testdir/cgrouptest/container", out, sizeof out), 0);
	assert_string_equal(out, "testdir/cgrouptest/container");
	assert_int_equal(gb_oci_cgroups_path("system.slice:docker:abc", out, sizeof out), 0);
	assert_string_equal(out, "system.slice/docker-abc.scope");
	assert_int_equal(gb_oci_cgroups_path("machine-k8s-pod1.slice:cri:abc", out, sizeof out), 0);
	assert_string_equal(out,
			    "machine.slice/machine-k8s.slice/machine-k8s-pod1.slice/cri-abc.scope");
	assert_int_equal(gb_oci_cgroups_path(":podman:abc", out, sizeof out), 0);
	assert_string_equal(out, "system.slice/podman-abc.scope");
	assert_int_equal(gb_oci_cgroups_path("/a/../../etc", out, sizeof out), -EINVAL);
	assert_int_equal(gb_oci_cgroups_path("/", out, sizeof out), -EINVAL);
	assert_int_equal(gb_oci_cgroups_path("nodot:x:y", out, sizeof out), -EINVAL);
	assert_int_equal(gb_oci_cgroups_path("a.slice:x:../y", out, sizeof out), -EINVAL);
	struct gb_config c;
	struct gb_oci_extra x;
	struct gb_err err;
	assert_int_equal(
		parse("{" MIN_PROCESS ",\"root\":{\"path\":\"r\"},\"linux\":{"
		      "\"cgroupsPath\":\"/docker/x\",\"namespaces\":[{\"type\":\"mount\"}]}}",
		      &c, &x, &err),
		0);
	assert_string_equal(c.cgroup_path, "docker/x");
	gb_config_free(&c);
	gb_oci_extra_free(&x);
	assert_int_equal(parse("{" MIN_PROCESS ",\"root\":{\"path\":\"r\"},\"linux\":{"
			       "\"cgroupsPath\":\"/../x\",\"namespaces\":[{\"type\":\"mount\"}]}}",
			       &c, &x, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "linux.cgroupsPath"));
	gb_config_free(&c);
	gb_oci_extra_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docker_20_10_config),
		cmocka_unit_test(minimal_config_defaults),
		cmocka_unit_test(bad_input_names_the_path),
		cmocka_unit_test(exec_process_json),
		cmocka_unit_test(ids),
		cmocka_unit_test(rlimits_and_oom),
		cmocka_unit_test(additional_gids),
		cmocka_unit_test(user_namespace_maps),
		cmocka_unit_test(mounts_in_order),
		cmocka_unit_test(cgroups_paths),
		cmocka_unit_test(propagation_and_cpuset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
