/* User namespaces: uid/gid maps that make root inside an unprivileged uid outside, and
 * what a rootless user needs (subordinate ids, newuidmap). user_namespaces(7),
 * subuid(5), newuidmap(1). Lab 06 (user-namespace-rootless). */
#ifndef GB_USERNS_H
#define GB_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_IDMAP_MAX 5 /* the kernel allows 340 lines; we need at most a few */

/* One line of /proc/PID/uid_map: ids inside..inside+count-1 are outside..outside+count-1. */
struct gb_idrange {
	uint32_t inside, outside, count;
};

struct gb_idmap {
	struct gb_idrange r[GB_IDMAP_MAX];
	size_t n;
};

/* "0:100000:65536" or "0:1000:1,1:100000:65535" (inside:outside:count, comma separated). */
int gb_userns_parse_map(const char *spec, struct gb_idmap *out, struct gb_err *err);
/* The text the kernel wants in uid_map: "0 100000 65536\n..." */
int gb_userns_format_map(const struct gb_idmap *m, char *buf, size_t len);
/* The id seen outside for an id inside, or -1 if it is not mapped. */
long long gb_userns_to_outside(const struct gb_idmap *m, uint32_t inside);

/* The first range of /etc/subuid (file) for a user, matched by name or by uid as
 * subuid(5) allows. -ENOENT when the user has none. */
int gb_userns_subid(const char *file, const char *user, uid_t uid, uint32_t *start, uint32_t *count,
		    struct gb_err *err);

/* The map a user gets by default: root inside = `id` outside; when subordinate ids
 * exist, ids 1..count inside map to them (needs newuidmap). */
void gb_userns_default_map(uint32_t id, uint32_t sub_start, uint32_t sub_count,
			   struct gb_idmap *out);

/* Whether this process may create a user namespace; if not, an error naming the sysctl
 * or limit that forbids it (unprivileged_userns_clone, the AppArmor restriction,
 * max_user_namespaces). */
int gb_userns_check_allowed(struct gb_err *err);

/* Write the maps of `pid` (a child that has unshared CLONE_NEWUSER) from the parent.
 * As root: direct writes. Otherwise: a single line mapping the caller's own id is
 * written directly (after "deny" to setgroups, which the kernel demands); anything
 * more goes through the setuid helpers newuidmap/newgidmap. */
int gb_userns_write_maps(pid_t pid, const struct gb_idmap *uids, const struct gb_idmap *gids,
			 struct gb_err *err);

/* Read back /proc/PID/uid_map or gid_map (what the kernel reports). */
int gb_userns_read_map(pid_t pid, const char *which, struct gb_idmap *out, struct gb_err *err);
/* The map as --uidmap spells it: "0:100000:65536,..." ("" when empty). */
int gb_userns_map_spec(const struct gb_idmap *m, char *buf, size_t len);

/* ---- in the engine (core/ns/userns_engine.c) ---- */
struct gb_config;

/* True when glassbox runs as an ordinary user: rootless mode. */
bool gb_userns_rootless(void);

/* Decide the container's maps before anything is created, from --userns/--uidmap/
 * --gidmap. Root: none unless asked; --userns=auto takes root's /etc/subuid range or
 * 0:100000:65536. Rootless: always a user namespace, the user's own ids as root plus
 * their /etc/subuid range when newuidmap exists. Idempotent. */
int gb_userns_resolve(struct gb_config *c, struct gb_err *err);

/* In the child, once its maps are written: become uid 0 and gid 0 of the new user
 * namespace (no supplementary groups when setgroups is allowed). */
int gb_userns_become_root(struct gb_err *err);

/* Every directory on the way to `path` must be searchable by the container's root
 * (`uid` outside), or the overlay mount inside the user namespace fails with EACCES. */
int gb_userns_check_reachable(const char *path, uid_t uid, gid_t gid, struct gb_err *err);

/* Layers imported by the host's root belong to uid 0, which a map like 0:100000:N does
 * not contain: overlay could read them but not copy them up. Rewrite each lower dir of
 * `lower` (':'-separated) to a copy owned through the map, kept next to it as
 * DIR.userns-KEY and reused by later containers with the same map. */
int gb_userns_shift_lower(const char *lower, const struct gb_idmap *uids,
			  const struct gb_idmap *gids, char *out, size_t len, struct gb_err *err);

/* rm -rf as root of a user namespace with these maps: a rootless user cannot remove the
 * files its containers' subordinate uids made, nor a mode-0 overlay work dir, alone. */
int gb_userns_rm_rf(const char *path, const struct gb_idmap *uids, const struct gb_idmap *gids,
		    struct gb_err *err);

/* ---- in core/ns/userns_call.c (lab 20 rootless: base images) ---- */

/* Call fn(arg) in a child that is uid 0 of a new user namespace with these maps; its
 * gb_err comes back into err. 0, or -errno when the namespace or fn failed. */
int gb_userns_call(int (*fn)(void *arg, struct gb_err *err), void *arg, const struct gb_idmap *uids,
		   const struct gb_idmap *gids, struct gb_err *err);
/* The maps a rootless container of this user gets (gb_userns_resolve's defaults). */
int gb_userns_rootless_maps(struct gb_idmap *uids, struct gb_idmap *gids, struct gb_err *err);
/* gb_userns_call with those maps: fn runs as root of the user's rootless user namespace
 * (a chown, a read of a subordinate id's 0700 dir, as a rootless container could). */
int gb_userns_call_rootless(int (*fn)(void *arg, struct gb_err *err), void *arg,
			    struct gb_err *err);

#endif
