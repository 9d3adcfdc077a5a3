/* Unit tests: mount specs too long for their fields are refused, never cut short (a cut
 * path mounts elsewhere, a cut option list mounts with other options, a cut spec loses its
 * trailing ",readonly"). Each was found by tests/fuzz/fuzz_mountspec.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "storage/mountspec.h"

static void refused_as_too_long(int (*parse)(const char *, struct gb_mount *, struct gb_err *),
				const char *spec)
{
	struct gb_mount m;
	struct gb_err err = { 0 };
	assert_int_equal(parse(spec, &m, &err), -EINVAL);
	if (!strstr(err.msg, "too long"))
		fail_msg("error \"%s\" does not say too long", err.msg);
}

static void long_fields_are_refused_not_cut(void **s)
{
	char spec[2000], *p;
	/* -v with a 600-byte target: once cut to 511 bytes, a different directory. */
	snprintf(spec, sizeof spec, "data:/%0600d", 0);
	refused_as_too_long(gb_mount_parse_volume, spec);
	/* --tmpfs options past 127 bytes: nr_inodes was cut to another number, mode lost. */
	p = spec + snprintf(spec, sizeof spec, "/t:");
	for (int i = 0; i < 5; i++)
		p += sprintf(p, "nr_inodes=1000000000000000,");
	strcpy(p, "mode=1777");
	refused_as_too_long(gb_mount_parse_tmpfs, spec);
	/* --mount past 1199 bytes: the trailing readonly was dropped, the mount writable. */
	p = spec + snprintf(spec, sizeof spec, "type=bind,src=/x,dst=/y,");
	for (int i = 0; i < 110; i++)
		p += sprintf(p, "readonly=0,");
	strcpy(p, "readonly");
	refused_as_too_long(gb_mount_parse_mount, spec);
}

static void fields_that_fit_are_whole(void **s)
{
	char spec[700];
	struct gb_mount m;
	struct gb_err err = { 0 };
	snprintf(spec, sizeof spec, "/t:size=64m,mode=1777,nr_inodes=%060d", 1);
	assert_int_equal(gb_mount_parse_tmpfs(spec, &m, &err), 0);
	assert_string_equal(m.options, spec + 3);
	snprintf(spec, sizeof spec, "data:/%0510d", 0); /* 511 bytes: fits exactly */
	assert_int_equal(gb_mount_parse_volume(spec, &m, &err), 0);
	assert_int_equal(strlen(m.target), 511);
	assert_int_equal(gb_mount_parse_mount("type=tmpfs,target=/t,tmpfs-size", &m, &err),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_fields_are_refused_not_cut),
		cmocka_unit_test(fields_that_fit_are_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
