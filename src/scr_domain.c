/* scr_domain.c - the first screen: which domain to set up. */
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/tui.h"
#include "mailready/util.h"

static void
domain_enter(struct tui *t)
{
    if (t->domain != NULL && t->sd.edit.len == 0)
        tw_edit_set(&t->sd.edit, t->ulabel);
}

static void
domain_draw(const struct tui *t, struct tw_doc *d)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;

    tw_text(d, TS_NORMAL, 0,
            _("This wizard checks the DNS records that decide whether "
              "mail from and to your domain is delivered, explains what "
              "is wrong in plain words, and gives you the exact records "
              "to publish. Nothing is changed for you: you publish the "
              "records at your DNS provider."));
    tw_blank(d);
    tw_field(d, 0, _("Your domain (the part after @ in your mail "
                     "addresses), then Enter:"), &t->sd.edit, true);
    if (t->sd.edit.len > 0
        && name_normalize(t->sd.edit.buf, false, false, &a, &u, &why)
           == RC_OK && strcmp(a, u) != 0) {
        char *m = xasprintf(_("In DNS this name is written %s."), a);
        tw_text(d, TS_DIM, 2, m);
        free(m);
    }
    free(a);
    free(u);
    if (t->sd.error != NULL) {
        tw_blank(d);
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 0,
                _(t->sd.error));
    }
    if (t->sd.last != NULL && strcmp(t->sd.edit.buf, t->sd.last) == 0) {
        char *m = xasprintf(_("Last time you worked on %s: press Enter "
                              "to go on with it, or type another "
                              "domain."), t->sd.last);
        tw_blank(d);
        tw_text(d, TS_NORMAL, 0, m);
        free(m);
    }
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("Example: example.com or señal.es"));
}

static unsigned
domain_key(struct tui *t, int key)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;

    if (key == TK_ENTER) {
        if (name_normalize(t->sd.edit.buf, false, false, &a, &u, &why)
            != RC_OK) {
            t->sd.error = why != NULL ? why
                                      : N_("That is not a domain name.");
            return ACT_REDRAW;
        }
        t->sd.error = NULL;
        if (t->domain == NULL || strcmp(t->domain, a) != 0) {
            free(t->domain);
            free(t->ulabel);
            t->domain = a;
            t->ulabel = u;
            t->checked = false;
            tui_state_open(t);
            if (t->old_st != NULL && t->st->answers.answered)
                return ACT_CHANGES | ACT_REDRAW;
        } else {
            free(a);
            free(u);
        }
        return ACT_NEXT | ACT_SAVE | ACT_REDRAW;
    }
    if (key == TK_ESC)
        return ACT_USED;
    if (tw_edit_key(&t->sd.edit, key)) {
        t->sd.error = NULL;
        return ACT_REDRAW;
    }
    return ACT_NONE;
}

const struct screen_ops scr_domain_ops = {
    .id = "domain",
    .title = N_("Which domain?"),
    .enter = domain_enter,
    .draw = domain_draw,
    .key = domain_key,
};
