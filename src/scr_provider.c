/* scr_provider.c - how the domain's mail is handled: one of the provider
 * presets, or the admin's own server with its public addresses and host
 * name. */
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* Menu entries: the presets other than "own" in file order, then the own
 * server, the own server that only sends, then "other".  Entry i's preset
 * id: "own" for both own entries, or "other".  The menu holds at most
 * TUI_PROVIDER_ENTRIES entries (sp.marked has one flag each): presets
 * past that many are not offered. */
static size_t
entry_count(const struct tui *t)
{
    size_t n = 3;

    for (size_t i = 0; t->presets != NULL && i < t->presets->n; i++)
        if (t->presets->v[i].kind != PRESET_OWN &&
            n < TUI_PROVIDER_ENTRIES)
            n++;
    return n;
}

static const struct preset *
entry_preset(const struct tui *t, size_t sel)
{
    for (size_t i = 0; t->presets != NULL && i < t->presets->n; i++) {
        if (t->presets->v[i].kind == PRESET_OWN)
            continue;
        if (sel == 0)
            return &t->presets->v[i];
        sel--;
    }
    return NULL;
}

static bool
entry_is_own(const struct tui *t, size_t sel)
{
    return sel == entry_count(t) - 3;
}

static bool
entry_is_own_send(const struct tui *t, size_t sel)
{
    return sel == entry_count(t) - 2;
}

static const char *
entry_id(const struct tui *t, size_t sel)
{
    const struct preset *p = entry_preset(t, sel);

    if (p != NULL)
        return p->id;
    return entry_is_own(t, sel) || entry_is_own_send(t, sel) ? "own"
                                                             : "other";
}

static void
ips_format(const struct state_answers *a, struct strbuf *sb)
{
    for (size_t i = 0; i < a->server_ips.n; i++) {
        if (i > 0)
            strbuf_addc(sb, ' ');
        strbuf_adds(sb, a->server_ips.v[i]);
    }
}

static void
provider_enter(struct tui *t)
{
    struct strbuf sb = STRBUF_INIT;
    size_t n = entry_count(t);

    t->sp.focus = 0;
    t->sp.ask_detect = false;
    t->sp.error = NULL;
    t->sp.sel = n - 3;
    memset(t->sp.marked, 0, sizeof(t->sp.marked));
    for (size_t i = 0; i < n && i < ARRAY_LEN(t->sp.marked); i++) {
        if ((entry_is_own(t, i) && t->st->answers.own_send_only)
            || (entry_is_own_send(t, i) && !t->st->answers.own_send_only))
            continue;
        if (tui_has_provider(t, entry_id(t, i))) {
            t->sp.marked[i] = true;
            t->sp.sel = i;
        }
    }
    if (t->st->answers.answered && t->st->answers.providers.n == 0 &&
        n - 1 < ARRAY_LEN(t->sp.marked))
        t->sp.marked[n - 1] = true;
    ips_format(&t->st->answers, &sb);
    tw_edit_set(&t->sp.ips, strbuf_str(&sb));
    tw_edit_set(&t->sp.host, t->st->answers.hostname);
    strbuf_fini(&sb);
}

static void
provider_draw(const struct tui *t, struct tw_doc *d)
{
    size_t n = entry_count(t);
    const char **items = xcalloc(n, sizeof(*items));
    char **owned = xcalloc(n, sizeof(*owned));

    for (size_t i = 0; i < n; i++) {
        const struct preset *p = entry_preset(t, i);
        const char *name;
        char *tmp = NULL;

        if (p != NULL && p->kind == PRESET_SENDING)
            name = tmp = xasprintf(_("%s (sends only)"), p->name);
        else if (p != NULL)
            name = p->name;
        else if (entry_is_own(t, i))
            name = _("My own mail server (Postfix, Exim, mailcow...)");
        else if (entry_is_own_send(t, i))
            name = _("My own server, which only sends (newsletters, a "
                     "shop); the mailboxes are elsewhere");
        else
            name = _("Another provider, or I do not know yet");
        items[i] = owned[i] = xasprintf("[%s] %s",
                                        i < ARRAY_LEN(t->sp.marked)
                                        && t->sp.marked[i] ? "x" : " ",
                                        name);
        free(tmp);
    }
    tw_text(d, TS_NORMAL, 0,
            _("Who handles mail for this domain? Mark each service with "
              "the space bar (a mailbox provider and a sending service, "
              "say), then press Enter. Enter alone takes the highlighted "
              "one."));
    tw_blank(d);
    if (t->sp.focus == 0) {
        tw_menu(d, 0, items, n, t->sp.sel);
    } else {
        for (size_t i = 0; i < n; i++)
            if (i < ARRAY_LEN(t->sp.marked) && t->sp.marked[i])
                tw_item(d, ">", TS_BOLD, TS_BOLD, 0, items[i]);
    }
    if (t->sp.focus > 0) {
        tw_blank(d);
        tw_field(d, 0, _("Your server's public IP addresses (IPv4 and "
                         "IPv6), separated by spaces:"), &t->sp.ips,
                 t->sp.focus == 1);
        tw_blank(d);
        tw_field(d, 0, _("Your server's host name (what it says in HELO, "
                         "e.g. mail.example.com):"), &t->sp.host,
                 t->sp.focus == 2);
        tw_blank(d);
        tw_text(d, TS_DIM, 0, _("Tab moves between the fields; Esc goes "
                                "back to the list."));
        if (t->sp.ask_detect) {
            char *m = xasprintf(_("Ask %s for the public address of the "
                                  "machine running mailready? Do it only "
                                  "on your mail server. (y/n)"), t->ip_url);
            tw_blank(d);
            d->focus = (int)d->n;
            tw_text(d, TS_BOLD, 0, m);
            free(m);
        } else if (t->ip_url != NULL && !tui_detecting(t)) {
            char *m = xasprintf(_("F3: if you run mailready on the mail "
                                  "server, learn its public address from "
                                  "%s (asks first)."), t->ip_url);
            tw_text(d, TS_DIM, 0, m);
            free(m);
        }
    }
    if (t->sp.error != NULL) {
        char *m = xasprintf(_(t->sp.error),
                            t->sp.error_arg != NULL ? t->sp.error_arg : "");
        tw_blank(d);
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 0, m);
        free(m);
    }
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(owned);
    free(items);
}

static void
set_error(struct tui *t, const char *msgid, const char *arg)
{
    t->sp.error = msgid;
    tui_set_str(&t->sp.error_arg, arg);
}

/* Check the addresses field; on success store them in the answers. */
static bool
take_ips(struct tui *t)
{
    char *copy = xstrdup(t->sp.ips.buf);
    char *list[STATE_MAX_SERVER_IPS];
    size_t n = 0;
    bool ok = true;
    char *p = copy;

    while (*p != '\0') {
        while (*p == ' ' || *p == ',')
            *p++ = '\0';
        if (*p == '\0')
            break;
        char *w = p;
        while (*p != '\0' && *p != ' ' && *p != ',')
            p++;
        if (*p != '\0')
            *p++ = '\0';
        struct ipaddr ip;
        if (!net_parse(w, &ip)) {
            char *vis = str_visible(w, strlen(w));
            set_error(t, N_("'%s' is not an IPv4 or IPv6 address."), vis);
            free(vis);
            ok = false;
            break;
        }
        if (n == STATE_MAX_SERVER_IPS) {
            char max[16];

            snprintf(max, sizeof(max), "%d", STATE_MAX_SERVER_IPS);
            set_error(t, N_("At most %s addresses, please."), max);
            ok = false;
            break;
        }
        list[n++] = w;
    }
    if (ok) {
        state_strs_clear(&t->st->answers.server_ips);
        for (size_t i = 0; i < n; i++)
            state_strs_add(&t->st->answers.server_ips, list[i]);
    }
    free(copy);
    return ok;
}

static bool
take_host(struct tui *t)
{
    char *a = NULL, *u = NULL;
    const char *why = NULL;

    if (t->sp.host.len == 0) {
        tui_set_str(&t->st->answers.hostname, NULL);
        return true;
    }
    if (name_normalize(t->sp.host.buf, false, false, &a, &u, &why)
        != RC_OK || !name_is_hostname(a)) {
        char *vis = str_visible(t->sp.host.buf, t->sp.host.len);
        set_error(t, N_("'%s' is not a valid host name."), vis);
        free(vis);
        free(a);
        free(u);
        return false;
    }
    tui_set_str(&t->st->answers.hostname, a);
    free(a);
    free(u);
    return true;
}

/* Mark entry i (on), keeping "other" exclusive. */
static void
mark(struct tui *t, size_t i, bool on)
{
    size_t n = entry_count(t);

    if (i >= n || i >= ARRAY_LEN(t->sp.marked))
        return;
    if (on && i == n - 1)
        memset(t->sp.marked, 0, sizeof(t->sp.marked));
    else if (on)
        t->sp.marked[n - 1] = false;
    /* One's own server either receives or only sends. */
    if (on && entry_is_own(t, i) && n - 2 < ARRAY_LEN(t->sp.marked))
        t->sp.marked[n - 2] = false;
    if (on && entry_is_own_send(t, i))
        t->sp.marked[n - 3] = false;
    t->sp.marked[i] = on;
}

static bool
own_marked(const struct tui *t)
{
    size_t n = entry_count(t);

    return n - 2 < ARRAY_LEN(t->sp.marked)
           && (t->sp.marked[n - 3] || t->sp.marked[n - 2]);
}

/* Take the marked services as the answer. */
static unsigned
commit(struct tui *t)
{
    size_t n = entry_count(t);

    struct state_answers *a = &t->st->answers;

    state_strs_clear(&a->providers);
    for (size_t i = 0; i + 1 < n && i < ARRAY_LEN(t->sp.marked)
                       && a->providers.n < STATE_MAX_PROVIDERS; i++)
        if (t->sp.marked[i] && !state_strs_has(&a->providers,
                                               entry_id(t, i)))
            state_strs_add(&a->providers, entry_id(t, i));
    a->own_send_only = n - 2 < ARRAY_LEN(t->sp.marked)
                       && t->sp.marked[n - 2];
    t->st->answers.answered = true;
    t->stale = true;
    return ACT_NEXT | ACT_SAVE | ACT_REDRAW;
}

static unsigned
provider_key(struct tui *t, int key)
{
    if (t->sp.focus == 0) {
        bool any = false;

        switch (key) {
        case TK_FN(KEY_UP):
        case 'k':
            if (t->sp.sel > 0)
                t->sp.sel--;
            return ACT_REDRAW;
        case TK_FN(KEY_DOWN):
        case 'j':
            if (t->sp.sel + 1 < entry_count(t))
                t->sp.sel++;
            return ACT_REDRAW;
        case ' ':
            if (t->sp.sel < ARRAY_LEN(t->sp.marked))
                mark(t, t->sp.sel, !t->sp.marked[t->sp.sel]);
            return ACT_REDRAW;
        case TK_ENTER:
            t->sp.error = NULL;
            for (size_t i = 0; i < ARRAY_LEN(t->sp.marked); i++)
                any = any || t->sp.marked[i];
            if (!any)
                mark(t, t->sp.sel, true);
            if (own_marked(t)) {
                t->sp.focus = 1;
                return ACT_REDRAW;
            }
            return commit(t);
        default:
            return ACT_NONE;
        }
    }
    struct tw_edit *e = t->sp.focus == 1 ? &t->sp.ips : &t->sp.host;
    if (t->sp.ask_detect) {
        t->sp.ask_detect = false;
        /* "y" in English, "s" (sí) in Spanish. */
        if (key == 'y' || key == 'Y' || key == 's' || key == 'S')
            tui_detect_start(t);
        return ACT_REDRAW;
    }
    if (key == TK_FN(KEY_F(3)) && t->ip_url != NULL && !tui_detecting(t)) {
        t->sp.ask_detect = true;
        t->sp.focus = 1;
        return ACT_REDRAW;
    }
    switch (key) {
    case TK_ESC:
        t->sp.focus = 0;
        t->sp.error = NULL;
        return ACT_REDRAW;
    case TK_TAB:
    case TK_FN(KEY_DOWN):
        t->sp.focus = t->sp.focus == 1 ? 2 : 1;
        return ACT_REDRAW;
    case TK_FN(KEY_BTAB):
    case TK_FN(KEY_UP):
        t->sp.focus = t->sp.focus == 2 ? 1 : 2;
        return ACT_REDRAW;
    case TK_ENTER:
        t->sp.error = NULL;
        if (!take_ips(t)) {
            t->sp.focus = 1;
            return ACT_REDRAW;
        }
        if (t->sp.focus == 1) {
            t->sp.focus = 2;
            return ACT_REDRAW;
        }
        if (!take_host(t))
            return ACT_REDRAW;
        return commit(t);
    default:
        break;
    }
    if (tw_edit_key(e, key)) {
        t->sp.error = NULL;
        return ACT_REDRAW;
    }
    return ACT_NONE;
}

const struct screen_ops scr_provider_ops = {
    .id = "provider",
    .title = N_("How is your mail handled?"),
    .enter = provider_enter,
    .draw = provider_draw,
    .key = provider_key,
};
