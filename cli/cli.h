/* Shared by the glassbox command's files. */
#ifndef GB_CLI_H
#define GB_CLI_H

#include <stdbool.h>

#include "engine/container.h"
#include "engine/engine.h"
#include "engine/steps.h"

/* Print an error the way every command does: "glassbox: ...\n  hint: ..." */
void cli_error(const struct gb_err *err);
/* Terminal step mode: print each step and wait for Enter (or, with auto_delay > 0, wait
 * that many seconds). Prints each step's result too. */
void cli_stepper_install(struct gb_runtime *rt, double auto_delay);
/* SIGINT/SIGTERM during a start abort it cleanly (the engine undoes its steps). */
void cli_interrupt_install(void);

int cmd_tour(struct gb_runtime *rt, int argc, char **argv);
/* glassbox-runc, or `glassbox oci`: runc's command line (cli/oci.c, docs/oci.md) */
int cmd_oci(int argc, char **argv);
int cmd_lab(struct gb_runtime *rt, int argc, char **argv);
/* images and storage (issue 5): cli/images.c */
int cmd_build(struct gb_runtime *rt, int argc, char **argv);
int cmd_images(struct gb_runtime *rt, int argc, char **argv);
int cmd_rmi(struct gb_runtime *rt, int argc, char **argv);
int cmd_pull(struct gb_runtime *rt, int argc, char **argv); /* cli/pull.c */
int cmd_load(struct gb_runtime *rt, int argc, char **argv); /* cli/pull.c */
int cmd_history(struct gb_runtime *rt, int argc, char **argv);
int cmd_diff(struct gb_runtime *rt, int argc, char **argv);
int cmd_volume(struct gb_runtime *rt, int argc, char **argv);
/* The isolation test harness (cli/check.c). */
int cmd_check(struct gb_runtime *rt, int argc, char **argv);
int cmd_host_check(struct gb_runtime *rt, int argc, char **argv);
/* cli/probe.c: the escape checklist inside a running container. */
int cmd_probe(struct gb_runtime *rt, int argc, char **argv);
/* cli/cgroup_cmds.c */
int cmd_stats(struct gb_runtime *rt, int argc, char **argv);
int cmd_pause(struct gb_runtime *rt, int argc, char **argv);
int cmd_resume(struct gb_runtime *rt, int argc, char **argv);
/* cli/net_cmds.c */
int cmd_network(struct gb_runtime *rt, int argc, char **argv);
/* cli/vm_cmds.c, cli/compare.c: a VM beside the container (lab 19) */
int cmd_vm(struct gb_runtime *rt, int argc, char **argv);
int cmd_compare(struct gb_runtime *rt, int argc, char **argv);

/* `glassbox steps --caught-by [--tsv|--markdown]` (cli/caught_by.c). */
int cmd_steps_caught_by(int argc, char **argv);
/* docs/engine.md's step table, from the table itself (cli/docs_gen.c). */
int cmd_steps_markdown(void);
/* cli/compose.c and cli/compose_health.c: glassbox compose (lab 20) */
int cmd_compose(struct gb_runtime *rt, int argc, char **argv);
int cli_compose_wait_healthy(struct gb_runtime *rt, const char *name, struct gb_err *err);
/* 1 healthy, 0 starting, -errno never (compose up's scheduler asks it without waiting) */
int cli_compose_healthy_now(struct gb_runtime *rt, const char *name, struct gb_err *err);

/* Issue 21, classroom-board: a lab check that leaves its verdict in the class's results
 * spool when the caller is a student (cli/lab_record.c); `glassbox classroom status`, the
 * teacher's board (cli/classroom_status.c). */
#include "lab.h"
enum gb_verdict cli_lab_run(const struct gb_lab *lab, struct gb_runtime *rt, const char *container,
			    bool control, struct gb_check *out);
int cmd_classroom_status(struct gb_runtime *rt, int argc, char **argv);
/* cli/classroom.c: classroom setup, doctor, teardown (issue 21, delegation) */
int cmd_classroom(struct gb_runtime *rt, int argc, char **argv);
/* cli/push.c: tag, push, login, logout (issue 15, the registry side: images-push) */
int cmd_tag(struct gb_runtime *rt, int argc, char **argv);
int cmd_push(struct gb_runtime *rt, int argc, char **argv);
int cmd_login(struct gb_runtime *rt, int argc, char **argv);
int cmd_logout(struct gb_runtime *rt, int argc, char **argv);
int cmd_save(struct gb_runtime *rt, int argc, char **argv);
int cmd_import(struct gb_runtime *rt, int argc, char **argv);
int cmd_image(struct gb_runtime *rt, int argc, char **argv);
/* run/create of an image that is not here, pulled first (--pull missing); always: pulled
 * even when it is here (--pull always). */
int cli_pull_missing(struct gb_runtime *rt, const char *image, bool always, struct gb_err *err);
/* cli/help.c (issue 23): `glassbox COMMAND --help` for the commands that have no help of
 * their own; 0 when it printed it, -1 when argv asks for no help or VERB has its own. */
int cli_help(const char *verb, int argc, char **argv);

/* Issue 12, start-path: the image commands run as glassbox-images (cli/images_exec.c);
 * main() keeps its argv here so that they get the same arguments. */
extern char **cli_argv;

/* Issue 14, oci-verbs: glassbox-runc ps, update, run (cli/oci_verbs.c), called by cli/oci.c.
 * Each returns an exit code, or CLI_OCI_FAILED (1) / CLI_OCI_USAGE (2) negated, err filled.
 * inherited: how many fds from 3 on were open when glassbox-runc started. */
#define CLI_OCI_FAILED (-1)
#define CLI_OCI_USAGE (-2)
int cli_oci_ps(struct gb_runtime *rt, int argc, char **argv, struct gb_err *err);
int cli_oci_update(struct gb_runtime *rt, int argc, char **argv, struct gb_err *err);
int cli_oci_run(struct gb_runtime *rt, int argc, char **argv, int inherited, struct gb_err *err);
/* --preserve-fds N of create and run: checked against inherited, then handed to the engine. */
int cli_oci_preserve_fds(const char *value, int inherited, struct gb_err *err);

/* Issue 23, Docker's exit codes (cli/exit_codes.c, docs/cli.md): a usage error of exec,
 * build, compose and pull is a refusal before anything ran, 125 as with run and create. */
#define CLI_EXIT_REFUSED 125
/* The exit code for err: 130 after an abort, 127/126 when the command's execve failed
 * (missing / not executable), else refused. */
int cli_exit_code(const struct gb_err *err, int refused);

#endif
