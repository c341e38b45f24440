/* scr_summary.c - the summary (every item's state, what is left, the
 * checklist export) and the "what changed since last time" screen. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailready/export.h"
#include "mailready/present.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static const char *const step_titles[STEP_COUNT] = {
    [STEP_MX] = N_("Mail servers (MX)"),
    [STEP_SPF] = N_("Allowed senders (SPF)"),
    [STEP_DKIM] = N_("Signatures (DKIM)"),
    [STEP_DMARC] = N_("Policy (DMARC)"),
    [STEP_PTR] = N_("Reverse DNS (PTR)"),
    [STEP_SMTP] = N_("Delivery"),
};

/* "2026-11-28 22:38 UTC" into buf[40]. */
static void
when_text(long long epoch, char buf[40])
{
    time_t tt = (time_t)epoch;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL
        || strftime(buf, 40, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        str_copy(buf, "?", 40);
}

/* Record types are DNS syntax: never translated. */
static const char *const step_short[STEP_COUNT] = {
    "MX", "SPF", "DKIM", "DMARC", "PTR", "SMTP"
};

static void
summary_draw(const struct tui *t, struct tw_doc *d)
{
    size_t left = 0;

    if (t->running) {
        tw_item(d, tw_spinner(t->tick, t->utf8), TS_INFO, TS_NORMAL, 0,
                _("Checking DNS…"));
        return;
    }
    tw_text(d, TS_NORMAL, 0, _("Where your domain stands:"));
    tw_blank(d);
    for (int s = 0; s < STEP_COUNT; s++) {
        char *line;

        /* A step the wizard does not run (delivery) only when known. */
        if (!(CHECK_DEFAULT_STEPS & (1u << s)) && !tui_step_known(t, s))
            continue;
        if (!tui_step_known(t, s)) {
            line = xasprintf("%d %s: %s", s + 1, _(step_titles[s]),
                             _("not checked"));
            tw_item(d, "-", TS_DIM, TS_DIM, 0, line);
            free(line);
            continue;
        }
        enum check_status st = tui_step_status(t, s);
        line = xasprintf("%d %s: %s", s + 1, _(step_titles[s]),
                         present_status_word(st));
        tw_item(d, tui_status_sym(t, st), tui_status_style(st),
                tui_status_style(st), 0, line);
        free(line);
    }
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("What is left to do:"));
    for (int s = 0; s < STEP_COUNT; s++) {
        const struct check_result *res;

        if (!tui_step_known(t, s))
            continue;
        res = tui_result(t, s);
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            if (f->sev == SEV_INFO)
                continue;
            char *msg = tui_finding_message(f);
            char *line = xasprintf("%s: %s", step_short[s], msg);
            tw_item(d, present_sev_tag(f->sev, t->utf8),
                    f->sev == SEV_ERROR ? TS_ERROR
                    : f->sev == SEV_WARN ? TS_WARN : TS_FAIL,
                    TS_NORMAL, 2, line);
            free(line);
            free(msg);
            left++;
        }
    }
    bool all = true;
    for (int s = 0; s < STEP_COUNT; s++)
        if ((CHECK_DEFAULT_STEPS & (1u << s)) && !tui_step_known(t, s))
            all = false;
    if (left == 0 && t->checked && all)
        tw_text(d, TS_OK, 2, _("Nothing: every check passes."));
    else if (left == 0 && t->checked)
        tw_text(d, TS_NORMAL, 2, _("Nothing from the checks that ran."));
    tw_blank(d);
    tw_text(d, TS_NORMAL, 0, _("Press e to write a printable checklist "
                               "with every record to publish (text and "
                               "HTML, in the current directory)."));
    if (t->checked) {
        char when[40];
        when_text((long long)t->checked_at, when);
        char *m = xasprintf(_("Last checked: %s"), when);
        tw_blank(d);
        tw_text(d, TS_DIM, 0, m);
        free(m);
    }
}

/* Write the checklist of the wizard's state and answers to the file
 * name in the current directory, in format fmt.  Returns NULL when it was
 * written, else why not, translated (caller frees). */
static char *
export_one(const struct export_doc *doc, enum export_format fmt,
           const char *path)
{
    struct rc_err err = { 0 };
    char *text = export_render(doc, fmt, &present_export_tr,
                               present_utf8());
    enum rc rc = export_write(path, text, strlen(text), &err);
    char *why = rc == RC_OK ? NULL : present_err(rc, &err);

    rc_err_fini(&err);
    free(text);
    return why;
}

static unsigned
summary_key(struct tui *t, int key)
{
    char cwd[PATH_MAX];
    char *txt, *html, *m, *why;
    struct export_plan plan;
    struct export_doc doc;
    struct plan live;
    bool have_live;

    if (key != 'e' || t->domain == NULL || t->st == NULL)
        return ACT_NONE;
    if (t->running) {
        tui_notice(t, _("Wait for the check to finish, then export."));
        return ACT_REDRAW;
    }
    tui_state_save(t);
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        str_copy(cwd, ".", sizeof(cwd));
    txt = xasprintf("%s/mailready-%s.txt", cwd, t->domain);
    html = xasprintf("%s/mailready-%s.html", cwd, t->domain);
    /* The results of this visit's checks and the answers as they stand,
     * built once, written twice. */
    tui_plan(t, &plan);
    have_live = tui_live_plan(t, &plan, &live);
    export_doc_build(&doc, t->st, &plan, have_live ? &live : NULL,
                     t->domain, t->ulabel, true,
                     (long long)time(NULL));
    why = export_one(&doc, EXPORT_TXT, txt);
    if (why == NULL)
        why = export_one(&doc, EXPORT_HTML, html);
    if (why == NULL) {
        m = xasprintf(_("Checklist written to %1$s and %2$s (for "
                        "printing)."), txt, html);
        tui_set_str(&t->checklist, txt);
    }
    else
        m = xasprintf(_("Export failed: %s"), why);
    tui_notice(t, m);
    if (have_live)
        plan_fini(&live);
    export_plan_fini(&plan);
    free(why);
    free(m);
    free(txt);
    free(html);
    return ACT_REDRAW;
}

const struct screen_ops scr_summary_ops = {
    .id = "summary",
    .title = N_("Summary"),
    .draw = summary_draw,
    .key = summary_key,
};

/* ---- what changed since the last visit ------------------------------- */

static void
changes_draw(const struct tui *t, struct tw_doc *d)
{
    char when[40];

    when_text(t->old_st != NULL ? t->old_st->checked_at : 0, when);
    char *m = xasprintf(_("What changed since your last check (%s):"),
                        when);
    tw_text(d, TS_NORMAL, 0, m);
    free(m);
    tw_blank(d);
    if (t->running || !t->have_diff) {
        tw_item(d, tw_spinner(t->tick, t->utf8), TS_INFO, TS_NORMAL, 0,
                _("Checking DNS…"));
        return;
    }
    for (int s = 0; s < STEP_COUNT; s++) {
        const struct state_step_diff *sd = &t->diff.step[s];
        const char *what;
        enum tui_style st;

        if (!sd->new_present)
            continue;
        switch (sd->change) {
        case STATE_CH_FIXED:
            what = _("fixed");
            st = TS_OK;
            break;
        case STATE_CH_BROKEN:
            what = _("newly broken");
            st = TS_FAIL;
            break;
        case STATE_CH_NOCHECK:
            what = _("could not check");
            st = TS_ERROR;
            break;
        case STATE_CH_NEW:
            what = _("checked for the first time");
            st = tui_status_style(sd->after);
            break;
        case STATE_CH_RECORDS:
            what = _("records changed");
            st = tui_status_style(sd->after);
            break;
        default:
            what = sd->after == ST_OK ? _("still good") : _("still to do");
            st = sd->after == ST_OK ? TS_OK : tui_status_style(sd->after);
            break;
        }
        char *line = xasprintf("%s: %s", _(step_titles[s]), what);
        tw_item(d, tui_status_sym(t, sd->after),
                tui_status_style(sd->after), st, 0, line);
        free(line);
        struct state_strs lines = { NULL, 0 };

        /* The records' content first, then findings new and gone. */
        present_step_changes(sd, t->old_st, t->st, s, &lines);
        for (size_t k = 0; k < lines.n; k++)
            tw_text(d, TS_NORMAL, 4, lines.v[k]);
        state_strs_clear(&lines);
    }
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("Press Enter to continue with the first step "
                            "that is not done."));
}

static unsigned
changes_key(struct tui *t, int key)
{
    if (key != TK_ENTER && key != TK_ESC && key != 'n' && key != 'b')
        return ACT_NONE;
    if (t->running)
        return ACT_USED;
    for (int s = 0; s < STEP_COUNT; s++) {
        if (!(CHECK_DEFAULT_STEPS & (1u << s)))
            continue;           /* no screen of its own in the wizard */
        if (tui_step_known(t, s) && tui_step_status(t, s) != ST_OK) {
            t->help_return = (enum scr_id)(SCR_MX + s);
            return ACT_BACK | ACT_REDRAW;
        }
    }
    t->help_return = SCR_SUMMARY;
    return ACT_BACK | ACT_REDRAW;
}

const struct screen_ops scr_changes_ops = {
    .id = "changes",
    .title = N_("Welcome back"),
    .draw = changes_draw,
    .key = changes_key,
};
