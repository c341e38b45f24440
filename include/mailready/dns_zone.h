/* dns_zone.h - zone files as a DNS source (used by dns.c).
 *
 * Zones are read with ldns and answered the way an authoritative server
 * and then a recursive resolver would: data, NODATA (empty non-terminals
 * included), NXDOMAIN, wildcards (RFC 4592), CNAMEs followed through the
 * loaded zones.  Names outside every zone, and names at or below a
 * delegation, are not answered here.
 */
#ifndef MAILREADY_DNS_ZONE_H
#define MAILREADY_DNS_ZONE_H

#include <stdbool.h>
#include <stdio.h>

#include "mailready/dns.h"
#include "mailready/rc.h"

struct dns_zones;

enum dns_zone_result {
    DNS_ZONE_NONE,      /* not in any zone's authority: ask live DNS */
    DNS_ZONE_ANSWER,    /* complete answer (records, canon, status) */
    DNS_ZONE_FOLLOW     /* CNAME chain leaves the zones: *follow is the
                         * target to ask live DNS, records hold the chain
                         * so far, the answer is not finished */
};

/* Caller frees with dns_zones_free(). */
struct dns_zones *dns_zones_new(void);
void dns_zones_free(struct dns_zones *zs);
bool dns_zones_empty(const struct dns_zones *zs);

/* Read one zone in master file format from fp.  fname names it in error
 * messages; origin (NULL: none) is the initial $ORIGIN.  The apex is the
 * owner of the SOA record.  On failure *err (may be NULL; release with
 * rc_err_fini()) says why, with file:line for syntax errors. */
enum rc dns_zones_load(struct dns_zones *zs, FILE *fp, const char *fname,
                       const char *origin, struct rc_err *err);
/* Read a zone file; a file named "<apex>.zone" gets <apex> as its initial
 * $ORIGIN. */
enum rc dns_zones_load_file(struct dns_zones *zs, const char *path,
                            struct rc_err *err);
enum rc dns_zones_load_text(struct dns_zones *zs, const char *text,
                            const char *origin, struct rc_err *err);

/* Answer ans->qname/ans->qtype (ans from dns_answer_new()).  On
 * DNS_ZONE_FOLLOW, *follow (caller frees) is the name to resolve next. */
enum dns_zone_result dns_zones_lookup(const struct dns_zones *zs,
                                      struct dns_answer *ans,
                                      char **follow);

#endif
