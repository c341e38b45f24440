/* net.c - IP address helpers. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/util.h"

bool
net_parse(const char *s, struct ipaddr *out)
{
    memset(out, 0, sizeof(*out));
    if (strlen(s) > 45)
        return false;
    if (inet_pton(AF_INET, s, out->a) == 1) {
        out->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, s, out->a) == 1) {
        out->family = AF_INET6;
        return true;
    }
    return false;
}

bool
net_parse_cidr(const char *s, struct ipaddr *out, unsigned *prefix)
{
    char buf[64];
    const char *slash = strchr(s, '/');
    unsigned long p;

    if (slash == NULL) {
        if (!net_parse(s, out))
            return false;
        *prefix = out->family == AF_INET ? 32 : 128;
        return true;
    }
    if ((size_t)(slash - s) >= sizeof(buf))
        return false;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (!net_parse(buf, out))
        return false;
    if (!str_to_uint(slash + 1, 0, out->family == AF_INET ? 32 : 128, &p))
        return false;
    *prefix = (unsigned)p;
    return true;
}

const char *
net_format(const struct ipaddr *ip, char *buf, size_t size)
{
    if (inet_ntop(ip->family, ip->a, buf, (socklen_t)size) == NULL)
        str_copy(buf, "?", size);
    return buf;
}

void
net_from_bytes(struct ipaddr *ip, int family, const unsigned char *b)
{
    memset(ip, 0, sizeof(*ip));
    ip->family = family;
    memcpy(ip->a, b, family == AF_INET ? 4 : 16);
}

bool
net_match(const struct ipaddr *a, const struct ipaddr *b, unsigned prefix)
{
    unsigned max = a->family == AF_INET ? 32 : 128;

    if (a->family != b->family)
        return false;
    if (prefix > max)
        prefix = max;
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(a->a, b->a, full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a->a[full] & mask) == (b->a[full] & mask);
}

void
net_unmap(struct ipaddr *ip)
{
    static const unsigned char mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    if (ip->family == AF_INET6 && memcmp(ip->a, mapped, 12) == 0) {
        unsigned char v4[4];

        memcpy(v4, ip->a + 12, 4);
        net_from_bytes(ip, AF_INET, v4);
    }
}

const char *
net_reverse_name(const struct ipaddr *ip, char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";

    if (ip->family == AF_INET) {
        snprintf(buf, size, "%u.%u.%u.%u.in-addr.arpa", ip->a[3], ip->a[2],
                 ip->a[1], ip->a[0]);
        return buf;
    }
    char tmp[80];
    size_t k = 0;
    for (int i = 15; i >= 0; i--) {
        tmp[k++] = hex[ip->a[i] & 0xf];
        tmp[k++] = '.';
        tmp[k++] = hex[ip->a[i] >> 4];
        tmp[k++] = '.';
    }
    memcpy(tmp + k, "ip6.arpa", 9);
    str_copy(buf, tmp, size);
    return buf;
}

struct range {
    const char *net;
    unsigned prefix;
    const char *why;
};

/* IANA IPv4 and IPv6 Special-Purpose Address Registries: the entries whose
 * "Globally Reachable" is False (or N/A), plus multicast and reserved.
 * The reasons are msgids: a finding carries them as arguments, and the
 * frontend translates them (present_finding_message()). */
static const struct range special[] = {
    { "0.0.0.0", 8, N_("\"this network\" (RFC 791)") },
    { "10.0.0.0", 8, N_("private (RFC 1918)") },
    { "100.64.0.0", 10, N_("shared address space (RFC 6598)") },
    { "127.0.0.0", 8, N_("loopback (RFC 1122)") },
    { "169.254.0.0", 16, N_("link-local (RFC 3927)") },
    { "172.16.0.0", 12, N_("private (RFC 1918)") },
    { "192.0.0.0", 24, N_("IETF protocol assignments (RFC 6890)") },
    { "192.0.2.0", 24, N_("documentation (RFC 5737)") },
    { "192.88.99.0", 24, N_("6to4 relay anycast (RFC 7526)") },
    { "192.168.0.0", 16, N_("private (RFC 1918)") },
    { "198.18.0.0", 15, N_("benchmarking (RFC 2544)") },
    { "198.51.100.0", 24, N_("documentation (RFC 5737)") },
    { "203.0.113.0", 24, N_("documentation (RFC 5737)") },
    { "224.0.0.0", 4, N_("multicast (RFC 5771)") },
    { "240.0.0.0", 4, N_("reserved (RFC 1112)") },
    { "::", 128, N_("unspecified (RFC 4291)") },
    { "::1", 128, N_("loopback (RFC 4291)") },
    { "::ffff:0:0", 96, N_("IPv4-mapped (RFC 4291)") },
    { "64:ff9b:1::", 48, N_("local-use IPv4/IPv6 translation (RFC 8215)") },
    { "100::", 64, N_("discard-only (RFC 6666)") },
    { "2001::", 23, N_("IETF protocol assignments (RFC 2928)") },
    { "2001:db8::", 32, N_("documentation (RFC 3849)") },
    { "2002::", 16, N_("6to4 (RFC 3056)") },
    { "3fff::", 20, N_("documentation (RFC 9637)") },
    { "5f00::", 16, N_("segment routing SIDs (RFC 9602)") },
    { "fc00::", 7, N_("unique local (RFC 4193)") },
    { "fe80::", 10, N_("link-local (RFC 4291)") },
    { "ff00::", 8, N_("multicast (RFC 4291)") },
};

/* Globally reachable exceptions inside the ranges above. */
static const struct range global_exceptions[] = {
    { "192.0.0.9", 32, "" },
    { "192.0.0.10", 32, "" },
    { "2001:1::1", 128, "" },
    { "2001:1::2", 128, "" },
    { "2001:3::", 32, "" },
    { "2001:4:112::", 48, "" },
    { "2001:20::", 28, "" },
    { "2001:30::", 28, "" },
};

static bool
in_table(const struct ipaddr *ip, const struct range *t, size_t n,
         const char **why)
{
    for (size_t i = 0; i < n; i++) {
        struct ipaddr net;

        if (!net_parse(t[i].net, &net))
            continue;
        if (net_match(ip, &net, t[i].prefix)) {
            if (why != NULL)
                *why = t[i].why;
            return true;
        }
    }
    return false;
}

bool
net_is_global(const struct ipaddr *ip, const char **why)
{
    struct ipaddr v = *ip;

    if (why != NULL)
        *why = NULL;
    if (in_table(&v, global_exceptions, ARRAY_LEN(global_exceptions), NULL))
        return true;
    if (in_table(&v, special, ARRAY_LEN(special), why))
        return false;
    return true;
}
