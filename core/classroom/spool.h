/* The results spool: where each student's `glassbox lab check N` leaves its verdict for
 * the teacher's board. results/ is root's and 0711: a student may enter it but not list
 * it; results/NAME/ is the student's own and 0700, so the kernel itself keeps one student
 * from writing (or reading) another's results. Nothing here trusts a path a student could
 * have changed: every open is relative to a directory fd whose owner was checked, and
 * refuses symbolic links (O_NOFOLLOW) at the last step. */
#ifndef GB_CLASSROOM_SPOOL_H
#define GB_CLASSROOM_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "classroom/roster.h"

#define GB_CLASS_RESULT_MAX (64 * 1024) /* a record larger than this is refused */
#define GB_CLASS_FINDINGS_MAX 32

struct gb_class_finding {
	char name[64];	  /* the finding's key ("pid-ns"), or "" for an unnamed one */
	char verdict[8];  /* PASS (held), FAIL (did not), ERROR (an action failed), SKIP (why) */
	char detail[480]; /* the kernel's evidence, as the check printed it */
};

/* One lab check of one student: lab-NN.json in results/NAME/ (contract-classroom). */
struct gb_class_result {
	char lab[4];	 /* "07" */
	char verdict[8]; /* PASS, FAIL, SKIP or ERROR */
	char time[40];	 /* RFC 3339, when the check ended */
	long long duration_ms;
	uid_t uid; /* who ran it: must be the owner of the directory it is in */
	struct gb_class_finding findings[GB_CLASS_FINDINGS_MAX];
	int n;
};

/* Make DIR/results (root, 0711) and DIR/results/NAME (the student's, 0700) for every
 * student of the roster; an existing directory is checked and its owner and mode set
 * again. Root only. On error what this call made is removed again. */
int gb_class_spool_setup(const char *dir, const struct gb_class_roster *r, struct gb_err *err);
/* Remove DIR/results and everything under it (students' files too). Root only. Nothing
 * there: 0. */
int gb_class_spool_teardown(const char *dir, struct gb_err *err);

/* Write res as the caller's record: DIR/results/NAME/lab-NN.json, where NAME is the
 * student whose uid is the caller's, written to a temporary file in that directory and
 * renamed over the old record (a reader sees the old or the new file, never half). */
int gb_class_record(const char *dir, const char *name, const struct gb_class_result *res,
		    struct gb_err *err);
/* For `lab check`: record res when DIR has a roster and the caller is on it. Returns 1
 * when recorded, 0 when there is no class here or the caller is not a student of it,
 * -errno (err filled) when the record could not be written. */
int gb_class_record_mine(const char *dir, const struct gb_class_result *res, struct gb_err *err);

/* The JSON of a record, and back. from_json checks the shape (version 1, a known verdict,
 * a two-digit lab) and fails with -EINVAL naming what is wrong. */
int gb_class_result_json(const struct gb_class_result *res, char **out, size_t *len);
int gb_class_result_from_json(const char *text, size_t len, struct gb_class_result *res,
			      struct gb_err *err);

/* Open DIR/results/NAME as the board does: a directory, no link, owned by uid. Returns
 * the fd (O_DIRECTORY) or -errno with err saying why it was refused. */
int gb_class_student_dir(const char *dir, const char *name, uid_t uid, struct gb_err *err);
/* Read lab-NN.json from a student's directory fd: a regular file owned by uid, one link,
 * no symbolic link, at most GB_CLASS_RESULT_MAX bytes, whose record names the same uid
 * and lab. -ENOENT: no record; other -errno: refused (err says why). */
int gb_class_result_read(int dirfd, const char *lab, uid_t uid, struct gb_class_result *res,
			 struct gb_err *err);

#endif
