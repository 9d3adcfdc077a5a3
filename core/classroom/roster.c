/* The class roster (roster.h). */
#include "classroom/roster.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/json.h"
#include "base/util.h"

const char *gb_class_dir(void)
{
	const char *d = getenv("GLASSBOX_CLASSROOM_DIR");
	return d && *d ? d : "/var/lib/glassbox-classroom";
}

void gb_class_roster_free(struct gb_class_roster *r)
{
	free(r->students);
	r->students = NULL;
	r->n = 0;
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > GB_CLASS_NAME_MAX || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Append one student, checked against the host's users. */
static int add_student(struct gb_class_roster *r, const char *name, bool opt_out,
		       struct gb_err *err)
{
	if (!name_ok(name))
		return gb_err_set(err, EINVAL, "", "'%s' is not a user name", name);
	struct passwd *pw = getpwnam(name);
	if (!pw)
		return gb_err_set(err, ENOENT, "", "no user '%s' on this host", name),
		       gb_err_hint(err, "create the account first (useradd -m %s)", name), -ENOENT;
	if (pw->pw_uid == 0)
		return gb_err_set(err, EINVAL, "",
				  "'%s' is root: a student must be an ordinary user", name);
	for (size_t i = 0; i < r->n; i++)
		if (r->students[i].uid == pw->pw_uid)
			return gb_err_set(err, EEXIST, "", "'%s' is listed twice", name);
	struct gb_class_student *s = realloc(r->students, (r->n + 1) * sizeof(*s));
	if (!s)
		return gb_err_set(err, ENOMEM, "realloc", "roster");
	r->students = s;
	s += r->n++;
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	s->opt_out = opt_out;
	return 0;
}

/* One line of a students file: "name", "name !" (opted out), blank or "# comment". */
static int parse_line(struct gb_class_roster *r, char *line, const char *file, int lineno,
		      struct gb_err *err)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *save = NULL, *name = strtok_r(line, " \t\r\n", &save);
	if (!name)
		return 0;
	char *mark = strtok_r(NULL, " \t\r\n", &save);
	if ((mark && strcmp(mark, "!") != 0) || strtok_r(NULL, " \t\r\n", &save))
		return gb_err_set(err, EINVAL, "", "%s:%d: expected 'NAME' or 'NAME !'", file,
				  lineno);
	int rc = add_student(r, name, mark != NULL, err);
	if (rc < 0)
		gb_err_hint(err, "%s:%d: fix or remove this line", file, lineno);
	return rc;
}

static int parse_file(const char *path, struct gb_class_roster *r, struct gb_err *err)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return gb_err_set(err, errno, "fopen", "%s", path);
	char line[256];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f))
		rc = parse_line(r, line, path, ++lineno, err);
	fclose(f);
	return rc;
}

/* A group's students: its listed members, then users whose primary group it is. */
static int parse_group(const char *group, struct gb_class_roster *r, struct gb_err *err)
{
	struct group *gr = getgrnam(group);
	if (!gr)
		return gb_err_set(err, ENOENT, "", "'%s' is neither a file nor a group", group),
		       gb_err_hint(err, "give a file with one user name per line, or a group "
					"whose members are the students"),
		       -ENOENT;
	gid_t gid = gr->gr_gid;
	char **mem = gb_strv_dup(gr->gr_mem);
	int rc = mem ? 0 : gb_err_set(err, ENOMEM, "malloc", "group members");
	for (size_t i = 0; rc == 0 && mem[i]; i++)
		rc = add_student(r, mem[i], false, err);
	gb_strv_freep(&mem);
	setpwent();
	for (struct passwd *pw; rc == 0 && (pw = getpwent());)
		if (pw->pw_gid == gid && pw->pw_uid != 0 && !gb_class_find_uid(r, pw->pw_uid)) {
			char name[GB_CLASS_NAME_MAX + 1];
			snprintf(name, sizeof(name), "%s", pw->pw_name);
			rc = add_student(r, name, false, err);
		}
	endpwent();
	return rc;
}

int gb_class_students_parse(const char *spec, struct gb_class_roster *r, struct gb_err *err)
{
	struct stat st;
	memset(r, 0, sizeof(*r));
	int rc = stat(spec, &st) == 0 && S_ISREG(st.st_mode) ? parse_file(spec, r, err)
							     : parse_group(spec, r, err);
	if (rc == 0 && r->n == 0)
		rc = gb_err_set(err, EINVAL, "", "no students in '%s'", spec);
	if (rc < 0)
		gb_class_roster_free(r);
	return rc;
}

const struct gb_class_student *gb_class_find_uid(const struct gb_class_roster *r, uid_t uid)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->students[i].uid == uid)
			return &r->students[i];
	return NULL;
}

int gb_class_roster_write(const char *dir, const struct gb_class_roster *r, struct gb_err *err)
{
	struct gb_json j;
	gb_json_init(&j);
	gb_json_obj_begin(&j, NULL);
	gb_json_int(&j, "version", 1);
	gb_json_str(&j, "created", r->created);
	gb_json_obj_begin(&j, "ceiling");
	gb_json_int(&j, "memory", r->ceiling.memory);
	gb_json_int(&j, "pids", r->ceiling.pids);
	gb_json_int(&j, "cpu_weight", r->ceiling.cpu_weight);
	gb_json_obj_end(&j);
	gb_json_arr_begin(&j, "students");
	for (size_t i = 0; i < r->n; i++) {
		gb_json_obj_begin(&j, NULL);
		gb_json_str(&j, "name", r->students[i].name);
		gb_json_int(&j, "uid", r->students[i].uid);
		gb_json_int(&j, "gid", r->students[i].gid);
		gb_json_bool(&j, "opt_out", r->students[i].opt_out);
		gb_json_obj_end(&j);
	}
	gb_json_arr_end(&j);
	gb_json_obj_end(&j);
	char path[4096];
	int rc = j.failed ? -ENOMEM : gb_path(path, sizeof(path), "%s/roster.json", dir);
	if (rc == 0)
		rc = gb_write_atomic(path, j.buf, j.len, 0644);
	gb_json_free(&j);
	return rc < 0 ? gb_err_set(err, -rc, "write", "%s/roster.json", dir) : 0;
}

static int student_from(const struct gb_jval *v, struct gb_class_student *s, struct gb_err *err)
{
	const char *name = gb_jstr(v, "name", "");
	long long uid = gb_jint(v, "uid", -1), gid = gb_jint(v, "gid", -1);
	if (!name_ok(name) || uid <= 0 || uid > 0x7fffffff || gid < 0 || gid > 0x7fffffff)
		return gb_err_set(err, EINVAL, "", "roster: a student entry is malformed");
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->uid = (uid_t)uid;
	s->gid = (gid_t)gid;
	s->opt_out = gb_jbool(v, "opt_out", false);
	return 0;
}

static int roster_from(const struct gb_jval *root, struct gb_class_roster *r, struct gb_err *err)
{
	const struct gb_jval *st = gb_jget(root, "students"), *c = gb_jget(root, "ceiling");
	if (gb_jint(root, "version", 0) != 1 || !st || st->type != GB_JARR)
		return gb_err_set(err, EINVAL, "", "roster: not a version 1 roster");
	snprintf(r->created, sizeof(r->created), "%s", gb_jstr(root, "created", ""));
	r->ceiling.memory = c ? gb_jint(c, "memory", 0) : 0;
	r->ceiling.pids = c ? gb_jint(c, "pids", 0) : 0;
	r->ceiling.cpu_weight = c ? (int)gb_jint(c, "cpu_weight", 0) : 0;
	r->students = calloc(st->n ? st->n : 1, sizeof(*r->students));
	if (!r->students)
		return gb_err_set(err, ENOMEM, "calloc", "roster");
	for (const struct gb_jval *v = st->child; v; v = v->next) {
		int rc = student_from(v, &r->students[r->n], err);
		if (rc < 0)
			return rc;
		r->n++;
	}
	return 0;
}

int gb_class_roster_read(const char *dir, struct gb_class_roster *r, struct gb_err *err)
{
	char path[4096], jerr[128];
	char *text = NULL;
	size_t len = 0;
	memset(r, 0, sizeof(*r));
	int rc = gb_path(path, sizeof(path), "%s/roster.json", dir);
	if (rc == 0 && (rc = gb_read_file(path, &text, &len)) < 0)
		return gb_err_set(err, -rc, "open", "%s", path),
		       gb_err_hint(err, "no class is set up here: the teacher runs `glassbox "
					"classroom setup --students FILE|GROUP` (as root)"),
		       rc;
	struct gb_jval *root = rc == 0 ? gb_json_parse(text, len, jerr, sizeof(jerr)) : NULL;
	free(text);
	if (!root)
		return gb_err_set(err, EINVAL, "", "%s: %s", path, rc ? "path too long" : jerr);
	rc = roster_from(root, r, err);
	gb_jval_free(root);
	if (rc < 0)
		gb_class_roster_free(r);
	return rc;
}
