/* Small helpers every module uses: files, paths, ids, time, and the fixed set of
 * cleanup attributes (STYLE.md rule 7) that replace goto ladders. */
#ifndef GB_UTIL_H
#define GB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_ID_LEN 12

/* ---- cleanup attributes ---- */
void gb_freep(void *p);
void gb_closep(int *fd);
void gb_strv_freep(char ***v);
#define gb_autofree __attribute__((cleanup(gb_freep)))
#define gb_autoclose __attribute__((cleanup(gb_closep)))
#define gb_autostrv __attribute__((cleanup(gb_strv_freep)))

#define GB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* snprintf into buf; -ENAMETOOLONG when it does not fit. */
int gb_path(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whole-file reads and writes. gb_read_file returns a NUL-terminated malloc'd buffer. */
int gb_read_file(const char *path, char **out, size_t *len);
/* Write (truncate) a small file such as a cgroup or /proc control file. */
int gb_write_file(const char *path, const char *data, size_t len);
int gb_write_str(const char *path, const char *s);
/* Write via PATH.tmp + fsync + rename, so readers see the old or the new file, never half,
 * with exactly `mode` (the umask does not apply),
 * and the new one survives a power cut (images, layers, volumes). */
int gb_write_atomic(const char *path, const char *data, size_t len, mode_t mode);
/* The same without fsync: readers and crashed processes still see a whole file (rename is
 * atomic), but a power cut may lose the last write. For the runtime state under the state
 * root, which a reboot clears anyway (/run): five fsyncs per start cost more than they
 * protect. */
int gb_write_replace(const char *path, const char *data, size_t len, mode_t mode);
/* First line of a file, without its newline, into buf. */
int gb_read_line(const char *path, char *buf, size_t len);

int gb_mkdir_p(const char *path, mode_t mode);
/* Remove a tree; never crosses into another mount (a mount point stops it with EBUSY). */
int gb_rm_rf(const char *path);
/* Copy a tree with modes, owners, times, symlinks, device nodes and xattrs. */
int gb_copy_tree(const char *src, const char *dst, struct gb_err *err);
/* Total size in bytes of regular files below path. */
long long gb_du(const char *path);

void gb_random_id(char out[GB_ID_LEN + 1]);
double gb_monotonic(void);
/* Wall-clock time as RFC 3339 UTC, e.g. 2026-11-28T23:44:09Z. */
void gb_rfc3339(char *buf, size_t len, double epoch_seconds);
double gb_wallclock(void);

/* Duplicate a NULL-terminated string vector. */
char **gb_strv_dup(char *const *v);
size_t gb_strv_len(char *const *v);
/* Append a copy of s to the NULL-terminated vector *v (which may be NULL): 0 or -ENOMEM. */
int gb_strv_push(char ***v, const char *s);
/* Join a vector with spaces, quoting words a shell would split. */
void gb_strv_join(char *const *v, char *buf, size_t len);

/* Process start time (field 22 of /proc/PID/stat), 0 when the process is gone: with the
 * PID it identifies a process even after PID reuse. */
unsigned long long gb_proc_starttime(pid_t pid);
/* Whether pid is alive and is the same process that had start time `start`. */
bool gb_proc_alive(pid_t pid, unsigned long long start);

/* Every signal to its default action and none blocked, as on a fresh boot: what a
 * container's first process and an exec'd one must start with. Ignored signals survive
 * execve(2), and the engine's caller may have ignored some (a shell's background job
 * ignores SIGINT; GNU make ignores 32 and 33, which glibc's own calls cannot reset). */
void gb_signals_default(void);

/* Retry EINTR for read/write/waitpid-like calls. */
ssize_t gb_read_full(int fd, void *buf, size_t len);
ssize_t gb_write_full(int fd, const void *buf, size_t len);

#endif
