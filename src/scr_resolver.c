/* scr_resolver.c - which DNS server the checks ask: this machine's own
 * (the system resolver), a well-known public one, or an address the admin
 * types.  Reached with d from any screen (the key table in tui.c); the
 * choice holds for this run and its checks start again at once. */
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* The menu: the system resolver, three public resolvers, another. */
static const struct {
    const char *label;          /* N_() */
    const char *addr;           /* NULL: the system's; "": typed */
} choices[] = {
    { N_("This machine's own DNS server (as configured)"), NULL },
    { N_("Cloudflare, 1.1.1.1"), "1.1.1.1" },
    { N_("Quad9, 9.9.9.9"), "9.9.9.9" },
    { N_("Google Public DNS, 8.8.8.8"), "8.8.8.8" },
    { N_("Another DNS server: type its IP address"), "" },
};
enum { RES_OTHER = ARRAY_LEN(choices) - 1 };

static void
resolver_enter(struct tui *t)
{
    t->sr.typing = false;
    t->sr.error = NULL;
}

static void
resolver_draw(const struct tui *t, struct tw_doc *d)
{
    const char *items[ARRAY_LEN(choices)];

    tw_text(d, TS_NORMAL, 0,
            _("The checks ask a DNS server for your domain's records. When "
              "answers do not come (could not check), another server often "
              "helps: the records are the same everywhere."));
    tw_blank(d);
    if (t->com->offline) {
        tw_text(d, TS_DIM, 0,
                _("This run reads zone files and asks no DNS server, so "
                  "there is nothing to choose here."));
        tw_blank(d);
        tw_text(d, TS_DIM, 0, _("Esc goes back."));
        return;
    }
    {
        char *m = t->com->n_resolvers == 0
            ? xstrdup(_("Asked now: this machine's own DNS server."))
            : xasprintf(_("Asked now: %s"), t->com->resolvers[0]);
        tw_text(d, TS_BOLD, 0, m);
        free(m);
    }
    tw_blank(d);
    for (size_t i = 0; i < ARRAY_LEN(choices); i++)
        items[i] = _(choices[i].label);
    tw_menu(d, 2, items, ARRAY_LEN(choices), t->sr.sel);
    if (t->sr.typing) {
        tw_blank(d);
        tw_field(d, 2, _("IP address of the DNS server, then Enter:"),
                 &t->sr.addr, true);
    }
    if (t->sr.error != NULL) {
        char *vis = str_visible(t->sr.addr.buf, t->sr.addr.len);
        char *m = xasprintf(_(t->sr.error), vis);
        tw_blank(d);
        tw_item(d, tui_status_sym(t, ST_FAIL), TS_FAIL, TS_FAIL, 2, m);
        free(m);
        free(vis);
    }
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("↑↓ choose, Enter asks that server and checks "
                            "again, Esc goes back."));
}

/* ADDR, ADDR:PORT or [V6]:PORT, as --resolver takes it. */
static bool
addr_ok(const char *s)
{
    struct ipaddr ip;
    char host[TW_EDIT_MAX];
    const char *colon = strrchr(s, ':');
    size_t hl;

    unsigned long port = 0;

    if (net_parse(s, &ip))
        return true;
    if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) > 5)
        return false;
    for (const char *p = colon + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        port = port * 10 + (unsigned long)(*p - '0');
    }
    if (port < 1 || port > 65535)
        return false;
    hl = (size_t)(colon - s);
    if (hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
        s++;
        hl -= 2;
    } else if (memchr(s, ':', hl) != NULL) {
        return false;           /* an IPv6 address with a port needs [] */
    }
    if (hl == 0 || hl >= sizeof(host))
        return false;
    memcpy(host, s, hl);
    host[hl] = '\0';
    return net_parse(host, &ip);
}

/* Ask addr (NULL: the system's) from now on, and check again. */
static unsigned
use(struct tui *t, const char *addr)
{
    if (addr == NULL) {
        t->com->n_resolvers = 0;
    } else {
        str_copy(t->sr.chosen, addr, sizeof(t->sr.chosen));
        t->com->resolvers[0] = t->sr.chosen;
        t->com->n_resolvers = 1;
    }
    t->sr.typing = false;
    t->sr.error = NULL;
    /* A run still waiting on the old server is dropped. */
    tui_run_drop(t);
    t->checked = false;
    return ACT_RECHECK | ACT_BACK | ACT_REDRAW;
}

static unsigned
resolver_key(struct tui *t, int key)
{
    if (t->com->offline)
        return key == TK_ESC ? ACT_BACK | ACT_REDRAW : ACT_NONE;
    if (t->sr.typing) {
        if (key == TK_ESC) {
            t->sr.typing = false;
            t->sr.error = NULL;
            return ACT_REDRAW;
        }
        if (key == TK_ENTER) {
            if (!addr_ok(t->sr.addr.buf)) {
                t->sr.error = N_("'%s' is not an IPv4 or IPv6 address.");
                return ACT_REDRAW;
            }
            return use(t, t->sr.addr.buf);
        }
        if (tw_edit_key(&t->sr.addr, key)) {
            t->sr.error = NULL;
            return ACT_REDRAW;
        }
        return ACT_NONE;
    }
    if (key == TK_FN(KEY_UP) || key == 'k') {
        if (t->sr.sel > 0)
            t->sr.sel--;
        return ACT_REDRAW;
    }
    if (key == TK_FN(KEY_DOWN) || key == 'j') {
        if (t->sr.sel + 1 < ARRAY_LEN(choices))
            t->sr.sel++;
        return ACT_REDRAW;
    }
    if (key == TK_ENTER) {
        if (t->sr.sel == RES_OTHER) {
            t->sr.typing = true;
            return ACT_REDRAW;
        }
        return use(t, choices[t->sr.sel].addr);
    }
    if (key == TK_ESC)
        return ACT_BACK | ACT_REDRAW;
    return ACT_NONE;
}

const struct screen_ops scr_resolver_ops = {
    .id = "resolver",
    .title = N_("Which DNS server to ask"),
    .enter = resolver_enter,
    .draw = resolver_draw,
    .key = resolver_key,
};
