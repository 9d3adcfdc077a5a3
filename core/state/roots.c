/* Who may reach glassbox's two roots (roots.h). The kernel checks the x (search) bit of
 * every directory on a path before it looks at the file at its end: a 0700 directory
 * owned by root stops every other user on the way in, whatever the modes below it say,
 * setuid files included. path_resolution(7), chmod(2). Lab 16 (capabilities-and-escapes). */
#include "state/roots.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

int gb_roots_mkdir(const char *root, struct gb_err *err)
{
	char parent[600];
	if (gb_path(parent, sizeof parent, "%s", root) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "path too long: %s", root);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		int r = gb_mkdir_p(parent, 0755);
		if (r < 0)
			return gb_err_set(err, -r, "mkdir", "cannot create %s", parent);
	}
	/* mkdir(2) applies the umask, which can only take bits away from 0700. */
	if (mkdir(root, 0700) < 0 && errno != EEXIST)
		return gb_err_set(err, errno, "mkdir", "mkdir(\"%s\", 0700) failed", root);
	return 0;
}

/* chmod go-rwx, on what we own and what is no sticky shared directory (/tmp). */
static int tighten(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	if (st.st_uid != geteuid() || (st.st_mode & S_ISVTX) || !(st.st_mode & 077))
		return 0;
	return fchmodat(dirfd, name, st.st_mode & 07700, 0) == 0;
}

/* What glassbox makes directly in its roots (docs/security.md has the table). Only these
 * are touched, and only in a root that holds nothing else (only_ours). */
static const char *const content_dirs[] = {
	"containers", "layers",	  "images", "volumes", "build-cache", "seccomp", /* data */
	"names",      "networks",						 /* state */
};

/* Besides content_dirs, what a root of glassbox's may hold: the state root's lock, the
 * data root inside glassbox-runc's state root, its oci/ records, the VM cache. */
static const char *const other_entries[] = { "lock", "data", "oci", "vm", "blobs" };

static bool known_entry(const char *name)
{
	for (size_t i = 0; i < GB_ARRAY_LEN(content_dirs); i++)
		if (!strcmp(name, content_dirs[i]))
			return true;
	for (size_t i = 0; i < GB_ARRAY_LEN(other_entries); i++)
		if (!strcmp(name, other_entries[i]))
			return true;
	return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* Only a directory that holds glassbox's entries and nothing else is ours to close: a root
 * pointed at a shared directory (--root /run, where podman's containers/ and the system's
 * lock/ live; --data-root /var/lib) must never lose its search bit for everyone. Such a
 * root stays as it is; host-check and check still report it with the chmod to run. */
static bool only_ours(const char *root)
{
	DIR *d = opendir(root);
	bool ours = d != NULL, containers = false;
	for (struct dirent *e; ours && (e = readdir(d));) {
		ours = known_entry(e->d_name);
		containers |= !strcmp(e->d_name, "containers");
	}
	if (d)
		closedir(d);
	return ours && containers;
}

static int repair_root(const char *root)
{
	/* containers/ is made by the first command that prepares a root: no glassbox root
	 * without it, so a directory that lacks it is left as it is. */
	if (!strcmp(root, "/"))
		return 0;
	/* A root already closed to everyone else (the usual case, after the first command)
	 * keeps them from all it holds, however wide its subdirs: nothing to list or mend. */
	struct stat st;
	if (stat(root, &st) == 0 && S_ISDIR(st.st_mode) && !(st.st_mode & 077))
		return 0;
	if (!only_ours(root))
		return 0;
	int n = tighten(AT_FDCWD, root);
	int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return n;
	for (size_t i = 0; i < GB_ARRAY_LEN(content_dirs); i++)
		n += tighten(fd, content_dirs[i]);
	close(fd);
	return n;
}

int gb_roots_repair(const char *data_root, const char *state_root)
{
	int n = repair_root(data_root);
	if (strcmp(state_root, data_root))
		n += repair_root(state_root);
	return n;
}

bool gb_roots_wide(const char *root, char *why, size_t len)
{
	struct stat st;
	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	snprintf(why, len, "%s is mode %04o, owner %u, group %u", root,
		 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
	if (st.st_mode & S_IXOTH)
		return true; /* every user of the host may search it */
	if ((st.st_mode & S_IXGRP) && st.st_gid != 0)
		return true;			 /* every member of that group may */
	return geteuid() == 0 && st.st_uid != 0; /* its owner may, and is not root */
}

static void add_root(struct gb_host_feature *f, const char *root, const char *what)
{
	char why[600];
	struct stat st;
	bool foreign = stat(root, &st) == 0 && st.st_uid != geteuid();
	size_t used = strlen(f->tested);
	snprintf(f->tested + used, sizeof f->tested - used, "%sstat(\"%s\")", used ? "; " : "",
		 root);
	if (!gb_roots_wide(root, why, sizeof why))
		return;
	f->available = false;
	used = strlen(f->reason);
	snprintf(f->reason + used, sizeof f->reason - used,
		 "%sthe %s %s: any user may walk in and run a setuid file of a container's layers "
		 "(chmod 0700 %s%s)",
		 used ? "; " : "", what, why, root,
		 foreign ? "; and chown it to the user glassbox runs as" : "");
}

void gb_roots_host_feature(const char *data_root, const char *state_root, struct gb_host_feature *f)
{
	memset(f, 0, sizeof *f);
	f->key = "roots.private";
	f->name = "data and state roots private";
	f->config = "";
	f->fix = "chmod 0700 the root named above (the next glassbox command other than "
		 "host-check and check does it for a root it owns); Docker keeps /var/lib/docker "
		 "0710";
	f->available = true;
	add_root(f, data_root, "data root");
	add_root(f, state_root, "state root");
	size_t used = strlen(f->tested);
	snprintf(f->tested + used, sizeof f->tested - used, ": %s",
		 f->available ? "neither can be searched by another user" : "WIDE");
}
