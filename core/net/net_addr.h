/* IPv4 addresses and subnets (net_addr.c): what `ip addr` prints, as numbers. */
#ifndef GB_NET_ADDR_H
#define GB_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

struct gb_net_cidr {
	uint32_t addr; /* host byte order */
	int prefix;    /* 0..32 */
};

/* "10.213.1.0/24"; refuses host bits and out-of-range parts with a hint. */
int gb_net_cidr_parse(const char *s, struct gb_net_cidr *out, struct gb_err *err);
/* An interface's "10.213.1.2/24" as its subnet 10.213.1.0/24 (host bits cleared). */
int gb_net_cidr_parse_masked(const char *s, struct gb_net_cidr *out);
int gb_net_ip_parse(const char *s, uint32_t *out, struct gb_err *err);
void gb_net_ip_format(uint32_t addr, char buf[16]);
void gb_net_cidr_format(struct gb_net_cidr c, char buf[19]);
uint32_t gb_net_cidr_mask(int prefix);
bool gb_net_cidr_contains(struct gb_net_cidr c, uint32_t addr);
bool gb_net_cidr_overlap(struct gb_net_cidr a, struct gb_net_cidr b);

#endif
