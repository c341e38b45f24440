/* gen_mtasts.c - the MTA-STS policy, its record and the TLS-RPT record
 * for a domain (see gen_mtasts.h). */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/gen_mtasts.h"
#include "mailready/util.h"

bool
gen_mtasts_mode_parse(const char *s, enum mtasts_mode *out)
{
    if (strcmp(s, "enforce") == 0)
        *out = MTASTS_MODE_ENFORCE;
    else if (strcmp(s, "testing") == 0)
        *out = MTASTS_MODE_TESTING;
    else if (strcmp(s, "none") == 0)
        *out = MTASTS_MODE_NONE;
    else
        return false;
    return true;
}

const char *
gen_mtasts_mode_name(enum mtasts_mode m)
{
    switch (m) {
    case MTASTS_MODE_ENFORCE: return "enforce";
    case MTASTS_MODE_TESTING: return "testing";
    default: return "none";
    }
}

char *
gen_mtasts_rua(const char *addr)
{
    if (strncmp(addr, "mailto:", 7) == 0 || strncmp(addr, "https://", 8) == 0)
        return xstrdup(addr);
    return xasprintf("mailto:%s", addr);
}

void
gen_mtasts_build(const struct gen_mtasts_opts *o, struct gen_mtasts *out)
{
    const char *mx[MTASTS_MX_MAX];
    size_t n = 0;

    memset(out, 0, sizeof(*out));
    if (o->tls_rua != NULL) {
        char *uri = gen_mtasts_rua(o->tls_rua);

        out->rpt_owner = xasprintf("_smtp._tls.%s", o->domain);
        out->rpt_txt = xasprintf("v=TLSRPTv1; rua=%s", uri);
        free(uri);
    }
    if (!o->sts || o->mx == NULL)
        return;
    for (size_t i = 0; i < o->mx->n && n < MTASTS_MX_MAX; i++) {
        const char *sp;
        bool dup = false;

        if (o->mx->v[i].type != DNS_T_MX)
            continue;
        sp = strchr(o->mx->v[i].rdata, ' ');
        if (sp == NULL || sp[1] == '\0' || strcmp(sp + 1, ".") == 0)
            continue;
        for (size_t k = 0; k < n && !dup; k++)
            dup = str_ieq(mx[k], sp + 1);
        if (!dup)
            mx[n++] = sp + 1;
    }
    if (n == 0)
        return;                 /* no MX host: nothing to protect */
    out->nmx = n;
    out->policy = mtasts_policy_format(mx, n, gen_mtasts_mode_name(o->mode),
                                       o->max_age != 0 ? o->max_age :
                                       GEN_MTASTS_MAX_AGE);
    mtasts_policy_id(out->policy, out->id);
    out->sts_owner = xasprintf("_mta-sts.%s", o->domain);
    out->sts_txt = xasprintf("v=STSv1; id=%s", out->id);
}

void
gen_mtasts_fini(struct gen_mtasts *g)
{
    free(g->policy);
    free(g->sts_owner);
    free(g->sts_txt);
    free(g->rpt_owner);
    free(g->rpt_txt);
    memset(g, 0, sizeof(*g));
}
