/* gen_spf.h - build an SPF record (RFC 7208) from the providers that send
 * for the domain and the admin's own sending addresses. */
#ifndef MAILREADY_GEN_SPF_H
#define MAILREADY_GEN_SPF_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

/* RFC 7208 §4.6.4: at most 10 mechanisms and modifiers that cause DNS
 * lookups, counted over the whole evaluation (nested includes too). */
#define GEN_SPF_MAX_LOOKUPS 10

struct gen_spf_include {
    const char *domain;     /* "_spf.google.com" */
    unsigned lookups;       /* lookups the include costs in all, itself
                             * included (from the preset); 0 = unknown,
                             * counted as 1 and marks the count inexact */
};

struct gen_spf_opts {
    const struct gen_spf_include *includes;   /* kept in this order */
    size_t n_includes;
    const char *const *ips;     /* "1.2.3.4", "2a01:4f8::1", "1.2.3.0/24" */
    size_t n_ips;
    bool mx;                    /* "mx": the domain's MX hosts send too */
    bool hard_fail;             /* end in "-all" instead of "~all" */
};

struct gen_spf {
    char *record;           /* the record; NULL unless RC_OK */
    unsigned lookups;       /* lookups the record costs (at least) */
    bool lookups_exact;     /* every include's cost was known */
    char **drop;            /* RC_TOOLONG: the terms to drop (e.g.
                             * "include:sendgrid.net") to get within the
                             * limit, costliest first */
    unsigned *drop_lookups; /* what each of them costs */
    size_t n_drop;
    const char *why;        /* RC_INVALID: N_() reason, one %s: bad */
    char *bad;              /* RC_INVALID: the input refused */
};

/* Build the record.  Without any include, address or mx the domain sends
 * no mail: the record is "v=spf1 -all".  Terms: ip4/ip6 first (they cost
 * no lookup), then mx, then the includes in the given order, then the
 * "all".  Repeated terms are written once.  Returns RC_OK, RC_INVALID (an
 * address or include that cannot be used: why/bad say which) or
 * RC_TOOLONG (over GEN_SPF_MAX_LOOKUPS: drop says what to remove).
 * out is filled in every case; release it with gen_spf_fini(). */
enum rc gen_spf_build(const struct gen_spf_opts *o, struct gen_spf *out);
void gen_spf_fini(struct gen_spf *s);

/* The record of a domain that sends no mail. */
#define GEN_SPF_NO_MAIL "v=spf1 -all"

#endif
