/* Root filesystem: overlay + /proc + /sys + /dev + pivot_root. mount(2), pivot_root(2),
 * Documentation/filesystems/overlayfs.rst. Labs 04 (mounts, pivot_root) and 11 (layers).
 * Everything here except gb_rootfs_make_dirs runs in the container's own mount namespace,
 * so when the container's last process exits, every mount made here disappears with it. */
#include "storage/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"
#include "base/mutate.h"

int gb_rootfs_make_dirs(const struct gb_rootfs *fs, struct gb_err *err)
{
	/* Their parent (containers/ID) 0700 first: gb_mkdir_p would make it 0755. */
	char parent[600];
	if (gb_path(parent, sizeof parent, "%s", fs->upper) == 0 && strrchr(parent, '/')) {
		*strrchr(parent, '/') = '\0';
		int r = gb_mkdir_p(parent, 0700);
		if (r < 0)
			return gb_err_set(err, -r, "mkdir", "cannot create %s", parent);
	}
	const char *dirs[] = { fs->upper, fs->work, fs->merged };
	for (size_t i = 0; i < GB_ARRAY_LEN(dirs); i++) {
		int r = gb_mkdir_p(dirs[i], 0755);
		if (r < 0)
			return gb_err_set(err, -r, "mkdir", "cannot create %s", dirs[i]);
	}
	return 0;
}

int gb_rootfs_make_private(struct gb_err *err)
{
	/* The new mount namespace starts as a copy of the host's, and shared mounts would
	 * still propagate events both ways: our overlay would appear on the host. Making
	 * every mount private (recursively) cuts that link before we mount anything. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(NULL, \"/\", NULL, MS_REC|MS_PRIVATE, NULL) failed");
	return 0;
}

int gb_rootfs_make_slave(struct gb_err *err)
{
	/* A slave receives what its master's peer group mounts and sends nothing to it: the
	 * container's own mounts stay in its namespace as with MS_PRIVATE. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(NULL, \"/\", NULL, MS_REC|MS_SLAVE, NULL) failed");
	return 0;
}

void gb_rootfs_propagation_str(unsigned long flags, char *buf, size_t len)
{
	const char *kind = flags & MS_SHARED	? "MS_SHARED"
			   : flags & MS_SLAVE	? "MS_SLAVE"
			   : flags & MS_PRIVATE ? "MS_PRIVATE"
						: "MS_UNBINDABLE";
	snprintf(buf, len, "%s%s", flags & MS_REC ? "MS_REC|" : "", kind);
}

int gb_rootfs_propagate(unsigned long flags, struct gb_err *err)
{
	char what[40];
	gb_rootfs_propagation_str(flags, what, sizeof what);
	if (mount(NULL, "/", NULL, flags, NULL) < 0)
		return gb_err_set(err, errno, "mount", "mount(NULL, \"/\", NULL, %s, NULL) failed",
				  what);
	return 0;
}

int gb_rootfs_overlay_opts(const struct gb_rootfs *fs, char *buf, size_t len)
{
	return gb_path(buf, len, "lowerdir=%s,upperdir=%s,workdir=%s", fs->lower, fs->upper,
		       fs->work);
}

/* Whether we run in a user namespace below the host's: its uid_map is not the identity
 * map of all 2^32 ids ("0 0 4294967295"). */
static bool in_child_userns(void)
{
	gb_autofree char *map = NULL;
	if (gb_read_file("/proc/self/uid_map", &map, NULL) < 0)
		return false;
	unsigned long long in, out, count;
	return sscanf(map, "%llu %llu %llu", &in, &out, &count) != 3 || in != 0 || out != 0 ||
	       count != 4294967295ULL;
}

/* Overlay keeps its marks (an opaque directory, a directory renamed) in trusted.overlay.*
 * xattrs, which only the host's root may write: mounted in a user namespace, it falls
 * back to none ("failed to set xattr on upper" in dmesg), and then refuses to rename any
 * directory (EXDEV: dpkg cannot install a package) and cannot make one that was deleted
 * and made again opaque. `userxattr` (Linux 5.11) keeps them in user.overlay.* instead,
 * which the user namespace's root may write. Documentation/filesystems/overlayfs.rst. */
static int mount_userxattr(const char *merged, const char *opts)
{
	char with[4200];
	if (gb_path(with, sizeof with, "%s,userxattr", opts) < 0)
		return -E2BIG;
	return mount("overlay", merged, "overlay", 0, with) == 0 ? 0 : -errno;
}

int gb_rootfs_mount_overlay(const struct gb_rootfs *fs, struct gb_err *err)
{
	char opts[4096];
	if (gb_rootfs_overlay_opts(fs, opts, sizeof opts) < 0)
		return gb_err_set(err, E2BIG, "mount",
				  "overlay options longer than a page (%zu layers?)",
				  strlen(fs->lower));
	/* Reads fall through the upper dir to the layers below; the first write to a lower
	 * file copies it up whole; a deletion leaves a whiteout (a 0/0 char device). */
	if (in_child_userns() && mount_userxattr(fs->merged, opts) == 0)
		return 0;
	if (mount("overlay", fs->merged, "overlay", 0, opts) == 0)
		return 0;
	int r = gb_err_set(err, errno, "mount",
			   "mount(\"overlay\", \"%s\", \"overlay\", 0, \"%s\") failed", fs->merged,
			   opts);
	if (errno == EINVAL)
		gb_err_hint(err,
			    "the upper dir cannot live on overlayfs and needs trusted.* xattrs "
			    "(ext4, xfs, tmpfs): choose another --data-root");
	else if (errno == ENODEV)
		gb_err_hint(err, "this kernel has no overlay filesystem: modprobe overlay");
	return r;
}

static int mount_at(const char *root, const char *dir, const char *src, const char *type,
		    unsigned long flags, const char *data, mode_t mode, struct gb_err *err)
{
	char target[4096];
	if (gb_path(target, sizeof target, "%s%s", root, dir) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mount", "path too long: %s%s", root, dir);
	if (mkdir(target, mode) < 0 && errno != EEXIST)
		return gb_err_set(err, errno, "mkdir", "cannot create mount point %s", target);
	if (mount(src, target, type, flags, data) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(\"%s\", \"%s\", \"%s\", 0x%lx, \"%s\") failed", src, dir,
				  type, flags, data ? data : "");
	return 0;
}

/* In a user namespace the kernel refuses a fresh proc or sysfs when the pid or network
 * namespace it would show belongs to the host (--pid host, --network host): bind-mount
 * the host's instead, as rootless runtimes do. Its files stay the host's, owned by ids
 * the namespace does not map, so root inside cannot write them anyway. */
static int bind_host(const char *root, const char *dir, struct gb_err *err)
{
	char target[4096];
	gb_path(target, sizeof target, "%s%s", root, dir);
	if (mount(dir, target, NULL, MS_BIND | MS_REC, NULL) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(\"%s\", \"%s\", NULL, MS_BIND|MS_REC) failed", dir, dir);
	return 0;
}

int gb_rootfs_mount_proc(const char *root, struct gb_err *err)
{
	/* A fresh procfs shows the pid namespace of the process that mounts it: without it,
	 * `ps` inside would still list the host's processes (lab 02's surprise). */
	int r = mount_at(root, "/proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL,
			 0555, err);
	return r == -EPERM ? bind_host(root, "/proc", err) : r;
}

int gb_rootfs_mount_sys(const char *root, bool readonly, struct gb_err *err)
{
	/* sysfs read-only: the container may look at devices and its network interfaces
	 * (sysfs shows those of the mounting network namespace) but change nothing.
	 * --privileged mounts it writable, as Docker does: one more door open (lab 16). */
	readonly = readonly && !gb_mutation("sys-ro");
	int r = mount_at(root, "/sys", "sysfs", "sysfs",
			 (readonly ? MS_RDONLY : 0) | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0555,
			 err);
	return r == -EPERM ? bind_host(root, "/sys", err) : r;
}

/* The device nodes every program expects, and nothing more: no disks, no /dev/mem. */
static const struct {
	const char *name;
	unsigned maj, min;
} devices[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },	 { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int make_device(const char *devdir, const char *name, unsigned maj, unsigned min,
		       struct gb_err *err)
{
	char path[4096], host[64];
	gb_path(path, sizeof path, "%s/%s", devdir, name);
	if (mknod(path, S_IFCHR | 0666, makedev(maj, min)) == 0) {
		chmod(path, 0666); /* mknod applied the umask */
		return 0;
	}
	if (errno != EPERM)
		return gb_err_set(err, errno, "mknod",
				  "mknod(\"/dev/%s\", S_IFCHR|0666, makedev(%u, %u)) failed", name,
				  maj, min);
	/* In a user namespace mknod is refused: bind-mount the host's node instead. */
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "cannot create %s", path);
	close(fd);
	snprintf(host, sizeof host, "/dev/%s", name);
	if (mount(host, path, NULL, MS_BIND, NULL) < 0)
		return gb_err_set(err, errno, "mount",
				  "mount(\"%s\", \"/dev/%s\", NULL, MS_BIND) failed", host, name);
	return 0;
}

static int dev_links(const char *devdir, struct gb_err *err);

int gb_rootfs_mount_dev(const char *root, struct gb_err *err)
{
	int r = mount_at(root, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
			 "mode=755,size=65536k", 0755, err);
	if (r < 0)
		return r;
	char devdir[4096];
	gb_path(devdir, sizeof devdir, "%s/dev", root);
	for (size_t i = 0; i < GB_ARRAY_LEN(devices); i++) {
		r = make_device(devdir, devices[i].name, devices[i].maj, devices[i].min, err);
		if (r < 0)
			return r;
	}
	/* A private devpts instance: the container's ptys are not the host's. */
	r = mount_at(root, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620", 0755, err);
	if (r < 0)
		return r;
	r = mount_at(root, "/dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     "mode=1777,size=65536k", 01777, err);
	if (r < 0)
		return r;
	/* POSIX message queues live in the IPC namespace; this mount shows ours (lab 03). */
	r = mount_at(root, "/dev/mqueue", "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL, 0755, err);
	if (r == -EPERM) /* --ipc host in a user namespace: the host's queues, if mounted */
		r = access("/dev/mqueue", F_OK) == 0 ? bind_host(root, "/dev/mqueue", err) : 0;
	if (r < 0)
		return r;
	return dev_links(devdir, err);
}

/* The links runtimes add to /dev (runtime-spec "Default devices" and /dev/fd & co). */
static int dev_links(const char *devdir, struct gb_err *err)
{
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },		 { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" },	 { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	for (size_t i = 0; i < GB_ARRAY_LEN(links); i++) {
		char path[4096];
		gb_path(path, sizeof path, "%s/%s", devdir, links[i][1]);
		if (symlink(links[i][0], path) < 0 && errno != EEXIST)
			return gb_err_set(err, errno, "symlink",
					  "symlink(\"%s\", \"/dev/%s\") failed", links[i][0],
					  links[i][1]);
	}
	return 0;
}

int gb_rootfs_dev_nodes(const char *root, struct gb_err *err)
{
	char devdir[4096];
	if (gb_path(devdir, sizeof devdir, "%s/dev", root) < 0)
		return gb_err_set(err, ENAMETOOLONG, "mkdir", "path too long: %s/dev", root);
	struct stat d;
	if (mkdir(devdir, 0755) < 0 && errno != EEXIST)
		return gb_err_set(err, errno, "mkdir", "cannot create %s", devdir);
	/* The paths below go through ROOT/dev: a symlink there would lead out of the root. */
	if (lstat(devdir, &d) < 0 || !S_ISDIR(d.st_mode))
		return gb_err_set(err, ENOTDIR, "mknod", "%s must be a directory, not a symlink",
				  devdir);
	for (size_t i = 0; i < GB_ARRAY_LEN(devices); i++) {
		char path[4096];
		gb_path(path, sizeof path, "%s/%s", devdir, devices[i].name);
		struct stat s;
		if (lstat(path, &s) == 0 && S_ISCHR(s.st_mode) &&
		    s.st_rdev == makedev(devices[i].maj, devices[i].min))
			continue; /* already there (linux.devices, or the client's root) */
		if (unlink(path) < 0 && errno != ENOENT) /* another file: ours replaces it */
			return gb_err_set(err, errno, "unlink", "cannot replace %s", path);
		int r = make_device(devdir, devices[i].name, devices[i].maj, devices[i].min, err);
		if (r < 0)
			return r;
	}
	return dev_links(devdir, err);
}

int gb_rootfs_pivot(const char *root, struct gb_err *err)
{
	if (chdir(root) < 0)
		return gb_err_set(err, errno, "chdir", "chdir(\"%s\") failed", root);
	/* pivot_root(".", ".") makes the overlay the root and stacks the old root on top of
	 * it at the same place; umount2(".", MNT_DETACH) then removes that old root from
	 * our namespace. Unlike chroot, no path and no ".." leads back to the host's files. */
	if (syscall(SYS_pivot_root, ".", ".") < 0) {
		int r = gb_err_set(err, errno, "pivot_root",
				   "pivot_root(\".\", \".\") in %s failed", root);
		if (errno == EINVAL)
			gb_err_hint(
				err,
				"the new root must be a mount point and no mount may be shared");
		return r;
	}
	if (!gb_mutation("old-root-detach") && umount2(".", MNT_DETACH) < 0)
		return gb_err_set(err, errno, "umount2",
				  "umount2(\".\", MNT_DETACH) of the old root failed");
	if (chdir("/") < 0)
		return gb_err_set(err, errno, "chdir", "chdir(\"/\") failed");
	return 0;
}

/* ---- lab 04's negative control: the chroot escape (--rootfs-mode chroot) ---- */

int gb_rootfs_chroot(const char *root, struct gb_err *err)
{
	if (chdir(root) < 0)
		return gb_err_set(err, errno, "chdir", "chdir(\"%s\") failed", root);
	/* chroot only changes where "/" starts for path lookups of this process. The host's
	 * root stays mounted in our namespace, so a process with CAP_SYS_CHROOT that chroots
	 * deeper while its cwd stays outside can climb ".." back to it: the escape lab 04
	 * shows. pivot_root + detaching the old root leaves nothing to climb to. */
	if (chroot(".") < 0)
		return gb_err_set(err, errno, "chroot", "chroot(\".\") in %s failed", root);
	if (chdir("/") < 0)
		return gb_err_set(err, errno, "chdir", "chdir(\"/\") failed");
	return 0;
}
