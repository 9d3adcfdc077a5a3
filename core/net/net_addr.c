/* IPv4 addresses and subnets in CIDR notation (net_addr.h): parsing, formatting, masks,
 * overlap. Pure arithmetic on numbers in host byte order; ip(7), inet_pton(3).
 * Lab 17 (bridge-networking). */
#include "net/net_addr.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

uint32_t gb_net_cidr_mask(int prefix)
{
	return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

void gb_net_ip_format(uint32_t addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255,
		 addr & 255);
}

void gb_net_cidr_format(struct gb_net_cidr c, char buf[19])
{
	char ip[16];
	gb_net_ip_format(c.addr, ip);
	snprintf(buf, 19, "%s/%d", ip, c.prefix);
}

/* Strictly four decimal parts 0..255: inet_aton(3) would also take "10.1" or octal "010". */
int gb_net_ip_parse(const char *s, uint32_t *out, struct gb_err *err)
{
	uint32_t v = 0;
	const char *p = s;
	for (int i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9')
			goto bad;
		unsigned long part = 0;
		int digits = 0;
		for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
			part = part * 10 + (unsigned long)(*p - '0');
		if (part > 255 || digits > 3 || (i < 3 && *p++ != '.'))
			goto bad;
		v = (v << 8) | (uint32_t)part;
	}
	if (*p)
		goto bad;
	*out = v;
	return 0;
bad:
	gb_err_set(err, EINVAL, "", "'%s' is not an IPv4 address", s);
	gb_err_hint(err, "write four numbers 0-255 separated by dots, e.g. 10.213.1.2");
	return -EINVAL;
}

int gb_net_cidr_parse(const char *s, struct gb_net_cidr *out, struct gb_err *err)
{
	const char *slash = strchr(s, '/');
	char ip[16];
	if (!slash || (size_t)(slash - s) >= sizeof ip) {
		gb_err_set(err, EINVAL, "", "'%s' is not a subnet in CIDR notation", s);
		gb_err_hint(err, "write ADDRESS/PREFIX, e.g. 10.213.1.0/24");
		return -EINVAL;
	}
	memcpy(ip, s, (size_t)(slash - s));
	ip[slash - s] = '\0';
	char *end;
	long prefix = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || prefix < 0 || prefix > 32) {
		gb_err_set(err, EINVAL, "", "'%s': the prefix length must be 0-32", s);
		gb_err_hint(err, "the number after '/' counts the network's bits, e.g. /24");
		return -EINVAL;
	}
	int r = gb_net_ip_parse(ip, &out->addr, err);
	if (r < 0)
		return r;
	out->prefix = (int)prefix;
	uint32_t net = out->addr & gb_net_cidr_mask(out->prefix);
	if (net != out->addr) {
		char want[19];
		gb_net_cidr_format((struct gb_net_cidr){ net, out->prefix }, want);
		gb_err_set(err, EINVAL, "", "'%s' has host bits set", s);
		gb_err_hint(err, "a subnet names its first address: did you mean %s?", want);
		return -EINVAL;
	}
	return 0;
}

int gb_net_cidr_parse_masked(const char *s, struct gb_net_cidr *out)
{
	char ip[19];
	const char *slash = strchr(s, '/');
	if (!slash || snprintf(ip, sizeof ip, "%s", s) >= (int)sizeof ip)
		return -EINVAL;
	ip[slash - s] = '\0';
	char *end;
	long prefix = strtol(slash + 1, &end, 10);
	if (*end || prefix < 0 || prefix > 32 || gb_net_ip_parse(ip, &out->addr, NULL) < 0)
		return -EINVAL;
	out->prefix = (int)prefix;
	out->addr &= gb_net_cidr_mask(out->prefix);
	return 0;
}

bool gb_net_cidr_contains(struct gb_net_cidr c, uint32_t addr)
{
	return (addr & gb_net_cidr_mask(c.prefix)) == c.addr;
}

/* Two subnets overlap exactly when the shorter prefix contains the other's start. */
bool gb_net_cidr_overlap(struct gb_net_cidr a, struct gb_net_cidr b)
{
	int p = a.prefix < b.prefix ? a.prefix : b.prefix;
	return (a.addr & gb_net_cidr_mask(p)) == (b.addr & gb_net_cidr_mask(p));
}
