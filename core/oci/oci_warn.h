/* Warnings of one glassbox-runc call: what the verb did not do but still succeeded without
 * (a failed poststart/poststop hook, an LSM label the host cannot apply). The CLI writes
 * them to --log as level "warning" (else to stderr), as runc logs its own. */
#ifndef GB_OCI_WARN_H
#define GB_OCI_WARN_H

void gb_oci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Every warning so far, one per line ("" when none). */
const char *gb_oci_warnings(void);

#endif
