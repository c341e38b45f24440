/* tui.c - the wizard's terminal: one poll() loop over the keyboard, the
 * DNS sockets and a signal pipe; the header, step list, scrolling body and
 * status line around each screen's document; the key table (from which the
 * help screen's key list is made); terminal restore on every exit path. */
#include <curses.h>
#include <term.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mailready/present.h"
#include "mailready/i18n.h"
#include "mailready/net.h"
#include "mailready/strbuf.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* How often the spinner turns while a check runs, in ms. */
#define TUI_TICK_MS 120
/* The longest the wait key waits (a TTL of a day is not waited out). */
#define TUI_WAIT_MAX_S 900
#define TUI_MAX_FDS 64
/* Smallest terminal we draw into. */
#define TUI_MIN_ROWS 10
#define TUI_MIN_COLS 40
/* Most rows a notice takes. */
#define TUI_NOTICE_LINES 3

/* The only mutable globals: what signal handlers and the die() hook need. */
static volatile sig_atomic_t g_winch, g_sigint, g_sigterm;
static int g_sigpipe[2] = { -1, -1 };
static bool g_curses_on;

static const struct screen_ops *const screens[SCR_COUNT] = {
    [SCR_DOMAIN] = &scr_domain_ops,
    [SCR_PROVIDER] = &scr_provider_ops,
    [SCR_MX] = &scr_mx_ops,
    [SCR_SPF] = &scr_spf_ops,
    [SCR_DKIM] = &scr_dkim_ops,
    [SCR_DMARC] = &scr_dmarc_ops,
    [SCR_PTR] = &scr_ptr_ops,
    [SCR_SMTP] = &scr_smtp_ops,
    [SCR_SUMMARY] = &scr_summary_ops,
    [SCR_VERIFY] = &scr_verify_ops,
    [SCR_CHANGES] = &scr_changes_ops,
    [SCR_STEPS] = &scr_steps_ops,
    [SCR_HELP] = &scr_help_ops,
    [SCR_RESOLVER] = &scr_resolver_ops,
};

/* Internal actions of the key table (beyond the ACT_* of tui.h). */
enum {
    KA_SCROLL_UP = 1 << 20,
    KA_SCROLL_DOWN = 1 << 21,
    KA_PAGE_UP = 1 << 22,
    KA_PAGE_DOWN = 1 << 23,
    KA_GOTO = 1 << 24
};

/* The key table: what the global keys do.  The status line and the help
 * screen's key list are made from it. */
struct tui_keydef {
    unsigned act;
    int key, fkey, key2;        /* 0 when absent */
    const char *name;           /* how the key is written */
    const char *fname;          /* the same in input fields */
    const char *label;          /* N_() status line word */
    const char *help;           /* N_() help screen text */
    bool status;                /* shown in the status line */
    const char *sname;          /* how the status line writes it, when
                                 * not name (NULL) */
};

static const struct tui_keydef keydefs[] = {
    { ACT_NEXT, 'n', TK_FN(KEY_F(6)), 0, "n", "F6",
      /* TRANSLATORS: ≤10 columns */
      N_("next"),
      N_("Go to the next step."), true, NULL },
    { ACT_BACK, 'b', TK_FN(KEY_F(7)), 0, "b", "F7",
      /* TRANSLATORS: ≤10 columns */
      N_("back"),
      N_("Go back to the previous step."), true, NULL },
    { ACT_RECHECK, 'r', TK_FN(KEY_F(5)), 0, "r", "F5",
      /* TRANSLATORS: ≤10 columns */
      N_("re-check"),
      N_("Check DNS again, for example after you published a record "
         "or when a server did not answer."), true, NULL },
    { ACT_WAIT, 'a', TK_FN(KEY_F(8)), 0, "a", "F8",
      /* TRANSLATORS: ≤10 columns */
      N_("wait"),
      N_("Wait on this step until this machine's resolver sees what your "
         "name servers publish: it checks again as the cached answer "
         "expires, with a countdown; press a again to stop."), false, NULL },
    { ACT_HELP, '?', TK_FN(KEY_F(1)), 'h', "?", "F1",
      /* TRANSLATORS: ≤10 columns */
      N_("help"),
      N_("Explain this step and list the keys."), true, NULL },
    { ACT_STEPS, 's', TK_FN(KEY_F(2)), 0, "s", "F2",
      /* TRANSLATORS: ≤10 columns */
      N_("steps"),
      N_("Open the list of steps with their state, to go to any of them "
         "(the domain and provider questions too); F2 works while you "
         "type in a field."), true, NULL },
    { ACT_LANG, 'l', TK_FN(KEY_F(9)), 0, "l", "F9",
      /* TRANSLATORS: ≤10 columns; the name of the other language */
      N_("español"),
      N_("Switch between English and Spanish."), true, NULL },
    { ACT_QUIT, 'q', TK_FN(KEY_F(10)), 0, "q", "F10",
      /* TRANSLATORS: ≤10 columns */
      N_("quit"),
      N_("Quit. Your answers and the last results are saved; Ctrl-C "
         "asks first."), true, "q/F10" },
    { ACT_COPY, 'c', TK_FN(KEY_F(4)), 0, "c", "F4",
      /* TRANSLATORS: ≤10 columns */
      N_("copy"),
      N_("Print this screen as plain text, each record on one line, so "
         "that it can be copied from the terminal; Enter comes back."),
      true, NULL },
    { ACT_RESOLVER, 'd', 0, 0, "d", NULL,
      /* TRANSLATORS: ≤10 columns */
      N_("DNS server"),
      N_("Choose the DNS server the checks ask, when answers do not "
         "come."), false, NULL },
    { KA_GOTO, '1', 0, 0, "1-7", NULL,
      /* TRANSLATORS: ≤10 columns */
      N_("step"),
      N_("Jump to a step: 1 MX, 2 SPF, 3 DKIM, 4 DMARC, 5 PTR, "
         "6 delivery, 7 summary."), true, NULL },
    { KA_SCROLL_UP, TK_FN(KEY_UP), 0, 'k', "↑", NULL, N_("scroll"),
      N_("Scroll up one line (or move in a list)."), false, NULL },
    { KA_SCROLL_DOWN, TK_FN(KEY_DOWN), 0, 'j', "↓", NULL, N_("scroll"),
      N_("Scroll down one line (or move in a list)."), false, NULL },
    { KA_PAGE_UP, TK_FN(KEY_PPAGE), 0, 0, "PgUp", NULL, N_("page up"),
      N_("Scroll up one page."), false, NULL },
    { KA_PAGE_DOWN, TK_FN(KEY_NPAGE), 0, ' ', "PgDn", NULL,
      N_("page down"), N_("Scroll down one page (also the space bar)."),
      false, NULL },
};

/* ---- signals and terminal restore ------------------------------------ */

static void
on_signal(int sig)
{
    int saved = errno;

    if (sig == SIGWINCH)
        g_winch = 1;
    else if (sig == SIGINT)
        g_sigint = 1;
    else
        g_sigterm = 1;
    if (g_sigpipe[1] >= 0) {
        ssize_t r = write(g_sigpipe[1], "x", 1);
        (void)r;
    }
    errno = saved;
}

static void
tui_restore(void)
{
    if (g_curses_on) {
        curs_set(1);
        endwin();
        g_curses_on = false;
    }
}

static void
signals_setup(void)
{
    struct sigaction sa;

    if (pipe(g_sigpipe) != 0)
        die("pipe: %s", strerror(errno));
    for (int i = 0; i < 2; i++) {
        fcntl(g_sigpipe[i], F_SETFL, fcntl(g_sigpipe[i], F_GETFL) | O_NONBLOCK);
        fcntl(g_sigpipe[i], F_SETFD, FD_CLOEXEC);
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGWINCH, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

static void
signals_fini(void)
{
    signal(SIGWINCH, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    for (int i = 0; i < 2; i++) {
        if (g_sigpipe[i] >= 0)
            close(g_sigpipe[i]);
        g_sigpipe[i] = -1;
    }
}

/* ---- styles ---------------------------------------------------------- */

static chtype
style_attr(const struct tui *t, enum tui_style st)
{
    /* Monochrome first: every style stays readable without colour (the
     * symbols carry the meaning). */
    chtype mono[TS__COUNT] = {
        [TS_NORMAL] = A_NORMAL, [TS_BOLD] = A_BOLD,
        [TS_TITLE] = A_BOLD | A_REVERSE, [TS_OK] = A_NORMAL,
        [TS_WARN] = A_BOLD, [TS_FAIL] = A_BOLD, [TS_ERROR] = A_NORMAL,
        [TS_INFO] = A_NORMAL, [TS_RECORD] = A_BOLD, [TS_DIM] = A_DIM,
        [TS_SEL] = A_REVERSE, [TS_FIELD] = A_UNDERLINE, [TS_KEY] = A_BOLD,
    };
    if (!t->color)
        return mono[st];
    switch (st) {
    case TS_OK:
        return COLOR_PAIR(1);
    case TS_WARN:
        return COLOR_PAIR(2) | A_BOLD;
    case TS_FAIL:
        return COLOR_PAIR(3) | A_BOLD;
    case TS_ERROR:
        return COLOR_PAIR(4);
    case TS_INFO:
        return COLOR_PAIR(5);
    case TS_RECORD:
        return COLOR_PAIR(5) | A_BOLD;
    case TS_TITLE:
        return COLOR_PAIR(6) | A_BOLD;
    case TS_FIELD:
        return COLOR_PAIR(7);
    default:
        return mono[st];
    }
}

static void
colors_setup(struct tui *t)
{
    if (!t->color || !has_colors()) {
        t->color = false;
        return;
    }
    start_color();
    use_default_colors();
    init_pair(1, COLOR_GREEN, -1);
    init_pair(2, COLOR_YELLOW, -1);
    init_pair(3, COLOR_RED, -1);
    init_pair(4, COLOR_MAGENTA, -1);
    init_pair(5, COLOR_CYAN, -1);
    init_pair(6, COLOR_WHITE, COLOR_BLUE);
    init_pair(7, COLOR_BLACK, COLOR_WHITE);
}

const char *
tui_status_sym(const struct tui *t, enum check_status st)
{
    return present_status_tag(st, t->utf8);
}

enum tui_style
tui_status_style(enum check_status st)
{
    switch (st) {
    case ST_OK:
        return TS_OK;
    case ST_WARN:
        return TS_WARN;
    case ST_FAIL:
        return TS_FAIL;
    case ST_ERROR:
    default:
        return TS_ERROR;
    }
}

/* ---- services for screens -------------------------------------------- */

void
tui_set_str(char **dst, const char *s)
{
    char *n = s != NULL ? xstrdup(s) : NULL;

    free(*dst);
    *dst = n;
}

void
tui_notice(struct tui *t, const char *text)
{
    tui_set_str(&t->notice, text);
}

/* One line of the key list: the key's name padded to 10 columns, then
 * what it does. */
static void
key_item(struct tw_doc *d, const char *name, const char *help)
{
    int w = tw_width(name);
    char *pad = xasprintf("%s%*s", name, w < 10 ? 10 - w : 1, "");

    tw_item(d, pad, TS_KEY, TS_NORMAL, 2, help);
    free(pad);
}

void
tui_keys_doc(struct tw_doc *d)
{
    for (size_t i = 0; i < ARRAY_LEN(keydefs); i++) {
        const struct tui_keydef *k = &keydefs[i];
        char *line;

        if (k->fname != NULL)
            line = xasprintf("%s, %s", k->name, k->fname);
        else
            line = xstrdup(k->name);
        key_item(d, line, _(k->help));
        free(line);
    }
    key_item(d, "Ctrl-C", _("Quit, after asking."));
    /* the key's name as the status line writes it (es: Intro) */
    key_item(d, _("Enter"), _("Confirm an answer, or go to the next step."));
    key_item(d, "Esc", _("Go back to the previous screen; in a field or a "
                         "menu, cancel it."));
}

/* ---- drawing --------------------------------------------------------- */

/* Text for a terminal that is not UTF-8: the few symbols we use in
 * ASCII, any other non-ASCII character as '?'.  Caller frees. */
static char *
ascii_of(const char *s)
{
    static const struct { const char *u, *a; } map[] = {
        { "…", "..." }, { "·", "-" }, { "◀", "<" }, { "▶", ">" },
        { "↑", "^" }, { "↓", "v" }, { "←", "<" }, { "→", ">" },
        { "«", "\"" }, { "»", "\"" }, { "¿", "" }, { "¡", "" },
        { "á", "a" }, { "é", "e" }, { "í", "i" }, { "ó", "o" },
        { "ú", "u" }, { "ü", "u" }, { "ñ", "n" }, { "Á", "A" },
        { "É", "E" }, { "Í", "I" }, { "Ó", "O" }, { "Ú", "U" },
        { "Ñ", "N" },
    };
    struct strbuf sb = STRBUF_INIT;

    while (*s != '\0') {
        unsigned char c = (unsigned char)*s;
        size_t n = 1;

        if (c < 0x80) {
            strbuf_addc(&sb, (char)c);
            s++;
            continue;
        }
        while ((s[n] & 0xc0) == 0x80 && n < 4)
            n++;
        const char *rep = "?";
        for (size_t i = 0; i < ARRAY_LEN(map); i++)
            if (strlen(map[i].u) == n && memcmp(map[i].u, s, n) == 0)
                rep = map[i].a;
        strbuf_adds(&sb, rep);
        s += n;
    }
    return strbuf_detach(&sb);
}

static void
put(const struct tui *t, int y, int x, enum tui_style st, const char *s)
{
    char *a = NULL;

    if (y < 0 || y >= t->rows || x >= t->cols - 1)
        return;
    if (!t->utf8)
        s = a = ascii_of(s);
    size_t n = tw_fit(s, t->cols - 1 - x);
    attrset(style_attr(t, st));
    mvaddnstr(y, x, s, (int)n);
    attrset(A_NORMAL);
    free(a);
}

static const enum scr_id step_screens[] = {
    SCR_MX, SCR_SPF, SCR_DKIM, SCR_DMARC, SCR_PTR, SCR_SMTP, SCR_SUMMARY
};

static void
draw_header(const struct tui *t)
{
    char *title;
    const char *sd = t->domain != NULL ? t->ulabel : NULL;

    attrset(style_attr(t, TS_TITLE));
    mvhline(0, 0, ' ', t->cols);
    attrset(A_NORMAL);
    if (sd != NULL && strcmp(sd, t->domain) != 0 && t->utf8)
        title = xasprintf("mailready · %s (%s)", sd, t->domain);
    else if (sd != NULL)
        title = xasprintf("mailready · %s", t->utf8 ? sd : t->domain);
    else
        title = xstrdup("mailready");
    put(t, 0, 1, TS_TITLE, title);
    free(title);
    put(t, 0, t->cols - 5, TS_TITLE, i18n_lang());

    /* The step list: number, name, state symbol. */
    int x = 1;
    for (size_t i = 0; i < ARRAY_LEN(step_screens); i++) {
        enum scr_id s = step_screens[i];
        const char *sym = "";
        enum tui_style st = TS_DIM;
        char *item;

        if (s != SCR_SUMMARY && t->domain != NULL) {
            enum check_step cs = (enum check_step)(s - SCR_MX);
            if (t->running) {
                sym = tw_spinner(t->tick, t->utf8);
            } else if (tui_step_known(t, cs)) {
                static const char *const short_sym[] = {
                    [ST_OK] = "+", [ST_WARN] = "!", [ST_ERROR] = "?",
                    [ST_FAIL] = "X"
                };
                enum check_status ss = tui_step_status(t, cs);
                /* One column each, so that the list fits 80 columns. */
                sym = t->utf8 ? tui_status_sym(t, ss) : short_sym[ss];
                st = tui_status_style(ss);
            } else {
                sym = "-";
            }
        }
        const char *name = s == SCR_SUMMARY ? _("Summary")
                                            : screens[s]->id;
        char up[16];
        str_copy(up, name, sizeof(up));
        if (s != SCR_SUMMARY)
            for (char *p = up; *p != '\0'; p++)
                if (*p >= 'a' && *p <= 'z')
                    *p = (char)(*p - 'a' + 'A');
        item = xasprintf("%zu %s", i + 1, s == SCR_SUMMARY ? name : up);
        put(t, 1, x, t->cur == s ? TS_SEL : TS_NORMAL, item);
        x += tw_width(item);
        if (sym[0] != '\0') {
            put(t, 1, x + 1, st, sym);
            x += 1 + tw_width(sym);
        }
        x += 2;
        free(item);
    }
}

static bool
input_mode(const struct tw_doc *d)
{
    return d->cur_line >= 0;
}

/* The status line's entries: a key and its word, Enter first in an
 * input field.  Every entry is shown: what does not fit one line goes on
 * to the next (status_rows() says how many). */
#define TUI_STATUS_MAX 16
struct status_ent {
    const char *name, *label;
};

static size_t
status_entries(bool in, struct status_ent *e)
{
    size_t n = 0;

    if (in) {
        /* TRANSLATORS: the name of the Enter key on a keyboard */
        e[n].name = _("Enter");
        /* TRANSLATORS: ≤10 columns; what Enter does in a field */
        e[n++].label = _("confirm");
    }
    for (size_t i = 0; i < ARRAY_LEN(keydefs) && n < TUI_STATUS_MAX; i++) {
        const struct tui_keydef *k = &keydefs[i];
        const char *name = in ? k->fname
                         : k->sname != NULL ? k->sname : k->name;

        if (!k->status || name == NULL)
            continue;
        e[n].name = name;
        e[n++].label = k->act == ACT_LANG
            ? (strcmp(i18n_lang(), "es") == 0 ? "English" : "español")
            : _(k->label);
    }
    return n;
}

/* Where each entry goes (row from the first status row, column) in cols
 * columns, gap columns between entries; returns the number of rows. */
static int
status_layout_gap(const struct status_ent *e, size_t n, int cols, int gap,
                  int *row, int *col)
{
    int y = 0, x = 1;

    for (size_t i = 0; i < n; i++) {
        int w = tw_width(e[i].name) + 1 + tw_width(e[i].label);

        /* The last column stays free (put() never writes it). */
        if (x > 1 && x + w > cols - 1) {
            y++;
            x = 1;
        }
        row[i] = y;
        col[i] = x;
        x += w + gap;
    }
    return y + 1;
}

/* Two columns between entries; one when that keeps them on one row. */
static int
status_layout(const struct status_ent *e, size_t n, int cols, int *row,
              int *col)
{
    int r = status_layout_gap(e, n, cols, 2, row, col);

    if (r > 1 && status_layout_gap(e, n, cols, 1, row, col) == 1)
        return 1;
    return status_layout_gap(e, n, cols, 2, row, col);
}

/* Rows the status line takes for this screen. */
static int
status_rows(const struct tui *t, bool in)
{
    struct status_ent e[TUI_STATUS_MAX];
    int row[TUI_STATUS_MAX], col[TUI_STATUS_MAX];
    size_t n = status_entries(in, e);

    return status_layout(e, n, t->cols, row, col);
}

static void
draw_status(const struct tui *t, const struct tw_doc *d, bool more_up,
            bool more_down)
{
    struct status_ent e[TUI_STATUS_MAX];
    int row[TUI_STATUS_MAX], col[TUI_STATUS_MAX];
    bool in = input_mode(d);
    size_t n = status_entries(in, e);
    int nrows = status_layout(e, n, t->cols, row, col);
    int y = t->rows - nrows;

    if (t->notice != NULL) {
        struct tw_doc nd;
        tw_doc_init(&nd, t->cols - 2);
        tw_text(&nd, TS_BOLD, 0, t->notice);
        int nl = (int)nd.n > TUI_NOTICE_LINES ? TUI_NOTICE_LINES
                                               : (int)nd.n;
        for (int i = 0; i < nl; i++)
            for (size_t k = 0; k < nd.v[i].n; k++)
                put(t, y - nl + i, 1 + nd.v[i].segs[k].col,
                    TS_BOLD, nd.v[i].segs[k].text);
        tw_doc_fini(&nd);
    } else if (more_up || more_down) {
        const char *m = more_down ? _("more below: PgDn or ↓")
                                  : _("top: PgUp or ↑");
        if (!t->utf8)
            m = more_down ? _("more below: PgDn") : _("top: PgUp");
        put(t, y - 1, t->cols - 2 - tw_width(m), TS_DIM, m);
    }
    attrset(style_attr(t, TS_TITLE));
    for (int r = y; r < t->rows; r++)
        mvhline(r, 0, ' ', t->cols);
    attrset(A_NORMAL);
    for (size_t i = 0; i < n; i++) {
        int x = col[i];

        put(t, y + row[i], x, TS_TITLE, e[i].name);
        put(t, y + row[i], x + tw_width(e[i].name) + 1, TS_TITLE,
            e[i].label);
    }
}

/* Rows the notice takes above the status line (at least the one row of
 * the scroll hint). */
static int
notice_lines(const struct tui *t)
{
    struct tw_doc nd;
    int n;

    if (t->notice == NULL)
        return 1;
    tw_doc_init(&nd, t->cols - 2);
    tw_text(&nd, TS_BOLD, 0, t->notice);
    n = (int)nd.n;
    tw_doc_fini(&nd);
    if (n < 1)
        n = 1;
    return n > TUI_NOTICE_LINES ? TUI_NOTICE_LINES : n;
}

static void
render(struct tui *t, struct tw_doc *doc)
{
    int top = 3, h;

    erase();
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
        put(t, 0, 0, TS_BOLD, _("The terminal is too small."));
        put(t, 1, 0, TS_NORMAL, _("Make it at least 80x24."));
        curs_set(0);
        refresh();
        return;
    }
    draw_header(t);
    const struct screen_ops *ops = screens[t->cur];
    char *st = NULL;
    if (t->running)
        st = xasprintf("%s  %s %s", _(ops->title),
                       tw_spinner(t->tick, t->utf8), _("checking DNS…"));
    else
        st = xstrdup(_(ops->title));
    put(t, 2, 1, TS_BOLD, st);
    free(st);

    tw_doc_reset(doc, t->cols - 2);
    ops->draw(t, doc);
    t->status_rows = status_rows(t, input_mode(doc));
    h = t->rows - top - t->status_rows - notice_lines(t);
    /* Bring the focus into view when it moved (so that the page keys
     * can still scroll away from it). */
    /* The focus (a question, a field) is brought into view when the
     * admin acts on this screen, and a field being typed in stays in
     * view across a resize; otherwise a screen opens at its top (the
     * verdict) and scrolls only when asked. */
    if (doc->focus >= 0 && (t->focus_follow
                            || (t->rows != t->last_rows && t->focus_seen
                                && doc->cur_line >= 0))) {
        if (doc->focus < t->scroll)
            t->scroll = doc->focus;
        if (doc->focus >= t->scroll + h)
            t->scroll = doc->focus - h + 1;
    }
    if (doc->focus < 0 && t->had_focus && t->focus_follow)
        t->scroll = 0;          /* the question was answered */
    t->focus_follow = false;
    t->had_focus = doc->focus >= 0;
    t->last_rows = t->rows;
    int maxs = (int)doc->n - h;
    if (t->scroll > maxs)
        t->scroll = maxs;
    if (t->scroll < 0)
        t->scroll = 0;
    t->focus_seen = doc->focus >= t->scroll && doc->focus < t->scroll + h;
    for (int i = 0; i < h && (size_t)(t->scroll + i) < doc->n; i++) {
        const struct tw_line *l = &doc->v[t->scroll + i];
        for (size_t s = 0; s < l->n; s++)
            put(t, top + i, 1 + l->segs[s].col, l->segs[s].style,
                l->segs[s].text);
    }
    draw_status(t, doc, t->scroll > 0, (int)doc->n > t->scroll + h);
    if (doc->cur_line >= t->scroll && doc->cur_line < t->scroll + h) {
        int cx = 1 + doc->cur_col;
        if (cx > t->cols - 2)
            cx = t->cols - 2;
        move(top + doc->cur_line - t->scroll, cx);
        curs_set(1);
    } else {
        curs_set(0);
    }
    refresh();
}

/* ---- copy mode: the screen as plain text --------------------------- */

static void do_resize(struct tui *t);

/* Widest line in copy mode: records are never wrapped by us (the
 * terminal's own soft wrap keeps them one line for copying). */
#define TUI_COPY_WIDTH 100000

static void
copy_enter(struct tui *t)
{
    struct tw_doc d;
    const struct screen_ops *ops = screens[t->cur];

    tw_doc_init(&d, TUI_COPY_WIDTH);
    ops->draw(t, &d);
    def_prog_mode();
    endwin();
    printf("\n== %s ==\n\n", _(ops->title));
    for (size_t i = 0; i < d.n; i++) {
        int col = 0;
        for (size_t k = 0; k < d.v[i].n; k++) {
            const struct tw_seg *sg = &d.v[i].segs[k];
            if (sg->col > col)
                printf("%*s", sg->col - col, "");
            fputs(sg->text, stdout);
            col = sg->col + tw_width(sg->text);
        }
        putchar('\n');
    }
    printf("\n%s\n", _("-- Press Enter to go back to the wizard. --"));
    fflush(stdout);
    tw_doc_fini(&d);
    t->copy_mode = true;
}

static void
copy_leave(struct tui *t)
{
    /* The copy was printed on the terminal's normal screen: wipe it, so
     * that nothing of it is left there when the wizard ends. */
    if (clear_screen != NULL && clear_screen != (char *)-1)
        putp(clear_screen);
    fflush(stdout);
    t->copy_mode = false;
    reset_prog_mode();
    do_resize(t);
}

/* ---- navigation ------------------------------------------------------ */

static void
go(struct tui *t, enum scr_id s)
{
    if (s >= SCR_COUNT)
        return;
    t->cur = s;
    t->scroll = 0;
    t->had_focus = false;
    t->focus_follow = false;
    if (screens[s]->enter != NULL)
        screens[s]->enter(t);
}

static void
open_help(struct tui *t)
{
    if (t->cur == SCR_HELP)
        return;
    t->help_return = t->cur;
    go(t, SCR_HELP);
}

/* Open the step list at the entry of the screen it was opened from; the
 * same key closes it. */
static void
open_steps(struct tui *t)
{
    if (t->cur == SCR_STEPS) {
        go(t, t->steps_return);
        return;
    }
    t->steps_return = t->cur;
    t->steps_sel = t->cur <= SCR_SUMMARY ? (size_t)t->cur
                 : t->cur == SCR_HELP || t->cur == SCR_CHANGES
                   ? (size_t)(t->help_return <= SCR_SUMMARY
                              ? t->help_return : SCR_DOMAIN)
                 : 0;
    go(t, SCR_STEPS);
}

static void
do_resize(struct tui *t)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0
        && ws.ws_col > 0)
        resizeterm(ws.ws_row, ws.ws_col);
    t->rows = LINES;
    t->cols = COLS;
    clearok(curscr, TRUE);
}

/* Apply a key's ACT_* flags; returns false to leave the loop. */
static bool
apply(struct tui *t, unsigned act)
{
    if (act & ACT_LANG) {
        i18n_set_lang(strcmp(i18n_lang(), "es") == 0 ? "en" : "es");
        /* Kept with the answers: the next visit opens in it. */
        state_str_set(&t->st->answers.lang, i18n_lang());
        t->ans_dirty = true;
        if (t->cur == SCR_HELP && screens[SCR_HELP]->enter != NULL)
            screens[SCR_HELP]->enter(t);
    }
    if (act & ACT_WAIT) {
        if (t->waiting) {
            t->waiting = false;
            tui_notice(t, _("Stopped waiting."));
        } else if (t->cur >= SCR_MX && t->cur <= SCR_PTR &&
                   t->domain != NULL) {
            t->waiting = true;
            t->wait_step = (enum check_step)(t->cur - SCR_MX);
            t->wait_end = tui_now() + TUI_WAIT_MAX_S;
            t->wait_next = tui_now();
        }
    }
    if ((act & ACT_RECHECK) && t->running)
        tui_notice(t, _("Already checking: the results come in a "
                        "moment."));
    else if (act & ACT_RECHECK)
        tui_recheck(t);
    if (act & ACT_QUIT)
        return false;
    if (act & ACT_COPY) {
        copy_enter(t);
        return true;
    }
    if (act & ACT_RESOLVER) {
        if (t->cur != SCR_RESOLVER) {
            /* From help or the changes, back to where they came from. */
            if (t->cur != SCR_HELP && t->cur != SCR_CHANGES)
                t->help_return = t->cur;
            go(t, SCR_RESOLVER);
        }
    } else if (act & ACT_HELP)
        open_help(t);
    else if (act & ACT_STEPS)
        open_steps(t);
    else if (act & ACT_GOTO)
        go(t, t->goto_scr);
    else if (act & ACT_CHANGES)
        go(t, SCR_CHANGES);
    else if (act & ACT_NEXT) {
        if (t->cur == SCR_HELP || t->cur == SCR_CHANGES
            || t->cur == SCR_RESOLVER)
            go(t, t->help_return);
        else if (t->cur < SCR_VERIFY)
            go(t, t->cur + 1);
    } else if (act & ACT_BACK) {
        if (t->cur == SCR_STEPS)
            go(t, t->steps_return);
        else if (t->cur == SCR_HELP || t->cur == SCR_CHANGES
                 || t->cur == SCR_RESOLVER)
            go(t, t->help_return);
        else if (t->cur > SCR_DOMAIN)
            go(t, t->cur - 1);
    }
    if (t->domain != NULL && (!t->checked || t->stale) && !t->running
        && t->dns_err == NULL && t->cur != SCR_DOMAIN
        && t->cur != SCR_HELP)
        tui_recheck(t);
    return true;
}

static unsigned
global_key(struct tui *t, int key, int body_h)
{
    if (((t->cur >= SCR_MX && t->cur <= SCR_SUMMARY)
         || t->cur == SCR_CHANGES) && t->domain != NULL
        && key >= '1' && key <= '7') {
        go(t, step_screens[key - '1']);
        return ACT_REDRAW;
    }
    for (size_t i = 0; i < ARRAY_LEN(keydefs); i++) {
        const struct tui_keydef *k = &keydefs[i];

        if (k->act == KA_GOTO)
            continue;
        if (key != k->key && key != k->fkey && key != k->key2)
            continue;
        switch (k->act) {
        case KA_SCROLL_UP:
            t->scroll--;
            return ACT_REDRAW;
        case KA_SCROLL_DOWN:
            t->scroll++;
            return ACT_REDRAW;
        case KA_PAGE_UP:
            t->scroll -= body_h > 2 ? body_h - 1 : 1;
            return ACT_REDRAW;
        case KA_PAGE_DOWN:
            t->scroll += body_h > 2 ? body_h - 1 : 1;
            return ACT_REDRAW;
        default:
            return k->act | ACT_REDRAW;
        }
    }
    if (key == TK_FN(KEY_HOME)) {
        t->scroll = 0;
        return ACT_REDRAW;
    }
    if (key == TK_FN(KEY_END)) {
        t->scroll = 1 << 20;
        return ACT_REDRAW;
    }
    if (key == TK_ENTER && t->cur >= SCR_MX && t->cur < SCR_SUMMARY)
        return ACT_NEXT | ACT_REDRAW;
    if ((key == TK_ESC || key == TK_ENTER)
        && (t->cur == SCR_HELP || t->cur == SCR_CHANGES))
        return ACT_BACK | ACT_REDRAW;
    /* Esc goes back where there is a screen before (a field or a menu
     * that takes Esc itself has used it already). */
    if (key == TK_ESC && t->cur > SCR_DOMAIN && t->cur <= SCR_VERIFY)
        return ACT_BACK | ACT_REDRAW;
    return ACT_NONE;
}

/* The common xterm/vt220/rxvt forms of the keys we use, for terminal
 * descriptions that lack them; anything else is ignored (TK_FN(0)). */
static int
escape_key(const char *seq)
{
    static const struct { const char *seq; int key; } map[] = {
        { "[A", KEY_UP }, { "OA", KEY_UP }, { "[B", KEY_DOWN },
        { "OB", KEY_DOWN }, { "[C", KEY_RIGHT }, { "OC", KEY_RIGHT },
        { "[D", KEY_LEFT }, { "OD", KEY_LEFT }, { "[H", KEY_HOME },
        { "OH", KEY_HOME }, { "[1~", KEY_HOME }, { "[7~", KEY_HOME },
        { "[F", KEY_END }, { "OF", KEY_END }, { "[4~", KEY_END },
        { "[8~", KEY_END }, { "[5~", KEY_PPAGE }, { "[6~", KEY_NPAGE },
        { "[3~", KEY_DC }, { "OP", KEY_F(1) }, { "[11~", KEY_F(1) },
        { "[Z", KEY_BTAB },
    };

    for (size_t i = 0; i < ARRAY_LEN(map); i++)
        if (strcmp(seq, map[i].seq) == 0)
            return TK_FN(map[i].key);
    return TK_FN(0);
}

/* Read one key: a code point, or TK_FN(function key); -1 if none. */
static int
read_key(void)
{
    wint_t wc;
    int r = get_wch(&wc);

    if (r == ERR)
        return -1;
    if (r == KEY_CODE_YES) {
        if (wc == KEY_ENTER)
            return TK_ENTER;
        return TK_FN(wc);
    }
    if (wc == '\r')
        return TK_ENTER;
    if (wc == TK_ESC) {
        /* An escape sequence curses does not know (a function key of
         * another terminal type): swallow it, so that its characters
         * ("[4~") are not taken as keys.  A lone Esc has nothing after
         * it. */
        wint_t c;
        int n = 0;

        r = get_wch(&c);
        if (r == ERR)
            return TK_ESC;
        if (r == OK && (c == '[' || c == 'O')) {
            char seq[20];
            size_t len = 0;

            seq[len++] = (char)c;
            while (n++ < 16 && get_wch(&c) == OK) {
                if (c < 0x20 || c > 0x7e)
                    break;
                seq[len++] = (char)c;
                if (c >= 0x40 && c <= 0x7e)
                    break;
            }
            seq[len] = '\0';
            return escape_key(seq);
        }
        /* Esc, then another key typed at once: both count. */
        if (r == KEY_CODE_YES)
            ungetch((int)c);
        else
            unget_wch((wchar_t)c);
        return TK_ESC;
    }
    return (int)wc;
}

static void
save_if_dirty(struct tui *t)
{
    if (t->ans_dirty)
        tui_state_save(t);
}

int
tui_run(struct tui *t)
{
    struct tw_doc doc;
    SCREEN *scr;
    bool dirty = true, confirm_quit = false, done = false;

    tw_doc_init(&doc, 78);
    t->utf8 = present_utf8();
    t->color = present_color(stdout);
    signals_setup();
    util_set_die_hook(tui_restore);
    {
        const char *term = getenv("TERM");
        /* newterm(), unlike initscr(), returns when the terminal is
         * unknown, so that we can say so. */
        int err = 0;

        /* A terminal that cannot move the cursor (TERM=dumb, a printing
         * terminal) would get the screens as a stream of garbage: say so
         * and stop, before curses writes anything. */
        if (term != NULL && term[0] != '\0'
            && setupterm(NULL, STDOUT_FILENO, &err) == OK) {
            const char *cup = tigetstr((char *)"cup");
            bool ok = cup != NULL && cup != (char *)-1;

            del_curterm(cur_term);
            if (!ok) {
                signals_fini();
                util_set_die_hook(NULL);
                fprintf(stderr, _("mailready: terminal type TERM='%s' "
                                  "cannot move the cursor; try "
                                  "TERM=xterm\n"), term);
                return CLI_EXIT_ERROR;
            }
        }
        scr = newterm(NULL, stdout, stdin);
        if (scr == NULL) {
            signals_fini();
            util_set_die_hook(NULL);
            fprintf(stderr, _("mailready: unknown terminal type "
                              "TERM='%s'; try TERM=xterm\n"),
                    term != NULL ? term : "");
            return CLI_EXIT_ERROR;
        }
    }
    set_term(scr);
    g_curses_on = true;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    colors_setup(t);
    /* Our handler, not curses's: resizes arrive through the loop. */
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, NULL);
    }
    t->rows = LINES;
    t->cols = COLS;
    go(t, t->cur);
    apply(t, ACT_NONE);

    while (!done) {
        struct pollfd fds[TUI_MAX_FDS];
        int nfds = 2, ndns = 0, timeout = -1;

        if (dirty && !t->copy_mode) {
            render(t, &doc);
            dirty = false;
        }
        fds[0].fd = STDIN_FILENO;
        fds[0].events = POLLIN;
        fds[1].fd = g_sigpipe[0];
        fds[1].events = POLLIN;
        if (t->running) {
            ndns = dns_pollfds(t->dns, fds + 2, TUI_MAX_FDS / 2);
            nfds += ndns;
            timeout = dns_timeout_ms(t->dns, TUI_TICK_MS);
        }
        int nhttp[2] = { 0, 0 }, hfirst[2] = { 0, 0 };
        for (int h = 0; h < 2; h++) {
            if (t->http[h] == NULL)
                continue;
            hfirst[h] = nfds;
            nhttp[h] = http_pollfds(t->http[h], fds + nfds,
                                    TUI_MAX_FDS - nfds);
            int ht = http_timeout_ms(t->http[h], TUI_TICK_MS);
            nfds += nhttp[h];
            if (timeout < 0 || ht < timeout)
                timeout = ht;
        }
        int nver = 0, vbase = nfds;
        if (t->sv.running) {
            nver = dns_pollfds(t->sv.dns, fds + nfds, TUI_MAX_FDS - nfds);
            nfds += nver;
            int vt = dns_timeout_ms(t->sv.dns, TUI_TICK_MS);
            if (timeout < 0 || vt < timeout)
                timeout = vt;
        }
        if (t->waiting && (timeout < 0 || timeout > 1000))
            timeout = 1000;     /* the countdown */
        int pr = poll(fds, (nfds_t)nfds, timeout);
        if (pr < 0 && errno != EINTR)
            die("poll: %s", strerror(errno));
        if (pr < 0)
            for (int i = 0; i < nfds; i++)
                fds[i].revents = 0;
        if (t->running) {
            dns_process(t->dns, fds + 2, ndns);
            if (check_run_poll(&t->ctx)) {
                t->running = false;
                t->checked = true;
                t->checked_at = time(NULL);
                tui_run_finished(t);
                for (int s = 0; s < SCR_COUNT; s++)
                    if (screens[s]->on_result != NULL)
                        screens[s]->on_result(t);
                save_if_dirty(t);
                if (t->stale)
                    tui_recheck(t);
            }
            t->tick++;
            dirty = true;
        }
        for (int h = 0; h < 2; h++)
            if (t->http[h] != NULL
                && http_process(t->http[h], fds + hfirst[h], nhttp[h])) {
                tui_detect_done(t, h);
                dirty = true;
            }
        if (t->sv.running) {
            dns_process(t->sv.dns, fds + vbase, nver);
            if (dns_pending(t->sv.dns) == 0)
                scr_verify_ops.on_result(t);
            t->tick++;
            dirty = true;
        }
        if (t->waiting && !t->running) {
            double now = tui_now();
            unsigned long stale = 0;

            if (t->checked && t->dns_err == NULL &&
                tui_step_settled(t, t->wait_step, &stale)) {
                t->waiting = false;
                tui_notice(t, _("This machine's resolver now sees what "
                                "your name servers publish."));
            } else if (now >= t->wait_end) {
                t->waiting = false;
                tui_notice(t, _("Stopped waiting: the resolver still has "
                                "the old answer. Press r to check again "
                                "later."));
            } else if (now >= t->wait_next) {
                /* Soon after the cached answer runs out, at least every
                 * 10 s, never more than once a second. */
                double step = stale + 1 < 10 ? (double)stale + 1 : 10;

                t->wait_next = now + (step < 1 ? 1 : step);
                tui_recheck(t);
            }
            dirty = true;
        }
        if (fds[1].revents & POLLIN) {
            char buf[64];
            while (read(g_sigpipe[0], buf, sizeof(buf)) > 0)
                ;
        }
        if (g_winch && !t->copy_mode) {
            g_winch = 0;
            do_resize(t);
            dirty = true;
        }
        if (g_sigterm) {
            done = true;
            break;
        }
        if (g_sigint) {
            g_sigint = 0;
            if (t->copy_mode)
                copy_leave(t);
            confirm_quit = true;
            tui_notice(t, _("Quit mailready? Your answers are saved. "
                            "(y/n)"));
            dirty = true;
        }
        if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        if (t->copy_mode) {
            /* The terminal is in its normal mode: a line ends it. */
            char buf[256];
            ssize_t nr = read(STDIN_FILENO, buf, sizeof(buf));
            if (nr <= 0 || memchr(buf, '\n', (size_t)nr) != NULL
                || memchr(buf, '\r', (size_t)nr) != NULL) {
                copy_leave(t);
                dirty = true;
            }
            if (nr <= 0)
                break;
            continue;
        }
        if (fds[0].revents & (POLLHUP | POLLERR)
            && !(fds[0].revents & POLLIN))
            break;
        int key;
        while (!done && (key = read_key()) >= 0) {
            unsigned act;

            dirty = true;
            if (key == TK_FN(KEY_RESIZE)) {
                /* curses queues this after resizeterm(): only take the
                 * new size (resizing again would queue another). */
                t->rows = LINES;
                t->cols = COLS;
                continue;
            }
            if (confirm_quit) {
                confirm_quit = false;
                tui_notice(t, NULL);
                /* "y" in English, "s" (sí) in Spanish. */
                if (key == 'y' || key == 'Y' || key == 's' || key == 'S'
                    || key == TK_CTRL('c'))
                    done = true;
                continue;
            }
            if (key == TK_CTRL('c')) {
                confirm_quit = true;
                tui_notice(t, _("Quit mailready? Your answers are saved. "
                                "(y/n)"));
                continue;
            }
            if (key == TK_CTRL('l')) {
                clearok(curscr, TRUE);
                continue;
            }
            tui_notice(t, NULL);
            act = ACT_NONE;
            if (screens[t->cur]->key != NULL)
                act = screens[t->cur]->key(t, key);
            if (act != ACT_NONE)
                t->focus_follow = true;
            if (act == ACT_NONE)
                act = global_key(t, key, t->rows - 3 - t->status_rows
                                             - notice_lines(t));
            if (!apply(t, act))
                done = true;
            if (act & ACT_SAVE)
                t->ans_dirty = true;
            save_if_dirty(t);
        }
    }
    save_if_dirty(t);
    tw_doc_fini(&doc);
    tui_restore();
    delscreen(scr);
    signals_fini();
    util_set_die_hook(NULL);
    tui_quit_summary(t, stdout);
    /* A check still in flight is cancelled and freed (tui_run_drop()). */
    tui_run_drop(t);
    for (int h = 0; h < 2; h++) {
        http_free(t->http[h]);
        t->http[h] = NULL;
    }
    return CLI_EXIT_OK;
}
