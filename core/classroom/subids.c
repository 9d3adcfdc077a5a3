/* /etc/subuid and /etc/subgid for the class (subids.h). subuid(5): one "user:start:count"
 * per line; newuidmap(1) lets a user map exactly the ranges listed for them. */
#include "classroom/subids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"

/* shadow-utils (useradd, usermod) lock FILE by creating FILE.lock exclusively: take the
 * same lock so that a concurrent useradd never sees half of our change. */
static int lock_file(const char *file, char *lock, size_t len, struct gb_err *err)
{
	snprintf(lock, len, "%s.lock", file);
	for (int tries = 0; tries < 50; tries++) {
		int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dprintf(fd, "%d", (int)getpid());
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			return gb_err_set(err, errno, "open", "open(\"%s\", O_CREAT|O_EXCL)", lock);
		usleep(100 * 1000);
	}
	int r = gb_err_set(err, EBUSY, "open", "%s is locked (it exists for 5 s)", lock);
	gb_err_hint(err, "another useradd/usermod holds it; if none runs, remove %s", lock);
	return r;
}

static int read_all(const char *file, char **text, struct gb_err *err)
{
	int r = gb_read_file(file, text, NULL);
	if (r == -ENOENT) {
		*text = strdup("");
		return *text ? 0 : gb_err_set(err, ENOMEM, "", "out of memory");
	}
	return r < 0 ? gb_err_set(err, -r, "read", "read %s", file) : 0;
}

/* One line "user:start:count"; false for anything else (comments, blanks). */
static bool parse_line(const char *line, char *user, size_t ulen, unsigned long *start,
		       unsigned long *count)
{
	const char *c1 = strchr(line, ':');
	if (!c1 || (size_t)(c1 - line) >= ulen)
		return false;
	snprintf(user, ulen, "%.*s", (int)(c1 - line), line);
	char *end;
	*start = strtoul(c1 + 1, &end, 10);
	if (*end != ':')
		return false;
	*count = strtoul(end + 1, &end, 10);
	return *end == '\n' || *end == '\0';
}

bool gb_class_subid_has(const char *file, const char *name, uid_t uid)
{
	gb_autofree char *text = NULL;
	char user[64], uidtxt[16];
	unsigned long s, n;
	if (read_all(file, &text, NULL) < 0)
		return false;
	snprintf(uidtxt, sizeof uidtxt, "%u", (unsigned)uid);
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (parse_line(l, user, sizeof user, &s, &n) && n > 0 &&
		    (strcmp(user, name) == 0 || strcmp(user, uidtxt) == 0))
			return true;
	return false;
}

/* The first id above every range of text. */
static uint32_t next_free(const char *text, uint32_t min)
{
	unsigned long top = min, s, n;
	char user[64], line[256];
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : 0), p);
		if (parse_line(line, user, sizeof user, &s, &n) && s + n > top)
			top = s + n;
		p += len + (p[len] == '\n');
	}
	/* Round up to a whole range, as useradd's SUB_UID_MIN steps do. */
	return (uint32_t)((top + GB_CLASS_SUBID_COUNT - 1) / GB_CLASS_SUBID_COUNT *
			  GB_CLASS_SUBID_COUNT);
}

static int replace(const char *file, const char *text, size_t len, struct gb_err *err)
{
	struct stat sb;
	mode_t mode = stat(file, &sb) == 0 ? (sb.st_mode & 07777) : 0644;
	int r = gb_write_atomic(file, text, len, mode);
	return r < 0 ? gb_err_set(err, -r, "rename", "write %s (a copy renamed over it)", file) : 0;
}

int gb_class_subid_append(const char *file, const char *name, uint32_t min, uint32_t *start,
			  struct gb_err *err)
{
	char lock[4096];
	gb_autofree char *text = NULL, *out = NULL;
	int r = lock_file(file, lock, sizeof lock, err);
	if (r < 0)
		return r;
	r = read_all(file, &text, err);
	if (r == 0) {
		size_t len = strlen(text);
		*start = next_free(text, min);
		r = asprintf(&out, "%s%s%s:%u:%u\n", text, len && text[len - 1] != '\n' ? "\n" : "",
			     name, *start, GB_CLASS_SUBID_COUNT) < 0
			    ? gb_err_set(err, ENOMEM, "", "out of memory")
			    : replace(file, out, strlen(out), err);
	}
	unlink(lock);
	return r;
}

int gb_class_subid_remove(const char *file, const char *name, uint32_t start, struct gb_err *err)
{
	char lock[4096], want[128];
	gb_autofree char *text = NULL;
	int r = lock_file(file, lock, sizeof lock, err);
	if (r < 0)
		return r;
	snprintf(want, sizeof want, "%s:%u:%u\n", name, start, GB_CLASS_SUBID_COUNT);
	r = read_all(file, &text, err);
	char *hit = NULL;
	for (char *p = text; r == 0 && p && (p = strstr(p, want)); p++)
		if (p == text || p[-1] == '\n') {
			hit = p;
			break;
		}
	if (hit) {
		memmove(hit, hit + strlen(want), strlen(hit + strlen(want)) + 1);
		r = replace(file, text, strlen(text), err);
	}
	unlink(lock);
	return r;
}
