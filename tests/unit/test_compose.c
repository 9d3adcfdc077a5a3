/* Unit tests: Compose files (core/compose/): YAML 1.2 scalars (`- 21:21` stays a string),
 * variables and .env, every key the Inception projects use, unknown keys warned with their
 * line, wrong types refused with line and column, references checked, the start order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/json.h"
#include "base/util.h"
#include "compose/compose.h"
#include "engine/restart.h"

static char warned[2048];
static void warn(void *data, const char *msg)
{
	snprintf(warned + strlen(warned), sizeof warned - strlen(warned), "%s\n", msg);
}

static int parse(struct gb_compose *c, const char *text, char **env, struct gb_err *err)
{
	struct gb_compose_opts o = { .environ = env, .warn = warn };
	warned[0] = '\0';
	memset(err, 0, sizeof *err);
	return gb_compose_parse(c, text, strlen(text), "t.yml", "/srv/proj", &o, err);
}

static void ports_are_yaml_1_2_strings(void **state)
{
	/* YAML 1.1 reads 21:21 as 21*60+21 = 1281; a Compose file means the port pair. */
	const char *text = "services:\n"
			   "  ftp:\n"
			   "    image: busybox\n"
			   "    ports:\n"
			   "      - 21:21\n"
			   "      - \"127.0.0.1:8443:443\"\n"
			   "      - 21100-21101:21100-21101\n"
			   "      - target: 80\n"
			   "        published: 8080\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	char **p = c.services[0].ports;
	assert_int_equal(gb_strv_len(p), 5);
	assert_string_equal(p[0], "21:21");
	assert_string_equal(p[1], "127.0.0.1:8443:443");
	assert_string_equal(p[2], "21100:21100");
	assert_string_equal(p[3], "21101:21101");
	assert_string_equal(p[4], "8080:80");
	gb_compose_free(&c);
}

static void variables_and_dotenv(void **state)
{
	char **vars = calloc(1, sizeof *vars);
	struct gb_err err = { 0 };
	assert_int_equal(
		gb_compose_dotenv("# c\nA=1\nexport B=\"two words\" \nC='x $y'\nD=v # note\n",
				  &vars, &err),
		0);
	assert_string_equal(gb_compose_var(vars, "A"), "1");
	assert_string_equal(gb_compose_var(vars, "B"), "two words");
	assert_string_equal(gb_compose_var(vars, "C"), "x $y");
	assert_string_equal(gb_compose_var(vars, "D"), "v");
	assert_int_equal(gb_compose_dotenv("no equals sign\n", &vars, &err), -EINVAL);
	char *out;
	assert_int_equal(
		gb_compose_interpolate("$A-${B}-${Z:-def}-${Z-d2}-$$A-${A:+set}", vars, &out, &err),
		0);
	assert_string_equal(out, "1-two words-def-d2-$A-set");
	free(out);
	assert_int_equal(gb_compose_interpolate("${Z:-${A}x}", vars, &out, &err), 0);
	assert_string_equal(out, "1x");
	free(out);
	assert_int_equal(gb_compose_interpolate("${Z:?set Z please}", vars, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "set Z please"));
	assert_int_equal(gb_compose_interpolate("${A", vars, &out, &err), -EINVAL);
	gb_strv_free(vars);
}

static void environment_wins_over_dotenv_and_bare_names(void **state)
{
	const char *text = "services:\n"
			   "  db:\n"
			   "    image: ${IMG:-busybox}\n"
			   "    environment:\n"
			   "      - PASS\n"
			   "      - USER=${USER_NAME}\n"
			   "      - MISSING\n"
			   "  web:\n"
			   "    image: busybox\n"
			   "    environment: {A: \"1\", B: }\n";
	char *env[] = { "PASS=secret", "USER_NAME=wp", "B=fromenv", NULL };
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, env, &err), 0);
	const struct gb_compose_service *db = gb_compose_service(&c, "db");
	assert_string_equal(db->image, "busybox");
	assert_int_equal(gb_strv_len(db->env), 2); /* MISSING is unset: not passed at all */
	assert_string_equal(db->env[0], "PASS=secret");
	assert_string_equal(db->env[1], "USER=wp");
	const struct gb_compose_service *web = gb_compose_service(&c, "web");
	assert_string_equal(web->env[0], "A=1");
	assert_string_equal(web->env[1], "B=fromenv");
	gb_compose_free(&c);
}

static void inception_keys(void **state)
{
	const char *text = "version: '3.8'\n"
			   "name: Incep-Tion\n"
			   "services:\n"
			   "  nginx:\n"
			   "    build: requirements/nginx\n"
			   "    container_name: nginx\n"
			   "    depends_on: [wordpress]\n"
			   "    restart: always\n"
			   "    volumes: ['wp:/var/www/html:ro', './conf:/etc/nginx/conf.d']\n"
			   "    networks: [inception]\n"
			   "  wordpress:\n"
			   "    build: {context: requirements/wordpress, dockerfile: "
			   "Dockerfile.wp, args: {PHP: '8.2'}}\n"
			   "    depends_on:\n"
			   "      mariadb: {condition: service_healthy}\n"
			   "    restart: on-failure:3\n"
			   "    volumes: [{type: volume, source: wp, target: /var/www/html}]\n"
			   "    networks: {inception: {aliases: [wp]}, back: }\n"
			   "    stop_grace_period: 1m30s\n"
			   "    entrypoint: /bin/sh -c 'exec php-fpm -F'\n"
			   "  mariadb:\n"
			   "    image: mariadb-local\n"
			   "    healthcheck:\n"
			   "      test: [\"CMD\", \"mysqladmin\", \"ping\"]\n"
			   "      interval: 2s\n"
			   "      retries: 5\n"
			   "      start_period: 500ms\n"
			   "    networks: [back]\n"
			   "    secrets: [dbpass]\n"
			   "    init: true\n"
			   "volumes:\n"
			   "  wp:\n"
			   "    driver: local\n"
			   "    driver_opts: {type: none, o: bind, device: /home/u/data/wp}\n"
			   "networks:\n"
			   "  inception: {driver: bridge}\n"
			   "  back: {internal: true, name: backnet}\n"
			   "secrets:\n"
			   "  dbpass: {file: ./secrets/db.txt}\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	assert_string_equal(c.project, "incep-tion");
	const struct gb_compose_service *n = gb_compose_service(&c, "nginx");
	assert_string_equal(n->build_context, "/srv/proj/requirements/nginx");
	assert_string_equal(n->mounts[0].source, "wp");
	assert_true(n->mounts[0].readonly);
	assert_int_equal(n->mounts[1].type, GB_COMPOSE_BIND);
	assert_string_equal(n->mounts[1].source, "/srv/proj/conf");
	char name[128];
	gb_compose_container_name(&c, n, name, sizeof name);
	assert_string_equal(name, "nginx");
	const struct gb_compose_service *wp = gb_compose_service(&c, "wordpress");
	gb_compose_container_name(&c, wp, name, sizeof name);
	assert_string_equal(name, "incep-tion-wordpress-1");
	gb_compose_image_name(&c, wp, name, sizeof name);
	assert_string_equal(name, "incep-tion-wordpress");
	assert_string_equal(wp->dockerfile, "Dockerfile.wp");
	assert_string_equal(wp->build_args[0], "PHP=8.2");
	assert_int_equal(wp->deps[0].cond, GB_COMPOSE_HEALTHY);
	assert_string_equal(wp->restart, "on-failure:3");
	assert_int_equal(wp->stop_grace, 90);
	assert_string_equal(wp->nets[0].aliases[0], "wp");
	assert_int_equal(gb_strv_len(wp->entrypoint), 3);
	assert_string_equal(wp->entrypoint[2], "exec php-fpm -F");
	const struct gb_compose_service *db = gb_compose_service(&c, "mariadb");
	assert_string_equal(db->health.test[0], "mysqladmin");
	assert_true(db->health.interval == 2 && db->health.retries == 5 &&
		    db->health.start_period == 0.5);
	assert_true(db->init);
	assert_string_equal(gb_compose_volume(&c, "wp")->name, "incep-tion_wp");
	assert_string_equal(gb_compose_volume(&c, "wp")->device, "/home/u/data/wp");
	assert_string_equal(gb_compose_network(&c, "back")->name, "backnet");
	assert_true(gb_compose_network(&c, "back")->internal);
	assert_null(gb_compose_network(&c, "default")); /* every service named its networks */
	assert_string_equal(gb_compose_secret(&c, "dbpass")->file, "/srv/proj/secrets/db.txt");
	size_t order[3];
	assert_int_equal(gb_compose_order(&c, order, &err), 0);
	assert_string_equal(c.services[order[0]].name, "mariadb");
	assert_string_equal(c.services[order[1]].name, "wordpress");
	assert_string_equal(c.services[order[2]].name, "nginx");
	gb_compose_free(&c);
}

static void default_network_and_shell_forms(void **state)
{
	const char *text = "services:\n"
			   "  a:\n"
			   "    image: busybox\n"
			   "    command: echo \"hello world\" 'x y'\n"
			   "    healthcheck: {test: \"wget -q localhost\"}\n"
			   "x-common: &c {image: busybox}\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	assert_string_equal(c.project, "proj"); /* the folder's name */
	const struct gb_compose_service *a = &c.services[0];
	assert_int_equal(gb_strv_len(a->command), 3);
	assert_string_equal(a->command[1], "hello world");
	assert_string_equal(a->health.test[0], "/bin/sh");
	assert_string_equal(a->health.test[2], "wget -q localhost");
	assert_string_equal(a->nets[0].key, "default");
	assert_string_equal(gb_compose_network(&c, "default")->name, "proj_default");
	assert_string_equal(warned, ""); /* x-*: extension fields are not unknown keys */
	gb_compose_free(&c);
}

static void unknown_keys_warn_with_line(void **state)
{
	const char *text = "services:\n"
			   "  a:\n"
			   "    image: busybox\n"
			   "    privileged_mode: true\n"
			   "colour: blue\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	assert_non_null(strstr(warned, "t.yml:4: unknown key 'services.a.privileged_mode'"));
	assert_non_null(strstr(warned, "t.yml:5: unknown key 'colour'"));
	gb_compose_free(&c);
}

/* Each bad file fails with its message, and gb_compose_free cleans up what was read. */
static void expect_error(const char *text, const char *msg)
{
	struct gb_compose c;
	struct gb_err err;
	int r = parse(&c, text, NULL, &err);
	assert_true(r < 0 && r == -err.code);
	if (!strstr(err.msg, msg))
		fail_msg("expected '%s' in '%s'", msg, err.msg);
	gb_compose_free(&c);
}

static void wrong_types_and_references_fail(void **state)
{
	expect_error("services:\n  a:\n    image: busybox\n    ports: 8080:80\n",
		     "t.yml:4:12: services.a.ports must be a list (got a scalar)");
	expect_error("services:\n  a:\n    image: [busybox]\n",
		     "t.yml:3:12: services.a.image must be a string");
	expect_error("services:\n  a:\n    image: x\n    init: yes\n",
		     "init must be true or false");
	expect_error("services:\n  a:\n    image: x\n    restart: sometimes\n",
		     "is not a restart policy");
	expect_error("services:\n  a:\n    image: x\n    depends_on: [b]\n",
		     "depends on the undefined service b");
	expect_error("services:\n  a:\n    image: x\n    networks: [n]\n",
		     "uses the undefined network n");
	expect_error("services:\n  a:\n    image: x\n    volumes: ['v:/d']\n",
		     "mounts the undefined volume v");
	expect_error("services:\n  a:\n    image: x\n    volumes: ['/d']\n",
		     "anonymous volumes are not supported");
	expect_error("services:\n  a:\n    build: {dockerfile: D}\n    stop_grace_period: soon\n",
		     "is not a duration");
	expect_error("services:\n  a: {}\n", "has neither image nor build");
	expect_error("services:\n  a:\n    image: ${NOPE:?give NOPE}\n",
		     "t.yml:3:12: services.a.image: required variable NOPE");
	expect_error("services:\n  a:\n    image: x\n  b: [\n", "not valid YAML");
	expect_error("- a\n", "the file must be a mapping");
	expect_error("version: '3'\n", "no services: key");
	expect_error("services:\n  a:\n    image: x\n    ports: ['80']\n", "has no host port");
	expect_error("services:\n  a:\n    image: x\n    ports: ['1-3:1-2']\n", "invalid port");
	expect_error("services:\n  a: {image: x}\nvolumes:\n  v: {driver: nfs}\n",
		     "only the local driver");
	expect_error("services:\n  a: {image: x}\nnetworks:\n  n: {driver: overlay}\n",
		     "only bridge networks");
}

static void circles_are_refused(void **state)
{
	const char *text = "services:\n"
			   "  a: {image: x, depends_on: [b]}\n"
			   "  b: {image: x, depends_on: [c]}\n"
			   "  c: {image: x, depends_on: [a]}\n";
	struct gb_compose c;
	struct gb_err err;
	size_t order[3];
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	assert_int_equal(gb_compose_order(&c, order, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "circle"));
	gb_compose_free(&c);
}

static void text_helpers(void **state)
{
	double d;
	assert_int_equal(gb_compose_duration("1m30s", &d), 0);
	assert_true(d == 90);
	assert_int_equal(gb_compose_duration("250ms", &d), 0);
	assert_true(d > 0.2499 && d < 0.2501);
	assert_int_equal(gb_compose_duration("10", &d), 0);
	assert_true(d == 10);
	assert_int_equal(gb_compose_duration("5 minutes", &d), -EINVAL);
	char **argv;
	struct gb_err err = { 0 };
	assert_int_equal(gb_compose_split("a 'b c' \"d\\\"e\" f\\ g", &argv, &err), 0);
	assert_int_equal(gb_strv_len(argv), 4);
	assert_string_equal(argv[1], "b c");
	assert_string_equal(argv[2], "d\"e");
	assert_string_equal(argv[3], "f g");
	gb_strv_free(argv);
	assert_int_equal(gb_compose_split("a 'b", &argv, &err), -EINVAL);
}

/* Docker's rules: on-failure only after a failure and at most N times, never after a stop;
 * the back-off doubles from 100 ms to a minute and starts over after a 10 s run. */
static void restart_policies(void **state)
{
	struct gb_restart p;
	assert_int_equal(gb_restart_parse("on-failure:2", &p), 0);
	assert_true(gb_restart_wanted(&p, 1, 0, false));
	assert_true(gb_restart_wanted(&p, 1, 1, false));
	assert_false(gb_restart_wanted(&p, 1, 2, false));
	assert_false(gb_restart_wanted(&p, 0, 0, false));
	assert_int_equal(gb_restart_parse("always", &p), 0);
	assert_true(gb_restart_wanted(&p, 0, 50, false));
	assert_false(gb_restart_wanted(&p, 0, 0, true));
	assert_int_equal(gb_restart_parse("", &p), 0);
	assert_false(gb_restart_wanted(&p, 1, 0, false));
	assert_int_equal(gb_restart_parse("on-failure:", &p), -EINVAL);
	assert_int_equal(gb_restart_parse("sometimes", &p), -EINVAL);
	assert_true(gb_restart_delay(0, 1) == 0.1);
	assert_true(gb_restart_delay(3, 1) > 0.79 && gb_restart_delay(3, 1) < 0.81);
	assert_true(gb_restart_delay(20, 1) == 60);
	assert_true(gb_restart_delay(20, 12) == 0.1);
}

/* x-glassbox: {status: PATH}: read (with variables), shown by config, no warning for the
 * extension key; unknown keys under it warn; a relative PATH is refused; absent: NULL. */
static void x_glassbox_status(void **state)
{
	char *env[] = { "MNT=/glassbox/status", NULL };
	const char *text = "services:\n"
			   "  dash:\n"
			   "    image: busybox\n"
			   "    x-glassbox:\n"
			   "      status: ${MNT}\n"
			   "      colour: blue\n"
			   "  plain:\n"
			   "    image: busybox\n"
			   "    x-other: {a: 1}\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, env, &err), 0);
	assert_string_equal(c.services[0].status_mount, "/glassbox/status");
	assert_null(c.services[1].status_mount);
	assert_non_null(strstr(warned, "t.yml:6: unknown key 'services.dash.x-glassbox.colour'"));
	assert_null(strstr(warned, "x-other"));
	char *out = gb_compose_render(&c);
	assert_non_null(strstr(out, "    x-glassbox:\n      status: \"/glassbox/status\"\n"));
	free(out);
	gb_compose_free(&c);
	expect_error("services:\n  d:\n    image: busybox\n    x-glassbox: {status: rel}\n",
		     "t.yml:4:26: services.d.x-glassbox.status must be an absolute path");
}

/* `compose config` prints a Compose file: read again, it means the same. A `$` in a value
 * (here from .env-style variables and `$$`) is written `$$`, and a healthcheck keeps its
 * leading "CMD" (the model holds only the argv). */
static void config_reads_back_the_same(void **state)
{
	char *env[] = { "PW=wp$pass", NULL };
	const char *text = "services:\n"
			   "  db:\n"
			   "    image: busybox\n"
			   "    environment: [\"PW=${PW}\", \"PRICE=$$5\"]\n"
			   "    healthcheck:\n"
			   "      test: [\"CMD\", \"mysqladmin\", \"ping\", \"-p${PW}\"]\n"
			   "  web:\n"
			   "    image: busybox\n"
			   "    healthcheck: {test: \"wget -qO- localhost || exit 1\"}\n";
	struct gb_compose c, again;
	struct gb_err err;
	assert_int_equal(parse(&c, text, env, &err), 0);
	char *out = gb_compose_render(&c);
	assert_non_null(out);
	assert_non_null(strstr(out, "\"PW=wp$$pass\""));
	assert_int_equal(parse(&again, out, NULL, &err), 0);
	const struct gb_compose_service *db = gb_compose_service(&again, "db");
	assert_string_equal(db->env[0], "PW=wp$pass");
	assert_string_equal(db->env[1], "PRICE=$5");
	assert_string_equal(db->health.test[0], "mysqladmin");
	assert_string_equal(db->health.test[2], "-pwp$pass");
	const struct gb_compose_service *web = gb_compose_service(&again, "web");
	assert_string_equal(web->health.test[0], "/bin/sh");
	assert_string_equal(web->health.test[2], "wget -qO- localhost || exit 1");
	char *out2 = gb_compose_render(&again);
	assert_string_equal(out2, out);
	free(out2);
	free(out);
	gb_compose_free(&again);
	gb_compose_free(&c);
}

/* A variable read without a default and set nowhere is an empty string, with a warning
 * naming it and the line, as docker compose warns; one with a default, `$$`, or set in
 * the environment is not warned about. */
static void unset_variables_warn(void **state)
{
	char *env[] = { "HOME=/root", NULL };
	const char *text = "services:\n"
			   "  a:\n"
			   "    image: busybox\n"
			   "    environment:\n"
			   "      - A=${HOME}/x $$USER ${TAG:-latest} ${B-$NOPE}\n"
			   "      - DATA=/home/${USER}/data\n"
			   "      - P=$PORT\n";
	struct gb_compose c;
	struct gb_err err;
	assert_int_equal(parse(&c, text, env, &err), 0);
	assert_string_equal(c.services[0].env[1], "DATA=/home//data");
	assert_non_null(strstr(warned, "t.yml:6: variable USER is not set"));
	assert_non_null(strstr(warned, "t.yml:7: variable PORT is not set"));
	assert_null(strstr(warned, "t.yml:5:"));
	gb_compose_free(&c);
}

/* A key twice in one mapping is refused with both lines, as docker compose does (yaml.v3);
 * found by the fuzzer: a second top-level volumes: was read over the first (a leak). An
 * env_file that is not a regular file is refused (/dev/zero would be read for ever). */
static void duplicate_keys_and_odd_env_files(void **state)
{
	struct gb_compose c;
	struct gb_err err;
	assert_true(parse(&c,
			  "volumes:\n  a: {}\nservices:\n  s:\n    image: x\nvolumes:\n  b: {}\n",
			  NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "t.yml:6:1: 'volumes' is already a key of this mapping "
					"(line 1)"));
	gb_compose_free(&c);
	assert_true(parse(&c, "services:\n  s:\n    image: x\n    image: y\n", NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "t.yml:4:5: 'image' is already a key"));
	gb_compose_free(&c);
	assert_int_equal(
		parse(&c, "services:\n  s:\n    image: x\n  t:\n    image: x\n", NULL, &err),
		0); /* the same key in two mappings is fine */
	gb_compose_free(&c);
	assert_true(parse(&c, "services:\n  s:\n    image: x\n    env_file: /dev/zero\n", NULL,
			  &err) < 0);
	assert_non_null(strstr(err.msg, "/dev/zero is not a regular file"));
	gb_compose_free(&c);
}

/* A service's secrets in the long syntax: target is where the file is mounted (a relative
 * one under /run/secrets, as Docker puts it); uid, gid and mode are warned about; the short
 * syntax mounts at /run/secrets/NAME. config shows them and reads back the same. */
static void secret_targets(void **state)
{
	const char *text = "services:\n"
			   "  wp:\n"
			   "    image: busybox\n"
			   "    secrets:\n"
			   "      - db\n"
			   "      - source: creds\n"
			   "        target: wp_creds\n"
			   "      - {source: db, target: /etc/db.pw, mode: 0440}\n"
			   "secrets:\n"
			   "  db: {file: ./db.txt}\n"
			   "  creds: {file: /srv/creds.txt}\n";
	struct gb_compose c, again;
	struct gb_err err;
	assert_int_equal(parse(&c, text, NULL, &err), 0);
	const struct gb_compose_service *wp = &c.services[0];
	assert_int_equal(gb_strv_len(wp->secrets), 3);
	assert_string_equal(wp->secrets[1], "creds");
	assert_string_equal(wp->secret_targets[0], "/run/secrets/db");
	assert_string_equal(wp->secret_targets[1], "/run/secrets/wp_creds");
	assert_string_equal(wp->secret_targets[2], "/etc/db.pw");
	assert_non_null(strstr(warned, "t.yml:8: unknown key 'services.wp.secrets.mode'"));
	char *out = gb_compose_render(&c);
	assert_int_equal(parse(&again, out, NULL, &err), 0);
	assert_string_equal(again.services[0].secret_targets[1], "/run/secrets/wp_creds");
	assert_string_equal(again.services[0].secret_targets[2], "/etc/db.pw");
	free(out);
	gb_compose_free(&again);
	gb_compose_free(&c);
	expect_error("services:\n  a:\n    image: busybox\n    secrets: [{target: x}]\n"
		     "secrets:\n  s: {file: /x}\n",
		     "t.yml:4:15: services.a.secrets: give the secret's source:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ports_are_yaml_1_2_strings),
		cmocka_unit_test(variables_and_dotenv),
		cmocka_unit_test(environment_wins_over_dotenv_and_bare_names),
		cmocka_unit_test(inception_keys),
		cmocka_unit_test(default_network_and_shell_forms),
		cmocka_unit_test(unknown_keys_warn_with_line),
		cmocka_unit_test(wrong_types_and_references_fail),
		cmocka_unit_test(circles_are_refused),
		cmocka_unit_test(text_helpers),
		cmocka_unit_test(restart_policies),
		cmocka_unit_test(x_glassbox_status),
		cmocka_unit_test(config_reads_back_the_same),
		cmocka_unit_test(unset_variables_warn),
		cmocka_unit_test(secret_targets),
		cmocka_unit_test(duplicate_keys_and_odd_env_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
