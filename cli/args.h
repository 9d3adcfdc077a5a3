/* Command-line parsing for run/create (pure logic, unit tested in tests/unit). */
#ifndef GB_CLI_ARGS_H
#define GB_CLI_ARGS_H

#include <stdbool.h>

#include "state/config.h"

/* --pull: when run/create fetch the image from its registry (Docker's values). */
enum gb_pull_when { GB_PULL_MISSING, GB_PULL_ALWAYS, GB_PULL_NEVER };

struct gb_run_args {
	struct gb_config cfg;
	bool detach;		 /* -d */
	bool step;		 /* --step: stop before each step (terminal) */
	int step_fd;		 /* --step-fd N, -1 if not given */
	const char *events;	 /* --events FILE|fd:N */
	bool quiet;		 /* -q: print nothing but errors */
	bool net_none;		 /* --network none was given (it excludes --network NAME) */
	const char *detach_keys; /* --detach-keys (-t): NULL = ctrl-p,ctrl-q */
	enum gb_pull_when pull;	 /* --pull (default missing) */
};

/* Parse argv[0..argc) of `run`/`create` (argv[0] is the first option, not the verb).
 * create_only: -d and --rm are meaningless for create. On error fills err (EINVAL) with a
 * message naming the option and how to fix it. */
int gb_args_parse_run(int argc, char **argv, bool create_only, struct gb_run_args *out,
		      struct gb_err *err);
void gb_args_free(struct gb_run_args *a);
/* Print the options of run/create (for --help). */
void gb_args_usage(void);

/* "--name VALUE" or "--name=VALUE" at argv[*i] (advancing *i past a separate value): true
 * with *out set; false when argv[*i] is another option or the value is missing. */
bool gb_args_flag(char **argv, int argc, int *i, const char *name, const char **out);
/* The global options both programs take before the command (glassbox, glassbox-images):
 * --root DIR, --data-root DIR, and their --opt=DIR forms. Consumes argv[*i] (and its value,
 * advancing *i): 1 when it is one of them, 0 when not, -1 when its value is missing. */
int gb_args_global_root(int argc, char **argv, int *i, const char **root, const char **data_root);

/* Parse a whole number of seconds for -t/--time; -EINVAL when not one. */
int gb_args_parse_seconds(const char *s, int *out);

#endif
