/* gen_mtasts.h - what a domain publishes for MTA-STS (RFC 8461) and
 * TLS-RPT (RFC 8460), built from its MX records, a mode and a report
 * address: the policy file, its id, the _mta-sts and _smtp._tls TXT
 * records.  The one builder `mailready records`, `mailready plan`, the
 * checklist and the wizard call.  Pure: no I/O, no translation. */
#ifndef MAILREADY_GEN_MTASTS_H
#define MAILREADY_GEN_MTASTS_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/gen.h"
#include "mailready/mtasts.h"

/* Where the web server snippets serve the policy file from. */
#define GEN_MTASTS_POLICY_PATH "/var/www/mta-sts/.well-known/mta-sts.txt"
/* max_age of a new policy: a week (RFC 8461 §3.2 suggests weeks). */
#define GEN_MTASTS_MAX_AGE 604800UL

struct gen_mtasts_opts {
    const char *domain;         /* A-label, no trailing dot */
    const struct gen_rrs *mx;   /* its MX records (other types and the
                                 * null MX "0 ." are skipped) */
    bool sts;                   /* make the MTA-STS policy and record */
    enum mtasts_mode mode;
    unsigned long max_age;      /* 0: GEN_MTASTS_MAX_AGE */
    const char *tls_rua;        /* TLS-RPT address: "user@host",
                                 * "mailto:..." or "https://..."; or NULL
                                 * for no TLS-RPT record */
};

struct gen_mtasts {
    char *policy;               /* the policy file (CRLF lines), or NULL
                                 * (no sts, or no MX host to cover) */
    char id[MTASTS_ID_MAX + 1]; /* hash of policy ("" without one): it
                                 * changes whenever the policy does */
    char *sts_owner;            /* "_mta-sts.DOMAIN", with policy */
    char *sts_txt;              /* "v=STSv1; id=ID", with policy */
    char *rpt_owner;            /* "_smtp._tls.DOMAIN", with tls_rua */
    char *rpt_txt;              /* "v=TLSRPTv1; rua=URI", with tls_rua */
    size_t nmx;                 /* MX hosts the policy names */
};

/* Build out (zeroed first).  Never fails; release with
 * gen_mtasts_fini(). */
void gen_mtasts_build(const struct gen_mtasts_opts *o,
                      struct gen_mtasts *out);
void gen_mtasts_fini(struct gen_mtasts *g);

/* The rua URI for an address: "mailto:" is added unless it is already a
 * mailto: or https: URI.  Caller frees. */
char *gen_mtasts_rua(const char *addr);

/* "testing" -> MTASTS_MODE_TESTING and so on; false for another word. */
bool gen_mtasts_mode_parse(const char *s, enum mtasts_mode *out);
const char *gen_mtasts_mode_name(enum mtasts_mode m);

#endif
