/* present.c - words and sentences shared by the CLI and the wizard (see
 * present.h). */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mailready/i18n.h"
#include "mailready/present.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

char *
present_err(enum rc rc, const struct rc_err *e)
{
    char *safe[RC_ERR_MAX_ARGS] = { NULL, NULL, NULL };
    char *msg, *out;

    if (e == NULL || e->msgid == NULL)
        return xstrdup(_(rc_msgid(rc)));
    for (int i = 0; i < RC_ERR_MAX_ARGS; i++)
    {
        const char *a = i < e->nargs && e->args[i] != NULL
                        ? e->args[i] : "";
        safe[i] = str_visible(a, strlen(a));
    }
    /* The msgid is a format with %s conversions only (rc.h): pass every
     * argument; unused ones are ignored. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    msg = xasprintf(_(e->msgid), safe[0], safe[1], safe[2]);
#pragma GCC diagnostic pop
    for (int i = 0; i < RC_ERR_MAX_ARGS; i++)
        free(safe[i]);
    if (e->errnum == 0)
        return msg;
    /* TRANSLATORS: an error message, then the system's reason. */
    out = xasprintf(_("%s: %s"), msg, strerror(e->errnum));
    free(msg);
    return out;
}

char *
present_finding_message(const struct finding *f)
{
    const char *a[FINDING_MAX_ARGS];
    const char *fmt;

    /* Only the arguments the core marked as its own N_() msgids (why an
     * address is not global) are translated; DNS data never goes
     * through gettext.  "" must not reach gettext, which returns the
     * catalog header for it. */
    for (int i = 0; i < FINDING_MAX_ARGS; i++)
        a[i] = i >= f->nargs ? "" :
               (f->msgid_args & (1u << i)) && f->args[i][0] != '\0'
               ? _(f->args[i]) : f->args[i];
    if (f->msgid_plural != NULL)
        fmt = P_(f->msgid, f->msgid_plural, f->n);
    else
        fmt = _(f->msgid);
    /* Formats hold %s conversions only (msgfmt -c keeps translations in
     * line with the msgid). */
    return xasprintf(fmt, a[0], a[1], a[2], a[3], a[4], a[5]);
}

const char *
present_finding_fix(const char *id)
{
    const struct finding_info *fi = finding_info_find(id);

    if (fi == NULL || fi->fix == NULL || fi->fix[0] == '\0')
        return NULL;
    return _(fi->fix);
}

bool
present_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

bool
present_color(FILE *fp)
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
present_status_tag(enum check_status st, bool utf8)
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
present_sev_tag(enum sev s, bool utf8)
{
    switch (s) {
    case SEV_INFO:
        return utf8 ? "ℹ" : "[i]";
    case SEV_WARN:
        return present_status_tag(ST_WARN, utf8);
    case SEV_FAIL:
        return present_status_tag(ST_FAIL, utf8);
    case SEV_ERROR:
    default:
        return present_status_tag(ST_ERROR, utf8);
    }
}

const char *
present_status_word(enum check_status st)
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
present_record_text(const json_t *r)
{
    struct strbuf sb = STRBUF_INIT;
    const char *d;

    if (json_is_string(r))
        return xstrdup(json_string_value(r));
    if (json_is_array(json_object_get(r, "children"))) {
        spf_tree_text(r, &sb, 0);
        if (json_object_get(r, "cut_at") != NULL) {
            long long n = jint(r, "cut_at");

            /* the tree's bounds (check_spf.h) were reached */
            strbuf_addf(&sb, P_("include tree cut at %lld node",
                                "include tree cut at %lld nodes",
                                (unsigned long)n), n);
            strbuf_addc(&sb, '\n');
            if (strcmp(jstr(r, "status"), "ok") == 0)
                strbuf_addf(&sb, _("total: at least %lld DNS lookups "
                                   "(limit 10)"),
                            jint(r, "total_lookups"));
        } else if (strcmp(jstr(r, "status"), "ok") == 0) {
            strbuf_addf(&sb, _("total: %lld DNS lookups (limit 10)"),
                        jint(r, "total_lookups"));
        }
        while (sb.len > 0 && sb.s[sb.len - 1] == '\n')
            sb.s[--sb.len] = '\0';
        return strbuf_detach(&sb);
    }
    d = json_string_value(json_object_get(r, "display"));
    return d != NULL ? xstrdup(d) : NULL;
}


static const char *
present_gettext(const char *msgid)
{
    return _(msgid);
}

static const char *
present_ngettext(const char *msgid, const char *plural, unsigned long n)
{
    return P_(msgid, plural, n);
}

const struct export_tr present_export_tr = {
    .gettext_fn = present_gettext,
    .ngettext_fn = present_ngettext,
    .finding_message = present_finding_message,
    .status_word = present_status_word,
    .status_tag = present_status_tag,
    .sev_tag = present_sev_tag,
};
