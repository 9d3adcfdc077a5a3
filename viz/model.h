/* The visualizer's model: what the event stream (docs/events.md) has said so far about
 * one container. Scenes draw only from here. Every fact carries the beat in which it last
 * changed (its "tag"), so a scene can glow and animate exactly what the last step changed. */
#ifndef VZ_MODEL_H
#define VZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/json.h"

#define VZ_MAX_STEPS 64
#define VZ_MAX_MOUNTS 24
#define VZ_MAX_LIST 16
#define VZ_NS_KINDS 7
#define VZ_STR 96

enum vz_state {
	VZ_ST_NONE,
	VZ_ST_CREATED,
	VZ_ST_RUNNING,
	VZ_ST_PAUSED,
	VZ_ST_STOPPED,
	VZ_ST_REMOVED,
	VZ_ST_COUNT
};

enum vz_step_state { VZ_STEP_PENDING, VZ_STEP_BEGUN, VZ_STEP_OK, VZ_STEP_FAILED, VZ_STEP_UNDONE };

/* Scenes, in keyboard order (1-8). */
enum vz_scene {
	VZ_SC_LIFECYCLE,
	VZ_SC_NAMESPACES,
	VZ_SC_CGROUPS,
	VZ_SC_OVERLAY,
	VZ_SC_PID1,
	VZ_SC_NETWORK,
	VZ_SC_VMS,
	VZ_SC_CHAIN, /* an OCI container: who asked for it (oci.* events, model_oci.c) */
	VZ_SC_COUNT
};

struct vz_step {
	char name[48], side[12];
	char call[512], explain[320];
	char err[256], errno_name[24], hint[256];
	int index, lab;
	enum vz_step_state state;
	int tag;
};

struct vz_mount {
	char target[VZ_STR], fstype[24], source[48];
};
struct vz_signal {
	char signal[16], by[16];
	int pid, tag;
	bool forwarded;
};
struct vz_proc {
	int pid, nspid[4], n_nspid, tag;
	char argv[VZ_STR];
};
struct vz_exit {
	int pid, exit_code, status, tag;
	char signal[16];
	bool oom_killed, valid;
};
struct vz_addr {
	char ifname[24], addr[48], netns[12];
	int tag;
};
struct vz_link {
	char name[24], addrs[2][48];
	int n_addrs;
	bool up, up_known;
};
struct vz_layer {
	char id[24], instruction[VZ_STR];
	long long size;
	bool cached;
	bool pulled; /* from an image.pull event: instruction holds its digest */
	int tag;
};
struct vz_change {
	char path[VZ_STR], kind[16];
	long long size;
	int tag;
};
struct vz_volume {
	char kind[12], source[VZ_STR], target[VZ_STR];
	bool ro;
	int tag;
};

/* A recorded race of a container and a VM (glassbox compare). Times are seconds after
 * the common start (the `t` of vm.start); 0 = not yet. */
#define VZ_VM_STAGES 4
struct vz_race {
	bool seen; /* any vm.* or compare.* event */
	double t0;
	char accel[8]; /* "tcg" or "kvm" */
	char stage_names[VZ_VM_STAGES][24];
	double stage_end[VZ_VM_STAGES];
	int stage; /* the VM stage running now (VZ_VM_STAGES: done) */
	double vm_exit, ct_start, ct_first, ct_exit;
	double vm_rss, vm_pss, ct_mem, guest_memtotal; /* bytes */
	char ct_kernel[64], vm_kernel[64], host_kernel[64], mem_source[32], ct_nspid[32];
	int qemu_pid, threads, ct_pid, ct_procs, vm_procs;
	bool result; /* compare.result seen: the numbers are final */
	int tag, mem_tag;
};

/* A number with the value before its last change, for eased gauges. */
struct vz_num {
	double now, before;
	int tag;
	bool known;
};

/* One process of the chain a client built down to an OCI container (event oci.chain). */
struct vz_chain_link {
	char role[16], comm[24], args[160];
	int pid, ppid;
};
struct vz_chain {
	struct vz_chain_link links[8];
	int n, tag;
	char verb[16], caller[24]; /* the last oci.request: which verb, asked by whom */
	int caller_pid, verb_tag, n_requests;
};

struct vz_model {
	int tag;  /* beat being built: events applied now carry this tag */
	double t; /* `t` of the last event applied (CLOCK_MONOTONIC s) */
	char id[16], name[64];
	char log[256], error[256], error_hint[256];
	/* The caption of the last beat: a step's call and sentence, or what an event means. */
	char cap_call[512], cap_text[320]; /* the scene shortens a long call */
	bool cap_failed;
	int cap_tag;
	int log_tag, error_tag;

	enum vz_state state, state_from;
	int state_tag;
	bool visited[VZ_ST_COUNT];
	bool edge[VZ_ST_COUNT][VZ_ST_COUNT]; /* transitions that have happened */

	struct vz_step steps[VZ_MAX_STEPS];
	int n_steps, total_steps, cur_step; /* cur_step: 1-based index, 0 none */
	char phase[16];			    /* "create" or "start": each has its own table */

	/* observed namespaces: container vs host (inode numbers, 0 unknown) */
	unsigned long long ns[VZ_NS_KINDS], ns_host[VZ_NS_KINDS];
	int ns_tag;
	int pid, nspid[4], n_nspid, pid_tag;
	char hostname[64], host_hostname[64];
	int hostname_tag;
	/* terminals (issue 18): rows setsid and tty. tty_nr 0: no controlling terminal;
	 * fds: where the container's fds 0-2 point ("pipe:[..]", "/dev/null", "/dev/pts/0") */
	bool tty_known;
	int session, tty_nr, tty_tag;
	char fds[3][40];
	struct vz_mount mounts[VZ_MAX_MOUNTS];
	int n_mounts, mounts_tag;
	char lower[4][VZ_STR], upper[VZ_STR], work[VZ_STR];
	int n_lower, rootfs_tag;
	char argv[VZ_STR], cwd[VZ_STR];
	struct vz_link links[6];
	int n_links, links_tag;

	/* cgroups */
	struct vz_num mem_usage, mem_limit, mem_max, cpu_percent, cpu_quota, cpu_period,
		throttled_ns, nr_throttled, pids_cur, pids_max;
	int oom_count, oom_tag, n_samples;
	bool cg_v1; /* the samples came from cgroup v1 files (v1 or hybrid host) */
	char freezer[16];
	int freezer_tag;

	/* PID 1, signals, stop */
	struct vz_signal signals[VZ_MAX_LIST];
	int n_signals;
	struct vz_proc procs[VZ_MAX_LIST];
	int n_procs;
	struct vz_exit exit;
	int zombies, zombie_pids[VZ_MAX_LIST], n_zombie_pids, zombies_tag;
	int reaped[VZ_MAX_LIST], n_reaped, reaped_tag;
	double grace_seconds, grace_deadline, grace_start;
	bool grace_active, grace_expired;
	int grace_tag;

	/* network */
	char host_if[24], container_if[24], bridge[24];
	int veth_tag;
	struct vz_addr addrs[8];
	int n_addrs;
	char route_dst[48], route_gw[48], route_if[24];
	int route_tag;
	char publish[64];
	int publish_tag;

	/* storage */
	struct vz_layer layers[VZ_MAX_LIST];
	int n_layers;
	struct vz_change changes[VZ_MAX_LIST];
	int n_changes;
	struct vz_volume volumes[6];
	int n_volumes;

	/* containers vs VMs: measured numbers (event "measure") */
	double ct_start_ms, vm_start_ms, ct_rss_mb, vm_rss_mb;
	char host_kernel[48], guest_kernel[48];
	int measure_tag;
	struct vz_race race;   /* glassbox compare: vm.* and compare.* events (model_vm.c) */
	struct vz_chain chain; /* glassbox-runc: oci.chain and oci.request (model_oci.c) */

	int n_unknown; /* events of types this viz does not know */
};

extern const char *const vz_state_names[VZ_ST_COUNT];
extern const char *const vz_ns_kinds[VZ_NS_KINDS];
extern const char *const vz_scene_names[VZ_SC_COUNT];

void vz_model_init(struct vz_model *m);
/* Apply one event. Unknown types and members are ignored (counted in n_unknown). */
void vz_model_apply(struct vz_model *m, const struct gb_jval *ev);
/* Whether this event ends a beat (one press of Space in replay). */
bool vz_event_ends_beat(const struct gb_jval *ev);
/* The scene that best shows this event (applied to m already), or -1 to keep the current. */
int vz_event_scene(const struct vz_model *m, const struct gb_jval *ev);
int vz_scene_by_name(const char *name);
/* vm.* and compare.* events (model_vm.c): true when the event was one of them. */
bool vz_model_vm(struct vz_model *m, const char *type, const struct gb_jval *e);
/* oci.* events (model_oci.c): true when the event was one of them. */
bool vz_model_oci(struct vz_model *m, const char *type, const struct gb_jval *e);
/* Set the caption for this event (caption.c). */
void vz_caption_apply(struct vz_model *m, const char *type, const struct gb_jval *ev);

#endif
