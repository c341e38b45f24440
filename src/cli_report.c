/* cli_report.c - rendering findings and check reports (text and JSON). */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/check_auth.h"
#include "mailready/present.h"
#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

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

/* Print the word at p (up to a space, a newline or the end) after a
 * space, or on a new line starting at column wrap_to when it would pass
 * width; *col is the current column, *first says no word is on this line
 * yet.  Returns the end of the word. */
static const char *
put_word(FILE *fp, const char *p, int *col, bool *first, int wrap_to,
         int width)
{
    const char *w = p + strcspn(p, " \n");
    int wcols = present_width(p, (size_t)(w - p));

    if (!*first && *col + 1 + wcols > width) {
        fprintf(fp, "\n%*s", wrap_to, "");
        *col = wrap_to;
    } else if (!*first) {
        fputc(' ', fp);
        (*col)++;
    }
    fwrite(p, 1, (size_t)(w - p), fp);
    *col += wcols;
    *first = false;
    return w;
}

/* Print text indented, wrapping at width columns (terminal columns,
 * present_width(): a wide character takes two, a combining mark none; a
 * long word is never cut). */
void
cli_print_hanging(FILE *fp, const char *text, int indent, int hang,
                  int width)
{
    const char *p = text;
    int col = indent;
    int start = indent;         /* column where the line's words start */
    bool first = true;          /* no word on this output line yet */

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
            first = true;
            continue;
        }
        /* a wrapped line hangs under the words of its first line */
        p = put_word(fp, p, &col, &first,
                     start + hang <= width - 20 ? start + hang : start,
                     width);
        while (*p == ' ')
            p++;
    }
    fputc('\n', fp);
}

void
cli_print_column(FILE *fp, const char *prefix, const char *text, int width)
{
    int start = present_width(prefix, strlen(prefix));
    int col = start;
    bool first = true;
    const char *p = text;

    if (start > width - 20)
        start = width - 20 > 0 ? width - 20 : 0;
    fputs(prefix, fp);
    while (*p != '\0') {
        while (*p == ' ' || *p == '\n')
            p++;
        if (*p == '\0')
            break;
        p = put_word(fp, p, &col, &first, start, width);
    }
    fputc('\n', fp);
}

void
cli_print_wrapped(FILE *fp, const char *text, int indent, int width)
{
    cli_print_hanging(fp, text, indent, 0, width);
}

void
cli_report_text(FILE *fp, struct check_ctx *ctx, const char *ulabel)
{
    bool utf8 = present_utf8(), color = present_color(fp);
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
                present_status_tag(st, utf8), _(ops->title),
                present_status_word(st),
                color ? "\033[0m" : "");
        size_t nrec = json_array_size(res->records);
        for (size_t k = 0; k < nrec; k++) {
            char *t = present_record_text(json_array_get(res->records, k));

            if (t != NULL)
                cli_print_hanging(fp, t, 4, 4, 78);
            free(t);
        }
        size_t nv;
        const struct auth_view *v = check_auth_views(ctx->auth, i, &nv);

        for (size_t k = 0; k < nv; k++) {
            /* Several names (the MX hosts' addresses, the PTR's host
             * name): each line says which record it is about. */
            char *t = present_propagation_named(&v[k], nv > 1);

            if (t != NULL)
                cli_print_wrapped(fp, t, 4, 78);
            free(t);
        }
        for (size_t k = 0; k < res->findings.n; k++) {
            const struct finding *f = &res->findings.v[k];
            char *msg = present_finding_message(f);
            char *line = xasprintf("%s %s", present_sev_tag(f->sev, utf8), msg);
            const char *fix = f->sev == SEV_INFO ? NULL :
                present_finding_fix(f->id);

            if (color)
                fputs(color_of(sev_status(f->sev)), fp);
            /* wrapped lines hang under the text, past the tag */
            cli_print_hanging(fp, line, 2,
                              present_width(line, strcspn(line, " ")) + 1,
                              78);
            if (color)
                fputs("\033[0m", fp);
            if (fix != NULL) {
                char *fl = xasprintf(_("Fix: %s"), fix);
                cli_print_hanging(fp, fl, 6,
                                  present_width(fl, strcspn(fl, " ")) + 1,
                                  78);
                free(fl);
            }
            free(line);
            free(msg);
        }
        fputc('\n', fp);
    }
    fprintf(fp, _("Overall: %s\n"), present_status_word(all));
}

json_t *
cli_findings_json(const struct findings *fs)
{
    json_t *a = json_array();

    for (size_t i = 0; i < fs->n; i++) {
        const struct finding *f = &fs->v[i];
        json_t *o = json_object();
        char *msg = present_finding_message(f);
        const char *fix = present_finding_fix(f->id);

        json_object_set_new(o, "id", json_string(f->id));
        json_object_set_new(o, "severity", json_string(sev_name(f->sev)));
        json_object_set_new(o, "message", json_string(msg));
        if (fix != NULL && f->sev != SEV_INFO)
            json_object_set_new(o, "fix", json_string(fix));
        json_array_append_new(a, o);
        free(msg);
    }
    return a;
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
        json_t *c;

        if (!res->ran || ops == NULL)
            continue;
        c = json_object();
        json_object_set_new(c, "step", json_string(ops->name));
        json_object_set_new(c, "status", json_string(check_status_name(
            findings_status(&res->findings))));
        json_object_set_new(c, "findings",
                            cli_findings_json(&res->findings));
        json_object_set(c, "records", res->records);
        size_t nv;
        const struct auth_view *v = check_auth_views(ctx->auth, i, &nv);

        /* The step's first name; a step reading several names (DKIM
         * with several selectors) lists the others after it. */
        /* Nothing to say when the answer is its own authority (a zone
         * file, or an authoritative server asked as the resolver), or
         * when no name server could be asked (the resolver failed, or
         * the zone's servers could not be found). */
        if (nv > 0 && !v[0].own_authority && v[0].nsrv > 0)
            json_object_set_new(c, "propagation",
                                check_auth_view_json(&v[0]));
        if (nv > 1 && !v[0].own_authority && v[0].nsrv > 0) {
            json_t *more = json_array();

            for (size_t k = 1; k < nv; k++)
                json_array_append_new(more, check_auth_view_json(&v[k]));
            json_object_set_new(c, "propagation_more", more);
        }
        json_array_append_new(checks, c);
    }
    json_object_set_new(root, "checks", checks);
    return root;
}
