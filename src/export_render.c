/* export_render.c - the checklist in plain text, Markdown, HTML and as a
 * zone snippet: one walk over the document that puts every sentence
 * together in the admin's language (through the front end's struct
 * export_tr) and an emitter per format that only lays the finished text
 * out (see export.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/i18n.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Plain text fits this many columns. */
#define TXT_WIDTH 78

/* The output in progress. */
struct emit {
    struct strbuf sb;
    const struct export_doc *doc;
    const struct export_tr *tr;
    bool utf8;
};

/* One record as every format shows it: the walk fills it. */
struct rec_view {
    char *rel;              /* owner relative to the domain ("@") */
    char *full;             /* absolute owner with its dot, or NULL when
                             * rel is already absolute */
    const char *type;       /* "TXT" */
    char ttl[16];
    const char *value;      /* rdata */
    char **split;           /* strings for DNS panels, or NULL */
    size_t nsplit;
    const char *note;       /* translated, or NULL */
};

/* The translated labels of a record. */
struct rec_labels {
    const char *name, *type, *ttl, *value, *full, *split;
    const char *th_name, *th_type, *th_ttl, *th_value;
};

/* What a format does with each part of the document.  A NULL member
 * writes nothing for that part.  Every string is final: translated, with
 * its arguments; the emitter escapes it for its format. */
struct emitter {
    void (*doc_begin)(struct emit *e, const char *title);
    void (*para)(struct emit *e, const char *text, bool strong);
    void (*item_begin)(struct emit *e, const struct export_item *it,
                       bool done, const char *sym, const char *head);
    /* "Last checked: ..." and "First passed: ...", or "Not checked
     * yet.": one to two lines. */
    void (*when)(struct emit *e, bool done, const char *const *lines,
                 size_t n);
    void (*list_begin)(struct emit *e, const char *heading);
    /* A finding (tag set, fix may be NULL) or a note (tag NULL). */
    void (*list_entry)(struct emit *e, const char *tag, const char *text,
                       const char *fix);
    void (*list_end)(struct emit *e);
    void (*item_text)(struct emit *e, const char *text);
    void (*records)(struct emit *e, const char *heading,
                    const struct rec_view *v, size_t n,
                    const struct rec_labels *l);
    void (*item_end)(struct emit *e);
    /* zone: the snippet, or NULL when there is nothing to publish (the
     * intro then says so). */
    void (*zone)(struct emit *e, const char *heading, const char *intro,
                 const char *zone);
    void (*doc_end)(struct emit *e);
};

/* ---- words ------------------------------------------------------------- */

static const char *
say(const struct emit *e, const char *msgid)
{
    return e->tr->gettext_fn(msgid);
}

/* The translation of msgid (a printf format with %s conversions, %1$s
 * allowed) filled in; caller frees. */
static char *
sayf(const struct emit *e, const char *msgid, ...)
{
    const char *fmt = e->tr->gettext_fn(msgid);
    va_list ap;
    char *out = NULL;
    int r;

    va_start(ap, msgid);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    r = vasprintf(&out, fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
    if (r < 0)
        die("out of memory");
    return out;
}

static void
date_text(long long t, char buf[40])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
        strftime(buf, 40, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        str_copy(buf, "-", 40);
}

/* ---- plain text ------------------------------------------------------- */

/* Characters (not bytes) in s[0..n). */
static size_t
cols(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            c++;
    return c;
}

/* Byte length of the first max characters of s. */
static size_t
bytes_for(const char *s, size_t max)
{
    size_t i = 0, c = 0;

    while (s[i] != '\0') {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (c == max)
                break;
            c++;
        }
        i++;
    }
    return i;
}

/* Word-wrap text at TXT_WIDTH: the first line starts with first (already
 * counted in the indent), the others with indent spaces.  A word longer
 * than the line is cut. */
static void
txt_wrap(struct strbuf *sb, const char *first, int indent, const char *text)
{
    size_t col, room = (size_t)(TXT_WIDTH - indent);
    size_t fc = cols(first, strlen(first));
    const char *p = text;

    if ((int)fc <= indent)
        strbuf_addf(sb, "%*s%s", indent - (int)fc, "", first);
    else
        strbuf_addf(sb, "%s\n%*s", first, indent, "");
    col = 0;
    while (*p != '\0') {
        if (*p == '\n') {
            strbuf_addf(sb, "\n%*s", indent, "");
            col = 0;
            p++;
            continue;
        }
        size_t wl = strcspn(p, " \n"), wc = cols(p, wl);

        if (col > 0 && col + 1 + wc > room) {
            strbuf_addf(sb, "\n%*s", indent, "");
            col = 0;
        } else if (col > 0) {
            strbuf_addc(sb, ' ');
            col++;
        }
        while (wc > room - col) {
            size_t take = bytes_for(p, room - col);

            strbuf_add(sb, p, take);
            strbuf_addf(sb, "\n%*s", indent, "");
            p += take;
            wl -= take;
            wc = cols(p, wl);
            col = 0;
        }
        strbuf_add(sb, p, wl);
        col += wc;
        p += wl;
        while (*p == ' ')
            p++;
    }
    strbuf_addc(sb, '\n');
}

/* A record value cut into lines (no spaces added: it is one value). */
static void
txt_value(struct strbuf *sb, const char *label, int indent, const char *v)
{
    size_t room = (size_t)(TXT_WIDTH - indent), len = strlen(v);
    size_t lc = cols(label, strlen(label));

    if ((int)lc <= indent) {
        strbuf_addf(sb, "%s%*s", label, indent - (int)lc, "");
    } else {
        size_t ll = strlen(label);

        while (ll > 0 && label[ll - 1] == ' ')
            ll--;
        strbuf_add(sb, label, ll);
        strbuf_addf(sb, "\n%*s", indent, "");
    }
    for (size_t i = 0; i < len;) {
        size_t take = bytes_for(v + i, room);

        if (i > 0)
            strbuf_addf(sb, "%*s", indent, "");
        strbuf_add(sb, v + i, take);
        strbuf_addc(sb, '\n');
        i += take;
    }
    if (len == 0)
        strbuf_addc(sb, '\n');
}

/* "      LABEL " then the value at column col. */
static void
txt_field(struct strbuf *sb, const char *label, int col, const char *v)
{
    char *l = xasprintf("      %s ", label);

    txt_value(sb, l, col, v);
    free(l);
}

static void
txt_doc_begin(struct emit *e, const char *title)
{
    size_t tl = cols(title, strlen(title));

    strbuf_addf(&e->sb, "%s\n", title);
    for (size_t i = 0; i < tl && i < TXT_WIDTH; i++)
        strbuf_addc(&e->sb, '=');
    strbuf_addc(&e->sb, '\n');
}

static void
txt_para(struct emit *e, const char *text, bool strong)
{
    (void)strong;
    txt_wrap(&e->sb, "", 0, text);
}

static void
txt_item_begin(struct emit *e, const struct export_item *it, bool done,
               const char *sym, const char *head)
{
    char *box = xasprintf("%s %s ", done ? "[x]" : "[ ]", sym);

    (void)it;
    strbuf_addc(&e->sb, '\n');
    txt_wrap(&e->sb, box, (int)cols(box, strlen(box)), head);
    free(box);
}

static void
txt_when(struct emit *e, bool done, const char *const *lines, size_t n)
{
    (void)done;
    for (size_t i = 0; i < n; i++)
        txt_wrap(&e->sb, "", 4, lines[i]);
}

static void
txt_list_begin(struct emit *e, const char *heading)
{
    txt_wrap(&e->sb, "", 4, heading);
}

static void
txt_list_entry(struct emit *e, const char *tag, const char *text,
               const char *fix)
{
    if (tag == NULL) {
        txt_wrap(&e->sb, "- ", 8, text);
        return;
    }
    char *t = xasprintf("%s ", tag);
    txt_wrap(&e->sb, t, 8, text);
    free(t);
    if (fix != NULL)
        txt_wrap(&e->sb, "", 8, fix);
}

static void
txt_item_text(struct emit *e, const char *text)
{
    txt_wrap(&e->sb, "", 4, text);
}

static void
txt_records(struct emit *e, const char *heading, const struct rec_view *v,
            size_t n, const struct rec_labels *l)
{
    const char *all[] = { l->name, l->type, l->ttl, l->value, l->full };
    struct strbuf *sb = &e->sb;
    int col = 20;

    txt_wrap(sb, "", 4, heading);
    /* Values start one column after the longest label. */
    for (size_t a = 0; a < ARRAY_LEN(all); a++) {
        int c = 6 + (int)cols(all[a], strlen(all[a])) + 1;
        if (c > col)
            col = c;
    }
    if (col > 40)
        col = 40;
    for (size_t k = 0; k < n; k++) {
        txt_field(sb, l->name, col, v[k].rel);
        if (v[k].full != NULL)
            txt_field(sb, l->full, col, v[k].full);
        txt_field(sb, l->type, col, v[k].type);
        txt_field(sb, l->ttl, col, v[k].ttl);
        txt_field(sb, l->value, col, v[k].value);
        if (v[k].nsplit > 0) {
            txt_wrap(sb, "", 6, l->split);
            for (size_t c = 0; c < v[k].nsplit; c++) {
                char *num = xasprintf("      %zu. ", c + 1);
                txt_value(sb, num, 10, v[k].split[c]);
                free(num);
            }
        }
        if (v[k].note != NULL)
            txt_wrap(sb, "", 6, v[k].note);
        if (k + 1 < n)
            strbuf_addc(sb, '\n');
    }
}

static void
txt_zone(struct emit *e, const char *heading, const char *intro,
         const char *zone)
{
    size_t hl = cols(heading, strlen(heading));

    strbuf_addc(&e->sb, '\n');
    txt_wrap(&e->sb, "", 0, heading);
    for (size_t i = 0; i < hl && i < TXT_WIDTH; i++)
        strbuf_addc(&e->sb, '-');
    strbuf_addc(&e->sb, '\n');
    txt_wrap(&e->sb, "", 0, intro);
    if (zone != NULL) {
        strbuf_addc(&e->sb, '\n');
        strbuf_adds(&e->sb, zone);
    }
}

static const struct emitter txt_ops = {
    .doc_begin = txt_doc_begin,
    .para = txt_para,
    .item_begin = txt_item_begin,
    .when = txt_when,
    .list_begin = txt_list_begin,
    .list_entry = txt_list_entry,
    .item_text = txt_item_text,
    .records = txt_records,
    .zone = txt_zone,
};

/* ---- Markdown --------------------------------------------------------- */

/* The longest run of backticks in s[0..n). */
static size_t
md_ticks(const char *s, size_t n)
{
    size_t best = 0, run = 0;

    for (size_t i = 0; i < n; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* s[0..n) as a code span: nothing in it is markup, a link or HTML.  In a
 * table cell a '|' still ends the cell unless escaped (GFM). */
static void
md_code_n(struct strbuf *sb, const char *s, size_t n, bool cell)
{
    size_t ticks = md_ticks(s, n) + 1;
    bool pad = n > 0 && (s[0] == '`' || s[n - 1] == '`' || s[0] == ' ');

    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(sb, '`');
    if (pad)
        strbuf_addc(sb, ' ');
    for (size_t i = 0; i < n; i++) {
        if (cell && s[i] == '|')
            strbuf_adds(sb, "\\|");
        else
            strbuf_addc(sb, s[i]);
    }
    if (pad)
        strbuf_addc(sb, ' ');
    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(sb, '`');
}

static void
md_cell_code(struct strbuf *sb, const char *s)
{
    md_code_n(sb, s, strlen(s), true);
}

/* Whether a Markdown renderer could make the word w[0..n) a link: GFM
 * links e-mail addresses (even with a backslash before the '@'), URLs
 * with a scheme ("mailto:", "https://") and "www." names. */
static bool
md_linkish(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '@')
            return true;
        if (w[i] == ':' && i > 0 && ascii_is_alpha(w[i - 1]) && i + 1 < n)
            return true;
        if (n - i >= 4 && str_nieq(w + i, "www.", 4))
            return true;
    }
    return false;
}

/* Text safe in Markdown prose (forges render GFM): markup characters
 * escaped, and a word that could become a link written as code, so that
 * an address or URL from DNS stays inert. */
static void
md_text(struct strbuf *sb, const char *s)
{
    while (*s != '\0') {
        if (*s == ' ') {
            strbuf_addc(sb, ' ');
            s++;
            continue;
        }
        if (*s == '\n') {
            strbuf_adds(sb, "  \n");
            s++;
            continue;
        }
        size_t n = strcspn(s, " \n");

        if (md_linkish(s, n)) {
            md_code_n(sb, s, n, false);
            s += n;
            continue;
        }
        for (; n > 0; n--, s++) {
            switch (*s) {
            case '\\': case '`': case '*': case '_': case '[': case ']':
            case '<': case '>': case '|': case '~': case '#': case '!':
                strbuf_addc(sb, '\\');
                strbuf_addc(sb, *s);
                break;
            case '&':
                strbuf_adds(sb, "&amp;");
                break;
            default:
                strbuf_addc(sb, *s);
            }
        }
    }
}

/* A fenced block of text, the fence longer than any run of backticks in
 * it. */
static void
md_fence(struct strbuf *sb, const char *text)
{
    size_t ticks = md_ticks(text, strlen(text)) + 1;

    if (ticks < 3)
        ticks = 3;
    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(sb, '`');
    strbuf_addc(sb, '\n');
    strbuf_adds(sb, text);
    if (text[0] != '\0' && text[strlen(text) - 1] != '\n')
        strbuf_addc(sb, '\n');
    for (size_t i = 0; i < ticks; i++)
        strbuf_addc(sb, '`');
    strbuf_addc(sb, '\n');
}

static void
md_doc_begin(struct emit *e, const char *title)
{
    strbuf_adds(&e->sb, "# ");
    md_text(&e->sb, title);
    strbuf_adds(&e->sb, "\n\n");
}

static void
md_para(struct emit *e, const char *text, bool strong)
{
    if (strong)
        strbuf_adds(&e->sb, "**");
    md_text(&e->sb, text);
    if (strong)
        strbuf_adds(&e->sb, "**");
    strbuf_adds(&e->sb, "\n\n");
}

static void
md_item_begin(struct emit *e, const struct export_item *it, bool done,
              const char *sym, const char *head)
{
    (void)it;
    (void)done;
    strbuf_addf(&e->sb, "## %s ", sym);
    md_text(&e->sb, head);
    strbuf_adds(&e->sb, "\n\n");
}

static void
md_when(struct emit *e, bool done, const char *const *lines, size_t n)
{
    strbuf_addf(&e->sb, "- [%c] ", done ? 'x' : ' ');
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_adds(&e->sb, " · ");
        md_text(&e->sb, lines[i]);
    }
    strbuf_adds(&e->sb, "\n\n");
}

static void
md_list_begin(struct emit *e, const char *heading)
{
    strbuf_adds(&e->sb, "**");
    md_text(&e->sb, heading);
    strbuf_adds(&e->sb, "**\n\n");
}

static void
md_list_entry(struct emit *e, const char *tag, const char *text,
              const char *fix)
{
    strbuf_adds(&e->sb, "- ");
    if (tag != NULL)
        strbuf_addf(&e->sb, "%s ", tag);
    md_text(&e->sb, text);
    if (fix != NULL) {
        strbuf_adds(&e->sb, "  \n  *");
        md_text(&e->sb, fix);
        strbuf_adds(&e->sb, "*");
    }
    strbuf_addc(&e->sb, '\n');
}

static void
md_list_end(struct emit *e)
{
    strbuf_addc(&e->sb, '\n');
}

static void
md_item_text(struct emit *e, const char *text)
{
    md_text(&e->sb, text);
    strbuf_adds(&e->sb, "\n\n");
}

static void
md_records(struct emit *e, const char *heading, const struct rec_view *v,
           size_t n, const struct rec_labels *l)
{
    struct strbuf *sb = &e->sb;

    strbuf_adds(sb, "**");
    md_text(sb, heading);
    strbuf_adds(sb, "**\n\n| ");
    md_text(sb, l->th_name);
    strbuf_adds(sb, " | ");
    md_text(sb, l->th_type);
    strbuf_adds(sb, " | ");
    md_text(sb, l->th_ttl);
    strbuf_adds(sb, " | ");
    md_text(sb, l->th_value);
    strbuf_adds(sb, " |\n| --- | --- | --- | --- |\n");
    for (size_t k = 0; k < n; k++) {
        strbuf_adds(sb, "| ");
        md_cell_code(sb, v[k].rel);
        if (v[k].full != NULL) {
            strbuf_adds(sb, " (");
            md_cell_code(sb, v[k].full);
            strbuf_adds(sb, ")");
        }
        strbuf_addf(sb, " | %s | %s | ", v[k].type, v[k].ttl);
        md_cell_code(sb, v[k].value);
        strbuf_adds(sb, " |\n");
    }
    strbuf_addc(sb, '\n');
    for (size_t k = 0; k < n; k++) {
        if (v[k].note != NULL) {
            strbuf_adds(sb, "> ");
            md_text(sb, v[k].note);
            strbuf_adds(sb, "\n\n");
        }
        if (v[k].nsplit > 0) {
            struct strbuf b = STRBUF_INIT;

            md_text(sb, l->split);
            strbuf_adds(sb, "\n\n");
            for (size_t c = 0; c < v[k].nsplit; c++)
                strbuf_addf(&b, "%s\n", v[k].split[c]);
            md_fence(sb, strbuf_str(&b));
            strbuf_addc(sb, '\n');
            strbuf_fini(&b);
        }
    }
}

static void
md_zone(struct emit *e, const char *heading, const char *intro,
        const char *zone)
{
    strbuf_adds(&e->sb, "## ");
    md_text(&e->sb, heading);
    strbuf_adds(&e->sb, "\n\n");
    md_text(&e->sb, intro);
    if (zone != NULL) {
        strbuf_adds(&e->sb, "\n\n");
        md_fence(&e->sb, zone);
    } else {
        strbuf_addc(&e->sb, '\n');
    }
}

static const struct emitter md_ops = {
    .doc_begin = md_doc_begin,
    .para = md_para,
    .item_begin = md_item_begin,
    .when = md_when,
    .list_begin = md_list_begin,
    .list_entry = md_list_entry,
    .list_end = md_list_end,
    .item_text = md_item_text,
    .records = md_records,
    .zone = md_zone,
};

/* ---- HTML ------------------------------------------------------------- */

static void
html_text(struct strbuf *sb, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            strbuf_adds(sb, "&amp;");
            break;
        case '<':
            strbuf_adds(sb, "&lt;");
            break;
        case '>':
            strbuf_adds(sb, "&gt;");
            break;
        case '"':
            strbuf_adds(sb, "&quot;");
            break;
        case '\'':
            strbuf_adds(sb, "&#39;");
            break;
        case '\n':
            strbuf_adds(sb, "<br>");
            break;
        default:
            strbuf_addc(sb, *s);
        }
    }
}

/* <tag>text</tag> and a line break. */
static void
html_elem(struct strbuf *sb, const char *open, const char *text,
          const char *close)
{
    strbuf_adds(sb, open);
    html_text(sb, text);
    strbuf_adds(sb, close);
    strbuf_addc(sb, '\n');
}

static const char html_style[] =
    "body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,"
    "sans-serif;font-size:11pt;line-height:1.4;color:#000;"
    "background:#fff;max-width:48em;margin:1.5em auto;padding:0 1em}\n"
    "h1{font-size:1.6em;border-bottom:2px solid #000;padding-bottom:.2em}\n"
    "h2{font-size:1.2em;margin:0 0 .3em}\n"
    "section.item{border:1px solid #000;border-left-width:6px;"
    "padding:.6em .9em;margin:1em 0;break-inside:avoid-page;"
    "page-break-inside:avoid}\n"
    "section.ok{border-left-style:solid}\n"
    "section.warn{border-left-style:double}\n"
    "section.fail{border-left-style:solid;border-left-width:10px}\n"
    "section.error{border-left-style:dashed}\n"
    ".sym{display:inline-block;min-width:1.4em;font-weight:bold}\n"
    ".box{font-family:\"DejaVu Sans Mono\",monospace;font-weight:bold}\n"
    ".ok .sym{color:#1a7f37}.warn .sym{color:#9a6700}"
    ".fail .sym{color:#cf222e}.error .sym{color:#8250df}\n"
    ".when{font-size:.9em;margin:.2em 0 .5em}\n"
    "ul{margin:.3em 0 .5em;padding-left:1.3em}\n"
    ".fix{margin:.15em 0 .4em;font-style:italic}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0;"
    "table-layout:fixed}\n"
    "th,td{border:1px solid #000;padding:.25em .4em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eee}\n"
    "col.n{width:30%}col.t{width:9%}col.l{width:9%}\n"
    "code,pre{font-family:\"DejaVu Sans Mono\",\"Liberation Mono\","
    "monospace;font-size:.88em;overflow-wrap:anywhere;"
    "word-break:break-all;white-space:pre-wrap}\n"
    "pre{border:1px solid #000;padding:.5em;margin:.4em 0}\n"
    ".note{border-left:3px solid #000;padding-left:.6em;margin:.3em 0}\n"
    "@page{margin:15mm 14mm}\n"
    "@media print{body{max-width:none;margin:0;padding:0;"
    "font-size:10pt}\n"
    "*{color:#000 !important;background:#fff !important}\n"
    "th{background:#fff !important;font-weight:bold}\n"
    "a{text-decoration:none}\n"
    "section.item{margin:.6em 0}\n"
    "pre.zone{break-inside:auto;page-break-inside:auto}}\n";

static void
html_doc_begin(struct emit *e, const char *title)
{
    strbuf_addf(&e->sb, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
                "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">\n"
                "<title>", i18n_lang());
    html_text(&e->sb, title);
    strbuf_addf(&e->sb, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
                html_style);
    html_elem(&e->sb, "<h1>", title, "</h1>");
}

static void
html_para(struct emit *e, const char *text, bool strong)
{
    if (strong)
        html_elem(&e->sb, "<p><strong>", text, "</strong></p>");
    else
        html_elem(&e->sb, "<p>", text, "</p>");
}

static void
html_item_begin(struct emit *e, const struct export_item *it, bool done,
                const char *sym, const char *head)
{
    strbuf_addf(&e->sb, "<section class=\"item %s\" id=\"%s\">\n<h2>"
                "<span class=\"box\">%s</span> <span class=\"sym\">"
                "%s</span> ", check_status_name(it->st),
                check_step_name(it->step), done ? "[x]" : "[&nbsp;]", sym);
    html_text(&e->sb, head);
    strbuf_adds(&e->sb, "</h2>\n");
}

static void
html_when(struct emit *e, bool done, const char *const *lines, size_t n)
{
    (void)done;
    strbuf_adds(&e->sb, "<p class=\"when\">");
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_adds(&e->sb, " &middot; ");
        html_text(&e->sb, lines[i]);
    }
    strbuf_adds(&e->sb, "</p>\n");
}

static void
html_list_begin(struct emit *e, const char *heading)
{
    html_elem(&e->sb, "<h3>", heading, "</h3>");
    strbuf_adds(&e->sb, "<ul>\n");
}

static void
html_list_entry(struct emit *e, const char *tag, const char *text,
                const char *fix)
{
    strbuf_adds(&e->sb, "<li>");
    if (tag != NULL)
        strbuf_addf(&e->sb, "<span class=\"sym\">%s</span> ", tag);
    html_text(&e->sb, text);
    if (fix != NULL) {
        strbuf_adds(&e->sb, "<div class=\"fix\">");
        html_text(&e->sb, fix);
        strbuf_adds(&e->sb, "</div>");
    }
    strbuf_adds(&e->sb, "</li>\n");
}

static void
html_list_end(struct emit *e)
{
    strbuf_adds(&e->sb, "</ul>\n");
}

static void
html_item_text(struct emit *e, const char *text)
{
    html_elem(&e->sb, "<p>", text, "</p>");
}

static void
html_records(struct emit *e, const char *heading, const struct rec_view *v,
             size_t n, const struct rec_labels *l)
{
    struct strbuf *sb = &e->sb;

    html_elem(sb, "<h3>", heading, "</h3>");
    strbuf_adds(sb, "<table><colgroup><col class=\"n\"><col class=\"t\">"
                "<col class=\"l\"><col></colgroup>\n<thead><tr><th>");
    html_text(sb, l->th_name);
    strbuf_adds(sb, "</th><th>");
    html_text(sb, l->th_type);
    strbuf_adds(sb, "</th><th>");
    html_text(sb, l->th_ttl);
    strbuf_adds(sb, "</th><th>");
    html_text(sb, l->th_value);
    strbuf_adds(sb, "</th></tr></thead><tbody>\n");
    for (size_t k = 0; k < n; k++) {
        strbuf_adds(sb, "<tr><td><code>");
        html_text(sb, v[k].rel);
        strbuf_adds(sb, "</code>");
        if (v[k].full != NULL) {
            strbuf_adds(sb, "<br><small><code>");
            html_text(sb, v[k].full);
            strbuf_adds(sb, "</code></small>");
        }
        strbuf_adds(sb, "</td><td>");
        html_text(sb, v[k].type);
        strbuf_adds(sb, "</td><td>");
        html_text(sb, v[k].ttl);
        strbuf_adds(sb, "</td><td><code>");
        html_text(sb, v[k].value);
        strbuf_adds(sb, "</code></td></tr>\n");
    }
    strbuf_adds(sb, "</tbody></table>\n");
    for (size_t k = 0; k < n; k++) {
        if (v[k].note != NULL)
            html_elem(sb, "<p class=\"note\">", v[k].note, "</p>");
        if (v[k].nsplit > 0) {
            html_elem(sb, "<p>", l->split, "</p>");
            strbuf_adds(sb, "<ol class=\"split\">");
            for (size_t c = 0; c < v[k].nsplit; c++) {
                strbuf_adds(sb, "<li><code>");
                html_text(sb, v[k].split[c]);
                strbuf_adds(sb, "</code></li>");
            }
            strbuf_adds(sb, "</ol>\n");
        }
    }
}

static void
html_item_end(struct emit *e)
{
    strbuf_adds(&e->sb, "</section>\n");
}

static void
html_zone(struct emit *e, const char *heading, const char *intro,
          const char *zone)
{
    html_elem(&e->sb, "<h2 id=\"zone\">", heading, "</h2>");
    html_elem(&e->sb, "<p>", intro, "</p>");
    if (zone != NULL) {
        strbuf_adds(&e->sb, "<pre class=\"zone\">");
        html_text(&e->sb, zone);
        strbuf_adds(&e->sb, "</pre>\n");
    }
}

static void
html_doc_end(struct emit *e)
{
    strbuf_adds(&e->sb, "</body>\n</html>\n");
}

static const struct emitter html_ops = {
    .doc_begin = html_doc_begin,
    .para = html_para,
    .item_begin = html_item_begin,
    .when = html_when,
    .list_begin = html_list_begin,
    .list_entry = html_list_entry,
    .list_end = html_list_end,
    .item_text = html_item_text,
    .records = html_records,
    .item_end = html_item_end,
    .zone = html_zone,
    .doc_end = html_doc_end,
};

/* ---- the zone snippet alone ------------------------------------------------ */

/* One master-file comment line: the text on one line. */
static void
zone_comment(struct strbuf *sb, const char *text)
{
    strbuf_adds(sb, "; ");
    for (; *text != '\0'; text++)
        strbuf_addc(sb, *text == '\n' ? ' ' : *text);
    strbuf_addc(sb, '\n');
}

static void
zone_doc_begin(struct emit *e, const char *title)
{
    zone_comment(&e->sb, title);
}

static void
zone_zone(struct emit *e, const char *heading, const char *intro,
          const char *zone)
{
    (void)heading;
    if (zone != NULL)
        strbuf_adds(&e->sb, zone);
    else
        zone_comment(&e->sb, intro);
}

static const struct emitter zone_ops = {
    .doc_begin = zone_doc_begin,
    .zone = zone_zone,
};

/* ---- the walk --------------------------------------------------------------- */

/* Every record to publish in the domain's zone, in master-file form, in
 * step order; NULL when there is none.  Caller frees. */
static char *
zone_text(const struct export_doc *doc)
{
    struct strbuf sb = STRBUF_INIT;
    bool any = false;

    strbuf_addf(&sb, "$TTL %u\n", doc->ttl);
    for (size_t i = 0; i < doc->n; i++) {
        const struct export_item *it = &doc->items[i];

        const struct gen_rrs *add = it->planned ? it->adds : it->rrs;

        if (add == NULL && it->deletes == NULL)
            continue;
        any = true;
        strbuf_addf(&sb, "; %s\n", check_step_name(it->step));
        /* What the plan deletes, as comments: a zone file has no
         * "delete". */
        for (size_t k = 0; it->deletes != NULL && k < it->deletes->n; k++) {
            char *line = export_zone_record(&it->deletes->v[k], doc->ttl,
                                            GEN_TXT_CHUNK, 0);
            strbuf_addf(&sb, "; delete: %s\n", line);
            free(line);
        }
        for (size_t k = 0; add != NULL && k < add->n; k++) {
            char *line = export_zone_record(&add->v[k], doc->ttl,
                                            EXPORT_ZONE_CHUNK, 4);
            strbuf_addf(&sb, "%s\n", line);
            free(line);
        }
    }
    if (!any) {
        strbuf_fini(&sb);
        return NULL;
    }
    return strbuf_detach(&sb);
}

static void
walk_records(struct emit *e, const struct emitter *ops, const char *heading,
             const struct gen_rrs *rrs, const struct rec_labels *l)
{
    struct rec_view *v;

    if (rrs == NULL || ops->records == NULL)
        return;
    v = xcalloc(rrs->n + 1, sizeof(*v));
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        size_t rl;

        v[k].rel = export_relative_name(rr->owner, e->doc->domain);
        rl = strlen(v[k].rel);
        if (rl == 0 || v[k].rel[rl - 1] != '.')
            v[k].full = xasprintf("%s.", rr->owner);
        v[k].type = gen_type_name(rr->type);
        snprintf(v[k].ttl, sizeof(v[k].ttl), "%u", e->doc->ttl);
        v[k].value = rr->rdata;
        if (rr->type == DNS_T_TXT)
            v[k].nsplit = export_panel_split(rr->rdata, &v[k].split);
        v[k].note = rr->note != NULL ? say(e, rr->note) : NULL;
    }
    ops->records(e, say(e, heading), v, rrs->n, l);
    for (size_t k = 0; k < rrs->n; k++) {
        free(v[k].rel);
        free(v[k].full);
        export_chunks_free(v[k].split, v[k].nsplit);
    }
    free(v);
}

static void
walk_item(struct emit *e, const struct emitter *ops,
          const struct export_item *it, const struct rec_labels *l)
{
    const struct export_tr *tr = e->tr;
    bool done = it->present && it->st == ST_OK;
    size_t nf = it->saved != NULL ? it->saved->n_findings : 0;
    size_t nn = it->notes != NULL ? it->notes->n : 0;
    char when[40], *lines[2] = { NULL, NULL };
    const char *cl[2];
    size_t nl = 0;

    /* TRANSLATORS: a checklist item: step title and its state. */
    char *head = sayf(e, N_("%1$s: %2$s"), say(e, it->title),
                      it->present ? tr->status_word(it->st)
                                  : say(e, N_("not checked yet")));
    if (ops->item_begin != NULL)
        ops->item_begin(e, it, done,
                        tr->status_tag(it->present ? it->st : ST_ERROR,
                                       e->utf8), head);
    free(head);

    if (it->present) {
        date_text(it->checked_at, when);
        lines[nl++] = sayf(e, N_("Last checked: %s"), when);
        if (it->first_passed_at > 0) {
            date_text(it->first_passed_at, when);
            lines[nl++] = sayf(e, N_("First passed: %s"), when);
        }
    } else {
        lines[nl++] = xstrdup(say(e, N_("Not checked yet.")));
    }
    for (size_t i = 0; i < nl; i++)
        cl[i] = lines[i];
    if (ops->when != NULL)
        ops->when(e, done, cl, nl);
    for (size_t i = 0; i < nl; i++)
        free(lines[i]);

    if (nf > 0 || nn > 0) {
        /* A passing step lists only remarks, not things to do. */
        if (ops->list_begin != NULL)
            ops->list_begin(e, done ? say(e, N_("Nothing to do; notes:"))
                                    : say(e, N_("What to do:")));
        for (size_t k = 0; k < nf && ops->list_entry != NULL; k++) {
            struct finding f;
            const struct finding_info *fi;
            char *msg, *fix = NULL;

            state_finding_view(&it->saved->findings[k], &f);
            msg = tr->finding_message(&f);
            fi = f.sev == SEV_INFO ? NULL : finding_info_find(f.id);
            if (fi != NULL && fi->fix != NULL && fi->fix[0] != '\0')
                fix = sayf(e, N_("Fix: %s"), say(e, fi->fix));
            ops->list_entry(e, tr->sev_tag(f.sev, e->utf8), msg, fix);
            free(fix);
            free(msg);
        }
        for (size_t k = 0; k < nn && ops->list_entry != NULL; k++) {
            char *msg = tr->finding_message(&it->notes->v[k]);

            ops->list_entry(e, NULL, msg, NULL);
            free(msg);
        }
        if (ops->list_end != NULL)
            ops->list_end(e);
    } else if (done && ops->item_text != NULL) {
        ops->item_text(e, say(e, N_("Nothing to do.")));
    }
    if (it->planned && it->deletes == NULL && it->adds == NULL &&
        ops->item_text != NULL)
        ops->item_text(e, say(e, N_("Nothing to publish: what is published "
                                    "already meets your answers.")));
    walk_records(e, ops, N_("Delete from your zone:"), it->deletes, l);
    walk_records(e, ops, N_("Then add to your zone:"), it->adds, l);
    walk_records(e, ops, N_("Records to publish in your zone:"), it->rrs, l);
    walk_records(e, ops, N_("Records someone else publishes:"),
                 it->elsewhere, l);
    if (ops->item_end != NULL)
        ops->item_end(e);
}

static void
walk(struct emit *e, const struct emitter *ops)
{
    const struct export_doc *doc = e->doc;
    const struct export_tr *tr = e->tr;
    struct rec_labels l;
    char made[40], at[40], *s, *zone;

    /* TRANSLATORS: labels of a record, padded by the program to line
     * up; keep them short (at most 12 columns). */
    l.name = say(e, N_("Name:"));
    l.type = say(e, N_("Type:"));
    l.ttl = say(e, N_("TTL:"));
    l.value = say(e, N_("Value:"));
    l.full = say(e, N_("Full name:"));
    l.split = say(e, N_("Longer than 255 characters: a DNS panel that "
                        "takes the strings one by one wants these:"));
    l.th_name = say(e, N_("Name"));
    l.th_type = say(e, N_("Type"));
    l.th_ttl = say(e, N_("TTL"));
    l.th_value = say(e, N_("Value"));

    s = sayf(e, N_("Mail DNS checklist for %s"), doc->shown);
    if (ops->doc_begin != NULL)
        ops->doc_begin(e, s);
    free(s);
    date_text(doc->made_at, made);
    date_text(doc->state_at, at);
    if (doc->from_saved)
        s = sayf(e, N_("Made on %1$s from the saved state (DNS last "
                       "checked %2$s)."), made, at);
    else
        s = sayf(e, N_("Made on %s, with DNS checked just now."), made);
    if (ops->para != NULL)
        ops->para(e, s, false);
    free(s);
    s = sayf(e, N_("Overall: %s"), tr->status_word(doc->overall));
    if (ops->para != NULL)
        ops->para(e, s, true);
    free(s);
    s = sayf(e, N_("Symbols: %1$s all good, %2$s warnings, %3$s problems, "
                   "%4$s could not check. Work through the items from the "
                   "top."),
             tr->status_tag(ST_OK, e->utf8), tr->status_tag(ST_WARN, e->utf8),
             tr->status_tag(ST_FAIL, e->utf8),
             tr->status_tag(ST_ERROR, e->utf8));
    if (ops->para != NULL) {
        ops->para(e, s, false);
        ops->para(e, say(e, N_("Long values are cut across lines only to "
                               "fit the page: type each one as a single "
                               "line.")), false);
    }
    free(s);
    for (size_t i = 0; i < doc->n; i++)
        walk_item(e, ops, &doc->items[i], &l);
    zone = zone_text(doc);
    if (ops->zone != NULL)
        ops->zone(e, say(e, N_("Zone snippet")),
                  zone != NULL ?
                  say(e, N_("Every record above in zone-file form, to "
                            "paste into the zone or hand to whoever runs "
                            "it:")) :
                  say(e, N_("Nothing to publish.")), zone);
    free(zone);
    if (ops->doc_end != NULL)
        ops->doc_end(e);
}

char *
export_render(const struct export_doc *doc, enum export_format fmt,
              const struct export_tr *tr, bool utf8)
{
    struct emit e;
    const struct emitter *ops;

    switch (fmt) {
    case EXPORT_MD:
        ops = &md_ops;
        utf8 = true;
        break;
    case EXPORT_HTML:
        ops = &html_ops;
        utf8 = true;
        break;
    case EXPORT_ZONE:
        ops = &zone_ops;
        break;
    case EXPORT_TXT:
    default:
        ops = &txt_ops;
        break;
    }
    strbuf_init(&e.sb);
    e.doc = doc;
    e.tr = tr;
    e.utf8 = utf8;
    walk(&e, ops);
    return strbuf_detach(&e.sb);
}
