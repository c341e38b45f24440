/* check.c - the check runner: starts every step, waits for the dns layer
 * to drain, then runs the finish hooks in step order. */
#include <stdlib.h>
#include <string.h>

#include "mailready/check.h"
#include "mailready/check_auth.h"
#include "mailready/check_dkim.h"
#include "mailready/check_dmarc.h"
#include "mailready/check_intent.h"
#include "mailready/check_mx.h"
#include "mailready/check_ptr.h"
#include "mailready/check_smtp.h"
#include "mailready/check_spf.h"
#include "mailready/journey.h"
#include "mailready/plan.h"
#include "mailready/util.h"

/* Steps, in the order of the wizard.  A step not built yet has NULL. */
static const struct check_step_ops *const step_ops[STEP_COUNT] = {
    [STEP_MX] = &check_mx_ops,
    [STEP_SPF] = &check_spf_ops,
    [STEP_DKIM] = &check_dkim_ops,
    [STEP_DMARC] = &check_dmarc_ops,
    [STEP_PTR] = &check_ptr_ops,
    [STEP_SMTP] = &check_smtp_ops,
};

static const char *const step_names[STEP_COUNT] = {
    [STEP_MX] = "mx",
    [STEP_SPF] = "spf",
    [STEP_DKIM] = "dkim",
    [STEP_DMARC] = "dmarc",
    [STEP_PTR] = "ptr",
    [STEP_SMTP] = "smtp",
};

/* General findings that belong to no single step. */
static const struct finding_info general_findings[] = {
    { "DOMAIN_NXDOMAIN", "general",
      N_("The domain does not exist in DNS."),
      N_("Nobody can send mail to a domain that does not exist, and "
         "receivers reject mail from it."),
      N_("Check the spelling. If the domain is new, make sure it is "
         "registered and delegated to your DNS provider.") },
    { "DNS_TIMEOUT", "general",
      N_("A DNS query got no answer in time."),
      N_("This was not checked. It is not a fault of your setup until a "
         "later check shows it again."),
      N_("Run the check again later, or ask a different resolver with "
         "--resolver.") },
    { "DNS_SERVFAIL", "general",
      N_("A DNS server answered SERVFAIL."),
      N_("The answer could not be obtained, so this was not checked. "
         "Persistent SERVFAIL often means broken DNSSEC or unreachable "
         "name servers for the domain."),
      N_("Run the check again later. If it persists, ask your DNS "
         "provider to check the zone and its DNSSEC signatures.") },
    { "DNS_ERROR", "general",
      N_("A DNS query failed."),
      N_("The answer could not be obtained (refused, malformed or no "
         "server reachable), so this was not checked."),
      N_("Check the network and the resolver, then run the check again.") },
    { NULL, NULL, NULL, NULL, NULL }
};

/* Every module's catalog table. */
static const struct finding_info *const finding_tables[] = {
    general_findings,
    check_mx_findings,
    check_spf_findings,
    check_dkim_findings,
    check_dmarc_findings,
    check_ptr_findings,
    check_smtp_findings,
    check_intent_findings,
    check_auth_finding_catalog,
    plan_finding_catalog,
    journey_findings,
};

const struct finding_info *
finding_info_at(size_t i)
{
    for (size_t t = 0; t < ARRAY_LEN(finding_tables); t++) {
        const struct finding_info *tab = finding_tables[t];
        for (size_t k = 0; tab[k].id != NULL; k++) {
            if (i == 0)
                return &tab[k];
            i--;
        }
    }
    return NULL;
}

const struct finding_info *
finding_info_find(const char *id)
{
    const struct finding_info *fi;

    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++)
        if (str_ieq(fi->id, id))
            return fi;
    return NULL;
}

const struct check_step_ops *
check_step_ops(enum check_step step)
{
    if ((unsigned)step >= STEP_COUNT)
        return NULL;
    return step_ops[step];
}

const char *
check_step_name(enum check_step step)
{
    if ((unsigned)step >= STEP_COUNT)
        return NULL;
    return step_names[step];
}

int
check_step_from_name(const char *name)
{
    for (int i = 0; i < STEP_COUNT; i++)
        if (str_ieq(name, step_names[i]))
            return i;
    return -1;
}

void
check_ctx_init(struct check_ctx *ctx, struct dns *dns,
               const struct check_opts *opts)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->dns = dns;
    ctx->opts = opts;
    for (int i = 0; i < STEP_COUNT; i++) {
        ctx->res[i].step = (enum check_step)i;
        findings_init(&ctx->res[i].findings);
        ctx->res[i].records = json_array();
    }
}

static void
check_ctx_clear(struct check_ctx *ctx)
{
    for (int i = 0; i < STEP_COUNT; i++) {
        const struct check_step_ops *ops = step_ops[i];

        if (ctx->state[i] != NULL && ops != NULL && ops->free_state != NULL)
            ops->free_state(ctx->state[i]);
        ctx->state[i] = NULL;
        findings_fini(&ctx->res[i].findings);
        json_array_clear(ctx->res[i].records);
        ctx->res[i].ran = false;
    }
    check_auth_free(ctx->auth);
    ctx->auth = NULL;
    ctx->auth_evaluated = false;
    ctx->finished = false;
    ctx->steps = 0;
}

void
check_ctx_fini(struct check_ctx *ctx)
{
    check_ctx_clear(ctx);
    for (int i = 0; i < STEP_COUNT; i++)
        json_decref(ctx->res[i].records);
}

void
check_run_start(struct check_ctx *ctx, unsigned mask)
{
    struct dns_group *old;

    check_ctx_clear(ctx);
    for (int i = 0; i < STEP_COUNT; i++) {
        if (!(mask & (1u << i)) || step_ops[i] == NULL)
            continue;
        ctx->steps |= 1u << i;
        ctx->res[i].ran = true;
    }
    old = dns_group_set(ctx->dns, &ctx->grp);
    if (ctx->opts->authoritative) {
        ctx->auth = check_auth_new(ctx, ctx->steps, ctx->opts->auth_port);
        check_auth_start(ctx->auth);
    }
    for (int i = 0; i < STEP_COUNT; i++)
        if (ctx->steps & (1u << i))
            step_ops[i]->start(ctx);
    dns_group_set(ctx->dns, old);
}

/* Run the steps in mask again from the start (their answers are cached:
 * the verdict now follows what check_auth_eval() put in the cache). */
static void
check_run_restart(struct check_ctx *ctx, unsigned mask)
{
    struct dns_group *old = dns_group_set(ctx->dns, &ctx->grp);

    for (int i = 0; i < STEP_COUNT; i++) {
        const struct check_step_ops *ops = step_ops[i];

        if (!(mask & (1u << i)) || ops == NULL)
            continue;
        if (ctx->state[i] != NULL && ops->free_state != NULL)
            ops->free_state(ctx->state[i]);
        ctx->state[i] = NULL;
        findings_fini(&ctx->res[i].findings);
        json_array_clear(ctx->res[i].records);
    }
    for (int i = 0; i < STEP_COUNT; i++)
        if ((mask & (1u << i)) && step_ops[i] != NULL)
            step_ops[i]->start(ctx);
    dns_group_set(ctx->dns, old);
}

bool
check_run_poll(struct check_ctx *ctx)
{
    if (ctx->finished)
        return true;
    if (ctx->grp_only ? ctx->grp.pending != 0
                      : dns_pending(ctx->dns) != 0)
        return false;
    if (ctx->auth != NULL && !ctx->auth_evaluated) {
        unsigned again;

        ctx->auth_evaluated = true;
        again = check_auth_eval(ctx->auth) & ctx->steps;
        if (again != 0) {
            check_run_restart(ctx, again);
            if (ctx->grp_only ? ctx->grp.pending != 0
                              : dns_pending(ctx->dns) != 0)
                return false;
        }
    }
    for (int i = 0; i < STEP_COUNT; i++)
        if ((ctx->steps & (1u << i)) && step_ops[i]->finish != NULL)
            step_ops[i]->finish(ctx);
    if (ctx->auth != NULL)
        check_auth_findings(ctx->auth, ctx);
    if (ctx->opts->intent != NULL)
        check_intent_apply(ctx, ctx->opts->intent);
    ctx->finished = true;
    return true;
}

void
check_run_all(struct check_ctx *ctx, unsigned mask)
{
    check_run_start(ctx, mask);
    do
        dns_run(ctx->dns);
    while (!check_run_poll(ctx) && dns_pending(ctx->dns) > 0);
}

struct check_result *
check_result_of(struct check_ctx *ctx, enum check_step step)
{
    return &ctx->res[step];
}

enum check_status
check_step_status(const struct check_ctx *ctx, enum check_step step)
{
    return findings_status(&ctx->res[step].findings);
}

enum check_status
check_run_status(const struct check_ctx *ctx)
{
    enum check_status st = ST_OK;

    for (int i = 0; i < STEP_COUNT; i++)
        if (ctx->res[i].ran)
            st = check_status_worse(st, check_step_status(ctx, i));
    return st;
}

void
check_add_dns_error(struct findings *fs, const struct dns_answer *a)
{
    char *name;
    const char *type = dns_type_name(a->qtype);

    /* A cancelled run is thrown away: nothing to report. */
    if (a->status == DNS_CANCELLED)
        return;
    name = str_visible(a->qname, strlen(a->qname));
    switch (a->status) {
    case DNS_TIMEOUT:
        finding_add(fs, SEV_ERROR, "DNS_TIMEOUT",
                    N_("No answer in time for %1$s %2$s: not checked."),
                    name, type);
        break;
    case DNS_SERVFAIL:
        finding_add(fs, SEV_ERROR, "DNS_SERVFAIL",
                    N_("The DNS server answered SERVFAIL for %1$s %2$s: "
                       "not checked."), name, type);
        break;
    default:
        finding_add(fs, SEV_ERROR, "DNS_ERROR",
                    N_("The DNS query for %1$s %2$s failed (%3$s): not "
                       "checked."), name, type,
                    dns_status_name(a->status));
        break;
    }
    free(name);
}

void
check_add_record(struct check_result *res, const char *text)
{
    char *v = str_visible(text, strlen(text));

    json_array_append_new(res->records, json_string(v));
    free(v);
}
