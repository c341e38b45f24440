/* scr_spf.c - the SPF step screen: what DNS holds, and the record the
 * generator builds from the admin's answers. */
#include <stdlib.h>
#include <string.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_spf.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
spf_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("SPF lists the servers that may send mail with "
                        "your domain in the envelope sender. Receivers "
                        "check it on every message; mail from a server "
                        "not on the list is suspicious or rejected."));
    scr_step_results(t, d, STEP_SPF);
    tw_blank(d);
    if (tui_has_provider(t, "own") && t->ans.hostname == NULL
        && !t->ans.own_send_only) {
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
    if (t->ans.nprov == 0) {
        tw_blank(d);
        tw_text(d, TS_NORMAL, 0,
                _("Your mail provider's guide gives the include: to put "
                  "in your SPF record. A domain that sends no mail at all "
                  "should publish:"));
        scr_publish(t, d, t->domain, DNS_T_TXT, GEN_SPF_NO_MAIL);
    } else {
        tw_text(d, TS_DIM, 2,
                _("If other services also send mail as your domain "
                  "(a newsletter tool, a web shop), add their include: "
                  "before the ~all."));
    }
}

const struct screen_ops scr_spf_ops = {
    .id = "spf",
    .title = N_("Step 2: who may send your mail (SPF)"),
    .draw = spf_draw,
};
