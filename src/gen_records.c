/* gen_records.c - assemble every record a domain needs from presets and
 * answers.  Notes are findings with N_() msgids: the frontend translates
 * them (DNS syntax always goes in as an argument). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mailready/dns.h"
#include "mailready/gen_mx.h"
#include "mailready/gen_records.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

#define GEN_OWN_MX_PREF 10

/* Notes are not check findings: they say what is left to do after the
 * records are published, so their GEN_* ids are not in the finding
 * catalog (mailready explain) and no check ever reports them.  The
 * struct findings is reused only as a list of translatable messages. */
#define note(r, sev, id, msgid, ...)                                      \
    findings_addl(&(r)->notes, (sev), (id), (msgid), NULL, 0,            \
                  ##__VA_ARGS__, (const char *)NULL)

static void
records_init(struct gen_records *r)
{
    memset(r, 0, sizeof(*r));
    gen_rrs_init(&r->rrs);
    gen_rrs_init(&r->external);
    findings_init(&r->notes);
}

void
gen_records_fini(struct gen_records *r)
{
    gen_rrs_fini(&r->rrs);
    gen_rrs_fini(&r->external);
    findings_fini(&r->notes);
    for (size_t i = 0; i < r->n_ptr; i++)
        gen_ptr_request_free(r->ptr[i]);
    free(r->ptr);
    memset(r, 0, sizeof(*r));
}

static bool
is_receiver(const struct gen_records_opts *o, const struct preset *p)
{
    return p->kind == PRESET_MAILBOX ||
           (p->kind == PRESET_OWN && !o->own_send_only);
}

/* The own server's host name: the MX host, or the sending host when the
 * server only sends. */
static const char *
own_host(const struct gen_records_opts *o)
{
    return o->own_send_only ? o->send_host : o->mx_host;
}

/* The receiving preset, or NULL; RC_INVALID if two. */
static enum rc
find_receiver(const struct gen_records_opts *o, struct gen_records *r,
              const struct preset **out)
{
    *out = NULL;
    for (size_t i = 0; i < o->n_presets; i++) {
        if (!is_receiver(o, o->presets[i]))
            continue;
        if (*out != NULL && *out != o->presets[i] &&
            (o->presets[i]->kind == PRESET_OWN ||
             (*out)->kind == PRESET_OWN)) {
            const struct preset *prov = o->presets[i]->kind == PRESET_OWN
                                        ? *out : o->presets[i];

            note(r, SEV_FAIL, "GEN_TWO_RECEIVERS",
                 N_("%s and your own server would both receive mail. If "
                    "your server only sends (newsletters, a shop), say "
                    "so: --send-only, or in the wizard the entry for a "
                    "server that only sends. Otherwise choose which of the "
                    "two keeps the domain's mailboxes."), prov->name);
            return RC_INVALID;
        }
        if (*out != NULL && *out != o->presets[i]) {
            note(r, SEV_FAIL, "GEN_TWO_RECEIVERS",
                 N_("%1$s and %2$s both receive mail; choose one "
                    "provider for the domain's mailboxes."),
                 (*out)->name, o->presets[i]->name);
            return RC_INVALID;
        }
        *out = o->presets[i];
    }
    return RC_OK;
}

static enum rc
add_mx(const struct gen_records_opts *o, const struct preset *recv,
       struct gen_records *r)
{
    char *rdata = NULL;

    if (o->mx_host != NULL) {
        if (gen_mx_rdata(GEN_OWN_MX_PREF, o->mx_host, &rdata) != RC_OK) {
            char *vis = str_visible(o->mx_host, strnlen(o->mx_host, 300));

            note(r, SEV_FAIL, "GEN_MX_BAD",
                 N_("%s is not a valid mail host name."), vis);
            free(vis);
            return RC_INVALID;
        }
        gen_rrs_add(&r->rrs, o->domain, DNS_T_MX, rdata, NULL);
        free(rdata);
        return RC_OK;
    }
    if (recv == NULL)
        return RC_OK;
    if (recv->kind == PRESET_OWN) {
        note(r, SEV_FAIL, "GEN_OWN_NO_MX_HOST",
             N_("For your own server, name its host with --mx-host "
                "(for example mail.%s)."), o->domain);
        return RC_INVALID;
    }
    if (recv->n_mx == 0) {
        note(r, SEV_FAIL, "GEN_MX_UNKNOWN",
             N_("The presets do not know the MX hosts of %s; copy "
                "them from the provider and pass the first one with "
                "--mx-host."), recv->name);
        return RC_INVALID;
    }
    for (size_t i = 0; i < recv->n_mx; i++) {
        char *host = NULL;
        enum rc rc = gen_mx_expand(recv->mx[i].host, o->domain, &host);

        if (rc == RC_UNSUPPORTED) {
            note(r, SEV_FAIL, "GEN_MX_TEMPLATE",
                 N_("How %1$s names the MX host of a domain that "
                    "contains '-' is not documented; copy it from "
                    "the provider's admin center and pass it with "
                    "--mx-host."), recv->name);
            return RC_INVALID;
        }
        if (rc != RC_OK || gen_mx_rdata(recv->mx[i].pref, host, &rdata)
                           != RC_OK) {
            free(host);
            note(r, SEV_FAIL, "GEN_MX_BAD",
                 N_("%s is not a valid mail host name."),
                 recv->mx[i].host);
            return RC_INVALID;
        }
        gen_rrs_add(&r->rrs, o->domain, DNS_T_MX, rdata, NULL);
        if (recv->mx_tenant_specific)
            note(r, SEV_WARN, "GEN_MX_TENANT",
                 N_("The MX host %1$s follows the usual pattern of "
                    "%2$s, but it is made for each tenant: compare "
                    "it with the provider's admin center before you "
                    "publish it."), host, recv->name);
        free(host);
        free(rdata);
    }
    return RC_OK;
}

/* A/AAAA for our own mail host when it is inside the zone. */
static void
add_host_addrs(const struct gen_records_opts *o, struct gen_records *r)
{
    struct strbuf list = STRBUF_INIT;
    const char *name = own_host(o);
    char host[256];
    size_t len;

    if (name == NULL)
        return;
    str_copy(host, name, sizeof(host));
    len = strlen(host);
    if (len > 0 && host[len - 1] == '.')
        host[len - 1] = '\0';
    str_lower(host);
    for (size_t i = 0; i < o->n_ips; i++) {
        struct ipaddr ip;
        char buf[64];

        if (!net_parse(o->ips[i], &ip))
            continue;       /* CIDR networks: SPF only */
        net_format(&ip, buf, sizeof(buf));
        if (list.len > 0)
            strbuf_adds(&list, ", ");
        strbuf_adds(&list, buf);
        if (name_is_subdomain(host, o->domain))
            gen_rrs_add(&r->rrs, host, ip.family == AF_INET6 ? DNS_T_AAAA :
                        DNS_T_A, buf, NULL);
    }
    if (!name_is_subdomain(host, o->domain) && list.len > 0)
        note(r, SEV_INFO, "GEN_MX_OUTSIDE",
             N_("%1$s is outside %2$s, so its address records are "
                "not here: make sure they give %3$s."), host,
             o->domain, strbuf_str(&list));
    else if (name_is_subdomain(host, o->domain) && list.len == 0)
        note(r, SEV_WARN, "GEN_MX_NO_ADDR",
             N_("%s is in your zone but has no address: pass the "
                "server's addresses with --ip to publish its A/AAAA "
                "records."), host);
    strbuf_fini(&list);
}

static enum rc
add_spf(const struct gen_records_opts *o, const struct preset *recv,
        bool sends, struct gen_records *r)
{
    struct gen_spf_include *inc;
    struct gen_spf_opts so;
    struct gen_spf s;
    size_t n = 0;
    enum rc rc;

    inc = xcalloc(o->n_presets + 1, sizeof(*inc));
    for (size_t i = 0; i < o->n_presets; i++) {
        const struct preset *p = o->presets[i];

        if (p->kind == PRESET_OWN)
            continue;
        if (p->spf_include == NULL) {
            note(r, SEV_WARN, "GEN_SPF_UNKNOWN",
                 N_("The presets do not know an SPF value of %s. If it "
                    "sends with your domain in the envelope sender (MAIL "
                    "FROM), copy its SPF include from the provider and add "
                    "it to the SPF record; if it uses its own bounce "
                    "domain, nothing is needed here."), p->name);
            continue;
        }
        if (!p->spf_at_apex) {
            char *term = xasprintf("include:%s", p->spf_include);

            note(r, SEV_INFO, "GEN_SPF_RETURN_PATH",
                 N_("%1$s sends with its own bounce domain: its SPF "
                    "term %2$s goes on that domain, not in this "
                    "record."), p->name, term);
            free(term);
            continue;
        }
        inc[n].domain = p->spf_include;
        inc[n].lookups = p->spf_lookups;
        n++;
    }
    memset(&so, 0, sizeof(so));
    so.includes = inc;
    so.n_includes = n;
    so.ips = o->ips;
    so.n_ips = o->n_ips;
    /* Own server without its addresses: its MX hosts send. */
    so.mx = o->n_ips == 0 &&
            ((recv != NULL && recv->kind == PRESET_OWN) ||
             (recv == NULL && o->mx_host != NULL));
    so.hard_fail = o->spf_hard_fail || !sends;
    if (o->own_send_only && o->n_ips == 0)
        note(r, SEV_WARN, "GEN_SPF_OWN_NO_IP",
             N_("Your own server sends mail, but its addresses are not "
                "known, so the SPF record does not list it: give them "
                "with --ip."));
    rc = gen_spf_build(&so, &s);
    r->spf_lookups = s.lookups;
    r->spf_lookups_exact = s.lookups_exact;
    if (rc == RC_INVALID) {
        note(r, SEV_FAIL, "GEN_SPF_INPUT", s.why, s.bad);
    } else if (rc == RC_TOOLONG) {
        struct strbuf drops = STRBUF_INIT;
        char count[16];

        for (size_t i = 0; i < s.n_drop; i++) {
            if (i > 0)
                strbuf_adds(&drops, ", ");
            strbuf_adds(&drops, s.drop[i]);
        }
        snprintf(count, sizeof(count), "%u", s.lookups);
        note(r, SEV_FAIL, "GEN_SPF_TOO_MANY",
             N_("This SPF record would need %1$s DNS lookups; the "
                "limit is 10. Drop %2$s, or send that mail through "
                "one of the other providers."), count,
             strbuf_str(&drops));
        strbuf_fini(&drops);
    } else {
        gen_rrs_add(&r->rrs, o->domain, DNS_T_TXT, s.record, NULL);
        if (!s.lookups_exact) {
            char count[16];

            snprintf(count, sizeof(count), "%u", s.lookups);
            findings_addl(&r->notes, SEV_INFO, "GEN_SPF_INEXACT",
                          NP_("This SPF record needs at least %s DNS "
                              "lookup; the nested ones of the providers' "
                              "includes are counted by mailready check on "
                              "the live records.",
                              "This SPF record needs at least %s DNS "
                              "lookups; the nested ones of the providers' "
                              "includes are counted by mailready check on "
                              "the live records."),
                          (unsigned long)s.lookups, count,
                          (const char *)NULL);
        }
    }
    gen_spf_fini(&s);
    free(inc);
    return rc;
}

static void
note_dkim_own(const struct gen_records_opts *o, struct gen_records *r)
{
    char *cmd = xasprintf("mailready keygen --domain %s --selector mail",
                          o->domain);

    note(r, SEV_WARN, "GEN_DKIM_OWN",
         N_("DKIM for your own server: make a key with \"%s\" and "
            "publish the record it prints."), cmd);
    free(cmd);
}

static void
add_dkim(const struct gen_records_opts *o, const struct preset *recv,
         struct gen_records *r)
{
    /* --mx-host without a receiving preset is one's own server too. */
    if (recv == NULL && o->mx_host != NULL)
        note_dkim_own(o, r);
    for (size_t i = 0; i < o->n_presets; i++) {
        const struct preset *p = o->presets[i];

        if (p->kind == PRESET_OWN) {
            note_dkim_own(o, r);
            continue;
        }
        if (p->n_dkim_cnames > 0) {
            for (size_t k = 0; k < p->n_dkim_cnames; k++) {
                char *owner = xasprintf("%s._domainkey.%s",
                                        p->dkim_cnames[k].selector,
                                        o->domain);
                char *target = xasprintf("%s.", p->dkim_cnames[k].target);

                gen_rrs_add(&r->rrs, owner, DNS_T_CNAME, target, NULL);
                free(owner);
                free(target);
            }
            continue;
        }
        note(r, SEV_WARN, "GEN_DKIM_CONSOLE",
             N_("DKIM for %1$s: the provider makes the key; copy "
                "the record it shows (%2$s) and publish it."),
             p->name, p->dkim_console != NULL ? p->dkim_console :
             p->name);
    }
}

static enum rc
add_dmarc(const struct gen_records_opts *o, bool mail, struct gen_records *r)
{
    struct gen_dmarc_opts dopt;
    struct gen_dmarc d;
    enum rc rc;

    memset(&dopt, 0, sizeof(dopt));
    dopt.p = o->dmarc_stage_set ? o->dmarc_p :
             (mail ? GEN_DMARC_NONE : GEN_DMARC_REJECT);
    dopt.sp = o->dmarc_sp;
    dopt.rua = o->rua;
    dopt.n_rua = o->n_rua;
    dopt.strict_dkim = o->dmarc_strict;
    dopt.strict_spf = o->dmarc_strict;
    rc = gen_dmarc_build(o->domain, &dopt, &d);
    if (rc != RC_OK) {
        note(r, SEV_FAIL, "GEN_DMARC_INPUT", d.why, d.bad);
        gen_dmarc_fini(&d);
        return rc;
    }
    char *name = xasprintf("_dmarc.%s", o->domain);
    gen_rrs_add(&r->rrs, name, DNS_T_TXT, d.record, NULL);
    free(name);
    if (dopt.p == GEN_DMARC_NONE && o->n_rua == 0)
        note(r, SEV_WARN, "GEN_DMARC_NO_RUA",
             N_("With %s and no report address (--rua) you get no "
                "reports, so the monitoring stage shows you "
                "nothing."), "p=none");
    for (size_t i = 0; i < d.n_auth; i++) {
        gen_rrs_add(&r->external, d.auth[i], DNS_T_TXT, GEN_DMARC_AUTH_TEXT,
                    NULL);
        note(r, SEV_INFO, "GEN_DMARC_EXTERNAL",
             N_("Reports go outside %1$s: unless that domain is "
                "your own, its owner must publish %2$s, or "
                "receivers will not send the reports there."),
             o->domain, d.auth[i]);
    }
    gen_dmarc_fini(&d);
    return RC_OK;
}

static enum rc
add_ptr(const struct gen_records_opts *o, struct gen_records *r)
{
    for (size_t i = 0; i < o->n_ips; i++) {
        struct gen_ptr_request *req = NULL;
        const char *why = NULL;
        struct ipaddr ip;

        if (!net_parse(o->ips[i], &ip))
            continue;       /* a network: no single PTR */
        if (own_host(o) == NULL) {
            if (o->own_send_only)
                note(r, SEV_INFO, "GEN_PTR_NO_HOST",
                     N_("%s has no host name (--hostname), so no PTR "
                        "request was written for it."), o->ips[i]);
            else
                note(r, SEV_INFO, "GEN_PTR_NO_HOST",
                     N_("%s has no host name (--mx-host), so no PTR "
                        "request was written for it."), o->ips[i]);
            continue;
        }
        if (gen_ptr_request_new(o->ips[i], own_host(o), &req, &why) !=
            RC_OK) {
            char *vis = str_visible(o->ips[i], strnlen(o->ips[i], 100));

            note(r, SEV_FAIL, "GEN_PTR_INPUT", why, vis);
            free(vis);
            return RC_INVALID;
        }
        r->ptr = xreallocarray(r->ptr, r->n_ptr + 1, sizeof(*r->ptr));
        r->ptr[r->n_ptr++] = req;
    }
    return RC_OK;
}

enum rc
gen_records_build(const struct gen_records_opts *o, struct gen_records *r)
{
    const struct preset *recv = NULL;
    bool sends = false, receives;
    enum rc rc;

    records_init(r);
    if (o->own_send_only && o->send_host != NULL) {
        char host[256];
        size_t len;

        str_copy(host, o->send_host, sizeof(host));
        len = strlen(host);
        if (len > 0 && host[len - 1] == '.')
            host[len - 1] = '\0';
        if (strlen(o->send_host) >= sizeof(host) || !gen_name_ok(host)) {
            char *vis = str_visible(o->send_host,
                                    strnlen(o->send_host, 300));

            note(r, SEV_FAIL, "GEN_HOST_BAD",
                 N_("%s is not a valid host name."), vis);
            free(vis);
            return RC_INVALID;
        }
    }
    rc = find_receiver(o, r, &recv);
    if (rc != RC_OK)
        return rc;
    receives = recv != NULL || o->mx_host != NULL;
    sends = o->n_presets > 0 || o->n_ips > 0 || o->mx_host != NULL;
    r->no_mail = !receives && !sends;
    if (r->no_mail) {
        char *p = xasprintf("p=%s", gen_dmarc_policy_name(
                                o->dmarc_stage_set ? o->dmarc_p
                                                   : GEN_DMARC_REJECT));

        gen_rrs_add(&r->rrs, o->domain, DNS_T_MX, GEN_MX_NULL, NULL);
        note(r, SEV_INFO, "GEN_NO_MAIL",
             N_("%1$s sends and receives no mail: the null MX (%2$s) "
                "and the SPF record %3$s say so, and DMARC %4$s "
                "stops others from using its name."), o->domain,
             GEN_MX_NULL, GEN_SPF_NO_MAIL, p);
        free(p);
    } else {
        rc = add_mx(o, recv, r);
        if (rc != RC_OK)
            return rc;
        if (!receives)
            note(r, SEV_WARN, "GEN_NO_MX",
                 N_("Nobody receives mail for %s, so no MX record "
                    "was made: replies and bounces to it will fail. "
                    "Add a --provider or --mx-host that receives "
                    "it."), o->domain);
        add_host_addrs(o, r);
    }
    rc = add_spf(o, recv, sends, r);
    if (rc != RC_OK)
        return rc;
    add_dkim(o, recv, r);
    rc = add_dmarc(o, sends || receives, r);
    if (rc != RC_OK)
        return rc;
    return add_ptr(o, r);
}
