/* Who may reach glassbox's two roots. The data root holds every image layer, writable
 * layer and named volume, so a setuid-root file in any of them is a root shell for every
 * user who can reach it: both roots are 0700, owned by the user glassbox runs as.
 * chmod(2), path_resolution(7), docs/security.md ("Who may reach the roots"). Lab 16. */
#ifndef GB_ROOTS_H
#define GB_ROOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "host/feature.h"

/* Create root (a data or state root) and any missing parent. The parents get 0755, as
 * mkdir -p gives them (they hold no content); root itself is made 0700 in one mkdir(2),
 * so there is never a moment when it is wider. An existing root is left as it is. */
int gb_roots_mkdir(const char *root, struct gb_err *err);

/* An older glassbox made the roots 0711 and their content dirs 0755: take group and other
 * bits off both roots and the directories glassbox makes directly inside them (cheap: a
 * handful of stat(2) calls; the roots alone already stop every path into content). Only
 * a root that has a containers/ directory, only what the caller owns, never a sticky
 * directory such as /tmp. Returns how many it changed. */
int gb_roots_repair(const char *data_root, const char *state_root);

/* Can anyone but the owner search root? True for a group or other x bit (a group other
 * than root's), or, when we are root, an owner other than root. why: mode and owner. */
bool gb_roots_wide(const char *root, char *why, size_t len);

/* The roots as a host-check row ("roots.private"): available when neither root can be
 * traversed by another user; otherwise why, and the chmod that fixes it. */
void gb_roots_host_feature(const char *data_root, const char *state_root,
			   struct gb_host_feature *f);

#endif
