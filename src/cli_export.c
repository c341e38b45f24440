/* cli_export.c - `mailready export DOMAIN [--format txt|md|html] [-o FILE]
 * [--offline]`: a printable checklist of every step, with what to do and
 * the exact records to publish, and a zone snippet of them all. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "mailready/present.h"
#include "mailready/cli.h"
#include "mailready/dns.h"
#include "mailready/export.h"
#include "mailready/gen_dkim.h"
#include "mailready/i18n.h"
#include "mailready/name.h"
#include "mailready/net.h"
#include "mailready/preset.h"
#include "mailready/state.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

/* Plain text fits this many columns. */
#define TXT_WIDTH 78

enum ex_format {
    EX_TXT,
    EX_MD,
    EX_HTML
};

/* One item of the checklist, translated, ready for any format. */
struct ex_finding {
    enum sev sev;
    char *msg;              /* owned */
    const char *fix;        /* translated, borrowed; NULL if none */
};

struct ex_item {
    int step;
    const char *title;                  /* translated */
    bool present;                       /* has a result */
    enum check_status st;
    long long checked_at, first_passed_at;
    struct ex_finding *f;
    size_t nf;
    char **notes;                       /* translated, owned */
    size_t nnotes;
    const struct gen_rrs *rrs;          /* to publish, NULL if none */
    const struct gen_rrs *elsewhere;
};

struct ex_doc {
    const char *domain;                 /* A-label */
    const char *shown;                  /* U-label if different, else
                                         * the A-label */
    long long made_at;
    bool offline;
    long long state_at;                 /* when the state was checked */
    enum check_status overall;
    struct ex_item items[STEP_COUNT];
    size_t n;
    unsigned ttl;
    bool utf8;
};

/* ---- the model ------------------------------------------------------- */

static void
item_add_note(struct ex_item *it, char *text)
{
    it->notes = xreallocarray(it->notes, it->nnotes + 1,
                              sizeof(*it->notes));
    it->notes[it->nnotes++] = text;
}

/* "SPF" for a step this version does not check. */
static const char *
step_acronym(int i)
{
    static const char *const names[STEP_COUNT] = {
        [STEP_MX] = "MX", [STEP_SPF] = "SPF", [STEP_DKIM] = "DKIM",
        [STEP_DMARC] = "DMARC", [STEP_PTR] = "PTR"
    };

    return names[i] != NULL ? names[i] : check_step_name(i);
}

static void
doc_build(struct ex_doc *doc, const struct state *st,
          const struct export_plan *plan)
{
    for (int i = 0; i < STEP_COUNT; i++) {
        const struct state_step *s = &st->steps[i];
        const struct check_step_ops *ops = check_step_ops(i);
        struct ex_item *it;

        /* Every step, built or not: the records to publish are known
         * from the answers even where this version cannot check yet. */
        it = &doc->items[doc->n++];
        memset(it, 0, sizeof(*it));
        it->step = i;
        it->title = ops != NULL ? _(ops->title) : step_acronym(i);
        it->present = s->present;
        it->st = s->present ? s->status : ST_ERROR;
        it->checked_at = s->checked_at;
        it->first_passed_at = s->first_passed_at;
        it->f = xcalloc(s->n_findings + 1, sizeof(*it->f));
        for (size_t k = 0; k < s->n_findings; k++) {
            struct finding f;

            state_finding_view(&s->findings[k], &f);
            it->f[k].sev = f.sev;
            it->f[k].msg = present_finding_message(&f);
            it->f[k].fix = f.sev == SEV_INFO ? NULL :
                present_finding_fix(f.id);
        }
        it->nf = s->n_findings;
        /* Records and notes only where something is left to do. */
        if (it->present && it->st == ST_OK)
            continue;
        if (plan->rrs[i].n > 0)
            it->rrs = &plan->rrs[i];
        if (plan->elsewhere[i].n > 0)
            it->elsewhere = &plan->elsewhere[i];
        for (size_t k = 0; k < plan->notes[i].n; k++)
            item_add_note(it, present_finding_message(&plan->notes[i].v[k]));
    }
    doc->overall = state_status(st);
    for (size_t i = 0; i < doc->n; i++)
        if (!doc->items[i].present)
            doc->overall = check_status_worse(doc->overall, ST_ERROR);
}

static void
doc_fini(struct ex_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++) {
        struct ex_item *it = &doc->items[i];

        for (size_t k = 0; k < it->nf; k++)
            free(it->f[k].msg);
        free(it->f);
        for (size_t k = 0; k < it->nnotes; k++)
            free(it->notes[k]);
        free(it->notes);
    }
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

static const char *
item_symbol(const struct ex_item *it, bool utf8)
{
    return present_status_tag(it->present ? it->st : ST_ERROR, utf8);
}

static const char *
item_word(const struct ex_item *it)
{
    return it->present ? present_status_word(it->st) : _("not checked yet");
}

static bool
item_done(const struct ex_item *it)
{
    return it->present && it->st == ST_OK;
}

/* A passing step lists only remarks, not things to do. */
static const char *
list_heading(const struct ex_item *it)
{
    return item_done(it) ? _("Nothing to do; notes:") : _("What to do:");
}

/* Every record to publish in the domain's zone, in step order. */
static bool
doc_has_records(const struct ex_doc *doc)
{
    for (size_t i = 0; i < doc->n; i++)
        if (doc->items[i].rrs != NULL)
            return true;
    return false;
}

static void
made_line(const struct ex_doc *doc, char **out)
{
    char made[40], at[40];

    date_text(doc->made_at, made);
    date_text(doc->state_at, at);
    if (doc->offline)
        *out = xasprintf(_("Made on %1$s from the saved state (DNS last "
                           "checked %2$s)."), made, at);
    else
        *out = xasprintf(_("Made on %s, with DNS checked just now."), made);
}

static char *
legend(bool utf8)
{
    return xasprintf(_("Symbols: %1$s all good, %2$s warnings, %3$s "
                       "problems, %4$s could not check. Work through the "
                       "items from the top."),
                     present_status_tag(ST_OK, utf8),
                     present_status_tag(ST_WARN, utf8),
                     present_status_tag(ST_FAIL, utf8),
                     present_status_tag(ST_ERROR, utf8));
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

    if ((int)fc <= indent) {
        strbuf_addf(sb, "%*s%s", indent - (int)fc, "", first);
    } else {
        strbuf_addf(sb, "%s\n%*s", first, indent, "");
    }
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

static void
txt_records(struct strbuf *sb, const struct ex_doc *doc,
            const struct gen_rrs *rrs)
{
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        char *rel = export_relative_name(rr->owner, doc->domain);
        char **split = NULL;
        size_t nsplit = rr->type == DNS_T_TXT ?
            export_panel_split(rr->rdata, &split) : 0;
        char ttl[16];
        /* TRANSLATORS: labels of a record, padded by the program to
         * line up; keep them short (at most 12 columns). */
        const char *ln = _("Name:"), *lt = _("Type:"), *ll = _("TTL:");
        const char *lv = _("Value:"), *lf = _("Full name:");
        const char *all[] = { ln, lt, ll, lv, lf };
        int col = 20;

        /* Values start one column after the longest label. */
        for (size_t a = 0; a < ARRAY_LEN(all); a++) {
            int c = 6 + (int)cols(all[a], strlen(all[a])) + 1;
            if (c > col)
                col = c;
        }
        if (col > 40)
            col = 40;

        snprintf(ttl, sizeof(ttl), "%u", doc->ttl);
        char *l1 = xasprintf("      %s ", ln);
        txt_value(sb, l1, col, rel);
        free(l1);
        if (strcmp(rel, "@") == 0 || rel[strlen(rel) - 1] != '.') {
            char *full = xasprintf("%s.", rr->owner);
            char *l = xasprintf("      %s ", lf);
            txt_value(sb, l, col, full);
            free(l);
            free(full);
        }
        char *l2 = xasprintf("      %s ", lt);
        txt_value(sb, l2, col, gen_type_name(rr->type));
        free(l2);
        char *l3 = xasprintf("      %s ", ll);
        txt_value(sb, l3, col, ttl);
        free(l3);
        char *l4 = xasprintf("      %s ", lv);
        txt_value(sb, l4, col, rr->rdata);
        free(l4);
        if (nsplit > 0) {
            txt_wrap(sb, "", 6, _("Longer than 255 characters: a DNS "
                                  "panel that takes the strings one by "
                                  "one wants these:"));
            for (size_t c = 0; c < nsplit; c++) {
                char *num = xasprintf("      %zu. ", c + 1);
                txt_value(sb, num, 10, split[c]);
                free(num);
            }
        }
        if (rr->note != NULL)
            txt_wrap(sb, "", 6, _(rr->note));
        if (k + 1 < rrs->n)
            strbuf_addc(sb, '\n');
        export_chunks_free(split, nsplit);
        free(rel);
    }
}

static void
render_zone(struct strbuf *sb, const struct ex_doc *doc)
{
    strbuf_addf(sb, "$TTL %u\n", doc->ttl);
    for (size_t i = 0; i < doc->n; i++) {
        const struct ex_item *it = &doc->items[i];

        if (it->rrs == NULL)
            continue;
        strbuf_addf(sb, "; %s\n", check_step_name(it->step));
        for (size_t k = 0; k < it->rrs->n; k++) {
            char *line = export_zone_record(&it->rrs->v[k], doc->ttl,
                                            EXPORT_ZONE_CHUNK, 4);
            strbuf_addf(sb, "%s\n", line);
            free(line);
        }
    }
}

static void
render_txt(struct strbuf *sb, const struct ex_doc *doc)
{
    char *title = xasprintf(_("Mail DNS checklist for %s"), doc->shown);
    char *made, *leg = legend(doc->utf8);
    size_t tl = cols(title, strlen(title));

    strbuf_addf(sb, "%s\n", title);
    for (size_t i = 0; i < tl && i < TXT_WIDTH; i++)
        strbuf_addc(sb, '=');
    strbuf_addc(sb, '\n');
    made_line(doc, &made);
    txt_wrap(sb, "", 0, made);
    char *ov = xasprintf(_("Overall: %s"), present_status_word(doc->overall));
    txt_wrap(sb, "", 0, ov);
    free(ov);
    txt_wrap(sb, "", 0, leg);
    txt_wrap(sb, "", 0, _("Long values are cut across lines only to fit "
                          "the page: type each one as a single line."));
    strbuf_addc(sb, '\n');
    for (size_t i = 0; i < doc->n; i++) {
        const struct ex_item *it = &doc->items[i];
        char when[40];

        /* TRANSLATORS: a checklist item: step title and its state. */
        char *head = xasprintf(_("%1$s: %2$s"), it->title, item_word(it));
        char *box = xasprintf("%s %s ", item_done(it) ? "[x]" : "[ ]",
                              item_symbol(it, doc->utf8));
        txt_wrap(sb, box, (int)cols(box, strlen(box)), head);
        free(box);
        free(head);
        if (it->present) {
            date_text(it->checked_at, when);
            char *l = xasprintf(_("Last checked: %s"), when);
            txt_wrap(sb, "", 4, l);
            free(l);
            if (it->first_passed_at > 0) {
                date_text(it->first_passed_at, when);
                l = xasprintf(_("First passed: %s"), when);
                txt_wrap(sb, "", 4, l);
                free(l);
            }
        }
        if (it->nf > 0 || it->nnotes > 0) {
            txt_wrap(sb, "", 4, list_heading(it));
            for (size_t k = 0; k < it->nf; k++) {
                char *tag = xasprintf("%s ", present_sev_tag(it->f[k].sev,
                                                         doc->utf8));
                txt_wrap(sb, tag, 8, it->f[k].msg);
                free(tag);
                if (it->f[k].fix != NULL) {
                    char *fx = xasprintf(_("Fix: %s"), it->f[k].fix);
                    txt_wrap(sb, "", 8, fx);
                    free(fx);
                }
            }
            for (size_t k = 0; k < it->nnotes; k++)
                txt_wrap(sb, "- ", 8, it->notes[k]);
        } else if (item_done(it)) {
            txt_wrap(sb, "", 4, _("Nothing to do."));
        }
        if (it->rrs != NULL) {
            txt_wrap(sb, "", 4, _("Records to publish in your zone:"));
            txt_records(sb, doc, it->rrs);
        }
        if (it->elsewhere != NULL) {
            txt_wrap(sb, "", 4, _("Records someone else publishes:"));
            txt_records(sb, doc, it->elsewhere);
        }
        strbuf_addc(sb, '\n');
    }
    txt_wrap(sb, "", 0, _("Zone snippet"));
    strbuf_adds(sb, "------------\n");
    if (doc_has_records(doc)) {
        txt_wrap(sb, "", 0, _("Every record above in zone-file form, to "
                              "paste into the zone or hand to whoever "
                              "runs it:"));
        strbuf_addc(sb, '\n');
        render_zone(sb, doc);
    } else {
        txt_wrap(sb, "", 0, _("Nothing to publish."));
    }
    free(made);
    free(leg);
    free(title);
}

/* ---- Markdown --------------------------------------------------------- */

/* Text safe in Markdown prose (forges render GFM). */
static void
md_text(struct strbuf *sb, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '\\': case '`': case '*': case '_': case '[': case ']':
        case '<': case '>': case '|': case '~': case '#':
            strbuf_addc(sb, '\\');
            strbuf_addc(sb, *s);
            break;
        case '&':
            strbuf_adds(sb, "&amp;");
            break;
        case '\n':
            strbuf_adds(sb, "  \n");
            break;
        default:
            strbuf_addc(sb, *s);
        }
    }
}

/* A code span inside a table cell. */
static void
md_code(struct strbuf *sb, const char *s)
{
    bool tick = strchr(s, '`') != NULL;

    strbuf_adds(sb, tick ? "`` " : "`");
    for (; *s != '\0'; s++) {
        if (*s == '|')
            strbuf_adds(sb, "\\|");
        else
            strbuf_addc(sb, *s);
    }
    strbuf_adds(sb, tick ? " ``" : "`");
}

static void
md_records(struct strbuf *sb, const struct ex_doc *doc,
           const struct gen_rrs *rrs)
{
    strbuf_addf(sb, "| %s | %s | %s | %s |\n| --- | --- | --- | --- |\n",
                _("Name"), _("Type"), _("TTL"), _("Value"));
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        char *rel = export_relative_name(rr->owner, doc->domain);

        strbuf_adds(sb, "| ");
        md_code(sb, rel);
        if (rel[strlen(rel) - 1] != '.') {
            char *full = xasprintf("%s.", rr->owner);
            strbuf_adds(sb, " (");
            md_code(sb, full);
            strbuf_adds(sb, ")");
            free(full);
        }
        strbuf_addf(sb, " | %s | %u | ", gen_type_name(rr->type), doc->ttl);
        md_code(sb, rr->rdata);
        strbuf_adds(sb, " |\n");
        free(rel);
    }
    strbuf_addc(sb, '\n');
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        char **split = NULL;
        size_t nsplit = rr->type == DNS_T_TXT ?
            export_panel_split(rr->rdata, &split) : 0;

        if (rr->note != NULL) {
            strbuf_adds(sb, "> ");
            md_text(sb, _(rr->note));
            strbuf_adds(sb, "\n\n");
        }
        if (nsplit > 0) {
            md_text(sb, _("Longer than 255 characters: a DNS panel that "
                          "takes the strings one by one wants these:"));
            strbuf_adds(sb, "\n\n```\n");
            for (size_t c = 0; c < nsplit; c++)
                strbuf_addf(sb, "%s\n", split[c]);
            strbuf_adds(sb, "```\n\n");
        }
        export_chunks_free(split, nsplit);
    }
}

static void
render_md(struct strbuf *sb, const struct ex_doc *doc)
{
    char *title = xasprintf(_("Mail DNS checklist for %s"), doc->shown);
    char *made, *leg = legend(doc->utf8);

    strbuf_adds(sb, "# ");
    md_text(sb, title);
    strbuf_adds(sb, "\n\n");
    made_line(doc, &made);
    md_text(sb, made);
    strbuf_adds(sb, "\n\n**");
    char *ov = xasprintf(_("Overall: %s"), present_status_word(doc->overall));
    md_text(sb, ov);
    free(ov);
    strbuf_adds(sb, "**\n\n");
    md_text(sb, leg);
    strbuf_adds(sb, "\n\n");
    for (size_t i = 0; i < doc->n; i++) {
        const struct ex_item *it = &doc->items[i];
        char when[40];
        char *head = xasprintf(_("%1$s: %2$s"), it->title, item_word(it));

        strbuf_addf(sb, "## %s ", item_symbol(it, doc->utf8));
        md_text(sb, head);
        free(head);
        strbuf_addf(sb, "\n\n- [%c] ", item_done(it) ? 'x' : ' ');
        if (it->present) {
            date_text(it->checked_at, when);
            char *l = xasprintf(_("Last checked: %s"), when);
            md_text(sb, l);
            free(l);
            if (it->first_passed_at > 0) {
                date_text(it->first_passed_at, when);
                l = xasprintf(_("First passed: %s"), when);
                strbuf_adds(sb, " · ");
                md_text(sb, l);
                free(l);
            }
        } else {
            md_text(sb, _("Not checked yet."));
        }
        strbuf_adds(sb, "\n\n");
        if (it->nf > 0 || it->nnotes > 0) {
            strbuf_adds(sb, "**");
            md_text(sb, list_heading(it));
            strbuf_adds(sb, "**\n\n");
            for (size_t k = 0; k < it->nf; k++) {
                strbuf_addf(sb, "- %s ", present_sev_tag(it->f[k].sev,
                                                     doc->utf8));
                md_text(sb, it->f[k].msg);
                if (it->f[k].fix != NULL) {
                    char *fx = xasprintf(_("Fix: %s"), it->f[k].fix);
                    strbuf_adds(sb, "  \n  *");
                    md_text(sb, fx);
                    strbuf_adds(sb, "*");
                    free(fx);
                }
                strbuf_addc(sb, '\n');
            }
            for (size_t k = 0; k < it->nnotes; k++) {
                strbuf_adds(sb, "- ");
                md_text(sb, it->notes[k]);
                strbuf_addc(sb, '\n');
            }
            strbuf_addc(sb, '\n');
        } else if (item_done(it)) {
            md_text(sb, _("Nothing to do."));
            strbuf_adds(sb, "\n\n");
        }
        if (it->rrs != NULL) {
            strbuf_adds(sb, "**");
            md_text(sb, _("Records to publish in your zone:"));
            strbuf_adds(sb, "**\n\n");
            md_records(sb, doc, it->rrs);
        }
        if (it->elsewhere != NULL) {
            strbuf_adds(sb, "**");
            md_text(sb, _("Records someone else publishes:"));
            strbuf_adds(sb, "**\n\n");
            md_records(sb, doc, it->elsewhere);
        }
    }
    strbuf_adds(sb, "## ");
    md_text(sb, _("Zone snippet"));
    strbuf_adds(sb, "\n\n");
    if (doc_has_records(doc)) {
        md_text(sb, _("Every record above in zone-file form, to paste into "
                      "the zone or hand to whoever runs it:"));
        strbuf_adds(sb, "\n\n```\n");
        render_zone(sb, doc);
        strbuf_adds(sb, "```\n");
    } else {
        md_text(sb, _("Nothing to publish."));
        strbuf_addc(sb, '\n');
    }
    free(made);
    free(leg);
    free(title);
}

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
html_records(struct strbuf *sb, const struct ex_doc *doc,
             const struct gen_rrs *rrs)
{
    strbuf_adds(sb, "<table><colgroup><col class=\"n\"><col class=\"t\">"
                "<col class=\"l\"><col></colgroup>\n<thead><tr><th>");
    html_text(sb, _("Name"));
    strbuf_adds(sb, "</th><th>");
    html_text(sb, _("Type"));
    strbuf_adds(sb, "</th><th>");
    html_text(sb, _("TTL"));
    strbuf_adds(sb, "</th><th>");
    html_text(sb, _("Value"));
    strbuf_adds(sb, "</th></tr></thead><tbody>\n");
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        char *rel = export_relative_name(rr->owner, doc->domain);

        strbuf_adds(sb, "<tr><td><code>");
        html_text(sb, rel);
        strbuf_adds(sb, "</code>");
        if (rel[strlen(rel) - 1] != '.') {
            strbuf_adds(sb, "<br><small><code>");
            html_text(sb, rr->owner);
            strbuf_adds(sb, ".</code></small>");
        }
        strbuf_addf(sb, "</td><td>%s</td><td>%u</td><td><code>",
                    gen_type_name(rr->type), doc->ttl);
        html_text(sb, rr->rdata);
        strbuf_adds(sb, "</code></td></tr>\n");
        free(rel);
    }
    strbuf_adds(sb, "</tbody></table>\n");
    for (size_t k = 0; k < rrs->n; k++) {
        const struct gen_rr *rr = &rrs->v[k];
        char **split = NULL;
        size_t nsplit = rr->type == DNS_T_TXT ?
            export_panel_split(rr->rdata, &split) : 0;

        if (rr->note != NULL) {
            strbuf_adds(sb, "<p class=\"note\">");
            html_text(sb, _(rr->note));
            strbuf_adds(sb, "</p>\n");
        }
        if (nsplit > 0) {
            strbuf_adds(sb, "<p>");
            html_text(sb, _("Longer than 255 characters: a DNS panel that "
                            "takes the strings one by one wants these:"));
            strbuf_adds(sb, "</p><ol class=\"split\">");
            for (size_t c = 0; c < nsplit; c++) {
                strbuf_adds(sb, "<li><code>");
                html_text(sb, split[c]);
                strbuf_adds(sb, "</code></li>");
            }
            strbuf_adds(sb, "</ol>\n");
        }
        export_chunks_free(split, nsplit);
    }
}

static void
render_html(struct strbuf *sb, const struct ex_doc *doc)
{
    char *title = xasprintf(_("Mail DNS checklist for %s"), doc->shown);
    char *made, *leg = legend(true);

    strbuf_addf(sb, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
                "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                "content=\"width=device-width, initial-scale=1\">\n"
                "<title>", i18n_lang());
    html_text(sb, title);
    strbuf_addf(sb, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
                html_style);
    html_text(sb, title);
    strbuf_adds(sb, "</h1>\n<p>");
    made_line(doc, &made);
    html_text(sb, made);
    strbuf_adds(sb, "<br><strong>");
    char *ov = xasprintf(_("Overall: %s"), present_status_word(doc->overall));
    html_text(sb, ov);
    free(ov);
    strbuf_adds(sb, "</strong></p>\n<p>");
    html_text(sb, leg);
    strbuf_adds(sb, "</p>\n");
    for (size_t i = 0; i < doc->n; i++) {
        const struct ex_item *it = &doc->items[i];
        char when[40];
        char *head = xasprintf(_("%1$s: %2$s"), it->title, item_word(it));

        strbuf_addf(sb, "<section class=\"item %s\" id=\"%s\">\n<h2>"
                    "<span class=\"box\">%s</span> <span class=\"sym\">"
                    "%s</span> ",
                    check_status_name(it->present ? it->st : ST_ERROR),
                    check_step_name(it->step),
                    item_done(it) ? "[x]" : "[&nbsp;]",
                    item_symbol(it, true));
        html_text(sb, head);
        free(head);
        strbuf_adds(sb, "</h2>\n<p class=\"when\">");
        if (it->present) {
            date_text(it->checked_at, when);
            char *l = xasprintf(_("Last checked: %s"), when);
            html_text(sb, l);
            free(l);
            if (it->first_passed_at > 0) {
                date_text(it->first_passed_at, when);
                l = xasprintf(_("First passed: %s"), when);
                strbuf_adds(sb, " &middot; ");
                html_text(sb, l);
                free(l);
            }
        }
        strbuf_adds(sb, "</p>\n");
        if (it->nf > 0 || it->nnotes > 0) {
            strbuf_adds(sb, "<h3>");
            html_text(sb, list_heading(it));
            strbuf_adds(sb, "</h3>\n<ul>\n");
            for (size_t k = 0; k < it->nf; k++) {
                strbuf_addf(sb, "<li><span class=\"sym\">%s</span> ",
                            present_sev_tag(it->f[k].sev, true));
                html_text(sb, it->f[k].msg);
                if (it->f[k].fix != NULL) {
                    char *fx = xasprintf(_("Fix: %s"), it->f[k].fix);
                    strbuf_adds(sb, "<div class=\"fix\">");
                    html_text(sb, fx);
                    strbuf_adds(sb, "</div>");
                    free(fx);
                }
                strbuf_adds(sb, "</li>\n");
            }
            for (size_t k = 0; k < it->nnotes; k++) {
                strbuf_adds(sb, "<li>");
                html_text(sb, it->notes[k]);
                strbuf_adds(sb, "</li>\n");
            }
            strbuf_adds(sb, "</ul>\n");
        } else if (item_done(it)) {
            strbuf_adds(sb, "<p>");
            html_text(sb, _("Nothing to do."));
            strbuf_adds(sb, "</p>\n");
        }
        if (it->rrs != NULL) {
            strbuf_adds(sb, "<h3>");
            html_text(sb, _("Records to publish in your zone:"));
            strbuf_adds(sb, "</h3>\n");
            html_records(sb, doc, it->rrs);
        }
        if (it->elsewhere != NULL) {
            strbuf_adds(sb, "<h3>");
            html_text(sb, _("Records someone else publishes:"));
            strbuf_adds(sb, "</h3>\n");
            html_records(sb, doc, it->elsewhere);
        }
        strbuf_adds(sb, "</section>\n");
    }
    strbuf_adds(sb, "<h2 id=\"zone\">");
    html_text(sb, _("Zone snippet"));
    strbuf_adds(sb, "</h2>\n<p>");
    if (doc_has_records(doc)) {
        struct strbuf z = STRBUF_INIT;

        html_text(sb, _("Every record above in zone-file form, to paste "
                        "into the zone or hand to whoever runs it:"));
        strbuf_adds(sb, "</p>\n<pre class=\"zone\">");
        render_zone(&z, doc);
        html_text(sb, strbuf_str(&z));
        strbuf_fini(&z);
        strbuf_adds(sb, "</pre>\n");
    } else {
        html_text(sb, _("Nothing to publish."));
        strbuf_adds(sb, "</p>\n");
    }
    strbuf_adds(sb, "</body>\n</html>\n");
    free(made);
    free(leg);
    free(title);
}

/* ---- the command ------------------------------------------------------- */

static bool
write_output(const char *path, const struct strbuf *sb)
{
    mode_t um = umask(0);
    char *err = NULL;

    umask(um);
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(sb->s != NULL ? sb->s : "", 1, sb->len, stdout) !=
            sb->len || fflush(stdout) != 0) {
            fprintf(stderr, _("mailready: cannot write the checklist to "
                              "standard output\n"));
            return false;
        }
        return true;
    }
    if (state_write_file(path, sb->s != NULL ? sb->s : "", sb->len,
                         0666 & ~(unsigned)um, &err) != RC_OK) {
        fprintf(stderr, _("mailready: cannot write the checklist: %s\n"),
                err != NULL ? err : path);
        free(err);
        return false;
    }
    return true;
}

static struct preset_list *
presets_load(void)
{
    char *path = preset_path(i18n_datadir()), *err = NULL;
    struct preset_list *l = NULL;

    if (preset_load(path, &l, &err) != RC_OK) {
        fprintf(stderr, _("mailready: provider presets not loaded (%s); "
                          "records that depend on a provider are left "
                          "out\n"), err != NULL ? err : path);
        l = NULL;
    }
    free(err);
    free(path);
    return l;
}

static bool
format_parse(const char *s, enum ex_format *out)
{
    enum ex_format f;

    if (strcmp(s, "txt") == 0 || strcmp(s, "text") == 0)
        f = EX_TXT;
    else if (strcmp(s, "md") == 0 || strcmp(s, "markdown") == 0)
        f = EX_MD;
    else if (strcmp(s, "html") == 0)
        f = EX_HTML;
    else
        return false;
    if (out != NULL)
        *out = f;
    return true;
}

bool
cli_export_write(const struct state *st, const char *alabel,
                 const char *ulabel, const char *format, bool from_saved,
                 const char *path)
{
    struct preset_list *presets;
    struct export_plan plan;
    struct ex_doc doc;
    struct strbuf sb = STRBUF_INIT;
    enum ex_format fmt = EX_TXT;
    bool ok;

    if (format != NULL && !format_parse(format, &fmt)) {
        fprintf(stderr, _("mailready: --format takes txt, md or html, not "
                          "'%s'\n"), format);
        return false;
    }
    presets = presets_load();
    export_plan_build(alabel, &st->answers, presets, &plan);
    memset(&doc, 0, sizeof(doc));
    doc.domain = alabel;
    doc.shown = ulabel != NULL ? ulabel : alabel;
    doc.made_at = (long long)time(NULL);
    doc.offline = from_saved;
    doc.state_at = st->checked_at;
    doc.ttl = plan.ttl;
    doc.utf8 = fmt != EX_TXT || present_utf8();
    doc_build(&doc, st, &plan);
    if (fmt == EX_HTML)
        render_html(&sb, &doc);
    else if (fmt == EX_MD)
        render_md(&sb, &doc);
    else
        render_txt(&sb, &doc);
    ok = write_output(path, &sb);
    strbuf_fini(&sb);
    doc_fini(&doc);
    export_plan_fini(&plan);
    preset_list_free(presets);
    return ok;
}

/* What export takes besides the common options. */
struct export_args {
    bool offline;
    const char *format;
    const char *output;
};

static bool
format_ok(const char *v)
{
    return format_parse(v, NULL);
}

static const struct cli_opt export_own[] = {
    {
        .name = "--format", .arg = CLI_ARG_STR, .metavar = "txt|md|html",
        .dest = CLI_DEST_CMD, .off = offsetof(struct export_args, format),
        .valid = format_ok,
        .bad = N_("mailready: --format takes txt, md or html, not '%s'\n"),
        .help = N_("plain text (default), Markdown, or HTML for\n"
                   "printing"),
    },
    {
        .name = "--output", .alias = "-o", .arg = CLI_ARG_STR,
        .metavar = N_("FILE"),
        .dest = CLI_DEST_CMD, .off = offsetof(struct export_args, output),
        .help = N_("write to FILE instead of standard output"),
    },
    {
        .name = "--offline", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct export_args, offline),
        .help = N_("use the saved state instead of checking DNS again"),
    },
};

static const struct cli_opt *const export_shared[] = {
    &cli_opt_server_ip, &cli_opt_selector, &cli_opt_hostname,
    &cli_opt_dkim_key, CLI_OPTS_DNS, &cli_opt_lang, &cli_opt_state_dir,
};

static const struct cli_cmd export_cmd = {
    .name = "export",
    .usage = N_("Usage: mailready export DOMAIN [OPTION]...\n"
                "Write a printable checklist for DOMAIN: every step with its "
                "state, the date\n"
                "it was last checked, what to do and the records to publish, "
                "with a zone\n"
                "snippet of them all.\n"),
    .own = export_own,
    .nown = ARRAY_LEN(export_own),
    .shared = export_shared,
    .nshared = ARRAY_LEN(export_shared),
    .max_args = 1,
    .epilogue = N_("Exit status: 0 written, 3 error.\n"),
};

int
cli_export(int argc, char **argv)
{
    struct cli_common com;
    struct check_opts opts;
    struct cli_target tg;
    struct export_args ea = { false, NULL, NULL };
    struct cli_args pa = { .com = &com, .tg = &tg, .cmd = &ea };
    const char *domain_arg, *output;
    bool offline, can_save = true;
    char *alabel = NULL, *ulabel = NULL;
    struct dns *dns = NULL;
    struct state *old = NULL, *cur = NULL;
    const char *fmt_name = "txt";
    int r, ret = CLI_EXIT_ERROR;

    cli_common_init(&com);
    memset(&opts, 0, sizeof(opts));
    memset(&tg, 0, sizeof(tg));
    r = cli_parse(&export_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    if (pa.nargs == 0) {
        cli_help(stderr, &export_cmd);
        return CLI_EXIT_ERROR;
    }
    domain_arg = pa.args[0];
    output = ea.output;
    offline = ea.offline;
    if (ea.format != NULL)
        fmt_name = ea.format;
    if (!cli_domain(domain_arg, &alabel, &ulabel))
        return CLI_EXIT_ERROR;
    opts.hostname = tg.hostname;
    opts.dkim_key = tg.dkim_key;

    old = cli_state_load(&com, alabel, &can_save);
    if (old != NULL)
        cli_answers_defaults(&old->answers, tg.ips, &tg.nips,
                             ARRAY_LEN(tg.ips), tg.sels, &tg.nsels,
                             ARRAY_LEN(tg.sels), &opts);
    opts.domain = alabel;
    opts.server_ips = tg.ips;
    opts.n_server_ips = tg.nips;
    opts.selectors = tg.sels;
    opts.n_selectors = tg.nsels;
    opts.datadir = i18n_datadir();
    if (offline) {
        if (old == NULL || old->checked_at == 0) {
            fprintf(stderr, _("mailready: nothing is saved for %1$s: run "
                              "mailready check %1$s --save first, or "
                              "export without --offline\n"), alabel);
            goto out;
        }
        cur = state_clone(old);
    } else {
        struct check_ctx ctx;

        dns = cli_dns_new(&com);
        if (dns == NULL)
            goto out;
        check_ctx_init(&ctx, dns, &opts);
        check_run_all(&ctx, CHECK_ALL_STEPS);
        cur = old != NULL ? state_clone(old) : state_new(alabel);
        state_update_from_ctx(cur, &ctx, time(NULL));
        check_ctx_fini(&ctx);
    }
    cli_answers_store(&cur->answers, &opts);

    if (cli_export_write(cur, alabel, ulabel, fmt_name, offline, output))
        ret = CLI_EXIT_OK;
out:
    state_free(old);
    state_free(cur);
    dns_free(dns);
    free(alabel);
    free(ulabel);
    return ret;
}
