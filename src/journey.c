/* journey.c - DMARC as a journey, judged with the saved state.  See
 * journey.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/journey.h"
#include "mailready/util.h"

#define DAY_SECONDS 86400LL

unsigned
journey_days(long long since, long long now)
{
    long long d;

    if (since <= 0 || now <= since)
        return 0;
    d = (now - since) / DAY_SECONDS;
    return d > 100000 ? 100000u : (unsigned)d;
}

/* The policy the DMARC step says is applied ("policy" of its record). */
static enum state_policy
applied_policy(const json_t *records)
{
    size_t i;
    const json_t *r;
    enum state_policy p;

    json_array_foreach(records, i, r) {
        const char *s = json_string_value(json_object_get(r, "policy"));

        if (s != NULL && state_policy_parse(s, &p))
            return p;
    }
    return STATE_POLICY_UNSET;
}

/* Drop every finding with id from fs. */
static void
findings_drop(struct findings *fs, const char *id)
{
    size_t k = 0;

    for (size_t i = 0; i < fs->n; i++) {
        if (strcmp(fs->v[i].id, id) == 0) {
            for (int a = 0; a < fs->v[i].nargs; a++)
                free(fs->v[i].args[a]);
            continue;
        }
        fs->v[k++] = fs->v[i];
    }
    fs->n = k;
}

static void
date_text(long long t, char buf[16])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, 16, "%Y-%m-%d", &tm) == 0)
        str_copy(buf, "?", 16);
}

void
journey_dmarc_apply(struct check_ctx *ctx, const struct state *st,
                    unsigned monitor_days, time_t now,
                    struct journey_dmarc *out)
{
    struct check_result *res = &ctx->res[STEP_DMARC];
    struct findings *fs = &res->findings;
    enum state_policy seen = STATE_POLICY_UNSET;
    char date[16], num[16], per[16];

    memset(out, 0, sizeof(*out));
    if (monitor_days == 0)
        monitor_days = JOURNEY_DMARC_DAYS;
    if (!res->ran || findings_status(fs) == ST_ERROR)
        return;
    out->known = true;
    /* Reports are what the journey is about: without them (or with t=y,
     * which softens the policy) there is nothing to watch. */
    if (findings_has(fs, "DMARC_NO_RUA") ||
        findings_has(fs, "DMARC_RUA_INVALID") ||
        findings_has(fs, "DMARC_RUA_NOT_AUTHORIZED") ||
        findings_has(fs, "DMARC_TESTING") ||
        findings_has(fs, "DMARC_SYNTAX"))
        return;
    out->policy = applied_policy(res->records);
    if (out->policy != STATE_POLICY_NONE &&
        out->policy != STATE_POLICY_QUARANTINE) {
        out->policy = STATE_POLICY_UNSET;
        return;
    }
    if (st != NULL && st->dmarc_seen_policy != NULL &&
        state_policy_parse(st->dmarc_seen_policy, &seen) &&
        seen == out->policy && st->dmarc_seen_since > 0 &&
        st->dmarc_seen_since <= (long long)now)
        out->since = st->dmarc_seen_since;
    else
        out->since = (long long)now;
    out->days = journey_days(out->since, (long long)now);
    date_text(out->since, date);
    snprintf(num, sizeof(num), "%u", out->days);
    snprintf(per, sizeof(per), "%u", monitor_days);

    if (out->policy == STATE_POLICY_NONE) {
        if (!findings_has(fs, "DMARC_POLICY_NONE"))
            return;
        findings_drop(fs, "DMARC_POLICY_NONE");
        if (out->days < monitor_days) {
            char day[16];

            snprintf(day, sizeof(day), "%u", out->days + 1);
            finding_add(fs, SEV_INFO, "DMARC_MONITORING",
                        N_("On track: p=none with reports, published since "
                           "%1$s (day %2$s of %3$s of monitoring). Read the "
                           "aggregate reports: before you move to "
                           "p=quarantine they should show every legitimate "
                           "sender of yours passing SPF or DKIM aligned "
                           "with your domain."), date, day, per);
        } else {
            finding_add(fs, SEV_WARN, "DMARC_POLICY_NONE",
                        N_("p=none with reports has been published since "
                           "%1$s (%2$s days): time to move to "
                           "p=quarantine, once the aggregate reports show "
                           "every legitimate sender of yours passing SPF or "
                           "DKIM aligned with your domain. Fix any sender "
                           "that does not first."), date, num);
        }
    } else if (out->days >= monitor_days) {
        finding_add(fs, SEV_INFO, "DMARC_MOVE_TO_REJECT",
                    N_("p=quarantine with reports has been published since "
                       "%1$s (%2$s days): when the aggregate reports still "
                       "show every legitimate sender of yours passing SPF "
                       "or DKIM aligned with your domain, and none of your "
                       "own mail is quarantined, move to p=reject."),
                    date, num);
    }
}

const struct finding_info journey_findings[] = {
    { "DMARC_MONITORING", "dmarc",
      N_("DMARC is in its monitoring period (p=none with reports)."),
      N_("p=none with reports is the safe first stage: nothing is blocked, "
         "and the aggregate reports show which servers send mail as your "
         "domain and whether it passes."),
      "" },
    { "DMARC_MOVE_TO_REJECT", "dmarc",
      N_("DMARC can move from p=quarantine to p=reject."),
      N_("p=reject makes receivers refuse forged mail in your name instead "
         "of filing it as spam."),
      "" },
    { NULL, NULL, NULL, NULL, NULL }
};

void
journey_dmarc_note(struct state *st, const struct journey_dmarc *j)
{
    if (!j->known)
        return;
    if (j->policy == STATE_POLICY_UNSET) {
        state_str_set(&st->dmarc_seen_policy, NULL);
        st->dmarc_seen_since = 0;
        return;
    }
    state_str_set(&st->dmarc_seen_policy, state_policy_name(j->policy));
    st->dmarc_seen_since = j->since;
}
