/* The warnings of one glassbox-runc call (oci_warn.h). */
#include "oci/oci_warn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char warnings[4096];

void gb_oci_warn(const char *fmt, ...)
{
	size_t used = strlen(warnings);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(warnings + used, sizeof warnings - used, fmt, ap);
	va_end(ap);
	used = strlen(warnings);
	if (used + 1 < sizeof warnings)
		strcat(warnings, "\n");
}

const char *gb_oci_warnings(void)
{
	return warnings;
}
