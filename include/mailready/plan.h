/* plan.h - the smallest safe list of changes from what is live to what the
 * admin's answers ask for.
 *
 * The target is the export plan (export.h: the records the answers call
 * for); the live records are what DNS holds now at every name the target
 * touches (plan_fetch_*() asks for them, through struct dns, all at once).
 * plan_build() is pure.  Its rules (issue 12):
 *   - never weaker than live: SPF keeps every term it has and its -all;
 *     DMARC never lowers p/sp, never drops a rua/ruf, keeps adkim/aspf=s;
 *     an answer that asks for less is refused (a PLAN_WEAKER finding and
 *     plan->refused) unless allow_weaker;
 *   - merge, do not replace: SPF records become one holding every term,
 *     a DMARC record gains the missing tags and keeps the rest;
 *   - valid after the change: a CNAME at a name that needs other data is
 *     deleted first, TXT data is split in strings of 255 bytes, and the
 *     resulting records at every touched name are checked (CNAME and
 *     other data, duplicates, name lengths) before the plan is returned;
 *   - idempotent: planning again after applying gives no change;
 *   - MTA-STS (RFC 8461): a live valid record whose policy is in enforce
 *     (or testing) mode is never lowered to testing or none; the
 *     _mta-sts record gets a new id whenever the proposed policy differs
 *     from the one served; a live valid TLS-RPT record (RFC 8460) is
 *     kept.
 * A replace is a delete of the exact old record plus an add. */
#ifndef MAILREADY_PLAN_H
#define MAILREADY_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/finding.h"
#include "mailready/gen.h"
#include "mailready/spf.h"

/* Live records at one name and type. */
struct plan_rrset {
    char *name;                 /* A-label, lower case, no trailing dot */
    uint16_t type;
    enum dns_status status;     /* DNS_OK, NODATA, NXDOMAIN or an error */
    uint32_t ttl;               /* of the first record */
    char **data;                /* presentation form (dns_rr_format()) */
    char **text;                /* TXT: the joined text; else NULL each */
    size_t n;
};

/* check_host() of the live SPF for an address the target authorizes. */
struct plan_spf_check {
    char *ip;                   /* as in the target's ip4:/ip6: term */
    enum spf_result result;
};

/* The MTA-STS policy served at https://mta-sts.DOMAIN/ (RFC 8461 §3.3),
 * fetched when the target asks for MTA-STS. */
enum plan_sts_fetch {
    PLAN_STS_NOT_FETCHED,       /* not asked, or no address to ask */
    PLAN_STS_FETCHED,           /* text holds the body (status 200) */
    PLAN_STS_FAILED             /* no answer, a TLS error, not 200 */
};

struct plan_live {
    char *zone;                 /* the zone holding the domain (SOA), or
                                 * NULL when it could not be found */
    struct plan_rrset *v;
    size_t n;
    struct plan_spf_check *spf; /* an address the live SPF already
                                 * passes needs no term of its own */
    size_t n_spf;
    enum plan_sts_fetch sts;
    char *sts_policy;           /* with PLAN_STS_FETCHED: the body */
    char *sts_error;            /* with PLAN_STS_FAILED: why (English,
                                 * visible-safe) */
};

enum plan_action {
    PLAN_DELETE,
    PLAN_ADD
};

struct plan_change {
    enum check_step step;
    enum plan_action action;
    char *name;                 /* A-label, no trailing dot */
    uint16_t type;
    uint32_t ttl;
    char *data;                 /* presentation form: TXT as quoted
                                 * strings of at most 255 bytes, targets
                                 * with their trailing dot */
    const char *why;            /* N_() sentence; %1$s, %2$s = why_args */
    char *why_args[2];          /* owned, visible-safe, or NULL */
};

enum plan_status {
    PLAN_NOTHING,               /* nothing to do */
    PLAN_CHANGES,
    PLAN_ERROR                  /* could not check what is live */
};

struct plan {
    char *domain;
    char *zone;                 /* for nsupdate's "zone" line */
    enum plan_status status;
    bool refused;               /* a weaker answer was not followed */
    struct plan_change *v;      /* deletes before adds, by step */
    size_t n;
    size_t cap;
    struct findings findings;   /* PLAN_* findings (catalog in plan.c) */
    enum check_step *fstep;     /* the step each finding is about */
    struct gen_rrs deletes[STEP_COUNT];  /* the changes again, per step,
                                          * as records to show (TXT
                                          * unquoted, visible-safe) */
    struct gen_rrs adds[STEP_COUNT];
    char *sts_policy;           /* the MTA-STS policy file to serve (new
                                 * or changed), or NULL: nothing to
                                 * change there */
    int sts_mode;               /* enum mtasts_mode of the proposal */
};

struct plan_opts {
    const char *domain;         /* A-label */
    bool allow_weaker;          /* follow answers that weaken live */
    bool dmarc_p_explicit;      /* the DMARC policy was asked for */
    bool spf_all_explicit;      /* the SPF all was asked for */
};

/* Build out from live and the target.  Never fails: what cannot be done
 * safely becomes a finding.  Release with plan_fini(). */
void plan_build(const struct plan_live *live,
                const struct export_plan *target,
                const struct plan_opts *o, struct plan *out);
void plan_fini(struct plan *p);

/* The record data of a change as gen_rr holds it: TXT strings joined and
 * unescaped, other types as they are.  Caller frees. */
char *plan_change_rdata(const struct plan_change *c);

/* Add the target's notes (what is left to do by hand) to p's findings. */
void plan_take_notes(struct plan *p, const struct export_plan *t);

/* Changes of one step; nothing when the step needs none. */
size_t plan_step_count(const struct plan *p, enum check_step step);

/* The exit status of `mailready plan`: 0 nothing to do, 1 changes, 2 a
 * change refused, 3 could not check. */
int plan_exit(const struct plan *p);

/* Asking DNS for what is live.  plan_fetch_start() sends every query at
 * once (the names and types target touches, the SOA of the domain and
 * each parent to find the zone, and check_host() of the live SPF for
 * each address the target's SPF names); live is complete when
 * dns_pending() is 0.  fetch is owned by the caller, freed with
 * plan_fetch_free() after the queries ended or after dns_free(). */
struct plan_fetch;
struct plan_fetch *plan_fetch_start(struct dns *d, const char *domain,
                                    const struct export_plan *target);
/* The same, with where the MTA-STS policy is fetched from: https_port
 * (0: 443) and ca_file (PEM CAs trusted besides the system's, or NULL),
 * and how long the fetch may take (0: 10 s). */
struct plan_fetch_opts {
    unsigned https_port;
    const char *ca_file;
    unsigned timeout_ms;
    bool no_https;              /* never fetch (records from files only:
                                 * no network) */
};
struct plan_fetch *plan_fetch_start_opts(struct dns *d, const char *domain,
                                         const struct export_plan *target,
                                         const struct plan_fetch_opts *o);
/* The live records (borrowed from fetch), once dns_pending() is 0. */
const struct plan_live *plan_fetch_live(struct plan_fetch *f);
void plan_fetch_free(struct plan_fetch *f);

/* For tests: a live set built by hand.  Adds one rrset (data/text are
 * copied; text may be NULL). */
void plan_live_add(struct plan_live *l, const char *name, uint16_t type,
                   enum dns_status status, uint32_t ttl,
                   const char *const *data, const char *const *text,
                   size_t n);
/* For tests: the policy served live (text NULL: the fetch failed with
 * why). */
void plan_live_set_sts(struct plan_live *l, const char *text,
                       const char *why);
/* For tests: check_host() of the live SPF for ip gave result. */
void plan_live_add_spf(struct plan_live *l, const char *ip,
                       enum spf_result result);
void plan_live_fini(struct plan_live *l);

/* The catalog of PLAN_* finding ids (finding.c lists it). */
extern const struct finding_info plan_finding_catalog[];

#endif
