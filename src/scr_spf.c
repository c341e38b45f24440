/* scr_spf.c - the SPF step screen. */
#include "mailready/i18n.h"
#include "mailready/tui.h"

static void
spf_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("SPF lists the servers that may send mail with "
                        "your domain in the envelope sender. Receivers "
                        "check it on every message; mail from a server "
                        "not on the list is suspicious or rejected."));
    scr_step_results(t, d, STEP_SPF);
}

const struct screen_ops scr_spf_ops = {
    .id = "spf",
    .title = N_("Step 2: who may send your mail (SPF)"),
    .draw = spf_draw,
};
