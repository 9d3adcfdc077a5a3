/* Unit tests for core/vm: the initramfs writer (cpio "newc" read back entry by entry, as
 * the kernel's unpacker reads it) and finding the guest kernel in a cache. No QEMU here:
 * tests/integration/90-vm-* boot it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/util.h"
#include "vm/vm_initramfs.h"
#include "vm/vm_kernel.h"

struct entry {
	char name[128];
	unsigned mode;
	char data[64];
	unsigned long size;
};

static unsigned long hex8(const char *p)
{
	char b[9];
	memcpy(b, p, 8);
	b[8] = '\0';
	return strtoul(b, NULL, 16);
}

/* Read every entry; returns how many, or -1 on a malformed archive. */
static int read_cpio(const char *path, struct entry *e, int max)
{
	gb_autofree char *buf = NULL;
	size_t len;
	if (gb_read_file(path, &buf, &len) < 0)
		return -1;
	size_t off = 0;
	int n = 0;
	while (off + 110 <= len && n < max) {
		if (memcmp(buf + off, "070701", 6) != 0)
			return -1;
		unsigned long mode = hex8(buf + off + 14), size = hex8(buf + off + 54);
		unsigned long nsize = hex8(buf + off + 94);
		const char *name = buf + off + 110;
		if (!strcmp(name, "TRAILER!!!"))
			return n;
		snprintf(e[n].name, sizeof e[n].name, "%s", name);
		e[n].mode = (unsigned)mode;
		e[n].size = size;
		off = (off + 110 + nsize + 3) & ~3UL;
		snprintf(e[n].data, sizeof e[n].data, "%.*s", (int)(size < 63 ? size : 63),
			 buf + off);
		off = (off + size + 3) & ~3UL;
		n++;
	}
	return -1; /* no trailer */
}

static const struct entry *find(const struct entry *e, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

static void test_initramfs_roundtrip(void **state)
{
	char dir[] = "/tmp/gbvmtest.XXXXXX", p[256], out[256];
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof p, "%s/root/bin", dir);
	assert_int_equal(gb_mkdir_p(p, 0755), 0);
	snprintf(p, sizeof p, "%s/root/bin/hello", dir);
	assert_int_equal(gb_write_atomic(p, "hi!\n", 4, 0755), 0);
	snprintf(p, sizeof p, "%s/root/bin/sh", dir);
	assert_int_equal(symlink("hello", p), 0);
	snprintf(p, sizeof p, "%s/extra", dir);
	assert_int_equal(gb_write_atomic(p, "x", 1, 0644), 0);
	snprintf(out, sizeof out, "%s/initrd.cpio", dir);
	char root[256];
	snprintf(root, sizeof root, "%s/root", dir);
	struct gb_vm_add add = { p, "/opt/deep/extra" };
	struct gb_err err = { 0 };
	assert_int_equal(gb_vm_initramfs(out, root, &add, 1, "echo ok\n", &err), 0);

	struct entry e[64];
	int n = read_cpio(out, e, 64);
	assert_true(n > 0);
	const struct entry *x = find(e, n, "bin/hello");
	assert_non_null(x);
	assert_true(S_ISREG(x->mode) && (x->mode & 0777) == 0755);
	assert_string_equal(x->data, "hi!\n");
	assert_non_null(x = find(e, n, "bin/sh"));
	assert_true(S_ISLNK(x->mode));
	assert_string_equal(x->data, "hello");
	assert_non_null(find(e, n, "opt/deep")); /* parents of an added path */
	assert_non_null(x = find(e, n, "opt/deep/extra"));
	assert_string_equal(x->data, "x");
	assert_non_null(x = find(e, n, "gb/cmd"));
	assert_string_equal(x->data, "echo ok\n");
	assert_non_null(x = find(e, n, "init"));
	assert_true(x->mode & 0100); /* /init must be executable */
	assert_non_null(strstr(x->data, "#!/bin/sh"));
	gb_rm_rf(dir);
}

static void test_initramfs_bad_input(void **state)
{
	char dir[] = "/tmp/gbvmtest.XXXXXX", out[256];
	assert_non_null(mkdtemp(dir));
	snprintf(out, sizeof out, "%s/initrd.cpio", dir);
	struct gb_err err = { 0 };
	assert_int_equal(gb_vm_initramfs(out, "/nonexistent/rootfs", NULL, 0, "true\n", &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/rootfs"));
	struct gb_vm_add rel = { dir, "relative/path" };
	assert_int_equal(gb_vm_initramfs(out, dir, &rel, 1, "true\n", &err), -EINVAL);
	assert_int_equal(access(out, F_OK), -1); /* nothing half-written left */
	char tmp[300];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	assert_int_equal(access(tmp, F_OK), -1);
	gb_rm_rf(dir);
}

static void test_kernel_find(void **state)
{
	char dir[] = "/tmp/gbvmtest.XXXXXX", p[256];
	assert_non_null(mkdtemp(dir));
	unsetenv("GLASSBOX_VM_KERNEL");
	struct gb_vm_kernel k;
	struct gb_err err = { 0 };
	assert_int_equal(gb_vm_kernel_find(&k, dir, false, &err), -ENOENT);
	assert_non_null(strstr(err.hint, "glassbox vm kernel"));
	snprintf(p, sizeof p, "%s/boot", dir);
	gb_mkdir_p(p, 0755);
	snprintf(p, sizeof p, "%s/boot/vmlinuz-6.1.0-40-cloud-amd64", dir);
	gb_write_atomic(p, "k", 1, 0644);
	snprintf(p, sizeof p, "%s/boot/vmlinuz-6.1.0-57-cloud-amd64", dir);
	gb_write_atomic(p, "k", 1, 0644);
	snprintf(p, sizeof p, "%s/lib/modules/6.1.0-57-cloud-amd64", dir);
	gb_mkdir_p(p, 0755);
	assert_int_equal(gb_vm_kernel_find(&k, dir, false, &err), 0);
	assert_string_equal(k.release, "6.1.0-57-cloud-amd64");
	assert_string_equal(k.modules, p);
	setenv("GLASSBOX_VM_KERNEL", "/nonexistent/vmlinuz-9.9", 1);
	assert_true(gb_vm_kernel_find(&k, dir, false, &err) < 0);
	snprintf(p, sizeof p, "%s/boot/vmlinuz-6.1.0-40-cloud-amd64", dir);
	setenv("GLASSBOX_VM_KERNEL", p, 1);
	assert_int_equal(gb_vm_kernel_find(&k, dir, false, &err), 0);
	assert_string_equal(k.release, "6.1.0-40-cloud-amd64");
	unsetenv("GLASSBOX_VM_KERNEL");
	gb_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initramfs_roundtrip),
		cmocka_unit_test(test_initramfs_bad_input),
		cmocka_unit_test(test_kernel_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
