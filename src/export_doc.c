/* export_doc.c - the checklist document: every step's latest result and
 * what is left to publish, built once from a state and a plan (see
 * export.h). */
#include <string.h>

#include "mailready/export.h"
#include "mailready/plan.h"

bool
export_format_parse(const char *s, enum export_format *out)
{
    enum export_format f;

    if (s == NULL)
        return false;
    if (strcmp(s, "txt") == 0 || strcmp(s, "text") == 0)
        f = EXPORT_TXT;
    else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
        f = EXPORT_MD;
    else if (strcmp(s, "html") == 0)
        f = EXPORT_HTML;
    else if (strcmp(s, "zone") == 0)
        f = EXPORT_ZONE;
    else
        return false;
    if (out != NULL)
        *out = f;
    return true;
}

void
export_doc_build(struct export_doc *doc, const struct state *st,
                 const struct export_plan *plan, const struct plan *live,
                 const char *alabel,
                 const char *ulabel, bool from_saved, long long made_at)
{
    memset(doc, 0, sizeof(*doc));
    doc->domain = alabel;
    doc->shown = ulabel != NULL ? ulabel : alabel;
    doc->made_at = made_at;
    doc->from_saved = from_saved;
    doc->state_at = st->checked_at;
    doc->ttl = plan->ttl;
    for (int i = 0; i < STEP_COUNT; i++) {
        const struct state_step *s = &st->steps[i];
        const struct check_step_ops *ops = check_step_ops(i);
        struct export_item *it;

        /* A step that runs only when asked (delivery: it connects to
         * the mail servers) is an item once it ran or has something to
         * publish (MTA-STS, TLS-RPT); else it is no "not checked". */
        if (!(CHECK_DEFAULT_STEPS & (1u << i)) && !s->present &&
            plan->rrs[i].n == 0 && plan->notes[i].n == 0 &&
            plan->elsewhere[i].n == 0)
            continue;
        it = &doc->items[doc->n++];

        /* Every step, checked or not: the records to publish are known
         * from the answers even where this version cannot check yet. */
        it->step = i;
        /* A step this version cannot check is named by its record
         * type ("ptr": never translated, no msgid matches it). */
        it->title = ops != NULL && ops->title != NULL ? ops->title
                                                      : check_step_name(i);
        it->present = s->present;
        it->st = s->present ? s->status : ST_ERROR;
        it->checked_at = s->checked_at;
        it->first_passed_at = s->first_passed_at;
        it->saved = s;
        /* Checked against what is live: the changes, even for a step
         * that passes (the answers may ask for more). */
        if (live != NULL && i != STEP_PTR && live->status != PLAN_ERROR) {
            it->planned = plan->rrs[i].n > 0;
            if (live->deletes[i].n > 0)
                it->deletes = &live->deletes[i];
            if (live->adds[i].n > 0)
                it->adds = &live->adds[i];
        }
        /* Records and notes only where something is left to do. */
        if (it->present && it->st == ST_OK)
            continue;
        if (plan->rrs[i].n > 0 && !it->planned)
            it->rrs = &plan->rrs[i];
        if (plan->elsewhere[i].n > 0)
            it->elsewhere = &plan->elsewhere[i];
        if (plan->notes[i].n > 0)
            it->notes = &plan->notes[i];
    }
    doc->overall = state_status(st);
    for (size_t i = 0; i < doc->n; i++)
        if (!doc->items[i].present)
            doc->overall = check_status_worse(doc->overall, ST_ERROR);
}
