/* The model of an OCI container's requests (glassbox-runc, docs/events.md "OCI events"):
 * oci.chain, the processes from the client down to PID 1 that create read from /proc, and
 * oci.request, each verb the client called. The chain scene draws only from here. */
#include <stdio.h>
#include <string.h>

#include "model.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src))

static void caption(struct vz_model *m, const char *call, const char *text)
{
	COPY(m->cap_call, call);
	COPY(m->cap_text, text);
	m->cap_failed = false;
	m->cap_tag = m->tag;
}

static void ev_chain(struct vz_model *m, const struct gb_jval *e)
{
	struct vz_chain *c = &m->chain;
	const struct gb_jval *links = gb_jget(e, "links");
	c->n = 0;
	for (const struct gb_jval *l = links ? links->child : NULL; l && c->n < 8; l = l->next) {
		struct vz_chain_link *k = &c->links[c->n++];
		COPY(k->role, gb_jstr(l, "role", "?"));
		COPY(k->comm, gb_jstr(l, "comm", "?"));
		/* The runtime's command line from its verb on: the global flags before it
		 * (--root, --log) are long paths that say little. */
		const char *args = gb_jstr(l, "args", ""), *verb = strstr(args, " create ");
		COPY(k->args, !strcmp(k->role, "runtime") && verb ? verb + 1 : args);
		k->pid = (int)gb_jint(l, "pid", 0);
		k->ppid = (int)gb_jint(l, "ppid", 0);
	}
	c->tag = m->tag;
	caption(m, "/proc/PID/stat, /proc/net/unix",
		"Who asked for this container: each process's parent, and the daemon listening "
		"on the socket the shim was given, read from /proc when create ran.");
}

static const char *verb_sentence(const char *verb)
{
	static const struct {
		const char *verb, *text;
	} texts[] = {
		{ "create", "The shim asks the runtime to build the container: every step up to "
			    "the exec; PID 1 then waits on a fifo." },
		{ "start", "The shim says go: PID 1 leaves the fifo and execs the command." },
		{ "state", "The shim asks how the container is: the runtime reads the kernel." },
		{ "kill", "A signal for PID 1, through a pidfd (docker stop, docker kill)." },
		{ "delete", "The container is gone: its cgroup and records are removed." },
		{ "exec", "A new process joins the container's namespaces and cgroup (docker "
			  "exec)." },
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strcmp(texts[i].verb, verb))
			return texts[i].text;
	return "A verb of runc's command line, called by the client.";
}

static void ev_request(struct vz_model *m, const struct gb_jval *e)
{
	struct vz_chain *c = &m->chain;
	COPY(c->verb, gb_jstr(e, "verb", "?"));
	COPY(c->caller, gb_jstr(e, "caller", "?"));
	c->caller_pid = (int)gb_jint(e, "caller_pid", 0);
	c->verb_tag = m->tag;
	c->n_requests++;
	char call[96];
	snprintf(call, sizeof call, "glassbox-runc %s (asked by %s, pid %d)", c->verb, c->caller,
		 c->caller_pid);
	caption(m, call, verb_sentence(c->verb));
}

bool vz_model_oci(struct vz_model *m, const char *type, const struct gb_jval *e)
{
	if (!strcmp(type, "oci.chain"))
		ev_chain(m, e);
	else if (!strcmp(type, "oci.request"))
		ev_request(m, e);
	else
		return false;
	return true;
}
