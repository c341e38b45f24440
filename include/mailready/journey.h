/* journey.h - DMARC as a journey: p=none with reports is a monitoring
 * period, not a fault; after it, quarantine; after a period at
 * quarantine, reject.  The judgement needs to know since when the policy
 * has been published, which only the saved state knows, so it is made
 * here, after the checks, by both front ends alike:
 *
 *     check_run_all(&ctx, ...);
 *     journey_dmarc_apply(&ctx, old_state, days, now, &j);
 *     ...
 *     state_update_from_ctx(new_state, &ctx, now);
 *     journey_dmarc_note(new_state, &j);
 *
 * What the DMARC step found is read from its findings (ids) and records
 * (the "policy" applied), never from check_dmarc.c's internals.
 *
 * Core module: no translation, no terminal output.
 */
#ifndef MAILREADY_JOURNEY_H
#define MAILREADY_JOURNEY_H

#include <stdbool.h>
#include <time.h>

#include "mailready/check.h"
#include "mailready/state.h"

/* The monitoring period when none is given (--dmarc-monitor-days). */
#define JOURNEY_DMARC_DAYS 14
/* The largest --dmarc-monitor-days. */
#define JOURNEY_DMARC_MAX_DAYS 365

struct journey_dmarc {
    bool known;                 /* the DMARC step was checked this run */
    enum state_policy policy;   /* the policy applied, when reports are
                                 * asked for (a usable rua=); UNSET:
                                 * no journey (no record, no reports,
                                 * p=reject, t=y) */
    long long since;            /* when that policy was first seen with
                                 * reports (epoch seconds), or 0 */
    unsigned days;              /* whole days since then */
};

/* The catalog entries of the findings added here (finding_info_find()
 * lists them with the checks'). */
extern const struct finding_info journey_findings[];

/* Whole days from since to now (0 when now is before since). */
unsigned journey_days(long long since, long long now);

/* Read the DMARC result in ctx, date it with what st (the state saved
 * before this run; may be NULL) remembers, and adjust the DMARC findings:
 *  - p=none with reports, fewer than monitor_days days since first seen:
 *    the check's DMARC_POLICY_NONE warning gives way to an info finding
 *    DMARC_MONITORING ("on track", day N of M);
 *  - p=none with reports for monitor_days days or more: the warning
 *    DMARC_POLICY_NONE says since when, and proposes p=quarantine once
 *    the reports show every legitimate sender passing aligned SPF or
 *    DKIM;
 *  - p=quarantine with reports for monitor_days days or more: an info
 *    finding DMARC_MOVE_TO_REJECT proposes p=reject on the same terms;
 *  - anything else (p=none without reports, an error): unchanged.
 * monitor_days 0 means JOURNEY_DMARC_DAYS.  Fills *out (for
 * journey_dmarc_note()). */
void journey_dmarc_apply(struct check_ctx *ctx, const struct state *st,
                         unsigned monitor_days, time_t now,
                         struct journey_dmarc *out);

/* Keep in st what j saw: the policy and since when.  A run that could
 * not check DMARC changes nothing; no journey clears it. */
void journey_dmarc_note(struct state *st, const struct journey_dmarc *j);

#endif
