/* --preserve-fds N of glassbox-runc create and run (runc's flag): the caller's fds 3 to
 * 3+N-1 stay open in PID 1 (gb_config.preserve_fds: the engine neither closes nor marks
 * them close-on-exec). Set once per call by the command line, read by create. */
#ifndef GB_OCI_FDS_H
#define GB_OCI_FDS_H

void gb_oci_set_preserve_fds(int n);
int gb_oci_preserve_fds(void);

#endif
