/* scr_dmarc.c - the DMARC step screen. */
#include "mailready/i18n.h"
#include "mailready/tui.h"

static void
dmarc_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("DMARC tells receivers what to do with mail that "
                        "claims to be from your domain but fails SPF and "
                        "DKIM, and where to send reports about it. Start "
                        "by only watching (p=none), then tighten."));
    scr_step_results(t, d, STEP_DMARC);
}

const struct screen_ops scr_dmarc_ops = {
    .id = "dmarc",
    .title = N_("Step 4: your policy against forgery (DMARC)"),
    .draw = dmarc_draw,
};
