/* PID 1 observed from the host: zombies in a container's pid namespace, and the signals
 * its PID 1 catches, ignores or blocks. Kernel: proc(5) /proc/PID/status,
 * pid_namespaces(7), signal(7). Labs 13 (pid1-signals-zombies) and 14 (stop-grace-period). */
#include "engine/pid1.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* Names from the macros, so they are right on every architecture (SIGBUS is 7 on x86
 * but 10 on MIPS). Real-time signals are named by arithmetic below. */
static const struct {
	int signo;
	const char *name;
} signal_names[] = {
	{ SIGHUP, "SIGHUP" },	    { SIGINT, "SIGINT" },   { SIGQUIT, "SIGQUIT" },
	{ SIGILL, "SIGILL" },	    { SIGTRAP, "SIGTRAP" }, { SIGABRT, "SIGABRT" },
	{ SIGBUS, "SIGBUS" },	    { SIGFPE, "SIGFPE" },   { SIGKILL, "SIGKILL" },
	{ SIGUSR1, "SIGUSR1" },	    { SIGSEGV, "SIGSEGV" }, { SIGUSR2, "SIGUSR2" },
	{ SIGPIPE, "SIGPIPE" },	    { SIGALRM, "SIGALRM" }, { SIGTERM, "SIGTERM" },
#ifdef SIGSTKFLT
	{ SIGSTKFLT, "SIGSTKFLT" },
#endif
	{ SIGCHLD, "SIGCHLD" },	    { SIGCONT, "SIGCONT" }, { SIGSTOP, "SIGSTOP" },
	{ SIGTSTP, "SIGTSTP" },	    { SIGTTIN, "SIGTTIN" }, { SIGTTOU, "SIGTTOU" },
	{ SIGURG, "SIGURG" },	    { SIGXCPU, "SIGXCPU" }, { SIGXFSZ, "SIGXFSZ" },
	{ SIGVTALRM, "SIGVTALRM" }, { SIGPROF, "SIGPROF" }, { SIGWINCH, "SIGWINCH" },
	{ SIGIO, "SIGIO" },	    { SIGPWR, "SIGPWR" },   { SIGSYS, "SIGSYS" },
};

/* /proc masks are 64 bits: signals 1..64. */
#define GB_PID1_NSIG 64

int gb_pid1_parse_mask(const char *hex, uint64_t *out)
{
	char *end;
	while (*hex == ' ' || *hex == '\t')
		hex++;
	if (!isxdigit((unsigned char)*hex))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(hex, &end, 16);
	if (errno || (*end && !isspace((unsigned char)*end)))
		return -EINVAL;
	*out = v;
	return 0;
}

bool gb_pid1_mask_has(uint64_t mask, int signo)
{
	/* The kernel stores signal N in bit N-1: signal 0 does not exist. */
	return signo >= 1 && signo <= GB_PID1_NSIG && (mask >> (signo - 1)) & 1;
}

const char *gb_pid1_signal_name(int signo, char *buf, size_t len)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(signal_names); i++)
		if (signal_names[i].signo == signo) {
			snprintf(buf, len, "%s", signal_names[i].name);
			return buf;
		}
	/* glibc keeps the first real-time signals (32, 33) for its threads, so the
	 * SIGRTMIN a program sees is higher than the kernel's. Name the rest as kill -l. */
	int min = SIGRTMIN, max = SIGRTMAX;
	if (signo >= min && signo <= max) {
		if (signo == max)
			snprintf(buf, len, "SIGRTMAX");
		else if (signo - min <= (max - min) / 2)
			snprintf(buf, len, signo == min ? "SIGRTMIN" : "SIGRTMIN+%d", signo - min);
		else
			snprintf(buf, len, "SIGRTMAX-%d", max - signo);
	} else {
		snprintf(buf, len, "SIG%d", signo);
	}
	return buf;
}

/* "RTMIN+3" / "RTMAX-2" / "RTMIN" (without the SIG prefix) -> number, or -EINVAL. */
static int parse_realtime(const char *s)
{
	int base;
	if (strncasecmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (strncasecmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return -EINVAL;
	s += 5;
	if (!*s)
		return base;
	char *end;
	long off = strtol(s + 1, &end, 10);
	if ((*s != '+' && *s != '-') || *end || end == s + 1)
		return -EINVAL;
	int n = base + (*s == '+' ? (int)off : -(int)off);
	return n >= SIGRTMIN && n <= SIGRTMAX ? n : -EINVAL;
}

int gb_pid1_signal_parse(const char *text)
{
	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)text[0])) {
		char *end;
		long n = strtol(text, &end, 10);
		return (*end || n < 1 || n > GB_PID1_NSIG) ? -EINVAL : (int)n;
	}
	const char *bare = strncasecmp(text, "SIG", 3) == 0 ? text + 3 : text;
	for (size_t i = 0; i < GB_ARRAY_LEN(signal_names); i++)
		if (strcasecmp(signal_names[i].name + 3, bare) == 0)
			return signal_names[i].signo;
	if (isdigit((unsigned char)bare[0])) /* "SIG32" as gb_pid1_signal_name writes it */
		return bare == text ? -EINVAL : gb_pid1_signal_parse(bare);
	return parse_realtime(bare);
}

int gb_pid1_mask_names(uint64_t mask, char *buf, size_t len)
{
	int count = 0;
	size_t used = 0;
	if (len)
		buf[0] = '\0';
	for (int sig = 1; sig <= GB_PID1_NSIG; sig++) {
		if (!gb_pid1_mask_has(mask, sig))
			continue;
		char name[24];
		gb_pid1_signal_name(sig, name, sizeof name);
		int n = snprintf(buf + used, len > used ? len - used : 0, "%s%s", count ? " " : "",
				 name);
		if (n > 0 && used + (size_t)n < len)
			used += (size_t)n;
		else if (len)
			buf[used] = '\0'; /* keep whole names only: cut what snprintf squeezed in */
		count++;
	}
	return count;
}

enum gb_pid1_fate gb_pid1_fate(const struct gb_pid1_signals *s, int signo)
{
	if (signo == SIGKILL || signo == SIGSTOP)
		return GB_PID1_FORCED;
	if (gb_pid1_mask_has(s->blocked, signo))
		return GB_PID1_BLOCKED;
	if (gb_pid1_mask_has(s->caught, signo))
		return GB_PID1_CAUGHT;
	if (gb_pid1_mask_has(s->ignored, signo))
		return GB_PID1_IGNORED;
	return GB_PID1_DROPPED;
}

const char *gb_pid1_fate_name(enum gb_pid1_fate f)
{
	switch (f) {
	case GB_PID1_CAUGHT: return "caught";
	case GB_PID1_BLOCKED: return "blocked";
	case GB_PID1_IGNORED: return "ignored";
	case GB_PID1_DROPPED: return "dropped";
	case GB_PID1_FORCED: return "forced";
	}
	return "unknown";
}

/* NSpid: lists the PID in each pid namespace the process belongs to, outermost (ours)
 * first: "NSpid:\t4242\t1" is PID 1 of a container and 4242 on the host. */
static void parse_nspid(const char *val, struct gb_pid1_status *out)
{
	char *end;
	out->ns_depth = 0;
	for (;;) {
		long v = strtol(val, &end, 10);
		if (end == val)
			break;
		out->nspid = (pid_t)v;
		out->ns_depth++;
		val = end;
	}
}

/* One "Key:\tvalue" line of /proc/PID/status. Returns 1 for a required key seen. */
static int parse_status_line(const char *key, size_t klen, const char *val,
			     struct gb_pid1_status *out)
{
	uint64_t shd;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
	if (KEY("Name"))
		snprintf(out->name, sizeof out->name, "%.*s", (int)strcspn(val, "\n"), val);
	else if (KEY("State"))
		return (out->state = *val) != '\0';
	else if (KEY("PPid"))
		out->ppid = (pid_t)strtol(val, NULL, 10);
	else if (KEY("NSpid"))
		parse_nspid(val, out);
	else if (KEY("SigCgt"))
		return gb_pid1_parse_mask(val, &out->sig.caught) == 0;
	else if (KEY("SigIgn"))
		gb_pid1_parse_mask(val, &out->sig.ignored);
	else if (KEY("SigBlk"))
		gb_pid1_parse_mask(val, &out->sig.blocked);
	else if ((KEY("SigPnd") || KEY("ShdPnd")) && gb_pid1_parse_mask(val, &shd) == 0)
		out->sig.pending |= shd; /* thread's own + the whole process's pending set */
#undef KEY
	return 0;
}

int gb_pid1_parse_status(const char *text, struct gb_pid1_status *out)
{
	memset(out, 0, sizeof *out);
	int required = 0;
	for (const char *line = text; line && *line;) {
		const char *colon = strchr(line, ':');
		const char *nl = strchr(line, '\n');
		if (colon && (!nl || colon < nl)) {
			const char *val = colon + 1;
			while (*val == ' ' || *val == '\t')
				val++;
			required += parse_status_line(line, (size_t)(colon - line), val, out);
		}
		line = nl ? nl + 1 : NULL;
	}
	return required == 2 ? 0 : -EINVAL;
}

int gb_pid1_read_status(pid_t pid, struct gb_pid1_status *out, struct gb_err *err)
{
	char path[64];
	gb_autofree char *text = NULL;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	int r = gb_read_file(path, &text, NULL);
	if (r < 0) {
		gb_err_set(err, -r, "open", "cannot read %s", path);
		if (r == -ENOENT)
			gb_err_hint(err, "process %d has exited", (int)pid);
		return r;
	}
	if (gb_pid1_parse_status(text, out) < 0)
		return gb_err_set(err, EINVAL, "read", "%s has no State:/SigCgt: lines", path);
	return 0;
}

/* The identity of a pid namespace: the inode (and device) of the nsfs file that
 * /proc/PID/ns/pid links to. Two processes share the namespace iff these are equal. */
static int pidns_of(pid_t pid, struct stat *st)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)pid);
	return stat(path, st) < 0 ? -errno : 0;
}

static void add_zombie(struct gb_pid1_zombies *out, pid_t pid, const struct gb_pid1_status *s)
{
	if (out->count < GB_PID1_MAX_ZOMBIES) {
		struct gb_pid1_zombie *z = &out->z[out->count];
		z->pid = pid;
		z->nspid = s->nspid;
		z->ppid = s->ppid;
		snprintf(z->name, sizeof z->name, "%s", s->name);
	}
	out->count++;
}

/* Look at one /proc entry: add it when it is a zombie in namespace `ns`. */
static void check_process(pid_t pid, const struct stat *ns, struct gb_pid1_zombies *out)
{
	struct stat st;
	struct gb_pid1_status s;
	struct gb_err ignored;
	if (pidns_of(pid, &st) < 0 || st.st_ino != ns->st_ino || st.st_dev != ns->st_dev)
		return; /* gone meanwhile, or another namespace */
	if (gb_pid1_read_status(pid, &s, &ignored) < 0 || s.state != 'Z')
		return;
	add_zombie(out, pid, &s);
}

/* Append the children of every thread of `pid` (/proc/PID/task/TID/children) to q. */
static int add_children(pid_t pid, pid_t *q, size_t *n, size_t cap)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	for (struct dirent *de; (de = readdir(d)) != NULL;) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.20s/children", (int)pid, de->d_name);
		char *buf = NULL;
		size_t len = 0;
		if (gb_read_file(path, &buf, &len) < 0)
			continue;
		for (char *p = buf, *end; *p && *n < cap; p = end) {
			long c = strtol(p, &end, 10);
			if (end == p)
				break;
			q[(*n)++] = (pid_t)c;
		}
		free(buf);
	}
	closedir(d);
	return 0;
}

/* Every process of the container descends from its PID 1, zombies included (an orphan is
 * reparented to it), so its tree is walked, not the host's whole /proc: the cost follows
 * the container, not the number of containers on the host. A process that `exec` put in
 * joins the tree when it exits (its children are then PID 1's). -ENOENT when the kernel
 * has no children files (CONFIG_PROC_CHILDREN). */
static int walk_tree(pid_t pid1, const struct stat *ns, struct gb_pid1_zombies *out)
{
	enum { CAP = 8192 };
	pid_t *q = malloc(CAP * sizeof *q);
	if (!q)
		return -ENOMEM;
	size_t head = 0, n = 0;
	q[n++] = pid1;
	int r = add_children(pid1, q, &n, CAP);
	if (r == 0) {
		char probe[64];
		snprintf(probe, sizeof probe, "/proc/%d/task/%d/children", (int)pid1, (int)pid1);
		r = access(probe, R_OK) == 0 ? 0 : -ENOENT;
	}
	for (head = 1; r == 0 && head < n; head++) {
		check_process(q[head], ns, out);
		add_children(q[head], q, &n, CAP);
	}
	free(q);
	return r;
}

int gb_pid1_zombies(pid_t pid1, struct gb_pid1_zombies *out, struct gb_err *err)
{
	struct stat ns, self;
	memset(out, 0, sizeof *out);
	int r = pidns_of(pid1, &ns);
	if (r < 0) {
		gb_err_set(err, -r, "stat", "cannot read /proc/%d/ns/pid", (int)pid1);
		gb_err_hint(err, "the container's PID 1 (host pid %d) has exited", (int)pid1);
		return r;
	}
	if (pidns_of(getpid(), &self) == 0 && self.st_ino == ns.st_ino &&
	    self.st_dev == ns.st_dev) {
		gb_err_set(err, EXDEV, "stat", "pid %d shares our pid namespace", (int)pid1);
		gb_err_hint(err, "with --pid host every zombie on the host would count: "
				 "list the container's processes through its cgroup instead");
		return -EXDEV;
	}
	if (walk_tree(pid1, &ns, out) == 0)
		return 0;
	memset(out, 0, sizeof *out);
	/* The host's /proc lists every process of every descendant namespace: keep those
	 * whose /proc/N/ns/pid is the container's. */
	DIR *d = opendir("/proc");
	if (!d)
		return gb_err_set(err, errno, "opendir", "cannot list /proc");
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end == '\0' && pid > 0)
			check_process((pid_t)pid, &ns, out);
	}
	closedir(d);
	return 0;
}

static void json_mask(struct gb_json *j, const char *key, uint64_t mask)
{
	gb_json_arr_begin(j, key);
	for (int sig = 1; sig <= GB_PID1_NSIG; sig++) {
		char name[24];
		if (gb_pid1_mask_has(mask, sig))
			gb_json_str(j, NULL, gb_pid1_signal_name(sig, name, sizeof name));
	}
	gb_json_arr_end(j);
}

static void json_zombies(struct gb_json *j, const struct gb_pid1_zombies *z)
{
	gb_json_obj_begin(j, "zombies");
	gb_json_uint(j, "count", z->count);
	gb_json_arr_begin(j, "pids");
	for (size_t i = 0; i < z->count && i < GB_PID1_MAX_ZOMBIES; i++)
		gb_json_int(j, NULL, z->z[i].nspid);
	gb_json_arr_end(j);
	gb_json_obj_end(j);
}

int gb_pid1_json(struct gb_json *j, const char *key, pid_t pid1, struct gb_err *err)
{
	struct gb_pid1_status s;
	int r = gb_pid1_read_status(pid1, &s, err);
	if (r < 0)
		return r;
	gb_json_obj_begin(j, key);
	gb_json_int(j, "pid", pid1);
	gb_json_str(j, "name", s.name);
	json_mask(j, "caught", s.sig.caught);
	json_mask(j, "ignored", s.sig.ignored);
	json_mask(j, "blocked", s.sig.blocked);
	/* The question every stop asks: does SIGTERM reach this PID 1 at all? */
	gb_json_str(j, "sigterm", gb_pid1_fate_name(gb_pid1_fate(&s.sig, SIGTERM)));
	struct gb_pid1_zombies z;
	struct gb_err zerr;
	if (gb_pid1_zombies(pid1, &z, &zerr) == 0)
		json_zombies(j, &z);
	gb_json_obj_end(j);
	return 0;
}

void gb_pid1_watch_init(struct gb_pid1_watch *w)
{
	memset(w, 0, sizeof *w);
}

static void emit_signals(struct gb_events *ev, pid_t pid1, const struct gb_pid1_status *s)
{
	struct gb_json j;
	gb_event_begin(ev, &j, "pid1.signals");
	gb_json_int(&j, "pid", pid1);
	gb_json_str(&j, "process", s->name);
	json_mask(&j, "caught", s->sig.caught);
	json_mask(&j, "ignored", s->sig.ignored);
	json_mask(&j, "blocked", s->sig.blocked);
	gb_json_str(&j, "sigterm", gb_pid1_fate_name(gb_pid1_fate(&s->sig, SIGTERM)));
	gb_event_emit(ev, &j);
}

static void emit_zombies(struct gb_events *ev, const struct gb_pid1_zombies *z)
{
	struct gb_json j;
	gb_event_begin(ev, &j, "zombies");
	gb_json_uint(&j, "count", z->count);
	gb_json_arr_begin(&j, "pids");
	for (size_t i = 0; i < z->count && i < GB_PID1_MAX_ZOMBIES; i++)
		gb_json_int(&j, NULL, z->z[i].nspid);
	gb_json_arr_end(&j);
	gb_event_emit(ev, &j);
}

void gb_pid1_watch_sample(struct gb_pid1_watch *w, struct gb_events *ev, pid_t pid1)
{
	struct gb_pid1_status s;
	struct gb_pid1_zombies z;
	struct gb_err ignored;
	if (gb_pid1_read_status(pid1, &s, &ignored) < 0 || s.state == 'Z')
		return; /* PID 1 is gone or going: the exit event tells the rest */
	if (!w->seen || s.sig.caught != w->sig.caught || s.sig.ignored != w->sig.ignored ||
	    s.sig.blocked != w->sig.blocked)
		emit_signals(ev, pid1, &s);
	w->sig = s.sig;
	/* -EXDEV (the host's pid namespace): zombies are not the container's alone. */
	if (gb_pid1_zombies(pid1, &z, &ignored) == 0 && (!w->seen || z.count != w->zombies)) {
		emit_zombies(ev, &z);
		w->zombies = z.count;
	}
	w->seen = true;
}
