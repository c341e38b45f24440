/* export_plan.c - what the admin's answers say to publish, for the
 * checklist (see export.h): export_plan_build() from the saved answers. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dkim.h"
#include "mailready/gen_dmarc.h"
#include "mailready/gen_mtasts.h"
#include "mailready/gen_ptr.h"
#include "mailready/gen_records.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define NOTE(p, step, sev, id, msgid, ...)                               \
    findings_addl(&(p)->notes[(step)], (sev), (id), (msgid), NULL, 0,   \
                  ##__VA_ARGS__, (const char *)NULL)

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
            char *vis = str_visible(a->providers.v[i],
                                    strnlen(a->providers.v[i], 100));
            NOTE(p, STEP_MX, SEV_WARN, "EXPORT_UNKNOWN_PROVIDER",
                 N_("The saved answers name the provider %s, which this "
                    "version of mailready does not know; it is left out "
                    "of the records."), vis);
            free(vis);
            continue;
        }
        out[n++] = pr;
    }
    return n;
}

/* DKIM records from the saved private key files; returns how many. */
static size_t
plan_dkim_keys(const char *domain, const struct state_answers *a,
               struct export_plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < a->n_selectors; i++) {
        const struct state_selector *s = &a->selectors[i];
        struct gen_dkim_key *k = NULL;

        if (s->key_path == NULL || s->key_path[0] == '\0' ||
            !gen_dkim_selector_ok(s->name))
            continue;
        if (gen_dkim_key_load(s->key_path, &k) != RC_OK) {
            /* The record kept when the key was made stands in for it. */
            if (s->record != NULL && str_nieq(s->record, "v=DKIM1;", 8) &&
                strlen(s->record) < 8192) {
                char *name = gen_dkim_record_name(domain, s->name);
                gen_rrs_add(&p->rrs[STEP_DKIM], name, DNS_T_TXT, s->record,
                            NULL);
                free(name);
                n++;
                continue;
            }
            char *vis = str_visible(s->key_path, strnlen(s->key_path, 4096));
            NOTE(p, STEP_DKIM, SEV_FAIL, "EXPORT_DKIM_KEY_UNREADABLE",
                 N_("The DKIM key file %1$s (selector %2$s) could not be "
                    "read or holds no private key, so its record is not "
                    "shown."), vis, s->name);
            free(vis);
            continue;
        }
        char *name = gen_dkim_record_name(domain, s->name);
        char *rec = gen_dkim_record(k);
        gen_rrs_add(&p->rrs[STEP_DKIM], name, DNS_T_TXT, rec, NULL);
        n++;
        free(name);
        free(rec);
        gen_dkim_key_free(k);
    }
    return n;
}

/* PTR requests for a sending server whose host name is not the MX. */
static void
plan_ptr(const struct state_answers *a, struct export_plan *p)
{
    for (size_t i = 0; i < a->server_ips.n; i++) {
        struct gen_ptr_request *r = NULL;
        const char *why = NULL;

        if (gen_ptr_request_new(a->server_ips.v[i], a->hostname, &r,
                                &why) != RC_OK) {
            char *vis = str_visible(a->server_ips.v[i],
                                    strnlen(a->server_ips.v[i], 100));
            if (why != NULL)
                NOTE(p, STEP_PTR, SEV_FAIL, "EXPORT_PTR_INPUT", why, vis);
            free(vis);
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

/* The step a generated record belongs to. */
static enum check_step
rr_step(const struct gen_rr *rr, const char *domain)
{
    if (rr->type == DNS_T_MX || rr->type == DNS_T_A ||
        rr->type == DNS_T_AAAA)
        return STEP_MX;
    if (strncmp(rr->owner, "_dmarc.", 7) == 0 ||
        strstr(rr->owner, "._report._dmarc.") != NULL)
        return STEP_DMARC;
    if (strstr(rr->owner, "._domainkey.") != NULL)
        return STEP_DKIM;
    if (rr->type == DNS_T_TXT && str_ieq(rr->owner, domain) &&
        str_nieq(rr->rdata, "v=spf1", 6))
        return STEP_SPF;
    return STEP_MX;
}

/* The step a generator's note belongs to, by its id. */
static enum check_step
note_step(const char *id)
{
    if (strncmp(id, "GEN_SPF_", 8) == 0)
        return STEP_SPF;
    if (strncmp(id, "GEN_DKIM_", 9) == 0)
        return STEP_DKIM;
    if (strncmp(id, "GEN_DMARC_", 10) == 0)
        return STEP_DMARC;
    if (strncmp(id, "GEN_PTR_", 8) == 0)
        return STEP_PTR;
    return STEP_MX;
}

static void
copy_note(struct findings *to, const struct finding *f)
{
    const char *a[FINDING_MAX_ARGS];

    for (int i = 0; i < FINDING_MAX_ARGS; i++)
        a[i] = i < f->nargs ? f->args[i] : NULL;
    /* findings_addl stops at the first NULL argument. */
    findings_addl(to, f->sev, f->id, f->msgid, f->msgid_plural, f->n,
                  a[0], a[1], a[2], a[3], a[4], a[5], (const char *)NULL);
    to->v[to->n - 1].msgid_args = f->msgid_args;
}

/* MTA-STS and TLS-RPT from the answers, for the MX hosts of p. */
static void
plan_mtasts(const char *domain, const struct state_answers *a,
            struct export_plan *p)
{
    struct gen_mtasts_opts o;
    struct gen_mtasts g;
    enum mtasts_mode mode = MTASTS_MODE_TESTING;

    if (a->mta_sts != NULL && gen_mtasts_mode_parse(a->mta_sts, &mode))
        p->sts_asked = true;
    p->sts_mode = (int)mode;
    if (a->tls_rua != NULL)
        p->tls_rua = xstrdup(a->tls_rua);
    if (!p->sts_asked && p->tls_rua == NULL)
        return;
    memset(&o, 0, sizeof(o));
    o.domain = domain;
    o.mx = &p->rrs[STEP_MX];
    o.sts = p->sts_asked;
    o.mode = mode;
    o.tls_rua = p->tls_rua;
    gen_mtasts_build(&o, &g);
    if (g.sts_txt != NULL)
        gen_rrs_add(&p->rrs[STEP_SMTP], g.sts_owner, DNS_T_TXT, g.sts_txt,
                    N_("Publish it after the policy file: its id tells "
                       "senders to fetch the policy again."));
    if (g.rpt_txt != NULL)
        gen_rrs_add(&p->rrs[STEP_SMTP], g.rpt_owner, DNS_T_TXT, g.rpt_txt,
                    N_("Where senders send their daily TLS reports."));
    if (p->sts_asked && g.policy == NULL)
        NOTE(p, STEP_SMTP, SEV_WARN, "EXPORT_MTA_STS_NO_MX",
             N_("MTA-STS protects the mail sent to your MX hosts, and "
                "none is known from the answers: no policy is made."));
    p->sts_policy = g.policy;
    g.policy = NULL;
    gen_mtasts_fini(&g);
}

void
export_plan_build(const char *domain, const struct state_answers *a,
                  const struct preset_list *presets,
                  struct export_plan *out)
{
    const struct preset *pr[32];
    const char *rua[32];
    struct gen_records_opts o;
    struct gen_records r;
    size_t npr, nrua = 0, nkeys;
    bool recv = false;

    memset(out, 0, sizeof(*out));
    out->ttl = EXPORT_TTL;
    for (int i = 0; i < STEP_COUNT; i++) {
        gen_rrs_init(&out->rrs[i]);
        gen_rrs_init(&out->elsewhere[i]);
        findings_init(&out->notes[i]);
    }
    npr = answered_presets(a, presets, out, pr, ARRAY_LEN(pr));
    nkeys = plan_dkim_keys(domain, a, out);
    for (size_t i = 0; i < npr; i++)
        if (pr[i]->kind == PRESET_MAILBOX)
            recv = true;

    memset(&o, 0, sizeof(o));
    o.domain = domain;
    o.presets = pr;
    o.n_presets = npr;
    o.mx_host = a->mx_host;
    /* One's own server that only sends: the host name is the sending
     * host's (no MX); else it is the mail host unless a provider
     * receives. */
    o.own_send_only = a->own_send_only;
    if (o.own_send_only)
        o.send_host = a->hostname;
    else if (o.mx_host == NULL && !recv)
        o.mx_host = a->hostname;
    o.ips = (const char *const *)a->server_ips.v;
    o.n_ips = a->server_ips.n;
    if (a->dmarc_policy != STATE_POLICY_UNSET &&
        gen_dmarc_policy_parse(state_policy_name(a->dmarc_policy),
                               &o.dmarc_p))
        o.dmarc_stage_set = true;
    o.dmarc_sp = GEN_DMARC_INHERIT;
    if (a->dmarc_sp != STATE_POLICY_UNSET &&
        !gen_dmarc_policy_parse(state_policy_name(a->dmarc_sp),
                                &o.dmarc_sp))
        o.dmarc_sp = GEN_DMARC_INHERIT;
    o.dmarc_strict = a->dmarc_strict;
    for (size_t i = 0; i < a->dmarc_rua.n && nrua < ARRAY_LEN(rua); i++)
        rua[nrua++] = a->dmarc_rua.v[i];
    o.rua = rua;
    o.n_rua = nrua;
    o.spf_hard_fail = a->spf_hard_fail;

    /* Nothing answered: the generators would read that as a domain
     * without mail (null MX); say what is missing instead. */
    if (npr == 0 && o.mx_host == NULL && o.n_ips == 0 && !a->no_mail) {
        NOTE(out, STEP_MX, SEV_WARN, "EXPORT_NO_ANSWERS",
             N_("Neither a mail provider nor your own mail server is "
                "known, so no MX or SPF record is suggested: run the "
                "wizard, or pass --server-ip and --hostname."));
        if (nkeys == 0)
            NOTE(out, STEP_DKIM, SEV_WARN, "EXPORT_NO_DKIM_KEY",
                 N_("No DKIM key is known: make one with mailready keygen "
                    "or the wizard, then publish the record it shows."));
        return;
    }
    /* The PTR requests of a host name the generators did not use. */
    bool own_ptr = o.mx_host == NULL && o.send_host == NULL &&
                   a->hostname != NULL;
    gen_records_build(&o, &r);
    for (size_t i = 0; i < r.rrs.n; i++) {
        const struct gen_rr *rr = &r.rrs.v[i];
        enum check_step st = rr_step(rr, domain);
        const char *note = NULL;

        if (st == STEP_SPF)
            note = N_("Replace any other SPF record (v=spf1) of the "
                      "domain: there must be only one.");
        else if (st == STEP_DMARC)
            note = N_("Replace any other DMARC record of the domain.");
        gen_rrs_add(&out->rrs[st], rr->owner, rr->type, rr->rdata,
                    rr->note != NULL ? rr->note : note);
    }
    for (size_t i = 0; i < r.external.n; i++)
        gen_rrs_add(&out->elsewhere[STEP_DMARC], r.external.v[i].owner,
                    r.external.v[i].type, r.external.v[i].rdata,
                    N_("Published in the zone of the report address's "
                       "domain, to accept reports about this one."));
    for (size_t i = 0; i < r.n_ptr; i++) {
        char *target = xasprintf("%s.", r.ptr[i]->hostname);

        gen_rrs_add(&out->elsewhere[STEP_PTR], r.ptr[i]->reverse,
                    DNS_T_PTR, target,
                    N_("Set by whoever runs the address (your hosting "
                       "provider or ISP), not in your zone: ask them."));
        free(target);
    }
    for (size_t i = 0; i < r.notes.n; i++) {
        const struct finding *f = &r.notes.v[i];

        /* A key file already gives the DKIM record; the host name gives
         * the PTR requests (below). */
        if (nkeys > 0 && strcmp(f->id, "GEN_DKIM_OWN") == 0)
            continue;
        if (own_ptr && strcmp(f->id, "GEN_PTR_NO_HOST") == 0)
            continue;
        copy_note(&out->notes[note_step(f->id)], f);
    }
    if (own_ptr)
        plan_ptr(a, out);
    gen_records_fini(&r);
    plan_mtasts(domain, a, out);
}

void
export_plan_fini(struct export_plan *p)
{
    for (int i = 0; i < STEP_COUNT; i++) {
        gen_rrs_fini(&p->rrs[i]);
        gen_rrs_fini(&p->elsewhere[i]);
        findings_fini(&p->notes[i]);
    }
    free(p->sts_policy);
    free(p->tls_rua);
    p->sts_policy = NULL;
    p->tls_rua = NULL;
}
