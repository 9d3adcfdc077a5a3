/* seccomp: glassbox's default allowlist, Docker's JSON profile format, and loading the
 * filter as the very last step before execve(). seccomp(2), seccomp_rule_add(3),
 * prctl(2) PR_SET_NO_NEW_PRIVS. Lab 15. */
#include "security/seccomp.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/json.h"
#include "base/sha256.h"
#include "base/util.h"

/* ---- the default profile ---- */

/* Ordinary work: files, memory, signals, time, sockets, processes without new
 * namespaces. Names missing on this architecture are skipped (e.g. the *32 ones). */
static const char *const default_allow[] = {
	"accept",
	"accept4",
	"access",
	"adjtimex",
	"alarm",
	"arch_prctl",
	"bind",
	"brk",
	"cachestat",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chown32",
	"clock_adjtime",
	"clock_adjtime64",
	"clock_getres",
	"clock_getres_time64",
	"clock_gettime",
	"clock_gettime64",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"close",
	"close_range",
	"connect",
	"copy_file_range",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fadvise64_64",
	"fallocate",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchmodat2",
	"fchown",
	"fchown32",
	"fchownat",
	"fcntl",
	"fcntl64",
	"fdatasync",
	"fgetxattr",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"fstat",
	"fstat64",
	"fstatat64",
	"fstatfs",
	"fstatfs64",
	"fsync",
	"ftruncate",
	"ftruncate64",
	"futex",
	"futex_requeue",
	"futex_time64",
	"futex_wait",
	"futex_waitv",
	"futex_wake",
	"futimesat",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"getegid32",
	"geteuid",
	"geteuid32",
	"getgid",
	"getgid32",
	"getgroups",
	"getgroups32",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresgid32",
	"getresuid",
	"getresuid32",
	"getrlimit",
	"get_robust_list",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"get_thread_area",
	"gettid",
	"gettimeofday",
	"getuid",
	"getuid32",
	"getxattr",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"ioctl",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"io_pgetevents_time64",
	"ioprio_get",
	"ioprio_set",
	"io_setup",
	"io_submit",
	"io_uring_enter",
	"io_uring_register",
	"io_uring_setup",
	"ipc",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lchown32",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listxattr",
	"llistxattr",
	"_llseek",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"lstat64",
	"madvise",
	"map_shadow_stack",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mincore",
	"mkdir",
	"mkdirat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"mmap2",
	"modify_ldt",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedreceive_time64",
	"mq_timedsend",
	"mq_timedsend_time64",
	"mq_unlink",
	"mremap",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"nanosleep",
	"newfstatat",
	"_newselect",
	"open",
	"openat",
	"openat2",
	"pause",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"pkey_alloc",
	"pkey_free",
	"pkey_mprotect",
	"poll",
	"ppoll",
	"ppoll_time64",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_mrelease",
	"pselect6",
	"pselect6_time64",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"recv",
	"recvfrom",
	"recvmmsg",
	"recvmmsg_time64",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"restart_syscall",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_rr_get_interval_time64",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"semtimedop_time64",
	"send",
	"sendfile",
	"sendfile64",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"setfsgid",
	"setfsgid32",
	"setfsuid",
	"setfsuid32",
	"setgid",
	"setgid32",
	"setgroups",
	"setgroups32",
	"setitimer",
	"setpgid",
	"setpriority",
	"setregid",
	"setregid32",
	"setresgid",
	"setresgid32",
	"setresuid",
	"setresuid32",
	"setreuid",
	"setreuid32",
	"setrlimit",
	"set_robust_list",
	"setsid",
	"setsockopt",
	"set_thread_area",
	"set_tid_address",
	"setuid",
	"setuid32",
	"setxattr",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaltstack",
	"signalfd",
	"signalfd4",
	"sigprocmask",
	"sigreturn",
	"socketcall",
	"socketpair",
	"splice",
	"stat",
	"stat64",
	"statfs",
	"statfs64",
	"statx",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysinfo",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_gettime64",
	"timer_settime",
	"timer_settime64",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_gettime64",
	"timerfd_settime",
	"timerfd_settime64",
	"times",
	"tkill",
	"truncate",
	"truncate64",
	"ugetrlimit",
	"umask",
	"uname",
	"unlink",
	"unlinkat",
	"utime",
	"utimensat",
	"utimensat_time64",
	"utimes",
	"vfork",
	"vmsplice",
	"wait4",
	"waitid",
	"waitpid",
	"write",
	"writev",
};

/* Calls that only make sense with a capability: allowed only when the container keeps
 * it. Without it they would fail with EPERM anyway, but the filter also removes the
 * kernel code behind them from the container's reach (less attack surface). */
static const struct cap_gate {
	int cap;
	const char *names[24];
} default_gated[] = {
	{ CAP_SYS_ADMIN, { "bpf",	    "clone3",	       "fanotify_init", "fsconfig",
			   "fsmount",	    "fsopen",	       "fspick",	"lookup_dcookie",
			   "mount",	    "mount_setattr",   "move_mount",	"name_to_handle_at",
			   "open_tree",	    "perf_event_open", "quotactl",	"quotactl_fd",
			   "setdomainname", "sethostname",     "setns",		"syslog",
			   "umount",	    "umount2",	       "unshare",	NULL } },
	{ CAP_SYS_BOOT, { "reboot", "kexec_load", "kexec_file_load", NULL } },
	{ CAP_SYS_CHROOT, { "chroot", NULL } },
	{ CAP_SYS_MODULE, { "delete_module", "init_module", "finit_module", NULL } },
	{ CAP_SYS_PACCT, { "acct", NULL } },
	{ CAP_SYS_PTRACE,
	  { "kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev",
	    "ptrace", NULL } },
	{ CAP_SYS_RAWIO, { "iopl", "ioperm", NULL } },
	{ CAP_SYS_TIME, { "settimeofday", "stime", "clock_settime", "clock_settime64", NULL } },
	{ CAP_SYS_TTY_CONFIG, { "vhangup", NULL } },
	{ CAP_SYS_NICE, { "get_mempolicy", "mbind", "set_mempolicy", NULL } },
	{ CAP_SYSLOG, { "syslog", NULL } },
	{ CAP_BPF, { "bpf", NULL } },
	{ CAP_PERFMON, { "perf_event_open", NULL } },
};

/* Every CLONE_NEW* flag: clone() creating a namespace is namespace creation. */
#define GB_CLONE_NS_FLAGS                                                                          \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 CLONE_NEWCGROUP | CLONE_NEWTIME)

static struct gb_seccomp_rule *rule_new(struct gb_seccomp_profile *p, const char *name,
					uint32_t action)
{
	if (p->n_rules == p->cap_rules) {
		size_t cap = p->cap_rules ? p->cap_rules * 2 : 256;
		struct gb_seccomp_rule *r = realloc(p->rules, cap * sizeof *r);
		if (!r)
			return NULL;
		p->rules = r;
		p->cap_rules = cap;
	}
	struct gb_seccomp_rule *r = &p->rules[p->n_rules++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", name);
	r->action = action;
	return r;
}

static int add_rule(struct gb_seccomp_profile *p, const char *name, uint32_t action, unsigned nargs,
		    const struct scmp_arg_cmp *args, struct gb_err *err)
{
	struct gb_seccomp_rule *r = rule_new(p, name, action);
	if (!r)
		return gb_err_set(err, ENOMEM, "malloc", "out of memory for seccomp rules");
	r->nargs = nargs;
	for (unsigned i = 0; i < nargs; i++)
		r->args[i] = args[i];
	return 0;
}

/* Rules whose arguments matter: clone without namespace flags, socket without
 * AF_VSOCK, personality only to the harmless modes, mknod of anything but a disk. */
static int add_default_arg_rules(struct gb_seccomp_profile *p, gb_capset caps, struct gb_err *err)
{
	int r = 0;
	const uint32_t allow = SCMP_ACT_ALLOW;
	if (!(caps & GB_CAP_BIT(CAP_SYS_ADMIN))) {
		struct scmp_arg_cmp no_ns = SCMP_A0(SCMP_CMP_MASKED_EQ, GB_CLONE_NS_FLAGS, 0);
		r = add_rule(p, "clone", allow, 1, &no_ns, err);
		/* clone3 passes its flags in memory a filter cannot read: say "not here"
		 * (ENOSYS), and glibc falls back to clone(), which the filter can check. */
		if (r == 0)
			r = add_rule(p, "clone3", SCMP_ACT_ERRNO(ENOSYS), 0, NULL, err);
	} else {
		r = add_rule(p, "clone", allow, 0, NULL, err);
	}
	struct scmp_arg_cmp not_vsock = SCMP_A0(SCMP_CMP_NE, 40 /* AF_VSOCK */);
	if (r == 0)
		r = add_rule(p, "socket", allow, 1, &not_vsock, err);
	static const unsigned long personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
	for (size_t i = 0; r == 0 && i < GB_ARRAY_LEN(personas); i++) {
		struct scmp_arg_cmp eq = SCMP_A0(SCMP_CMP_EQ, personas[i]);
		r = add_rule(p, "personality", allow, 1, &eq, err);
	}
	/* A block device node of a host disk would give raw access to the host's
	 * filesystems. Docker leaves that to the devices cgroup; our filter refuses to
	 * create one at all unless the container has CAP_SYS_ADMIN. */
	static const unsigned long types[] = { 0, S_IFREG, S_IFCHR, S_IFIFO, S_IFSOCK };
	bool any_type = caps & GB_CAP_BIT(CAP_SYS_ADMIN);
	for (size_t i = 0; r == 0 && i < GB_ARRAY_LEN(types); i++) {
		struct scmp_arg_cmp m1 = SCMP_A1(SCMP_CMP_MASKED_EQ, S_IFMT, types[i]);
		struct scmp_arg_cmp m2 = SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, types[i]);
		r = add_rule(p, "mknod", allow, any_type ? 0 : 1, &m1, err);
		if (r == 0)
			r = add_rule(p, "mknodat", allow, any_type ? 0 : 1, &m2, err);
		if (any_type)
			break;
	}
	return r;
}

static void profile_init(struct gb_seccomp_profile *p, const char *source)
{
	memset(p, 0, sizeof *p);
	snprintf(p->source, sizeof p->source, "%s", source);
	p->default_action = SCMP_ACT_ERRNO(EPERM);
}

static bool has_rule(const struct gb_seccomp_profile *p, const char *name)
{
	for (size_t i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return true;
	return false;
}

int gb_seccomp_default(struct gb_seccomp_profile *p, gb_capset caps, struct gb_err *err)
{
	profile_init(p, "default");
	int r = 0;
	for (size_t i = 0; r == 0 && i < GB_ARRAY_LEN(default_allow); i++)
		r = add_rule(p, default_allow[i], SCMP_ACT_ALLOW, 0, NULL, err);
	for (size_t g = 0; r == 0 && g < GB_ARRAY_LEN(default_gated); g++) {
		if (!(caps & GB_CAP_BIT(default_gated[g].cap)))
			continue;
		for (size_t i = 0; r == 0 && default_gated[g].names[i]; i++)
			if (!has_rule(p, default_gated[g].names[i]))
				r = add_rule(p, default_gated[g].names[i], SCMP_ACT_ALLOW, 0, NULL,
					     err);
	}
	if (r == 0)
		r = add_default_arg_rules(p, caps, err);
	if (r < 0)
		gb_seccomp_free(p);
	p->builtin = true;
	p->caps = caps;
	return r;
}

void gb_seccomp_free(struct gb_seccomp_profile *p)
{
	free(p->rules);
	p->rules = NULL;
	p->n_rules = p->cap_rules = 0;
}

/* ---- Docker's JSON profile format ---- */

static const struct {
	const char *name;
	uint32_t action;
} actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
};

static const char *const cmp_names[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE",
	[SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SCMP_CMP_LE] = "SCMP_CMP_LE",
	[SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SCMP_CMP_GE] = "SCMP_CMP_GE",
	[SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *gb_seccomp_action_name(uint32_t action)
{
	/* ERRNO and TRACE carry a 16-bit value in the low bits: compare without it. */
	uint32_t base = (action & 0xffff0000U) == SCMP_ACT_ERRNO(0) ||
					(action & 0xffff0000U) == SCMP_ACT_TRACE(0)
				? action & 0xffff0000U
				: action;
	for (size_t i = 0; i < GB_ARRAY_LEN(actions); i++)
		if (actions[i].action == base && strcmp(actions[i].name, "SCMP_ACT_KILL") != 0)
			return actions[i].name;
	return "SCMP_ACT_UNKNOWN";
}

/* Profile errors all read "FILE: MEMBER: problem" with a hint. */
static int profile_error(struct gb_err *err, const char *source, const char *where,
			 const char *fmt_problem, const char *what, const char *hint)
{
	char problem[256];
	snprintf(problem, sizeof problem, fmt_problem, what ? what : "");
	int r = gb_err_set(err, EINVAL, "", "%s: %s: %s", source, where, problem);
	if (hint)
		gb_err_hint(err, "%s", hint);
	return r;
}

/* A JSON number that must be a non-negative integer, read exactly as 64 bits (not through a
 * double: a mask like 0x7fffffffffffffff would round to 2^63). */
static int json_uint(const struct gb_jval *v, unsigned long long max, unsigned long long *out)
{
	return gb_jval_uint64(v, max, out) < 0 ? -EINVAL : 0;
}

static int parse_action(const struct gb_jval *obj, const char *key, const char *errno_key,
			const char *source, const char *where, uint32_t *out, struct gb_err *err)
{
	const struct gb_jval *v = gb_jget(obj, key);
	char at[160];
	snprintf(at, sizeof at, "%s%s", where, key);
	if (!v || v->type != GB_JSTR)
		return profile_error(err, source, at, "missing or not a string%s", NULL,
				     "write e.g. \"SCMP_ACT_ERRNO\" or \"SCMP_ACT_ALLOW\"");
	if (strcmp(v->str, "SCMP_ACT_NOTIFY") == 0)
		return profile_error(err, source, at, "%s is not supported by glassbox", v->str,
				     "notify needs a listener process; use SCMP_ACT_ERRNO");
	for (size_t i = 0; i < GB_ARRAY_LEN(actions); i++) {
		if (strcmp(actions[i].name, v->str) != 0)
			continue;
		*out = actions[i].action;
		if (*out == SCMP_ACT_ERRNO(0) || *out == SCMP_ACT_TRACE(0)) {
			unsigned long long e = EPERM;
			const struct gb_jval *ev = gb_jget(obj, errno_key);
			snprintf(at, sizeof at, "%s%s", where, errno_key);
			if (ev && json_uint(ev, 0xffff, &e) < 0)
				return profile_error(err, source, at, "not an errno number%s", NULL,
						     "write e.g. 1 for EPERM, 38 for ENOSYS");
			*out |= (uint32_t)e;
		}
		return 0;
	}
	return profile_error(err, source, at, "unknown action \"%s\"", v->str,
			     "actions: SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, SCMP_ACT_KILL, "
			     "SCMP_ACT_KILL_THREAD, SCMP_ACT_KILL_PROCESS, SCMP_ACT_TRAP, "
			     "SCMP_ACT_TRACE, SCMP_ACT_LOG");
}

/* "SCMP_ARCH_X86_64" -> libseccomp's token for x86_64; 0 when unknown. */
static uint32_t arch_token(const char *docker_name)
{
	const char *s =
		strncmp(docker_name, "SCMP_ARCH_", 10) == 0 ? docker_name + 10 : docker_name;
	char lower[32];
	size_t i = 0;
	for (; s[i] && i < sizeof lower - 1; i++)
		lower[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
	lower[i] = '\0';
	return seccomp_arch_resolve_name(lower);
}

static int add_arch(struct gb_seccomp_profile *p, const char *name, const char *source,
		    const char *where, struct gb_err *err)
{
	uint32_t tok = arch_token(name);
	if (!tok)
		return profile_error(
			err, source, where, "unknown architecture \"%s\"", name,
			"write e.g. SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_AARCH64");
	for (size_t i = 0; i < p->n_arches; i++)
		if (p->arches[i] == tok)
			return 0;
	if (p->n_arches == GB_SECCOMP_MAX_ARCHES)
		return profile_error(err, source, where, "too many architectures%s", NULL, NULL);
	snprintf(p->arch_names[p->n_arches], sizeof p->arch_names[0], "%s", name);
	p->arches[p->n_arches++] = tok;
	return 0;
}

static int parse_str_list(const struct gb_jval *arr, const char *source, const char *where,
			  struct gb_err *err)
{
	if (arr->type != GB_JARR)
		return profile_error(err, source, where, "must be an array of strings%s", NULL,
				     NULL);
	for (const struct gb_jval *v = arr->child; v; v = v->next)
		if (v->type != GB_JSTR)
			return profile_error(err, source, where, "must be an array of strings%s",
					     NULL, NULL);
	return 0;
}

/* "architectures": a flat list; "archMap": per native arch, its sub-architectures
 * (x86_64 -> x86, x32): only the entry of the architecture we run on applies. */
static int parse_arches(const struct gb_jval *root, const char *source,
			struct gb_seccomp_profile *p, struct gb_err *err)
{
	const struct gb_jval *list = gb_jget(root, "architectures");
	if (list) {
		int r = parse_str_list(list, source, "architectures", err);
		for (const struct gb_jval *v = list->child; r == 0 && v; v = v->next)
			r = add_arch(p, v->str, source, "architectures", err);
		if (r < 0)
			return r;
	}
	const struct gb_jval *map = gb_jget(root, "archMap");
	if (!map)
		return 0;
	if (map->type != GB_JARR)
		return profile_error(err, source, "archMap", "must be an array%s", NULL, NULL);
	for (const struct gb_jval *e = map->child; e; e = e->next) {
		const char *arch = gb_jstr(e, "architecture", NULL);
		if (!arch)
			return profile_error(err, source, "archMap[].architecture",
					     "missing or not a string%s", NULL, NULL);
		if (arch_token(arch) != seccomp_arch_native())
			continue;
		int r = add_arch(p, arch, source, "archMap[].architecture", err);
		const struct gb_jval *subs = gb_jget(e, "subArchitectures");
		if (r == 0 && subs)
			r = parse_str_list(subs, source, "archMap[].subArchitectures", err);
		for (const struct gb_jval *s = subs ? subs->child : NULL; r == 0 && s; s = s->next)
			r = add_arch(p, s->str, source, "archMap[].subArchitectures", err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_one_arg(const struct gb_jval *a, const char *source, const char *where,
			 struct scmp_arg_cmp *out, struct gb_err *err)
{
	char at[192];
	unsigned long long index, value = 0, two = 0;
	snprintf(at, sizeof at, "%s.index", where);
	if (json_uint(gb_jget(a, "index"), 5, &index) < 0)
		return profile_error(err, source, at, "must be an argument number 0..5%s", NULL,
				     NULL);
	snprintf(at, sizeof at, "%s.value", where);
	if (json_uint(gb_jget(a, "value"), ~0ULL, &value) < 0)
		return profile_error(err, source, at, "must be a non-negative integer%s", NULL,
				     NULL);
	const struct gb_jval *vt = gb_jget(a, "valueTwo");
	snprintf(at, sizeof at, "%s.valueTwo", where);
	if (vt && json_uint(vt, ~0ULL, &two) < 0)
		return profile_error(err, source, at, "must be a non-negative integer%s", NULL,
				     NULL);
	const char *op = gb_jstr(a, "op", "");
	snprintf(at, sizeof at, "%s.op", where);
	for (int i = SCMP_CMP_NE; i <= SCMP_CMP_MASKED_EQ; i++) {
		if (strcmp(op, cmp_names[i]) != 0)
			continue;
		/* For MASKED_EQ Docker's "value" is the mask and "valueTwo" the datum. */
		*out = (struct scmp_arg_cmp){
			.arg = (unsigned)index, .op = i, .datum_a = value, .datum_b = two
		};
		return 0;
	}
	return profile_error(err, source, at, "unknown operator \"%s\"", op,
			     "operators: SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, "
			     "SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ");
}

static int parse_args(const struct gb_jval *args, const char *source, const char *where,
		      struct gb_seccomp_rule *tmpl, struct gb_err *err)
{
	char at[160];
	snprintf(at, sizeof at, "%s.args", where);
	if (!args || args->type == GB_JNULL)
		return 0;
	if (args->type != GB_JARR || args->n > GB_SECCOMP_MAX_ARGS)
		return profile_error(err, source, at, "must be an array of at most 6 objects%s",
				     NULL, NULL);
	size_t i = 0;
	for (const struct gb_jval *a = args->child; a; a = a->next, i++) {
		snprintf(at, sizeof at, "%s.args[%zu]", where, i);
		if (a->type != GB_JOBJ)
			return profile_error(err, source, at, "must be an object%s", NULL, NULL);
		int r = parse_one_arg(a, source, at, &tmpl->args[i], err);
		if (r < 0)
			return r;
	}
	tmpl->nargs = (unsigned)i;
	return 0;
}

/* includes/excludes.arches use Go's names (amd64, arm64) as well as libseccomp's. */
static bool arch_is_native(const char *name)
{
	static const struct {
		const char *go, *scmp;
	} go_names[] = {
		{ "amd64", "x86_64" },
		{ "386", "x86" },
		{ "arm64", "aarch64" },
	};
	for (size_t i = 0; i < GB_ARRAY_LEN(go_names); i++)
		if (strcmp(name, go_names[i].go) == 0)
			name = go_names[i].scmp;
	return arch_token(name) == seccomp_arch_native();
}

static bool kernel_at_least(const char *version)
{
	char release[64];
	int maj = 0, min = 0, kmaj = 0, kmin = 0;
	if (gb_read_line("/proc/sys/kernel/osrelease", release, sizeof release) < 0)
		return true;
	sscanf(version, "%d.%d", &maj, &min);
	sscanf(release, "%d.%d", &kmaj, &kmin);
	return kmaj > maj || (kmaj == maj && kmin >= min);
}

/* Whether a filter list ("caps" or "arches") matches: all caps held / native arch in. */
static bool filter_matches(const struct gb_jval *f, gb_capset caps, bool any_cap)
{
	bool matched = !any_cap;
	for (const struct gb_jval *c = gb_jget(f, "caps") ? gb_jget(f, "caps")->child : NULL; c;
	     c = c->next) {
		int cap;
		bool held = c->type == GB_JSTR && gb_caps_from_name(c->str, &cap, NULL) == 0 &&
			    (caps & GB_CAP_BIT(cap));
		if (any_cap && held)
			matched = true;
		if (!any_cap && !held)
			return false;
	}
	const struct gb_jval *arches = gb_jget(f, "arches");
	if (arches && arches->n) {
		bool native = false;
		for (const struct gb_jval *a = arches->child; a; a = a->next)
			native |= a->type == GB_JSTR && arch_is_native(a->str);
		if (any_cap && native)
			matched = true;
		if (!any_cap && !native)
			return false;
	}
	return matched;
}

/* Docker applies an entry only if its includes hold and none of its excludes do. */
static bool entry_applies(const struct gb_jval *entry, gb_capset caps)
{
	const struct gb_jval *inc = gb_jget(entry, "includes");
	const struct gb_jval *exc = gb_jget(entry, "excludes");
	if (inc && inc->type == GB_JOBJ) {
		if (!filter_matches(inc, caps, false))
			return false;
		const char *min = gb_jstr(inc, "minKernel", NULL);
		if (min && !kernel_at_least(min))
			return false;
	}
	if (exc && exc->type == GB_JOBJ && filter_matches(exc, caps, true))
		return false;
	return true;
}

static int parse_entry(const struct gb_jval *e, size_t idx, const char *source, gb_capset caps,
		       struct gb_seccomp_profile *p, struct gb_err *err)
{
	char where[64];
	snprintf(where, sizeof where, "syscalls[%zu]", idx);
	if (e->type != GB_JOBJ)
		return profile_error(err, source, where, "must be an object%s", NULL, NULL);
	struct gb_seccomp_rule tmpl = { 0 };
	char prefix[72];
	snprintf(prefix, sizeof prefix, "%s.", where);
	int r = parse_action(e, "action", "errnoRet", source, prefix, &tmpl.action, err);
	if (r == 0)
		r = parse_args(gb_jget(e, "args"), source, where, &tmpl, err);
	if (r < 0)
		return r;
	const struct gb_jval *names = gb_jget(e, "names");
	const struct gb_jval *one = gb_jget(e, "name");
	char at[96];
	snprintf(at, sizeof at, "%s.names", where);
	if (names && parse_str_list(names, source, at, err) < 0)
		return -EINVAL;
	if ((!names || names->n == 0) && (!one || one->type != GB_JSTR))
		return profile_error(err, source, at, "missing: list the system calls%s", NULL,
				     "write e.g. \"names\": [\"mkdir\", \"mkdirat\"]");
	if (!entry_applies(e, caps))
		return 0;
	for (const struct gb_jval *n = names ? names->child : one; n; n = names ? n->next : NULL) {
		/* Like runc, a name this libseccomp does not know is skipped, not an error:
		 * profiles list calls of every architecture and kernel. */
		if (seccomp_syscall_resolve_name(n->str) == __NR_SCMP_ERROR) {
			p->n_unknown++;
			continue;
		}
		r = add_rule(p, n->str, tmpl.action, tmpl.nargs, tmpl.args, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_root(const struct gb_jval *root, const char *source, gb_capset caps,
		      struct gb_seccomp_profile *p, struct gb_err *err)
{
	if (root->type != GB_JOBJ)
		return profile_error(err, source, "(top level)", "must be a JSON object%s", NULL,
				     "a Docker profile starts with {\"defaultAction\": ...}");
	int r = parse_action(root, "defaultAction", "defaultErrnoRet", source, "",
			     &p->default_action, err);
	if (r == 0)
		r = parse_arches(root, source, p, err);
	if (r < 0)
		return r;
	const struct gb_jval *calls = gb_jget(root, "syscalls");
	if (calls && calls->type != GB_JARR && calls->type != GB_JNULL)
		return profile_error(err, source, "syscalls", "must be an array%s", NULL, NULL);
	size_t i = 0;
	for (const struct gb_jval *e = calls ? calls->child : NULL; e; e = e->next, i++) {
		r = parse_entry(e, i, source, caps, p, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int gb_seccomp_parse(const char *text, size_t len, const char *source, gb_capset caps,
		     struct gb_seccomp_profile *p, struct gb_err *err)
{
	profile_init(p, source);
	char perr[160];
	struct gb_jval *root = gb_json_parse(text, len, perr, sizeof perr);
	if (!root) {
		int r = gb_err_set(err, EINVAL, "", "%s: not valid JSON: %s", source, perr);
		gb_err_hint(err, "a seccomp profile is a JSON file in Docker's format");
		return r;
	}
	int r = parse_root(root, source, caps, p, err);
	gb_jval_free(root);
	if (r < 0)
		gb_seccomp_free(p);
	return r;
}

int gb_seccomp_load_file(const char *path, gb_capset caps, struct gb_seccomp_profile *p,
			 struct gb_err *err)
{
	gb_autofree char *text = NULL;
	size_t len = 0;
	int r = gb_read_file(path, &text, &len);
	if (r < 0) {
		profile_init(p, path);
		r = gb_err_set(err, r, "open", "cannot read the seccomp profile %s", path);
		gb_err_hint(err, "give the path of a JSON profile, or seccomp=unconfined");
		return r;
	}
	return gb_seccomp_parse(text, len, path, caps, p, err);
}

/* ---- back to JSON ---- */

static void arg_json(struct gb_json *j, const struct scmp_arg_cmp *a)
{
	gb_json_obj_begin(j, NULL);
	gb_json_uint(j, "index", a->arg);
	gb_json_uint(j, "value", a->datum_a);
	gb_json_uint(j, "valueTwo", a->datum_b);
	gb_json_str(j, "op", a->op < GB_ARRAY_LEN(cmp_names) ? cmp_names[a->op] : "?");
	gb_json_obj_end(j);
}

static void action_json(struct gb_json *j, const char *key, const char *errno_key, uint32_t action)
{
	gb_json_str(j, key, gb_seccomp_action_name(action));
	uint32_t base = action & 0xffff0000U;
	if (base == SCMP_ACT_ERRNO(0) || base == SCMP_ACT_TRACE(0))
		gb_json_uint(j, errno_key, action & 0xffffU);
}

/* Consecutive rules with the same action and no arguments share one entry. */
static size_t entry_json(struct gb_json *j, const struct gb_seccomp_profile *p, size_t i)
{
	const struct gb_seccomp_rule *r = &p->rules[i];
	size_t end = i + 1;
	while (r->nargs == 0 && end < p->n_rules && p->rules[end].nargs == 0 &&
	       p->rules[end].action == r->action)
		end++;
	gb_json_obj_begin(j, NULL);
	gb_json_arr_begin(j, "names");
	for (size_t k = i; k < end; k++)
		gb_json_str(j, NULL, p->rules[k].name);
	gb_json_arr_end(j);
	action_json(j, "action", "errnoRet", r->action);
	if (r->nargs) {
		gb_json_arr_begin(j, "args");
		for (unsigned a = 0; a < r->nargs; a++)
			arg_json(j, &r->args[a]);
		gb_json_arr_end(j);
	}
	gb_json_obj_end(j);
	return end;
}

char *gb_seccomp_to_json(const struct gb_seccomp_profile *p)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	action_json(&j, "defaultAction", "defaultErrnoRet", p->default_action);
	gb_json_arr_begin(&j, "architectures");
	for (size_t i = 0; i < p->n_arches; i++)
		gb_json_str(&j, NULL, p->arch_names[i]);
	gb_json_arr_end(&j);
	gb_json_arr_begin(&j, "syscalls");
	for (size_t i = 0; i < p->n_rules;)
		i = entry_json(&j, p, i);
	gb_json_arr_end(&j);
	gb_json_obj_end(&j);
	if (j.failed) {
		gb_json_free(&j);
		return NULL;
	}
	return j.buf;
}

/* ---- loading ---- */

int gb_seccomp_set_no_new_privs(struct gb_err *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return gb_err_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS, 1)",
				  "cannot set no_new_privs");
	return 0;
}

static void ctx_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int add_rules_to_ctx(scmp_filter_ctx ctx, const struct gb_seccomp_profile *p,
			    struct gb_err *err)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct gb_seccomp_rule *rule = &p->rules[i];
		int nr = seccomp_syscall_resolve_name(rule->name);
		/* A rule that repeats the default action changes nothing: libseccomp refuses
		 * it, so leave it out. */
		if (nr == __NR_SCMP_ERROR || rule->action == p->default_action)
			continue;
		int r = seccomp_rule_add_array(ctx, rule->action, nr, rule->nargs, rule->args);
		if (r < 0)
			return gb_err_set(err, r, "seccomp_rule_add",
					  "%s: cannot add the rule for %s (%s)", p->source,
					  rule->name, gb_seccomp_action_name(rule->action));
	}
	return 0;
}

static int build_ctx(const struct gb_seccomp_profile *p, scmp_filter_ctx *out, struct gb_err *err)
{
	scmp_filter_ctx ctx = seccomp_init(p->default_action);
	if (!ctx)
		return gb_err_set(err, EINVAL, "seccomp_init", "%s: bad default action", p->source);
	/* no_new_privs is its own step (gb_seccomp_set_no_new_privs): libseccomp must not
	 * set it behind the engine's back when the user asked for no-new-privileges=false. */
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A binary tree of syscall numbers instead of a list: a call is found in ~9 jumps,
	 * not ~300, and the kernel's cache of always-allowed calls, which runs the filter
	 * once per syscall number when it is loaded, walks as short a path (docs/security.md). */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; r == 0 && i < p->n_arches; i++) {
		r = seccomp_arch_add(ctx, p->arches[i]);
		if (r == -EEXIST)
			r = 0;
	}
	if (r < 0) {
		seccomp_release(ctx);
		return gb_err_set(err, r, "seccomp_arch_add", "%s: cannot set up the filter",
				  p->source);
	}
	r = add_rules_to_ctx(ctx, p, err);
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	*out = ctx;
	return 0;
}

/* The GNU build id of the running program (ld writes it in a PT_NOTE), in hex; "" if
 * it has none. Read from memory: the loader mapped the notes with the program. */
static int build_id_note(struct dl_phdr_info *info, size_t size, void *data)
{
	char *hex = data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *n = (const char *)(info->dlpi_addr + ph->p_vaddr),
			   *end = n + ph->p_memsz;
		while (n + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)n;
			const char *name = n + sizeof *nh;
			const unsigned char *desc =
				(const unsigned char *)name + ((nh->n_namesz + 3) & ~3u);
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 && nh->n_descsz <= 64) {
				for (unsigned j = 0; j < nh->n_descsz; j++)
					sprintf(hex + 2 * j, "%02x", desc[j]);
				return 1;
			}
			n = (const char *)desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the first object is the program itself: stop there */
}

static void cache_key(const struct gb_seccomp_profile *p, char hex[65])
{
	/* The built-in profile is code: the binary's build id and the capabilities name it,
	 * without writing its ~350 rules out as JSON and hashing them on every start. A
	 * profile from a file is named by what it says. */
	char id[129] = "";
	if (p->builtin)
		dl_iterate_phdr(build_id_note, id);
	gb_autofree char *json = id[0] ? NULL : gb_seccomp_to_json(p);
	const struct scmp_version *v = seccomp_version();
	char extra[256];
	snprintf(extra, sizeof extra,
		 "\nlibseccomp %u.%u.%u arch %u optimize 2 builtin %s caps %llx\n",
		 v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native(), id,
		 id[0] ? (unsigned long long)p->caps : 0ULL);
	struct gb_sha256 h;
	gb_sha256_init(&h);
	if (json)
		gb_sha256_update(&h, json, strlen(json));
	gb_sha256_update(&h, extra, strlen(extra));
	gb_sha256_hex(&h, hex);
}

static int bpf_from_bytes(const char *data, size_t n, struct gb_seccomp_bpf *out)
{
	/* A program is whole instructions, at most BPF_MAXINSNS of them. */
	if (n == 0 || n % sizeof(struct sock_filter) ||
	    n / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return -EINVAL;
	out->insns = malloc(n);
	if (!out->insns)
		return -ENOMEM;
	memcpy(out->insns, data, n);
	out->len = (unsigned short)(n / sizeof(struct sock_filter));
	return 0;
}

int gb_seccomp_compile(const struct gb_seccomp_profile *p, const char *cache_dir,
		       struct gb_seccomp_bpf *out, struct gb_err *err)
{
	memset(out, 0, sizeof *out);
	char key[65], path[700] = "";
	if (cache_dir) {
		cache_key(p, key);
		gb_path(path, sizeof path, "%s/%s.bpf", cache_dir, key);
		gb_autofree char *data = NULL;
		size_t n = 0;
		if (gb_read_file(path, &data, &n) == 0 && bpf_from_bytes(data, n, out) == 0) {
			out->cached = true;
			return 0;
		}
	}
	__attribute__((cleanup(ctx_releasep))) scmp_filter_ctx ctx = NULL;
	int r = build_ctx(p, &ctx, err);
	if (r < 0)
		return r;
	/* libseccomp writes the program to a file descriptor: a memfd keeps it in memory. */
	gb_autoclose int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "memfd_create", "cannot compile the seccomp filter");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return gb_err_set(err, r, "seccomp_export_bpf",
				  "cannot compile the seccomp filter %s", p->source);
	off_t n = lseek(fd, 0, SEEK_END);
	gb_autofree char *data = n > 0 ? malloc(n) : NULL;
	if (!data || pread(fd, data, n, 0) != n || bpf_from_bytes(data, n, out) < 0)
		return gb_err_set(err, EIO, "seccomp_export_bpf",
				  "the compiled filter %s is unusable", p->source);
	if (cache_dir && gb_mkdir_p(cache_dir, 0700) == 0)
		gb_write_atomic(path, data, n, 0644); /* a cache: failing to keep it is fine */
	return 0;
}

void gb_seccomp_bpf_free(struct gb_seccomp_bpf *b)
{
	free(b->insns);
	memset(b, 0, sizeof *b);
}

int gb_seccomp_install(const struct gb_seccomp_bpf *b, const char *source, struct gb_err *err)
{
	struct sock_fprog prog = { .len = b->len, .filter = b->insns };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	int r = gb_err_set(err, errno, "seccomp(SECCOMP_SET_MODE_FILTER)",
			   "cannot load the seccomp filter %s", source);
	if (r == -EACCES || r == -EPERM)
		gb_err_hint(err, "the kernel accepts a filter only with no_new_privs set "
				 "or CAP_SYS_ADMIN: keep no-new-privileges=true");
	return r;
}

int gb_seccomp_apply(const struct gb_seccomp_profile *p, struct gb_err *err)
{
	struct gb_seccomp_bpf b;
	int r = gb_seccomp_compile(p, NULL, &b, err);
	if (r == 0)
		r = gb_seccomp_install(&b, p->source, err);
	gb_seccomp_bpf_free(&b);
	return r;
}

int gb_seccomp_mode(int pid)
{
	char path[64];
	snprintf(path, sizeof path, pid ? "/proc/%d/status" : "/proc/self/status", pid);
	gb_autofree char *data = NULL;
	if (gb_read_file(path, &data, NULL) < 0)
		return -ENOENT;
	const char *line = strstr(data, "\nSeccomp:");
	return line ? atoi(line + 9) : -ENOENT;
}
