/* Error context and errno names: core/base/error.h explains the convention. */
#include "base/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gb_err_set(struct gb_err *e, int errnum, const char *call, const char *fmt, ...)
{
	if (errnum < 0)
		errnum = -errnum;
	if (errnum == 0)
		errnum = EIO;
	if (!e)
		return -errnum;
	e->code = errnum;
	snprintf(e->call, sizeof e->call, "%s", call ? call : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->hint[0] = '\0';
	return -errnum;
}

void gb_err_hint(struct gb_err *e, const char *fmt, ...)
{
	if (!e)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof e->hint, fmt, ap);
	va_end(ap);
}

void gb_err_clear(struct gb_err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

#define N(x) [x] = #x
static const char *const names[] = {
	N(EPERM),      N(ENOENT),     N(ESRCH),		N(EINTR),	N(EIO),
	N(ENXIO),      N(E2BIG),      N(ENOEXEC),	N(EBADF),	N(ECHILD),
	N(EAGAIN),     N(ENOMEM),     N(EACCES),	N(EFAULT),	N(EBUSY),
	N(EEXIST),     N(EXDEV),      N(ENODEV),	N(ENOTDIR),	N(EISDIR),
	N(EINVAL),     N(ENFILE),     N(EMFILE),	N(ENOTTY),	N(EFBIG),
	N(ENOSPC),     N(ESPIPE),     N(EROFS),		N(EMLINK),	N(EPIPE),
	N(ERANGE),     N(EDEADLK),    N(ENAMETOOLONG),	N(ENOSYS),	N(ENOTEMPTY),
	N(ELOOP),      N(ENODATA),    N(ETIME),		N(EPROTO),	N(EOVERFLOW),
	N(EOPNOTSUPP), N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENETUNREACH), N(ECONNREFUSED),
	N(ETIMEDOUT),  N(EALREADY),   N(EINPROGRESS),	N(ECANCELED),	N(EOWNERDEAD),
	N(EUSERS),     N(EDQUOT),
};
#undef N

const char *gb_errno_name(int errnum)
{
	static __thread char buf[16];
	if (errnum < 0)
		errnum = -errnum;
	if (errnum < (int)(sizeof names / sizeof names[0]) && names[errnum])
		return names[errnum];
	snprintf(buf, sizeof buf, "E%d", errnum);
	return buf;
}

void gb_err_message(const struct gb_err *e, char *buf, size_t len)
{
	/* A failed system call says what the kernel answered; a refused request (a bad
	 * option, an illegal state change) has no call and says only what was wrong. */
	int n = e->call[0] ? snprintf(buf, len, "%s: %s", e->msg, strerror(e->code))
			   : snprintf(buf, len, "%s", e->msg);
	(void)n;
}

void gb_err_format(const struct gb_err *e, char *buf, size_t len)
{
	gb_err_message(e, buf, len);
	size_t n = strlen(buf);
	if (e->hint[0] && n < len)
		snprintf(buf + n, len - n, "\n  hint: %s", e->hint);
}
