/* scr_help.c - help for the current step in a scrollable pager, with the
 * key list made from tui.c's key table. */
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* The help topic of a screen: the step's own, else the glossary. */
static const char *
topic_of(enum scr_id s)
{
    switch (s) {
    case SCR_MX:
        return "mx";
    case SCR_SPF:
        return "spf";
    case SCR_DKIM:
        return "dkim";
    case SCR_DMARC:
        return "dmarc";
    case SCR_PTR:
        return "ptr";
    default:
        return "glossary";
    }
}

static void
help_enter(struct tui *t)
{
    char *text = NULL;

    free(t->help_text);
    t->help_text = NULL;
    if (i18n_help_load(topic_of(t->help_return), &text) == RC_OK)
        t->help_text = text;
    /* Every step publishes records: why a change takes time to show. */
    if (t->help_text != NULL && t->help_return >= SCR_MX &&
        t->help_return <= SCR_PTR) {
        char *more = NULL;

        if (i18n_help_load("propagation", &more) == RC_OK) {
            char *all = xasprintf("%s\n\n%s", t->help_text, more);

            free(t->help_text);
            t->help_text = all;
            free(more);
        }
    }
}

static void
help_draw(const struct tui *t, struct tw_doc *d)
{
    if (t->help_text != NULL) {
        const char *nl = strchr(t->help_text, '\n');
        size_t tl = nl != NULL ? (size_t)(nl - t->help_text)
                               : strlen(t->help_text);
        char *title = xstrndup(t->help_text, tl);

        tw_text(d, TS_BOLD, 0, title);
        free(title);
        if (nl != NULL)
            tw_text(d, TS_NORMAL, 0, nl + 1);
    } else {
        tw_text(d, TS_DIM, 0, _("There is no help text for this step."));
    }
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("Keys"));
    tui_keys_doc(d);
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("Press Esc or Enter to go back."));
}

static unsigned
help_key(struct tui *t, int key)
{
    (void)t;
    if (key == TK_ESC || key == TK_ENTER || key == 'q' || key == 'b'
        || key == TK_FN(KEY_F(1)) || key == '?')
        return ACT_BACK | ACT_REDRAW;
    return ACT_NONE;
}

const struct screen_ops scr_help_ops = {
    .id = "help",
    .title = N_("Help"),
    .enter = help_enter,
    .draw = help_draw,
    .key = help_key,
};
