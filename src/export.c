/* export.c - what the admin's answers say to publish, for the checklist
 * (see export.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dkim.h"
#include "mailready/gen_dmarc.h"
#include "mailready/gen_mx.h"
#include "mailready/gen_ptr.h"
#include "mailready/gen_spf.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Add a note; the variadic arguments are const char * ending in NULL. */
static void
note(struct export_plan *p, enum check_step step, const char *msgid, ...)
{
    struct export_note *n;
    const char *a;
    va_list ap;

    p->notes = xreallocarray(p->notes, p->n_notes + 1, sizeof(*p->notes));
    n = &p->notes[p->n_notes++];
    memset(n, 0, sizeof(*n));
    n->step = step;
    n->msgid = msgid;
    va_start(ap, msgid);
    while ((a = va_arg(ap, const char *)) != NULL)
        if (n->nargs < EXPORT_NOTE_ARGS)
            n->args[n->nargs++] = str_visible(a, strnlen(a, 1024));
    va_end(ap);
}

#define NOTE(p, step, msgid, ...) \
    note((p), (step), (msgid), ##__VA_ARGS__, (const char *)NULL)

/* The presets named in the answers, in order; unknown ids are noted. */
static size_t
answered_presets(const struct state_answers *a,
                 const struct preset_list *presets, struct export_plan *p,
                 const struct preset **out, size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < a->providers.n && n < max; i++) {
        const struct preset *pr = presets != NULL ?
            preset_find(presets, a->providers.v[i]) : NULL;

        if (pr == NULL) {
            NOTE(p, STEP_MX, N_("The saved answers name the provider %1$s, "
                                "which this version of mailready does not "
                                "know; it is left out of the records."),
                 a->providers.v[i]);
            continue;
        }
        out[n++] = pr;
    }
    return n;
}

static void
plan_mx(const char *domain, const struct state_answers *a,
        const struct preset *const *pr, size_t npr, struct export_plan *p)
{
    bool any = false, mailbox = false;

    for (size_t i = 0; i < npr; i++) {
        if (pr[i]->kind != PRESET_MAILBOX)
            continue;
        mailbox = true;
        for (size_t k = 0; k < pr[i]->n_mx; k++) {
            char *host = NULL, *rdata = NULL;

            if (gen_mx_expand(pr[i]->mx[k].host, domain, &host) != RC_OK ||
                gen_mx_rdata(pr[i]->mx[k].pref, host, &rdata) != RC_OK) {
                NOTE(p, STEP_MX, N_("The mail server name of %1$s differs "
                                    "from account to account: copy the MX "
                                    "record from the provider's "
                                    "console."), pr[i]->name);
                free(host);
                break;
            }
            gen_rrs_add(&p->rrs[STEP_MX], domain, DNS_T_MX, rdata, NULL);
            any = true;
            free(host);
            free(rdata);
        }
        if (pr[i]->n_mx == 0)
            NOTE(p, STEP_MX, N_("The MX records of %1$s are not known to "
                                "mailready: copy them from the provider's "
                                "console."), pr[i]->name);
    }
    if (!mailbox && a->hostname != NULL) {
        char *rdata = NULL;

        if (gen_mx_rdata(10, a->hostname, &rdata) == RC_OK) {
            gen_rrs_add(&p->rrs[STEP_MX], domain, DNS_T_MX, rdata, NULL);
            any = true;
        }
        free(rdata);
    }
    if (!any && !mailbox)
        NOTE(p, STEP_MX, N_("Neither a mail provider nor your mail "
                            "server's host name is known, so no MX record "
                            "is suggested: run the wizard or pass "
                            "--hostname."));
}

static void
plan_spf(const char *domain, const struct state_answers *a,
         const struct preset *const *pr, size_t npr, struct export_plan *p)
{
    struct gen_spf_include inc[64];
    const char *ips[64];
    struct gen_spf_opts o;
    struct gen_spf s;
    size_t ninc = 0, nips = 0;
    enum rc rc;

    for (size_t i = 0; i < npr && ninc < ARRAY_LEN(inc); i++) {
        if (pr[i]->spf_include == NULL || !pr[i]->spf_at_apex)
            continue;
        inc[ninc].domain = pr[i]->spf_include;
        inc[ninc].lookups = pr[i]->spf_lookups;
        ninc++;
    }
    for (size_t i = 0; i < a->includes.n && ninc < ARRAY_LEN(inc); i++) {
        inc[ninc].domain = a->includes.v[i];
        inc[ninc].lookups = 0;
        ninc++;
    }
    for (size_t i = 0; i < a->server_ips.n && nips < ARRAY_LEN(ips); i++)
        ips[nips++] = a->server_ips.v[i];
    if (ninc == 0 && nips == 0) {
        NOTE(p, STEP_SPF, N_("No provider or sending address is known, so "
                             "no SPF record is suggested: run the wizard "
                             "or pass --server-ip."));
        return;
    }
    memset(&o, 0, sizeof(o));
    o.includes = inc;
    o.n_includes = ninc;
    o.ips = ips;
    o.n_ips = nips;
    rc = gen_spf_build(&o, &s);
    if (rc == RC_OK) {
        gen_rrs_add(&p->rrs[STEP_SPF], domain, DNS_T_TXT, s.record,
                    N_("Replace any other SPF record (v=spf1) of the "
                       "domain: there must be only one."));
        if (!s.lookups_exact)
            NOTE(p, STEP_SPF, N_("The DNS lookups of some includes are "
                                 "not known; check the record with "
                                 "mailready check after publishing it."));
    } else if (rc == RC_TOOLONG) {
        char n[16];
        struct strbuf drop = STRBUF_INIT;

        snprintf(n, sizeof(n), "%u", s.lookups);
        for (size_t i = 0; i < s.n_drop; i++)
            strbuf_addf(&drop, "%s%s", i > 0 ? ", " : "", s.drop[i]);
        NOTE(p, STEP_SPF, N_("An SPF record for these senders would need "
                             "%1$s DNS lookups, more than the 10 allowed; "
                             "drop %2$s."), n, strbuf_str(&drop));
        strbuf_fini(&drop);
    } else if (s.why != NULL) {
        NOTE(p, STEP_SPF, s.why, s.bad != NULL ? s.bad : "");
    }
    gen_spf_fini(&s);
}

static void
plan_dkim(const char *domain, const struct state_answers *a,
          const struct preset *const *pr, size_t npr, struct export_plan *p)
{
    bool any = false;

    for (size_t i = 0; i < a->selectors.n; i++) {
        const char *path = i < a->dkim_keys.n ? a->dkim_keys.v[i] : "";
        struct gen_dkim_key *k = NULL;

        if (path[0] == '\0' || !gen_dkim_selector_ok(a->selectors.v[i]))
            continue;
        if (gen_dkim_key_load(path, &k) != RC_OK) {
            NOTE(p, STEP_DKIM, N_("The DKIM key file %1$s (selector %2$s) "
                                  "could not be read or holds no private "
                                  "key, so its record is not shown."),
                 path, a->selectors.v[i]);
            continue;
        }
        char *name = gen_dkim_record_name(domain, a->selectors.v[i]);
        char *rec = gen_dkim_record(k);
        gen_rrs_add(&p->rrs[STEP_DKIM], name, DNS_T_TXT, rec, NULL);
        any = true;
        free(name);
        free(rec);
        gen_dkim_key_free(k);
    }
    for (size_t i = 0; i < npr; i++) {
        for (size_t k = 0; k < pr[i]->n_dkim_cnames; k++) {
            const struct preset_cname *c = &pr[i]->dkim_cnames[k];
            char *name = gen_dkim_record_name(domain, c->selector);
            char *target = xasprintf("%s.", c->target);

            gen_rrs_add(&p->rrs[STEP_DKIM], name, DNS_T_CNAME, target,
                        NULL);
            any = true;
            free(name);
            free(target);
        }
        if (pr[i]->n_dkim_cnames == 0 && pr[i]->dkim_console != NULL) {
            NOTE(p, STEP_DKIM, N_("%1$s makes the DKIM key: copy the "
                                  "record it shows in %2$s."),
                 pr[i]->name, pr[i]->dkim_console);
            any = true;
        }
    }
    if (!any)
        NOTE(p, STEP_DKIM, N_("No DKIM key is known: make one with the "
                              "wizard, then publish the record it "
                              "shows."));
}

static void
plan_dmarc(const char *domain, const struct state_answers *a,
           struct export_plan *p)
{
    struct gen_dmarc_opts o;
    struct gen_dmarc d;
    enum gen_dmarc_policy pol = GEN_DMARC_NONE;
    const char *rua[32];
    size_t nrua = 0;

    if (a->dmarc_policy != NULL &&
        !gen_dmarc_policy_parse(a->dmarc_policy, &pol))
        pol = GEN_DMARC_NONE;
    for (size_t i = 0; i < a->dmarc_rua.n && nrua < ARRAY_LEN(rua); i++)
        rua[nrua++] = a->dmarc_rua.v[i];
    memset(&o, 0, sizeof(o));
    o.p = pol;
    o.sp = GEN_DMARC_INHERIT;
    o.rua = rua;
    o.n_rua = nrua;
    if (gen_dmarc_build(domain, &o, &d) == RC_OK) {
        char *name = xasprintf("_dmarc.%s", domain);

        gen_rrs_add(&p->rrs[STEP_DMARC], name, DNS_T_TXT, d.record,
                    N_("Replace any other DMARC record of the domain."));
        free(name);
        for (size_t i = 0; i < d.n_auth; i++)
            gen_rrs_add(&p->elsewhere[STEP_DMARC], d.auth[i], DNS_T_TXT,
                        GEN_DMARC_AUTH_TEXT,
                        N_("Published in the zone of the report address's "
                           "domain, to accept reports about this one."));
        if (nrua == 0)
            NOTE(p, STEP_DMARC, N_("Add a report address (rua) to learn "
                                   "who sends mail as your domain before "
                                   "you make the policy stricter."));
    } else if (d.why != NULL) {
        NOTE(p, STEP_DMARC, d.why, d.bad != NULL ? d.bad : "");
    }
    gen_dmarc_fini(&d);
}

static void
plan_ptr(const struct state_answers *a, struct export_plan *p)
{
    if (a->server_ips.n == 0)
        return;
    if (a->hostname == NULL) {
        NOTE(p, STEP_PTR, N_("Your mail server's host name is not known, "
                             "so the reverse DNS (PTR) to ask for is not "
                             "shown: run the wizard or pass --hostname."));
        return;
    }
    for (size_t i = 0; i < a->server_ips.n; i++) {
        struct gen_ptr_request *r = NULL;
        const char *why = NULL;

        if (gen_ptr_request_new(a->server_ips.v[i], a->hostname, &r,
                                &why) != RC_OK) {
            if (why != NULL)
                NOTE(p, STEP_PTR, why, a->server_ips.v[i]);
            continue;
        }
        char *target = xasprintf("%s.", r->hostname);
        gen_rrs_add(&p->elsewhere[STEP_PTR], r->reverse, DNS_T_PTR, target,
                    N_("Set by whoever runs the address (your hosting "
                       "provider or ISP), not in your zone: ask them."));
        free(target);
        gen_ptr_request_free(r);
    }
}

void
export_plan_build(const char *domain, const struct state_answers *a,
                  const struct preset_list *presets,
                  struct export_plan *out)
{
    const struct preset *pr[32];
    size_t npr;

    memset(out, 0, sizeof(*out));
    out->ttl = EXPORT_TTL;
    for (int i = 0; i < STEP_COUNT; i++) {
        gen_rrs_init(&out->rrs[i]);
        gen_rrs_init(&out->elsewhere[i]);
    }
    npr = answered_presets(a, presets, out, pr, ARRAY_LEN(pr));
    plan_mx(domain, a, pr, npr, out);
    plan_spf(domain, a, pr, npr, out);
    plan_dkim(domain, a, pr, npr, out);
    plan_dmarc(domain, a, out);
    plan_ptr(a, out);
}

void
export_plan_fini(struct export_plan *p)
{
    for (int i = 0; i < STEP_COUNT; i++) {
        gen_rrs_fini(&p->rrs[i]);
        gen_rrs_fini(&p->elsewhere[i]);
    }
    for (size_t i = 0; i < p->n_notes; i++)
        for (int k = 0; k < p->notes[i].nargs; k++)
            free(p->notes[i].args[k]);
    free(p->notes);
    p->notes = NULL;
    p->n_notes = 0;
}

char *
export_relative_name(const char *owner, const char *domain)
{
    size_t lo = strlen(owner), ld = strlen(domain);

    if (str_ieq(owner, domain))
        return xstrdup("@");
    if (lo > ld + 1 && owner[lo - ld - 1] == '.' &&
        str_ieq(owner + lo - ld, domain))
        return xstrndup(owner, lo - ld - 1);
    return xasprintf("%s.", owner);
}

char *
export_zone_record(const struct gen_rr *rr, unsigned ttl, size_t chunk,
                   int indent)
{
    struct strbuf sb = STRBUF_INIT;
    size_t len;

    if (chunk == 0 || chunk > GEN_TXT_CHUNK)
        chunk = GEN_TXT_CHUNK;
    if (rr->type != DNS_T_TXT || strlen(rr->rdata) <= chunk)
        return gen_rr_format(rr, ttl);
    strbuf_addf(&sb, "%s.", rr->owner);
    if (ttl != 0)
        strbuf_addf(&sb, " %u", ttl);
    strbuf_addf(&sb, " IN %s (", gen_type_name(rr->type));
    len = strlen(rr->rdata);
    for (size_t i = 0; i < len; i += chunk) {
        size_t n = len - i < chunk ? len - i : chunk;
        char *q = gen_txt_quote(rr->rdata + i, n);

        strbuf_addf(&sb, "\n%*s%s", indent, "", q);
        free(q);
    }
    strbuf_addf(&sb, " )");
    return strbuf_detach(&sb);
}

size_t
export_panel_split(const char *txt, char ***out)
{
    size_t len = strlen(txt), n = 0;

    *out = NULL;
    if (len <= GEN_TXT_CHUNK)
        return 0;
    *out = xcalloc(len / GEN_TXT_CHUNK + 1, sizeof(**out));
    for (size_t i = 0; i < len; i += GEN_TXT_CHUNK) {
        size_t k = len - i < GEN_TXT_CHUNK ? len - i : GEN_TXT_CHUNK;

        (*out)[n++] = gen_txt_quote(txt + i, k);
    }
    return n;
}

void
export_chunks_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
