/* gen_dmarc.h - build a DMARC policy record (RFC 9989 syntax) from the
 * answers a non-expert can give, and the authorization records that an
 * external report destination must publish (RFC 9990 §3 / RFC 7489 §7.1). */
#ifndef MAILREADY_GEN_DMARC_H
#define MAILREADY_GEN_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

enum gen_dmarc_policy {
    GEN_DMARC_INHERIT = -1,     /* sp only: leave it out, p applies */
    GEN_DMARC_NONE,             /* monitor: p=none */
    GEN_DMARC_QUARANTINE,
    GEN_DMARC_REJECT
};

/* The text of the authorization record (published at each
 * "DOMAIN._report._dmarc.DESTINATION"). */
#define GEN_DMARC_AUTH_TEXT "v=DMARC1"

struct gen_dmarc_opts {
    enum gen_dmarc_policy p;        /* the stage */
    enum gen_dmarc_policy sp;       /* subdomains; GEN_DMARC_INHERIT */
    const char *const *rua;         /* "user@host" or "mailto:user@host" */
    size_t n_rua;
    bool strict_dkim;               /* adkim=s (default relaxed) */
    bool strict_spf;                /* aspf=s (default relaxed) */
};

struct gen_dmarc {
    char *record;           /* "v=DMARC1; p=...", NULL unless RC_OK */
    char **auth;            /* names where each report destination outside
                             * the domain publishes GEN_DMARC_AUTH_TEXT:
                             * "DOMAIN._report._dmarc.HOST" */
    size_t n_auth;
    const char *why;        /* RC_INVALID: N_() reason, one %s: bad */
    char *bad;              /* RC_INVALID: the input refused */
};

/* "none", "quarantine", "reject" (any case). */
bool gen_dmarc_policy_parse(const char *s, enum gen_dmarc_policy *out);
const char *gen_dmarc_policy_name(enum gen_dmarc_policy p);

/* Build the record for domain (A-label).  Tags in this order: v, p, sp,
 * adkim, aspf, rua; no pct, rf or ri (not in RFC 9989).  A destination
 * whose host is neither the domain, nor below it, nor above it gets an
 * authorization name.  Returns RC_OK or RC_INVALID (why/bad).  out is
 * filled in every case; release it with gen_dmarc_fini(). */
enum rc gen_dmarc_build(const char *domain, const struct gen_dmarc_opts *o,
                        struct gen_dmarc *out);
void gen_dmarc_fini(struct gen_dmarc *d);

/* Normalise a report address: "user@Host" or "mailto:user@Host" gives
 * *uri "mailto:user@host" and *host "host" (callers free both).  Refuses
 * what would break the record (',', ';', '!', spaces, non-ASCII) with an
 * N_() reason in *why. */
enum rc gen_dmarc_uri(const char *in, char **uri, char **host,
                      const char **why);

#endif
