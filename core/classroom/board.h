/* The teacher's board: every student of the roster against every lab, read from the
 * results spool with the spool's own care (spool.h: no links, owners checked), and how
 * many containers each student has running now. Shown by `glassbox classroom status` as
 * a table, JSON (docs/teaching.md documents its shape) or JUnit XML, and by
 * `glassbox-viz classroom`. */
#ifndef GB_CLASSROOM_BOARD_H
#define GB_CLASSROOM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"
#include "classroom/roster.h"

#define GB_BOARD_LABS_MAX 40

struct gb_board_cell {
	char verdict[8]; /* PASS FAIL SKIP ERROR; "-" not run; "REFUSED" a record not trusted */
	char time[40];	 /* when the check ended (RFC 3339), "" when not run */
	long long duration_ms;
	int failed;	  /* findings that did not hold */
	char detail[300]; /* FAIL/ERROR/SKIP: the first finding that decided; REFUSED: why */
};

struct gb_board_row {
	char label[GB_CLASS_NAME_MAX + 12]; /* the name, or "student N" when hidden */
	char name[GB_CLASS_NAME_MAX + 1];   /* "" when hidden */
	uid_t uid;
	bool hidden;	/* opted out, or the board is --anonymous */
	int live;	/* containers running now; -1 when they could not be counted */
	char note[300]; /* the whole row refused (results/NAME is not the student's), or "" */
	struct gb_board_cell cells[GB_BOARD_LABS_MAX];
};

struct gb_board {
	char generated[40];
	char labs[GB_BOARD_LABS_MAX][4]; /* the columns: "01", "02", ... */
	int nlabs;
	struct gb_board_row *rows;
	size_t n;
};

/* Read the board of the class in dir for the labs named (two digits each). anonymous:
 * every student is "student N" (N: the place on the roster); opted-out students always
 * are. count_live: count running containers (root only; -1 per row otherwise). */
int gb_board_read(const char *dir, const char *const *labs, int nlabs, bool anonymous,
		  bool count_live, struct gb_board *b, struct gb_err *err);
void gb_board_free(struct gb_board *b);

/* Containers running now in the rootless state roots of uid (home: its home directory):
 * $XDG_RUNTIME_DIR's default /run/user/UID/glassbox and HOME/.local/share/glassbox/run.
 * Read in a child that has become uid, so a link the student planted there leads only
 * where the student could go anyway; each PID is checked alive with its start time.
 * Returns the count, or -errno. */
int gb_board_count_live(uid_t uid, gid_t gid, const char *home);

/* The board as text, JSON or JUnit XML (malloc'd, NUL-terminated). */
int gb_board_text(const struct gb_board *b, char **out, size_t *len);
int gb_board_json(const struct gb_board *b, char **out, size_t *len);
int gb_board_junit(const struct gb_board *b, char **out, size_t *len);

#endif
