/* AppArmor's change_onexec: the write runc also makes (apparmor.h). */
#include "security/apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

bool gb_apparmor_enabled(void)
{
	char on[8] = "";
	/* The module parameter, not securityfs: it is readable without mounting anything. */
	return gb_read_line("/sys/module/apparmor/parameters/enabled", on, sizeof on) >= 0 &&
	       on[0] == 'Y';
}

/* Linux 5.8 gave each LSM its own attr directory; before, AppArmor answered through the
 * shared /proc/self/attr/exec (which any "major" LSM could own). thread-self: the
 * change belongs to this thread, which is the one that calls execve. */
static int open_attr(const char **path)
{
	*path = GB_APPARMOR_ATTR;
	int fd = open(*path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	*path = "/proc/self/attr/exec";
	return open(*path, O_WRONLY | O_CLOEXEC);
}

int gb_apparmor_exec(const char *profile, struct gb_err *err)
{
	char cmd[300];
	int n = snprintf(cmd, sizeof cmd, "exec %s", profile);
	if (n < 0 || (size_t)n >= sizeof cmd)
		return gb_err_set(err, ENAMETOOLONG, "", "the AppArmor profile name is too long");
	const char *path;
	int fd = open_attr(&path);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot open %s to enter AppArmor profile %s",
				  path, profile);
	/* One write, whole: the kernel parses the command from this buffer and answers at
	 * once whether the profile exists (it only switches at the execve). */
	ssize_t w = write(fd, cmd, (size_t)n);
	int e = w < 0 ? errno : 0;
	close(fd);
	if (w == n)
		return 0;
	int r = gb_err_set(err, e ? e : EIO, "write",
			   "write(\"%s\", \"%s\") failed: the kernel refused AppArmor profile %s",
			   path, cmd, profile);
	if (e == ENOENT)
		gb_err_hint(err,
			    "no profile named %s is loaded: load it with apparmor_parser -r "
			    "FILE (as root), or see the loaded ones in "
			    "/sys/kernel/security/apparmor/profiles",
			    profile);
	return r;
}
