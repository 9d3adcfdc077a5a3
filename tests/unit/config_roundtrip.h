/* For the unit tests: a container config through the state file's JSON and back
 * (gb_config_to_json, gb_json_parse, gb_config_from_json), as a later command reads it. */
#ifndef GB_TEST_CONFIG_ROUNDTRIP_H
#define GB_TEST_CONFIG_ROUNDTRIP_H

#include "base/json.h"
#include "state/config.h"

/* 0 and *back filled (gb_config_free it), or what gb_config_from_json returned. */
static inline int config_roundtrip(const struct gb_config *c, struct gb_config *back,
				   struct gb_err *err)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_config_to_json(c, &j);
	gb_json_obj_end(&j);
	char perr[64];
	struct gb_jval *v = gb_json_parse(j.buf, j.len, perr, sizeof perr);
	int r = gb_config_from_json(back, v, err);
	gb_jval_free(v);
	gb_json_free(&j);
	return r;
}

#endif
