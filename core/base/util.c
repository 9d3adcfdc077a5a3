/* Helpers shared by every module: see util.h. */
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"

void gb_freep(void *p)
{
	free(*(void **)p);
}

void gb_closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void gb_strv_freep(char ***v)
{
	gb_strv_free(*v);
}

int gb_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

ssize_t gb_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

ssize_t gb_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += n;
	}
	return done;
}

int gb_read_file(const char *path, char **out, size_t *lenp)
{
	gb_autoclose int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	*out = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

int gb_write_file(const char *path, const char *data, size_t len)
{
	gb_autoclose int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = gb_write_full(fd, data, len);
	return n < 0 ? (int)n : 0;
}

int gb_write_str(const char *path, const char *s)
{
	return gb_write_file(path, s, strlen(s));
}

static int write_replace(const char *path, const char *data, size_t len, mode_t mode, bool durable)
{
	char tmp[4096];
	int r = gb_path(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	if (r < 0)
		return r;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	/* The mode asked for, whatever the umask: a roster or a status file that a teacher's
	 * umask 077 made 0600 would shut out the students and containers that must read it. */
	ssize_t n = fchmod(fd, mode) < 0 ? -errno : gb_write_full(fd, data, len);
	if (n >= 0 && durable && fsync(fd) < 0)
		n = -errno;
	close(fd);
	if (n < 0) {
		unlink(tmp);
		return (int)n;
	}
	if (rename(tmp, path) < 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}

int gb_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, true);
}

int gb_write_replace(const char *path, const char *data, size_t len, mode_t mode)
{
	return write_replace(path, data, len, mode, false);
}

int gb_read_line(const char *path, char *buf, size_t len)
{
	char *data = NULL;
	int r = gb_read_file(path, &data, NULL);
	if (r < 0)
		return r;
	data[strcspn(data, "\n")] = '\0';
	snprintf(buf, len, "%s", data);
	free(data);
	return 0;
}

/* mkdir -p from the bottom: the last component first, its parent only when the kernel
 * says it is missing (ENOENT). Paths glassbox makes usually have every parent already,
 * so this is one mkdir instead of one per component. */
static int mkdir_up(char *buf, mode_t mode)
{
	if (mkdir(buf, mode) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -errno;
	char *slash = strrchr(buf, '/');
	if (!slash || slash == buf)
		return -ENOENT;
	*slash = '\0';
	int r = mkdir_up(buf, mode);
	*slash = '/';
	if (r < 0)
		return r;
	return mkdir(buf, mode) == 0 || errno == EEXIST ? 0 : -errno;
}

int gb_mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	int r = gb_path(buf, sizeof buf, "%s", path);
	if (r < 0)
		return r;
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0'; /* "a/b/" is "a/b" */
	return mkdir_up(buf, mode);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	int r = (type == FTW_DP) ? rmdir(path) : unlink(path);
	if (r < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int gb_rm_rf(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	/* FTW_MOUNT: stay on this filesystem, so a leftover mount is never emptied. */
	int r = nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	if (r > 0 || r == -1)
		return -errno ? -errno : -EIO;
	if (r < 0)
		return r;
	if (lstat(path, &st) == 0)
		return -EBUSY; /* something was on another mount */
	return 0;
}

static long long du_total;
static int du_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode))
		du_total += st->st_size;
	return 0;
}

long long gb_du(const char *path)
{
	du_total = 0;
	if (nftw(path, du_one, 32, FTW_PHYS) != 0)
		return -1;
	return du_total;
}

/* ---- copy_tree: used to import the built-in image and by image builds ---- */

static int copy_xattrs(const char *src, const char *dst)
{
	char list[8192];
	ssize_t n = llistxattr(src, list, sizeof list);
	if (n <= 0)
		return 0;
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		char val[4096];
		ssize_t vn = lgetxattr(src, k, val, sizeof val);
		if (vn >= 0 && lsetxattr(dst, k, val, vn, 0) < 0 && errno != ENOTSUP &&
		    errno != EPERM)
			return -errno;
	}
	return 0;
}

static int copy_file(const char *src, const char *dst, const struct stat *st)
{
	gb_autoclose int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (in < 0)
		return -errno;
	gb_autoclose int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
				    st->st_mode & 07777);
	if (out < 0)
		return -errno;
	char buf[65536];
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		ssize_t w = gb_write_full(out, buf, n);
		if (w < 0)
			return (int)w;
	}
	return 0;
}

static int copy_entry(const char *src, const char *dst, struct gb_err *err)
{
	struct stat st;
	if (lstat(src, &st) < 0)
		return gb_err_set(err, errno, "lstat", "cannot read %s", src);
	int r = 0;
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, st.st_mode & 07777) < 0 && errno != EEXIST)
			return gb_err_set(err, errno, "mkdir", "cannot create %s", dst);
		DIR *d = opendir(src);
		if (!d)
			return gb_err_set(err, errno, "opendir", "cannot read %s", src);
		struct dirent *de;
		while (r == 0 && (de = readdir(d))) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			char s2[4096], d2[4096];
			if (gb_path(s2, sizeof s2, "%s/%s", src, de->d_name) < 0 ||
			    gb_path(d2, sizeof d2, "%s/%s", dst, de->d_name) < 0) {
				r = gb_err_set(err, ENAMETOOLONG, "", "path too long under %s",
					       src);
				break;
			}
			r = copy_entry(s2, d2, err);
		}
		closedir(d);
		if (r < 0)
			return r;
		chmod(dst, st.st_mode & 07777); /* mkdir applied the umask */
	} else if (S_ISREG(st.st_mode)) {
		r = copy_file(src, dst, &st);
		if (r < 0)
			return gb_err_set(err, -r, "copy", "cannot copy %s to %s", src, dst);
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlink(src, target, sizeof target - 1);
		if (n < 0)
			return gb_err_set(err, errno, "readlink", "cannot read link %s", src);
		target[n] = '\0';
		unlink(dst);
		if (symlink(target, dst) < 0)
			return gb_err_set(err, errno, "symlink", "cannot create link %s", dst);
	} else {
		/* Device nodes, FIFOs, sockets, and overlay whiteouts (0/0 char devices). */
		unlink(dst);
		if (mknod(dst, st.st_mode, st.st_rdev) < 0)
			return gb_err_set(err, errno, "mknod", "cannot create %s", dst);
	}
	if (lchown(dst, st.st_uid, st.st_gid) < 0 && errno != EPERM)
		return gb_err_set(err, errno, "lchown", "cannot set owner of %s", dst);
	r = copy_xattrs(src, dst);
	if (r < 0)
		return gb_err_set(err, -r, "lsetxattr", "cannot copy attributes to %s", dst);
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	utimensat(AT_FDCWD, dst, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

int gb_copy_tree(const char *src, const char *dst, struct gb_err *err)
{
	return copy_entry(src, dst, err);
}

void gb_random_id(char out[GB_ID_LEN + 1])
{
	unsigned char b[GB_ID_LEN / 2];
	/* getrandom(2): one call, no file to open; /dev/urandom where it is missing. */
	bool ok = getrandom(b, sizeof b, 0) == (ssize_t)sizeof b;
	int fd = ok ? -1 : open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = gb_read_full(fd, b, sizeof b) == (ssize_t)sizeof b;
		close(fd);
	}
	if (!ok) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x =
			(uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec;
		memcpy(b, &x, sizeof b);
	}
	for (size_t i = 0; i < sizeof b; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[GB_ID_LEN] = '\0';
}

double gb_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double gb_wallclock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void gb_rfc3339(char *buf, size_t len, double epoch)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

size_t gb_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

int gb_strv_push(char ***v, const char *s)
{
	size_t n = gb_strv_len(*v);
	char **bigger = realloc(*v, (n + 2) * sizeof **v);
	if (!bigger)
		return -ENOMEM;
	*v = bigger;
	(*v)[n] = strdup(s);
	(*v)[n + 1] = NULL;
	return (*v)[n] ? 0 : -ENOMEM;
}

char **gb_strv_dup(char *const *v)
{
	size_t n = gb_strv_len(v);
	char **out = calloc(n + 1, sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[i] = strdup(v[i]);
		if (!out[i]) {
			gb_strv_free(out);
			return NULL;
		}
	}
	return out;
}

void gb_strv_join(char *const *v, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; v && v[i] && used + 1 < len; i++) {
		bool quote = v[i][0] == '\0' || strpbrk(v[i], " \t\n'\"$;&|<>*?`\\()") != NULL;
		int n = snprintf(buf + used, len - used, "%s%s%s%s", i ? " " : "", quote ? "'" : "",
				 v[i], quote ? "'" : "");
		if (n < 0)
			break;
		used += n;
		if (used >= len) {
			used = len - 1;
			break;
		}
	}
}

unsigned long long gb_proc_starttime(pid_t pid)
{
	char path[64], *data = NULL;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (gb_read_file(path, &data, NULL) < 0)
		return 0;
	/* comm (field 2) may contain spaces and parentheses: start after the last ')'. */
	char *p = strrchr(data, ')');
	unsigned long long start = 0;
	if (p) {
		p += 2; /* field 3: state */
		for (int field = 3; field < 22 && p; field++) {
			p = strchr(p, ' ');
			if (p)
				p++;
		}
		if (p)
			start = strtoull(p, NULL, 10);
	}
	free(data);
	return start;
}

bool gb_proc_alive(pid_t pid, unsigned long long start)
{
	if (pid <= 0)
		return false;
	unsigned long long now = gb_proc_starttime(pid);
	return now != 0 && (start == 0 || now == start);
}

/* The signals whose action is not the default: ignored (SigIgn) or caught (SigCgt) in
 * /proc/self/status. All of them when it cannot be read. */
static unsigned long long signals_not_default(void)
{
	gb_autofree char *data = NULL;
	if (gb_read_file("/proc/self/status", &data, NULL) < 0)
		return ~0ULL;
	const char *ign = strstr(data, "\nSigIgn:"), *cgt = strstr(data, "\nSigCgt:");
	if (!ign || !cgt)
		return ~0ULL;
	return strtoull(ign + 8, NULL, 16) | strtoull(cgt + 8, NULL, 16);
}

void gb_signals_default(void)
{
	/* The kernel's struct sigaction, not glibc's: glibc refuses signals 32 and 33. */
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		unsigned long mask;
	} dfl = { 0 }; /* handler 0 = SIG_DFL */
	/* Only the signals whose action is not the default: one read instead of 62 calls. */
	unsigned long long set = signals_not_default();
	for (int sig = 1; sig <= 64; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && (set & (1ULL << (sig - 1))))
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
	unsigned long none = 0;
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}
