/* A program of ours run as a child, git's way with git-remote-https: the image commands
 * live in glassbox-images, linked with libcurl, libarchive and libcrypto, so that
 * `glassbox` itself (every container start) maps none of them. The child's gb_err comes
 * back whole through a pipe. */
#ifndef GB_HELPER_H
#define GB_HELPER_H

#include <stddef.h>

#include "base/error.h"

/* The environment variable that names the pipe's write end in the child. */
#define GB_HELPER_ERR_FD "GLASSBOX_HELPER_ERR_FD"
/* A child's exit status for "nothing to do" (ADD of a file that is not a tar). */
#define GB_HELPER_DECLINED 3

/* <share_dir>/../../libexec/glassbox/NAME, or $GLASSBOX_IMAGES for glassbox-images.
 * -ENOENT with a hint naming the path when it is not there (not built, not installed). */
int gb_helper_path(const char *share_dir, const char *name, char *buf, size_t len,
		   struct gb_err *err);
/* Run PATH with ARGS (argv[1..], NULL-terminated), stdin/stdout/stderr shared, and wait.
 * Returns the child's exit status when it reported no error, or -errno with err filled:
 * the child's own gb_err, or why it could not run or died. */
int gb_helper_run(const char *path, const char *const args[], struct gb_err *err);
/* A second way back from the child: lines it writes to a pipe of the caller's (its write
 * end without O_CLOEXEC, named in ARGS), handed to LINE as they come, in the caller's
 * thread, while it waits. A line longer than 8 KiB is dropped whole. */
struct gb_helper_lines {
	int rfd; /* the read end: read until EOF, then closed */
	int wfd; /* the write end: closed here once the child has it */
	void (*line)(void *data, const char *line, size_t len);
	void *data;
};
int gb_helper_run_lines(const char *path, const char *const args[], struct gb_helper_lines *lines,
			struct gb_err *err);
/* In the child: send err to the parent when it ran us through gb_helper_run.
 * Returns 1 when sent (the parent will report it), 0 when we were not run that way. */
int gb_helper_report(const struct gb_err *err);

#endif
