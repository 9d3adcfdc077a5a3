/* A slide deck (slides/README.md): Markdown files, one slide per `---` section, read with
 * cmark (CommonMark). Directives are paragraphs that start with `!`. No SDL here: the
 * parser is unit-tested on its own (tests/unit/test_deck.c). */
#ifndef VZ_DECK_H
#define VZ_DECK_H

#include <stdbool.h>
#include <stddef.h>

enum vz_block_kind {
	VZ_B_PARA,
	VZ_B_BULLET,
	VZ_B_CODE,
	VZ_B_IMAGE,
	VZ_B_TABLE,
	VZ_B_HEADING,
	VZ_B_QUOTE,
	VZ_B_LAB
};

struct vz_block {
	enum vz_block_kind kind;
	int level;  /* bullet depth from 0; heading level */
	int number; /* ordered list item number; 0 a bullet; -1 an item's next paragraph */
	/* PARA, BULLET, HEADING, QUOTE: the text; CODE: its lines; IMAGE: the resolved path;
	 * TABLE: rows separated by '\n', cells by '\t' (row 0 is the header);
	 * LAB: "TITLE\tGOAL". */
	char *text;
	int lab;  /* LAB: the lab's number */
	int line; /* 1-based line in the slide's file */
};

enum vz_directive { VZ_D_NONE, VZ_D_SCENE, VZ_D_RUN, VZ_D_COMPARE };

struct vz_slide {
	const char *file; /* owned by the deck (files[]) */
	int line;	  /* the slide's first line */
	char *title;
	struct vz_block *blocks;
	int n_blocks;
	char *notes; /* after `Note:`; NULL when none */
	int minutes; /* "(N min)" in the notes; 0 when not given */
	enum vz_directive dir;
	int dir_line;
	int scene;	 /* VZ_SC_* for SCENE, RUN and COMPARE */
	char *replay;	 /* the recording: SCENE and COMPARE play it, RUN falls back */
	char **run_args; /* RUN: glassbox run's arguments, NULL-terminated */
};

struct vz_deck {
	struct vz_slide *s;
	int n, cap;
	char **files;
	int n_files;
	char labs_dir[1024]; /* where `!lab N` finds labs/NN-name/README.md */
};

/* Load DECK.md (and the files it `!include`s). -1 with "FILE:LINE: what, and the fix". */
int vz_deck_load(struct vz_deck *d, const char *path, char *err, size_t errlen);
void vz_deck_free(struct vz_deck *d);
/* Split a directive's arguments like a shell: spaces separate, '...' and "..." quote,
 * backslash escapes. Returns a NULL-terminated array, or NULL on an open quote. */
char **vz_deck_split_args(const char *s);
void vz_deck_free_args(char **args);
/* Labs are looked up in DIR/NN-name/README.md (default: the deck's ../labs, then
 * $GLASSBOX_SHARE/labs). Set before vz_deck_load to choose. */
void vz_deck_set_labs_dir(struct vz_deck *d, const char *dir);

#endif
