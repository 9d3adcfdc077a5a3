/* Users inside the container: `--user` and the image's USER name a user of the container's
 * own /etc/passwd, not the host's. setresuid(2), setgroups(2), passwd(5), group(5).
 * Lab 06 (ids inside and outside) and lab 16 (a non-root user has no capabilities). */
#ifndef GB_USER_H
#define GB_USER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_USER_MAX_GROUPS 64

struct gb_user {
	uid_t uid;
	gid_t gid;
	gid_t groups[GB_USER_MAX_GROUPS]; /* supplementary groups from /etc/group */
	size_t n_groups;
	char home[256]; /* from passwd, "/" when unknown */
};

/* Whether spec looks like USER, UID, USER:GROUP or UID:GID (checked before create). */
bool gb_user_spec_valid(const char *spec);
/* Resolve spec against the text of passwd and group files (either may be NULL: then only
 * numeric ids work). Pure: unit tested. */
int gb_user_lookup(const char *spec, const char *passwd, const char *group, struct gb_user *out,
		   struct gb_err *err);
/* Resolve against /etc/passwd and /etc/group of the current root (the container's, after
 * pivot_root) and become that user: setgroups, setresgid, setresuid, in that order (after
 * setresuid we could no longer change groups). Leaving uid 0 clears the capability sets. */
int gb_user_switch(const char *spec, struct gb_err *err);

#endif
