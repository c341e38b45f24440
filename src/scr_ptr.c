/* scr_ptr.c - the PTR (reverse DNS) step screen. */
#include "mailready/i18n.h"
#include "mailready/tui.h"

static void
ptr_draw(const struct tui *t, struct tw_doc *d)
{
    scr_step_intro(d, _("A PTR record maps your server's IP address back "
                        "to its host name, and that name must point to "
                        "the address again. Many receivers refuse mail "
                        "from addresses without it. Only the owner of the "
                        "address (your ISP or cloud provider) can set "
                        "it."));
    scr_step_results(t, d, STEP_PTR);
}

const struct screen_ops scr_ptr_ops = {
    .id = "ptr",
    .title = N_("Step 5: your server's name (PTR)"),
    .draw = ptr_draw,
};
