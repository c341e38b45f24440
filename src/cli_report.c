/* cli_report.c - rendering findings and check reports (text and JSON). */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

char *
cli_finding_message(const struct finding *f)
{
    const char *a[FINDING_MAX_ARGS];
    const char *fmt;

    /* Core may pass an N_() msgid as an argument (why an address is not
     * global): translate every non-empty argument.  Other arguments (DNS
     * data) match no msgid and come back unchanged; "" must not reach
     * gettext, which returns the catalog header for it. */
    for (int i = 0; i < FINDING_MAX_ARGS; i++)
        a[i] = i < f->nargs && f->args[i][0] != '\0' ? _(f->args[i]) : "";
    if (f->msgid_plural != NULL)
        fmt = P_(f->msgid, f->msgid_plural, f->n);
    else
        fmt = _(f->msgid);
    /* Formats hold %s conversions only (msgfmt -c keeps translations in
     * line with the msgid). */
    return xasprintf(fmt, a[0], a[1], a[2], a[3], a[4], a[5]);
}

const char *
cli_finding_fix(const char *id)
{
    const struct finding_info *fi = finding_info_find(id);

    if (fi == NULL || fi->fix == NULL || fi->fix[0] == '\0')
        return NULL;
    return _(fi->fix);
}

bool
cli_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

bool
cli_color(FILE *fp)
{
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");

    if (nc != NULL && nc[0] != '\0')
        return false;
    if (term == NULL || strcmp(term, "dumb") == 0)
        return false;
    return isatty(fileno(fp));
}

const char *
cli_status_tag(enum check_status st, bool utf8)
{
    switch (st) {
    case ST_OK:
        return utf8 ? "✔" : "[ok]";
    case ST_WARN:
        return utf8 ? "▲" : "[warn]";
    case ST_FAIL:
        return utf8 ? "✘" : "[FAIL]";
    case ST_ERROR:
    default:
        return utf8 ? "?" : "[??]";
    }
}

const char *
cli_sev_tag(enum sev s, bool utf8)
{
    switch (s) {
    case SEV_INFO:
        return utf8 ? "ℹ" : "[i]";
    case SEV_WARN:
        return cli_status_tag(ST_WARN, utf8);
    case SEV_FAIL:
        return cli_status_tag(ST_FAIL, utf8);
    case SEV_ERROR:
    default:
        return cli_status_tag(ST_ERROR, utf8);
    }
}

const char *
cli_status_word(enum check_status st)
{
    switch (st) {
    case ST_OK:
        return _("OK");
    case ST_WARN:
        return _("warnings");
    case ST_FAIL:
        return _("problems found");
    case ST_ERROR:
    default:
        return _("could not check");
    }
}

static const char *
color_of(enum check_status st)
{
    switch (st) {
    case ST_OK:
        return "\033[32m";
    case ST_WARN:
        return "\033[33m";
    case ST_FAIL:
        return "\033[31m";
    case ST_ERROR:
    default:
        return "\033[35m";
    }
}

/* Print text indented, wrapping at width columns (by bytes of ASCII and
 * whole UTF-8 characters; a long word is never cut). */
void
cli_print_wrapped(FILE *fp, const char *text, int indent, int width)
{
    const char *p = text;
    int col = indent;
    int start = indent;         /* column where the line's words start */

    fprintf(fp, "%*s", indent, "");
    while (*p != '\n' && *p == ' ' && col < width / 2) {
        fputc(' ', fp);
        col++;
        p++;
    }
    start = col;
    while (*p != '\0') {
        if (*p == '\n') {
            fprintf(fp, "\n%*s", indent, "");
            col = indent;
            p++;
            /* keep a line's own indentation (trees in "display") */
            while (*p == ' ' && col < width / 2) {
                fputc(' ', fp);
                col++;
                p++;
            }
            start = col;
            continue;
        }
        const char *w = p;
        int wcols = 0;
        while (*w != '\0' && *w != ' ' && *w != '\n') {
            if (((unsigned char)*w & 0xc0) != 0x80)
                wcols++;
            w++;
        }
        if (col > start && col + 1 + wcols > width) {
            fprintf(fp, "\n%*s", start, "");
            col = start;
        } else if (col > start) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, (size_t)(w - p), fp);
        col += wcols;
        p = w;
        while (*p == ' ')
            p++;
    }
    fputc('\n', fp);
}

static const char *
jstr(const json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v != NULL ? v : "";
}

static long long
jint(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

/* One node of an SPF include tree (check_spf.c's tree JSON) and its
 * children, indented by depth. */
static void
spf_tree_text(const json_t *n, struct strbuf *sb, int indent)
{
    const char *via = json_string_value(json_object_get(n, "via"));
    const char *st = jstr(n, "status");
    const json_t *kids = json_object_get(n, "children");

    strbuf_addf(sb, "%*s", indent, "");
    if (via != NULL)
        strbuf_addf(sb, "%s -> %s", via, jstr(n, "domain"));
    else
        strbuf_adds(sb, jstr(n, "domain"));
    strbuf_adds(sb, "  [");
    if (strcmp(st, "ok") == 0)
        strbuf_addf(sb, _("lookups: %1$lld, subtotal: %2$lld"),
                    jint(n, "lookups"), jint(n, "subtotal"));
    else if (strcmp(st, "missing") == 0)
        strbuf_adds(sb, _("no SPF record"));
    else if (strcmp(st, "multiple") == 0)
        strbuf_adds(sb, _("several SPF records"));
    else if (strcmp(st, "syntax") == 0)
        strbuf_adds(sb, _("syntax error"));
    else if (strcmp(st, "dns_error") == 0)
        strbuf_addf(sb, _("DNS error: %s"), jstr(n, "dns_status"));
    else if (strcmp(st, "loop") == 0)
        strbuf_adds(sb, _("loop: not followed"));
    else if (strcmp(st, "macro") == 0)
        strbuf_adds(sb, _("depends on the sender: not followed"));
    else
        strbuf_adds(sb, _("not followed"));
    if (json_is_true(json_object_get(n, "over_limit"))) {
        strbuf_adds(sb, "; ");
        strbuf_addf(sb, _("lookup #%lld: over the limit of 10"),
                    jint(n, "lookup_number"));
    }
    strbuf_adds(sb, "]");
    strbuf_addc(sb, '\n');
    if (json_object_get(n, "record") != NULL)
        strbuf_addf(sb, "%*s  \"%s\"\n", indent, "", jstr(n, "record"));
    for (size_t i = 0; i < json_array_size(kids); i++)
        spf_tree_text(json_array_get(kids, i), sb, indent + 4);
}

char *
cli_record_text(const json_t *r)
{
    struct strbuf sb = STRBUF_INIT;
    const char *d;

    if (json_is_string(r))
        return xstrdup(json_string_value(r));
    if (json_is_array(json_object_get(r, "children"))) {
        spf_tree_text(r, &sb, 0);
        if (strcmp(jstr(r, "status"), "ok") == 0)
            strbuf_addf(&sb, _("total: %lld DNS lookups (limit 10)"),
                        jint(r, "total_lookups"));
        while (sb.len > 0 && sb.s[sb.len - 1] == '\n')
            sb.s[--sb.len] = '\0';
        return strbuf_detach(&sb);
    }
    d = json_string_value(json_object_get(r, "display"));
    return d != NULL ? xstrdup(d) : NULL;
}

void
cli_report_text(FILE *fp, struct check_ctx *ctx, const char *ulabel)
{
    bool utf8 = cli_utf8(), color = cli_color(fp);
    enum check_status all = check_run_status(ctx);
    const char *dom = ctx->opts->domain;

    if (ulabel != NULL && strcmp(ulabel, dom) != 0)
        fprintf(fp, _("Mail DNS report for %1$s (%2$s)\n"), ulabel, dom);
    else
        fprintf(fp, _("Mail DNS report for %s\n"), dom);
    fputc('\n', fp);
    for (int i = 0; i < STEP_COUNT; i++) {
        struct check_result *res = &ctx->res[i];
        const struct check_step_ops *ops = check_step_ops(i);
        enum check_status st;

        if (!res->ran || ops == NULL)
            continue;
        st = findings_status(&res->findings);
        fprintf(fp, "%s%s %s: %s%s\n", color ? color_of(st) : "",
                cli_status_tag(st, utf8), _(ops->title),
                cli_status_word(st),
                color ? "\033[0m" : "");
        size_t nrec = json_array_size(res->records);
        for (size_t k = 0; k < nrec; k++) {
            char *t = cli_record_text(json_array_get(res->records, k));

            if (t != NULL)
                cli_print_wrapped(fp, t, 4, 78);
            free(t);
        }
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            char *msg = cli_finding_message(f);
            char *line = xasprintf("%s %s", cli_sev_tag(f->sev, utf8), msg);
            const char *fix = f->sev == SEV_INFO ? NULL :
                cli_finding_fix(f->id);

            if (color)
                fputs(color_of(sev_status(f->sev)), fp);
            cli_print_wrapped(fp, line, 2, 78);
            if (color)
                fputs("\033[0m", fp);
            if (fix != NULL) {
                char *fl = xasprintf(_("Fix: %s"), fix);
                cli_print_wrapped(fp, fl, 6, 78);
                free(fl);
            }
            free(line);
            free(msg);
        }
        fputc('\n', fp);
    }
    fprintf(fp, _("Overall: %s\n"), cli_status_word(all));
}

json_t *
cli_report_json(struct check_ctx *ctx, const char *ulabel,
                long long checked_at)
{
    json_t *root = json_object(), *checks = json_array();
    char when[32];

    util_rfc3339(checked_at, when);
    json_object_set_new(root, "domain", json_string(ctx->opts->domain));
    if (ulabel != NULL && strcmp(ulabel, ctx->opts->domain) != 0)
        json_object_set_new(root, "domain_unicode", json_string(ulabel));
    json_object_set_new(root, "checked_at", json_string(when));
    json_object_set_new(root, "resolver",
                        json_string(dns_resolver_desc(ctx->dns)));
    json_object_set_new(root, "status",
                        json_string(check_status_name(
                            check_run_status(ctx))));
    for (int i = 0; i < STEP_COUNT; i++) {
        struct check_result *res = &ctx->res[i];
        const struct check_step_ops *ops = check_step_ops(i);
        json_t *c, *fa;

        if (!res->ran || ops == NULL)
            continue;
        c = json_object();
        fa = json_array();
        json_object_set_new(c, "step", json_string(ops->name));
        json_object_set_new(c, "status", json_string(check_status_name(
            findings_status(&res->findings))));
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            json_t *o = json_object();
            char *msg = cli_finding_message(f);
            const char *fix = cli_finding_fix(f->id);

            json_object_set_new(o, "id", json_string(f->id));
            json_object_set_new(o, "severity", json_string(sev_name(f->sev)));
            json_object_set_new(o, "message", json_string(msg));
            if (fix != NULL && f->sev != SEV_INFO)
                json_object_set_new(o, "fix", json_string(fix));
            json_array_append_new(fa, o);
            free(msg);
        }
        json_object_set_new(c, "findings", fa);
        json_object_set(c, "records", res->records);
        json_array_append_new(checks, c);
    }
    json_object_set_new(root, "checks", checks);
    return root;
}
