/* scr_steps.c - the step list: every screen of the walk (the domain and
 * provider questions, the six steps, the summary) with its state, to go
 * to any of them at any time (s or F2). */
#include <stdlib.h>
#include <string.h>

#include "mailready/present.h"
#include "mailready/i18n.h"
#include "mailready/strbuf.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* The entries are the screens SCR_DOMAIN .. SCR_SUMMARY, in order. */
#define STEPS_N ((size_t)SCR_SUMMARY + 1)

static const struct screen_ops *const entries[] = {
    &scr_domain_ops, &scr_provider_ops, &scr_mx_ops, &scr_spf_ops,
    &scr_dkim_ops, &scr_dmarc_ops, &scr_ptr_ops, &scr_smtp_ops,
    &scr_summary_ops,
};
_Static_assert(sizeof(entries) / sizeof(entries[0]) == STEPS_N,
               "one entry per screen of the walk");

/* Without a domain only the domain question can be opened. */
static bool
entry_open(const struct tui *t, size_t i)
{
    return i == SCR_DOMAIN || t->domain != NULL;
}

/* The providers answered, for the provider entry.  Caller frees. */
static char *
providers_text(const struct tui *t)
{
    struct strbuf sb = STRBUF_INIT;
    const struct preset *p;

    for (size_t i = 0; (p = tui_preset_at(t, i)) != NULL; i++) {
        if (sb.len > 0)
            strbuf_adds(&sb, ", ");
        if (p->kind != PRESET_OWN)
            strbuf_adds(&sb, p->name);
        else if (t->st->answers.own_send_only)
            strbuf_adds(&sb, _("your own server (sends only)"));
        else
            strbuf_adds(&sb, _("your own server"));
    }
    if (sb.len == 0)
        strbuf_adds(&sb, _("another provider, or not known yet"));
    return strbuf_detach(&sb);
}

static void
steps_draw(const struct tui *t, struct tw_doc *d)
{
    tw_text(d, TS_NORMAL, 0,
            _("Every step of the wizard with its state. Go to any of them "
              "to look again or change your answers."));
    tw_blank(d);
    for (size_t i = 0; i < STEPS_N; i++) {
        bool sel = i == t->steps_sel, open = entry_open(t, i);
        const char *sym = "-";
        enum tui_style symst = TS_DIM;
        char *detail = NULL, *line;

        if (i == SCR_DOMAIN && t->domain != NULL) {
            sym = tui_status_sym(t, ST_OK);
            symst = TS_OK;
            detail = xstrdup(t->ulabel != NULL ? t->ulabel : t->domain);
        } else if (i == SCR_DOMAIN) {
            detail = xstrdup(_("not answered"));
        } else if (i == SCR_PROVIDER && t->st->answers.answered) {
            sym = tui_status_sym(t, ST_OK);
            symst = TS_OK;
            detail = providers_text(t);
        } else if (i == SCR_PROVIDER) {
            detail = xstrdup(_("not answered"));
        } else if (i >= SCR_MX && i < SCR_SUMMARY && t->domain != NULL) {
            enum check_step cs = (enum check_step)(i - SCR_MX);

            if (t->running) {
                sym = tw_spinner(t->tick, t->utf8);
                symst = TS_INFO;
                detail = xstrdup(_("checking DNS…"));
            } else if (tui_step_known(t, cs)) {
                enum check_status st = tui_step_status(t, cs);

                sym = tui_status_sym(t, st);
                symst = tui_status_style(st);
                detail = xstrdup(present_status_word(st));
            } else {
                detail = xstrdup(_("not checked"));
            }
        } else if (i == SCR_SUMMARY) {
            sym = " ";
        }
        if (detail != NULL)
            line = xasprintf("%s: %s", _(entries[i]->title), detail);
        else
            line = xstrdup(_(entries[i]->title));
        if (sel)
            d->focus = (int)d->n;
        tw_item(d, sym, symst, sel ? TS_SEL : open ? TS_NORMAL : TS_DIM,
                2, line);
        free(line);
        free(detail);
    }
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("↑↓ choose, Enter goes there, Esc goes "
                            "back."));
}

static unsigned
steps_key(struct tui *t, int key)
{
    switch (key) {
    case TK_FN(KEY_UP):
    case 'k':
        if (t->steps_sel > 0)
            t->steps_sel--;
        return ACT_REDRAW;
    case TK_FN(KEY_DOWN):
    case 'j':
        if (t->steps_sel + 1 < STEPS_N)
            t->steps_sel++;
        return ACT_REDRAW;
    case TK_FN(KEY_HOME):
        t->steps_sel = 0;
        return ACT_REDRAW;
    case TK_FN(KEY_END):
        t->steps_sel = STEPS_N - 1;
        return ACT_REDRAW;
    case TK_ENTER:
        if (!entry_open(t, t->steps_sel)) {
            tui_notice(t, _("Give the domain first."));
            return ACT_REDRAW;
        }
        t->goto_scr = (enum scr_id)t->steps_sel;
        return ACT_GOTO | ACT_REDRAW;
    case TK_ESC:
        return ACT_BACK | ACT_REDRAW;
    default:
        return ACT_NONE;
    }
}

const struct screen_ops scr_steps_ops = {
    .id = "steps",
    .title = N_("All steps"),
    .draw = steps_draw,
    .key = steps_key,
};
