/* The results spool (spool.h). */
#include "classroom/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

/* ------------------------------------------------------------ setup, teardown */

/* DIR/results as a directory fd, never through a link. O_PATH: a student may search
 * results/ (0711) but not read it, and a path fd needs neither. */
static int open_results(const char *dir, int flags, struct gb_err *err)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return gb_err_set(err, errno, "open", "%s", dir);
	int fd = openat(dfd, "results", flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(dfd);
	if (fd < 0)
		return gb_err_set(err, e, "open", "%s/results", dir);
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 022)) {
		close(fd);
		return gb_err_set(err, EPERM, "",
				  "%s/results is not root's, or others may write it", dir),
		       gb_err_hint(err, "the spool is not trustworthy: `glassbox classroom "
					"teardown`, then setup again (as root)"),
		       -EPERM;
	}
	return fd;
}

/* A directory made (or found) at dfd/name, then given to uid:gid with mode. Through an fd
 * opened without following links, so a link planted there is refused, not chowned. */
static int own_dir(int dfd, const char *name, uid_t uid, gid_t gid, mode_t mode, struct gb_err *err)
{
	if (mkdirat(dfd, name, mode) < 0 && errno != EEXIST)
		return gb_err_set(err, errno, "mkdir", "results/%s", name);
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return gb_err_set(err, errno, "open", "results/%s (a directory, no link)", name);
	int r = 0;
	if (fchown(fd, uid, gid) < 0)
		r = gb_err_set(err, errno, "chown", "results/%s", name);
	else if (fchmod(fd, mode) < 0)
		r = gb_err_set(err, errno, "chmod", "results/%s", name);
	close(fd);
	return r;
}

/* Remove dfd/name and all below it, each step relative to a directory fd opened without
 * following links: a student who swaps a directory for a link meanwhile gets the link
 * removed, never what it points to. */
static int rm_at(int dfd, const char *name, int depth)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ELOOP))
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	DIR *d = depth < 64 ? fdopendir(fd) : NULL;
	if (!d) {
		close(fd);
		return depth < 64 ? -errno : -ELOOP;
	}
	int r = 0;
	for (struct dirent *de; r == 0 && (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = rm_at(dirfd(d), de->d_name, depth + 1);
	closedir(d);
	if (r == 0 && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int gb_class_spool_teardown(const char *dir, struct gb_err *err)
{
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : gb_err_set(err, errno, "open", "%s", dir);
	int r = rm_at(dfd, "results", 0);
	close(dfd);
	return r < 0 ? gb_err_set(err, -r, "unlink", "cannot remove %s/results", dir) : 0;
}

int gb_class_spool_setup(const char *dir, const struct gb_class_roster *r, struct gb_err *err)
{
	if (geteuid() != 0)
		return gb_err_set(err, EPERM, "", "the results spool is set up by root"),
		       gb_err_hint(err, "run it with sudo"), -EPERM;
	int m = gb_mkdir_p(dir, 0755);
	if (m < 0)
		return gb_err_set(err, -m, "mkdir", "%s", dir);
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return gb_err_set(err, errno, "open", "%s", dir);
	struct stat st;
	bool had = fstatat(dfd, "results", &st, AT_SYMLINK_NOFOLLOW) == 0;
	int rc = own_dir(dfd, "results", 0, 0, 0711, err);
	int rfd = rc == 0 ? open_results(dir, O_RDONLY, err) : rc;
	for (size_t i = 0; rfd >= 0 && rc == 0 && i < r->n; i++)
		rc = own_dir(rfd, r->students[i].name, r->students[i].uid, r->students[i].gid, 0700,
			     err);
	if (rfd >= 0)
		close(rfd);
	else
		rc = rfd;
	if (rc < 0 && !had)
		rm_at(dfd, "results", 0); /* undo what this call made */
	close(dfd);
	return rc;
}

/* ------------------------------------------------------------ the record's JSON */

static bool verdict_ok(const char *v)
{
	return !strcmp(v, "PASS") || !strcmp(v, "FAIL") || !strcmp(v, "ERROR") ||
	       !strcmp(v, "SKIP");
}

static bool lab_ok(const char *lab)
{
	return strlen(lab) == 2 && lab[0] >= '0' && lab[0] <= '9' && lab[1] >= '0' && lab[1] <= '9';
}

int gb_class_result_json(const struct gb_class_result *res, char **out, size_t *len)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_int(&j, "version", 1);
	gb_json_str(&j, "lab", res->lab);
	gb_json_str(&j, "verdict", res->verdict);
	gb_json_str(&j, "time", res->time);
	gb_json_int(&j, "duration_ms", res->duration_ms);
	gb_json_arr_begin(&j, "findings");
	for (int i = 0; i < res->n; i++) {
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "name", res->findings[i].name);
		gb_json_str(&j, "verdict", res->findings[i].verdict);
		gb_json_str(&j, "detail", res->findings[i].detail);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	gb_json_int(&j, "uid", res->uid);
	gb_json_obj_end(&j);
	if (j.failed) {
		gb_json_free(&j);
		return -ENOMEM;
	}
	*out = j.buf; /* handed over: the caller frees it */
	*len = j.len;
	return 0;
}

static int findings_from(const struct gb_jval *arr, struct gb_class_result *res, struct gb_err *err)
{
	if (!arr || arr->type != GB_JARR || arr->n > GB_CLASS_FINDINGS_MAX)
		return gb_err_set(err, EINVAL, "", "\"findings\" is not an array of at most %d",
				  GB_CLASS_FINDINGS_MAX);
	for (const struct gb_jval *v = arr->child; v; v = v->next) {
		struct gb_class_finding *f = &res->findings[res->n++];
		snprintf(f->name, sizeof f->name, "%s", gb_jstr(v, "name", ""));
		snprintf(f->verdict, sizeof f->verdict, "%s", gb_jstr(v, "verdict", ""));
		snprintf(f->detail, sizeof f->detail, "%s", gb_jstr(v, "detail", ""));
		if (!verdict_ok(f->verdict))
			return gb_err_set(err, EINVAL, "",
					  "a finding's verdict is not PASS, FAIL, "
					  "SKIP or ERROR");
	}
	return 0;
}

static int result_from(const struct gb_jval *root, struct gb_class_result *res, struct gb_err *err)
{
	memset(res, 0, sizeof *res);
	long long uid = gb_jint(root, "uid", -1);
	if (gb_jint(root, "version", 0) != 1)
		return gb_err_set(err, EINVAL, "", "not a version 1 record");
	snprintf(res->lab, sizeof res->lab, "%.3s", gb_jstr(root, "lab", ""));
	snprintf(res->verdict, sizeof res->verdict, "%.7s", gb_jstr(root, "verdict", ""));
	snprintf(res->time, sizeof res->time, "%s", gb_jstr(root, "time", ""));
	res->duration_ms = gb_jint(root, "duration_ms", 0);
	if (!lab_ok(res->lab) || !verdict_ok(res->verdict))
		return gb_err_set(err, EINVAL, "", "\"lab\" or \"verdict\" is malformed");
	if (uid < 0 || uid > 0x7fffffff)
		return gb_err_set(err, EINVAL, "", "\"uid\" is missing or out of range");
	res->uid = (uid_t)uid;
	return findings_from(gb_jget(root, "findings"), res, err);
}

int gb_class_result_from_json(const char *text, size_t len, struct gb_class_result *res,
			      struct gb_err *err)
{
	char jerr[128];
	struct gb_jval *root = gb_json_parse(text, len, jerr, sizeof jerr);
	if (!root || root->type != GB_JOBJ) {
		gb_jval_free(root);
		return gb_err_set(err, EINVAL, "", "not a JSON object (%s)", root ? "" : jerr);
	}
	int r = result_from(root, res, err);
	gb_jval_free(root);
	return r;
}

/* ------------------------------------------------------------ writing a record */

/* results/NAME as the caller's own directory: no link, owned by the caller. */
static int my_dir(const char *dir, const char *name, struct gb_err *err)
{
	int rfd = open_results(dir, O_PATH, err);
	if (rfd < 0)
		return rfd;
	int fd = openat(rfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(rfd);
	if (fd < 0)
		return gb_err_set(err, e, "open", "%s/results/%s", dir, name),
		       gb_err_hint(err, "ask the teacher to run `glassbox classroom setup` again"),
		       -e;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		return gb_err_set(err, EPERM, "", "%s/results/%s is not yours", dir, name);
	}
	return fd;
}

/* data into sfd/final by way of a temporary file in the same directory and rename(2),
 * which replaces final in one step. */
static int write_into(int sfd, const char *final, const char *data, size_t len)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, ".%s.%d.tmp", final, (int)getpid());
	int fd = openat(sfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	int r = gb_write_full(fd, data, len) == (ssize_t)len && fsync(fd) == 0 ? 0 : -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(sfd, tmp, sfd, final) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(sfd, tmp, 0);
	return r;
}

int gb_class_record(const char *dir, const char *name, const struct gb_class_result *res,
		    struct gb_err *err)
{
	if (!lab_ok(res->lab) || !verdict_ok(res->verdict))
		return gb_err_set(err, EINVAL, "", "a record needs a two-digit lab and a verdict");
	int sfd = my_dir(dir, name, err);
	if (sfd < 0)
		return sfd;
	char *json = NULL, final[32];
	size_t len = 0;
	snprintf(final, sizeof final, "lab-%s.json", res->lab);
	int r = gb_class_result_json(res, &json, &len);
	if (r == 0)
		r = write_into(sfd, final, json, len);
	free(json);
	close(sfd);
	return r < 0 ? gb_err_set(err, -r, "write", "%s/results/%s/%s", dir, name, final) : 0;
}

int gb_class_record_mine(const char *dir, const struct gb_class_result *res, struct gb_err *err)
{
	struct gb_class_roster r;
	struct gb_err ignored = { 0 };
	char path[4096];
	if (gb_path(path, sizeof path, "%s/roster.json", dir) < 0 || access(path, F_OK) < 0)
		return 0; /* no class on this server */
	int rc = gb_class_roster_read(dir, &r, &ignored);
	if (rc < 0)
		return gb_err_set(err, -rc, "", "%s", ignored.msg);
	const struct gb_class_student *s = gb_class_find_uid(&r, geteuid());
	rc = s ? gb_class_record(dir, s->name, res, err) : 0;
	if (rc == 0 && s)
		rc = 1;
	gb_class_roster_free(&r);
	return rc;
}

/* ------------------------------------------------------------ reading, for the board */

int gb_class_student_dir(const char *dir, const char *name, uid_t uid, struct gb_err *err)
{
	int rfd = open_results(dir, O_PATH, err);
	if (rfd < 0)
		return rfd;
	int fd = openat(rfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	close(rfd);
	if (fd < 0)
		return gb_err_set(err, e, "open", "results/%s%s", name,
				  e == ELOOP || e == ENOTDIR ? " (not a directory: refused)" : "");
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != uid) {
		close(fd);
		return gb_err_set(err, EPERM, "", "results/%s is owned by uid %u, not the student",
				  name, (unsigned)st.st_uid);
	}
	return fd;
}

/* The bytes of one record: a regular file of the student's, no link, not too large. */
static int read_record(int dirfd, const char *file, uid_t uid, char **text, size_t *len,
		       struct gb_err *err)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return gb_err_set(err, errno, "open", "%s%s", file,
				  errno == ELOOP ? ": a symbolic link, refused" : "");
	struct stat st;
	int r = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != uid || st.st_nlink != 1)
		r = gb_err_set(err, EPERM, "",
			       "%s: not a plain file of the student's (owner %u, "
			       "%u links): refused",
			       file, (unsigned)st.st_uid, (unsigned)st.st_nlink);
	else if (st.st_size > GB_CLASS_RESULT_MAX)
		r = gb_err_set(err, EFBIG, "", "%s: larger than %d bytes: refused", file,
			       GB_CLASS_RESULT_MAX);
	*text = r == 0 ? malloc(st.st_size + 1) : NULL;
	ssize_t n = *text ? gb_read_full(fd, *text, st.st_size) : -1;
	if (r == 0 && n < 0)
		r = gb_err_set(err, *text ? (int)-n : ENOMEM, "read", "%s", file);
	close(fd);
	if (r < 0) {
		free(*text);
		*text = NULL;
		return r;
	}
	*len = (size_t)n;
	return 0;
}

int gb_class_result_read(int dirfd, const char *lab, uid_t uid, struct gb_class_result *res,
			 struct gb_err *err)
{
	char file[32], *text = NULL;
	size_t len = 0;
	snprintf(file, sizeof file, "lab-%s.json", lab);
	int r = read_record(dirfd, file, uid, &text, &len, err);
	if (r < 0)
		return r;
	r = gb_class_result_from_json(text, len, res, err);
	free(text);
	if (r == 0 && (res->uid != uid || strcmp(res->lab, lab)))
		r = gb_err_set(err, EPERM, "", "%s: the record names uid %u lab %s: refused", file,
			       (unsigned)res->uid, res->lab);
	return r;
}
