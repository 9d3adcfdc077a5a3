/* COPY/ADD --chown=USER[:GROUP] and --chmod=MODE: who owns the copied files and their mode.
 * Names are looked up in the image being built (its /etc/passwd and /etc/group as the
 * layers so far have them, top layer first, as overlayfs would show them), not the
 * host's: the files land in that image. As in Docker, a user without a group gives the
 * user's uid as the gid too (--chown=bin is bin's uid:uid, not bin's primary group), and
 * --chmod takes an octal mode, applied to every file and directory copied. */
#ifndef GB_BUILD_COPY_OWNER_H
#define GB_BUILD_COPY_OWNER_H

#include <stdbool.h>
#include <sys/types.h>

#include "base/error.h"
#include "build/dockerfile.h"
#include "state/state.h"

struct gb_copy_owner {
	bool chown, chmod; /* given: else root:root and the modes the sources have */
	uid_t uid;
	gid_t gid;
	mode_t mode;
};

/* Resolve o's --chown and --chmod against the image of LAYERS (bottom first). */
int gb_copy_owner_resolve(struct gb_runtime *rt, char *const *layers,
			  const struct gb_df_copy_opts *o, struct gb_copy_owner *out,
			  struct gb_err *err);

#endif
