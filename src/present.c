/* present.c - words and sentences shared by the CLI and the wizard (see
 * present.h). */
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "mailready/check_auth.h"
#include "mailready/i18n.h"
#include "mailready/plan.h"
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

char *
present_plan_why(const struct plan_change *c)
{
    const char *a0 = c->why_args[0] != NULL ? c->why_args[0] : "";
    const char *a1 = c->why_args[1] != NULL ? c->why_args[1] : "";

    return xasprintf(_(c->why), a0, a1);
}

const char *
present_plan_action(const struct plan_change *c)
{
    return c->action == PLAN_ADD ? _("add") : _("delete");
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

/* The word for a delivery probe's outcome (check_smtp.c's "result"). */
static const char *
smtp_result_word(const char *res)
{
    static const struct {
        const char *id, *msgid;
    } words[] = {
        { "done", N_("SMTP answered") },
        { "refused", N_("connection refused") },
        { "no-answer", N_("no answer to the connection") },
        { "unreachable", N_("address unreachable from here") },
        { "stalled", N_("stopped answering") },
        { "closed", N_("closed the connection") },
        { "rejected", N_("refused the session") },
        { "protocol-error", N_("did not answer as SMTP") },
        { "tls-failed", N_("TLS handshake failed") },
    };

    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (strcmp(res, words[i].id) == 0)
            return _(words[i].msgid);
    return res;
}

/* A delivery probe (check_smtp.c: host, address, port, result, banner,
 * starttls, tls_version, certificate, error; all visible-safe) in the
 * admin's language. */
static char *
smtp_record_text(const json_t *r)
{
    struct strbuf sb = STRBUF_INIT;
    const json_t *st = json_object_get(r, "starttls");
    const json_t *c = json_object_get(r, "certificate");
    const char *res = jstr(r, "result");

    strbuf_addf(&sb, "%s [%s]:%lld: %s", jstr(r, "host"),
                jstr(r, "address"), jint(r, "port"), smtp_result_word(res));
    if (json_object_get(r, "banner") != NULL)
        strbuf_addf(&sb, "\n  220 %s", jstr(r, "banner"));
    if (json_is_boolean(st))
        strbuf_addf(&sb, "\n  %s", json_is_true(st)
                    ? _("STARTTLS offered") : _("STARTTLS not offered"));
    if (json_object_get(r, "tls_version") != NULL) {
        strbuf_addf(&sb, "\n  %s", jstr(r, "tls_version"));
        if (json_object_get(c, "not_after") != NULL)
            strbuf_addf(&sb, _("; certificate for %1$s, valid until %2$s"),
                        *jstr(c, "names") != '\0' ? jstr(c, "names")
                                                   : jstr(c, "subject"),
                        jstr(c, "not_after"));
    }
    /* The time-outs in words; any other error is the system's or
     * OpenSSL's own detail, shown as it is. */
    if (strcmp(res, "no-answer") != 0 && strcmp(res, "stalled") != 0 &&
        json_object_get(r, "error") != NULL)
        strbuf_addf(&sb, "\n  %s", jstr(r, "error"));
    return strbuf_detach(&sb);
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
    if (json_object_get(r, "result") != NULL &&
        json_object_get(r, "port") != NULL)
        return smtp_record_text(r);
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

/* Each finding of s whose id is id, as "fmt" with its message, added to
 * out. */
static void
add_findings_of(const struct state_step *s, const char *id, const char *fmt,
                struct state_strs *out)
{
    bool any = false;

    for (size_t i = 0; s != NULL && i < s->n_findings; i++) {
        struct finding f;
        char *m, *line, *safe;

        if (strcmp(s->findings[i].id, id) != 0)
            continue;
        state_finding_view(&s->findings[i], &f);
        m = present_finding_message(&f);
        safe = str_safe(m, strlen(m));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        line = xasprintf(fmt, safe);
#pragma GCC diagnostic pop
        state_strs_add(out, line);
        free(line);
        free(safe);
        free(m);
        any = true;
    }
    if (!any) {
        /* Not kept with its text (an edited file): the catalog's title. */
        const struct finding_info *fi = finding_info_find(id);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        char *line = xasprintf(fmt, fi != NULL ? _(fi->title)
                                               : _("another finding"));
#pragma GCC diagnostic pop

        state_strs_add(out, line);
        free(line);
    }
}

void
present_step_changes(const struct state_step_diff *sd,
                     const struct state *old_st,
                     const struct state *new_st, int step,
                     struct state_strs *out)
{
    const struct state_step *o = old_st != NULL && sd->old_present ?
        &old_st->steps[step] : NULL;
    const struct state_step *n = new_st != NULL && sd->new_present ?
        &new_st->steps[step] : NULL;

    for (size_t k = 0; k < sd->content.n; k++) {
        struct finding f;
        char *m;

        state_note_view(&sd->content.v[k], &f);
        m = present_finding_message(&f);
        char *safe = str_safe(m, strlen(m));

        state_strs_add(out, safe);
        free(safe);
        free(m);
    }
    for (size_t k = 0; k < sd->appeared.n; k++)
        add_findings_of(n, sd->appeared.v[k], _("new: %s"), out);
    for (size_t k = 0; k < sd->gone.n; k++)
        add_findings_of(o, sd->gone.v[k], _("gone: %s"), out);
}

int
present_width(const char *s, size_t len)
{
    /* Fallbacks when wcwidth() cannot say (the C locale): the combining
     * and zero-width blocks, and the East Asian wide blocks. */
    static const unsigned long zero[][2] = {
        { 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
        { 0x05bf, 0x05bf }, { 0x05c1, 0x05c2 }, { 0x05c4, 0x05c5 },
        { 0x05c7, 0x05c7 }, { 0x0610, 0x061a }, { 0x061c, 0x061c },
        { 0x064b, 0x065f }, { 0x0670, 0x0670 }, { 0x06d6, 0x06dc },
        { 0x06df, 0x06e4 }, { 0x06e7, 0x06e8 }, { 0x06ea, 0x06ed },
        { 0x0e31, 0x0e31 }, { 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e },
        { 0x1ab0, 0x1aff }, { 0x1dc0, 0x1dff }, { 0x200b, 0x200f },
        { 0x202a, 0x202e }, { 0x2060, 0x2064 }, { 0x2066, 0x206f },
        { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f }, { 0xfe20, 0xfe2f },
        { 0xfeff, 0xfeff }, { 0xe0000, 0xe0fff },
    };
    static const unsigned long wide[][2] = {
        { 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
        { 0x2e80, 0x303e }, { 0x3041, 0x33ff }, { 0x3400, 0x4dbf },
        { 0x4e00, 0x9fff }, { 0xa000, 0xa4cf }, { 0xa960, 0xa97f },
        { 0xac00, 0xd7a3 }, { 0xf900, 0xfaff }, { 0xfe10, 0xfe19 },
        { 0xfe30, 0xfe6f }, { 0xff00, 0xff60 }, { 0xffe0, 0xffe6 },
        { 0x1f300, 0x1f64f }, { 0x1f900, 0x1f9ff }, { 0x20000, 0x2fffd },
        { 0x30000, 0x3fffd },
    };
    const unsigned char *p = (const unsigned char *)s;
    bool utf8_locale = MB_CUR_MAX > 1;
    size_t i = 0;
    int cols = 0;

    while (i < len) {
        unsigned long c;
        size_t n, k;
        int w = -1;

        if (p[i] < 0x80) {
            cols++;
            i++;
            continue;
        }
        n = p[i] >= 0xf0 && p[i] <= 0xf4 ? 4 : p[i] >= 0xe0 ? 3 :
            p[i] >= 0xc2 && p[i] <= 0xdf ? 2 : 0;
        if (n == 4 || n == 3)
            c = p[i] & (n == 4 ? 0x07u : 0x0fu);
        else
            c = p[i] & 0x1fu;
        for (k = 1; n != 0 && k < n; k++) {
            if (i + k >= len || (p[i + k] & 0xc0) != 0x80)
                n = 0;
            else
                c = (c << 6) | (p[i + k] & 0x3fu);
        }
        if (n == 0 || p[i] > 0xf4 || (n == 3 && c < 0x800) ||
            (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff)) {
            cols++;             /* not UTF-8: one byte, one column */
            i++;
            continue;
        }
        if (utf8_locale)
            w = wcwidth((wchar_t)c);
        if (w < 0) {
            w = c < 0xa0 ? 0 : 1;       /* C1 controls take none */
            for (k = 0; k < ARRAY_LEN(zero); k++)
                if (c >= zero[k][0] && c <= zero[k][1])
                    w = 0;
            for (k = 0; k < ARRAY_LEN(wide); k++)
                if (c >= wide[k][0] && c <= wide[k][1])
                    w = 2;
        }
        cols += w;
        i += n;
    }
    return cols;
}

char *
present_duration(unsigned long s)
{
    if (s < 120)
        return xasprintf(P_("%lu second", "%lu seconds", s), s);
    return xasprintf(P_("%lu minute", "%lu minutes", (s + 59) / 60),
                     (s + 59) / 60);
}

static const char *
srv_status_word(enum auth_srv_status s)
{
    switch (s) {
    case AUTH_SRV_SAME:
        return _("has the current answer");
    case AUTH_SRV_DIFFERENT:
        return _("has a different answer");
    case AUTH_SRV_MISSING:
        return _("does not have the record yet");
    case AUTH_SRV_REFUSED:
        return _("refuses to answer");
    case AUTH_SRV_LAME:
        return _("answers without authority");
    case AUTH_SRV_UNREACHABLE:
    default:
        return _("did not answer");
    }
}

char *
present_propagation(const struct auth_view *v)
{
    struct strbuf sb = STRBUF_INIT;
    bool has = v->ref_ans != NULL &&
               (v->ref_ans->status == DNS_OK ||
                dns_answer_next(v->ref_ans, DNS_T_CNAME, NULL) != NULL);
    char *dur = present_duration(v->stale_for_max_s);
    size_t n = v->nsrv;

    if (v->own_authority || n == 0) {
        free(dur);
        return NULL;
    }
    if (v->disagree && v->n_published > 0)
        strbuf_addf(&sb, P_("Published on %1$zu of %2$zu name server; the "
                            "others do not have it yet.",
                            "Published on %1$zu of %2$zu name servers; the "
                            "others do not have it yet.", n),
                    v->n_published, n);
    else if (v->disagree)
        strbuf_adds(&sb, _("The name servers do not agree yet."));
    else if (v->ref_ans == NULL)
        strbuf_adds(&sb, _("No name server gave a usable answer."));
    else if (v->resolver == AUTH_RES_STALE && has)
        strbuf_addf(&sb, P_("Published on the name server; this machine's "
                            "resolver still caches the old answer for up "
                            "to %1$s.",
                            "Published on all %2$zu name servers; this "
                            "machine's resolver still caches the old "
                            "answer for up to %1$s.", n), dur, n);
    else if (v->resolver == AUTH_RES_STALE)
        strbuf_addf(&sb, P_("Removed from the name server; this machine's "
                            "resolver still caches the old record for up "
                            "to %1$s.",
                            "Removed from all %2$zu name servers; this "
                            "machine's resolver still caches the old "
                            "record for up to %1$s.", n), dur, n);
    else if (has)
        strbuf_addf(&sb, P_("Published on the name server; this machine's "
                            "resolver sees it too.",
                            "Published on all %zu name servers; this "
                            "machine's resolver sees it too.", n), n);
    else
        strbuf_addf(&sb, P_("Not published on the name server.",
                            "Not published on any of the %zu name "
                            "servers.", n), n);
    for (size_t k = 0; k < n; k++) {
        const struct auth_server *s = &v->srv[k];

        if (s->status == AUTH_SRV_SAME && !v->disagree)
            continue;
        strbuf_adds(&sb, "\n");
        if (s->has_serial)
            strbuf_addf(&sb, _("%1$s (%2$s, serial %3$lu): %4$s"), s->name,
                        s->addr, (unsigned long)s->serial,
                        srv_status_word(s->status));
        else
            strbuf_addf(&sb, _("%1$s (%2$s): %3$s"), s->name, s->addr,
                        srv_status_word(s->status));
    }
    free(dur);
    return strbuf_detach(&sb);
}

char *
present_propagation_named(const struct auth_view *v, bool named)
{
    char *t = present_propagation(v);

    if (t != NULL && named) {
        char *name = str_visible(v->name, strlen(v->name));
        /* the msgid of the other "NAME TYPE: text" lines */
        char *l = xasprintf(_("%1$s %2$s: %3$s\n"), name,
                            dns_type_name(v->type), t);
        size_t n = strlen(l);

        if (n > 0 && l[n - 1] == '\n')
            l[n - 1] = '\0';
        free(name);
        free(t);
        t = l;
    }
    return t;
}
