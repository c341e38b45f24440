/* scr_step.c - the parts every step screen shares: the intro, what DNS
 * holds now and the verdict per finding, a record to publish, and the
 * plan's records and notes of a step. */
#include <stdlib.h>
#include <string.h>

#include "mailready/check_auth.h"
#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen.h"
#include "mailready/i18n.h"
#include "mailready/present.h"
#include "mailready/tui.h"
#include "mailready/util.h"

void
scr_step_intro(struct tw_doc *d, const char *text)
{
    tw_text(d, TS_NORMAL, 0, text);
    tw_blank(d);
}

/* What the name servers publish beside what was found, and the wait. */
static void
scr_step_propagation(const struct tui *t, struct tw_doc *d,
                     enum check_step step)
{
    size_t n = 0;
    const struct auth_view *v = t->have_ctx
        ? check_auth_views(t->ctx.auth, step, &n) : NULL;
    unsigned long stale = 0;
    bool settled = tui_step_settled(t, step, &stale);

    for (size_t k = 0; k < n; k++) {
        char *all = present_propagation_named(&v[k], n > 1);
        const char *txt = all;

        while (txt != NULL) {
            const char *nl = strchr(txt, '\n');
            char *line = xstrndup(txt, nl != NULL ? (size_t)(nl - txt)
                                                  : strlen(txt));

            tw_text(d, TS_INFO, 2, line);
            free(line);
            txt = nl != NULL ? nl + 1 : NULL;
        }
        free(all);
    }
    if (t->waiting && t->wait_step == step) {
        double left = t->wait_end - tui_now();
        char *m = xasprintf(_("Waiting until this machine's resolver sees "
                              "it: %.0f s left at most. Press a to stop."),
                            left > 0 ? left : 0);

        tw_text(d, TS_BOLD, 2, m);
        free(m);
    } else if (!settled) {
        tw_text(d, TS_DIM, 2, _("Press a to wait here until this machine's "
                                "resolver sees it, or r to check again "
                                "now."));
    }
}

void
scr_step_results(const struct tui *t, struct tw_doc *d,
                 enum check_step step)
{
    const struct check_result *res;
    enum check_status st;

    if (t->running) {
        tw_item(d, tw_spinner(t->tick, t->utf8), TS_INFO, TS_NORMAL, 0,
                _("Checking DNS…"));
        return;
    }
    if (t->dns_err != NULL) {
        char *m = xasprintf(_("Cannot set up DNS: %s"), t->dns_err);
        tw_item(d, tui_status_sym(t, ST_ERROR), TS_ERROR, TS_ERROR, 0, m);
        free(m);
        return;
    }
    if (!t->checked) {
        tw_text(d, TS_DIM, 0, _("Not checked yet. Press r to check."));
        return;
    }
    if (!tui_step_known(t, step)) {
        tw_text(d, TS_DIM, 0,
                _("This check is not available in this version."));
        return;
    }
    res = tui_result(t, step);
    st = tui_step_status(t, step);
    {
        char *m = xasprintf(_("Result: %s"), present_status_word(st));
        tw_item(d, tui_status_sym(t, st), tui_status_style(st),
                tui_status_style(st), 0, m);
        free(m);
    }
    if (st == ST_ERROR && step == STEP_SMTP)
        tw_text(d, TS_ERROR, 2,
                _("Some servers could not be checked from here: the "
                  "connection failed or an answer did not come. That is "
                  "not a fault of your server: many networks block "
                  "outgoing port 25. Press r to try again, or check from "
                  "another network."));
    else if (st == ST_ERROR)
        tw_text(d, TS_ERROR, 2,
                _("Some answers did not come (the DNS server did not "
                  "answer in time or failed). This is not a fault of your "
                  "setup. Press r to try again."));
    if (st == ST_ERROR && !t->com->offline && step != STEP_SMTP)
        tw_text(d, TS_ERROR, 2,
                _("If it happens again, press d to ask another DNS "
                  "server."));
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("Found in DNS now:"));
    size_t nrec = json_array_size(res->records);
    if (nrec == 0)
        tw_text(d, TS_DIM, 2, _("(nothing)"));
    for (size_t k = 0; k < nrec; k++) {
        char *all = present_record_text(json_array_get(res->records, k));
        const char *txt = all;
        /* A display text may hold several lines. */
        while (txt != NULL) {
            const char *nl = strchr(txt, '\n');
            char *line = xstrndup(txt, nl != NULL ? (size_t)(nl - txt)
                                                  : strlen(txt));
            if (line[0] != '\0' || nl != NULL)
                tw_record(d, 2, line);
            free(line);
            txt = nl != NULL && nl[1] != '\0' ? nl + 1 : NULL;
        }
        free(all);
    }
    scr_step_propagation(t, d, step);
    if (res->findings.n > 0) {
        tw_blank(d);
        tw_text(d, TS_BOLD, 0, _("What this means:"));
    }
    for (size_t k = 0; k < res->findings.n; k++) {
        const struct finding *f = &res->findings.v[k];
        enum check_status fs = f->sev == SEV_FAIL ? ST_FAIL
                             : f->sev == SEV_WARN ? ST_WARN
                             : f->sev == SEV_ERROR ? ST_ERROR : ST_OK;
        char *msg = tui_finding_message(f);
        const char *fix = f->sev == SEV_INFO ? NULL
                                             : tui_finding_fix(f->id);
        const char *why = tui_finding_why(f->id);

        tw_item(d, present_sev_tag(f->sev, t->utf8),
                f->sev == SEV_INFO ? TS_INFO : tui_status_style(fs),
                TS_NORMAL, 2, msg);
        if (f->sev != SEV_INFO && why != NULL) {
            char *wl = xasprintf(_("Why it matters: %s"), why);
            tw_text(d, TS_DIM, 3 + tw_width(present_sev_tag(f->sev, t->utf8)),
                    wl);
            free(wl);
        }
        if (fix != NULL) {
            char *fl = xasprintf(_("Fix: %s"), fix);
            tw_text(d, TS_DIM, 3 + tw_width(present_sev_tag(f->sev, t->utf8)),
                    fl);
            free(fl);
        }
        free(msg);
    }
}

void
scr_publish(const struct tui *t, struct tw_doc *d, const char *owner,
            uint16_t type, const char *value)
{
    struct gen_rr rr = { (char *)owner, type, (char *)value, NULL };
    char *line = gen_rr_format(&rr, 3600);
    char *m;

    (void)t;
    m = xasprintf(_("Name: %1$s   Type: %2$s"), owner, gen_type_name(type));
    tw_text(d, TS_NORMAL, 2, m);
    free(m);
    tw_item(d, _("Value:"), TS_NORMAL, TS_RECORD, 2, value);
    tw_item(d, _("Zone file:"), TS_DIM, TS_DIM, 2, line);
    free(line);
}

/* One change of a plan: what to delete or add, and why. */
static void
plan_change(const struct tui *t, struct tw_doc *d, const struct plan_change *c)
{
    char *why = present_plan_why(c);

    if (c->action == PLAN_ADD) {
        /* scr_publish() wants TXT data unquoted, as a panel takes it. */
        char *raw = plan_change_rdata(c);
        char *text = str_visible(raw, strlen(raw));

        free(raw);

        tw_text(d, TS_BOLD, 0, _("Add:"));
        scr_publish(t, d, c->name, c->type, text);
        free(text);
    } else {
        char *m = xasprintf(_("Name: %1$s   Type: %2$s"), c->name,
                            gen_type_name(c->type));
        tw_text(d, TS_BOLD, 0, _("Delete:"));
        tw_text(d, TS_NORMAL, 2, m);
        tw_item(d, _("Value:"), TS_NORMAL, TS_RECORD, 2, c->data);
        free(m);
    }
    tw_text(d, TS_DIM, 2, why);
    free(why);
}

/* The plan's findings about step (a refused weaker answer, a merge). */
static void
plan_notes(const struct tui *t, struct tw_doc *d, const struct plan *p,
           enum check_step step)
{
    for (size_t i = 0; i < p->findings.n; i++) {
        const struct finding *f = &p->findings.v[i];

        if (p->fstep[i] != step || strcmp(f->id, "PLAN_ELSEWHERE") == 0)
            continue;
        char *m = tui_finding_message(f);
        tw_item(d, present_sev_tag(f->sev, t->utf8),
                f->sev == SEV_INFO ? TS_INFO : f->sev == SEV_FAIL ? TS_FAIL
                : TS_WARN, TS_NORMAL, 0, m);
        free(m);
    }
}

void
scr_plan_step(const struct tui *t, struct tw_doc *d,
              const struct export_plan *plan, enum check_step step)
{
    const struct gen_rrs *rrs = &plan->rrs[step];
    const struct gen_rrs *ext = &plan->elsewhere[step];
    const struct findings *notes = &plan->notes[step];
    struct plan live;
    bool have_live = rrs->n > 0 && tui_live_plan(t, plan, &live);
    bool unread = have_live && live.status == PLAN_ERROR &&
                  plan_step_count(&live, step) == 0 &&
                  findings_has(&live.findings, "PLAN_DNS_ERROR");

    if (have_live && !unread) {
        size_t n = plan_step_count(&live, step);

        /* A published MTA-STS policy that could not be read: the
         * plan's note says so (nothing is known to be met). */
        if (n == 0 && !(step == STEP_SMTP &&
                        findings_has(&live.findings, "PLAN_STS_UNREAD")))
            tw_text(d, TS_BOLD, 0, _("Nothing to publish: what is "
                                     "published already meets your "
                                     "answers."));
        else if (n > 0)
            tw_text(d, TS_BOLD, 0, P_("Make this change in your zone:",
                                      "Make these changes in your zone, "
                                      "deletions first:", n));
        for (size_t i = 0; i < live.n; i++)
            if (live.v[i].step == step)
                plan_change(t, d, &live.v[i]);
        plan_notes(t, d, &live, step);
    } else {
        if (rrs->n > 0)
            tw_text(d, TS_BOLD, 0, P_("Publish this record in your zone:",
                                      "Publish these records in your "
                                      "zone:", rrs->n));
        for (size_t i = 0; i < rrs->n; i++) {
            scr_publish(t, d, rrs->v[i].owner, rrs->v[i].type,
                        rrs->v[i].rdata);
            if (rrs->v[i].note != NULL)
                tw_text(d, TS_DIM, 2, _(rrs->v[i].note));
        }
    }
    if (have_live)
        plan_fini(&live);
    if (ext->n > 0) {
        tw_blank(d);
        tw_text(d, TS_BOLD, 0, _("Published by someone else:"));
    }
    for (size_t i = 0; i < ext->n; i++) {
        scr_publish(t, d, ext->v[i].owner, ext->v[i].type,
                    ext->v[i].rdata);
        if (ext->v[i].note != NULL)
            tw_text(d, TS_DIM, 2, _(ext->v[i].note));
    }
    if (notes->n > 0)
        tw_blank(d);
    for (size_t i = 0; i < notes->n; i++) {
        char *m = tui_finding_message(&notes->v[i]);
        tw_item(d, present_sev_tag(notes->v[i].sev, t->utf8),
                notes->v[i].sev == SEV_INFO ? TS_INFO
                : notes->v[i].sev == SEV_FAIL ? TS_FAIL : TS_WARN,
                TS_NORMAL, 0, m);
        free(m);
    }
}

