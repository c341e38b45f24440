/* scr_spf.c - the SPF step screen: what DNS holds, how the record ends
 * (~all while testing, -all when every sender is listed), and the record
 * the generator builds from the admin's answers. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_spf.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static const char *const ending_names[] = {
    N_("mark it as suspicious, but deliver it (~all)"),
    N_("refuse it (-all)"),
};

/* The ending question: what receivers do with mail from a server that
 * is not on the list. */
static void
draw_ending(const struct tui *t, struct tw_doc *d)
{
    bool hard = t->st->answers.spf_hard_fail;
    char *line = xasprintf(t->utf8 ? "◀ %s ▶" : "< %s >",
                           _(ending_names[hard ? 1 : 0]));

    tw_text(d, TS_BOLD, 0, _("What should receivers do with mail from a "
                             "server that is not on the list? (←→ "
                             "change)"));
    d->focus = (int)d->n;
    tw_item(d, ">", TS_SEL, TS_SEL, 2, line);
    free(line);
    if (hard)
        tw_text(d, TS_DIM, 2,
                _("Mail from any server you forgot to list is refused. "
                  "Choose this once every service that sends as your "
                  "domain is in the record."));
    else
        tw_text(d, TS_DIM, 2,
                _("Best while you test: if you forgot a server that "
                  "sends for you (a web shop, a newsletter tool), its "
                  "mail is only marked, not lost. Switch to -all when the "
                  "DMARC reports show that all your mail passes."));
    tw_blank(d);
}

static void
spf_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("SPF lists the servers that may send mail with "
                        "your domain in the envelope sender. Receivers "
                        "check it on every message; mail from a server "
                        "not on the list is suspicious or rejected."));
    scr_step_results(t, d, STEP_SPF);
    tw_blank(d);
    if (t->st->answers.providers.n > 0)
        draw_ending(t, d);
    if (tui_has_provider(t, "own") && t->st->answers.hostname == NULL
        && !t->st->answers.own_send_only) {
        /* The records of one's own server need its name. */
        tw_text(d, TS_NORMAL, 0,
                _("Give your server's host name on the second screen "
                  "(press b until you get there) to get the records to "
                  "publish."));
    } else {
        struct export_plan plan;
        tui_plan(t, &plan);
        scr_plan_step(t, d, &plan, STEP_SPF);
        export_plan_fini(&plan);
    }
    if (t->st->answers.providers.n == 0) {
        tw_blank(d);
        tw_text(d, TS_NORMAL, 0,
                _("Your mail provider's guide gives the include: to put "
                  "in your SPF record. A domain that sends no mail at all "
                  "should publish:"));
        scr_publish(t, d, t->domain, DNS_T_TXT, GEN_SPF_NO_MAIL);
    } else {
        char *m = xasprintf(_("If other services also send mail as your "
                              "domain (a newsletter tool, a web shop), "
                              "add their include: before the %s."),
                            t->st->answers.spf_hard_fail ? "-all" : "~all");
        tw_text(d, TS_DIM, 2, m);
        free(m);
    }
}

static unsigned
spf_key(struct tui *t, int key)
{
    if (t->st->answers.providers.n == 0)
        return ACT_NONE;
    if (key == TK_FN(KEY_LEFT) || key == TK_FN(KEY_RIGHT)) {
        t->st->answers.spf_hard_fail = !t->st->answers.spf_hard_fail;
        return ACT_REDRAW | ACT_SAVE;
    }
    return ACT_NONE;
}

const struct screen_ops scr_spf_ops = {
    .id = "spf",
    .title = N_("Step 2: Allowed senders (SPF)"),
    .draw = spf_draw,
    .key = spf_key,
};
