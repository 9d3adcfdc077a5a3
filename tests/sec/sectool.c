/* sectool: the test driver for core/caps, core/seccomp and core/masks, before (and
 * besides) the engine. It runs a command the way a container's last steps would:
 * optional namespaces and a pivot_root into a root filesystem, masked and read-only
 * paths, capabilities, no_new_privs, seccomp last, then execve.
 *
 *   sectool run [--ns] [--rootfs DIR] [--chroot DIR] [--no-masks]
 *               [--cap-add CAP]... [--cap-drop CAP]... [--privileged]
 *               [--seccomp default|unconfined|FILE] [--no-new-privs=false]
 *               [--mark COMM] [--userns MAP|auto] [--bind SRC:DST] -- CMD [ARG...]
 *     --userns: a user namespace with the given uid and gid map (INSIDE:OUTSIDE:COUNT,...)
 *       or "auto": root inside = the caller outside (+ its /etc/subuid range if any).
 *   sectool caps [--cap-add CAP]... [--cap-drop CAP]...   resolved set, one line
 *   sectool decode HEXMASK                                 capability names
 *   sectool profile default|FILE [--cap-add CAP]...        the profile as Docker JSON
 * Exit status: CMD's, or 2 for a usage or setup error (printed with its hint). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "security/caps.h"
#include "base/error.h"
#include "security/masks.h"
#include "security/seccomp.h"
#include "ns/userns.h"
#include "base/util.h"

struct opts {
	bool ns, masks, privileged, nnp;
	const char *rootfs, *chroot_dir, *seccomp, *mark, *userns, *bind;
	char *add[64], *drop[64];
	size_t n_add, n_drop;
	char **argv;
};

static int fail(const struct gb_err *e)
{
	char buf[1024];
	gb_err_format(e, buf, sizeof buf);
	fprintf(stderr, "%s\n", buf);
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	o->masks = o->nnp = true;
	o->seccomp = "default";
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--") == 0) {
			o->argv = argv + i + 1;
			return 0;
		}
		if (strcmp(a, "--ns") == 0)
			o->ns = true;
		else if (strcmp(a, "--no-masks") == 0)
			o->masks = false;
		else if (strcmp(a, "--privileged") == 0)
			o->privileged = true;
		else if (strcmp(a, "--no-new-privs=false") == 0)
			o->nnp = false;
		else if (v && strcmp(a, "--rootfs") == 0)
			o->rootfs = argv[++i];
		else if (v && strcmp(a, "--chroot") == 0)
			o->chroot_dir = argv[++i];
		else if (v && strcmp(a, "--seccomp") == 0)
			o->seccomp = argv[++i];
		else if (v && strcmp(a, "--mark") == 0)
			o->mark = argv[++i];
		else if (v && strcmp(a, "--userns") == 0)
			o->userns = argv[++i];
		else if (v && strcmp(a, "--bind") == 0)
			o->bind = argv[++i];
		else if (v && strcmp(a, "--cap-add") == 0 && o->n_add < 63)
			o->add[o->n_add++] = argv[++i];
		else if (v && strcmp(a, "--cap-drop") == 0 && o->n_drop < 63)
			o->drop[o->n_drop++] = argv[++i];
		else {
			fprintf(stderr, "sectool: unknown option %s\n", a);
			return -1;
		}
	}
	return 0;
}

/* A minimal container root: proc, a read-only sysfs, a /dev with null, a tmpfs /tmp,
 * then pivot_root and the old root detached (what core/storage/rootfs.c does for real). */
static int enter_rootfs(const char *root, const char *bind, struct gb_err *err)
{
	char p[4096];
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return gb_err_set(err, errno, "mount(MS_PRIVATE)", "cannot make / private");
	if (mount(root, root, NULL, MS_BIND | MS_REC, NULL) < 0)
		return gb_err_set(err, errno, "mount(MS_BIND)", "cannot bind %s", root);
	if (bind) { /* SRC:DST, DST inside the root; a volume, as -v would make it */
		char src[2048];
		snprintf(src, sizeof src, "%.*s", (int)strcspn(bind, ":"), bind);
		snprintf(p, sizeof p, "%s/%s", root, bind + strcspn(bind, ":") + 1);
		if (mount(src, p, NULL, MS_BIND, NULL) < 0)
			return gb_err_set(err, errno, "mount(MS_BIND)", "cannot bind %s on %s", src,
					  p);
	}
	snprintf(p, sizeof p, "%s/proc", root);
	if (mount("proc", p, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return gb_err_set(err, errno, "mount(\"proc\")", "cannot mount %s", p);
	snprintf(p, sizeof p, "%s/sys", root);
	if (mount("sysfs", p, "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return gb_err_set(err, errno, "mount(\"sysfs\")", "cannot mount %s", p);
	snprintf(p, sizeof p, "%s/dev", root);
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID, "mode=755,size=64k") < 0)
		return gb_err_set(err, errno, "mount(\"tmpfs\")", "cannot mount %s", p);
	snprintf(p, sizeof p, "%s/dev/null", root);
	/* In a user namespace mknod of a device is refused: bind the host's node. */
	if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) < 0) {
		int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0 || close(fd) < 0 || mount("/dev/null", p, NULL, MS_BIND, NULL) < 0)
			return gb_err_set(err, errno, "mount(\"/dev/null\", MS_BIND)",
					  "cannot create %s", p);
	}
	snprintf(p, sizeof p, "%s/tmp", root);
	if (mount("tmpfs", p, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m") < 0)
		return gb_err_set(err, errno, "mount(\"tmpfs\")", "cannot mount %s", p);
	if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return gb_err_set(err, errno, "pivot_root(\".\", \".\")", "cannot pivot to %s",
				  root);
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return gb_err_set(err, errno, "umount2(MNT_DETACH)", "cannot detach the old root");
	return 0;
}

/* The container's last steps, in the engine's order: caps, no_new_privs, seccomp. */
static int confine(const struct opts *o, struct gb_err *err)
{
	gb_capset caps = gb_caps_all();
	int r = 0;
	if (!o->privileged) {
		char *add[65] = { 0 }, *drop[65] = { 0 };
		memcpy(add, o->add, o->n_add * sizeof *add);
		memcpy(drop, o->drop, o->n_drop * sizeof *drop);
		r = gb_caps_resolve(gb_caps_docker_default(), add, drop, &caps, err);
	}
	struct gb_seccomp_profile prof = { 0 };
	bool filter = strcmp(o->seccomp, "unconfined") != 0 && !o->privileged;
	if (r == 0 && filter)
		r = strcmp(o->seccomp, "default") == 0
			    ? gb_seccomp_default(&prof, caps, err)
			    : gb_seccomp_load_file(o->seccomp, caps, &prof, err);
	if (r == 0)
		r = gb_caps_apply(caps, err);
	if (r == 0 && o->nnp)
		r = gb_seccomp_set_no_new_privs(err);
	if (r == 0 && filter)
		r = gb_seccomp_apply(&prof, err);
	gb_seccomp_free(&prof);
	return r;
}

static int container(const struct opts *o)
{
	struct gb_err err = { 0 };
	int r = 0;
	if (o->rootfs)
		r = enter_rootfs(o->rootfs, o->bind, &err);
	if (r == 0 && o->rootfs && o->masks)
		r = gb_masks_apply("/", NULL, &err);
	if (r == 0 && o->chroot_dir && (chroot(o->chroot_dir) < 0 || chdir("/") < 0))
		r = gb_err_set(&err, errno, "chroot", "cannot chroot to %s", o->chroot_dir);
	if (r == 0)
		r = confine(o, &err);
	if (r < 0)
		return fail(&err);
	execvp(o->argv[0], o->argv);
	fprintf(stderr, "sectool: exec %s: %s\n", o->argv[0], strerror(errno));
	return 127;
}

static int wait_child(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return 2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Check everything that can be wrong before creating anything (caps and profile). */
static int precheck(const struct opts *o)
{
	struct gb_err err = { 0 };
	gb_capset caps;
	char *add[65] = { 0 }, *drop[65] = { 0 };
	memcpy(add, o->add, o->n_add * sizeof *add);
	memcpy(drop, o->drop, o->n_drop * sizeof *drop);
	if (gb_caps_resolve(gb_caps_docker_default(), add, drop, &caps, &err) < 0)
		return fail(&err);
	if (strcmp(o->seccomp, "default") == 0 || strcmp(o->seccomp, "unconfined") == 0)
		return 0;
	struct gb_seccomp_profile prof;
	if (gb_seccomp_load_file(o->seccomp, caps, &prof, &err) < 0)
		return fail(&err);
	gb_seccomp_free(&prof);
	return 0;
}

/* "auto": root inside is the caller outside, plus the caller's subordinate ids. */
static int userns_maps(const char *spec, struct gb_idmap *uids, struct gb_idmap *gids,
		       struct gb_err *err)
{
	if (strcmp(spec, "auto") != 0) {
		int r = gb_userns_parse_map(spec, uids, err);
		if (r == 0)
			*gids = *uids;
		return r;
	}
	uint32_t us = 0, uc = 0, gs = 0, gc = 0;
	gb_userns_subid("/etc/subuid", getenv("USER"), geteuid(), &us, &uc, NULL);
	gb_userns_subid("/etc/subgid", getenv("USER"), geteuid(), &gs, &gc, NULL);
	gb_userns_default_map(geteuid(), us, uc, uids);
	gb_userns_default_map(getegid(), gs, gc, gids);
	return 0;
}

static int ns_and_run(const struct opts *o);

/* The child unshares its user namespace and waits; the parent, still outside with
 * its privileges, writes the maps (only it can); then the child becomes root inside. */
static int run_in_userns(const struct opts *o)
{
	struct gb_err err = { 0 };
	struct gb_idmap uids, gids;
	if (gb_userns_check_allowed(&err) < 0 || userns_maps(o->userns, &uids, &gids, &err) < 0)
		return fail(&err);
	int ready[2], go[2];
	if (pipe(ready) < 0 || pipe(go) < 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 2;
	char c = 0;
	if (pid == 0) {
		close(ready[0]), close(go[1]);
		if (unshare(CLONE_NEWUSER) < 0) {
			perror("sectool: unshare(CLONE_NEWUSER)");
			_exit(2);
		}
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1 || c != 'g')
			_exit(2);
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
			perror("sectool: setresuid(0) inside");
			_exit(2);
		}
		_exit(ns_and_run(o));
	}
	close(ready[1]), close(go[0]);
	int r = read(ready[0], &c, 1) == 1 ? gb_userns_write_maps(pid, &uids, &gids, &err) : -EIO;
	if (r == 0 && write(go[1], "g", 1) != 1)
		r = -EIO;
	close(go[1]);
	if (r < 0)
		fail(&err);
	return wait_child(pid);
}

static int cmd_run(const struct opts *o)
{
	if (!o->argv || !o->argv[0]) {
		fprintf(stderr, "sectool run: missing -- CMD\n");
		return 2;
	}
	if (precheck(o))
		return 2;
	if (o->mark)
		prctl(PR_SET_NAME, o->mark, 0, 0, 0); /* the probe's "outside" process */
	return o->userns ? run_in_userns(o) : ns_and_run(o);
}

static int ns_and_run(const struct opts *o)
{
	if (o->ns &&
	    unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC) < 0) {
		perror("sectool: unshare");
		return 2;
	}
	if (!o->ns && o->rootfs && unshare(CLONE_NEWNS) < 0) {
		perror("sectool: unshare(CLONE_NEWNS)");
		return 2;
	}
	pid_t pid = fork(); /* the first child is PID 1 of the new PID namespace */
	if (pid < 0)
		return 2;
	if (pid == 0)
		_exit(container(o));
	return wait_child(pid);
}

static int cmd_caps(const struct opts *o)
{
	struct gb_err err = { 0 };
	gb_capset caps;
	char *add[65] = { 0 }, *drop[65] = { 0 };
	memcpy(add, o->add, o->n_add * sizeof *add);
	memcpy(drop, o->drop, o->n_drop * sizeof *drop);
	if (gb_caps_resolve(gb_caps_docker_default(), add, drop, &caps, &err) < 0)
		return fail(&err);
	char names[2048];
	gb_caps_format(caps, names, sizeof names);
	printf("%016llx %s\n", (unsigned long long)caps, names);
	return 0;
}

static int cmd_decode(const char *hex)
{
	gb_capset set;
	char names[2048];
	if (!hex || gb_caps_parse_hex(hex, &set) < 0) {
		fprintf(stderr, "sectool decode: not a hex mask: %s\n", hex ? hex : "(none)");
		return 2;
	}
	gb_caps_format(set, names, sizeof names);
	printf("%s\n", names);
	return 0;
}

static int cmd_profile(const char *which, const struct opts *o)
{
	struct gb_err err = { 0 };
	gb_capset caps;
	char *add[65] = { 0 };
	memcpy(add, o->add, o->n_add * sizeof *add);
	if (gb_caps_resolve(gb_caps_docker_default(), add, NULL, &caps, &err) < 0)
		return fail(&err);
	struct gb_seccomp_profile p;
	int r = strcmp(which, "default") == 0 ? gb_seccomp_default(&p, caps, &err)
					      : gb_seccomp_load_file(which, caps, &p, &err);
	if (r < 0)
		return fail(&err);
	char *json = gb_seccomp_to_json(&p);
	printf("%s\n", json ? json : "");
	fprintf(stderr, "sectool: %zu rules, %zu names unknown to libseccomp\n", p.n_rules,
		p.n_unknown);
	free(json);
	gb_seccomp_free(&p);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	if (argc < 2) {
		fprintf(stderr, "usage: sectool run|caps|decode|profile ... (see the source)\n");
		return 2;
	}
	if (strcmp(argv[1], "decode") == 0)
		return cmd_decode(argv[2]);
	bool profile = strcmp(argv[1], "profile") == 0;
	if (parse(argc - profile, argv + profile, &o) < 0)
		return 2;
	if (profile)
		return argc > 2 ? cmd_profile(argv[2], &o) : 2;
	if (strcmp(argv[1], "caps") == 0)
		return cmd_caps(&o);
	if (strcmp(argv[1], "run") == 0)
		return cmd_run(&o);
	fprintf(stderr, "sectool: unknown command %s\n", argv[1]);
	return 2;
}
