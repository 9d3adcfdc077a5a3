/* Attaching to a -t container (issue 18): its monitor keeps the pty's master, writes what
 * it prints to the log and serves a unix socket in the container's state directory
 * (attach.sock, mode 0600: root only); `glassbox attach` and `glassbox run -it` connect,
 * relay our terminal (raw) to it, and leave with the detach keys (Ctrl-P Ctrl-Q).
 * unix(7) SOCK_SEQPACKET, pty(7). Lab 16. docs/security.md. */
#ifndef GB_ATTACH_H
#define GB_ATTACH_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "state/state.h"

/* Messages on the socket, one per SOCK_SEQPACKET packet, first byte the type:
 * client -> monitor: 'd' + bytes typed, 'w' + struct winsize;
 * monitor -> client: 'o' + bytes the pty printed, 'x' + int exit code (then it closes). */
#define GB_ATTACH_MAX_CLIENTS 8

struct gb_attach_server {
	int master, log, listen;
	int clients[GB_ATTACH_MAX_CLIENTS];
	int stop[2];
	int exit_code;
	/* Until the first client comes: what the pty printed (so `run -it` misses nothing). */
	char early[65536];
	size_t n_early;
	bool had_client;
	bool wait_first; /* `run -t`: a client is on its way; the exit code is for it */
	pthread_t thread;
	bool running;
};

/* Monitor side: listen on STATE_DIR/attach.sock and relay master <-> log and clients. */
int gb_attach_server_start(struct gb_attach_server *s, const struct gb_runtime *rt,
			   const struct gb_state *st, int master, int log, struct gb_err *err);
/* PID 1 exited with exit_code: the last output, 'x' to every client, close. */
void gb_attach_server_finish(struct gb_attach_server *s, int exit_code);

/* Docker's --detach-keys: "ctrl-p,ctrl-q" -> {0x10, 0x11}. -EINVAL when malformed. */
int gb_detach_keys_parse(const char *spec, unsigned char *keys, size_t *n, size_t max,
			 struct gb_err *err);

/* Copy in to out, holding back a partial detach sequence (*matched keys so far; sent on
 * once it turns out not to be one). true: the whole sequence was typed. out needs
 * n + nk bytes. */
bool gb_detach_keys_scan(const unsigned char *keys, size_t nk, size_t *matched, const char *in,
			 size_t n, char *out, size_t *nout);

struct gb_attach_opts {
	const char *detach_keys; /* NULL: ctrl-p,ctrl-q */
	int in, out;		 /* our terminal (or whatever we were given) */
	bool forward_signals;	 /* SIGTERM etc. to PID 1, as `docker run` does */
};

/* Client side: attach to container ref until it exits (*exit_code set, *detached false)
 * or the detach keys are typed (*detached true). Our terminal is raw meanwhile and
 * restored on every way out. */
int gb_attach(struct gb_runtime *rt, const char *ref, const struct gb_attach_opts *o,
	      int *exit_code, bool *detached, struct gb_err *err);

#endif
