/* gen_mx.h - MX records (RFC 5321 §5.1) for a provider preset or one's
 * own server, and the null MX (RFC 7505) of a domain that receives no
 * mail. */
#ifndef MAILREADY_GEN_MX_H
#define MAILREADY_GEN_MX_H

#include <stddef.h>

#include "mailready/rc.h"

/* RDATA of a null MX. */
#define GEN_MX_NULL "0 ."

struct gen_mx_host {
    unsigned pref;          /* 0..65535 */
    const char *host;       /* a host name, or a template with
                             * "{domain}" (the domain) or "{domain_dashes}"
                             * (its dots turned into '-', as Microsoft 365
                             * names its tenants' MX hosts) */
};

/* Expand a host template for domain.  "{domain_dashes}" refuses a domain
 * that already holds a '-' (RC_UNSUPPORTED: the provider's rule for that
 * case is not documented; the admin must copy the value from the
 * provider).  The result must be a valid host name (RC_INVALID).
 * *out: caller frees. */
enum rc gen_mx_expand(const char *tmpl, const char *domain, char **out);

/* RDATA "PREF HOST." for one host (already expanded); RC_INVALID if the
 * host is not a valid host name or pref > 65535.  *out: caller frees. */
enum rc gen_mx_rdata(unsigned pref, const char *host, char **out);

#endif
