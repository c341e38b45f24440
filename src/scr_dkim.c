/* scr_dkim.c - the DKIM step screen. */
#include "mailready/i18n.h"
#include "mailready/tui.h"

static void
dkim_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("DKIM signs every message with a key; receivers "
                        "find the public half in DNS under a selector and "
                        "check that the message was not forged or "
                        "changed. DMARC needs DKIM or SPF to pass."));
    scr_step_results(t, d, STEP_DKIM);
}

const struct screen_ops scr_dkim_ops = {
    .id = "dkim",
    .title = N_("Step 3: signing your mail (DKIM)"),
    .draw = dkim_draw,
};
