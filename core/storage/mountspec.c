/* Mount specs (mountspec.h): what `-v`, `--mount` and `--tmpfs` ask for, parsed and
 * checked before anything exists. Pure: no file is touched, so a bad spec is refused
 * before the container is created. The mounts themselves are volume.c's. Lab 12. */
#include "storage/mountspec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"

static const char *const type_names[] = { "bind", "volume", "tmpfs" };

const char *gb_mount_type_name(enum gb_mount_type t)
{
	return t <= GB_MOUNT_TMPFS ? type_names[t] : "?";
}

void gb_mount_to_json(const struct gb_mount *m, struct gb_json *j)
{
	gb_json_obj_begin(j, NULL);
	gb_json_str(j, "type", gb_mount_type_name(m->type));
	gb_json_str(j, "source", m->source);
	gb_json_str(j, "target", m->target);
	gb_json_bool(j, "readonly", m->readonly);
	if (m->options[0])
		gb_json_str(j, "options", m->options);
	gb_json_obj_end(j);
}

/* ------------------------------------------------------------ parsing (pure) */

bool gb_volume_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

static int bad(struct gb_err *err, const char *opt, const char *spec, const char *why,
	       const char *fix)
{
	int r = gb_err_set(err, EINVAL, "", "invalid %s '%s': %s", opt, spec, why);
	gb_err_hint(err, "%s", fix);
	return r;
}

/* Every field is copied whole or refused: a path or a tmpfs option cut short would mount
 * somewhere else, or with other options, than the user wrote (found by tests/fuzz). */
static int too_long(struct gb_err *err, const char *opt, const char *spec)
{
	int r = gb_err_set(err, EINVAL, "", "invalid %s '%.40s...': too long (%zu bytes)", opt,
			   spec, strlen(spec));
	gb_err_hint(err,
		    "paths up to 511 bytes, tmpfs options up to 127, the whole spec up to 1199");
	return r;
}

static int set_field(char *dst, size_t size, const char *val, const char *opt, const char *spec,
		     struct gb_err *err)
{
	if ((size_t)snprintf(dst, size, "%s", val) >= size)
		return too_long(err, opt, spec);
	return 0;
}

/* Append "key" or "key=val" to the tmpfs options, comma separated. */
static int add_option(struct gb_mount *m, const char *key, const char *val, const char *opt,
		      const char *spec, struct gb_err *err)
{
	size_t used = strlen(m->options), room = sizeof m->options - used;
	if ((size_t)snprintf(m->options + used, room, "%s%s%s%s", used ? "," : "", key,
			     val ? "=" : "", val ? val : "") >= room) {
		m->options[used] = '\0';
		return too_long(err, opt, spec);
	}
	return 0;
}

static bool target_ok(const char *t)
{
	if (t[0] != '/' || strcmp(t, "/") == 0)
		return false;
	for (const char *p = t; (p = strstr(p, "..")); p += 2)
		if ((p == t || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	return true;
}

static int finish_spec(const char *opt, const char *spec, struct gb_mount *m, struct gb_err *err)
{
	if (!target_ok(m->target))
		return bad(err, opt, spec,
			   "the target must be an absolute path inside the container, not / and "
			   "without ..",
			   "e.g. -v data:/var/lib/data");
	if (m->type == GB_MOUNT_BIND && m->source[0] != '/')
		return bad(err, opt, spec, "a bind mount needs an absolute host path",
			   "write the full path: -v /home/me/site:/srv (or $PWD/site:/srv)");
	if (m->type == GB_MOUNT_VOLUME && !gb_volume_name_valid(m->source))
		return bad(err, opt, spec, "not a volume name",
			   "a volume name is letters, digits, '_', '.', '-' (starting with a "
			   "letter or digit); "
			   "a host path must start with /");
	return 0;
}

int gb_mount_parse_volume(const char *spec, struct gb_mount *m, struct gb_err *err)
{
	memset(m, 0, sizeof *m);
	char copy[1200];
	if (set_field(copy, sizeof copy, spec, "-v", spec, err) < 0)
		return -EINVAL;
	char *dst = strchr(copy, ':');
	if (!dst)
		return bad(err, "-v", spec, "it needs a source and a target",
			   "write -v NAME:/path (a named volume) or -v /host/path:/path (a bind "
			   "mount)");
	*dst++ = '\0';
	char *opts = strchr(dst, ':');
	if (opts)
		*opts++ = '\0';
	m->type = copy[0] == '/' || copy[0] == '.' ? GB_MOUNT_BIND : GB_MOUNT_VOLUME;
	if (set_field(m->source, sizeof m->source, copy, "-v", spec, err) < 0 ||
	    set_field(m->target, sizeof m->target, dst, "-v", spec, err) < 0)
		return -EINVAL;
	for (char *o = opts ? strtok(opts, ",") : NULL; o; o = strtok(NULL, ",")) {
		if (strcmp(o, "ro") == 0 || strcmp(o, "rw") == 0)
			m->readonly = o[1] == 'o';
		else
			return bad(err, "-v", spec, "unknown option",
				   "the options are ro and rw: -v /src:/dst:ro");
	}
	return finish_spec("-v", spec, m, err);
}

static bool flag_value(const char *v)
{
	return !v || strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

static int mount_key(struct gb_mount *m, char *key, const char *spec, struct gb_err *err)
{
	char *val = strchr(key, '=');
	if (val)
		*val++ = '\0';
	if (!strcmp(key, "type")) {
		for (int k = 0; k < 3; k++)
			if (val && !strcmp(val, type_names[k]))
				return (m->type = (enum gb_mount_type)k), 0;
		return bad(err, "--mount", spec, "unknown type", "type is bind, volume or tmpfs");
	}
	if (!strcmp(key, "source") || !strcmp(key, "src"))
		return val ? set_field(m->source, sizeof m->source, val, "--mount", spec, err)
			   : -EINVAL;
	if (!strcmp(key, "target") || !strcmp(key, "destination") || !strcmp(key, "dst"))
		return val ? set_field(m->target, sizeof m->target, val, "--mount", spec, err)
			   : -EINVAL;
	if (!strcmp(key, "readonly") || !strcmp(key, "ro"))
		return (m->readonly = flag_value(val)), 0;
	if (!strcmp(key, "tmpfs-size") || !strcmp(key, "tmpfs-mode"))
		return val ? add_option(m, key + 6, val, "--mount", spec, err) : -EINVAL;
	return bad(err, "--mount", spec, "unknown key",
		   "keys: type, source, target, readonly, tmpfs-size, tmpfs-mode");
}

int gb_mount_parse_mount(const char *spec, struct gb_mount *m, struct gb_err *err)
{
	memset(m, 0, sizeof *m);
	m->type = GB_MOUNT_VOLUME; /* Docker's default type */
	char copy[1200];
	if (set_field(copy, sizeof copy, spec, "--mount", spec, err) < 0)
		return -EINVAL;
	char *save = NULL;
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		int r = mount_key(m, kv, spec, err);
		if (r < 0)
			return err->code ? r
					 : bad(err, "--mount", spec, "a key needs a value",
					       "e.g. source=/srv");
	}
	if (m->type == GB_MOUNT_TMPFS && m->source[0])
		return bad(err, "--mount", spec, "tmpfs has no source",
			   "drop source=: --mount type=tmpfs,target=/tmp");
	if (m->type != GB_MOUNT_TMPFS && m->options[0])
		return bad(err, "--mount", spec, "tmpfs-* keys need type=tmpfs", "add type=tmpfs");
	return finish_spec("--mount", spec, m, err);
}

int gb_mount_parse_tmpfs(const char *spec, struct gb_mount *m, struct gb_err *err)
{
	memset(m, 0, sizeof *m);
	m->type = GB_MOUNT_TMPFS;
	char copy[1200];
	if (set_field(copy, sizeof copy, spec, "--tmpfs", spec, err) < 0)
		return -EINVAL;
	char *opts = strchr(copy, ':');
	if (opts)
		*opts++ = '\0';
	if (set_field(m->target, sizeof m->target, copy, "--tmpfs", spec, err) < 0)
		return -EINVAL;
	for (char *o = opts ? strtok(opts, ",") : NULL; o; o = strtok(NULL, ",")) {
		if (!strcmp(o, "ro") || !strcmp(o, "rw"))
			m->readonly = o[1] == 'o';
		else if (!strncmp(o, "size=", 5) || !strncmp(o, "mode=", 5) ||
			 !strncmp(o, "nr_inodes=", 10)) {
			if (add_option(m, o, NULL, "--tmpfs", spec, err) < 0)
				return -EINVAL;
		} else
			return bad(err, "--tmpfs", spec, "unknown option",
				   "the options are size=64m, mode=1777, nr_inodes=N, ro");
	}
	return finish_spec("--tmpfs", spec, m, err);
}
