/* scr_mx.c - the MX step screen. */
#include <stdlib.h>
#include <string.h>

#include "mailready/present.h"
#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/gen_mx.h"
#include "mailready/export.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
mx_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("MX records tell other mail servers where to "
                        "deliver mail for your domain. Without them, mail "
                        "to your addresses is delivered to the domain's "
                        "own address, or bounces. A domain that receives "
                        "no mail should say so with a null MX."));
    scr_step_results(t, d, STEP_MX);
    tw_blank(d);
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
        scr_plan_step(t, d, &plan, STEP_MX);
        export_plan_fini(&plan);
    }
    if (t->st->answers.providers.n == 0) {
        tw_blank(d);
        tw_text(d, TS_NORMAL, 0,
                _("A domain that receives no mail at all should publish a "
                  "null MX instead:"));
        scr_publish(t, d, t->domain, DNS_T_MX, GEN_MX_NULL);
    }
}

const struct screen_ops scr_mx_ops = {
    .id = "mx",
    .title = N_("Step 1: Mail servers (MX)"),
    .draw = mx_draw,
};
