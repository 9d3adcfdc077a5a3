/* Device cgroup rules (devrule.h): Docker's "c 1:3 rwm" syntax, the default lists of
 * Docker and runc, and the kernel's way of deciding a request against a list.
 * Documentation/admin-guide/cgroup-v1/devices.rst. Lab 21. */
#include "cgroup/devrule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* The kernel keeps a major in 12 bits and a minor in 20 (MINORBITS, linux/kdev_t.h). */
#define DEV_MAJOR_MAX 4095LL
#define DEV_MINOR_MAX 1048575LL

int gb_devrule_access(const char *s, unsigned *bits)
{
	*bits = 0;
	for (const char *p = s; *p; p++) {
		unsigned b = *p == 'r'	 ? GB_DEV_READ
			     : *p == 'w' ? GB_DEV_WRITE
			     : *p == 'm' ? GB_DEV_MKNOD
					 : 0;
		if (!b || (*bits & b))
			return -EINVAL;
		*bits |= b;
	}
	return *bits ? 0 : -EINVAL;
}

/* "*" or a decimal number up to max. */
static int parse_num(const char *s, size_t n, long long max, long long *out)
{
	if (n == 1 && s[0] == '*') {
		*out = GB_DEV_ANY;
		return 0;
	}
	if (n == 0 || n > 7)
		return -EINVAL;
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int bad_rule(struct gb_err *err, const char *s, const char *what)
{
	int r = gb_err_set(err, EINVAL, "", "device cgroup rule \"%s\": %s", s, what);
	gb_err_hint(err, "the form is TYPE MAJOR:MINOR ACCESS, e.g. 'c 1:3 rwm' or 'b 8:* r': "
			 "TYPE a, c or b; MAJOR and MINOR numbers or *; ACCESS letters of rwm");
	return r;
}

static int parse_numbers(const char *s, const char *nums, struct gb_dev_rule *r, struct gb_err *err)
{
	const char *colon = strchr(nums, ':');
	const char *space = strchr(nums, ' ');
	if (!colon || !space || colon > space)
		return bad_rule(err, s, "MAJOR:MINOR is missing");
	int e = parse_num(nums, (size_t)(colon - nums), DEV_MAJOR_MAX, &r->major);
	if (e == 0)
		e = parse_num(colon + 1, (size_t)(space - colon - 1), DEV_MINOR_MAX, &r->minor);
	if (e == -ERANGE)
		return bad_rule(err, s, "a major is at most 4095 and a minor at most 1048575");
	if (e < 0)
		return bad_rule(err, s, "MAJOR and MINOR must be numbers or *");
	if (gb_devrule_access(space + 1, &r->access) < 0)
		return bad_rule(err, s, "ACCESS must be letters of rwm, each once");
	return 0;
}

int gb_devrule_parse(const char *s, struct gb_dev_rule *r, struct gb_err *err)
{
	memset(r, 0, sizeof *r);
	r->allow = true;
	r->major = r->minor = GB_DEV_ANY;
	r->access = GB_DEV_RWM;
	if (!s || !s[0])
		return bad_rule(err, s ? s : "", "empty");
	if (!strchr("acb", s[0]) || (s[1] && s[1] != ' '))
		return bad_rule(err, s, "TYPE must be a (all), c (char) or b (block)");
	r->type = s[0];
	if (!s[1])
		return s[0] == 'a' ? 0 : bad_rule(err, s, "MAJOR:MINOR and ACCESS are missing");
	return parse_numbers(s, s + 2, r, err);
}

static void fmt_num(char *buf, size_t len, long long v)
{
	if (v == GB_DEV_ANY)
		snprintf(buf, len, "*");
	else
		snprintf(buf, len, "%lld", v);
}

void gb_devrule_format(const struct gb_dev_rule *r, char *buf, size_t len)
{
	char maj[16], min[16], acc[4];
	size_t k = 0;
	fmt_num(maj, sizeof maj, r->major);
	fmt_num(min, sizeof min, r->minor);
	if (r->access & GB_DEV_READ)
		acc[k++] = 'r';
	if (r->access & GB_DEV_WRITE)
		acc[k++] = 'w';
	if (r->access & GB_DEV_MKNOD)
		acc[k++] = 'm';
	acc[k] = '\0';
	snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

/* What every program expects to open: null, zero, full, random, urandom, tty, console,
 * the ptys of the container's own devpts (136:*) and its ptmx (5:2). */
static const struct gb_dev_rule allowed[] = {
	{ true, 'c', GB_DEV_ANY, GB_DEV_ANY, GB_DEV_MKNOD },
	{ true, 'b', GB_DEV_ANY, GB_DEV_ANY, GB_DEV_MKNOD },
	{ true, 'c', 1, 3, GB_DEV_RWM },
	{ true, 'c', 1, 5, GB_DEV_RWM },
	{ true, 'c', 1, 7, GB_DEV_RWM },
	{ true, 'c', 1, 8, GB_DEV_RWM },
	{ true, 'c', 1, 9, GB_DEV_RWM },
	{ true, 'c', 5, 0, GB_DEV_RWM },
	{ true, 'c', 5, 1, GB_DEV_RWM },
	{ true, 'c', 136, GB_DEV_ANY, GB_DEV_RWM },
	{ true, 'c', 5, 2, GB_DEV_RWM },
};

static size_t append(struct gb_dev_rule *out, size_t n, size_t max, const struct gb_dev_rule *r)
{
	if (n < max)
		out[n] = *r;
	return n + 1;
}

size_t gb_devrule_docker_default(struct gb_dev_rule *out, size_t max)
{
	static const struct gb_dev_rule deny_all = { false, 'a', GB_DEV_ANY, GB_DEV_ANY,
						     GB_DEV_RWM };
	size_t n = append(out, 0, max, &deny_all);
	for (size_t i = 0; i < GB_ARRAY_LEN(allowed); i++)
		n = append(out, n, max, &allowed[i]);
	return n < max ? n : max;
}

size_t gb_devrule_runc_allowed(struct gb_dev_rule *out, size_t max)
{
	static const struct gb_dev_rule tun = { true, 'c', 10, 200, GB_DEV_RWM };
	size_t n = 0;
	for (size_t i = 0; i < GB_ARRAY_LEN(allowed); i++)
		n = append(out, n, max, &allowed[i]);
	n = append(out, n, max, &tun);
	return n < max ? n : max;
}

static bool matches(const struct gb_dev_rule *r, char type, long long major, long long minor,
		    unsigned access)
{
	if ((r->type != 'a' && r->type != type) || (r->major != GB_DEV_ANY && r->major != major) ||
	    (r->minor != GB_DEV_ANY && r->minor != minor))
		return false;
	return r->allow ? (access & ~r->access) == 0 : (access & r->access) != 0;
}

bool gb_devrule_allows(const struct gb_dev_rule *rules, size_t n, char type, long long major,
		       long long minor, unsigned access)
{
	for (size_t i = n; i-- > 0;)
		if (matches(&rules[i], type, major, minor, access))
			return rules[i].allow;
	return true;
}
