/* scr_ptr.c - the PTR (reverse DNS) step screen: per sending address the
 * PTR and its forward confirmation (from the check), who can set it, and
 * the request to send them (the generator's pieces in a translated
 * letter). */
#include <stdlib.h>
#include <string.h>

#include "mailready/gen_ptr.h"
#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
draw_request(const struct tui *t, struct tw_doc *d, const char *ip)
{
    struct gen_ptr_request *r = NULL;
    const char *why = NULL;

    if (gen_ptr_request_new(ip, t->st->answers.hostname, &r, &why) != RC_OK) {
        char *m = xasprintf(_(why != NULL ? why
                                          : N_("No request for %s.")), ip);
        tw_item(d, "-", TS_DIM, TS_DIM, 2, m);
        free(m);
        return;
    }
    char *m = xasprintf(_("To the owner of %s (your ISP or cloud "
                          "provider; often a form in its control panel "
                          "does it):"), r->address);
    tw_text(d, TS_NORMAL, 2, m);
    free(m);
    char *letter = xasprintf(
        _("Subject: reverse DNS (PTR) for %1$s\n"
          "\n"
          "Hello,\n"
          "\n"
          "please set the reverse DNS (PTR record) of the IP address %1$s, "
          "which you assigned to us, to the host name %2$s. The reverse "
          "name is %3$s.\n"
          "\n"
          "We publish %2$s with the address %1$s, so that the name and "
          "the address confirm each other, as mail receivers require.\n"
          "\n"
          "Thank you."), r->address, r->hostname, r->reverse);
    tw_text(d, TS_RECORD, 4, letter);
    free(letter);
    gen_ptr_request_free(r);
}

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
    tw_blank(d);
    if (t->st->answers.server_ips.n == 0) {
        tw_text(d, TS_DIM, 0,
                _("If you run your own mail server, give its addresses "
                  "and host name on the second screen (press b until "
                  "you get there): this step then checks them and writes "
                  "the request for you. A mail provider sets the PTR of "
                  "its own servers."));
        return;
    }
    if (t->st->answers.hostname == NULL) {
        tw_text(d, TS_NORMAL, 0,
                _("Give your server's host name on the second screen to "
                  "get the request text."));
        return;
    }
    if (tui_step_known(t, STEP_PTR)
        && tui_step_status(t, STEP_PTR) == ST_OK) {
        tw_text(d, TS_OK, 0, _("Nothing to ask: the reverse DNS of your "
                               "addresses is right."));
        return;
    }
    tw_text(d, TS_BOLD, 0, _("What to ask for"));
    for (size_t i = 0; i < t->st->answers.server_ips.n; i++) {
        draw_request(t, d, t->st->answers.server_ips.v[i]);
        tw_blank(d);
    }
}

const struct screen_ops scr_ptr_ops = {
    .id = "ptr",
    .title = N_("Step 5: Reverse DNS (PTR)"),
    .draw = ptr_draw,
};
