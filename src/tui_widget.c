/* tui_widget.c - the wizard's widgets: a document of wrapped, styled lines
 * (text, records, findings, menus, input fields) that tui.c scrolls and
 * draws, a UTF-8 line editor and the spinner.  Nothing here draws on the
 * terminal itself. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mailready/strbuf.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* Narrowest text column we wrap to, however deep the indent. */
#define TW_MIN_COLS 10

void
tw_doc_init(struct tw_doc *d, int width)
{
    memset(d, 0, sizeof(*d));
    d->width = width;
    d->focus = -1;
    d->cur_line = -1;
    d->cur_col = -1;
}

static void
line_fini(struct tw_line *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->segs[i].text);
    free(l->segs);
}

void
tw_doc_fini(struct tw_doc *d)
{
    for (size_t i = 0; i < d->n; i++)
        line_fini(&d->v[i]);
    free(d->v);
    memset(d, 0, sizeof(*d));
}

void
tw_doc_reset(struct tw_doc *d, int width)
{
    tw_doc_fini(d);
    tw_doc_init(d, width);
}

static struct tw_line *
line_new(struct tw_doc *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
    }
    memset(&d->v[d->n], 0, sizeof(d->v[0]));
    return &d->v[d->n++];
}

static void
seg_add(struct tw_line *l, int col, enum tui_style st, const char *s,
        size_t len)
{
    l->segs = xreallocarray(l->segs, l->n + 1, sizeof(*l->segs));
    l->segs[l->n].col = col;
    l->segs[l->n].style = st;
    l->segs[l->n].text = xstrndup(s, len);
    l->n++;
}

/* Text made safe for the terminal: the escapes of str_visible() (C0,
 * DEL, C1, invalid UTF-8, bidi controls, format and invisible
 * characters, long runs of combining marks), with backslashes kept, so
 * that text already made visible by the checks is shown as it is.
 * Caller frees. */
static char *
tw_safe(const char *s, size_t len)
{
    return str_safe(s, len);
}

/* Length in bytes and width in columns of the character at s (s is
 * visible-safe UTF-8, but stay robust to anything). */
static size_t
char_at(const char *s, int *cols)
{
    mbstate_t ps;
    wchar_t wc;
    size_t n;
    int w;

    memset(&ps, 0, sizeof(ps));
    n = mbrtowc(&wc, s, strnlen(s, MB_CUR_MAX), &ps);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *cols = 1;
        return 1;
    }
    w = wcwidth(wc);
    *cols = w < 0 ? 1 : w;
    return n;
}

int
tw_width(const char *s)
{
    int total = 0, w;

    while (*s != '\0') {
        s += char_at(s, &w);
        total += w;
    }
    return total;
}

size_t
tw_fit(const char *s, int cols)
{
    size_t i = 0;
    int c = 0, w;

    while (s[i] != '\0') {
        size_t n = char_at(s + i, &w);
        if (c + w > cols)
            break;
        c += w;
        i += n;
    }
    return i;
}

static int
avail_cols(const struct tw_doc *d, int indent)
{
    int a = d->width - indent;

    return a < TW_MIN_COLS ? TW_MIN_COLS : a;
}

/* Bytes of s that fit in cols columns (at least one character). */
static size_t
fit_bytes(const char *s, size_t len, int cols, int *used)
{
    size_t i = 0;
    int c = 0, w;

    while (i < len) {
        size_t n = char_at(s + i, &w);
        if (c + w > cols && i > 0)
            break;
        c += w;
        i += n;
    }
    *used = c;
    return i;
}

/* Word-wrap one visible-safe line of text (no '\n') into lines.  The
 * first line starts at first_col, the others at indent. */
static void
wrap_words(struct tw_doc *d, enum tui_style st, int first_col, int indent,
           const char *s, struct tw_line *first)
{
    struct strbuf sb = STRBUF_INIT;
    struct tw_line *l = first;
    int start = first_col, avail = avail_cols(d, first_col), col = 0;
    const char *p = s;

    if (l == NULL)
        l = line_new(d);
    while (*p != '\0') {
        const char *w = p;
        size_t wl;
        int ww;

        while (*w != '\0' && *w != ' ')
            w++;
        wl = (size_t)(w - p);
        ww = 0;
        for (const char *q = p; q < w;) {
            int cw;
            q += char_at(q, &cw);
            ww += cw;
        }
        if (wl > 0 && col > 0 && col + 1 + ww <= avail) {
            strbuf_addc(&sb, ' ');
            strbuf_add(&sb, p, wl);
            col += 1 + ww;
        } else if (wl > 0 && col == 0 && ww <= avail) {
            strbuf_add(&sb, p, wl);
            col = ww;
        } else if (wl > 0) {
            if (col > 0) {
                seg_add(l, start, st, strbuf_str(&sb), sb.len);
                strbuf_reset(&sb);
                l = line_new(d);
                start = indent;
                avail = avail_cols(d, indent);
                col = 0;
            }
            /* A word longer than the line: break it between
             * characters. */
            const char *q = p;
            size_t left = wl;
            while (left > 0) {
                int used;
                size_t n = fit_bytes(q, left, avail, &used);
                if (n == left) {
                    strbuf_add(&sb, q, n);
                    col = used;
                    break;
                }
                seg_add(l, start, st, q, n);
                l = line_new(d);
                start = indent;
                avail = avail_cols(d, indent);
                q += n;
                left -= n;
            }
        }
        p = w;
        while (*p == ' ')
            p++;
        if (*p != '\0' && col >= avail) {
            seg_add(l, start, st, strbuf_str(&sb), sb.len);
            strbuf_reset(&sb);
            l = line_new(d);
            start = indent;
            avail = avail_cols(d, indent);
            col = 0;
        }
    }
    if (sb.len > 0)
        seg_add(l, start, st, strbuf_str(&sb), sb.len);
    strbuf_fini(&sb);
}

/* Call fn for each '\n'-separated piece of text, made visible-safe. */
static void
each_piece(struct tw_doc *d, enum tui_style st, int first_col, int indent,
           const char *text, struct tw_line *first)
{
    const char *p = text;

    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);
        size_t lead = 0;

        /* Keep a line's own indentation (help texts, lists). */
        while (lead < n && lead < 16 && p[lead] == ' ')
            lead++;
        char *vis = tw_safe(p + lead, n - lead);

        wrap_words(d, st, first_col + (int)lead, indent + (int)lead, vis,
                   first);
        free(vis);
        first = NULL;
        first_col = indent;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
}

void
tw_text(struct tw_doc *d, enum tui_style st, int indent, const char *text)
{
    each_piece(d, st, indent, indent, text, NULL);
}

void
tw_item(struct tw_doc *d, const char *sym, enum tui_style symst,
        enum tui_style st, int indent, const char *text)
{
    struct tw_line *l = line_new(d);
    int sw = tw_width(sym);

    char *vsym = tw_safe(sym, strlen(sym));
    seg_add(l, indent, symst, vsym, strlen(vsym));
    free(vsym);
    each_piece(d, st, indent + sw + 1, indent + sw + 1, text, l);
}

void
tw_record(struct tw_doc *d, int indent, const char *text)
{
    char *vis = tw_safe(text, strlen(text));
    const char *q = vis;
    size_t left = strlen(vis);
    int avail = avail_cols(d, indent);

    if (left == 0)
        seg_add(line_new(d), indent, TS_RECORD, "", 0);
    while (left > 0) {
        int used;
        size_t n = fit_bytes(q, left, avail, &used);

        seg_add(line_new(d), indent, TS_RECORD, q, n);
        q += n;
        left -= n;
    }
    free(vis);
}

void
tw_blank(struct tw_doc *d)
{
    line_new(d);
}

void
tw_menu(struct tw_doc *d, int indent, const char *const *items, size_t n,
        size_t sel)
{
    for (size_t i = 0; i < n; i++) {
        if (i == sel)
            d->focus = (int)d->n;
        tw_item(d, i == sel ? ">" : " ", i == sel ? TS_SEL : TS_NORMAL,
                i == sel ? TS_SEL : TS_NORMAL, indent, items[i]);
    }
}

/* ---- line editor ------------------------------------------------------ */

void
tw_edit_set(struct tw_edit *e, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;

    if (n >= sizeof(e->buf))
        n = sizeof(e->buf) - 1;
    /* Do not keep half a UTF-8 character at the end. */
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    if (n > 0)
        memcpy(e->buf, s, n);
    e->buf[n] = '\0';
    e->len = n;
    e->cur = n;
}

static size_t
prev_char(const struct tw_edit *e, size_t i)
{
    if (i == 0)
        return 0;
    i--;
    while (i > 0 && ((unsigned char)e->buf[i] & 0xc0) == 0x80)
        i--;
    return i;
}

static size_t
next_char(const struct tw_edit *e, size_t i)
{
    if (i >= e->len)
        return e->len;
    i++;
    while (i < e->len && ((unsigned char)e->buf[i] & 0xc0) == 0x80)
        i++;
    return i;
}

static void
edit_delete(struct tw_edit *e, size_t from, size_t to)
{
    memmove(e->buf + from, e->buf + to, e->len - to + 1);
    e->len -= to - from;
    if (e->cur > to)
        e->cur -= to - from;
    else if (e->cur > from)
        e->cur = from;
}

static size_t
utf8_encode(unsigned cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xd800 && cp <= 0xdfff)
            return 0;
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    if (cp > 0x10ffff)
        return 0;
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

bool
tw_edit_key(struct tw_edit *e, int key)
{
    switch (key) {
    case TK_FN(KEY_LEFT):
        e->cur = prev_char(e, e->cur);
        return true;
    case TK_FN(KEY_RIGHT):
        e->cur = next_char(e, e->cur);
        return true;
    case TK_FN(KEY_HOME):
    case TK_CTRL('a'):
        e->cur = 0;
        return true;
    case TK_FN(KEY_END):
    case TK_CTRL('e'):
        e->cur = e->len;
        return true;
    case TK_FN(KEY_BACKSPACE):
    case 0x7f:
    case TK_CTRL('h'):
        if (e->cur > 0)
            edit_delete(e, prev_char(e, e->cur), e->cur);
        return true;
    case TK_FN(KEY_DC):
    case TK_CTRL('d'):
        if (e->cur < e->len)
            edit_delete(e, e->cur, next_char(e, e->cur));
        return true;
    case TK_CTRL('u'):
        edit_delete(e, 0, e->cur);
        return true;
    case TK_CTRL('k'):
        edit_delete(e, e->cur, e->len);
        return true;
    default:
        break;
    }
    if (key < 0x20 || key == 0x7f || (key >= 0x80 && key < 0xa0)
        || key >= 0x110000)
        return false;
    char enc[4];
    size_t n = utf8_encode((unsigned)key, enc);
    if (n == 0 || e->len + n >= sizeof(e->buf))
        return true;
    memmove(e->buf + e->cur + n, e->buf + e->cur, e->len - e->cur + 1);
    memcpy(e->buf + e->cur, enc, n);
    e->len += n;
    e->cur += n;
    return true;
}

void
tw_field(struct tw_doc *d, int indent, const char *label,
         const struct tw_edit *e, bool focused)
{
    struct tw_line *l;
    char *vis = tw_safe(e->buf, e->len);
    char *before = tw_safe(e->buf, e->cur);
    int fcol, fw, curw, skip_cols = 0;
    struct strbuf sb = STRBUF_INIT;

    tw_text(d, focused ? TS_BOLD : TS_NORMAL, indent, label);
    l = line_new(d);
    fcol = indent + 2;
    fw = d->width - fcol - 1;
    if (fw < TW_MIN_COLS)
        fw = TW_MIN_COLS;
    curw = tw_width(before);
    /* Scroll the field so that the cursor stays in view. */
    if (curw >= fw)
        skip_cols = curw - fw + 1;
    const char *p = vis;
    int c = 0, w;
    while (*p != '\0' && c < skip_cols) {
        p += char_at(p, &w);
        c += w;
    }
    int shown = 0;
    while (*p != '\0') {
        size_t n = char_at(p, &w);
        if (shown + w > fw)
            break;
        strbuf_add(&sb, p, n);
        shown += w;
        p += n;
    }
    while (shown < fw) {
        strbuf_addc(&sb, ' ');
        shown++;
    }
    seg_add(l, fcol - 2, focused ? TS_SEL : TS_DIM, focused ? ">" : " ", 1);
    seg_add(l, fcol, TS_FIELD, strbuf_str(&sb), sb.len);
    if (focused) {
        d->focus = (int)(d->n - 1);
        d->cur_line = (int)(d->n - 1);
        d->cur_col = fcol + (curw - c);
    }
    strbuf_fini(&sb);
    free(vis);
    free(before);
}

const char *
tw_spinner(unsigned tick, bool utf8)
{
    static const char *const u[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦",
                                     "⠧", "⠇", "⠏" };
    static const char *const a[] = { "|", "/", "-", "\\" };

    if (utf8)
        return u[tick % ARRAY_LEN(u)];
    return a[tick % ARRAY_LEN(a)];
}
