/* The class roster: who the students are, as `glassbox classroom setup` wrote it. Read by
 * the board (classroom status), by doctor and teardown, and by a student's lab check to
 * find out whether a spool is there to record into. One JSON file, root's, 0644. */
#ifndef GB_CLASSROOM_ROSTER_H
#define GB_CLASSROOM_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

#define GB_CLASS_NAME_MAX 32 /* useradd's limit */

struct gb_class_student {
	char name[GB_CLASS_NAME_MAX + 1];
	uid_t uid;
	gid_t gid;
	bool opt_out; /* never named on the board: shown as "student N" */
};

/* What every student's delegated cgroup may use at most (0: no ceiling of that kind). */
struct gb_class_ceiling {
	long long memory; /* bytes */
	long long pids;
	int cpu_weight; /* 1-10000, v2's scale; v1 gets cpu.shares = weight * 1024 / 100 */
};

struct gb_class_roster {
	struct gb_class_student *students;
	size_t n;
	struct gb_class_ceiling ceiling;
	char created[40]; /* RFC 3339 */
};

/* The classroom directory: $GLASSBOX_CLASSROOM_DIR, else /var/lib/glassbox-classroom. */
const char *gb_class_dir(void);

/* Students from a file (one name per line; "name !" opts out of the board; # comments)
 * or, when spec names no file, from the members of the group spec. Each name must be a
 * user of this host. On error nothing is allocated. */
int gb_class_students_parse(const char *spec, struct gb_class_roster *r, struct gb_err *err);

int gb_class_roster_read(const char *dir, struct gb_class_roster *r, struct gb_err *err);
int gb_class_roster_write(const char *dir, const struct gb_class_roster *r, struct gb_err *err);
const struct gb_class_student *gb_class_find_uid(const struct gb_class_roster *r, uid_t uid);
void gb_class_roster_free(struct gb_class_roster *r);

#endif
