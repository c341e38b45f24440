/* dns.h - the one DNS interface of mailready.
 *
 * Answers come from live DNS (c-ares), from zone files (--zone-file, the
 * demo) or from zone text loaded by tests; callers cannot tell them apart.
 * Every query is asynchronous: dns_query() never calls its callback before
 * returning; callbacks run from dns_process() or dns_run().  Identical
 * queries (same name, case-insensitive, and type) are merged while in flight
 * and answered from a cache for the life of the struct dns.
 *
 * Time limits.  Each answer gets timeout_ms (UDP retries included; a TCP
 * retry after a truncated UDP answer gets timeout_ms of its own).  The
 * whole run gets deadline_ms, counted from the first query after
 * dns_new() or dns_clear_cache(): at the deadline every query still
 * pending is answered DNS_TIMEOUT, and a query that would go to live DNS
 * after it is answered DNS_TIMEOUT at once (zone files, forced answers and
 * the cache still answer).  dns_timeout_ms() counts the deadline in, so
 * dns_run() and a poll() loop return within a few milliseconds of it.
 *
 * Cancellation.  dns_free() with queries pending delivers DNS_CANCELLED,
 * exactly once, to every callback that has not run yet (answers already
 * received but not yet delivered are cancelled too), in no particular
 * order, before it frees anything the callbacks could see; no callback
 * runs after dns_free() returns.  A callback given DNS_CANCELLED frees
 * what it owns for that query and returns: the answer has no records, is
 * valid only during the call, and is no finding about anything (the run is
 * being thrown away).  If it calls dns_query() anyway, that query is not
 * sent: it is answered DNS_CANCELLED the same way before dns_free()
 * returns (after 5000 such queries, further ones are dropped without a
 * callback, so a callback that asks again on every cancelled answer
 * cannot keep dns_free() from returning).  During cancellation a callback
 * may call dns_query() and dns_pending() only.  Never call dns_free()
 * from a callback.
 *
 * So an owner whose callbacks use memory it frees (the check runner:
 * struct check_ctx) frees the struct dns first and then that memory:
 * dns_free(dns); check_ctx_fini(&ctx).
 *
 * Only dns.c, dns_parse.c and dns_zone.c know about c-ares and ldns.
 */
#ifndef MAILREADY_DNS_H
#define MAILREADY_DNS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mailready/rc.h"

enum dns_type {
    DNS_T_A = 1,
    DNS_T_NS = 2,
    DNS_T_CNAME = 5,
    DNS_T_SOA = 6,
    DNS_T_PTR = 12,
    DNS_T_MX = 15,
    DNS_T_TXT = 16,
    DNS_T_AAAA = 28,
    DNS_T_SPF = 99
};

/* What the answer was.  Never fold these into "not found": SPF, DMARC and
 * the MX rules depend on the difference. */
enum dns_status {
    DNS_OK,         /* NOERROR with records of the asked type */
    DNS_NODATA,     /* the name exists, no record of this type */
    DNS_NXDOMAIN,   /* the name does not exist */
    DNS_SERVFAIL,
    DNS_REFUSED,
    DNS_TIMEOUT,
    DNS_MALFORMED,  /* an answer that could not be parsed */
    DNS_ERROR,      /* anything else: no server, bad name, query cap */
    DNS_TRUNCATED,  /* TC=1 in an answer that cannot be completed (over
                     * TCP): the records are not trusted, none kept */
    DNS_CNAME_LOOP, /* the CNAMEs in the answer loop */
    DNS_CANCELLED   /* dns_free() with the query pending: no answer,
                     * and nothing to report (see above) */
};

/* Longest name in presentation form (with \DDD escapes) we keep. */
#define DNS_NAME_MAX 1025

struct dns_rr {
    char *owner;        /* presentation form, no trailing dot */
    uint16_t type;
    uint16_t rclass;
    uint32_t ttl;
    union {
        unsigned char addr[16];     /* A: first 4 bytes; AAAA: 16 */
        struct {
            uint16_t pref;
            char *host;             /* "" for the root (null MX) */
        } mx;
        char *name;                 /* CNAME, NS, PTR target */
        struct {
            size_t n;               /* may be 0 (RDLENGTH 0) */
            char **s;               /* raw bytes, each NUL-terminated */
            size_t *len;            /* byte length of each string */
        } txt;                      /* TXT and SPF */
        struct {
            char *mname;
            char *rname;
            uint32_t serial, refresh, retry, expire, minimum;
        } soa;
        struct {
            size_t len;
            unsigned char *data;    /* any other type: RDATA as sent */
        } raw;
    } u;
};

struct dns_answer {
    enum dns_status status;
    char *qname;            /* as asked, no trailing dot */
    uint16_t qtype;
    const char *canon;      /* the name the data is at after following
                             * the CNAMEs in the answer (== qname if none) */
    struct dns_rr *rr;      /* answer section, all types, wire order */
    size_t nrr;
    bool ad;                /* AD flag of the response */
    bool aa;                /* AA flag: the server answered with
                             * authority (a cache never sets it) */
    bool has_soa;           /* a SOA in the authority section (the
                             * zone's, in a negative answer): */
    uint32_t soa_ttl;       /* its TTL (what is left of it in a cache) */
    uint32_t soa_minimum;   /* its MINIMUM field */
    uint32_t soa_serial;    /* its SERIAL */
    char *soa_owner;        /* its owner, presentation form: the apex of
                             * the zone that holds qname (RFC 2308 3);
                             * NULL without a SOA */
    bool from_zone;         /* answered from a zone file or zone text */
    double elapsed_ms;
};

struct dns_opts {
    const char *const *resolvers;   /* "ADDR", "ADDR:PORT", "[V6]:PORT" */
    size_t n_resolvers;             /* 0: the system resolver */
    const char *const *zone_files;
    size_t n_zone_files;
    unsigned timeout_ms;            /* per answer, retries included;
                                     * 0 means 5000 */
    unsigned deadline_ms;           /* for the whole run (see above):
                                     * queries still pending then are
                                     * answered DNS_TIMEOUT; 0 means 3 x
                                     * timeout_ms */
    FILE *trace;                    /* --trace: every query and answer */
    bool offline;                   /* never ask live DNS: names outside
                                     * the zones get DNS_ERROR */
    unsigned max_inflight;          /* queries outstanding at live DNS at
                                     * once (a TCP retry and a query our
                                     * own time-out gave up on still
                                     * count until c-ares lets go of
                                     * it); the others wait their turn,
                                     * and their time-out starts when
                                     * sent.  0: no cap */
    unsigned qps;                   /* queries sent to live DNS per
                                     * second at most; 0: no cap */
    size_t query_cap;               /* distinct queries answered before
                                     * DNS_ERROR; 0: DNS_QUERY_CAP */
};

/* Distinct queries a struct dns answers by default (a hostile domain
 * cannot make one run ask forever); dns_add_query_cap() raises it. */
#define DNS_QUERY_CAP 5000

/* A group of callers sharing one struct dns (one check run among many):
 * every query asked while the group is current, and every query asked
 * from the callbacks of those queries, counts in pending until its
 * callback has run.  Waiting queries of a group with a lower prio are
 * sent first.  Owned by the caller; zero it before use; it must outlive
 * its pending queries. */
struct dns_group {
    size_t pending;
    unsigned long prio;
};

struct dns;

typedef void (*dns_cb)(void *arg, const struct dns_answer *ans);

/* Create a resolver.  On failure *out is NULL and *err (may be NULL;
 * release with rc_err_fini(); the front end words it with present_err())
 * says why, e.g. a zone file's parse error with its line. */
enum rc dns_new(const struct dns_opts *opts, struct dns **out,
                struct rc_err *err);
/* Cancel what is pending (every waiting callback gets DNS_CANCELLED once,
 * see above), then free d and every answer it handed out.  NULL is
 * allowed. */
void dns_free(struct dns *d);

/* Load zone text (master file format) as if from --zone-file; for tests.
 * origin is the default $ORIGIN.  On failure *err says why (as for
 * dns_new()). */
enum rc dns_load_zone_text(struct dns *d, const char *text,
                           const char *origin, struct rc_err *err);
/* Force the answer status for name/type (tests: SERVFAIL, TIMEOUT...).
 * Takes precedence over zones and live DNS. */
void dns_force_status(struct dns *d, const char *name, uint16_t type,
                      enum dns_status status);

/* Ask name/type.  The answer (borrowed, valid until dns_free()) is handed
 * to cb from dns_process()/dns_run(), never from within this call (during
 * cancellation: from dns_free(), see above).  name
 * may end in a dot.  An empty or malformed name (empty label, label over
 * 63 bytes, bad escape) is answered DNS_ERROR; a well-formed name over 255
 * bytes in wire form cannot exist and is answered DNS_NXDOMAIN. */
void dns_query(struct dns *d, const char *name, uint16_t type,
               dns_cb cb, void *arg);

/* Ask name/type of one server directly, recursion not desired: addr is
 * an IPv4 or IPv6 literal, port its port.  Everything else as for
 * dns_query() (merged, cached until dns_clear_cache(), groups, deadline,
 * cancellation); zone files and forced answers are not consulted.  The
 * answer carries the AA flag and the SOA of the authority section; no
 * answer in time is DNS_TIMEOUT.  At most DNS_DIRECT_MAX distinct
 * addr/port pairs per struct dns: queries to more are answered
 * DNS_ERROR, as is a malformed address. */
#define DNS_DIRECT_MAX 16
void dns_query_at(struct dns *d, const char *addr, unsigned port,
                  const char *name, uint16_t type, dns_cb cb, void *arg);

/* Replace the cached answer of a->qname/a->qtype by a copy of a (the
 * check runner: the verdict of a step follows what the authoritative
 * servers publish when a cache still has the old answer).  Answers
 * handed out before stay valid until dns_free(). */
void dns_override(struct dns *d, const struct dns_answer *a);

/* Number of queries whose callbacks have not run yet. */
size_t dns_pending(const struct dns *d);

/* Make g (NULL: none) the group of the queries asked from now on outside
 * callbacks; returns the previous one.  Inside a callback the group is
 * the one of the query answered. */
struct dns_group *dns_group_set(struct dns *d, struct dns_group *g);

/* Allow n more distinct queries (a batch grants each domain its own
 * DNS_QUERY_CAP). */
void dns_add_query_cap(struct dns *d, size_t n);

/* Forget the answers only groups of prio lower than below asked for
 * (none waits for them, none is asked outside a group): a batch whose
 * runs end in prio order calls this once the runs below have ended, so
 * that the cache holds what the runs in flight use, not the whole
 * batch.  An answer a run kept stays valid until that run has ended.
 * Returns how many were dropped; they are asked again if needed. */
size_t dns_trim(struct dns *d, unsigned long below);

/* What was sent to live DNS, for reports and the bench. */
struct dns_stats {
    size_t entries;             /* answers and queries held now */
    size_t sent;                /* queries sent (TCP retries included) */
    size_t max_outstanding;     /* most outstanding at once */
    size_t waiting;             /* queries waiting for a slot now */
};
void dns_stats_get(const struct dns *d, struct dns_stats *st);

/* Event loop integration (the wizard's poll() loop).  dns_pollfds() fills
 * up to max entries and returns how many; dns_timeout_ms() returns how long
 * poll() may sleep, at most max_ms (0 when answers are ready now).  After
 * poll() returns, call dns_process() with the same array. */
int dns_pollfds(struct dns *d, struct pollfd *fds, int max);
int dns_timeout_ms(struct dns *d, int max_ms);
void dns_process(struct dns *d, const struct pollfd *fds, int nfds);

/* Run until every pending query has been answered. */
void dns_run(struct dns *d);

/* Other non-blocking I/O in the same loop (the delivery step's SMTP
 * probes): an io counts in dns_pending() and in the current group's
 * pending, as a query does, from dns_io_add() until its done() has run;
 * so the check runner, dns_run(), the wizard's and the batch's poll()
 * loops drive it with no change.  Its fds come after the DNS sockets in
 * dns_pollfds() (an io whose fds did not fit waits for its time-out);
 * process() gets the whole array and returns true once the io is over;
 * done() then runs from dns_process() (cancelled false), or from
 * dns_free() (cancelled true, it must only free what it owns).  done()
 * may call dns_query() and dns_io_add(). */
struct dns_io_ops {
    int (*pollfds)(void *arg, struct pollfd *fds, int max);
    int (*timeout_ms)(void *arg, int max_ms);
    bool (*process)(void *arg, const struct pollfd *fds, int nfds);
    void (*done)(void *arg, bool cancelled);
};
void dns_io_add(struct dns *d, const struct dns_io_ops *ops, void *arg);

/* Drop the cache (a re-check) and restart the deadline's clock at the
 * next query; queries in flight are unaffected. */
void dns_clear_cache(struct dns *d);

/* What was asked, for reports: "system", or the --resolver list. */
const char *dns_resolver_desc(const struct dns *d);

/* Helpers over answers. */
const char *dns_status_name(enum dns_status s);   /* "NXDOMAIN" ... */
const char *dns_type_name(uint16_t type);         /* "MX" ... */
/* true for SERVFAIL, REFUSED, TIMEOUT, MALFORMED, ERROR, TRUNCATED,
 * CNAME_LOOP: "could not check", never the admin's failure; and for
 * CANCELLED, which must not be reported at all. */
bool dns_status_is_error(enum dns_status s);
/* Records of type at the answer's canonical name, in order: pass NULL for
 * the first, then the previous result. */
const struct dns_rr *dns_answer_next(const struct dns_answer *a,
                                     uint16_t type,
                                     const struct dns_rr *prev);
size_t dns_answer_count(const struct dns_answer *a, uint16_t type);
/* The strings of a TXT record joined with no separator, NUL-terminated;
 * *len (optional) gets the byte length.  Caller frees with free(). */
char *dns_txt_join(const struct dns_rr *rr, size_t *len);
/* A record's data in presentation form: targets with their trailing dot
 * ("10 mx.example.com." for MX, "0 ." for a null MX), TXT as quoted
 * strings separated by spaces with \" \\ and \DDD escapes (no string at
 * all: "\# 0"), other types in the RFC 3597 form "\# LEN HEX".  Caller
 * frees with free(). */
char *dns_rr_format(const struct dns_rr *rr);

#endif
