/* `glassbox tag SOURCE TARGET`: one more name for an image's layers and config. The target
 * is read with Docker's reference grammar (registry/ref.h) and stored under its familiar
 * name, so `glassbox tag app 127.0.0.1:5000/team/app:1` names the repository `push` sends
 * it to. Nothing is copied: both names list the same layer directories. */
#ifndef GB_REGISTRY_TAG_H
#define GB_REGISTRY_TAG_H

#include "state/state.h"

/* The name TARGET is stored as ("team/app:1", "127.0.0.1:5000/x"), in out. */
int gb_tag_name(const char *target, char *out, size_t len, struct gb_err *err);
int gb_image_tag(struct gb_runtime *rt, const char *source, const char *target, struct gb_err *err);

#endif
