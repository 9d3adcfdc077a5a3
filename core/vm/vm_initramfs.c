/* The guest's root filesystem: an initramfs, i.e. a cpio archive ("newc" format) that the
 * kernel unpacks into its first filesystem (rootfs) before it runs /init as PID 1. Made here
 * from glassbox's busybox image, so the VM runs the very same userland as the container.
 * The kernel's Documentation/driver-api/early-userspace/buffer-format.rst. Lab 19. */
#include "vm/vm_initramfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "base/util.h"

/* PID 1 of the guest. It reads its settings from the kernel command line (gb.*), prints
 * markers ("@gb:...") on the serial line that the host turns into vm.step events, runs
 * /gb/cmd and powers the machine off. */
static const char init_script[] =
	"#!/bin/sh\n"
	"# glassbox guest /init (core/vm/vm_initramfs.c): PID 1 of the VM\n"
	"export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root\n"
	"mount -t proc proc /proc\n"
	"arg() { for a in $(cat /proc/cmdline); do case $a in \"$1\"=*) echo \"${a#*=}\";; esac; "
	"done; }\n"
	"if [ \"$(arg gb.tmpfs)\" = 1 ] && [ ! -e /.gb-tmpfs ]; then\n"
	"  # the initramfs is rootfs, which pivot_root cannot leave: move to a tmpfs first\n"
	"  mkdir -p /newroot && mount -t tmpfs -o mode=755 tmpfs /newroot\n"
	"  for f in /*; do case $f in /proc|/sys|/dev|/newroot) ;; *) cp -a \"$f\" /newroot/ ;; "
	"esac; done\n"
	"  mkdir -p /newroot/proc /newroot/sys /newroot/dev && touch /newroot/.gb-tmpfs\n"
	"  umount /proc\n"
	"  exec switch_root /newroot /init\n"
	"fi\n"
	"echo @gb:init\n"
	"mount -t sysfs sysfs /sys\n"
	/* securityfs: where LSMs take their policy (AppArmor's apparmor_parser loads profiles
	 * through /sys/kernel/security/apparmor); absent in a kernel without it, no harm. */
	"mount -t securityfs securityfs /sys/kernel/security 2>/dev/null\n"
	"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
	"mkdir -p /dev/pts /dev/shm /tmp /run /var/tmp\n"
	"mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm; mount -t tmpfs tmpfs "
	"/run\n"
	"case \"$(arg gb.cg)\" in\n"
	"v2) mount -t cgroup2 cgroup2 /sys/fs/cgroup ;;\n"
	"v1) mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup\n"
	"    for c in $(awk 'NR>1 && $4==1 {print $1}' /proc/cgroups); do\n"
	"      mkdir -p /sys/fs/cgroup/$c && mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c; done "
	";;\n"
	"esac\n"
	"m=$(arg gb.mods)\n"
	"if [ -n \"$m\" ]; then for k in $(cat $m/order); do insmod $m/$k; done; fi\n"
	"ip link set lo up 2>/dev/null\n"
	"echo \"@gb:memtotal $(awk '/MemTotal/{print $2}' /proc/meminfo)\"\n"
	"echo 1 > /proc/sys/kernel/printk\n"
	"echo @gb:run\n"
	"cd /; sh /gb/cmd\n"
	"echo \"@gb:exit $?\"\n"
	"sync; poweroff -f\n";

struct cpio {
	FILE *f;
	unsigned long ino;
};

static void pad4(FILE *f, long long n)
{
	static const char zero[4];
	fwrite(zero, 1, (size_t)((4 - n % 4) % 4), f);
}

/* One entry: a 110-byte ASCII header of 13 hex fields, the name, then the data, each
 * padded to 4 bytes. nlink 1 everywhere: hard links become copies. */
static void cpio_head(struct cpio *c, const char *name, mode_t mode, uid_t uid, gid_t gid,
		      unsigned long long size, dev_t rdev)
{
	size_t nlen = strlen(name) + 1;
	fprintf(c->f, "070701%08lX%08X%08X%08X%08X%08X%08llX%08X%08X%08X%08X%08zX%08X", ++c->ino,
		(unsigned)mode, (unsigned)uid, (unsigned)gid, 1u, 0u, size, 0u, 0u,
		(unsigned)major(rdev), (unsigned)minor(rdev), nlen, 0u);
	fwrite(name, 1, nlen, c->f);
	pad4(c->f, 110 + (long long)nlen);
}

static void cpio_data(struct cpio *c, const char *name, mode_t mode, const char *data, size_t n)
{
	cpio_head(c, name, mode, 0, 0, n, 0);
	fwrite(data, 1, n, c->f);
	pad4(c->f, (long long)n);
}

static int cpio_file(struct cpio *c, const char *name, const char *host, const struct stat *st)
{
	gb_autoclose int fd = open(host, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	cpio_head(c, name, st->st_mode, st->st_uid, st->st_gid, (unsigned long long)st->st_size, 0);
	char buf[65536];
	long long left = st->st_size;
	while (left > 0) {
		ssize_t n = read(fd, buf, sizeof buf < (size_t)left ? sizeof buf : (size_t)left);
		if (n <= 0)
			return n < 0 ? -errno : -EIO; /* the file shrank: the archive would lie */
		fwrite(buf, 1, (size_t)n, c->f);
		left -= n;
	}
	pad4(c->f, st->st_size);
	return 0;
}

static int cpio_tree(struct cpio *c, const char *name, const char *host);

static int cpio_dir(struct cpio *c, const char *name, const char *host)
{
	DIR *d = opendir(host);
	if (!d)
		return -errno;
	int r = 0;
	struct dirent *e;
	while (r == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char h[PATH_MAX * 2], g[PATH_MAX * 2];
		if (gb_path(h, sizeof h, "%s/%s", host, e->d_name) < 0 ||
		    gb_path(g, sizeof g, "%s%s%s", name, name[0] ? "/" : "", e->d_name) < 0)
			r = -ENAMETOOLONG;
		else
			r = cpio_tree(c, g, h);
	}
	closedir(d);
	return r;
}

/* name: the path inside the archive, without the leading "/" ("" is the root itself). */
static int cpio_tree(struct cpio *c, const char *name, const char *host)
{
	struct stat st;
	if (lstat(host, &st) < 0)
		return -errno;
	const char *n = name[0] ? name : ".";
	if (S_ISDIR(st.st_mode)) {
		cpio_head(c, n, st.st_mode, st.st_uid, st.st_gid, 0, 0);
		return cpio_dir(c, name, host);
	}
	if (S_ISREG(st.st_mode))
		return cpio_file(c, n, host, &st);
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(host, target, sizeof target);
		if (len < 0 || (size_t)len >= sizeof target)
			return len < 0 ? -errno : -ENAMETOOLONG;
		cpio_head(c, n, st.st_mode, st.st_uid, st.st_gid, (unsigned long long)len, 0);
		fwrite(target, 1, (size_t)len, c->f);
		pad4(c->f, len);
		return 0;
	}
	cpio_head(c, n, st.st_mode, st.st_uid, st.st_gid, 0, st.st_rdev); /* devices, fifos */
	return 0;
}

/* The directories above a guest path, so an added tree has somewhere to land (the kernel
 * ignores a directory that already exists). */
static void cpio_parents(struct cpio *c, const char *guest)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", guest);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		cpio_head(c, p + 1, S_IFDIR | 0755, 0, 0, 0, 0);
		*s = '/';
	}
}

static int add_all(struct cpio *c, const char *rootfs, const struct gb_vm_add *adds, size_t n,
		   const char *command, struct gb_err *err)
{
	int r = cpio_tree(c, "", rootfs);
	if (r < 0)
		return gb_err_set(err, -r, "open", "cannot put the image %s into the initramfs",
				  rootfs);
	for (size_t i = 0; i < n; i++) {
		if (adds[i].guest[0] != '/')
			return gb_err_set(err, EINVAL, "", "guest path '%s' must be absolute",
					  adds[i].guest);
		cpio_parents(c, adds[i].guest);
		if ((r = cpio_tree(c, adds[i].guest + 1, adds[i].host)) < 0)
			return gb_err_set(err, -r, "open", "cannot put %s into the initramfs",
					  adds[i].host);
	}
	cpio_head(c, "gb", S_IFDIR | 0755, 0, 0, 0, 0);
	cpio_data(c, "gb/cmd", S_IFREG | 0644, command, strlen(command));
	cpio_data(c, "init", S_IFREG | 0755, init_script, sizeof init_script - 1);
	cpio_data(c, "TRAILER!!!", 0, "", 0);
	return 0;
}

int gb_vm_initramfs(const char *out, const char *rootfs, const struct gb_vm_add *adds,
		    size_t n_adds, const char *command, struct gb_err *err)
{
	char tmp[PATH_MAX + 8];
	if (gb_path(tmp, sizeof tmp, "%s.tmp", out) < 0)
		return gb_err_set(err, ENAMETOOLONG, "", "path too long: %s", out);
	struct cpio c = { fopen(tmp, "we"), 0 };
	if (!c.f)
		return gb_err_set(err, errno, "fopen", "cannot write the initramfs %s", tmp);
	int r = add_all(&c, rootfs, adds, n_adds, command, err);
	if (fclose(c.f) != 0 && r == 0)
		r = gb_err_set(err, errno, "fclose", "cannot write the initramfs %s", tmp);
	if (r == 0 && rename(tmp, out) < 0)
		r = gb_err_set(err, errno, "rename", "cannot move the initramfs to %s", out);
	if (r < 0)
		unlink(tmp);
	return r;
}
