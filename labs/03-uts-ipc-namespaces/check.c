/* Lab 03 check: the UTS and IPC namespaces. A host name set inside leaves the host's
 * untouched; a SysV message queue, a SysV shared memory segment and a POSIX message
 * queue made in container A's IPC namespace exist there and nowhere else: not on the
 * host, not in a second container B. Negative control: --uts host --ipc host. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host/hostcheck.h"
#include "lab.h"
#include "ns/ns.h"
#include "engine/observe.h"

static void control(struct gb_config *cfg)
{
	cfg->host_uts = true;
	cfg->host_ipc = true;
}

enum ipc_op { IPC_MAKE, IPC_LOOK, IPC_REMOVE };

struct objects {
	key_t key;	  /* one key for the SysV queue and the segment */
	char mq_name[64]; /* the POSIX queue, "/glassbox-lab03-PID" */
};

/* Run in a child that joined pid's IPC namespace (pid 0: stay in ours, the host's).
 * Exit status: a bit per object that exists (LOOK) or was made (MAKE). */
static int ipc_child(const struct objects *o, enum ipc_op op)
{
	int found = 0;
	int flags = op == IPC_MAKE ? IPC_CREAT | IPC_EXCL | 0600 : 0;
	int q = msgget(o->key, flags), m = shmget(o->key, op == IPC_MAKE ? 4096 : 0, flags);
	mqd_t mq = op == IPC_MAKE ? mq_open(o->mq_name, O_CREAT | O_EXCL | O_RDWR, 0600, NULL)
				  : mq_open(o->mq_name, O_RDONLY);
	found |= (q >= 0) | (m >= 0) << 1 | (mq != (mqd_t)-1) << 2;
	if (op == IPC_REMOVE) {
		if (q >= 0)
			msgctl(q, IPC_RMID, NULL);
		if (m >= 0)
			shmctl(m, IPC_RMID, NULL);
		mq_unlink(o->mq_name);
	}
	return found;
}

static int in_ipc_ns(pid_t pid, const struct objects *o, enum ipc_op op)
{
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		/* Rootless: the IPC namespace belongs to the container's user namespace. */
		if (pid && gb_ns_enter_one(pid, GB_NS_IPC, NULL) < 0)
			_exit(64);
		_exit(ipc_child(o, op));
	}
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 64)
		return -ESRCH;
	return WEXITSTATUS(status);
}

static void where(int bits, const char *place, char *buf, size_t len)
{
	static const char *const names[] = { "SysV queue", "SysV segment", "POSIX queue" };
	for (int i = 0; i < 3; i++)
		if (bits & 1 << i) {
			size_t used = strlen(buf);
			snprintf(buf + used, len - used, "%s%s %s", used ? "; " : "", names[i],
				 place);
		}
}

static void check_ipc(struct gb_check *c, pid_t a, pid_t b)
{
	struct objects o = { .key = 0x6c030000 | (getpid() & 0xffff) };
	snprintf(o.mq_name, sizeof o.mq_name, "/glassbox-lab03-%d", (int)getpid());
	int made = in_ipc_ns(a, &o, IPC_MAKE);
	if (made != 7) {
		gb_check_error(
			c,
			"could not make IPC objects in container A's IPC namespace (made: %d of 3)",
			made < 0 ? 0 : __builtin_popcount(made));
		in_ipc_ns(a, &o, IPC_REMOVE);
		return;
	}
	int in_a = in_ipc_ns(a, &o, IPC_LOOK), on_host = in_ipc_ns(0, &o, IPC_LOOK);
	int in_b = in_ipc_ns(b, &o, IPC_LOOK);
	in_ipc_ns(a, &o, IPC_REMOVE); /* made in A's namespace: removed there */
	if (in_a < 0 || on_host < 0 || in_b < 0) {
		gb_check_error(
			c,
			"could not look for the IPC objects (setns into an IPC namespace failed)");
		return;
	}
	char seen[300] = "";
	where(on_host > 0 ? on_host : 0, "on the host", seen, sizeof seen);
	where(in_b > 0 ? in_b : 0, "in container B", seen, sizeof seen);
	if (in_a == 7 && !seen[0])
		gb_check_is(c, "ipc-private", true,
			    "a SysV queue and segment (key 0x%08x) and a POSIX queue %s made in "
			    "container A "
			    "exist there only: msgget/shmget/mq_open find none on the host or in "
			    "container B",
			    (unsigned)o.key, o.mq_name);
	else
		gb_check_is(c, "ipc-private", false,
			    "IPC objects made in container A are shared: %s",
			    seen[0] ? seen : "not even in A");
}

/* sethostname() from a child that joined pid's UTS namespace (never ours: the caller
 * made sure the namespaces differ). */
static int set_hostname_in(pid_t pid, const char *name)
{
	pid_t child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		if (gb_ns_enter_one(pid, GB_NS_UTS, NULL) < 0)
			_exit(1);
		_exit(sethostname(name, strlen(name)) == 0 ? 0 : 1);
	}
	int status;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

static void check_uts(struct gb_check *c, const struct gb_state *st, const struct gb_ns_ids *ns,
		      const struct gb_ns_ids *host)
{
	char before[256] = "", after[256] = "", host_name[256] = "";
	gethostname(host_name, sizeof host_name - 1);
	if (ns->ino[GB_NS_UTS] == host->ino[GB_NS_UTS]) {
		/* We never rename the host: sharing the namespace is the whole finding. */
		gb_check_is(c, "uts-ns", false,
			    "its UTS namespace uts:[%llu] is the host's: a host name set inside "
			    "would rename the host \"%s\"",
			    ns->ino[GB_NS_UTS], host_name);
		return;
	}
	if (gb_observe_hostname(st->pid, before, sizeof before) < 0) {
		gb_check_error(c, "cannot read the host name in the UTS namespace of PID %d",
			       (int)st->pid);
		return;
	}
	char name[64];
	snprintf(name, sizeof name, "lab03-check-%d", (int)getpid());
	/* The container's own root usually may not: sethostname needs CAP_SYS_ADMIN, which
	 * the default capabilities drop. A helper that joins its UTS namespace may. */
	if (set_hostname_in(st->pid, name) < 0) {
		gb_check_error(c, "sethostname(\"%s\") in the UTS namespace of PID %d failed", name,
			       (int)st->pid);
		return;
	}
	if (gb_observe_hostname(st->pid, after, sizeof after) < 0) {
		set_hostname_in(st->pid, before);
		gb_check_error(c, "cannot read the host name back in the UTS namespace of PID %d",
			       (int)st->pid);
		return;
	}
	char now_host[256] = "";
	gethostname(now_host, sizeof now_host - 1);
	if (before[0])
		set_hostname_in(st->pid, before);
	if (!strcmp(after, name) && !strcmp(now_host, host_name))
		gb_check_is(c, "uts-ns", true,
			    "host name \"%s\" set in its UTS namespace uts:[%llu] shows inside "
			    "only; the host is still \"%s\"",
			    name, ns->ino[GB_NS_UTS], now_host);
	else
		gb_check_is(c, "uts-ns", false,
			    "after setting host name \"%s\" in its UTS namespace, the container "
			    "says \"%s\" and the host \"%s\"",
			    name, after, now_host);
}

/* Container B: a second container, with the same control applied, started here. */
static int start_b(struct gb_check *c, char id[GB_ID_LEN + 1], struct gb_state *st)
{
	struct gb_config cfg;
	gb_config_init(&cfg);
	snprintf(cfg.image, sizeof cfg.image, "busybox");
	char *const cmd[] = { "sleep", "300", NULL };
	cfg.cmd = gb_strv_dup(cmd);
	cfg.env = calloc(1, sizeof *cfg.env);
	if (c->control)
		control(&cfg);
	int code = 0;
	int r = gb_container_run(c->rt, &cfg, false, &code, id, &c->err);
	gb_config_free(&cfg);
	if (r < 0)
		return r;
	return gb_state_find(c->rt, id, st, &c->err);
}

/* The engine's `hostname` step: `hostname` run inside says the name the container was
 * given, not the host's. */
static void check_hostname(struct gb_check *c, const struct gb_state *st)
{
	char *const cmd[] = { "hostname", NULL };
	char out[256], host[256] = "";
	gethostname(host, sizeof host - 1);
	int code = gb_check_exec_output(c, st->cfg.id, cmd, out, sizeof out);
	if (code < 0)
		return;
	out[strcspn(out, "\n")] = '\0';
	/* A container the check started says the name it was given; a student's may have
	 * been renamed since (lab 03's guide does): a name of its own is enough there. */
	bool own =
		code == 0 && strcmp(out, host) && (c->container || !strcmp(out, st->cfg.hostname));
	gb_check_is(c, "hostname-set", own || (c->control && code == 0 && !strcmp(out, host)),
		    "inside, `hostname` exits %d and says \"%s\"; it was given \"%s\", the host is "
		    "\"%s\"",
		    code, out, st->cfg.hostname, host);
}

static void check_namespaces(struct gb_check *c, const struct gb_state *a, const struct gb_state *b,
			     const struct gb_ns_ids *ns, const struct gb_ns_ids *host)
{
	check_uts(c, a, ns, host);
	if (!c->container || a->status == GB_STATUS_RUNNING)
		check_hostname(c, a);
	gb_check_is(c, "ipc-ns", ns->ino[GB_NS_IPC] != host->ino[GB_NS_IPC],
		    "IPC namespace ipc:[%llu] (/proc/%d/ns/ipc) %s the host's ipc:[%llu]",
		    ns->ino[GB_NS_IPC], (int)a->pid,
		    ns->ino[GB_NS_IPC] != host->ino[GB_NS_IPC] ? "differs from" : "is",
		    host->ino[GB_NS_IPC]);
	check_ipc(c, a->pid, b->pid);
}

static int check(struct gb_check *c)
{
	if (!gb_check_host_has(c, "ns.uts") || !gb_check_host_has(c, "ns.ipc"))
		return 0;
	struct gb_state a, b;
	char *const cmd[] = { "sleep", "300", NULL };
	int r = gb_check_container(c, control, cmd, true, &a);
	if (r < 0)
		return r;
	char b_id[GB_ID_LEN + 1] = "";
	r = start_b(c, b_id, &b);
	if (r == 0) {
		struct gb_ns_ids ns, host;
		gb_ns_read(a.pid, &ns);
		gb_ns_read(0, &host);
		if (!ns.ino[GB_NS_UTS] || !ns.ino[GB_NS_IPC] || !host.ino[GB_NS_IPC])
			gb_check_error(c, "cannot read /proc/%d/ns/uts and ns/ipc", (int)a.pid);
		else
			check_namespaces(c, &a, &b, &ns, &host);
		gb_state_free(&b);
	}
	if (b_id[0]) {
		struct gb_err ignored;
		gb_container_rm(c->rt, b_id, true, &ignored);
	}
	gb_state_free(&a);
	return r;
}

const struct gb_lab gb_lab_03 = {
	.num = 3,
	.slug = "uts-ipc-namespaces",
	.title = "UTS and IPC namespaces",
	.feature = "host name set inside, unchanged outside; SysV/POSIX IPC objects not shared",
	.control = "--uts host --ipc host",
	.check = check,
	.trips = "uts-ns",
};
