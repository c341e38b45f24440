/* net.h - IP addresses: parsing, formatting, reverse names, reachability. */
#ifndef MAILREADY_NET_H
#define MAILREADY_NET_H

#include <stdbool.h>
#include <stddef.h>

struct ipaddr {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char a[16];        /* network order; IPv4 in the first 4 */
};

/* Parse a literal IPv4 or IPv6 address (no brackets, no zone). */
bool net_parse(const char *s, struct ipaddr *out);
/* Parse "ADDR/PREFIX" or "ADDR"; prefix defaults to 32 or 128. */
bool net_parse_cidr(const char *s, struct ipaddr *out, unsigned *prefix);
/* Format into buf (at least 46 bytes). */
const char *net_format(const struct ipaddr *ip, char *buf, size_t size);
/* From 4 or 16 raw bytes, as in struct dns_rr. */
void net_from_bytes(struct ipaddr *ip, int family, const unsigned char *b);
/* true if the first prefix bits of a and b are equal (same family). */
bool net_match(const struct ipaddr *a, const struct ipaddr *b,
               unsigned prefix);
/* IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes IPv4. */
void net_unmap(struct ipaddr *ip);
/* The reverse name: "4.3.2.1.in-addr.arpa" or the ip6.arpa nibbles.
 * buf at least 74 bytes. */
const char *net_reverse_name(const struct ipaddr *ip, char *buf,
                             size_t size);
/* false for the ranges of the IANA special-purpose address registries that
 * are not globally reachable (private, loopback, link-local, shared, CGN,
 * documentation, benchmarking, ULA, multicast, unspecified, reserved). *why
 * (optional) gets an English name of the range, e.g. "private (RFC 1918)". */
bool net_is_global(const struct ipaddr *ip, const char **why);

#endif
