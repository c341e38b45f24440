/* check_auth.h - the authoritative view: is it published yet?
 *
 * For each name a step reads (MX and TXT of the domain, the A and AAAA of
 * each MX host the resolver's MX answer names, TXT of _dmarc and of each
 * DKIM selector given, the PTR of each server address given, IPv4 or
 * IPv6, and the A or AAAA of the host name given), find the zone cut (NS
 * of its suffixes through the resolver, sent with the steps' own first
 * queries; when a negative NS answer's SOA names an apex the walk did
 * not ask, NS of that apex: ip6.arpa names, 34 labels, ask only NS of
 * the name and then of its apex), the addresses of its name servers (A
 * and AAAA), and ask each server directly, recursion not desired
 * (dns_query_at()).  Then compare the servers with each other (answers
 * and SOA serials) and the resolver's answer with theirs.  Each name
 * goes on as soon as what it waits for is in: the domain's names take
 * three round trips (NS, addresses, direct), an MX host in a zone
 * already known three from the MX answer (NS of its name, then direct),
 * within the steps' own critical path (MX, the hosts' addresses, their
 * PTR); a host in another zone or an ip6.arpa name one more.
 *
 * An answer from a zone file (--zone-file) or one the resolver gave with
 * authority (AA: it is one of the zone's servers, not a cache) is its own
 * authority: no server is asked and the resolver "agrees".
 *
 * Used by the check runner (check.c); the front ends read the views. */
#ifndef MAILREADY_CHECK_AUTH_H
#define MAILREADY_CHECK_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/finding.h"

enum auth_srv_status {
    AUTH_SRV_SAME,          /* the answer the servers agree on, or the
                             * newest one (highest serial) */
    AUTH_SRV_DIFFERENT,     /* another answer */
    AUTH_SRV_MISSING,       /* no record where the reference has one */
    AUTH_SRV_UNREACHABLE,   /* no answer in time (or no usable one) */
    AUTH_SRV_REFUSED,       /* REFUSED */
    AUTH_SRV_LAME           /* answers without authority, or SERVFAIL */
};

enum auth_resolver {
    AUTH_RES_AGREES,
    AUTH_RES_STALE,         /* the servers agree; the resolver has
                             * another answer (a cache's old one) */
    AUTH_RES_UNKNOWN        /* servers disagree, none answered, or the
                             * resolver gave no usable answer */
};

struct auth_server {
    char *name;                         /* NS host, visible-safe */
    char *addr;                         /* address literal */
    enum auth_srv_status status;
    bool has_serial;
    uint32_t serial;
    const struct dns_answer *ans;       /* borrowed from struct dns */
    const struct dns_answer *soa;       /* its SOA answer, or NULL */
};

/* One name a step reads. */
struct auth_view {
    enum check_step step;
    char *name;                         /* canonical */
    uint16_t type;
    char *zone;                         /* the zone cut, or NULL */
    struct auth_server *srv;
    size_t nsrv;
    bool own_authority;                 /* zone file or AA resolver */
    bool disagree;                      /* answers or serials differ */
    enum auth_resolver resolver;
    uint32_t stale_for_max_s;           /* 0 unless stale */
    size_t n_published;                 /* servers with status same and
                                         * a non-empty answer */
    const struct dns_answer *res_ans;   /* the resolver's, borrowed */
    const struct dns_answer *ref_ans;   /* the servers' reference
                                         * answer, borrowed, or NULL */
};

struct check_auth;

/* A view over ctx's domain for the steps in mask; queries go to the
 * zone's servers at port (53 unless --auth-port).  Caller frees with
 * check_auth_free() after dns_free() of the struct dns (as for the
 * check runner's own state). */
struct check_auth *check_auth_new(struct check_ctx *ctx, unsigned mask,
                                  unsigned port);
void check_auth_free(struct check_auth *a);
/* Send the first round (inside the run's group). */
void check_auth_start(struct check_auth *a);
/* Once nothing is pending: compare, and return the mask of steps whose
 * verdict must follow the servers (their cached answers have been
 * replaced by the servers' with dns_override(); the runner runs those
 * steps again).  Called once per run. */
unsigned check_auth_eval(struct check_auth *a);
/* Add the findings (DNS_NS_DISAGREE, DNS_NS_UNREACHABLE, DNS_NS_REFUSED,
 * DNS_NS_LAME, DNS_RESOLVER_STALE) of each view to its step. */
void check_auth_findings(const struct check_auth *a, struct check_ctx *ctx);

/* The views of step, in order; *n gets how many. */
const struct auth_view *check_auth_views(const struct check_auth *a,
                                         enum check_step step, size_t *n);
/* true when every view of every step agrees (or is unknown because
 * nothing could be asked): what --wait waits for. */
bool check_auth_settled(const struct check_auth *a);

/* Compare the servers of v (srv[].ans and .soa filled) with each other
 * and with v->res_ans: fills statuses, serials, disagree, resolver,
 * stale_for_max_s, n_published, ref_ans.  Pure; for the unit tests. */
void check_auth_compare(struct auth_view *v);

/* {"name", "type", "zone", "servers": [{"name", "address", "status",
 * "serial"}], "resolver", "stale_for_max_s"}; new reference. */
json_t *check_auth_view_json(const struct auth_view *v);
const char *check_auth_srv_status_name(enum auth_srv_status s);
const char *check_auth_resolver_name(enum auth_resolver r);

extern const struct finding_info check_auth_finding_catalog[];

#endif
