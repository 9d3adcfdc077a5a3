/* The --preserve-fds count (oci_fds.h), kept for the one create of this call. */
#include "oci/oci_fds.h"

#include "state/config.h"

static int preserve_fds;

void gb_oci_set_preserve_fds(int n)
{
	preserve_fds = n > 0 && n <= GB_PRESERVE_FDS_MAX ? n : 0;
}

int gb_oci_preserve_fds(void)
{
	return preserve_fds;
}
