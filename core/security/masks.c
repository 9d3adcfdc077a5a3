/* Masked and read-only paths inside the container's mount namespace: binding /dev/null
 * or an empty tmpfs over host-wide /proc and /sys files, and remounting the rest of
 * the kernel's knobs read-only. mount(2), proc(5), sysfs(5). Lab 16. */
#include "security/masks.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "base/util.h"

const char *const gb_masks_masked[] = {
	"/proc/acpi",	/* ACPI tables and events of the host's hardware */
	"/proc/asound", /* the host's sound cards */
	"/proc/kcore",	/* the host's physical memory as an ELF core file */
	"/proc/keys",	/* kernel keyrings: key ids and descriptions of all users */
	"/proc/latency_stats",
	"/proc/timer_list", /* every timer: leaks host task names and pids */
	"/proc/timer_stats",
	"/proc/sched_debug",		 /* the scheduler's view of every task on the host */
	"/proc/scsi",			 /* writing here adds/removes host SCSI devices */
	"/sys/firmware",		 /* firmware tables, e.g. ACPI and EFI variables */
	"/sys/devices/virtual/powercap", /* energy counters: a known side channel */
	NULL,
};

const char *const gb_masks_readonly[] = {
	"/proc/bus", /* PCI/USB config space of the host's devices */
	"/proc/fs",
	"/proc/irq",	       /* interrupt affinity of the host's CPUs */
	"/proc/sys",	       /* sysctls: most are host-wide, not per namespace */
	"/proc/sysrq-trigger", /* one byte here can reboot or crash the host */
	NULL,
};

int gb_masks_mask(const char *path, struct gb_err *err)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0; /* not on this kernel: nothing to hide */
		return gb_err_set(err, errno, "stat", "cannot look at %s", path);
	}
	if (S_ISDIR(st.st_mode)) {
		/* An empty read-only tmpfs: the directory exists but holds nothing. */
		if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=0555") < 0)
			return gb_err_set(err, errno, "mount(\"tmpfs\", ..., MS_RDONLY)",
					  "cannot mask %s with an empty tmpfs", path);
		return 0;
	}
	/* A file: reads of /dev/null return nothing, writes vanish. */
	if (mount("/dev/null", path, NULL, MS_BIND, NULL) < 0)
		return gb_err_set(err, errno, "mount(\"/dev/null\", ..., MS_BIND)",
				  "cannot mask %s with /dev/null", path);
	return 0;
}

/* Flags a remount must keep: in a user namespace the kernel refuses a remount that
 * would clear nosuid/nodev/noexec set by the more privileged owner ("locked"). */
static unsigned long kept_flags(const char *path)
{
	struct statvfs sv;
	unsigned long flags = 0;
	if (statvfs(path, &sv) < 0)
		return 0;
	if (sv.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	return flags;
}

int gb_masks_readonly_bind(const char *path, struct gb_err *err)
{
	/* Two calls, as the kernel wants: a bind mount cannot be created read-only in
	 * one step; the read-only flag is set on the new mount by a remount. */
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0) {
		if (errno == ENOENT)
			return 0;
		return gb_err_set(err, errno, "mount(path, path, MS_BIND)",
				  "cannot bind %s onto itself", path);
	}
	unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(path);
	if (mount(NULL, path, NULL, flags, NULL) < 0)
		return gb_err_set(err, errno, "mount(NULL, path, MS_REMOUNT|MS_BIND|MS_RDONLY)",
				  "cannot make %s read-only", path);
	return 0;
}

static int apply_list(const char *root, const char *const *list, bool mask, size_t *applied,
		      struct gb_err *err)
{
	for (size_t i = 0; list[i]; i++) {
		char path[4096];
		const char *sep = root[strlen(root) - 1] == '/' ? "" : "/";
		int r = gb_path(path, sizeof path, "%s%s%s", root, sep, list[i] + 1);
		if (r < 0)
			return gb_err_set(err, -r, "path", "path too long: %s%s", root, list[i]);
		struct stat st;
		if (lstat(path, &st) < 0)
			continue; /* not on this kernel */
		r = mask ? gb_masks_mask(path, err) : gb_masks_readonly_bind(path, err);
		if (r < 0)
			return r;
		if (applied)
			(*applied)++;
	}
	return 0;
}

int gb_masks_apply(const char *root, size_t *applied, struct gb_err *err)
{
	return gb_masks_apply_lists(root, gb_masks_masked, gb_masks_readonly, applied, err);
}

int gb_masks_apply_lists(const char *root, const char *const *masked, const char *const *readonly,
			 size_t *applied, struct gb_err *err)
{
	if (applied)
		*applied = 0;
	/* Read-only first: /proc/sys stays readable; masks go on top of anything. */
	int r = apply_list(root, readonly, false, applied, err);
	if (r < 0)
		return r;
	return apply_list(root, masked, true, applied, err);
}

/* mountinfo fields: id parent major:minor root mountpoint options ... - fstype source */
static void observe_line(const char *line, struct gb_masks_state *out)
{
	char mnt[4096], opts[256];
	if (sscanf(line, "%*d %*d %*s %*s %4095s %255s", mnt, opts) != 2)
		return;
	bool ro = strncmp(opts, "ro", 2) == 0 && (opts[2] == ',' || opts[2] == '\0');
	for (size_t i = 0; gb_masks_masked[i]; i++)
		if (strcmp(mnt, gb_masks_masked[i]) == 0)
			out->masked |= 1UL << i;
	for (size_t i = 0; gb_masks_readonly[i]; i++) {
		if (strcmp(mnt, gb_masks_readonly[i]) != 0)
			continue;
		/* The last mount on a path is the one the process sees. */
		if (ro)
			out->readonly |= 1UL << i;
		else
			out->readonly &= ~(1UL << i);
	}
}

int gb_masks_observe(pid_t pid, struct gb_masks_state *out, struct gb_err *err)
{
	char path[64];
	snprintf(path, sizeof path, pid ? "/proc/%d/mountinfo" : "/proc/self/mountinfo", (int)pid);
	gb_autofree char *data = NULL;
	int r = gb_read_file(path, &data, NULL);
	if (r < 0)
		return gb_err_set(err, r, "open", "cannot read %s", path);
	memset(out, 0, sizeof *out);
	for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n"))
		observe_line(line, out);
	return 0;
}
