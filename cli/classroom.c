/* glassbox classroom setup|doctor|teardown (issue 21): the teacher's one-time setup of a
 * class on one server. Each student gets subordinate ids (subuid(5)) for rootless
 * containers and a delegated cgroup subtree with a ceiling (core/cgroup/delegate.h), so
 * that labs 07-10 work without root and one student's fork bomb stays in their share.
 * The roster (core/classroom/roster.h) says who is in the class. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <pwd.h>

#include "base/util.h"
#include "cgroup/cgroup.h"
#include "cgroup/cgroup_container.h"
#include "cgroup/delegate.h"
#include "classroom/roster.h"
#include "classroom/spool.h"
#include "classroom/subids.h"
#include "cli.h"
#include "ns/userns.h"

/* subuid(5) files; tests point these at copies. */
static const char *subuid_file(void)
{
	const char *f = getenv("GLASSBOX_SUBUID_FILE");
	return f && *f ? f : "/etc/subuid";
}

static const char *subgid_file(void)
{
	const char *f = getenv("GLASSBOX_SUBGID_FILE");
	return f && *f ? f : "/etc/subgid";
}

static int usage(const char *msg)
{
	fprintf(stderr,
		"glassbox: %s\n"
		"usage: glassbox classroom setup --students FILE|GROUP [--memory 512m] "
		"[--pids 512] [--cpu-weight 100] [--opt-out NAME[,NAME]]\n"
		"       glassbox classroom doctor\n"
		"       glassbox classroom teardown\n",
		msg);
	return 2;
}

static int need_root(const char *what)
{
	if (geteuid() == 0)
		return 0;
	fprintf(stderr,
		"glassbox: classroom %s needs root: it writes /etc/subuid, /etc/subgid and "
		"cgroups of the whole host\n  hint: the teacher runs `sudo glassbox classroom "
		"%s ...`; a student checks their own setup with `glassbox classroom doctor`\n",
		what, what);
	return 1;
}

static int host(struct gb_cg_host *h)
{
	struct gb_err err = { 0 };
	if (gb_cgroup_detect(h, getenv("GLASSBOX_CGROUP_ROOT"), &err) == 0)
		return 0;
	cli_error(&err);
	return -1;
}

/* ------------------------------------------------------------ the added subuid lines */

/* Which subuid/subgid lines setup added, so that teardown removes exactly those: one
 * "u|g NAME START" per line in DIR/subids.added (root's, 0600). */
static void added_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/subids.added", gb_class_dir());
}

static int note_added(char kind, const char *name, uint32_t start)
{
	char path[4096];
	added_path(path, sizeof path);
	FILE *f = fopen(path, "ae");
	if (!f)
		return -errno;
	fchmod(fileno(f), 0600);
	fprintf(f, "%c %s %u\n", kind, name, start);
	return fclose(f) == 0 ? 0 : -errno;
}

static int remove_added(void)
{
	char path[4096], line[256], name[64];
	char kind;
	unsigned start;
	int bad = 0;
	added_path(path, sizeof path);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%c %63s %u", &kind, name, &start) == 3) {
			struct gb_err err = { 0 };
			const char *file = kind == 'u' ? subuid_file() : subgid_file();
			if (gb_class_subid_remove(file, name, start, &err) < 0)
				bad = 1, cli_error(&err);
		}
	fclose(f);
	return bad ? -EIO : (unlink(path) == 0 || errno == ENOENT ? 0 : -errno);
}

static int give_range(const char *file, char kind, const struct gb_class_student *s)
{
	struct gb_err err = { 0 };
	uint32_t start;
	if (gb_class_subid_has(file, s->name, s->uid))
		return 0;
	if (gb_class_subid_append(file, s->name, GB_CLASS_SUBID_MIN, &start, &err) < 0)
		return cli_error(&err), -1;
	if (note_added(kind, s->name, start) < 0) {
		gb_class_subid_remove(file, s->name, start, NULL);
		fprintf(stderr, "glassbox: cannot record the range added for %s in %s: %s\n",
			s->name, gb_class_dir(), strerror(errno));
		return -1;
	}
	printf("  %s: %s:%u:%u added to %s\n", s->name, s->name, start, GB_CLASS_SUBID_COUNT, file);
	return 0;
}

/* ------------------------------------------------------------ setup */

struct setup_opts {
	const char *students, *opt_out;
	struct gb_class_ceiling ceil;
};

static int parse_setup(int argc, char **argv, struct setup_opts *o)
{
	struct gb_err err = { 0 };
	o->ceil =
		(struct gb_class_ceiling){ .memory = 512LL << 20, .pids = 512, .cpu_weight = 100 };
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			return usage("classroom setup: an option is missing its value");
		i++;
		if (!strcmp(a, "--students"))
			o->students = v;
		else if (!strcmp(a, "--opt-out"))
			o->opt_out = v;
		else if (!strcmp(a, "--memory") &&
			 gb_cgroup_parse_memory(v, &o->ceil.memory, &err) < 0)
			return cli_error(&err), 2;
		else if (!strcmp(a, "--pids") && gb_cgroup_parse_pids(v, &o->ceil.pids, &err) < 0)
			return cli_error(&err), 2;
		else if (!strcmp(a, "--cpu-weight") &&
			 ((o->ceil.cpu_weight = atoi(v)) < 1 || o->ceil.cpu_weight > 10000))
			return usage(
				"classroom setup: --cpu-weight is 1-10000 (100 is a fair share)");
		else if (strcmp(a, "--memory") && strcmp(a, "--pids") && strcmp(a, "--cpu-weight"))
			return usage("classroom setup: unknown option");
	}
	if (!o->students)
		return usage("classroom setup: --students FILE|GROUP is required");
	return 0;
}

static int apply_opt_out(struct gb_class_roster *r, const char *list)
{
	char copy[4096], *save = NULL;
	snprintf(copy, sizeof copy, "%s", list ? list : "");
	for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < r->n && strcmp(r->students[i].name, n))
			i++;
		if (i == r->n) {
			fprintf(stderr, "glassbox: --opt-out %s: not a student of this class\n", n);
			return -1;
		}
		r->students[i].opt_out = true;
	}
	return 0;
}

static int delegate_all(const struct gb_cg_host *h, const struct gb_class_roster *r)
{
	struct gb_cg_limits ceil = { .memory = r->ceiling.memory,
				     .pids_max = r->ceiling.pids,
				     .cpu_weight = r->ceiling.cpu_weight };
	for (size_t i = 0; i < r->n; i++) {
		const struct gb_class_student *s = &r->students[i];
		struct gb_err err = { 0 };
		if (gb_cg_delegate_create(h, s->name, s->uid, s->gid, &ceil, &err) < 0)
			return cli_error(&err), -1;
		char dir[GB_CG_PATH];
		gb_cg_delegate_dir(h, s->name, GB_CG_MEMORY, dir, sizeof dir);
		printf("  %s: cgroup %s (uid %u) delegated\n", s->name, dir, (unsigned)s->uid);
	}
	return 0;
}

static void undo_setup(const struct gb_cg_host *h, const struct gb_class_roster *r)
{
	gb_class_spool_teardown(gb_class_dir(), NULL);
	for (size_t i = 0; i < r->n; i++)
		gb_cg_delegate_remove(h, r->students[i].name, NULL);
	remove_added();
}

static void print_login_note(const struct gb_cg_host *h)
{
	if (!h->unified[0])
		return;
	printf("login placement: cgroup v2 lets a process move only inside a subtree its user "
	       "owns, so a student's login shell must start in\n  %s/%s/NAME/%s "
	       "(root writes its pid to cgroup.procs there, e.g. pam_exec at login)%s\n",
	       h->unified, GB_CG_CLASS_PARENT, GB_CG_CLASS_SESSION,
	       h->layout == GB_CG_HYBRID ? "; without it the v1 hierarchies still do every "
					   "limit and the v1 freezer pauses"
					 : "");
}

static int cmd_setup(int argc, char **argv)
{
	struct setup_opts o = { 0 };
	struct gb_class_roster r = { 0 };
	struct gb_cg_host h;
	struct gb_err err = { 0 };
	int rc = parse_setup(argc, argv, &o);
	if (rc || (rc = need_root("setup")) || host(&h) < 0)
		return rc ? rc : 1;
	char roster[4096];
	snprintf(roster, sizeof roster, "%s/roster.json", gb_class_dir());
	if (access(roster, F_OK) == 0) {
		/* One class at a time: teardown must know exactly what setup added. */
		fprintf(stderr,
			"glassbox: a class is already set up here (%s)\n  hint: `glassbox "
			"classroom "
			"teardown` first, then setup with the whole list\n",
			roster);
		return 1;
	}
	if (gb_class_students_parse(o.students, &r, &err) < 0)
		return cli_error(&err), 1;
	r.ceiling = o.ceil;
	time_t now = time(NULL);
	strftime(r.created, sizeof r.created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	rc = apply_opt_out(&r, o.opt_out);
	if (rc == 0 && gb_mkdir_p(gb_class_dir(), 0755) < 0)
		rc = -1,
		fprintf(stderr, "glassbox: mkdir %s: %s\n", gb_class_dir(), strerror(errno));
	printf("classroom: %zu students, ceiling %lld bytes, %lld pids, cpu weight %d each\n", r.n,
	       r.ceiling.memory, r.ceiling.pids, r.ceiling.cpu_weight);
	for (size_t i = 0; rc == 0 && i < r.n; i++)
		if (give_range(subuid_file(), 'u', &r.students[i]) < 0 ||
		    give_range(subgid_file(), 'g', &r.students[i]) < 0)
			rc = -1;
	if (rc == 0)
		rc = delegate_all(&h, &r);
	if (rc == 0 && gb_class_spool_setup(gb_class_dir(), &r, &err) < 0)
		rc = -1, cli_error(&err);
	if (rc == 0 && gb_class_roster_write(gb_class_dir(), &r, &err) < 0)
		rc = -1, cli_error(&err);
	if (rc < 0)
		undo_setup(&h, &r);
	else
		print_login_note(&h);
	gb_class_roster_free(&r);
	return rc < 0 ? 1 : 0;
}

/* ------------------------------------------------------------ teardown */

static int cmd_teardown(void)
{
	struct gb_class_roster r = { 0 };
	struct gb_cg_host h;
	struct gb_err err = { 0 };
	char path[4096];
	int rc = need_root("teardown");
	if (rc || host(&h) < 0)
		return 1;
	if (gb_class_roster_read(gb_class_dir(), &r, &err) < 0) {
		cli_error(&err);
		fprintf(stderr, "  hint: no class was set up here (or %s was removed by hand)\n",
			gb_class_dir());
		return 1;
	}
	for (size_t i = 0; i < r.n; i++)
		if (gb_cg_delegate_remove(&h, r.students[i].name, &err) < 0)
			rc = 1, cli_error(&err);
		else
			printf("  %s: delegated cgroup removed\n", r.students[i].name);
	if (remove_added() < 0)
		rc = 1;
	if (gb_class_spool_teardown(gb_class_dir(), &err) < 0)
		rc = 1, cli_error(&err);
	snprintf(path, sizeof path, "%s/roster.json", gb_class_dir());
	if (rc == 0 && unlink(path) < 0)
		rc = 1, fprintf(stderr, "glassbox: unlink %s: %s\n", path, strerror(errno));
	rmdir(gb_class_dir()); /* only if empty: someone else's files there are not ours */
	gb_class_roster_free(&r);
	if (rc == 0)
		printf("classroom: torn down (cgroups, added subuid/subgid lines, results, "
		       "roster)\n");
	return rc;
}

/* ------------------------------------------------------------ doctor */

static int report(bool ok, const char *what, const char *fix)
{
	if (ok)
		printf("  ok    %s\n", what);
	else
		printf("  FAIL  %s\n        fix: %s\n", what, fix);
	return ok ? 0 : 1;
}

static bool dir_owned(const char *dir, uid_t uid)
{
	struct stat sb;
	return stat(dir, &sb) == 0 && sb.st_uid == uid;
}

/* The ceiling the kernel holds for s, compared with the roster's. */
static int doctor_ceiling(const struct gb_cg_host *h, const struct gb_class_roster *r,
			  const struct gb_class_student *s)
{
	char dir[GB_CG_PATH], what[GB_CG_PATH + 96];
	long long v = 0;
	bool v2 = h->layout == GB_CG_V2;
	gb_cg_delegate_dir(h, s->name, GB_CG_MEMORY, dir, sizeof dir);
	gb_cg_read_ll(dir, v2 ? "memory.max" : "memory.limit_in_bytes", &v);
	snprintf(what, sizeof what, "%s: memory ceiling %lld in %s", s->name, v, dir);
	int bad = report(v == r->ceiling.memory, what, "run `glassbox classroom setup` again");
	v = 0;
	gb_cg_delegate_dir(h, s->name, GB_CG_PIDS, dir, sizeof dir);
	gb_cg_read_ll(dir, "pids.max", &v);
	snprintf(what, sizeof what, "%s: pids ceiling %lld in %s", s->name, v, dir);
	return bad | report(v == r->ceiling.pids, what, "run `glassbox classroom setup` again");
}

/* s's directory in the results spool, opened as the board opens it (no link, s's) and
 * closed to everyone else: the kernel's permissions keep one student from another's
 * results. NULL when it holds, else why not. */
static const char *spool_dir_wrong(const struct gb_class_student *s, char *why, size_t len)
{
	struct gb_err err = { 0 };
	struct stat sb;
	int fd = gb_class_student_dir(gb_class_dir(), s->name, s->uid, &err);
	if (fd < 0)
		return gb_err_message(&err, why, len), why;
	int bad = fstat(fd, &sb) < 0 || (sb.st_mode & 077);
	close(fd);
	if (bad)
		snprintf(why, len, "mode %04o: others may read or enter it",
			 (unsigned)sb.st_mode & 07777);
	return bad ? why : NULL;
}

/* results/ itself: root's, and others may only pass through it (0711), never list it. */
static int doctor_spool(void)
{
	char path[4096], what[4200];
	struct stat sb;
	snprintf(path, sizeof path, "%s/results", gb_class_dir());
	bool ok = lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == 0 &&
		  (sb.st_mode & 0066) == 0;
	snprintf(what, sizeof what,
		 "the results spool %s: root's, others may not list or write it%s", path,
		 ok ? "" : " (it is not)");
	return report(ok, what, "`glassbox classroom teardown`, then setup again");
}

static int doctor_student_of(const struct gb_cg_host *h, const struct gb_class_roster *r,
			     const struct gb_class_student *s)
{
	char what[GB_CG_PATH + 640], dir[GB_CG_PATH];
	int bad = 0;
	snprintf(what, sizeof what, "%s: a subuid range in %s", s->name, subuid_file());
	bad |= report(gb_class_subid_has(subuid_file(), s->name, s->uid), what,
		      "run `glassbox classroom setup` again (it adds missing ranges)");
	snprintf(what, sizeof what, "%s: a subgid range in %s", s->name, subgid_file());
	bad |= report(gb_class_subid_has(subgid_file(), s->name, s->uid), what,
		      "run `glassbox classroom setup` again (it adds missing ranges)");
	for (int c = 0; c < GB_CG_NCTRL; c++) {
		if (!(h->avail & 1u << c) || gb_cg_delegate_dir(h, s->name, c, dir, sizeof dir) < 0)
			continue;
		snprintf(what, sizeof what, "%s: %s is %s's", s->name, dir, s->name);
		bad |= report(dir_owned(dir, s->uid), what, "run `glassbox classroom setup` again");
	}
	char why[512];
	const char *wrong = spool_dir_wrong(s, why, sizeof why);
	snprintf(what, sizeof what, "%s: results/%s is %s's alone%s%s", s->name, s->name, s->name,
		 wrong ? ": " : "", wrong ? wrong : "");
	bad |= report(!wrong, what, "`glassbox classroom teardown`, then setup again");
	return bad | doctor_ceiling(h, r, s);
}

/* A user namespace, made for real in a child (a sysctl or AppArmor may forbid it). */
static bool userns_works(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	int status = 0;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* `glassbox run -d -m 64m` as this student, and the limit read back from the kernel. */
static bool container_limit_works(struct gb_runtime *rt, char *detail, size_t len)
{
	char name[64], cmd[512];
	snprintf(name, sizeof name, "classroom-doctor-%d", (int)getpid());
	snprintf(cmd, sizeof cmd,
		 "/proc/%d/exe run -d --name %s -m 64m busybox sleep 30 >/dev/null 2>&1 "
		 "</dev/null",
		 (int)getpid(), name);
	bool ok = false;
	if (system(cmd) == 0) {
		struct gb_state st;
		struct gb_cgroup cg;
		struct gb_cg_limits l = { 0 };
		if (gb_state_find_name(rt, name, &st) == 0) {
			if (gb_cgroup_container_open(&st, &cg, NULL) == 0 &&
			    gb_cgroup_read_limits(&cg, &l, NULL) == 0)
				snprintf(detail, len,
					 "the memory limit of its cgroup %s reads %lld", cg.rel,
					 l.memory);
			ok = l.memory == 64LL << 20;
			gb_state_free(&st);
		}
	} else {
		snprintf(detail, len, "`glassbox run -m 64m` failed (try it to see why)");
	}
	snprintf(cmd, sizeof cmd, "/proc/%d/exe rm -f %s >/dev/null 2>&1 </dev/null", (int)getpid(),
		 name);
	if (system(cmd) != 0)
		fprintf(stderr, "glassbox: could not remove %s\n", name);
	return ok;
}

/* Where this student's checks are recorded: their directory in the spool, opened as the
 * board opens it. A class set up elsewhere than glassbox looks is found only through
 * GLASSBOX_CLASSROOM_DIR; without it the checks record nothing, and this says so. */
static int doctor_my_results(const char *name)
{
	char what[4400], detail[600] = "";
	struct gb_err err = { 0 };
	int fd = gb_class_student_dir(gb_class_dir(), name, geteuid(), &err);
	if (fd < 0)
		gb_err_message(&err, detail, sizeof detail);
	else
		close(fd);
	snprintf(what, sizeof what, "your checks are recorded in %s/results/%s%s%s", gb_class_dir(),
		 name, fd < 0 ? ": " : "", detail);
	return report(fd >= 0, what,
		      "ask the teacher to run `glassbox classroom doctor`; a class set up "
		      "elsewhere is found through GLASSBOX_CLASSROOM_DIR in your environment");
}

static int doctor_self(struct gb_runtime *rt, const struct gb_cg_host *h)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *name = pw ? pw->pw_name : "?";
	char what[GB_CG_PATH + 200], detail[GB_CG_PATH + 64] = "";
	struct gb_cg_delegation d;
	struct gb_err err = { 0 };
	int bad = report(userns_works(), "a user namespace can be made",
			 "ask the teacher to allow unprivileged user namespaces (sysctl "
			 "kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0)");
	bad |= report(gb_class_subid_has(subuid_file(), name, geteuid()) &&
			      gb_class_subid_has(subgid_file(), name, geteuid()),
		      "subuid and subgid ranges for you",
		      "ask the teacher to run `glassbox classroom setup` with you in --students");
	bad |= doctor_my_results(name);
	int r = gb_cg_delegation_find(h, geteuid(), name, &d, &err);
	snprintf(what, sizeof what, "a cgroup delegated to you: %s%s", r == 0 ? d.rel : err.msg,
		 r == 0 && h->unified[0] && !d.unified_inside ? " (your shell is outside its "
								"cgroup2 side: the v1 side is used)"
							      : "");
	bad |= report(r == 0, what, r < 0 && err.hint[0] ? err.hint : "ask the teacher");
	if (r < 0)
		return 1;
	bool ok = container_limit_works(rt, detail, sizeof detail);
	snprintf(what, sizeof what, "a container with -m 64m gets 67108864 in the kernel: %s",
		 detail);
	return bad |
	       report(ok, what, "run `glassbox run --rm -m 64m busybox true` to see the error");
}

static int cmd_doctor(struct gb_runtime *rt)
{
	struct gb_class_roster r = { 0 };
	struct gb_cg_host h;
	struct gb_err err = { 0 };
	if (host(&h) < 0)
		return 1;
	if (geteuid() != 0) {
		printf("classroom doctor (as %u, %s cgroups):\n", (unsigned)geteuid(),
		       gb_cgroup_layout_name(h.layout));
		return doctor_self(rt, &h);
	}
	if (gb_class_roster_read(gb_class_dir(), &r, &err) < 0) {
		cli_error(&err);
		fprintf(stderr, "  hint: run `glassbox classroom setup --students FILE` first\n");
		return 1;
	}
	printf("classroom doctor: %zu students (%s cgroups)\n", r.n,
	       gb_cgroup_layout_name(h.layout));
	int bad = doctor_spool();
	for (size_t i = 0; i < r.n; i++)
		bad |= doctor_student_of(&h, &r, &r.students[i]);
	gb_class_roster_free(&r);
	return bad;
}

int cmd_classroom(struct gb_runtime *rt, int argc, char **argv)
{
	if (argc < 1)
		return usage("classroom: which? setup, doctor, status or teardown");
	if (!strcmp(argv[0], "setup"))
		return cmd_setup(argc - 1, argv + 1);
	if (!strcmp(argv[0], "doctor"))
		return cmd_doctor(rt);
	if (!strcmp(argv[0], "teardown"))
		return cmd_teardown();
	if (!strcmp(argv[0], "status"))
		return cmd_classroom_status(rt, argc - 1, argv + 1);
	return usage("classroom: unknown subcommand (setup, doctor, status, teardown)");
}
