/* Error context: the library never prints or exits. A failing function returns a
 * negative errno and fills a gb_err naming the call, the path and what to do. */
#ifndef GB_ERROR_H
#define GB_ERROR_H

#include <stddef.h>

struct gb_err {
	int code;	/* positive errno, 0 when no error */
	char call[96];	/* the failing call as a student would write it */
	char msg[512];	/* what failed, with the path */
	char hint[384]; /* what to do about it; may be empty */
};

/* Record an error; returns -errnum so callers can `return gb_err_set(...)`.
 * call: the failing system call ("mount", "clone3"...), or "" when nothing failed in the
 * kernel and the request itself was refused (then no strerror text is printed). */
int gb_err_set(struct gb_err *e, int errnum, const char *call, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Add or replace the hint of an error already set. */
void gb_err_hint(struct gb_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gb_err_clear(struct gb_err *e);
/* "EPERM", "ENOENT", ... (or "E123" for unknown numbers). */
const char *gb_errno_name(int errnum);
/* The message without the hint: "MSG: STRERROR" for a failed call, "MSG" otherwise. */
void gb_err_message(const struct gb_err *e, char *buf, size_t len);
/* One line for the terminal: "glassbox: MSG: STRERROR\n  hint: HINT". */
void gb_err_format(const struct gb_err *e, char *buf, size_t len);

#endif
