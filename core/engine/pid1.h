/* PID 1 observed from the host: zombies in a container's pid namespace, and which signals
 * its PID 1 catches, ignores or blocks. Kernel: proc(5) (/proc/PID/status: State, NSpid,
 * SigCgt, SigIgn, SigBlk), pid_namespaces(7), signal(7). Labs 13 and 14. */
#ifndef GB_PID1_H
#define GB_PID1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/events.h"
#include "base/json.h"

/* What /proc/PID/status says about signals: one bit per signal, bit N-1 for signal N. */
struct gb_pid1_signals {
	uint64_t caught;  /* SigCgt: a handler is installed */
	uint64_t ignored; /* SigIgn: SIG_IGN */
	uint64_t blocked; /* SigBlk: in the signal mask (queued, not delivered) */
	uint64_t pending; /* SigPnd | ShdPnd: sent, not yet delivered */
};

/* The lines of /proc/PID/status this module needs. */
struct gb_pid1_status {
	char name[64]; /* Name: (comm) */
	char state;    /* State: R S D T Z ... */
	pid_t ppid;    /* PPid: in the reader's pid namespace */
	pid_t nspid;   /* last NSpid: field, the PID in the innermost namespace */
	int ns_depth;  /* number of NSpid: fields (1 = not in a child namespace) */
	struct gb_pid1_signals sig;
};

/* Zombies found in one pid namespace. count is the number found, even past max. */
#define GB_PID1_MAX_ZOMBIES 64
struct gb_pid1_zombie {
	pid_t pid;   /* host pid (as this process sees it) */
	pid_t nspid; /* pid inside the container */
	pid_t ppid;  /* host pid of the parent that has not called wait() */
	char name[64];
};
struct gb_pid1_zombies {
	size_t count;
	struct gb_pid1_zombie z[GB_PID1_MAX_ZOMBIES];
};

/* How a signal sent to a namespace's PID 1 fares. The kernel drops it when PID 1 left
 * it at its default action (unless it is SIGKILL/SIGSTOP from an ancestor namespace). */
enum gb_pid1_fate {
	GB_PID1_CAUGHT,	 /* a handler runs */
	GB_PID1_BLOCKED, /* queued until unblocked (signalfd, sigwait: glassbox-init) */
	GB_PID1_IGNORED, /* SIG_IGN: discarded by choice */
	GB_PID1_DROPPED, /* default action: the kernel discards it for a namespace init */
	GB_PID1_FORCED,	 /* SIGKILL, SIGSTOP: no process can refuse them */
};

/* ---- pure parsing (no /proc access; unit-tested) ---- */
/* A hex mask as in /proc status ("0000000000004a03"); -EINVAL if not hex. */
int gb_pid1_parse_mask(const char *hex, uint64_t *out);
/* Parse the text of /proc/PID/status; -EINVAL when State: or SigCgt: is missing. */
int gb_pid1_parse_status(const char *text, struct gb_pid1_status *out);
bool gb_pid1_mask_has(uint64_t mask, int signo);
/* "SIGTERM", "SIGRTMIN+3", "SIGRTMAX", "SIG32"; into buf, returned. */
const char *gb_pid1_signal_name(int signo, char *buf, size_t len);
/* "TERM", "SIGTERM", "sigterm", "15", "RTMIN+2", "SIGRTMAX-1" -> 1..64; -EINVAL otherwise. */
int gb_pid1_signal_parse(const char *text);
/* Names of the signals in mask, space-separated ("" when empty). Returns the count. */
int gb_pid1_mask_names(uint64_t mask, char *buf, size_t len);
enum gb_pid1_fate gb_pid1_fate(const struct gb_pid1_signals *s, int signo);
const char *gb_pid1_fate_name(enum gb_pid1_fate f);

/* ---- observation of a live process ---- */
int gb_pid1_read_status(pid_t pid, struct gb_pid1_status *out, struct gb_err *err);
/* Every process in state Z in the pid namespace of host pid pid1, found by comparing
 * /proc/N/ns/pid. -EXDEV when pid1 shares our own pid namespace (every host zombie would
 * count: find the container's processes through its cgroup instead). */
int gb_pid1_zombies(pid_t pid1, struct gb_pid1_zombies *out, struct gb_err *err);
/* Add an object member `key` describing PID 1 for inspect and the event stream:
 * {"pid":..,"name":..,"caught":[..],"ignored":[..],"blocked":[..],"sigterm":"dropped",
 *  "zombies":{"count":N,"pids":[nspid..]}}. */
int gb_pid1_json(struct gb_json *j, const char *key, pid_t pid1, struct gb_err *err);

/* The monitor's periodic look at PID 1 (docs/events.md): a `zombies` event when the
 * number of zombies changes, a `pid1.signals` event when SigCgt/SigIgn/SigBlk change. */
struct gb_pid1_watch {
	bool seen; /* a first look was taken */
	size_t zombies;
	struct gb_pid1_signals sig;
};
void gb_pid1_watch_init(struct gb_pid1_watch *w);
void gb_pid1_watch_sample(struct gb_pid1_watch *w, struct gb_events *ev, pid_t pid1);

#endif
