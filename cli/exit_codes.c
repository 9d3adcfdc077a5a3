/* Docker's exit codes for the commands that run something (issue 23, docs/cli.md): 125 for
 * a refusal before anything ran, 126 when the command cannot be executed, 127 when it does
 * not exist, 130 after an abort. A script tells them from the command's own code this way. */
#include <errno.h>
#include <string.h>

#include "cli.h"

int cli_exit_code(const struct gb_err *err, int refused)
{
	if (err->code == ECANCELED || err->code == EINTR)
		return 130;
	/* The execve of the container's command failed: the kernel said ENOENT when the file
	 * (or its #! interpreter, or its loader) is missing, EACCES or ENOEXEC when it cannot
	 * be executed. */
	if (strncmp(err->call, "execve", 6) == 0 || strstr(err->msg, "executable file not found"))
		return err->code == ENOENT ? 127 : 126;
	return refused;
}
